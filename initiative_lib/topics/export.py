"""Export a fitted topic model as tidy CSV files, one value per line.

:func:`export_topic_model` writes, for a :class:`~initiative_lib.topics.model.TopicModel`:

==============================  ===================================================================
file                            one line per
==============================  ===================================================================
``<prefix>_terms.csv``          topic and term: ``topic, term, beta`` (the term's probability in the
                                topic), the layout of tidytext's ``tidy(model, "beta")``
``<prefix>_rows.csv``           input row and topic: ``doc_id`` (and ``seg_no`` at segment level),
                                ``topic, gamma`` (the row's topic share), like ``tidy(model, "gamma")``
``<prefix>_documents.csv``      document and topic: ``doc_id, topic, gamma`` (token-weighted shares)
``<prefix>_top_terms.csv``      topic and rank: the 20 most probable terms with exclusivity and FREX
``<prefix>_labels.csv``         topic: a short label from its three highest-FREX terms
``<prefix>_model.json``         the model's ``config`` (k, method, seed, solver settings,
                                preprocessing record, package versions)
==============================  ===================================================================

Topics are numbered from 0, as in the package. Floating-point values are written with
Python's shortest round-trip representation, so reading them back gives the same
numbers; the files are written all or nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from initiative_lib.checks import check_int
from initiative_lib.corpus.export import check_prefix, write_files_atomically
from initiative_lib.topics.model import TopicModel

TOP_TERMS = 20


def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)  # type: ignore[type-var]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray | pd.Index):
        return [_jsonable(v) for v in value.tolist()]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    msg = f"cannot write {type(value).__name__} value {value!r} of the model's config to JSON"
    raise TypeError(msg)


def tidy_topic_terms(model: TopicModel) -> pd.DataFrame:
    """``topic, term, beta``: one line per topic and term, topics in order, terms in vocabulary order.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> from initiative_lib.topics import fit_topics
    >>> dtm, _ = synthetic_dtm(n_docs=10, n_terms=8, k=2, random_state=0)
    >>> beta = tidy_topic_terms(fit_topics(dtm, 2, method="nmf", random_state=0))
    >>> beta.shape, float(beta.groupby("topic")["beta"].sum().round(12).iloc[0])
    ((16, 3), 1.0)
    """
    tt = model.topic_term
    k, v = tt.shape
    return pd.DataFrame(
        {
            "topic": np.repeat(np.arange(k, dtype=np.int64), v),
            "term": np.tile(tt.columns.to_numpy(dtype=object), k),
            "beta": tt.to_numpy().ravel(),
        }
    )


def tidy_topic_shares(model: TopicModel, *, by_document: bool = False) -> pd.DataFrame:
    """``doc_id[, seg_no], topic, gamma``: one line per row (or document) and topic, in model order.

    Examples
    --------
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> from initiative_lib.topics import fit_topics
    >>> dtm, _ = synthetic_dtm(n_docs=10, n_terms=8, k=2, random_state=0)
    >>> gamma = tidy_topic_shares(fit_topics(dtm, 2, method="nmf", random_state=0), by_document=True)
    >>> list(gamma.columns), len(gamma)
    (['doc_id', 'topic', 'gamma'], 20)
    """
    shares = model.document_topics if by_document else model.segment_topics
    k = shares.shape[1]
    index = shares.index.to_frame(index=False)
    keys = index.loc[index.index.repeat(k)].reset_index(drop=True)
    keys["topic"] = np.tile(np.arange(k, dtype=np.int64), len(shares))
    keys["gamma"] = shares.to_numpy().ravel()
    return keys


def export_topic_model(
    model: TopicModel, folder: str | os.PathLike[str], *, prefix: str = "topics", n_terms: int = TOP_TERMS
) -> list[Path]:
    """Write a fitted topic model as tidy CSV files (see the module docstring).

    Parameters
    ----------
    model : TopicModel
    folder : path
        Created if missing; files of the same names are replaced.
    prefix : str
        Stem of the file names.
    n_terms : int
        Terms per topic in ``<prefix>_top_terms.csv``.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> from initiative_lib.topics import fit_topics
    >>> dtm, _ = synthetic_dtm(n_docs=10, n_terms=8, k=2, random_state=0)
    >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in export_topic_model(model, tmp)]  # doctest: +NORMALIZE_WHITESPACE
    ['topics_terms.csv', 'topics_rows.csv', 'topics_documents.csv', 'topics_top_terms.csv',
     'topics_labels.csv', 'topics_model.json']
    """
    if not isinstance(model, TopicModel):
        msg = f"model must be a TopicModel; got {type(model).__name__}"
        raise TypeError(msg)
    prefix = check_prefix(prefix)
    n_terms = check_int(n_terms, "n_terms", minimum=1)
    labels = model.topic_labels(3, by="frex").rename_axis("topic").reset_index()
    config = json.dumps(_jsonable(model.config), indent=2, sort_keys=True) + "\n"
    files = {
        f"{prefix}_terms.csv": _csv(tidy_topic_terms(model)),
        f"{prefix}_rows.csv": _csv(tidy_topic_shares(model)),
        f"{prefix}_documents.csv": _csv(tidy_topic_shares(model, by_document=True)),
        f"{prefix}_top_terms.csv": _csv(model.top_terms(n_terms)),
        f"{prefix}_labels.csv": _csv(labels),
        f"{prefix}_model.json": config.encode("utf-8"),
    }
    return write_files_atomically(folder, files)
