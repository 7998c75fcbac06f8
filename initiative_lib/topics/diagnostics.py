"""Diagnostics for choosing and checking topic models.

* :func:`coherence` -- UMass (Mimno et al. 2011) and NPMI (Bouma 2009;
  Röder, Both and Hinneburg 2015) coherence of top-term lists, from binary
  co-occurrence of terms in the rows (segments) of a matrix.
* :func:`exclusivity` -- how specific a topic's top terms are to it.
* :func:`heldout_perplexity` -- LDA perplexity on held-out rows.
* :func:`align_topics`, :func:`topic_stability` -- matching topics of two
  runs (Hungarian algorithm on cosine similarity) and seed stability.
* :func:`search_k` -- all of the above over a grid of ``k`` and seeds.

Coherence definitions
---------------------
Let ``N`` be the number of rows, ``D(w)`` the number of rows containing term
``w`` and ``D(w, u)`` the number containing both (counts > 0), and
``eps = 1e-12`` (the value gensim uses, following Röder et al.). For a topic
with top terms ``w_1, ..., w_n`` in rank order:

* UMass averages, over the ``n (n - 1) / 2`` pairs ``i > j`` (each term with
  every *higher-ranked* term)::

      log( (D(w_i, w_j) / N + eps) / (D(w_j) / N) )

  A pair whose higher-ranked term occurs in no row contributes 0. This is the
  definition of gensim's ``CoherenceModel(coherence="u_mass")`` on the same
  rows (its ``s_one_pre`` segmentation, ``log_conditional_probability`` and
  arithmetic mean); values are <= about 0, higher is more coherent.
* NPMI averages, over the same pairs (the measure is symmetric)::

      log( (P(w_i, w_j) + eps) / (P(w_i) P(w_j)) ) / -log( P(w_i, w_j) + eps )

  with ``P`` = row frequencies ``D / N``. It lies in about [-1, 1]: -1 for
  pairs that never co-occur (up to ``eps``), 0 for independence, 1 for terms
  that always co-occur. Pairs with a term that occurs in no row contribute 0.
  (gensim's ``c_npmi`` uses the same formula but on sliding windows of text;
  here the window is the segment.)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from initiative_lib.checks import check_int, check_seed
from initiative_lib.compiled import thread_map
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.progress import want_progress
from initiative_lib.topics.model import (
    METHODS,
    PreparedMatrix,
    TopicModel,
    check_k,
    check_method,
    fit_prepared,
    frex_scores,
    prepare_matrix,
)

Measure = Literal["umass", "npmi"]
MEASURES: tuple[str, ...] = ("umass", "npmi")
EPSILON = 1e-12

TopTerms: TypeAlias = pd.DataFrame | Mapping[Any, Sequence[str]] | Sequence[Sequence[str]]


def _topic_lists(top_terms: TopTerms) -> dict[Any, list[str]]:
    if isinstance(top_terms, pd.DataFrame):
        need = {"topic", "rank", "term"}
        if not need <= set(top_terms.columns):
            msg = f"top_terms DataFrame needs columns {sorted(need)}; got {list(top_terms.columns)}"
            raise ValueError(msg)
        ordered = top_terms.sort_values(["topic", "rank"], kind="mergesort")
        return {t: g["term"].tolist() for t, g in ordered.groupby("topic", sort=True)}
    if isinstance(top_terms, Mapping):
        return {t: list(v) for t, v in top_terms.items()}
    if isinstance(top_terms, str) or not isinstance(top_terms, Iterable):
        msg = f"top_terms must be a top_terms() DataFrame, a mapping or a list of term lists; got {top_terms!r}"
        raise TypeError(msg)
    return {i: list(v) for i, v in enumerate(top_terms)}


def _binary_csc(counts: sp.spmatrix) -> sp.csc_matrix:
    b = sp.csc_matrix(counts, dtype=np.float64, copy=True)
    b.data = (b.data > 0).astype(np.float64)
    b.eliminate_zeros()
    return b


def _coherence_binary(
    binary: sp.csc_matrix, vocab: pd.Index, lists: dict[Any, list[str]], measure: str, eps: float
) -> pd.Series:
    if measure not in MEASURES:
        msg = f"measure must be one of {list(MEASURES)}; got {measure!r}"
        raise ValueError(msg)
    for t, terms in lists.items():
        if len(terms) < 2:
            msg = f"top_terms of topic {t!r} must list at least 2 terms; got {terms!r}"
            raise ValueError(msg)
        if len(set(terms)) != len(terms):
            msg = f"top_terms of topic {t!r} repeats a term: {terms!r}"
            raise ValueError(msg)
    union = pd.Index(sorted({w for terms in lists.values() for w in terms}), dtype=object)
    cols = pd.Index(vocab).get_indexer(union)
    if (cols < 0).any():
        missing = union[cols < 0].tolist()[:5]
        msg = f"top_terms contains terms not in the matrix vocabulary: {missing!r}"
        raise ValueError(msg)
    sub = binary[:, cols]
    co = np.asarray((sub.T @ sub).todense(), dtype=np.float64)  # D(w, u); diagonal = D(w)
    n_rows = float(binary.shape[0])
    df = np.diag(co)
    out = {}
    for t, terms in lists.items():
        idx = union.get_indexer(terms)
        i, j = np.tril_indices(len(terms), k=-1)  # pairs with i > j: w_i lower-ranked
        wi, wj = idx[i], idx[j]
        p_ij = co[wi, wj] / n_rows
        with np.errstate(divide="ignore", invalid="ignore"):
            if measure == "umass":
                vals = np.log((p_ij + eps) / (df[wj] / n_rows))
                vals = np.where(df[wj] > 0, vals, 0.0)
            else:
                pmi = np.log((p_ij + eps) / ((df[wi] / n_rows) * (df[wj] / n_rows)))
                vals = pmi / -np.log(p_ij + eps)
                vals = np.where((df[wi] > 0) & (df[wj] > 0), vals, 0.0)
        out[t] = float(np.mean(vals))
    s = pd.Series(out, name=measure, dtype=np.float64)
    s.index.name = "topic"
    return s


def coherence(
    dtm: DocumentTermMatrix, top_terms: TopTerms, measure: Measure = "umass", *, eps: float = EPSILON
) -> pd.Series:
    """Coherence of each topic's top terms on the rows of ``dtm``.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Reference rows (usually the segments the model was fitted on).
    top_terms : DataFrame, mapping or list of lists
        :meth:`TopicModel.top_terms` output (ordered by ``rank``), ``{topic:
        [terms]}`` or ``[[terms], ...]``; terms in rank order.
    measure : {"umass", "npmi"}
        See the module docstring for the exact formulas.
    eps : float
        Smoothing added to joint probabilities (default ``1e-12`` as gensim).

    Returns
    -------
    Series
        One value per topic, named after ``measure``.

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": list("abcd"), "n_tokens": 1})
    >>> m = from_counts([{"x": 1, "y": 2}, {"x": 1}, {"y": 1, "z": 1}, {"z": 3}], rows)
    >>> coherence(m, [["x", "y"]]).round(4).tolist()   # log((1/4) / (2/4))
    [-0.6931]
    """
    if not isinstance(dtm, DocumentTermMatrix):
        msg = f"dtm must be a DocumentTermMatrix; got {type(dtm).__name__}"
        raise TypeError(msg)
    if isinstance(eps, bool) or not isinstance(eps, int | float) or not eps > 0:
        msg = f"eps must be a positive number; got {eps!r}"
        raise ValueError(msg)
    return _coherence_binary(_binary_csc(dtm.counts), dtm.vocab, _topic_lists(top_terms), measure, float(eps))


def exclusivity(model: TopicModel, n: int = 10) -> pd.Series:
    """Mean exclusivity of each topic's ``n`` most probable terms.

    Exclusivity of term ``v`` for topic ``k`` is ``beta[k, v] / sum_j beta[j, v]``
    (its probability in ``k`` relative to all topics); the result lies in
    ``[1/k, 1]``, 1 meaning the top terms occur in no other topic. Note that
    it falls with ``k`` even for equally good models.

    Examples
    --------
    >>> from initiative_lib.topics.model import fit_topics
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    >>> ex = exclusivity(fit_topics(dtm, 3, method="nmf", random_state=0), n=5)
    >>> bool(((ex > 1 / 3) & (ex <= 1)).all())
    True
    """
    if not isinstance(model, TopicModel):
        msg = f"model must be a TopicModel; got {type(model).__name__}"
        raise TypeError(msg)
    n = check_int(n, "n", minimum=1)
    return _exclusivity_beta(model.topic_term.to_numpy(), n, model.topic_term.index)


def _exclusivity_beta(beta: np.ndarray, n: int, index: pd.Index) -> pd.Series:
    excl, _ = frex_scores(beta)
    n = min(n, beta.shape[1])
    top = np.argsort(-beta, axis=1, kind="stable")[:, :n]
    vals = np.take_along_axis(excl, top, axis=1).mean(axis=1)
    return pd.Series(vals, index=index, name="exclusivity")


def _split_rows(n_rows: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(test_size, bool) or not isinstance(test_size, float) or not 0.0 < test_size < 1.0:
        msg = f"test_size must be a float in (0, 1); got {test_size!r}"
        raise ValueError(msg)
    n_test = round(test_size * n_rows)
    if n_test < 1 or n_test >= n_rows:
        msg = f"test_size={test_size!r} leaves {n_test} of {n_rows} rows for testing; need 1..{n_rows - 1}"
        raise ValueError(msg)
    perm = np.random.default_rng(seed).permutation(n_rows)
    test = np.zeros(n_rows, dtype=bool)
    test[perm[:n_test]] = True
    return ~test, test


def _subset(prep: PreparedMatrix, mask: np.ndarray) -> PreparedMatrix:
    codes, doc_ids = pd.factorize(prep.rows.loc[mask, "doc_id"])
    return PreparedMatrix(
        X=prep.X[mask],
        vocab=prep.vocab,
        rows=prep.rows.loc[mask].reset_index(drop=True),
        tokens=prep.tokens[mask],
        level=prep.level,
        preprocessing=prep.preprocessing,
        doc_ids=pd.Index(doc_ids, name="doc_id"),
        doc_codes=codes,
    )


def _perplexity_prepared(
    prep: PreparedMatrix, k: int, seed: int, test_size: float, max_iter: int | None, options: Mapping[str, Any]
) -> float:
    train, test = _split_rows(prep.X.shape[0], test_size, seed)
    model = fit_prepared(_subset(prep, train), k, "lda", seed, max_iter, options)
    with threadpool_limits(limits=1):
        return float(model.estimator.perplexity(prep.X[test]))


def heldout_perplexity(
    dtm: DocumentTermMatrix,
    k: int,
    *,
    random_state: int,
    test_size: float = 0.2,
    max_iter: int | None = None,
    **options: Any,
) -> float:
    """Perplexity of an LDA model on rows held out from its fit.

    A share ``test_size`` of the rows is drawn with ``random_state`` (numpy
    ``default_rng(random_state).permutation``); LDA is fitted on the rest with
    the same seed (:func:`initiative_lib.topics.model.fit_topics`; ``solver`` and
    the other ``options`` are passed on) and the estimator's ``perplexity`` is
    evaluated on the held-out rows. Both solvers define it as scikit-learn does.

    Notes
    -----
    The perplexity is ``exp(-bound / n_tokens)`` where ``bound`` is
    the variational lower bound (ELBO), not the exact likelihood; the held-out
    rows' topic shares are inferred from those same rows (no document
    completion), so the value is optimistic, and the bound includes prior
    terms that are scaled with ``k``. In practice it often keeps rising with
    ``k``. Compare values only between models on the same split and read the
    trend together with coherence and stability. With segments, rows of the
    same document can be on both sides of the split.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
    >>> p = heldout_perplexity(dtm, 2, random_state=0, max_iter=5)
    >>> bool(1 < p < 40)
    True
    """
    seed = check_seed(random_state)
    k = check_k(k, *dtm.shape)
    return _perplexity_prepared(prepare_matrix(dtm), k, seed, test_size, max_iter, options)


def _topic_term_of(model: TopicModel | pd.DataFrame, name: str) -> pd.DataFrame:
    if isinstance(model, TopicModel):
        return model.topic_term
    if isinstance(model, pd.DataFrame):
        return model
    msg = f"{name} must be a TopicModel or a topic-term DataFrame; got {type(model).__name__}"
    raise TypeError(msg)


def _cosine(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    terms = a.columns.union(b.columns, sort=False) if not a.columns.equals(b.columns) else a.columns
    av = a.reindex(columns=terms, fill_value=0.0).to_numpy(dtype=np.float64)
    bv = b.reindex(columns=terms, fill_value=0.0).to_numpy(dtype=np.float64)
    an = np.linalg.norm(av, axis=1, keepdims=True)
    bn = np.linalg.norm(bv, axis=1, keepdims=True)
    return (av / np.where(an > 0, an, 1.0)) @ (bv / np.where(bn > 0, bn, 1.0)).T


def align_topics(model_a: TopicModel | pd.DataFrame, model_b: TopicModel | pd.DataFrame) -> pd.DataFrame:
    """Match the topics of two models one-to-one.

    The matching maximises the total cosine similarity of topic-term vectors
    (Hungarian algorithm, :func:`scipy.optimize.linear_sum_assignment`);
    vocabularies are aligned by term (missing terms count 0). With different
    numbers of topics, ``min(k_a, k_b)`` pairs are returned.

    Returns
    -------
    DataFrame
        ``topic_a, topic_b, similarity`` sorted by ``topic_a``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame([[0.9, 0.1, 0.0], [0.0, 0.2, 0.8]], columns=["x", "y", "z"])
    >>> b = a.iloc[[1, 0]].reset_index(drop=True)
    >>> align_topics(a, b)[["topic_a", "topic_b"]].to_numpy().tolist()
    [[0, 1], [1, 0]]
    """
    a = _topic_term_of(model_a, "model_a")
    b = _topic_term_of(model_b, "model_b")
    sim = _cosine(a, b)
    r, c = linear_sum_assignment(sim, maximize=True)
    return (
        pd.DataFrame({"topic_a": a.index.to_numpy()[r], "topic_b": b.index.to_numpy()[c], "similarity": sim[r, c]})
        .sort_values("topic_a", kind="mergesort")
        .reset_index(drop=True)
    )


def _check_seeds(seeds: Iterable[int], minimum: int) -> list[int]:
    if isinstance(seeds, int | str) or not isinstance(seeds, Iterable):
        msg = f"seeds must be a list of int seeds; got {seeds!r}"
        raise TypeError(msg)
    seeds = [check_seed(s, "seeds") for s in seeds]
    if len(seeds) < minimum or len(set(seeds)) != len(seeds):
        msg = f"seeds must hold at least {minimum} distinct ints; got {seeds!r}"
        raise ValueError(msg)
    return seeds


def topic_stability(
    dtm: DocumentTermMatrix,
    k: int,
    seeds: Sequence[int],
    *,
    method: str = "nmf",
    max_iter: int | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Per-topic stability of a model across seeds.

    The run with ``seeds[0]`` is the reference. Every other run is matched to
    it with :func:`align_topics`; a reference topic's stability is the mean,
    over the other runs, of the cosine similarity of its matched topic (1 =
    found identically by every run).

    With NMF's default ``init="nndsvda"`` the seed only enters through the
    randomized SVD of the initialisation, so runs at a well-chosen ``k`` are
    nearly identical and instability flags ``k`` values the data do not
    support; pass ``init="random"`` to probe sensitivity to starting values.

    Returns
    -------
    DataFrame
        ``topic, stability, min_similarity, n_runs``.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    >>> st = topic_stability(dtm, 3, seeds=[0, 1, 2])
    >>> st.shape, bool((st["stability"] > 0.9).all())
    ((3, 4), True)
    """
    seeds = _check_seeds(seeds, 2)
    method = check_method(method)
    k = check_k(k, *dtm.shape)
    prep = prepare_matrix(dtm)
    models = [fit_prepared(prep, k, method, s, max_iter, options) for s in seeds]
    return _stability_table(models)


def _stability_table(models: Sequence[TopicModel]) -> pd.DataFrame:
    ref = models[0]
    sims = np.stack([align_topics(ref, m)["similarity"].to_numpy() for m in models[1:]])
    return pd.DataFrame(
        {
            "topic": ref.topic_term.index.to_numpy(),
            "stability": sims.mean(axis=0),
            "min_similarity": sims.min(axis=0),
            "n_runs": len(models),
        }
    )


def _grid_cell(
    shared: Mapping[str, Any], cell: tuple[int, int]
) -> tuple[list[tuple[int, int, str, float]], pd.DataFrame]:
    """Fit one ``(k, seed)`` of the grid and score it."""
    k, seed = cell
    g = shared
    prep, binary, train, test, n_top = g["prep"], g["binary"], g["train"], g["test"], g["n_top"]
    model = fit_prepared(
        train if train is not None else prep, k, g["method"], seed, g["max_iter"], g["options"], shares=False
    )
    lists = _topic_lists(model.top_terms(n_top))
    records = []
    for measure in MEASURES:
        value = _coherence_binary(binary, prep.vocab, lists, measure, EPSILON).mean()
        records.append((k, seed, f"coherence_{measure}", float(value)))
    records.append((k, seed, "exclusivity", float(exclusivity(model, n_top).mean())))
    if train is not None:
        with threadpool_limits(limits=1):
            records.append((k, seed, "perplexity", float(model.estimator.perplexity(prep.X[test]))))
    return records, model.topic_term


def _run_grid(
    cells: list[tuple[int, int]], shared: dict[str, Any], n_jobs: int, bar: Any
) -> dict[tuple[int, int], tuple[list[tuple[int, int, str, float]], pd.DataFrame]]:
    """Every cell of the grid, by ``(k, seed)``; in ``n_jobs`` threads, the largest ``k`` first.

    Each fit is seeded and single-threaded, so a cell's result does not depend
    on where or when it runs; starting the slowest fits first only shortens the
    wait for the last one. Threads, not processes: the compiled E-step
    releases the GIL, and nothing is imported or compiled again in a worker.
    """
    lock = threading.Lock()

    def run(cell: tuple[int, int]) -> tuple[list[tuple[int, int, str, float]], pd.DataFrame]:
        out = _grid_cell(shared, cell)
        with lock:
            bar.set_postfix_str(f"k={cell[0]} seed={cell[1]} done", refresh=False)
            bar.update(1)
        return out

    order = cells if n_jobs == 1 else sorted(cells, key=lambda c: -c[0])
    return dict(zip(order, thread_map(run, order, n_jobs), strict=True))


def search_k(
    dtm: DocumentTermMatrix,
    ks: Iterable[int],
    *,
    seeds: Sequence[int],
    method: str = "nmf",
    n_top: int = 10,
    max_iter: int | None = None,
    perplexity: bool = True,
    test_size: float = 0.2,
    progress: bool | None = None,
    n_jobs: int = 1,
    **options: Any,
) -> pd.DataFrame:
    """Diagnostics for every ``k`` in ``ks`` and every seed, tidy.

    The matrix is converted once and shared by all fits. For each ``(k,
    seed)`` one model is fitted and its ``n_top`` most probable terms per
    topic are scored; the metrics are

    * ``coherence_umass``, ``coherence_npmi``: mean over topics of
      :func:`coherence` on all rows of ``dtm``;
    * ``exclusivity``: mean over topics of :func:`exclusivity`;
    * ``stability`` (needs >= 2 seeds): mean over the *other* seeds' runs at
      the same ``k`` of the mean matched cosine similarity
      (:func:`align_topics`), so every seed gets a value;
    * ``perplexity`` (``method="lda"`` and ``perplexity=True`` only): the
      perplexity on held-out rows. A share ``test_size`` of the rows is drawn
      once, with the first seed, and every model of the grid is fitted on the
      other rows: one fit per ``(k, seed)`` serves all metrics, and all seeds
      see the same rows, so ``stability`` measures sensitivity to the seed
      alone. Without perplexity, models are fitted on all rows.

    Parameters
    ----------
    progress : bool or None
        A :mod:`tqdm.auto` bar counting the fits (a widget in a notebook, a
        line on stderr in a terminal); ``None``: see
        :func:`initiative_lib.progress.want_progress`.
    n_jobs : int, default=1
        Fit the grid in this many threads (the compiled E-step releases the
        GIL). Every fit is seeded and single-threaded, so the result does not
        depend on ``n_jobs``.
    **options
        Passed to :func:`initiative_lib.topics.model.fit_topics`.

    Returns
    -------
    DataFrame
        ``k, seed, metric, value``, ordered by ``k``, ``seed``, ``metric``.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    >>> res = search_k(dtm, [2, 3], seeds=[0, 1], n_top=5)
    >>> sorted(res["metric"].unique())
    ['coherence_npmi', 'coherence_umass', 'exclusivity', 'stability']
    >>> res.shape
    (16, 4)
    """
    method = check_method(method)
    seeds = _check_seeds(seeds, 1)
    if isinstance(ks, int | str) or not isinstance(ks, Iterable):
        msg = f"ks must be a list of ints >= 2; got {ks!r}"
        raise TypeError(msg)
    ks = [check_k(k, *dtm.shape) for k in ks]
    if not ks or len(set(ks)) != len(ks):
        msg = f"ks must be a non-empty list of distinct ints; got {ks!r}"
        raise ValueError(msg)
    n_top = check_int(n_top, "n_top", minimum=2)
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1)
    show = want_progress(progress)
    prep = prepare_matrix(dtm)
    binary = _binary_csc(prep.X)
    train = test = None
    if method == "lda" and perplexity:
        train_mask, test = _split_rows(prep.X.shape[0], test_size, seeds[0])
        train = _subset(prep, train_mask)
    shared = {"prep": prep, "binary": binary, "train": train, "test": test, "method": method, "n_top": n_top,
              "max_iter": max_iter, "options": dict(options)}  # fmt: skip
    cells = [(k, seed) for k in ks for seed in seeds]
    with tqdm(
        total=len(cells), desc=f"search_k ({method})", unit="fit", disable=not show, file=sys.stderr, dynamic_ncols=True
    ) as bar:
        results = _run_grid(cells, shared, n_jobs, bar)
    records = [rec for cell in cells for rec in results[cell][0]]
    topic_terms = {cell: results[cell][1] for cell in cells}
    if len(seeds) > 1:
        for k in ks:
            for seed in seeds:
                sims = [
                    align_topics(topic_terms[(k, seed)], topic_terms[(k, other)])["similarity"].mean()
                    for other in seeds
                    if other != seed
                ]
                records.append((k, seed, "stability", float(np.mean(sims))))
    out = pd.DataFrame(records, columns=["k", "seed", "metric", "value"])
    return out.sort_values(["k", "seed", "metric"], kind="mergesort").reset_index(drop=True)


__all__ = [
    "EPSILON",
    "MEASURES",
    "METHODS",
    "align_topics",
    "coherence",
    "exclusivity",
    "heldout_perplexity",
    "search_k",
    "topic_stability",
]
