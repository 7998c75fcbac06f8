"""Tests for :mod:`initiative_lib.build.fetch`.

The tests copy source files from the offline mirror (``../shared/corpora``)
and are skipped without it. The network is never used: the download path is
exercised against a local HTTP server in ``test_fetch_http.py``.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from helpers import MIRROR

from initiative_lib.build import from_mirror as build
from initiative_lib.build.fetch import fetch_texts, read_full_text, read_sources
from initiative_lib.build.sources import netmundial
from initiative_lib.cli import main
from initiative_lib.corpus import schema
from initiative_lib.corpus.load import read_manifest
from initiative_lib.errors import ChecksumError, CorpusError
from initiative_lib.text.cleaning import clean_text
from initiative_lib.text.segments import segment_text
from initiative_lib.text.tokens import count_segment

pytestmark = [
    pytest.mark.mirror,
    pytest.mark.skipif(not MIRROR.is_dir(), reason=f"offline mirror {MIRROR} not available"),
]

N_STRATEGIES = 3
#: a NETmundial submission whose form repeats nothing of its attachment, and one whose form does
NM_PLAIN, NM_REPEATED = "001", "002"


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus built from part of the mirror: the build's code, fewer strategies and submissions."""
    out = tmp_path_factory.mktemp("small-corpus")
    catalogue = build.read_catalogue()
    chosen = [r for r in catalogue if r["include"] == "true"][:N_STRATEGIES]
    chosen += [r for r in catalogue if r["include"] == "false"][:1]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(build, "read_catalogue", lambda *args, **kwargs: chosen)
        mp.setattr(netmundial, "submission_ids", lambda folder: [NM_PLAIN, NM_REPEATED])
        mp.setattr(build, "UNGDC_DIR", "not-built-here")  # no test here reads the General Debate part
        build.build_corpus(MIRROR, out)
    return out


@pytest.fixture
def sources(small_corpus: Path) -> list[dict[str, str]]:
    return read_sources(small_corpus)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def doc_ids_of(corpus: Path, group: str) -> list[str]:
    manifest = read_manifest(corpus)
    return manifest.loc[manifest["group"] == group, "doc_id"].tolist()


# ---------------------------------------------------------------- fetch_texts
def test_fetch_from_mirror_verifies_and_caches(
    small_corpus: Path, sources: list[dict[str, str]], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    paths = fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus)
    assert set(paths) == {r["source_path"] for r in sources}
    for row in sources:
        path = paths[row["source_path"]]
        assert path == (cache / row["source_path"]).resolve()
        assert sha256(path) == row["source_sha256"]
        assert path.stat().st_size == int(row["n_bytes"])
    assert files_under(cache) == sorted(paths)  # no temporary files left


def test_fetch_selected_documents(small_corpus: Path, sources: list[dict[str, str]], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    paths = fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus, doc_ids=["decl-barlow-1996"])
    assert list(paths) == [r["source_path"] for r in sources if r["doc_id"] == "decl-barlow-1996"]
    nm = f"nm-{NM_PLAIN}"
    paths = fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus, doc_ids=nm)  # one id as a string
    assert sorted(paths) == sorted(r["source_path"] for r in sources if r["doc_id"] == nm)
    assert len(paths) == 2
    # a document that ships as text has no source files
    assert fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus, doc_ids=[build.INITIATIVE_ID]) == {}


def test_fetch_unknown_doc_id(small_corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    ids = ["decl-barlow-1996", "no-such-doc"]
    with pytest.raises(CorpusError, match=r"doc_id 'no-such-doc' is not in .*documents\.csv"):
        fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus, doc_ids=ids)
    assert files_under(cache) == []


def test_fetch_missing_mirror_folder(small_corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"mirror folder .*no-mirror does not exist"):
        fetch_texts(cache_dir=tmp_path / "cache", mirror=tmp_path / "no-mirror", corpus_dir=small_corpus)


def test_fetch_file_missing_from_mirror(small_corpus: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    with pytest.raises(CorpusError, match=r"barlow-declaration-1996-blogpost\.md: source file missing from the mirror"):
        fetch_texts(cache_dir=tmp_path / "cache", mirror=empty, corpus_dir=small_corpus, doc_ids=["decl-barlow-1996"])


def test_already_cached_files_are_skipped(small_corpus: Path, sources: list[dict[str, str]], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus)
    stamps = {rel: path.stat().st_mtime_ns for rel, path in first.items()}
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    # nothing is read from the (empty) mirror: every file is already cached with the right hash
    second = fetch_texts(cache_dir=cache, mirror=empty, corpus_dir=small_corpus)
    assert second == first
    assert {rel: path.stat().st_mtime_ns for rel, path in second.items()} == stamps


def test_stale_cached_file_is_replaced(small_corpus: Path, sources: list[dict[str, str]], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    row = next(r for r in sources if r["doc_id"] == "decl-barlow-1996")
    stale = cache / row["source_path"]
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an old, wrong copy")
    paths = fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus, doc_ids=["decl-barlow-1996"])
    assert sha256(paths[row["source_path"]]) == row["source_sha256"]


def test_checksum_mismatch_raises_and_leaves_nothing(
    small_corpus: Path, sources: list[dict[str, str]], tmp_path: Path
) -> None:
    row = next(r for r in sources if r["doc_id"] == "decl-barlow-1996")
    tampered = tmp_path / "tampered-mirror"
    copy = tampered / row["source_path"]
    copy.parent.mkdir(parents=True)
    shutil.copyfile(MIRROR / row["source_path"], copy)
    with copy.open("ab") as fh:
        fh.write(b"\nan extra line\n")
    cache = tmp_path / "cache"
    with pytest.raises(ChecksumError) as info:
        fetch_texts(cache_dir=cache, mirror=tampered, corpus_dir=small_corpus, doc_ids=["decl-barlow-1996"])
    message = str(info.value)
    assert row["source_url"] in message
    assert f"expected {row['source_sha256']}" in message
    assert f"got {sha256(copy)}" in message
    assert files_under(cache) == []


def test_cache_dir_from_environment(small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INITIATIVE_DATA", str(tmp_path / "env-cache"))
    paths = fetch_texts(mirror=MIRROR, corpus_dir=small_corpus, doc_ids=["decl-paris-call-2018"])
    assert all(p.is_relative_to((tmp_path / "env-cache").resolve()) for p in paths.values())
    assert read_full_text("decl-paris-call-2018", corpus_dir=small_corpus)


# the download path is tested against a local HTTP server in test_fetch_http.py


# ---------------------------------------------------------------- read_full_text
@pytest.fixture(scope="session")
def full_cache(small_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("full-cache")
    fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus)
    return cache


def n_tokens(text: str) -> int:
    return sum(count_segment(seg).n_tokens for seg in segment_text(text))


def test_full_text_gives_manifest_token_counts(small_corpus: Path, full_cache: Path) -> None:
    manifest = read_manifest(small_corpus).set_index("doc_id")
    # the four texts of the declarations folder: two declarations and two national documents
    declarations = doc_ids_of(small_corpus, "declaration") + doc_ids_of(small_corpus, "national")
    ids = declarations + doc_ids_of(small_corpus, "strategy") + [f"nm-{NM_PLAIN}"]
    assert len(ids) == 4 + N_STRATEGIES + 1
    for doc_id in ids:
        text = read_full_text(doc_id, cache_dir=full_cache, corpus_dir=small_corpus)
        assert n_tokens(text) == int(manifest.loc[doc_id, "n_tokens"]), doc_id


def test_full_text_of_declaration_is_extracted(small_corpus: Path, full_cache: Path) -> None:
    paris = read_full_text("decl-paris-call-2018", cache_dir=full_cache, corpus_dir=small_corpus)
    assert "](" not in paris  # Markdown link targets stripped, as in the build
    assert "\r" not in paris


def test_full_text_of_netmundial_keeps_repeated_passages(small_corpus: Path, full_cache: Path) -> None:
    doc_id = f"nm-{NM_REPEATED}"
    with (small_corpus / schema.CLEANING_FILE).open(encoding="utf-8", newline="") as fh:
        repeated = [r["repeated_segments"] for r in csv.DictReader(fh) if r["doc_id"] == doc_id]
    assert any(n not in ("", "0") for n in repeated)  # the corpus counts repeated passages once
    manifest = read_manifest(small_corpus).set_index("doc_id")
    text = read_full_text(doc_id, cache_dir=full_cache, corpus_dir=small_corpus)
    assert n_tokens(text) > int(manifest.loc[doc_id, "n_tokens"])
    assert not text.startswith("Area:")


def test_full_text_of_document_shipped_as_text(small_corpus: Path, tmp_path: Path) -> None:
    shipped = (small_corpus / "texts" / f"{build.INITIATIVE_ID}.txt").read_text(encoding="utf-8")
    text = read_full_text(build.INITIATIVE_ID, cache_dir=tmp_path / "empty-cache", corpus_dir=small_corpus)
    assert text == clean_text(shipped)[0]


def test_full_text_not_cached_says_to_fetch(small_corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as info:
        read_full_text("decl-barlow-1996", cache_dir=tmp_path / "empty-cache", corpus_dir=small_corpus)
    message = str(info.value)
    assert "barlow-declaration-1996-blogpost.md" in message
    assert "'decl-barlow-1996'" in message
    assert "fetch_texts(" in message


def test_full_text_unknown_doc_id(small_corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"doc_id 'no-such-doc' is not in"):
        read_full_text("no-such-doc", cache_dir=tmp_path, corpus_dir=small_corpus)


def test_full_text_of_tampered_cache_file(small_corpus: Path, sources: list[dict[str, str]], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    paths = fetch_texts(cache_dir=cache, mirror=MIRROR, corpus_dir=small_corpus, doc_ids=["decl-barlow-1996"])
    (path,) = paths.values()
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(ChecksumError, match=r"blogpost\.md: SHA-256 mismatch; expected [0-9a-f]{64} but got"):
        read_full_text("decl-barlow-1996", cache_dir=cache, corpus_dir=small_corpus)


# ---------------------------------------------------------------- sources.csv checks, command line
def test_tampered_sources_csv_is_refused(small_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    path = corpus / schema.SOURCES_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("main", "Main", 1), encoding="utf-8")
    with pytest.raises(ChecksumError, match=r"sources\.csv: SHA-256 mismatch"):
        read_sources(corpus)
    with pytest.raises(ChecksumError, match=r"sources\.csv: SHA-256 mismatch"):
        fetch_texts(cache_dir=tmp_path / "cache", mirror=MIRROR, corpus_dir=corpus)


def test_cli_fetch(
    small_corpus: Path, sources: list[dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    argv = ["corpus", "fetch", "--cache-dir", str(cache), "--mirror", str(MIRROR), "--corpus-dir", str(small_corpus)]
    assert main(argv) == 0
    n_files = len({r["source_path"] for r in sources})
    assert capsys.readouterr().out == f"{n_files} source files verified in the cache\n"
    assert len(files_under(cache)) == n_files
    assert main([*argv[:-4], "--mirror", str(tmp_path / "no-mirror"), "--corpus-dir", str(small_corpus)]) == 1
    assert "no-mirror does not exist" in capsys.readouterr().err
