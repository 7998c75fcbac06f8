"""Figures of notebook 07: drawn from, and carrying, the table they show."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from initiative_lib.plots.style import plotted_data
from initiative_lib.plots.validity import plot_baseline_percentiles, plot_interval_dots


def test_plot_interval_dots_attaches_its_numbers():
    t = pd.DataFrame({"what": ["a", "b"], "est": [0.8, 0.4], "lo": [0.6, 0.1], "hi": [0.9, 0.7], "extra": [1, 2]})
    fig = plot_interval_dots(t, label="what", estimate="est", low="lo", high="hi", reference=0.5)
    pd.testing.assert_frame_equal(plotted_data(fig), t[["what", "est", "lo", "hi"]])
    with pytest.raises(ValueError, match="hi"):
        plot_interval_dots(t.drop(columns="hi"), label="what", estimate="est", low="lo", high="hi")


def test_plot_baseline_percentiles_draws_percent():
    s = pd.DataFrame({"comparator": ["A", "B"], "statistic": ["x", "x"], "percentile": [0.1, 0.9]})
    fig = plot_baseline_percentiles(s)
    xs = sorted(c.get_offsets()[0][0] for c in fig.axes[0].collections if len(c.get_offsets()) == 1)
    assert xs == [10.0, 90.0]
    assert list(plotted_data(fig).columns) == ["comparator", "statistic", "percentile"]
