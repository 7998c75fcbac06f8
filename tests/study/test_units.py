"""Length-matched similarity and Wordfish on comparison units (initiative_lib.study.units)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.preprocess import PreprocessConfig
from initiative_lib.methods.similarity import tfidf_similarity
from initiative_lib.study import units
from initiative_lib.study.units import SCALING_CONFIG, pool_units, scale_units, similarity_baseline


@pytest.fixture
def segments():
    rows = pd.DataFrame(
        {
            "doc_id": ["t", "a", "a", "b", "b", "c", "c"],
            "seg_no": [1, 1, 2, 1, 2, 1, 2],
            "n_tokens": 6,
            "group": ["initiative", "g", "g", "g", "g", "h", "h"],
        }
    )
    counts = [
        {"net": 3, "law": 3},
        {"net": 4, "rule": 2},
        {"law": 2, "rule": 4},
        {"net": 3, "law": 3},
        {"rule": 6},
        {"law": 5, "trade": 1},
        {"trade": 6},
    ]
    return from_counts(counts, rows)


def test_similarity_baseline_target_value_is_the_units_cosine(segments):
    units = pd.Series({"t": "T", "a": "A", "b": "B", "c": "C"})
    pooled = pool_units(segments, segments.rows["doc_id"].map(units))
    out = similarity_baseline(segments, pooled, "t", unit_of=units, n_windows=30, random_state=1)
    sim = tfidf_similarity(pooled)
    for row in out.itertuples():
        assert row.target_value == pytest.approx(sim.loc["T", row.statistic])
    assert set(out["statistic"]) == {"A", "B", "C"}  # the target's own unit is not a statistic
    assert set(out["comparator"]) == {"g", "h"}
    # windows of c compared with C have nothing left: left out, so C gets only g's windows' values
    assert out.set_index(["comparator", "statistic"]).loc[("h", "C"), "n_windows"] == 0


def test_similarity_baseline_defaults_to_the_group_units_and_is_seeded(segments):
    pooled = pool_units(segments, segments.rows["group"])
    a = similarity_baseline(segments, pooled, "t", n_windows=20, random_state=3)
    b = similarity_baseline(segments, pooled, "t", n_windows=20, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["statistic"]) == {"g", "h"}
    with pytest.raises(ValueError, match="no unit"):
        similarity_baseline(segments, pooled, "zzz", unit_of={"t": "initiative"}, n_windows=5, random_state=0)


def test_scale_units_drops_place_names_and_gives_bootstrap_intervals():
    assert SCALING_CONFIG.stopwords == "english+domain+places"
    rows = pd.DataFrame({"doc_id": list("aabbcc"), "seg_no": [1, 2] * 3, "n_tokens": 40, "group": "g"})
    counts = [
        {"net": 9, "law": 1, "ghana": 5},
        {"net": 8, "law": 2, "ghana": 4},
        {"net": 5, "law": 5, "ghana": 1},
        {"net": 4, "law": 6, "ghana": 2},
        {"net": 1, "law": 9, "ghana": 3},
        {"net": 2, "law": 8, "ghana": 1},
    ]
    seg = from_counts(counts, rows)
    units = ["A", "A", "B", "B", "C", "C"]
    config = PreprocessConfig(stopwords="english+domain+places", min_df=1)
    fit = scale_units(seg, units, direction=("A", "C"), config=config, n_boot=30, random_state=0)
    assert "ghana" not in set(fit.terms["term"])
    docs = fit.documents.set_index("doc_id")
    assert docs.loc["A", "theta"] < docs.loc["B", "theta"] < docs.loc["C", "theta"]
    assert np.all(docs["ci_low"] <= docs["theta"])
    assert np.all(docs["theta"] <= docs["ci_high"])
    assert fit.ci_method == "segment bootstrap"
    with pytest.raises(ValueError, match="one unit per row"):
        scale_units(seg, units[:3], direction=("A", "C"))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 400), st.floats(0.01, 0.9))
def test_row_dot_is_scipys_elementwise_product_sum_to_the_last_bit(seed, n_cols, density):
    rng = np.random.default_rng(seed)
    a, b = (sp.random(1, n_cols, density=density, format="csr", random_state=rng) for _ in range(2))
    b.data[: len(b.data) // 5] = 0.0  # explicit zeros are dropped by scipy's product
    a.sort_indices()
    b.sort_indices()
    assert units._row_dot(a, b) == float(a.multiply(b).sum())
    unsorted = sp.csr_matrix((a.data[::-1], a.indices[::-1], a.indptr), shape=a.shape)
    assert units._row_dot(unsorted, b) == float(unsorted.multiply(b).sum())
