"""The notebooks regenerate exactly the figure data committed in figures/.

``python3 tasks.py test`` runs the notebooks (nbval) before the unit tests,
with ``$INITIATIVE_FIGURES`` pointing at a temporary folder, and sets
``$INITIATIVE_REGENERATED_FIGURES`` to it; this test then compares every
regenerated CSV with the committed one. Run alone, it is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from initiative_lib.paths import DEFAULT_FIGURES_DIR

REGENERATED = os.environ.get("INITIATIVE_REGENERATED_FIGURES")
pytestmark = pytest.mark.skipif(not REGENERATED, reason="run through 'python3 tasks.py test' after the notebooks")


@pytest.mark.parametrize("ext", ["csv", "png", "pdf"])
def test_every_committed_figure_was_regenerated_identically(ext):
    # figures are drawn from the rounded values of their CSV, so the images are identical too
    regenerated = Path(REGENERATED)
    committed = sorted(p.name for p in DEFAULT_FIGURES_DIR.glob(f"*.{ext}"))
    fresh = sorted(p.name for p in regenerated.glob(f"*.{ext}"))
    assert committed, "figures/ holds no figures"
    assert fresh == committed
    for name in committed:
        assert (regenerated / name).read_bytes() == (DEFAULT_FIGURES_DIR / name).read_bytes(), name


def test_every_figure_has_pdf_png_and_csv():
    stems = {p.stem for p in DEFAULT_FIGURES_DIR.iterdir() if p.suffix in {".pdf", ".png", ".csv"}}
    for stem in stems:
        for ext in (".pdf", ".png", ".csv"):
            assert (DEFAULT_FIGURES_DIR / f"{stem}{ext}").is_file(), f"{stem}{ext}"
