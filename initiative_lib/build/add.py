"""Add a user's own document to the corpus, as text.

:func:`add_document` (command line: ``python -m initiative_lib corpus add``)
checks the document's metadata with the same rules the loader applies, reads
the file strictly as UTF-8, normalises it (BOM removed, ``\\r\\n`` and ``\\r``
turned into ``\\n``, Unicode NFC), counts its segments and tokens with the
loader's own code, and then writes ``texts/<doc_id>.txt``, the new
``documents.csv`` and a regenerated ``SHA256SUMS``. Nothing is written until
every check has passed, and a failure while writing restores the corpus
folder as it was.
"""

from __future__ import annotations

import csv
import hashlib
import os
import unicodedata
from pathlib import Path

from initiative_lib.corpus import schema
from initiative_lib.corpus.load import (
    check_manifest_row,
    path_inside,
    checksum_lines,
    read_manifest,
    text_segments,
    validate_corpus,
    verify_checksums,
)
from initiative_lib.errors import CorpusError, where
from initiative_lib.corpus.features import atomic_write_bytes, atomic_write_text, csv_text
from initiative_lib.paths import corpus_dir as resolve_corpus_dir
from initiative_lib.text.tokens import count_segment

PathLike = str | os.PathLike[str]


def read_user_text(file: PathLike) -> str:
    r"""Read a user's text file strictly as UTF-8 and normalise it.

    The leading byte-order mark is removed, ``\r\n`` and lone ``\r`` become
    ``\n`` and the text is put in Unicode normal form NFC.

    Parameters
    ----------
    file : path
        The text file.

    Returns
    -------
    str
        The normalised text.

    Raises
    ------
    CorpusError
        The file does not exist, is not a file, or is not valid UTF-8 (the
        message names the file, the byte and its offset).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "mine.txt"
    ...     _ = path.write_bytes(b"\xef\xbb\xbfCafe\xcc\x81\r\nline two\rthree")
    ...     read_user_text(path)
    'Café\nline two\nthree'
    """
    path = Path(file)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        msg = f"{path}: {what}; expected a UTF-8 text file"
        raise CorpusError(msg)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        msg = (
            f"{path}: not valid UTF-8: byte {data[err.start]:#04x} at offset {err.start} ({err.reason}); "
            "save the file as UTF-8 and try again"
        )
        raise CorpusError(msg) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def count_text(text: str) -> tuple[int, int]:
    """Count segments and tokens of a text exactly as the loader does.

    Examples
    --------
    >>> count_text("Open, secure and free cyberspace for all.")
    (1, 7)
    """
    segments = text_segments(text)
    return len(segments), sum(count_segment(seg).n_tokens for seg in segments)


def _manifest_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def add_document(
    file: PathLike,
    *,
    doc_id: str,
    title: str,
    issuer: str,
    date: str,
    issuer_type: str = "government",
    country: str = "",
    language: str = "en",
    group: str = "user",
    licence: str = "user-supplied",
    date_precision: str = "day",
    notes: str = "",
    corpus_dir: PathLike | None = None,
) -> dict[str, str]:
    """Add a UTF-8 text file to the corpus as a document that ships as text.

    Everything is checked before anything is written: the corpus folder is
    valid; the metadata passes the loader's row checks (``doc_id`` form,
    required fields, controlled vocabularies, a calendar date ``YYYY-MM-DD``,
    an ISO 3166-1 alpha-3 country); ``doc_id`` is not yet in use; the file is
    strict UTF-8 and has tokens after clean-up. Then ``texts/<doc_id>.txt``,
    ``documents.csv`` (the new row appended) and ``SHA256SUMS`` are written
    atomically; if a step fails, what was written is undone.

    Parameters
    ----------
    file : path
        The document, a UTF-8 text file. It is stored normalised: without a
        byte-order mark, with ``\\n`` line ends, in Unicode NFC.
    doc_id : str
        A new id: lower-case letters, digits, ``.``, ``_`` or ``-``, starting
        with a letter or digit, at most 80 characters.
    title, issuer : str
        Required metadata.
    date : str
        ``YYYY-MM-DD``; with ``date_precision`` "month" or "year" use the first
        day of the month or year.
    issuer_type : str, default="government"
        One of :data:`initiative_lib.corpus.schema.ISSUER_TYPES`.
    country : str, default=""
        ISO 3166-1 alpha-3 code such as ``"CHN"``, or empty.
    language : str, default="en"
        ISO 639-1 code.
    group : str, default="user"
        One of :data:`initiative_lib.corpus.schema.GROUPS`.
    licence : str, default="user-supplied"
        One of :data:`initiative_lib.corpus.schema.LICENCES`.
    date_precision : {"day", "month", "year"}, default="day"
    notes : str, default=""
        Free text.
    corpus_dir : path, optional
        The corpus folder; else ``$INITIATIVE_CORPUS``; else the package's ``corpus/``.

    Returns
    -------
    dict of str to str
        The new manifest row, columns in schema order.

    Raises
    ------
    CorpusError
        A bad value (the message names the field and value and says what was
        expected), a ``doc_id`` already in use, an unreadable or empty file,
        or a corpus folder that is not valid.

    Examples
    --------
    >>> row = add_document("my-strategy.txt", doc_id="my-strategy-2024", title="My Strategy",
    ...                    issuer="Me", date="2024-05-01", country="FRA")  # doctest: +SKIP
    >>> row["n_tokens"]  # doctest: +SKIP
    '1234'
    """
    root = resolve_corpus_dir(corpus_dir)
    manifest_path = root / schema.DOCUMENTS_FILE
    try:
        validate_corpus(corpus_dir=root)
    except (CorpusError, OSError) as err:
        msg = f"cannot add {doc_id!r}: the corpus folder {root} is not valid ({err}); fix or rebuild it first"
        raise type(err)(msg) from None
    manifest = read_manifest(root)
    row_no = len(manifest) + 2  # the header is row 1

    given = {
        "doc_id": doc_id,
        "group": group,
        "title": title,
        "issuer": issuer,
        "issuer_type": issuer_type,
        "country": country,
        "date": date,
        "date_precision": date_precision,
        "language": language,
        "licence": licence,
        "notes": notes,
    }
    for col, value in given.items():
        if not isinstance(value, str):
            msg = f"cannot add {doc_id!r}: field {col!r} must be a string; got {value!r}"
            raise CorpusError(msg)
    rec = dict.fromkeys(schema.DOCUMENT_COLUMNS, "")
    rec.update({col: value.strip() if col in ("title", "issuer", "notes") else value for col, value in given.items()})
    rec.update(n_segments="1", n_tokens="1")  # placeholders until the text is counted
    try:
        check_manifest_row(rec, manifest_path, row_no, root)
    except CorpusError as err:
        msg = f"cannot add {doc_id!r}: {err}"
        raise CorpusError(msg) from None
    existing = manifest.index[manifest["doc_id"] == doc_id]
    if len(existing):
        msg = (
            f"{where(manifest_path, int(existing[0]) + 2, 'doc_id')}: value {doc_id!r} is already in use; "
            "choose a new doc_id"
        )
        raise CorpusError(msg)
    text_file = f"{schema.TEXTS_DIR}/{doc_id}.txt"
    text_path = path_inside(root, text_file, manifest_path, row_no, "text_file")
    if text_path.exists():
        msg = f"{text_path}: already exists but {doc_id!r} is not in the manifest; remove it or choose another doc_id"
        raise CorpusError(msg)

    text = read_user_text(file)
    if not text.strip():
        msg = f"{Path(file)}: the file is empty; expected the document's text"
        raise CorpusError(msg)
    n_segments, n_tokens = count_text(text)
    if n_tokens == 0:
        msg = f"{Path(file)}: no tokens (letters or digits) left after clean-up; expected the document's text"
        raise CorpusError(msg)
    data = text.encode("utf-8")
    rec.update(
        text_file=text_file,
        n_segments=str(n_segments),
        n_tokens=str(n_tokens),
        source_sha256=hashlib.sha256(data).hexdigest(),
    )

    rows = [*_manifest_rows(manifest_path), rec]
    new_manifest = csv_text(rows, list(schema.DOCUMENT_COLUMNS))
    sums_path = root / schema.CHECKSUMS_FILE
    old_manifest, old_sums = manifest_path.read_bytes(), sums_path.read_bytes()
    texts_dir_existed = text_path.parent.is_dir()
    try:
        atomic_write_bytes(text_path, data)
        atomic_write_text(manifest_path, new_manifest)
        atomic_write_text(sums_path, checksum_lines(root))
        read_manifest(root)
        verify_checksums(root)
    except BaseException:
        atomic_write_bytes(manifest_path, old_manifest)
        atomic_write_bytes(sums_path, old_sums)
        text_path.unlink(missing_ok=True)
        if not texts_dir_existed and text_path.parent.is_dir() and not any(text_path.parent.iterdir()):
            text_path.parent.rmdir()
        raise
    return rec
