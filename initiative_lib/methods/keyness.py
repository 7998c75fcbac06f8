"""Keyness: which terms a set of rows uses more (or less) than another.

Two families of measures, both computed on term counts of a
:class:`~initiative_lib.corpus.matrix.DocumentTermMatrix`:

* :func:`keyness` compares a *target* with a *reference* term by term with a
  2 x 2 contingency table (term / all other tokens by target / reference) and
  reports the log-likelihood statistic G2, Pearson's chi-squared, Hardie's
  log ratio and a p-value, with the raw counts and rates per 1,000 tokens next
  to every score.
* :func:`log_odds_dirichlet` is the log-odds ratio with an informative
  Dirichlet prior of Monroe, Colaresi and Quinn (2008), whose z-scores shrink
  the estimates for rare terms towards the corpus-wide rate.

Length matters here: the initiative is a ~600-word report and the comparison
texts are long. The tests treat every token as an independent draw, which
words are not (a term repeated in one paragraph is "bursty"), so p-values are
too small for short texts; read them as a ranking aid, and look at the counts
and at ``target_rows`` (in how many rows the term occurs) before interpreting
a term.

References
----------
Dunning, T. (1993). Accurate methods for the statistics of surprise and
coincidence. *Computational Linguistics* 19(1), 61-74.
Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for
Corpus Approaches to Social Science (CASS), Lancaster University.
Monroe, B. L., Colaresi, M. P. and Quinn, K. M. (2008). Fightin' words:
lexical feature selection and evaluation for identifying the content of
political conflict. *Political Analysis* 16(4), 372-403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from initiative_lib.checks import as_row_mask, check_int
from initiative_lib.constants import PER
from initiative_lib.corpus.matrix import DocumentTermMatrix

Measure = Literal["g2", "chi2", "log_ratio"]
MEASURES = ("g2", "chi2", "log_ratio")
#: added to a zero frequency before taking Hardie's log ratio
ZERO_CORRECTION = 0.5


def _column_sums(dtm: DocumentTermMatrix, mask: np.ndarray) -> np.ndarray:
    return np.asarray(dtm.counts[mask].sum(axis=0), dtype=float).ravel()


def _rows_with_term(dtm: DocumentTermMatrix, mask: np.ndarray) -> np.ndarray:
    sub = dtm.counts[mask]
    return np.bincount(sub.indices[sub.data > 0], minlength=dtm.shape[1]).astype(np.int64)


def _two_masks(
    dtm: DocumentTermMatrix, mask_a: object, mask_b: object | None, names: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    n = dtm.shape[0]
    a = as_row_mask(mask_a, n, names[0])
    b = ~a if mask_b is None else as_row_mask(mask_b, n, names[1])
    overlap = int((a & b).sum())
    if overlap:
        msg = f"{names[0]} and {names[1]} overlap in {overlap} rows; a row can be in one of them only"
        raise ValueError(msg)
    for name, m in zip(names, (a, b), strict=True):
        if not m.any():
            msg = f"{name} selects no rows; expected at least one"
            raise ValueError(msg)
    return a, b


def _contingency_stats(a: np.ndarray, b: np.ndarray, n_a: float, n_b: float) -> tuple[np.ndarray, np.ndarray]:
    """G2 and Pearson chi2 (no continuity correction) of the tables [[a, b], [n_a - a, n_b - b]]."""
    obs = np.stack([a, b, n_a - a, n_b - b])
    total = n_a + n_b
    row_term = a + b
    row_other = total - row_term
    exp = np.stack([row_term * n_a, row_term * n_b, row_other * n_a, row_other * n_b]) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2.0 * np.sum(special.xlogy(obs, obs) - special.xlogy(obs, exp), axis=0)
        chi2 = np.sum(np.where(exp > 0, (obs - exp) ** 2 / exp, 0.0), axis=0)
    return np.maximum(g2, 0.0), chi2


def log_ratio(a: np.ndarray, b: np.ndarray, n_a: float, n_b: float) -> np.ndarray:
    """Hardie's log ratio: binary log of the ratio of relative frequencies.

    A zero count is replaced by :data:`ZERO_CORRECTION` (0.5) before the ratio
    is taken; non-zero counts are used as they are.

    Examples
    --------
    >>> log_ratio(np.array([4.0, 0.0]), np.array([1.0, 2.0]), 100.0, 100.0).tolist()
    [2.0, -2.0]
    """
    a = np.where(a == 0, ZERO_CORRECTION, a)
    b = np.where(b == 0, ZERO_CORRECTION, b)
    return np.log2((a / n_a) / (b / n_b))


def keyness(
    dtm: DocumentTermMatrix,
    target_mask: Iterable[bool] | np.ndarray | pd.Series,
    reference_mask: Iterable[bool] | np.ndarray | pd.Series | None = None,
    *,
    measure: Measure = "g2",
    min_count: int = 5,
) -> pd.DataFrame:
    """Compare term frequencies of target rows with reference rows.

    For each term a 2 x 2 table is formed: occurrences of the term and of all
    other tokens, in the target and in the reference. Corpus sizes are the
    token totals ``rows["n_tokens"]`` of the selected rows (not the sum of the
    matrix, which may hold bigrams or have lost filtered terms).

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment- or document-level counts.
    target_mask : array of bool
        One entry per row of ``dtm``: the rows forming the target.
    reference_mask : array of bool, optional
        The reference rows; by default every row not in the target. Must not
        overlap the target.
    measure : {"g2", "chi2", "log_ratio"}
        Column the result is sorted by, in descending order (terms typical of
        the target first, terms typical of the reference last). It also sets
        the statistic behind ``p_value`` (G2 for ``"log_ratio"``).
    min_count : int
        Keep terms occurring at least this often in target and reference
        together.

    Returns
    -------
    DataFrame
        One row per term: ``term``, ``target_count``, ``reference_count``,
        ``target_rows``, ``reference_rows`` (rows containing the term),
        ``target_total``, ``reference_total`` (tokens), ``target_rate``,
        ``reference_rate`` (per 1,000 tokens), ``g2``, ``chi2``,
        ``log_ratio`` and ``p_value``. ``g2`` and ``chi2`` carry the sign of
        the direction: positive when the target's rate is higher. ``p_value``
        is from a chi-squared distribution with one degree of freedom and is
        not corrected for testing many terms.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [100, 100]})
    >>> m = from_counts([{"cyber": 10, "rights": 2}, {"cyber": 2, "rights": 10}], rows)
    >>> k = keyness(m, [True, False], min_count=1)
    >>> k[["term", "target_count", "reference_count", "log_ratio"]]
         term  target_count  reference_count  log_ratio
    0   cyber            10                2   2.321928
    1  rights             2               10  -2.321928
    >>> round(float(k["g2"].iloc[0]), 3)
    6.163
    """
    if measure not in MEASURES:
        msg = f"measure must be one of {list(MEASURES)}; got {measure!r}"
        raise ValueError(msg)
    min_count = check_int(min_count, "min_count", minimum=0)
    target, reference = _two_masks(dtm, target_mask, reference_mask, ("target_mask", "reference_mask"))
    n_tokens = dtm.rows["n_tokens"].to_numpy(dtype=float)
    n_t = float(n_tokens[target].sum())
    n_r = float(n_tokens[reference].sum())
    for name, total in (("target", n_t), ("reference", n_r)):
        if total <= 0:
            msg = f"the {name} rows have {total:g} tokens in rows['n_tokens']; expected a positive total"
            raise ValueError(msg)
    a = _column_sums(dtm, target)
    b = _column_sums(dtm, reference)
    if (a > n_t).any() or (b > n_r).any():
        msg = "a term occurs more often than rows['n_tokens'] allows; n_tokens must count every token of a row"
        raise ValueError(msg)
    keep = (a + b) >= max(min_count, 1)
    a, b = a[keep], b[keep]
    g2, chi2 = _contingency_stats(a, b, n_t, n_r)
    direction = np.sign(a / n_t - b / n_r)
    stat = chi2 if measure == "chi2" else g2
    out = pd.DataFrame(
        {
            "term": dtm.vocab[keep].astype(object),
            "target_count": a.astype(np.int64),
            "reference_count": b.astype(np.int64),
            "target_rows": _rows_with_term(dtm, target)[keep],
            "reference_rows": _rows_with_term(dtm, reference)[keep],
            "target_total": np.int64(round(n_t)),
            "reference_total": np.int64(round(n_r)),
            "target_rate": PER * a / n_t,
            "reference_rate": PER * b / n_r,
            "g2": direction * g2,
            "chi2": direction * chi2,
            "log_ratio": log_ratio(a, b, n_t, n_r),
            "p_value": stats.chi2.sf(stat, df=1),
        }
    )
    return out.sort_values([measure, "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def log_odds_dirichlet(
    dtm: DocumentTermMatrix,
    mask_a: Iterable[bool] | np.ndarray | pd.Series,
    mask_b: Iterable[bool] | np.ndarray | pd.Series | None = None,
    *,
    prior: Literal["informative", "flat"] | pd.Series = "informative",
    prior_scale: float = 500.0,
    min_count: int = 1,
) -> pd.DataFrame:
    """Log-odds ratios with a Dirichlet prior (Monroe, Colaresi and Quinn 2008).

    With counts ``y_a`` and ``y_b`` of a term, totals ``n_a`` and ``n_b``
    (the sums of the matrix over the selected rows and all terms), and prior
    pseudo-counts ``alpha`` (``alpha0`` their sum)::

        delta = log((y_a + alpha) / (n_a + alpha0 - y_a - alpha))
              - log((y_b + alpha) / (n_b + alpha0 - y_b - alpha))
        var   = 1 / (y_a + alpha) + 1 / (y_b + alpha)
        z     = delta / sqrt(var)

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Counts; use a unigram-only matrix so that the totals are token
        counts (with bigrams every token is counted twice).
    mask_a, mask_b : array of bool
        Rows of the two sides; ``mask_b`` defaults to every row not in
        ``mask_a``. Positive ``delta`` means the term is relatively more
        frequent in ``a``.
    prior : {"informative", "flat"} or Series
        ``"informative"``: ``alpha = prior_scale * p``, with ``p`` each term's
        share of all counts in the whole matrix (every row, not only ``a`` and
        ``b``). ``"flat"``: ``alpha = prior_scale / n_terms`` for every term.
        A Series indexed by term gives the pseudo-counts directly (missing
        terms get none and are dropped).
    prior_scale : float
        ``alpha0``, the prior's weight in pseudo-tokens. 500 lets a 600-word
        text move the estimate while still shrinking terms seen once or twice.
    min_count : int
        Keep terms occurring at least this often in ``a`` and ``b`` together.

    Returns
    -------
    DataFrame
        ``term``, ``count_a``, ``count_b``, ``total_a``, ``total_b``,
        ``rate_a``, ``rate_b`` (per 1,000 counted tokens), ``prior``
        (alpha), ``delta``, ``variance``, ``z``; sorted by ``z`` descending.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "n_tokens": [20, 20]})
    >>> m = from_counts([{"cyber": 15, "rights": 5}, {"cyber": 5, "rights": 15}], rows)
    >>> out = log_odds_dirichlet(m, [True, False], prior_scale=10)
    >>> out[["term", "delta", "z"]].round(3)
         term  delta      z
    0   cyber  1.386  3.579
    1  rights -1.386 -3.579
    """
    a_mask, b_mask = _two_masks(dtm, mask_a, mask_b, ("mask_a", "mask_b"))
    if not np.isfinite(prior_scale) or prior_scale <= 0:
        msg = f"prior_scale must be a positive number; got {prior_scale!r}"
        raise ValueError(msg)
    min_count = check_int(min_count, "min_count", minimum=0)
    y_a = _column_sums(dtm, a_mask)
    y_b = _column_sums(dtm, b_mask)
    if isinstance(prior, pd.Series):
        alpha = prior.reindex(dtm.vocab).to_numpy(dtype=float)
        alpha = np.where(np.isnan(alpha), 0.0, alpha)
        if (alpha < 0).any():
            msg = "prior must hold non-negative pseudo-counts; got negative values"
            raise ValueError(msg)
    elif prior == "informative":
        total = np.asarray(dtm.counts.sum(axis=0), dtype=float).ravel()
        alpha = prior_scale * total / total.sum()
    elif prior == "flat":
        alpha = np.full(dtm.shape[1], prior_scale / dtm.shape[1])
    else:
        msg = f"prior must be 'informative', 'flat' or a pandas Series of pseudo-counts; got {prior!r}"
        raise ValueError(msg)
    alpha0 = alpha.sum()
    n_a, n_b = y_a.sum(), y_b.sum()
    keep = ((y_a + y_b) >= max(min_count, 1)) & (alpha > 0)
    y_a, y_b, alpha = y_a[keep], y_b[keep], alpha[keep]
    delta = np.log((y_a + alpha) / (n_a + alpha0 - y_a - alpha)) - np.log((y_b + alpha) / (n_b + alpha0 - y_b - alpha))
    variance = 1.0 / (y_a + alpha) + 1.0 / (y_b + alpha)
    out = pd.DataFrame(
        {
            "term": dtm.vocab[keep].astype(object),
            "count_a": y_a.astype(np.int64),
            "count_b": y_b.astype(np.int64),
            "total_a": np.int64(round(n_a)),
            "total_b": np.int64(round(n_b)),
            "rate_a": PER * y_a / n_a if n_a > 0 else np.nan,
            "rate_b": PER * y_b / n_b if n_b > 0 else np.nan,
            "prior": alpha,
            "delta": delta,
            "variance": variance,
            "z": delta / np.sqrt(variance),
        }
    )
    return out.sort_values(["z", "term"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
