"""The Dask backend of the LDA E-step gives the local fit to the last bit (LocalCluster, 2 workers)."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.sparse as sp

import initiative_lib.topics.lda as lda_module
from initiative_lib.topics.lda import VectorizedLDA

distributed = pytest.importorskip("distributed")

from initiative_lib.topics.distributed import dask_backend  # noqa: E402


@pytest.fixture
def client(dask_client):
    return dask_client


def _counts(n_rows=200, n_cols=80, seed=12):
    rng = np.random.default_rng(seed)
    X = sp.random(
        n_rows, n_cols, density=0.15, format="csr", random_state=seed, data_rvs=lambda n: rng.integers(1, 6, n)
    )
    X.data = X.data.astype(float)
    return X


def _fit(X, n_jobs=1):
    m = VectorizedLDA(5, max_iter=5, inner_iter=20, mean_change_tol=1e-3, random_state=7, n_jobs=n_jobs).fit(X)
    return m, (m.components_, m.transform(X, normalize=False), m.perplexity(X))


@pytest.mark.slow
@pytest.mark.parametrize("use_fused", [True, False])
def test_dask_fit_is_bit_identical_to_the_local_fit(monkeypatch, client, use_fused):
    monkeypatch.setattr(lda_module, "USE_FUSED", use_fused and lda_module.USE_FUSED)
    monkeypatch.setattr(lda_module, "CHUNK_ELEMENTS", 500)  # many chunks, spread over both workers
    X = _counts()
    assert len(lda_module._split(X, 5)) > 10
    _, local = _fit(X)
    with dask_backend(client):
        _, remote = _fit(X)
    assert np.array_equal(local[0], remote[0])
    assert np.array_equal(local[1], remote[1])
    assert local[2] == remote[2]
    assert len(client.scheduler_info()["workers"]) == 2


@pytest.mark.slow
def test_dask_backend_is_scoped_to_the_block(client):
    X = _counts(seed=3)
    with dask_backend(client):
        assert lda_module.CHUNK_MAPPER.get() is not None
        _fit(X)
    assert lda_module.CHUNK_MAPPER.get() is None
    deadline = time.monotonic() + 10
    while client.who_has() and time.monotonic() < deadline:  # cancelling is asynchronous
        time.sleep(0.1)
    assert not client.who_has()  # the scattered chunks were released


def test_dask_backend_rejects_other_objects():
    with pytest.raises(TypeError, match=r"client must be a distributed\.Client; got str"), dask_backend("tcp://x"):
        pass
