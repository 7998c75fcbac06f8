"""Every bad input of issue 11 at the corpus boundary: a message naming file, row or line and what
was expected, never a raw traceback and never silent acceptance. Texts are invented."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from helpers import write_tiny_corpus

from initiative_lib.build.add import add_document, read_user_text
from initiative_lib.build.folder import read_text_folder
from initiative_lib.cli import main, parser
from initiative_lib.corpus import journal, schema
from initiative_lib.corpus.debates import SPEECH_COLUMNS, debate_matrix, load_debate_speeches
from initiative_lib.corpus.features import features_from_segments, write_features
from initiative_lib.corpus.load import checksum_lines, load_corpus, load_segments, validate_corpus
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.errors import CorpusError
from initiative_lib.topics.model import fit_topics

META = {"title": "An Invented Paper", "issuer": "Nobody", "date": "2023-04-05"}
TEXT = "Routers and cables keep the invented network open.\n\nPackets arrive in one piece, every day.\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_tiny_corpus(tmp_path / "corpus")


def reseal(root: Path) -> None:
    """Rewrite SHA256SUMS so that only the change under test is wrong."""
    (root / schema.CHECKSUMS_FILE).write_text(checksum_lines(root))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- documents.csv
def test_manifest_with_an_extra_field(root: Path) -> None:
    path = root / schema.DOCUMENTS_FILE
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ",surplus\n"
    path.write_text("".join(lines))
    reseal(root)
    with pytest.raises(CorpusError, match=rf"^{path}, row 3: 23 fields; expected 22 as in the header"):
        load_corpus(corpus_dir=root)


def test_manifest_with_a_broken_quote(root: Path) -> None:
    path = root / schema.DOCUMENTS_FILE
    text = path.read_text()
    path.write_text(text.replace(",Title of tiny-feat-a,", ',"Title of tiny-feat-a,', 1))
    reseal(root)
    with pytest.raises(CorpusError, match=rf"^{path}, row 3: a quoted field is never closed \(from line 3"):
        load_corpus(corpus_dir=root)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"   \n"])
def test_empty_manifest(root: Path, content: bytes) -> None:
    path = root / schema.DOCUMENTS_FILE
    path.write_bytes(content)
    reseal(root)
    with pytest.raises(CorpusError, match=rf"^{path}: the file is empty; expected a header row"):
        load_corpus(corpus_dir=root)


def test_manifest_with_nul_or_bad_utf8(root: Path) -> None:
    path = root / schema.DOCUMENTS_FILE
    good = path.read_bytes()
    path.write_bytes(good.replace(b"An issuer", b"An\x00issuer", 1))
    with pytest.raises(CorpusError, match=rf"^{path}, row 2: contains a NUL byte"):
        load_corpus(corpus_dir=root, validate=False)
    path.write_bytes(good.replace(b"An issuer", b"An \xe9issuer", 1))
    with pytest.raises(CorpusError, match=rf"^{path}, row 2: not valid UTF-8 \(byte 0xe9"):
        load_corpus(corpus_dir=root, validate=False)


def test_manifest_with_repeated_column(root: Path) -> None:
    path = root / schema.DOCUMENTS_FILE
    text = path.read_text()
    header, rest = text.split("\n", 1)
    path.write_text(header + ",notes\n" + "\n".join(line + "," for line in rest.splitlines()) + "\n")
    with pytest.raises(CorpusError, match=r"row 1: columns must be .*repeated \['notes'\]"):
        load_corpus(corpus_dir=root, validate=False)


# ---------------------------------------------------------------- SHA256SUMS
def test_sha256sum_binary_mode_lines_are_read(root: Path) -> None:
    path = root / schema.CHECKSUMS_FILE
    lines = [
        line.replace("  ", " *", 1) if not line.startswith("#") else line for line in path.read_text().splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")
    assert validate_corpus(corpus_dir=root)["documents"] == 3


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("abc  documents.csv", "expected '<64 hex digits>  <path>'"),
        ("0" * 64 + "documents.csv", "expected '<64 hex digits>  <path>'"),
        ("0" * 64 + "  ", "expected '<64 hex digits>  <path>'"),
    ],
)
def test_malformed_checksum_lines(root: Path, line: str, expected: str) -> None:
    path = root / schema.CHECKSUMS_FILE
    n = len(path.read_text().splitlines()) + 1
    with path.open("a") as fh:
        fh.write(line + "\n")
    with pytest.raises(CorpusError, match=rf"^{path}, row {n}: {expected}"):
        load_corpus(corpus_dir=root)


@pytest.mark.parametrize("at", ["path", "digest"])
def test_nul_byte_in_checksums_is_named(root: Path, at: str) -> None:
    """Issue 11: a NUL byte in SHA256SUMS raised ValueError ("embedded null byte") from the OS call."""
    path = root / schema.CHECKSUMS_FILE
    lines = path.read_text().splitlines()
    n = next(i for i, line in enumerate(lines, start=1) if line.endswith("  documents.csv"))
    digest, name = lines[n - 1].split("  ")
    lines[n - 1] = f"{digest}  docu\x00ments.csv" if at == "path" else f"{digest[:10]}\x00{digest[11:]}  {name}"
    path.write_text("\n".join(lines) + "\n")
    expected = (
        r"path 'docu\\x00ments\.csv' contains a NUL byte" if at == "path" else "expected '<64 hex digits>  <path>'"
    )
    for run in (lambda: load_corpus(corpus_dir=root), lambda: validate_corpus(corpus_dir=root)):
        with pytest.raises(CorpusError, match=rf"^{path}, row {n}(, field 'path')?: {expected}"):
            run()


@pytest.mark.parametrize(
    ("staged", "target", "expected"),
    [
        (".staging/0-a.txt", "texts/a\x00.txt", r"path 'texts/a\\x00.txt' contains a NUL byte"),
        (".staging/0-a\x00.txt", "texts/a.txt", r"path '.staging/0-a\\x00.txt' contains a NUL byte"),
        (".staging/0-a.txt", "../outside.txt", r"path '../outside.txt' leaves the corpus folder"),
        ("../elsewhere.txt", "texts/a.txt", r"path '../elsewhere.txt' leaves the corpus folder"),
    ],
)
def test_journal_paths_are_checked_before_any_move(root: Path, staged: str, target: str, expected: str) -> None:
    """A pending journal is data on disk: its paths must stay inside the corpus and hold no NUL byte."""
    (root / journal.STAGING_DIR).mkdir()
    (root / ".staging/0-a.txt").write_bytes(b"staged")
    (root.parent / "elsewhere.txt").write_bytes(b"staged")
    move = {"staged": staged, "target": target, "sha256": hashlib.sha256(b"staged").hexdigest()}
    (root / journal.JOURNAL_FILE).write_text(json.dumps({"moves": [move]}))
    before = snapshot(root.parent)
    with pytest.raises(
        CorpusError, match=rf"^{root / journal.JOURNAL_FILE}, row 1, field '(staged|target)': {expected}"
    ):
        load_corpus(corpus_dir=root)
    assert snapshot(root.parent) == before


def test_checksums_not_utf8(root: Path) -> None:
    path = root / schema.CHECKSUMS_FILE
    path.write_bytes(path.read_bytes() + b"\xff\n")
    with pytest.raises(CorpusError, match=rf"^{path}, row \d+: not valid UTF-8"):
        load_corpus(corpus_dir=root)


# ---------------------------------------------------------------- hidden files
@pytest.mark.parametrize(
    "name", ["texts/.DS_Store", "texts/._tiny-text.txt", "features/._strategy.jsonl.gz", ".DS_Store"]
)
def test_hidden_files_are_ignored_everywhere(root: Path, name: str) -> None:
    before = validate_corpus(corpus_dir=root)
    segs_before = load_segments(corpus_dir=root)
    (root / name).write_bytes(b"\x00\x05\x16\x07AppleDouble junk")
    assert validate_corpus(corpus_dir=root) == before
    pd.testing.assert_frame_equal(load_segments(corpus_dir=root), segs_before)


def test_hidden_copy_of_a_real_features_file_is_not_counted_twice(root: Path) -> None:
    shutil.copy(root / "features" / "strategy.jsonl.gz", root / "features" / "._strategy.jsonl.gz")
    assert validate_corpus(corpus_dir=root)["segments"] == len(load_segments(corpus_dir=root))


# ---------------------------------------------------------------- ungdc/
def write_ungdc(root: Path, extra_column: bool = False) -> Path:
    folder = root / "ungdc"
    folder.mkdir()
    feats = features_from_segments("ungdc-FRA-73-2018", ["Cyberspace must stay open and secure."])
    feats = [type(f)(f.doc_id, 4, f.counts) for f in feats]
    write_features(folder / "cyber_paragraphs.jsonl.gz", feats)
    cols = [*SPEECH_COLUMNS, "extra"] if extra_column else SPEECH_COLUMNS
    row = ["ungdc-FRA-73-2018", "FRA", "France", "Europe", "Western Europe", "2018", "73", "9", "1", "300"]
    row += [str(feats[0].counts.n_tokens), "https://example.org/FRA_73_2018.txt", "a" * 64]
    (folder / "speeches.csv").write_text(",".join(cols) + "\n" + ",".join(row + (["x"] if extra_column else [])) + "\n")
    (folder / "cyber_paragraphs.csv").write_text(
        f"doc_id,paragraph,n_tokens,patterns\nungdc-FRA-73-2018,4,{feats[0].counts.n_tokens},cyber\n"
    )
    reseal(root)
    return folder


def test_validate_checks_ungdc(root: Path) -> None:
    write_ungdc(root)
    counts = validate_corpus(corpus_dir=root)
    assert (counts["speeches"], counts["debate_paragraphs"]) == (1, 1)
    assert debate_matrix(corpus_dir=root).shape[0] == 1


def test_ungdc_extra_column_fails_validation(root: Path) -> None:
    folder = write_ungdc(root, extra_column=True)
    with pytest.raises(CorpusError, match=rf"^{folder / 'speeches.csv'}, row 1: columns must be .*unknown \['extra'\]"):
        validate_corpus(corpus_dir=root)
    with pytest.raises(CorpusError, match="unknown \\['extra'\\]"):
        load_debate_speeches(corpus_dir=root)


def test_ungdc_tables_that_disagree(root: Path) -> None:
    folder = write_ungdc(root)
    table = folder / "cyber_paragraphs.csv"
    table.write_text(table.read_text().replace(",4,", ",5,"))
    reseal(root)
    with pytest.raises(CorpusError, match=rf"^{table}, row 2: .*paragraph '5'.*expected the same paragraphs"):
        validate_corpus(corpus_dir=root)


def test_debate_matrix_ngrams_typo(root: Path) -> None:
    write_ungdc(root)
    with pytest.raises(ValueError, match=r"ngrams must be one of \['unigrams', 'bigrams', 'both'\]; got 'unigram'"):
        debate_matrix(ngrams="unigram", corpus_dir=root)  # type: ignore[arg-type]


# ---------------------------------------------------------------- texts accepted silently before
def _add(root: Path, file: Path, **kw: str) -> dict[str, str]:
    return add_document(file, corpus_dir=root, **{"doc_id": "mine", **META, **kw})


def test_utf16_without_bom_is_refused(root: Path, tmp_path: Path) -> None:
    before = snapshot(root)
    f = tmp_path / "u16.txt"
    f.write_bytes(TEXT.encode("utf-16-le"))
    with pytest.raises(CorpusError, match=rf"^{f}: NUL byte at offset 1; .*UTF-16 without a byte-order mark"):
        _add(root, f)
    assert snapshot(root) == before
    row = _add(root, f, encoding="utf-16-le")  # with the encoding named it is read correctly
    assert (root / row["text_file"]).read_text() == TEXT
    assert "read as utf-16-le (given)" in row["notes"]


def test_nul_bytes_are_refused(root: Path, tmp_path: Path) -> None:
    f = tmp_path / "nul.txt"
    f.write_bytes(TEXT.encode() + b"\x00\x00binary tail")
    with pytest.raises(CorpusError, match=rf"^{f}: NUL byte at offset {len(TEXT.encode())}; .*binary"):
        _add(root, f)


def test_windows_1252_file(root: Path, tmp_path: Path) -> None:
    text = "We call for \u201copen\u201d networks \u2014 the regulator\u2019s rules, in plain words.\n"
    f = tmp_path / "cp.txt"
    f.write_bytes(text.encode("cp1252"))
    with pytest.raises(CorpusError, match=rf"^{f}: not valid utf-8: byte 0x93 at offset 12 .*try --encoding cp125"):
        _add(root, f)
    row = _add(root, f, encoding="auto")
    assert (root / row["text_file"]).read_text() == text
    assert "(detected), stored as UTF-8" in row["notes"]
    validate_corpus(corpus_dir=root)


def test_unknown_encoding_name(root: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT)
    with pytest.raises(CorpusError, match=r"--encoding 'latin-99': unknown encoding"):
        _add(root, f, encoding="latin-99")


def test_read_user_text_keeps_its_api(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"caf\xe9\r\n")
    assert read_user_text(f, encoding="latin-1") == "café\n"


# ---------------------------------------------------------------- messages
def test_doc_id_limit_is_stated(root: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT)
    with pytest.raises(CorpusError, match=r"is malformed \(81 characters\); expected 1 to 80 characters"):
        _add(root, f, doc_id="a" * 81)
    assert _add(root, f, doc_id="a" * 80)["doc_id"] == "a" * 80


@pytest.mark.parametrize("doc_id", ["mine\n", "mine\nx", "\nmine", "mi ne", "MINE", "mine\r"])
def test_newline_or_space_in_doc_id_refused_before_writing(root: Path, tmp_path: Path, doc_id: str) -> None:
    before = snapshot(root)
    f = tmp_path / "a.txt"
    f.write_text(TEXT)
    with pytest.raises(CorpusError, match=r"field 'doc_id': value .* is malformed"):
        _add(root, f, doc_id=doc_id)
    assert snapshot(root) == before


def test_add_messages_never_name_a_row_that_does_not_exist(root: Path, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT)
    with pytest.raises(CorpusError) as err:
        _add(root, f, date="2023-13-01")
    assert "row 5" not in str(err.value)
    assert "new row of" in str(err.value)


@pytest.mark.parametrize("date", ["２０２３-04-05", "2023-０4-05", "٢٠٢٣-04-05"])
def test_full_width_digits_in_a_date_are_malformed(root: Path, tmp_path: Path, date: str) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT)
    with pytest.raises(CorpusError, match=r"field 'date': value .* is malformed; expected a date YYYY-MM-DD"):
        _add(root, f, date=date)


# ---------------------------------------------------------------- folder reader
def test_png_named_txt_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "meta.csv").write_text("doc_id,file\nd1,a.txt\nd2,b.txt\n")
    with pytest.raises(CorpusError, match=r"b\.txt \(.*meta\.csv, row 3, field 'file'\): a PNG image, not text"):
        read_text_folder(tmp_path, tmp_path / "meta.csv")


def test_utf16_file_in_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT.encode("utf-16-le"))
    (tmp_path / "meta.csv").write_text("doc_id,file\nd1,a.txt\n")
    with pytest.raises(CorpusError, match=r"row 2, field 'file'\): NUL byte at offset 1, so probably UTF-16"):
        read_text_folder(tmp_path, tmp_path / "meta.csv")


def test_hidden_txt_files_need_no_row(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "._a.txt").write_bytes(b"\x00\x05\x16\x07")
    (tmp_path / "meta.csv").write_text("doc_id,file\nd1,a.txt\n")
    assert [m["doc_id"] for m, _t, _r in read_text_folder(tmp_path, tmp_path / "meta.csv")] == ["d1"]


# ---------------------------------------------------------------- topics
def test_fit_topics_refuses_an_all_zero_matrix() -> None:
    m = DocumentTermMatrix(
        sp.csr_matrix((3, 4), dtype=np.int64),
        pd.DataFrame({"doc_id": ["a", "b", "c"], "n_tokens": [0, 0, 0]}),
        pd.Index(list("wxyz")),
    )
    with pytest.raises(ValueError, match=r"dtm has no counts at all \(3 rows, 4 terms\)"):
        fit_topics(m, 2, random_state=0)


# ---------------------------------------------------------------- command line
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from initiative_lib import __version__

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"initiative_lib {__version__}"


def _subparsers(p: object) -> list:
    import argparse

    out = []
    for action in p._actions:  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out.append(sub)
                out.extend(_subparsers(sub))
    return out


def test_every_option_has_help() -> None:
    for sub in _subparsers(parser()):
        for action in sub._actions:
            assert action.help, f"{sub.prog} {action.dest} has no help line"


def test_help_lists_allowed_values(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["corpus", "add", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for values in (schema.LICENCES, schema.ISSUER_TYPES, schema.GROUPS):
        for value in values:
            assert value in out.replace("- ", "-")


def test_cli_encoding_auto(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "cp.txt"
    f.write_bytes("Regulators\u2019 rules \u2014 \u201cplain\u201d words for routers.\n".encode("cp1252"))
    argv = ["corpus", "add", str(f), "--doc-id", "cp", "--title", "T", "--issuer", "I", "--date", "2023-01-01"]
    assert main([*argv, "--corpus-dir", str(root), "--encoding", "auto"]) == 0
    out = capsys.readouterr().out
    assert "encoding: read as cp1252 (detected)" in out


def test_gzip_garbage_features_file(root: Path) -> None:
    path = root / "features" / "strategy.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"doc_id": 1}\n'))
    reseal(root)
    with pytest.raises(CorpusError, match=rf"^{path}, row 1"):
        load_segments(corpus_dir=root)


def test_no_warning_on_a_valid_corpus(root: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_corpus(corpus_dir=root)
