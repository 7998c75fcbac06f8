"""Tests for initiative_lib.topics.lda (vectorised batch variational-Bayes LDA)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.decomposition import LatentDirichletAllocation
from threadpoolctl import threadpool_limits

import initiative_lib.topics.lda as lda_module
from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics import fused
from initiative_lib.topics.diagnostics import align_topics, heldout_perplexity
from initiative_lib.topics.lda import VectorizedLDA
from initiative_lib.topics.model import fit_topics

EULER = 0.577215664901532860606512090082402431


def sklearn_psi(x: np.ndarray) -> np.ndarray:
    """Vectorised copy of scikit-learn's digamma (``_online_lda_fast.psi``, AS 103).

    scikit-learn's LDA uses this fast approximation (absolute error up to
    ~1e-9 near x = 6) instead of an accurate digamma; with it swapped into
    :mod:`initiative_lib.topics.lda` the two learners must agree to rounding.
    """
    x = np.array(x, dtype=np.float64)
    x0 = x.copy()
    out = np.zeros_like(x)
    small = x <= 1e-6
    while True:
        step = (x < 6) & ~small
        if not step.any():
            break
        out[step] -= 1.0 / x[step]
        x[step] += 1
    r = 1.0 / x
    out += np.log(x) - 0.5 * r
    r = r * r
    out -= r * ((1.0 / 12.0) - r * ((1.0 / 120.0) - r * (1.0 / 252.0)))
    out[small] = -EULER - 1.0 / x0[small]
    return out


def random_counts(n_rows: int = 60, n_cols: int = 80, density: float = 0.15, seed: int = 1) -> sp.csr_matrix:
    """Small sparse count matrix with an empty row and an unused column."""
    rng = np.random.default_rng(seed)
    X = sp.random(n_rows, n_cols, density=density, random_state=seed, data_rvs=lambda n: rng.integers(1, 6, n))
    X = sp.csr_matrix(X, dtype=np.float64)
    X = sp.diags((np.arange(n_rows) != 5).astype(float)) @ X  # row 5 empty
    X = X @ sp.diags((np.arange(n_cols) != 7).astype(float))  # column 7 unused
    X = sp.csr_matrix(X)
    X.eliminate_zeros()
    return X


def pair(n_iter: int, tol: float, passes: int, seed: int, k: int = 4):
    skl = LatentDirichletAllocation(
        n_components=k,
        learning_method="batch",
        max_doc_update_iter=n_iter,
        mean_change_tol=tol,
        max_iter=passes,
        random_state=seed,
        evaluate_every=-1,
    )
    ours = VectorizedLDA(
        k, inner_iter=n_iter, transform_iter=n_iter, mean_change_tol=tol, max_iter=passes, random_state=seed
    )
    return skl, ours


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


CASES = [(5, 0.0, 3, 0), (20, 0.0, 10, 3), (100, 1e-3, 10, 7)]


@pytest.mark.parametrize(("n_iter", "tol", "passes", "seed"), CASES)
@pytest.mark.parametrize("chunk_elements", [lda_module.CHUNK_ELEMENTS, 400])
def test_identical_to_sklearn_with_its_digamma(monkeypatch, n_iter, tol, passes, seed, chunk_elements):
    """Same model, init, random stream and updates: agreement to rounding (1e-11)."""
    X = random_counts()
    monkeypatch.setattr(lda_module, "psi", sklearn_psi)
    # 400 elements = 100 non-zeros per chunk (~8 documents): many chunks and early-stopping subsets
    monkeypatch.setattr(lda_module, "CHUNK_ELEMENTS", chunk_elements)
    skl, ours = pair(n_iter, tol, passes, seed)
    with threadpool_limits(limits=1):
        skl.fit(X)
    ours.fit(X)
    assert rel_err(ours.components_, skl.components_) < 1e-11
    np.testing.assert_allclose(ours.transform(X), skl.transform(X), rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.transform(X, normalize=False), skl.transform(X, normalize=False), rtol=1e-11)
    assert ours.perplexity(X) == pytest.approx(skl.perplexity(X), rel=1e-12)
    assert ours.score(X) == pytest.approx(skl.score(X), rel=1e-12)
    assert ours.n_iter_ == skl.n_iter_ == passes


@pytest.mark.parametrize(("n_iter", "tol", "passes", "seed"), CASES)
def test_close_to_sklearn_with_scipy_digamma(n_iter, tol, passes, seed):
    """With the accurate digamma the only difference is scikit-learn's psi error (~1e-9)."""
    X = random_counts()
    skl, ours = pair(n_iter, tol, passes, seed)
    with threadpool_limits(limits=1):
        skl.fit(X)
    ours.fit(X)
    assert rel_err(ours.components_, skl.components_) < 1e-5
    np.testing.assert_allclose(ours.transform(X), skl.transform(X), rtol=0, atol=1e-6)
    assert ours.perplexity(X) == pytest.approx(skl.perplexity(X), rel=1e-7)


def test_bound_matches_sklearn_approx_bound(monkeypatch):
    """``_approx_bound`` is scikit-learn's, term for term, for the same gamma and lambda."""
    X = random_counts(seed=4)
    monkeypatch.setattr(lda_module, "psi", sklearn_psi)
    skl, ours = pair(10, 0.0, 4, 2)
    with threadpool_limits(limits=1):
        skl.fit(X)
    ours.fit(X)
    gamma = np.random.default_rng(0).gamma(2.0, 1.0, (X.shape[0], 4))
    skl.components_ = ours.components_.copy()
    assert ours._approx_bound(X, gamma) == pytest.approx(skl._approx_bound(X, gamma, sub_sampling=False), rel=1e-13)


def test_thread_count_does_not_change_results():
    dtm, _ = synthetic_dtm(n_docs=40, n_terms=120, k=3, random_state=2)
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            m = VectorizedLDA(3, max_iter=6, inner_iter=8, random_state=0).fit(dtm.counts)
            fits.append((m.components_, m.transform(dtm.counts), m.perplexity(dtm.counts)))
    (c1, t1, p1), (c2, t2, p2) = fits
    assert np.array_equal(c1, c2)
    assert np.array_equal(t1, t2)
    assert p1 == p2


@pytest.mark.parametrize("n_jobs", [2, 3])
def test_threads_of_the_e_step_do_not_change_results(monkeypatch, n_jobs):
    monkeypatch.setattr(lda_module, "CHUNK_ELEMENTS", 300)  # many chunks, so the threads share work
    X = random_counts(n_rows=150, seed=5)
    fits = []
    for jobs in (1, n_jobs):
        m = VectorizedLDA(4, max_iter=5, inner_iter=6, random_state=3, n_jobs=jobs).fit(X)
        assert len(lda_module._split(m._check_X(X, "test", fitting=True), 4)) > 10
        fits.append((m.components_, m.transform(X), m.perplexity(X)))
    (c1, t1, p1), (c2, t2, p2) = fits
    assert np.array_equal(c1, c2)
    assert np.array_equal(t1, t2)
    assert p1 == p2


def test_fit_topics_passes_n_jobs_to_the_vectorized_solver(small_dtm):
    a = fit_topics(small_dtm, 3, method="lda", random_state=0, max_iter=3)
    b = fit_topics(small_dtm, 3, method="lda", random_state=0, max_iter=3, n_jobs=2)
    assert b.config["solver"]["n_jobs"] == 2
    pd.testing.assert_frame_equal(a.topic_term, b.topic_term, check_exact=True)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_rebuilding_gather_patterns_does_not_change_results(monkeypatch, n_jobs):
    """Above GATHER_KEEP_BYTES the per-chunk patterns are rebuilt each pass: same numbers, less memory."""
    monkeypatch.setattr(lda_module, "USE_FUSED", False)  # the patterns belong to the sparse-matrix form
    monkeypatch.setattr(lda_module, "CHUNK_ELEMENTS", 300)
    X = random_counts(n_rows=150, seed=6)
    kept = VectorizedLDA(4, max_iter=4, inner_iter=6, random_state=2, n_jobs=n_jobs).fit(X)
    monkeypatch.setattr(lda_module, "GATHER_KEEP_BYTES", 0)
    chunks = lda_module._split(kept._check_X(X, "test", fitting=True), 4)
    assert all(chunk.gather is None for _, _, chunk in chunks)
    rebuilt = VectorizedLDA(4, max_iter=4, inner_iter=6, random_state=2, n_jobs=n_jobs).fit(X)
    assert np.array_equal(kept.components_, rebuilt.components_)
    assert np.array_equal(kept.transform(X), rebuilt.transform(X))
    assert kept.perplexity(X) == rebuilt.perplexity(X)


def test_chunking_changes_only_rounding(monkeypatch):
    X = random_counts(n_rows=120, seed=9)
    a = VectorizedLDA(5, max_iter=5, inner_iter=10, random_state=1).fit(X)
    monkeypatch.setattr(lda_module, "CHUNK_ELEMENTS", 200)
    b = VectorizedLDA(5, max_iter=5, inner_iter=10, random_state=1).fit(X)
    assert rel_err(a.components_, b.components_) < 1e-12
    np.testing.assert_allclose(a.transform(X), b.transform(X), rtol=0, atol=1e-12)


def test_planted_topics_recovered():
    dtm, truth = synthetic_dtm(n_docs=60, segments_per_doc=5, n_terms=200, k=4, random_state=11)
    m = VectorizedLDA(4, max_iter=20, inner_iter=10, random_state=1).fit(dtm.counts)
    beta = m.components_ / m.components_.sum(axis=1, keepdims=True)
    est = pd.DataFrame(beta, columns=truth.topic_term.columns)
    matched = align_topics(truth.topic_term, est)
    assert matched["similarity"].min() > 0.9
    theta = m.transform(dtm.counts)
    order = matched["topic_b"].to_numpy()
    share_err = np.abs(theta[:, order] - truth.segment_topics.to_numpy()).mean()
    assert share_err < 0.1


def test_shares_sum_to_one_and_empty_rows():
    X = random_counts()
    m = VectorizedLDA(4, max_iter=3, inner_iter=5, random_state=0).fit(X)
    theta = m.transform(X)
    np.testing.assert_allclose(theta.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    assert (theta > 0).all()
    np.testing.assert_allclose(theta[5], 0.25)  # empty row: gamma = alpha for every topic
    np.testing.assert_allclose(m.transform(X, normalize=False)[5], m.doc_topic_prior_)
    assert m.doc_topic_prior_ == m.topic_word_prior_ == 0.25
    dense = m.transform(X.toarray())
    np.testing.assert_array_equal(dense, theta)


def test_perplexity_is_exp_of_per_token_bound():
    X = random_counts(seed=3)
    m = VectorizedLDA(3, max_iter=4, inner_iter=10, random_state=0).fit(X)
    assert m.perplexity(X) == pytest.approx(np.exp(-m.score(X) / X.sum()), rel=1e-14)


def test_priors_and_params():
    m = VectorizedLDA(3, doc_topic_prior=0.5, topic_word_prior=0.01, random_state=4)
    assert m.get_params()["doc_topic_prior"] == 0.5
    assert "VectorizedLDA(n_components=3" in repr(m)
    m.fit(random_counts())
    assert (m.doc_topic_prior_, m.topic_word_prior_) == (0.5, 0.01)
    assert m.n_features_in_ == 80
    assert m.exp_dirichlet_component_.shape == m.components_.shape


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"n_components": 0}, "n_components must be an int >= 1; got 0"),
        ({"n_components": 2.5}, "n_components must be an int >= 1; got 2.5"),
        ({"max_iter": 0}, "max_iter must be an int >= 1; got 0"),
        ({"inner_iter": True}, "inner_iter must be an int >= 1; got True"),
        ({"transform_iter": -3}, "transform_iter must be an int >= 1; got -3"),
        ({"mean_change_tol": -0.1}, "mean_change_tol must be a finite number >= 0; got -0.1"),
        ({"mean_change_tol": "0"}, "mean_change_tol must be a finite number >= 0; got '0'"),
        ({"doc_topic_prior": 0.0}, "doc_topic_prior must be None or a positive finite number; got 0.0"),
        ({"topic_word_prior": float("nan")}, "topic_word_prior must be None or a positive finite number; got nan"),
        ({"random_state": -1}, "random_state must be an int >= 0; got -1"),
        ({"random_state": None}, "random_state must be an int >= 0; got None"),
        ({"n_jobs": 0}, "n_jobs must be an int >= 1; got 0"),
        ({"n_jobs": -1}, "n_jobs must be an int >= 1; got -1"),
    ],
)
def test_bad_arguments(kwargs, word):
    args = {"n_components": 3, "random_state": 0} | kwargs
    with pytest.raises(ValueError, match=word.replace("(", r"\(").replace(".", r"\.")):
        VectorizedLDA(**args)


def test_bad_inputs():
    X = random_counts()
    m = VectorizedLDA(3, random_state=0, max_iter=1)
    with pytest.raises(ValueError, match="not fitted"):
        m.transform(X)
    with pytest.raises(ValueError, match="non-negative"):
        m.fit(-X)
    with pytest.raises(ValueError, match="shape"):
        m.fit(np.ones(4))
    m.fit(X)
    with pytest.raises(ValueError, match="80 columns"):
        m.transform(X[:, :10])
    with pytest.raises(ValueError, match="at least one token"):
        m.perplexity(sp.csr_matrix((2, 80)))


# -- integration with topics / diagnostics -------------------------------------------------


@pytest.fixture(scope="module")
def small_dtm():
    dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=1)
    return dtm


@pytest.mark.parametrize("solver", ["vectorized", "sklearn"])
def test_fit_topics_solvers(small_dtm, solver):
    m = fit_topics(small_dtm, 3, method="lda", random_state=0, max_iter=5, solver=solver)
    assert m.config["lda_solver"] == solver
    expected = {"vectorized": "VectorizedLDA", "sklearn": "LatentDirichletAllocation"}[solver]
    assert m.config["estimator"] == expected
    assert m.config["solver"]["max_iter"] == 5
    assert m.config["n_iter"] == 5
    np.testing.assert_allclose(m.segment_topics.sum(axis=1), 1.0)
    again = m.transform(small_dtm)
    np.testing.assert_allclose(again.to_numpy(), m.segment_topics.to_numpy(), atol=1e-12)
    p = heldout_perplexity(small_dtm, 3, random_state=0, max_iter=5, solver=solver)
    assert 1 < p < 60


def test_fit_topics_vectorized_is_default_and_matches_sklearn_solver(small_dtm):
    opts = {"max_doc_update_iter": 20, "mean_change_tol": 0.0}
    skl = fit_topics(small_dtm, 3, method="lda", random_state=2, max_iter=4, solver="sklearn", **opts)
    mine = {"inner_iter": 20, "transform_iter": 20, "mean_change_tol": 0.0}
    vec = fit_topics(small_dtm, 3, method="lda", random_state=2, max_iter=4, **mine)
    assert vec.config["lda_solver"] == "vectorized"
    np.testing.assert_allclose(vec.topic_term.to_numpy(), skl.topic_term.to_numpy(), rtol=1e-5, atol=0)
    p_skl = heldout_perplexity(small_dtm, 3, random_state=2, max_iter=4, solver="sklearn", **opts)
    p_vec = heldout_perplexity(small_dtm, 3, random_state=2, max_iter=4, **mine)
    assert p_vec == pytest.approx(p_skl, rel=1e-4)


def test_nmf_records_no_lda_solver(small_dtm):
    assert fit_topics(small_dtm, 3, method="nmf", random_state=0).config["lda_solver"] is None


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"solver": "gibbs"}, "solver must be one of \\['vectorized', 'sklearn'\\]; got 'gibbs'"),
        ({"solver": "sklearn", "n_jobs": 2}, "n_jobs must be None or 1 for solver='sklearn'"),
        ({"n_jobs": 0}, "n_jobs must be an int >= 1; got 0"),
        ({"learning_method": "online"}, "learning_method"),
        ({"inner_iter": 0}, "inner_iter must be an int >= 1; got 0"),
        ({"solver": "sklearn", "inner_iter": 5}, "inner_iter"),
    ],
)
def test_fit_topics_lda_option_errors(small_dtm, kwargs, word):
    with pytest.raises(ValueError, match=word):
        fit_topics(small_dtm, 3, method="lda", random_state=0, max_iter=2, **kwargs)


# --- the compiled E-step (initiative_lib.topics.fused) --------------------------------------------

needs_numba = pytest.mark.skipif(not fused.AVAILABLE, reason="numba is not installed")


E_STEP_CASES = [(5, 0.0, None, 1), (50, 1e-3, 400, 1), (50, 1e-3, 300, 3), (8, 1e-2, None, 2)]


@needs_numba
@pytest.mark.parametrize(("n_iter", "tol", "chunk_elements", "n_jobs"), E_STEP_CASES)
def test_compiled_e_step_is_bit_identical_to_the_sparse_form(monkeypatch, n_iter, tol, chunk_elements, n_jobs):
    """Same additions in the same order: fit, transform, perplexity and score equal to the last bit."""
    if chunk_elements:
        monkeypatch.setattr(lda_module, "CHUNK_ELEMENTS", chunk_elements)  # many chunks, early-stopping subsets
    X = random_counts(n_rows=160, seed=11)
    fits = []
    for use in (False, True):
        monkeypatch.setattr(lda_module, "USE_FUSED", use)
        m = VectorizedLDA(
            6, max_iter=6, inner_iter=n_iter, transform_iter=n_iter, mean_change_tol=tol, random_state=4, n_jobs=n_jobs
        ).fit(X)
        fits.append((m.components_, m.transform(X, normalize=False), m.perplexity(X), m.score(X)))
    (c1, t1, p1, s1), (c2, t2, p2, s2) = fits
    assert np.array_equal(c1, c2)
    assert np.array_equal(t1, t2)
    assert p1 == p2
    assert s1 == s2


@needs_numba
def test_compiled_sums_equal_scipy_products():
    rng = np.random.default_rng(3)
    X = sp.random(40, 30, density=0.2, format="csr", random_state=4, data_rvs=lambda n: rng.integers(1, 5, n))
    X.data = X.data.astype(float)
    k = 7
    et = rng.uniform(0.01, 1, (40, k))
    eb_t = np.ascontiguousarray(rng.uniform(0.001, 1, (k, 30)).T)
    # the sparse form, as VectorizedLDA writes it
    rows = np.repeat(np.arange(40), np.diff(X.indptr))
    gather = sp.csr_matrix(
        (eb_t[X.indices].ravel(), (np.repeat(np.arange(X.nnz), k), (rows[:, None] * k + np.arange(k)).ravel())),
        shape=(X.nnz, 40 * k),
    )
    norm = gather @ et.ravel() + lda_module.EPS
    weights = sp.csr_matrix((X.data / norm, X.indices, X.indptr), shape=X.shape)
    every = np.arange(40)
    got = fused.gamma_sums(X.indptr, X.indices, X.data, every, et, eb_t, lda_module.EPS)
    assert np.array_equal(got, weights @ eb_t)
    some = np.array([3, 7, 8, 30])
    part = fused.gamma_sums(X.indptr, X.indices, X.data, some, et[some], eb_t, lda_module.EPS)
    assert np.array_equal(part, (weights @ eb_t)[some])
    stats = fused.term_sums(X.indptr, X.indices, X.data, 30, et, eb_t, lda_module.EPS)
    assert np.array_equal(stats, weights.T @ et)
