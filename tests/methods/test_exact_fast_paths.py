"""The fast paths of dictionaries, baselines and scaling give the reference's numbers to the last bit.

Each fast path is held against the code it replaced (kept in the package as the
reference, or copied here where it was rewritten in place) on random input.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods import baselines, dictionaries, scaling
from initiative_lib.methods.dictionaries import LexiconCounter, LexiconError, dictionary_rates

# ---------------------------------------------------------------- LexiconCounter

WORDS = ["human", "rights", "state", "sovereign", "sovereignty", "open", "internet", "security", "information"]
LEXICON = pd.DataFrame(
    {
        "category": ["rights", "rights", "rights", "sov", "sov", "sov", "net", "net", "sec", "sec"],
        "entry": ["human rights", "rights", "human", "sovereign*", "state", "state sovereignty",
                  "open internet", "internet", "information security", "security"],
    }
)  # fmt: skip
VOCAB = pd.Index(
    [
        *WORDS,
        "human rights",
        "state sovereignty",
        "open internet",
        "information security",
        "rights state",
        "sovereign state",
    ]
)


def one_row_matches(counts: np.ndarray, lexicon: pd.DataFrame, unigrams_only: bool = False) -> list[int]:
    """The reference: dictionary_rates of a one-row matrix of the vector's non-zero terms."""
    row = {VOCAB[j]: int(counts[j]) for j in np.flatnonzero(counts)}
    m = from_counts([row], pd.DataFrame({"doc_id": ["w"], "n_tokens": [1]}))
    return dictionary_rates(m, lexicon, unigrams_only=unigrams_only)["matches"].tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=len(VOCAB), max_size=len(VOCAB)), st.booleans())
def test_lexicon_counter_equals_dictionary_rates_of_a_one_row_matrix(values, unigrams_only):
    counts = np.array(values, dtype=np.int64)
    counter = LexiconCounter(VOCAB, LEXICON, unigrams_only=unigrams_only)
    try:
        expected: list[int] | str = one_row_matches(counts, LEXICON, unigrams_only)
    except LexiconError as error:  # a window without two-word terms: the same error
        expected = str(error)
    try:
        found: list[int] | str = counter.matches(counts).tolist()
    except LexiconError as error:
        found = str(error)
    assert found == expected


def test_lexicon_counter_subtracts_only_counted_words_and_checks_input():
    counter = LexiconCounter(VOCAB, LEXICON)
    assert counter.categories == ["rights", "sov", "net", "sec"]
    counts = np.zeros(len(VOCAB), dtype=np.int64)
    counts[VOCAB.get_loc("human rights")] = 2
    counts[VOCAB.get_loc("rights")] = 3
    # 2 phrases + 3 'rights' - 2 * (one counted word: 'human' has no count here)
    assert counter.matches(counts).tolist() == [3, 0, 0, 0]
    counts[VOCAB.get_loc("human")] = 2
    assert counter.matches(counts).tolist() == [3, 0, 0, 0]  # 2 + 3 + 2 - 2 * 2
    with pytest.raises(ValueError, match="integer counts"):
        counter.matches(counts.astype(float))
    with pytest.raises(ValueError, match="integer counts"):
        counter.matches(counts[:-1])
    with pytest.raises(ValueError, match="each term once"):
        LexiconCounter(pd.Index(["a", "a"]), LEXICON)


# ---------------------------------------------------------------- group_rates' bootstrap


def _reference_bootstrap(m: np.ndarray, n: np.ndarray, draws: np.ndarray, weighting: str) -> np.ndarray:
    return dictionaries._estimate(m[draws], n[draws], weighting)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(2, 300),
    st.integers(1, 60),
    st.sampled_from(["unit", "token"]),
    st.booleans(),
)
def test_bootstrap_estimate_is_nanmean_of_the_gathered_rates_to_the_last_bit(seed, n_units, n_boot, weighting, empty):
    rng = np.random.default_rng(seed)
    m = rng.integers(0, 50, n_units).astype(float)
    n = rng.integers(1, 4000, n_units).astype(float)
    if empty:
        n[rng.integers(0, n_units)] = 0.0  # a unit without tokens: a missing rate
    draws = rng.integers(0, n_units, size=(n_boot, n_units))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # empty means and zero divisions, in both
        old = _reference_bootstrap(m, n, draws, weighting)
        new = dictionaries._bootstrap_estimate(m, n, draws, weighting)
    assert new.tobytes() == old.tobytes()


def test_bootstrap_estimate_blocks_and_long_rows(monkeypatch):
    rng = np.random.default_rng(7)
    n_units = 20_000  # longer than numpy's buffer: rows must still be summed as one
    m, n = rng.integers(0, 30, n_units).astype(float), rng.integers(1, 900, n_units).astype(float)
    draws = rng.integers(0, n_units, size=(5, n_units))
    old = _reference_bootstrap(m, n, draws, "unit")
    monkeypatch.setattr(dictionaries, "_BOOT_BLOCK", 3 * n_units)  # blocks of three rows
    assert dictionaries._bootstrap_estimate(m, n, draws, "unit").tobytes() == old.tobytes()


# ---------------------------------------------------------------- window counts


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.integers(2, 80), st.booleans(), st.booleans())
def test_window_counts_equal_the_summed_slice_with_the_same_draws(seed, n_rows, n_cols, thin, duplicates):
    rng = np.random.default_rng(seed)
    dense = rng.integers(0, 4, size=(n_rows, n_cols)) * (rng.random((n_rows, n_cols)) < 0.4)
    counts = sp.csr_matrix(dense.astype(np.int64))
    if duplicates:  # a non-canonical matrix: a row's entries unsorted and one column split in two
        coo = counts.tocoo()
        counts = sp.csr_matrix((np.r_[coo.data, [1]], (np.r_[coo.row, [0]], np.r_[coo.col, [0]])), shape=counts.shape)
        counts.has_canonical_format = False
        counts.indices[: counts.indptr[1]] = counts.indices[: counts.indptr[1]][::-1].copy()
        counts.data[: counts.indptr[1]] = counts.data[: counts.indptr[1]][::-1].copy()
    first = int(rng.integers(0, n_rows))
    run = int(rng.integers(1, n_rows - first + 1))
    total = int(counts[first : first + run].sum())
    length = int(rng.integers(0, total + 1))
    seed_seq = np.random.SeedSequence(seed) if thin else None
    old = baselines._window_counts_reference(counts, first, run, seed_seq, length)
    new = baselines._window_counts(counts, first, run, seed_seq, length)
    assert new.dtype == old.dtype == np.int64
    assert new.tolist() == old.tolist()


def test_window_counts_of_a_float_matrix_take_the_reference():
    counts = sp.csr_matrix(np.array([[1.0, 2.0], [0.5, 1.0]]))
    out = baselines._window_counts(counts, 0, 2, None, 3)
    assert out.tolist() == [1, 3]


# ---------------------------------------------------------------- wordfish's Newton blocks


def _reference_objective(y: np.ndarray, eta: np.ndarray, b: np.ndarray, ridge: float) -> np.ndarray:
    return np.sum(y * eta - np.exp(eta), axis=1) - 0.5 * ridge * b**2


def _reference_newton_block(
    y: np.ndarray, offset: np.ndarray, x: np.ndarray, a: np.ndarray, b: np.ndarray, ridge: float
) -> tuple[np.ndarray, np.ndarray]:
    """The Newton block as it was before exp(eta) was reused (version 0.2.0)."""
    eta = np.minimum(offset[None, :] + a[:, None] + b[:, None] * x[None, :], 700.0)
    lam = np.exp(eta)
    resid = y - lam
    g_a = resid.sum(axis=1)
    g_b = resid @ x - ridge * b
    h_aa = lam.sum(axis=1)
    h_ab = lam @ x
    h_bb = lam @ (x**2) + ridge
    det = h_aa * h_bb - h_ab**2
    det = np.where(det > 1e-12, det, np.inf)
    d_a = (h_bb * g_a - h_ab * g_b) / det
    d_b = (h_aa * g_b - h_ab * g_a) / det
    old = _reference_objective(y, eta, b, ridge)
    new_a, new_b = a.copy(), b.copy()
    todo = np.ones(len(a), dtype=bool)
    step = 1.0
    for _ in range(30):
        ca, cb = a[todo] + step * d_a[todo], b[todo] + step * d_b[todo]
        eta_c = np.minimum(offset[None, :] + ca[:, None] + cb[:, None] * x[None, :], 700.0)
        ok = _reference_objective(y[todo], eta_c, cb, ridge) >= old[todo] - 1e-10 * np.abs(old[todo])
        idx = np.flatnonzero(todo)
        new_a[idx[ok]], new_b[idx[ok]] = ca[ok], cb[ok]
        todo[idx[ok]] = False
        if not todo.any():
            break
        step /= 2.0
    return new_a, new_b


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 15), st.integers(2, 300), st.sampled_from([0.0, 1.0]))
def test_newton_block_equals_the_reference_on_rows_and_columns(seed, n_docs, n_terms, ridge):
    rng = np.random.default_rng(seed)
    y = rng.poisson(rng.gamma(0.5, 4.0, size=(n_docs, n_terms))).astype(float)
    for data in (y, y.T):  # the document block and the (transposed) word block
        rows, cols = data.shape
        offset, x = rng.normal(0, 1, cols), rng.normal(0, 1.5, cols)
        a, b = rng.normal(0, 1, rows), rng.normal(0, 3, rows)  # far from the optimum: steps get halved
        old = _reference_newton_block(data, offset, x, a, b, ridge)
        for y_rows in (None, np.ascontiguousarray(data)):
            new = scaling._newton_block(data, offset, x, a, b, ridge, y_rows)
            assert new[0].tobytes() == old[0].tobytes()
            assert new[1].tobytes() == old[1].tobytes()


def test_wordfish_fit_without_log_likelihood_gives_the_same_fit():
    rng = np.random.default_rng(3)
    y = rng.poisson(rng.gamma(1.0, 3.0, size=(6, 40))).astype(float) + (np.arange(40) < 2)
    y[:, 0] += 1  # every document counts something
    full = scaling._wordfish_fit(y, (0, 1), 200, 1e-8, 1.0)
    fast = scaling._wordfish_fit(y, (0, 1), 200, 1e-8, 1.0, log_likelihood=False)
    assert np.isnan(fast[4])
    assert np.isfinite(full[4])
    for a, b in zip(full[:4], fast[:4], strict=True):
        assert a.tobytes() == b.tobytes()
    assert full[5:] == fast[5:]
