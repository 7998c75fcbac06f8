"""Stream a folder of text files described by a metadata CSV.

The layout: one folder of UTF-8 text files (subfolders allowed) and one CSV
with a header row, an id column and a file column giving each text's path
relative to the folder. Everything is checked before the first text is read:

* the CSV is UTF-8, has a header and the id and file columns, and every row
  has as many fields as the header;
* ids are non-empty and unique; files are non-empty, relative, stay inside
  the folder, exist, and no file is listed twice;
* every ``.txt`` file in the folder (at any depth) has a row.

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
    plan: list[tuple[dict[str, str], Path]] = []
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
        plan.append((meta, path))
    unlisted = sorted(p for p in root.rglob("*.txt") if p.is_file() and p.resolve() not in seen_files)
    if unlisted:
        names = [p.relative_to(root).as_posix() for p in unlisted]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        msg = (
            f"{root}: {len(names)} text file(s) without a row in {csv_path}: {shown}; expected a row for each .txt file"
        )
        raise CorpusError(msg)
    return _stream(plan, want_progress(progress))


def _stream(plan: list[tuple[dict[str, str], Path]], show: bool) -> Iterator[Item]:
    bar = Progress("read", len(plan), enabled=show)
    try:
        for meta, path in plan:
            text, record = read_clean(path.read_bytes())
            bar.step()
            yield dict(meta), text, record
    finally:
        bar.done()
