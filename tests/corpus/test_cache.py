"""The matrix cache: data only, checksummed, rebuilt when it fails a check, never fatal."""

from __future__ import annotations

import errno
import pickle
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import write_tiny_corpus

from initiative_lib.build.ungdc_paragraphs import ungdc_paragraph_matrix
from initiative_lib.corpus import cache as cache_mod
from initiative_lib.corpus.cache import load_matrix, save_matrix
from initiative_lib.corpus.matrix import DocumentTermMatrix, document_term_matrix, from_counts
from initiative_lib.errors import CacheWarning


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INITIATIVE_DATA", str(tmp_path / "cache"))
    return write_tiny_corpus(tmp_path / "corpus")


def _same(a: DocumentTermMatrix, b: DocumentTermMatrix) -> None:
    assert a.shape == b.shape
    assert (a.counts != b.counts).nnz == 0
    assert a.counts.dtype == b.counts.dtype
    assert a.vocab.tolist() == b.vocab.tolist()
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert a.level == b.level
    assert dict(a.preprocessing) == dict(b.preprocessing)


def _cache_files(tmp_path: Path, sub: str = "dtm") -> list[Path]:
    return sorted((tmp_path / "cache" / sub).glob("*.npz"))


def _fresh(tiny: Path, level: str = "segment") -> DocumentTermMatrix:
    return document_term_matrix(level, corpus_dir=str(tiny), cache=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["segment", "document"])
def test_round_trip_is_exact(tiny: Path, tmp_path: Path, level: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        first = document_term_matrix(level, corpus_dir=str(tiny))  # type: ignore[arg-type]
        (path,) = _cache_files(tmp_path)
        second = document_term_matrix(level, corpus_dir=str(tiny))  # type: ignore[arg-type]
    _same(first, second)
    _same(second, _fresh(tiny, level))
    # the file holds plain arrays only: readable with allow_pickle=False, no object arrays
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)


def test_round_trip_of_every_column_kind(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        {
            "doc_id": pd.array(["a", "b\x00", None], dtype="string"),
            "obj": ["x", None, "ünïcode ✓"],
            "n": np.array([1, 2, 3], dtype=np.int64),
            "f": [0.5, np.nan, -1.0],
            "flag": [True, False, True],
            "date": pd.to_datetime(["2020-01-01", "1999-12-31", None]),
            "cat": pd.Categorical(["p", None, "q"], categories=["q", "p"]),
        }
    )
    m = from_counts([{"a": 1}, {}, {"b": 2, "c\x00": 1}], rows)
    m = DocumentTermMatrix(m.counts, m.rows, m.vocab, "segment", {"weights": "tfidf", "min_df": 2})
    path = tmp_path / "m.npz"
    assert save_matrix(path, m)
    _same(m, load_matrix(path, DocumentTermMatrix))  # type: ignore[arg-type]


def test_crafted_pickle_at_the_cache_name_never_runs(tiny: Path, tmp_path: Path) -> None:
    document_term_matrix(corpus_dir=str(tiny))
    (path,) = _cache_files(tmp_path)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):  # the classic pickle exploit: call a function on load
            return (Path.write_text, (marker, "ran"))

    path.write_bytes(pickle.dumps(Payload()))
    with pytest.warns(CacheWarning, match=str(path)):
        got = document_term_matrix(corpus_dir=str(tiny))
    assert not marker.exists()
    _same(got, _fresh(tiny))
    # an npz that holds an object (pickled) array is refused too
    np.savez(path, meta=np.array([Payload()], dtype=object))
    with pytest.warns(CacheWarning, match="ignored and rebuilt"):
        document_term_matrix(corpus_dir=str(tiny))
    assert not marker.exists()


def test_flipped_bit_is_detected_and_replaced(tiny: Path, tmp_path: Path) -> None:
    fresh = _fresh(tiny)
    document_term_matrix(corpus_dir=str(tiny))
    (path,) = _cache_files(tmp_path)
    good = path.read_bytes()
    with np.load(path, allow_pickle=False) as npz:
        data_bytes = npz["data"].tobytes()
    offset = good.index(data_bytes)  # uncompressed: the counts lie in the file as they are
    for bit in (0, 5, 30):
        bad = bytearray(good)
        bad[offset + bit // 8 * 8] ^= 1 << (bit % 8)
        path.write_bytes(bytes(bad))
        with pytest.warns(CacheWarning, match=str(path)) as record:
            got = document_term_matrix(corpus_dir=str(tiny))
        assert len([w for w in record if issubclass(w.category, CacheWarning)]) == 1
        _same(got, fresh)
        assert path.read_bytes() == good  # replaced by the rebuilt matrix


def test_checksum_is_verified_even_when_the_zip_is_consistent(tiny: Path, tmp_path: Path) -> None:
    """Rewrite the archive with a changed count but valid zip CRCs: only the SHA-256 catches it."""
    document_term_matrix(corpus_dir=str(tiny))
    (path,) = _cache_files(tmp_path)
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["data"] = arrays["data"].copy()
    arrays["data"][0] += 1_000_000
    np.savez(path, **arrays)
    with pytest.warns(CacheWarning, match="SHA-256"):
        got = document_term_matrix(corpus_dir=str(tiny))
    assert got.counts.sum() == _fresh(tiny).counts.sum()


@pytest.mark.parametrize("keep", [0, 10, 100, 1000, -1])
def test_truncated_cache_is_rebuilt_once(tiny: Path, tmp_path: Path, keep: int) -> None:
    document_term_matrix(corpus_dir=str(tiny))
    (path,) = _cache_files(tmp_path)
    good = path.read_bytes()
    path.write_bytes(good[:keep] if keep >= 0 else good[: len(good) // 2])
    with pytest.warns(CacheWarning, match=str(path)):
        document_term_matrix(corpus_dir=str(tiny))
    assert path.read_bytes() == good
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        document_term_matrix(corpus_dir=str(tiny))


def test_cache_folder_that_is_a_file(tiny: Path, tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("not a folder")
    with pytest.warns(CacheWarning, match="running without the cache"):
        got = document_term_matrix(corpus_dir=str(tiny))
    _same(got, _fresh(tiny))
    assert (tmp_path / "cache").read_text() == "not a folder"


def test_read_only_cache_folder(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache" / "dtm").mkdir(parents=True)
    # the tests may run as root, for whom chmod does not bind: ask os.access as the code does
    monkeypatch.setattr(cache_mod.os, "access", lambda *_a, **_k: False)
    with pytest.warns(CacheWarning, match="not writable; running without the cache"):
        got = document_term_matrix(corpus_dir=str(tiny))
    _same(got, _fresh(tiny))
    assert _cache_files(tmp_path) == []


def test_failed_write_warns_and_leaves_nothing(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_mod.np, "savez", full)
    with pytest.warns(CacheWarning, match="No space left"):
        got = document_term_matrix(corpus_dir=str(tiny))
    _same(got, _fresh(tiny))
    assert list((tmp_path / "cache" / "dtm").iterdir()) == []


def test_legacy_pickle_caches_are_never_read(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "dtm"
    folder.mkdir(parents=True)
    for name in ("0" * 32 + ".pickle", "x.pickle"):
        (folder / name).write_bytes(b"\x80\x04junk")
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        document_term_matrix(corpus_dir=str(tiny))


def test_not_a_zip_member_layout(tmp_path: Path) -> None:
    """A valid zip without the header, or with a header of another format, is ignored."""
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.npy", b"")
    with pytest.warns(CacheWarning):
        assert load_matrix(path, DocumentTermMatrix) is None
    np.savez(path, meta=np.frombuffer(b'{"format": 99}', dtype=np.uint8))
    with pytest.warns(CacheWarning, match="format 99"):
        assert load_matrix(path, DocumentTermMatrix) is None


def test_ungdc_cache_round_trip_and_corruption(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INITIATIVE_DATA", str(tmp_path / "cache"))
    root = tmp_path / "ungdc"
    (root / "73-2018").mkdir(parents=True)
    (root / "73-2018" / "FRA_73_2018.txt").write_text("Peace and security.\n\nCyberspace is open.\n")
    (root / "73-2018" / "CHN_73_2018.txt").write_text("Sovereignty in cyberspace.\n")
    fresh = ungdc_paragraph_matrix(root, cache=False)
    first = ungdc_paragraph_matrix(root)
    (path,) = _cache_files(tmp_path, "ungdc")
    _same(first, fresh)
    _same(ungdc_paragraph_matrix(root), fresh)
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.warns(CacheWarning, match=str(path)):
        _same(ungdc_paragraph_matrix(root), fresh)
