"""Configurable, recorded preprocessing of document-term matrices.

The corpus ships permissive counts (every token, every bigram; see
:mod:`initiative_lib.text.tokens`). Modelling choices are made here, in one
:class:`PreprocessConfig`, and :func:`preprocess` records that configuration
(plus what it resolved to: the phrases it kept, a checksum of the stopword
list, the stemmer version) in ``DocumentTermMatrix.preprocessing``. Every
model fitted on the result carries the record along.

Order of the steps in :func:`preprocess`
----------------------------------------
1. **Phrases.** Bigram columns chosen as phrases (given, or the top ``N`` by
   :func:`rank_collocations`) are kept as units. For each kept phrase
   ``"w1 w2"`` its count is subtracted, row by row, from the unigram columns
   ``w1`` and ``w2`` (twice from ``w`` for ``"w w"``), and negative results
   are set to 0. Each occurrence of the phrase is then counted once, as the
   phrase, rather than three times. Overlapping phrases ("human rights" and
   "rights council" in "human rights council") subtract twice from "rights";
   the clip at 0 prevents negative counts, so row totals can then be slightly
   below the number of tokens they stand for.
2. **Term filters** on the surface form of unigrams: stopwords, tokens shorter
   than ``min_token_length`` characters, and numbers (tokens without any
   letter, e.g. ``2020`` or ``3-4``; ``g20`` and ``5g`` are kept). Bigram
   columns other than the phrases are dropped unless ``keep_bigrams``; kept
   bigrams must pass the filters in both tokens (user-given phrases are kept
   as given). Bigrams kept by ``keep_bigrams`` are extra features whose
   counts are *not* subtracted from the unigrams.
3. **Stemming** (optional, Snowball English via :mod:`snowballstemmer`):
   columns are renamed to their stems (each token of a bigram separately) and
   columns with the same stem are summed.
4. **Document-frequency trimming** over the rows of the matrix (segments or
   documents, whichever it holds): ``min_df``/``max_df`` are counts of rows
   when ``int`` and proportions of rows when ``float`` (as in scikit-learn, so
   ``max_df=1`` means "in at most one row" while ``max_df=1.0`` means no
   limit). Terms used by no row are always dropped.

Rows are never dropped, so the result stays aligned with the input; rows
left empty have zero counts. ``rows["n_tokens"]`` keeps the raw token count;
the sum of a row's counts is the number of modelled tokens.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_int
from initiative_lib.corpus.matrix import DocumentTermMatrix

Statistic = Literal["g2", "pmi", "t"]
STATISTICS: tuple[str, ...] = ("g2", "pmi", "t")
#: named stopword lists and the package data files they are read from
STOPWORD_LISTS: dict[str, tuple[str, ...]] = {
    "english": ("stopwords_en.txt",),
    "english+domain": ("stopwords_en.txt", "stopwords_domain.txt"),
    "english+domain+places": ("stopwords_en.txt", "stopwords_domain.txt", "stopwords_places.txt"),
}
STEMMERS: tuple[str, ...] = ("snowball",)


def load_stopwords(name: str = "english") -> frozenset[str]:
    """Read a named stopword list shipped with the package.

    Parameters
    ----------
    name : {"english", "english+domain", "english+domain+places"}
        ``"english"`` is a list of about 200 English function words;
        ``"english+domain"`` adds the drafting vocabulary of official texts
        (``shall``, ``annex``, ``paragraph``, ...); ``"english+domain+places"``
        also removes country names and demonyms (``australia``, ``singaporean``). The files in
        ``initiative_lib/data`` explain each group of words.

    Examples
    --------
    >>> words = load_stopwords("english+domain")
    >>> "the" in words, "shall" in words, "security" in words
    (True, True, False)
    """
    if name not in STOPWORD_LISTS:
        msg = f"stopwords must be one of {sorted(STOPWORD_LISTS)}; got {name!r}"
        raise ValueError(msg)
    words: set[str] = set()
    for filename in STOPWORD_LISTS[name]:
        text = resources.files("initiative_lib").joinpath("data", filename).read_text(encoding="utf-8")
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line.lower())
    return frozenset(words)


@functools.lru_cache(maxsize=1 << 18)
def _is_number(token: str) -> bool:
    return not any(c.isalpha() for c in token)


def _check_df(name: str, value: object, *, allow_zero: bool) -> None:
    lo = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{name} must be an int (count of rows) or a float (proportion of rows); got {value!r}"
        raise TypeError(msg)
    if isinstance(value, int) and value < lo:
        msg = f"{name} as a count of rows must be >= {lo}; got {value!r}"
        raise ValueError(msg)
    if isinstance(value, float) and (math.isnan(value) or not 0.0 <= value <= 1.0):
        msg = f"{name} as a proportion of rows must be in [0, 1]; got {value!r}"
        raise ValueError(msg)


@dataclass(frozen=True)
class PreprocessConfig:
    """What :func:`preprocess` does; recorded with every result.

    Parameters
    ----------
    stopwords : {"english", "english+domain", "english+domain+places"}, collection of str, or None
        A named list (see :func:`load_stopwords`), your own words, or no
        stopword removal. Matched against unigrams before stemming.
    stem : {"snowball"} or None
        Snowball English stemming of every kept term.
    min_df, max_df : int or float
        Keep terms used in at least ``min_df`` and at most ``max_df`` rows;
        ``int`` = number of rows, ``float`` = proportion of rows.
    min_token_length : int
        Drop unigrams with fewer characters.
    drop_numbers : bool
        Drop unigrams without any letter.
    phrases : sequence of str, int, or None
        Bigrams (``"human rights"``) to keep as single terms, or ``N`` to keep
        the top ``N`` bigrams by ``phrase_statistic`` among those occurring at
        least ``phrase_min_count`` times, positively associated, and made of
        two tokens that pass the term filters. Needs a matrix with bigrams.
    phrase_statistic : {"g2", "pmi", "t"}
        Ranking statistic for ``phrases=N`` (see :func:`rank_collocations`).
    phrase_min_count : int
        Minimum bigram count for ``phrases=N``.
    keep_bigrams : bool
        Keep every bigram passing the filters as an extra feature (counts not
        subtracted from unigrams). Off by default.

    Examples
    --------
    >>> cfg = PreprocessConfig(stopwords=["foo", "Bar"], min_df=2, phrases=["human rights"])
    >>> cfg.stopwords, cfg.phrases
    (('bar', 'foo'), ('human rights',))
    >>> PreprocessConfig.from_dict(cfg.to_dict()) == cfg
    True
    """

    stopwords: str | tuple[str, ...] | None = "english"
    stem: str | None = None
    min_df: int | float = 1
    max_df: int | float = 1.0
    min_token_length: int = 2
    drop_numbers: bool = True
    phrases: tuple[str, ...] | int | None = None
    phrase_statistic: str = "g2"
    phrase_min_count: int = 5
    keep_bigrams: bool = False

    def __post_init__(self) -> None:
        sw = self.stopwords
        if isinstance(sw, str):
            if sw not in STOPWORD_LISTS:
                msg = f"stopwords must be one of {sorted(STOPWORD_LISTS)}, a collection of words, or None; got {sw!r}"
                raise ValueError(msg)
        elif sw is not None:
            if not isinstance(sw, Collection) or not all(isinstance(w, str) for w in sw):
                msg = f"stopwords must be a name, a collection of str, or None; got {sw!r}"
                raise TypeError(msg)
            object.__setattr__(self, "stopwords", tuple(sorted({w.lower() for w in sw})))
        if self.stem is not None and self.stem not in STEMMERS:
            msg = f"stem must be None or one of {list(STEMMERS)}; got {self.stem!r}"
            raise ValueError(msg)
        _check_df("min_df", self.min_df, allow_zero=True)
        _check_df("max_df", self.max_df, allow_zero=False)
        if (
            isinstance(self.min_token_length, bool)
            or not isinstance(self.min_token_length, int)
            or (self.min_token_length < 1)
        ):
            msg = f"min_token_length must be an int >= 1; got {self.min_token_length!r}"
            raise ValueError(msg)
        ph = self.phrases
        if isinstance(ph, bool):
            msg = f"phrases must be a list of bigrams, an int >= 1, or None; got {ph!r}"
            raise TypeError(msg)
        if isinstance(ph, int):
            if ph < 1:
                msg = f"phrases as a number of top bigrams must be >= 1; got {ph!r}"
                raise ValueError(msg)
        elif ph is not None:
            if isinstance(ph, str) or not isinstance(ph, Collection):
                msg = f"phrases must be a list of bigrams such as ['human rights'], an int, or None; got {ph!r}"
                raise TypeError(msg)
            bad = [p for p in ph if not isinstance(p, str) or len(p.split(" ")) != 2 or "" in p.split(" ")]
            if bad:
                msg = f"phrases must be two tokens joined by one space; got {bad[:5]!r}"
                raise ValueError(msg)
            object.__setattr__(self, "phrases", tuple(dict.fromkeys(p.lower() for p in ph)))
        if self.phrase_statistic not in STATISTICS:
            msg = f"phrase_statistic must be one of {list(STATISTICS)}; got {self.phrase_statistic!r}"
            raise ValueError(msg)
        if (
            isinstance(self.phrase_min_count, bool)
            or not isinstance(self.phrase_min_count, int)
            or (self.phrase_min_count < 1)
        ):
            msg = f"phrase_min_count must be an int >= 1; got {self.phrase_min_count!r}"
            raise ValueError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python record of the configuration (lists, not tuples)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> PreprocessConfig:
        """Rebuild a configuration from :meth:`to_dict` output (unknown keys are an error)."""
        unknown = set(record) - set(cls.__dataclass_fields__)
        if unknown:
            msg = (
                f"record has unknown PreprocessConfig fields {sorted(unknown)}; expected a subset of "
                f"{sorted(cls.__dataclass_fields__)}"
            )
            raise ValueError(msg)
        return cls(**record)

    def stopword_set(self) -> frozenset[str]:
        """The stopwords this configuration removes."""
        if self.stopwords is None:
            return frozenset()
        if isinstance(self.stopwords, str):
            return load_stopwords(self.stopwords)
        return frozenset(self.stopwords)


#: the last few vocabularies' bigram masks, by identity: ``id(vocab) -> (weak reference to vocab, mask)``
_MASKS: dict[int, tuple[weakref.ref[pd.Index], np.ndarray]] = {}
_MASKS_LOCK = threading.Lock()


def _bigram_mask(vocab: pd.Index) -> np.ndarray:
    """Which terms are n-grams (hold a space); read-only, and kept for the same vocabulary object.

    The specifications of a study preprocess one raw matrix many times; an
    ``Index`` is immutable, so its mask is computed once.
    """
    with _MASKS_LOCK:
        hit = _MASKS.get(id(vocab))
    if hit is not None and hit[0]() is vocab:
        return hit[1]
    mask = np.fromiter((" " in t for t in vocab), dtype=bool, count=len(vocab))
    mask.flags.writeable = False
    try:
        ref = weakref.ref(vocab)
    except TypeError:  # pragma: no cover - not an Index: nothing kept
        return mask
    with _MASKS_LOCK:
        while len(_MASKS) >= 8:
            _MASKS.pop(next(iter(_MASKS)))
        _MASKS[id(vocab)] = (ref, mask)
    return mask


def rank_collocations(dtm: DocumentTermMatrix, *, statistic: str = "g2", min_count: int = 5) -> pd.DataFrame:
    r"""Score the bigram columns of a matrix as collocations.

    For a bigram ``w1 w2`` the 2x2 table is built from the counts in the
    same matrix, summed over all rows:

    ============  ===================  ==========================
    \             second = w2          second != w2
    ============  ===================  ==========================
    first = w1    O11 = c(w1 w2)       O12 = c(w1) - O11
    first != w1   O21 = c(w2) - O11    O22 = N - c(w1) - c(w2) + O11
    ============  ===================  ==========================

    where ``c(w)`` is the unigram count and ``N`` the total of all unigram
    columns (tokens approximate bigram positions, as in Manning and Schütze
    1999, ch. 5). Cells are clipped at 0. With expected counts
    ``E_ij = row_i * col_j / N`` from the table's margins:

    * ``g2`` (Dunning 1993 log-likelihood): ``2 * sum O_ij * ln(O_ij / E_ij)``
      with ``0 ln 0 = 0``; large for positive *and* negative association, so
      see ``positive``.
    * ``pmi``: ``log2(O11 / E11)``.
    * ``t``: ``(O11 - E11) / sqrt(O11)``.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Counts with unigram and bigram columns (``ngrams="both"``).
    statistic : {"g2", "pmi", "t"}
        Sort key.
    min_count : int
        Keep bigrams occurring at least this often.

    Returns
    -------
    DataFrame
        ``bigram, w1, w2, n_12, n_1, n_2, n, expected, positive, g2, pmi, t``,
        sorted by ``statistic`` (descending) then ``bigram``. Bigrams whose
        unigrams are not columns of the matrix are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [6, 4]})
    >>> m = from_counts([{"human": 2, "rights": 2, "the": 2, "human rights": 2},
    ...                  {"the": 2, "law": 2, "the law": 2}], rows)
    >>> rank_collocations(m, min_count=1)[["bigram", "n_12", "positive"]]
             bigram  n_12  positive
    0  human rights     2      True
    1       the law     2      True
    """
    if statistic not in STATISTICS:
        msg = f"statistic must be one of {list(STATISTICS)}; got {statistic!r}"
        raise ValueError(msg)
    min_count = check_int(min_count, "min_count", minimum=1)
    is_bi = _bigram_mask(dtm.vocab)
    totals = np.asarray(dtm.counts.sum(axis=0)).ravel().astype(np.float64)
    uni_vocab = dtm.vocab[~is_bi]
    n_total = totals[~is_bi].sum()
    bi_idx = np.flatnonzero(is_bi & (totals >= min_count))
    bigrams = dtm.vocab[bi_idx]
    parts = [b.split(" ") for b in bigrams]
    w1 = pd.Index([p[0] for p in parts], dtype=object)
    w2 = pd.Index([p[1] for p in parts], dtype=object)
    uni_cols = np.flatnonzero(~is_bi)
    i1 = uni_vocab.get_indexer(w1)
    i2 = uni_vocab.get_indexer(w2)
    ok = (i1 >= 0) & (i2 >= 0)
    bi_idx, w1, w2, i1, i2 = bi_idx[ok], w1[ok], w2[ok], i1[ok], i2[ok]
    o11 = totals[bi_idx]
    n1 = totals[uni_cols[i1]]
    n2 = totals[uni_cols[i2]]
    table = np.stack([o11, n1 - o11, n2 - o11, n_total - n1 - n2 + o11], axis=1).clip(min=0)
    grand = table.sum(axis=1, keepdims=True)
    row_m = np.stack([table[:, 0] + table[:, 1], table[:, 2] + table[:, 3]], axis=1)
    col_m = np.stack([table[:, 0] + table[:, 2], table[:, 1] + table[:, 3]], axis=1)
    expected = np.stack(
        [row_m[:, 0] * col_m[:, 0], row_m[:, 0] * col_m[:, 1], row_m[:, 1] * col_m[:, 0], row_m[:, 1] * col_m[:, 1]],
        axis=1,
    ) / np.where(grand > 0, grand, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(table > 0, table * np.log(table / np.where(expected > 0, expected, 1.0)), 0.0)
        g2 = 2.0 * terms.sum(axis=1)
        pmi = np.log2(o11 / expected[:, 0])
        t = (o11 - expected[:, 0]) / np.sqrt(o11)
    out = pd.DataFrame(
        {
            "bigram": pd.Series(dtm.vocab[bi_idx], dtype=object),
            "w1": pd.Series(w1, dtype=object),
            "w2": pd.Series(w2, dtype=object),
            "n_12": o11.astype(np.int64),
            "n_1": n1.astype(np.int64),
            "n_2": n2.astype(np.int64),
            "n": np.full(len(o11), int(n_total), dtype=np.int64),
            "expected": expected[:, 0],
            "positive": o11 > expected[:, 0],
            "g2": g2,
            "pmi": pmi,
            "t": t,
        }
    )
    out = out.sort_values([statistic, "bigram"], ascending=[False, True], kind="mergesort")
    return out.reset_index(drop=True)


def _sha256_words(words: Collection[str]) -> str:
    return hashlib.sha256("\n".join(sorted(words)).encode("utf-8")).hexdigest()


def _term_ok(token: str, config: PreprocessConfig, stop: frozenset[str]) -> bool:
    return (
        len(token) >= config.min_token_length
        and not (config.drop_numbers and _is_number(token))
        and (token not in stop)
    )


def _merge_phrases(counts: sp.csr_matrix, vocab: pd.Index, phrases: list[str]) -> sp.csr_matrix:
    """Subtract each phrase column from its two unigram columns, clipping at 0."""
    col = pd.Index(vocab)
    p_idx = col.get_indexer(phrases)
    pairs = [(j, tok) for p, j in zip(phrases, p_idx, strict=True) if j >= 0 for tok in p.split(" ")]
    u_idx = col.get_indexer([tok for _, tok in pairs]) if pairs else np.empty(0, dtype=np.intp)
    rows_ = [j for (j, _), u in zip(pairs, u_idx, strict=True) if u >= 0]
    cols_ = u_idx[u_idx >= 0]
    if not rows_:
        return counts
    n = len(vocab)
    sub = sp.csr_matrix((np.ones(len(rows_), dtype=np.int64), (rows_, cols_)), shape=(n, n))
    out = (counts - counts @ sub).tocsr()
    out.data[out.data < 0] = 0
    out.eliminate_zeros()
    out.sort_indices()
    return out


#: word -> Snowball stem, shared by every call (a stem depends only on the word)
_STEMS: dict[str, str] = {}
_STEMS_MAX = 1 << 20
_STEMS_LOCK = threading.Lock()


def _stem_terms(terms: pd.Index) -> list[str]:
    """Each term's words stemmed (Snowball English), joined by one space; each distinct word is stemmed once."""
    import snowballstemmer

    parts = [term.split(" ") for term in terms]
    with _STEMS_LOCK:
        new = list(dict.fromkeys(w for words in parts for w in words if w not in _STEMS))
        if new:
            if len(_STEMS) + len(new) > _STEMS_MAX:
                _STEMS.clear()
                new = list(dict.fromkeys(w for words in parts for w in words))
            _STEMS.update(zip(new, snowballstemmer.stemmer("english").stemWords(new), strict=True))
        stems = {w: _STEMS[w] for words in parts for w in words}
    return [" ".join([stems[w] for w in words]) for words in parts]


def _sum_columns(counts: sp.csr_matrix, names: list[str]) -> tuple[sp.csr_matrix, pd.Index]:
    new_vocab = pd.Index(sorted(set(names)), dtype=object)
    target = new_vocab.get_indexer(names)
    agg = sp.csr_matrix(
        (np.ones(len(names), dtype=np.int64), (np.arange(len(names)), target)), shape=(len(names), len(new_vocab))
    )
    out = (counts @ agg).tocsr()
    out.sort_indices()
    return out, new_vocab


def _tokens_ok(tokens: Collection[str], config: PreprocessConfig, stop: frozenset[str]) -> np.ndarray:
    """:func:`_term_ok` of every token (a boolean array), each distinct token tested once."""
    codes, uniques = pd.factorize(pd.Index(list(tokens), dtype=object))
    ok = np.fromiter((_term_ok(t, config, stop) for t in uniques), dtype=bool, count=len(uniques))
    return ok[codes] if len(codes) else np.zeros(0, dtype=bool)


def _keep_terms(vocab: pd.Index, is_bi: np.ndarray, config: PreprocessConfig, phrases: list[str]) -> np.ndarray:
    """Step 2's column mask: unigrams that pass the term filters, the phrases, and (``keep_bigrams``)
    bigrams whose every token passes them."""
    stop = config.stopword_set()
    terms = vocab.to_numpy(dtype=object)
    keep = np.zeros(len(terms), dtype=bool)
    uni = np.flatnonzero(~is_bi)
    keep[uni] = _tokens_ok(terms[uni], config, stop)
    bi = np.flatnonzero(is_bi)
    is_phrase = np.asarray(pd.Index(terms[bi], dtype=object).isin(phrases), dtype=bool)
    keep[bi[is_phrase]] = True
    if config.keep_bigrams:
        rest = bi[~is_phrase]
        parts = [term.split(" ") for term in terms[rest]]
        ok = _tokens_ok([tok for words in parts for tok in words], config, stop)
        starts = np.cumsum([0] + [len(words) for words in parts[:-1]]) if parts else np.zeros(0, dtype=np.intp)
        keep[rest] = np.logical_and.reduceat(ok, starts) if parts else np.zeros(0, dtype=bool)
    return keep


def _transform_terms(
    dtm: DocumentTermMatrix, config: PreprocessConfig, phrases: list[str]
) -> tuple[sp.csr_matrix, pd.Index]:
    """Steps 1-3 (phrases, term filters, stemming); no document-frequency trimming."""
    vocab = dtm.vocab
    counts = _merge_phrases(dtm.counts, vocab, phrases) if phrases else dtm.counts
    keep = _keep_terms(vocab, _bigram_mask(vocab), config, phrases)
    counts = counts[:, keep].tocsr()
    vocab = vocab[keep]
    if config.stem == "snowball":
        counts, vocab = _sum_columns(counts, _stem_terms(vocab))
    return counts, vocab


def _resolve_phrases(dtm: DocumentTermMatrix, config: PreprocessConfig) -> list[str]:
    if config.phrases is None:
        return []
    if isinstance(config.phrases, int):
        if not _bigram_mask(dtm.vocab).any():
            msg = f"phrases={config.phrases!r} needs bigram columns; load the matrix with ngrams='both'"
            raise ValueError(msg)
        stop = config.stopword_set()
        ranked = rank_collocations(dtm, statistic=config.phrase_statistic, min_count=config.phrase_min_count)
        ok = (
            ranked["positive"].to_numpy()
            & _tokens_ok(ranked["w1"].tolist(), config, stop)
            & _tokens_ok(ranked["w2"].tolist(), config, stop)
        )
        return ranked.loc[ok, "bigram"].head(config.phrases).tolist()
    missing = [p for p in config.phrases if p not in dtm.vocab]
    if missing:
        msg = (
            f"phrases {missing[:5]!r} are not columns of the matrix; load it with bigrams "
            f"(ngrams='both') or remove them from phrases"
        )
        raise ValueError(msg)
    return list(config.phrases)


def _df_bounds(config: PreprocessConfig, n_rows: int) -> tuple[float, float]:
    lo = config.min_df * n_rows if isinstance(config.min_df, float) else config.min_df
    hi = config.max_df * n_rows if isinstance(config.max_df, float) else config.max_df
    return float(lo), float(hi)


def preprocess(dtm: DocumentTermMatrix, config: PreprocessConfig | None = None) -> DocumentTermMatrix:
    """Apply a :class:`PreprocessConfig` and record it in ``.preprocessing``.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Raw counts (``dtm.preprocessing`` empty).
    config : PreprocessConfig, optional
        Defaults to ``PreprocessConfig()`` (English stopwords, no stemming,
        numbers and one-character tokens dropped, bigrams dropped).

    Returns
    -------
    DocumentTermMatrix
        Same rows, new columns; ``preprocessing`` holds ``config`` (as a dict),
        ``phrases_used``, ``stopwords_sha256``, ``n_stopwords``,
        ``snowballstemmer`` (version or None), ``df_bounds`` (rows),
        ``n_terms_in``/``n_terms_out`` and ``tokens_in``/``tokens_out``.

    Raises
    ------
    ValueError
        If ``dtm`` was already preprocessed, or given phrases are not columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [7, 3]})
    >>> m = from_counts([{"the": 2, "human": 2, "rights": 3, "2020": 1, "human rights": 2, "the human": 1},
    ...                  {"rights": 1, "shall": 1, "be": 1}], rows)
    >>> p = preprocess(m, PreprocessConfig(stopwords="english+domain", phrases=["human rights"]))
    >>> p.vocab.tolist(), p.counts.toarray().tolist()
    (['human rights', 'rights'], [[2, 1], [0, 1]])
    >>> p.preprocessing["config"]["phrases"], p.preprocessing["tokens_out"]
    (['human rights'], 4)
    """
    config = PreprocessConfig() if config is None else config
    if not isinstance(config, PreprocessConfig):
        msg = f"config must be a PreprocessConfig; got {type(config).__name__}"
        raise TypeError(msg)
    if dtm.preprocessing:
        msg = f"dtm was already preprocessed ({dict(dtm.preprocessing).get('config')!r}); start from raw counts"
        raise ValueError(msg)
    phrases = _resolve_phrases(dtm, config)
    counts, vocab = _transform_terms(dtm, config, phrases)
    n_rows = counts.shape[0]
    df = np.diff(counts.tocsc().indptr)
    lo, hi = _df_bounds(config, n_rows)
    keep = (df >= max(lo, 1.0)) & (df <= hi)
    counts = counts[:, keep].tocsr()
    vocab = vocab[keep]
    stop = config.stopword_set()
    record: dict[str, Any] = {
        "config": config.to_dict(),
        "phrases_used": phrases,
        "stopwords_sha256": _sha256_words(stop) if stop else None,
        "n_stopwords": len(stop),
        "snowballstemmer": _snowball_version() if config.stem else None,
        "df_bounds": [lo, hi],
        "n_terms_in": int(dtm.shape[1]),
        "n_terms_out": len(vocab),
        "tokens_in": int(dtm.counts.sum()),
        "tokens_out": int(counts.sum()),
    }
    return replace(dtm, counts=counts, vocab=pd.Index(vocab, dtype=object), preprocessing=record)


def _snowball_version() -> str:
    from importlib.metadata import version

    return version("snowballstemmer")


def align_vocab(dtm: DocumentTermMatrix, vocab: pd.Index | list[str]) -> DocumentTermMatrix:
    """Reorder and fill the columns of ``dtm`` to exactly ``vocab``.

    Terms of ``dtm`` outside ``vocab`` are dropped; terms of ``vocab`` absent
    from ``dtm`` get zero counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> m = from_counts([{"a": 1, "b": 2}], pd.DataFrame({"doc_id": ["x"], "n_tokens": [3]}))
    >>> align_vocab(m, ["c", "b"]).counts.toarray().tolist()
    [[0, 2]]
    """
    target = pd.Index(list(vocab), dtype=object)
    src = target.get_indexer(dtm.vocab)
    ok = src >= 0
    sel = sp.csr_matrix(
        (np.ones(int(ok.sum()), dtype=np.int64), (np.flatnonzero(ok), src[ok])), shape=(len(dtm.vocab), len(target))
    )
    counts = (dtm.counts @ sel).tocsr()
    counts.sort_indices()
    return replace(dtm, counts=counts, vocab=target)


def apply_preprocessing(dtm: DocumentTermMatrix, record: Mapping[str, Any]) -> DocumentTermMatrix:
    """Apply a recorded preprocessing to new raw counts (e.g. one new text).

    Uses the record's phrases (``phrases_used``), term filters and stemming;
    document-frequency trimming is *not* redone (it depends on the corpus the
    record came from) — use :func:`align_vocab` with the model's vocabulary.
    Phrases missing from ``dtm`` (no bigram columns) are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> new = from_counts([{"the": 1, "human": 1, "rights": 1, "human rights": 1}],
    ...                   pd.DataFrame({"doc_id": ["n"], "n_tokens": [3]}))
    >>> rec = {"config": PreprocessConfig(phrases=["human rights"]).to_dict(), "phrases_used": ["human rights"]}
    >>> out = apply_preprocessing(new, rec)
    >>> out.vocab.tolist(), out.counts.toarray().tolist()
    (['human', 'human rights', 'rights'], [[0, 1, 0]])
    """
    if dtm.preprocessing:
        msg = "dtm was already preprocessed; apply_preprocessing expects raw counts"
        raise ValueError(msg)
    if "config" not in record:
        msg = f"record must be a DocumentTermMatrix.preprocessing dict with a 'config' key; got keys {sorted(record)}"
        raise ValueError(msg)
    config = PreprocessConfig.from_dict(record["config"])
    phrases = [p for p in record.get("phrases_used", []) if p in dtm.vocab]
    counts, vocab = _transform_terms(dtm, config, phrases)
    out = dict(record)
    out["applied_to_new_counts"] = True
    return replace(dtm, counts=counts, vocab=pd.Index(vocab, dtype=object), preprocessing=out)
