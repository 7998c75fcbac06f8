"""Figures of a target document read closely (notebook 02): its parts, paragraph by paragraph."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.plots.style import COLUMN_WIDTH, PALETTE, as_written, attach_data, figure_style, get_axes

#: colour map of the parts heat map
PARTS_CMAP = "Blues"


def plot_parts(parts: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Heat strip of lexicon matches: paragraphs (rows) by parts (columns), counts written in.

    Parameters
    ----------
    parts : DataFrame
        Output of :func:`assign_parts`; the score columns are those between
        ``n_tokens`` and ``total``.
    ax : Axes, optional

    Returns
    -------
    Figure
        With ``paragraph``, ``n_tokens``, ``category``, ``matches`` and the
        paragraph's ``part`` attached.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from initiative_lib.study import assign_parts
    >>> fig = plot_parts(assign_parts(["Peace and security.", "Trade."]))
    >>> len(fig._initiative_plotted_data)
    8
    >>> plt.close(fig)
    """
    needed = ["paragraph", "n_tokens", "total", "part"]
    if not isinstance(parts, pd.DataFrame):
        msg = f"parts must be a DataFrame (the output of assign_parts()); got {type(parts).__name__}"
        raise TypeError(msg)
    missing = [c for c in needed if c not in parts.columns]
    if missing or parts.empty:
        msg = f"parts must be the non-empty output of assign_parts(); missing columns {missing}"
        raise ValueError(msg)
    columns = list(parts.columns)
    categories = columns[columns.index("n_tokens") + 1 : columns.index("total")]
    if not categories:
        msg = "parts has no score columns between 'n_tokens' and 'total'; expected the output of assign_parts()"
        raise ValueError(msg)
    parts = as_written(parts)
    values = parts[categories].to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    vmax = max(float(values.max()), 1.0)
    with figure_style():
        own = ax is None
        fig, ax = get_axes(ax, COLUMN_WIDTH, 0.2 * n_rows + 1.2)
        image = ax.imshow(values, cmap=PARTS_CMAP, vmin=0, vmax=vmax, aspect="auto", interpolation="nearest")
        for i in range(n_rows):
            for j in range(n_cols):
                v = values[i, j]
                color = "white" if v > 0.6 * vmax else PALETTE[7]
                ax.text(j, i, f"{v:g}" if v else "·", ha="center", va="center", fontsize=6, color=color)
        ax.set_xticks(range(n_cols), [str(c).replace("_", "\n", 1).replace("_", " ") for c in categories])
        ax.xaxis.tick_top()
        ax.set_yticks(
            range(n_rows),
            [f"{p} ({n})" for p, n in zip(parts["paragraph"], parts["n_tokens"], strict=True)],
        )
        ax.set_ylabel("paragraph (tokens)")
        ax.tick_params(length=0)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.03)
        bar.set_label("lexicon matches")
        bar.ax.tick_params(labelsize=6)
        if own:
            fig.tight_layout()
    tidy = parts.melt(
        id_vars=["paragraph", "n_tokens", "part"], value_vars=categories, var_name="category", value_name="matches"
    )
    order = {c: k for k, c in enumerate(categories)}
    tidy = tidy.assign(_c=tidy["category"].map(order)).sort_values(["paragraph", "_c"], kind="mergesort")
    tidy = tidy[["paragraph", "n_tokens", "category", "matches", "part"]].reset_index(drop=True)
    attach_data(fig, tidy)
    return fig
