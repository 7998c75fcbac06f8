"""Independent fits in threads (initiative_lib.compiled): order, errors, BLAS limits, one compile, no processes."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from initiative_lib.compiled import lazy_njit, thread_map
from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics import fit_seed_ensemble, search_k


def test_thread_map_keeps_the_order_of_the_items_whatever_finishes_first():
    def slow_first(x: int) -> int:
        time.sleep(0.05 if x == 0 else 0.0)
        return 10 * x

    for n_jobs in (1, 2, 3, 8):
        assert list(thread_map(slow_first, [0, 1, 2, 3], n_jobs)) == [0, 10, 20, 30]
    assert list(thread_map(slow_first, [], 2)) == []


def test_thread_map_raises_the_first_error_in_item_order():
    def fail(x: int) -> int:
        if x in (1, 2):
            msg = f"item {x}"
            raise ValueError(msg)
        return x

    with pytest.raises(ValueError, match="item 1"):
        list(thread_map(fail, [0, 1, 2, 3], 2))


def test_thread_map_holds_blas_at_one_thread_and_restores_it():
    def threads() -> dict[str, int]:
        return {lib["filepath"]: lib["num_threads"] for lib in threadpool_info()}

    before = threads()
    seen = list(thread_map(lambda _: threads(), [0, 1, 2], 2))
    assert all(set(n.values()) <= {1} for n in seen), seen
    after = threads()
    assert {path: after[path] for path in before} == before


def test_threads_that_call_a_lazy_function_first_compile_it_once(monkeypatch):
    from initiative_lib import compiled

    calls = []
    real = compiled._compile

    def counting(func):
        calls.append(func.__name__)
        time.sleep(0.05)  # let the other threads arrive while compiling
        return real(func)

    monkeypatch.setattr(compiled, "_compile", counting)

    @lazy_njit
    def add(a, b):
        return a + b

    start = threading.Barrier(4)

    def first_call(i: int) -> int:
        start.wait()
        return int(add(i, 1))

    assert list(thread_map(first_call, [0, 1, 2, 3], 4)) == [1, 2, 3, 4]
    assert calls == ["add"]


def _no_processes(monkeypatch):
    import concurrent.futures
    import multiprocessing

    class NoProcesses:
        def __init__(self, *args, **kwargs):
            raise AssertionError("fits run in threads, not processes")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoProcesses)
    monkeypatch.setattr(multiprocessing.Process, "start", NoProcesses)


def test_grid_and_ensemble_start_no_process_and_match_one_thread(monkeypatch):
    dtm, _ = synthetic_dtm(n_docs=40, n_terms=60, k=3, random_state=1)
    one = search_k(dtm, [2, 3, 4], seeds=[0, 1], method="lda", max_iter=3, n_jobs=1)
    ens_one = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=3, n_jobs=1)
    _no_processes(monkeypatch)
    two = search_k(dtm, [2, 3, 4], seeds=[0, 1], method="lda", max_iter=3, n_jobs=2)
    ens_two = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=3, n_jobs=3)
    assert one.equals(two)
    for a, b in zip(ens_one.models, ens_two.models, strict=True):
        assert np.array_equal(a.topic_term.to_numpy(), b.topic_term.to_numpy())
        assert np.array_equal(a.segment_topics.to_numpy(), b.segment_topics.to_numpy())
    assert ens_one.alignment.equals(ens_two.alignment)
