"""Do the headline findings survive other reasonable choices?

In the spirit of Denny and Spirling (2018), the robustness notebook refits
the topic model under other seeds, other numbers of topics, NMF instead of
LDA and other preprocessing, and records for each specification the same
few findings about the initiative:

* its Jensen-Shannon distance to each group's mean topic mix, and the
  nearest group;
* its dominant inferred topic, that topic's share and FREX label;
* where the vocabulary is the headline's, how closely that topic matches a
  topic of the headline model (cosine similarity after Hungarian alignment).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from initiative_lib.checks import check_int
from initiative_lib.compiled import thread_map
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.methods.preprocess import PreprocessConfig
from initiative_lib.methods.similarity import js_distance
from initiative_lib.progress import progress_bar
from initiative_lib.study.specification import (
    EMPTY_ROWS,
    INITIATIVE,
    METHOD,
    PREPROCESS,
    RANDOM_STATE,
    SEEDS,
    STUDY_DATE,
    AnalysisData,
    K,
    analysis_data,
)
from initiative_lib.topics.diagnostics import align_topics
from initiative_lib.topics.model import TopicModel, fit_topics
from initiative_lib.topics.prevalence import topic_mix_table

#: the label of the target's inferred mix among the group means
TARGET_ROW = "target (inferred)"


@dataclass(frozen=True)
class Specification:
    """One way of running the analysis: preprocessing, K, method and seed."""

    name: str
    config: PreprocessConfig = field(default=PREPROCESS)
    k: int = K
    method: str = METHOD
    random_state: int = RANDOM_STATE
    #: fit only on documents certainly written before this ISO date (None: all)
    before: str | None = None
    #: count the target without its headline and verbatim repeats
    drop_repeats: bool = False


HEADLINE = Specification("headline")
#: the alternatives the robustness notebook reports
DEFAULT_SPECIFICATIONS: tuple[Specification, ...] = (
    HEADLINE,
    *(Specification(f"seed {s}", random_state=s) for s in SEEDS if s != RANDOM_STATE),
    Specification("K = 10", k=10),
    Specification("K = 20", k=20),
    Specification("NMF", method="nmf"),
    Specification("no phrases", config=replace(PREPROCESS, phrases=None)),
    Specification("stemmed", config=replace(PREPROCESS, stem="snowball")),
    Specification("stricter trimming", config=replace(PREPROCESS, min_df=20, max_df=0.2)),
    Specification("place names kept", config=replace(PREPROCESS, stopwords="english+domain")),
    Specification("English stopwords only", config=replace(PREPROCESS, stopwords="english")),
    Specification("written before the initiative", before=STUDY_DATE),
    Specification("report without repeats", drop_repeats=True),
)


def target_distances(model: TopicModel, data: AnalysisData) -> pd.Series:
    """Jensen-Shannon distance from the target's inferred mix to each group's mean mix.

    Returns
    -------
    Series
        Indexed by group, sorted from nearest to farthest.
    """
    mix = topic_mix_table(model, by="group", extra={TARGET_ROW: model.transform(data.target, by_document=True)})
    return js_distance(mix).loc[TARGET_ROW].drop(TARGET_ROW).sort_values()


def _summarise(spec: Specification, data: AnalysisData, model: TopicModel, headline: TopicModel | None) -> dict:
    distances = target_distances(model, data)
    shares = model.transform(data.target, by_document=True).iloc[0]
    top = shares.idxmax()
    row = {
        "specification": spec.name,
        "method": spec.method,
        "k": spec.k,
        "seed": spec.random_state,
        "n_terms": data.fit.shape[1],
        "nearest_group": distances.index[0],
        **{f"js_{group}": round(float(d), 4) for group, d in distances.sort_index().items()},
        "top_topic_share": round(float(shares.max()), 4),
        "top_topic": model.topic_labels(n=4, by="frex").loc[top],
        "match_to_headline": float("nan"),
    }
    if headline is not None and model.vocab.equals(headline.vocab):
        aligned = align_topics(model, headline).set_index("topic_a")
        row["match_to_headline"] = round(float(aligned.loc[top, "similarity"]), 4)
    return row


def _config_key(spec: Specification) -> str:
    key = {**spec.config.to_dict(), "before": spec.before, "drop_repeats": spec.drop_repeats}
    return json.dumps(key, sort_keys=True, default=str)


def _prepare(args: tuple[Specification, DocumentTermMatrix, str]) -> AnalysisData:
    spec, raw, target = args
    data = analysis_data(spec.config, raw=raw, target=target, before=spec.before, drop_repeats=spec.drop_repeats)
    # the raw matrix is the caller's; drop it so that it is not sent back and forth
    return replace(data, raw=data.fit)


def _fit(args: tuple[Specification, AnalysisData]) -> TopicModel:
    spec, data = args
    # empty rows after preprocessing are expected in every specification (see headline_model)
    return fit_topics(data.fit, spec.k, method=spec.method, random_state=spec.random_state, empty_rows=EMPTY_ROWS)


def robustness_table(
    specs: Sequence[Specification] = DEFAULT_SPECIFICATIONS,
    *,
    raw: DocumentTermMatrix,
    target: str = INITIATIVE,
    n_jobs: int = 1,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run every specification and tabulate the target's findings under each.

    The first specification is the reference for ``match_to_headline``. The
    preprocessing and the fits run in ``n_jobs`` threads (the compiled E-step
    releases the GIL; nothing is imported or compiled again in a worker
    process); each fit is single-threaded and seeded, so the table does not
    depend on ``n_jobs``.

    Parameters
    ----------
    specs : sequence of Specification
    raw : DocumentTermMatrix
        Raw segment counts with bigrams (``analysis_data().raw``).
    target : str
        The ``doc_id`` of the target document (default: the initiative).
    n_jobs : int, default=1
    progress : bool or None
        A progress bar counting the fits (see :func:`initiative_lib.progress.want_progress`).

    Returns
    -------
    DataFrame
        One row per specification, in the given order.
    """
    if not specs:
        msg = "specs must name at least one Specification"
        raise ValueError(msg)
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1)
    # specifications that share a preprocessing share its matrices: prepare each once
    configs = {_config_key(spec): spec for spec in specs}
    data = dict(zip(configs, thread_map(_prepare, [(c, raw, target) for c in configs.values()], n_jobs), strict=True))
    spec_data = [data[_config_key(spec)] for spec in specs]
    fits = thread_map(_fit, list(zip(specs, spec_data, strict=True)), n_jobs)
    models = list(progress_bar(fits, total=len(specs), desc="robustness fits", progress=progress))
    results = list(zip(specs, models, spec_data, strict=True))
    headline = results[0][1]
    rows = [_summarise(spec, data, model, headline) for spec, model, data in results]
    return pd.DataFrame(rows)
