"""Passages: keywords in context, and which comparison segments a paragraph resembles.

* :func:`kwic` lists every occurrence of a word or phrase with the tokens
  around it, for texts that are available as text (the initiative, documents
  a user adds).
* :func:`align_passages` finds, for each paragraph of a query text, the most
  similar segments of each comparison group. Comparison documents ship as
  counts only, so the paragraphs are turned into the same counts
  (:func:`~initiative_lib.text.tokens.count_segment`) and compared on the
  matrix's vocabulary; no comparison text is needed or shown.

Both work on the tokens of :func:`~initiative_lib.text.tokens.tokenize`
(lower-cased letter/digit runs), so the context shown is the token stream, not
the original spelling and punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_int
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.text.tokens import count_segment, tokenize

KWIC_COLUMNS = ["doc_id", "position", "left", "keyword", "right"]
#: default shortest segment :func:`align_passages` ranks (about the corpus' median segment)
MIN_SEGMENT_TOKENS = 50
ALIGN_COLUMNS = ["paragraph", "group", "rank", "doc_id", "seg_no", "score", "n_tokens", "shared_terms"]


def _texts_items(texts: Mapping[str, str] | pd.Series) -> list[tuple[object, str]]:
    if isinstance(texts, pd.Series | Mapping):
        items = list(texts.items())
    else:
        msg = f"texts must be a mapping or Series of doc_id -> text; got {type(texts).__name__}"
        raise TypeError(msg)
    for doc_id, text in items:
        if not isinstance(text, str):
            msg = f"texts[{doc_id!r}] must be a string; got {type(text).__name__}"
            raise TypeError(msg)
    return items


def kwic(
    texts: Mapping[str, str] | pd.Series,
    pattern: str,
    *,
    window: int = 8,
    regex: bool = False,
) -> pd.DataFrame:
    """Keywords in context: every match of ``pattern`` with ``window`` tokens each side.

    Parameters
    ----------
    texts : mapping or Series
        ``doc_id -> text``.
    pattern : str
        One or more words. Without ``regex`` the pattern is tokenized like the
        texts (so it is case-insensitive and punctuation is ignored) and must
        match that many consecutive tokens exactly. With ``regex=True`` the
        pattern is split at white space and each part is a regular expression
        that must match a whole token (case-insensitive), e.g.
        ``"cyber\\w* sovereign\\w*"``.
    window : int
        Number of context tokens on each side.
    regex : bool
        Treat the parts of ``pattern`` as regular expressions.

    Returns
    -------
    DataFrame
        ``doc_id``, ``position`` (0-based index of the first matched token),
        ``left``, ``keyword``, ``right`` (tokens joined by single spaces), in
        the order of ``texts`` and position. Matches may overlap.

    Examples
    --------
    >>> kwic({"d1": "We respect cyber sovereignty. Cyber sovereignty matters!"}, "cyber sovereignty", window=2)
      doc_id  position          left            keyword             right
    0     d1         2    we respect  cyber sovereignty     cyber sovereignty
    1     d1         4  cyber sovereignty  cyber sovereignty           matters
    """
    window = check_int(window, "window", minimum=0)
    if not isinstance(pattern, str):
        msg = f"pattern must be a string; got {type(pattern).__name__}"
        raise TypeError(msg)
    if regex:
        parts = pattern.split()
        try:
            matchers = [re.compile(p, re.IGNORECASE) for p in parts]
        except re.error as err:
            msg = f"pattern {pattern!r} is not a valid regular expression ({err}); expected one regex per word"
            raise ValueError(msg) from err
    else:
        parts = tokenize(pattern)
        matchers = []
    if not parts:
        msg = f"pattern {pattern!r} has no tokens; expected at least one word"
        raise ValueError(msg)
    k = len(parts)
    records = []
    for doc_id, text in _texts_items(texts):
        tokens = tokenize(text)
        for i in range(len(tokens) - k + 1):
            span = tokens[i : i + k]
            hit = all(m.fullmatch(t) for m, t in zip(matchers, span, strict=True)) if regex else span == parts
            if hit:
                records.append(
                    (
                        doc_id,
                        i,
                        " ".join(tokens[max(0, i - window) : i]),
                        " ".join(span),
                        " ".join(tokens[i + k : i + k + window]),
                    )
                )
    return pd.DataFrame(records, columns=KWIC_COLUMNS).astype({"position": np.int64})


def _query_items(query_paragraphs: Sequence[str] | pd.Series) -> list[tuple[object, str]]:
    if isinstance(query_paragraphs, pd.Series):
        items = list(query_paragraphs.items())
    elif isinstance(query_paragraphs, str):
        msg = "query_paragraphs must be a list or Series of paragraphs, not one string; wrap it in a list"
        raise TypeError(msg)
    elif isinstance(query_paragraphs, Sequence):
        items = [(i + 1, p) for i, p in enumerate(query_paragraphs)]
    else:
        msg = f"query_paragraphs must be a list or Series of strings; got {type(query_paragraphs).__name__}"
        raise TypeError(msg)
    for key, text in items:
        if not isinstance(text, str):
            msg = f"query paragraph {key!r} must be a string; got {type(text).__name__}"
            raise TypeError(msg)
    return items


def query_counts(query_paragraphs: Sequence[str] | pd.Series, vocab: pd.Index) -> sp.csr_matrix:
    """Count the unigrams and bigrams of each paragraph on the columns of ``vocab``.

    Terms outside ``vocab`` are dropped.

    Examples
    --------
    >>> query_counts(["Human rights, human dignity."], pd.Index(["human", "human rights", "x"])).toarray()
    array([[2, 1, 0]])
    """
    col = {str(t): j for j, t in enumerate(vocab)}
    items = _query_items(query_paragraphs)
    rows, cols, vals = [], [], []
    for i, (_, text) in enumerate(items):
        c = count_segment(text)
        for term, n in (*c.unigrams.items(), *c.bigrams.items()):
            j = col.get(term)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(n)
    return sp.csr_matrix(
        (np.asarray(vals, dtype=np.int64), (rows, cols)), shape=(len(items), len(vocab)), dtype=np.int64
    )


def _l2_rows(x: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ x).tocsr()


def align_passages(
    query_paragraphs: Sequence[str] | pd.Series,
    dtm_segments: DocumentTermMatrix,
    *,
    by: str = "group",
    top_n: int = 3,
    weighting: Literal["tfidf", "count"] = "tfidf",
    n_shared: int = 5,
    min_tokens: int = MIN_SEGMENT_TOKENS,
) -> pd.DataFrame:
    """For each query paragraph, the most similar segments of each comparison group.

    Each paragraph is counted with :func:`~initiative_lib.text.tokens.count_segment`
    (unigrams and, if the matrix has them, bigrams) on the matrix's
    vocabulary; words the matrix lacks cannot match and are dropped (filter
    ``dtm_segments`` with ``select_terms`` first to leave out stopwords).
    Similarity is the cosine of the weighted count vectors.

    Cosine is normalised by the length of each vector, so a very short
    segment (a title page, a heading, a table of contents) that shares two
    or three of the paragraph's rare words gets a high score from a handful
    of counts: its vector is short, and those words are most of it. Such a
    segment is a match of vocabulary, not of passage. Segments with fewer
    than ``min_tokens`` tokens are therefore not candidates. The default, 50
    tokens, is about the median segment of the shipped corpus (48) and the
    length of the initiative's shortest segment (46): a candidate must be
    about as long as an ordinary paragraph. Blocks of under 30 tokens are
    already joined to the next block when the corpus is segmented, so the
    segments this leaves out are mostly a heading or title page with a short
    block. Set ``min_tokens=0`` to rank every segment.

    Parameters
    ----------
    query_paragraphs : list of str or Series
        Paragraphs; a Series' index names them, a list is numbered from 1.
    dtm_segments : DocumentTermMatrix
        Segment-level counts of the comparison documents. Drop the query
        document's own segments first, or it will find itself.
    by : str
        Column of ``dtm_segments.rows`` defining the comparison groups.
    top_n : int
        Segments kept per paragraph and group.
    weighting : {"tfidf", "count"}
        ``"tfidf"``: raw counts times ``idf = ln((1 + n) / (1 + df)) + 1``
        with ``n`` the number of segments and ``df`` those containing the term
        (the comparison segments only, not the queries), so that words every
        segment uses weigh little. ``"count"``: raw counts.
    n_shared : int
        Number of shared terms listed, those contributing most to the score.
    min_tokens : int
        Segments with fewer tokens (``n_tokens`` of ``dtm_segments.rows``)
        are left out (see above; default :data:`MIN_SEGMENT_TOKENS`).

    Returns
    -------
    DataFrame
        ``paragraph``, ``group``, ``rank`` (1 = most similar), ``doc_id``,
        ``seg_no``, ``score`` (cosine in [0, 1]), ``n_tokens`` of the segment
        and ``shared_terms`` (``"; "``-separated). Segments with score 0 are
        left out, so a group can have fewer than ``top_n`` rows. Ties are
        broken by ``doc_id`` and ``seg_no``. Short paragraphs give noisy
        scores: compare scores within a paragraph, not across paragraphs.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["s", "s", "d"], "seg_no": [1, 2, 1], "n_tokens": [3, 3, 3],
    ...                      "group": ["strategy", "strategy", "declaration"]})
    >>> m = from_counts([{"cyber": 2, "crime": 1}, {"human": 1, "rights": 2}, {"rights": 1, "trade": 2}], rows)
    >>> out = align_passages(["Human rights online."], m, top_n=1, weighting="count", min_tokens=0)
    >>> out[["paragraph", "group", "doc_id", "seg_no", "score", "shared_terms"]].round(3)
       paragraph        group doc_id  seg_no  score   shared_terms
    0          1  declaration      d       1  0.316         rights
    1          1     strategy      s       2  0.949  rights; human
    >>> align_passages(["Human rights online."], m, weighting="count").empty  # every segment under 50 tokens
    True
    """
    if weighting not in ("tfidf", "count"):
        msg = f"weighting must be 'tfidf' or 'count'; got {weighting!r}"
        raise ValueError(msg)
    top_n = check_int(top_n, "top_n", minimum=1)
    n_shared = check_int(n_shared, "n_shared", minimum=0)
    min_tokens = check_int(min_tokens, "min_tokens", minimum=0)
    rows = dtm_segments.rows
    if dtm_segments.level != "segment" or "seg_no" not in rows.columns:
        msg = f"dtm_segments must be a segment-level matrix with a 'seg_no' column; got level {dtm_segments.level!r}"
        raise ValueError(msg)
    if by not in rows.columns:
        msg = f"by={by!r} is not a column of dtm_segments.rows; available: {list(rows.columns)}"
        raise ValueError(msg)
    items = _query_items(query_paragraphs)
    q = query_counts(query_paragraphs, dtm_segments.vocab).astype(float)
    x = dtm_segments.counts.astype(float).tocsr()
    if weighting == "tfidf":
        n = x.shape[0]
        df = np.bincount(x.indices, minlength=x.shape[1])
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        x = x.multiply(idf[None, :]).tocsr()
        q = q.multiply(idf[None, :]).tocsr()
    x = _l2_rows(x)
    q = _l2_rows(q)
    scores = (q @ x.T).toarray()
    long_enough = rows["n_tokens"].to_numpy() >= min_tokens
    groups = rows[by].astype(object).to_numpy()
    doc_ids = rows["doc_id"].to_numpy(dtype=object)
    seg_nos = rows["seg_no"].to_numpy()
    tie_order = np.lexsort((seg_nos, doc_ids))
    tie_rank = np.empty(len(tie_order), dtype=np.int64)
    tie_rank[tie_order] = np.arange(len(tie_order))
    vocab = np.asarray([str(t) for t in dtm_segments.vocab], dtype=object)
    records = []
    group_labels = sorted(pd.unique(groups[~pd.isna(groups)]), key=str)
    for i, (key, _) in enumerate(items):
        qi = q.getrow(i)
        for group in group_labels:
            idx = np.flatnonzero((groups == group) & (scores[i] > 0) & long_enough)
            if idx.size == 0:
                continue
            order = idx[np.lexsort((tie_rank[idx], -scores[i, idx]))][:top_n]
            for rank, j in enumerate(order, start=1):
                contrib = qi.multiply(x.getrow(j)).tocsr()
                top = contrib.indices[np.lexsort((vocab[contrib.indices], -contrib.data))][:n_shared]
                records.append(
                    (
                        key,
                        group,
                        rank,
                        doc_ids[j],
                        seg_nos[j],
                        float(min(scores[i, j], 1.0)),
                        int(rows["n_tokens"].iloc[j]),
                        "; ".join(vocab[top]),
                    )
                )
    return pd.DataFrame(records, columns=ALIGN_COLUMNS)
