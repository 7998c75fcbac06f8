"""Extracted features: per-segment token and bigram counts, on disk.

Documents whose text may not be redistributed ship as features, after the
model of the HathiTrust Extracted Features data set: one JSON object per
segment, one segment per line, gzip-compressed, in
``corpus/features/<group>.jsonl.gz``::

    {"bigrams": {"human rights": 2, ...}, "doc_id": "strat-gbr-2011",
     "n_tokens": 87, "seg_no": 1, "unigrams": {"human": 2, ...}}

Keys and terms are sorted and the gzip header carries no file name or time,
so the same counts always give the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from initiative_lib.errors import CorpusError, where
from initiative_lib.text.tokens import SegmentCounts, count_segment

FEATURE_KEYS = {"doc_id", "seg_no", "n_tokens", "unigrams", "bigrams"}


@dataclass(frozen=True)
class SegmentFeatures:
    """The counts of one segment of one document."""

    doc_id: str
    seg_no: int
    counts: SegmentCounts
    text: str | None = None

    def to_json(self) -> str:
        """Serialise to one canonical JSON line (sorted keys, no spaces)."""
        obj = {
            "bigrams": self.counts.bigrams,
            "doc_id": self.doc_id,
            "n_tokens": self.counts.n_tokens,
            "seg_no": self.seg_no,
            "unigrams": self.counts.unigrams,
        }
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def features_from_segments(doc_id: str, segments: Iterable[str], *, keep_text: bool = False) -> list[SegmentFeatures]:
    """Count each segment of a document, numbering segments from 1.

    Examples
    --------
    >>> feats = features_from_segments("d1", ["Open internet.", "Secure internet."])
    >>> [(f.seg_no, f.counts.n_tokens) for f in feats]
    [(1, 2), (2, 2)]
    """
    return [
        SegmentFeatures(doc_id, i, count_segment(seg), seg if keep_text else None)
        for i, seg in enumerate(segments, start=1)
    ]


def write_features(path: str | os.PathLike[str], features: Iterable[SegmentFeatures]) -> None:
    """Write features as gzip-compressed JSON lines, reproducibly and atomically."""
    path = Path(path)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for feat in features:
            gz.write(feat.to_json().encode("utf-8"))
            gz.write(b"\n")
    atomic_write_bytes(path, buf.getvalue())


def _check_record(obj: object, path: Path, line_no: int) -> SegmentFeatures:
    if not isinstance(obj, dict):
        msg = f"{where(path, line_no)}: expected a JSON object per line, got {type(obj).__name__}"
        raise CorpusError(msg)
    keys = set(obj)
    if keys != FEATURE_KEYS:
        missing, unknown = sorted(FEATURE_KEYS - keys), sorted(keys - FEATURE_KEYS)
        msg = f"{where(path, line_no)}: keys must be {sorted(FEATURE_KEYS)}; missing {missing}, unknown {unknown}"
        raise CorpusError(msg)
    for key in ("seg_no", "n_tokens"):
        value = obj[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < (1 if key == "seg_no" else 0):
            msg = f"{where(path, line_no, key)}: expected a non-negative integer (seg_no >= 1), got {value!r}"
            raise CorpusError(msg)
    for key in ("unigrams", "bigrams"):
        table = obj[key]
        if not isinstance(table, dict) or (
            table and ({type(v) for v in table.values()} != {int} or min(table.values()) < 1)
        ):
            msg = f"{where(path, line_no, key)}: expected an object of positive integer counts"
            raise CorpusError(msg)
    if sum(obj["unigrams"].values()) != obj["n_tokens"]:
        msg = (
            f"{where(path, line_no, 'n_tokens')}: value {obj['n_tokens']} differs from the sum of "
            f"unigram counts {sum(obj['unigrams'].values())}"
        )
        raise CorpusError(msg)
    counts = SegmentCounts(obj["n_tokens"], obj["unigrams"], obj["bigrams"])
    return SegmentFeatures(str(obj["doc_id"]), obj["seg_no"], counts)


#: features files up to this many compressed bytes are parsed once per process (see :func:`read_features`)
PARSED_CACHE_MAX_FILE_BYTES = 64 << 20
#: at most this many segments are kept parsed in memory, the least recently read files dropped first
PARSED_CACHE_MAX_SEGMENTS = 250_000
_Record = tuple[str, int, int, dict[str, int], dict[str, int]]
_PARSED: OrderedDict[str, tuple[_Record, ...]] = OrderedDict()
_PARSED_LOCK = threading.Lock()


def _parse_lines(lines: Iterable[str], path: Path) -> Iterator[SegmentFeatures]:
    for line_no, line in enumerate(lines, start=1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            msg = f"{where(path, line_no)}: not valid JSON ({err.msg})"
            raise CorpusError(msg) from None
        yield _check_record(obj, path, line_no)


def _unreadable(path: Path, err: BaseException) -> CorpusError:
    return CorpusError(f"{path}: not a readable gzip file of UTF-8 JSON lines ({err})")


def _file_bytes(path: Path, *, limit: int | None) -> bytes | None:
    """The bytes of a features file, or None when it is over ``limit`` bytes; a missing file raises as it is."""
    try:
        return None if limit is not None and path.stat().st_size > limit else path.read_bytes()
    except OSError as err:
        if isinstance(err, FileNotFoundError):
            raise
        raise _unreadable(path, err) from None


def _stream_features(path: Path) -> Iterator[SegmentFeatures]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            yield from _parse_lines(fh, path)
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as err:
        if isinstance(err, FileNotFoundError):
            raise
        raise _unreadable(path, err) from None


def _parse_file(path: Path, data: bytes) -> tuple[_Record, ...]:
    """Decompress, decode and check a whole features file (``data``: its bytes)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as gz:
            text = gz.read().decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as err:
        raise _unreadable(path, err) from None
    # newline=None: the universal newlines of gzip.open(..., "rt"), which this replaces
    lines = io.StringIO(text, newline=None)
    return tuple(
        (f.doc_id, f.seg_no, f.counts.n_tokens, f.counts.unigrams, f.counts.bigrams) for f in _parse_lines(lines, path)
    )


def _parsed_records(path: Path, data: bytes) -> tuple[_Record, ...]:
    key = hashlib.sha256(data).hexdigest()
    with _PARSED_LOCK:
        records = _PARSED.get(key)
        if records is not None:
            _PARSED.move_to_end(key)
            return records
    records = _parse_file(path, data)
    with _PARSED_LOCK:
        _PARSED[key] = records
        while sum(len(r) for r in _PARSED.values()) > PARSED_CACHE_MAX_SEGMENTS and len(_PARSED) > 1:
            _PARSED.popitem(last=False)
    return records


def parsed_features(path: Path) -> tuple[str, tuple[_Record, ...]]:
    """The SHA-256 of a features file's bytes and its checked records, read as :func:`read_features` does.

    The records, ``(doc_id, seg_no, n_tokens, unigrams, bigrams)``, are the
    ones kept in memory: callers must not change their dictionaries.
    """
    data = _file_bytes(path, limit=None)
    assert data is not None  # no limit: always read
    return hashlib.sha256(data).hexdigest(), _parsed_records(path, data)


def clear_parsed_features() -> None:
    """Forget the features files :func:`read_features` keeps parsed in memory.

    Only memory is freed: a later read parses the file again and gives the
    same records.

    Examples
    --------
    >>> clear_parsed_features()
    """
    with _PARSED_LOCK:
        _PARSED.clear()


def read_features(path: str | os.PathLike[str]) -> Iterator[SegmentFeatures]:
    """Read and check a features file.

    A file of at most :data:`PARSED_CACHE_MAX_FILE_BYTES` is read whole and
    its checked records are kept in memory under the SHA-256 of its bytes, so
    reading the same bytes again in this process (the same file, or a copy of
    it in another corpus folder) skips decompressing, decoding and checking;
    every read still reads and hashes the file, so a changed file is parsed
    and checked afresh. Each record comes with its own count dictionaries.
    Larger files are streamed line by line and not kept.

    Raises
    ------
    CorpusError
        On a line that is not valid JSON, has other keys, or whose counts do
        not add up; the message names the file and line.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "d.jsonl.gz"
    ...     write_features(path, features_from_segments("d1", ["Open internet."]))
    ...     [(f.doc_id, f.seg_no, f.counts.unigrams) for f in read_features(path)]
    [('d1', 1, {'internet': 1, 'open': 1})]
    """
    path = Path(path)
    data = _file_bytes(path, limit=PARSED_CACHE_MAX_FILE_BYTES)
    if data is None:
        yield from _stream_features(path)
        return
    for doc_id, seg_no, n_tokens, unigrams, bigrams in _parsed_records(path, data):
        yield SegmentFeatures(doc_id, seg_no, SegmentCounts(n_tokens, dict(unigrams), dict(bigrams)))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text with ``\\n`` line ends atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def csv_text(rows: Iterable[Mapping[str, object]], columns: list[str]) -> str:
    r"""Render rows as CSV text the way every corpus table is written.

    Columns in the given order, missing values empty, ``\n`` line ends,
    minimal quoting; an unexpected key is an error.

    Examples
    --------
    >>> csv_text([{"a": 1, "b": "x,y"}], ["a", "b"])
    'a,b\n1,"x,y"\n'
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buf.getvalue()
