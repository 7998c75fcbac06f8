"""Run the LDA E-step on a Dask cluster, with the same numbers as on one machine.

Inside ``with dask_backend(client):`` every E-step of
:class:`~initiative_lib.topics.lda.VectorizedLDA` (in ``fit``, ``transform``,
``score`` and ``perplexity``) sends its row chunks to the workers of a
``dask.distributed`` client instead of the local threads:

* the chunks of the count matrix are scattered to the workers once per call
  and stay there for every pass; each pass sends ``Eb`` (topics x terms,
  broadcast) and each chunk's starting ``gamma``;
* each task runs :func:`~initiative_lib.topics.lda.chunk_task`, the very
  function the local path runs, and returns the chunk's ``gamma`` and its
  share of the M-step statistics;
* the shares are added on the client in chunk order, as locally.

So the fit is bit-identical to the local fit for any number of workers (the
chunking depends only on the matrix and ``k``), which the tests check on a
``LocalCluster`` of two worker processes. Workers need this package (and
numba, when the client uses the compiled E-step) in the same version.

Dask is an optional dependency: ``pip install "initiative-lib[dask]"``. On a
SLURM cluster, make the client from ``dask_jobqueue.SLURMCluster`` and pass it
in the same way.

Examples
--------
>>> from distributed import Client, LocalCluster  # doctest: +SKIP
>>> with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:  # doctest: +SKIP
...     with dask_backend(client):
...         lda = VectorizedLDA(15, random_state=0).fit(X)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from initiative_lib.topics.lda import CHUNK_MAPPER, chunk_task


class _DaskChunks:
    """Maps chunk tasks onto a client; keeps each chunk scattered while the backend is active."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._scattered: dict[int, tuple[object, Any]] = {}  # id(chunk) -> (chunk, future)

    def _futures(self, chunks: Sequence[object]) -> list[Any]:
        missing = [c for c in chunks if id(c) not in self._scattered]
        if missing:
            # drop chunks of earlier calls: a fit's chunks are new objects on every call
            self.release()
            futures = self.client.scatter(list(chunks), hash=False)
            self._scattered = {id(c): (c, f) for c, f in zip(chunks, futures, strict=True)}
        return [self._scattered[id(c)][1] for c in chunks]

    def __call__(
        self, chunks: Sequence[object], gamma_parts: Sequence[np.ndarray], eb_t: np.ndarray, settings: tuple
    ) -> list[tuple[np.ndarray, np.ndarray | None]]:
        chunk_futures = self._futures(chunks)
        [eb_future] = self.client.scatter([eb_t], broadcast=True, hash=False)
        tasks = [
            self.client.submit(chunk_task, c, g, eb_future, *settings, pure=False)
            for c, g in zip(chunk_futures, gamma_parts, strict=True)
        ]
        results = self.client.gather(tasks)  # in submission order: chunk order
        del eb_future, tasks
        return list(results)

    def release(self) -> None:
        futures = [f for _, f in self._scattered.values()]
        self._scattered = {}
        if futures:
            self.client.cancel(futures)


@contextlib.contextmanager
def dask_backend(client: Any) -> Iterator[None]:
    """Run every :class:`~initiative_lib.topics.lda.VectorizedLDA` E-step in the block on ``client``'s workers.

    Parameters
    ----------
    client : distributed.Client
        A connected client (``LocalCluster``, ``SLURMCluster``, a scheduler address).

    Raises
    ------
    TypeError
        If ``client`` is not a ``distributed.Client``.
    ImportError
        If ``distributed`` is not installed (``pip install "initiative-lib[dask]"``).
    """
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - the tests run with the extra installed
        msg = 'dask_backend needs dask.distributed: pip install "initiative-lib[dask]"'
        raise ImportError(msg) from err
    if not isinstance(client, Client):
        msg = f"client must be a distributed.Client; got {type(client).__name__}"
        raise TypeError(msg)
    mapper = _DaskChunks(client)
    token = CHUNK_MAPPER.set(mapper)
    try:
        yield
    finally:
        CHUNK_MAPPER.reset(token)
        mapper.release()


__all__ = ["dask_backend"]
