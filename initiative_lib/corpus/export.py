"""Export a document-term matrix for other tools: Matrix Market + CSV, and Parquet.

:func:`export_matrix` writes a :class:`~initiative_lib.corpus.matrix.DocumentTermMatrix`
to a folder, in files that R, Stata, Julia or another Python read without this package:

=============================  ====================================================================
file                           content
=============================  ====================================================================
``<prefix>.mtx``               the counts, Matrix Market coordinate format, integers, 1-based
                               (``Matrix::readMM`` in R, ``scipy.io.mmread``)
``<prefix>_rows.csv``          one line per matrix row, in matrix order: ``row`` (1-based) and the
                               row metadata (``doc_id``, ``seg_no``, ``n_tokens``, ``group``, ...)
``<prefix>_terms.csv``         one line per matrix column, in order: ``column`` (1-based), ``term``
``<prefix>_counts.parquet``    the non-zero counts, long: ``row``, ``column`` (1-based), ``term``,
                               ``count`` (``arrow::read_parquet``, ``pandas.read_parquet``, DuckDB)
``<prefix>_rows.parquet``      the row metadata with its column types
``<prefix>.json``              shape, level, the files and the preprocessing record of the counts
=============================  ====================================================================

In R (quanteda)::

    m <- Matrix::readMM("dtm.mtx")
    rows <- read.csv("dtm_rows.csv", colClasses = c(doc_id = "character"))
    terms <- read.csv("dtm_terms.csv", colClasses = c(term = "character"), na.strings = character())
    dimnames(m) <- list(paste(rows$doc_id, rows$seg_no, sep = "."), terms$term)
    d <- quanteda::as.dfm(m)
    quanteda::docvars(d) <- rows

Every file is written to a temporary name in the target folder first and moved into
place only when all are written (all or nothing). The bytes depend only on the matrix
(and the versions of scipy and pyarrow that write them): no time stamps.

Parquet is written with pyarrow, the engine pandas uses by default; it keeps column
types (integers stay integers, missing values stay missing), which CSV does not.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.io
import scipy.sparse as sp

from initiative_lib.corpus.matrix import DocumentTermMatrix

#: the formats :func:`export_matrix` writes
EXPORT_FORMATS: tuple[str, ...] = ("mtx", "parquet")
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def check_prefix(prefix: object) -> str:
    """Return ``prefix`` if it is a plain file-name stem, else raise ValueError.

    Examples
    --------
    >>> check_prefix("dtm-2020")
    'dtm-2020'
    """
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        msg = f"prefix must be a file-name stem (letters, digits, '_', '.', '-'; alphanumeric first); got {prefix!r}"
        raise ValueError(msg)
    return prefix


def _check_replaceable(path: Path) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        msg = f"cannot write {path}: it exists and is not a regular file; nothing was written"
        raise IsADirectoryError(msg) if stat.S_ISDIR(st.st_mode) else OSError(msg)
    if not (st.st_mode & stat.S_IWUSR) or not os.access(path, os.W_OK):
        msg = f"cannot write {path}: it is read-only; nothing was written"
        raise PermissionError(msg)


def write_files_atomically(folder: str | os.PathLike[str], files: dict[str, bytes]) -> list[Path]:
    """Write ``{name: bytes}`` into ``folder`` all or nothing; return the paths in ``files`` order.

    Targets that cannot be replaced (a folder, a read-only file) are refused
    before anything is written. Each file goes to a temporary name first; the
    old files are then moved aside and the new ones moved into place, and a
    failure at any step puts the old files back, so the folder holds either
    every old file or every new one. Used for exports and for figures (PDF, PNG
    and CSV of one figure).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in write_files_atomically(tmp, {"a.txt": b"1", "b.txt": b"2"})]
    ['a.txt', 'b.txt']
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / name for name in files]
    for path in targets:
        _check_replaceable(path)
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for path, payload in zip(targets, files.values(), strict=True):
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=out)
            temps[path] = Path(tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            os.chmod(tmp, 0o644)
        for path in targets:
            if path.exists():
                fd, backup_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".old", dir=out)
                os.close(fd)
                try:
                    os.replace(path, backup_name)
                except BaseException:
                    Path(backup_name).unlink()
                    raise
                backups[path] = Path(backup_name)
            os.replace(temps[path], path)
            del temps[path]
            placed.append(path)
    except BaseException:
        for path in placed:
            with contextlib.suppress(OSError):
                path.unlink()
        for path, backup in backups.items():
            with contextlib.suppress(OSError):
                os.replace(backup, path)
        for leftover in temps.values():
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    for backup in backups.values():
        with contextlib.suppress(OSError):
            backup.unlink()
    return targets


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, engine="pyarrow", index=False, compression="zstd")
    return buf.getvalue()


def _mtx_bytes(counts: sp.csr_matrix, comment: str) -> bytes:
    import io

    buf = io.BytesIO()
    scipy.io.mmwrite(buf, counts.tocoo(), comment=comment, field="integer", symmetry="general")
    return buf.getvalue()


def _json_default(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray | tuple | set | frozenset | pd.Index):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    msg = f"cannot write {type(value).__name__} value {value!r} to JSON"
    raise TypeError(msg)


def export_matrix(
    dtm: DocumentTermMatrix,
    folder: str | os.PathLike[str],
    *,
    prefix: str = "dtm",
    formats: Sequence[str] = EXPORT_FORMATS,
) -> list[Path]:
    """Write a document-term matrix and its row metadata for other tools.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Counts (raw or preprocessed; the preprocessing record goes to ``<prefix>.json``).
    folder : path
        Created if missing; existing files of the same names are replaced.
    prefix : str
        Stem of the file names.
    formats : sequence of {"mtx", "parquet"}
        ``"mtx"``: Matrix Market + ``_rows.csv`` + ``_terms.csv``; ``"parquet"``: long
        counts + row metadata. ``<prefix>.json`` is always written.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    TypeError
        ``dtm`` is not a DocumentTermMatrix.
    ValueError
        A bad ``prefix`` or format, or a matrix with negative or non-integer counts.

    Examples
    --------
    >>> import tempfile, scipy.io
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=4, n_terms=6, k=2, random_state=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     files = export_matrix(dtm, tmp)
    ...     back = scipy.io.mmread(f"{tmp}/dtm.mtx")
    ...     print([f.name for f in files], (back != dtm.counts).nnz)
    ['dtm.mtx', 'dtm_rows.csv', 'dtm_terms.csv', 'dtm_counts.parquet', 'dtm_rows.parquet', 'dtm.json'] 0
    """
    if not isinstance(dtm, DocumentTermMatrix):
        msg = f"dtm must be a DocumentTermMatrix; got {type(dtm).__name__}"
        raise TypeError(msg)
    prefix = check_prefix(prefix)
    if isinstance(formats, str) or not formats or any(f not in EXPORT_FORMATS for f in formats):
        msg = f"formats must be a non-empty list drawn from {list(EXPORT_FORMATS)}; got {formats!r}"
        raise ValueError(msg)
    counts = sp.csr_matrix(dtm.counts, copy=True)
    counts.sum_duplicates()
    counts.sort_indices()
    whole = np.issubdtype(counts.dtype, np.integer) or bool(np.all(counts.data == np.round(counts.data)))
    if not whole:
        msg = "dtm.counts must hold whole numbers to be written as integer counts; got fractional values"
        raise ValueError(msg)
    if counts.nnz and counts.data.min() < 0:
        msg = f"dtm.counts must not be negative; got a minimum of {counts.data.min()}"
        raise ValueError(msg)
    counts = counts.astype(np.int64)
    n_rows, n_terms = counts.shape
    rows = dtm.rows.reset_index(drop=True)
    if "row" in rows.columns:
        msg = "dtm.rows must not have a column named 'row' (the export adds the row number)"
        raise ValueError(msg)
    rows.insert(0, "row", np.arange(1, n_rows + 1, dtype=np.int64))
    terms = pd.DataFrame({"column": np.arange(1, n_terms + 1, dtype=np.int64), "term": dtm.vocab.astype(str)})
    files: dict[str, bytes] = {}
    if "mtx" in formats:
        comment = f" rows: {prefix}_rows.csv (column 'row'); columns: {prefix}_terms.csv (column 'column')"
        files[f"{prefix}.mtx"] = _mtx_bytes(counts, comment)
        files[f"{prefix}_rows.csv"] = _csv_bytes(rows)
        files[f"{prefix}_terms.csv"] = _csv_bytes(terms)
    if "parquet" in formats:
        coo = counts.tocoo()
        long = pd.DataFrame(
            {
                "row": coo.row.astype(np.int64) + 1,
                "column": coo.col.astype(np.int64) + 1,
                "term": terms["term"].to_numpy()[coo.col],
                "count": coo.data,
            }
        )
        files[f"{prefix}_counts.parquet"] = _parquet_bytes(long)
        files[f"{prefix}_rows.parquet"] = _parquet_bytes(rows)
    meta = {
        "shape": [n_rows, n_terms],
        "nonzero": int(counts.nnz),
        "total": int(counts.sum()),
        "level": dtm.level,
        "files": sorted(files),
        "preprocessing": dict(dtm.preprocessing),
    }
    files[f"{prefix}.json"] = (json.dumps(meta, indent=2, sort_keys=True, default=_json_default) + "\n").encode()
    return write_files_atomically(folder, files)
