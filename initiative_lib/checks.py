"""Argument checks shared by every module, and the package's ``random_state`` policy.

Every public function validates its arguments at the boundary with these
helpers, so that a bad value fails loudly with one wording everywhere:
``"<name> must be <what is expected>; got <the value>"``.

The ``random_state`` policy
---------------------------
Every stochastic function takes ``random_state`` and accepts:

* an ``int`` >= 0: a seed; the same seed gives the same result on every
  machine and for every number of threads or processes (the reproducible
  choice, used throughout the notebooks);
* ``None``: fresh entropy from the operating system; results differ between
  calls;
* a :class:`numpy.random.Generator`: random numbers are drawn from it, which
  advances it (useful to chain several seeded steps from one generator).

Functions that draw numbers themselves use :func:`check_random_state`.
Functions that hand a seed to scikit-learn or record it with a result (the
topic models) use :func:`check_seed`, which turns ``None`` or a Generator into
one drawn integer seed, so that the result records the seed that produced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

#: the largest seed :func:`check_seed` draws (numpy and scikit-learn accept up to 2**32 - 1)
MAX_SEED = 2**31 - 1


def check_int(value: object, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int if it is an integer within the bounds, else raise ValueError.

    Booleans are refused: ``True`` is an int to Python but never a count.

    Examples
    --------
    >>> check_int(3, "n_boot", minimum=1)
    3
    >>> check_int(0, "n_boot", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: n_boot must be an int >= 1; got 0
    """
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    if ok and minimum is not None and value < minimum:  # type: ignore[operator]
        ok = False
    if ok and maximum is not None and value > maximum:  # type: ignore[operator]
        ok = False
    if not ok:
        if minimum is not None and maximum is not None:
            want = f"an int from {minimum} to {maximum}"
        elif minimum is not None:
            want = f"an int >= {minimum}"
        elif maximum is not None:
            want = f"an int <= {maximum}"
        else:
            want = "an int"
        msg = f"{name} must be {want}; got {value!r}"
        raise ValueError(msg)
    return int(value)  # type: ignore[call-overload]


def check_option(value: T, name: str, options: Iterable[T]) -> T:
    """Return ``value`` if it is one of ``options``, else raise ValueError listing them.

    Examples
    --------
    >>> check_option("both", "ngrams", ("unigrams", "bigrams", "both"))
    'both'
    >>> check_option("unigram", "ngrams", ("unigrams", "bigrams", "both"))
    Traceback (most recent call last):
    ...
    ValueError: ngrams must be one of ['unigrams', 'bigrams', 'both']; got 'unigram'
    """
    allowed = list(options)
    try:
        found = value in allowed
    except TypeError:  # unhashable or incomparable values are simply not allowed
        found = False
    if not found:
        msg = f"{name} must be one of {allowed}; got {value!r}"
        raise ValueError(msg)
    return value


def check_random_state(random_state: object, name: str = "random_state") -> np.random.Generator:
    """A numpy Generator for ``random_state`` under the package's policy (module docstring).

    Examples
    --------
    >>> float(check_random_state(0).random()) == float(check_random_state(0).random())
    True
    >>> g = np.random.default_rng(1)
    >>> check_random_state(g) is g
    True
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng()
    seed = _int_seed(random_state, name)
    return np.random.default_rng(seed)


def check_seed(random_state: object, name: str = "random_state") -> int:
    """An integer seed for ``random_state`` under the package's policy (module docstring).

    An int is returned as it is; ``None`` or a Generator yield one seed drawn
    from fresh entropy or from the Generator.

    Examples
    --------
    >>> check_seed(3)
    3
    >>> check_seed(np.random.default_rng(0)) == check_seed(np.random.default_rng(0))
    True
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: random_state must be None, a numpy Generator or an int >= 0; got -1
    """
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, MAX_SEED, endpoint=True))
    if random_state is None:
        return int(np.random.default_rng().integers(0, MAX_SEED, endpoint=True))
    return _int_seed(random_state, name)


def check_dask_client(client: object, name: str = "client", *, optional: bool = False) -> Any:
    """Return ``client`` if it is a ``distributed.Client`` (or ``None`` when ``optional``); fail loudly otherwise.

    ``distributed`` is imported only here, when a caller passes a client; the
    error for a missing install names the extra that provides it.

    Examples
    --------
    >>> check_dask_client(None, optional=True) is None
    True
    """
    if optional and client is None:
        return None
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - the tests run with the extra installed
        msg = f'{name}= needs dask.distributed: pip install "initiative-lib[dask]"'
        raise ImportError(msg) from err
    if not isinstance(client, Client):
        expected = "a distributed.Client or None" if optional else "a distributed.Client"
        msg = f"{name} must be {expected}; got {type(client).__name__}"
        raise TypeError(msg)
    return client


def _int_seed(value: object, name: str) -> int:
    msg = f"{name} must be None, a numpy Generator or an int >= 0; got {value!r}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(msg)
    if value < 0:
        raise ValueError(msg)
    return int(value)


def as_row_mask(mask: object, n_rows: int, name: str) -> np.ndarray:
    """Check a boolean row mask (one entry per matrix row) and return it as a numpy bool array.

    Examples
    --------
    >>> as_row_mask([True, False], 2, "target_mask").tolist()
    [True, False]
    """
    if isinstance(mask, pd.Series):
        if mask.isna().any():
            msg = f"{name} must not contain missing values; got {int(mask.isna().sum())} NA entries"
            raise ValueError(msg)
        mask = mask.to_numpy()
    arr = np.asarray(mask)
    if arr.dtype != bool:
        msg = f"{name} must be a boolean array with one entry per row; got dtype {arr.dtype}"
        raise TypeError(msg)
    if arr.shape != (n_rows,):
        msg = f"{name} must have one entry per row ({n_rows}); got shape {arr.shape}"
        raise ValueError(msg)
    return arr
