"""Tests for initiative_lib.topics.diagnostics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics.diagnostics import (
    EPSILON,
    align_topics,
    coherence,
    exclusivity,
    heldout_perplexity,
    search_k,
    topic_stability,
)
from initiative_lib.topics.model import fit_topics

K = 3


@pytest.fixture(scope="module")
def planted():
    return synthetic_dtm(n_docs=40, segments_per_doc=5, n_terms=120, k=K, random_state=5)


@pytest.fixture(scope="module")
def nmf_model(planted):
    return fit_topics(planted[0], K, method="nmf", random_state=0)


@pytest.fixture
def toy():
    # 4 segments; document frequencies: a 3, b 2, c 2, d 1
    segs = [{"a": 2, "b": 1}, {"a": 1, "b": 3, "c": 1}, {"a": 1, "c": 1}, {"d": 5}]
    rows = pd.DataFrame({"doc_id": ["x", "x", "y", "z"], "seg_no": [1, 2, 1, 1], "n_tokens": 5})
    return from_counts(segs, rows)


# --- coherence: exact small cases -------------------------------------------


def test_umass_by_hand(toy):
    # pairs (b|a), (c|a), (c|b) with D(a,b)=2, D(a,c)=2, D(b,c)=1
    expected = np.mean(
        [
            math.log((2 / 4 + EPSILON) / (3 / 4)),
            math.log((2 / 4 + EPSILON) / (3 / 4)),
            math.log((1 / 4 + EPSILON) / (2 / 4)),
        ]
    )
    got = coherence(toy, [["a", "b", "c"]], "umass")
    assert got.iloc[0] == pytest.approx(expected, rel=1e-12)
    # order matters: conditioning on the higher-ranked term
    rev = coherence(toy, [["c", "b", "a"]], "umass").iloc[0]
    exp_rev = np.mean([math.log(1 / 4 / (2 / 4)), math.log(2 / 4 / (2 / 4)), math.log(2 / 4 / (2 / 4))])
    assert rev == pytest.approx(exp_rev, abs=1e-10)


def test_npmi_by_hand(toy):
    def npmi(pxy, px, py):
        return math.log((pxy + EPSILON) / (px * py)) / -math.log(pxy + EPSILON)

    expected = np.mean([npmi(2 / 4, 3 / 4, 2 / 4), npmi(2 / 4, 3 / 4, 2 / 4), npmi(1 / 4, 2 / 4, 2 / 4)])
    assert coherence(toy, {"t": ["a", "b", "c"]}, "npmi")["t"] == pytest.approx(expected, rel=1e-12)
    # never co-occurring -> about -1
    assert coherence(toy, [["a", "d"]], "npmi").iloc[0] == pytest.approx(-1.0, abs=0.1)


def test_coherence_accepts_top_terms_frame(planted, nmf_model):
    dtm, _ = planted
    tt = nmf_model.top_terms(6)
    lists = [tt.loc[tt["topic"] == t, "term"].tolist() for t in range(K)]
    pd.testing.assert_series_equal(coherence(dtm, tt), coherence(dtm, lists), check_names=False)
    assert coherence(dtm, tt).index.tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    ("topics", "kwargs", "word"),
    [
        ([["a", "zzz"]], {}, "zzz"),
        ([["a"]], {}, "at least 2"),
        ([["a", "a"]], {}, "repeats"),
        ([["a", "b"]], {"measure": "c_v"}, "measure"),
        ([["a", "b"]], {"eps": 0}, "eps"),
    ],
)
def test_coherence_errors(toy, topics, kwargs, word):
    with pytest.raises(ValueError, match=word):
        coherence(toy, topics, **kwargs)


# --- coherence: gensim cross-check ---------------------------------------------


def _gensim_inputs(dtm, lists):
    Dictionary = pytest.importorskip("gensim.corpora").Dictionary
    dictionary = Dictionary([list(dtm.vocab)])
    ids = np.array([dictionary.token2id[t] for t in dtm.vocab])
    counts = dtm.counts.tocsr()
    corpus = [
        [(int(ids[j]), int(v)) for j, v in zip(counts.indices[s:e], counts.data[s:e], strict=True)]
        for s, e in zip(counts.indptr[:-1], counts.indptr[1:], strict=True)
    ]
    return dictionary, corpus


def test_umass_equals_gensim(planted, nmf_model):
    gensim_cm = pytest.importorskip("gensim.models.coherencemodel")
    dtm, _ = planted
    lists = [list(v) for v in nmf_model.top_terms(10).groupby("topic")["term"].agg(list)]
    lists.append(["w0000", "w0050", "w0100", "w0119"])  # a deliberately incoherent topic
    dictionary, corpus = _gensim_inputs(dtm, lists)
    cm = gensim_cm.CoherenceModel(topics=lists, corpus=corpus, dictionary=dictionary, coherence="u_mass")
    expected = np.asarray(cm.get_coherence_per_topic())
    got = coherence(dtm, lists, "umass").to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_npmi_equals_gensim_log_ratio_on_segments(planted, nmf_model):
    pytest.importorskip("gensim")
    from gensim.topic_coherence import direct_confirmation_measure, probability_estimation, segmentation

    dtm, _ = planted
    lists = [list(v) for v in nmf_model.top_terms(8).groupby("topic")["term"].agg(list)]
    dictionary, corpus = _gensim_inputs(dtm, lists)
    topic_ids = [np.array([dictionary.token2id[t] for t in terms]) for terms in lists]
    segmented = segmentation.s_one_one(topic_ids)
    acc = probability_estimation.p_boolean_document(corpus, segmented)
    expected = direct_confirmation_measure.log_ratio_measure(segmented, acc, normalize=True)
    np.testing.assert_allclose(coherence(dtm, lists, "npmi").to_numpy(), expected, rtol=1e-10)


def test_coherence_is_fast_on_corpus_sized_matrix():
    import time

    dtm, _ = synthetic_dtm(
        n_docs=2000, segments_per_doc=10, n_terms=10_000, k=20, tokens_per_segment=45, random_state=0
    )
    rng = np.random.default_rng(0)
    lists = [list(dtm.vocab[rng.choice(10_000, 10, replace=False)]) for _ in range(20)]
    start = time.perf_counter()
    coherence(dtm, lists, "npmi")
    assert time.perf_counter() - start < 2.0


# --- exclusivity, perplexity ---------------------------------------------------------


def test_exclusivity_values(nmf_model):
    ex = exclusivity(nmf_model, n=5)
    assert ex.shape == (K,)
    assert ((ex >= 1 / K) & (ex <= 1)).all()
    beta = nmf_model.topic_term.to_numpy()
    top = np.argsort(-beta[0])[:5]
    assert ex.iloc[0] == pytest.approx((beta[0, top] / beta[:, top].sum(axis=0)).mean())
    with pytest.raises(ValueError, match="n must"):
        exclusivity(nmf_model, n=0)


def test_heldout_perplexity(planted):
    dtm, _ = planted
    a = heldout_perplexity(dtm, K, random_state=1, max_iter=5)
    b = heldout_perplexity(dtm, K, random_state=1, max_iter=5)
    assert a == b
    assert 1.0 < a < dtm.shape[1]
    with pytest.raises(ValueError, match="test_size"):
        heldout_perplexity(dtm, K, random_state=1, test_size=1.5)
    with pytest.raises(TypeError, match="random_state"):
        heldout_perplexity(dtm, K, random_state="1")
    # None (fresh entropy) and a Generator are accepted, as everywhere in the package
    assert 1.0 < heldout_perplexity(dtm, K, random_state=np.random.default_rng(0), max_iter=5) < dtm.shape[1]


# --- alignment and stability ------------------------------------------------------------


def test_align_recovers_permutation(nmf_model):
    perm = [2, 0, 1]
    shuffled = nmf_model.topic_term.iloc[perm].reset_index(drop=True)
    match = align_topics(nmf_model, shuffled)
    assert match["topic_a"].tolist() == [0, 1, 2]
    # topic_a == perm[topic_b]
    assert [perm[b] for b in match["topic_b"]] == [0, 1, 2]
    np.testing.assert_allclose(match["similarity"], 1.0)


def test_align_with_different_vocab_order(nmf_model):
    reordered = nmf_model.topic_term.iloc[:, ::-1]
    np.testing.assert_allclose(align_topics(nmf_model, reordered)["similarity"], 1.0)


def test_self_stability_is_one(nmf_model):
    match = align_topics(nmf_model, nmf_model)
    assert match["topic_a"].tolist() == match["topic_b"].tolist()
    np.testing.assert_allclose(match["similarity"], 1.0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_topic_stability(planted):
    dtm, _ = planted
    st = topic_stability(dtm, K, seeds=[0, 1, 2], method="nmf")
    assert list(st.columns) == ["topic", "stability", "min_similarity", "n_runs"]
    assert len(st) == K
    assert (st["n_runs"] == 3).all()
    assert (st["stability"] > 0.95).all()
    over = topic_stability(dtm, 8, seeds=[0, 1, 2], method="nmf", init="random")
    assert over["stability"].mean() < st["stability"].mean()
    with pytest.raises(ValueError, match="seeds"):
        topic_stability(dtm, K, seeds=[0])
    with pytest.raises(ValueError, match="seeds"):
        topic_stability(dtm, K, seeds=[1, 1])


# --- search_k ---------------------------------------------------------------------


def test_search_k_tidy_deterministic_quiet(planted, capsys):
    dtm, _ = planted
    res = search_k(dtm, [2, 3, 5], seeds=[0, 1], n_top=8)
    assert list(res.columns) == ["k", "seed", "metric", "value"]
    assert len(res) == 3 * 2 * 4
    assert set(res["metric"]) == {"coherence_umass", "coherence_npmi", "exclusivity", "stability"}
    assert capsys.readouterr().err == ""
    with threadpool_limits(limits=1):
        again = search_k(dtm, [2, 3, 5], seeds=[0, 1], n_top=8)
    pd.testing.assert_frame_equal(res, again)
    wide = res.pivot_table(index="k", columns="metric", values="value")
    # the planted k has the best UMass coherence and is stable
    assert wide["coherence_umass"].idxmax() == K
    assert wide.loc[K, "stability"] > 0.95
    # coherence values equal those of coherence() on the same model
    model = fit_topics(dtm, 3, method="nmf", random_state=1)
    direct = coherence(dtm, model.top_terms(8), "npmi").mean()
    row = res[(res["k"] == 3) & (res["seed"] == 1) & (res["metric"] == "coherence_npmi")]
    assert row["value"].iloc[0] == pytest.approx(direct)


def test_search_k_lda_progress(capsys):
    dtm, _ = synthetic_dtm(n_docs=10, segments_per_doc=3, n_terms=30, k=2, random_state=0)
    res = search_k(dtm, [2], seeds=[0], method="lda", max_iter=3, progress=True)
    assert set(res["metric"]) == {"coherence_umass", "coherence_npmi", "exclusivity", "perplexity"}
    assert "k=2 seed=0" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "exc", "word"),
    [
        ({"ks": 3}, TypeError, "ks"),
        ({"ks": [3, 3]}, ValueError, "ks"),
        ({"ks": [1]}, ValueError, "k must"),
        ({"seeds": 0}, TypeError, "seeds"),
        ({"method": "lsa"}, ValueError, "method"),
        ({"n_top": 1}, ValueError, "n_top"),
        ({"progress": "yes"}, TypeError, "progress"),
    ],
)
def test_search_k_errors(planted, kwargs, exc, word):
    dtm, _ = planted
    args = {"ks": [2], "seeds": [0]} | kwargs
    with pytest.raises(exc, match=word):
        search_k(dtm, **args)


def test_search_k_does_not_depend_on_n_jobs():
    from initiative_lib.datasets import synthetic_dtm
    from initiative_lib.topics.diagnostics import search_k

    dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    one = search_k(dtm, [2, 3], seeds=[0, 1], method="lda", n_top=5, n_jobs=1)
    two = search_k(dtm, [2, 3], seeds=[0, 1], method="lda", n_top=5, n_jobs=2)
    assert one.equals(two)
    assert "perplexity" in set(one["metric"])
    with pytest.raises(ValueError, match="n_jobs must be an int >= 1; got 0"):
        search_k(dtm, [2], seeds=[0], n_jobs=0)


def test_search_k_grid_scheduling_does_not_change_results():
    # more cells than workers, started largest k first and finished out of order
    from initiative_lib.datasets import synthetic_dtm
    from initiative_lib.topics.diagnostics import search_k

    dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=1)
    args = {"seeds": [3, 1, 2], "method": "lda", "n_top": 5, "max_iter": 5}
    one = search_k(dtm, [2, 4, 3], n_jobs=1, **args)
    three = search_k(dtm, [2, 4, 3], n_jobs=3, **args)
    pd.testing.assert_frame_equal(one, three, check_exact=True)
    assert one["k"].tolist() == sorted(one["k"].tolist())


def test_search_k_progress_bar_counts_fits(capsys):
    from initiative_lib.datasets import synthetic_dtm
    from initiative_lib.topics.diagnostics import search_k

    dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
    search_k(dtm, [2, 3], seeds=[0], method="lda", max_iter=2, progress=True, n_jobs=2)
    err = capsys.readouterr().err
    assert "search_k (lda): 100%" in err
    assert "2/2" in err
    search_k(dtm, [2], seeds=[0], method="lda", max_iter=2)
    assert capsys.readouterr().err == ""  # off under pytest
