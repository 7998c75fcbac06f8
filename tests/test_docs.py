"""The documentation site: built offline with warnings as errors, then opened in headless Chromium.

The build (``mkdocs build --strict``, what ``python3 tasks.py docs`` runs) always runs; the
browser checks skip when Debian's ``chromium`` is not installed. Chromium runs with every
host name unresolvable and no proxy, so a page that needed the network would show it.
"""

from __future__ import annotations

import base64
import html
import importlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
STAGES = ["text", "build", "corpus", "methods", "topics", "datasets", "study", "plots", "report"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": str(Path(sys.executable).parent), "HOME": str(out)}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr
    return out


def _chromium(*args: str, timeout: float = 120) -> str:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://0.0.0.0:9",
        "--virtual-time-budget=10000",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    return done.stdout


def _dom(url: str) -> str:
    return _chromium("--dump-dom", url)


def _image_outputs(notebook: Path) -> int:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return sum(
        "image/png" in out.get("data", {})
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for out in cell.get("outputs", [])
    )


def test_site_has_every_notebook_and_api_page(site):
    for nb in NOTEBOOKS:
        assert (site / "notebooks" / f"{nb.stem}.html").is_file(), nb.name
    for stage in [*STAGES, "shared", "index"]:
        assert (site / "api" / f"{stage}.html").is_file(), stage
    # nothing on any page is loaded from elsewhere
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=\"(https?:)?//", text), page
        assert not re.search(r"<link[^>]*\shref=\"(https?:)?//", text), page


def test_api_pages_document_every_public_name(site):
    """Every name of every subpackage's __all__ has its entry (an anchor from its docstring)."""
    missing = []
    for stage in STAGES:
        package = importlib.import_module(f"initiative_lib.{stage}")
        page = (site / "api" / f"{stage}.html").read_text(encoding="utf-8")
        ids = set(re.findall(r'\sid="([^"]+)"', page))
        for name in package.__all__:
            module = getattr(getattr(package, name), "__module__", package.__name__)
            if f"{module}.{name}" not in ids:
                missing.append(f"{stage}: {module}.{name}")
    assert missing == []


@needs_chromium
def test_api_index_lists_every_public_function(site):
    dom = _dom((site / "api" / "index.html").as_uri())
    links = set(re.findall(r'<a href="(\w+)\.html#([\w.]+)"', dom))
    expected = set()
    for stage in STAGES:
        package = importlib.import_module(f"initiative_lib.{stage}")
        for name in package.__all__:
            module = getattr(getattr(package, name), "__module__", package.__name__)
            expected.add((stage, f"{module}.{name}"))
    assert expected - links == set()


@needs_chromium
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_pages_show_their_figures(site, notebook):
    import matplotlib.image as mpimg

    dom = _dom((site / "notebooks" / f"{notebook.stem}.html").as_uri())
    images = re.findall(r'<img[^>]*src="data:image/png;base64,([^"]+)"', dom)
    assert _image_outputs(notebook) >= 1
    assert len(images) == _image_outputs(notebook)
    for data in images:
        pixels = mpimg.imread(io.BytesIO(base64.b64decode(data)), format="png")
        assert pixels.shape[0] > 100
        assert pixels.shape[1] > 100
        assert pixels.std() > 0.01  # not blank
    # the narrative is there too: the notebook's first heading
    first = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"][0].lstrip("# ").strip()
    assert html.escape(first, quote=False) in dom


@needs_chromium
def test_topic_explorer_runs_offline_and_ranks_as_the_package_does(tmp_path):
    from initiative_lib.datasets import synthetic_dtm
    from initiative_lib.topics import fit_topics
    from initiative_lib.topics.explorer import relevance_ranking

    dtm, _ = synthetic_dtm(n_docs=30, segments_per_doc=2, n_terms=120, k=4, random_state=2)
    model = fit_topics(dtm, 4, random_state=0, max_iter=8)
    page = model.to_html(tmp_path / "topics.html", n_terms=15, n_docs=7)
    for topic, lam in [(0, 0.6), (2, 0.0), (3, 1.0), (1, 0.33)]:
        dom = _dom(f"{page.as_uri()}#topic={topic}&lambda={lam}")
        shown = re.findall(r'<div class="bar-row" data-term="([^"]+)"', dom)
        assert shown == relevance_ranking(model, topic, lam, 15), (topic, lam)
        assert f"Documents with the largest share of topic {topic}" in dom
        rows = re.findall(r"<tr><td>(d\d+)</td>", dom)
        expected = model.document_topics.iloc[:, topic].sort_values(ascending=False, kind="stable").index[:7]
        assert rows == expected.tolist()
        pressed = re.findall(r'<button type="button" aria-pressed="(\w+)">', dom)
        assert pressed == ["true" if k == topic else "false" for k in range(model.k)]
    # a screenshot renders (kept next to the page for a person to look at)
    shot = tmp_path / "topics.png"
    _chromium(f"--screenshot={shot}", "--window-size=1280,800", page.as_uri())
    assert shot.stat().st_size > 10_000
