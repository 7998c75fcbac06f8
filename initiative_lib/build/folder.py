"""Stream a folder of text files described by a metadata CSV.

The layout: one folder of UTF-8 text files (subfolders allowed) and one CSV
with a header row, an id column and a file column giving each text's path
relative to the folder. Everything is checked before the first text is read:

* the CSV is UTF-8, has a header and the id and file columns, and every row
  has as many fields as the header;
* ids are non-empty and unique; files are non-empty, relative, stay inside
  the folder, exist, and no file is listed twice;
* every ``.txt`` file in the folder (at any depth) has a row; hidden files
  (``.DS_Store``, ``._x.txt``) are ignored;
* no file starts like a binary file (PNG, PDF, ZIP, JPEG, GIF, gzip, Office)
  or UTF-16, or holds a NUL byte in its first 8 KB (and, when it is read,
  anywhere).

Texts are then read one at a time, in the CSV's row order, and cleaned with
:func:`initiative_lib.text.cleaning.read_clean`; only the current text is held in
memory. Every error names the file, row (the header is row 1), field, the bad
value and what was expected.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

from initiative_lib.errors import CorpusError, where
from initiative_lib.progress import Progress, want_progress
from initiative_lib.text.cleaning import CleaningRecord, read_clean

#: one CSV row: its number (the header is row 1) and its values by column
Row = tuple[int, dict[str, str]]
#: what the reader yields: the row, the cleaned text, the clean-up record
Item = tuple[dict[str, str], str, CleaningRecord]


def _read_rows(metadata_csv: Path, id_column: str, file_column: str) -> tuple[list[str], list[Row]]:
    if not metadata_csv.is_file():
        msg = f"{metadata_csv}: metadata CSV not found; expected a CSV file with a header row"
        raise CorpusError(msg)
    try:
        text = metadata_csv.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        msg = f"{metadata_csv}: not valid UTF-8 ({err.reason} at byte {err.start})"
        raise CorpusError(msg) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        msg = f"{where(metadata_csv, 1)}: no header row; expected column names with {id_column!r} and {file_column!r}"
        raise CorpusError(msg)
    header = [h.strip() for h in header]
    missing = [c for c in (id_column, file_column) if c not in header]
    if missing:
        msg = f"{where(metadata_csv, 1)}: columns {missing} missing; expected them among the header {header}"
        raise CorpusError(msg)
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        msg = f"{where(metadata_csv, 1)}: columns {dupes} appear more than once; expected unique column names"
        raise CorpusError(msg)
    rows = []
    for row_no, values in enumerate(reader, start=2):
        if not values:  # a blank line
            continue
        if len(values) != len(header):
            msg = (
                f"{where(metadata_csv, row_no)}: {len(values)} fields; expected {len(header)} as in the header {header}"
            )
            raise CorpusError(msg)
        rows.append((row_no, dict(zip(header, values, strict=True))))
    return header, rows


def _resolve_file(folder: Path, value: str, metadata_csv: Path, row_no: int, file_column: str) -> Path:
    loc = where(metadata_csv, row_no, file_column)
    if not value.strip():
        msg = f"{loc}: value is empty; expected a path relative to {folder}"
        raise CorpusError(msg)
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive:
        msg = f"{loc}: value {value!r} is an absolute path; expected a path relative to {folder}"
        raise CorpusError(msg)
    path = (folder / value).resolve()
    if not path.is_relative_to(folder):
        msg = f"{loc}: value {value!r} leaves the folder {folder}; expected a path inside it"
        raise CorpusError(msg)
    if not path.is_file():
        msg = f"{loc}: value {value!r}: file {path} not found; expected an existing file inside {folder}"
        raise CorpusError(msg)
    return path


#: leading bytes of common non-text files, and what they are
BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"%PDF-": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.odt file)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file",
    b"\x1f\x8b": "a gzip file",
    b"\xff\xfe": "UTF-16 text (little-endian byte-order mark)",
    b"\xfe\xff": "UTF-16 text (big-endian byte-order mark)",
}


def check_text_bytes(data: bytes, path: Path, loc: str) -> None:
    r"""Refuse bytes that are not UTF-8 text: a known binary signature, UTF-16, or a NUL byte.

    ``loc`` names the CSV row that lists the file. Undecodable bytes in
    otherwise text files are not refused here; the clean-up replaces and
    counts them.

    Examples
    --------
    >>> check_text_bytes(b"\x89PNG\r\n\x1a\n...", Path("a.txt"), "meta.csv, row 2, field 'file'")
    Traceback (most recent call last):
    ...
    initiative_lib.errors.CorpusError: a.txt (meta.csv, row 2, field 'file'): a PNG image, not text; ...
    """
    for magic, what in BINARY_SIGNATURES.items():
        if data.startswith(magic):
            msg = f"{path} ({loc}): {what}, not text; expected a UTF-8 text file"
            raise CorpusError(msg)
    if b"\x00" in data:
        offset = data.index(b"\x00")
        looks_utf16 = data[1::2].count(0) > len(data) // 4 or data[0::2].count(0) > len(data) // 4
        what = "UTF-16 text without a byte-order mark" if looks_utf16 else "a binary file"
        msg = f"{path} ({loc}): NUL byte at offset {offset}, so probably {what}; expected a UTF-8 text file"
        raise CorpusError(msg)


def read_text_folder(
    folder: str | os.PathLike[str],
    metadata_csv: str | os.PathLike[str],
    *,
    id_column: str = "doc_id",
    file_column: str = "file",
    progress: bool | None = None,
) -> Iterator[Item]:
    """Stream the texts of ``folder`` with their metadata rows, after validating both.

    Parameters
    ----------
    folder : path
        The folder of text files.
    metadata_csv : path
        A UTF-8 CSV with a header row; one row per text.
    id_column, file_column : str
        The columns holding each text's unique id and its path relative to ``folder``.
    progress : bool or None
        Show ``read: i/n`` on stderr; ``None`` = only if stderr is a terminal.

    Yields
    ------
    meta : dict of str to str
        The row, every column as a string (the file column as written in the CSV).
    text : str
        The cleaned text (:func:`initiative_lib.text.cleaning.read_clean`).
    record : CleaningRecord
        What the clean-up changed.

    Raises
    ------
    CorpusError
        Before anything is yielded, if the CSV or the folder does not fit the
        layout (see the module docstring); the message names the file, row,
        field, value and what was expected.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("Hello,\\r\\nworld.\\r\\n")
    >>> _ = (d / "meta.csv").write_text("doc_id,file,year\\nd1,a.txt,2020\\n")
    >>> [(m["doc_id"], m["year"], t, r.crlf) for m, t, r in read_text_folder(d, d / "meta.csv")]
    [('d1', '2020', 'Hello,\\nworld.\\n', 2)]
    """
    root = Path(folder).expanduser().resolve()
    csv_path = Path(metadata_csv).expanduser()
    if not root.is_dir():
        msg = f"{root}: text folder not found; expected a folder of text files"
        raise CorpusError(msg)
    _header, rows = _read_rows(csv_path, id_column, file_column)
    seen_ids: dict[str, int] = {}
    seen_files: dict[Path, int] = {}
    plan: list[tuple[dict[str, str], Path, str]] = []
    for row_no, meta in rows:
        doc_id = meta[id_column]
        if not doc_id.strip():
            msg = f"{where(csv_path, row_no, id_column)}: value is empty; expected a unique id"
            raise CorpusError(msg)
        if doc_id in seen_ids:
            msg = (
                f"{where(csv_path, row_no, id_column)}: duplicate id {doc_id!r} "
                f"(first at row {seen_ids[doc_id]}); expected unique ids"
            )
            raise CorpusError(msg)
        seen_ids[doc_id] = row_no
        path = _resolve_file(root, meta[file_column], csv_path, row_no, file_column)
        if path in seen_files:
            msg = (
                f"{where(csv_path, row_no, file_column)}: file {meta[file_column]!r} is already listed "
                f"at row {seen_files[path]}; expected each file once"
            )
            raise CorpusError(msg)
        seen_files[path] = row_no
        with path.open("rb") as fh:
            check_text_bytes(fh.read(8192), path, where(csv_path, row_no, file_column))
        plan.append((meta, path, where(csv_path, row_no, file_column)))
    unlisted = sorted(
        p
        for p in root.rglob("*.txt")
        if p.is_file()
        and p.resolve() not in seen_files
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    if unlisted:
        names = [p.relative_to(root).as_posix() for p in unlisted]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        msg = (
            f"{root}: {len(names)} text file(s) without a row in {csv_path}: {shown}; expected a row for each .txt file"
        )
        raise CorpusError(msg)
    return _stream(plan, want_progress(progress))


def _stream(plan: list[tuple[dict[str, str], Path, str]], show: bool) -> Iterator[Item]:
    bar = Progress("read", len(plan), enabled=show)
    try:
        for meta, path, loc in plan:
            data = path.read_bytes()
            check_text_bytes(data, path, loc)
            text, record = read_clean(data)
            bar.step()
            yield dict(meta), text, record
    finally:
        bar.done()
