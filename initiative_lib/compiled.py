"""Loops compiled by numba on first use, shared by the stages that have them.

Importing the package stays cheap: a function decorated with :func:`lazy_njit`
is compiled when it is first called, in each process. Nothing is cached on
disk: numba's compile cache stores pickled objects, and the package loads no
code from files on a user's disk; a compile costs about a second per process.
Without numba (:data:`NUMBA_AVAILABLE` False) the plain Python function runs;
callers that have a faster fallback check the flag first.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from typing import Any

#: whether numba can be imported (it is imported, and loops compiled, on first use)
NUMBA_AVAILABLE = importlib.util.find_spec("numba") is not None


def lazy_njit(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` compiled by numba (nopython, GIL released, no fastmath) at its first call.

    Without ``fastmath`` numba neither reorders nor fuses floating-point
    operations, so a loop gives the same bits as the same loop in order.

    Examples
    --------
    >>> @lazy_njit
    ... def total(n):
    ...     s = 0
    ...     for i in range(n):
    ...         s += i
    ...     return s
    >>> total(5)
    10
    """
    compiled: Callable[..., Any] | None = None

    @functools.wraps(func)
    def call(*args: Any) -> Any:
        nonlocal compiled
        if compiled is None:
            if NUMBA_AVAILABLE:
                import numba

                compiled = numba.njit(cache=False, nogil=True, fastmath=False, error_model="numpy")(func)
            else:  # pragma: no cover - numba is a dependency
                compiled = func
        return compiled(*args)

    return call


__all__ = ["NUMBA_AVAILABLE", "lazy_njit"]
