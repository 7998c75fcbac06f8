"""Exact intervals and rate tests, cross-checked against scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from initiative_lib.methods.intervals import binomial_interval, garwood_bounds, holm, poisson_interval, rate_test


def test_garwood_matches_chi2_and_poisson_tails():
    k = np.arange(0, 40)
    low, high = garwood_bounds(k, ci=0.9)
    # exact definition: P(X >= k | low) = 0.05 and P(X <= k | high) = 0.05
    assert np.allclose(stats.poisson.cdf(k, high), 0.05, atol=1e-9)
    assert np.allclose(stats.poisson.sf(k[1:] - 1, low[1:]), 0.05, atol=1e-9)
    assert low[0] == 0.0
    assert high[0] == pytest.approx(-np.log(0.05))


def test_zero_count_is_never_a_zero_width_interval():
    out = poisson_interval([0, 0], [482, 100_000])
    assert (out["rate_low"] == 0).all()
    assert (out["rate_high"] > 0).all()
    assert out["rate_high"].iloc[0] == pytest.approx(-np.log(0.025) / 482 * 1000)


def test_poisson_interval_keeps_series_index_and_scales_per():
    counts = pd.Series([3, 7], index=["a", "b"])
    out = poisson_interval(counts, 2000, per=100)
    assert out.index.tolist() == ["a", "b"]
    assert np.allclose(out["rate"], [0.15, 0.35])
    assert out["exposure"].tolist() == [2000.0, 2000.0]


def test_poisson_interval_contains_the_rate_for_random_inputs():
    rng = np.random.default_rng(7)
    k = rng.integers(0, 200, size=500)
    e = rng.uniform(10, 1e6, size=500)
    out = poisson_interval(k, e)
    assert (out["rate_low"] <= out["rate"]).all()
    assert (out["rate"] <= out["rate_high"]).all()
    assert (out["rate_high"] > 0).all()
    wider = poisson_interval(k, e, ci=0.99)
    assert (wider["rate_high"] >= out["rate_high"]).all()
    assert (wider["rate_low"] <= out["rate_low"]).all()


def test_poisson_interval_coverage_by_simulation():
    rng = np.random.default_rng(1)
    mu = 2.5
    k = rng.poisson(mu, size=4000)
    low, high = garwood_bounds(k)
    assert ((low <= mu) & (mu <= high)).mean() >= 0.95  # exact intervals are conservative


@pytest.mark.parametrize(
    ("xt", "et", "xr", "er"), [(0, 482, 120, 60_000), (7, 500, 20, 10_000), (30, 1000, 5, 2000), (0, 10, 0, 10)]
)
@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_rate_test_p_value_matches_scipy_binomtest(xt, et, xr, er, alternative):
    out = rate_test(xt, et, xr, er, alternative=alternative).iloc[0]
    n = xt + xr
    if n == 0:
        assert out["p_value"] == 1.0
        return
    ref = stats.binomtest(xt, n, et / (et + er), alternative=alternative)
    assert out["p_value"] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-12)


def test_rate_ratio_interval_maps_clopper_pearson():
    out = rate_test(7, 500, 20, 10_000).iloc[0]
    cp = stats.binomtest(7, 27).proportion_ci(0.95, method="exact")
    odds = 10_000 / 500
    assert out["ratio_low"] == pytest.approx(cp.low / (1 - cp.low) * odds)
    assert out["ratio_high"] == pytest.approx(cp.high / (1 - cp.high) * odds)
    assert out["rate_ratio"] == pytest.approx((7 / 500) / (20 / 10_000))
    assert out["ratio_low"] <= out["rate_ratio"] <= out["ratio_high"]


def test_rate_test_vectorised_with_labels_and_holm():
    out = rate_test([0, 12, 3], 500, [50, 40, 30], [10_000, 10_000, 10_000], index=["x", "y", "z"])
    assert out.index.tolist() == ["x", "y", "z"]
    for i, (a, b) in enumerate([(0, 50), (12, 40), (3, 30)]):
        ref = stats.binomtest(a, a + b, 500 / 10_500).pvalue
        assert out["p_value"].iloc[i] == pytest.approx(ref)
    assert (out["p_holm"] >= out["p_value"]).all()
    assert out["p_zero"].iloc[0] == pytest.approx(stats.poisson.pmf(0, 50 / 10_000 * 500))


def test_rate_test_detects_a_real_difference_and_type_one_error_is_controlled():
    rng = np.random.default_rng(0)
    null = [rate_test(rng.poisson(2.0), 1000, rng.poisson(40.0), 20_000)["p_value"].iloc[0] for _ in range(400)]
    assert np.mean(np.array(null) < 0.05) <= 0.05 + 0.02
    strong = rate_test(30, 1000, 40, 20_000)["p_value"].iloc[0]
    assert strong < 1e-10


def test_holm_against_hand_computation():
    assert holm([0.01, 0.02, 0.03, np.nan]).round(6).tolist()[:3] == [0.03, 0.04, 0.04]
    assert np.isnan(holm([0.5, np.nan])[1])


@pytest.mark.parametrize("method", ["exact", "wilson"])
def test_binomial_interval_matches_scipy(method):
    for x, n in [(0, 5), (3, 10), (10, 10), (17, 40)]:
        low, high = binomial_interval([x], [n], method=method, ci=0.9)
        ref = stats.binomtest(x, n).proportion_ci(0.9, method=method)
        assert low[0] == pytest.approx(ref.low, abs=1e-10)
        assert high[0] == pytest.approx(ref.high, abs=1e-10)


def test_binomial_interval_no_trials_is_uninformative():
    low, high = binomial_interval([0], [0])
    assert (low[0], high[0]) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: poisson_interval([-1], [10]), "counts must hold non-negative whole numbers; got -1.0 at position 0"),
        (lambda: poisson_interval([1.5], [10]), "non-negative whole numbers"),
        (lambda: poisson_interval([1], [0]), "exposure must hold positive numbers"),
        (lambda: poisson_interval([1, 2], [10, 20, 30]), "one entry per count"),
        (lambda: poisson_interval([1], [10], ci=95), "ci must be a number between 0 and 1"),
        (lambda: rate_test(1, 10, 2, 10, alternative="bigger"), "alternative must be one of"),
        (lambda: rate_test([1, 2], 10, [1, 2, 3], 10), "reference_count must have one entry"),
        (lambda: binomial_interval([3], [2]), "successes must not exceed trials"),
        (lambda: binomial_interval([1], [2], method="agresti"), "method must be one of"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        call()


def test_rate_interval_table_cells_and_order():
    import pandas as pd

    from initiative_lib.methods.intervals import rate_interval_table

    r = pd.DataFrame(
        {
            "doc_id": ["z", "z", "a", "a"],
            "category": ["y", "x", "y", "x"],
            "matches": [0, 3, 1, 0],
            "n_tokens": [1000, 1000, 500, 500],
        }
    )
    t = rate_interval_table(r, digits=2)
    assert t.index.tolist() == ["y", "x"]  # order of first appearance, not sorted
    assert t.columns.tolist() == ["z", "a"]
    assert t.loc["y", "z"] == "0.00 [0.00, 3.69]"
    assert t.loc["x", "a"] == "0.00 [0.00, 7.38]"
    with pytest.raises(ValueError, match="lacks columns"):
        rate_interval_table(r.drop(columns="n_tokens"))
    with pytest.raises(ValueError, match="digits"):
        rate_interval_table(r, digits=-1)


def test_rate_contrast_is_rate_test_per_category():
    import pandas as pd

    from initiative_lib.methods.intervals import rate_contrast

    r = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "b"],
            "category": ["x", "y", "x", "y"],
            "matches": [13, 0, 4, 3],
            "n_tokens": [482, 482, 1000, 1000],
        }
    )
    got = rate_contrast(r, "a", "b")
    want = rate_test([13, 0], 482, [4, 3], 1000, index=["x", "y"])
    pd.testing.assert_frame_equal(got, want, check_names=False, check_index_type=False)
    with pytest.raises(ValueError, match="not among"):
        rate_contrast(r, "a", "zz")
    with pytest.raises(ValueError, match="lacks categories"):
        rate_contrast(r.iloc[:3], "a", "b")
