"""Tests of initiative_lib.methods.similarity on small invented matrices."""

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon
from sklearn.feature_extraction.text import TfidfTransformer

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.similarity import cluster, group_similarity, js_distance, tfidf_similarity


@pytest.fixture
def dtm():
    rows = pd.DataFrame(
        {
            "doc_id": ["ini", "ini", "d1", "d2", "s1", "s2"],
            "seg_no": [1, 2, 1, 1, 1, 1],
            "n_tokens": [10, 10, 12, 12, 14, 14],
            "group": ["initiative", "initiative", "declaration", "declaration", "strategy", "strategy"],
        }
    )
    counts = [
        {"sovereignty": 3, "shared": 2, "future": 2},
        {"cooperation": 3, "sovereignty": 1},
        {"sovereignty": 2, "cooperation": 2, "rights": 1},
        {"rights": 4, "cooperation": 1, "future": 1},
        {"security": 5, "threats": 3, "rights": 1},
        {"security": 4, "threats": 2, "future": 1},
    ]
    return from_counts(counts, rows)


def test_tfidf_similarity_properties(dtm):
    sim = tfidf_similarity(dtm)
    assert list(sim.index) == ["ini", "d1", "d2", "s1", "s2"]
    assert sim.index.equals(sim.columns)
    np.testing.assert_allclose(sim.to_numpy(), sim.to_numpy().T)
    np.testing.assert_allclose(np.diag(sim), 1.0)
    assert ((sim >= 0) & (sim <= 1)).all().all()
    assert sim.loc["s1", "s2"] > sim.loc["s1", "ini"]


def test_tfidf_similarity_matches_sklearn_by_hand(dtm):
    docs = dtm.to_documents()
    x = TfidfTransformer(norm="l2", smooth_idf=True, sublinear_tf=False).fit_transform(docs.counts).toarray()
    sim = tfidf_similarity(dtm, sublinear_tf=False)
    np.testing.assert_allclose(sim.to_numpy(), np.clip(x @ x.T, 0, 1), atol=1e-12)


def test_tfidf_similarity_ignores_length(dtm):
    """Repeating a document's text (doubling its counts) does not change its cosine without sublinear tf."""
    rows = dtm.rows.copy()
    doubled = from_counts(
        [{t: 2 * c for t, c in zip(dtm.vocab[r.indices], r.data, strict=True)} for r in dtm.counts], rows
    )
    np.testing.assert_allclose(
        tfidf_similarity(dtm, sublinear_tf=False), tfidf_similarity(doubled, sublinear_tf=False), atol=1e-12
    )


def test_group_similarity_mean_is_average_of_pairs(dtm):
    sim = tfidf_similarity(dtm)
    g = group_similarity(dtm, method="mean")
    assert list(g.index) == ["declaration", "initiative", "strategy"]
    expected = sim.loc[["d1", "d2"], ["s1", "s2"]].to_numpy().mean()
    assert g.loc["declaration", "strategy"] == pytest.approx(expected)
    assert g.loc["declaration", "declaration"] == pytest.approx(sim.loc["d1", "d2"])
    assert np.isnan(g.loc["initiative", "initiative"])  # one document: no pair
    np.testing.assert_allclose(g.to_numpy(), g.to_numpy().T)


def test_group_similarity_pooled(dtm):
    g = group_similarity(dtm, method="pooled")
    np.testing.assert_allclose(np.diag(g), 1.0)
    np.testing.assert_allclose(g.to_numpy(), g.to_numpy().T)
    assert ((g >= 0) & (g <= 1)).all().all()
    assert g.loc["declaration", "initiative"] > g.loc["strategy", "initiative"]


def test_group_similarity_errors(dtm):
    with pytest.raises(ValueError, match="method must be 'mean' or 'pooled'; got 'median'"):
        group_similarity(dtm, method="median")
    with pytest.raises(ValueError, match="by='sector' is not a column"):
        group_similarity(dtm, by="sector")


def test_js_distance_equals_scipy():
    rng = np.random.default_rng(0)
    shares = pd.DataFrame(rng.dirichlet(np.ones(6) * 0.5, size=5), index=list("abcde"))
    shares.iloc[0, 2] = 0.0  # a zero share
    d = js_distance(shares)
    for i in shares.index:
        for j in shares.index:
            assert d.loc[i, j] == pytest.approx(jensenshannon(shares.loc[i], shares.loc[j], base=2), abs=1e-7)
    np.testing.assert_allclose(np.diag(d), 0.0)
    np.testing.assert_allclose(d.to_numpy(), d.to_numpy().T)
    assert ((d >= 0) & (d <= 1)).all().all()


def test_js_distance_bounds_and_normalisation():
    shares = pd.DataFrame({"t1": [2.0, 0.0, 1.0], "t2": [0.0, 3.0, 1.0]}, index=["a", "b", "c"])
    d = js_distance(shares)
    assert d.loc["a", "b"] == pytest.approx(1.0)  # disjoint supports
    assert d.loc["a", "c"] == pytest.approx(jensenshannon([1, 0], [0.5, 0.5], base=2))


def test_js_distance_errors():
    with pytest.raises(ValueError, match="non-negative"):
        js_distance(pd.DataFrame({"a": [-0.1, 1.0], "b": [1.1, 0.0]}))
    with pytest.raises(ValueError, match=r"positive sum; rows summing to 0: \['z'\]"):
        js_distance(pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 0.0]}, index=["y", "z"]))
    with pytest.raises(TypeError, match="pandas DataFrame"):
        js_distance(np.ones((2, 2)))


def test_cluster_recovers_obvious_groups():
    labels = ["a1", "b1", "a2", "b2"]
    d = pd.DataFrame(
        [[0, 5, 1, 5], [5, 0, 5, 1], [1, 5, 0, 5], [5, 1, 5, 0]], index=labels, columns=labels, dtype=float
    )
    z, order = cluster(d)
    assert z.shape == (3, 4)
    assert z[:2, 2].tolist() == [1.0, 1.0]
    assert z[2, 2] == 5.0
    assert sorted(order) == sorted(labels)
    pos = {lab: i for i, lab in enumerate(order)}
    assert abs(pos["a1"] - pos["a2"]) == 1
    assert abs(pos["b1"] - pos["b2"]) == 1
    assert cluster(d, "complete").labels == cluster(d, "complete").labels  # deterministic


def test_cluster_on_similarity_pipeline(dtm):
    sim = tfidf_similarity(dtm)
    result = cluster(1 - sim)
    assert set(result.labels) == set(sim.index)


def test_cluster_errors():
    d = pd.DataFrame([[0.0, 1.0], [1.0, 0.0]], index=["a", "b"], columns=["a", "b"])
    with pytest.raises(ValueError, match=r"method must be one of .*got 'ward'"):
        cluster(d, "ward")
    with pytest.raises(ValueError, match="pass 1 - s"):
        cluster(pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["a", "b"], columns=["a", "b"]))
    with pytest.raises(ValueError, match="symmetric"):
        cluster(pd.DataFrame([[0.0, 0.2], [0.3, 0.0]], index=["a", "b"], columns=["a", "b"]))
    with pytest.raises(ValueError, match="square"):
        cluster(pd.DataFrame([[0.0, 0.2]], index=["a"], columns=["a", "b"]))
