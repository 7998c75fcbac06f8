"""save_figure writes PDF, PNG and CSV reproducibly and leaves global style alone."""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
import pytest

from initiative_lib.plots.style import attach_data, figure_style, new_axes, save_figure


def _figure():
    with figure_style():
        fig, ax = new_axes()
        ax.plot([1, 2, 3], [3, 1, 2])
    return attach_data(fig, pd.DataFrame({"x": [1, 2, 3], "y": [3.0, 1.0, 2.0]}))


def test_save_figure_is_byte_identical_across_runs(tmp_path):
    first = save_figure(_figure(), "demo", directory=tmp_path / "a")
    second = save_figure(_figure(), "demo", directory=tmp_path / "b")
    for kind in ("pdf", "png", "csv"):
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind
    assert first["csv"].read_text() == "x,y\n1,3\n2,1\n3,2\n"
    assert b"CreationDate" not in first["pdf"].read_bytes()


def test_png_is_300_dpi(tmp_path):
    png = save_figure(_figure(), "dpi", directory=tmp_path)["png"].read_bytes()
    # pHYs chunk: pixels per metre, 300 dpi = 11811
    i = png.index(b"pHYs")
    assert int.from_bytes(png[i + 4 : i + 8], "big") == 11811


def test_style_is_not_changed_globally():
    before = dict(mpl.rcParams)
    _figure()
    assert dict(mpl.rcParams) == before


@pytest.mark.parametrize("name", ["", "../up", "a b", "x.pdf"])
def test_bad_names_are_rejected(tmp_path, name):
    with pytest.raises(ValueError, match="figure name must use letters"):
        save_figure(_figure(), name, directory=tmp_path)


def test_missing_data_is_an_error(tmp_path):
    fig, _ax = new_axes()
    with pytest.raises(ValueError, match="has no plotted data"):
        save_figure(fig, "nodata", directory=tmp_path)
