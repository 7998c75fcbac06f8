"""Figure conventions: palette, sizes, and the one function that writes figures.

Plot functions elsewhere in the package take ``ax=None``, draw, attach the
numbers they plotted with :func:`attach_data`, and return the figure. Only
:func:`save_figure` writes files: a PDF, a 300 dpi PNG and the plotted numbers
as CSV, with no timestamps or other run-dependent bytes, so that a second run
gives identical files. Nothing here changes matplotlib's global state; use
:func:`figure_style` as a context manager for the package's look.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.paths import figures_dir

#: Okabe and Ito (2008) colour-blind-safe palette, black last
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: widths in inches: one journal column, and a full page width
COLUMN_WIDTH = 3.5
PAGE_WIDTH = 7.2
DPI = 300
_DATA_ATTR = "_initiative_plotted_data"

STYLE = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,
    "svg.hashsalt": "initiative_lib",
}


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Apply the package's figure style inside a ``with`` block only.

    Examples
    --------
    >>> with figure_style():
    ...     fig, ax = new_axes()
    >>> plt.close(fig)
    """
    with mpl.rc_context(cast(Any, STYLE)):
        yield


def new_axes(width: float = COLUMN_WIDTH, height: float | None = None, **subplots: object) -> tuple[Figure, Axes]:
    """Make a figure of a journal width (inches) with one or more axes."""
    height = width * 0.75 if height is None else height
    fig, ax = plt.subplots(figsize=(width, height), **cast(dict[str, Any], subplots))
    return fig, ax


def get_axes(ax: Axes | None, width: float = COLUMN_WIDTH, height: float | None = None) -> tuple[Figure, Axes]:
    """Return ``(figure, ax)``: the given axes' figure, or a new figure."""
    if ax is None:
        return new_axes(width, height)
    return cast(Figure, ax.figure), ax


def attach_data(fig: Figure, data: pd.DataFrame) -> Figure:
    """Attach the numbers a figure shows, for :func:`save_figure` to write as CSV."""
    setattr(fig, _DATA_ATTR, data)
    return fig


def plotted_data(fig: Figure) -> pd.DataFrame | None:
    """Return the numbers attached to ``fig`` by :func:`attach_data`, if any."""
    return getattr(fig, _DATA_ATTR, None)


def save_figure(
    fig: Figure,
    name: str,
    *,
    data: pd.DataFrame | None = None,
    directory: str | os.PathLike[str] | None = None,
) -> dict[str, Path]:
    """Write ``name.pdf``, ``name.png`` (300 dpi) and ``name.csv`` reproducibly.

    Parameters
    ----------
    fig : Figure
    name : str
        File stem, letters, digits, ``-`` and ``_`` only.
    data : DataFrame, optional
        The plotted numbers; by default those attached with :func:`attach_data`.
    directory : path, optional
        Target folder; else ``$INITIATIVE_FIGURES``, else ``figures/`` in the repository.

    Returns
    -------
    dict
        ``{"pdf": path, "png": path, "csv": path}``.

    Raises
    ------
    ValueError
        If ``name`` is not a plain file stem or no data is given or attached.
    """
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        msg = f"figure name must use letters, digits, '-' or '_' only; got {name!r}"
        raise ValueError(msg)
    data = plotted_data(fig) if data is None else data
    if data is None:
        msg = f"figure {name!r} has no plotted data: pass data= or call attach_data() in the plot function"
        raise ValueError(msg)
    out = figures_dir(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"pdf": out / f"{name}.pdf", "png": out / f"{name}.png", "csv": out / f"{name}.csv"}
    fig.savefig(
        paths["pdf"],
        format="pdf",
        metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "initiative_lib"},
    )
    fig.savefig(paths["png"], format="png", dpi=DPI, metadata={"Software": None})
    data.to_csv(paths["csv"], index=False, lineterminator="\n", float_format="%.6g")
    return paths
