"""Tests for initiative_lib.topics.explorer: the self-contained topic explorer page.

The page is opened in headless Chromium by tests/test_docs.py.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics import fit_topics
from initiative_lib.topics.explorer import (
    LAMBDA_STEPS,
    explorer_data,
    relevance,
    relevance_ranking,
    topic_explorer_html,
    topic_prevalence_shares,
    write_topic_explorer,
)


@pytest.fixture(scope="module")
def model():
    dtm, _ = synthetic_dtm(n_docs=25, segments_per_doc=2, n_terms=80, k=3, random_state=7)
    return fit_topics(dtm, 3, random_state=0, max_iter=8)


def _data(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


def test_relevance_exact_small_case():
    beta = np.array([0.5, 0.25, 0.25, 0.0])
    marginal = np.array([0.25, 0.5, 0.125, 0.125])
    np.testing.assert_allclose(relevance(beta, marginal, 1.0)[:3], np.log([0.5, 0.25, 0.25]))
    np.testing.assert_allclose(relevance(beta, marginal, 0.0)[:3], np.log([2.0, 0.5, 2.0]))
    lam = 0.6
    np.testing.assert_allclose(relevance(beta, marginal, lam)[0], lam * np.log(0.5) + (1 - lam) * np.log(2.0))
    assert relevance(beta, marginal, 0.0)[3] == -np.inf


def test_relevance_extremes_are_probability_and_lift(model):
    beta = model.topic_term.to_numpy()
    marginal = topic_prevalence_shares(model) @ beta
    for t in range(model.k):
        by_prob = model.top_terms(10).query("topic == @t")["term"].tolist()
        assert relevance_ranking(model, t, 1.0, 10) == by_prob
        lift = beta[t] / marginal
        terms = model.vocab.to_numpy().astype(str)
        expected = terms[np.lexsort((terms, -lift))][:10].tolist()
        assert relevance_ranking(model, t, 0.0, 10) == expected


def test_prevalence_is_the_token_weighted_share(model):
    shares = topic_prevalence_shares(model)
    theta = model.segment_topics.to_numpy()
    w = model.tokens.to_numpy(dtype=float)
    np.testing.assert_allclose(shares, (w[:, None] * theta).sum(0) / w.sum())
    np.testing.assert_allclose(shares.sum(), 1.0)


def test_the_page_carries_every_top_list_of_the_slider(model):
    data = explorer_data(model, n_terms=12, n_docs=5)
    assert data["k"] == model.k
    for t, topic in enumerate(data["topics"]):
        pool = set(topic["terms"])
        for step in range(LAMBDA_STEPS + 1):
            assert set(relevance_ranking(model, t, step / LAMBDA_STEPS, 12)) <= pool
        beta = dict(zip(topic["terms"], topic["beta"], strict=True))
        for term, value in beta.items():
            assert value == float(model.topic_term.loc[t, term])
        shares = model.document_topics.iloc[:, t].sort_values(ascending=False, kind="stable")
        assert [d for d, _ in topic["docs"]] == shares.index[:5].tolist()
        assert [s for _, s in topic["docs"]] == shares.to_numpy()[:5].tolist()


def test_self_contained_and_deterministic(model, tmp_path):
    a = write_topic_explorer(model, tmp_path / "a.html")
    b = model.to_html(tmp_path / "b.html")
    page = a.read_text(encoding="utf-8")
    assert a.read_bytes() == b.read_bytes()
    # nothing is fetched: no external script, style, image, font or link
    assert not re.search(r"""(src|href)\s*=|@import|url\(|https?:""", page, re.I)
    assert page.count("<script") == 2  # the data block and the inline script
    data = _data(page)
    assert data["columns"] == ["group", "country", "year"]
    assert not re.search(r'id="[^"]*\d{4,}', page)  # no generated element ids


def test_metadata_cannot_break_out_of_the_page(tmp_path):
    dtm, _ = synthetic_dtm(n_docs=6, n_terms=20, k=2, random_state=0)
    rows = dtm.rows.assign(group="</script><script>alert(1)</script> & <b>")
    model = fit_topics(DocumentTermMatrix(dtm.counts, rows, dtm.vocab), 2, method="nmf", random_state=0)
    page = topic_explorer_html(model, title="A <title> & more")
    assert "alert(1)</script>" not in page
    assert "<title>A &lt;title&gt; &amp; more</title>" in page
    data = _data(page)
    assert next(iter(data["docs"].values()))["group"] == "</script><script>alert(1)</script> & <b>"


def test_nmf_zero_probabilities_are_left_out(tmp_path):
    counts = np.zeros((6, 6), dtype=np.int64)
    counts[:3, :3] = 5
    counts[3:, 3:] = 5
    rows = pd.DataFrame({"doc_id": [f"d{i}" for i in range(6)], "seg_no": 1, "n_tokens": 15})
    import scipy.sparse as sp

    dtm = DocumentTermMatrix(sp.csr_matrix(counts), rows, pd.Index([f"w{i}" for i in range(6)]))
    model = fit_topics(dtm, 2, method="nmf", random_state=0)
    data = explorer_data(model, n_terms=6)
    for topic in data["topics"]:
        assert all(b > 0 for b in topic["beta"])
    json.dumps(data, allow_nan=False)


def test_bad_input(model, tmp_path):
    with pytest.raises(ValueError, match=r"path must end in \.html"):
        model.to_html(tmp_path / "x.txt")
    with pytest.raises(TypeError, match="model must be a TopicModel; got str"):
        topic_explorer_html("model")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_terms must be an int >= 1; got 0"):
        model.to_html(tmp_path / "x.html", n_terms=0)
    with pytest.raises(ValueError, match="lam must be a number in"):
        relevance_ranking(model, 0, 1.5)
    with pytest.raises(ValueError, match="topic must be an int"):
        relevance_ranking(model, model.k, 0.5)
    assert list(tmp_path.iterdir()) == []
