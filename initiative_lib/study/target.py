"""The initiative up close: its paragraphs, its four parts, its words and phrases.

Helpers for reading one short text that ships whole (by default the 2020
World Internet Conference initiative, in fact a ~480-token news report of it)
against the comparison corpus, which ships as counts only:

* :func:`target_text`, :func:`split_paragraphs` and
  :func:`target_paragraphs`: the text and its blank-line paragraphs (finer
  than the corpus segments, which join blocks under 30 tokens).
* :func:`assign_parts`, :func:`parts_matches` and :func:`plot_parts`: score
  each paragraph against a small lexicon of the initiative's four parts.
* :func:`top_content_terms`, :func:`target_phrases`, :func:`target_keyness`
  and :func:`g2_threshold`: frequent content words, two-word phrases ranked
  by frequency and by corpus-wide collocation strength, and keyness against
  the comparison documents.
* :func:`framing_comparison` and :func:`text_matches`: the initiative's
  framing-dictionary rates next to the comparison groups' means and
  intervals, and the entries behind them.

The parts lexicon (``data/initiative_parts.csv``)
--------------------------------------------------
The report says the initiative "includes four parts: achieving shared
development, ensuring common security, realizing joint governance and
enjoying benefits together", and then summarises each. The lexicon has one
category per part, written for this package from those summaries and from
the general vocabulary of each theme; it is not a published or validated
dictionary:

==================== ====================================================================
category             themes (as the report states them)
==================== ====================================================================
shared_development   development, the digital economy, infrastructure construction,
                     innovation, public service capacity
common_security      security and cybersecurity, peace and stability, strategic trust,
                     attacks, deterrence and blackmail, risks and threats
joint_governance     governance, multilateral and multi-party approaches, consultation,
                     dialogue, a just and equitable system, rules and norms, sovereignty
shared_benefits      shared benefits, the digital divide, vulnerable groups, digital skills
                     and literacy, people-centred technology, trade and e-commerce,
                     prosperity
==================== ====================================================================

Each part's own name is an entry (``shared development``, ``common
security``, ``joint governance``, ``benefits together``). ``cooperation``
is deliberately left out: the report uses it in every part. The file has the
format of the framing lexicon (``category,entry,notes``; one or two words,
``*`` for a prefix; see ``FRAMING_LEXICON.md``), is validated by
:func:`initiative_lib.methods.dictionaries.load_lexicon` and counted by the same
rules (:func:`~initiative_lib.methods.dictionaries.dictionary_rates`). Known
ambiguities are in its ``notes`` column: ``develop*`` also counts "Internet
development" in the security summary, ``benefit*`` the development part's
"policies that benefit all", ``trust`` and ``secure`` the trade passage's
"mutual trust" and "secure and reliable digital technologies". Categories
are not exclusive, and a paragraph's scores are counts: a long paragraph
scores more than a short one on the same theme.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from initiative_lib.checks import as_row_mask, check_int
from initiative_lib.constants import PER
from initiative_lib.corpus.load import CorpusError, open_corpus
from initiative_lib.corpus.matrix import DocumentTermMatrix, from_counts
from initiative_lib.errors import require_columns
from initiative_lib.methods.dictionaries import as_lexicon, dictionary_rates, lexicon_matches, load_lexicon
from initiative_lib.methods.intervals import poisson_interval
from initiative_lib.methods.keyness import keyness
from initiative_lib.methods.preprocess import PreprocessConfig, preprocess, rank_collocations
from initiative_lib.paths import PARTS_LEXICON
from initiative_lib.study.specification import INITIATIVE
from initiative_lib.text.cleaning import clean_text
from initiative_lib.text.segments import blocks
from initiative_lib.text.tokens import count_segment

#: the initiative's four parts, in the report's order (the categories of the parts lexicon)
PARTS = ("shared_development", "common_security", "joint_governance", "shared_benefits")
#: the shipped lexicon of the four parts
#: label of a paragraph that no entry of the lexicon matches
NO_PART = "none"
PARAGRAPH_COLUMNS = ["paragraph", "text", "n_tokens"]
PHRASE_COLUMNS = ["bigram", "count", "rows", "corpus_count", "g2", "pmi", "positive"]
#: the columns of a keyness table worth reading first
KEYNESS_VIEW = [
    "term",
    "target_count",
    "target_rows",
    "reference_count",
    "target_rate",
    "reference_rate",
    "g2",
    "log_ratio",
]


# ---------------------------------------------------------------- text and paragraphs
def target_text(*, doc_id: str = INITIATIVE, corpus_dir: str | os.PathLike[str] | None = None) -> str:
    """The shipped text of ``doc_id`` (by default the initiative), checksums verified.

    Raises
    ------
    CorpusError
        If the corpus has no such document, or the document ships as counts only.

    Examples
    --------
    >>> target_text().split("\\n")[0]
    'World'
    """
    corpus = open_corpus(corpus_dir=corpus_dir, validate=True)
    text = corpus.text_of(doc_id)
    if text is None:
        msg = (
            f"document {doc_id!r} ships as counts only, not as text; paragraphs and keywords in context "
            "need a document that ships as text (the initiative, or one added with 'corpus add')"
        )
        raise CorpusError(msg)
    return text


def split_paragraphs(text: str) -> pd.DataFrame:
    """Cut a text into its blank-line paragraphs, numbered from 1.

    The text is cleaned as the corpus build cleans it
    (:func:`~initiative_lib.text.cleaning.clean_text`), then cut at blank lines
    with each paragraph's lines joined by single spaces
    (:func:`~initiative_lib.text.segments.blocks`). Unlike corpus segments, short
    blocks (a heading) stay paragraphs of their own.

    Returns
    -------
    DataFrame
        ``paragraph`` (from 1), ``text``, ``n_tokens`` (tokens as the corpus
        counts them).

    Examples
    --------
    >>> split_paragraphs("Headline\\n\\nFirst line,\\nsame paragraph.\\n\\n\\nSecond one.")
       paragraph                         text  n_tokens
    0          1                     Headline         1
    1          2  First line, same paragraph.         4
    2          3                  Second one.         2
    """
    if not isinstance(text, str):
        msg = f"text must be a string; got {type(text).__name__}"
        raise TypeError(msg)
    cleaned, _record = clean_text(text)
    paragraphs = blocks(cleaned)
    return pd.DataFrame(
        {
            "paragraph": np.arange(1, len(paragraphs) + 1, dtype=np.int64),
            "text": pd.Series(paragraphs, dtype=object),
            "n_tokens": np.array([count_segment(p).n_tokens for p in paragraphs], dtype=np.int64),
        },
        columns=PARAGRAPH_COLUMNS,
    )


def target_paragraphs(*, doc_id: str = INITIATIVE, corpus_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The blank-line paragraphs of the shipped initiative (or another text document).

    See :func:`split_paragraphs` for the columns.

    Examples
    --------
    >>> paras = target_paragraphs()
    >>> len(paras), int(paras["n_tokens"].sum())
    (10, 482)
    """
    return split_paragraphs(target_text(doc_id=doc_id, corpus_dir=corpus_dir))


# ---------------------------------------------------------------- the four parts
def load_parts_lexicon(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and validate the lexicon of the four parts (by default the shipped one).

    Returns
    -------
    DataFrame
        ``category``, ``entry``, ``notes``, ``kind``, as
        :func:`~initiative_lib.methods.dictionaries.load_lexicon`.

    Examples
    --------
    >>> lex = load_parts_lexicon()
    >>> tuple(dict.fromkeys(lex["category"])) == PARTS
    True
    """
    return load_lexicon(PARTS_LEXICON if path is None else path)


def _as_paragraphs(paragraphs: pd.DataFrame | Sequence[str] | pd.Series) -> pd.DataFrame:
    """Normalise the accepted paragraph inputs to ``paragraph``, ``text``."""
    if isinstance(paragraphs, pd.DataFrame):
        if "text" not in paragraphs.columns:
            msg = (
                "paragraphs lacks a 'text' column; expected the output of target_paragraphs(); "
                f"got columns {list(paragraphs.columns)}"
            )
            raise ValueError(msg)
        numbers = (
            paragraphs["paragraph"].tolist()
            if "paragraph" in paragraphs.columns
            else list(range(1, len(paragraphs) + 1))
        )
        texts = paragraphs["text"].tolist()
    elif isinstance(paragraphs, pd.Series):
        numbers, texts = paragraphs.index.tolist(), paragraphs.tolist()
    elif isinstance(paragraphs, Sequence) and not isinstance(paragraphs, str):
        numbers, texts = list(range(1, len(paragraphs) + 1)), list(paragraphs)
    else:
        msg = (
            "paragraphs must be a DataFrame with a 'text' column, a Series or a list of strings; "
            f"got {type(paragraphs).__name__}"
        )
        raise TypeError(msg)
    if not texts:
        msg = "paragraphs is empty; expected at least one paragraph"
        raise ValueError(msg)
    for number, text in zip(numbers, texts, strict=True):
        if not isinstance(text, str):
            msg = f"paragraph {number!r} must be a string; got {type(text).__name__}"
            raise TypeError(msg)
    if len(set(numbers)) != len(numbers):
        dup = sorted({n for n in numbers if numbers.count(n) > 1}, key=str)[:5]
        msg = f"paragraph numbers must be unique; repeated: {dup}"
        raise ValueError(msg)
    return pd.DataFrame({"paragraph": numbers, "text": texts})


def paragraph_matrix(paragraphs: pd.DataFrame | Sequence[str] | pd.Series) -> DocumentTermMatrix:
    """Unigram and bigram counts of each paragraph, one row per paragraph.

    ``rows`` has ``doc_id`` (the paragraph number as a string), ``paragraph``
    and ``n_tokens``; counting follows :func:`~initiative_lib.text.tokens.count_segment`.

    Examples
    --------
    >>> m = paragraph_matrix(["Digital economy.", "Peace and security."])
    >>> m.rows[["paragraph", "n_tokens"]].to_numpy().tolist(), "digital economy" in m.vocab
    ([[1, 2], [2, 3]], True)
    """
    paras = _as_paragraphs(paragraphs)
    counts = [count_segment(t) for t in paras["text"]]
    rows = pd.DataFrame(
        {
            "doc_id": [str(n) for n in paras["paragraph"]],
            "paragraph": paras["paragraph"].to_numpy(),
            "n_tokens": np.array([c.n_tokens for c in counts], dtype=np.int64),
        }
    )
    return from_counts(({**c.unigrams, **c.bigrams} for c in counts), rows)


def assign_parts(
    paragraphs: pd.DataFrame | Sequence[str] | pd.Series,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Score each paragraph against the lexicon of the four parts.

    Parameters
    ----------
    paragraphs : DataFrame, Series or list of str
        Output of :func:`target_paragraphs` (``paragraph``, ``text``), a
        Series of texts indexed by paragraph, or a list numbered from 1.
    lexicon : DataFrame or path, optional
        A lexicon in the framing-lexicon format; by default the shipped
        :data:`PARTS_LEXICON`. Its categories become the score columns.

    Returns
    -------
    DataFrame
        One row per paragraph: ``paragraph``, ``n_tokens``, one column of
        lexicon matches per category (counted as
        :func:`~initiative_lib.methods.dictionaries.dictionary_rates` counts them),
        ``total`` (their sum) and ``part``: the category with the most
        matches, the tied categories joined by ``" + "`` in lexicon order, or
        :data:`NO_PART` when nothing matched.

    Raises
    ------
    LexiconError
        If the lexicon is malformed.

    Examples
    --------
    >>> out = assign_parts(["Peace and security in cyberspace.", "Narrow the digital divide.", "Hello."])
    >>> out[["paragraph", "common_security", "shared_benefits", "part"]]
       paragraph  common_security  shared_benefits             part
    0          1                2                0  common_security
    1          2                0                1  shared_benefits
    2          3                0                0             none
    """
    paras = _as_paragraphs(paragraphs)
    lex = as_lexicon(lexicon, default=PARTS_LEXICON)
    matrix = paragraph_matrix(paras)
    rates = dictionary_rates(matrix, lex)
    categories = list(dict.fromkeys(lex["category"]))
    # dictionary_rates returns one row per paragraph and category, paragraphs in order, categories in lexicon order
    scores = rates["matches"].to_numpy(dtype=np.int64).reshape(len(paras), len(categories))
    out = pd.DataFrame({"paragraph": paras["paragraph"].to_numpy(), "n_tokens": matrix.rows["n_tokens"].to_numpy()})
    for j, category in enumerate(categories):
        out[category] = scores[:, j]
    out["total"] = scores.sum(axis=1)
    top = scores.max(axis=1)
    out["part"] = [
        NO_PART if best == 0 else " + ".join(c for c, s in zip(categories, row, strict=True) if s == best)
        for row, best in zip(scores, top, strict=True)
    ]
    return out


def parts_matches(
    paragraphs: pd.DataFrame | Sequence[str] | pd.Series,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Which words and phrases of the parts lexicon matched, and how often (for checking it).

    Returns
    -------
    DataFrame
        ``category``, ``entry``, ``term``, ``count`` and ``n_rows`` (here: the
        number of paragraphs), as :func:`~initiative_lib.methods.dictionaries.lexicon_matches`.

    Examples
    --------
    >>> parts_matches(["Peace and security.", "Security first."])[["entry", "count", "n_rows"]]
          entry  count  n_rows
    0  security      2       2
    1    peace*      1       1
    """
    return lexicon_matches(paragraph_matrix(paragraphs), as_lexicon(lexicon, default=PARTS_LEXICON))


# ---------------------------------------------------------------- words and phrases
def top_content_terms(
    dtm: DocumentTermMatrix,
    mask: object | None = None,
    *,
    n: int | None = 20,
    stopwords: str | Sequence[str] | None = "english+domain",
) -> pd.DataFrame:
    """The most frequent content words of some rows (stopwords and numbers removed).

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Raw counts (unigram columns are used; bigram columns are ignored).
    mask : array of bool, optional
        Rows to count (e.g. the initiative's segments); by default all rows.
    n : int or None
        Number of terms returned; None for all.
    stopwords : str, list of str or None
        As :class:`~initiative_lib.methods.preprocess.PreprocessConfig`; tokens
        shorter than two characters and tokens without a letter are also
        dropped.

    Returns
    -------
    DataFrame
        ``term``, ``count``, ``rows`` (rows containing the term) and
        ``per_1000`` (per 1,000 tokens of the rows, stopwords included),
        sorted by count (descending) then term.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [6, 4]})
    >>> m = from_counts([{"the": 2, "cyber": 2, "peace": 2}, {"cyber": 1, "of": 3}], rows)
    >>> top_content_terms(m)
        term  count  rows  per_1000
    0  cyber      3     2     300.0
    1  peace      2     1     200.0
    """
    if n is not None:
        n = check_int(n, "n", minimum=1)
    sel = dtm if mask is None else dtm.select_rows(as_row_mask(mask, dtm.shape[0], "mask"))
    stop = tuple(stopwords) if stopwords is not None and not isinstance(stopwords, str) else stopwords
    pp = preprocess(sel, PreprocessConfig(stopwords=stop))
    total_tokens = float(sel.rows["n_tokens"].sum())
    if total_tokens <= 0:
        msg = "the selected rows have no tokens in rows['n_tokens']; expected a positive total"
        raise ValueError(msg)
    counts = np.asarray(pp.counts.sum(axis=0)).ravel().astype(np.int64)
    rows = np.bincount(pp.counts.indices[pp.counts.data > 0], minlength=pp.shape[1]).astype(np.int64)
    out = pd.DataFrame(
        {
            "term": pp.vocab.astype(object),
            "count": counts,
            "rows": rows,
            "per_1000": PER * counts / total_tokens,
        }
    )
    out = out[out["count"] > 0].sort_values(["count", "term"], ascending=[False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    return out if n is None else out.head(n)


def _content_token(token: str, stop: frozenset[str]) -> bool:
    return len(token) >= 2 and any(c.isalpha() for c in token) and token not in stop


def target_phrases(
    dtm: DocumentTermMatrix,
    mask: object,
    *,
    stopwords: str | Sequence[str] | None = "english+domain",
    order: str = "count",
) -> pd.DataFrame:
    """Two-word phrases of some rows, with their collocation strength in the whole matrix.

    Collocation statistics need corpus-scale counts: in a ~480-token text
    almost every bigram occurs once or twice and a G2 computed on the text
    alone ranks nothing. Here the bigrams are taken from the rows in
    ``mask`` (both words content words: no stopword, no number, at least two
    characters) and scored by
    :func:`~initiative_lib.methods.preprocess.rank_collocations` on **all** rows of
    ``dtm`` (the masked rows included), so a phrase the initiative repeats
    can be told from a phrase the whole corpus treats as a unit.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Raw counts of the whole corpus with unigrams and bigrams (``ngrams="both"``).
    mask : array of bool
        The rows whose phrases are listed (e.g. the initiative's segments).
    stopwords : str, list of str or None
        Words a phrase may not contain (see :func:`top_content_terms`).
    order : {"count", "g2"}
        Sort by the count in the masked rows (then G2), or by corpus-wide G2
        (then count).

    Returns
    -------
    DataFrame
        ``bigram``, ``count`` and ``rows`` (in the masked rows),
        ``corpus_count`` (in all rows), ``g2``, ``pmi`` and ``positive``
        (observed above expected) from ``rank_collocations``.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_tokens": [4, 4, 4]})
    >>> m = from_counts([{"digital": 1, "economy": 1, "the": 2, "digital economy": 1, "the digital": 1},
    ...                  {"digital": 1, "economy": 1, "open": 2, "digital economy": 1},
    ...                  {"open": 1, "trade": 1, "is": 2, "open trade": 1}], rows)
    >>> target_phrases(m, [True, False, False])[["bigram", "count", "corpus_count"]]
                bigram  count  corpus_count
    0  digital economy      1             2
    """
    if order not in ("count", "g2"):
        msg = f"order must be 'count' or 'g2'; got {order!r}"
        raise ValueError(msg)
    target = as_row_mask(mask, dtm.shape[0], "mask")
    if not target.any():
        msg = "mask selects no rows; expected at least one"
        raise ValueError(msg)
    is_bigram = np.fromiter((" " in str(t) for t in dtm.vocab), dtype=bool, count=len(dtm.vocab))
    if not is_bigram.any():
        msg = "dtm has no bigram columns; build it with ngrams='both'"
        raise ValueError(msg)
    stop_cfg = tuple(stopwords) if stopwords is not None and not isinstance(stopwords, str) else stopwords
    stop = PreprocessConfig(stopwords=stop_cfg).stopword_set()
    sub = dtm.counts[target]
    counts = np.asarray(sub.sum(axis=0)).ravel().astype(np.int64)
    rows = np.bincount(sub.indices[sub.data > 0], minlength=dtm.shape[1]).astype(np.int64)
    vocab = [str(t) for t in dtm.vocab]
    keep = np.array(
        [
            bool(is_bigram[j] and counts[j] > 0 and all(_content_token(w, stop) for w in vocab[j].split(" ")))
            for j in range(len(vocab))
        ],
        dtype=bool,
    )
    columns = PHRASE_COLUMNS
    if not keep.any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    # every unigram column stays, so the collocation totals are those of the whole matrix
    scored = rank_collocations(dtm.select_terms(~is_bigram | keep), min_count=1).set_index("bigram")
    idx = np.flatnonzero(keep)
    out = pd.DataFrame(
        {"bigram": [vocab[j] for j in idx], "count": counts[idx], "rows": rows[idx]},
    )
    out = out.join(scored[["n_12", "g2", "pmi", "positive"]], on="bigram", how="inner")
    out = out.rename(columns={"n_12": "corpus_count"})[columns]
    keys, ascending = (["count", "g2", "bigram"], [False, False, True])
    if order == "g2":
        keys = ["g2", "count", "bigram"]
    return out.sort_values(keys, ascending=ascending, kind="mergesort").reset_index(drop=True)


def target_keyness(
    dtm: DocumentTermMatrix,
    mask: object,
    reference_mask: object | None = None,
    *,
    stopwords: str | Sequence[str] | None = "english+domain",
    min_count: int = 5,
) -> pd.DataFrame:
    """Keyness (G2, log ratio, counts) of the content words of some rows against the rest.

    Stopwords, numbers and one-character tokens are removed (bigram columns
    too) before :func:`~initiative_lib.methods.keyness.keyness` is called; the rates
    and G2 still use every token (``rows["n_tokens"]``) as the total, so
    removing stopwords changes which terms are listed, not their scores.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Raw counts; segment level gives ``target_rows`` as a number of segments.
    mask : array of bool
        Target rows (the initiative).
    reference_mask : array of bool, optional
        Reference rows; by default every other row.
    stopwords : str, list of str or None
    min_count : int
        Keep terms occurring at least this often in target and reference together.

    Returns
    -------
    DataFrame
        As :func:`~initiative_lib.methods.keyness.keyness`, sorted by signed G2.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [100, 100]})
    >>> m = from_counts([{"the": 10, "cyber": 10}, {"the": 10, "cyber": 2}], rows)
    >>> target_keyness(m, [True, False], min_count=1)["term"].tolist()
    ['cyber']
    """
    stop = tuple(stopwords) if stopwords is not None and not isinstance(stopwords, str) else stopwords
    pp = preprocess(dtm, PreprocessConfig(stopwords=stop))
    return keyness(pp, mask, reference_mask, min_count=min_count)


def g2_threshold(alpha: float = 0.05, *, n_tests: int = 1) -> float:
    """The G2 (chi-squared, one degree of freedom) a term must exceed for p < alpha / n_tests.

    With ``n_tests`` set to the number of terms compared this is the
    Bonferroni-corrected threshold. Keyness p-values treat tokens as
    independent, which they are not, so even this is lenient for a short text.

    Examples
    --------
    >>> round(g2_threshold(0.05), 2), round(g2_threshold(0.001), 2)
    (3.84, 10.83)
    >>> round(g2_threshold(0.05, n_tests=1000), 2)
    16.45
    """
    if not 0 < alpha < 1:
        msg = f"alpha must be between 0 and 1; got {alpha!r}"
        raise ValueError(msg)
    n_tests = check_int(n_tests, "n_tests", minimum=1)
    return _chi2_isf(alpha / n_tests)


@functools.lru_cache(maxsize=1024)
def _chi2_isf(q: float) -> float:
    """``chi2(1).isf(q)``, remembered: reports ask for the same few thresholds once per term."""
    return float(stats.chi2.isf(q, df=1))


# ---------------------------------------------------------------- framing profile
def text_matches(
    dtm: DocumentTermMatrix,
    mask: object,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Which lexicon entries matched in some rows (e.g. the initiative), and how often.

    :func:`~initiative_lib.methods.dictionaries.lexicon_matches` on the rows in
    ``mask``, after dropping the columns those rows never use (the result is
    the same; the corpus matrix has some 270,000 columns, and prefix matching
    over all of them is slow).

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Counts with bigrams if the lexicon has two-word entries.
    mask : array of bool
        The rows whose matches are listed.
    lexicon : DataFrame or path, optional
        By default the shipped framing lexicon.

    Returns
    -------
    DataFrame
        ``category``, ``entry``, ``term``, ``count``, ``n_rows`` (rows of
        ``mask`` containing the term).

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [3, 3]})
    >>> m = from_counts([{"peace": 1, "trade": 2}, {"peace": 2}], rows)
    >>> lex = pd.DataFrame({"category": ["security", "economy"], "entry": ["peace*", "trade"]})
    >>> text_matches(m, [True, False], lex)[["entry", "term", "count"]]
        entry   term  count
    0  peace*  peace      1
    1   trade  trade      2
    """
    sel = dtm.select_rows(as_row_mask(mask, dtm.shape[0], "mask"))
    used = np.asarray(sel.counts.sum(axis=0)).ravel() > 0
    return lexicon_matches(sel.select_terms(used), lexicon)


def framing_comparison(group_rates_df: pd.DataFrame, *, target: str = "initiative", by: str = "group") -> pd.DataFrame:
    """One row per category: the target group's rate next to each other group's mean and interval.

    Parameters
    ----------
    group_rates_df : DataFrame
        Output of :func:`~initiative_lib.methods.dictionaries.group_rates`.
    target : str
        The group compared with the others (the initiative).
    by : str
        The group column.

    Returns
    -------
    DataFrame
        ``category``, the target's ``matches`` and ``rate`` (per 1,000
        tokens) and, when ``group_rates_df`` has ``n_tokens``, the exact
        Poisson (Garwood) 95% interval of the target's rate (``rate_low``,
        ``rate_high``; a zero count gets [0, 3.69 per n_tokens], never
        [0, 0]); one column of mean rates per other group; and ``above`` /
        ``below``: the groups whose whole interval lies below the target's
        lower bound / above its upper bound (without ``n_tokens``: its rate),
        joined by ``", "``. A group without an interval is never listed. So a
        zero count is "below" a group only if that group's whole interval
        lies above what zero matches in the target's length can rule out.

    Examples
    --------
    >>> g = pd.DataFrame({"group": ["a", "a", "b", "b"], "category": ["x", "y", "x", "y"],
    ...                   "matches": [4, 0, 30, 20], "rate": [8.0, 0.0, 3.0, 2.0],
    ...                   "ci_low": [None, None, 2.0, 1.0], "ci_high": [None, None, 4.0, 3.0]})
    >>> framing_comparison(g, target="a")
      category  matches  rate    b above below
    0        x        4   8.0  3.0     b
    1        y        0   0.0  2.0           b

    With the target's length, its exact interval decides: 4 matches in 500
    tokens do not rule out a rate of 4 per 1,000, and 0 matches do not rule
    out 3, so neither difference is claimed.

    >>> g["n_tokens"] = [500, 500, 10000, 10000]
    >>> out = framing_comparison(g, target="a")
    >>> out[["rate_low", "rate_high"]].round(2).values.tolist(), out["above"].tolist(), out["below"].tolist()
    ([[2.18, 20.48], [0.0, 7.38]], ['', ''], ['', ''])
    """
    needed = [by, "category", "matches", "rate", "ci_low", "ci_high"]
    require_columns(group_rates_df, needed, "group_rates_df", "the output of group_rates()")
    df = group_rates_df
    if target not in set(df[by]):
        msg = f"target {target!r} is not a value of column {by!r}; available: {sorted(map(str, set(df[by])))}"
        raise ValueError(msg)
    categories = list(dict.fromkeys(df["category"]))
    others = [g for g in dict.fromkeys(df[by]) if g != target]
    t = df[df[by] == target].set_index("category").reindex(categories)
    out = pd.DataFrame(
        {
            "category": categories,
            "matches": t["matches"].to_numpy(dtype=np.int64),
            "rate": t["rate"].to_numpy(dtype=float),
        }
    )
    lo_t, hi_t = out["rate"].to_numpy(dtype=float), out["rate"].to_numpy(dtype=float)
    if "n_tokens" in t.columns:
        bounds = poisson_interval(t["matches"].to_numpy(), t["n_tokens"].to_numpy(dtype=float))
        lo_t, hi_t = bounds["rate_low"].to_numpy(dtype=float), bounds["rate_high"].to_numpy(dtype=float)
        out["rate_low"], out["rate_high"] = lo_t, hi_t
    above: list[list[str]] = [[] for _ in categories]
    below: list[list[str]] = [[] for _ in categories]
    for group in others:
        g = df[df[by] == group].set_index("category").reindex(categories)
        out[str(group)] = g["rate"].to_numpy(dtype=float)
        low = g["ci_low"].to_numpy(dtype=float)
        high = g["ci_high"].to_numpy(dtype=float)
        for i in range(len(categories)):
            if high[i] < lo_t[i]:
                above[i].append(str(group))
            elif low[i] > hi_t[i]:
                below[i].append(str(group))
    out["above"] = [", ".join(a) for a in above]
    out["below"] = [", ".join(b) for b in below]
    return out
