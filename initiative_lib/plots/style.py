"""Figure conventions: palette, sizes, and the one function that writes figures.

Plot functions elsewhere in the package take ``ax=None``, round the numbers
they plot with :func:`as_written` (the values the CSV will hold), draw from
those, attach them with :func:`attach_data`, and return the figure; so the
PDF and PNG follow from the CSV alone. Only :func:`save_figure` writes files:
a PDF, a 300 dpi PNG and the plotted numbers as CSV, with no timestamps or
other run-dependent bytes, all three or none. Nothing here changes
matplotlib's global state; use :func:`figure_style` as a context manager for
the package's look.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from initiative_lib.corpus.export import write_files_atomically
from initiative_lib.paths import figures_dir

#: Okabe and Ito (2008) colour-blind-safe palette, black last
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: widths in inches: one journal column, and a full page width
COLUMN_WIDTH = 3.5
PAGE_WIDTH = 7.2
DPI = 300
#: how floats are written to a figure's CSV; figures are drawn from values rounded so
FLOAT_FORMAT = "%.6g"
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

    Notes
    -----
    Interactive mode is not part of the style: whatever it is at the end of
    the block is kept. When the first figure of a session is made inside the
    block, the backend is loaded there, and the inline backend of a Jupyter
    kernel then turns interactive mode on; were that undone with the style,
    later figures would not be shown below their cells.
    """
    with mpl.rc_context(cast(Any, STYLE)):
        try:
            yield
        finally:
            interactive = mpl.is_interactive()
    mpl.interactive(interactive)


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


def as_written(data: pd.DataFrame) -> pd.DataFrame:
    """Return ``data`` with every float rounded as :func:`save_figure` writes it to CSV.

    Floats are written with :data:`FLOAT_FORMAT` (6 significant digits); this
    returns a copy holding exactly the values read back from that text, so a
    figure drawn from it follows from its CSV alone. Other columns are
    unchanged; float index and column labels are left alone. Rounding twice
    changes nothing.

    Examples
    --------
    >>> df = pd.DataFrame({"term": ["a", "b"], "n": [3, 4], "share": [0.123456789, 2 / 3]})
    >>> as_written(df)["share"].tolist()
    [0.123457, 0.666667]
    >>> as_written(df).equals(as_written(as_written(df)))
    True
    """
    if not isinstance(data, pd.DataFrame):
        msg = f"data must be a pandas DataFrame; got {type(data).__name__}"
        raise TypeError(msg)
    out = data.copy()
    for j in range(out.shape[1]):
        column = out.iloc[:, j]
        if pd.api.types.is_float_dtype(column.dtype):
            values = column.to_numpy(dtype=float, na_value=np.nan)
            text = np.char.mod(FLOAT_FORMAT, values)
            out.isetitem(j, pd.Series(text.astype(float), index=out.index, dtype=column.dtype))
    return out


def attach_data(fig: Figure, data: pd.DataFrame) -> Figure:
    """Attach the numbers a figure shows, for :func:`save_figure` to write as CSV.

    The data are stored as :func:`as_written` rounds them; plot functions
    draw from those same rounded values.
    """
    setattr(fig, _DATA_ATTR, as_written(data))
    return fig


def plotted_data(fig: Figure) -> pd.DataFrame | None:
    """Return the numbers attached to ``fig`` by :func:`attach_data`, if any."""
    return getattr(fig, _DATA_ATTR, None)


def _render(fig: Figure, data: pd.DataFrame) -> dict[str, bytes]:
    pdf, png = io.BytesIO(), io.BytesIO()
    fig.savefig(
        pdf,
        format="pdf",
        metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "initiative_lib"},
    )
    fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    csv = data.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT).encode("utf-8")
    return {"pdf": pdf.getvalue(), "png": png.getvalue(), "csv": csv}


def _inline_kernel() -> bool:
    """True inside a Jupyter kernel whose matplotlib backend is the inline one."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebook extras
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel") and "inline" in str(mpl.get_backend()).lower()


def _show_png(fig: Figure, png: bytes) -> None:
    from IPython.display import Image, display

    width = int.from_bytes(png[16:20], "big")  # IHDR: the PNG's width in pixels
    display(Image(data=png, format="png", width=round(width * 100 / DPI)))
    plt.close(fig)


def save_figure(
    fig: Figure,
    name: str,
    *,
    data: pd.DataFrame | None = None,
    directory: str | os.PathLike[str] | None = None,
    show: bool | None = None,
) -> dict[str, Path]:
    """Write ``name.pdf``, ``name.png`` (300 dpi) and ``name.csv`` reproducibly, all three or none.

    Parameters
    ----------
    fig : Figure
    name : str
        File stem, letters, digits, ``-`` and ``_`` only.
    data : DataFrame, optional
        The plotted numbers; by default those attached with :func:`attach_data`.
        Floats are written with :data:`FLOAT_FORMAT`.
    directory : path, optional
        Target folder; else ``$INITIATIVE_FIGURES``, else ``figures/`` in the repository.
    show : bool or None
        Display the written PNG below the running cell and close ``fig`` in
        pyplot (so it is not shown twice). ``None`` (default): only in a
        Jupyter kernel with the inline backend, so that a notebook shows
        exactly the committed image, at 100 pixels per inch.

    Returns
    -------
    dict
        ``{"pdf": path, "png": path, "csv": path}``.

    Raises
    ------
    ValueError
        If ``name`` is not a plain file stem or no data is given or attached.
    PermissionError
        If one of the three files exists read-only; then none is written.
    OSError
        If any write fails; the files that were there before are put back.

    Notes
    -----
    The three files are rendered in memory, written to temporary files in the
    target folder and renamed into place; if any step fails, the renames done
    so far are undone, so a PDF never sits beside an older PNG and CSV.

    Examples
    --------
    >>> import tempfile
    >>> with figure_style():
    ...     fig, ax = new_axes()
    >>> _ = ax.plot([0, 1], [0.5, 0.25])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = save_figure(fig, "demo", data=pd.DataFrame({"x": [0, 1], "y": [0.5, 0.25]}),
    ...                         directory=folder, show=False)
    ...     print(paths["csv"].read_text(), end="")
    x,y
    0,0.5
    1,0.25
    >>> plt.close(fig)
    """
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        msg = f"figure name must use letters, digits, '-' or '_' only; got {name!r}"
        raise ValueError(msg)
    if show is not None and not isinstance(show, bool):
        msg = f"show must be True, False or None (only in a Jupyter kernel); got {show!r}"
        raise TypeError(msg)
    data = plotted_data(fig) if data is None else data
    if data is None:
        msg = f"figure {name!r} has no plotted data: pass data= or call attach_data() in the plot function"
        raise ValueError(msg)
    out = figures_dir(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / f"{name}.{kind}" for kind in ("pdf", "png", "csv")}
    rendered = _render(fig, data)
    write_files_atomically(out, {paths[kind].name: payload for kind, payload in rendered.items()})
    if show or (show is None and _inline_kernel()):
        _show_png(fig, rendered["png"])
    return paths
