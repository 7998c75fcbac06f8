"""Property-based tests (hypothesis): random bytes, random CSV mutations and random doc-ids fed to the
loaders and to ``corpus add``. Either success with a valid corpus, or the package's own error type
with a message naming the file; never a changed corpus after a failure."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import write_tiny_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiative_lib.build.add import add_document
from initiative_lib.build.folder import read_text_folder
from initiative_lib.corpus import schema
from initiative_lib.corpus.load import checksum_lines, load_corpus, load_segments, read_manifest, validate_corpus
from initiative_lib.errors import ChecksumError, CorpusError

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
META = {"title": "An Invented Paper", "issuer": "Nobody", "date": "2023-04-05"}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_corpus(tmp_path_factory.mktemp("p") / "corpus")


def fresh_copy(pristine: Path) -> Path:
    dest = Path(tempfile.mkdtemp(prefix="prop-")) / "corpus"
    shutil.copytree(pristine, dest)
    return dest


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def failure(run: Callable[[], object]) -> str | None:
    """Run; None on success, the message of the package's own error otherwise (anything else fails the test)."""
    try:
        run()
    except (CorpusError, ChecksumError) as err:
        return str(err)
    return None


def mutate(data: bytes, ops: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, pos, piece in ops:
        if not out:
            out += piece
            continue
        i = pos % len(out)
        if kind == 0:  # replace a byte
            out[i] = piece[0] if piece else 0
        elif kind == 1:  # insert bytes
            out[i:i] = piece
        elif kind == 2:  # delete a run
            del out[i : i + 1 + len(piece)]
        else:  # truncate
            del out[i:]
    return bytes(out)


CSV_PIECES = st.sampled_from([b",", b'"', b"\n", b"\r\n", b"\x00", b"\xff", b"x", b"2020-13-01", b"\xef\xbc\x92", b""])
OPS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000), CSV_PIECES | st.binary(max_size=4)), max_size=4)


@SETTINGS
@given(ops=OPS, reseal=st.booleans())
def test_random_manifest_mutations(pristine: Path, ops: list[tuple[int, int, bytes]], reseal: bool) -> None:
    root = fresh_copy(pristine)
    path = root / schema.DOCUMENTS_FILE
    path.write_bytes(mutate(path.read_bytes(), ops))
    if reseal:
        (root / schema.CHECKSUMS_FILE).write_text(checksum_lines(root))
    before = snapshot(root)
    message = failure(
        lambda: (validate_corpus(corpus_dir=root), load_corpus(corpus_dir=root), load_segments(corpus_dir=root))
    )
    assert message is None or str(root) in message  # the message names a file of the corpus
    assert snapshot(root) == before  # loading never changes the corpus
    shutil.rmtree(root.parent)


@SETTINGS
@given(target=st.sampled_from([schema.CHECKSUMS_FILE, "features/strategy.jsonl.gz", "texts/tiny-text.txt"]), ops=OPS)
def test_random_mutations_of_other_files(pristine: Path, target: str, ops: list[tuple[int, int, bytes]]) -> None:
    root = fresh_copy(pristine)
    path = root / target
    path.write_bytes(mutate(path.read_bytes(), ops))
    if target != schema.CHECKSUMS_FILE:
        (root / schema.CHECKSUMS_FILE).write_text(checksum_lines(root))
    message = failure(lambda: validate_corpus(corpus_dir=root))
    assert message is None or str(root) in message
    shutil.rmtree(root.parent)


@SETTINGS
@given(data=st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_to_corpus_add(pristine: Path, data: bytes) -> None:
    root = fresh_copy(pristine)
    user = root.parent / "user.txt"
    user.write_bytes(data)
    before = snapshot(root)
    message = failure(lambda: add_document(user, doc_id="rand", corpus_dir=root, **META))
    if message is None:
        validate_corpus(corpus_dir=root)
    else:
        assert str(user) in message
        assert snapshot(root) == before
    shutil.rmtree(root.parent)


@SETTINGS
@given(doc_id=st.text(max_size=90))
def test_random_doc_ids_to_corpus_add(pristine: Path, doc_id: str) -> None:
    root = fresh_copy(pristine)
    user = root.parent / "user.txt"
    user.write_text("Routers and cables keep the invented network open.\n")
    before = snapshot(root)
    message = failure(lambda: add_document(user, doc_id=doc_id, corpus_dir=root, **META))
    if message is None:
        assert read_manifest(root)["doc_id"].tolist()[-1] == doc_id
        assert validate_corpus(corpus_dir=root)["documents"] == 4
    else:
        assert "doc_id" in message
        assert "documents.csv" in message
        assert snapshot(root) == before
    shutil.rmtree(root.parent)


@SETTINGS
@given(data=st.binary(max_size=300), meta=st.binary(max_size=120))
def test_random_bytes_to_the_folder_reader(tmp_path: Path, data: bytes, meta: bytes) -> None:
    folder = Path(tempfile.mkdtemp(prefix="folder-", dir=tmp_path))
    (folder / "a.txt").write_bytes(data)
    (folder / "meta.csv").write_bytes(b"doc_id,file\nd1,a.txt\n" + meta)
    texts: list[str] = []
    message = failure(lambda: texts.extend(t for _m, t, _r in read_text_folder(folder, folder / "meta.csv")))
    assert message is None or str(folder) in message
    assert all("\x00" not in t for t in texts)
