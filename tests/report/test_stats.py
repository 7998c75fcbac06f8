"""Exact rate intervals and length-matched windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.report.stats import exact_rate_interval, length_windows, position


def test_exact_interval_known_values():
    low, high = exact_rate_interval([0, 1, 10], 1000)
    # Garwood (1936) table values for 95%: 0 -> (0, 3.689), 1 -> (0.0253, 5.572), 10 -> (4.795, 18.39)
    assert low.round(4).tolist() == [0.0, 0.0253, 4.7954]
    assert high.round(3).tolist() == [3.689, 5.572, 18.39]


@given(st.integers(0, 500), st.integers(1, 100_000), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_exact_interval_matches_gamma_quantiles_and_contains_the_rate(m, n, ci):
    low, high = exact_rate_interval(m, n, ci=ci)
    a = 1 - ci
    want_low = 0.0 if m == 0 else stats.gamma.ppf(a / 2, m)
    assert float(low) == pytest.approx(1000 * want_low / n, rel=1e-9, abs=1e-12)
    assert float(high) == pytest.approx(1000 * stats.gamma.ppf(1 - a / 2, m + 1) / n, rel=1e-9)
    assert float(low) <= 1000 * m / n <= float(high)


@pytest.mark.parametrize(("m", "n", "ci"), [(-1, 10, 0.95), (1.5, 10, 0.95), (1, 0, 0.95), (1, 10, 1.0)])
def test_exact_interval_bad_input(m, n, ci):
    with pytest.raises(ValueError, match="must be"):
        exact_rate_interval(m, n, ci=ci)


def _segments(rng: np.random.Generator, n_docs: int = 6) -> object:
    counts, rows = [], []
    for d in range(n_docs):
        for s in range(1, int(rng.integers(1, 8)) + 1):
            n = int(rng.integers(1, 30))
            counts.append({f"w{int(rng.integers(0, 20))}": n})
            rows.append({"doc_id": f"d{d}", "seg_no": s, "n_tokens": n, "group": "ab"[d % 2]})
    return from_counts(counts, pd.DataFrame(rows))


@given(st.integers(0, 2**32 - 1), st.integers(1, 120))
def test_windows_are_consecutive_runs_of_one_document_reaching_the_length(seed, length):
    m = _segments(np.random.default_rng(seed))
    w = length_windows(m, length, n_windows=15, random_state=seed)
    rows = m.rows
    for i, win in w.dtm.rows.iterrows():
        doc = rows[rows["doc_id"] == win["doc_id"]].sort_values("seg_no")
        take = doc[(doc["seg_no"] >= win["first_seg"]) & (doc["seg_no"] < win["first_seg"] + win["n_segments"])]
        assert len(take) == win["n_segments"]
        assert take["n_tokens"].sum() == win["n_tokens"] >= length
        assert take["n_tokens"].iloc[:-1].sum() < length  # minimal: stops at the first segment reaching it
        want = np.asarray(m.counts[take.index.to_numpy()].sum(axis=0)).ravel()
        assert w.dtm.counts[i].toarray().ravel().tolist() == want.tolist()
    for g, n in w.n_eligible.items():
        long_docs = rows[rows["group"] == g].groupby("doc_id")["n_tokens"].sum()
        assert n == int((long_docs >= length).sum())
        assert (w.dtm.rows["group"] == g).sum() == (15 if n else 0)


def test_windows_are_reproducible_and_empty_when_nothing_is_long_enough():
    m = _segments(np.random.default_rng(1))
    a = length_windows(m, 20, random_state=7)
    b = length_windows(m, 20, random_state=7)
    assert a.dtm.rows.equals(b.dtm.rows)
    assert (a.dtm.counts != b.dtm.counts).nnz == 0
    none = length_windows(m, 10**6, random_state=7)
    assert none.dtm.shape[0] == 0
    assert set(none.n_eligible.values()) == {0}
    with pytest.raises(ValueError, match="length must be an int >= 1"):
        length_windows(m, 0)


def test_position_is_a_mid_rank_percentile():
    assert position(2.0, np.array([1.0, 2.0, 3.0, 4.0])) == 37.5
    assert position(9.0, np.array([1.0, 2.0])) == 100.0
    assert np.isnan(position(1.0, np.array([])))
