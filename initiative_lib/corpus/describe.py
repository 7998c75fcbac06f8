"""Descriptive tables of the corpus: counts by group and other metadata."""

from __future__ import annotations

import pandas as pd


def corpus_summary(docs: pd.DataFrame, by: str | list[str] = "group") -> pd.DataFrame:
    """Documents, segments and tokens per category, with median length and year range.

    Parameters
    ----------
    docs : DataFrame
        The document table from :func:`initiative_lib.load_corpus`.
    by : str or list of str, default="group"
        Metadata column(s) to group by.

    Returns
    -------
    DataFrame
        One row per category: ``documents``, ``segments``, ``tokens``,
        ``median_tokens``, ``first_year``, ``last_year``, ``as_text`` (how many
        ship as text rather than features).

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"group": ["a", "a", "b"], "n_segments": [1, 2, 3], "n_tokens": [10, 30, 5],
    ...                      "year": [2000, 2010, 2020], "text": ["x", None, None]})
    >>> corpus_summary(docs)[["documents", "tokens", "median_tokens", "as_text"]]
           documents  tokens  median_tokens  as_text
    group
    a              2      40           20.0        1
    b              1       5            5.0        0
    """
    missing = {"n_segments", "n_tokens", "year", "text"} - set(docs.columns)
    if missing:
        msg = f"docs lacks columns {sorted(missing)}; pass the table from load_corpus()"
        raise ValueError(msg)
    grouped = docs.groupby(by, observed=True)
    out = grouped.agg(
        documents=("n_tokens", "size"),
        segments=("n_segments", "sum"),
        tokens=("n_tokens", "sum"),
        median_tokens=("n_tokens", "median"),
        first_year=("year", "min"),
        last_year=("year", "max"),
    )
    out["as_text"] = grouped["text"].apply(lambda s: int(s.notna().sum()))
    return out
