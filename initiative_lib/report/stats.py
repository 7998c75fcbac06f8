"""The report's two statistical helpers: exact rate intervals and length-matched windows.

* :func:`exact_rate_interval`: the exact (Garwood) Poisson interval of a
  count, as a rate per 1,000 tokens. A count of zero gets a finite upper
  bound (3.69 matches for 95 %), never a zero-width interval.
* :func:`length_windows`: windows of a comparison group with the target's
  length, for reference distributions. A short text is noisier than a long
  one; comparing a 500-token declaration with a pooled group of 850,000
  tokens says little until one knows what 500-token excerpts of that group
  look like. A window is a run of consecutive segments of one document,
  started at a random segment and extended until it holds at least the
  target's number of tokens (segments are the finest unit the comparison
  corpus ships, about 50 tokens, so windows overshoot by less than one
  segment). Documents shorter than the target give no window.

Each report section that uses them calls exactly one of these functions, so
that the package-wide versions (``methods.intervals``, ``methods.baselines``,
under way) can replace them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from initiative_lib.checks import check_int, check_random_state
from initiative_lib.constants import PER
from initiative_lib.corpus.matrix import DocumentTermMatrix


def exact_rate_interval(matches: object, n_tokens: object, *, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson (Garwood) interval of ``matches`` in ``n_tokens``, per 1,000 tokens.

    Lower bound ``chi2.ppf(a/2, 2m) / 2``, upper bound
    ``chi2.ppf(1 - a/2, 2m + 2) / 2`` for ``m`` matches and ``a = 1 - ci``;
    the lower bound of ``m = 0`` is 0.

    Parameters
    ----------
    matches : int or array of int
        Counts (>= 0).
    n_tokens : int or array of int
        Tokens (> 0), broadcast against ``matches``.
    ci : float
        Coverage, in (0, 1).

    Returns
    -------
    (ndarray, ndarray)
        Lower and upper bounds per 1,000 tokens.

    Examples
    --------
    >>> low, high = exact_rate_interval([0, 10], 1000)
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.0, 4.795], [3.689, 18.39])
    """
    if not 0 < ci < 1:
        msg = f"ci must be between 0 and 1; got {ci!r}"
        raise ValueError(msg)
    m = np.asarray(matches, dtype=float)
    n = np.asarray(n_tokens, dtype=float)
    if np.any(m < 0) or np.any(m != np.round(m)):
        msg = f"matches must be counts (integers >= 0); got {matches!r}"
        raise ValueError(msg)
    if np.any(n <= 0):
        msg = f"n_tokens must be > 0; got {n_tokens!r}"
        raise ValueError(msg)
    alpha = 1.0 - ci
    low = np.where(m > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(m, 1)) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * m + 2) / 2
    return PER * low / n, PER * high / n


@dataclass(frozen=True)
class Windows:
    """Length-matched windows of some comparison rows.

    Attributes
    ----------
    dtm : DocumentTermMatrix
        One row per window (document level): ``doc_id`` of the window's
        document, ``group``, ``window`` (0, 1, ...), ``first_seg``,
        ``n_segments``, ``n_tokens``.
    n_eligible : dict of str to int
        Per group, the number of documents long enough to give a window.
    """

    dtm: DocumentTermMatrix
    n_eligible: dict[str, int]


def length_windows(
    segments: DocumentTermMatrix,
    length: int,
    *,
    by: str = "group",
    n_windows: int = 200,
    random_state: object = None,
) -> Windows:
    """Draw ``n_windows`` windows of at least ``length`` tokens from each group of a segment matrix.

    Each window starts at a segment drawn uniformly among those from which
    the rest of the document still holds ``length`` tokens, and runs over
    consecutive segments until it does. Draws are with replacement, group by
    group in sorted order, from one generator.

    Parameters
    ----------
    segments : DocumentTermMatrix
        Segment level, with ``doc_id``, ``seg_no``, ``n_tokens`` and ``by``.
    length : int
        The target's number of tokens (>= 1).
    by : str
        The group column.
    n_windows : int
        Windows per group (>= 1).
    random_state : int, Generator or None
        See :mod:`initiative_lib.checks`.

    Returns
    -------
    Windows

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "seg_no": [1, 2, 3, 1],
    ...                      "n_tokens": [2, 2, 2, 1], "group": ["g", "g", "g", "g"]})
    >>> m = from_counts([{"x": 2}, {"y": 2}, {"z": 2}, {"x": 1}], rows)
    >>> w = length_windows(m, 4, n_windows=3, random_state=0)
    >>> w.dtm.rows[["doc_id", "first_seg", "n_segments", "n_tokens"]].values.tolist()
    [['a', 2, 2, 4], ['a', 2, 2, 4], ['a', 2, 2, 4]]
    >>> w.n_eligible
    {'g': 1}
    """
    length = check_int(length, "length", minimum=1)
    n_windows = check_int(n_windows, "n_windows", minimum=1)
    rng = check_random_state(random_state)
    if not isinstance(segments, DocumentTermMatrix) or segments.level != "segment":
        msg = "segments must be a segment-level DocumentTermMatrix"
        raise ValueError(msg)
    rows = segments.rows
    for col in ("doc_id", "seg_no", "n_tokens", by):
        if col not in rows.columns:
            msg = f"segments.rows lacks column {col!r}; expected doc_id, seg_no, n_tokens and {by!r}"
            raise ValueError(msg)
    order = np.lexsort((rows["seg_no"].to_numpy(), rows["doc_id"].astype(str).to_numpy()))
    doc = rows["doc_id"].astype(str).to_numpy()[order]
    group = rows[by].astype(str).to_numpy()[order]
    tokens = rows["n_tokens"].to_numpy(dtype=np.int64)[order]
    seg_no = rows["seg_no"].to_numpy(dtype=np.int64)[order]
    cum = np.concatenate([[0], np.cumsum(tokens)])  # cum[i] = tokens before sorted row i
    starts_of_doc = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
    doc_end = np.repeat(np.r_[starts_of_doc[1:], len(doc)], np.diff(np.r_[starts_of_doc, len(doc)]))
    # the first row j (exclusive end j + 1) at which the tokens from i reach `length`
    end = np.searchsorted(cum, cum[:-1] + length, side="left")  # cum[end] >= cum[i] + length
    ok = end <= doc_end
    picks: list[np.ndarray] = []
    labels: list[str] = []
    eligible: dict[str, int] = {}
    for g in sorted(set(group)):
        cand = np.flatnonzero(ok & (group == g))
        eligible[g] = len(set(doc[cand]))
        if cand.size == 0:
            continue
        picks.append(rng.choice(cand, size=n_windows, replace=True))
        labels.extend([g] * n_windows)
    if not picks:
        empty = DocumentTermMatrix(
            counts=sp.csr_matrix((0, segments.shape[1]), dtype=np.int64),
            rows=pd.DataFrame(columns=["doc_id", "group", "window", "first_seg", "n_segments", "n_tokens"]),
            vocab=segments.vocab,
            level="document",
        )
        return Windows(empty, eligible)
    first = np.concatenate(picks)
    last = end[first]  # exclusive, in sorted positions
    lengths = last - first
    cols = np.concatenate([np.arange(a, b) for a, b in zip(first, last, strict=True)])
    member = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.int64), (np.repeat(np.arange(len(first)), lengths), order[cols])),
        shape=(len(first), segments.shape[0]),
    )
    counts = (member @ segments.counts.astype(np.int64)).tocsr()
    counts.sort_indices()
    meta = pd.DataFrame(
        {
            "doc_id": doc[first],
            "group": labels,
            "window": np.arange(len(first), dtype=np.int64),
            "first_seg": seg_no[first],
            "n_segments": lengths.astype(np.int64),
            "n_tokens": (cum[last] - cum[first]).astype(np.int64),
        }
    )
    return Windows(DocumentTermMatrix(counts=counts, rows=meta, vocab=segments.vocab, level="document"), eligible)


def position(value: float, reference: np.ndarray) -> float:
    """Mid-rank percentile of ``value`` among ``reference`` (0-100): ties count half.

    Examples
    --------
    >>> position(2.0, np.array([1.0, 2.0, 3.0, 4.0]))
    37.5
    """
    ref = np.asarray(reference, dtype=float)
    if ref.size == 0:
        return float("nan")
    return float(100.0 * (np.sum(ref < value) + 0.5 * np.sum(ref == value)) / ref.size)
