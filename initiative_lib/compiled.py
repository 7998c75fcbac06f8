"""Loops compiled by numba on first use, shared by the stages that have them.

Importing the package stays cheap: a function decorated with :func:`lazy_njit`
is compiled when it is first called, in each process. Nothing is cached on
disk: numba's compile cache stores pickled objects, and the package loads no
code from files on a user's disk; a compile costs about a second per process.
Without numba (:data:`NUMBA_AVAILABLE` False) the plain Python function runs;
callers that have a faster fallback check the flag first.

The compiled loops release the GIL, so independent fits share a process's
cores in threads (:func:`thread_map`): nothing is imported or compiled again,
as it would be in every worker process.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

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
    lock = threading.Lock()  # threads that call it first wait for one compile

    @functools.wraps(func)
    def call(*args: Any) -> Any:
        nonlocal compiled
        if compiled is None:
            with lock:
                if compiled is None:
                    compiled = _compile(func)
        return compiled(*args)

    return call


def _compile(func: Callable[..., Any]) -> Callable[..., Any]:
    if not NUMBA_AVAILABLE:  # pragma: no cover - numba is a dependency
        return func
    import numba

    return numba.njit(cache=False, nogil=True, fastmath=False, error_model="numpy")(func)  # type: ignore[no-any-return]


def thread_map(func: Callable[[T], R], items: Sequence[T], n_jobs: int) -> Iterator[R]:
    """``func(item)`` for each of ``items``, run in up to ``n_jobs`` threads; results yielded in the order of ``items``.

    For independent, seeded fits: each result depends only on its item, so
    the results are the same for every ``n_jobs``. BLAS pools are held at one
    thread for the whole run (:func:`threadpoolctl.threadpool_limits`: a BLAS
    limit is process-wide, so limits set and restored inside the threads would
    undo each other) and OpenMP at one thread inside each worker thread (an
    OpenMP limit holds for the thread that sets it). Items are started in
    order; the first exception (in item order) is raised.

    Examples
    --------
    >>> list(thread_map(lambda x: x * x, [1, 2, 3], n_jobs=2))
    [1, 4, 9]
    """
    if n_jobs <= 1 or len(items) < 2:
        yield from map(func, items)
        return
    from threadpoolctl import threadpool_limits

    def run(item: T) -> R:
        with threadpool_limits(limits=1, user_api="openmp"):
            return func(item)

    with threadpool_limits(limits=1), ThreadPoolExecutor(max_workers=min(n_jobs, len(items))) as pool:
        yield from pool.map(run, items)


__all__ = ["NUMBA_AVAILABLE", "lazy_njit", "thread_map"]
