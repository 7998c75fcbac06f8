"""Scaling: place documents on a map (correspondence analysis) or on a line.

* :func:`correspondence_analysis`: a two- (or more) dimensional map of rows
  and terms from the singular value decomposition of the standardized
  residuals of the count table.
* :func:`wordfish`: the Poisson scaling model of Slapin and Proksch (2008),
  an unsupervised one-dimensional position per document, with standard
  errors: analytic, parametric bootstrap, or a bootstrap over each
  document's segments (Lowe and Benoit 2013), which keeps the clustering of
  words in passages that a Poisson simulation ignores.
* :func:`wordscores`: the supervised scaling of Laver, Benoit and Garry
  (2003): reference documents with known positions score the words, the
  words score the other ("virgin") documents.

Length: a 600-word text contributes few counts, so its position is far less
certain than a long strategy's. Every function reports the counts behind each
row (``n_tokens``, ``n_scored``) and the scaling functions standard errors;
look at them before reading differences between points.

References
----------
Greenacre, M. (2017). *Correspondence Analysis in Practice*, 3rd ed. CRC Press.
Laver, M., Benoit, K. and Garry, J. (2003). Extracting policy positions from
political texts using words as data. *American Political Science Review*
97(2), 311-331.
Lowe, W. and Benoit, K. (2013). Validating estimates of latent traits from
textual data using human judgment as a benchmark. *Political Analysis* 21(3),
298-313.
Martin, L. W. and Vanberg, G. (2008). A robust transformation procedure for
interpreting political text. *Political Analysis* 16(1), 93-100.
Slapin, J. B. and Proksch, S.-O. (2008). A scaling model for estimating
time-series party positions from texts. *American Journal of Political
Science* 52(3), 705-722.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from initiative_lib.checks import check_int, check_option, check_random_state
from initiative_lib.corpus.matrix import DocumentTermMatrix

#: how :func:`wordfish` draws bootstrap replicates
BOOTSTRAPS: tuple[str, ...] = ("parametric", "segments")


class CorrespondenceAnalysis(NamedTuple):
    """Result of :func:`correspondence_analysis`."""

    row_coords: pd.DataFrame
    col_coords: pd.DataFrame
    inertia: pd.DataFrame


def _dims(k: int) -> list[str]:
    return [f"dim{i + 1}" for i in range(k)]


def correspondence_analysis(dtm: DocumentTermMatrix, n_components: int = 2) -> CorrespondenceAnalysis:
    """Correspondence analysis of the rows and terms of a count matrix.

    With ``P = counts / n`` (``n`` the grand total), row masses ``r``, column
    masses ``c`` and standardized residuals
    ``S = (P - r c') / sqrt(r c')``, the SVD ``S = U diag(s) V'`` gives row
    principal coordinates ``U diag(s) / sqrt(r)`` and column principal
    coordinates ``V diag(s) / sqrt(c)`` (a symmetric map: distances among
    rows and among terms are meaningful, row-to-term distances are not).
    Principal inertias are ``s**2``; their sum is the total inertia,
    Pearson's chi-squared of the table divided by ``n``. The sign of each
    axis is fixed so that the first row (in matrix order) with a non-zero
    coordinate is positive; flip an axis for presentation if needed.

    The residual matrix is dense (rows x terms); drop rare terms first
    (``dtm.select_terms``) on a large vocabulary. Terms that never occur are
    dropped.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Rows as given (segments or documents; call ``to_documents()`` for a
        map of documents).
    n_components : int
        Dimensions returned in the coordinate tables.

    Returns
    -------
    CorrespondenceAnalysis
        ``row_coords``: the rows' metadata, ``mass`` and ``dim1``...;
        ``col_coords``: ``term``, ``mass``, ``dim1``...; ``inertia``:
        ``dimension``, ``inertia``, ``share`` and ``cumulative`` for every
        non-trivial dimension.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_tokens": [10, 10, 10]})
    >>> m = from_counts([{"x": 8, "y": 2}, {"x": 4, "y": 6}, {"x": 1, "y": 9}], rows)
    >>> ca = correspondence_analysis(m, n_components=1)
    >>> ca.row_coords[["doc_id", "dim1"]].round(3)
      doc_id   dim1
    0      a  0.740
    1      b -0.067
    2      c -0.673
    >>> round(float(ca.inertia["inertia"].sum()), 3)
    0.335
    """
    x = dtm.counts.toarray().astype(float)
    row_tot = x.sum(axis=1)
    if (row_tot <= 0).any():
        bad = dtm.rows.loc[row_tot <= 0, "doc_id"].tolist()[:5]
        msg = f"correspondence analysis needs counts in every row; rows without counts: {bad}"
        raise ValueError(msg)
    keep = x.sum(axis=0) > 0
    x = x[:, keep]
    vocab = dtm.vocab[keep]
    n_dims = min(x.shape) - 1
    if not isinstance(n_components, int | np.integer) or not 1 <= n_components <= max(n_dims, 0):
        msg = (
            f"n_components must be an integer from 1 to {n_dims} (rows - 1 or used terms - 1, "
            f"whichever is smaller); got {n_components!r}"
        )
        raise ValueError(msg)
    p = x / x.sum()
    r = p.sum(axis=1)
    c = p.sum(axis=0)
    expected = np.outer(r, c)
    s_mat = (p - expected) / np.sqrt(expected)
    u, s, vt = np.linalg.svd(s_mat, full_matrices=False)
    u, s, vt = u[:, :n_dims], s[:n_dims], vt[:n_dims]
    # sign convention: the first row with a clearly non-zero coordinate is positive (robust to ties)
    big = np.abs(u) > 1e-8 * np.abs(u).max(axis=0, keepdims=True)
    flip = np.sign(u[big.argmax(axis=0), np.arange(n_dims)])
    flip[flip == 0] = 1.0
    u, vt = u * flip, vt * flip[:, None]
    k = int(n_components)
    row_xy = u[:, :k] * s[:k] / np.sqrt(r)[:, None]
    col_xy = vt[:k].T * s[:k] / np.sqrt(c)[:, None]
    rows = dtm.rows.copy()
    rows["mass"] = r
    rows[_dims(k)] = row_xy
    cols = pd.DataFrame({"term": vocab.astype(object), "mass": c})
    cols[_dims(k)] = col_xy
    eig = s**2
    total = eig.sum()
    inertia = pd.DataFrame(
        {
            "dimension": np.arange(1, n_dims + 1),
            "inertia": eig,
            "share": eig / total if total > 0 else np.nan,
            "cumulative": np.cumsum(eig) / total if total > 0 else np.nan,
        }
    )
    return CorrespondenceAnalysis(rows, cols, inertia)


class WordfishResult(NamedTuple):
    """Result of :func:`wordfish`.

    ``documents``: the documents' metadata with ``theta``, ``se``,
    ``ci_low``, ``ci_high`` and ``alpha``; ``terms``: ``term``, ``beta``
    (discrimination), ``psi`` (fixed effect), ``count``; ``log_likelihood``
    of the fitted Poisson model (without the prior on ``beta``); ``n_iter``;
    ``converged``; ``ci_method`` (``"analytic"``, ``"parametric bootstrap"``
    or ``"segment bootstrap"``).
    """

    documents: pd.DataFrame
    terms: pd.DataFrame
    log_likelihood: float
    n_iter: int
    converged: bool
    ci_method: str


def _poisson_objective(
    y: np.ndarray, eta: np.ndarray, b: np.ndarray, ridge: float, lam: np.ndarray | None = None
) -> np.ndarray:
    """Each row's Poisson log-likelihood (up to a constant) minus the ridge; ``lam`` is ``exp(eta)`` if known."""
    return np.sum(y * eta - (np.exp(eta) if lam is None else lam), axis=1) - 0.5 * ridge * b**2


def _newton_block(
    y: np.ndarray,
    offset: np.ndarray,
    x: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    ridge: float,
    y_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One damped Newton step of the Poisson regressions ``log mu = offset + a + b x``, one per row of ``y``.

    ``y_rows``: ``y`` as a C-contiguous array (what ``y[todo]`` gives while every row is
    still searching), so that a transposed ``y`` is not copied at every step.
    """
    eta = np.minimum(offset[None, :] + a[:, None] + b[:, None] * x[None, :], 700.0)
    lam = np.exp(eta)
    resid = y - lam
    g_a = resid.sum(axis=1)
    g_b = resid @ x - ridge * b
    h_aa = lam.sum(axis=1)
    h_ab = lam @ x
    h_bb = lam @ (x**2) + ridge
    det = h_aa * h_bb - h_ab**2
    det = np.where(det > 1e-12, det, np.inf)
    d_a = (h_bb * g_a - h_ab * g_b) / det
    d_b = (h_aa * g_b - h_ab * g_a) / det
    old = _poisson_objective(y, eta, b, ridge, lam)
    new_a, new_b = a.copy(), b.copy()
    todo = np.ones(len(a), dtype=bool)
    step = 1.0
    for _ in range(30):
        ca, cb = a[todo] + step * d_a[todo], b[todo] + step * d_b[todo]
        eta_c = np.minimum(offset[None, :] + ca[:, None] + cb[:, None] * x[None, :], 700.0)
        y_todo = y_rows if y_rows is not None and todo.all() else y[todo]
        ok = _poisson_objective(y_todo, eta_c, cb, ridge) >= old[todo] - 1e-10 * np.abs(old[todo])
        idx = np.flatnonzero(todo)
        new_a[idx[ok]], new_b[idx[ok]] = ca[ok], cb[ok]
        todo[idx[ok]] = False
        if not todo.any():
            break
        step /= 2.0
    return new_a, new_b


def _wordfish_fit(
    y: np.ndarray,
    dir_idx: tuple[int, int],
    max_iter: int,
    tol: float,
    ridge: float,
    start: tuple[np.ndarray, ...] | None = None,
    log_likelihood: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, int, bool]:
    """Fit by alternating Newton blocks; ``log_likelihood=False`` returns NaN for it (bootstrap fits)."""
    if start is None:
        row_tot = y.sum(axis=1)
        alpha = np.log(row_tot / row_tot[0])
        psi = np.log(y.mean(axis=0))
        resid = np.log(y + 0.5) - alpha[:, None] - psi[None, :]
        resid -= resid.mean(axis=0, keepdims=True)
        resid -= resid.mean(axis=1, keepdims=True)
        u, s, vt = np.linalg.svd(resid, full_matrices=False)
        theta, beta = u[:, 0], s[0] * vt[0]
        sd = theta.std()
        theta, beta = theta / sd, beta * sd
        psi = psi - np.log(np.exp(alpha).mean())
    else:
        alpha, theta, psi, beta = (v.copy() for v in start)
    previous = -np.inf
    converged = False
    n_iter = 0
    # With a prior on beta, a standard normal prior on theta fixes the scale, so every step
    # increases one posterior and theta is standardized once at the end. Without it (plain
    # maximum likelihood) theta is standardized after every sweep, which leaves the likelihood unchanged.
    theta_ridge = 1.0 if ridge > 0 else 0.0
    y_c, y_t = np.ascontiguousarray(y), np.ascontiguousarray(y.T)
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
        alpha, theta = _newton_block(y, psi, beta, alpha, theta, theta_ridge, y_c)
        psi, beta = _newton_block(y.T, alpha, theta, psi, beta, ridge, y_t)
        if theta_ridge == 0:
            theta, psi, beta = _standardize(theta, psi, beta)
        else:
            # exact moves along the likelihood's flat directions that increase the posterior:
            # centre theta (absorbed by psi), then trade scale between theta and beta optimally
            mean = theta.mean()
            theta, psi = theta - mean, psi + beta * mean
            scale = (ridge * np.sum(beta**2) / max(np.sum(theta**2), 1e-300)) ** 0.25
            if np.isfinite(scale) and scale > 0:
                theta, beta = theta * scale, beta / scale
        psi, alpha = psi + alpha[0], alpha - alpha[0]
        eta = alpha[:, None] + psi[None, :] + np.outer(theta, beta)
        objective = float(
            np.sum(y * eta - np.exp(eta)) - 0.5 * ridge * np.sum(beta**2) - 0.5 * theta_ridge * np.sum(theta**2)
        )
        if abs(objective - previous) <= tol * abs(objective):
            converged = True
            break
        previous = objective
    theta, psi, beta = _standardize(theta, psi, beta)
    if theta[dir_idx[0]] > theta[dir_idx[1]]:
        theta, beta = -theta, -beta
    log_lik = np.nan
    if log_likelihood:
        eta = alpha[:, None] + psi[None, :] + np.outer(theta, beta)
        log_lik = float(np.sum(y * eta - np.exp(eta) - _log_factorial(y)))
    return alpha, theta, psi, beta, log_lik, n_iter, converged


def _standardize(theta: np.ndarray, psi: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, ...]:
    """Rescale theta to mean 0, sd 1, keeping ``psi + beta * theta`` unchanged."""
    mean, sd = theta.mean(), theta.std()
    return (theta - mean) / sd, psi + beta * mean, beta * sd


def _log_factorial(y: np.ndarray) -> np.ndarray:
    from scipy.special import gammaln

    return gammaln(y + 1.0)


def _doc_ids_index(docs: DocumentTermMatrix, doc_id: object, name: str) -> int:
    hits = np.flatnonzero(docs.rows["doc_id"].to_numpy(dtype=object) == doc_id)
    if hits.size != 1:
        msg = f"{name}: doc_id {doc_id!r} is not a document of dtm; expected one of its doc_id values"
        raise ValueError(msg)
    return int(hits[0])


def wordfish(
    dtm: DocumentTermMatrix,
    *,
    direction: tuple[str, str] | None = None,
    random_state: int | np.random.Generator | None = None,
    max_iter: int = 500,
    tol: float = 1e-6,
    beta_prior_sd: float = 1.0,
    n_boot: int = 0,
    ci: float = 0.95,
    bootstrap: str = "parametric",
) -> WordfishResult:
    """Wordfish: one latent position per document from a Poisson model of counts.

    Model: ``count[i, j] ~ Poisson(exp(alpha_i + psi_j + beta_j * theta_i))``
    with document fixed effects ``alpha`` (length), word fixed effects
    ``psi`` (frequency), word discrimination ``beta`` and document
    position ``theta``. Estimated by alternating damped Newton steps: the
    (alpha, theta) Poisson regression of each document given the word
    parameters, then the (psi, beta) regression of each word given the
    document parameters, until the relative change of the log-posterior is
    below ``tol``. Identification: ``theta`` has mean 0 and (population) sd
    1, ``alpha`` of the first document is 0, and the direction is set by
    ``direction``. A normal prior with sd ``beta_prior_sd`` on ``beta`` (as in
    quanteda's default) keeps words seen in a single document finite; with
    it, a standard normal prior on ``theta`` pins the scale while fitting,
    so that every step increases one posterior (a small departure from
    quanteda, which has no prior on ``theta``): after each sweep ``theta`` is
    centred and its scale traded against ``beta``'s, moves that leave the
    likelihood unchanged, and ``theta`` is standardized at the end. With
    ``beta_prior_sd=np.inf`` (plain maximum likelihood) ``theta`` is
    standardized after every sweep instead. Starting values come from an SVD of the log counts (Slapin and
    Proksch's recipe), so the fit is deterministic.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment rows are summed into documents. Use unigrams, and drop very
        rare terms and stopwords for speed and stability; terms that never
        occur are dropped.
    direction : (doc_id, doc_id), optional
        The first document gets the lower ``theta``. Default: the first two
        documents, in matrix order.
    random_state : int or Generator, optional
        Seed of the parametric bootstrap (used only with ``n_boot > 0``).
    max_iter, tol : int, float
        Iteration limit, and the tolerance on the relative change of the
        log-posterior between sweeps (1e-6, as quanteda's default). Check
        ``converged``; on a few hundred documents and several thousand terms
        a fit takes seconds to a minute, and each bootstrap replicate as much
        again.
    beta_prior_sd : float
        Prior sd of ``beta``; ``np.inf`` for plain maximum likelihood.
    n_boot : int
        If positive, the model is refitted on this many bootstrap replicates
        of the counts (see ``bootstrap``); ``ci_low``/``ci_high`` are then
        bootstrap percentiles and ``se`` the bootstrap sd. Otherwise ``se``
        is the asymptotic standard error of ``theta`` (from the information
        of ``(alpha_i, theta_i)`` with the word parameters held fixed, so too
        small) and the interval is ``theta +/- z se``.
    ci : float
        Interval coverage.
    bootstrap : {"parametric", "segments"}
        How replicates are drawn. ``"parametric"`` (Slapin and Proksch
        2008): counts simulated from the fitted Poisson model; it assumes the
        model is right and so understates uncertainty when words cluster
        (overdispersion). ``"segments"`` (the block bootstrap Lowe and
        Benoit 2013 recommend): each document's segments are resampled with
        replacement (as many as it has) and summed; it needs a
        segment-level matrix, and a document of one segment gets no
        sampling variation from it (its spread then comes only from the
        other documents' moves), so read its interval with care.

    Returns
    -------
    WordfishResult

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": list("abcd"), "n_tokens": [60, 60, 60, 60]})
    >>> counts = [{"x": 30, "y": 10, "z": 20}, {"x": 22, "y": 18, "z": 20},
    ...           {"x": 15, "y": 25, "z": 20}, {"x": 8, "y": 32, "z": 20}]
    >>> fit = wordfish(from_counts(counts, rows), direction=("a", "d"))
    >>> fit.documents["theta"].round(2).tolist()
    [-1.36, -0.4, 0.42, 1.34]
    >>> fit.converged
    True
    """
    docs = dtm.to_documents()
    n_docs = docs.shape[0]
    if n_docs < 3:
        msg = f"wordfish needs at least 3 documents; got {n_docs}"
        raise ValueError(msg)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    bootstrap = check_option(bootstrap, "bootstrap", BOOTSTRAPS)
    if bootstrap == "segments" and n_boot > 0 and "seg_no" not in dtm.rows.columns:
        msg = "bootstrap='segments' needs a segment-level matrix (rows with seg_no); got a document-level one"
        raise ValueError(msg)
    if not tol > 0:
        msg = f"tol must be positive; got {tol!r}"
        raise ValueError(msg)
    if not beta_prior_sd > 0:
        msg = f"beta_prior_sd must be positive (np.inf for no prior); got {beta_prior_sd!r}"
        raise ValueError(msg)
    if not 0 < ci < 1:
        msg = f"ci must be between 0 and 1; got {ci!r}"
        raise ValueError(msg)
    if direction is None:
        dir_idx = (0, 1)
    else:
        if not isinstance(direction, tuple | list) or len(direction) != 2:
            msg = f"direction must be a pair (doc_id, doc_id); got {direction!r}"
            raise ValueError(msg)
        dir_idx = (
            _doc_ids_index(docs, direction[0], "direction[0]"),
            _doc_ids_index(docs, direction[1], "direction[1]"),
        )
        if dir_idx[0] == dir_idx[1]:
            msg = f"direction must name two different documents; got {direction!r}"
            raise ValueError(msg)
    y = docs.counts.toarray().astype(float)
    keep = y.sum(axis=0) > 0
    y = y[:, keep]
    if (y.sum(axis=1) <= 0).any():
        bad = docs.rows.loc[y.sum(axis=1) <= 0, "doc_id"].tolist()[:5]
        msg = f"wordfish needs counts in every document; documents without counts: {bad}"
        raise ValueError(msg)
    if y.shape[1] < 2:
        msg = f"wordfish needs at least 2 terms with counts; got {y.shape[1]}"
        raise ValueError(msg)
    ridge = 0.0 if np.isinf(beta_prior_sd) else 1.0 / beta_prior_sd**2
    alpha, theta, psi, beta, log_lik, n_iter, converged = _wordfish_fit(y, dir_idx, max_iter, tol, ridge)
    lam = np.exp(alpha[:, None] + psi[None, :] + np.outer(theta, beta))
    i_aa = lam.sum(axis=1)
    i_at = lam @ beta
    i_tt = lam @ beta**2
    se = np.sqrt(i_aa / np.maximum(i_aa * i_tt - i_at**2, 1e-300))
    z = stats.norm.ppf(0.5 + ci / 2)
    low, high = theta - z * se, theta + z * se
    method = "analytic"
    if n_boot > 0:
        rng = check_random_state(random_state)
        draws = np.empty((n_boot, n_docs))
        if bootstrap == "segments":
            seg_counts = sp.csr_matrix(dtm.counts, dtype=float)[:, np.flatnonzero(keep)]
            codes = pd.Index(docs.rows["doc_id"]).get_indexer(dtm.rows["doc_id"])
            members = [np.flatnonzero(codes == i) for i in range(n_docs)]
        for b in range(n_boot):
            if bootstrap == "segments":
                picks = np.concatenate([rng.choice(m, size=m.size, replace=True) for m in members])
                owner = np.repeat(np.arange(n_docs), [m.size for m in members])
                gather = sp.csr_matrix((np.ones(picks.size), (owner, picks)), shape=(n_docs, seg_counts.shape[0]))
                y_sim = np.asarray((gather @ seg_counts).todense())
                if (y_sim.sum(axis=1) <= 0).any():
                    y_sim = y_sim + (y_sim.sum(axis=1, keepdims=True) <= 0) * y  # an empty draw keeps its document
            else:
                y_sim = rng.poisson(lam).astype(float)
            ok = y_sim.sum(axis=0) > 0
            start = (alpha, theta, psi[ok], beta[ok])
            fit = _wordfish_fit(y_sim[:, ok], dir_idx, max_iter, tol, ridge, start=start, log_likelihood=False)
            draws[b] = fit[1]
        se = draws.std(axis=0, ddof=1)
        low, high = np.quantile(draws, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
        method = "segment bootstrap" if bootstrap == "segments" else "parametric bootstrap"
    documents = docs.rows.copy()
    documents["theta"] = theta
    documents["se"] = se
    documents["ci_low"] = low
    documents["ci_high"] = high
    documents["alpha"] = alpha
    terms = pd.DataFrame(
        {"term": docs.vocab[keep].astype(object), "beta": beta, "psi": psi, "count": y.sum(axis=0).astype(np.int64)}
    )
    return WordfishResult(documents, terms, log_lik, n_iter, converged, method)


class WordscoresResult(NamedTuple):
    """Result of :func:`wordscores`: document scores and word scores."""

    documents: pd.DataFrame
    words: pd.DataFrame


def wordscores(dtm: DocumentTermMatrix, reference_scores: Mapping[str, float], *, ci: float = 0.95) -> WordscoresResult:
    """Wordscores (Laver, Benoit and Garry 2003) with LBG and Martin-Vanberg rescaling.

    For reference documents ``r`` with positions ``A_r``: ``F[w, r]`` is the
    relative frequency of word ``w`` in ``r`` (count over the document's
    total count in the matrix), ``P[w, r] = F[w, r] / sum_r F[w, r]`` and the
    word score ``S_w = sum_r P[w, r] A_r``, for words occurring in some
    reference. A document's raw ("virgin") score is
    ``S_v = sum_w F[w, v] S_w`` over its scored words only (``F`` re-computed
    on them), with variance ``V_v = sum_w F[w, v] (S_w - S_v)**2`` and
    standard error ``sqrt(V_v / N_v)``, ``N_v`` its number of scored tokens.

    Rescaling of the virgin (non-reference) documents:

    * LBG: ``(S_v - mean) * sd(A) / sd(S_virgin) + mean``, with ``mean`` the
      mean raw virgin score and sd with ``ddof=1``; needs two or more virgin
      documents.
    * MV (Martin and Vanberg 2008): the raw scores of the references with the
      lowest and highest ``A`` are mapped onto those ``A`` values.

    Interval bounds ``S_v +/- z se`` are rescaled the same way.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment rows are summed into documents; use unigrams.
    reference_scores : mapping
        ``doc_id -> position`` of at least two reference documents with
        different positions.
    ci : float
        Interval coverage.

    Returns
    -------
    WordscoresResult
        ``documents``: metadata, ``reference`` (bool), ``reference_score``,
        ``n_scored``, ``raw``, ``se``, ``raw_low``, ``raw_high``, ``lbg``,
        ``lbg_low``, ``lbg_high``, ``mv``, ``mv_low``, ``mv_high`` (rescaled
        columns NaN for references); ``words``: ``term``, ``score``,
        ``reference_count``.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["left", "right", "v", "w"], "n_tokens": [10, 10, 10, 10]})
    >>> m = from_counts([{"a": 8, "b": 2}, {"a": 2, "b": 8}, {"a": 6, "b": 4}, {"a": 3, "b": 7}], rows)
    >>> ws = wordscores(m, {"left": -1.0, "right": 1.0})
    >>> ws.words.round(2).values.tolist()
    [['a', -0.6, 10], ['b', 0.6, 10]]
    >>> ws.documents[["doc_id", "raw", "lbg", "mv"]].round(2)
      doc_id   raw   lbg    mv
    0   left -0.36   NaN   NaN
    1  right  0.36   NaN   NaN
    2      v -0.12 -0.94 -0.33
    3      w  0.24  1.06  0.67
    """
    if not 0 < ci < 1:
        msg = f"ci must be between 0 and 1; got {ci!r}"
        raise ValueError(msg)
    if not isinstance(reference_scores, Mapping) or len(reference_scores) < 2:
        msg = f"reference_scores must map at least two doc_id values to positions; got {reference_scores!r}"
        raise ValueError(msg)
    docs = dtm.to_documents()
    ids = docs.rows["doc_id"].to_numpy(dtype=object)
    ref_idx = np.array([_doc_ids_index(docs, d, "reference_scores") for d in reference_scores])
    a_ref = np.array([float(v) for v in reference_scores.values()])
    if not np.isfinite(a_ref).all() or np.ptp(a_ref) == 0:
        msg = f"reference_scores must be finite and not all equal; got {dict(reference_scores)!r}"
        raise ValueError(msg)
    x = docs.counts.toarray().astype(float)
    ref_tot = x[ref_idx].sum(axis=1)
    if (ref_tot <= 0).any():
        msg = f"reference documents need counts; empty: {[ids[i] for i in ref_idx[ref_tot <= 0]]}"
        raise ValueError(msg)
    f_ref = x[ref_idx] / ref_tot[:, None]
    scored = f_ref.sum(axis=0) > 0
    p = f_ref[:, scored] / f_ref[:, scored].sum(axis=0)
    s_w = p.T @ a_ref
    xs = x[:, scored]
    n_scored = xs.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        f_v = xs / n_scored[:, None]
        raw = f_v @ s_w
        var = np.sum(f_v * (s_w[None, :] - raw[:, None]) ** 2, axis=1)
        se = np.sqrt(var / n_scored)
    z = stats.norm.ppf(0.5 + ci / 2)
    raw_low, raw_high = raw - z * se, raw + z * se
    is_ref = np.zeros(len(ids), dtype=bool)
    is_ref[ref_idx] = True
    virgin = ~is_ref & (n_scored > 0)
    lbg = np.full((3, len(ids)), np.nan)
    mv = np.full((3, len(ids)), np.nan)
    bounds = np.vstack([raw, raw_low, raw_high])
    if virgin.sum() >= 2 and np.std(raw[virgin], ddof=1) > 0:
        mean_v = raw[virgin].mean()
        factor = np.std(a_ref, ddof=1) / np.std(raw[virgin], ddof=1)
        lbg[:, virgin] = (bounds[:, virgin] - mean_v) * factor + mean_v
    lo_ref, hi_ref = ref_idx[np.argmin(a_ref)], ref_idx[np.argmax(a_ref)]
    if raw[hi_ref] != raw[lo_ref]:
        scale = (a_ref.max() - a_ref.min()) / (raw[hi_ref] - raw[lo_ref])
        mv[:, virgin] = (bounds[:, virgin] - raw[lo_ref]) * scale + a_ref.min()
    documents = docs.rows.copy()
    documents["reference"] = is_ref
    ref_map = dict(zip(ref_idx.tolist(), a_ref.tolist(), strict=True))
    documents["reference_score"] = [ref_map.get(i, np.nan) for i in range(len(ids))]
    documents["n_scored"] = n_scored.astype(np.int64)
    documents["raw"] = raw
    documents["se"] = se
    documents["raw_low"] = raw_low
    documents["raw_high"] = raw_high
    documents[["lbg", "lbg_low", "lbg_high"]] = lbg.T
    documents[["mv", "mv_low", "mv_high"]] = mv.T
    words = pd.DataFrame(
        {
            "term": docs.vocab[scored].astype(object),
            "score": s_w,
            "reference_count": x[ref_idx][:, scored].sum(axis=0).astype(np.int64),
        }
    )
    return WordscoresResult(documents, words)
