"""Run the LDA E-step on a Dask cluster, with the same numbers as on one machine.

Inside ``with dask_backend(client):`` every E-step of
:class:`~initiative_lib.topics.lda.VectorizedLDA` (in ``fit``, ``transform``,
``score`` and ``perplexity``) sends its row chunks to the workers of a
``dask.distributed`` client instead of the local threads:

* the chunks of the count matrix are scattered to the workers once per call
  and stay there for every pass; each pass sends ``Eb`` (topics x terms,
  broadcast) and each chunk's starting ``gamma``;
* each worker holds a block of consecutive chunks and runs
  :func:`~initiative_lib.topics.lda.chunk_task` on them in order (the very
  function the local path runs), giving each chunk's ``gamma`` and its share
  of the M-step statistics;
* the chunks' shares of the statistics are added on the workers in chunk
  order, starting from zero, exactly as the local loop adds them (the
  running sum moves once from each worker to the next); the client gets
  back the gammas and the total.

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

from initiative_lib.checks import check_dask_client
from initiative_lib.topics.lda import CHUNK_MAPPER, chunk_task


def _run_block(
    chunks: list[Any], gamma_parts: list[np.ndarray], eb_t: np.ndarray, settings: tuple
) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    """Run :func:`chunk_task` on a block of consecutive chunks, in order (on a worker)."""
    results = [chunk_task(c, g, eb_t, *settings) for c, g in zip(chunks, gamma_parts, strict=True)]
    return [g for g, _ in results], [share for _, share in results]


def _gammas_of(block: tuple[list[np.ndarray], list[np.ndarray | None]]) -> list[np.ndarray]:
    return block[0]


def _add_shares(total: np.ndarray, block: tuple[list[np.ndarray], list[np.ndarray | None]]) -> np.ndarray:
    """``total`` plus the block's shares, one after the other, as the local loop adds them."""
    total = total.copy()
    for share in block[1]:
        if share is None:  # pragma: no cover - only called when statistics are asked for
            msg = "internal error: a chunk task returned no statistics"
            raise RuntimeError(msg)
        total += share
    return total


class _DaskChunks:
    """Maps chunk tasks onto a client: one block of consecutive chunks per worker, kept there while active."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._key: list[int] = []  # id() of the chunks scattered
        self._held: list[object] = []  # the chunks themselves, so that their ids stay theirs
        self._blocks: list[tuple[np.ndarray, Any]] = []  # (chunk positions, future of the block's chunk list)

    def _scatter(self, chunks: Sequence[object]) -> list[tuple[np.ndarray, Any]]:
        if [id(c) for c in chunks] != self._key:
            # a fit's chunks are new objects on every call: drop the previous ones
            self.release()
            workers = sorted(self.client.scheduler_info()["workers"])
            for block, worker in zip(np.array_split(np.arange(len(chunks)), len(workers)), workers, strict=True):
                if len(block):
                    [future] = self.client.scatter([[chunks[i] for i in block]], workers=[worker], hash=False)
                    self._blocks.append((block, future))
            self._key, self._held = [id(c) for c in chunks], list(chunks)
        return self._blocks

    def __call__(
        self, chunks: Sequence[object], gamma_parts: Sequence[np.ndarray], eb_t: np.ndarray, settings: tuple
    ) -> list[tuple[np.ndarray, np.ndarray | None]]:
        blocks = self._scatter(chunks)
        [eb_future] = self.client.scatter([eb_t], broadcast=True, hash=False)
        submit = self.client.submit
        runs = []
        for positions, chunk_list in blocks:
            parts = [gamma_parts[i] for i in positions]
            runs.append(submit(_run_block, chunk_list, parts, eb_future, settings, pure=False))
        gammas = [g for block in self.client.gather([submit(_gammas_of, r, pure=False) for r in runs]) for g in block]
        if not settings[3]:  # no statistics asked for
            return [(g, None) for g in gammas]
        # ((0 + share_1) + share_2) + ... in chunk order, block after block on the workers,
        # exactly as the local loop adds them; only the total comes back, with the last chunk
        total = submit(np.zeros, eb_t.shape, pure=False)
        for run in runs:
            total = submit(_add_shares, total, run, pure=False)
        last = self.client.gather(total)
        del eb_future, runs, total
        return [(g, None) for g in gammas[:-1]] + [(gammas[-1], last)]

    def release(self) -> None:
        futures = [f for _, f in self._blocks]
        self._blocks, self._key, self._held = [], [], []
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
    check_dask_client(client)
    mapper = _DaskChunks(client)
    token = CHUNK_MAPPER.set(mapper)
    try:
        yield
    finally:
        CHUNK_MAPPER.reset(token)
        mapper.release()


__all__ = ["dask_backend"]
