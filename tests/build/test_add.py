"""Tests for :mod:`initiative_lib.build.add`.

Every text below is invented for the tests; the corpus they extend is a tiny
one written by the build's own writer into a temporary folder.
"""

from __future__ import annotations

import errno
import unicodedata
from pathlib import Path

import pytest

from initiative_lib.build.add import add_document, count_text, read_user_text
from initiative_lib.build.from_mirror import BuiltDocument, write_corpus
from initiative_lib.cli import main
from initiative_lib.corpus import journal, schema
from initiative_lib.corpus.load import load_corpus, load_segments, read_manifest, text_segments, validate_corpus
from initiative_lib.corpus.matrix import document_term_matrix
from initiative_lib.errors import ChecksumError, CorpusError
from initiative_lib.text.tokens import count_segment

TEXT_DOC = (
    "A Made-Up Charter for Friendly Networks\n\n"
    "Every participant in this invented charter promises to keep the network open, secure and "
    "reachable for all of its users, and to settle quarrels by talking first.\n\n"
    "Second, the parties agree that small routers deserve the same respect as big ones, that "
    "packets should arrive in one piece, and that nobody shall hoard the spare bandwidth.\n"
)
FEATURE_SEGMENTS = [
    "An imaginary strategy paragraph about sturdy cables, patient engineers, careful planning "
    "and modest budgets that together keep a pretend country connected every single day.",
    "A second imaginary paragraph on training, drills and exercises for pretend responders who "
    "practise restoring pretend services after pretend outages across the pretend land.",
]
USER_TEXT = (
    "\ufeffOur Own Position Paper\r\n\r\n"
    "We believe that the cafe\u0301 down the road should have free wireless access, that every "
    "library should teach people how to spot a phishing mail, and that routers should be patched.\r\n"
    "\r\n"
    "Finally we ask the regulator\u2019s office to publish its rules in plain words, in time, "
    "and in every language spoken in the region, so that nobody is left behind.\r"
)
META = {"title": "Our Own Position Paper", "issuer": "An Invented Society", "date": "2023-04-05"}


def write_tiny_corpus(root: Path) -> Path:
    """Write a valid two-document corpus (one text, one features) with the build's writer."""
    text_meta = {
        "doc_id": "wic-initiative-2020",
        "group": "initiative",
        "title": "An Invented Charter",
        "issuer": "Nobody",
        "issuer_type": "conference",
        "country": "CHN",
        "date": "2020-11-18",
        "date_precision": "day",
        "language": "en",
        "licence": "news-report",
        "text_file": f"{schema.TEXTS_DIR}/wic-initiative-2020.txt",
        "notes": "invented, with a comma",
    }
    feat_meta = dict(FEAT_META)
    docs = [
        BuiltDocument(text_meta, text_segments(TEXT_DOC), text=TEXT_DOC),
        BuiltDocument(feat_meta, FEATURE_SEGMENTS),
    ]
    write_corpus(docs, [], root)
    return root


# an invented features-only document shared by the fixtures
FEAT_META = {
    "doc_id": "strat-zzz-2001",
    "group": "strategy",
    "title": "Pretend Strategy",
    "issuer": "Pretend Ministry",
    "issuer_type": "government",
    "country": "GBR",
    "date": "2001-01-01",
    "date_precision": "year",
    "language": "en",
    "licence": "government-document",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_tiny_corpus(tmp_path / "corpus")


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.txt"
    path.write_bytes(USER_TEXT.encode("utf-8"))
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- success
def test_add_document_writes_text_manifest_and_checksums(corpus: Path, user_file: Path) -> None:
    before = (corpus / schema.DOCUMENTS_FILE).read_bytes()
    row = add_document(user_file, doc_id="my-paper-2023", country="FRA", notes="  mine  ", corpus_dir=corpus, **META)

    assert list(row) == list(schema.DOCUMENT_COLUMNS)
    assert row["doc_id"] == "my-paper-2023"
    assert row["group"] == "user"
    assert row["licence"] == "user-supplied"
    assert row["text_file"] == "texts/my-paper-2023.txt"
    assert row["notes"] == "mine"
    stored = (corpus / row["text_file"]).read_bytes().decode("utf-8")
    assert not stored.startswith("\ufeff")
    assert "\r" not in stored
    assert stored == unicodedata.normalize("NFC", stored)
    assert "café" in stored

    after = (corpus / schema.DOCUMENTS_FILE).read_bytes()
    assert after.startswith(before)  # existing rows untouched, new row appended
    assert b"\r" not in after
    assert read_manifest(corpus)["doc_id"].tolist()[-1] == "my-paper-2023"
    assert "texts/my-paper-2023.txt" in (corpus / schema.CHECKSUMS_FILE).read_text()
    assert validate_corpus(corpus_dir=corpus)["documents"] == 3
    assert sorted(p.name for p in corpus.rglob(".*")) == []  # no temporary files left


def test_counts_equal_direct_count_and_loaders_include_document(corpus: Path, user_file: Path) -> None:
    row = add_document(user_file, doc_id="my-paper-2023", corpus_dir=corpus, **META)
    text = read_user_text(user_file)
    segments = text_segments(text)
    direct_tokens = sum(count_segment(s).n_tokens for s in segments)
    assert (int(row["n_segments"]), int(row["n_tokens"])) == (len(segments), direct_tokens)
    assert count_text(text) == (len(segments), direct_tokens)

    docs = load_corpus(corpus_dir=corpus)
    assert docs.loc["my-paper-2023", "n_tokens"] == direct_tokens
    assert docs.loc["my-paper-2023", "text"] == text
    assert str(docs.loc["my-paper-2023", "group"]) == "user"
    assert docs.loc["my-paper-2023", "year"] == 2023

    segs = load_segments(corpus_dir=corpus)
    mine = segs[segs["doc_id"] == "my-paper-2023"]
    assert mine["seg_no"].tolist() == list(range(1, len(segments) + 1))
    assert int(mine["n_tokens"].sum()) == direct_tokens

    dtm = document_term_matrix(level="document", corpus_dir=corpus)
    is_mine = dtm.rows["doc_id"].eq("my-paper-2023").to_numpy()
    assert is_mine.sum() == 1
    assert int(dtm.counts[is_mine].sum()) == direct_tokens


def test_add_two_documents_in_turn(corpus: Path, user_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Another invented note, short but with enough words to count as one segment.", encoding="utf-8")
    add_document(user_file, doc_id="first", corpus_dir=corpus, **META)
    add_document(
        other,
        doc_id="second",
        group="strategy",
        issuer_type="academia",
        licence="user-supplied",
        date_precision="year",
        date="2024-01-01",
        title="Other",
        issuer="Me",
        corpus_dir=corpus,
    )
    assert read_manifest(corpus)["doc_id"].tolist()[-2:] == ["first", "second"]
    assert validate_corpus(corpus_dir=corpus)["documents"] == 4


def test_corpus_dir_from_environment(corpus: Path, user_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INITIATIVE_CORPUS", str(corpus))
    add_document(user_file, doc_id="from-env", **META)
    assert "from-env" in load_corpus().index


# ---------------------------------------------------------------- bad metadata
@pytest.mark.parametrize(
    ("override", "field", "value"),
    [
        ({"doc_id": "Bad ID"}, "doc_id", "Bad ID"),
        ({"doc_id": "-leading-dash"}, "doc_id", "-leading-dash"),
        ({"date": "2021-02-29"}, "date", "2021-02-29"),
        ({"date": "05/04/2023"}, "date", "05/04/2023"),
        ({"country": "XYZ"}, "country", "XYZ"),
        ({"country": "fr"}, "country", "fr"),
        ({"issuer_type": "king"}, "issuer_type", "king"),
        ({"group": "mine"}, "group", "mine"),
        ({"licence": "cc0"}, "licence", "cc0"),
        ({"date_precision": "week"}, "date_precision", "week"),
        ({"language": "eng"}, "language", "eng"),
        ({"title": "   "}, "title", None),
        ({"issuer": ""}, "issuer", None),
    ],
)
def test_bad_metadata_is_rejected_before_writing(
    corpus: Path, user_file: Path, override: dict[str, str], field: str, value: str | None
) -> None:
    before = snapshot(corpus)
    kwargs = {"doc_id": "my-paper-2023", **META, **override}
    with pytest.raises(CorpusError) as info:
        add_document(user_file, corpus_dir=corpus, **kwargs)
    message = str(info.value)
    assert f"field {field!r}" in message
    assert "documents.csv" in message
    if value is not None:
        assert repr(value) in message
    assert snapshot(corpus) == before


def test_non_string_value_is_rejected(corpus: Path, user_file: Path) -> None:
    with pytest.raises(CorpusError, match=r"field 'date' must be a string; got 20230405"):
        add_document(user_file, doc_id="x1", title="T", issuer="I", date=20230405, corpus_dir=corpus)  # type: ignore[arg-type]


def test_duplicate_doc_id_is_rejected(corpus: Path, user_file: Path) -> None:
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match=r"row 3, field 'doc_id': value 'strat-zzz-2001' is already in use"):
        add_document(user_file, doc_id="strat-zzz-2001", corpus_dir=corpus, **META)
    assert snapshot(corpus) == before


# ---------------------------------------------------------------- bad files
def test_missing_file(corpus: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(CorpusError, match=r"nowhere\.txt: does not exist"):
        add_document(missing, doc_id="x1", corpus_dir=corpus, **META)
    with pytest.raises(CorpusError, match=r"is a folder"):
        add_document(tmp_path, doc_id="x1", corpus_dir=corpus, **META)


def test_invalid_utf8_names_file_and_offset(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\u00e9 society".encode("latin-1"))
    before = snapshot(corpus)
    with pytest.raises(CorpusError) as info:
        add_document(bad, doc_id="x1", corpus_dir=corpus, **META)
    assert str(bad) in str(info.value)
    assert "byte 0xe9 at offset 3" in str(info.value)
    assert snapshot(corpus) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "is empty"), (b"\xef\xbb\xbf \r\n\t\n", "is empty"), (b"... --- !!! ()\n", "no tokens")],
)
def test_empty_or_tokenless_file(corpus: Path, tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    before = snapshot(corpus)
    with pytest.raises(CorpusError, match=expected) as info:
        add_document(path, doc_id="x1", corpus_dir=corpus, **META)
    assert str(path) in str(info.value)
    assert snapshot(corpus) == before


# ---------------------------------------------------------------- bad corpus, failures while writing
def test_invalid_corpus_is_refused(corpus: Path, user_file: Path) -> None:
    text = corpus / "texts" / "wic-initiative-2020.txt"
    text.write_text(TEXT_DOC + "tampered\n", encoding="utf-8")
    before = snapshot(corpus)
    with pytest.raises(ChecksumError, match=r"is not valid .*wic-initiative-2020\.txt: SHA-256 mismatch"):
        add_document(user_file, doc_id="x1", corpus_dir=corpus, **META)
    assert snapshot(corpus) == before


def test_missing_corpus_folder(tmp_path: Path, user_file: Path) -> None:
    with pytest.raises(CorpusError, match=r"no-corpus does not exist"):
        add_document(user_file, doc_id="x1", corpus_dir=tmp_path / "no-corpus", **META)


@pytest.mark.parametrize("fail_on", [0, 1, 2, 3])
def test_failure_while_writing_leaves_corpus_unchanged(
    corpus: Path, user_file: Path, monkeypatch: pytest.MonkeyPatch, fail_on: int
) -> None:
    """A full disk while staging the text, the manifest, the checksums or the journal."""
    before = snapshot(corpus)
    real_open = open
    calls = []

    def full_disk(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode:
            calls.append(file)
            if len(calls) == fail_on + 1:
                raise OSError(errno.ENOSPC, "No space left on device (simulated)")
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(journal, "open", full_disk, raising=False)
    with pytest.raises(CorpusError, match="No space left on device") as err:
        add_document(user_file, doc_id="my-paper-2023", corpus_dir=corpus, **META)
    real = ["texts/my-paper-2023.txt", "documents.csv", "SHA256SUMS", ".journal.json"][fail_on]
    assert str(err.value).startswith(f"{corpus / real}: could not be written")
    assert "is unchanged" in str(err.value)
    assert snapshot(corpus) == before
    assert validate_corpus(corpus_dir=corpus)["documents"] == 2


def test_failure_removes_texts_folder_it_created(
    tmp_path: Path, user_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "features-only"
    feat_meta = dict(FEAT_META)
    write_corpus([BuiltDocument(feat_meta, FEATURE_SEGMENTS)], [], root)
    assert not (root / "texts").exists()
    before = snapshot(root)

    def boom(*_a: object) -> None:
        raise OSError(errno.EIO, "simulated")

    monkeypatch.setattr(journal.os, "fsync", boom)
    with pytest.raises(CorpusError, match="simulated"):
        add_document(user_file, doc_id="x1", corpus_dir=root, **META)
    assert not (root / "texts").exists()
    assert snapshot(root) == before


# ---------------------------------------------------------------- command line
def test_cli_add(corpus: Path, user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "corpus",
        "add",
        str(user_file),
        "--doc-id",
        "cli-paper",
        "--title",
        "CLI Paper",
        "--issuer",
        "Me",
        "--date",
        "2022-03-01",
        "--date-precision",
        "month",
        "--country",
        "DEU",
        "--corpus-dir",
        str(corpus),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    row = read_manifest(corpus).set_index("doc_id").loc["cli-paper"]
    assert out == f"added cli-paper: {row['n_segments']} segments, {row['n_tokens']} tokens\n"
    assert row["date_precision"] == "month"
    assert row["country"] == "DEU"
    assert main(["corpus", "validate", "--corpus-dir", str(corpus)]) == 0


def test_cli_add_bad_input_exits_1(corpus: Path, user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "corpus",
        "add",
        str(user_file),
        "--doc-id",
        "cli-paper",
        "--title",
        "T",
        "--issuer",
        "I",
        "--date",
        "2022-02-30",
        "--corpus-dir",
        str(corpus),
    ]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "field 'date'" in err
    assert "'2022-02-30'" in err
