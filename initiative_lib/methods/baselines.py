"""Length-matched baselines: where does a short text fall among texts of its own length?

A 500-token declaration and an 80-page strategy differ in length before they
differ in content: a short text has a sparser term vector (so lower cosine
similarity to everything), noisier dictionary rates, flatter or spikier topic
mixes and fewer chances to share a long passage. Comparing the short target
with whole long documents confounds content with length.

:func:`length_matched_baseline` asks instead how the statistic behaves for
texts of the target's length drawn from each comparator. For every comparator
(a value of ``by``: a group, or each document) it draws ``n_windows`` seeded
windows of the target's length from the comparator's documents, computes the
same statistic on each window, and reports where the target's value falls in
that reference distribution: its percentile (the share of windows below it,
ties counted half), one-sided tail shares and the distribution's mean, sd and
quantiles.

Windows
-------
* ``window="segments"``: a document of the comparator is chosen uniformly at
  random among those long enough, then a starting segment uniformly among the
  starts from which consecutive segments reach the target's length; the run
  of whole segments is the window (it is at least as long as the target, and
  a little longer on average; its length is recorded).
* ``window="tokens"`` (default): the same contiguous run, thinned to exactly
  the target's number of tokens by sampling tokens without replacement
  (multivariate hypergeometric) from the run's counts. The window keeps the
  run's local topic and vocabulary and matches the target's length exactly.

Length is the number of counted tokens of the matrix rows (the sum of the
counts after preprocessing), so the statistic sees target and windows at the
same length. With a document-level matrix (no ``seg_no``) each document is
one row and ``"tokens"`` windows are random subsets of the document's tokens;
they ignore the clustering of words in passages and so understate the spread
of the reference distribution: use segment rows where possible.

The statistic
-------------
Any callable taking a 1-D array of term counts (aligned to ``dtm.vocab``) and
returning a number, or a mapping / Series of numbers (several statistics at
once, e.g. one dictionary rate per category). Bind whatever else it needs
(another document's vector, a fitted topic model, group means) in a closure
or :func:`functools.partial`. It is applied to the target's summed counts and
to every window. A statistic that compares with a reference built from the
comparators (a group centroid, a group's mean rates) should leave out the
document a window comes from: with ``with_source=True`` it receives that
``doc_id`` as a second argument.

Determinism
-----------
All randomness is drawn up front in the calling process from
``random_state``: the window positions and one child seed
(:class:`numpy.random.SeedSequence`) per window for the thinning. With
``n_jobs > 1`` windows are evaluated by worker processes in fixed chunks and
gathered in order, so the result is identical for every ``n_jobs`` (the
statistic must then be picklable: a module-level function or a
``functools.partial`` of one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import as_row_mask, check_int, check_option, check_random_state
from initiative_lib.corpus.matrix import DocumentTermMatrix

WINDOWS: tuple[str, ...] = ("tokens", "segments")
#: quantiles of the reference distribution reported by :func:`length_matched_baseline`
QUANTILES: tuple[float, ...] = (0.025, 0.25, 0.5, 0.75, 0.975)

Statistic = Callable[..., Any]


class Baseline(NamedTuple):
    """Result of :func:`length_matched_baseline`.

    ``summary``: one row per comparator and statistic with ``target_value``,
    ``n_windows``, ``n_documents`` (documents long enough to give a window),
    ``n_too_short``, ``mean``, ``sd``, ``q025``...``q975``, ``percentile``
    (share of windows below the target, ties half), ``share_below_or_equal``,
    ``share_above_or_equal``; ``windows``: one row per window and statistic
    with ``comparator``, ``window``, ``doc_id``, ``first_row``, ``n_rows``,
    ``n_tokens`` (of the window the statistic saw), ``statistic`` and
    ``value``; ``target_tokens``: the target's length.
    """

    summary: pd.DataFrame
    windows: pd.DataFrame
    target_tokens: int


def _values(result: Any) -> dict[str, float]:
    if isinstance(result, pd.Series):
        return {str(k): float(v) for k, v in result.items()}
    if isinstance(result, Mapping):
        return {str(k): float(v) for k, v in result.items()}
    if isinstance(result, int | float | np.number) and not isinstance(result, bool):
        return {"value": float(result)}
    msg = f"statistic must return a number or a mapping of numbers; got {type(result).__name__}"
    raise TypeError(msg)


# worker state: set once per process by the initializer
_STATE: dict[str, Any] = {}


def _init_worker(counts: sp.csr_matrix, statistic: Statistic, target_len: int, thin: bool, with_source: bool) -> None:
    _STATE.update(counts=counts, statistic=statistic, target_len=target_len, thin=thin, with_source=with_source)


def _window_counts(
    counts: sp.csr_matrix, first: int, n_rows: int, seed: np.random.SeedSequence | None, length: int
) -> np.ndarray:
    if counts.dtype.kind not in "iu":
        return _window_counts_reference(counts, first, n_rows, seed, length)
    # the run's summed counts from the CSR arrays: integer sums, so exactly the reference's vector
    lo, hi = counts.indptr[first], counts.indptr[first + n_rows]
    cols, values = counts.indices[lo:hi], counts.data[lo:hi].astype(np.int64)
    order = np.argsort(cols, kind="stable")
    cols, values = cols[order], values[order]
    starts = np.flatnonzero(np.concatenate([[True], cols[1:] != cols[:-1]])) if cols.size else cols
    cols = cols[starts]
    values = np.add.reduceat(values, starts) if cols.size else values
    out = np.zeros(counts.shape[1], dtype=np.int64)
    if seed is None:
        out[cols] = values
        return out
    nz = values != 0  # in column order, as the reference's flatnonzero
    rng = np.random.default_rng(seed)
    out[cols[nz]] = rng.multivariate_hypergeometric(values[nz], length, method="marginals")
    return out


def _window_counts_reference(
    counts: sp.csr_matrix, first: int, n_rows: int, seed: np.random.SeedSequence | None, length: int
) -> np.ndarray:
    """The window's counts by summing the matrix slice (any dtype; the tests hold the fast path to it)."""
    vec = np.asarray(counts[first : first + n_rows].sum(axis=0)).ravel().astype(np.int64)
    if seed is None:
        return vec
    nz = np.flatnonzero(vec)
    out = np.zeros_like(vec)
    rng = np.random.default_rng(seed)
    out[nz] = rng.multivariate_hypergeometric(vec[nz], length, method="marginals")
    return out


def _evaluate(specs: list[tuple[int, int, np.random.SeedSequence | None, str]]) -> list[tuple[int, dict[str, float]]]:
    counts, statistic, length, thin, with_source = (
        _STATE[k] for k in ("counts", "statistic", "target_len", "thin", "with_source")
    )
    out = []
    for first, n_rows, seed, source in specs:
        vec = _window_counts(counts, first, n_rows, seed if thin else None, length)
        value = statistic(vec, source) if with_source else statistic(vec)
        out.append((int(vec.sum()), _values(value)))
    return out


def _runs(tokens: np.ndarray, idx: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Possible windows of one document: first matrix row and number of rows reaching ``length`` tokens.

    ``tokens`` are the counted tokens of the document's rows ``idx``, in order.
    """
    cum = np.concatenate([[0], np.cumsum(tokens)])
    # for each start s, the smallest e with cum[e] - cum[s] >= length
    ends = np.searchsorted(cum, cum[:-1] + length, side="left")
    ok = ends <= len(idx)
    starts = np.flatnonzero(ok & (tokens >= 0))
    return idx[starts], (ends[starts] - starts)


def length_matched_baseline(
    dtm: DocumentTermMatrix,
    target: object,
    statistic: Statistic,
    *,
    by: str = "group",
    n_windows: int = 1000,
    window: str = "tokens",
    random_state: int | np.random.Generator | None = None,
    n_jobs: int = 1,
    exclude: object = None,
    with_source: bool = False,
) -> Baseline:
    """Compare a short target with windows of its own length from each comparator.

    See the module docstring for the windows, the statistic and determinism.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment rows (contiguous runs are taken in ``seg_no`` order within a
        document) or document rows. Must hold the target's rows too.
    target : str or boolean row mask
        The target's ``doc_id``, or a mask of its rows (summed).
    statistic : callable
        ``statistic(counts) -> float | Mapping[str, float]`` on a 1-D array of
        term counts aligned to ``dtm.vocab``.
    by : str
        Column of ``dtm.rows`` whose values are the comparators (``"group"``,
        or ``"doc_id"`` for one distribution per document).
    n_windows : int
        Windows per comparator.
    window : {"tokens", "segments"}
        Exact-length token windows or runs of whole segments.
    random_state : int, Generator or None
        Seed of the windows (see :mod:`initiative_lib.checks`).
    n_jobs : int
        Worker processes evaluating the statistic; results do not depend on it.
    exclude : boolean row mask, optional
        Rows never used for windows (besides the target's, always excluded),
        e.g. duplicates.
    with_source : bool
        Call ``statistic(counts, doc_id)`` with the ``doc_id`` the window
        comes from (the target's own ``doc_id`` for the target, or
        ``"target"`` for a row mask spanning several documents). Use it when
        the statistic compares with something built from the comparators,
        e.g. a group's centroid, so that a window is never compared with a
        reference that contains its own document.

    Returns
    -------
    Baseline

    Examples
    --------
    The share of the term "open" in a 6-token target against 6-token windows
    of two groups, one of which uses "open" far more often:

    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["t", "a", "a", "b", "b"], "seg_no": [1, 1, 2, 1, 2],
    ...                      "group": ["target", "A", "A", "B", "B"], "n_tokens": [6, 10, 10, 10, 10]})
    >>> m = from_counts([{"open": 3, "x": 3}, {"open": 1, "x": 9}, {"open": 1, "x": 9},
    ...                  {"open": 8, "x": 2}, {"open": 7, "x": 3}], rows)
    >>> share_open = lambda c: c[list(m.vocab).index("open")] / c.sum()
    >>> res = length_matched_baseline(m, "t", share_open, n_windows=200, random_state=0)
    >>> res.summary[["comparator", "target_value", "n_windows", "percentile"]].round(2)
      comparator  target_value  n_windows  percentile
    0          A           0.5        200        1.00
    1          B           0.5        200        0.04
    """
    if not isinstance(dtm, DocumentTermMatrix):
        msg = f"dtm must be a DocumentTermMatrix; got {type(dtm).__name__}"
        raise TypeError(msg)
    if not callable(statistic):
        msg = f"statistic must be a callable taking a 1-D array of term counts; got {type(statistic).__name__}"
        raise TypeError(msg)
    n_windows = check_int(n_windows, "n_windows", minimum=1)
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1)
    window = check_option(window, "window", WINDOWS)
    rows = dtm.rows
    if by not in rows.columns:
        msg = f"by must be a column of dtm.rows; got {by!r}, expected one of {list(rows.columns)}"
        raise ValueError(msg)
    n = dtm.shape[0]
    if isinstance(target, str):
        target_mask = (rows["doc_id"] == target).to_numpy()
        if not target_mask.any():
            msg = f"target {target!r} is not a doc_id of dtm"
            raise ValueError(msg)
    else:
        target_mask = as_row_mask(target, n, "target")
        if not target_mask.any():
            msg = "target must select at least one row; got an all-False mask"
            raise ValueError(msg)
    excluded = target_mask.copy()
    if exclude is not None:
        excluded |= as_row_mask(exclude, n, "exclude")
    counts = sp.csr_matrix(dtm.counts)
    target_vec = np.asarray(counts[target_mask].sum(axis=0)).ravel().astype(np.int64)
    length = int(target_vec.sum())
    if length <= 0:
        msg = "target has no counted tokens in dtm; expected at least one"
        raise ValueError(msg)
    target_docs = pd.unique(rows.loc[target_mask, "doc_id"])
    target_source = str(target_docs[0]) if len(target_docs) == 1 else "target"
    target_values = _values(statistic(target_vec, target_source) if with_source else statistic(target_vec))
    rng = check_random_state(random_state)
    if "seg_no" in rows.columns:
        order = np.lexsort((rows["seg_no"].to_numpy(), rows["doc_id"].astype(str).to_numpy()))
    else:
        order = np.arange(n)
    # contiguous runs need the rows of a document adjacent and in seg_no order
    counts = counts[order]
    rows = rows.iloc[order].reset_index(drop=True)
    excluded = excluded[order]
    comparators = pd.unique(rows.loc[~excluded, by])
    specs: list[tuple[object, int, str, int, int, np.random.SeedSequence | None]] = []
    info: dict[object, tuple[int, int]] = {}
    doc_codes = rows["doc_id"].to_numpy(dtype=object)
    doc_ints, doc_uniques = pd.factorize(doc_codes)  # -1 for a missing doc_id, which equals no other
    code_of = {d: i for i, d in enumerate(doc_uniques)}
    row_tokens = np.asarray(counts.sum(axis=1)).ravel()
    for comp in comparators:
        in_comp = np.flatnonzero(((rows[by] == comp).to_numpy()) & ~excluded)
        comp_docs = doc_ints[in_comp]
        docs = pd.unique(doc_codes[in_comp])
        options = []
        for d in docs:
            idx = in_comp[comp_docs == code_of[d]] if d in code_of else in_comp[:0]
            firsts, lens = _runs(row_tokens[idx], idx, length)
            if firsts.size:
                options.append((d, firsts, lens))
        info[comp] = (len(options), len(docs) - len(options))
        if not options:
            continue
        doc_pick = rng.integers(0, len(options), size=n_windows)
        u = rng.random(n_windows)
        seeds = np.random.SeedSequence(int(rng.integers(0, 2**63 - 1))).spawn(n_windows)
        for w in range(n_windows):
            d, firsts, lens = options[int(doc_pick[w])]
            j = min(int(u[w] * firsts.size), firsts.size - 1)
            specs.append((comp, w, str(d), int(firsts[j]), int(lens[j]), seeds[w]))
    thin = window == "tokens"
    work = [(first, n_rows, seed, d) for _, _, d, first, n_rows, seed in specs]
    if n_jobs == 1 or len(work) < 2:
        _init_worker(counts, statistic, length, thin, bool(with_source))
        try:
            results = _evaluate(work)
        finally:
            _STATE.clear()
    else:
        size = max(1, math.ceil(len(work) / (4 * n_jobs)))
        chunks = [work[i : i + size] for i in range(0, len(work), size)]
        with ProcessPoolExecutor(
            max_workers=n_jobs, initializer=_init_worker, initargs=(counts, statistic, length, thin, bool(with_source))
        ) as pool:
            results = [r for part in pool.map(_evaluate, chunks) for r in part]
    records = []
    for (comp, w, d, first, n_rows, _), (n_tok, values) in zip(specs, results, strict=True):
        for name, value in values.items():
            records.append((comp, w, d, int(order[first]), n_rows, n_tok, name, value))
    windows = pd.DataFrame(
        records, columns=["comparator", "window", "doc_id", "first_row", "n_rows", "n_tokens", "statistic", "value"]
    )
    by_key: dict[tuple[object, str], list[float]] = {}  # the values of a comparator and statistic, in window order
    for comp, _, _, _, _, _, name, value in records:
        by_key.setdefault((comp, name), []).append(value)
    summary_rows = []
    for comp in comparators:
        n_docs, n_short = info[comp]
        for name, tv in target_values.items():
            vals = np.array(by_key.get((comp, name), []), dtype=float)
            vals = vals[np.isfinite(vals)]
            rec: dict[str, object] = {
                "comparator": comp,
                "statistic": name,
                "target_value": tv,
                "n_windows": int(vals.size),
                "n_documents": n_docs,
                "n_too_short": n_short,
            }
            if vals.size:
                rec.update(mean=float(vals.mean()), sd=float(vals.std(ddof=1)) if vals.size > 1 else np.nan)
                for q, v in zip(QUANTILES, np.quantile(vals, QUANTILES), strict=True):
                    rec[f"q{round(q * 1000):03d}"] = float(v)
                below, equal = float(np.mean(vals < tv)), float(np.mean(vals == tv))
                rec.update(
                    percentile=below + equal / 2,
                    share_below_or_equal=below + equal,
                    share_above_or_equal=1 - below,
                )
            summary_rows.append(rec)
    summary = pd.DataFrame(summary_rows)
    wanted = ["mean", "sd", *[f"q{round(q * 1000):03d}" for q in QUANTILES], "percentile"]
    for col in [*wanted, "share_below_or_equal", "share_above_or_equal"]:
        if col not in summary.columns:
            summary[col] = np.nan
    return Baseline(summary, windows, length)
