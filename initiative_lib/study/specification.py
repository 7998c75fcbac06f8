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

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from initiative_lib.corpus.load import load_corpus, text_segments
from initiative_lib.corpus.matrix import DocumentTermMatrix, document_term_matrix, from_counts
from initiative_lib.methods.preprocess import PreprocessConfig, align_vocab, apply_preprocessing, preprocess
from initiative_lib.text.tokens import TOKEN_RE, count_segment
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
#: rows that the preprocessing leaves without counts are expected (see :func:`headline_model`)
EMPTY_ROWS = "keep"
#: the day the initiative was released: the date filter keeps documents written before it
STUDY_DATE = "2020-11-18"
#: a run of at least this many tokens that already occurred earlier in the target is a verbatim repeat
REPEAT_MIN_TOKENS = 8
_SENTENCE_END = (".", "!", "?", '"', "”", ":", ";")


def written_before(rows: pd.DataFrame, day: str = STUDY_DATE) -> np.ndarray:
    """Which rows belong to documents certainly written before ``day``.

    A document dated to the year or month (``date_precision``) counts as
    written at the *end* of that year or month, so that a document that may
    postdate ``day`` is left out; without a ``date_precision`` column, dates
    are taken as exact days.

    Parameters
    ----------
    rows : DataFrame
        ``date`` (and optionally ``date_precision``), e.g. ``dtm.rows`` or
        ``load_corpus().reset_index()``.
    day : str
        ISO date (``YYYY-MM-DD``); default :data:`STUDY_DATE`.

    Returns
    -------
    ndarray of bool
        Aligned with ``rows``.

    Raises
    ------
    ValueError
        If ``day`` is not an ISO date, ``date`` is missing or a date does not parse.

    Examples
    --------
    >>> rows = pd.DataFrame({"date": ["2020-01-01", "2020-11-01", "2019-06-01", "2020-11-17"],
    ...                      "date_precision": ["year", "month", "year", "day"]})
    >>> written_before(rows, "2020-11-18").tolist()
    [False, False, True, True]
    """
    if not isinstance(day, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        msg = f"day must be an ISO date 'YYYY-MM-DD'; got {day!r}"
        raise ValueError(msg)
    if "date" not in getattr(rows, "columns", []):
        msg = "rows must have a 'date' column (dtm.rows or load_corpus().reset_index())"
        raise ValueError(msg)
    dates = pd.to_datetime(rows["date"], errors="coerce")
    if dates.isna().any():
        bad = rows.loc[dates.isna(), "date"].tolist()[:3]
        msg = f"rows has dates that do not parse: {bad}; expected ISO dates"
        raise ValueError(msg)
    end = dates.copy()
    if "date_precision" in rows.columns:
        prec = rows["date_precision"].astype(object)
        unknown = sorted({str(p) for p in prec} - {"day", "month", "year"})
        if unknown:
            msg = f"rows has date_precision values {unknown}; expected 'day', 'month' or 'year'"
            raise ValueError(msg)
        year, month = (prec == "year").to_numpy(), (prec == "month").to_numpy()
        end[year] = dates[year] + pd.offsets.YearEnd(0)
        end[month] = dates[month] + pd.offsets.MonthEnd(0)
    return (end < pd.Timestamp(day)).to_numpy()


def drop_verbatim_repeats(text: str, *, min_tokens: int = REPEAT_MIN_TOKENS, headline: bool = True) -> str:
    r"""The text without its headline and without the runs it repeats verbatim.

    A news report repeats its lede, a slogan or a sentence word for word;
    counted twice, such passages inflate the report's key terms. This keeps
    the first occurrence of every run of at least ``min_tokens`` tokens
    (compared in lower case) and replaces each later occurrence by `` | ``,
    so that no bigram spans the cut. With ``headline=True`` the leading blocks
    that do not end like a sentence (a section mark, the title) are dropped too.

    Examples
    --------
    >>> t = "A title\n\nWe build a shared future together now. Then more words. We build a shared future together now."
    >>> drop_verbatim_repeats(t, min_tokens=5)
    'We build a shared future together now. Then more words. | .'
    """
    if not isinstance(text, str):
        msg = f"text must be a str; got {type(text).__name__}"
        raise TypeError(msg)
    if isinstance(min_tokens, bool) or not isinstance(min_tokens, int) or min_tokens < 2:
        msg = f"min_tokens must be an integer >= 2; got {min_tokens!r}"
        raise ValueError(msg)
    if headline:
        parts = re.split(r"\n[ \t]*\n", text)
        while parts and not parts[0].rstrip().endswith(_SENTENCE_END):
            parts.pop(0)
        text = "\n\n".join(parts)
    matches = list(TOKEN_RE.finditer(text))
    toks = [m.group().lower() for m in matches]
    first: dict[tuple[str, ...], int] = {}
    repeat = np.zeros(len(toks), dtype=bool)
    for i in range(len(toks) - min_tokens + 1):
        key = tuple(toks[i : i + min_tokens])
        j = first.setdefault(key, i)
        if j + min_tokens <= i:  # an earlier, non-overlapping occurrence
            repeat[i : i + min_tokens] = True
    out, pos, i = [], 0, 0
    while i < len(toks):
        if not repeat[i]:
            i += 1
            continue
        k = i
        while k + 1 < len(toks) and repeat[k + 1]:
            k += 1
        out.append(text[pos : matches[i].start()])
        out.append("|")
        pos = matches[k].end()
        i = k + 1
    out.append(text[pos:])
    return " ".join(p.strip(" ") for p in out if p.strip(" ")) if len(out) > 1 else text


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
    before: str | None = None,
    drop_repeats: bool = False,
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
    before : str, optional
        Date filter: fit only on comparison documents certainly written before
        this ISO date (:func:`written_before`; e.g. :data:`STUDY_DATE`).
    drop_repeats : bool, default=False
        Count the target without its headline and verbatim repeats
        (:func:`drop_verbatim_repeats`); the target must ship as text.

    Raises
    ------
    ValueError
        If ``target`` is not a ``doc_id`` of the matrix, or ``drop_repeats``
        is asked for a target without text.

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
    keep = ~is_target & english
    if before is not None:
        rows = raw.rows
        if "date_precision" not in rows.columns:
            precision = load_corpus(corpus_dir=corpus_dir)["date_precision"].astype(object)
            rows = rows.assign(date_precision=rows["doc_id"].map(precision).fillna("day").to_numpy())
        keep &= written_before(rows, before)
    fit = preprocess(raw.select_rows(keep), config)
    target_raw = raw.select_rows(is_target)
    if drop_repeats:
        target_raw = _without_repeats(target_raw, target, corpus_dir)
    target_dtm = align_vocab(apply_preprocessing(target_raw, fit.preprocessing), fit.vocab)
    return AnalysisData(raw=raw, fit=fit, target=target_dtm, target_id=target)


def _without_repeats(target_raw: DocumentTermMatrix, target: str, corpus_dir: str | None) -> DocumentTermMatrix:
    docs = load_corpus(corpus_dir=corpus_dir)
    text = docs["text"].get(target) if "text" in docs.columns else None
    if not isinstance(text, str):
        msg = (
            f"drop_repeats needs the text of target={target!r}, which ships only as counts; "
            "use a target with a text file"
        )
        raise ValueError(msg)
    segments = text_segments(drop_verbatim_repeats(text))
    counts = [count_segment(seg) for seg in segments]
    meta = target_raw.rows.iloc[[0] * len(segments)].reset_index(drop=True)
    meta["seg_no"] = np.arange(1, len(segments) + 1)
    meta["n_tokens"] = np.array([c.n_tokens for c in counts], dtype=np.int64)
    return from_counts(({**c.unigrams, **c.bigrams} for c in counts), meta, vocab=target_raw.vocab)


def headline_model(
    data: AnalysisData, *, k: int = K, method: str = METHOD, random_state: int = RANDOM_STATE
) -> TopicModel:
    """Fit the topic model of the specification to ``data.fit``.

    Rows left without counts by the preprocessing (127 of 16,896 segments in
    the headline specification: headings and short lines made only of
    stopwords or rare terms) are expected and kept: they take no part in the
    fit and get equal shares and weight 0 (``empty_rows="keep"``, no warning).
    """
    return fit_topics(data.fit, k, method=method, random_state=random_state, empty_rows=EMPTY_ROWS)
