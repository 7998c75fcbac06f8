"""Topic models (LDA and NMF) with aligned, recorded, deterministic results.

:func:`fit_topics` fits LDA (:class:`initiative_lib.topics.lda.VectorizedLDA` by
default, or scikit-learn's batch learner) or scikit-learn's NMF and returns a
:class:`TopicModel` whose tables carry the row identifiers of the input:

* ``topic_term`` -- ``k x V`` term probabilities (rows sum to 1);
* ``segment_topics`` -- topic shares of every input row (rows sum to 1),
  indexed by ``(doc_id, seg_no)`` (segment level) or ``doc_id``;
* ``document_topics`` -- per ``doc_id``, the mean of its segments' shares
  weighted by each segment's number of modelled tokens (the sum of its counts
  after preprocessing);
* ``config`` -- ``k``, method, seed, ``lda_solver`` (``"vectorized"`` or
  ``"sklearn"``; ``None`` for NMF), every estimator setting (``solver``), the
  input's ``preprocessing`` record and package versions.

Shares of a row
---------------
LDA: the normalised variational document-topic parameters from the
estimator's ``transform`` (inference with the fitted topics). Both solvers fit
the same model with the same updates, initialisation and random stream;
:class:`~initiative_lib.topics.lda.VectorizedLDA` updates all documents at once
(about four times faster at identical settings) and by default runs more
passes with fewer document iterations each (20 x 3 instead of 10 x up to
100: ~3.5 s instead of ~60 s on the 16,912 x 7,869 segment matrix at k = 15,
with lower held-out perplexity), so its numbers differ from scikit-learn's
defaults unless ``max_iter``, ``inner_iter`` and ``transform_iter`` are set to
scikit-learn's ``max_iter`` and ``max_doc_update_iter``.
NMF: the matrix factorised is the row-normalised counts (term proportions of
each row; ``weighting="tfidf"`` uses l2-normalised tf-idf instead), ``X ~ W
H``. ``topic_term`` is ``H`` with rows scaled to sum to 1 and the share of
topic ``k`` in row ``i`` is ``W[i, k] * sum(H[k])`` normalised over ``k``,
i.e. the part of the row's reconstructed mass that topic ``k`` supplies.
Rows with no modelled tokens get equal shares ``1/k`` (and weight 0 in
``document_topics``).

Determinism
-----------
Every fit and inference runs with BLAS/OpenMP pools limited to one thread
(:func:`threadpoolctl.threadpool_limits`, restored afterwards), scikit-learn's
``n_jobs`` is not used, the vectorised LDA uses no thread-dependent
reductions and ``random_state`` is a required int, so repeated runs give
identical numbers whatever the machine's thread settings.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import rankdata
from threadpoolctl import threadpool_limits

from initiative_lib.checks import check_int, check_option, check_seed
from initiative_lib.corpus.matrix import DocumentTermMatrix

Method = Literal["lda", "nmf"]
METHODS: tuple[str, ...] = ("lda", "nmf")
#: LDA learners: :class:`initiative_lib.topics.lda.VectorizedLDA` (default) or scikit-learn's batch learner
LDA_SOLVERS: tuple[str, ...] = ("vectorized", "sklearn")
#: default iteration caps: LDA batch EM passes (vectorised solver; scikit-learn's: 10); NMF coordinate-descent sweeps
DEFAULT_MAX_ITER: dict[str, int] = {"lda": 20, "nmf": 200}
SKLEARN_LDA_MAX_ITER = 10


def check_k(k: object, n_rows: int, n_terms: int) -> int:
    k = check_int(k, "k", minimum=2)
    if k > min(n_rows, n_terms):
        msg = f"k must be at most min(n_rows, n_terms) = {min(n_rows, n_terms)}; got {k!r}"
        raise ValueError(msg)
    return int(k)


def check_method(method: object) -> str:
    """Return ``method`` if it is one of :data:`METHODS`, else raise ValueError."""
    return str(check_option(method, "method", METHODS))


def row_index(rows: pd.DataFrame) -> pd.Index:
    """Identifiers of matrix rows: ``(doc_id, seg_no)`` if ``seg_no`` exists, else ``doc_id``."""
    if "seg_no" in rows.columns:
        return pd.MultiIndex.from_frame(rows[["doc_id", "seg_no"]])
    return pd.Index(rows["doc_id"], name="doc_id")


def _topic_columns(k: int) -> pd.Index:
    return pd.RangeIndex(k, name="topic")


def _normalise_rows(a: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1; all-zero (or non-finite) rows become uniform."""
    a = np.asarray(a, dtype=np.float64)
    s = a.sum(axis=1, keepdims=True)
    good = np.isfinite(s) & (s > 0)
    out = np.where(good, a / np.where(good, s, 1.0), 1.0 / a.shape[1])
    return out


@dataclass(frozen=True)
class PreparedMatrix:
    """A matrix converted once for (possibly many) fits."""

    X: sp.csr_matrix  # float64 counts
    vocab: pd.Index
    rows: pd.DataFrame
    tokens: np.ndarray  # modelled tokens per row
    level: str
    preprocessing: dict[str, Any]
    doc_ids: pd.Index
    doc_codes: np.ndarray
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def weighted(self, weighting: str) -> sp.csr_matrix:
        key = f"X_{weighting}"
        if key not in self._cache:
            self._cache[key] = _weight_matrix(self.X, weighting)
        return self._cache[key]


def prepare_matrix(dtm: DocumentTermMatrix) -> PreparedMatrix:
    if not isinstance(dtm, DocumentTermMatrix):
        msg = f"dtm must be a DocumentTermMatrix; got {type(dtm).__name__}"
        raise TypeError(msg)
    X = sp.csr_matrix(dtm.counts, dtype=np.float64)
    X.sort_indices()
    if X.nnz and X.data.min() < 0:
        msg = "dtm.counts must be non-negative; got negative entries"
        raise ValueError(msg)
    codes, doc_ids = pd.factorize(dtm.rows["doc_id"])
    return PreparedMatrix(
        X=X,
        vocab=pd.Index(dtm.vocab, dtype=object),
        rows=dtm.rows.reset_index(drop=True).copy(),
        tokens=np.asarray(X.sum(axis=1)).ravel(),
        level=dtm.level,
        preprocessing=dict(dtm.preprocessing),
        doc_ids=pd.Index(doc_ids, name="doc_id"),
        doc_codes=codes,
    )


def _weight_matrix(X: sp.csr_matrix, weighting: str) -> sp.csr_matrix:
    if weighting == "proportion":
        s = np.asarray(X.sum(axis=1)).ravel()
        return (sp.diags(np.where(s > 0, 1.0 / np.where(s > 0, s, 1.0), 0.0)) @ X).tocsr()
    if weighting == "tfidf":
        from sklearn.feature_extraction.text import TfidfTransformer

        return TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True).fit_transform(X).tocsr()
    msg = f"weighting must be 'proportion' or 'tfidf'; got {weighting!r}"
    raise ValueError(msg)


def _make_lda(k: int, random_state: int, max_iter: int, options: Mapping[str, Any]) -> Any:
    options = dict(options)
    solver = options.pop("solver", "vectorized")
    if solver not in LDA_SOLVERS:
        msg = f"solver must be one of {list(LDA_SOLVERS)}; got {solver!r}"
        raise ValueError(msg)
    if solver == "vectorized":
        from initiative_lib.topics.lda import VectorizedLDA

        allowed = set(VectorizedLDA(k, random_state=random_state).get_params())
        cls: Any = VectorizedLDA
        params: dict[str, Any] = {"n_components": k, "max_iter": max_iter, "random_state": random_state}
    else:
        from sklearn.decomposition import LatentDirichletAllocation

        allowed = set(LatentDirichletAllocation().get_params())
        cls = LatentDirichletAllocation
        params = {
            "n_components": k,
            "learning_method": "batch",
            "max_iter": max_iter,
            "random_state": random_state,
            "evaluate_every": -1,
            "n_jobs": None,
        }
    unknown = sorted(set(options) - allowed)
    if unknown:
        msg = (
            f"unknown option(s) for method='lda', solver={solver!r}: "
            f"{', '.join(f'{u}={options[u]!r}' for u in unknown)}; allowed: {sorted(allowed)}"
        )
        raise ValueError(msg)
    params.update(options)
    # VectorizedLDA gives identical results for any n_jobs; scikit-learn's parallel E-step does not
    if solver == "sklearn" and params.get("n_jobs") not in (None, 1):
        msg = (
            "n_jobs must be None or 1 for solver='sklearn' (its parallel E-step changes the summation "
            f"order); got {params['n_jobs']!r}"
        )
        raise ValueError(msg)
    return cls(**params)


def _make_estimator(method: str, k: int, random_state: int, max_iter: int, options: Mapping[str, Any]) -> Any:
    if method == "lda":
        return _make_lda(k, random_state, max_iter, options)
    from sklearn.decomposition import NMF

    params = {
        "n_components": k,
        "init": "nndsvda",
        "solver": "cd",
        "beta_loss": "frobenius",
        "max_iter": max_iter,
        "tol": 1e-4,
        "random_state": random_state,
    }
    params.update(options)
    return NMF(**params)


def _shares(method: str, estimator: Any, X: sp.csr_matrix) -> np.ndarray:
    """Topic shares per row of an already weighted matrix (one BLAS thread)."""
    with threadpool_limits(limits=1):
        if method == "lda":
            theta = estimator.transform(X, normalize=False)
        else:
            W = estimator.transform(X)
            theta = W * estimator.components_.sum(axis=1)[None, :]
    theta = _normalise_rows(theta)
    empty = np.diff(X.indptr) == 0
    theta[empty] = 1.0 / theta.shape[1]
    return theta


def _versions() -> dict[str, str]:
    return {p: version(p) for p in ("scikit-learn", "numpy", "scipy")}


def fit_prepared(
    prep: PreparedMatrix,
    k: int,
    method: str,
    random_state: int,
    max_iter: int | None,
    options: Mapping[str, Any],
    *,
    shares: bool = True,
) -> TopicModel:
    """Fit one model on a prepared matrix.

    With ``shares=False`` the row and document topic shares are not inferred
    (the K grid needs only the topic-term weights): the model's
    ``segment_topics``, ``document_topics``, ``rows`` and ``tokens`` are then empty.
    """
    est, max_iter, weighting = _estimator(method, k, random_state, max_iter, options)
    X = prep.X if method == "lda" else prep.weighted(str(weighting))
    theta: np.ndarray | None = None
    key = _store_key(est, prep, k, method, random_state, max_iter, shares=shares)
    if key is not None:  # kept in the model store (topics.store)
        est, theta = _fit_stored(key, est, X, method, shares=shares)
    else:
        with threadpool_limits(limits=1):
            est.fit(X)
    beta = _normalise_rows(est.components_)
    topics = _topic_columns(k)
    topic_term = pd.DataFrame(beta, index=topics, columns=pd.Index(prep.vocab, name="term"))
    if shares:
        theta = _shares(method, est, X) if theta is None else theta
        rows, tokens = prep.rows, prep.tokens
        seg = pd.DataFrame(theta, index=row_index(rows), columns=topics)
        docs = _document_shares(theta, tokens, prep.doc_codes, prep.doc_ids, topics)
    else:
        rows, tokens = prep.rows.iloc[:0], prep.tokens[:0]
        seg = pd.DataFrame(np.empty((0, k)), index=row_index(rows), columns=topics)
        docs = pd.DataFrame(np.empty((0, k)), index=pd.Index([], name="doc_id"), columns=topics)
    config = {
        "k": k,
        "method": method,
        "random_state": random_state,
        "max_iter": max_iter,
        "weighting": weighting,
        "estimator": type(est).__name__,
        "lda_solver": options.get("solver", "vectorized") if method == "lda" else None,
        "solver": {
            key: (val if isinstance(val, str | int | float | bool | type(None)) else repr(val))
            for key, val in sorted(est.get_params().items())
        },
        "n_iter": int(getattr(est, "n_iter_", -1)),
        "level": prep.level,
        "n_rows": int(prep.X.shape[0]),
        "n_terms": int(prep.X.shape[1]),
        "preprocessing": prep.preprocessing,
        "versions": _versions(),
    }
    return TopicModel(
        method=method,
        k=k,
        topic_term=topic_term,
        segment_topics=seg,
        document_topics=docs,
        rows=rows,
        tokens=pd.Series(tokens, index=seg.index, name="tokens"),
        config=config,
        estimator=est,
    )


def _estimator(
    method: str, k: int, random_state: int, max_iter: int | None, options: Mapping[str, Any]
) -> tuple[Any, int, str | None]:
    """The unfitted estimator of :func:`fit_prepared`, its ``max_iter`` and (NMF) its row weighting."""
    options = dict(options)
    weighting = options.pop("weighting", "proportion") if method == "nmf" else None
    if method == "lda" and "weighting" in options:
        msg = f"weighting applies to method='nmf' only; got weighting={options['weighting']!r} with method='lda'"
        raise ValueError(msg)
    if max_iter is None:
        sklearn_lda = method == "lda" and options.get("solver") == "sklearn"
        max_iter = SKLEARN_LDA_MAX_ITER if sklearn_lda else DEFAULT_MAX_ITER[method]
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    return _make_estimator(method, k, random_state, max_iter, options), max_iter, weighting


def _store_key(
    est: Any, prep: PreparedMatrix, k: int, method: str, random_state: int, max_iter: int, *, shares: bool = True
) -> str | None:
    """The model-store key of fitting ``est`` to ``prep``, or None where the store does not apply.

    Only the package's own LDA (:class:`~initiative_lib.topics.lda.VectorizedLDA`) is
    stored (:func:`initiative_lib.topics.store.store_key`); a fit without the
    row shares (``shares=False``) has a key of its own.
    """
    from initiative_lib.topics.lda import VectorizedLDA
    from initiative_lib.topics.store import store_key

    if not isinstance(est, VectorizedLDA):
        return None
    return store_key(prep.X, prep.vocab, k=k, method=method, random_state=random_state, max_iter=max_iter,
                     params=est.get_params(), shares=shares)  # fmt: skip


def _fit_stored(key: str, est: Any, X: sp.csr_matrix, method: str, *, shares: bool = True) -> tuple[Any, np.ndarray]:
    """Fit ``est`` (a VectorizedLDA) and infer the row shares, or read both from the model store.

    A stored fit gives the same arrays as fitting (:mod:`initiative_lib.topics.store`).
    With ``shares=False`` no shares are inferred: the returned (and stored) ``theta``
    has no rows.
    """
    from initiative_lib.topics.store import StoredFit, fetch_or_fit

    def fit() -> StoredFit:
        with threadpool_limits(limits=1):
            est.fit(X)
        scalars = {name: getattr(est, name) for name in _FITTED_SCALARS}
        theta = _shares(method, est, X) if shares else np.empty((0, est.components_.shape[0]))
        return StoredFit(est.components_, theta, scalars)

    stored = fetch_or_fit(key, fit)
    if not hasattr(est, "components_"):  # read from the store: set what fit() sets
        est._set_components(stored.components)
        for name in _FITTED_SCALARS:
            setattr(est, name, stored.scalars[name])
    return est, stored.theta


#: the scalars VectorizedLDA.fit sets beside its arrays
_FITTED_SCALARS = ("doc_topic_prior_", "topic_word_prior_", "n_features_in_", "n_iter_")


def _document_shares(
    theta: np.ndarray, tokens: np.ndarray, codes: np.ndarray, doc_ids: pd.Index, topics: pd.Index
) -> pd.DataFrame:
    n_docs = len(doc_ids)
    w = np.asarray(tokens, dtype=np.float64)
    agg_w = sp.csr_matrix((w, (codes, np.arange(len(codes)))), shape=(n_docs, len(codes)))
    agg_1 = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n_docs, len(codes)))
    num = agg_w @ theta
    tot = np.asarray(agg_w.sum(axis=1)).ravel()
    unweighted = (agg_1 @ theta) / np.asarray(agg_1.sum(axis=1))
    shares = np.where(tot[:, None] > 0, num / np.where(tot > 0, tot, 1.0)[:, None], unweighted)
    return pd.DataFrame(_normalise_rows(shares), index=doc_ids, columns=topics)


@dataclass(frozen=True, eq=False)
class TopicModel:
    """A fitted topic model and its aligned results (see module docstring).

    Attributes
    ----------
    method : {"lda", "nmf"}
    k : int
    topic_term : DataFrame, ``k x V``, rows sum to 1; index ``topic``, columns ``term``
    segment_topics : DataFrame, one row per input row, rows sum to 1
    document_topics : DataFrame, one row per ``doc_id`` (order of first appearance)
    rows : DataFrame, the input's row metadata (aligned with ``segment_topics``)
    tokens : Series, modelled tokens per input row (weights of ``document_topics``)
    config : dict, everything needed to refit (k, method, seed, solver, preprocessing, versions)
    estimator : the fitted estimator (:class:`~initiative_lib.topics.lda.VectorizedLDA`, or scikit-learn's LDA or NMF)
    """

    method: str
    k: int
    topic_term: pd.DataFrame
    segment_topics: pd.DataFrame
    document_topics: pd.DataFrame
    rows: pd.DataFrame
    tokens: pd.Series
    config: dict[str, Any]
    estimator: Any = field(repr=False)

    @property
    def vocab(self) -> pd.Index:
        """The model's terms (columns of ``topic_term``)."""
        return self.topic_term.columns

    def document_rows(self) -> pd.DataFrame:
        """Metadata of each document (first row per ``doc_id``), aligned with ``document_topics``."""
        first = self.rows.drop(columns=["seg_no", "n_tokens"], errors="ignore").drop_duplicates("doc_id")
        return first.set_index("doc_id").reindex(self.document_topics.index)

    def top_terms(self, n: int = 10, by: str = "prob", frex_weight: float = 0.5) -> pd.DataFrame:
        """The ``n`` highest-scoring terms of every topic, tidy.

        Parameters
        ----------
        n : int
            Terms per topic.
        by : {"prob", "frex"}
            Rank by within-topic probability ``beta[k, v]`` or by FREX.
        frex_weight : float in [0, 1]
            Weight ``w`` on exclusivity in FREX.

        Returns
        -------
        DataFrame
            ``topic, rank (1..n), term, prob, exclusivity, frex``.

        Notes
        -----
        Exclusivity of term ``v`` for topic ``k`` is ``beta[k, v] / sum_j
        beta[j, v]``. FREX (Roberts, Stewart and Airoldi 2016; stm's
        ``labelTopics``) is the weighted harmonic mean of the two empirical-CDF
        ranks within topic ``k``::

            FREX[k, v] = 1 / (w / ECDF_k(excl[k, v]) + (1 - w) / ECDF_k(beta[k, v]))

        where ``ECDF_k(x)`` is the share of the topic's ``V`` terms whose value
        is ``<= x`` (ties take the highest rank). Ties in the ranking score are
        broken alphabetically.

        Examples
        --------
        >>> from initiative_lib.datasets import synthetic_dtm
        >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
        >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
        >>> tt = model.top_terms(3, by="frex")
        >>> tt.shape, list(tt.columns)
        ((6, 6), ['topic', 'rank', 'term', 'prob', 'exclusivity', 'frex'])
        """
        n = check_int(n, "n", minimum=1)
        if by not in ("prob", "frex"):
            msg = f"by must be 'prob' or 'frex'; got {by!r}"
            raise ValueError(msg)
        if isinstance(frex_weight, bool) or not isinstance(frex_weight, int | float) or not 0 <= frex_weight <= 1:
            msg = f"frex_weight must be a number in [0, 1]; got {frex_weight!r}"
            raise ValueError(msg)
        beta = self.topic_term.to_numpy()
        excl, frex = frex_scores(beta, frex_weight)
        score = beta if by == "prob" else frex
        terms = self.vocab.to_numpy(dtype=object)
        alpha_rank = rankdata(terms.astype(str), method="ordinal")
        n = min(n, len(terms))
        frames = []
        for k in range(beta.shape[0]):
            order = np.lexsort((alpha_rank, -score[k]))[:n]
            frames.append(
                pd.DataFrame(
                    {
                        "topic": k,
                        "rank": np.arange(1, n + 1),
                        "term": terms[order],
                        "prob": beta[k, order],
                        "exclusivity": excl[k, order],
                        "frex": frex[k, order],
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def topic_labels(self, n: int = 3, by: str = "frex") -> pd.Series:
        """Short labels ``"0: term, term, term"`` indexed by topic."""
        tt = self.top_terms(n, by=by)
        joined = tt.groupby("topic", sort=True)["term"].agg(", ".join)
        return pd.Series([f"{k}: {v}" for k, v in joined.items()], index=joined.index, name="label")

    def transform(self, new_dtm: DocumentTermMatrix, *, by_document: bool = False) -> pd.DataFrame:
        """Infer topic shares for new rows with the fitted model.

        Raw counts (empty ``preprocessing``) first get the model's recorded
        preprocessing (:func:`initiative_lib.methods.preprocess.apply_preprocessing`);
        then columns are aligned on the model's vocabulary (unknown terms are
        ignored, missing ones count 0). Rows with no known term get ``1/k``.

        Parameters
        ----------
        new_dtm : DocumentTermMatrix
        by_document : bool
            Return token-weighted document shares instead of row shares.

        Returns
        -------
        DataFrame
            Shares (rows sum to 1) indexed like ``segment_topics``
            (or by ``doc_id``).

        Examples
        --------
        >>> from initiative_lib.datasets import synthetic_dtm
        >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
        >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
        >>> bool(np.allclose(model.transform(dtm).to_numpy(), model.segment_topics.to_numpy()))
        True
        """
        from initiative_lib.methods.preprocess import align_vocab, apply_preprocessing

        if not isinstance(new_dtm, DocumentTermMatrix):
            msg = f"new_dtm must be a DocumentTermMatrix; got {type(new_dtm).__name__}"
            raise TypeError(msg)
        record = self.config.get("preprocessing") or {}
        if not new_dtm.preprocessing and record:
            new_dtm = apply_preprocessing(new_dtm, record)
        elif dict(new_dtm.preprocessing).get("config") != record.get("config"):
            msg = (
                f"new_dtm.preprocessing config {dict(new_dtm.preprocessing).get('config')!r} differs from the "
                f"model's {record.get('config')!r}; pass raw counts or counts preprocessed the same way"
            )
            raise ValueError(msg)
        aligned = align_vocab(new_dtm, self.vocab)
        prep = prepare_matrix(aligned)
        X = prep.X if self.method == "lda" else prep.weighted(self.config["weighting"])
        topics = _topic_columns(self.k)
        theta = _shares(self.method, self.estimator, X)
        if by_document:
            return _document_shares(theta, prep.tokens, prep.doc_codes, prep.doc_ids, topics)
        return pd.DataFrame(theta, index=row_index(prep.rows), columns=topics)

    def to_html(
        self, path: str | os.PathLike[str], *, n_terms: int = 30, n_docs: int = 30, title: str | None = None
    ) -> Path:
        """Write an interactive topic explorer: one self-contained HTML file (no network access).

        Topic list, term bars ranked by relevance with a slider for lambda (Sievert and
        Shirley 2014), the documents of each topic by id and metadata; see
        :mod:`initiative_lib.topics.explorer`. Returns ``path``.

        Examples
        --------
        >>> import tempfile
        >>> from initiative_lib.datasets import synthetic_dtm
        >>> dtm, _ = synthetic_dtm(n_docs=10, n_terms=20, k=2, random_state=0)
        >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     model.to_html(f"{tmp}/topics.html").name
        'topics.html'
        """
        from initiative_lib.topics.explorer import write_topic_explorer

        return write_topic_explorer(self, path, n_terms=n_terms, n_docs=n_docs, title=title)


def frex_scores(beta: np.ndarray, weight: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Exclusivity and FREX matrices (``k x V``) of a topic-term matrix.

    See :meth:`TopicModel.top_terms` for the definitions.

    Examples
    --------
    >>> excl, frex = frex_scores(np.array([[0.5, 0.5], [0.1, 0.9]]))
    >>> excl.round(3).tolist()
    [[0.833, 0.357], [0.167, 0.643]]
    """
    beta = np.asarray(beta, dtype=np.float64)
    col = beta.sum(axis=0, keepdims=True)
    excl = beta / np.where(col > 0, col, 1.0)
    n_terms = beta.shape[1]
    f_rank = rankdata(beta, method="max", axis=1) / n_terms
    e_rank = rankdata(excl, method="max", axis=1) / n_terms
    frex = 1.0 / (weight / e_rank + (1.0 - weight) / f_rank)
    return excl, frex


def fit_topics(
    dtm: DocumentTermMatrix,
    k: int,
    *,
    method: str = "lda",
    random_state: int,
    max_iter: int | None = None,
    empty_rows: str = "warn",
    **options: Any,
) -> TopicModel:
    """Fit an LDA or NMF topic model to a document-term matrix.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Usually the output of :func:`initiative_lib.methods.preprocess.preprocess`.
    k : int
        Number of topics (>= 2).
    method : {"lda", "nmf"}
        ``"lda"``: batch variational-Bayes LDA on counts, by
        :class:`initiative_lib.topics.lda.VectorizedLDA` (option ``solver="vectorized"``,
        the default) or :class:`sklearn.decomposition.LatentDirichletAllocation`
        with ``learning_method="batch"`` (``solver="sklearn"``; about a minute
        per fit on 17,000 x 8,000). ``"nmf"``: :class:`sklearn.decomposition.NMF`
        (``init="nndsvda"``, ``solver="cd"``, Frobenius loss) on row-normalised
        counts.
    random_state : int
        Seed, passed to scikit-learn (required: no hidden randomness).
    max_iter : int, optional
        LDA: EM passes over the data (default 20 with the vectorised solver,
        which by default runs ``inner_iter=3`` document iterations per pass;
        10 with ``solver="sklearn"``, as scikit-learn); NMF: solver sweeps
        (default 200, stops earlier at ``tol``).
    empty_rows : {"warn", "raise", "keep"}
        What to do when some rows have no counts (after vocabulary pruning,
        say): they take no part in the fit and get equal shares ``1/k`` and
        weight 0 in ``document_topics``. ``"warn"`` (default): fit, with a
        :class:`UserWarning` giving their number and first ids; ``"raise"``:
        ``ValueError``; ``"keep"``: fit silently (for callers that expect
        them and say why). A matrix without any counts always raises.
    **options
        Passed to the estimator (LDA: ``doc_topic_prior``, ``topic_word_prior``
        and, for the vectorised solver, ``inner_iter``, ``mean_change_tol``,
        ``transform_iter``, or scikit-learn's ``max_doc_update_iter``,
        ``mean_change_tol``; NMF: ``init``, ``beta_loss``, ``solver``,
        ``alpha_W``), plus ``solver="vectorized"|"sklearn"`` for LDA and
        ``weighting="proportion"|"tfidf"`` for NMF. Unknown LDA options raise
        ``ValueError``.

    Returns
    -------
    TopicModel

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, truth = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=1)
    >>> model = fit_topics(dtm, 3, method="lda", random_state=0, max_iter=5)
    >>> model.topic_term.shape, model.segment_topics.shape == (dtm.shape[0], 3)
    ((3, 60), True)
    >>> bool(np.allclose(model.document_topics.sum(axis=1), 1.0))
    True
    >>> model.config["k"], model.config["method"], model.config["random_state"]
    (3, 'lda', 0)
    """
    method = check_method(method)
    seed = check_seed(random_state)
    empty_rows = str(check_option(empty_rows, "empty_rows", EMPTY_ROWS))
    k = check_k(k, *dtm.shape)
    _check_nonzero_rows(dtm, empty_rows)
    return fit_prepared(prepare_matrix(dtm), k, method, seed, max_iter, options)


#: what :func:`fit_topics` does with rows without counts
EMPTY_ROWS: tuple[str, ...] = ("warn", "raise", "keep")


def _check_nonzero_rows(dtm: DocumentTermMatrix, empty_rows: str = "warn") -> None:
    """Raise on a matrix without any counts (nothing to fit; the solvers would return noise or NaN).

    Rows without counts among others arise from vocabulary pruning (the
    headline specification has 127 of 16,896) and get topic shares from the
    prior only: ``empty_rows`` says whether that warns, raises or passes.
    """
    if not isinstance(dtm, DocumentTermMatrix):
        return  # prepare_matrix names the type error
    if dtm.counts.nnz == 0 or not np.any(dtm.counts.data):
        msg = f"dtm has no counts at all ({dtm.shape[0]} rows, {dtm.shape[1]} terms); expected some non-zero rows"
        raise ValueError(msg)
    if empty_rows == "keep":
        return
    empty = np.flatnonzero(np.asarray(abs(dtm.counts).sum(axis=1)).ravel() == 0)
    if not len(empty):
        return
    ids = row_index(dtm.rows.iloc[empty[:3]]).tolist()
    msg = (
        f"dtm has {len(empty)} of {dtm.shape[0]} rows without counts (first: positions "
        f"{empty[:3].tolist()}, ids {ids}); they get equal topic shares 1/k and weight 0"
    )
    if empty_rows == "raise":
        msg += "; expected every row to have counts (empty_rows='raise')"
        raise ValueError(msg)
    warnings.warn(
        msg + "; pass empty_rows='keep' to fit without this warning or 'raise' to refuse", UserWarning, stacklevel=3
    )
