"""A content-addressed store of fitted LDA models in the user cache: each model is fitted once.

The notebooks fit the same models again and again: the headline fit (K = 15,
seed 2020) in four notebooks, the ten-seed ensemble in two, the refits at
K = 10 and 20 in two. Every fit is deterministic (a fixed seed, one thread),
so a model fitted once can be kept and read back instead of refitted, with
the same numbers to the last bit. :func:`~initiative_lib.topics.model.fit_topics`,
:func:`~initiative_lib.topics.stability.fit_seed_ensemble`, the study's
fits and the K grid of :func:`~initiative_lib.topics.diagnostics.search_k` go
through :func:`fetch_or_fit`. The K grid is fitted in one notebook only, but a
second run (a class that runs notebook 03 again after ``python3 tasks.py
main``) reads its fits back.

What is stored
--------------
Only fits by the package's own LDA solver
(:class:`~initiative_lib.topics.lda.VectorizedLDA`, the default), with the
row shares inferred or, for the K grid of
:func:`~initiative_lib.topics.diagnostics.search_k`, which needs only the
topics, without them (a key of its own, ``theta`` with no rows); other methods
and solvers are fitted every time.
``<cache>/topic-models/<key>.npz``: one uncompressed archive of plain arrays,
read with ``numpy.load(allow_pickle=False)`` (nothing is pickled, so a
crafted file cannot run code): ``components`` (``lambda``, ``k x V``),
``theta`` (the row shares, ``rows x k``, or ``0 x k``) and ``meta``, a JSON header (the key,
the estimator's fitted scalars and the SHA-256 of each array) stored as
bytes. Everything else (``exp(E[log beta])``, ``topic_term``, the document
shares, the configuration) is recomputed from these by the same code as
after a fit, so a loaded model equals the fitted one array for array.

The key
-------
SHA-256 of: the matrix as fitted (its float64 counts, indices, row pointers,
shape and vocabulary), ``k``, the method, the seed, ``max_iter``, every
estimator setting (``get_params()`` after defaults, except ``n_jobs``, which
does not change the result), the chunk size and E-step form of
:mod:`~initiative_lib.topics.lda`, the package version, the SHA-256 of the
fitting code (``lda.py``, ``fused.py``, ``model.py``) and the versions of
numpy, scipy and scikit-learn. Any change is a new key; an old entry is
never reused.

Safety
------
Writes go to a temporary file renamed into place (a reader never sees half a
file). On load the header's key and every array's SHA-256 and shape are
checked; a file that fails is reported with one
:class:`~initiative_lib.errors.CacheWarning` naming its path, refitted and
replaced. A cache folder that cannot be used means "fit without the store",
with a warning. Where the platform has ``fcntl`` (Linux, macOS) a lock file
per key makes a second process that asks for a model being fitted wait for
it instead of fitting it again (two notebooks run at a time).
``$INITIATIVE_MODEL_STORE=0`` (or ``off``, ``no``, ``false``) turns the store off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

import initiative_lib
from initiative_lib.corpus.cache import cache_folder
from initiative_lib.corpus.features import atomic_write_bytes
from initiative_lib.errors import CacheWarning
from initiative_lib.paths import cache_dir

__all__ = ["STORE_ENV", "StoredFit", "fetch_or_fit", "is_stored", "store_enabled", "store_key"]

#: environment variable that turns the store off (``0``, ``off``, ``no``, ``false``)
STORE_ENV = "INITIATIVE_MODEL_STORE"
FORMAT = 1
FOLDER = "topic-models"
_ARRAYS = ("components", "theta")
_CODE = ("lda.py", "fused.py", "model.py")


def store_enabled() -> bool:
    """Whether fitted models are kept and reused (``$INITIATIVE_MODEL_STORE`` not set to off).

    Examples
    --------
    >>> import os
    >>> os.environ.get("INITIATIVE_MODEL_STORE", "1") in ("0", "off") or store_enabled()
    True
    """
    return os.environ.get(STORE_ENV, "1").strip().lower() not in ("0", "off", "no", "false")


@functools.cache
def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _sha(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    digest = hashlib.sha256(f"{a.dtype.str}|{a.shape}|".encode())
    digest.update(a.tobytes())
    return digest.hexdigest()


def store_key(
    X: Any,
    vocab: Any,
    *,
    k: int,
    method: str,
    random_state: int,
    max_iter: int,
    params: Mapping[str, Any],
    shares: bool = True,
) -> str:
    """The store key of a fit (see the module docstring): 32 hex digits.

    ``X`` is the CSR matrix as fitted (sorted indices), ``params`` the
    estimator's ``get_params()``; ``shares=False`` is the key of the same fit
    kept without its row shares (the K grid's fits).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix(np.array([[1.0, 0.0], [2.0, 3.0]]))
    >>> a = store_key(X, ["x", "y"], k=2, method="lda", random_state=0, max_iter=5, params={"n_jobs": 1})
    >>> a == store_key(X, ["x", "y"], k=2, method="lda", random_state=0, max_iter=5, params={"n_jobs": 2})
    True
    >>> a == store_key(X, ["x", "y"], k=2, method="lda", random_state=1, max_iter=5, params={"n_jobs": 1})
    False
    """
    from initiative_lib.topics import lda

    parts = {
        "format": FORMAT,
        "data": _sha(np.asarray(X.data, dtype=np.float64)),
        "indices": _sha(np.asarray(X.indices, dtype=np.int64)),
        "indptr": _sha(np.asarray(X.indptr, dtype=np.int64)),
        "shape": [int(s) for s in X.shape],
        "vocab": hashlib.sha256("\x1f".join(map(str, vocab)).encode()).hexdigest(),
        "k": int(k),
        "method": str(method),
        "random_state": int(random_state),
        "max_iter": int(max_iter),
        "params": {key: repr(val) for key, val in sorted(params.items()) if key != "n_jobs"},
        "lda": {"chunk_elements": int(lda.CHUNK_ELEMENTS), "use_fused": bool(lda.USE_FUSED)},
        "package": initiative_lib.__version__,
        "code": _code_digest(),
        "versions": {p: version(p) for p in ("numpy", "scipy", "scikit-learn")},
    }
    if not shares:  # a key of its own; keys of fits with shares stay as they were
        parts["shares"] = False
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


class StoredFit:
    """What the store keeps of a fit: the estimator's fitted arrays and scalars and the row shares."""

    def __init__(self, components: np.ndarray, theta: np.ndarray, scalars: Mapping[str, Any]) -> None:
        self.components = components
        self.theta = theta
        self.scalars = dict(scalars)


class _Invalid(ValueError):
    pass


def _save(path: Path, key: str, fit: StoredFit) -> None:
    arrays = {"components": np.ascontiguousarray(fit.components, dtype=np.float64),
              "theta": np.ascontiguousarray(fit.theta, dtype=np.float64)}  # fmt: skip
    meta = {
        "format": FORMAT,
        "key": key,
        "scalars": fit.scalars,
        "shapes": {name: list(a.shape) for name, a in arrays.items()},
        "sha256": {name: _sha(a) for name, a in arrays.items()},
    }
    buf = io.BytesIO()
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
    np.savez(buf, meta=blob, **arrays)  # type: ignore[arg-type]
    atomic_write_bytes(path, buf.getvalue())


def _load(path: Path, key: str) -> StoredFit:
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
            arrays = {name: np.array(npz[name]) for name in _ARRAYS}
    except (OSError, ValueError, KeyError, EOFError) as err:
        msg = f"{path}: not a readable model file ({err})"
        raise _Invalid(msg) from err
    except Exception as err:  # zipfile.BadZipFile and other damage of the archive
        msg = f"{path}: not a readable model file ({type(err).__name__}: {err})"
        raise _Invalid(msg) from err
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
        msg = f"{path}: format or key differs from the expected {FORMAT!r}, {key!r}"
        raise _Invalid(msg)
    for name, a in arrays.items():
        if a.dtype != np.float64 or list(a.shape) != meta["shapes"][name] or _sha(a) != meta["sha256"][name]:
            msg = f"{path}: array {name!r} does not match its recorded shape and SHA-256"
            raise _Invalid(msg)
    return StoredFit(arrays["components"], arrays["theta"], meta["scalars"])


@contextlib.contextmanager
def _key_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a lock file) while fitting; no lock without ``fcntl``."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no waiting, a second process may fit too
        yield
        return
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - held for the block
    except OSError:  # pragma: no cover - unwritable folder is caught before; fit without waiting
        yield
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # releases the lock


def is_stored(key: str, *, cache: str | os.PathLike[str] | None = None) -> bool:
    """Whether the store is on and holds a file for ``key`` (not yet checked: :func:`fetch_or_fit` checks it).

    Examples
    --------
    >>> import tempfile
    >>> is_stored("f" * 32, cache=tempfile.mkdtemp())
    False
    """
    return store_enabled() and (cache_dir(cache) / FOLDER / f"{key}.npz").is_file()


def fetch_or_fit(key: str, fit: Callable[[], StoredFit], *, cache: str | os.PathLike[str] | None = None) -> StoredFit:
    """The stored fit of ``key``, or ``fit()`` (then stored); see the module docstring.

    Parameters
    ----------
    key : str
        From :func:`store_key`.
    fit : callable
        Fits the model and returns what to store.
    cache : path, optional
        The cache folder (argument, then ``$INITIATIVE_DATA``, then the user cache).

    Examples
    --------
    >>> import tempfile
    >>> calls = []
    >>> def fit():
    ...     calls.append(1)
    ...     return StoredFit(np.ones((2, 3)), np.full((4, 2), 0.5), {"n_iter_": 5})
    >>> tmp = tempfile.mkdtemp()
    >>> a = fetch_or_fit("0" * 32, fit, cache=tmp)
    >>> b = fetch_or_fit("0" * 32, fit, cache=tmp)
    >>> len(calls), bool(np.array_equal(a.theta, b.theta)), b.scalars
    (1, True, {'n_iter_': 5})
    """
    if not store_enabled():
        return fit()
    folder = cache_folder(cache_dir(cache), FOLDER)  # None: unusable folder (warned); fit without the store
    if folder is None:
        return fit()
    path = folder / f"{key}.npz"
    with _key_lock(folder / f".{key}.lock"):
        if path.is_file():
            try:
                return _load(path, key)
            except _Invalid as err:
                warnings.warn(
                    f"stored topic model not used, refitting and replacing it: {err}", CacheWarning, stacklevel=2
                )
        out = fit()
        try:
            _save(path, key, out)
        except OSError as err:
            warnings.warn(f"topic model not stored in {path}: {err}", CacheWarning, stacklevel=2)
        return out
