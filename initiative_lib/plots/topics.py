"""Figures for topic models: K diagnostics, top terms, prevalence, topic mixes.

Each function draws on the axes it is given (or on a new figure of a journal
width), attaches the plotted numbers as a tidy DataFrame with
:func:`initiative_lib.plots.style.attach_data` and returns the figure. Styling is
applied with :func:`initiative_lib.plots.style.figure_style` inside the function
only; matplotlib's global settings are never changed and nothing is shown.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.plots.style import PAGE_WIDTH, PALETTE, as_written, attach_data, figure_style
from initiative_lib.topics.model import TopicModel

#: panel order and axis labels of :func:`plot_k_diagnostics`
K_METRICS: dict[str, str] = {
    "coherence_umass": "Coherence (UMass)",
    "coherence_npmi": "Coherence (NPMI)",
    "exclusivity": "Exclusivity",
    "perplexity": "Held-out perplexity",
    "stability": "Stability (cosine)",
}


def _axes_list(ax: Axes | Sequence[Axes] | np.ndarray, needed: int, name: str = "ax") -> list[Axes]:
    axes = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
    if len(axes) < needed or not all(isinstance(a, Axes) for a in axes):
        msg = f"{name} must be None or {needed} matplotlib Axes (one per panel); got {len(axes)} object(s)"
        raise ValueError(msg)
    return axes


def _topic_label(labels: Mapping[Any, str] | pd.Series | None, topic: Any) -> str:
    if labels is not None and topic in labels:
        return str(labels[topic])
    return f"Topic {topic}"


def plot_k_diagnostics(search_df: pd.DataFrame, *, ax: Axes | Sequence[Axes] | np.ndarray | None = None) -> Figure:
    """Diagnostics against the number of topics, one panel per metric.

    Each panel shows every seed's value (small grey points) and the mean over
    seeds (line with markers).

    Parameters
    ----------
    search_df : DataFrame
        :func:`initiative_lib.topics.diagnostics.search_k` output (``k, seed, metric, value``).
    ax : Axes or array of Axes, optional
        One axes per metric present (in the order of :data:`K_METRICS`); by
        default a new page-wide figure.

    Returns
    -------
    Figure
        With attached data ``metric, k, seed, value, kind`` (``kind`` is
        ``"seed"`` or ``"mean"``; ``seed`` is missing for means).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"k": [2, 2, 3, 3], "seed": [0, 1, 0, 1], "metric": "exclusivity",
    ...                    "value": [0.9, 0.8, 0.7, 0.75]})
    >>> fig = plot_k_diagnostics(df)
    >>> len(fig.axes)
    1
    >>> plt.close(fig)
    """
    need = {"k", "seed", "metric", "value"}
    if not isinstance(search_df, pd.DataFrame) or not need <= set(search_df.columns):
        msg = f"search_df must be a search_k() DataFrame with columns {sorted(need)}"
        raise ValueError(msg)
    metrics = [m for m in K_METRICS if m in set(search_df["metric"])]
    metrics += sorted(set(search_df["metric"]) - set(K_METRICS))
    if not metrics:
        msg = "search_df has no rows to plot"
        raise ValueError(msg)
    search_df = as_written(search_df)
    with figure_style():
        if ax is None:
            ncols = min(len(metrics), 3)
            nrows = math.ceil(len(metrics) / ncols)
            fig, grid = plt.subplots(nrows, ncols, figsize=(PAGE_WIDTH, 2.0 * nrows), squeeze=False)
            axes = list(grid.ravel())
            for extra in axes[len(metrics) :]:
                extra.set_visible(False)
        else:
            axes = _axes_list(ax, len(metrics))
            fig = cast(Figure, axes[0].figure)
        parts = []
        for a, metric in zip(axes, metrics, strict=False):
            d = search_df[search_df["metric"] == metric].sort_values(["k", "seed"])
            mean = as_written(d.groupby("k", sort=True)[["value"]].mean())["value"]
            a.scatter(d["k"], d["value"], s=8, color="0.6", zorder=2, label="seeds")
            a.plot(mean.index, mean.to_numpy(), marker="o", ms=3, color=PALETTE[0], zorder=3, label="mean")
            a.set_xlabel("Number of topics (K)")
            a.set_ylabel(K_METRICS.get(metric, metric))
            a.set_xticks(sorted(d["k"].unique()))
            parts.append(d.assign(kind="seed")[["metric", "k", "seed", "value", "kind"]])
            parts.append(
                pd.DataFrame(
                    {"metric": metric, "k": mean.index, "seed": pd.NA, "value": mean.to_numpy(), "kind": "mean"}
                )
            )
        if ax is None:
            fig.tight_layout()
    data = pd.concat(parts, ignore_index=True)
    return attach_data(fig, data)


def plot_top_terms(
    model: TopicModel,
    *,
    n: int = 8,
    by: str = "prob",
    topics: Sequence[int] | None = None,
    labels: Mapping[Any, str] | pd.Series | None = None,
    ax: Axes | Sequence[Axes] | np.ndarray | None = None,
) -> Figure:
    """Horizontal bars of each topic's top terms (probability within topic).

    Parameters
    ----------
    model : TopicModel
    n : int
        Terms per topic.
    by : {"prob", "frex"}
        How terms are chosen (bars always show the probability).
    topics : list of int, optional
        Topics to show (default all).
    labels : mapping, optional
        Panel titles by topic (default ``"Topic k"``).
    ax : Axes or array of Axes, optional
        One axes per topic; by default a page-wide grid with 4 columns.

    Returns
    -------
    Figure
        Attached data: ``topic, rank, term, prob, exclusivity, frex``.

    Examples
    --------
    >>> from initiative_lib.topics.model import fit_topics
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
    >>> fig = plot_top_terms(fit_topics(dtm, 2, method="nmf", random_state=0), n=4)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    if not isinstance(model, TopicModel):
        msg = f"model must be a TopicModel; got {type(model).__name__}"
        raise TypeError(msg)
    topics = list(model.topic_term.index) if topics is None else list(topics)
    unknown = [t for t in topics if t not in model.topic_term.index]
    if unknown or not topics:
        msg = f"topics must be a non-empty list of the model's topics 0..{model.k - 1}; got {topics!r}"
        raise ValueError(msg)
    tt = model.top_terms(n, by=by)
    tt = as_written(tt[tt["topic"].isin(topics)].reset_index(drop=True))
    with figure_style():
        if ax is None:
            ncols = min(5, len(topics))
            nrows = math.ceil(len(topics) / ncols)
            fig, grid = plt.subplots(
                nrows, ncols, figsize=(PAGE_WIDTH, max(1.1, 0.13 * n + 0.6) * nrows), squeeze=False
            )
            axes = list(grid.ravel())
            for extra in axes[len(topics) :]:
                extra.set_visible(False)
        else:
            axes = _axes_list(ax, len(topics))
            fig = cast(Figure, axes[0].figure)
        for i, (a, t) in enumerate(zip(axes, topics, strict=False)):
            d = tt[tt["topic"] == t].sort_values("rank")
            y = np.arange(len(d))[::-1]
            score = "frex" if by == "frex" else "prob"
            a.barh(y, d[score], color=PALETTE[i % (len(PALETTE) - 1)], height=0.7)
            a.set_yticks(y, d["term"].tolist())
            a.tick_params(axis="y", labelsize=6, length=0)
            a.tick_params(axis="x", labelsize=5)
            a.xaxis.set_major_locator(plt.MaxNLocator(2))
            a.set_title(textwrap.fill(_topic_label(labels, t), 26), loc="left", fontsize=6)
            a.set_xlabel("FREX score" if score == "frex" else "probability", fontsize=6)
        if ax is None:
            fig.tight_layout()
    return attach_data(fig, tt)


def plot_prevalence(
    prev_df: pd.DataFrame,
    *,
    labels: Mapping[Any, str] | pd.Series | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Mean topic share per category with its interval (point and bar).

    Topics run down the y axis; categories are dodged vertically and
    coloured with the palette.

    Parameters
    ----------
    prev_df : DataFrame
        :func:`initiative_lib.topics.prevalence.topic_prevalence` output
        (``category, topic, mean, lo, hi, n_docs``).
    labels : mapping, optional
        Topic labels (default ``"Topic k"``).
    ax : Axes, optional
        By default a new one-column figure.

    Returns
    -------
    Figure
        Attached data: the rows of ``prev_df`` plotted.

    Examples
    --------
    >>> import pandas as pd
    >>> prev = pd.DataFrame({"category": ["a", "a", "b", "b"], "topic": [0, 1, 0, 1],
    ...                      "mean": [0.6, 0.4, 0.3, 0.7], "lo": [0.5, 0.3, 0.2, 0.6],
    ...                      "hi": [0.7, 0.5, 0.4, 0.8], "n_docs": 5})
    >>> fig = plot_prevalence(prev)
    >>> plt.close(fig)
    """
    need = {"category", "topic", "mean", "lo", "hi"}
    if not isinstance(prev_df, pd.DataFrame) or not need <= set(prev_df.columns) or prev_df.empty:
        msg = f"prev_df must be a non-empty topic_prevalence() DataFrame with columns {sorted(need)}"
        raise ValueError(msg)
    prev_df = as_written(prev_df)
    topics = list(pd.unique(prev_df["topic"]))
    cats = [str(c) for c in pd.unique(prev_df["category"])]
    ncols = min(5, len(topics))
    nrows = math.ceil(len(topics) / ncols)
    with figure_style():
        if ax is None:
            fig, grid = plt.subplots(
                nrows, ncols, figsize=(PAGE_WIDTH, (0.12 * len(cats) + 0.75) * nrows), sharex=True, squeeze=False
            )
            axes = list(grid.ravel())
        else:
            axes = list(np.ravel(cast(Any, ax)))
            if len(axes) < len(topics):
                msg = f"ax must hold at least one axes per topic ({len(topics)}); got {len(axes)}"
                raise ValueError(msg)
            fig = cast(Figure, axes[0].figure)
        y = np.arange(len(cats))[::-1]
        for a, topic in zip(axes, topics, strict=False):
            d = prev_df[prev_df["topic"] == topic].assign(category=lambda x: x["category"].astype(str))
            d = d.set_index("category").reindex(cats)
            mean = d["mean"].to_numpy(dtype=float)
            err = np.vstack([mean - d["lo"].to_numpy(dtype=float), d["hi"].to_numpy(dtype=float) - mean])
            for ci in range(len(cats)):
                a.errorbar(
                    mean[ci],
                    y[ci],
                    xerr=np.clip(err[:, [ci]], 0, None),
                    fmt="o",
                    ms=2.5,
                    lw=0.8,
                    capsize=0,
                    color=PALETTE[ci % len(PALETTE)],
                )
            a.set_title(textwrap.fill(_topic_label(labels, topic), 28), fontsize=6, loc="left")
            a.set_yticks(y, cats if a in axes[::ncols] else [])
            a.tick_params(axis="y", labelsize=6, length=0)
            a.grid(axis="x", color="0.9", lw=0.5)
        for a in axes[len(topics) :]:
            a.set_visible(False)
        for a in axes[-ncols:]:
            a.set_xlabel("mean share", fontsize=6)
        if ax is None:
            fig.tight_layout(h_pad=0.6, w_pad=0.4)
    return attach_data(fig, prev_df.reset_index(drop=True).copy())


def plot_topic_mix(
    shares_df: pd.DataFrame,
    *,
    labels: Mapping[Any, str] | pd.Series | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Compare topic mixes: one marker series per row of ``shares_df``.

    Typical use: the initiative's inferred shares (``TopicModel.transform(...,
    by_document=True)``) against each group's mean, as built by
    :func:`initiative_lib.topics.prevalence.topic_mix_table`.

    Parameters
    ----------
    shares_df : DataFrame
        Rows = series (e.g. ``"initiative (inferred)"``, ``"declaration"``),
        columns = topics, values = shares.
    labels : mapping, optional
        Topic labels.
    ax : Axes, optional

    Returns
    -------
    Figure
        Attached data: ``series, topic, share``.

    Examples
    --------
    >>> import pandas as pd
    >>> mix = pd.DataFrame([[0.2, 0.8], [0.5, 0.5]], index=["initiative", "strategy"])
    >>> fig = plot_topic_mix(mix)
    >>> plt.close(fig)
    """
    if not isinstance(shares_df, pd.DataFrame) or shares_df.empty:
        msg = "shares_df must be a non-empty DataFrame (rows = series, columns = topics)"
        raise ValueError(msg)
    shares_df = as_written(shares_df)
    topics = list(shares_df.columns)
    with figure_style():
        fig, a = (
            plt.subplots(figsize=(PAGE_WIDTH, max(2.0, 0.22 * len(topics) + 0.9)))
            if ax is None
            else (cast(Figure, ax.figure), ax)
        )
        y = np.arange(len(topics))[::-1]
        markers = ["D", "o", "s", "^", "v", "P", "X", "*"]
        for i, (name, row) in enumerate(shares_df.iterrows()):
            a.scatter(
                row.to_numpy(dtype=float),
                y,
                s=18 if i == 0 else 12,
                marker=markers[i % len(markers)],
                color=PALETTE[i % len(PALETTE)],
                label=str(name),
                zorder=3 if i == 0 else 2,
            )
        a.set_yticks(y, [_topic_label(labels, t) for t in topics])
        a.set_xlabel("Topic share")
        a.set_xlim(0, float(np.nanmax(shares_df.to_numpy(dtype=float))) * 1.08)
        a.grid(axis="y", color="0.9", lw=0.5)
        a.legend(frameon=False, loc="lower right")
        if ax is None:
            fig.tight_layout()
    wide = shares_df.rename_axis(index="series").reset_index()
    tidy = wide.melt(id_vars="series", var_name="topic", value_name="share")
    return attach_data(fig, tidy)
