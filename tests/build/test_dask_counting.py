"""Counting on a Dask cluster gives the local matrix (LocalCluster, 2 worker processes).

Every text below is invented for the tests; no text of the mirror is used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import MIRROR, needs_mirror

import initiative_lib.build.ungdc_paragraphs as pm

distributed = pytest.importorskip("distributed")

WORDS = ["peace", "Security", "cyberspace", "e-government", "Zürich", "rights", "2030", "multi-stakeholder"]


@pytest.fixture
def client(dask_client):
    return dask_client


def _texts(n: int) -> list[str]:
    return [" ".join(WORDS[(i * 3 + j * j) % len(WORDS)] for j in range(5 + i % 7)) + "." for i in range(n)]


def _same(a: pm.DocumentTermMatrix, b: pm.DocumentTermMatrix) -> None:
    assert a.counts.dtype == b.counts.dtype == np.int64
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(a.counts, name), getattr(b.counts, name))
    assert a.vocab.equals(b.vocab)
    pd.testing.assert_frame_equal(a.rows, b.rows)


def test_count_texts_on_a_cluster_equals_the_local_count(client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pm, "BATCH_TEXTS", 7)  # several batches, spread over both workers
    texts = [*_texts(40), "", "Only-new words here."]
    _same(pm.count_texts(texts), pm.count_texts(texts, client=client))


def test_paragraph_matrix_on_a_cluster_equals_the_local_one(client, tmp_path: Path) -> None:
    root = tmp_path / "ungdc"
    for i, code in enumerate(["FRA", "CHN", "RUS", "USA", "BRA"]):
        session = 72 + i % 2
        path = root / f"{session}-{session + 1945}" / f"{code}_{session}_{session + 1945}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(_texts(3 + i)) + "\n", encoding="utf-8")
    local = pm.ungdc_paragraph_matrix(root, cache=False)
    _same(local, pm.ungdc_paragraph_matrix(root, cache=False, client=client))


def test_client_must_be_a_client() -> None:
    with pytest.raises(TypeError, match=r"client must be a distributed\.Client or None; got str"):
        pm.count_texts(["a"], client="tcp://127.0.0.1:8786")


@needs_mirror
@pytest.mark.slow
def test_mirror_session_on_a_cluster(client) -> None:
    local = pm.ungdc_paragraph_matrix(MIRROR / "ungdc", sessions=[70], cache=False)
    _same(local, pm.ungdc_paragraph_matrix(MIRROR / "ungdc", sessions=[70], cache=False, client=client))
