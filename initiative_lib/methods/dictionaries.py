"""Dictionary (lexicon) measures: how often each text uses a frame's vocabulary.

A lexicon is a table of ``category, entry, notes`` rows; the package ships
one, ``data/framing_lexicon.csv``, documented in ``data/FRAMING_LEXICON.md``.
Entries take three forms, matched against the columns of a
:class:`~initiative_lib.corpus.matrix.DocumentTermMatrix`:

* a single token (``privacy``, ``multi-stakeholder``): that unigram column;
* a single token ending in ``*`` (``sovereign*``): every unigram column that
  starts with the part before the ``*`` (at least three characters);
* two tokens separated by one space (``human rights``): that bigram column,
  so the matrix must have been built with bigrams.

Entries of three or more words are rejected: the comparison documents ship as
unigram and bigram counts only, so such phrases cannot be counted for them.
List the most specific two-word part instead (``governance forum`` for
"Internet Governance Forum").

Counting rule (no double counting within a category): every occurrence of a
two-word entry counts once, and its words are then not counted again by the
category's single-word entries. In counts::

    matches = tokens matched by single-word entries
            + occurrences of two-word entries
            - for each such occurrence, how many of its words single-word entries match

A column matched by several entries of one category (``sovereign*`` and
``sovereignty``) counts once. Categories are not exclusive: a token can count
in two categories (``security`` in "Security Council").

Rates are matches per 1,000 tokens, with ``rows["n_tokens"]`` as the
denominator.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_int, check_random_state
from initiative_lib.constants import PER
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.errors import where
from initiative_lib.paths import FRAMING_LEXICON
from initiative_lib.text.tokens import TOKEN_RE

#: the lexicon shipped with the package
LEXICON_COLUMNS = ("category", "entry", "notes")
MIN_PREFIX = 3
_CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class LexiconError(ValueError):
    """A lexicon file or table does not follow the lexicon rules."""


def _entry_kind(entry: str) -> str | None:
    """Return ``"unigram"``, ``"prefix"`` or ``"bigram"``, or None if malformed."""
    words = entry.split(" ")
    if len(words) == 1:
        word = words[0]
        if word.endswith("*"):
            stem = word[:-1]
            if len(stem) >= MIN_PREFIX and TOKEN_RE.fullmatch(stem):
                return "prefix"
            return None
        return "unigram" if TOKEN_RE.fullmatch(word) else None
    if len(words) == 2 and all(TOKEN_RE.fullmatch(w) for w in words):
        return "bigram"
    return None


def _entry_problem(entry: str) -> str:
    if entry != entry.strip() or "  " in entry or "\t" in entry:
        return "no leading, trailing or repeated white space"
    if entry != entry.lower():
        return "lower case (counts are lower-cased)"
    n_words = len(entry.split(" "))
    if n_words > 2:
        return "one or two words: the corpus ships unigram and bigram counts only, list a two-word part instead"
    if "*" in entry[:-1] or (n_words == 2 and "*" in entry):
        return "'*' only at the end of a single word"
    if entry.endswith("*") and len(entry) - 1 < MIN_PREFIX:
        return f"a prefix of at least {MIN_PREFIX} characters before '*'"
    return "tokens of letters or digits (inner hyphens allowed), e.g. 'privacy', 'sovereign*', 'human rights'"


#: validated lexicons by content (validation is a pure function of the table; callers get a copy)
_VALIDATED: dict[Hashable, pd.DataFrame] = {}


def validate_lexicon(table: pd.DataFrame, source: object = "<DataFrame>", *, first_row: int = 2) -> pd.DataFrame:
    """Check a lexicon table and return it with a ``kind`` column.

    Parameters
    ----------
    table : DataFrame
        Columns ``category``, ``entry`` and optionally ``notes``.
    source : object
        Name of the table used in error messages (a file path).
    first_row : int
        Number shown for the table's first row in messages (2 for a CSV file
        whose header is row 1).

    Returns
    -------
    DataFrame
        ``category``, ``entry``, ``notes`` (empty string if missing) and
        ``kind`` (``"unigram"``, ``"prefix"`` or ``"bigram"``), with a fresh
        index.

    Raises
    ------
    LexiconError
        Naming source, row, field, the bad value and what was expected.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["law", "law"], "entry": ["treaty", "international law"]})
    >>> validate_lexicon(t)["kind"].tolist()
    ['unigram', 'bigram']
    """
    try:
        key: Hashable = (
            tuple(str(c) for c in table.columns),
            tuple(tuple((type(v), v) for v in row) for row in table.to_numpy(dtype=object).tolist()),  # 1 is not 1.0
            str(source),
            first_row,
        )
        hash(key)
    except TypeError:  # unhashable cells: validate without the memo
        return _validate_lexicon(table, source, first_row)
    if key not in _VALIDATED:
        if len(_VALIDATED) >= 64:
            _VALIDATED.clear()
        _VALIDATED[key] = _validate_lexicon(table, source, first_row)
    return _VALIDATED[key].copy()


def _validate_lexicon(table: pd.DataFrame, source: object, first_row: int) -> pd.DataFrame:
    columns = [str(c) for c in table.columns]
    unknown = [c for c in columns if c not in LEXICON_COLUMNS]
    if unknown:
        msg = f"{where(source)}: unknown columns {unknown}; expected {list(LEXICON_COLUMNS)}"
        raise LexiconError(msg)
    missing = [c for c in ("category", "entry") if c not in columns]
    if missing:
        msg = f"{where(source)}: missing columns {missing}; expected {list(LEXICON_COLUMNS)}"
        raise LexiconError(msg)
    if len(table) == 0:
        msg = f"{where(source)}: the lexicon has no entries; expected at least one row"
        raise LexiconError(msg)
    notes = table["notes"] if "notes" in table.columns else pd.Series([""] * len(table), index=table.index)
    out = pd.DataFrame(
        {
            "category": table["category"].to_numpy(dtype=object),
            "entry": table["entry"].to_numpy(dtype=object),
            "notes": notes.fillna("").astype(str).to_numpy(dtype=object),
        }
    )
    kinds = []
    seen: dict[tuple[str, str], int] = {}
    for i, (category, entry) in enumerate(zip(out["category"], out["entry"], strict=True)):
        row = first_row + i
        if not isinstance(category, str) or not _CATEGORY_RE.fullmatch(category):
            msg = (
                f"{where(source, row, 'category')}: got {category!r}; expected an identifier of lower-case "
                "letters, digits and '_' starting with a letter (e.g. 'human_rights')"
            )
            raise LexiconError(msg)
        if not isinstance(entry, str) or not entry.strip():
            msg = f"{where(source, row, 'entry')}: got an empty entry {entry!r}; expected a word or phrase"
            raise LexiconError(msg)
        kind = _entry_kind(entry) if entry == entry.lower() else None
        if kind is None:
            msg = f"{where(source, row, 'entry')}: got {entry!r}; expected {_entry_problem(entry)}"
            raise LexiconError(msg)
        key = (category, entry)
        if key in seen:
            msg = (
                f"{where(source, row, 'entry')}: duplicate entry {entry!r} in category {category!r} "
                f"(first at row {seen[key]}); expected each entry once per category"
            )
            raise LexiconError(msg)
        seen[key] = row
        kinds.append(kind)
    out["kind"] = kinds
    return out


def load_lexicon(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and validate a lexicon CSV (by default the shipped framing lexicon).

    Parameters
    ----------
    path : path, optional
        CSV with header ``category,entry,notes`` (``notes`` may be left out),
        UTF-8. Row numbers in error messages count the header as row 1.

    Returns
    -------
    DataFrame
        ``category``, ``entry``, ``notes``, ``kind``; see :func:`validate_lexicon`.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> sorted(lex["category"].unique())[:3]
    ['capacity_building', 'cooperation', 'development']
    >>> lex.loc[lex["entry"] == "sovereign*", "kind"].item()
    'prefix'
    """
    file = Path(FRAMING_LEXICON if path is None else path)
    if not file.is_file():
        msg = f"lexicon file {file} does not exist; expected a CSV with columns {list(LEXICON_COLUMNS)}"
        raise FileNotFoundError(msg)
    table = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    return validate_lexicon(table, file)


def as_lexicon(
    lexicon: pd.DataFrame | str | os.PathLike[str] | None, *, default: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Return a validated lexicon from a DataFrame, a path, or ``None`` (the ``default`` file).

    ``default=None`` means the shipped framing lexicon.
    """
    if lexicon is None:
        return load_lexicon(default)
    if isinstance(lexicon, str | os.PathLike):
        return load_lexicon(lexicon)
    if isinstance(lexicon, pd.DataFrame):
        return validate_lexicon(lexicon.drop(columns=["kind"], errors="ignore"))
    msg = f"lexicon must be a DataFrame, a path or None; got {type(lexicon).__name__}"
    raise TypeError(msg)


_Rules = tuple[tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]], ...]


@functools.lru_cache(maxsize=64)
def _rules(rows: tuple[tuple[str, str, str], ...]) -> _Rules:
    """Per category, in order of first appearance: exact words, prefixes (without ``*``) and phrases."""
    out = []
    for category in dict.fromkeys(c for c, _, _ in rows):
        entries = [(e, k) for c, e, k in rows if c == category]
        out.append(
            (
                category,
                frozenset(e for e, k in entries if k == "unigram"),
                tuple(e[:-1] for e, k in entries if k == "prefix"),
                tuple(e for e, k in entries if k == "bigram"),
            )
        )
    return tuple(out)


#: the last vocabulary's lookups (an Index is immutable, so the same object has the same terms)
_VOCAB_LOOKUP: list[tuple[pd.Index, dict[str, int], list[str], list[int]]] = []


def _vocab_lookup(vocab: pd.Index) -> tuple[dict[str, int], list[str], list[int]]:
    """Column of each term, and the one-word terms sorted with their columns (for prefix ranges)."""
    if _VOCAB_LOOKUP and _VOCAB_LOOKUP[0][0] is vocab:
        return _VOCAB_LOOKUP[0][1:]
    terms = [str(t) for t in vocab]
    col = {t: j for j, t in enumerate(terms)}
    unigrams = sorted((t, j) for j, t in enumerate(terms) if " " not in t)
    found = (col, [t for t, _ in unigrams], [j for _, j in unigrams])
    _VOCAB_LOOKUP[:] = [(vocab, *found)]
    return found


class _RuleParts(NamedTuple):
    """The counting rule on one vocabulary, in parts: see :func:`_rule_parts`."""

    categories: list[str]
    hit_rows: list[int]  # one-word terms (columns) counted by a category ...
    hit_cats: list[int]  # ... and that category
    phrase_rows: list[int]  # two-word terms (columns) counted by a category ...
    phrase_cats: list[int]  # ... that category ...
    phrase_words: list[list[int]]  # ... and the columns of the phrase's words that count on their own


def _rule_parts(vocab: pd.Index, lexicon: pd.DataFrame) -> _RuleParts:
    """The columns each category counts: one-word terms, and phrases with the columns of their counted words.

    A one-word term counts for a category when it is one of its words or starts with
    one of its prefixes; a phrase counts ``1 - (its words that count on their own)``.
    """
    rules = _rules(tuple(zip(lexicon["category"], lexicon["entry"], lexicon["kind"], strict=True)))
    col, sorted_terms, sorted_cols = _vocab_lookup(vocab)
    parts = _RuleParts([category for category, *_ in rules], [], [], [], [], [])
    for k, (_, exact, prefixes, phrases) in enumerate(rules):

        def matches(word: str, exact: frozenset[str] = exact, prefixes: tuple[str, ...] = prefixes) -> bool:
            return word in exact or (bool(prefixes) and word.startswith(prefixes))

        hits: set[int] = set()
        # the one-word terms equal to a word, or starting with a prefix, are runs of the sorted terms
        for word in exact:
            i = bisect.bisect_left(sorted_terms, word)
            while i < len(sorted_terms) and sorted_terms[i] == word:
                hits.add(sorted_cols[i])
                i += 1
        for prefix in prefixes:
            i = bisect.bisect_left(sorted_terms, prefix)
            while i < len(sorted_terms) and sorted_terms[i].startswith(prefix):
                hits.add(sorted_cols[i])
                i += 1
        for j in sorted(hits):
            parts.hit_rows.append(j)
            parts.hit_cats.append(k)
        for phrase in phrases:
            found = col.get(phrase)
            if found is None:
                continue
            parts.phrase_rows.append(found)
            parts.phrase_cats.append(k)
            parts.phrase_words.append([col[w] for w in phrase.split(" ") if w in col and matches(w)])
    return parts


def _weights(vocab: pd.Index, lexicon: pd.DataFrame) -> tuple[sp.csr_matrix, list[str]]:
    """Term-by-category weights implementing the counting rule (see :func:`_rule_parts`)."""
    parts = _rule_parts(vocab, lexicon)
    rows = parts.hit_rows + parts.phrase_rows
    cols = parts.hit_cats + parts.phrase_cats
    vals = [1.0] * len(parts.hit_rows) + [1.0 - len(words) for words in parts.phrase_words]
    w = sp.csr_matrix((vals, (rows, cols)), shape=(len(vocab), len(parts.categories)))
    return w, parts.categories


def _prepare(
    dtm: DocumentTermMatrix, lexicon: pd.DataFrame | str | os.PathLike[str] | None, unigrams_only: bool
) -> pd.DataFrame:
    return _select_entries(as_lexicon(lexicon), unigrams_only, any(" " in str(t) for t in dtm.vocab))


def _select_entries(lex: pd.DataFrame, unigrams_only: bool, has_bigram_cols: bool) -> pd.DataFrame:
    """The entries of a validated lexicon that count on a matrix with (or without) bigram columns."""
    if unigrams_only:
        lex = lex[lex["kind"] != "bigram"].reset_index(drop=True)
        if lex.empty:
            msg = "unigrams_only=True leaves no lexicon entries; every entry is a two-word phrase"
            raise LexiconError(msg)
    elif (lex["kind"] == "bigram").any() and not has_bigram_cols:
        examples = lex.loc[lex["kind"] == "bigram", "entry"].head(3).tolist()
        msg = (
            f"the lexicon has {int((lex['kind'] == 'bigram').sum())} two-word entries (e.g. {examples}) "
            "but dtm has no bigram columns; build the matrix with bigrams (ngrams='both') "
            "or pass unigrams_only=True to drop the two-word entries"
        )
        raise LexiconError(msg)
    return lex


def dictionary_rates(
    dtm: DocumentTermMatrix,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    *,
    unigrams_only: bool = False,
) -> pd.DataFrame:
    """Matches of each lexicon category per 1,000 tokens, for every row of ``dtm``.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment or document rows; with bigram columns if the lexicon has
        two-word entries.
    lexicon : DataFrame or path, optional
        A lexicon table (validated like a file) or CSV path; by default the
        shipped framing lexicon.
    unigrams_only : bool
        Drop the lexicon's two-word entries (for a matrix without bigrams).
        Rates are then not comparable with rates computed with them.

    Returns
    -------
    DataFrame
        Long format, one row per matrix row and category, in matrix order:
        ``doc_id`` (and ``seg_no`` at segment level), ``category``,
        ``matches`` (count), ``n_tokens`` and ``rate`` (matches per 1,000
        tokens; NaN for a row without tokens).

    Raises
    ------
    LexiconError
        If the lexicon is malformed, or needs bigrams the matrix lacks.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> lex = pd.DataFrame({"category": ["rights"] * 2, "entry": ["human rights", "rights"]})
    >>> rows = pd.DataFrame({"doc_id": ["a"], "n_tokens": [500]})
    >>> m = from_counts([{"human": 3, "rights": 4, "human rights": 3}], rows)
    >>> dictionary_rates(m, lex)
      doc_id category  matches  n_tokens  rate
    0      a   rights        4       500   8.0
    """
    lex = _prepare(dtm, lexicon, unigrams_only)
    weights, categories = _weights(dtm.vocab, lex)
    matches = np.asarray(
        (dtm.counts.astype(float) @ weights).toarray() if weights.nnz else np.zeros((dtm.shape[0], len(categories)))
    )
    matches = np.clip(np.rint(matches), 0, None).astype(np.int64)
    keys = [c for c in ("doc_id", "seg_no") if c in dtm.rows.columns]
    n_rows, n_cat = matches.shape
    out = dtm.rows[keys].iloc[np.repeat(np.arange(n_rows), n_cat)].reset_index(drop=True)
    out["category"] = np.tile(np.asarray(categories, dtype=object), n_rows)
    out["matches"] = matches.ravel()
    n_tokens = np.repeat(dtm.rows["n_tokens"].to_numpy(dtype=np.int64), n_cat)
    out["n_tokens"] = n_tokens
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate"] = np.where(
            n_tokens > 0, PER * out["matches"].to_numpy() / np.where(n_tokens > 0, n_tokens, 1), np.nan
        )
    return out


class LexiconCounter:
    """A lexicon's matches in count vectors over one vocabulary, counted as :func:`dictionary_rates` counts.

    :func:`dictionary_rates` of a one-row matrix holding a vector's non-zero
    terms, without building the matrix: the counting rule is compiled once
    for ``vocab`` and each vector costs a few array operations. Made for
    statistics evaluated on many windows of one matrix
    (:func:`~initiative_lib.methods.baselines.length_matched_baseline`). As
    in such a one-row matrix, a phrase's words are subtracted only where the
    vector counts them (a term with a zero count is not a column of the
    row), and a lexicon with two-word entries raises :class:`LexiconError`
    for a vector without any two-word term (unless ``unigrams_only``).
    Picklable.

    Parameters
    ----------
    vocab : Index
        The terms the vectors are aligned to (unique).
    lexicon : DataFrame or path, optional
        As in :func:`dictionary_rates`.
    unigrams_only : bool
        As in :func:`dictionary_rates`.

    Attributes
    ----------
    categories : list of str
        The categories, in the order of :func:`dictionary_rates`.

    Examples
    --------
    >>> lex = pd.DataFrame({"category": ["rights"] * 2, "entry": ["human rights", "rights"]})
    >>> counter = LexiconCounter(pd.Index(["human", "human rights", "rights"]), lex)
    >>> counter.categories, counter.matches(np.array([3, 3, 4])).tolist()
    (['rights'], [4])
    >>> counter.matches(np.array([3, 3, 0])).tolist()  # no 'rights' counted: nothing to subtract
    [3]
    """

    def __init__(
        self,
        vocab: pd.Index,
        lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
        *,
        unigrams_only: bool = False,
    ) -> None:
        self.vocab = pd.Index(vocab, dtype=object)
        if not self.vocab.is_unique:
            msg = f"vocab must hold each term once; got {int(self.vocab.duplicated().sum())} repeated terms"
            raise ValueError(msg)
        self.lexicon = as_lexicon(lexicon)
        self.unigrams_only = bool(unigrams_only)
        lex = _select_entries(self.lexicon, self.unigrams_only, has_bigram_cols=True)
        is_unigram = np.array([" " not in str(t) for t in self.vocab], dtype=bool)
        self._unigram_cols = np.flatnonzero(is_unigram)
        #: a lexicon with phrases counts only a vector with a two-word term (None: any vector)
        self._bigram_cols = None if self.unigrams_only or not (lex["kind"] == "bigram").any() else ~is_unigram
        parts = _rule_parts(self.vocab, lex)
        self.categories: list[str] = parts.categories
        self._hit_rows = np.asarray(parts.hit_rows, dtype=np.int64)
        self._hit_cats = np.asarray(parts.hit_cats, dtype=np.int64)
        self._phrase_rows = np.asarray(parts.phrase_rows, dtype=np.int64)
        self._phrase_cats = np.asarray(parts.phrase_cats, dtype=np.int64)
        self._words = np.asarray([w for ws in parts.phrase_words for w in ws], dtype=np.int64)
        self._word_owner = np.repeat(np.arange(len(parts.phrase_words)), [len(ws) for ws in parts.phrase_words])

    def matches(self, counts: np.ndarray) -> np.ndarray:
        """Matches of each category (``int64``, in :attr:`categories` order) in a vector of integer counts."""
        c = np.asarray(counts)
        if c.shape != (len(self.vocab),) or c.dtype.kind not in "iu":
            msg = f"counts must be a 1-D array of {len(self.vocab)} integer counts; got {c.dtype} of shape {c.shape}"
            raise ValueError(msg)
        if self._bigram_cols is not None and not self._has_bigram(c):
            _select_entries(self.lexicon, self.unigrams_only, has_bigram_cols=False)  # raises
        k = len(self.categories)
        # sums of integer counts times integer weights: exact in float64, whatever the order
        m = np.bincount(self._hit_cats, weights=c[self._hit_rows], minlength=k)
        if self._phrase_rows.size:
            n_phrases = self._phrase_rows.size
            covered = np.bincount(self._word_owner, weights=c[self._words] != 0, minlength=n_phrases)
            m += np.bincount(self._phrase_cats, weights=c[self._phrase_rows] * (1.0 - covered), minlength=k)
        return np.clip(np.rint(m), 0, None).astype(np.int64)

    def _has_bigram(self, c: np.ndarray) -> bool:
        """Whether a two-word term has a non-zero count (without a pass over the many two-word columns)."""
        if c.size and c.min() >= 0:  # then a two-word count is non-zero when their total is
            return bool(c.sum() > c[self._unigram_cols].sum())
        return bool(c[self._bigram_cols].any())


def lexicon_matches(
    dtm: DocumentTermMatrix,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    *,
    unigrams_only: bool = False,
) -> pd.DataFrame:
    """Which matrix columns each entry matched, and how often (for checking a lexicon).

    Returns
    -------
    DataFrame
        ``category``, ``entry``, ``term``, ``count`` (summed over all rows)
        and ``n_rows`` (rows containing the term), sorted by category and
        descending count. Entries that matched nothing are left out.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> lex = pd.DataFrame({"category": ["sov"], "entry": ["sovereign*"]})
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [10, 10]})
    >>> m = from_counts([{"sovereignty": 2, "sovereign": 1}, {"sovereignty": 1}], rows)
    >>> lexicon_matches(m, lex)
      category       entry         term  count  n_rows
    0      sov  sovereign*  sovereignty      3       2
    1      sov  sovereign*    sovereign      1       1
    """
    lex = _prepare(dtm, lexicon, unigrams_only)
    terms = pd.Index([str(t) for t in dtm.vocab])
    totals = np.asarray(dtm.counts.sum(axis=0)).ravel()
    n_rows = np.bincount(dtm.counts.indices[dtm.counts.data > 0], minlength=dtm.shape[1])
    is_unigram = np.array([" " not in t for t in terms])
    records: list[tuple[object, ...]] = []
    for category, entry, kind in lex[["category", "entry", "kind"]].itertuples(index=False):
        if kind == "prefix":
            hit = np.flatnonzero(is_unigram & terms.str.startswith(entry[:-1]))
        else:
            hit = np.flatnonzero(terms == entry)
        records.extend((category, entry, terms[j], int(totals[j]), int(n_rows[j])) for j in hit if totals[j] > 0)
    out = pd.DataFrame(records, columns=["category", "entry", "term", "count", "n_rows"])
    order = {c: i for i, c in enumerate(dict.fromkeys(lex["category"]))}
    out["_order"] = out["category"].map(order)
    out = out.sort_values(["_order", "count", "term"], ascending=[True, False, True], kind="mergesort")
    return out.drop(columns="_order").reset_index(drop=True)


def group_rates(
    rates: pd.DataFrame,
    rows: pd.DataFrame,
    by: str = "group",
    *,
    n_boot: int = 1000,
    ci: float = 0.95,
    unit: Literal["document", "segment"] = "document",
    weighting: Literal["unit", "token"] = "unit",
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Category rates per group with percentile bootstrap confidence intervals.

    Parameters
    ----------
    rates : DataFrame
        Output of :func:`dictionary_rates`.
    rows : DataFrame
        Metadata with ``doc_id`` and the ``by`` column (``dtm.rows`` will do;
        one group per document).
    by : str
        Grouping column of ``rows``.
    n_boot : int
        Bootstrap resamples (0 for no intervals).
    ci : float
        Coverage of the interval, in (0, 1).
    unit : {"document", "segment"}
        What is resampled: whole documents (segments are summed into their
        document first), or segments (``rates`` must have ``seg_no``). A group
        with a single unit (the initiative is one document) gets no interval
        under ``"document"``; use ``"segment"`` to see the spread within it.
    weighting : {"unit", "token"}
        Group estimate: the mean of the units' rates (every document counts
        alike) or pooled matches over pooled tokens (long documents weigh
        more).
    random_state : int or Generator, optional
        Seed of the resampling.

    Returns
    -------
    DataFrame
        ``by``, ``category``, ``n_units``, ``n_tokens``, ``matches``,
        ``rate`` (per 1,000 tokens), ``ci_low``, ``ci_high`` (NaN with fewer
        than two units or ``n_boot=0``). Units without tokens are left out.

    Examples
    --------
    >>> rates = pd.DataFrame({"doc_id": ["a", "b", "c"], "category": "x", "matches": [1, 3, 2],
    ...                       "n_tokens": [100, 100, 400], "rate": [10.0, 30.0, 5.0]})
    >>> meta = pd.DataFrame({"doc_id": ["a", "b", "c"], "group": ["g", "g", "h"]})
    >>> group_rates(rates, meta, n_boot=200, random_state=1)[["group", "n_units", "rate", "ci_low"]]
      group  n_units  rate  ci_low
    0     g        2  20.0    10.0
    1     h        1   5.0     NaN
    """
    needed = ["doc_id", "category", "matches", "n_tokens"]
    missing = [c for c in needed if c not in rates.columns]
    if missing:
        msg = f"rates lacks columns {missing}; expected the output of dictionary_rates()"
        raise ValueError(msg)
    for name, value, allowed in (("unit", unit, ("document", "segment")), ("weighting", weighting, ("unit", "token"))):
        if value not in allowed:
            msg = f"{name} must be one of {list(allowed)}; got {value!r}"
            raise ValueError(msg)
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    if not 0 < ci < 1:
        msg = f"ci must be between 0 and 1; got {ci!r}"
        raise ValueError(msg)
    if "doc_id" not in rows.columns or by not in rows.columns:
        msg = f"rows must have columns 'doc_id' and {by!r}; got {list(rows.columns)}"
        raise ValueError(msg)
    if unit == "segment" and "seg_no" not in rates.columns:
        msg = "unit='segment' needs a 'seg_no' column in rates; compute rates on a segment-level matrix"
        raise ValueError(msg)
    rng = check_random_state(random_state)
    meta = rows[["doc_id", by]].drop_duplicates()
    if meta["doc_id"].duplicated().any():
        bad = meta.loc[meta["doc_id"].duplicated(), "doc_id"].tolist()[:5]
        msg = f"rows gives more than one {by!r} value for doc_id {bad}; expected one per document"
        raise ValueError(msg)
    unknown = sorted(set(rates["doc_id"]) - set(meta["doc_id"]))
    if unknown:
        msg = f"rates has doc_id values missing from rows: {unknown[:5]}"
        raise ValueError(msg)
    keys = ["doc_id", "seg_no"] if unit == "segment" else ["doc_id"]
    units = rates.groupby([*keys, "category"], sort=False, as_index=False)[["matches", "n_tokens"]].sum()
    units = units.merge(meta, on="doc_id", how="left")
    units = units[units["n_tokens"] > 0]
    if units[by].isna().any():
        msg = f"column {by!r} of rows has missing values for some documents; expected a label for each"
        raise ValueError(msg)
    categories = list(dict.fromkeys(rates["category"]))
    lo_q, hi_q = (1 - ci) / 2, 1 - (1 - ci) / 2
    records = []
    for group in sorted(units[by].unique(), key=str):
        g = units[units[by] == group]
        unit_ids = g[keys].drop_duplicates()
        n_units = len(unit_ids)
        draws = rng.integers(0, n_units, size=(n_boot, n_units)) if n_boot and n_units > 1 else None
        for category in categories:
            gc = unit_ids.merge(g[g["category"] == category], on=keys, how="left")
            m = gc["matches"].fillna(0).to_numpy(dtype=float)
            n = gc["n_tokens"].fillna(0).to_numpy(dtype=float)
            est = _estimate(m[None, :], n[None, :], weighting)[0]
            low = high = np.nan
            if draws is not None:
                boot = _bootstrap_estimate(m, n, draws, weighting)
                low, high = np.quantile(boot, [lo_q, hi_q])
            records.append((group, category, n_units, int(n.sum()), int(m.sum()), est, low, high))
    columns = [by, "category", "n_units", "n_tokens", "matches", "rate", "ci_low", "ci_high"]
    return pd.DataFrame(records, columns=columns)


def _estimate(m: np.ndarray, n: np.ndarray, weighting: str) -> np.ndarray:
    if weighting == "token":
        return PER * m.sum(axis=1) / n.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nanmean(_unit_rates(m, n), axis=1)


def _unit_rates(m: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, PER * m / np.where(n > 0, n, 1), np.nan)


#: bootstrap rows summed at a time (rows are summed independently, so the blocks change no bit)
_BOOT_BLOCK = 1 << 18


def _bootstrap_estimate(m: np.ndarray, n: np.ndarray, draws: np.ndarray, weighting: str) -> np.ndarray:
    """``_estimate(m[draws], n[draws], weighting)`` to the last bit, without the gathered matrices.

    A unit's rate is the same number wherever a draw puts it, so the rates are
    computed once and gathered; without missing rates ``nanmean`` is the row's
    sum (numpy's pairwise sum of the same contiguous row) over the row's length.
    """
    if weighting == "token":
        return _estimate(m[draws], n[draws], weighting)
    rates = _unit_rates(m, n)
    if np.isnan(rates).any():
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nanmean(rates[draws], axis=1)
    n_boot, n_units = draws.shape
    total = np.empty(n_boot, dtype=np.float64)
    step = max(1, _BOOT_BLOCK // max(n_units, 1))
    for lo in range(0, n_boot, step):
        total[lo : lo + step] = np.sum(rates[draws[lo : lo + step]], axis=1)
    return np.divide(total, np.full(n_boot, n_units, dtype=np.intp), out=total, casting="unsafe")


def category_entries(lexicon: pd.DataFrame | str | os.PathLike[str] | None = None) -> dict[Hashable, list[str]]:
    """Entries of each category, in lexicon order.

    Examples
    --------
    >>> category_entries()["sovereignty"][:2]
    ['sovereign*', 'non-interference']
    """
    lex = as_lexicon(lexicon)
    return {c: g["entry"].tolist() for c, g in lex.groupby("category", sort=False)}
