"""Figure of the robustness table: one row per specification."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.plots.corpus import group_colours
from initiative_lib.plots.style import PAGE_WIDTH, as_written, attach_data, get_axes


def plot_robustness(table: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """Distance from the initiative to each group, under each specification.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`initiative_lib.study.robustness.robustness_table`
        (``specification`` and ``js_<group>`` columns).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"specification": ["a", "b"], "js_strategy": [0.4, 0.5], "js_netmundial": [0.6, 0.55]})
    >>> fig = plot_robustness(t)
    >>> fig.axes[0].get_xlabel()
    'Jensen-Shannon distance from the initiative'
    """
    groups = [c.removeprefix("js_") for c in table.columns if c.startswith("js_")]
    if "specification" not in table.columns or not groups:
        msg = f"table needs 'specification' and 'js_<group>' columns; got {list(table.columns)}"
        raise ValueError(msg)
    table = as_written(table)
    fig, ax = get_axes(ax, PAGE_WIDTH * 0.6, 0.28 * len(table) + 0.9)
    colours = group_colours(groups)
    positions = range(len(table))
    for group in groups:
        ax.scatter(table[f"js_{group}"], positions, s=16, color=colours[group], label=group, zorder=3)
    ax.set_yticks(list(positions), table["specification"])
    ax.invert_yaxis()
    ax.grid(axis="y", linewidth=0.3, color="0.85")
    ax.set_xlabel("Jensen-Shannon distance from the initiative")
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(1.0, 0.0))
    data = table.melt(
        id_vars="specification", value_vars=[f"js_{g}" for g in groups], var_name="group", value_name="js_distance"
    )
    data["group"] = data["group"].str.removeprefix("js_")
    return attach_data(fig, data)
