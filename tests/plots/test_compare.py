"""Tests of initiative_lib.plots.compare: figures draw, attach their data and leave rcParams alone."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.keyness import keyness
from initiative_lib.methods.similarity import cluster, tfidf_similarity
from initiative_lib.plots.compare import (
    plot_dictionary_profile,
    plot_keyness,
    plot_map,
    plot_scaling,
    plot_similarity_heatmap,
)
from initiative_lib.plots.style import COLUMN_WIDTH, figure_style, plotted_data, save_figure


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rc_snapshot():
    before = dict(matplotlib.rcParams)
    yield
    after = dict(matplotlib.rcParams)
    changed = [k for k in before if str(before[k]) != str(after[k])]
    assert not changed, changed


@pytest.fixture
def dtm():
    rows = pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "n_tokens": [40, 40, 40, 40],
            "group": ["initiative", "strategy", "strategy", "declaration"],
        }
    )
    counts = [
        {"sovereignty": 6, "shared": 4, "the": 5},
        {"security": 7, "threats": 3, "the": 6},
        {"security": 5, "rights": 2, "the": 7},
        {"rights": 6, "cooperation": 2, "the": 4},
    ]
    return from_counts(counts, rows)


def test_heatmap_with_dendrogram(dtm, rc_snapshot):
    sim = tfidf_similarity(dtm)
    z, order = cluster(1 - sim)
    fig = plot_similarity_heatmap(sim, linkage=z)
    data = plotted_data(fig)
    assert list(data.columns) == ["part", "row", "column", "value"]
    cells = data[data["part"] == "cell"]
    assert len(cells) == 16
    assert list(dict.fromkeys(cells["row"])) == order  # leaf order
    assert len(fig.axes) == 3  # map, colour bar, dendrogram
    value = cells[(cells["row"] == "b") & (cells["column"] == "c")]["value"].item()
    assert value == pytest.approx(sim.loc["b", "c"])
    # the merges, in merge order, with the heights the CSV stores
    merges = data[data["part"] == "merge"]
    assert merges["row"].tolist() == [str(int(v)) for v in z[:, 0]]
    assert merges["column"].tolist() == [str(int(v)) for v in z[:, 1]]
    assert merges["value"].to_numpy() == pytest.approx(z[:, 2], rel=1e-5)


def _render_bytes(fig, folder):
    paths = save_figure(fig, "dendrogram", directory=folder, show=False)
    plt.close(fig)
    return {kind: path.read_bytes() for kind, path in paths.items()}


def test_dendrogram_does_not_change_below_the_csv_precision(tmp_path):
    # a 6-unit similarity table whose linkage heights change in the 10th digit when nudged
    rng = np.random.default_rng(3)
    s = np.round(rng.uniform(0.05, 0.6, (6, 6)), 4) + 1e-7
    s = (s + s.T) / 2
    np.fill_diagonal(s, 1.0)
    labels = list("abcdef")
    sim = pd.DataFrame(s, index=labels, columns=labels)
    t = s * (1 + 3e-10)
    np.fill_diagonal(t, 1.0)
    nudged = pd.DataFrame(t, index=labels, columns=labels)
    z1, _ = cluster(1 - sim)
    z2, _ = cluster(1 - nudged)
    assert not np.array_equal(z1[:, 2], z2[:, 2])  # the linkage itself differs
    with figure_style():
        first = _render_bytes(plot_similarity_heatmap(sim, linkage=z1), tmp_path / "a")
        second = _render_bytes(plot_similarity_heatmap(nudged, linkage=z2), tmp_path / "b")
    assert first == second  # CSV, PDF and PNG
    # a change the CSV can see (one merge height) changes the dendrogram
    z3 = z1.copy()
    z3[-1, 2] *= 1.05
    with figure_style():
        moved = _render_bytes(plot_similarity_heatmap(sim, linkage=z3), tmp_path / "c")
    assert moved["csv"] != first["csv"]
    assert moved["png"] != first["png"]


def test_heatmap_on_given_axes_and_errors(dtm):
    fig, ax = plt.subplots()
    out = plot_similarity_heatmap(tfidf_similarity(dtm), ax=ax)
    assert out is fig
    with pytest.raises(ValueError, match="square table"):
        plot_similarity_heatmap(pd.DataFrame([[1.0, 0.5]], index=["a"], columns=["a", "b"]))
    with pytest.raises(ValueError, match=r"linkage must have shape \(3, 4\)"):
        plot_similarity_heatmap(tfidf_similarity(dtm), linkage=np.zeros((2, 4)))


def test_keyness_plot(dtm, rc_snapshot):
    k = keyness(dtm, (dtm.rows["group"] == "initiative").to_numpy(), min_count=1)
    fig = plot_keyness(k, n=2)
    data = plotted_data(fig)
    assert data["side"].tolist() == ["target", "target", "reference", "reference"]
    assert (data.loc[data["side"] == "target", "value"] > 0).all()
    assert {"target_count", "reference_count", "measure"} <= set(data.columns)
    assert fig.get_size_inches()[0] == pytest.approx(COLUMN_WIDTH)
    fig2 = plot_keyness(k, n=3, measure="log_ratio")
    assert (plotted_data(fig2)["measure"] == "log_ratio").all()
    with pytest.raises(ValueError, match=r"keyness_df lacks columns \['pmi'\]"):
        plot_keyness(k, measure="pmi")
    with pytest.raises(ValueError, match="n must be an int >= 1; got 0"):
        plot_keyness(k, n=0)


def test_dictionary_profile(rc_snapshot):
    g = pd.DataFrame(
        {
            "group": ["initiative", "initiative", "strategy", "strategy"],
            "category": ["sovereignty", "security", "sovereignty", "security"],
            "rate": [8.0, 2.0, 1.0, 6.0],
            "ci_low": [np.nan, np.nan, 0.5, 4.0],
            "ci_high": [np.nan, np.nan, 1.8, 7.5],
        }
    )
    fig = plot_dictionary_profile(g)
    pd.testing.assert_frame_equal(plotted_data(fig), g)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sovereignty", "security"]
    with pytest.raises(ValueError, match=r"lacks columns \['ci_low', 'ci_high'\]"):
        plot_dictionary_profile(g.drop(columns=["ci_low", "ci_high"]))


def test_map(rc_snapshot):
    coords = pd.DataFrame(
        {
            "doc_id": list("abc"),
            "group": ["x", "y", "y"],
            "dim1": [0.1, -0.2, 0.3],
            "dim2": [0.0, 0.3, -0.1],
            "mass": [0.2, 0.3, 0.5],
        }
    )
    inertia = pd.DataFrame({"dimension": [1, 2], "inertia": [0.3, 0.1], "share": [0.75, 0.25]})
    fig = plot_map(coords, label_col="doc_id", inertia=inertia)
    assert list(plotted_data(fig).columns) == ["doc_id", "group", "dim1", "dim2"]
    assert "75.0%" in fig.axes[0].get_xlabel()
    fig2 = plot_map(coords, hue=None)
    assert list(plotted_data(fig2).columns) == ["dim1", "dim2"]
    with pytest.raises(ValueError, match=r"lacks columns \['dim3'\]"):
        plot_map(coords, y="dim3")


def test_scaling_plot(rc_snapshot, tmp_path):
    t = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "group": ["x", "y", "x"],
            "theta": [0.5, -1.0, 1.2],
            "ci_low": [0.1, -1.5, np.nan],
            "ci_high": [0.9, -0.5, np.nan],
        }
    )
    fig = plot_scaling(t)
    data = plotted_data(fig)
    assert data["doc_id"].tolist() == ["b", "a", "c"]
    assert list(data.columns) == ["doc_id", "group", "theta", "ci_low", "ci_high"]
    paths = save_figure(fig, "scaling_test", directory=tmp_path)
    assert paths["csv"].read_text().startswith("doc_id,group,theta")
    fig2 = plot_scaling(t.drop(columns=["ci_low", "ci_high"]), hue=None)
    assert list(plotted_data(fig2).columns) == ["doc_id", "theta"]
    with pytest.raises(ValueError, match=r"theta_df lacks columns \['lbg'\]"):
        plot_scaling(t, x="lbg")
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        plot_scaling([1, 2])
