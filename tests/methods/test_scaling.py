"""Tests of initiative_lib.methods.scaling on hand cases and simulated counts."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.scaling import correspondence_analysis, wordfish, wordscores


def dtm_from_array(y, groups=None, level="document"):
    rows = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(len(y))], "n_tokens": y.sum(axis=1)})
    if groups is not None:
        rows["group"] = groups
    vocab = [f"w{j:03d}" for j in range(y.shape[1])]
    return from_counts([{vocab[j]: int(c) for j, c in enumerate(r) if c} for r in y], rows, vocab=vocab, level=level)


TABLE = np.array([[10, 2, 3, 0], [4, 8, 1, 2], [1, 3, 9, 4], [2, 2, 2, 8], [5, 1, 0, 6]])


# --- correspondence analysis ---------------------------------------------------------------


def test_ca_total_inertia_is_chi2_over_n():
    ca = correspondence_analysis(dtm_from_array(TABLE))
    chi2 = chi2_contingency(TABLE, correction=False)[0]
    assert ca.inertia["inertia"].sum() == pytest.approx(chi2 / TABLE.sum())
    assert len(ca.inertia) == 3  # min(5, 4) - 1
    assert ca.inertia["share"].sum() == pytest.approx(1.0)
    assert ca.inertia["inertia"].is_monotonic_decreasing


def test_ca_coordinate_properties():
    ca = correspondence_analysis(dtm_from_array(TABLE), n_components=3)
    dims = ["dim1", "dim2", "dim3"]
    f = ca.row_coords[dims].to_numpy()
    g = ca.col_coords[dims].to_numpy()
    r = ca.row_coords["mass"].to_numpy()
    c = ca.col_coords["mass"].to_numpy()
    eig = ca.inertia["inertia"].to_numpy()
    np.testing.assert_allclose(r @ f, 0.0, atol=1e-12)  # centred
    np.testing.assert_allclose(c @ g, 0.0, atol=1e-12)
    np.testing.assert_allclose((r[:, None] * f**2).sum(axis=0), eig)  # principal inertias
    # transition formula: row points are weighted averages of column points, expanded by 1/sqrt(eig)
    profiles = TABLE / TABLE.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(profiles @ g / np.sqrt(eig), f, atol=1e-10)
    # full-rank principal coordinates reproduce chi-squared distances between row profiles
    chi_dist = np.sqrt((((profiles[0] - profiles[2]) ** 2) / c).sum())
    assert np.linalg.norm(f[0] - f[2]) == pytest.approx(chi_dist)


def test_ca_two_by_two_hand_case():
    y = np.array([[30, 10], [10, 30]])
    ca = correspondence_analysis(dtm_from_array(y), n_components=1)
    # phi^2 = (30*30 - 10*10)^2 / (40^4) = 0.25; symmetric rows at +/- sqrt(0.25)
    assert ca.inertia["inertia"].tolist() == pytest.approx([0.25])
    assert ca.row_coords["dim1"].tolist() == pytest.approx([0.5, -0.5])
    assert ca.col_coords["dim1"].tolist() == pytest.approx([0.5, -0.5])


def test_ca_keeps_metadata_and_drops_empty_terms():
    y = np.column_stack([TABLE, np.zeros(5, dtype=int)])
    ca = correspondence_analysis(dtm_from_array(y, groups=list("aabbb")))
    assert list(ca.row_coords.columns) == ["doc_id", "n_tokens", "group", "mass", "dim1", "dim2"]
    assert len(ca.col_coords) == 4
    assert list(ca.col_coords.columns) == ["term", "mass", "dim1", "dim2"]


def test_ca_errors():
    with pytest.raises(ValueError, match=r"n_components must be an integer from 1 to 3.*got 4"):
        correspondence_analysis(dtm_from_array(TABLE), n_components=4)
    y = TABLE.copy()
    y[1] = 0
    with pytest.raises(ValueError, match=r"rows without counts: \['d01'\]"):
        correspondence_analysis(dtm_from_array(y))


# --- wordfish ------------------------------------------------------------------------------


def simulate(seed=11, n_docs=20, n_words=150):
    rng = np.random.default_rng(seed)
    theta = np.sort(rng.normal(size=n_docs))
    beta = rng.normal(0, 0.7, n_words)
    psi = rng.normal(0.5, 1.0, n_words)
    alpha = rng.normal(0, 0.3, n_docs)
    y = rng.poisson(np.exp(alpha[:, None] + psi[None, :] + np.outer(theta, beta)))
    return y, theta


def test_wordfish_recovers_simulated_positions():
    y, theta = simulate()
    fit = wordfish(dtm_from_array(y), direction=("d00", "d19"))
    est = fit.documents["theta"].to_numpy()
    assert fit.converged
    assert np.corrcoef(est, theta)[0, 1] > 0.95
    assert est.mean() == pytest.approx(0.0, abs=1e-10)
    assert est.std() == pytest.approx(1.0)
    assert est[0] < est[-1]
    assert (fit.documents["se"] > 0).all()
    assert (fit.documents["ci_low"] < fit.documents["theta"]).all()
    assert fit.documents["alpha"].iloc[0] == 0.0
    assert list(fit.terms.columns) == ["term", "beta", "psi", "count"]
    assert fit.ci_method == "analytic"


def test_wordfish_is_deterministic_and_direction_flips():
    y, _ = simulate(seed=5, n_docs=12, n_words=80)
    m = dtm_from_array(y)
    a = wordfish(m, direction=("d00", "d11"))
    b = wordfish(m, direction=("d00", "d11"))
    pd.testing.assert_frame_equal(a.documents, b.documents)
    c = wordfish(m, direction=("d11", "d00"))
    np.testing.assert_allclose(c.documents["theta"], -a.documents["theta"])
    np.testing.assert_allclose(c.terms["beta"], -a.terms["beta"])


def test_wordfish_shorter_documents_get_larger_se():
    y, _ = simulate(seed=2, n_docs=12, n_words=100)
    y[3] = np.random.default_rng(0).binomial(y[3], 0.1)  # a much shorter document
    fit = wordfish(dtm_from_array(y))
    se = fit.documents["se"].to_numpy()
    assert se[3] == se.max()


def test_wordfish_parametric_bootstrap_is_seeded():
    y, _ = simulate(seed=3, n_docs=8, n_words=60)
    m = dtm_from_array(y)
    a = wordfish(m, n_boot=5, random_state=1)
    b = wordfish(m, n_boot=5, random_state=1)
    pd.testing.assert_frame_equal(a.documents, b.documents)
    assert a.ci_method == "parametric bootstrap"
    assert (a.documents["ci_low"] <= a.documents["ci_high"]).all()


def test_wordfish_aggregates_segments():
    y, _ = simulate(seed=4, n_docs=6, n_words=40)
    seg = np.vstack([y // 2, y - y // 2])
    rows = pd.DataFrame(
        {"doc_id": [f"d{i:02d}" for i in range(6)] * 2, "seg_no": [1] * 6 + [2] * 6, "n_tokens": seg.sum(axis=1)}
    )
    vocab = [f"w{j:03d}" for j in range(40)]
    m = from_counts([{vocab[j]: int(c) for j, c in enumerate(r) if c} for r in seg], rows, vocab=vocab)
    pd.testing.assert_series_equal(wordfish(m).documents["theta"], wordfish(dtm_from_array(y)).documents["theta"])


def test_wordfish_errors():
    y, _ = simulate(seed=1, n_docs=5, n_words=20)
    m = dtm_from_array(y)
    with pytest.raises(ValueError, match="direction\\[1\\]: doc_id 'zz' is not a document"):
        wordfish(m, direction=("d00", "zz"))
    with pytest.raises(ValueError, match="direction must name two different documents"):
        wordfish(m, direction=("d00", "d00"))
    with pytest.raises(ValueError, match="at least 3 documents; got 2"):
        wordfish(dtm_from_array(y[:2]))
    with pytest.raises(ValueError, match="max_iter must be an int >= 1; got 0"):
        wordfish(m, max_iter=0)
    with pytest.raises(TypeError, match="random_state must be None, a numpy Generator or an int >= 0"):
        wordfish(m, n_boot=1, random_state="seed")


# --- wordscores ----------------------------------------------------------------------------


@pytest.fixture
def ws_dtm():
    rows = pd.DataFrame(
        {"doc_id": ["left", "right", "v", "w"], "n_tokens": [10, 20, 10, 5], "group": ["ref", "ref", "x", "x"]}
    )
    counts = [{"a": 8, "b": 2}, {"a": 4, "b": 12, "c": 4}, {"a": 6, "b": 3, "d": 1}, {"b": 4, "c": 1}]
    return from_counts(counts, rows)


def test_wordscores_hand_case(ws_dtm):
    ws = wordscores(ws_dtm, {"left": -1.0, "right": 1.0})
    # F: left a .8 b .2; right a .2 b .6 c .2
    s = ws.words.set_index("term")["score"]
    assert set(s.index) == {"a", "b", "c"}  # d is in no reference
    assert s["a"] == pytest.approx((-0.8 + 0.2) / 1.0)
    assert s["b"] == pytest.approx((-0.2 + 0.6) / 0.8)
    assert s["c"] == pytest.approx(1.0)
    docs = ws.documents.set_index("doc_id")
    raw_v = (6 * s["a"] + 3 * s["b"]) / 9  # d is not scored
    assert docs.loc["v", "raw"] == pytest.approx(raw_v)
    assert docs.loc["v", "n_scored"] == 9
    var_v = (6 * (s["a"] - raw_v) ** 2 + 3 * (s["b"] - raw_v) ** 2) / 9
    assert docs.loc["v", "se"] == pytest.approx(np.sqrt(var_v / 9))
    raw_w = (4 * s["b"] + 1 * s["c"]) / 5
    assert docs.loc["w", "raw"] == pytest.approx(raw_w)
    # LBG: (raw - mean) * sd(ref) / sd(virgin) + mean
    mean = (raw_v + raw_w) / 2
    factor = np.std([-1, 1], ddof=1) / np.std([raw_v, raw_w], ddof=1)
    assert docs.loc["v", "lbg"] == pytest.approx((raw_v - mean) * factor + mean)
    assert docs.loc["w", "lbg"] == pytest.approx((raw_w - mean) * factor + mean)
    # MV: references' raw scores map onto their positions
    lo, hi = docs.loc["left", "raw"], docs.loc["right", "raw"]
    assert docs.loc["v", "mv"] == pytest.approx((raw_v - lo) / (hi - lo) * 2 - 1)
    assert np.isnan(docs.loc["left", "lbg"])
    assert docs["reference"].tolist() == [True, True, False, False]
    assert docs.loc["v", "lbg_low"] < docs.loc["v", "lbg"] < docs.loc["v", "lbg_high"]


def test_wordscores_reference_scores_within_reference_range(ws_dtm):
    ws = wordscores(ws_dtm, {"left": -1.0, "right": 1.0})
    assert ws.words["score"].between(-1, 1).all()
    assert ws.documents["raw"].between(-1, 1).all()


def test_wordscores_errors(ws_dtm):
    with pytest.raises(ValueError, match="reference_scores: doc_id 'nope' is not a document"):
        wordscores(ws_dtm, {"left": -1.0, "nope": 1.0})
    with pytest.raises(ValueError, match="at least two doc_id values"):
        wordscores(ws_dtm, {"left": -1.0})
    with pytest.raises(ValueError, match="not all equal"):
        wordscores(ws_dtm, {"left": 1.0, "right": 1.0})
