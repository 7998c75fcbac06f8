"""Figures for the comparison methods: similarity, keyness, dictionary profiles, maps, scales.

Every function draws on ``ax`` (or a new figure of journal width), attaches
the numbers it plotted with :func:`~initiative_lib.plots.style.attach_data` (so
:func:`~initiative_lib.plots.style.save_figure` writes them next to the image),
and returns the figure. The package style applies only inside each call;
matplotlib's global settings are never changed and nothing is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy.cluster import hierarchy

from initiative_lib.checks import check_int
from initiative_lib.errors import require_columns
from initiative_lib.plots.style import (
    COLUMN_WIDTH,
    PAGE_WIDTH,
    PALETTE,
    as_written,
    attach_data,
    figure_style,
    get_axes,
    new_axes,
)
from initiative_lib.study.framing import AXIS_LABELS, FRAMING_AXES, group_means, with_groups
from initiative_lib.study.units import KEYNESS_COLUMNS

HEATMAP_CMAP = "cividis"


def _colors(labels: Sequence[object]) -> dict[object, str]:
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}


def plot_similarity_heatmap(
    sim_df: pd.DataFrame,
    *,
    linkage: np.ndarray | None = None,
    ax: Axes | None = None,
    vmin: float | None = 0.0,
    vmax: float | None = 1.0,
    label: str = "cosine similarity",
) -> Figure:
    """Heat map of a square similarity (or distance) table, with a dendrogram when clustered.

    Parameters
    ----------
    sim_df : DataFrame
        Square table with identical index and columns
        (:func:`~initiative_lib.methods.similarity.tfidf_similarity`,
        :func:`~initiative_lib.methods.similarity.js_distance`).
    linkage : ndarray, optional
        Linkage matrix of :func:`~initiative_lib.methods.similarity.cluster` for the
        same labels, in ``sim_df`` order: rows and columns are put in leaf
        order and the dendrogram is drawn above the map. The merges are
        written to the figure's data (``part == "merge"``) with their heights
        rounded as the CSV stores them, and the dendrogram is drawn from
        those rounded heights, so the image follows from the CSV alone.
    ax : Axes, optional
        Axes for the map; the dendrogram gets a new axes above it.
    vmin, vmax : float or None
        Colour scale limits (None: from the data).
    label : str
        Colour bar label.

    Returns
    -------
    Figure
        With the plotted numbers attached as ``part``, ``row``, ``column``,
        ``value``: one ``"cell"`` row per cell of the map (in the order drawn),
        then, with a linkage, one ``"merge"`` row per merge of the dendrogram,
        in merge order: ``row`` and ``column`` are the ids of the two merged
        clusters as scipy numbers them (``0`` to ``n - 1`` are the labels in
        ``sim_df`` order, ``n + i`` the cluster formed by merge ``i``) and
        ``value`` the merge height.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> s = pd.DataFrame([[1, 0.2], [0.2, 1]], index=["a", "b"], columns=["a", "b"])
    >>> fig = plot_similarity_heatmap(s)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    if not isinstance(sim_df, pd.DataFrame):
        msg = f"sim_df must be a square pandas DataFrame; got {type(sim_df).__name__}"
        raise TypeError(msg)
    if sim_df.shape[0] != sim_df.shape[1] or not sim_df.index.equals(sim_df.columns) or sim_df.empty:
        msg = f"sim_df must be a non-empty square table with identical index and columns; got shape {sim_df.shape}"
        raise ValueError(msg)
    order = np.arange(len(sim_df))
    merges = None
    if linkage is not None:
        z = np.asarray(linkage, dtype=float)
        if z.ndim != 2 or z.shape != (len(sim_df) - 1, 4):
            msg = f"linkage must have shape ({len(sim_df) - 1}, 4) for {len(sim_df)} labels; got {z.shape}"
            raise ValueError(msg)
        # the merges as the CSV stores them: integer ids, heights rounded; the dendrogram is drawn from these
        merges = as_written(
            pd.DataFrame(
                {
                    "part": "merge",
                    "row": [str(int(v)) for v in z[:, 0]],
                    "column": [str(int(v)) for v in z[:, 1]],
                    "value": z[:, 2],
                }
            )
        )
        z = np.column_stack([z[:, 0], z[:, 1], merges["value"].to_numpy(dtype=float), z[:, 3]])
        order = hierarchy.leaves_list(z)
    data = as_written(sim_df.iloc[order, order])
    n = len(data)
    with figure_style():
        size = min(PAGE_WIDTH, max(COLUMN_WIDTH, 0.18 * n + 1.5))
        own = ax is None
        fig, ax = get_axes(ax, size, size * (1.2 if linkage is not None else 1.0))
        image = ax.imshow(
            data.to_numpy(dtype=float), cmap=HEATMAP_CMAP, vmin=vmin, vmax=vmax, aspect="equal", interpolation="nearest"
        )
        labels = [str(v) for v in data.index]
        ax.set_xticks(range(n), labels, rotation=90)
        ax.set_yticks(range(n), labels)
        ax.tick_params(length=0)
        for side in ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)
        fig.colorbar(image, ax=ax, shrink=0.7, label=label)
        if own:
            fig.tight_layout(rect=(0, 0, 1, 0.85 if linkage is not None else 1))
        if linkage is not None:
            pos = ax.get_position()
            dax = fig.add_axes((pos.x0, pos.y1 + 0.01, pos.width, 0.15))
            hierarchy.dendrogram(
                z,
                ax=dax,
                no_labels=True,
                color_threshold=0,
                above_threshold_color=PALETTE[7],
                link_color_func=lambda _k: PALETTE[7],
            )
            dax.set_axis_off()
            dax.set_xlim(0, 10 * n)
    tidy = pd.DataFrame(
        {
            "part": "cell",
            "row": np.repeat(data.index.to_numpy(dtype=object), n),
            "column": np.tile(data.columns.to_numpy(dtype=object), n),
            "value": data.to_numpy(dtype=float).ravel(),
        }
    )
    if merges is not None:
        tidy = pd.concat([tidy, merges], ignore_index=True)
    attach_data(fig, tidy)
    return fig


def plot_keyness(
    keyness_df: pd.DataFrame,
    *,
    n: int = 15,
    measure: str | None = None,
    ax: Axes | None = None,
    labels: tuple[str, str] = ("target", "reference"),
) -> Figure:
    """Bar chart of the ``n`` most key terms of the target and of the reference.

    Parameters
    ----------
    keyness_df : DataFrame
        Output of :func:`~initiative_lib.methods.keyness.keyness` (``term`` and the
        measure column; the counts are written to the attached data).
    n : int
        Terms shown on each side.
    measure : str, optional
        Column to plot; by default ``"g2"``, else the first of ``"log_ratio"``,
        ``"z"`` present (``z`` for :func:`~initiative_lib.methods.keyness.log_odds_dirichlet`).
    ax : Axes, optional
    labels : (str, str)
        Legend names of the two sides.

    Returns
    -------
    Figure
        With the plotted rows attached (term, side, value and count columns).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> k = pd.DataFrame({"term": ["a", "b", "c"], "g2": [5.0, 1.0, -4.0]})
    >>> fig = plot_keyness(k, n=1)
    >>> fig._initiative_plotted_data["term"].tolist()
    ['a', 'c']
    >>> plt.close(fig)
    """
    if measure is None:
        candidates = [c for c in ("g2", "log_ratio", "z") if isinstance(keyness_df, pd.DataFrame) and c in keyness_df]
        measure = candidates[0] if candidates else "g2"
    require_columns(keyness_df, ["term", measure], "keyness_df", "the output of keyness() or log_odds_dirichlet()")
    n = check_int(n, "n", minimum=1)
    df = keyness_df.sort_values([measure, "term"], ascending=[False, True], kind="mergesort")
    top = df[df[measure] > 0].head(n).assign(side=labels[0])
    bottom = df[df[measure] < 0].tail(n).assign(side=labels[1])
    shown = as_written(pd.concat([top, bottom], ignore_index=True))
    if shown.empty:
        msg = f"keyness_df has no non-zero values in column {measure!r}; nothing to plot"
        raise ValueError(msg)
    with figure_style():
        own = ax is None
        fig, ax = get_axes(ax, COLUMN_WIDTH, max(2.0, 0.16 * len(shown) + 0.8))
        y = np.arange(len(shown))[::-1]
        colors = [PALETTE[0] if s == labels[0] else PALETTE[1] for s in shown["side"]]
        ax.barh(y, shown[measure].to_numpy(dtype=float), color=colors, height=0.7)
        ax.set_yticks(y, shown["term"].astype(str).tolist())
        ax.axvline(0, color=PALETTE[7], linewidth=0.6)
        ax.set_xlabel(
            {
                "g2": "signed log-likelihood G2",
                "chi2": "signed chi-squared",
                "log_ratio": "log ratio (binary log)",
                "z": "log-odds z-score",
            }.get(measure, measure)
        )
        handles = [ax.bar(0, 0, color=PALETTE[i], label=labels[i]) for i in (0, 1)]
        ax.legend(handles=handles, frameon=False, loc="lower right")
        if own:
            fig.tight_layout()
    columns = ["term", "side", measure] + [c for c in keyness_df.columns if c not in ("term", measure)]
    attach_data(fig, shown[columns].rename(columns={measure: "value"}).assign(measure=measure))
    return fig


def plot_dictionary_profile(
    group_rates_df: pd.DataFrame,
    *,
    by: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Dot plot of category rates per group, with bootstrap intervals.

    Parameters
    ----------
    group_rates_df : DataFrame
        Output of :func:`~initiative_lib.methods.dictionaries.group_rates`
        (``category``, ``rate``, ``ci_low``, ``ci_high`` and the group
        column). Missing intervals (single-document groups) are drawn as
        open circles without bars.
    by : str, optional
        Group column; by default the first column.
    ax : Axes, optional

    Returns
    -------
    Figure
        With the plotted rows attached.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> g = pd.DataFrame({"group": ["a", "b"], "category": ["x", "x"], "rate": [2.0, 3.0],
    ...                   "ci_low": [1.0, float("nan")], "ci_high": [3.0, float("nan")]})
    >>> fig = plot_dictionary_profile(g)
    >>> len(fig._initiative_plotted_data)
    2
    >>> plt.close(fig)
    """
    if by is None and isinstance(group_rates_df, pd.DataFrame) and len(group_rates_df.columns):
        by = str(group_rates_df.columns[0])
    require_columns(
        group_rates_df,
        [str(by), "category", "rate", "ci_low", "ci_high"],
        "group_rates_df",
        "the output of group_rates()",
    )
    df = as_written(group_rates_df)
    categories = list(dict.fromkeys(df["category"]))
    groups = list(dict.fromkeys(df[by]))
    colors = _colors(groups)
    offsets = (np.arange(len(groups)) - (len(groups) - 1) / 2) * (0.7 / max(len(groups), 1))
    with figure_style():
        own = ax is None
        fig, ax = get_axes(ax, COLUMN_WIDTH, max(2.0, 0.3 * len(categories) + 1.2))
        ypos = {c: len(categories) - 1 - i for i, c in enumerate(categories)}
        for off, group in zip(offsets, groups, strict=True):
            g = df[df[by] == group]
            y = g["category"].map(ypos).to_numpy(dtype=float) + off
            rate = g["rate"].to_numpy(dtype=float)
            low, high = g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float)
            has_ci = ~(np.isnan(low) | np.isnan(high))
            color = colors[group]
            if has_ci.any():
                ax.errorbar(
                    rate[has_ci],
                    y[has_ci],
                    xerr=[rate[has_ci] - low[has_ci], high[has_ci] - rate[has_ci]],
                    fmt="o",
                    color=color,
                    markersize=3,
                    elinewidth=0.8,
                    capsize=0,
                    label=str(group),
                )
            if (~has_ci).any():
                ax.plot(
                    rate[~has_ci],
                    y[~has_ci],
                    "o",
                    markerfacecolor="white",
                    markeredgecolor=color,
                    markersize=3.5,
                    label=None if has_ci.any() else f"{group} (no interval)",
                )
        ax.set_yticks([ypos[c] for c in categories], [str(c).replace("_", " ") for c in categories])
        ax.set_xlabel("matches per 1,000 tokens")
        ax.set_xlim(left=0)
        ax.legend(frameon=False, fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(2, len(groups)))
        if own:
            fig.tight_layout()
    attach_data(fig, df.reset_index(drop=True).copy())
    return fig


def plot_map(
    coords_df: pd.DataFrame,
    *,
    x: str = "dim1",
    y: str = "dim2",
    label_col: str | None = None,
    hue: str | None = "group",
    ax: Axes | None = None,
    inertia: pd.DataFrame | None = None,
) -> Figure:
    """Scatter plot of a two-dimensional map (correspondence analysis coordinates).

    Parameters
    ----------
    coords_df : DataFrame
        Row or column coordinates of
        :func:`~initiative_lib.methods.scaling.correspondence_analysis`.
    x, y : str
        Coordinate columns.
    label_col : str, optional
        Column whose values are written next to the points.
    hue : str or None
        Column coloured by category (ignored when absent or None).
    ax : Axes, optional
    inertia : DataFrame, optional
        The ``inertia`` table of the analysis, to put each axis' share in
        its label.

    Returns
    -------
    Figure
        With the plotted columns attached.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> c = pd.DataFrame({"doc_id": ["a", "b"], "group": ["g", "h"], "dim1": [0.1, -0.2], "dim2": [0.0, 0.3]})
    >>> fig = plot_map(c, label_col="doc_id")
    >>> list(fig._initiative_plotted_data.columns)
    ['doc_id', 'group', 'dim1', 'dim2']
    >>> plt.close(fig)
    """
    needed = [x, y] + ([label_col] if label_col else [])
    require_columns(coords_df, needed, "coords_df", f"coordinates in columns {needed}")
    coords_df = as_written(coords_df)
    use_hue = hue is not None and hue in coords_df.columns
    with figure_style():
        own = ax is None
        fig, ax = get_axes(ax, COLUMN_WIDTH, COLUMN_WIDTH)
        if use_hue:
            levels = list(dict.fromkeys(coords_df[hue]))
            colors = _colors(levels)
            for level in levels:
                g = coords_df[coords_df[hue] == level]
                ax.scatter(g[x], g[y], s=14, color=colors[level], label=str(level), linewidths=0)
            ax.legend(frameon=False, fontsize=6, loc="best")
        else:
            ax.scatter(coords_df[x], coords_df[y], s=14, color=PALETTE[0], linewidths=0)
        if label_col:
            for xi, yi, text in zip(coords_df[x], coords_df[y], coords_df[label_col], strict=True):
                ax.annotate(str(text), (xi, yi), xytext=(2, 2), textcoords="offset points", fontsize=5)
        ax.axhline(0, color=PALETTE[7], linewidth=0.4, alpha=0.5)
        ax.axvline(0, color=PALETTE[7], linewidth=0.4, alpha=0.5)
        xlabel, ylabel = x, y
        if inertia is not None and {"dimension", "share"} <= set(inertia.columns):
            inertia = as_written(inertia)
            shares = dict(zip(inertia["dimension"], inertia["share"], strict=True))
            for axis, col in (("x", x), ("y", y)):
                digits = col[3:] if col.startswith("dim") else ""
                if digits.isdigit() and int(digits) in shares:
                    text = f"Dimension {digits} ({100 * shares[int(digits)]:.1f}% of inertia)"
                    xlabel, ylabel = (text, ylabel) if axis == "x" else (xlabel, text)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if own:
            fig.tight_layout()
    keep = [c for c in dict.fromkeys([*([label_col] if label_col else []), *([hue] if use_hue else []), x, y])]
    attach_data(fig, coords_df[keep].reset_index(drop=True).copy())
    return fig


def plot_scaling(
    theta_df: pd.DataFrame,
    *,
    x: str = "theta",
    ci: tuple[str, str] = ("ci_low", "ci_high"),
    label_col: str = "doc_id",
    hue: str | None = "group",
    ax: Axes | None = None,
) -> Figure:
    """Dot plot of one-dimensional positions, sorted, with intervals when available.

    Parameters
    ----------
    theta_df : DataFrame
        ``documents`` of :func:`~initiative_lib.methods.scaling.wordfish` (``theta``,
        ``ci_low``, ``ci_high``) or of :func:`~initiative_lib.methods.scaling.wordscores`
        (pass ``x="lbg", ci=("lbg_low", "lbg_high")``).
    x : str
        Position column.
    ci : (str, str)
        Interval columns; left out if absent, and per row if NaN.
    label_col : str
        Column naming each row on the y axis.
    hue : str or None
        Column coloured by category (ignored when absent or None).
    ax : Axes, optional

    Returns
    -------
    Figure
        With the plotted rows attached, in plotted order.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> t = pd.DataFrame({"doc_id": ["a", "b"], "theta": [1.0, -1.0], "ci_low": [0.5, -1.6], "ci_high": [1.5, -0.4]})
    >>> fig = plot_scaling(t)
    >>> fig._initiative_plotted_data["doc_id"].tolist()
    ['b', 'a']
    >>> plt.close(fig)
    """
    require_columns(theta_df, [label_col, x], "theta_df", f"columns {[label_col, x]} (e.g. wordfish().documents)")
    df = as_written(theta_df.dropna(subset=[x]).sort_values([x, label_col], kind="mergesort").reset_index(drop=True))
    if df.empty:
        msg = f"theta_df has no non-missing values in column {x!r}; nothing to plot"
        raise ValueError(msg)
    has_ci = all(c in df.columns for c in ci)
    use_hue = hue is not None and hue in df.columns
    levels = list(dict.fromkeys(df[hue])) if use_hue else [None]
    colors = _colors(levels)
    with figure_style():
        own = ax is None
        fig, ax = get_axes(ax, COLUMN_WIDTH, max(2.0, 0.14 * len(df) + 1.0))
        ypos = np.arange(len(df))
        for level in levels:
            sel = (df[hue] == level).to_numpy() if use_hue else np.ones(len(df), dtype=bool)
            xs = df.loc[sel, x].to_numpy(dtype=float)
            color = colors[level]
            label = str(level) if use_hue else None
            if has_ci:
                low = df.loc[sel, ci[0]].to_numpy(dtype=float)
                high = df.loc[sel, ci[1]].to_numpy(dtype=float)
                ok = ~(np.isnan(low) | np.isnan(high))
                ax.hlines(ypos[sel][ok], low[ok], high[ok], color=color, linewidth=0.8)
            ax.plot(xs, ypos[sel], "o", color=color, markersize=3, label=label)
        ax.set_yticks(ypos, df[label_col].astype(str).tolist())
        ax.set_xlabel(x)
        if use_hue:
            ax.legend(
                frameon=False,
                fontsize=6,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12 - 0.5 / len(df)),
                ncol=min(3, len(levels)),
            )
        if own:
            fig.tight_layout()
    keep = [c for c in dict.fromkeys([label_col, *([hue] if use_hue else []), x, *(ci if has_ci else [])])]
    attach_data(fig, df[keep].copy())
    return fig


def plot_framing_map(
    coords: pd.DataFrame,
    rows: pd.DataFrame,
    *,
    by: str = "group",
    axes: Mapping[str, Sequence[str]] = FRAMING_AXES,
    highlight: str | None = None,
    labels: Mapping[str, str] | None = None,
    label_offsets: Mapping[str, tuple[float, float]] | None = None,
) -> Figure:
    """Documents on the two framing axes, coloured by group, with group means.

    Parameters
    ----------
    coords : DataFrame
        Output of :func:`framing_axes`.
    rows : DataFrame
        ``doc_id`` and ``by``.
    by : str
        Column colouring the points, in the order of :func:`group_means`
        (colours follow the package palette in that order, as in
        :func:`~initiative_lib.plots.compare.plot_dictionary_profile` with
        groups in the same order). A group's mean is drawn when it has two or
        more documents.
    axes : mapping
        The axes definition used for ``coords`` (for the axis titles).
    highlight : str, optional
        A ``doc_id`` drawn as a large star with its bootstrap interval.
    labels : mapping, optional
        ``doc_id -> text`` written next to those points (their intervals are drawn too).
    label_offsets : mapping, optional
        ``doc_id -> (dx, dy)`` in points, to move a label off a crowded spot
        (default ``(4, 3)``: above right; a negative ``dx`` right-aligns the label).

    Returns
    -------
    Figure
        With the plotted numbers attached: one row per document
        (``kind="document"``) and per group mean (``kind="group mean"``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> c = pd.DataFrame({"doc_id": ["a", "b"], "x": [1.0, 3.0], "y": [2.0, 4.0], "x_low": [0.5, None],
    ...                   "x_high": [1.5, None], "y_low": [1.0, None], "y_high": [3.0, None]})
    >>> meta = pd.DataFrame({"doc_id": ["a", "b"], "group": ["g", "h"]})
    >>> fig = plot_framing_map(c, meta, highlight="a")
    >>> fig._initiative_plotted_data["kind"].tolist()
    ['document', 'document', 'group mean', 'group mean']
    >>> plt.close(fig)
    """
    merged = as_written(with_groups(coords, rows, by))
    means = as_written(group_means(coords, rows, by))
    groups = list(means[by])
    colors = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    names = list(axes)
    titles = [AXIS_LABELS.get(n, n.replace("_", " ")) for n in names]
    labels = dict(labels or {})
    if highlight is not None and highlight not in set(merged["doc_id"]):
        msg = f"highlight={highlight!r} is not a doc_id of coords"
        raise ValueError(msg)
    with figure_style():
        fig, ax = new_axes(COLUMN_WIDTH * 1.5, COLUMN_WIDTH * 1.25)
        for group in groups:
            g = merged[(merged[by] == group) & (merged["doc_id"] != highlight)]
            if len(g):
                ax.scatter(
                    g["x"], g["y"], s=9, color=colors[group], alpha=0.55, linewidths=0, label=f"{group} documents"
                )
        for group in groups:
            m = means[means[by] == group]
            if int(m["n_documents"].iloc[0]) < 2:
                continue  # the mean of one document is the document
            ax.scatter(m["x"], m["y"], s=70, marker="D", color=colors[group], edgecolors="black", linewidths=0.8,
                       label=f"{group} mean", zorder=4)  # fmt: skip
        shown = [d for d in [highlight, *labels] if d is not None]
        has_ci = all(c in merged.columns for c in ("x_low", "x_high", "y_low", "y_high"))
        for doc_id in dict.fromkeys(shown):
            r = merged[merged["doc_id"] == doc_id].iloc[0]
            color = colors[r[by]]
            if has_ci and pd.notna(r["x_low"]) and pd.notna(r["y_low"]):
                ax.errorbar(r["x"], r["y"], xerr=[[r["x"] - r["x_low"]], [r["x_high"] - r["x"]]],
                            yerr=[[r["y"] - r["y_low"]], [r["y_high"] - r["y"]]], fmt="none", ecolor=color,
                            elinewidth=0.7, capsize=0, zorder=3)  # fmt: skip
            if doc_id == highlight:
                ax.scatter([r["x"]], [r["y"]], s=150, marker="*", color=color, edgecolors="black", linewidths=0.7,
                           zorder=5, label=labels.get(doc_id, str(doc_id)))  # fmt: skip
            else:
                ax.scatter([r["x"]], [r["y"]], s=22, color=color, edgecolors="black", linewidths=0.5, zorder=4)
            if doc_id in labels and doc_id != highlight:
                dx, dy = (label_offsets or {}).get(doc_id, (4, 3))
                ax.annotate(
                    labels[doc_id],
                    (r["x"], r["y"]),
                    xytext=(dx, dy),
                    ha="right" if dx < 0 else "left",
                    textcoords="offset points",
                    fontsize=6,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
                    zorder=6,
                )
        ax.set_xlabel(f"{titles[0]}: {' + '.join(axes[names[0]]).replace('_', ' ')}\n(matches per 1,000 tokens)")
        ax.set_ylabel(f"{titles[1]}: {' + '.join(axes[names[1]]).replace('_', ' ')}\n(matches per 1,000 tokens)")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False, fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        fig.tight_layout()
    cols = [c for c in ["doc_id", by, "n_tokens", "x", "y", "x_low", "x_high", "y_low", "y_high"] if c in merged]
    docs = merged[cols].assign(kind="document")
    mean_rows = means.assign(kind="group mean", doc_id="")
    data = pd.concat([docs, mean_rows[["doc_id", by, "x", "y", "kind", "n_documents"]]], ignore_index=True)
    attach_data(fig, data)
    return fig


def plot_keyness_panels(
    keyness_df: pd.DataFrame,
    *,
    n: int = 8,
    target_label: str = "initiative",
    measure: str = "g2",
) -> Figure:
    """One bar panel per reference: the target's most and least key terms.

    Parameters
    ----------
    keyness_df : DataFrame
        Output of :func:`keyness_against_groups`.
    n : int
        Terms shown on each side of each panel.
    target_label : str
        Name of the target in the panel titles.
    measure : str
        Column drawn (``"g2"`` or ``"log_ratio"``); counts go to the attached data.

    Returns
    -------
    Figure
        With the plotted rows attached (``reference``, ``side``, ``term``, counts, G2, log ratio).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> k = pd.DataFrame({"reference": ["r", "r"], "term": ["x", "y"], "target_count": [5, 0],
    ...                   "reference_count": [1, 9], "target_rows": [2, 0], "target_rate": [5.0, 0.0],
    ...                   "reference_rate": [1.0, 9.0], "g2": [4.0, -6.0], "log_ratio": [2.3, -4.2],
    ...                   "p_value": [0.05, 0.01]})
    >>> fig = plot_keyness_panels(k, n=1)
    >>> fig._initiative_plotted_data[["reference", "side", "term"]].values.tolist()
    [['r', 'initiative', 'x'], ['r', 'reference', 'y']]
    >>> plt.close(fig)
    """
    missing = [c for c in [*KEYNESS_COLUMNS, measure] if c not in getattr(keyness_df, "columns", [])]
    if not isinstance(keyness_df, pd.DataFrame) or missing or keyness_df.empty:
        msg = f"keyness_df must be the non-empty output of keyness_against_groups(); missing columns {missing}"
        raise ValueError(msg)
    n = check_int(n, "n", minimum=1)
    refs = list(dict.fromkeys(keyness_df["reference"]))
    shown = []
    for ref in refs:
        d = keyness_df[keyness_df["reference"] == ref]
        d = d.sort_values([measure, "term"], ascending=[False, True], kind="mergesort")
        top = d[d[measure] > 0].head(n).assign(side=target_label)
        bottom = d[d[measure] < 0].tail(n).assign(side="reference")
        shown.append(pd.concat([top, bottom]))
    data = as_written(pd.concat(shown, ignore_index=True))
    with figure_style():
        width = min(PAGE_WIDTH, COLUMN_WIDTH * 0.75 * len(refs) + 0.6)
        fig, axes_ = new_axes(width, 0.17 * 2 * n + 1.0, ncols=len(refs), squeeze=False)
        axes = cast(Any, axes_)
        for ax, ref in zip(axes[0], refs, strict=True):
            d = data[data["reference"] == ref]
            y = np.arange(len(d))[::-1]
            own = (d["side"] == target_label).to_numpy()
            ax.barh(y[own], d.loc[own, measure], color="#0072B2", height=0.7, label=target_label)
            ax.barh(y[~own], d.loc[~own, measure], color="#E69F00", height=0.7, label=str(ref))
            ax.set_yticks(y, d["term"].astype(str).tolist())
            ax.axvline(0, color="#000000", linewidth=0.6)
            ax.set_title(f"{target_label} vs {ref}")
            ax.set_xlabel("signed G2" if measure == "g2" else "log ratio (binary log)")
            ax.tick_params(axis="y", length=0)
        fig.tight_layout()
    columns = ["reference", "side", "term", "target_count", "reference_count", "target_rate", "reference_rate",
               "g2", "log_ratio"]  # fmt: skip
    attach_data(fig, data[columns])
    return fig
