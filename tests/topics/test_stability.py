"""Seed ensembles: alignment, stability on planted topics, intervals for a target, n_jobs independence, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from initiative_lib.datasets import synthetic_dtm
from initiative_lib.topics.diagnostics import align_topics
from initiative_lib.topics.stability import fit_seed_ensemble, seed_stability, target_topic_intervals


@pytest.fixture(scope="module")
def planted():
    dtm, truth = synthetic_dtm(n_docs=40, n_terms=90, k=3, random_state=0)
    return dtm, truth


@pytest.fixture(scope="module")
def ensemble(planted):
    dtm, _ = planted
    return fit_seed_ensemble(dtm, 3, seeds=list(range(10)), max_iter=15)


def test_ensemble_is_identical_for_any_n_jobs(planted):
    dtm, _ = planted
    one = fit_seed_ensemble(dtm, 3, seeds=[3, 4, 5], max_iter=5, reference="first")
    two = fit_seed_ensemble(dtm, 3, seeds=[3, 4, 5], max_iter=5, reference="first", n_jobs=2)
    pd.testing.assert_frame_equal(one.alignment, two.alignment)
    for a, b in zip(one.models, two.models, strict=True):
        pd.testing.assert_frame_equal(a.topic_term, b.topic_term)
        pd.testing.assert_frame_equal(a.segment_topics, b.segment_topics)
    assert one.reference == 0
    assert one.models[0].config["random_state"] == 3


def test_alignment_and_permutation_map_runs_onto_the_reference(ensemble):
    ref = ensemble.reference_model.topic_term.to_numpy()
    for i, model in enumerate(ensemble.models):
        aligned = model.topic_term.to_numpy()[ensemble.permutation(i)]
        cos = (aligned * ref).sum(axis=1) / np.linalg.norm(aligned, axis=1) / np.linalg.norm(ref, axis=1)
        part = ensemble.alignment[ensemble.alignment["seed"] == ensemble.seeds[i]].sort_values("topic")
        assert np.allclose(cos, part["similarity"].to_numpy())
    own = ensemble.alignment[ensemble.alignment["seed"] == ensemble.seeds[ensemble.reference]]
    assert np.allclose(own["similarity"], 1.0)
    assert (own["topic"] == own["matched_topic"]).all()
    # the medoid has the highest mean similarity to the other runs
    m = ensemble.mean_similarity.to_numpy()
    assert ensemble.reference == int(np.argmax(m.sum(axis=1)))


def test_planted_topics_are_stable_and_an_oversized_k_is_less_so(planted, ensemble):
    dtm, truth = planted
    st = seed_stability(ensemble, threshold=0.9)
    # one of ten runs may land in another local optimum; most recur, and the median run matches closely
    assert (st["recurrence"] >= 0.8).all()
    assert (st["median_similarity"] > 0.99).all()
    assert (st["n_runs"] == 9).all()
    # the reference's topics are the planted ones
    planted_beta = truth.topic_term
    assert (align_topics(ensemble.reference_model, planted_beta)["similarity"] > 0.9).all()
    big = fit_seed_ensemble(dtm, 8, seeds=list(range(10)), max_iter=15)
    st_big = seed_stability(big, threshold=0.9)
    assert st_big["min_similarity"].min() < st["min_similarity"].min()
    assert st_big["recurrence"].mean() < 1.0


def test_target_intervals_cover_the_reference_and_find_the_nearest_group(planted, ensemble):
    dtm, _ = planted
    target = dtm.select_rows((dtm.rows["doc_id"] == "d0000").to_numpy())
    res = target_topic_intervals(ensemble, target, n_draws=30, random_state=0)
    s = res.shares
    assert np.isclose(s["reference"].sum(), 1.0)
    assert ((s["ci_low"] <= s["median"]) & (s["median"] <= s["ci_high"])).all()
    d = res.distances.set_index("group")
    # d0000 is in the group that prefers topic 0 ("initiative"), as does "netmundial"; "declaration" prefers topic 1
    assert d.loc["initiative", "ci_high"] < d.loc["declaration", "ci_low"]
    assert d.loc["initiative", "n_documents"] == 7  # 8 initiative documents, the target left out
    draws = res.draws
    assert set(draws["draw"]) == set(range(-1, 30))
    assert draws["seed"].nunique() == 10
    again = target_topic_intervals(ensemble, target, n_draws=30, random_state=0)
    pd.testing.assert_frame_equal(res.draws, again.draws)


def test_shorter_targets_get_wider_intervals(planted, ensemble):
    dtm, _ = planted
    doc = (dtm.rows["doc_id"] == "d0005").to_numpy()
    long = target_topic_intervals(ensemble, dtm.select_rows(doc), n_draws=40, random_state=1)
    short = target_topic_intervals(
        ensemble, dtm.select_rows(doc & (dtm.rows["seg_no"] == 1).to_numpy()), n_draws=40, random_state=1
    )
    width = lambda r: (r.shares["ci_high"] - r.shares["ci_low"]).mean()  # noqa: E731
    assert width(short) > width(long)


def test_without_draws_the_interval_is_the_spread_across_seeds(planted, ensemble):
    dtm, _ = planted
    target = dtm.select_rows((dtm.rows["doc_id"] == "d0001").to_numpy())
    res = target_topic_intervals(ensemble, target, n_draws=0, ci=0.999)
    assert (res.shares["ci_low"] >= res.shares["seed_min"] - 1e-12).all()
    assert (res.shares["ci_high"] <= res.shares["seed_max"] + 1e-12).all()
    assert set(res.draws["draw"]) == {-1}


def test_bad_input_is_refused(planted, ensemble):
    dtm, _ = planted
    with pytest.raises(ValueError, match="seeds must hold at least 2 distinct ints"):
        fit_seed_ensemble(dtm, 3, seeds=[1, 1])
    with pytest.raises(TypeError, match="seeds must be a list"):
        fit_seed_ensemble(dtm, 3, seeds=5)
    with pytest.raises(ValueError, match="reference must be one of"):
        fit_seed_ensemble(dtm, 3, seeds=[1, 2], reference="best")
    with pytest.raises(ValueError, match="threshold must be a cosine similarity from 0 to 1; got 2"):
        seed_stability(ensemble, threshold=2)
    with pytest.raises(TypeError, match="ensemble must be a SeedEnsemble"):
        seed_stability(object())
    two_docs = dtm.select_rows(dtm.rows["doc_id"].isin(["d0000", "d0001"]).to_numpy())
    with pytest.raises(ValueError, match="target must hold the rows of one document"):
        target_topic_intervals(ensemble, two_docs)
    one = dtm.select_rows((dtm.rows["doc_id"] == "d0000").to_numpy())
    with pytest.raises(ValueError, match="group must be a column of the models' rows; got 'region'"):
        target_topic_intervals(ensemble, one, group="region")
    with pytest.raises(ValueError, match="n_draws must be an int >= 0"):
        target_topic_intervals(ensemble, one, n_draws=-1)
