"""Topic models: the fitted-model container and :func:`fit_topics`, the vectorised LDA estimator,
diagnostics for choosing and checking K, prevalence by category, and stability across seeds
with intervals for a target's topic mix and distances.
"""

from __future__ import annotations

from initiative_lib.topics.diagnostics import (
    align_topics,
    coherence,
    exclusivity,
    heldout_perplexity,
    search_k,
    topic_stability,
)
from initiative_lib.topics.lda import VectorizedLDA
from initiative_lib.topics.model import TopicModel, fit_topics, frex_scores, row_index
from initiative_lib.topics.prevalence import topic_mix_table, topic_prevalence
from initiative_lib.topics.stability import (
    SeedEnsemble,
    TargetIntervals,
    fit_seed_ensemble,
    seed_stability,
    target_topic_intervals,
)

__all__ = [
    "SeedEnsemble",
    "TargetIntervals",
    "TopicModel",
    "VectorizedLDA",
    "align_topics",
    "coherence",
    "exclusivity",
    "fit_seed_ensemble",
    "fit_topics",
    "frex_scores",
    "heldout_perplexity",
    "row_index",
    "search_k",
    "seed_stability",
    "target_topic_intervals",
    "topic_mix_table",
    "topic_prevalence",
    "topic_stability",
]
