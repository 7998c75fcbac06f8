"""Topic prevalence by document category, with bootstrap intervals.

The unit is the document: each document's topic shares are
``TopicModel.document_topics`` (token-weighted means of its segments), and a
category's prevalence of topic ``k`` is the plain mean of its documents'
shares, so every document counts once whatever its length.

Intervals are percentile bootstrap intervals: within each category, its
``n`` documents are resampled with replacement ``n_boot`` times (drawn as
multinomial counts from ``numpy.random.default_rng(random_state)``, categories
in sorted order), the mean is recomputed, and the ``(1 - ci) / 2`` and
``(1 + ci) / 2`` quantiles of the replicates (numpy's default linear
interpolation) are reported. A category with one document gets ``lo = hi =
mean``. Documents with a missing category are left out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from initiative_lib.checks import check_int, check_seed
from initiative_lib.topics.model import TopicModel


def topic_prevalence(
    model: TopicModel,
    by: str = "group",
    *,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int,
    shares: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mean document topic share per category, with bootstrap intervals.

    Parameters
    ----------
    model : TopicModel
    by : str
        A column of the model's row metadata (``"group"``, ``"sector"``,
        ``"year"``, ``"country"``, ...), constant within a document.
    n_boot : int
        Bootstrap replicates (>= 1).
    ci : float
        Interval coverage in (0, 1).
    random_state : int
        Seed of the resampling.
    shares : DataFrame, optional
        Document shares to use instead of ``model.document_topics`` (same
        index and columns), e.g. from a model refitted on other preprocessing.

    Returns
    -------
    DataFrame
        ``category, topic, mean, lo, hi, n_docs``, sorted by category then
        topic; ``attrs["by"]`` names the column.

    Examples
    --------
    >>> from initiative_lib.topics.model import fit_topics
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
    >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
    >>> prev = topic_prevalence(model, "group", n_boot=200, random_state=0)
    >>> list(prev.columns), len(prev)
    (['category', 'topic', 'mean', 'lo', 'hi', 'n_docs'], 10)
    >>> bool(((prev["lo"] <= prev["mean"]) & (prev["mean"] <= prev["hi"])).all())
    True
    """
    if not isinstance(model, TopicModel):
        msg = f"model must be a TopicModel; got {type(model).__name__}"
        raise TypeError(msg)
    seed = check_seed(random_state)
    n_boot = check_int(n_boot, "n_boot", minimum=1)
    if isinstance(ci, bool) or not isinstance(ci, float) or not 0.0 < ci < 1.0:
        msg = f"ci must be a float in (0, 1); got {ci!r}"
        raise ValueError(msg)
    if by in ("doc_id", "seg_no", "n_tokens") or by not in model.rows.columns:
        allowed = [c for c in model.rows.columns if c not in ("doc_id", "seg_no", "n_tokens")]
        msg = f"by must be a metadata column of the model's rows, one of {allowed}; got {by!r}"
        raise ValueError(msg)
    per_doc = model.rows.groupby("doc_id", sort=False)[by].nunique(dropna=False)
    if (per_doc > 1).any():
        bad = per_doc[per_doc > 1].index[:3].tolist()
        msg = f"by={by!r} must be constant within a document; it varies in documents {bad}"
        raise ValueError(msg)
    doc_shares = model.document_topics if shares is None else shares
    if not doc_shares.index.equals(model.document_topics.index) or not doc_shares.columns.equals(
        model.document_topics.columns
    ):
        msg = "shares must have the same index (doc_id) and columns (topics) as model.document_topics"
        raise ValueError(msg)
    category = model.document_rows()[by]
    keep = category.notna().to_numpy()
    values = doc_shares.to_numpy(dtype=np.float64)[keep]
    cats = category.to_numpy()[keep]
    topics = doc_shares.columns.to_numpy()
    rng = np.random.default_rng(seed)
    q = [(1.0 - ci) / 2.0, (1.0 + ci) / 2.0]
    frames = []
    for cat in sorted(pd.unique(cats), key=lambda c: (str(type(c)), c)):
        x = values[cats == cat]
        n = x.shape[0]
        mean = x.mean(axis=0)
        if n > 1:
            draws = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot)  # n_boot x n resampling counts
            boot = draws @ x / n
            lo, hi = np.quantile(boot, q, axis=0)
        else:
            lo = hi = mean
        frames.append(pd.DataFrame({"category": cat, "topic": topics, "mean": mean, "lo": lo, "hi": hi, "n_docs": n}))
    out = pd.concat(frames, ignore_index=True)
    out.attrs["by"] = by
    return out


def topic_mix_table(
    model: TopicModel,
    by: str = "group",
    *,
    extra: Mapping[str, pd.Series | pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Wide table of topic mixes for :func:`initiative_lib.plots.topics.plot_topic_mix`.

    Rows are the ``extra`` series first (e.g. ``{"initiative (inferred)":
    model.transform(initiative_dtm, by_document=True)}``; a one-row DataFrame or
    a Series of shares; several rows are averaged), then the mean document
    shares of every category of ``by`` (sorted). Columns are the topics.

    Examples
    --------
    >>> from initiative_lib.topics.model import fit_topics
    >>> from initiative_lib.datasets import synthetic_dtm
    >>> dtm, _ = synthetic_dtm(n_docs=20, n_terms=40, k=2, random_state=0)
    >>> model = fit_topics(dtm, 2, method="nmf", random_state=0)
    >>> first = model.transform(dtm.select_rows(dtm.rows["doc_id"] == "d0000"), by_document=True)
    >>> table = topic_mix_table(model, extra={"d0000 (inferred)": first})
    >>> table.index.tolist()[:2], table.shape
    (['d0000 (inferred)', 'declaration'], (6, 2))
    """
    if not isinstance(model, TopicModel):
        msg = f"model must be a TopicModel; got {type(model).__name__}"
        raise TypeError(msg)
    if by not in model.rows.columns:
        msg = f"by must be a column of the model's rows {list(model.rows.columns)}; got {by!r}"
        raise ValueError(msg)
    rows = []
    for name, shares in (extra or {}).items():
        s = shares.mean(axis=0) if isinstance(shares, pd.DataFrame) else pd.Series(shares)
        if not s.index.equals(model.document_topics.columns):
            msg = f"extra[{name!r}] must have the model's topics {list(model.document_topics.columns)} as columns"
            raise ValueError(msg)
        rows.append(s.rename(name))
    category = model.document_rows()[by]
    means = model.document_topics.groupby(category.to_numpy(), sort=True).mean()
    rows.extend(means.loc[c].rename(c) for c in means.index)
    out = pd.DataFrame(rows)
    out.columns = model.document_topics.columns
    return out
