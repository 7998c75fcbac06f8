"""Tests of initiative_lib.methods.keyness on small invented count tables."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.keyness import keyness, log_odds_dirichlet, log_ratio


@pytest.fixture
def dtm():
    rows = pd.DataFrame(
        {
            "doc_id": ["ini", "ini", "s1", "s2", "s2"],
            "seg_no": [1, 2, 1, 1, 2],
            "n_tokens": [60, 40, 300, 250, 350],
            "group": ["initiative", "initiative", "strategy", "strategy", "strategy"],
        }
    )
    counts = [
        {"sovereignty": 4, "shared": 3, "future": 2, "security": 1, "the": 6},
        {"sovereignty": 2, "cooperation": 3, "the": 5, "rights": 0},
        {"security": 12, "threats": 6, "the": 20, "rights": 3, "future": 1},
        {"security": 9, "rights": 5, "the": 18, "cooperation": 2},
        {"security": 14, "threats": 4, "the": 25, "sovereignty": 1},
    ]
    return from_counts(counts, rows)


def target(dtm):
    return (dtm.rows["group"] == "initiative").to_numpy()


def test_g2_and_chi2_equal_scipy(dtm):
    k = keyness(dtm, target(dtm), min_count=1).set_index("term")
    n_t, n_r = 100, 900
    for term in ["sovereignty", "security", "the", "cooperation", "shared"]:
        a, b = k.loc[term, "target_count"], k.loc[term, "reference_count"]
        table = np.array([[a, b], [n_t - a, n_r - b]])
        g2 = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
        chi2 = chi2_contingency(table, correction=False)[0]
        assert abs(k.loc[term, "g2"]) == pytest.approx(g2, rel=1e-10)
        assert abs(k.loc[term, "chi2"]) == pytest.approx(chi2, rel=1e-10)


def test_sign_rates_and_totals(dtm):
    k = keyness(dtm, target(dtm), min_count=1).set_index("term")
    assert k.loc["sovereignty", "g2"] > 0
    assert k.loc["security", "g2"] < 0
    assert np.sign(k["chi2"]).equals(np.sign(k["g2"]))
    assert (k["target_total"] == 100).all()
    assert (k["reference_total"] == 900).all()
    assert k.loc["sovereignty", "target_rate"] == pytest.approx(60.0)
    assert k.loc["sovereignty", "reference_rate"] == pytest.approx(1000 / 900)
    assert k.loc["sovereignty", "target_rows"] == 2
    assert k.loc["security", "reference_rows"] == 3


def test_log_ratio_zero_correction(dtm):
    k = keyness(dtm, target(dtm), min_count=1).set_index("term")
    # "shared": 3 in target, 0 in reference -> 0.5 replaces the zero
    assert k.loc["shared", "log_ratio"] == pytest.approx(np.log2((3 / 100) / (0.5 / 900)))
    # "threats": 0 in target
    assert k.loc["threats", "log_ratio"] == pytest.approx(np.log2((0.5 / 100) / (10 / 900)))
    assert log_ratio(np.array([2.0]), np.array([2.0]), 10.0, 10.0)[0] == 0.0


def test_sorted_by_measure_and_min_count(dtm):
    for measure in ["g2", "chi2", "log_ratio"]:
        k = keyness(dtm, target(dtm), measure=measure, min_count=1)
        assert k[measure].is_monotonic_decreasing
    k = keyness(dtm, target(dtm), min_count=10)
    assert set(k["term"]) == {"security", "the", "threats"}
    assert set(k.columns) >= {"term", "target_count", "reference_count", "g2", "chi2", "log_ratio", "p_value"}


def test_p_value_from_chi2_df1(dtm):
    k = keyness(dtm, target(dtm), min_count=1).set_index("term")
    table = np.array([[6, 1], [94, 899]])
    assert k.loc["sovereignty", "p_value"] == pytest.approx(
        chi2_contingency(table, correction=False, lambda_="log-likelihood")[1]
    )


def test_explicit_reference_mask(dtm):
    ref = (dtm.rows["doc_id"] == "s1").to_numpy()
    k = keyness(dtm, target(dtm), ref, min_count=1)
    assert (k["reference_total"] == 300).all()


def test_bad_arguments(dtm):
    t = target(dtm)
    with pytest.raises(ValueError, match=r"measure must be one of .*'g2'.*got 'pmi'"):
        keyness(dtm, t, measure="pmi")
    with pytest.raises(ValueError, match="overlap in 2 rows"):
        keyness(dtm, t, np.ones(5, dtype=bool))
    with pytest.raises(ValueError, match=r"one entry per row \(5\); got shape \(3,\)"):
        keyness(dtm, np.array([True, False, True]))
    with pytest.raises(TypeError, match="boolean array"):
        keyness(dtm, [0, 1, 2, 3, 4])
    with pytest.raises(ValueError, match="selects no rows"):
        keyness(dtm, np.zeros(5, dtype=bool))
    with pytest.raises(ValueError, match="min_count must be an int >= 0; got -1"):
        keyness(dtm, t, min_count=-1)


def test_inconsistent_n_tokens_is_caught():
    rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [2, 10]})
    m = from_counts([{"x": 5}, {"x": 1}], rows)
    with pytest.raises(ValueError, match="n_tokens"):
        keyness(m, np.array([True, False]))


# --- log-odds with Dirichlet prior ---------------------------------------------------------


def test_log_odds_exact_hand_case():
    rows = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_tokens": [10, 10, 20]})
    # corpus totals: x 16, y 24 -> shares 0.4, 0.6; prior_scale 10 -> alpha 4, 6
    m = from_counts([{"x": 7, "y": 3}, {"x": 2, "y": 8}, {"x": 7, "y": 13}], rows)
    out = log_odds_dirichlet(m, np.array([True, False, False]), np.array([False, True, False]), prior_scale=10)
    out = out.set_index("term")
    d_x = np.log((7 + 4) / (10 + 10 - 7 - 4)) - np.log((2 + 4) / (10 + 10 - 2 - 4))
    v_x = 1 / 11 + 1 / 6
    assert out.loc["x", "prior"] == pytest.approx(4.0)
    assert out.loc["x", "delta"] == pytest.approx(d_x)
    assert out.loc["x", "variance"] == pytest.approx(v_x)
    assert out.loc["x", "z"] == pytest.approx(d_x / np.sqrt(v_x))
    d_y = np.log((3 + 6) / (10 + 10 - 3 - 6)) - np.log((8 + 6) / (10 + 10 - 8 - 6))
    assert out.loc["y", "delta"] == pytest.approx(d_y)
    assert out["z"].is_monotonic_decreasing


def test_log_odds_antisymmetry(dtm):
    a = target(dtm)
    ab = log_odds_dirichlet(dtm, a, ~a).set_index("term").sort_index()
    ba = log_odds_dirichlet(dtm, ~a, a).set_index("term").sort_index()
    np.testing.assert_allclose(ab["delta"], -ba["delta"], rtol=1e-12)
    np.testing.assert_allclose(ab["z"], -ba["z"], rtol=1e-12)
    np.testing.assert_allclose(ab["variance"], ba["variance"], rtol=1e-12)


def test_log_odds_flat_and_series_prior(dtm):
    a = target(dtm)
    flat = log_odds_dirichlet(dtm, a, prior="flat", prior_scale=8.0)  # 8 terms
    assert flat["prior"].to_numpy() == pytest.approx(np.full(len(flat), 1.0))
    custom = pd.Series({"security": 2.0, "the": 3.0})
    out = log_odds_dirichlet(dtm, a, prior=custom)
    assert set(out["term"]) == {"security", "the"}


def test_log_odds_shrinks_rare_terms(dtm):
    a = target(dtm)
    weak = log_odds_dirichlet(dtm, a, prior_scale=1.0).set_index("term")
    strong = log_odds_dirichlet(dtm, a, prior_scale=5000.0).set_index("term")
    assert abs(strong.loc["shared", "delta"]) < abs(weak.loc["shared", "delta"])


def test_log_odds_bad_arguments(dtm):
    a = target(dtm)
    with pytest.raises(ValueError, match="prior must be 'informative', 'flat'"):
        log_odds_dirichlet(dtm, a, prior="jeffreys")
    with pytest.raises(ValueError, match="prior_scale must be a positive number; got 0"):
        log_odds_dirichlet(dtm, a, prior_scale=0)
    with pytest.raises(ValueError, match="mask_a and mask_b overlap"):
        log_odds_dirichlet(dtm, a, a)
