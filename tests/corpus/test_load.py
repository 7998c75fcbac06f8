"""The corpus loaders: contents, alignment, path resolution and every bad input."""

from __future__ import annotations

import csv
import filecmp
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import MIRROR, needs_mirror

from initiative_lib import document_term_matrix, load_corpus, load_segments, validate_corpus
from initiative_lib.build.from_mirror import build_corpus
from initiative_lib.cli import main
from initiative_lib.corpus.load import checksum_lines
from initiative_lib.errors import ChecksumError, CorpusError
from initiative_lib.paths import CORPUS_ENV, DEFAULT_CORPUS_DIR

INITIATIVE = "wic-initiative-2020"


# ---------------------------------------------------------------- the shipped corpus
def test_shipped_corpus_contents():
    docs = load_corpus()
    assert docs.index.is_unique
    assert docs.index.name == "doc_id"
    counts = docs["group"].value_counts()
    assert counts["initiative"] == 1
    assert (counts["declaration"], counts["national"]) == (2, 2)
    assert counts["strategy"] >= 60
    # every submission in the mirror (numbers 001-187 with 8 gaps) but 147, a duplicate of 144
    assert counts["netmundial"] == 178
    assert len(docs) >= 250
    for col in [
        "title",
        "issuer",
        "issuer_type",
        "country",
        "group",
        "date",
        "year",
        "language",
        "source_url",
        "source_sha256",
        "licence",
        "n_tokens",
        "text",
    ]:
        assert col in docs.columns
    assert pd.api.types.is_datetime64_any_dtype(docs["date"])
    assert docs["year"].dtype == np.int64
    assert (docs["year"] == docs["date"].dt.year).all()
    # only the initiative ships as text
    assert docs["text"].notna().sum() == 1
    assert docs.loc[INITIATIVE, "text"].startswith("World\n")
    assert docs.loc[INITIATIVE, "country"] == "CHN"
    nm = docs[docs["group"] == "netmundial"]
    assert nm["sector"].notna().all()
    assert (nm["licence"] == "CC-BY-SA-2.5-IN").all()
    assert (
        docs.loc[docs["group"] != "initiative", "source_url"].str.startswith("https://raw.githubusercontent.com/").all()
    )


def test_initiative_text_is_the_whole_report_without_header():
    text = load_corpus().loc[INITIATIVE, "text"]
    assert "date 2020-11-21" not in text
    assert "four parts" in text
    assert 450 <= len(text.split()) <= 520


def test_segments_add_up_to_documents():
    docs = load_corpus(validate=False)
    segs = load_segments(validate=False)
    assert list(segs.columns) == ["doc_id", "seg_no", "n_tokens", "text"]
    per_doc = segs.groupby("doc_id")["n_tokens"].sum()
    assert per_doc.reindex(docs.index).tolist() == docs["n_tokens"].tolist()
    assert segs.groupby("doc_id").size().reindex(docs.index).tolist() == docs["n_segments"].tolist()
    assert segs.loc[segs["doc_id"] == INITIATIVE, "text"].notna().all()
    assert segs.loc[segs["doc_id"] != INITIATIVE, "text"].isna().all()


def test_corpus_folder_under_25_mb():
    size = sum(p.stat().st_size for p in DEFAULT_CORPUS_DIR.rglob("*") if p.is_file())
    assert size < 25 * 2**20


def test_loading_never_writes(corpus_copy):
    def snapshot():
        return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in corpus_copy.rglob("*")}

    before = snapshot()
    load_corpus(corpus_dir=corpus_copy)
    load_segments(corpus_dir=corpus_copy)
    document_term_matrix(corpus_dir=corpus_copy)
    validate_corpus(corpus_dir=corpus_copy)
    assert snapshot() == before


# ---------------------------------------------------------------- paths
def test_corpus_dir_argument_then_env_then_default(tiny_corpus, monkeypatch):
    monkeypatch.delenv(CORPUS_ENV, raising=False)
    assert len(load_corpus()) > 3
    monkeypatch.setenv(CORPUS_ENV, str(tiny_corpus))
    assert sorted(load_corpus().index) == ["tiny-feat-a", "tiny-feat-b", "tiny-text"]
    assert len(load_corpus(corpus_dir=DEFAULT_CORPUS_DIR)) > 3


def test_loaders_independent_of_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert INITIATIVE in load_corpus(validate=False).index


# ---------------------------------------------------------------- text and features agree
def test_text_and_features_give_identical_counts(tiny_corpus):
    dtm = document_term_matrix(corpus_dir=tiny_corpus, ngrams="both")
    text_rows = dtm.rows["doc_id"].eq("tiny-text").to_numpy()
    feat_rows = dtm.rows["doc_id"].eq("tiny-feat-a").to_numpy()
    assert (dtm.counts[text_rows] != dtm.counts[feat_rows]).nnz == 0
    assert dtm.rows.loc[text_rows, "n_tokens"].tolist() == dtm.rows.loc[feat_rows, "n_tokens"].tolist()
    assert "human rights" in dtm.vocab


def test_document_level_sums_segments(tiny_corpus):
    seg = document_term_matrix(corpus_dir=tiny_corpus)
    doc = document_term_matrix(level="document", corpus_dir=tiny_corpus)
    assert doc.level == "document"
    assert "seg_no" not in doc.rows
    assert doc.rows["doc_id"].tolist() == ["tiny-text", "tiny-feat-a", "tiny-feat-b"]
    assert int(doc.counts.sum()) == int(seg.counts.sum()) == int(doc.rows["n_tokens"].sum())
    assert (doc.rows["group"] == ["initiative", "strategy", "strategy"]).all()


def test_dtm_rejects_bad_arguments(tiny_corpus):
    with pytest.raises(ValueError, match="level must be"):
        document_term_matrix(level="paragraph", corpus_dir=tiny_corpus)
    with pytest.raises(ValueError, match="ngrams must be"):
        document_term_matrix(ngrams="trigrams", corpus_dir=tiny_corpus)


# ---------------------------------------------------------------- bad input
def _rows(root: Path) -> list[dict[str, str]]:
    with (root / "documents.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_rows(root: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    columns = columns or list(rows[0])
    with (root / "documents.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in columns} for r in rows)
    _resum(root)


def _resum(root: Path) -> None:
    (root / "SHA256SUMS").write_text(checksum_lines(root), encoding="utf-8")


def _edit(root: Path, row: int, **values: str) -> None:
    rows = _rows(root)
    rows[row].update(values)
    _write_rows(root, rows)


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        ({"date": "2015-13-01"}, r"row 4, field 'date': value '2015-13-01' is not a calendar date"),
        ({"date": "1 June 2015"}, r"row 4, field 'date': value '1 June 2015' is malformed; expected a date"),
        ({"group": "treaty"}, r"row 4, field 'group': unknown value 'treaty'; expected one of \['declaration'"),
        ({"issuer_type": "ngo"}, r"field 'issuer_type': unknown value 'ngo'"),
        ({"licence": "mine"}, r"field 'licence': unknown value 'mine'"),
        ({"date": "0000-01-01"}, r"field 'date': value '0000-01-01' is out of range"),
        ({"language": "xx"}, r"field 'language': value 'xx' is not an ISO 639-1 language code"),
        ({"country": "XYZ"}, r"field 'country': value 'XYZ' is not an ISO 3166-1 alpha-3 code"),
        ({"country": "fr"}, r"field 'country': value 'fr' is malformed"),
        ({"doc_id": "Bad Id"}, r"field 'doc_id': value 'Bad Id' is malformed"),
        ({"doc_id": "tiny-text"}, r"row 4, field 'doc_id': duplicate id 'tiny-text' \(first at row 2\)"),
        ({"title": ""}, r"row 4, field 'title': value is empty; a value is required"),
        ({"n_tokens": "many"}, r"field 'n_tokens': value 'many' is not a non-negative integer"),
        ({"n_tokens": "0"}, r"is empty; expected at least one token"),
        ({"text_file": "../outside.txt"}, r"field 'text_file': path '../outside.txt' leaves the corpus folder"),
        ({"text_file": "/etc/hostname"}, r"leaves the corpus folder"),
        ({"text_file": "texts/missing.txt"}, r"field 'text_file': file 'texts/missing.txt' does not exist"),
    ],
)
def test_bad_manifest_values_are_rejected(tiny_corpus, edit, pattern):
    _edit(tiny_corpus, 2, **edit)
    with pytest.raises(CorpusError, match=pattern) as info:
        load_corpus(corpus_dir=tiny_corpus)
    assert "documents.csv" in str(info.value)


def test_missing_and_unknown_columns(tiny_corpus):
    rows = _rows(tiny_corpus)
    columns = [c for c in rows[0] if c != "issuer"] + ["colour"]
    _write_rows(tiny_corpus, rows, columns)
    with pytest.raises(CorpusError, match=r"missing \['issuer'\], unknown \['colour'\]"):
        load_corpus(corpus_dir=tiny_corpus)


def test_checksum_mismatch(tiny_corpus):
    path = tiny_corpus / "texts" / "tiny-text.txt"
    path.write_text(path.read_text(encoding="utf-8") + "An added line.\n", encoding="utf-8")
    with pytest.raises(ChecksumError, match=r"tiny-text.txt: SHA-256 mismatch; expected [0-9a-f]{64} but got"):
        load_corpus(corpus_dir=tiny_corpus)
    # without checksum validation the manifest still loads
    assert len(load_corpus(corpus_dir=tiny_corpus, validate=False)) == 3


def test_file_without_row(tiny_corpus):
    (tiny_corpus / "texts" / "stray.txt").write_text("A stray document nobody listed.\n", encoding="utf-8")
    _resum(tiny_corpus)
    with pytest.raises(CorpusError, match=r"stray.txt: text file has no row"):
        load_corpus(corpus_dir=tiny_corpus)


def test_unlisted_file_in_checksums(tiny_corpus):
    (tiny_corpus / "features" / "extra.jsonl.gz").write_bytes(gzip.compress(b""))
    with pytest.raises(CorpusError, match=r"file 'features/extra.jsonl.gz' is not listed in SHA256SUMS"):
        load_corpus(corpus_dir=tiny_corpus)


def test_row_without_features(tiny_corpus):
    path = tiny_corpus / "features" / "strategy.jsonl.gz"
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    kept = [line for line in lines if '"doc_id":"tiny-feat-b"' not in line]
    path.write_bytes(gzip.compress("".join(kept).encode()))
    _resum(tiny_corpus)
    load_corpus(corpus_dir=tiny_corpus)  # the manifest alone is fine
    with pytest.raises(CorpusError, match=r"row 4, field 'text_file': document 'tiny-feat-b' has neither"):
        load_segments(corpus_dir=tiny_corpus)


def test_features_without_row(tiny_corpus):
    rows = _rows(tiny_corpus)
    _write_rows(tiny_corpus, rows[:2])
    with pytest.raises(CorpusError, match=r"features for 'tiny-feat-b', which has no row in documents.csv"):
        validate_corpus(corpus_dir=tiny_corpus)


def test_corrupt_features_line(tiny_corpus):
    path = tiny_corpus / "features" / "strategy.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"doc_id": "tiny-feat-a", "seg_no": 1}\n'))
    _resum(tiny_corpus)
    with pytest.raises(CorpusError, match=r"strategy.jsonl.gz, row 1: keys must be .*missing \['bigrams'"):
        load_segments(corpus_dir=tiny_corpus)


def test_counts_disagreeing_with_manifest(tiny_corpus):
    _edit(tiny_corpus, 1, n_tokens="3")
    with pytest.raises(CorpusError, match=r"row 3, field 'n_tokens': value 3 but the document has \d+"):
        load_segments(corpus_dir=tiny_corpus)


def test_undecodable_text(tiny_corpus):
    (tiny_corpus / "texts" / "tiny-text.txt").write_bytes(b"Valid start \xff\xfe then bytes that are not UTF-8\n")
    _resum(tiny_corpus)
    with pytest.raises(CorpusError, match=r"tiny-text.txt: undecodable text: byte 0xff at offset 12"):
        load_corpus(corpus_dir=tiny_corpus)


def test_empty_document_text(tiny_corpus):
    (tiny_corpus / "texts" / "tiny-text.txt").write_text("... !!! ---\n", encoding="utf-8")
    _resum(tiny_corpus)
    with pytest.raises(CorpusError, match=r"row 2, field 'n_segments': value \d+ but the document has 0"):
        load_segments(corpus_dir=tiny_corpus)


def test_missing_corpus_folder(tmp_path):
    with pytest.raises(CorpusError, match=r"does not exist; pass corpus_dir= or set \$INITIATIVE_CORPUS"):
        load_corpus(corpus_dir=tmp_path / "nowhere")


def test_cli_validate(tiny_corpus, capsys):
    assert main(["corpus", "validate", "--corpus-dir", str(tiny_corpus)]) == 0
    assert "corpus valid: 3 documents" in capsys.readouterr().out
    _edit(tiny_corpus, 0, date="2015-02-30")
    assert main(["corpus", "validate", "--corpus-dir", str(tiny_corpus)]) == 1
    assert "row 2, field 'date': value '2015-02-30'" in capsys.readouterr().err


# ---------------------------------------------------------------- the build
@needs_mirror
@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path):
    out = build_corpus(MIRROR, tmp_path / "corpus")
    shipped = sorted(p.relative_to(DEFAULT_CORPUS_DIR) for p in DEFAULT_CORPUS_DIR.rglob("*") if p.is_file())
    rebuilt = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert [p for p in rebuilt] == [p for p in shipped if p.as_posix() not in {"README.md", "LICENCES.md"}]
    _match, mismatch, errors = filecmp.cmpfiles(DEFAULT_CORPUS_DIR, out, [str(p) for p in rebuilt], shallow=False)
    assert mismatch == []
    assert errors == []


def test_matrix_cache_is_keyed_by_content(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("INITIATIVE_DATA", str(tmp_path / "cache"))
    first = document_term_matrix(corpus_dir=tiny_corpus, ngrams="both")
    cached = list((tmp_path / "cache" / "dtm").glob("*.npz"))
    assert len(cached) == 1
    again = document_term_matrix(corpus_dir=tiny_corpus, ngrams="both")
    fresh = document_term_matrix(corpus_dir=tiny_corpus, ngrams="both", cache=False)
    for other in (again, fresh):
        assert (other.counts != first.counts).nnz == 0
        assert other.rows.equals(first.rows)
        assert other.vocab.equals(first.vocab)
    # a changed corpus gets a new key, never the stale matrix
    _edit(tiny_corpus, 0, title="A new title")
    changed = document_term_matrix(corpus_dir=tiny_corpus, ngrams="both")
    assert changed.rows.loc[0, "title"] == "A new title"
    assert len(list((tmp_path / "cache" / "dtm").glob("*.npz"))) == 2
