"""Figures of the validity notebook (07): estimates with intervals, drawn from the table they save.

Each function takes the table it draws (the CSV :func:`save_figure` writes
holds exactly those numbers), an optional ``ax`` and returns the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.errors import require_columns
from initiative_lib.plots.style import PAGE_WIDTH, PALETTE, attach_data, get_axes


def plot_interval_dots(
    table: pd.DataFrame,
    *,
    label: str,
    estimate: str,
    low: str,
    high: str,
    reference: float | None = None,
    xlabel: str = "",
    ax: Axes | None = None,
) -> Figure:
    """One row per estimate: a dot and its interval, with an optional reference line.

    Used for the external validation (difference and AUC), for the target's
    rates with exact Poisson intervals and for per-topic stability.

    Parameters
    ----------
    table : DataFrame
        One row per estimate.
    label, estimate, low, high : str
        Columns: row label, point estimate, interval bounds.
    reference : float, optional
        Draw a vertical line here (0 for a difference, 0.5 for an AUC).
    xlabel : str
    ax : Axes, optional

    Returns
    -------
    Figure
        With the four columns attached as its data.

    Examples
    --------
    >>> t = pd.DataFrame({"what": ["a", "b"], "est": [0.8, 0.4], "lo": [0.6, 0.1], "hi": [0.9, 0.7]})
    >>> fig = plot_interval_dots(t, label="what", estimate="est", low="lo", high="hi", reference=0.5)
    >>> fig.axes[0].get_yticks().tolist()
    [0, 1]
    """
    require_columns(table, [label, estimate, low, high], "table", "one row per estimate")
    fig, ax = get_axes(ax, PAGE_WIDTH * 0.6, 0.28 * len(table) + 0.9)
    pos = np.arange(len(table))
    est = table[estimate].to_numpy(dtype=float)
    lo, hi = table[low].to_numpy(dtype=float), table[high].to_numpy(dtype=float)
    ax.hlines(pos, lo, hi, color=PALETTE[0], linewidth=1.2)
    ax.scatter(est, pos, s=18, color=PALETTE[0], zorder=3)
    if reference is not None:
        ax.axvline(reference, color="0.5", linewidth=0.6, linestyle="--")
    ax.set_yticks(pos, table[label].astype(str).tolist())
    ax.invert_yaxis()
    ax.grid(axis="y", linewidth=0.3, color="0.85")
    ax.set_xlabel(xlabel)
    return attach_data(fig, table[[label, estimate, low, high]].reset_index(drop=True))


def plot_baseline_percentiles(summary: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Where the target falls among length-matched windows of each comparator (percentile, 0-100).

    Parameters
    ----------
    summary : DataFrame
        ``comparator``, ``statistic`` and ``percentile`` (the ``summary`` of
        :func:`~initiative_lib.methods.baselines.length_matched_baseline`;
        percentile as a share in [0, 1]).

    Examples
    --------
    >>> s = pd.DataFrame({"comparator": ["A", "A", "B", "B"], "statistic": ["x", "y"] * 2,
    ...                   "percentile": [0.1, 0.5, 0.9, 1.0]})
    >>> fig = plot_baseline_percentiles(s)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['x', 'y']
    """
    require_columns(summary, ["comparator", "statistic", "percentile"], "summary", "length_matched_baseline().summary")
    stats_order = list(dict.fromkeys(summary["statistic"]))
    comps = list(dict.fromkeys(summary["comparator"]))
    fig, ax = get_axes(ax, PAGE_WIDTH * 0.7, 0.3 * len(stats_order) + 1.0)
    ax.axvspan(0, 2.5, color="0.92")
    ax.axvspan(97.5, 100, color="0.92")
    for i, comp in enumerate(comps):
        sel = summary[summary["comparator"] == comp].set_index("statistic").reindex(stats_order)
        y = np.arange(len(stats_order)) + (i - (len(comps) - 1) / 2) * 0.12
        ax.scatter(100 * sel["percentile"].to_numpy(dtype=float), y, s=14, color=PALETTE[i % len(PALETTE)], label=comp)
    ax.set_yticks(np.arange(len(stats_order)), stats_order)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("target's percentile among windows of its length")
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(1.0, 0.0))
    data = summary[["comparator", "statistic", "percentile"]].reset_index(drop=True)
    return attach_data(fig, data)
