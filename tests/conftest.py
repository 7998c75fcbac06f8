"""Shared fixtures: a tiny corpus and a writable copy of the shipped corpus."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import matplotlib
import pytest
from helpers import write_tiny_corpus

from initiative_lib.paths import DEFAULT_CORPUS_DIR

matplotlib.use("Agg")


ROOT = Path(__file__).resolve().parents[1]
#: test files that take longer than most notebooks (pytest --durations, tasks.py test's two processes):
#: the test command sends each file whole to one process (--dist loadfile) in the order collected,
#: so these start first, before the notebooks (which the command line lists longest first); a long
#: file started last would leave one process working alone at the end
LONG_FILES = (
    "tests/corpus/test_load.py",
    "tests/report/test_compare.py",
    "tests/report/test_compare_fetched.py",
)
#: long files started right after the notebooks, before the many short tests that fill in at the end
AFTER_NOTEBOOKS = ("tests/test_docs.py", "tests/report/test_model_cache.py", "tests/study/test_specification.py")


def start_order(path: Path) -> int:
    """Where a test file's tests start in the test command (stable sort: otherwise the collected order).

    Examples
    --------
    >>> [start_order(ROOT / p) for p in ("tests/corpus/test_load.py", "notebooks/03-fit-topics.ipynb")]
    [0, 3]
    >>> start_order(ROOT / "tests/test_docs.py"), start_order(ROOT / "tests/text/test_tokens.py")
    (4, 7)
    """
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()
    if rel in LONG_FILES:
        return LONG_FILES.index(rel)
    if path.suffix == ".ipynb":
        return len(LONG_FILES)
    if rel in AFTER_NOTEBOOKS:
        return len(LONG_FILES) + 1 + AFTER_NOTEBOOKS.index(rel)
    return len(LONG_FILES) + 1 + len(AFTER_NOTEBOOKS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the long test files first (see ``LONG_FILES``); each file's own order is kept."""
    items.sort(key=lambda item: start_order(Path(item.path)))


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
