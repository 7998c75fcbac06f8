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
from initiative_lib.topics.explorer import (
    explorer_data,
    relevance,
    relevance_ranking,
    topic_explorer_html,
    topic_prevalence_shares,
    write_topic_explorer,
)
from initiative_lib.topics.export import export_topic_model, tidy_topic_shares, tidy_topic_terms
from initiative_lib.topics.lda import VectorizedLDA
from initiative_lib.topics.model import TopicModel, fit_topics, frex_scores, row_index
from initiative_lib.topics.prevalence import topic_mix_table, topic_prevalence
from initiative_lib.topics.stability import (
    SeedEnsemble,
    TargetIntervals,
    fit_seed_ensemble,
    seed_stability,
    target_topic_intervals,
    topic_exemplars,
)

__all__ = [
    "SeedEnsemble",
    "TargetIntervals",
    "TopicModel",
    "VectorizedLDA",
    "align_topics",
    "coherence",
    "exclusivity",
    "explorer_data",
    "export_topic_model",
    "fit_seed_ensemble",
    "fit_topics",
    "frex_scores",
    "heldout_perplexity",
    "relevance",
    "relevance_ranking",
    "row_index",
    "search_k",
    "seed_stability",
    "target_topic_intervals",
    "tidy_topic_shares",
    "tidy_topic_terms",
    "topic_exemplars",
    "topic_explorer_html",
    "topic_mix_table",
    "topic_prevalence",
    "topic_prevalence_shares",
    "topic_stability",
    "write_topic_explorer",
]
