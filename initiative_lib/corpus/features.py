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
import io
import json
import os
import zlib
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


def read_features(path: str | os.PathLike[str]) -> Iterator[SegmentFeatures]:
    """Read and check a features file line by line.

    Raises
    ------
    CorpusError
        On a line that is not valid JSON, has other keys, or whose counts do
        not add up; the message names the file and line.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, start=1):
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    msg = f"{where(path, line_no)}: not valid JSON ({err.msg})"
                    raise CorpusError(msg) from None
                yield _check_record(obj, path, line_no)
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as err:
        if isinstance(err, FileNotFoundError):
            raise
        msg = f"{path}: not a readable gzip file of UTF-8 JSON lines ({err})"
        raise CorpusError(msg) from None


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
