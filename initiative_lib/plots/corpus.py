"""Figures that describe the corpus: composition, timeline, document lengths."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.corpus.schema import GROUP_ORDER
from initiative_lib.plots.style import COLUMN_WIDTH, PAGE_WIDTH, PALETTE, as_written, attach_data, get_axes


def _groups(docs: pd.DataFrame) -> list[str]:
    present = set(docs["group"].astype(str))
    return [g for g in GROUP_ORDER if g in present]


def group_colours(groups: list[str]) -> dict[str, str]:
    """A fixed colour per group, the same in every figure of the package."""
    return {g: PALETTE[GROUP_ORDER.index(g) % len(PALETTE)] for g in groups}


def plot_timeline(docs: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Documents per year, stacked by group.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"group": ["strategy", "netmundial"], "year": [2011, 2014]})
    >>> fig = plot_timeline(docs)
    >>> fig.axes[0].get_ylabel()
    'documents'
    """
    fig, ax = get_axes(ax, PAGE_WIDTH, 2.4)
    groups = _groups(docs)
    table = pd.crosstab(docs["year"], docs["group"].astype(str))
    years = np.arange(int(docs["year"].min()), int(docs["year"].max()) + 1)
    table = table.reindex(index=years, columns=groups, fill_value=0)
    bottom = np.zeros(len(years))
    colours = group_colours(groups)
    for g in groups:
        ax.bar(years, table[g], bottom=bottom, color=colours[g], label=g, width=0.8)
        bottom += table[g].to_numpy()
    ax.set_xlabel("year")
    ax.set_ylabel("documents")
    ax.legend(frameon=False, loc="upper left")
    data = table.reset_index(names="year").melt(id_vars="year", var_name="group", value_name="documents")
    return attach_data(fig, data)


def plot_lengths(docs: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Document length in tokens (log scale) by group, each document a point.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"group": ["strategy", "strategy", "initiative"], "n_tokens": [9000, 4000, 480]},
    ...                     index=pd.Index(["a", "b", "c"], name="doc_id"))
    >>> plot_lengths(docs).axes[0].get_xscale()
    'log'
    """
    docs = as_written(docs)
    fig, ax = get_axes(ax, COLUMN_WIDTH, 2.2)
    groups = _groups(docs)
    colours = group_colours(groups)
    rows = []
    for i, g in enumerate(groups):
        sub = docs[docs["group"].astype(str) == g]
        n = len(sub)
        jitter = (np.arange(n) % 7 - 3) * 0.06 if n > 1 else np.zeros(n)
        ax.scatter(sub["n_tokens"], i + jitter, s=6, color=colours[g], alpha=0.7, linewidths=0)
        ax.plot([sub["n_tokens"].median()] * 2, [i - 0.3, i + 0.3], color="black", linewidth=1)
        rows.append(pd.DataFrame({"doc_id": sub.index, "group": g, "n_tokens": sub["n_tokens"].to_numpy()}))
    ax.set_xscale("log")
    ax.set_yticks(range(len(groups)), groups)
    ax.invert_yaxis()
    ax.set_xlabel("tokens per document (log scale; bar = median)")
    return attach_data(fig, pd.concat(rows, ignore_index=True))
