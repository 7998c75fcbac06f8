"""Build the corpus folder from the offline mirror, deterministically.

``python -m initiative_lib corpus build --mirror ../shared/corpora`` runs
:func:`build_corpus`: it reads every source file of the mirror, records its
SHA-256 and pinned upstream URL, cleans and segments its text, and writes the
per-segment counts (never the text) of each comparison document. The
initiative, the package's subject, is written whole to ``texts/``. The same
mirror always gives byte-identical files.

``--repair-mojibake`` (``build_corpus(..., repair_mojibake=True)``) adds an
optional clean-up step, off by default: each source file's decoded text is
run through ftfy's encoding repair (:func:`~initiative_lib.text.cleaning.repair_mojibake`)
before the other steps, and the build writes ``build.json`` recording that
ftfy, with its version, was applied and how many lines of which files it
changed. Without the option no ``build.json`` is written (a stale one is
removed) and the corpus is the shipped one, byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from initiative_lib.build.sources import netmundial, ungdc
from initiative_lib.build.sources.declarations import DECLARATIONS
from initiative_lib.build.sources.mirror import upstream_url
from initiative_lib.corpus import schema
from initiative_lib.corpus.features import (
    SegmentFeatures,
    atomic_write_text,
    csv_text,
    features_from_segments,
    write_features,
)
from initiative_lib.corpus.load import checksum_lines, text_segments
from initiative_lib.errors import CorpusError, where
from initiative_lib.paths import SOURCES_DIR
from initiative_lib.text import cleaning
from initiative_lib.text.cleaning import CleaningRecord, clean_text, decode_bytes
from initiative_lib.text.segments import drop_repeated, segment_text, shingles
from initiative_lib.text.tokens import SegmentCounts, tokenize

INITIATIVE_ID = "wic-initiative-2020"
SEED_NAME = "000_f0c262f1083b1d7b.txt"
STRATEGY_CATALOGUE = SOURCES_DIR / "strategies.csv"
NETMUNDIAL_DIR = "netmundial/all_contributions"
#: titles and keyword lists are cut to this many words, so that no metadata
#: field carries a run of source text long enough to count as a passage
MAX_FIELD_WORDS = 10
NETMUNDIAL_SECTOR_TO_ISSUER = {s: s for s in schema.SECTORS}
#: NETmundial submissions not in English, found by the share of common English
#: function words among their tokens (0.05 for submission 130, at least 0.15 for
#: every other; 130 is Portuguese on reading its most frequent tokens)
NETMUNDIAL_LANGUAGES = {"130": "pt"}
#: NETmundial submissions that repeat an earlier one, left out and listed in
#: ``excluded.csv``: number -> doc_id of the submission kept. 147 is 144 sent
#: again (1,616 of its 1,624 tokens shared); the build checks the containment.
NETMUNDIAL_DUPLICATES = {"147": "nm-144"}
#: a listed duplicate must have at least this share of its 5-token shingles in the kept submission
DUPLICATE_CONTAINMENT = 0.9

INITIATIVE_META = {
    "doc_id": INITIATIVE_ID,
    "group": "initiative",
    "title": "Initiative on Jointly Building a Community with a Shared Future in Cyberspace",
    "issuer": "Organizing Committee of the World Internet Conference",
    "issuer_type": "conference",
    "country": "CHN",
    "date": "2020-11-18",
    "date_precision": "day",
    "language": "en",
    "licence": "news-report",
    "notes": "news report of the initiative (dated 2020-11-21, World section); clipping header line removed",
}


#: written by a build with the optional mojibake repair on (and only then): what was repaired
BUILD_RECORD_FILE = "build.json"


@dataclass
class MojibakeRepair:
    """The optional mojibake repair of a build, and its record: lines changed per source file.

    Called with a source file's path (relative to the mirror) and its decoded
    text, it returns the text repaired by
    :func:`~initiative_lib.text.cleaning.repair_mojibake` (ftfy's ``fix_encoding``,
    line by line) and notes how many lines changed.

    Examples
    --------
    >>> repair = MojibakeRepair()
    >>> repair("ungdc/73-2018/X_73_2018.txt", "the Internetâ€™s future\\nplain")
    'the Internet’s future\\nplain'
    >>> repair("ungdc/73-2018/Y_73_2018.txt", "plain")
    'plain'
    >>> r = repair.record()
    >>> r["tool"], r["files"], r["lines"], r["lines_per_file"]
    ('ftfy', 1, 1, {'ungdc/73-2018/X_73_2018.txt': 1})
    """

    lines: dict[str, int] = field(default_factory=dict)

    def __call__(self, rel: str, text: str) -> str:
        fixed, n = cleaning.repair_mojibake(text)
        if n:
            self.lines[rel] = self.lines.get(rel, 0) + n
        return fixed

    def record(self) -> dict[str, Any]:
        """What ``build.json`` says of the repair: tool, version, step, and lines changed per file."""
        import ftfy  # present: the repair ran

        return {
            "tool": "ftfy",
            "version": ftfy.__version__,
            "step": "ftfy.fix_encoding on each line of the decoded text, before the other clean-up steps",
            "files": len(self.lines),
            "lines": sum(self.lines.values()),
            "lines_per_file": dict(sorted(self.lines.items())),
        }


_Repair = Callable[[str, str], str] | None


@dataclass
class BuiltDocument:
    """One document on its way into the corpus."""

    meta: dict[str, str]
    segments: list[str]
    sources: list[dict[str, str]] = field(default_factory=list)
    cleaning: list[dict[str, object]] = field(default_factory=list)
    text: str | None = None


def shorten(value: str, max_words: int = MAX_FIELD_WORDS) -> str:
    """Cut a metadata value after ``max_words`` words, marking the cut with an ellipsis.

    Words are runs of letters or digits, so ``India's`` counts as two.

    Examples
    --------
    >>> shorten("one two three", 2)
    'one two …'
    >>> shorten("one two", 2)
    'one two'
    """
    value = " ".join(value.split())
    ends = [m.end() for m in _WORD_RE.finditer(value)]
    return value if len(ends) <= max_words else value[: ends[max_words - 1]] + " …"


_WORD_RE = re.compile(r"[^\W_]+")


def _source_row(doc_id: str, part: str, rel: str, data: bytes) -> dict[str, str]:
    return {
        "doc_id": doc_id,
        "part": part,
        "source_path": rel,
        "source_url": upstream_url(rel),
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "n_bytes": str(len(data)),
    }


def _read_source(mirror: Path, rel: str) -> bytes:
    path = mirror / rel
    if not path.is_file():
        msg = f"{path}: source file missing from the mirror {mirror}"
        raise CorpusError(msg)
    return path.read_bytes()


def _clean_part(
    doc_id: str, rel: str, text: str, decode_counts: dict[str, int], repair: _Repair = None
) -> tuple[list[str], dict[str, object]]:
    if repair is not None:
        text = repair(rel, text)
    cleaned, record = clean_text(text)
    record = record + CleaningRecord(**decode_counts)
    segs = segment_text(cleaned)
    return segs, {"doc_id": doc_id, "source_path": rel, **record.as_dict(), "segments": len(segs)}


# ---------------------------------------------------------------- each group
def build_initiative(seeds: Path) -> BuiltDocument:
    """Read the news report, drop its clipping header line, and keep it whole."""
    path = seeds / SEED_NAME
    raw = path.read_bytes().decode("utf-8")
    first, _, rest = raw.partition("\n")
    if not re.match(r"^\s*date \d{4}-\d{2}-\d{2}\b", first):
        msg = f"{where(path, 1)}: expected the clipping header 'date YYYY-MM-DD ...', got {first[:40]!r}"
        raise CorpusError(msg)
    text = rest.lstrip("\n")
    meta = dict(INITIATIVE_META)
    meta["source_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta["text_file"] = f"{schema.TEXTS_DIR}/{INITIATIVE_ID}.txt"
    segs = text_segments(text)
    cleaning = {
        "doc_id": INITIATIVE_ID,
        "source_path": f"seeds/{SEED_NAME}",
        **CleaningRecord().as_dict(),
        "segments": len(segs),
    }
    return BuiltDocument(meta, segs, [], [cleaning], text=text)


def build_declarations(mirror: Path, *, repair: _Repair = None) -> list[BuiltDocument]:
    """The four texts of the declarations folder, each cut and cleaned as its record says.

    Each gets the group of its record: ``declaration`` (Paris Call, Barlow) or
    ``national`` (US 2011 international strategy, Russian 2000 doctrine).
    ``repair`` (a :class:`MojibakeRepair`) repairs each text before its clean-up.
    """
    out = []
    for decl in DECLARATIONS:
        data = _read_source(mirror, decl.source_path)
        text, counts = decode_bytes(data)
        segs, cleaning = _clean_part(decl.doc_id, decl.source_path, decl.extract(text), counts, repair)
        meta = {
            "doc_id": decl.doc_id,
            "group": decl.group,
            "title": shorten(decl.title),
            "issuer": decl.issuer,
            "issuer_type": decl.issuer_type,
            "country": decl.country,
            "date": decl.date,
            "date_precision": decl.date_precision,
            "language": "en",
            "licence": decl.licence,
            "notes": decl.notes,
        }
        out.append(BuiltDocument(meta, segs, [_source_row(decl.doc_id, "main", decl.source_path, data)], [cleaning]))
    return out


def read_catalogue(path: Path = STRATEGY_CATALOGUE) -> list[dict[str, str]]:
    """Read the hand-curated catalogue of strategy files (one row per mirror file)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build_strategies(mirror: Path, *, repair: _Repair = None) -> tuple[list[BuiltDocument], list[dict[str, str]]]:
    """Included strategies as documents; the rest as rows of ``excluded.csv`` (``repair`` as for the declarations)."""
    docs, excluded = [], []
    for i, row in enumerate(read_catalogue(), start=2):
        if row["include"] not in ("true", "false"):
            msg = f"{where(STRATEGY_CATALOGUE, i, 'include')}: value {row['include']!r}; expected 'true' or 'false'"
            raise CorpusError(msg)
        data = _read_source(mirror, row["source_path"])
        if row["include"] == "false":
            excluded.append(
                {
                    "source_path": row["source_path"],
                    "source_url": upstream_url(row["source_path"]),
                    "source_sha256": hashlib.sha256(data).hexdigest(),
                    "reason": row["exclude_reason"],
                    "duplicate_of": row["duplicate_of"],
                    "country": row["country"],
                    "language": row["language"],
                    "n_words": row["n_words"],
                }
            )
            continue
        text, counts = decode_bytes(data)
        segs, cleaning = _clean_part(row["doc_id"], row["source_path"], text, counts, repair)
        meta = {
            "doc_id": row["doc_id"],
            "group": "strategy",
            "title": shorten(row["title"]),
            "issuer": row["issuer"],
            "issuer_type": "government",
            "country": row["country"],
            "date": row["date"],
            "date_precision": row["date_precision"],
            "language": row["language"],
            "licence": "government-document",
            "collection": row["collection"],
        }
        docs.append(
            BuiltDocument(meta, segs, [_source_row(row["doc_id"], "main", row["source_path"], data)], [cleaning])
        )
    return docs, excluded


def split_duplicates(
    docs: list[BuiltDocument], duplicates: dict[str, str] | None = None, *, containment: float = DUPLICATE_CONTAINMENT
) -> tuple[list[BuiltDocument], list[dict[str, str]]]:
    """Take the listed duplicate submissions out, as rows of ``excluded.csv``.

    Parameters
    ----------
    docs : list of BuiltDocument
        Built NETmundial submissions.
    duplicates : dict, optional
        ``doc_id`` of a duplicate -> ``doc_id`` of the submission kept
        (default: :data:`NETMUNDIAL_DUPLICATES`).
    containment : float
        Share of the duplicate's 5-token shingles that must occur in the kept
        submission; a listed pair below it stops the build.

    Returns
    -------
    (kept documents, excluded rows)

    Raises
    ------
    CorpusError
        If the document a listed duplicate repeats is missing, or the
        duplicate does not repeat it. (A listed duplicate that is not built,
        as in a partial mirror, is simply absent.)
    """
    if duplicates is None:
        duplicates = {f"nm-{k}": v for k, v in NETMUNDIAL_DUPLICATES.items()}
    by_id = {d.meta["doc_id"]: d for d in docs}
    excluded = []
    for dup, kept in sorted(duplicates.items()):
        if dup not in by_id:
            continue  # a partial mirror without the duplicate: nothing to take out
        if kept not in by_id:
            msg = f"{dup} is listed as a duplicate of {kept}, which is not a built submission; expected both"
            raise CorpusError(msg)
        a = tokenize(" ".join(by_id[dup].segments).lower())
        b = shingles(tokenize(" ".join(by_id[kept].segments).lower()))
        sh = shingles(a)
        share = len(sh & b) / len(sh) if sh else 0.0
        if share < containment:
            msg = (
                f"{dup} is listed as a duplicate of {kept} but shares only {share:.2f} of its shingles; "
                f"expected >= {containment}"
            )
            raise CorpusError(msg)
        for src in by_id[dup].sources:
            excluded.append(
                {
                    "source_path": src["source_path"],
                    "source_url": src["source_url"],
                    "source_sha256": src["source_sha256"],
                    "reason": "duplicate",
                    "duplicate_of": kept,
                    "country": by_id[dup].meta.get("country", ""),
                    "language": by_id[dup].meta.get("language", ""),
                    "n_words": str(len(a)),
                }
            )
    return [d for d in docs if d.meta["doc_id"] not in duplicates], excluded


def build_netmundial(mirror: Path, *, repair: _Repair = None) -> list[BuiltDocument]:
    """Every NETmundial submission: the form's body and the attached document.

    The form header becomes metadata and is not counted. Segments of the form
    that repeat the attached document (at least 80% of their 5-token shingles
    found there) are dropped, so repeated text counts once. Submissions that
    repeat another one are still built here; :func:`split_duplicates` takes
    them out. ``repair`` repairs each part's body before its clean-up (the form's
    header fields are read as they are).
    """
    folder = mirror / NETMUNDIAL_DIR
    out = []
    for number in netmundial.submission_ids(folder):
        read: list[tuple[bytes, dict[str, int]]] = []

        def decode(data: bytes, _read: list[tuple[bytes, dict[str, int]]] = read) -> str:
            text, counts = decode_bytes(data)
            _read.append((data, counts))
            return text

        sub = netmundial.read_submission(folder, number, decode=decode)
        doc_id = f"nm-{number}"
        f = sub.fields
        parts, sources, cleaning = [], [], []
        # read_submission decodes the parts in the order it returns them (form, then attachment)
        for (name, body), (data, counts) in zip(sub.parts, read, strict=True):
            rel = f"{NETMUNDIAL_DIR}/{name}"
            segs, rec = _clean_part(doc_id, rel, body, counts, repair)
            parts.append(segs)
            sources.append(_source_row(doc_id, "form" if name.endswith("A.txt") else "attachment", rel, data))
            cleaning.append(rec)
        segments = parts[-1]
        if len(parts) == 2:
            kept, dropped = drop_repeated(parts[0], parts[1])
            segments = kept + parts[1]
            cleaning[0]["segments"] = len(kept)
            cleaning[0]["repeated_segments"] = dropped
        issuer = f["organization"] or f["submitted_by"] or "unknown"
        meta = {
            "doc_id": doc_id,
            "group": "netmundial",
            "title": shorten(f["title"] or f"NETmundial submission {number}"),
            "issuer": shorten(issuer),
            "issuer_type": NETMUNDIAL_SECTOR_TO_ISSUER[str(f["sector"])],
            "country": f["country"] or "",
            "date": "2014-01-01",
            "date_precision": "year",
            "language": NETMUNDIAL_LANGUAGES.get(number, "en"),
            "licence": "CC-BY-SA-2.5-IN",
            "sector": f["sector"] or "",
            "region": f["region"] or "",
            "organization": shorten(f["organization"] or ""),
            "area": f["area"] or "",
            "keywords": shorten(f["keywords"] or ""),
            "notes": "submitted to NETmundial 2014 (contributions closed 8 March 2014)",
        }
        out.append(BuiltDocument(meta, segments, sources, cleaning))
    return out


# ---------------------------------------------------------------- writing
_GROUP_RANK = {g: i for i, g in enumerate(schema.GROUP_ORDER)}
CLEANING_COLUMNS = ["doc_id", "source_path", *CleaningRecord().as_dict(), "segments", "repeated_segments"]
EXCLUDED_COLUMNS = [
    "source_path",
    "source_url",
    "source_sha256",
    "reason",
    "duplicate_of",
    "country",
    "language",
    "n_words",
]


def write_corpus(docs: list[BuiltDocument], excluded: list[dict[str, str]], out: Path) -> None:
    """Write every derived file of the corpus folder, then its checksums."""
    docs = sorted(docs, key=lambda d: (_GROUP_RANK[d.meta["group"]], d.meta["doc_id"]))
    ids = [d.meta["doc_id"] for d in docs]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        msg = f"build produced duplicate doc_ids {dup}; fix the catalogue"
        raise CorpusError(msg)
    out.mkdir(parents=True, exist_ok=True)
    manifest, sources, cleaning = [], [], []
    by_group: dict[str, list[SegmentFeatures]] = {}
    for doc in docs:
        feats = features_from_segments(doc.meta["doc_id"], doc.segments)
        if not feats or sum(f.counts.n_tokens for f in feats) == 0:
            msg = f"document {doc.meta['doc_id']!r} ({doc.sources[:1]}) has no tokens after clean-up; exclude it"
            raise CorpusError(msg)
        meta = dict(doc.meta)
        meta["n_segments"] = str(len(feats))
        meta["n_tokens"] = str(sum(f.counts.n_tokens for f in feats))
        if doc.sources:
            meta.setdefault("source_url", doc.sources[0]["source_url"])
            meta.setdefault("source_sha256", doc.sources[0]["source_sha256"])
        if doc.text is not None:
            atomic_write_text(out / meta["text_file"], doc.text)
        else:
            by_group.setdefault(meta["group"], []).extend(feats)
        manifest.append(meta)
        sources.extend(doc.sources)
        cleaning.extend(doc.cleaning)
    for group, feats in sorted(by_group.items()):
        write_features(out / schema.FEATURES_DIR / f"{group}.jsonl.gz", feats)
    atomic_write_text(out / schema.DOCUMENTS_FILE, csv_text(manifest, list(schema.DOCUMENT_COLUMNS)))
    atomic_write_text(out / schema.SOURCES_FILE, csv_text(sources, schema.SOURCE_COLUMNS))
    atomic_write_text(out / schema.CLEANING_FILE, csv_text(cleaning, CLEANING_COLUMNS))
    excluded = sorted(excluded, key=lambda r: r["source_path"])
    atomic_write_text(out / schema.EXCLUDED_FILE, csv_text(excluded, EXCLUDED_COLUMNS))
    atomic_write_text(out / schema.CHECKSUMS_FILE, checksum_lines(out))


UNGDC_DIR = "ungdc"
UNGDC_SPEECH_COLUMNS = [
    "doc_id",
    "country_code",
    "country",
    "region",
    "subregion",
    "year",
    "session",
    "n_paragraphs",
    "n_cyber_paragraphs",
    "n_tokens",
    "n_cyber_tokens",
    "source_url",
    "source_sha256",
]
UNGDC_PARAGRAPH_COLUMNS = ["doc_id", "paragraph", "n_tokens", "patterns"]


def build_ungdc(mirror: Path, out: Path, *, repair: _Repair = None) -> None:
    """Ship the UN General Debate speeches' cyber paragraphs as counts, and per-speech totals.

    Writes ``ungdc/speeches.csv`` (one row per speech: country, region, year,
    session, paragraph and token totals, source URL and SHA-256),
    ``ungdc/cyber_paragraphs.csv`` (which rule patterns each matching paragraph
    hit) and ``ungdc/cyber_paragraphs.jsonl.gz`` (their token and bigram counts,
    segment number = paragraph number in the speech). The rule and the
    paragraph split are those of :mod:`initiative_lib.build.sources.ungdc`;
    ``repair`` repairs each speech before its clean-up.
    """
    root = mirror / UNGDC_DIR
    paths = {key.doc_id: path for path, key, _country in ungdc.speech_paths(root)}
    speeches, paragraphs, feats = [], [], []
    by_path = None if repair is None else (lambda path, text: repair(path.relative_to(mirror).as_posix(), text))
    for rec in ungdc.cyber_paragraph_counts(root, progress=False, repair=by_path):
        if rec["kind"] == "paragraph":
            paragraphs.append(rec)
            counts = SegmentCounts(cast(int, rec["n_tokens"]), cast(dict, rec["unigrams"]), cast(dict, rec["bigrams"]))
            feats.append(SegmentFeatures(str(rec["doc_id"]), cast(int, rec["paragraph"]), counts))
        else:
            rel = paths[str(rec["doc_id"])].relative_to(mirror).as_posix()
            data = (mirror / rel).read_bytes()
            speeches.append({**rec, "source_url": upstream_url(rel), "source_sha256": hashlib.sha256(data).hexdigest()})
    folder = out / UNGDC_DIR
    atomic_write_text(folder / "speeches.csv", csv_text(speeches, UNGDC_SPEECH_COLUMNS))
    atomic_write_text(folder / "cyber_paragraphs.csv", csv_text(paragraphs, UNGDC_PARAGRAPH_COLUMNS))
    write_features(folder / "cyber_paragraphs.jsonl.gz", feats)


def build_corpus(
    mirror: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    seeds: str | os.PathLike[str] | None = None,
    repair_mojibake: bool = False,
) -> Path:
    """Regenerate every derived file of a corpus folder from the mirror.

    Parameters
    ----------
    mirror : path
        The offline mirror (``../shared/corpora``).
    out : path
        The corpus folder to write (``corpus/``); files of the build are
        replaced; README.md and LICENCES.md (the datasheet and licence notices) there are kept.
    seeds : path, optional
        Folder of the initiative's news report; default ``<mirror>/../seeds``.
    repair_mojibake : bool, default=False
        Repair double-encoded text (UTF-8 read as Windows-1252 or Latin-1) with
        ftfy before the clean-up of every source file but the initiative, and
        record it in ``build.json`` (ftfy's version, files and lines changed;
        :class:`MojibakeRepair`). Needs ftfy (``pip install "initiative-lib[repair]"``).
        Off, the build writes no ``build.json`` and gives the shipped corpus.

    Returns
    -------
    Path
        ``out``.
    """
    mirror = Path(mirror).resolve()
    out = Path(out).resolve()
    seeds_dir = Path(seeds).resolve() if seeds is not None else mirror.parent / "seeds"
    if not mirror.is_dir():
        msg = f"mirror folder {mirror} does not exist; pass --mirror ../shared/corpora"
        raise CorpusError(msg)
    repair = MojibakeRepair() if repair_mojibake else None
    if repair is not None:
        cleaning.repair_mojibake("")  # no ftfy: its ImportError now, before anything is read or written
    docs = [build_initiative(seeds_dir), *build_declarations(mirror, repair=repair)]
    strategies, excluded = build_strategies(mirror, repair=repair)
    docs += strategies
    netmundial_docs, duplicates = split_duplicates(build_netmundial(mirror, repair=repair))
    docs += netmundial_docs
    excluded += duplicates
    _remove_stale(out)
    write_corpus(docs, excluded, out)
    if (mirror / UNGDC_DIR).is_dir():
        build_ungdc(mirror, out, repair=repair)
    if repair is not None:
        record = json.dumps({"mojibake_repair": repair.record()}, indent=1, ensure_ascii=False)
        atomic_write_text(out / BUILD_RECORD_FILE, record + "\n")
    if repair is not None or (mirror / UNGDC_DIR).is_dir():
        atomic_write_text(out / schema.CHECKSUMS_FILE, checksum_lines(out))
    return out


def _remove_stale(out: Path) -> None:
    (out / BUILD_RECORD_FILE).unlink(missing_ok=True)  # a record of an earlier build with the repair on
    for sub in (schema.TEXTS_DIR, schema.FEATURES_DIR, UNGDC_DIR):
        folder = out / sub
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file():
                    path.unlink()
