"""Topic stability across seeds, and intervals for a target's topic mix and distances.

A topic model is one draw from a non-convex fit: another seed gives other
topics, some of them the same, some split, merged or new. A claim about "topic
7" should hold only if topic 7 comes back under other seeds, and a target's
share of it should carry the spread across seeds and the noise of inferring
shares from a short text.

:func:`fit_seed_ensemble`
    Fits the same specification (matrix, ``k``, method, options) under each
    seed (in threads if ``n_jobs > 1``; every fit is single-threaded and
    seeded, so the ensemble is identical for any ``n_jobs``), picks a
    reference run and matches every run's topics one-to-one to the
    reference's with :func:`initiative_lib.topics.diagnostics.align_topics`
    (Hungarian algorithm on the cosine similarity of topic-term vectors). The
    reference is the first seed's run (``reference="first"``) or the medoid
    run, the one whose topics are on average most similar to all other runs'
    (``"medoid"``, the default: a typical run, not an arbitrary one).

:func:`seed_stability`
    Per reference topic: the median and minimum matched similarity over the
    other runs and the share of runs in which the topic recurs (matched
    similarity at or above ``threshold``), with its top terms. Claims should be
    restricted to topics above a stated threshold.

:func:`topic_exemplars`
    The rows (segments) with the highest share of each topic, by id, with
    their share in every run of an ensemble (aligned), so that a label read
    from FREX terms can be checked against the passages the topic is made
    of, and one can see whether those passages stay in the topic under other
    seeds.

:func:`target_topic_intervals`
    For a target text (one document's rows), each run infers the target's
    topic mix (token-weighted mean of its rows' shares, as
    ``document_topics``); the target's counts are also redrawn ``n_draws``
    times (each row's tokens resampled multinomially at its observed term
    proportions, a parametric bootstrap of the words of a short text) and
    re-inferred. Shares are carried over to the reference's topic numbers
    through the alignment. The same draws give the Jensen-Shannon distance
    (base 2, as :func:`initiative_lib.methods.similarity.js_distance`) between
    the target's mix and each group's mean document mix in that run (the
    target's own document left out). Intervals are quantiles over all runs x
    draws; the spread across runs alone (the draw-free inference in each run)
    is reported beside them.

Matching is one-to-one, so a topic that splits in another run is matched to
one of its halves with a lower similarity: low stability flags topics that
are not reproducible at this ``k``, whatever the cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_int, check_option, check_random_state, check_seed
from initiative_lib.compiled import thread_map
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.topics.diagnostics import align_topics
from initiative_lib.topics.model import TopicModel, check_k, check_method, fit_prepared, prepare_matrix

REFERENCES: tuple[str, ...] = ("medoid", "first")


@dataclass(frozen=True, eq=False)
class SeedEnsemble:
    """Fits of one specification under several seeds, aligned to a reference run.

    Attributes
    ----------
    models : tuple of TopicModel
        One per seed, in the order of ``seeds``.
    seeds : tuple of int
    reference : int
        Position (in ``models``) of the reference run.
    alignment : DataFrame
        ``seed``, ``topic`` (the reference's topic), ``matched_topic`` (that
        run's topic) and ``similarity`` (cosine of topic-term vectors), one
        row per run and reference topic (the reference run matched to itself).
    mean_similarity : DataFrame
        Mean matched similarity between every pair of runs (seeds x seeds).
    """

    models: tuple[TopicModel, ...]
    seeds: tuple[int, ...]
    reference: int
    alignment: pd.DataFrame
    mean_similarity: pd.DataFrame

    @property
    def reference_model(self) -> TopicModel:
        """The reference run."""
        return self.models[self.reference]

    def permutation(self, i: int) -> np.ndarray:
        """Column positions of run ``i``'s topics in the reference's topic order."""
        part = self.alignment[self.alignment["seed"] == self.seeds[i]].sort_values("topic", kind="mergesort")
        topics = list(self.models[i].topic_term.index)
        return np.array([topics.index(t) for t in part["matched_topic"]])


def _fit_one(args: tuple[Any, ...]) -> TopicModel:
    prep, k, method, seed, max_iter, options = args
    return fit_prepared(prep, k, method, seed, max_iter, options)


def fit_seed_ensemble(
    dtm: DocumentTermMatrix,
    k: int,
    *,
    seeds: Sequence[int],
    method: str = "lda",
    max_iter: int | None = None,
    reference: str = "medoid",
    n_jobs: int = 1,
    **options: Any,
) -> SeedEnsemble:
    """Fit one specification under every seed and align the runs' topics to a reference run.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        As for :func:`initiative_lib.topics.model.fit_topics`.
    k : int
        Number of topics.
    seeds : sequence of int
        At least two distinct seeds (ten or more for claims).
    method : {"lda", "nmf"}
    max_iter : int, optional
        As for :func:`~initiative_lib.topics.model.fit_topics`.
    reference : {"medoid", "first"}
        Which run numbers the topics (module docstring).
    n_jobs : int
        Threads for the fits (the compiled E-step releases the GIL; models in
        the model store are read, not fitted); the result does not depend on it.
    **options
        Passed to the estimator, as for :func:`~initiative_lib.topics.model.fit_topics`.

    Returns
    -------
    SeedEnsemble

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    >>> ens = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=10)
    >>> len(ens.models), ens.alignment.shape
    (3, (9, 4))
    >>> bool((ens.alignment["similarity"] > 0.8).all())
    True
    """
    if isinstance(seeds, int | str) or not isinstance(seeds, Sequence):
        msg = f"seeds must be a list of int seeds; got {seeds!r}"
        raise TypeError(msg)
    seed_list = [check_seed(s, "seeds") for s in seeds]
    if len(seed_list) < 2 or len(set(seed_list)) != len(seed_list):
        msg = f"seeds must hold at least 2 distinct ints; got {list(seeds)!r}"
        raise ValueError(msg)
    method = check_method(method)
    reference = check_option(reference, "reference", REFERENCES)
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1)
    k = check_k(k, *dtm.shape)
    prep = prepare_matrix(dtm)
    jobs = [(prep, k, method, s, max_iter, options) for s in seed_list]
    models = list(thread_map(_fit_one, jobs, n_jobs))
    n = len(models)
    pair = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            pair[i, j] = pair[j, i] = float(align_topics(models[i], models[j])["similarity"].mean())
    ref = 0 if reference == "first" else int(np.argmax((pair.sum(axis=1) - 1) / (n - 1)))
    parts = []
    for s, m in zip(seed_list, models, strict=True):
        a = align_topics(models[ref], m).rename(columns={"topic_a": "topic", "topic_b": "matched_topic"})
        a.insert(0, "seed", s)
        parts.append(a)
    alignment = pd.concat(parts, ignore_index=True)
    mean_sim = pd.DataFrame(pair, index=pd.Index(seed_list, name="seed"), columns=pd.Index(seed_list, name="seed"))
    return SeedEnsemble(tuple(models), tuple(seed_list), ref, alignment, mean_sim)


def seed_stability(ensemble: SeedEnsemble, *, threshold: float = 0.5, n_terms: int = 8) -> pd.DataFrame:
    """Per-topic stability of the reference run's topics across the other runs.

    Parameters
    ----------
    ensemble : SeedEnsemble
    threshold : float
        A topic "recurs" in a run when its matched cosine similarity is at
        least this.
    n_terms : int
        Top terms (by FREX) of the reference topic shown in ``terms``.

    Returns
    -------
    DataFrame
        ``topic``, ``terms``, ``median_similarity``, ``min_similarity``,
        ``recurrence`` (share of the other runs where it recurs),
        ``n_runs`` (other runs), ``threshold``; sorted by topic.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    >>> ens = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=10)
    >>> seed_stability(ens)[["topic", "recurrence", "n_runs"]]
       topic  recurrence  n_runs
    0      0         1.0       2
    1      1         1.0       2
    2      2         1.0       2
    """
    if not isinstance(ensemble, SeedEnsemble):
        msg = f"ensemble must be a SeedEnsemble (from fit_seed_ensemble); got {type(ensemble).__name__}"
        raise TypeError(msg)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        msg = f"threshold must be a cosine similarity from 0 to 1; got {threshold!r}"
        raise ValueError(msg)
    n_terms = check_int(n_terms, "n_terms", minimum=1)
    ref_seed = ensemble.seeds[ensemble.reference]
    others = ensemble.alignment[ensemble.alignment["seed"] != ref_seed]
    g = others.groupby("topic", sort=True)["similarity"]
    out = pd.DataFrame(
        {
            "median_similarity": g.median(),
            "min_similarity": g.min(),
            "recurrence": g.apply(lambda s: float((s >= threshold).mean())),
            "n_runs": g.size(),
        }
    ).reset_index()
    top = ensemble.reference_model.top_terms(n_terms, by="frex")
    terms = top.groupby("topic", sort=True)["term"].agg(" ".join)
    out.insert(1, "terms", out["topic"].map(terms))
    out["threshold"] = float(threshold)
    return out


def topic_exemplars(
    ensemble: SeedEnsemble,
    *,
    n: int = 5,
    min_tokens: int = 20,
) -> pd.DataFrame:
    """The ``n`` rows with the highest share of each reference topic, and their shares across runs.

    Parameters
    ----------
    ensemble : SeedEnsemble
    n : int
        Rows per topic (by the reference run's shares).
    min_tokens : int
        Only rows with at least this many modelled tokens (very short rows,
        title pages or headings, reach extreme shares on a few words).

    Returns
    -------
    DataFrame
        ``topic``, ``rank``, the row ids (``doc_id``, ``seg_no``), the rows'
        other metadata, ``tokens``, ``share`` (reference run),
        ``median_share`` and ``min_share`` (over all runs, aligned to the
        reference topics) and ``top_share`` (share of runs in which the row
        is among the topic's ``n`` top rows). Ids only: read the passages in
        your own copy of the texts.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    >>> ens = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=10)
    >>> ex = topic_exemplars(ens, n=2)
    >>> ex[["topic", "rank"]].to_numpy().tolist()
    [[0, 1], [0, 2], [1, 1], [1, 2], [2, 1], [2, 2]]
    >>> bool((ex["share"] >= ex["median_share"] - 0.2).all())
    True
    """
    if not isinstance(ensemble, SeedEnsemble):
        msg = f"ensemble must be a SeedEnsemble (from fit_seed_ensemble); got {type(ensemble).__name__}"
        raise TypeError(msg)
    n = check_int(n, "n", minimum=1)
    min_tokens = check_int(min_tokens, "min_tokens", minimum=0)
    ref = ensemble.reference_model
    tokens = ref.tokens.to_numpy(dtype=float)
    eligible = tokens >= min_tokens
    if not eligible.any():
        msg = f"no row has at least min_tokens={min_tokens} modelled tokens"
        raise ValueError(msg)
    aligned = np.stack(
        [m.segment_topics.to_numpy()[:, ensemble.permutation(i)] for i, m in enumerate(ensemble.models)]
    )  # runs x rows x topics
    masked = np.where(eligible[None, :, None], aligned, -np.inf)
    n_top = min(n, int(eligible.sum()))
    # rows in each run's top n of each topic (stable order: share, then row position)
    top_sets = np.argsort(-masked, axis=1, kind="mergesort")[:, :n_top, :]  # runs x n x topics
    meta = ref.rows.reset_index(drop=True)
    ref_pos = ensemble.reference
    records = []
    for t_pos, topic in enumerate(ref.topic_term.index):
        for rank, r in enumerate(top_sets[ref_pos, :, t_pos], start=1):
            shares = aligned[:, r, t_pos]
            rec = {"topic": topic, "rank": rank, **meta.iloc[int(r)].to_dict()}
            rec.update(
                tokens=float(tokens[r]),
                share=float(aligned[ref_pos, r, t_pos]),
                median_share=float(np.median(shares)),
                min_share=float(shares.min()),
                top_share=float(np.mean([(top_sets[i, :, t_pos] == r).any() for i in range(len(ensemble.models))])),
            )
            records.append(rec)
    return pd.DataFrame(records)


class TargetIntervals(NamedTuple):
    """Result of :func:`target_topic_intervals`.

    ``shares``: per reference topic, ``reference`` (the reference run's
    draw-free share), ``median``, ``ci_low``, ``ci_high`` (over runs x
    draws), ``seed_min``, ``seed_max`` (draw-free shares across runs);
    ``distances``: the same per group for the Jensen-Shannon distance, with
    ``n_documents`` per group; ``draws``: long table (``seed``, ``draw``
    (-1 for the draw-free inference), ``kind`` (``"share"`` or
    ``"distance"``), ``name`` (topic or group), ``value``).
    """

    shares: pd.DataFrame
    distances: pd.DataFrame
    draws: pd.DataFrame


def _js(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon distance (base 2) between the rows of ``p`` and the vector ``q``."""
    p = p / p.sum(axis=1, keepdims=True)
    q = q / q.sum()
    m = (p + q[None, :]) / 2

    def xlogx(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, x * np.log2(np.where(x > 0, x, 1.0)), 0.0)

    div = 0.5 * (xlogx(p).sum(axis=1) + xlogx(q).sum()) - xlogx(m).sum(axis=1)
    return np.sqrt(np.clip(div, 0.0, 1.0))


def _resampled(target: DocumentTermMatrix, n_draws: int, rng: np.random.Generator) -> DocumentTermMatrix:
    """``n_draws`` copies of the target, each row's tokens redrawn multinomially; doc_id ``draw<d>``."""
    counts = target.counts.toarray()
    totals = counts.sum(axis=1)
    blocks, rows = [], []
    for d in range(n_draws):
        block = np.zeros_like(counts)
        for r in range(counts.shape[0]):
            if totals[r] > 0:
                block[r] = rng.multinomial(int(totals[r]), counts[r] / totals[r])
        blocks.append(block)
        part = target.rows[["doc_id", "n_tokens"]].copy()
        part["doc_id"] = f"draw{d}"
        part["seg_no"] = np.arange(1, counts.shape[0] + 1)
        rows.append(part)
    return DocumentTermMatrix(
        counts=sp.csr_matrix(np.vstack(blocks), dtype=np.int64),
        rows=pd.concat(rows, ignore_index=True),
        vocab=target.vocab,
        level="segment",
        preprocessing=target.preprocessing,
    )


def target_topic_intervals(
    ensemble: SeedEnsemble,
    target: DocumentTermMatrix,
    *,
    group: str = "group",
    n_draws: int = 50,
    ci: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> TargetIntervals:
    """Intervals for a target's inferred topic mix and its distances to group means, across seeds and draws.

    Parameters
    ----------
    ensemble : SeedEnsemble
    target : DocumentTermMatrix
        The target's rows (one ``doc_id``), raw or preprocessed as the
        models' input (see :meth:`TopicModel.transform`).
    group : str
        Column of the models' rows whose values define the groups whose mean
        document mix the target is compared with.
    n_draws : int
        Redraws of the target's tokens per run (0: across runs only).
    ci : float
        Coverage of the quantile intervals.
    random_state : int, Generator or None
        Seed of the redraws (the same redraws are used in every run).

    Returns
    -------
    TargetIntervals

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=30, n_terms=60, k=3, random_state=0)
    >>> ens = fit_seed_ensemble(dtm, 3, seeds=[0, 1, 2], max_iter=10)
    >>> target = dtm.select_rows(dtm.rows["doc_id"] == "d0000")
    >>> res = target_topic_intervals(ens, target, n_draws=20, random_state=0)
    >>> res.shares.columns.tolist()
    ['topic', 'reference', 'median', 'ci_low', 'ci_high', 'seed_min', 'seed_max']
    >>> bool(np.isclose(res.shares["reference"].sum(), 1.0))
    True
    >>> d = res.distances
    >>> bool(((d["ci_low"] <= d["median"]) & (d["median"] <= d["ci_high"])).all())
    True
    """
    if not isinstance(ensemble, SeedEnsemble):
        msg = f"ensemble must be a SeedEnsemble (from fit_seed_ensemble); got {type(ensemble).__name__}"
        raise TypeError(msg)
    if not isinstance(target, DocumentTermMatrix):
        msg = f"target must be a DocumentTermMatrix of the target's rows; got {type(target).__name__}"
        raise TypeError(msg)
    doc_ids = pd.unique(target.rows["doc_id"])
    if len(doc_ids) != 1:
        msg = f"target must hold the rows of one document; got doc_ids {list(doc_ids)[:5]}"
        raise ValueError(msg)
    if target.counts.sum() <= 0:
        msg = f"target {doc_ids[0]!r} has no counts; expected at least one token"
        raise ValueError(msg)
    n_draws = check_int(n_draws, "n_draws", minimum=0)
    if isinstance(ci, bool) or not isinstance(ci, int | float) or not 0 < ci < 1:
        msg = f"ci must be a number between 0 and 1; got {ci!r}"
        raise ValueError(msg)
    ref_model = ensemble.reference_model
    if group not in ref_model.rows.columns:
        msg = (
            f"group must be a column of the models' rows; got {group!r}, expected one of {list(ref_model.rows.columns)}"
        )
        raise ValueError(msg)
    rng = check_random_state(random_state)
    draws_dtm = _resampled(target, n_draws, rng) if n_draws else None
    topics = ref_model.topic_term.index
    records: list[tuple[int, int, str, object, float]] = []
    for i, (seed, model) in enumerate(zip(ensemble.seeds, ensemble.models, strict=True)):
        perm = ensemble.permutation(i)
        point = model.transform(target, by_document=True).to_numpy()[:, perm]
        mixes = point
        if draws_dtm is not None:
            mixes = np.vstack([point, model.transform(draws_dtm, by_document=True).to_numpy()[:, perm]])
        draw_no = np.arange(-1, mixes.shape[0] - 1)
        for d, row in zip(draw_no, mixes, strict=True):
            records.extend((seed, int(d), "share", t, float(v)) for t, v in zip(topics, row, strict=True))
        doc_mix = model.document_topics.to_numpy()[:, perm]
        labels = model.document_rows()[group].to_numpy(dtype=object)
        keep = model.document_topics.index.to_numpy(dtype=object) != doc_ids[0]
        for g in pd.unique(labels[keep]):
            sel = keep & (labels == g)
            dist = _js(mixes, doc_mix[sel].mean(axis=0))
            records.extend((seed, int(d), "distance", g, float(v)) for d, v in zip(draw_no, dist, strict=True))
    draws = pd.DataFrame(records, columns=["seed", "draw", "kind", "name", "value"])
    lo, hi = (1 - ci) / 2, (1 + ci) / 2
    ref_seed = ensemble.seeds[ensemble.reference]

    def summary(kind: str, label: str) -> pd.DataFrame:
        part = draws[draws["kind"] == kind]
        g = part.groupby("name", sort=False)["value"]
        free = part[part["draw"] == -1].groupby("name", sort=False)["value"]
        out = pd.DataFrame(
            {
                "reference": part[(part["draw"] == -1) & (part["seed"] == ref_seed)].set_index("name")["value"],
                "median": g.median(),
                "ci_low": g.quantile(lo),
                "ci_high": g.quantile(hi),
                "seed_min": free.min(),
                "seed_max": free.max(),
            }
        )
        out.index.name = label
        return out.reset_index()

    shares = summary("share", "topic")
    distances = summary("distance", group)
    counts = ref_model.document_rows()[group]
    counts = counts[ref_model.document_topics.index.to_numpy(dtype=object) != doc_ids[0]].value_counts()
    distances["n_documents"] = distances[group].map(counts).astype("int64")
    return TargetIntervals(shares, distances, draws)
