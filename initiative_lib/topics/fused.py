"""Compiled (numba) loops of the LDA E-step, bit-identical to the sparse-matrix form.

:class:`~initiative_lib.topics.lda.VectorizedLDA` writes the E-step as sparse
products (see :mod:`initiative_lib.topics.lda`): for each non-zero ``(d, w)``
a normaliser ``norm = sum_k Eb[k, w] Et[d, k] + eps`` (a sparse
matrix-vector product over a ``nnz x (rows * k)`` "gather" matrix that must
be refilled with ``Eb`` in every pass), then ``x / norm`` times ``Eb`` summed
per document (``csr @ dense``) and, for the M-step, times ``Et`` summed per
term (``csr.T @ dense``). The functions here do the same arithmetic in one
loop over each document's non-zeros, without building the gather matrix.

They add and multiply in exactly the order of scipy's ``csr_matvec``,
``csr_matvecs`` and ``csc_matvecs`` kernels (each sum starts from zero and
runs over a row's non-zeros in storage order, then over topics), and numba,
without ``fastmath``, neither reorders nor fuses floating-point operations,
so the results are the same to the last bit (``tests/topics/test_lda.py``
fits with both and compares exactly). Loops release the GIL, so chunks still
run in threads.

Both sums come from one loop (one compile per process). Each normaliser is a
chain of ``k`` dependent additions; one at a time, the loop waits on the
adder. The loop therefore takes a row's non-zeros four at a time and runs
their four chains side by side (each still from zero, over topics in order),
then adds the four terms to each sum in storage order: the same operations
on the same values, about a quarter less time per pass
(``benchmarks/OPTIMISATIONS.md``).

:data:`AVAILABLE` is False when numba cannot be imported; the sparse-matrix
form is then used. The loops are compiled on first use in each process
(:func:`initiative_lib.compiled.lazy_njit`); nothing is cached on disk.
"""

from __future__ import annotations

import numpy as np

from initiative_lib.compiled import NUMBA_AVAILABLE, lazy_njit

#: whether the compiled loops can be used (numba is imported, and the loops compiled, on first use)
AVAILABLE = NUMBA_AVAILABLE


@lazy_njit
def _sums(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    rows: np.ndarray,
    et: np.ndarray,
    eb_t: np.ndarray,
    eps: float,
    by_term: bool,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled; covered through gamma_sums and term_sums
    """Add ``x / norm`` times ``Eb`` (per row, ``out[i]``) or times ``Et`` (per term, ``out[w]``) to ``out``.

    Row ``rows[i]`` of the counts goes with ``et[i]``. ``out`` starts at zero.
    """
    n_topics = et.shape[1]
    for i in range(rows.shape[0]):
        r = rows[i]
        jj, end = indptr[r], indptr[r + 1]
        # four non-zeros at a time (see the module docstring): four independent normalisers
        while jj + 4 <= end:
            w0, w1, w2, w3 = indices[jj], indices[jj + 1], indices[jj + 2], indices[jj + 3]
            n0 = n1 = n2 = n3 = 0.0
            for k in range(n_topics):
                e = et[i, k]
                n0 += eb_t[w0, k] * e
                n1 += eb_t[w1, k] * e
                n2 += eb_t[w2, k] * e
                n3 += eb_t[w3, k] * e
            c0, c1 = data[jj] / (n0 + eps), data[jj + 1] / (n1 + eps)
            c2, c3 = data[jj + 2] / (n2 + eps), data[jj + 3] / (n3 + eps)
            if by_term:  # each term's sum still runs over the rows in order
                for k in range(n_topics):
                    out[w0, k] += c0 * et[i, k]
                for k in range(n_topics):
                    out[w1, k] += c1 * et[i, k]
                for k in range(n_topics):
                    out[w2, k] += c2 * et[i, k]
                for k in range(n_topics):
                    out[w3, k] += c3 * et[i, k]
            else:
                for k in range(n_topics):
                    acc = out[i, k]
                    acc += c0 * eb_t[w0, k]
                    acc += c1 * eb_t[w1, k]
                    acc += c2 * eb_t[w2, k]
                    acc += c3 * eb_t[w3, k]
                    out[i, k] = acc
            jj += 4
        while jj < end:
            w = indices[jj]
            norm = 0.0
            for k in range(n_topics):
                norm += eb_t[w, k] * et[i, k]
            weight = data[jj] / (norm + eps)
            if by_term:
                for k in range(n_topics):
                    out[w, k] += weight * et[i, k]
            else:
                for k in range(n_topics):
                    out[i, k] += weight * eb_t[w, k]
            jj += 1


def gamma_sums(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    rows: np.ndarray,
    et: np.ndarray,
    eb_t: np.ndarray,
    eps: float,
) -> np.ndarray:
    """``sum_w x[d, w] / norm[d, w] * Eb[:, w]`` for each document ``d = rows[i]`` (CSR arrays of the counts).

    ``et`` holds ``Et`` of those rows, in the order of ``rows``; ``eb_t`` is
    ``Eb.T`` (terms x topics). Returns a ``len(rows) x k`` array.

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices, data = np.array([0, 2]), np.array([0, 1]), np.array([2.0, 1.0])
    >>> eb_t = np.array([[0.5, 0.5], [1.0, 0.0]])
    >>> gamma_sums(indptr, indices, data, np.array([0]), np.array([[1.0, 1.0]]), eb_t, 0.0)
    array([[2., 1.]])
    """
    out = np.zeros((len(rows), et.shape[1]))
    _sums(indptr, indices, data, rows, np.ascontiguousarray(et), eb_t, eps, False, out)
    return out


def term_sums(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    n_terms: int,
    et: np.ndarray,
    eb_t: np.ndarray,
    eps: float,
) -> np.ndarray:
    """``S.T[w, k] = sum_d x[d, w] / norm[d, w] * Et[d, k]`` over all rows (the M-step statistics), ``V x k``.

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices, data = np.array([0, 2]), np.array([0, 1]), np.array([2.0, 1.0])
    >>> eb_t = np.array([[0.5, 0.5], [1.0, 0.0]])
    >>> term_sums(indptr, indices, data, 2, np.array([[1.0, 1.0]]), eb_t, 0.0)
    array([[2., 2.],
           [1., 1.]])
    """
    out = np.zeros((n_terms, et.shape[1]))
    every = np.arange(len(indptr) - 1)
    _sums(indptr, indices, data, every, np.ascontiguousarray(et), eb_t, eps, True, out)
    return out


__all__ = ["AVAILABLE", "gamma_sums", "term_sums"]
