"""A data-only, checksummed cache of document-term matrices in the user cache folder.

:func:`document_term_matrix` and :func:`~initiative_lib.build.ungdc_paragraphs.ungdc_paragraph_matrix`
keep their finished matrices here. A cache file is one uncompressed ``.npz``
archive of plain arrays (never Python objects: it is read with
``numpy.load(allow_pickle=False)``, so a crafted file cannot run code):

* ``indptr``, ``indices``, ``data``: the CSR counts;
* the vocabulary and every string column of ``rows`` as UTF-8 bytes plus
  offsets (and a missing-value mask), integer, float, boolean and date
  columns as their numpy arrays, categorical columns as codes plus their
  categories;
* ``meta``: a JSON header (shape, level, column names and kinds, the
  ``preprocessing`` record) and the SHA-256 of every other array's bytes.

:func:`load_matrix` recomputes that SHA-256 and checks every array's shape
against the header. A file that fails any check is reported with one
:class:`~initiative_lib.errors.CacheWarning` naming its path and treated as
absent, so the caller rebuilds the matrix and :func:`save_matrix` replaces
the file. A cache folder that cannot be used (it is a file, or not writable)
means "run without the cache", also with one warning. Writes go through a
temporary file and an atomic rename, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.errors import CacheWarning

__all__ = ["CACHE_FORMAT", "cache_folder", "load_matrix", "save_matrix"]

#: version of the file layout; part of the header, a different one is not read
CACHE_FORMAT = 1
SUFFIX = ".npz"


class _Invalid(Exception):
    """A cache file that does not pass the checks (internal; becomes a warning)."""


# ---------------------------------------------------------------- encoding helpers
def _encode_strings(values: pd.Series | pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UTF-8 bytes of every string, their end offsets, and the missing-value mask."""
    mask = np.asarray(pd.isna(values), dtype=bool)
    pieces = [
        b"" if missing else str(v).encode("utf-8", "surrogatepass") for v, missing in zip(values, mask, strict=True)
    ]
    ends = np.cumsum(np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces)))
    return np.frombuffer(b"".join(pieces), dtype=np.uint8), ends, mask


def _decode_strings(blob: np.ndarray, ends: np.ndarray, mask: np.ndarray) -> list[str | None]:
    raw = blob.tobytes()
    if len(ends) and (int(ends[-1]) != len(raw) or bool(np.any(np.diff(ends) < 0)) or int(ends[0]) < 0):
        msg = "string offsets do not fit the string data"
        raise _Invalid(msg)
    starts = np.concatenate([[0], ends[:-1]]) if len(ends) else ends
    out: list[str | None] = []
    for s, e, missing in zip(starts.tolist(), ends.tolist(), mask.tolist(), strict=True):
        out.append(None if missing else raw[s:e].decode("utf-8", "surrogatepass"))
    return out


def _column_arrays(name: str, col: pd.Series, arrays: dict[str, np.ndarray]) -> dict[str, object]:
    """Put one ``rows`` column into ``arrays``; return its header entry."""
    key = f"col{len(arrays)}"
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        if not all(isinstance(c, str) for c in cats):
            msg = f"column {name!r}: categories that are not strings"
            raise _Invalid(msg)
        arrays[f"{key}_codes"] = col.cat.codes.to_numpy(dtype=np.int64)
        arrays[f"{key}_cats"], arrays[f"{key}_cats_ends"], _ = _encode_strings(pd.Index(cats))
        return {"name": name, "kind": "category", "key": key, "ordered": bool(dtype.ordered)}
    if isinstance(dtype, pd.StringDtype) or dtype == np.dtype(object):
        values = col.to_numpy(dtype=object)
        if not all(isinstance(v, str) or pd.isna(v) for v in values):
            msg = f"column {name!r}: values that are neither strings nor missing"
            raise _Invalid(msg)
        arrays[f"{key}_str"], arrays[f"{key}_ends"], arrays[f"{key}_na"] = _encode_strings(col)
        if not isinstance(dtype, pd.StringDtype):
            return {"name": name, "kind": "object", "key": key}
        na_nan = dtype.na_value is not pd.NA
        return {"name": name, "kind": "string", "storage": dtype.storage, "na_nan": na_nan, "key": key}
    if pd.api.types.is_datetime64_dtype(dtype):
        unit = np.dtype(dtype).str  # e.g. "<M8[ns]" or "<M8[us]"
        arrays[f"{key}_i8"] = col.to_numpy(dtype=unit).view(np.int64)
        return {"name": name, "kind": "datetime", "dtype": unit, "key": key}
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
        arrays[f"{key}_num"] = col.to_numpy()
        return {"name": name, "kind": "numeric", "dtype": dtype.str, "key": key}
    msg = f"column {name!r}: dtype {dtype} is not supported by the cache"
    raise _Invalid(msg)


def _column_from_arrays(spec: Mapping[str, object], arrays: Mapping[str, np.ndarray], n_rows: int) -> pd.Series:
    key, kind = str(spec["key"]), spec["kind"]
    if kind == "category":
        cat_ends = arrays[f"{key}_cats_ends"]
        cats = _decode_strings(arrays[f"{key}_cats"], cat_ends, np.zeros(len(cat_ends), dtype=bool))
        codes = arrays[f"{key}_codes"]
        if len(codes) != n_rows or (len(codes) and (codes.min() < -1 or codes.max() >= len(cats))):
            msg = f"column {spec['name']!r}: category codes out of range"
            raise _Invalid(msg)
        dtype = pd.CategoricalDtype(cats, ordered=bool(spec["ordered"]))
        return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))
    if kind in ("string", "object"):
        values = _decode_strings(arrays[f"{key}_str"], arrays[f"{key}_ends"], arrays[f"{key}_na"])
        if len(values) != n_rows:
            msg = f"column {spec['name']!r}: {len(values)} values for {n_rows} rows"
            raise _Invalid(msg)
        if kind == "string":
            storage = str(spec["storage"])
            dtype = pd.StringDtype(storage, na_value=np.nan) if spec["na_nan"] else pd.StringDtype(storage)
            return pd.Series(values, dtype=dtype)
        return pd.Series(values, dtype=object)
    if kind == "datetime":
        i8 = arrays[f"{key}_i8"]
        if len(i8) != n_rows:
            msg = f"column {spec['name']!r}: {len(i8)} values for {n_rows} rows"
            raise _Invalid(msg)
        unit = np.dtype(str(spec["dtype"]))
        if unit.kind != "M":
            msg = f"column {spec['name']!r}: {unit} is not a date type"
            raise _Invalid(msg)
        return pd.Series(i8.view(unit))
    if kind == "numeric":
        num = arrays[f"{key}_num"]
        if len(num) != n_rows or num.dtype.str != spec["dtype"]:
            msg = f"column {spec['name']!r}: wrong length or dtype"
            raise _Invalid(msg)
        return pd.Series(num)
    msg = f"column {spec.get('name')!r}: unknown kind {kind!r}"
    raise _Invalid(msg)


def _digest(arrays: Mapping[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{arr.dtype.str}|{arr.shape}|".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


# ---------------------------------------------------------------- folder
def cache_folder(base: Path, name: str) -> Path | None:
    """``base / name`` created if needed, or None (with a warning) when it cannot be used.

    Examples
    --------
    >>> import tempfile, warnings
    >>> d = Path(tempfile.mkdtemp())
    >>> cache_folder(d, "dtm") == d / "dtm"
    True
    >>> _ = (d / "file").write_text("x")
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     cache_folder(d / "file", "dtm") is None, "running without the cache" in str(w[0].message)
    (True, True)
    """
    folder = base / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        _warn(f"cache folder {folder} cannot be created ({err.strerror or err}); running without the cache")
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        _warn(f"cache folder {folder} is not writable; running without the cache")
        return None
    return folder


def _warn(msg: str) -> None:
    warnings.warn(msg, CacheWarning, stacklevel=3)


# ---------------------------------------------------------------- save and load
def save_matrix(path: Path, dtm: object) -> bool:
    """Write ``dtm`` (a DocumentTermMatrix) to ``path`` atomically; return whether it was written.

    A matrix the format cannot hold, or a failed write, gives a warning and
    leaves no file behind; the caller carries on without the cache.
    """
    counts = dtm.counts.tocsr()  # type: ignore[attr-defined]
    rows: pd.DataFrame = dtm.rows  # type: ignore[attr-defined]
    arrays: dict[str, np.ndarray] = {
        "indptr": counts.indptr.astype(np.int64),
        "indices": counts.indices.astype(np.int64),
        "data": counts.data,
    }
    try:
        json.dumps(dict(dtm.preprocessing))  # type: ignore[attr-defined]
        arrays["vocab"], arrays["vocab_ends"], vocab_na = _encode_strings(dtm.vocab)  # type: ignore[attr-defined]
        if vocab_na.any():
            msg = "missing values in the vocabulary"
            raise _Invalid(msg)
        columns = [_column_arrays(str(name), rows[name], arrays) for name in rows.columns]
    except (_Invalid, TypeError, ValueError) as err:
        _warn(f"{path}: matrix not cached ({err})")
        return False
    header = {
        "format": CACHE_FORMAT,
        "shape": list(counts.shape),
        "level": dtm.level,  # type: ignore[attr-defined]
        "preprocessing": dict(dtm.preprocessing),  # type: ignore[attr-defined]
        "columns": columns,
        "data_dtype": counts.data.dtype.str,
        "sha256": _digest(arrays),
    }
    arrays["meta"] = np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as err:
        _warn(f"{path}: could not write the cache ({err.strerror or err}); running without it")
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def load_matrix(path: Path, factory: type) -> object | None:
    """Read a matrix written by :func:`save_matrix`, or None if there is none or it fails a check.

    ``factory`` is the DocumentTermMatrix class. A file that exists but fails
    gives one :class:`~initiative_lib.errors.CacheWarning` naming ``path``.
    """
    if not path.is_file():
        return None
    try:
        return _load(path, factory)
    except (
        _Invalid,
        OSError,
        ValueError,
        KeyError,
        TypeError,
        zipfile.BadZipFile,
        EOFError,
        UnicodeDecodeError,
    ) as err:
        _warn(f"{path}: cache file ignored and rebuilt ({type(err).__name__}: {err})")
        return None


def _load(path: Path, factory: type) -> object:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    meta_bytes = arrays.pop("meta", None)
    if meta_bytes is None:
        msg = "no header"
        raise _Invalid(msg)
    header = json.loads(meta_bytes.tobytes().decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != CACHE_FORMAT:
        msg = f"format {header.get('format') if isinstance(header, dict) else header!r}; expected {CACHE_FORMAT}"
        raise _Invalid(msg)
    if _digest(arrays) != header["sha256"]:
        msg = "content SHA-256 differs from the recorded one"
        raise _Invalid(msg)
    n_rows, n_terms = (int(x) for x in header["shape"])
    indptr, indices, data = arrays["indptr"], arrays["indices"], arrays["data"]
    if (
        indptr.shape != (n_rows + 1,)
        or indices.shape != data.shape
        or data.dtype.str != header["data_dtype"]
        or (len(indptr) and (indptr[0] != 0 or indptr[-1] != len(data) or np.any(np.diff(indptr) < 0)))
        or (len(indices) and (indices.min() < 0 or indices.max() >= n_terms))
    ):
        msg = "sparse arrays do not fit the recorded shape"
        raise _Invalid(msg)
    counts = sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_terms))
    vocab_list = _decode_strings(arrays["vocab"], arrays["vocab_ends"], np.zeros(len(arrays["vocab_ends"]), dtype=bool))
    rows = pd.DataFrame(
        {str(spec["name"]): _column_from_arrays(spec, arrays, n_rows) for spec in header["columns"]},
        index=pd.RangeIndex(n_rows),
    )
    if len(header["columns"]) == 0:
        rows = pd.DataFrame(index=pd.RangeIndex(n_rows))
    return factory(
        counts=counts,
        rows=rows,
        vocab=pd.Index(vocab_list, dtype=object),
        level=header["level"],
        preprocessing=header["preprocessing"],
    )
