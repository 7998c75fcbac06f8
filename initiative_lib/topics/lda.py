"""Vectorised batch variational-Bayes LDA (the model and updates of scikit-learn's batch learner).

:class:`VectorizedLDA` fits latent Dirichlet allocation (Blei, Ng and Jordan
2003) by batch variational Bayes in the form of Hoffman, Blei and Bach (2010)
-- the model, priors, initialisation and updates of scikit-learn's
``LatentDirichletAllocation(learning_method="batch")`` -- but its E-step
updates all documents at once with array operations over the non-zeros of the
sparse count matrix instead of looping over documents in Python/Cython.

Model and updates
-----------------
With ``k`` topics, ``V`` terms, document-topic prior ``alpha`` and topic-word
prior ``eta`` (both ``1/k`` by default), the variational parameters are
``gamma`` (documents x topics) and ``lambda`` (topics x terms, ``components_``).
Write ``Et[d, k] = exp(E[log theta_dk]) = exp(psi(gamma_dk) - psi(sum_j gamma_dj))``
and ``Eb[k, w] = exp(E[log beta_kw])`` likewise from ``lambda``.

*E-step* (``lambda`` fixed), for every document ``d`` at once, repeated
``inner_iter`` times in the fit and ``transform_iter`` times in inference, or
until the document's mean absolute change of ``gamma`` in one iteration is
below ``mean_change_tol`` (checked per document, as scikit-learn)::

    norm[d, w] = sum_k Et[d, k] Eb[k, w] + eps        for every non-zero x[d, w]
    gamma[d]   = alpha + Et[d] * sum_w (x[d, w] / norm[d, w]) Eb[:, w]

*M-step*: ``lambda = eta + Eb * S`` with ``S[k, w] = sum_d Et[d, k] x[d, w] /
norm[d, w]`` computed with the E-step's final ``gamma``.

Initialisation follows scikit-learn exactly: a ``numpy.random.RandomState(
random_state)`` draws ``lambda ~ Gamma(100, 0.01)`` (``k x V``) and, at the start
of every E-step of the fit, ``gamma ~ Gamma(100, 0.01)`` (``n x k``) from the
same stream; inference on new documents (``transform``, ``score``,
``perplexity``) starts from ``gamma = 1``. ``eps`` is the float64 machine
epsilon. With the same seed, ``inner_iter=transform_iter=N``,
``mean_change_tol`` and ``max_iter`` the result equals scikit-learn's with
``max_doc_update_iter=N`` and the same tolerance: to rounding (relative
1e-12) when scikit-learn's digamma is substituted for
:func:`scipy.special.psi`, and to about 1e-6 relative (``components_``) with
scipy's accurate digamma -- scikit-learn uses a fast approximation (Bernardo's
AS 103 asymptotic series, absolute error up to ~1e-9) whose error is
propagated through the iterations (see ``tests/test_lda.py``).

Determinism
-----------
Each document's E-step uses only its own non-zeros in a fixed order, the
documents are processed in fixed chunks of rows (by number of non-zeros times
topics, ``CHUNK_ELEMENTS``; all inner iterations of a chunk run while its
arrays are in cache), sparse products use scipy's single-threaded kernels and
every public method runs under :func:`threadpoolctl.threadpool_limits`
``(1)``, so the numbers do not depend on the machine's thread settings. The
chunking (not thread-dependent) only changes the order in which the M-step
statistics of chunks are added (rounding, ~1e-15).

Memory: the E-step works, per non-zero and topic, with one float64 and one
index (about 12 bytes x nnz x k: ~100 MB for 500,000 non-zeros and 15
topics). Up to ``GATHER_KEEP_BYTES`` (256 MB) these structures are built once
and kept between passes; above it they are rebuilt chunk by chunk in every
pass, so that memory stays near the size of the count matrix itself (on the
UN General Debate paragraphs, 9.7 million non-zeros, see
``benchmarks/RESULTS.md``). The arithmetic, and so the result, is the same.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln, logsumexp, psi
from threadpoolctl import threadpool_limits

from initiative_lib.checks import check_int
from initiative_lib.topics import fused

__all__ = ["CHUNK_MAPPER", "VectorizedLDA", "chunk_task"]

T = TypeVar("T")
R = TypeVar("R")

EPS = float(np.finfo(np.float64).eps)
#: bound on the number of ``non-zeros x topics`` elements of the per-chunk work arrays
CHUNK_ELEMENTS = 1 << 19
#: keep every chunk's ``gather`` pattern (about 12 bytes x non-zeros x topics) between passes up to
#: this size; larger fits rebuild it chunk by chunk, trading a little time for bounded memory
GATHER_KEEP_BYTES = 256 << 20
#: scikit-learn's ``Gamma(shape, scale)`` initialisation of ``lambda`` and ``gamma``
_INIT_SHAPE = 100.0
_INIT_SCALE = 1.0 / _INIT_SHAPE
#: defaults: many cheap EM passes (see :class:`VectorizedLDA`, Notes)
DEFAULT_MAX_ITER = 20
DEFAULT_INNER_ITER = 3
#: run the E-step's loops compiled (:mod:`initiative_lib.topics.fused`, same numbers to the last bit)
#: when numba is installed; False forces the sparse-matrix form
USE_FUSED = fused.AVAILABLE


def _dirichlet_expectation(a: np.ndarray) -> np.ndarray:
    """``E[log p]`` for each row ``p ~ Dirichlet(a_row)``: ``psi(a) - psi(row sum)``."""
    return psi(a) - psi(a.sum(axis=1))[:, np.newaxis]


def _check_prior(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating) or not np.isfinite(value):
        msg = f"{name} must be None or a positive finite number; got {value!r}"
        raise ValueError(msg)
    if value <= 0:
        msg = f"{name} must be None or a positive finite number; got {value!r}"
        raise ValueError(msg)
    return float(value)


def _check_tol(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating) or not 0 <= value < np.inf:
        msg = f"mean_change_tol must be a finite number >= 0; got {value!r}"
        raise ValueError(msg)
    return float(value)


def _chunks(indptr: np.ndarray, n_topics: int) -> Iterator[tuple[int, int]]:
    """Row ranges ``[r0, r1)`` whose non-zeros times ``n_topics`` stay under ``CHUNK_ELEMENTS``.

    Depends only on the matrix and ``n_topics`` (never on threads); a row
    longer than the budget forms a chunk of its own.
    """
    n_rows = len(indptr) - 1
    budget = max(1, CHUNK_ELEMENTS // max(1, n_topics))
    r0 = 0
    while r0 < n_rows:
        # last row r1 with indptr[r1] - indptr[r0] <= budget, at least one row
        r1 = int(np.searchsorted(indptr, indptr[r0] + budget, side="right")) - 1
        r1 = min(max(r1, r0 + 1), n_rows)
        yield r0, r1
        r0 = r1


def _in_order(func: Callable[[T], R], items: Sequence[T], n_jobs: int) -> Iterator[R]:
    """``func`` over ``items`` in up to ``n_jobs`` threads, results yielded in order.

    At most ``2 * n_jobs`` results wait at a time, so memory stays bounded.
    NumPy's element-wise kernels and scipy's sparse products release the GIL,
    which is what the threads share.
    """
    if n_jobs == 1 or len(items) < 2:
        yield from map(func, items)
        return
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) >= 2 * n_jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _index_dtype(*sizes: int) -> type[np.signedinteger]:
    """``int32`` if every index fits (scipy's kernels then skip content checks), else ``int64``."""
    return np.int32 if max(sizes) < np.iinfo(np.int32).max else np.int64


class _Chunk:
    """The non-zeros of a block of rows and two fixed-pattern sparse operators on them.

    ``gather`` (``nnz x (rows * k)``) holds ``Eb[:, w]`` of non-zero ``i =
    (d, w)`` in the columns of row ``d``, so ``gather @ Et.ravel()`` is the
    normaliser of every non-zero; ``weights`` (``rows x V``) has the pattern
    of the counts and receives ``x / norm``, so ``weights @ Eb.T`` is the sum
    in the ``gamma`` update. Both are sparse kernels over each row's own
    non-zeros in storage order. :meth:`load` fills ``gather`` for new topics.

    ``gather`` takes about 12 bytes per non-zero and topic. With
    ``keep_gather`` its pattern is built once and kept; otherwise it is built
    by :meth:`load` and dropped by :meth:`release`, so that only the chunks
    being worked on hold one (the arithmetic, and so the result, is the same).
    """

    def __init__(
        self,
        indptr: np.ndarray,
        indices: np.ndarray,
        data: np.ndarray,
        n_cols: int,
        n_topics: int,
        *,
        keep_gather: bool = True,
    ) -> None:
        self.n_rows = len(indptr) - 1
        self.n_topics = n_topics
        self.data = data
        self.lengths = np.diff(indptr)
        self.keep_gather = keep_gather
        itype = _index_dtype(len(indices), n_cols + 1)
        self.weights = sp.csr_matrix(
            (data.copy(), indices.astype(itype, copy=False), indptr.astype(itype, copy=False)),
            shape=(self.n_rows, n_cols),
        )
        self.gather: sp.csr_matrix | None = self._empty_gather() if keep_gather else None

    def _empty_gather(self) -> sp.csr_matrix:
        nnz, k = len(self.data), self.n_topics
        itype = _index_dtype(nnz * k + 1, self.n_rows * k + 1)
        rows = np.repeat(np.arange(self.n_rows, dtype=itype), self.lengths)
        cols = (rows[:, np.newaxis] * itype(k) + np.arange(k, dtype=itype)).ravel()
        return sp.csr_matrix(
            (np.zeros(nnz * k), cols, np.arange(0, nnz * k + 1, k, dtype=itype)),
            shape=(nnz, self.n_rows * k),
        )

    def load(self, eb_t: np.ndarray) -> _Chunk:
        """Put ``Eb[:, w]`` (rows of ``eb_t``, ``V x k``) of every non-zero into ``gather``."""
        if self.gather is None:
            self.gather = self._empty_gather()
        np.take(eb_t, self.weights.indices, axis=0, out=self.gather.data.reshape(-1, self.n_topics))
        return self

    def release(self) -> None:
        """Drop ``gather`` unless it is kept (see the class docstring)."""
        if not self.keep_gather:
            self.gather = None

    def _loaded(self) -> sp.csr_matrix:
        if self.gather is None:
            msg = "internal error: _Chunk.load() must run before the chunk is used"
            raise RuntimeError(msg)
        return self.gather

    def norm(self, et: np.ndarray) -> np.ndarray:
        """``sum_k Et[d, k] Eb[k, w] + eps`` for every non-zero ``(d, w)``."""
        return self._loaded() @ et.ravel() + EPS

    def reweighted(self, et: np.ndarray) -> sp.csr_matrix:
        """The counts divided by their normalisers under ``Et`` (pattern of the counts)."""
        np.divide(self.data, self.norm(et), out=self.weights.data)
        return self.weights

    def subset(self, keep: np.ndarray) -> _Chunk:
        """The chunk restricted to rows ``keep`` (a boolean mask), in order, with its loaded values."""
        loaded = self._loaded()
        nz = np.repeat(keep, self.lengths)
        indptr = np.concatenate(([0], np.cumsum(self.lengths[keep])))
        out = _Chunk(indptr, self.weights.indices[nz], self.data[nz], self.weights.shape[1], self.n_topics)
        out._loaded().data[:] = loaded.data.reshape(-1, self.n_topics)[nz].ravel()
        return out


def _split(X: sp.csr_matrix, n_topics: int, *, gather: bool = True) -> list[tuple[int, int, _Chunk]]:
    """``X`` cut into row chunks (see :func:`_chunks`); small fits keep their ``gather`` patterns.

    With ``gather=False`` (the compiled E-step) no ``gather`` pattern is built.
    """
    keep = gather and X.nnz * n_topics * 12 <= GATHER_KEEP_BYTES
    out = []
    for r0, r1 in _chunks(X.indptr, n_topics):
        a, b = X.indptr[r0], X.indptr[r1]
        chunk = _Chunk(X.indptr[r0 : r1 + 1] - a, X.indices[a:b], X.data[a:b], X.shape[1], n_topics, keep_gather=keep)
        out.append((r0, r1, chunk))
    return out


def _e_step_chunk(
    chunk: _Chunk,
    gamma: np.ndarray,
    eb_t: np.ndarray,
    alpha: float,
    n_iter: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Run the document updates of one chunk; return final ``gamma`` and ``Et``.

    With ``tol > 0`` a document stops (keeps its last update) once the mean
    absolute change of its ``gamma`` in an iteration is below ``tol``;
    stopped documents are dropped from the work arrays when they are at least
    half of them. Each document's numbers depend only on its own non-zeros.
    """
    gamma = gamma.copy()
    et = np.exp(_dirichlet_expectation(gamma))
    work = chunk
    where: np.ndarray | None = None  # chunk rows held in `work` (None: all, in order)
    live = np.ones(chunk.n_rows, dtype=bool)  # rows of `work` still being updated
    for _ in range(n_iter):
        et_w = et if where is None else et[where]
        g_new = et_w * (work.reweighted(et_w) @ eb_t)
        g_new += alpha
        et_new = np.exp(_dirichlet_expectation(g_new))
        if tol <= 0:
            gamma, et = g_new, et_new
            continue
        rows = np.arange(chunk.n_rows) if where is None else where
        change = np.abs(g_new - gamma[rows]).mean(axis=1)
        gamma[rows[live]] = g_new[live]
        et[rows[live]] = et_new[live]
        live &= change >= tol
        if not live.any():
            break
        if 2 * live.sum() <= len(rows):
            work = work.subset(live)
            where = rows[live]
            live = np.ones(len(where), dtype=bool)
    return gamma, et


def _e_step_chunk_fused(
    chunk: _Chunk,
    gamma: np.ndarray,
    eb_t: np.ndarray,
    alpha: float,
    n_iter: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_e_step_chunk` with the sparse products done by :func:`fused.gamma_sums`: same numbers.

    Documents that stop are left out of the loop by index instead of by
    copying the chunk; each document's arithmetic is unchanged.
    """
    indptr, indices, data = chunk.weights.indptr, chunk.weights.indices, chunk.data
    gamma = gamma.copy()
    et = np.exp(_dirichlet_expectation(gamma))
    rows = np.arange(chunk.n_rows)  # chunk rows still being updated
    for _ in range(n_iter):
        et_w = et if len(rows) == chunk.n_rows else et[rows]
        g_new = et_w * fused.gamma_sums(indptr, indices, data, rows, et_w, eb_t, EPS)
        g_new += alpha
        et_new = np.exp(_dirichlet_expectation(g_new))
        if tol <= 0:
            gamma, et = g_new, et_new
            continue
        change = np.abs(g_new - gamma[rows]).mean(axis=1)
        gamma[rows] = g_new
        et[rows] = et_new
        rows = rows[change >= tol]
        if not len(rows):
            break
    return gamma, et


def chunk_task(
    chunk: _Chunk,
    gamma0: np.ndarray,
    eb_t: np.ndarray,
    alpha: float,
    n_iter: int,
    tol: float,
    sstats: bool,
    use_fused: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The E-step of one chunk of rows: its final ``gamma`` and, with ``sstats``, its share of the M-step statistics.

    A top-level function, so that a distributed scheduler
    (:mod:`initiative_lib.topics.distributed`) can run it on another machine;
    what it returns depends only on its arguments.
    """
    if use_fused:
        g, et = _e_step_chunk_fused(chunk, gamma0, eb_t, alpha, n_iter, tol)
        if not sstats:
            return g, None
        w = chunk.weights
        return g, fused.term_sums(w.indptr, w.indices, chunk.data, w.shape[1], et, eb_t, EPS)
    chunk.load(eb_t)
    g, et = _e_step_chunk(chunk, gamma0, eb_t, alpha, n_iter, tol)
    # this chunk's share of S.T[w, k] = sum_d x[d, w] / norm[d, w] * Et[d, k]
    share = chunk.reweighted(et).T @ et if sstats else None
    chunk.release()
    return g, share


#: ``(chunks, gamma0 parts, eb_t, settings) -> [(gamma, share), ...]`` in chunk order, run instead of the local
#: threads while set (by :func:`initiative_lib.topics.distributed.dask_backend`); None: this process. A share may
#: be None when a later one holds the sum, from zero and in chunk order, of the shares before it.
CHUNK_MAPPER: ContextVar[Callable[..., Iterable[tuple[np.ndarray, np.ndarray | None]]] | None] = ContextVar(
    "initiative_lda_chunk_mapper", default=None
)


class VectorizedLDA:
    """Latent Dirichlet allocation by batch variational Bayes, vectorised over documents.

    The model, priors, random initialisation and updates of scikit-learn's
    ``LatentDirichletAllocation(learning_method="batch")`` (see the module
    docstring), with every E-step run for all documents at once.

    Parameters
    ----------
    n_components : int
        Number of topics ``k`` (>= 1).
    doc_topic_prior : float, optional
        ``alpha``; default ``1 / n_components``.
    topic_word_prior : float, optional
        ``eta``; default ``1 / n_components``.
    max_iter : int
        EM passes over the data (fixed number; ``n_iter_ == max_iter``).
        Default 20.
    inner_iter : int
        Maximum document-update iterations per E-step of the fit
        (scikit-learn's ``max_doc_update_iter``, whose default is 100).
        Default 3.
    mean_change_tol : float
        A document's E-step stops early once the mean absolute change of its
        ``gamma`` in one iteration is below this (per document, as scikit-learn;
        ``0`` = always the maximum number of iterations). Default ``1e-3``.
    transform_iter : int
        Maximum document-update iterations of inference in :meth:`transform`,
        :meth:`score` and :meth:`perplexity` (from ``gamma = 1``). Default 100.
    random_state : int
        Seed of the ``numpy.random.RandomState`` that draws the initial
        ``lambda`` and each E-step's initial ``gamma`` (as scikit-learn).
    n_jobs : int
        Threads that share the E-step's row chunks (default 1). The results
        are identical, bit for bit, for every value: each chunk's work is
        independent and the chunks' M-step statistics are added in a fixed
        order. Useful for large matrices (see ``benchmarks/RESULTS.md``);
        inside :func:`~initiative_lib.topics.diagnostics.search_k` and
        :func:`~initiative_lib.topics.stability.fit_seed_ensemble`, whose fits
        already run in parallel threads, leave it at 1.

    Attributes
    ----------
    components_ : ndarray, ``k x V``
        Variational topic-word parameters ``lambda`` (unnormalised).
    exp_dirichlet_component_ : ndarray, ``k x V``
        ``exp(E[log beta])``.
    doc_topic_prior_, topic_word_prior_ : float
        The priors used.
    n_iter_ : int
        EM passes done.
    n_features_in_ : int
        ``V``.

    Notes
    -----
    Defaults. Every E-step of the batch learner restarts ``gamma`` from random
    draws, so its documents are far from converged after a few iterations, yet
    the M-step's statistics improve the topics at every pass: for a fixed
    number of document iterations, more passes with fewer inner iterations fit
    better. On the project's segment matrix (16,912 x 7,869, 503k non-zeros,
    k = 15; one 80/20 row split, model seeds 0-2) the mean held-out
    perplexity (passes x inner iterations) was 4,420 with scikit-learn's
    defaults (10 x up to 100, tol 1e-3; identical with either learner),
    4,255 with 10 x 10, 3,875 with 20 x 3 (the default), 3,795 with 25 x 3 or
    20 x 5 and 3,690 with 50 x 3 (2 seeds). 20 x 3 fits the full matrix in
    3-4 s on 2 cores (scikit-learn's defaults: ~60 s). Keeping each
    document's ``gamma`` between passes instead of redrawing it was clearly
    worse (5,300-6,400, seed 0) and is not offered.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
    >>> lda = VectorizedLDA(2, max_iter=5, inner_iter=20, random_state=0).fit(dtm.counts)
    >>> lda.components_.shape, lda.n_iter_
    ((2, 40), 5)
    >>> theta = lda.transform(dtm.counts)
    >>> bool(np.allclose(theta.sum(axis=1), 1.0))
    True
    >>> bool(1 < lda.perplexity(dtm.counts) < 40)
    True
    """

    def __init__(
        self,
        n_components: int = 10,
        *,
        doc_topic_prior: float | None = None,
        topic_word_prior: float | None = None,
        max_iter: int = DEFAULT_MAX_ITER,
        inner_iter: int = DEFAULT_INNER_ITER,
        mean_change_tol: float = 1e-3,
        transform_iter: int = 100,
        random_state: int,
        n_jobs: int = 1,
    ) -> None:
        self.n_components = check_int(n_components, "n_components", minimum=1)
        self.doc_topic_prior = _check_prior("doc_topic_prior", doc_topic_prior)
        self.topic_word_prior = _check_prior("topic_word_prior", topic_word_prior)
        self.max_iter = check_int(max_iter, "max_iter", minimum=1)
        self.inner_iter = check_int(inner_iter, "inner_iter", minimum=1)
        self.mean_change_tol = _check_tol(mean_change_tol)
        self.transform_iter = check_int(transform_iter, "transform_iter", minimum=1)
        self.random_state = check_int(random_state, "random_state", minimum=0)
        self.n_jobs = check_int(n_jobs, "n_jobs", minimum=1)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments (as scikit-learn's ``get_params``)."""
        return {
            "n_components": self.n_components,
            "doc_topic_prior": self.doc_topic_prior,
            "topic_word_prior": self.topic_word_prior,
            "max_iter": self.max_iter,
            "inner_iter": self.inner_iter,
            "mean_change_tol": self.mean_change_tol,
            "transform_iter": self.transform_iter,
            "random_state": self.random_state,
            "n_jobs": self.n_jobs,
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"VectorizedLDA({args})"

    # -- input ---------------------------------------------------------------------------
    def _check_X(self, X_in: object, whom: str, *, fitting: bool = False) -> sp.csr_matrix:
        if sp.issparse(X_in):
            X = sp.csr_matrix(X_in, dtype=np.float64, copy=True)
        else:
            arr = np.asarray(X_in, dtype=np.float64)
            if arr.ndim != 2:
                msg = f"X must be a 2-d count matrix in {whom}; got shape {arr.shape!r}"
                raise ValueError(msg)
            X = sp.csr_matrix(arr)
        X.sum_duplicates()
        X.sort_indices()
        if X.nnz and (not np.all(np.isfinite(X.data)) or X.data.min() < 0):
            msg = f"X must hold finite non-negative counts in {whom}; got min {X.data.min()!r}"
            raise ValueError(msg)
        if not fitting:
            if not hasattr(self, "components_"):
                msg = f"this VectorizedLDA is not fitted yet; call fit before {whom}"
                raise ValueError(msg)
            if X.shape[1] != self.n_features_in_:
                msg = f"X must have {self.n_features_in_} columns (terms) in {whom}; got {X.shape[1]!r}"
                raise ValueError(msg)
        elif X.shape[0] < 1 or X.shape[1] < 1:
            msg = f"X must have at least one row and one column in {whom}; got shape {X.shape!r}"
            raise ValueError(msg)
        return X

    # -- core ----------------------------------------------------------------------------
    def _e_step(
        self, chunks: list[tuple[int, int, _Chunk]], gamma0: np.ndarray, n_iter: int, *, sstats: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Document updates for all rows (``chunks`` of ``X``) from ``gamma0``; optionally the M-step statistics."""
        eb_t = np.ascontiguousarray(self.exp_dirichlet_component_.T)  # V x k
        gamma = np.empty_like(gamma0)
        use_fused = USE_FUSED and all(chunk.gather is None for _, _, chunk in chunks)
        stats_t = np.zeros_like(eb_t) if sstats else None

        settings = (self.doc_topic_prior_, n_iter, self.mean_change_tol, sstats, use_fused)
        mapper = CHUNK_MAPPER.get()
        if mapper is None:

            def run(item: tuple[int, int, _Chunk]) -> tuple[np.ndarray, np.ndarray | None]:
                r0, r1, chunk = item
                return chunk_task(chunk, gamma0[r0:r1], eb_t, *settings)

            outcomes = _in_order(run, chunks, self.n_jobs)
        else:
            outcomes = iter(mapper([c for _, _, c in chunks], [gamma0[r0:r1] for r0, r1, _ in chunks], eb_t, settings))
        # chunks are independent; their shares are added in chunk order whatever the
        # number of threads or workers, so the sums (and the fit) are the same to the last bit
        for (r0, r1, _), (g, share) in zip(chunks, outcomes, strict=True):
            gamma[r0:r1] = g
            if stats_t is not None and share is not None:  # a mapper may return the chunks' sum with the last
                stats_t += share
        if stats_t is None:
            return gamma, None
        return gamma, stats_t.T * self.exp_dirichlet_component_

    def _set_components(self, lam: np.ndarray) -> None:
        self.components_ = lam
        self.exp_dirichlet_component_ = np.exp(_dirichlet_expectation(lam))

    def fit(self, X: Any, y: object = None) -> VectorizedLDA:
        """Fit the model to a document-term count matrix ``X`` (documents x terms).

        Returns
        -------
        VectorizedLDA
            ``self``.
        """
        X = self._check_X(X, "VectorizedLDA.fit", fitting=True)
        n_rows, n_cols = X.shape
        k = self.n_components
        self.doc_topic_prior_ = 1.0 / k if self.doc_topic_prior is None else self.doc_topic_prior
        self.topic_word_prior_ = 1.0 / k if self.topic_word_prior is None else self.topic_word_prior
        self.n_features_in_ = n_cols
        # the legacy generator reproduces scikit-learn's stream (check_random_state(int))
        rng = np.random.RandomState(self.random_state)
        with threadpool_limits(limits=1):
            self._set_components(rng.gamma(_INIT_SHAPE, _INIT_SCALE, (k, n_cols)))
            self.n_iter_ = 0
            chunks = _split(X, k, gather=not USE_FUSED)
            for _ in range(self.max_iter):
                gamma0 = rng.gamma(_INIT_SHAPE, _INIT_SCALE, (n_rows, k))
                _, stats = self._e_step(chunks, gamma0, self.inner_iter, sstats=True)
                self._set_components(float(self.topic_word_prior_) + np.asarray(stats))
                self.n_iter_ += 1
        return self

    def _unnormalized_transform(self, X: sp.csr_matrix) -> np.ndarray:
        gamma0 = np.ones((X.shape[0], self.n_components))
        with threadpool_limits(limits=1):
            chunks = _split(X, self.n_components, gather=not USE_FUSED)
            gamma, _ = self._e_step(chunks, gamma0, self.transform_iter, sstats=False)
        return gamma

    def transform(self, X: Any, *, normalize: bool = True) -> np.ndarray:
        """Variational document-topic parameters of the rows of ``X`` with the fitted topics.

        Parameters
        ----------
        X : sparse matrix or array, documents x terms
        normalize : bool
            Scale rows to sum to 1 (default) or return ``gamma`` itself.

        Returns
        -------
        ndarray, documents x ``n_components``
        """
        X = self._check_X(X, "VectorizedLDA.transform")
        gamma = self._unnormalized_transform(X)
        if normalize:
            gamma /= gamma.sum(axis=1, keepdims=True)
        return gamma

    def fit_transform(self, X: Any, y: object = None, *, normalize: bool = True) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X, normalize=normalize)

    def _approx_bound(self, X: sp.csr_matrix, gamma: np.ndarray) -> float:
        """Variational lower bound on ``log p(X)`` (scikit-learn's ``_approx_bound`` without sub-sampling).

        ``sum_{d,w} x_dw logsumexp_k(E[log theta_dk] + E[log beta_kw])``
        ``+ E[log p(theta|alpha) - log q(theta|gamma)] + E[log p(beta|eta) - log q(beta|lambda)]``.
        """
        elog_theta = _dirichlet_expectation(gamma)
        elog_beta = _dirichlet_expectation(self.components_)
        elog_beta_t = np.ascontiguousarray(elog_beta.T)
        score = 0.0
        for r0, r1 in _chunks(X.indptr, self.n_components):
            a, b = X.indptr[r0], X.indptr[r1]
            rows = np.repeat(np.arange(r0, r1), np.diff(X.indptr[r0 : r1 + 1]))
            lse = logsumexp(elog_theta[rows] + elog_beta_t[X.indices[a:b]], axis=1)
            score += float(np.sum(X.data[a:b] * lse))

        def prior_terms(prior: float, distr: np.ndarray, elog: np.ndarray, size: int) -> float:
            out = np.sum((prior - distr) * elog)
            out += np.sum(gammaln(distr) - gammaln(prior))
            out += np.sum(gammaln(prior * size) - gammaln(np.sum(distr, axis=1)))
            return float(out)

        score += prior_terms(self.doc_topic_prior_, gamma, elog_theta, self.n_components)
        score += prior_terms(self.topic_word_prior_, self.components_, elog_beta, self.n_features_in_)
        return score

    def score(self, X: Any, y: object = None) -> float:
        """Approximate log-likelihood (variational bound) of ``X`` after inferring its ``gamma``."""
        X = self._check_X(X, "VectorizedLDA.score")
        gamma = self._unnormalized_transform(X)
        with threadpool_limits(limits=1):
            return self._approx_bound(X, gamma)

    def perplexity(self, X: Any) -> float:
        """``exp(-score(X) / total count of X)`` (scikit-learn's approximate perplexity)."""
        X = self._check_X(X, "VectorizedLDA.perplexity")
        total = float(X.sum())
        if total <= 0:
            msg = f"X must contain at least one token for perplexity; got total count {total!r}"
            raise ValueError(msg)
        gamma = self._unnormalized_transform(X)
        with threadpool_limits(limits=1):
            return float(np.exp(-self._approx_bound(X, gamma) / total))
