"""Every figure: the package style and :func:`save_figure`, and one module of ``plot_*``
functions per notebook theme.
"""

from __future__ import annotations

from initiative_lib.plots.compare import (
    plot_dictionary_profile,
    plot_framing_map,
    plot_keyness,
    plot_keyness_panels,
    plot_map,
    plot_scaling,
    plot_similarity_heatmap,
)
from initiative_lib.plots.corpus import group_colours, plot_lengths, plot_timeline
from initiative_lib.plots.debates import plot_cyber_share
from initiative_lib.plots.reading import plot_parts
from initiative_lib.plots.robustness import plot_robustness
from initiative_lib.plots.style import attach_data, figure_style, get_axes, new_axes, plotted_data, save_figure
from initiative_lib.plots.topics import plot_k_diagnostics, plot_prevalence, plot_top_terms, plot_topic_mix
from initiative_lib.plots.validity import plot_baseline_percentiles, plot_interval_dots

__all__ = [
    "attach_data",
    "figure_style",
    "get_axes",
    "group_colours",
    "new_axes",
    "plot_baseline_percentiles",
    "plot_cyber_share",
    "plot_dictionary_profile",
    "plot_framing_map",
    "plot_interval_dots",
    "plot_k_diagnostics",
    "plot_keyness",
    "plot_keyness_panels",
    "plot_lengths",
    "plot_map",
    "plot_parts",
    "plot_prevalence",
    "plot_robustness",
    "plot_scaling",
    "plot_similarity_heatmap",
    "plot_timeline",
    "plot_top_terms",
    "plot_topic_mix",
    "plotted_data",
    "save_figure",
]
