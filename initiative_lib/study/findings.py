"""Findings tables: every number a notebook's prose states, printed by code.

A notebook's *Findings* section is prose; prose drifts from the outputs when
the data or the code change. The notebooks therefore print, right before
their findings, a small table built here: one row per finding with its value,
its interval (where there is one), the test behind a directional claim, and
its status:

``robust``
    the same under every specification of notebook 05;
``fragile``
    changes under at least one of them;
``descriptive``
    a count or a fact about the corpus, not an estimate;
``validated``
    a measurement checked against something outside the text (say how);
``unvalidated``
    a measurement not (yet) checked;
``not a finding``
    a number shown so that nobody reads a claim into it.

Strict nbval compares the printed table with the stored output, so a number in
the prose that no longer matches the data fails the notebook's check.

:func:`findings_table` builds and formats such a table for any notebook,
:func:`stack_findings` joins several;
:func:`robustness_findings` summarises the robustness table of notebook 05.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

#: the statuses a finding may have (see the module docstring)
STATUSES = ("robust", "fragile", "descriptive", "validated", "unvalidated", "not a finding")
#: the columns of a findings table
FINDINGS_COLUMNS = ["finding", "value", "interval", "test", "status"]


def format_number(value: object, digits: int = 3) -> str:
    """A number as the findings tables print it: integers as they are, reals rounded to ``digits``.

    Strings pass through; ``None`` and NaN become an empty string.

    Examples
    --------
    >>> format_number(3), format_number(0.123456), format_number(2.5, digits=1), format_number("7 of 85")
    ('3', '0.123', '2.5', '7 of 85')
    >>> format_number(float("nan"))
    ''
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        x = float(value)
        return "" if np.isnan(x) else f"{x:.{digits}f}"
    msg = f"value must be a number, a string or None; got {type(value).__name__} {value!r}"
    raise TypeError(msg)


def format_p(p: float) -> str:
    """A p-value as the findings tables print it: three decimals, or ``< 0.001``.

    Examples
    --------
    >>> format_p(0.0629), format_p(0.00002), format_p(1.0)
    ('0.063', '< 0.001', '1.000')
    """
    if isinstance(p, bool) or not isinstance(p, Real) or not 0 <= float(p) <= 1:
        msg = f"p must be a probability in [0, 1]; got {p!r}"
        raise ValueError(msg)
    return "< 0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def _interval(value: object, digits: int) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, Sequence | np.ndarray) and len(value) == 2:
        low, high = (format_number(v, digits) for v in value)
        return f"[{low}, {high}]" if low and high else ""
    msg = f"interval must be a (low, high) pair, a string or None; got {value!r}"
    raise ValueError(msg)


def _numbered(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` numbered 1..n, after checking that no finding appears twice."""
    dup = table["finding"][table["finding"].duplicated()].tolist()
    if dup:
        msg = f"findings must be unique; repeated: {dup}"
        raise ValueError(msg)
    table.index = pd.RangeIndex(1, len(table) + 1)
    return table


def findings_table(rows: Iterable[Mapping[str, Any]], *, digits: int = 3) -> pd.DataFrame:
    """A findings table: one row per finding, with value, interval, test and status.

    Parameters
    ----------
    rows : iterable of mappings
        Each with ``finding`` (str) and ``value`` (a number or str), and
        optionally ``interval`` (a ``(low, high)`` pair or a str), ``test``
        (str: the test behind a directional claim, e.g. ``"exact, Holm p = 0.002"``),
        ``status`` (one of :data:`STATUSES`) and ``digits`` (this row's rounding).
    digits : int
        Decimals for real numbers (default 3).

    Returns
    -------
    DataFrame
        :data:`FINDINGS_COLUMNS`, all as strings, indexed 1..n.

    Raises
    ------
    ValueError
        A row without ``finding`` or ``value``, with an unknown key or status,
        or two rows with the same finding.

    Examples
    --------
    >>> t = findings_table([
    ...     {"finding": "documents", "value": 268, "status": "descriptive"},
    ...     {"finding": "rate ratio", "value": 3.4862, "interval": (1.8551, 5.966), "test": "exact",
    ...      "status": "robust", "digits": 1},
    ... ])
    >>> print(t.to_string())
          finding value    interval   test       status
    1   documents   268                     descriptive
    2  rate ratio   3.5  [1.9, 6.0]  exact       robust
    """
    allowed = {*FINDINGS_COLUMNS, "digits"}
    out = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            msg = f"findings row {i}: expected a mapping with 'finding' and 'value'; got {type(row).__name__}"
            raise ValueError(msg)
        unknown = sorted(set(row) - allowed)
        if unknown or "finding" not in row or "value" not in row:
            msg = (
                f"findings row {i}: keys must include 'finding' and 'value' and be among {sorted(allowed)}; "
                f"got {sorted(row)}"
            )
            raise ValueError(msg)
        status = row.get("status", "")
        if status and status not in STATUSES:
            msg = f"findings row {i} ({row['finding']!r}): status must be one of {STATUSES}; got {status!r}"
            raise ValueError(msg)
        d = int(row.get("digits", digits))
        out.append(
            {
                "finding": str(row["finding"]),
                "value": format_number(row["value"], d),
                "interval": _interval(row.get("interval"), d),
                "test": str(row.get("test", "") or ""),
                "status": status,
            }
        )
    table = pd.DataFrame(out, columns=FINDINGS_COLUMNS)
    return _numbered(table)


def stack_findings(*tables: pd.DataFrame) -> pd.DataFrame:
    """Several findings tables as one (numbered 1..n; findings must stay unique).

    Examples
    --------
    >>> a = findings_table([{"finding": "x", "value": 1}])
    >>> b = findings_table([{"finding": "y", "value": 2.5}])
    >>> stack_findings(a, b)[["finding", "value"]]
      finding  value
    1       x      1
    2       y  2.500
    """
    bad = [i for i, t in enumerate(tables) if not isinstance(t, pd.DataFrame) or list(t.columns) != FINDINGS_COLUMNS]
    if not tables or bad:
        msg = f"expected findings tables (columns {FINDINGS_COLUMNS}); tables {bad} are not"
        raise ValueError(msg)
    table = pd.concat(tables, ignore_index=True)
    return _numbered(table)


def robustness_findings(
    table: pd.DataFrame, *, reference: str = "headline", highlight: Sequence[str] = (), digits: int = 3
) -> pd.DataFrame:
    """The findings of a robustness table (:func:`~initiative_lib.study.robustness.robustness_table`).

    A finding is ``robust`` when it is the same under every specification and
    ``fragile`` otherwise.

    Parameters
    ----------
    table : DataFrame
        One row per specification: ``specification``, ``nearest_group``,
        ``js_<group>`` columns, ``top_topic``, ``top_topic_share`` and
        ``match_to_headline``.
    reference : str
        The specification the others are compared with.
    highlight : list of str
        Specifications whose nearest group gets a row of its own (e.g. a
        date filter), marked robust when it is the reference's.
    digits : int
        Decimals of the distances and shares.

    Returns
    -------
    DataFrame
        A :func:`findings_table`: the specifications counted; the nearest
        group (how often each); the groups never nearest; each group's range of
        distances; the dominant topic (how many specifications give it the
        reference's label, and its share's range); how closely each
        specification's dominant topic matches one of the reference's topics
        (where the vocabulary is the reference's: robust only if every match
        is at least 0.9).

    Examples
    --------
    >>> t = pd.DataFrame({"specification": ["headline", "seed 2"], "nearest_group": ["a", "a"],
    ...                   "js_a": [0.3, 0.35], "js_b": [0.5, 0.45], "top_topic": ["1: x", "4: y"],
    ...                   "top_topic_share": [0.3, 0.2], "match_to_headline": [1.0, 0.55]})
    >>> robustness_findings(t)[["finding", "value", "status"]].head(3)
                      finding value       status
    1          specifications     2  descriptive
    2           nearest group  a: 2       robust
    3  groups never nearest          b       robust
    """
    need = ["specification", "nearest_group", "top_topic", "top_topic_share", "match_to_headline"]
    missing = [c for c in need if c not in table.columns]
    js = [c for c in table.columns if c.startswith("js_")]
    if missing or not js or table.empty:
        msg = f"table must be a robustness table with {need} and js_<group> columns; missing {missing or 'js_*'}"
        raise ValueError(msg)
    specs = table.set_index("specification")
    if reference not in specs.index:
        msg = f"reference {reference!r} is not a specification of the table ({list(specs.index)})"
        raise ValueError(msg)
    n = len(specs)
    nearest = specs["nearest_group"].value_counts()
    groups = [c.removeprefix("js_") for c in js]
    never = [g for g in groups if g not in nearest.index]
    ref = specs.loc[reference]
    same_top = int((specs["top_topic"] == ref["top_topic"]).sum())
    matched = specs["match_to_headline"].drop(reference).dropna()
    rows: list[dict[str, Any]] = [
        {"finding": "specifications", "value": n, "status": "descriptive"},
        {
            "finding": "nearest group",
            "value": ", ".join(f"{g}: {int(c)}" for g, c in nearest.items()),
            "status": "robust" if len(nearest) == 1 else "fragile",
        },
        {"finding": "groups never nearest", "value": ", ".join(never) or "none", "status": "robust"},
    ]
    for name in highlight:
        if name not in specs.index:
            msg = f"highlight {name!r} is not a specification of the table ({list(specs.index)})"
            raise ValueError(msg)
        group = specs.loc[name, "nearest_group"]
        same = group == ref["nearest_group"]
        rows.append(
            {
                "finding": f"nearest group, {name}",
                "value": str(group),
                "test": f"{'same as' if same else 'differs from'} {reference}",
                "status": "robust" if same else "fragile",
            }
        )
    for g, c in zip(groups, js, strict=True):
        rows.append(
            {
                "finding": f"distance to {g} (Jensen-Shannon)",
                "value": float(ref[c]),
                "interval": (float(specs[c].min()), float(specs[c].max())),
                "test": "range over specifications",
                "status": "descriptive",
            }
        )
    rows += [
        {
            "finding": f"dominant topic's label as in {reference}",
            "value": f"{same_top} of {n}",
            "status": "robust" if same_top == n else "fragile",
        },
        {
            "finding": "dominant topic's share",
            "value": float(ref["top_topic_share"]),
            "interval": (float(specs["top_topic_share"].min()), float(specs["top_topic_share"].max())),
            "test": "range over specifications",
            "status": "robust" if same_top == n else "fragile",
        },
        {
            "finding": f"dominant topic's match to a {reference} topic (cosine)",
            "value": ", ".join(f"{s} {v:.2f}" for s, v in matched.items()) or "none comparable",
            "test": "Hungarian alignment, same vocabulary only",
            "status": "robust" if len(matched) and bool((matched >= 0.9).all()) else "fragile",
        },
    ]
    return findings_table(rows, digits=digits)


def _fmt(value: object, digits: int) -> str:
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Real):
        return "nan" if np.isnan(float(value)) else f"{float(value):,.{digits}f}"
    return str(value)


def finding(
    name: str,
    value: object,
    *,
    interval: tuple[float, float] | None = None,
    test: str = "",
    status: str = "descriptive",
    digits: int = 2,
) -> dict[str, str]:
    """One row for :func:`findings_table`, its numbers formatted here (thousands separators, ``digits`` decimals).

    Parameters
    ----------
    name : str
        What is found, in a few words.
    value : number or str
        The value the prose quotes.
    interval : (low, high), optional
        Its interval, written ``[low, high]``.
    test : str
        The test, reference distribution or source behind it.
    status : str
        One of :data:`STATUSES`.
    digits : int
        Decimals of float values and interval ends.

    Examples
    --------
    >>> row = finding("cooperation rate", 26.9709, interval=(14.36, 46.12), test="Garwood 95%", status="robust")
    >>> row["value"], row["interval"], row["status"]
    ('26.97', '[14.36, 46.12]', 'robust')
    >>> findings_table([row, finding("tokens", 1482)])["value"].tolist()
    ['26.97', '1,482']
    """
    if not isinstance(name, str) or not name:
        msg = f"name must be a non-empty string; got {name!r}"
        raise TypeError(msg)
    if status not in STATUSES:
        msg = f"status must be one of {list(STATUSES)}; got {status!r}"
        raise ValueError(msg)
    if interval is None:
        shown = ""
    else:
        if len(interval) != 2:
            msg = f"interval must be a pair (low, high); got {interval!r}"
            raise ValueError(msg)
        shown = f"[{_fmt(float(interval[0]), digits)}, {_fmt(float(interval[1]), digits)}]"
    return {"finding": name, "value": _fmt(value, digits), "interval": shown, "test": str(test), "status": status}


#: a topic is stable when its median matched similarity across seeds is at least this ...
STABLE_MEDIAN = 0.7
#: ... and it recurs (similarity >= the table's threshold) in at least this share of the other runs
STABLE_RECURRENCE = 0.8


def mark_stable(
    stability: pd.DataFrame, *, min_median: float = STABLE_MEDIAN, min_recurrence: float = STABLE_RECURRENCE
) -> pd.DataFrame:
    """Add a ``stable`` column to a seed-stability table: the topics that may carry a claim.

    Median matched similarity at least ``min_median`` and recurrence at least
    ``min_recurrence`` (:func:`~initiative_lib.topics.stability.seed_stability`
    gives both). The threshold is a convention; state it beside any claim.

    Examples
    --------
    >>> st = pd.DataFrame({"topic": [0, 1, 2], "median_similarity": [0.9, 0.75, 0.95], "recurrence": [1.0, 0.7, 0.8]})
    >>> mark_stable(st)["stable"].tolist()
    [True, False, True]
    """
    missing = {"median_similarity", "recurrence"} - set(stability.columns)
    if missing:
        msg = f"stability needs columns median_similarity and recurrence (seed_stability); missing {sorted(missing)}"
        raise ValueError(msg)
    out = stability.copy()
    out["stable"] = (out["median_similarity"] >= min_median) & (out["recurrence"] >= min_recurrence)
    return out
