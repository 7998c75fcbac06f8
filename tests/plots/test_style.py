"""save_figure writes PDF, PNG and CSV reproducibly and leaves global style alone."""

from __future__ import annotations

import io
import os

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from initiative_lib.plots import (
    plot_cyber_share,
    plot_k_diagnostics,
    plot_map,
    plot_prevalence,
    plot_robustness,
    plot_scaling,
    plot_similarity_heatmap,
    plot_topic_mix,
)
from initiative_lib.plots.style import FLOAT_FORMAT, as_written, attach_data, figure_style, new_axes, save_figure


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


# --- figures follow from their CSV ---------------------------------------------------------------


def _awkward_floats(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    special = [0.0, -0.0, np.nan, 5e-324, 1e308, -1e-300, 0.5, 1234565.0, 0.1234565, 9.999995, 999999.5]
    scaled = rng.standard_normal(200) * 10.0 ** rng.integers(-12, 12, 200)
    return np.concatenate([special, scaled, rng.uniform(0, 1, 50)])


@pytest.mark.parametrize("seed", range(5))
def test_as_written_is_what_the_csv_reads_back(seed):
    values = _awkward_floats(seed)
    df = pd.DataFrame({"label": [f"r{i}" for i in range(len(values))], "n": range(len(values)), "v": values})
    written = as_written(df)
    back = pd.read_csv(io.StringIO(df.to_csv(index=False, float_format=FLOAT_FORMAT)))
    np.testing.assert_array_equal(written["v"].to_numpy(), back["v"].to_numpy())
    assert written["n"].tolist() == df["n"].tolist()
    assert written["label"].tolist() == df["label"].tolist()
    pd.testing.assert_frame_equal(as_written(written), written)  # idempotent
    # and writing the rounded frame gives the same CSV text
    assert written.to_csv(index=False, float_format=FLOAT_FORMAT) == df.to_csv(index=False, float_format=FLOAT_FORMAT)


def test_as_written_exact_small_case():
    df = pd.DataFrame({"a": [1 / 3, 123456789.0, -2.5e-10, np.nan], "b": np.array([1, 2, 3, 4], dtype=np.int64)})
    out = as_written(df)
    assert out["a"].tolist()[:3] == [0.333333, 123457000.0, -2.5e-10]
    assert np.isnan(out["a"].iloc[3])
    assert out["b"].dtype == np.int64
    assert df["a"].iloc[0] == 1 / 3  # the input is not changed


def test_as_written_rejects_non_frames():
    with pytest.raises(TypeError, match="DataFrame"):
        as_written([1.0, 2.0])


def _nudge(df: pd.DataFrame, rel: float = 3e-10) -> pd.DataFrame:
    """Change every float by far less than the CSV's 6 significant digits."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c] * (1 + rel)
    return out


def _bytes(fig, tmp_path, tag):
    paths = save_figure(fig, "f", directory=tmp_path / tag, show=False)
    plt.close(fig)
    return {k: p.read_bytes() for k, p in paths.items()}


def _six_digit(rng, n, scale=1.0):
    # values with 6 significant digits, away from rounding boundaries after a nudge
    return np.round(rng.uniform(0.1, 0.9, n) * scale, 6) + 1e-9 * scale


PLOTS = {
    "prevalence": lambda f: plot_prevalence(f),
    "robustness": lambda f: plot_robustness(f),
    "cyber_share": lambda f: plot_cyber_share(f, by="region"),
    "k_diagnostics": lambda f: plot_k_diagnostics(f),
    "topic_mix": lambda f: plot_topic_mix(f),
    "scaling": lambda f: plot_scaling(f),
    "map": lambda f: plot_map(f, label_col="doc_id"),
    "similarity": lambda f: plot_similarity_heatmap(f),
}


def _inputs(kind):
    rng = np.random.default_rng(7)
    if kind == "prevalence":
        mean = _six_digit(rng, 6)
        return pd.DataFrame(
            {"category": list("aabbcc"), "topic": [0, 1] * 3, "mean": mean, "lo": mean - 0.05, "hi": mean + 0.05}
        )
    if kind == "robustness":
        return pd.DataFrame({"specification": ["a", "b", "c"], "js_strategy": _six_digit(rng, 3)})
    if kind == "cyber_share":
        return pd.DataFrame(
            {"year": [2000, 2001, 2000, 2001], "region": list("xxyy"), "share": _six_digit(rng, 4, 0.01)}
        )
    if kind == "k_diagnostics":
        return pd.DataFrame(
            {"k": [2, 2, 3, 3, 4, 4], "seed": [0, 1] * 3, "metric": "coherence_npmi", "value": _six_digit(rng, 6)}
        )
    if kind == "topic_mix":
        return pd.DataFrame(rng.dirichlet(np.ones(4), 3), index=["x", "y", "z"])
    if kind == "scaling":
        theta = _six_digit(rng, 5)
        return pd.DataFrame({"doc_id": list("abcde"), "theta": theta, "ci_low": theta - 0.1, "ci_high": theta + 0.1})
    if kind == "map":
        return pd.DataFrame({"doc_id": list("abcd"), "dim1": _six_digit(rng, 4), "dim2": -_six_digit(rng, 4)})
    s = rng.uniform(0, 1, (4, 4))
    s = (s + s.T) / 2
    np.fill_diagonal(s, 1.0)
    return pd.DataFrame(s, index=list("abcd"), columns=list("abcd"))


@pytest.mark.parametrize("kind", sorted(PLOTS))
def test_figures_do_not_change_below_the_csv_precision(tmp_path, kind):
    frame = _inputs(kind)
    draw = PLOTS[kind]
    with figure_style():
        first = _bytes(draw(frame), tmp_path, "a")
        nudged = _bytes(draw(_nudge(frame)), tmp_path, "b")
    assert first == nudged
    # a change the CSV can see changes the figure
    with figure_style():
        moved = _bytes(draw(_nudge(frame, rel=0.05)), tmp_path, "c")
    assert moved["csv"] != first["csv"]
    assert moved["png"] != first["png"]


# --- all-or-nothing writes -------------------------------------------------------------------------


def _old_files(folder):
    folder.mkdir()
    for ext in ("pdf", "png", "csv"):
        (folder / f"demo.{ext}").write_bytes(f"old {ext}".encode())
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_read_only_png_leaves_every_file_as_it_was(tmp_path):
    folder = tmp_path / "figs"
    before = _old_files(folder)
    (folder / "demo.png").chmod(0o444)
    with pytest.raises(PermissionError, match=r"demo\.png.*read-only; nothing was written"):
        save_figure(_figure(), "demo", directory=folder, show=False)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_directory_in_the_way_writes_nothing(tmp_path):
    folder = tmp_path / "figs"
    folder.mkdir()
    (folder / "demo.csv").mkdir()
    with pytest.raises(IsADirectoryError, match="not a regular file"):
        save_figure(_figure(), "demo", directory=folder, show=False)
    assert sorted(p.name for p in folder.iterdir()) == ["demo.csv"]


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5])
def test_a_failed_rename_puts_the_old_files_back(tmp_path, monkeypatch, fail_at):
    folder = tmp_path / "figs"
    before = _old_files(folder)
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == fail_at:
            raise OSError("disk full (simulated)")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OSError, match="simulated"):
        save_figure(_figure(), "demo", directory=folder, show=False)
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temporary files left either


def test_new_files_replace_old_ones_together(tmp_path):
    folder = tmp_path / "figs"
    _old_files(folder)
    paths = save_figure(_figure(), "demo", directory=folder, show=False)
    assert sorted(p.name for p in folder.iterdir()) == ["demo.csv", "demo.pdf", "demo.png"]
    assert paths["png"].read_bytes().startswith(b"\x89PNG")
    assert paths["pdf"].read_bytes().startswith(b"%PDF")


def test_show_displays_the_written_png_and_closes_the_figure(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    fig = _figure()
    paths = save_figure(fig, "demo", directory=tmp_path, show=True)
    assert len(shown) == 1
    assert shown[0].data == paths["png"].read_bytes()
    width = int.from_bytes(shown[0].data[16:20], "big")
    assert shown[0].width == round(width / 3)
    assert not plt.fignum_exists(fig.number)


def test_show_is_off_outside_a_kernel(tmp_path):
    fig = _figure()
    save_figure(fig, "demo", directory=tmp_path)
    assert plt.fignum_exists(fig.number)
    plt.close(fig)
    with pytest.raises(TypeError, match="show must be"):
        save_figure(_figure(), "demo", directory=tmp_path, show="yes")


def test_figure_style_keeps_interactive_mode_set_inside_the_block():
    was = mpl.is_interactive()
    try:
        mpl.interactive(False)
        with figure_style():
            mpl.interactive(True)  # what the inline backend does when it is loaded in the block
        assert mpl.is_interactive()
        with figure_style():
            pass
        assert mpl.is_interactive()
    finally:
        mpl.interactive(was)
