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
