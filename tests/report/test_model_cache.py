"""The headline model's data-only cache: equal to a fresh fit, verified on load, never pickled."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from initiative_lib.build.add import add_document
from initiative_lib.corpus.matrix import document_term_matrix
from initiative_lib.methods.preprocess import preprocess
from initiative_lib.paths import DEFAULT_CORPUS_DIR
from initiative_lib.report.model_cache import cached_headline_model, matrix_fingerprint, model_key
from initiative_lib.study import analysis_data, headline_model
from initiative_lib.study.specification import PREPROCESS

DOC_A = "An open and secure cyberspace needs states, companies and users to cooperate. " * 20
DOC_B = "Data sovereignty and national security come first; the state governs its networks. " * 20


@pytest.fixture(scope="module")
def data():
    return analysis_data()


@pytest.fixture(scope="module")
def fresh(data):
    """The headline model fitted without any cache: what every cached model must equal."""
    return headline_model(data)


@pytest.fixture(scope="module")
def filled(data, tmp_path_factory):
    """A cache folder after one ``cached_headline_model`` call into it, with what that call returned."""
    folder = tmp_path_factory.mktemp("model-cache")
    model, how = cached_headline_model(data, cache=folder)
    return folder, model, how


def test_cached_model_equals_a_fresh_fit(data, fresh, filled):
    folder, first, how1 = filled
    second, how2 = cached_headline_model(data, cache=folder)
    assert (how1, how2) == ("fitted", "cache")
    for model in (first, second):
        assert np.array_equal(model.topic_term.to_numpy(), fresh.topic_term.to_numpy())
        assert model.topic_term.columns.equals(fresh.topic_term.columns)
        assert model.segment_topics.equals(fresh.segment_topics)
        assert model.document_topics.equals(fresh.document_topics)
        assert model.transform(data.target, by_document=True).equals(fresh.transform(data.target, by_document=True))
    assert second.topic_labels().equals(fresh.topic_labels())
    files = sorted(p.name for p in (folder / "models").iterdir())
    key = model_key(data, k=15, method="lda", random_state=2020)
    assert files == [f"{key}.json", f"{key}.npz"]  # data only: no pickle anywhere
    with np.load(folder / "models" / f"{key}.npz", allow_pickle=False) as npz:
        assert "components" in npz.files
    meta = json.loads((folder / "models" / f"{key}.json").read_text(encoding="utf-8"))
    assert meta["key"] == key
    assert set(meta["sha256"]) == set(npz.files)


def test_a_damaged_entry_is_reported_and_refitted(data, fresh, filled, tmp_path):
    shutil.copytree(filled[0] / "models", tmp_path / "models")  # an entry as cached_headline_model wrote it
    key = model_key(data, k=15, method="lda", random_state=2020)
    path = tmp_path / "models" / f"{key}.npz"
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: np.array(npz[name]) for name in npz.files}
    arrays["topic_term"][0, 0] += 1e-9
    np.savez(path, **arrays)
    with pytest.warns(RuntimeWarning, match="topic_term.*SHA-256"):
        model, how = cached_headline_model(data, cache=tmp_path)
    assert how == "fitted"
    assert np.array_equal(model.topic_term.to_numpy(), fresh.topic_term.to_numpy())


def test_the_key_follows_the_specification(data):
    base = model_key(data, k=15, method="lda", random_state=2020)
    assert base == model_key(data, k=15, method="lda", random_state=2020)
    assert base != model_key(data, k=10, method="lda", random_state=2020)
    assert base != model_key(data, k=15, method="lda", random_state=1)
    other = analysis_data(target="decl-barlow-1996", raw=data.raw)
    assert model_key(other, k=15, method="lda", random_state=2020) != base


def test_the_users_document_never_changes_the_fitted_topics(tmp_path):
    fits = []
    for name, text in (("a", DOC_A), ("b", DOC_B)):
        root = tmp_path / name
        shutil.copytree(DEFAULT_CORPUS_DIR, root)
        file = tmp_path / f"{name}.txt"
        file.write_text(text, encoding="utf-8")
        add_document(file, doc_id="user-document", title=name, issuer="me", date="2024-01-01", corpus_dir=root)
        d = analysis_data(target="user-document", corpus_dir=str(root))
        assert "user-document" not in set(d.fit.rows["doc_id"])
        fits.append(d)
    assert matrix_fingerprint(fits[0].fit) == matrix_fingerprint(fits[1].fit)
    keys = {model_key(d, k=15, method="lda", random_state=2020) for d in fits}
    assert len(keys) == 1
    m_a, how_a = cached_headline_model(fits[0], cache=tmp_path / "cache")
    m_b, how_b = cached_headline_model(fits[1], cache=tmp_path / "cache")
    assert (how_a, how_b) == ("fitted", "cache")
    assert np.array_equal(m_a.topic_term.to_numpy(), m_b.topic_term.to_numpy())
    # the fitting matrix is the shipped corpus's, as if no document had been added
    raw = document_term_matrix(level="segment", ngrams="both")
    shipped = preprocess(raw.select_rows(raw.rows["language"].eq("en").to_numpy()), PREPROCESS)
    assert matrix_fingerprint(shipped) == matrix_fingerprint(fits[0].fit)
    assert not any((tmp_path / "cache").rglob("*.pickle"))
