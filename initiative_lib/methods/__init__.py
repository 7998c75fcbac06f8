"""General methods on a document-term matrix; they know nothing of this study: recorded
preprocessing (stopwords, stemming, trimming, phrases), keyness, dictionary
measures, similarity and clustering, scaling, keywords in context and passage alignment.
"""

from __future__ import annotations

from initiative_lib.methods.dictionaries import (
    LexiconError,
    as_lexicon,
    category_entries,
    dictionary_rates,
    group_rates,
    lexicon_matches,
    load_lexicon,
    validate_lexicon,
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

__all__ = [
    "Clustering",
    "CorrespondenceAnalysis",
    "LexiconError",
    "PreprocessConfig",
    "WordfishResult",
    "WordscoresResult",
    "align_passages",
    "align_vocab",
    "apply_preprocessing",
    "as_lexicon",
    "category_entries",
    "cluster",
    "correspondence_analysis",
    "dictionary_rates",
    "group_rates",
    "group_similarity",
    "js_distance",
    "keyness",
    "kwic",
    "lexicon_matches",
    "load_lexicon",
    "load_stopwords",
    "log_odds_dirichlet",
    "log_ratio",
    "preprocess",
    "query_counts",
    "rank_collocations",
    "tfidf_similarity",
    "validate_lexicon",
    "wordfish",
    "wordscores",
]
