"""Tests for initiative_lib.plots.topics."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from initiative_lib.datasets import synthetic_dtm
from initiative_lib.plots.style import PAGE_WIDTH, PALETTE, plotted_data, save_figure
from initiative_lib.plots.topics import plot_k_diagnostics, plot_prevalence, plot_top_terms, plot_topic_mix
from initiative_lib.topics.diagnostics import search_k
from initiative_lib.topics.model import fit_topics
from initiative_lib.topics.prevalence import topic_mix_table, topic_prevalence


@pytest.fixture(scope="module")
def setup():
    dtm, _ = synthetic_dtm(n_docs=30, segments_per_doc=3, n_terms=60, k=3, random_state=0)
    model = fit_topics(dtm, 3, method="nmf", random_state=0)
    search = search_k(dtm, [2, 3, 4], seeds=[0, 1], n_top=5)
    prev = topic_prevalence(model, "group", n_boot=100, random_state=0)
    return dtm, model, search, prev


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_k_diagnostics_own_figure(setup):
    *_, search, _ = setup
    before = dict(mpl.rcParams)
    fig = plot_k_diagnostics(search)
    assert isinstance(fig, Figure)
    assert dict(mpl.rcParams) == before
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == 4
    assert fig.get_size_inches()[0] == pytest.approx(PAGE_WIDTH)
    data = plotted_data(fig)
    means = data[data["kind"] == "mean"]
    expected = search.groupby(["metric", "k"])["value"].mean()
    for row in means.itertuples():
        # the CSV's values: 6 significant digits
        assert row.value == pytest.approx(expected.loc[(row.metric, row.k)], rel=1e-5)
    assert len(data[data["kind"] == "seed"]) == len(search)


def test_k_diagnostics_given_axes(setup):
    *_, search, _ = setup
    fig, axes = plt.subplots(2, 2)
    out = plot_k_diagnostics(search, ax=axes)
    assert out is fig
    assert all(a.has_data() for a in axes.ravel())
    with pytest.raises(ValueError, match="ax"):
        plot_k_diagnostics(search, ax=axes[0])
    with pytest.raises(ValueError, match="search_df"):
        plot_k_diagnostics(pd.DataFrame({"k": [1]}))


def test_top_terms(setup):
    _, model, *_ = setup
    fig = plot_top_terms(model, n=4, labels={0: "first"})
    assert len(fig.axes) == 3
    assert fig.axes[0].get_title(loc="left") == "first"
    data = plotted_data(fig)
    pd.testing.assert_frame_equal(data, model.top_terms(4))
    bars = fig.axes[1].patches
    assert len(bars) == 4
    assert matplotlib.colors.to_hex(bars[0].get_facecolor()) == PALETTE[1].lower()
    fig2, ax = plt.subplots()
    assert plot_top_terms(model, topics=[2], ax=ax) is fig2
    with pytest.raises(ValueError, match="topics"):
        plot_top_terms(model, topics=[7])


def test_prevalence_plot(setup, tmp_path):
    *_, prev = setup
    fig = plot_prevalence(prev)
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == prev["topic"].nunique()  # one panel per topic
    cats = [str(c) for c in pd.unique(prev["category"])]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == cats
    pd.testing.assert_frame_equal(plotted_data(fig), prev)
    paths = save_figure(fig, "prevalence_test", directory=tmp_path)
    assert paths["csv"].exists()
    assert paths["pdf"].exists()
    with pytest.raises(ValueError, match="prev_df"):
        plot_prevalence(prev.drop(columns="lo"))


def test_topic_mix_plot(setup):
    dtm, model, *_ = setup
    inferred = model.transform(dtm.select_rows((dtm.rows["doc_id"] == "d0000").to_numpy()), by_document=True)
    table = topic_mix_table(model, extra={"initiative (inferred)": inferred})
    fig, ax = plt.subplots()
    assert plot_topic_mix(table, ax=ax) is fig
    data = plotted_data(fig)
    assert list(data.columns) == ["series", "topic", "share"]
    assert len(data) == table.size
    got = data.pivot_table(index="series", columns="topic", values="share").loc[table.index]
    np.testing.assert_allclose(got.to_numpy(), table.to_numpy(), rtol=1e-5)  # 6 significant digits
    with pytest.raises(ValueError, match="shares_df"):
        plot_topic_mix(pd.DataFrame())
