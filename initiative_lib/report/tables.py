"""Every number of a report, computed with the study's own functions.

:func:`report_tables` takes the raw segment matrix of a corpus and a target
``doc_id`` and returns :class:`ReportTables`: the document's profile, key
terms and phrases, keyness (against all other documents and against each
group), framing rates with exact intervals and length-matched baselines, the
inferred topic mix with bootstrap intervals, the nearest documents and
groups with length-matched reference distributions, passage alignment and
the caveats the numbers call for.

The numbers are those the notebooks compute: the same functions
(:func:`~initiative_lib.study.target_keyness`, :func:`~initiative_lib.study.analysis_data`,
:func:`~initiative_lib.study.headline_model`, :func:`~initiative_lib.topics.topic_mix_table`,
:func:`~initiative_lib.methods.js_distance`, :func:`~initiative_lib.methods.tfidf_similarity`,
:func:`~initiative_lib.methods.align_passages`, ...) on the same matrices, so that
the report of the initiative reproduces notebooks 02-04 (``tests/report``
checks it). Documents listed in ``exclude`` (a copy of the target already in
the corpus) are dropped from every comparison first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_int, check_random_state
from initiative_lib.constants import PER
from initiative_lib.corpus.load import CorpusError, open_corpus, text_segments
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.corpus.schema import GROUP_ORDER
from initiative_lib.methods.baselines import length_matched_baseline
from initiative_lib.methods.dictionaries import dictionary_rates, group_rates
from initiative_lib.methods.intervals import poisson_interval
from initiative_lib.methods.passages import align_passages
from initiative_lib.methods.similarity import js_distance, tfidf_similarity
from initiative_lib.report.model_cache import cached_headline_model
from initiative_lib.study.specification import analysis_data
from initiative_lib.study.target import g2_threshold, target_keyness, target_phrases, top_content_terms
from initiative_lib.study.units import (
    content_columns,
    document_segments,
    keyness_against_groups,
    pool_units,
    similarity_baseline,
)
from initiative_lib.topics.prevalence import topic_mix_table

#: the label of the report's document in group-level tables and figures
TARGET_LABEL = "target"
#: below this many tokens kept by the topic model, the topic mix is not evidence of anything
MIN_TOPIC_TOKENS = 1000
#: below this many tokens, rates of single categories rest on a handful of matches
MIN_RATE_TOKENS = 2000
#: length-matched windows drawn per comparison group
N_WINDOWS = 200
#: bootstrap resamples (group framing rates: 2,000 as notebook 02; the target's topic mix: 1,000)
N_BOOT_GROUPS = 2000
N_BOOT_TOPICS = 1000
#: coverage of every interval
CI = 0.95

Step = Callable[[str], None]


@dataclass(frozen=True)
class ReportTables:
    """The numbers of one report (see :func:`report_tables`)."""

    target_id: str
    profile: pd.DataFrame
    terms: pd.DataFrame
    phrases: pd.DataFrame
    keyness: pd.DataFrame
    keyness_groups: pd.DataFrame
    framing: pd.DataFrame
    framing_profile: pd.DataFrame
    topic_mix: pd.DataFrame
    topic_shares: pd.DataFrame
    topic_distances: pd.DataFrame
    topic_labels: pd.Series
    nearest_documents: pd.DataFrame
    nearest_groups: pd.DataFrame
    passages: pd.DataFrame
    caveats: list[str]
    notes: dict[str, object] = field(default_factory=dict)


def _noop(_: str) -> None:
    return None


def _groups_in_order(values: Sequence[object]) -> list[str]:
    present = {str(v) for v in values}
    return [g for g in GROUP_ORDER if g in present] + sorted(present - set(GROUP_ORDER))


def _relabel(rows: pd.DataFrame, is_target: np.ndarray) -> pd.DataFrame:
    rows = rows.copy()
    rows["group"] = np.where(is_target, TARGET_LABEL, rows["group"].astype(object))
    return rows


def _window_summary(b: pd.Series | None) -> dict[str, float | int]:
    """The columns a report shows of one row of a ``length_matched_baseline`` summary."""
    if b is None or not int(b["n_windows"]):
        return {"window_low": np.nan, "window_median": np.nan, "window_high": np.nan,
                "window_percentile": np.nan, "n_windows": 0}  # fmt: skip
    return {
        "window_low": float(b["q025"]),
        "window_median": float(b["q500"]),
        "window_high": float(b["q975"]),
        "window_percentile": 100.0 * float(b["percentile"]),
        "n_windows": int(b["n_windows"]),
    }


def framing_baseline(
    segments: DocumentTermMatrix,
    target: str,
    *,
    n_windows: int = N_WINDOWS,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Framing rates of length-matched windows of each group, with the target's place among them.

    Matches per category are counted once per segment with
    :func:`~initiative_lib.methods.dictionaries.dictionary_rates` (exactly as
    for documents: the counts add up over segments); the windows are runs of
    whole segments (:func:`~initiative_lib.methods.baselines.length_matched_baseline`
    with ``window="segments"``) over a matrix of those matches and the
    segment's tokens, so a window's length is its tokens plus its matches, for
    the target and the windows alike, and its rate is matches per 1,000 of
    its tokens.

    Returns
    -------
    DataFrame
        The baseline's ``summary``: one row per group (``comparator``) and
        category (``statistic``).
    """
    rates = dictionary_rates(segments)
    categories = list(dict.fromkeys(rates["category"]))
    matches = rates["matches"].to_numpy(dtype=np.int64).reshape(segments.shape[0], len(categories))
    tokens = segments.rows["n_tokens"].to_numpy(dtype=np.int64)
    counts = sp.csr_matrix(np.column_stack([matches, tokens]))
    m = DocumentTermMatrix(
        counts=counts, rows=segments.rows, vocab=pd.Index([*categories, "(tokens)"], dtype=object), level="segment"
    )

    def framing_rates(c: np.ndarray) -> dict[str, float]:
        return {cat: PER * float(c[j]) / float(c[-1]) for j, cat in enumerate(categories)}

    return length_matched_baseline(
        m, target, framing_rates, by="group", n_windows=n_windows, window="segments", random_state=random_state
    ).summary


def report_tables(
    raw: DocumentTermMatrix,
    target: str,
    *,
    exclude: Sequence[str] = (),
    random_state: int = 2020,
    passage_texts: bool = False,
    corpus_dir: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    n_windows: int = N_WINDOWS,
    step: Step | None = None,
) -> ReportTables:
    """Compute every table of the report of ``target``.

    Parameters
    ----------
    raw : DocumentTermMatrix
        Raw segment counts of the corpus with unigrams and bigrams
        (``document_term_matrix(level="segment", ngrams="both")``).
    target : str
        The ``doc_id`` of the report's document; it must ship as text.
    exclude : sequence of str
        Documents left out of every comparison (e.g. a corpus document the
        target is a copy of).
    random_state : int
        Seed of the windows and bootstraps (one generator, used in a fixed
        order); the topic model keeps the study's seed.
    passage_texts : bool
        Add the text of each aligned comparison segment when its source is
        in the fetch cache (:func:`initiative_lib.build.fetch.fetch_texts`).
    corpus_dir : path, optional
        The corpus folder ``raw`` was read from (for the target's segments).
    cache : path, optional
        The user cache folder (topic model).
    n_windows : int
        Length-matched windows per comparison group.
    step : callable, optional
        Called with the name of each step as it starts (a progress bar).

    Returns
    -------
    ReportTables
    """
    step = step or _noop
    n_windows = check_int(n_windows, "n_windows", minimum=10)
    rng = check_random_state(random_state)
    doc_ids = raw.rows["doc_id"].astype(str)
    if not doc_ids.eq(target).any():
        msg = f"target={target!r} is not a doc_id of the corpus"
        raise ValueError(msg)
    if target in set(exclude):
        msg = f"target={target!r} cannot also be excluded"
        raise ValueError(msg)
    raw = raw.select_rows(~doc_ids.isin(list(exclude)).to_numpy())
    is_target = raw.rows["doc_id"].astype(str).eq(target).to_numpy()
    meta = open_corpus(corpus_dir=corpus_dir, validate=False).manifest.set_index("doc_id")
    caveats: list[str] = []

    # ------------------------------------------------------------ profile
    step("profile")
    n_tokens = int(raw.rows.loc[is_target, "n_tokens"].sum())
    n_segments = int(is_target.sum())
    row = meta.loc[target]
    profile = pd.DataFrame(
        {
            "field": ["doc_id", "title", "issuer", "date", "language", "tokens", "segments", "comparison documents"],
            "value": [
                target,
                str(row["title"]),
                str(row["issuer"]),
                str(row["date"]),
                str(row["language"]),
                f"{n_tokens:,}",
                f"{n_segments:,}",
                f"{raw.rows.loc[~is_target, 'doc_id'].nunique():,}",
            ],
        }
    )
    terms = top_content_terms(raw, is_target, n=25)
    phrases = target_phrases(raw, is_target).head(20)
    key = target_keyness(raw, is_target)
    threshold = g2_threshold(0.05, n_tests=max(len(key), 1))
    key = key.assign(bonferroni=key["g2"].abs() > threshold)

    english_mask = raw.rows["language"].eq("en").to_numpy()
    english = raw.select_rows(english_mask)
    eng_target = is_target[english_mask]
    labelled = DocumentTermMatrix(
        counts=english.counts, rows=_relabel(english.rows, eng_target), vocab=english.vocab, level=english.level
    )
    content = content_columns(labelled)
    references = [g for g in _groups_in_order(content.rows["group"]) if g != TARGET_LABEL]
    kg = keyness_against_groups(content, TARGET_LABEL, references=references)
    n_tests = kg.groupby("reference", sort=False)["term"].transform("size").to_numpy()
    limits = np.array([g2_threshold(0.05, n_tests=int(n)) for n in n_tests])
    kg = kg.assign(bonferroni=kg["g2"].abs().to_numpy() > limits)

    # ------------------------------------------------------------ framing
    step("framing")
    docs = labelled.to_documents()
    rates = dictionary_rates(docs)
    profile_rows = docs.rows.assign(group=docs.rows["group"].astype(object))
    comp_rates = rates[rates["doc_id"].astype(str) != target]
    by_group = group_rates(comp_rates, profile_rows, n_boot=N_BOOT_GROUPS, ci=CI, random_state=rng)
    tr = rates[rates["doc_id"].astype(str) == target].reset_index(drop=True)
    exact = poisson_interval(tr["matches"].to_numpy(), tr["n_tokens"].to_numpy(), ci=CI)
    low, high = exact["rate_low"].to_numpy(), exact["rate_high"].to_numpy()
    target_profile = pd.DataFrame(
        {
            "group": TARGET_LABEL,
            "category": tr["category"],
            "n_units": 1,
            "n_tokens": tr["n_tokens"],
            "matches": tr["matches"],
            "rate": tr["rate"],
            "ci_low": low,
            "ci_high": high,
        }
    )
    framing_profile = pd.concat([target_profile, by_group], ignore_index=True)
    framing_profile["group"] = pd.Categorical(
        framing_profile["group"], categories=[TARGET_LABEL, *references], ordered=True
    )
    framing_profile = framing_profile.sort_values(["group", "category"], kind="mergesort").reset_index(drop=True)
    framing_profile["group"] = framing_profile["group"].astype(object)
    step("length-matched framing")
    baseline = framing_baseline(labelled, target, n_windows=n_windows, random_state=rng)
    short_groups = sorted(set(baseline.loc[baseline["n_windows"] == 0, "comparator"].astype(str)))
    if short_groups:
        caveats.append(
            f"No document of {', '.join(short_groups)} is as long as this document ({n_tokens:,} tokens): "
            "there is no length-matched baseline for those groups."
        )
    base = baseline.set_index(["statistic", "comparator"])
    records = []
    for _, t in target_profile.iterrows():
        for g in references:
            gr = by_group[(by_group["group"] == g) & (by_group["category"] == t["category"])]
            b = base.loc[(t["category"], g)] if (t["category"], g) in base.index else None
            records.append(
                {
                    "category": t["category"],
                    "matches": int(t["matches"]),
                    "rate": float(t["rate"]),
                    "ci_low": float(t["ci_low"]),
                    "ci_high": float(t["ci_high"]),
                    "group": g,
                    "group_rate": float(gr["rate"].iloc[0]) if len(gr) else np.nan,
                    "group_ci_low": float(gr["ci_low"].iloc[0]) if len(gr) else np.nan,
                    "group_ci_high": float(gr["ci_high"].iloc[0]) if len(gr) else np.nan,
                    **_window_summary(b),
                }
            )
    framing = pd.DataFrame(records)
    zero = sorted(target_profile.loc[target_profile["matches"] == 0, "category"].astype(str))
    if zero:
        upper = float(poisson_interval(0, n_tokens, ci=CI)["rate_high"].iloc[0])
        caveats.append(
            f"No match at all for {', '.join(zero)}: the rate is 0 with an exact 95% upper bound of "
            f"{upper:.2f} per 1,000 tokens, not evidence of absence."
        )
    if n_tokens < MIN_RATE_TOKENS:
        caveats.append(
            f"Short text ({n_tokens:,} tokens, under {MIN_RATE_TOKENS:,}): a framing category's rate rests on a "
            "few matches; read the exact intervals and the length-matched windows, not the point rates."
        )

    # ------------------------------------------------------------ topics
    step("topic model")
    data = analysis_data(raw=raw, target=target)
    model, how = cached_headline_model(data, cache=cache)
    step("topics")
    labels = model.topic_labels(n=3, by="prob")
    seg_shares = model.transform(data.target)
    doc_mix = model.transform(data.target, by_document=True)
    mix = topic_mix_table(model, by="group", extra={TARGET_LABEL: doc_mix})
    distances = js_distance(mix)
    kept = np.asarray(data.target.counts.sum(axis=1)).ravel()
    n_kept = int(kept.sum())
    theta = seg_shares.to_numpy()
    n_seg = theta.shape[0]
    draws = rng.integers(0, n_seg, size=(N_BOOT_TOPICS, n_seg))
    w = kept[draws]
    wsum = w.sum(axis=1, keepdims=True)
    boot = np.where(wsum > 0, np.einsum("bs,bsk->bk", w, theta[draws]) / np.where(wsum > 0, wsum, 1), np.nan)
    boot = boot / boot.sum(axis=1, keepdims=True)
    lo_q, hi_q = (1 - CI) / 2, 1 - (1 - CI) / 2
    shares = pd.DataFrame(
        {
            "topic": mix.columns.to_numpy(),
            "label": labels.reindex(mix.columns).to_numpy(),
            "share": mix.loc[TARGET_LABEL].to_numpy(),
            "ci_low": np.nanquantile(boot, lo_q, axis=0),
            "ci_high": np.nanquantile(boot, hi_q, axis=0),
        }
    )
    for g in mix.index.drop(TARGET_LABEL):
        shares[f"mean_{g}"] = mix.loc[g].to_numpy()
    group_means = mix.drop(index=TARGET_LABEL)
    boot_dist = js_distance(
        pd.concat([group_means, pd.DataFrame(boot, columns=mix.columns, index=[f"b{i}" for i in range(len(boot))])])
    ).loc[group_means.index, [f"b{i}" for i in range(len(boot))]]
    topic_distances = (
        pd.DataFrame(
            {
                "group": group_means.index.astype(str),
                "js_distance": distances.loc[TARGET_LABEL, group_means.index].to_numpy(),
                "ci_low": boot_dist.quantile(lo_q, axis=1).to_numpy(),
                "ci_high": boot_dist.quantile(hi_q, axis=1).to_numpy(),
            }
        )
        .sort_values(["js_distance", "group"], kind="mergesort")
        .reset_index(drop=True)
    )
    if n_kept < MIN_TOPIC_TOKENS:
        caveats.append(
            f"Too short for topic claims: the topic model keeps {n_kept:,} of the document's tokens, under "
            f"{MIN_TOPIC_TOKENS:,}; its inferred mix is shown with intervals but supports no claim about its topics."
        )
    if n_seg < 10:
        caveats.append(
            f"The topic intervals resample the document's {n_seg} segments; with fewer than 10 they understate "
            "the uncertainty."
        )

    # ------------------------------------------------------------ similarity
    step("similarity")
    doc_sim = tfidf_similarity(content.to_documents())
    near = doc_sim.loc[target].drop(target).rename("cosine").reset_index()
    near = near.sort_values(["cosine", "doc_id"], ascending=[False, True], kind="mergesort").head(15)
    near = near.join(meta[["group", "title", "issuer", "date"]], on="doc_id").reset_index(drop=True)
    units = pd.Series(content.rows["group"].astype(object).to_numpy())
    pooled = pool_units(content, pd.Categorical(units, categories=[TARGET_LABEL, *references], ordered=True))
    group_sim = tfidf_similarity(pooled)
    step("length-matched similarity")
    sim_base = similarity_baseline(content, pooled, target, n_windows=n_windows, random_state=rng)
    sim_base = sim_base[sim_base["statistic"] == sim_base["comparator"]].set_index("comparator")
    group_records = []
    for gi, g in enumerate(pooled.rows["unit"]):
        if g == TARGET_LABEL:
            continue
        value = float(group_sim.loc[TARGET_LABEL, g])
        group_records.append(
            {
                "group": g,
                "n_documents": int(pooled.rows["n_documents"].iloc[gi]),
                "n_tokens": int(pooled.rows["n_tokens"].iloc[gi]),
                "cosine": value,
                **_window_summary(sim_base.loc[g] if g in sim_base.index else None),
            }
        )
    nearest_groups = pd.DataFrame(group_records)

    # ------------------------------------------------------------ passages
    step("passages")
    paragraphs = document_segments(target, corpus_dir=None if corpus_dir is None else str(corpus_dir))
    comparison = content.select_rows(~eng_target)
    aligned = align_passages(paragraphs, comparison, top_n=2, n_shared=4)
    aligned = aligned.join(meta[["title", "issuer", "date"]], on="doc_id")
    aligned.insert(1, "paragraph_start", aligned["paragraph"].map(lambda p: paragraphs.loc[p][:80]))
    if passage_texts:
        aligned["text"] = _comparison_texts(aligned, corpus_dir, cache)
    if not aligned.empty and passage_texts and aligned["text"].isna().all():
        caveats.append(
            "The comparison segments' texts are not in the cache: run `python -m initiative_lib corpus fetch` "
            "to see them next to the scores."
        )
    notes = {
        "n_tokens": n_tokens,
        "n_segments": n_segments,
        "n_kept_topic_tokens": n_kept,
        "model": how,
        "keyness_threshold": threshold,
        "n_windows": n_windows,
        "random_state": random_state,
        "exclude": list(exclude),
    }
    return ReportTables(
        target_id=target,
        profile=profile,
        terms=terms,
        phrases=phrases,
        keyness=key,
        keyness_groups=kg,
        framing=framing,
        framing_profile=framing_profile,
        topic_mix=mix,
        topic_shares=shares,
        topic_distances=topic_distances,
        topic_labels=labels,
        nearest_documents=near,
        nearest_groups=nearest_groups,
        passages=aligned.reset_index(drop=True),
        caveats=caveats,
        notes=notes,
    )


def _comparison_texts(
    aligned: pd.DataFrame, corpus_dir: str | os.PathLike[str] | None, cache: str | os.PathLike[str] | None
) -> list[str | None]:
    from initiative_lib.build.fetch import read_full_text

    seen: dict[str, list[str] | None] = {}
    out: list[str | None] = []
    for doc_id, seg_no in zip(aligned["doc_id"].astype(str), aligned["seg_no"], strict=True):
        if doc_id not in seen:
            try:
                seen[doc_id] = text_segments(read_full_text(doc_id, cache_dir=cache, corpus_dir=corpus_dir))
            except (CorpusError, OSError):
                seen[doc_id] = None
        segs = seen[doc_id]
        out.append(segs[int(seg_no) - 1] if segs is not None and 0 < int(seg_no) <= len(segs) else None)
    return out
