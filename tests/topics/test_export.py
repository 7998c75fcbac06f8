"""Tests for initiative_lib.topics.export: tidy CSVs that give back the model's numbers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics import fit_topics
from initiative_lib.topics.export import export_topic_model, tidy_topic_shares, tidy_topic_terms


@pytest.fixture(scope="module")
def model():
    dtm, _ = synthetic_dtm(n_docs=15, segments_per_doc=3, n_terms=40, k=3, random_state=4)
    return fit_topics(dtm, 3, random_state=0, max_iter=5)


def test_files_read_back_to_the_models_numbers(model, tmp_path):
    files = export_topic_model(model, tmp_path)
    assert [f.name for f in files] == [
        "topics_terms.csv",
        "topics_rows.csv",
        "topics_documents.csv",
        "topics_top_terms.csv",
        "topics_labels.csv",
        "topics_model.json",
    ]
    beta = pd.read_csv(tmp_path / "topics_terms.csv", keep_default_na=False)
    wide = beta.pivot(index="topic", columns="term", values="beta")[model.vocab]  # noqa: PD010 - a reshape, no aggregation
    # shortest round-trip floats: bit-identical after reading
    assert np.array_equal(wide.to_numpy(), model.topic_term.to_numpy())
    rows = pd.read_csv(tmp_path / "topics_rows.csv", dtype={"doc_id": str})
    assert list(rows.columns) == ["doc_id", "seg_no", "topic", "gamma"]
    gamma = rows.pivot(index=["doc_id", "seg_no"], columns="topic", values="gamma")  # noqa: PD010
    assert np.array_equal(gamma.loc[model.segment_topics.index].to_numpy(), model.segment_topics.to_numpy())
    docs = pd.read_csv(tmp_path / "topics_documents.csv", dtype={"doc_id": str})
    assert np.allclose(docs.groupby("doc_id")["gamma"].sum(), 1.0)
    assert len(docs) == model.document_topics.size
    top = pd.read_csv(tmp_path / "topics_top_terms.csv")
    assert len(top) == 3 * 20
    labels = pd.read_csv(tmp_path / "topics_labels.csv")
    assert labels["label"].tolist() == model.topic_labels(3, by="frex").tolist()
    config = json.loads((tmp_path / "topics_model.json").read_text())
    assert config["k"] == 3
    assert config["random_state"] == model.config["random_state"]
    assert config["versions"] == model.config["versions"]


def test_tidy_layouts(model):
    beta = tidy_topic_terms(model)
    assert list(beta.columns) == ["topic", "term", "beta"]
    assert len(beta) == model.k * len(model.vocab)
    assert np.allclose(beta.groupby("topic")["beta"].sum(), 1.0)
    gamma = tidy_topic_shares(model, by_document=True)
    assert list(gamma.columns) == ["doc_id", "topic", "gamma"]
    assert gamma["topic"].tolist()[: model.k] == list(range(model.k))


def test_deterministic_bytes(model, tmp_path):
    export_topic_model(model, tmp_path / "a")
    export_topic_model(model, tmp_path / "b")
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_bad_input(model, tmp_path):
    with pytest.raises(TypeError, match="model must be a TopicModel; got dict"):
        export_topic_model({}, tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_terms must be an int >= 1; got 0"):
        export_topic_model(model, tmp_path, n_terms=0)
    with pytest.raises(ValueError, match="prefix must be"):
        export_topic_model(model, tmp_path, prefix="a/b")
    assert list(tmp_path.iterdir()) == []
