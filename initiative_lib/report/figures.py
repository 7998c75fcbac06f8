"""The report's own figure: a value against its length-matched reference ranges.

The other figures of a report are the study's (``plots.plot_keyness``,
``plot_keyness_panels``, ``plot_dictionary_profile``, ``plot_topic_mix``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.errors import require_columns
from initiative_lib.plots.style import PAGE_WIDTH, PALETTE, attach_data, get_axes, new_axes


def plot_reference_ranges(
    table: pd.DataFrame,
    *,
    value: str,
    label: str = "group",
    panel: str | None = None,
    xlabel: str | None = None,
    ax: Axes | Sequence[Axes] | np.ndarray | None = None,
) -> Figure:
    """The document's value (dot) against the range of length-matched windows of each group (bar).

    Parameters
    ----------
    table : DataFrame
        One row per line: ``label``, ``value``, ``window_low``,
        ``window_median``, ``window_high`` (and ``panel`` if given), e.g.
        ``ReportTables.nearest_groups`` or ``ReportTables.framing``.
    value : str
        Column of the document's value (``"cosine"``, ``"rate"``).
    label : str
        Column naming each line.
    panel : str, optional
        Column splitting the table into side-by-side panels (``"group"``).
    xlabel : str, optional
    ax : Axes or sequence of Axes, optional
        One axes per panel.

    Returns
    -------
    Figure
        With ``table`` attached as its data.

    Examples
    --------
    >>> t = pd.DataFrame({"group": ["a", "b"], "cosine": [0.2, 0.1], "window_low": [0.1, 0.05],
    ...                   "window_median": [0.15, 0.1], "window_high": [0.25, 0.2]})
    >>> fig = plot_reference_ranges(t, value="cosine")
    >>> len(fig.axes)
    1
    """
    require_columns(table, [label, value, "window_low", "window_median", "window_high"], "table", "a report table")
    panels = list(dict.fromkeys(table[panel])) if panel is not None else [None]
    if ax is None:
        n_lines = table[label].nunique()
        if len(panels) == 1:
            fig, axes0 = new_axes(height=0.9 + 0.22 * n_lines)
            axes = [axes0]
        else:
            fig, arr = new_axes(PAGE_WIDTH, 0.9 + 0.22 * n_lines, ncols=len(panels), sharey=True)
            axes = list(np.ravel(np.asarray(arr, dtype=object)))
    elif isinstance(ax, Axes):
        fig, a = get_axes(ax)
        axes = [a]
    else:
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
        fig = cast(Figure, axes[0].figure)
    if len(axes) != len(panels):
        msg = f"ax must hold one axes per panel ({len(panels)}); got {len(axes)}"
        raise ValueError(msg)
    for a, p in zip(axes, panels, strict=True):
        sub = table if p is None else table[table[panel] == p]
        y = np.arange(len(sub))[::-1]
        a.hlines(y, sub["window_low"], sub["window_high"], color="0.7", linewidth=3, label="95% of windows")
        a.plot(sub["window_median"], y, "|", color="0.3", markersize=8, label="median window")
        a.plot(sub[value], y, "o", color=PALETTE[5], markersize=4, label="this document")
        a.set_yticks(y, [str(v) for v in sub[label]])
        if p is not None:
            a.set_title(str(p))
        a.set_xlabel(xlabel or value)
        a.set_xlim(left=0)
    axes[0].legend(loc="lower right", frameon=False, fontsize=6)
    return attach_data(fig, table.reset_index(drop=True))
