"""Exact intervals and tests for counts, rates and proportions.

A short text gives few counts, and few counts need exact methods: a normal
approximation or a bootstrap over a handful of segments returns ``[0, 0]`` for
a category that happens not to occur, which reads as certainty that the rate
is zero. Every function here is vectorised over categories (one row each) and
returns a tidy DataFrame.

* :func:`poisson_interval`: the exact (Garwood 1936) interval for a Poisson
  count, scaled to a rate per :data:`~initiative_lib.constants.PER` tokens.
  With ``k`` observed and ``a = 1 - ci`` the bounds on the expected count are
  ``chi2.ppf(a / 2, 2k) / 2`` (0 when ``k = 0``) and
  ``chi2.ppf(1 - a / 2, 2k + 2) / 2``. Zero counts get a proper upper bound
  (``-log(a / 2)`` expected occurrences, 3.69 at 95%), never ``[0, 0]``.
* :func:`rate_test`: the exact conditional test of a target rate against a
  reference rate (Przyborowski and Wilenski 1940). Given ``n = x_t + x_r``
  occurrences in both, ``x_t`` is binomial with success probability
  ``p = e_t R / (e_t R + e_r)`` where ``e`` are exposures (tokens) and ``R``
  the rate ratio; under ``R = 1``, ``p0 = e_t / (e_t + e_r)``. The two-sided
  p-value sums the probabilities of all outcomes no more likely than the one
  observed (the rule of :func:`scipy.stats.binomtest`), and the exact interval
  of ``R`` maps the Clopper-Pearson interval of ``p`` through
  ``R = p / (1 - p) * e_r / e_t``. A Holm adjustment over the rows is reported
  for families of categories.
* :func:`binomial_interval`: Clopper-Pearson ("exact") or Wilson intervals for
  a proportion (precision and recall of a coded sample, intrusion tests).

Poisson assumes occurrences are independent; words cluster in passages, so
intervals are somewhat too narrow for long documents (overdispersion) and a
difference between a target and a group is best read together with the
spread among the group's own documents (and with length-matched baselines,
:mod:`initiative_lib.methods.baselines`).

References
----------
Garwood, F. (1936). Fiducial limits for the Poisson distribution.
*Biometrika* 28(3/4), 437-442.
Przyborowski, J. and Wilenski, H. (1940). Homogeneity of results in testing
samples from Poisson series. *Biometrika* 31(3/4), 313-323.
Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial
limits illustrated in the case of the binomial. *Biometrika* 26(4), 404-413.
Wilson, E. B. (1927). Probable inference, the law of succession, and
statistical inference. *JASA* 22(158), 209-212.
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics* 6(2), 65-70.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd
from scipy import stats

from initiative_lib.checks import check_option
from initiative_lib.constants import PER

ArrayLike: TypeAlias = Sequence[float] | np.ndarray | pd.Series | float | int

ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
BINOMIAL_METHODS: tuple[str, ...] = ("exact", "wilson")


def _check_ci(ci: object) -> float:
    if isinstance(ci, bool) or not isinstance(ci, int | float | np.floating) or not 0 < float(ci) < 1:
        msg = f"ci must be a number between 0 and 1 (e.g. 0.95); got {ci!r}"
        raise ValueError(msg)
    return float(ci)


def _as_counts(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1:
        msg = f"{name} must be a number or a one-dimensional sequence; got shape {arr.shape}"
        raise ValueError(msg)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.round(arr))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"{name} must hold non-negative whole numbers; got {float(arr[i])!r} at position {i}"
        raise ValueError(msg)
    return arr


def _as_exposure(values: ArrayLike, name: str, n: int) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1:
        msg = f"{name} must be a number or a one-dimensional sequence; got shape {arr.shape}"
        raise ValueError(msg)
    if arr.size == 1 and n != 1:
        arr = np.repeat(arr, n)
    if arr.size != n:
        msg = f"{name} must have one entry per count ({n}) or be a single number; got {arr.size}"
        raise ValueError(msg)
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"{name} must hold positive numbers (tokens); got {float(arr[i])!r} at position {i}"
        raise ValueError(msg)
    return arr


def _index(index: Sequence[object] | pd.Index | None, counts: ArrayLike, n: int) -> pd.Index:
    if index is None:
        if isinstance(counts, pd.Series):
            return counts.index
        return pd.RangeIndex(n)
    out = pd.Index(index)
    if len(out) != n:
        msg = f"index must have one entry per count ({n}); got {len(out)}"
        raise ValueError(msg)
    return out


def garwood_bounds(counts: ArrayLike, *, ci: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) bounds on the expected value of Poisson counts.

    Examples
    --------
    >>> low, high = garwood_bounds([0, 1, 10])
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.0, 0.0253, 4.7954], [3.6889, 5.5716, 18.3904])
    """
    ci = _check_ci(ci)
    k = _as_counts(counts, "counts")
    a = 1.0 - ci
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(a / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
    high = stats.chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return low, high


def poisson_interval(
    counts: ArrayLike,
    exposure: ArrayLike,
    *,
    ci: float = 0.95,
    per: float = PER,
    index: Sequence[object] | pd.Index | None = None,
) -> pd.DataFrame:
    """Exact Poisson (Garwood) intervals for counts and their rates per ``per`` tokens.

    Parameters
    ----------
    counts : int or sequence of int
        Observed counts (e.g. dictionary matches per category).
    exposure : float or sequence of float
        Tokens behind each count (one number for all, or one per count).
    ci : float
        Coverage of the two-sided interval.
    per : float
        Rates are per this many tokens (default 1,000).
    index : sequence, optional
        Row labels (e.g. category names); default the index of a Series
        ``counts``, else 0..n-1.

    Returns
    -------
    DataFrame
        ``count``, ``exposure``, ``rate``, ``rate_low``, ``rate_high``
        (rates per ``per`` tokens), ``count_low``, ``count_high``.

    Examples
    --------
    Zero matches in the 482 tokens of a short text: the rate is 0 but rates
    up to 7.65 per 1,000 tokens are compatible with it.

    >>> poisson_interval([0, 5], [482, 482], index=["rights", "security"]).round(2)
              count  exposure  rate  rate_low  rate_high  count_low  count_high
    rights        0     482.0  0.00      0.00       7.65       0.00        3.69
    security      5     482.0 10.37      3.37      24.21       1.62       11.67
    """
    k = _as_counts(counts, "counts")
    e = _as_exposure(exposure, "exposure", k.size)
    if isinstance(per, bool) or not isinstance(per, int | float | np.number) or not per > 0:
        msg = f"per must be a positive number of tokens; got {per!r}"
        raise ValueError(msg)
    low, high = garwood_bounds(k, ci=ci)
    scale = float(per) / e
    return pd.DataFrame(
        {
            "count": k.astype(np.int64),
            "exposure": e,
            "rate": k * scale,
            "rate_low": low * scale,
            "rate_high": high * scale,
            "count_low": low,
            "count_high": high,
        },
        index=_index(index, counts, k.size),
    )


def _binom_pvalue(x: int, n: int, p: float, alternative: str) -> float:
    if n == 0:
        return 1.0
    if alternative == "greater":
        return float(stats.binom.sf(x - 1, n, p))
    if alternative == "less":
        return float(stats.binom.cdf(x, n, p))
    ks = np.arange(n + 1)
    pmf = stats.binom.pmf(ks, n, p)
    observed = pmf[x]
    # the rule of scipy.stats.binomtest: outcomes at most as likely as the observed one (relative tolerance)
    return float(min(1.0, pmf[pmf <= observed * (1 + 1e-7)].sum()))


def _clopper_pearson(x: np.ndarray, n: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    a = 1.0 - ci
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, stats.beta.ppf(a / 2, np.maximum(x, 1), n - x + 1), 0.0)
        high = np.where(x < n, stats.beta.ppf(1 - a / 2, x + 1, np.maximum(n - x, 1)), 1.0)
    empty = n == 0
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)


def holm(pvalues: ArrayLike) -> np.ndarray:
    """Holm's step-down adjustment of p-values (NaN entries are left out and stay NaN).

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.atleast_1d(np.asarray(pvalues, dtype=float))
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if ok.size == 0:
        return out
    order = ok[np.argsort(p[ok], kind="mergesort")]
    m = ok.size
    adjusted = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    out[order] = adjusted
    return out


def rate_test(
    target_count: ArrayLike,
    target_exposure: ArrayLike,
    reference_count: ArrayLike,
    reference_exposure: ArrayLike,
    *,
    alternative: str = "two-sided",
    ci: float = 0.95,
    per: float = PER,
    index: Sequence[object] | pd.Index | None = None,
) -> pd.DataFrame:
    """Exact conditional test of a target's rate against a reference rate, per row.

    See the module docstring for the test. ``alternative="greater"`` tests
    whether the target's rate is higher than the reference's.

    Parameters
    ----------
    target_count, reference_count : int or sequence of int
        Counts in the target and the reference (e.g. a group's pooled
        documents), one per category.
    target_exposure, reference_exposure : float or sequence of float
        Tokens behind them (one number for all rows, or one per row).
    alternative : {"two-sided", "greater", "less"}
    ci : float
        Coverage of the exact interval of the rate ratio.
    per : float
        Rates are reported per this many tokens.
    index : sequence, optional
        Row labels (e.g. categories).

    Returns
    -------
    DataFrame
        ``target_count``, ``target_rate``, ``reference_count``,
        ``reference_rate``, ``rate_ratio``, ``ratio_low``, ``ratio_high``,
        ``p_value``, ``p_holm`` (Holm-adjusted over the rows) and
        ``expected_target`` (the target's expected count at the reference
        rate) and ``p_zero`` (the Poisson probability of observing zero in
        the target at the reference rate).

    Examples
    --------
    No match in 482 tokens against 120 in 60,000 tokens (2 per 1,000): at
    the reference rate zero has probability 0.38, no evidence of a lower rate.

    >>> t = rate_test(0, 482, 120, 60_000)
    >>> t[["target_rate", "reference_rate", "ratio_low", "ratio_high", "p_value", "p_zero"]].round(3)
       target_rate  reference_rate  ratio_low  ratio_high  p_value  p_zero
    0          0.0             2.0        0.0       3.886      1.0   0.381
    """
    alternative = check_option(alternative, "alternative", ALTERNATIVES)
    ci = _check_ci(ci)
    xt = _as_counts(target_count, "target_count")
    n_rows = xt.size
    xr = _as_counts(reference_count, "reference_count")
    if xr.size == 1 and n_rows != 1:
        xr = np.repeat(xr, n_rows)
    if xr.size != n_rows:
        msg = f"reference_count must have one entry per target count ({n_rows}) or be one number; got {xr.size}"
        raise ValueError(msg)
    et = _as_exposure(target_exposure, "target_exposure", n_rows)
    er = _as_exposure(reference_exposure, "reference_exposure", n_rows)
    n = xt + xr
    p0 = et / (et + er)
    pvals = np.array([_binom_pvalue(int(a), int(b), float(c), alternative) for a, b, c in zip(xt, n, p0, strict=True)])
    p_low, p_high = _clopper_pearson(xt, n, ci)
    if alternative == "greater":
        p_low, _ = _clopper_pearson(xt, n, 1 - 2 * (1 - ci))
        p_high = np.ones_like(p_high)
    elif alternative == "less":
        _, p_high = _clopper_pearson(xt, n, 1 - 2 * (1 - ci))
        p_low = np.zeros_like(p_low)
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = er / et
        ratio = np.where(xr > 0, (xt / et) / (xr / er), np.where(xt > 0, np.inf, np.nan))
        ratio_low = p_low / (1 - p_low) * odds
        ratio_high = np.where(p_high < 1, p_high / (1 - p_high) * odds, np.inf)
    ratio_low = np.where(n == 0, 0.0, ratio_low)
    ratio_high = np.where(n == 0, np.inf, ratio_high)
    expected = xr / er * et
    return pd.DataFrame(
        {
            "target_count": xt.astype(np.int64),
            "target_exposure": et,
            "target_rate": xt / et * per,
            "reference_count": xr.astype(np.int64),
            "reference_exposure": er,
            "reference_rate": xr / er * per,
            "rate_ratio": ratio,
            "ratio_low": ratio_low,
            "ratio_high": ratio_high,
            "p_value": pvals,
            "p_holm": holm(pvals),
            "expected_target": expected,
            "p_zero": np.exp(-expected),
        },
        index=_index(index, target_count, n_rows),
    )


def binomial_interval(
    successes: ArrayLike,
    trials: ArrayLike,
    *,
    ci: float = 0.95,
    method: str = "exact",
) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson (``"exact"``) or Wilson score intervals for proportions, vectorised.

    Rows with no trials get ``(0, 1)``: nothing is known.

    Examples
    --------
    >>> low, high = binomial_interval([0, 9], [10, 10])
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.0, 0.555], [0.3085, 0.9975])
    >>> low, high = binomial_interval([9], [10], method="wilson")
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.5958, 0.9821)
    """
    ci = _check_ci(ci)
    method = check_option(method, "method", BINOMIAL_METHODS)
    x = _as_counts(successes, "successes")
    n = _as_counts(trials, "trials")
    if n.size == 1 and x.size != 1:
        n = np.repeat(n, x.size)
    if n.size != x.size:
        msg = f"trials must have one entry per successes ({x.size}); got {n.size}"
        raise ValueError(msg)
    if (x > n).any():
        i = int(np.flatnonzero(x > n)[0])
        msg = f"successes must not exceed trials; got {x[i]:g} of {n[i]:g} at position {i}"
        raise ValueError(msg)
    if method == "exact":
        return _clopper_pearson(x, n, ci)
    z = stats.norm.ppf(0.5 + ci / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        phat = x / n
        denom = 1 + z**2 / n
        centre = (phat + z**2 / (2 * n)) / denom
        half = z * np.sqrt(phat * (1 - phat) / n + z**2 / (4 * n**2)) / denom
    low = np.where(n > 0, np.clip(centre - half, 0, 1), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), 1.0)
    return low, high


def rate_interval_table(
    rates: pd.DataFrame,
    *,
    rows: str = "category",
    columns: str = "doc_id",
    ci: float = 0.95,
    digits: int = 1,
) -> pd.DataFrame:
    """Rates with exact Poisson (Garwood) intervals, as a readable ``rows x columns`` table.

    Each cell reads ``"rate [low, high]"`` per 1,000 tokens, so that a table
    of several short texts' dictionary rates never shows a bare point
    estimate (and a zero count shows its upper bound).

    Parameters
    ----------
    rates : DataFrame
        ``matches`` and ``n_tokens`` and the ``rows`` and ``columns`` columns,
        one row per cell (e.g. the output of
        :func:`~initiative_lib.methods.dictionaries.dictionary_rates`).
    rows, columns : str
        The columns that label the table's rows and columns (order of first appearance).
    ci : float
        Coverage of the intervals.
    digits : int
        Decimals shown.

    Returns
    -------
    DataFrame
        Strings, ``rows`` by ``columns``.

    Examples
    --------
    >>> r = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "category": ["x", "y", "x", "y"],
    ...                   "matches": [0, 5, 2, 1], "n_tokens": [482, 482, 1000, 1000]})
    >>> rate_interval_table(r)
    doc_id                    a                 b
    category
    x           0.0 [0.0, 7.7]   2.0 [0.2, 7.2]
    y         10.4 [3.4, 24.2]   1.0 [0.0, 5.6]
    """
    missing = [c for c in dict.fromkeys(["matches", "n_tokens", rows, columns]) if c not in rates.columns]
    if missing:
        msg = f"rates lacks columns {missing}; expected matches, n_tokens, {rows!r} and {columns!r} (dictionary_rates)"
        raise ValueError(msg)
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        msg = f"digits must be an integer >= 0; got {digits!r}"
        raise ValueError(msg)
    exact = poisson_interval(rates["matches"].to_numpy(), rates["n_tokens"].to_numpy(dtype=float), ci=ci)
    cells = [
        f"{r:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"
        for r, lo, hi in zip(exact["rate"], exact["rate_low"], exact["rate_high"], strict=True)
    ]
    table = rates[[rows, columns]].assign(cell=cells)
    out = table.pivot_table(index=rows, columns=columns, values="cell", aggfunc="first")
    return out.loc[pd.unique(table[rows]), pd.unique(table[columns])]


def rate_contrast(
    rates: pd.DataFrame,
    target: str,
    reference: str,
    *,
    by: str = "doc_id",
    rows: str = "category",
    alternative: str = "two-sided",
    ci: float = 0.95,
) -> pd.DataFrame:
    """:func:`rate_test` of one text's counts against another's, per category of a long rates table.

    Parameters
    ----------
    rates : DataFrame
        ``matches``, ``n_tokens``, ``by`` and ``rows`` columns (e.g.
        :func:`~initiative_lib.methods.dictionaries.dictionary_rates` of a
        document matrix).
    target, reference : str
        Values of ``by`` to compare.
    by, rows : str
        The column naming the texts, and the column of the categories.
    alternative : {"two-sided", "greater", "less"}
    ci : float
        Coverage of the rate ratio's exact interval.

    Returns
    -------
    DataFrame
        :func:`rate_test`'s columns, one row per category (Holm over them).

    Examples
    --------
    >>> r = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "category": ["x", "y", "x", "y"],
    ...                   "matches": [13, 0, 4, 3], "n_tokens": [482, 482, 1000, 1000]})
    >>> t = rate_contrast(r, "a", "b")
    >>> t["rate_ratio"].round(2).to_dict()
    {'x': 6.74, 'y': 0.0}
    """
    missing = [c for c in dict.fromkeys(["matches", "n_tokens", by, rows]) if c not in rates.columns]
    if missing:
        msg = f"rates lacks columns {missing}; expected matches, n_tokens, {by!r} and {rows!r} (dictionary_rates)"
        raise ValueError(msg)
    texts = set(rates[by].astype(str))
    unknown = [t for t in (target, reference) if t not in texts]
    if unknown:
        msg = f"{unknown} not among the {by} values of rates ({sorted(texts)[:8]}...)"
        raise ValueError(msg)
    a = rates[rates[by].astype(str) == target].set_index(rows)
    b = rates[rates[by].astype(str) == reference].set_index(rows).reindex(a.index)
    if b["matches"].isna().any():
        msg = f"{reference!r} lacks categories {a.index[b['matches'].isna()].tolist()} that {target!r} has"
        raise ValueError(msg)
    return rate_test(
        a["matches"].to_numpy(dtype=np.int64),
        a["n_tokens"].to_numpy(dtype=float),
        b["matches"].to_numpy(dtype=np.int64),
        b["n_tokens"].to_numpy(dtype=float),
        alternative=alternative,
        ci=ci,
        index=a.index,
    )
