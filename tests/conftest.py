"""Shared fixtures: a tiny corpus and a writable copy of the shipped corpus."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import matplotlib
import pytest
from helpers import write_tiny_corpus

from initiative_lib.paths import DEFAULT_CORPUS_DIR

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_open_figures():
    """Close the pyplot figures a test leaves open, so a worker never holds more than one test's figures."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


ROOT = Path(__file__).resolve().parents[1]
#: CPU seconds of the longer test files (per-file sums of ``python3 tasks.py test`` on 2026-12-01, rounded;
#: the notebooks' own estimates are :data:`initiative_lib.notebooks.MEASURED_SECONDS`). The test command
#: sends each file whole to one of its two processes (``--dist loadfile --no-loadscope-reorder``) in the
#: order collected; files and notebooks start longest first, and the many short files fill in at the end,
#: so that neither process works alone for long at the end (a long file started last would)
LONG_FILES = {
    "tests/corpus/test_load.py": 40,
    "tests/report/test_compare.py": 30,
    "tests/test_docs.py": 27,
    "tests/test_notebooks.py": 25,
    "tests/corpus/test_matrix_blocks.py": 22,
    "tests/report/test_model_cache.py": 19,
    "tests/plots/test_style.py": 15,
    "tests/topics/test_lda.py": 14,
    "tests/study/test_exact_fast_paths.py": 13,
    "tests/text/test_fast_paths.py": 12,
    "tests/study/test_specification.py": 11,
    "tests/report/test_compare_fetched.py": 10,
    "tests/test_packaging.py": 10,
    "tests/topics/test_store.py": 10,
    "tests/topics/test_distributed.py": 10,
    "tests/study/test_validity.py": 8,
}


def start_order(path: Path) -> float:
    """Where a test file's tests start in the test command: minus its estimated seconds (0 if short).

    A stable sort on this keeps the collected order among the short files. A notebook not
    measured yet starts first (as :func:`initiative_lib.notebooks.longest_first` orders it).

    Examples
    --------
    >>> [start_order(ROOT / p) for p in ("notebooks/08-compare-your-document.ipynb", "tests/corpus/test_load.py")]
    [-48, -40]
    >>> start_order(ROOT / "notebooks/99-new.ipynb"), start_order(ROOT / "tests/text/test_tokens.py")
    (-inf, 0)
    """
    from initiative_lib.notebooks import expected_seconds

    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()
    if path.suffix == ".ipynb":
        return -expected_seconds(path)
    return -LONG_FILES.get(rel, 0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the long test files and notebooks first (see ``LONG_FILES``); each file's own order is kept."""
    order = {path: start_order(path) for path in {Path(item.path) for item in items}}
    items.sort(key=lambda item: order[Path(item.path)])


def pytest_configure(config: pytest.Config) -> None:
    """Keep the tests' download and matrix cache out of the user's cache."""
    os.environ["INITIATIVE_DATA"] = tempfile.mkdtemp(prefix="initiative-test-cache-")


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A valid tiny corpus folder in a temporary directory."""
    return write_tiny_corpus(tmp_path / "corpus")


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR, dest)
    return dest


@pytest.fixture(scope="session")
def dask_client():
    """A LocalCluster of 2 worker processes with one thread each, and its client (skips without dask)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c
