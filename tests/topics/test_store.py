"""Tests for initiative_lib.topics.store (the model store) and fit_topics' empty_rows option."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.datasets import synthetic_dtm
from initiative_lib.errors import CacheWarning
from initiative_lib.topics import lda as lda_module
from initiative_lib.topics import store
from initiative_lib.topics.model import fit_topics
from initiative_lib.topics.stability import fit_seed_ensemble


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("INITIATIVE_DATA", str(tmp_path / "cache"))
    monkeypatch.delenv(store.STORE_ENV, raising=False)
    return tmp_path / "cache" / store.FOLDER


@pytest.fixture(scope="module")
def dtm() -> DocumentTermMatrix:
    return synthetic_dtm(n_docs=30, segments_per_doc=3, n_terms=80, k=3, random_state=5)[0]


def _count_fits(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = lda_module.VectorizedLDA.fit

    def counting(self, X, y=None):
        calls.append(1)
        return real(self, X, y)

    monkeypatch.setattr(lda_module.VectorizedLDA, "fit", counting)
    return calls


def _assert_same(a, b, target: DocumentTermMatrix) -> None:
    assert np.array_equal(a.estimator.components_, b.estimator.components_)
    assert np.array_equal(a.estimator.exp_dirichlet_component_, b.estimator.exp_dirichlet_component_)
    pd.testing.assert_frame_equal(a.topic_term, b.topic_term, check_exact=True)
    pd.testing.assert_frame_equal(a.segment_topics, b.segment_topics, check_exact=True)
    pd.testing.assert_frame_equal(a.document_topics, b.document_topics, check_exact=True)
    pd.testing.assert_frame_equal(a.top_terms(5, by="frex"), b.top_terms(5, by="frex"), check_exact=True)
    pd.testing.assert_frame_equal(a.transform(target), b.transform(target), check_exact=True)
    assert a.estimator.perplexity(target.counts) == b.estimator.perplexity(target.counts)
    assert a.config == b.config


def test_a_loaded_model_equals_the_fitted_one(cache, dtm, monkeypatch):
    calls = _count_fits(monkeypatch)
    fitted = fit_topics(dtm, 3, random_state=1, max_iter=4)
    assert len(calls) == 1
    assert len(list(cache.glob("*.npz"))) == 1
    loaded = fit_topics(dtm, 3, random_state=1, max_iter=4)
    assert len(calls) == 1  # read from the store, not refitted
    monkeypatch.setenv(store.STORE_ENV, "0")
    fresh = fit_topics(dtm, 3, random_state=1, max_iter=4)
    assert len(calls) == 2
    _assert_same(fitted, loaded, dtm)
    _assert_same(fresh, loaded, dtm)


def test_every_setting_is_part_of_the_key(cache, dtm, monkeypatch):
    calls = _count_fits(monkeypatch)
    fit_topics(dtm, 3, random_state=1, max_iter=4)
    fit_topics(dtm, 3, random_state=2, max_iter=4)
    fit_topics(dtm, 4, random_state=1, max_iter=4)
    fit_topics(dtm, 3, random_state=1, max_iter=5)
    fit_topics(dtm, 3, random_state=1, max_iter=4, inner_iter=2)
    fit_topics(dtm, 3, random_state=1, max_iter=4, doc_topic_prior=0.5)
    other = DocumentTermMatrix(dtm.counts * 2, dtm.rows, dtm.vocab, dtm.level, dtm.preprocessing)
    fit_topics(other, 3, random_state=1, max_iter=4)
    assert len(calls) == 7
    fit_topics(dtm, 3, random_state=1, max_iter=4, n_jobs=2)  # n_jobs does not change the result
    assert len(calls) == 7


def test_the_ensemble_and_nmf_and_sklearn(cache, dtm, monkeypatch):
    ens = fit_seed_ensemble(dtm, 3, seeds=[0, 1], max_iter=3)
    calls = _count_fits(monkeypatch)
    again = fit_seed_ensemble(dtm, 3, seeds=[1, 0], max_iter=3)
    assert not calls
    _assert_same(ens.models[0], again.models[1], dtm)
    fit_topics(dtm, 3, method="nmf", random_state=0)
    fit_topics(dtm, 3, random_state=0, max_iter=2, solver="sklearn")
    assert len(list(cache.glob("*.npz"))) == 2  # only the package's own LDA is stored


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "other-key"])
def test_a_damaged_file_is_refitted_and_replaced_with_one_warning(cache, dtm, monkeypatch, damage):
    first = fit_topics(dtm, 3, random_state=1, max_iter=4)
    (path,) = cache.glob("*.npz")
    good = path.read_bytes()
    if damage == "flip":
        raw = bytearray(good)
        raw[len(raw) // 2] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif damage == "truncate":
        path.write_bytes(good[: len(good) // 3])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x04not a model")
    else:
        fit_topics(dtm, 3, random_state=2, max_iter=4)
        (other,) = set(cache.glob("*.npz")) - {path}
        path.write_bytes(other.read_bytes())
    calls = _count_fits(monkeypatch)
    with pytest.warns(CacheWarning, match=str(path.name)) as record:
        second = fit_topics(dtm, 3, random_state=1, max_iter=4)
    assert len([w for w in record if issubclass(w.category, CacheWarning)]) == 1
    assert len(calls) == 1
    assert path.read_bytes() == good  # replaced by the refit, which is the same fit
    _assert_same(first, second, dtm)


def test_an_unusable_cache_folder_means_no_store(tmp_path, dtm, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("INITIATIVE_DATA", str(blocker))
    with pytest.warns(CacheWarning, match="running without the cache"):
        model = fit_topics(dtm, 3, random_state=1, max_iter=3)
    assert model.segment_topics.shape == (dtm.shape[0], 3)


def test_no_pickle_in_the_file(cache, dtm):
    fit_topics(dtm, 3, random_state=1, max_iter=3)
    (path,) = cache.glob("*.npz")
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == ["components", "meta", "theta"]
        assert all(npz[name].dtype != object for name in npz.files)


_CHILD = """
import sys, numpy as np
from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics import lda
from initiative_lib.topics.model import fit_topics
calls = []
real = lda.VectorizedLDA.fit
def fit(self, X, y=None):
    calls.append(1)
    return real(self, X, y)
lda.VectorizedLDA.fit = fit
dtm = synthetic_dtm(n_docs=200, segments_per_doc=3, n_terms=300, k=5, random_state=5)[0]
m = fit_topics(dtm, 5, random_state=3, max_iter=30)
print(len(calls), float(m.estimator.components_.sum()).hex())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="the per-key lock needs fcntl")
def test_two_processes_fit_a_model_once(cache):
    env = {**os.environ}
    procs = [
        subprocess.Popen([sys.executable, "-c", _CHILD], env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=300)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(int(o[0]) for o in outs) == [0, 1]  # one fitted, the other waited and read it
    assert outs[0][1] == outs[1][1]


# ---------------------------------------------------------------- empty rows (issue 11)
def _with_empty_rows() -> DocumentTermMatrix:
    dtm = synthetic_dtm(n_docs=10, segments_per_doc=2, n_terms=30, k=2, random_state=0)[0]
    counts = dtm.counts.tolil()
    counts[[1, 4], :] = 0
    return DocumentTermMatrix(sp.csr_matrix(counts), dtm.rows, dtm.vocab, dtm.level, dtm.preprocessing)


def test_empty_rows_warn_by_default(cache):
    dtm = _with_empty_rows()
    with pytest.warns(UserWarning, match=r"2 of 20 rows without counts \(first: positions \[1, 4\]") as record:
        model = fit_topics(dtm, 2, random_state=0, max_iter=3)
    assert "empty_rows='keep'" in str(record[0].message)
    np.testing.assert_array_equal(model.segment_topics.iloc[[1, 4]].to_numpy(), 0.5)


def test_empty_rows_raise(cache):
    with pytest.raises(ValueError, match=r"2 of 20 rows without counts.*empty_rows='raise'"):
        fit_topics(_with_empty_rows(), 2, random_state=0, max_iter=3, empty_rows="raise")


def test_empty_rows_keep_is_silent_and_the_same_fit(cache):
    dtm = _with_empty_rows()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = fit_topics(dtm, 2, random_state=0, max_iter=3, empty_rows="keep")
    with pytest.warns(UserWarning, match="rows without counts"):
        warned = fit_topics(dtm, 2, random_state=0, max_iter=3)
    pd.testing.assert_frame_equal(kept.segment_topics, warned.segment_topics, check_exact=True)


def test_empty_rows_bad_value_and_all_zero(cache):
    dtm = _with_empty_rows()
    with pytest.raises(ValueError, match="empty_rows"):
        fit_topics(dtm, 2, random_state=0, empty_rows="ignore")
    zero = DocumentTermMatrix(
        sp.csr_matrix(dtm.shape, dtype=np.int64), dtm.rows, dtm.vocab, dtm.level, dtm.preprocessing
    )
    for option in ("warn", "keep", "raise"):
        with pytest.raises(ValueError, match="no counts at all"):
            fit_topics(zero, 2, random_state=0, empty_rows=option)


def test_no_rows_without_counts_no_warning(cache, dtm):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_topics(dtm, 3, random_state=0, max_iter=2)


def test_the_ensemble_reads_stored_models_in_its_threads(cache, dtm, monkeypatch):
    from initiative_lib.topics.lda import VectorizedLDA

    first = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=3, n_jobs=2)

    def no_fit(self, X, y=None):
        raise AssertionError("no fit when every model is stored")

    monkeypatch.setattr(VectorizedLDA, "fit", no_fit)
    again = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=3, n_jobs=2)
    for a, b in zip(first.models, again.models, strict=True):
        _assert_same(a, b, dtm)
    pd.testing.assert_frame_equal(first.alignment, again.alignment, check_exact=True)


def test_the_k_grid_reads_its_fits_back_without_shares(cache, dtm, monkeypatch):
    from initiative_lib.topics import search_k

    calls = _count_fits(monkeypatch)
    first = search_k(dtm, [2, 3], seeds=[0, 1], method="lda", max_iter=5, n_jobs=2)
    assert len(calls) == 4
    files = sorted(cache.glob("*.npz"))
    assert len(files) == 4
    for path in files:
        with np.load(path, allow_pickle=False) as npz:
            assert npz["theta"].shape[0] == 0  # topics only: no row shares were inferred or kept
    second = search_k(dtm, [2, 3], seeds=[0, 1], method="lda", max_iter=5, n_jobs=1)
    assert len(calls) == 4  # every fit read back
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    monkeypatch.setenv(store.STORE_ENV, "0")
    unstored = search_k(dtm, [2, 3], seeds=[0, 1], method="lda", max_iter=5)
    pd.testing.assert_frame_equal(first, unstored, check_exact=True)
    assert len(calls) == 8


def test_a_fit_without_shares_has_a_key_of_its_own(dtm):
    X = sp.csr_matrix(dtm.counts, dtype=np.float64)
    args = {"k": 3, "method": "lda", "random_state": 0, "max_iter": 5, "params": {}}
    with_shares = store.store_key(X, dtm.vocab, **args)
    assert with_shares == store.store_key(X, dtm.vocab, shares=True, **args)
    assert with_shares != store.store_key(X, dtm.vocab, shares=False, **args)
