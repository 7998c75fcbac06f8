"""The compiled E-step sums (initiative_lib.topics.fused) against the sparse products, on random shapes.

The loops take a row's non-zeros four at a time; rows of every length modulo
four, empty rows, one topic and many, subsets of rows in any order: the sums
must equal scipy's ``csr @ dense`` and ``csr.T @ dense`` to the last bit.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import initiative_lib.topics.lda as lda_module
from initiative_lib.topics import fused

pytestmark = pytest.mark.skipif(not fused.AVAILABLE, reason="numba is not installed")


def _sparse_form(X: sp.csr_matrix, et: np.ndarray, eb_t: np.ndarray) -> sp.csr_matrix:
    """``x / norm`` in the pattern of ``X``, with the normalisers computed as VectorizedLDA's sparse form does."""
    n_rows, k = et.shape
    rows = np.repeat(np.arange(n_rows), np.diff(X.indptr))
    gather = sp.csr_matrix(
        (eb_t[X.indices].ravel(), (np.repeat(np.arange(X.nnz), k), (rows[:, None] * k + np.arange(k)).ravel())),
        shape=(X.nnz, n_rows * k),
    )
    norm = gather @ et.ravel() + lda_module.EPS
    return sp.csr_matrix((X.data / norm, X.indices, X.indptr), shape=X.shape)


@st.composite
def problems(draw: st.DrawFn) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    n_rows = draw(st.integers(1, 12))
    n_terms = draw(st.integers(1, 25))
    k = draw(st.integers(1, 17))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    lengths = [draw(st.integers(0, n_terms)) for _ in range(n_rows)]
    indices = np.concatenate([np.sort(rng.choice(n_terms, size=n, replace=False)) for n in lengths] + [[]])
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    data = rng.integers(1, 9, size=len(indices)).astype(float)
    X = sp.csr_matrix((data, indices.astype(np.int32), indptr.astype(np.int32)), shape=(n_rows, n_terms))
    et = rng.uniform(1e-3, 1.0, (n_rows, k))
    eb_t = np.ascontiguousarray(rng.uniform(1e-4, 1.0, (k, n_terms)).T)
    subset = rng.permutation(n_rows)[: draw(st.integers(1, n_rows))]
    return X, et, eb_t, subset


@settings(max_examples=150, deadline=None)
@given(problems())
def test_gamma_sums_equal_the_sparse_product(problem):
    X, et, eb_t, subset = problem
    weights = _sparse_form(X, et, eb_t)
    got = fused.gamma_sums(X.indptr, X.indices, X.data, np.arange(X.shape[0]), et, eb_t, lda_module.EPS)
    assert np.array_equal(got, weights @ eb_t)
    part = fused.gamma_sums(X.indptr, X.indices, X.data, subset, et[subset], eb_t, lda_module.EPS)
    assert np.array_equal(part, (weights @ eb_t)[subset])


@settings(max_examples=150, deadline=None)
@given(problems())
def test_term_sums_equal_the_transposed_product(problem):
    X, et, eb_t, _ = problem
    weights = _sparse_form(X, et, eb_t)
    got = fused.term_sums(X.indptr, X.indices, X.data, X.shape[1], et, eb_t, lda_module.EPS)
    assert np.array_equal(got, weights.T @ et)


@pytest.mark.parametrize("length", range(9))
def test_every_row_length_modulo_four(length):
    """One row of 0 to 8 non-zeros with 15 topics: the blocks of four and the rest."""
    rng = np.random.default_rng(length)
    X = sp.csr_matrix((rng.integers(1, 5, length).astype(float), np.arange(length), [0, length]), shape=(1, 10))
    et = rng.uniform(0.01, 1, (1, 15))
    eb_t = np.ascontiguousarray(rng.uniform(0.001, 1, (15, 10)).T)
    weights = _sparse_form(X, et, eb_t)
    assert np.array_equal(
        fused.gamma_sums(X.indptr, X.indices, X.data, np.array([0]), et, eb_t, lda_module.EPS), weights @ eb_t
    )
    assert np.array_equal(fused.term_sums(X.indptr, X.indices, X.data, 10, et, eb_t, lda_module.EPS), weights.T @ et)
