"""Synthetic data with known structure, for tests, examples, exercises and timings.

:func:`synthetic_dtm` simulates a segment-level document-term matrix from
planted topics, so that a method's output can be checked against the truth
that generated the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_int, check_seed
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.topics.model import row_index

#: the groups synthetic documents cycle through (fixed here, so that synthetic data
#: does not change when the corpus gains a group)
SYNTHETIC_GROUPS = ("initiative", "declaration", "strategy", "netmundial", "user")

__all__ = ["SyntheticTruth", "synthetic_dtm"]


@dataclass(frozen=True, eq=False)
class SyntheticTruth:
    """The planted structure of :func:`synthetic_dtm`."""

    topic_term: pd.DataFrame
    segment_topics: pd.DataFrame


def synthetic_dtm(
    n_docs: int = 60,
    segments_per_doc: int = 5,
    n_terms: int = 200,
    k: int = 4,
    *,
    tokens_per_segment: float = 40.0,
    alpha: float = 0.1,
    topic_mass: float = 0.85,
    random_state: int,
) -> tuple[DocumentTermMatrix, SyntheticTruth]:
    """Simulate segments from planted topics (for tests, examples and timings).

    Topic ``t`` puts ``topic_mass`` of its probability on its own block of
    ``n_terms // k`` terms (Zipf-like within the block) and the rest on a
    shared Zipf background over all terms. Each segment's topic shares are
    drawn from a Dirichlet with parameter ``alpha``, plus 0.3 on the topic
    its document's group prefers (group ``g`` prefers topic ``g % k``); its length is
    ``1 + Poisson(tokens_per_segment - 1)``. Documents cycle through the
    groups initiative, declaration, strategy, netmundial, user; years 2014-2020.

    Returns
    -------
    (DocumentTermMatrix, SyntheticTruth)
        Terms are named ``w0000``, ...; rows ``d0000``/``seg_no``.

    Examples
    --------
    >>> dtm, truth = synthetic_dtm(n_docs=4, segments_per_doc=2, n_terms=10, k=2, random_state=0)
    >>> dtm.shape, list(dtm.rows.columns)
    ((8, 10), ['doc_id', 'seg_no', 'n_tokens', 'group', 'country', 'year'])
    """
    seed = check_seed(random_state)
    for name, val in (("n_docs", n_docs), ("segments_per_doc", segments_per_doc), ("n_terms", n_terms), ("k", k)):
        check_int(val, name, minimum=1)
    if n_terms < k:
        msg = f"n_terms must be >= k ({k}); got {n_terms!r}"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    block = n_terms // k
    zipf_bg = 1.0 / np.arange(1, n_terms + 1)
    background = rng.permutation(zipf_bg / zipf_bg.sum())
    beta = np.tile((1.0 - topic_mass) * background, (k, 1))
    for t in range(k):
        w = rng.permutation(1.0 / np.arange(1, block + 1) ** 0.8)
        beta[t, t * block : (t + 1) * block] += topic_mass * w / w.sum()
    beta /= beta.sum(axis=1, keepdims=True)
    n_rows = n_docs * segments_per_doc
    doc_no = np.repeat(np.arange(n_docs), segments_per_doc)
    conc = np.full((n_rows, k), alpha)
    conc[np.arange(n_rows), (doc_no % len(SYNTHETIC_GROUPS)) % k] += 0.3
    theta = rng.gamma(conc)
    theta = theta / theta.sum(axis=1, keepdims=True)
    lengths = 1 + rng.poisson(tokens_per_segment - 1, size=n_rows)
    z_counts = rng.multinomial(lengths, theta)
    rows_idx, cols_idx = [], []
    for t in range(k):
        n_t = int(z_counts[:, t].sum())
        rows_idx.append(np.repeat(np.arange(n_rows), z_counts[:, t]))
        cols_idx.append(rng.choice(n_terms, size=n_t, p=beta[t]))
    r = np.concatenate(rows_idx)
    c = np.concatenate(cols_idx)
    counts = sp.csr_matrix((np.ones(len(r), dtype=np.int64), (r, c)), shape=(n_rows, n_terms))
    counts.sum_duplicates()
    counts.sort_indices()
    vocab = pd.Index([f"w{j:04d}" for j in range(n_terms)], dtype=object)
    groups = np.array(SYNTHETIC_GROUPS, dtype=object)
    countries = np.array(["CN", "US", "DE", "BR", "IN", "ZA"], dtype=object)
    rows = pd.DataFrame(
        {
            "doc_id": [f"d{d:04d}" for d in doc_no],
            "seg_no": np.tile(np.arange(1, segments_per_doc + 1), n_docs),
            "n_tokens": lengths.astype(np.int64),
            "group": groups[doc_no % len(groups)],
            "country": countries[doc_no % len(countries)],
            "year": 2014 + doc_no % 7,
        }
    )
    dtm = DocumentTermMatrix(counts=counts, rows=rows, vocab=vocab, level="segment")
    topics = pd.RangeIndex(k, name="topic")
    truth = SyntheticTruth(
        topic_term=pd.DataFrame(beta, index=topics, columns=pd.Index(vocab, name="term")),
        segment_topics=pd.DataFrame(theta, index=row_index(rows), columns=topics),
    )
    return dtm, truth
