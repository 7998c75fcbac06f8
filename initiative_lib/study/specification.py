"""The headline specification shared by the notebooks: one place, no copies.

Notebooks 03-05 fit and compare the same model; what "the same" means is fixed
here, once: which documents the model learns from, how counts are
preprocessed, how many topics, which seed. The robustness notebook varies
these settings through the keyword arguments, never by editing copies.

The study is parameterised by its *target* document: by default the
initiative (:data:`INITIATIVE`), but any ``doc_id`` of the corpus, such as a
document a user added with ``corpus add``, can take its place. The model
learns from the comparison corpus only (every English document except the
target); the target's topic shares are then inferred with the fitted model,
so the target cannot shape the topics it is measured against.
"""

from __future__ import annotations

from dataclasses import dataclass

from initiative_lib.corpus.matrix import DocumentTermMatrix, document_term_matrix
from initiative_lib.methods.preprocess import PreprocessConfig, align_vocab, apply_preprocessing, preprocess
from initiative_lib.topics.model import TopicModel, fit_topics

#: the seed of every stochastic step in the notebooks
RANDOM_STATE = 2020
#: the initiative's document id: the default target of every study function
INITIATIVE = "wic-initiative-2020"
#: headline preprocessing: English, domain and place-name stopwords removed, terms in
#: at least 5 segments and at most half of them, the 200 strongest collocations (G2)
#: of non-stopwords kept as phrases
PREPROCESS = PreprocessConfig(stopwords="english+domain+places", min_df=5, max_df=0.5, phrases=200)
#: headline number of topics (chosen in notebook 03 from the diagnostics)
K = 15
METHOD = "lda"
#: the grid of K and the seeds over which notebook 03 compares diagnostics
K_GRID = (5, 10, 15, 20, 25)
SEEDS = (2020, 2021, 2022)


@dataclass(frozen=True)
class AnalysisData:
    """The matrices of one specification, sharing one vocabulary.

    Attributes
    ----------
    raw : DocumentTermMatrix
        Segment counts of the whole corpus with unigrams and bigrams, unprocessed.
    fit : DocumentTermMatrix
        Preprocessed segments of the comparison corpus (English, not the target).
    target : DocumentTermMatrix
        The target's segments, preprocessed the same way and aligned on ``fit.vocab``.
    target_id : str
        The target's ``doc_id``.
    """

    raw: DocumentTermMatrix
    fit: DocumentTermMatrix
    target: DocumentTermMatrix
    target_id: str = INITIATIVE


def analysis_data(
    config: PreprocessConfig = PREPROCESS,
    *,
    target: str = INITIATIVE,
    raw: DocumentTermMatrix | None = None,
    corpus_dir: str | None = None,
) -> AnalysisData:
    """Load (or reuse ``raw``) and preprocess the matrices of one specification.

    Parameters
    ----------
    config : PreprocessConfig
        The preprocessing (default: the headline :data:`PREPROCESS`).
    target : str
        The ``doc_id`` of the target document (default: the initiative).
    raw : DocumentTermMatrix, optional
        Raw segment counts with unigrams and bigrams; loaded from the corpus if not given.
    corpus_dir : path, optional
        The corpus folder (argument, then ``$INITIATIVE_CORPUS``, then the shipped one).

    Raises
    ------
    ValueError
        If ``target`` is not a ``doc_id`` of the matrix.

    Examples
    --------
    >>> data = analysis_data()
    >>> data.fit.shape[1] == data.target.shape[1]
    True
    >>> INITIATIVE in set(data.fit.rows["doc_id"])
    False
    """
    if raw is None:
        raw = document_term_matrix(level="segment", ngrams="both", corpus_dir=corpus_dir)
    is_target = raw.rows["doc_id"].eq(target).to_numpy()
    if not is_target.any():
        msg = (
            f"target={target!r} is not a doc_id of the corpus; "
            f"expected e.g. {INITIATIVE!r} or a document added with 'corpus add'"
        )
        raise ValueError(msg)
    english = raw.rows["language"].eq("en").to_numpy()
    fit = preprocess(raw.select_rows(~is_target & english), config)
    target_dtm = align_vocab(apply_preprocessing(raw.select_rows(is_target), fit.preprocessing), fit.vocab)
    return AnalysisData(raw=raw, fit=fit, target=target_dtm, target_id=target)


def headline_model(
    data: AnalysisData, *, k: int = K, method: str = METHOD, random_state: int = RANDOM_STATE
) -> TopicModel:
    """Fit the topic model of the specification to ``data.fit``."""
    return fit_topics(data.fit, k, method=method, random_state=random_state)
