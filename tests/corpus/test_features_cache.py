"""The in-memory cache of parsed features files (``read_features``): keyed by the file's bytes,
never stale, never shared mutable counts, and the same records and errors as the streamed read."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from initiative_lib.corpus import features as F
from initiative_lib.corpus.features import (
    SegmentFeatures,
    clear_parsed_features,
    features_from_segments,
    read_features,
    write_features,
)
from initiative_lib.errors import CorpusError
from initiative_lib.paths import DEFAULT_CORPUS_DIR


def records(feats: list[SegmentFeatures]) -> list[tuple[object, ...]]:
    return [(f.doc_id, f.seg_no, f.counts.n_tokens, f.counts.unigrams, f.counts.bigrams, f.text) for f in feats]


def streamed(path: Path) -> list[SegmentFeatures]:
    """The reference: the line-by-line read that keeps nothing."""
    return list(F._stream_features(path))


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    clear_parsed_features()


@pytest.fixture
def one_file(tmp_path: Path) -> Path:
    path = tmp_path / "a.jsonl.gz"
    write_features(path, features_from_segments("d1", ["Open internet.", "Secure internet, open networks."]))
    return path


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    seen: list[Path] = []
    real = F._parse_file

    def spy(path: Path, data: bytes) -> tuple[F._Record, ...]:
        seen.append(path)
        return real(path, data)

    monkeypatch.setattr(F, "_parse_file", spy)
    return seen


@pytest.mark.parametrize("name", ["strategy", "netmundial", "national", "declaration"])
def test_shipped_files_read_as_the_streamed_reference(name: str) -> None:
    path = DEFAULT_CORPUS_DIR / "features" / f"{name}.jsonl.gz"
    expected = records(streamed(path))
    assert records(list(read_features(path))) == expected  # parsed
    assert records(list(read_features(path))) == expected  # from memory


def test_same_bytes_are_parsed_once_even_under_another_name(one_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = count_parses(monkeypatch)
    copy = one_file.with_name("copy.jsonl.gz")
    shutil.copy(one_file, copy)
    first, second = list(read_features(one_file)), list(read_features(copy))
    assert records(first) == records(second)
    assert seen == [one_file]


def test_a_file_changed_in_place_is_parsed_again(one_file: Path) -> None:
    assert [f.doc_id for f in read_features(one_file)] == ["d1", "d1"]
    write_features(one_file, features_from_segments("d2", ["Only this."]))
    assert [(f.doc_id, f.counts.unigrams) for f in read_features(one_file)] == [("d2", {"only": 1, "this": 1})]


def test_a_file_broken_after_a_good_read_is_still_an_error(one_file: Path) -> None:
    list(read_features(one_file))
    one_file.write_bytes(gzip.compress(b'{"doc_id": 1}\n'))
    with pytest.raises(CorpusError, match=rf"^{one_file}, row 1: keys must be"):
        list(read_features(one_file))


def test_counts_handed_out_are_copies(one_file: Path) -> None:
    first = list(read_features(one_file))
    first[0].counts.unigrams["open"] = 99
    first[0].counts.bigrams.clear()
    again = list(read_features(one_file))
    assert again[0].counts.unigrams == {"internet": 1, "open": 1}
    assert again[0].counts.bigrams == {"open internet": 1}


def test_large_files_are_streamed_and_not_kept(one_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(F, "PARSED_CACHE_MAX_FILE_BYTES", 10)
    seen = count_parses(monkeypatch)
    assert records(list(read_features(one_file))) == records(streamed(one_file))
    assert seen == []
    assert not F._PARSED


def test_least_recently_read_files_are_dropped_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(F, "PARSED_CACHE_MAX_SEGMENTS", 2)
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"{i}.jsonl.gz")
        write_features(paths[-1], features_from_segments(f"d{i}", [f"word{'s' * i}"]))
    for p in paths:
        list(read_features(p))
    assert len(F._PARSED) == 2
    seen = count_parses(monkeypatch)
    list(read_features(paths[2]))
    list(read_features(paths[0]))
    assert seen == [paths[0]]


def test_a_file_larger_than_the_segment_bound_is_still_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(F, "PARSED_CACHE_MAX_SEGMENTS", 1)
    path = tmp_path / "big.jsonl.gz"
    write_features(path, features_from_segments("d", ["a b", "c d", "e f"]))
    assert [f.seg_no for f in read_features(path)] == [1, 2, 3]
    assert len(F._PARSED) == 1  # the newest file is kept even alone over the bound


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b'{"doc_id": "d", "seg_no": 1}\nnot json\n', "row 1: keys must be"),
        (b"not json\n", r"row 1: not valid JSON \(Expecting value\)"),
        (b"[1]\n", "row 1: expected a JSON object per line, got list"),
        (b"\n", r"row 1: not valid JSON"),
        (b"\xff\xfe\n", "not a readable gzip file of UTF-8 JSON lines"),
    ],
)
def test_errors_as_the_streamed_read(tmp_path: Path, payload: bytes, message: str) -> None:
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(gzip.compress(payload))
    for read in (streamed, lambda p: list(read_features(p))):
        with pytest.raises(CorpusError, match=message):
            read(path)


def test_not_gzip_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl.gz"
    path.write_bytes(b'{"doc_id": "d"}\n')
    with pytest.raises(CorpusError, match=rf"^{path}: not a readable gzip file"):
        list(read_features(path))
    with pytest.raises(FileNotFoundError):
        list(read_features(tmp_path / "missing.jsonl.gz"))


def test_windows_line_ends_read_as_the_streamed_read(tmp_path: Path) -> None:
    lines = [f.to_json() for f in features_from_segments("d", ["Open internet.", "Closed doors."])]
    path = tmp_path / "crlf.jsonl.gz"
    path.write_bytes(gzip.compress(("\r\n".join(lines) + "\r\n").encode()))
    assert records(list(read_features(path))) == records(streamed(path))
    assert [f.seg_no for f in read_features(path)] == [1, 2]


words = st.text(alphabet="abcdefgh \u2028.,", min_size=0, max_size=40)


@settings(max_examples=40, deadline=None)
@given(st.lists(words, min_size=1, max_size=6))
def test_random_features_round_trip_as_the_streamed_read(segments: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.jsonl.gz"
        feats = features_from_segments("doc", segments)
        write_features(path, feats)
        expected = records(feats)
        assert records(streamed(path)) == expected
        assert records(list(read_features(path))) == expected
        assert records(list(read_features(path))) == expected
