"""Load and validate the corpus: the manifest, texts, features and checksums.

The corpus folder (see :mod:`initiative_lib.paths`) holds

``documents.csv``
    one row per document, columns as in :data:`initiative_lib.corpus.schema.DOCUMENT_COLUMNS`;
``texts/<doc_id>.txt``
    the full text of documents that ship as text (the initiative, documents a user adds);
``features/<group>.jsonl.gz``
    per-segment counts of documents that ship as features only;
``sources.csv``, ``cleaning.csv``, ``excluded.csv``
    provenance: source files with pinned URLs and SHA-256, clean-up counts,
    files left out and why;
``SHA256SUMS``
    the checksum of every other file in the folder.

A document comes as text or as features, and both give the same counts: the
text path runs the same clean-up, segmentation and counting as the build.
Loading never touches the network and writes to the corpus folder only to
finish a change that was interrupted (see :mod:`initiative_lib.corpus.journal`).
Files and folders whose name starts with ``.`` are not part of the corpus.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from initiative_lib.corpus import schema
from initiative_lib.corpus.features import SegmentFeatures, features_from_segments, read_features
from initiative_lib.corpus.journal import path_inside, recover, sha256_file
from initiative_lib.errors import ChecksumError, CorpusError, expected_one_of, where
from initiative_lib.paths import corpus_dir as resolve_corpus_dir
from initiative_lib.text.cleaning import clean_text
from initiative_lib.text.segments import segment_text

PathLike = str | os.PathLike[str]


# ---------------------------------------------------------------- checksums
def _decode_utf8(path: Path, expected: str) -> str:
    """The file's text, or CorpusError naming the file, line, byte and offset that is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_no = data[: err.start].count(b"\n") + 1
        msg = (
            f"{where(path, line_no)}: not valid UTF-8 (byte {data[err.start]:#04x} at offset {err.start}); "
            f"expected {expected}"
        )
        raise CorpusError(msg) from None


def read_checksums(root: Path) -> dict[str, str]:
    """Read ``SHA256SUMS``: ``<sha256>  <relative path>`` per line (``sha256sum`` format; the
    binary-mode marker of ``sha256sum -b``, ``<sha256> *<path>``, is accepted), ``#`` comments.
    """
    path = root / schema.CHECKSUMS_FILE
    if not path.is_file():
        msg = f"{path}: checksum file not found; is {root} a corpus folder?"
        raise CorpusError(msg)
    text = _decode_utf8(path, "'<64 hex digits>  <path>' lines")
    sums: dict[str, str] = {}
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _SUM_LINE.fullmatch(line.rstrip("\r"))
        if match is None:
            msg = f"{where(path, line_no)}: expected '<64 hex digits>  <path>' (as sha256sum writes), got {line!r}"
            raise CorpusError(msg)
        digest, name = match.group(1), match.group(2)
        path_inside(root, name, path, line_no, "path")
        if name in sums:
            msg = f"{where(path, line_no, 'path')}: {name!r} is listed twice"
            raise CorpusError(msg)
        sums[name] = digest
    return sums


_SUM_LINE = re.compile(r"([0-9a-f]{64}) [ *](\S(?:.*\S)?)")
_SUMS_HEADER = "# SHA-256 of every file of this corpus folder except this one and README.md"


def render_checksums(sums: dict[str, str]) -> str:
    """The ``SHA256SUMS`` text for ``{relative path: sha256}``, sorted by path."""
    lines = [_SUMS_HEADER] + [f"{sums[name]}  {name}" for name in sorted(sums)]
    return "\n".join(lines) + "\n"


def checksum_lines(root: Path) -> str:
    """Return the ``SHA256SUMS`` text for every data file under ``root``, sorted."""
    return render_checksums({path: sha256_file(root / path) for path in _data_files(root)})


def is_hidden(rel: str | Path) -> bool:
    """Whether a path inside the corpus has a part starting with ``.`` (never part of the corpus).

    Examples
    --------
    >>> is_hidden("texts/.DS_Store"), is_hidden("features/._x.jsonl.gz"), is_hidden(".staging/0-a.txt")
    (True, True, True)
    >>> is_hidden("texts/a.txt")
    False
    """
    return any(part.startswith(".") for part in Path(rel).parts)


def _data_files(root: Path) -> list[str]:
    skip = {schema.CHECKSUMS_FILE, "README.md", "LICENCES.md"}  # the datasheet and licence notices
    out = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not is_hidden(rel) and path.is_file() and rel not in skip:
            out.append(rel)
    return out


def verify_checksums(root: Path) -> None:
    """Check every file against ``SHA256SUMS`` and that no data file is unlisted.

    Raises
    ------
    ChecksumError
        A file's SHA-256 differs (message gives expected and actual).
    CorpusError
        A listed file is missing, or a file is not listed.
    """
    sums = read_checksums(root)
    for name, expected in sums.items():
        path = root / name
        if not path.is_file():
            msg = f"{root / schema.CHECKSUMS_FILE}: lists {name!r}, but {path} does not exist"
            raise CorpusError(msg)
        actual = sha256_file(path)
        if actual != expected:
            msg = f"{path}: SHA-256 mismatch; expected {expected} but got {actual}"
            raise ChecksumError(msg)
    unlisted = sorted(set(_data_files(root)) - set(sums))
    if unlisted:
        msg = f"{root}: file {unlisted[0]!r} is not listed in {schema.CHECKSUMS_FILE} (unlisted: {unlisted[:5]})"
        raise CorpusError(msg)


# ---------------------------------------------------------------- manifest
def read_manifest(root: Path) -> pd.DataFrame:
    """Read ``documents.csv`` as strings and check it row by row.

    Checks: exact column set, unique and well-formed ``doc_id``, required
    fields present, controlled vocabularies, dates, country codes, language
    codes, checksums' form, integer counts, and that ``text_file`` stays inside
    the corpus folder and exists.
    """
    path = root / schema.DOCUMENTS_FILE
    if not path.is_file():
        msg = f"{path}: manifest not found; is {root} a corpus folder?"
        raise CorpusError(msg)
    expected = list(schema.DOCUMENT_COLUMNS)
    records = read_csv_records(path, expected)
    seen: dict[str, int] = {}
    for i, rec in records:
        check_manifest_row(rec, path, i, root)
        doc_id = rec["doc_id"]
        if doc_id in seen:
            msg = (
                f"{where(path, i, 'doc_id')}: duplicate id {doc_id!r} (first at row {seen[doc_id]}); ids must be unique"
            )
            raise CorpusError(msg)
        seen[doc_id] = i
    return pd.DataFrame([rec for _i, rec in records], columns=expected, dtype=object).astype(str)


def read_csv_records(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Read a corpus CSV strictly: UTF-8, exactly ``columns`` in the header, every row complete.

    Returns ``(row number, record)`` pairs; the header is row 1 and blank lines
    are skipped (but counted). Every problem is a CorpusError naming the file,
    the row and what was expected: an empty file, other columns, a row with
    more or fewer fields than the header, a quote that is never closed, a NUL
    byte.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text('a,b\\n1,2\\n3,"4\\n')
    >>> read_csv_records(p, ["a", "b"])
    Traceback (most recent call last):
    ...
    initiative_lib.errors.CorpusError: .../t.csv, row 3: a quoted field is never closed (from line 3 ...
    """
    text = _decode_utf8(path, "a UTF-8 CSV file")
    if "\x00" in text:
        line_no = text[: text.index("\x00")].count("\n") + 1
        msg = f"{where(path, line_no)}: contains a NUL byte; expected a text CSV file"
        raise CorpusError(msg)
    if not text.strip():
        msg = f"{path}: the file is empty; expected a header row with the columns {columns}"
        raise CorpusError(msg)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    row_no = 0
    start_line = 1
    try:
        for values in reader:
            row_no += 1
            if header is None:
                header = values
                missing = [c for c in columns if c not in header]
                unknown = [c for c in header if c not in columns]
                repeated = sorted({c for c in header if header.count(c) > 1})
                if missing or unknown or repeated:
                    msg = f"{where(path, 1)}: columns must be {columns}; missing {missing}, unknown {unknown}" + (
                        f", repeated {repeated}" if repeated else ""
                    )
                    raise CorpusError(msg)
            elif values:
                if len(values) != len(header):
                    msg = (
                        f"{where(path, row_no)}: {len(values)} fields; expected {len(header)} as in the header "
                        "(a comma in a value must be inside double quotes)"
                    )
                    raise CorpusError(msg)
                records.append((row_no, dict(zip(header, values, strict=True))))
            start_line = reader.line_num + 1
    except csv.Error as err:
        if "end of data" in str(err) or "EOF" in str(err):
            msg = (
                f"{where(path, row_no + 1)}: a quoted field is never closed (from line {start_line} to the end "
                "of the file); expected '\"' to end it"
            )
        else:
            msg = f"{where(path, row_no + 1)}: not valid CSV at line {reader.line_num} ({err}); expected RFC 4180 CSV"
        raise CorpusError(msg) from None
    return records


def check_manifest_row(rec: dict[str, str], path: Path, row: int | None, root: Path) -> None:
    """Check one ``documents.csv`` record against the schema; CorpusError names file, row and field.

    ``row=None`` checks a record that is not in the file yet (``corpus add``):
    the message then names the field only.
    """
    for col, (_kind, required) in schema.DOCUMENT_COLUMNS.items():
        if required and not rec[col].strip():
            msg = f"{where(path, row, col)}: value is empty; a value is required"
            raise CorpusError(msg)
    checks = [
        (
            "doc_id",
            schema.DOC_ID_RE,
            "1 to 80 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
        ),
        ("date", schema.DATE_RE, "a date YYYY-MM-DD"),
        ("language", schema.LANGUAGE_RE, "an ISO 639-1 code such as 'en'"),
        ("source_sha256", schema.SHA256_RE, "64 lower-case hex digits"),
        ("country", schema.COUNTRY_RE, "an ISO 3166-1 alpha-3 code such as 'CHN'"),
    ]
    for col, pattern, what in checks:
        value = rec[col]
        # fullmatch: a trailing newline does not pass; ASCII only: \\d also matches other digits
        if value and not (value.isascii() and pattern.fullmatch(value)):
            extra = f" ({len(value)} characters)" if col == "doc_id" and len(value) > 80 else ""
            msg = f"{where(path, row, col)}: value {value!r} is malformed{extra}; expected {what}"
            raise CorpusError(msg)
    try:
        pd.Timestamp(rec["date"])
    except ValueError:
        msg = f"{where(path, row, 'date')}: value {rec['date']!r} is not a calendar date; expected YYYY-MM-DD"
        raise CorpusError(msg) from None
    if not "1900" <= rec["date"][:4] <= "2099":
        msg = f"{where(path, row, 'date')}: value {rec['date']!r} is out of range; expected a year from 1900 to 2099"
        raise CorpusError(msg)
    if not _is_language(rec["language"]):
        msg = f"{where(path, row, 'language')}: value {rec['language']!r} is not an ISO 639-1 language code"
        raise CorpusError(msg)
    if rec["country"] and not _is_country(rec["country"]):
        msg = f"{where(path, row, 'country')}: value {rec['country']!r} is not an ISO 3166-1 alpha-3 code"
        raise CorpusError(msg)
    for col, allowed in schema.CONTROLLED.items():
        value = rec[col]
        if value and value not in allowed:
            msg = f"{where(path, row, col)}: unknown value {value!r}; expected {expected_one_of(allowed)}"
            raise CorpusError(msg)
    for col in ("n_segments", "n_tokens"):
        if not re.fullmatch(r"\d+", rec[col]):
            msg = f"{where(path, row, col)}: value {rec[col]!r} is not a non-negative integer"
            raise CorpusError(msg)
    if rec["n_tokens"] == "0" or rec["n_segments"] == "0":
        msg = f"{where(path, row, 'n_tokens')}: document {rec['doc_id']!r} is empty; expected at least one token"
        raise CorpusError(msg)
    if rec["text_file"]:
        target = path_inside(root, rec["text_file"], path, "new" if row is None else row, "text_file")
        if not target.is_file():
            msg = f"{where(path, row, 'text_file')}: file {rec['text_file']!r} does not exist in {root}"
            raise CorpusError(msg)


_COUNTRIES: set[str] | None = None
_LANGUAGES: set[str] | None = None


def _is_language(code: str) -> bool:
    global _LANGUAGES
    if _LANGUAGES is None:
        import pycountry

        _LANGUAGES = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return code in _LANGUAGES


def _is_country(code: str) -> bool:
    global _COUNTRIES
    if _COUNTRIES is None:
        import pycountry

        _COUNTRIES = {c.alpha_3 for c in pycountry.countries}
    return code in _COUNTRIES


# ---------------------------------------------------------------- texts
def read_text_file(path: Path) -> str:
    """Read a shipped text strictly as UTF-8 (no replacement), ``\\n`` line ends."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        msg = f"{path}: undecodable text: byte {data[err.start]:#04x} at offset {err.start} is not valid UTF-8"
        raise CorpusError(msg) from None
    if "\x00" in text:
        msg = f"{path}: NUL byte at offset {data.index(0)}; expected UTF-8 text (is it UTF-16, or not text at all?)"
        raise CorpusError(msg)
    return text.removeprefix("\ufeff")


def text_segments(text: str) -> list[str]:
    """Clean and segment a document's text exactly as the build does."""
    cleaned, _record = clean_text(text)
    return segment_text(cleaned)


@dataclass(frozen=True)
class Corpus:
    """A checked corpus folder: the manifest and where its parts are."""

    root: Path
    manifest: pd.DataFrame

    def text_of(self, doc_id: str) -> str | None:
        """Return the shipped text of a document, or None when it ships as features."""
        match = self.manifest.loc[self.manifest["doc_id"] == doc_id, "text_file"]
        if match.empty:
            msg = f"{self.root / schema.DOCUMENTS_FILE}: no document with doc_id {doc_id!r}"
            raise CorpusError(msg)
        rel = match.iloc[0]
        return read_text_file(self.root / rel) if rel else None

    def iter_segments(self) -> Iterator[SegmentFeatures]:
        """Yield every segment's counts in manifest order (texts counted on the fly).

        Raises
        ------
        CorpusError
            Feature records for a document not in the manifest, or for one that
            ships as text; a features document without segments; segment numbers
            that do not run 1..n; counts that disagree with the manifest.
        """
        feats = self._read_all_features()
        for row, rec in enumerate(self.manifest.to_dict("records"), start=2):
            doc_id = rec["doc_id"]
            if rec["text_file"]:
                text = read_text_file(self.root / rec["text_file"])
                segs = features_from_segments(doc_id, text_segments(text), keep_text=True)
            else:
                segs = feats.pop(doc_id, [])
                if not segs:
                    msg = (
                        f"{where(self.root / schema.DOCUMENTS_FILE, row, 'text_file')}: document {doc_id!r} "
                        f"has neither a text file nor features in {self.root / schema.FEATURES_DIR}"
                    )
                    raise CorpusError(msg)
            self._check_counts(rec, row, segs)
            yield from segs
        if feats:
            orphan = sorted(feats)[0]
            msg = f"{self.root / schema.FEATURES_DIR}: features for {orphan!r}, which has no row in documents.csv"
            raise CorpusError(msg)

    def features_files(self) -> list[Path]:
        """The features files of the corpus, sorted by name (hidden copies such as ``._x.jsonl.gz`` left out)."""
        # e.g. a macOS "._x.jsonl.gz" copy is not part of the corpus
        paths = sorted((self.root / schema.FEATURES_DIR).glob("*.jsonl.gz"))
        return [path for path in paths if not is_hidden(path.name)]

    def _read_all_features(self) -> dict[str, list[SegmentFeatures]]:
        out: dict[str, list[SegmentFeatures]] = {}
        text_docs = set(self.manifest.loc[self.manifest["text_file"] != "", "doc_id"])
        for path in self.features_files():
            for feat in read_features(path):
                if feat.doc_id in text_docs:
                    msg = f"{path}: features for {feat.doc_id!r}, which ships as text; a document comes one way only"
                    raise CorpusError(msg)
                out.setdefault(feat.doc_id, []).append(feat)
        return out

    def _check_counts(self, rec: dict[str, str], row: int, segs: list[SegmentFeatures]) -> None:
        path = self.root / schema.DOCUMENTS_FILE
        numbers = [s.seg_no for s in segs]
        if numbers != list(range(1, len(segs) + 1)):
            msg = (
                f"{where(path, row)}: segments of {rec['doc_id']!r} must be numbered 1..{len(segs)}; got {numbers[:10]}"
            )
            raise CorpusError(msg)
        n_tokens = sum(s.counts.n_tokens for s in segs)
        for col, actual in (("n_segments", len(segs)), ("n_tokens", n_tokens)):
            if int(rec[col]) != actual:
                msg = f"{where(path, row, col)}: value {rec[col]} but the document has {actual}; expected them to agree"
                raise CorpusError(msg)


def open_corpus(*, corpus_dir: PathLike | None = None, validate: bool = True) -> Corpus:
    """Read and check the manifest (and, with ``validate``, every checksum)."""
    root = resolve_corpus_dir(corpus_dir)
    if not root.is_dir():
        msg = f"corpus folder {root} does not exist; pass corpus_dir= or set $INITIATIVE_CORPUS"
        raise CorpusError(msg)
    recover(root)  # finish (or undo) a change that was interrupted; writes nothing otherwise
    manifest = read_manifest(root)
    _check_texts_have_rows(root, manifest)
    if validate:
        verify_checksums(root)
    return Corpus(root, manifest)


def _check_texts_have_rows(root: Path, manifest: pd.DataFrame) -> None:
    listed = set(manifest["text_file"]) - {""}
    for path in sorted((root / schema.TEXTS_DIR).glob("*")):
        rel = path.relative_to(root).as_posix()
        if is_hidden(rel):  # .DS_Store, ._x.txt and the like are never part of the corpus
            continue
        if rel not in listed:
            msg = f"{path}: text file has no row in {root / schema.DOCUMENTS_FILE} (no row has text_file={rel!r})"
            raise CorpusError(msg)


# ---------------------------------------------------------------- public loaders
def typed_manifest(manifest: pd.DataFrame) -> pd.DataFrame:
    """The manifest (all strings, as read) with the schema's column types."""
    df = manifest.copy()
    for col, (kind, _required) in schema.DOCUMENT_COLUMNS.items():
        if kind == "string":
            df[col] = df[col].replace("", pd.NA).astype("string")
        elif kind == "int":
            df[col] = df[col].astype("int64")
        elif kind == "date":
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
    df.insert(df.columns.get_loc("date") + 1, "year", df["date"].dt.year.astype("int64"))
    for col in ("group", "issuer_type", "date_precision", "licence", "sector"):
        df[col] = df[col].astype(pd.CategoricalDtype(sorted(schema.CONTROLLED[col])))
    return df


def load_corpus(*, corpus_dir: PathLike | None = None, validate: bool = True) -> pd.DataFrame:
    """Load the document table: one row per document, indexed by ``doc_id``.

    Parameters
    ----------
    corpus_dir : path, optional
        The corpus folder; else ``$INITIATIVE_CORPUS``; else the package's ``corpus/``.
    validate : bool, default=True
        Also verify every file's SHA-256 against ``SHA256SUMS``.

    Returns
    -------
    DataFrame
        Columns: ``title``, ``issuer``, ``issuer_type``, ``country`` (ISO 3166
        alpha-3), ``group``, ``date``, ``year``, ``language``, ``source_url``,
        ``source_sha256``, ``licence``, ``n_tokens``, ``text`` (None where only
        features ship) and the rest of the manifest (``date_precision``,
        ``n_segments``, NETmundial's ``sector``, ``region``, ``organization``,
        ``area``, ``keywords``; ``collection``, ``notes``).

    Raises
    ------
    CorpusError
        A manifest problem, naming file, row, field, value and what was expected.
    ChecksumError
        A file differs from its recorded SHA-256.

    Examples
    --------
    >>> docs = load_corpus()
    >>> row = docs.loc["wic-initiative-2020"]
    >>> row["group"], row["country"], int(row["year"])
    ('initiative', 'CHN', 2020)
    """
    corpus = open_corpus(corpus_dir=corpus_dir, validate=validate)
    df = typed_manifest(corpus.manifest)
    texts = []
    for rel in corpus.manifest["text_file"]:
        texts.append(read_text_file(corpus.root / rel) if rel else None)
    df["text"] = pd.Series(texts, index=df.index, dtype=object)
    return df.set_index("doc_id")


def load_segments(*, corpus_dir: PathLike | None = None, validate: bool = True) -> pd.DataFrame:
    """Load the segment table: one row per segment.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``seg_no`` (from 1 within a document), ``n_tokens``
        and ``text`` (None where the document ships as features), in corpus order.

    Examples
    --------
    >>> segs = load_segments()
    >>> segs.loc[segs["doc_id"] == "wic-initiative-2020", "seg_no"].tolist()
    [1, 2, 3, 4, 5, 6, 7]
    """
    corpus = open_corpus(corpus_dir=corpus_dir, validate=validate)
    records = [(s.doc_id, s.seg_no, s.counts.n_tokens, s.text) for s in corpus.iter_segments()]
    df = pd.DataFrame(records, columns=["doc_id", "seg_no", "n_tokens", "text"])
    return df.astype({"doc_id": "string", "seg_no": "int64", "n_tokens": "int64"})


def validate_corpus(*, corpus_dir: PathLike | None = None) -> dict[str, int]:
    """Check everything a loader relies on; return counts of what was checked.

    Runs the manifest checks, every checksum, every features file and every
    text, and the agreement of segment and token counts with the manifest;
    with a ``ungdc/`` folder, also its speeches table, paragraph counts and
    paragraph table (see :func:`initiative_lib.corpus.debates.check_debates`).

    Examples
    --------
    >>> validate_corpus()["documents"] > 250
    True
    """
    corpus = open_corpus(corpus_dir=corpus_dir, validate=True)
    n_segments = sum(1 for _ in corpus.iter_segments())
    counts = {"documents": len(corpus.manifest), "segments": n_segments, "files": len(read_checksums(corpus.root))}
    if (corpus.root / "ungdc").is_dir():
        from initiative_lib.corpus.debates import check_debates

        counts["speeches"], counts["debate_paragraphs"] = check_debates(corpus.root / "ungdc")
    return counts
