"""General methods on a document-term matrix; they know nothing of this study: recorded
preprocessing (stopwords, stemming, trimming, phrases), keyness, dictionary
measures, similarity and clustering, scaling, keywords in context and passage alignment;
exact intervals and tests for rates, length-matched baselines, and measurement validation
(coding sheets, precision and agreement, word and topic intrusion).
"""

from __future__ import annotations

from initiative_lib.methods.baselines import Baseline, length_matched_baseline
from initiative_lib.methods.dictionaries import (
    LexiconCounter,
    LexiconError,
    as_lexicon,
    category_entries,
    dictionary_rates,
    group_rates,
    lexicon_matches,
    load_lexicon,
    validate_lexicon,
)
from initiative_lib.methods.intervals import (
    binomial_interval,
    garwood_bounds,
    holm,
    poisson_interval,
    rate_contrast,
    rate_interval_table,
    rate_test,
)
from initiative_lib.methods.keyness import keyness, log_odds_dirichlet, log_ratio
from initiative_lib.methods.passages import align_passages, kwic, query_counts
from initiative_lib.methods.preprocess import (
    PreprocessConfig,
    align_vocab,
    apply_preprocessing,
    load_stopwords,
    preprocess,
    rank_collocations,
)
from initiative_lib.methods.scaling import (
    CorrespondenceAnalysis,
    WordfishResult,
    WordscoresResult,
    correspondence_analysis,
    wordfish,
    wordscores,
)
from initiative_lib.methods.similarity import Clustering, cluster, group_similarity, js_distance, tfidf_similarity
from initiative_lib.methods.validation import (
    CodingScores,
    IntrusionScores,
    IntrusionTest,
    SheetError,
    coding_sample,
    cohen_kappa,
    dictionary_hits,
    read_coding_sheet,
    score_coding,
    score_intrusion,
    simulate_coding,
    simulate_intrusion_answers,
    topic_intrusion,
    word_intrusion,
)

__all__ = [
    "Baseline",
    "Clustering",
    "CodingScores",
    "CorrespondenceAnalysis",
    "IntrusionScores",
    "IntrusionTest",
    "LexiconCounter",
    "LexiconError",
    "PreprocessConfig",
    "SheetError",
    "WordfishResult",
    "WordscoresResult",
    "align_passages",
    "align_vocab",
    "apply_preprocessing",
    "as_lexicon",
    "binomial_interval",
    "category_entries",
    "cluster",
    "coding_sample",
    "cohen_kappa",
    "correspondence_analysis",
    "dictionary_hits",
    "dictionary_rates",
    "garwood_bounds",
    "group_rates",
    "group_similarity",
    "holm",
    "js_distance",
    "keyness",
    "kwic",
    "length_matched_baseline",
    "lexicon_matches",
    "load_lexicon",
    "load_stopwords",
    "log_odds_dirichlet",
    "log_ratio",
    "poisson_interval",
    "preprocess",
    "query_counts",
    "rank_collocations",
    "rate_contrast",
    "rate_interval_table",
    "rate_test",
    "read_coding_sheet",
    "score_coding",
    "score_intrusion",
    "simulate_coding",
    "simulate_intrusion_answers",
    "tfidf_similarity",
    "topic_intrusion",
    "validate_lexicon",
    "word_intrusion",
    "wordfish",
    "wordscores",
]
