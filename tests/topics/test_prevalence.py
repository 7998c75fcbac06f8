"""Tests for initiative_lib.topics.prevalence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics.diagnostics import align_topics
from initiative_lib.topics.model import fit_topics
from initiative_lib.topics.prevalence import topic_mix_table, topic_prevalence

K = 4


@pytest.fixture(scope="module")
def planted():
    return synthetic_dtm(n_docs=60, segments_per_doc=4, n_terms=160, k=K, random_state=21)


@pytest.fixture(scope="module")
def model(planted):
    return fit_topics(planted[0], K, method="nmf", random_state=0)


def test_table_shape_and_means(model):
    prev = topic_prevalence(model, "group", n_boot=300, random_state=0)
    assert list(prev.columns) == ["category", "topic", "mean", "lo", "hi", "n_docs"]
    assert prev.attrs["by"] == "group"
    groups = sorted(model.document_rows()["group"].unique())
    assert prev["category"].unique().tolist() == groups
    assert len(prev) == len(groups) * K
    expected = model.document_topics.groupby(model.document_rows()["group"].to_numpy()).mean()
    for row in prev.itertuples():
        assert row.mean == pytest.approx(expected.loc[row.category, row.topic])
    np.testing.assert_allclose(prev.groupby("category")["mean"].sum(), 1.0)
    assert (prev["n_docs"] == 12).all()
    assert ((prev["lo"] <= prev["mean"] + 1e-12) & (prev["mean"] <= prev["hi"] + 1e-12)).all()


def test_deterministic_and_seeded(model):
    a = topic_prevalence(model, "year", n_boot=200, random_state=3)
    b = topic_prevalence(model, "year", n_boot=200, random_state=3)
    c = topic_prevalence(model, "year", n_boot=200, random_state=4)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["lo"].to_numpy(), c["lo"].to_numpy())
    np.testing.assert_array_equal(a["mean"], c["mean"])


def test_interval_width_matches_standard_error(model):
    prev = topic_prevalence(model, "group", n_boot=4000, ci=0.6827, random_state=0)
    shares = model.document_topics.to_numpy()
    groups = model.document_rows()["group"].to_numpy()
    for row in prev.itertuples():
        x = shares[groups == row.category, row.topic]
        se = x.std(ddof=0) / np.sqrt(len(x))
        assert (row.hi - row.lo) / 2 == pytest.approx(se, rel=0.2)


def test_narrower_ci_is_inside(model):
    wide = topic_prevalence(model, "group", n_boot=500, ci=0.95, random_state=0)
    narrow = topic_prevalence(model, "group", n_boot=500, ci=0.5, random_state=0)
    assert (narrow["lo"] >= wide["lo"] - 1e-12).all()
    assert (narrow["hi"] <= wide["hi"] + 1e-12).all()


def test_planted_group_preferences(planted, model):
    _, truth = planted
    match = align_topics(truth.topic_term, model).set_index("topic_a")["topic_b"]
    prev = topic_prevalence(model, "group", n_boot=200, random_state=0)
    # in the generator, group g (in order initiative, declaration, ...) prefers planted topic g % K
    order = ["initiative", "declaration", "strategy", "netmundial"]
    for g, name in enumerate(order):
        d = prev[prev["category"] == name].set_index("topic")["mean"]
        assert d.idxmax() == match[g % K]


def test_single_document_category_and_missing(model):
    rows = model.rows.copy()
    rows["sector"] = np.where(rows["doc_id"] == "d0000", "solo", np.where(rows["doc_id"] == "d0001", None, "many"))
    patched = type(model)(**{**model.__dict__, "rows": rows})
    prev = topic_prevalence(patched, "sector", n_boot=100, random_state=0)
    solo = prev[prev["category"] == "solo"]
    np.testing.assert_array_equal(solo["lo"], solo["mean"])
    np.testing.assert_array_equal(solo["hi"], solo["mean"])
    assert prev.loc[prev["category"] == "many", "n_docs"].iloc[0] == 58


@pytest.mark.parametrize(
    ("kwargs", "exc", "word"),
    [
        ({"by": "party"}, ValueError, "by must"),
        ({"by": "doc_id"}, ValueError, "by must"),
        ({"n_boot": 0}, ValueError, "n_boot"),
        ({"ci": 95}, ValueError, "ci"),
        ({"ci": 1.0}, ValueError, "ci"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_errors(model, kwargs, exc, word):
    args = {"by": "group", "random_state": 0} | kwargs
    with pytest.raises(exc, match=word) as err:
        topic_prevalence(model, **args)
    assert repr(next(iter(kwargs.values()))) in str(err.value)


def test_by_must_be_document_level(model):
    rows = model.rows.copy()
    rows["seg_kind"] = np.where(rows["seg_no"] == 1, "first", "later")
    patched = type(model)(**{**model.__dict__, "rows": rows})
    with pytest.raises(ValueError, match="constant within a document"):
        topic_prevalence(patched, "seg_kind", random_state=0)


def test_topic_mix_table(planted, model):
    dtm, _ = planted
    initiative = dtm.select_rows((dtm.rows["group"] == "initiative").to_numpy())
    inferred = model.transform(initiative, by_document=True)
    table = topic_mix_table(model, "group", extra={"initiative (inferred)": inferred})
    assert table.index[0] == "initiative (inferred)"
    assert table.columns.equals(model.document_topics.columns)
    np.testing.assert_allclose(table.loc["initiative (inferred)"], table.loc["initiative"])
    np.testing.assert_allclose(table.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="extra"):
        topic_mix_table(model, extra={"bad": pd.Series([0.5, 0.5])})
