"""Add a user's own document to the corpus, as text.

:func:`add_document` (command line: ``python -m initiative_lib corpus add``)
checks the document's metadata with the same rules the loader applies, reads
the file strictly as UTF-8 (or the ``encoding`` given, or detected with
``"auto"``), normalises it (BOM removed, ``\\r\\n`` and ``\\r``
turned into ``\\n``, Unicode NFC), counts its segments and tokens with the
loader's own code, and then writes ``texts/<doc_id>.txt``, the new
``documents.csv`` and the updated ``SHA256SUMS``. Nothing is written until
every check has passed; the change is then made all or nothing, under a
lock, through a staging folder and a journal
(:mod:`initiative_lib.corpus.journal`): a crash, kill, full disk or
unwritable folder at any point leaves the old corpus or the new one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import unicodedata
from pathlib import Path

from initiative_lib.corpus import schema
from initiative_lib.corpus.features import csv_text
from initiative_lib.corpus.journal import commit_files, corpus_lock, recover
from initiative_lib.corpus.load import (
    check_manifest_row,
    path_inside,
    read_checksums,
    read_manifest,
    render_checksums,
    text_segments,
    validate_corpus,
)
from initiative_lib.errors import CorpusError, where
from initiative_lib.paths import corpus_dir as resolve_corpus_dir
from initiative_lib.text.tokens import count_segment

PathLike = str | os.PathLike[str]


def detect_encoding(data: bytes) -> str | None:
    """The most likely encoding of ``data``, or None when no encoding fits.

    Valid UTF-8 is UTF-8. Otherwise charset-normalizer ranks the candidates;
    when it ranks any Windows or ISO-8859 code page among them and the bytes
    decode as Windows-1252, the answer is ``"cp1252"``: short texts do not
    tell these code pages apart (charset-normalizer may rank cp775 or cp1250
    first for an English sentence with curly quotes), and Windows-1252 is
    what submissions written on Windows are in. Detection is a guess: the
    command line says what it found and the row records it.

    Examples
    --------
    >>> detect_encoding("We call for “open” and ‘secure’ cyberspace.".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("plain ASCII".encode())
    'utf_8'
    """
    from charset_normalizer import from_bytes

    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf_8"
    names = [str(m.encoding) for m in from_bytes(data)]
    if not names:
        return None
    if any(n.startswith(("cp125", "latin", "iso8859")) for n in names):
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return "cp1252"
    return names[0]


def read_user_text(file: PathLike, *, encoding: str = "utf-8") -> str:
    r"""Read a user's text file strictly and normalise it.

    The leading byte-order mark is removed, ``\r\n`` and lone ``\r`` become
    ``\n`` and the text is put in Unicode normal form NFC.

    Parameters
    ----------
    file : path
        The text file.
    encoding : str, default="utf-8"
        A Python codec name, or ``"auto"`` to detect it with charset-normalizer.
        Decoding is strict: an undecodable byte is an error, never replaced.

    Returns
    -------
    str
        The normalised text.

    Raises
    ------
    CorpusError
        The file does not exist, is not a file, holds NUL bytes (UTF-16 without
        a byte-order mark, or not text at all), or does not decode (the message
        names the file, the byte, its offset and the encoding detected).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "mine.txt"
    ...     _ = path.write_bytes(b"\xef\xbb\xbfCafe\xcc\x81\r\nline two\rthree")
    ...     read_user_text(path)
    'Café\nline two\nthree'
    """
    return _read_user_text(file, encoding)[0]


def _read_user_text(file: PathLike, encoding: str) -> tuple[str, str]:
    """The normalised text and the codec it was read with (see :func:`read_user_text`)."""
    import codecs

    path = Path(file)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        msg = f"{path}: {what}; expected a text file"
        raise CorpusError(msg)
    data = path.read_bytes()
    if encoding == "auto":
        found = detect_encoding(data)
        if found is None:
            msg = f"{path}: no text encoding fits these bytes; expected a text file (is it a binary file?)"
            raise CorpusError(msg)
        encoding = found
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        msg = f"--encoding {encoding!r}: unknown encoding; expected a codec name such as 'utf-8', 'cp1252' or 'auto'"
        raise CorpusError(msg) from None
    is_utf16_or_32 = codec.startswith(("utf-16", "utf-32"))
    if not is_utf16_or_32 and b"\x00" in data:
        offset = data.index(b"\x00")
        hint = (
            "it looks like UTF-16 without a byte-order mark: try --encoding utf-16-le (or utf-16-be)"
            if data[1::2].count(0) > len(data) // 4 or data[0::2].count(0) > len(data) // 4
            else "is it a binary file?"
        )
        msg = f"{path}: NUL byte at offset {offset}; expected {codec} text ({hint})"
        raise CorpusError(msg)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        found = detect_encoding(data)
        suggestion = (
            f"; the bytes look like {found}: try --encoding {found} (or encoding={found!r})"
            if found and codecs.lookup(found).name != codec
            else f"; save the file as {codec} and try again"
        )
        msg = f"{path}: not valid {codec}: byte {data[err.start]:#04x} at offset {err.start} ({err.reason}){suggestion}"
        raise CorpusError(msg) from None
    if "\x00" in text:
        msg = f"{path}: decoded as {codec}, the text holds NUL characters; expected text"
        raise CorpusError(msg)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text), codec


def count_text(text: str) -> tuple[int, int]:
    """Count segments and tokens of a text exactly as the loader does.

    Examples
    --------
    >>> count_text("Open, secure and free cyberspace for all.")
    (1, 7)
    """
    segments = text_segments(text)
    return len(segments), sum(count_segment(seg).n_tokens for seg in segments)


def _manifest_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


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
    encoding: str = "utf-8",
    corpus_dir: PathLike | None = None,
) -> dict[str, str]:
    """Add a UTF-8 text file to the corpus as a document that ships as text.

    Everything is checked before anything is written: the corpus folder is
    valid; the metadata passes the loader's row checks (``doc_id`` form,
    required fields, controlled vocabularies, a calendar date ``YYYY-MM-DD``,
    an ISO 3166-1 alpha-3 country); ``doc_id`` is not yet in use; the file is
    strict UTF-8 (or ``encoding``) and has tokens after clean-up. Then
    ``texts/<doc_id>.txt``, ``documents.csv`` (the new row appended) and
    ``SHA256SUMS`` are changed all or nothing, under the corpus folder's lock
    (see :mod:`initiative_lib.corpus.journal`): a crash or kill at any point
    leaves the old corpus or the new one, never a mix.

    Parameters
    ----------
    file : path
        The document, a UTF-8 text file. It is stored normalised: without a
        byte-order mark, with ``\\n`` line ends, in Unicode NFC.
    doc_id : str
        A new id: 1 to 80 characters, lower-case letters, digits, ``.``,
        ``_`` or ``-``, starting with a letter or digit (no spaces, no line
        breaks).
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
    encoding : str, default="utf-8"
        The file's encoding (a Python codec name), or ``"auto"`` to detect it
        with charset-normalizer; the text is stored as UTF-8 either way. An
        encoding other than UTF-8 is recorded in ``notes`` ("read as cp1252";
        "detected" with ``"auto"``).
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
    if not root.is_dir():
        msg = f"corpus folder {root} does not exist; pass corpus_dir= or set $INITIATIVE_CORPUS"
        raise CorpusError(msg)
    try:
        check_manifest_row(rec, Path(f"new row of {manifest_path}"), None, root)
    except CorpusError as err:
        msg = f"cannot add {doc_id!r}: {err}"
        raise CorpusError(msg) from None
    for col in ("title", "issuer", "notes"):
        if any(ch in rec[col] for ch in "\x00\r"):
            msg = (
                f"cannot add {doc_id!r}: field {col!r}: value {rec[col]!r} holds a NUL or carriage return; "
                "expected text"
            )
            raise CorpusError(msg)

    text, used = _read_user_text(file, encoding)
    if not text.strip():
        msg = f"{Path(file)}: the file is empty; expected the document's text"
        raise CorpusError(msg)
    n_segments, n_tokens = count_text(text)
    if n_tokens == 0:
        msg = f"{Path(file)}: no tokens (letters or digits) left after clean-up; expected the document's text"
        raise CorpusError(msg)
    data = text.encode("utf-8")
    text_file = f"{schema.TEXTS_DIR}/{doc_id}.txt"
    if used != "utf-8":
        how = "detected" if encoding == "auto" else "given"
        rec["notes"] = "; ".join(x for x in (rec["notes"], f"read as {used} ({how}), stored as UTF-8") if x)
    rec.update(
        text_file=text_file,
        n_segments=str(n_segments),
        n_tokens=str(n_tokens),
        source_sha256=hashlib.sha256(data).hexdigest(),
    )

    with corpus_lock(root):
        recover(root, locked=True)
        try:
            validate_corpus(corpus_dir=root)
        except (CorpusError, OSError) as err:
            msg = f"cannot add {doc_id!r}: the corpus folder {root} is not valid ({err}); fix or rebuild it first"
            raise type(err)(msg) from None
        manifest = read_manifest(root)
        existing = manifest.index[manifest["doc_id"] == doc_id]
        if len(existing):
            msg = (
                f"{where(manifest_path, int(existing[0]) + 2, 'doc_id')}: value {doc_id!r} is already in use; "
                "choose a new doc_id"
            )
            raise CorpusError(msg)
        text_path = path_inside(root, text_file, manifest_path, len(manifest) + 2, "text_file")
        if text_path.exists():
            msg = (
                f"{text_path}: already exists but {doc_id!r} is not in the manifest; remove it or choose another doc_id"
            )
            raise CorpusError(msg)
        old_manifest = manifest_path.read_bytes()
        new_manifest = csv_text([*_manifest_rows(old_manifest), rec], list(schema.DOCUMENT_COLUMNS)).encode("utf-8")
        sums = read_checksums(root)
        sums[text_file] = hashlib.sha256(data).hexdigest()
        sums[schema.DOCUMENTS_FILE] = hashlib.sha256(new_manifest).hexdigest()
        commit_files(
            root,
            {
                text_file: data,
                schema.DOCUMENTS_FILE: new_manifest,
                schema.CHECKSUMS_FILE: render_checksums(sums).encode("utf-8"),
            },
        )
    return rec
