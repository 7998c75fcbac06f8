"""Figures of the UN General Debate data."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.errors import require_columns
from initiative_lib.plots.style import PAGE_WIDTH, PALETTE, as_written, attach_data, get_axes


def plot_cyber_share(table: pd.DataFrame, *, by: str | None = None, ax: Axes | None = None) -> Figure:
    """Share of General Debate paragraphs on cyberspace or ICT per year, one line per ``by`` value.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`initiative_lib.corpus.debates.cyber_share`.
    by : str, optional
        The grouping column used there (e.g. ``"region"``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": [2000, 2001], "share": [0.01, 0.02], "n_cyber_paragraphs": [1, 2]})
    >>> plot_cyber_share(t).axes[0].get_ylabel()
    'paragraphs on cyberspace or ICT (%)'
    """
    require_columns(table, ["year", "share", *([by] if by else [])], "table", "the output of cyber_share()")
    table = as_written(table)
    fig, ax = get_axes(ax, PAGE_WIDTH * 0.62, 2.4)
    groups = [None] if by is None else list(pd.unique(table[by]))
    for i, group in enumerate(groups):
        sub = table if group is None else table[table[by] == group]
        ax.plot(
            sub["year"],
            100 * sub["share"],
            marker="o",
            ms=2.5,
            lw=1,
            color=PALETTE[i % len(PALETTE)],
            label=None if group is None else str(group),
        )
    ax.set_xlabel("year")
    ax.set_ylabel("paragraphs on cyberspace or ICT (%)")
    if by is not None:
        ax.legend(frameon=False, loc="upper left")
    return attach_data(fig, table.reset_index(drop=True))
