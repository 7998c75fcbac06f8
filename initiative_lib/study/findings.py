"""Findings tables: the numbers a notebook's Findings state, printed by a code cell.

Prose drifts from outputs; a table printed by the notebook does not (strict
nbval compares it at every run). :func:`finding` records one finding: its
value, an interval, the test or reference behind it, and its status;
:func:`findings_table` puts them in one DataFrame, printed right before the
Findings cell. A notebook's prose then only reads the table.

Status
------
``"robust"``: the finding holds under every specification of notebook 05 (or
does not depend on them); ``"fragile"``: it changes under at least one, or is
not separable from a known confound (length); ``"descriptive"``: a count or
property of the text, not an inference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

FINDINGS_COLUMNS = ["finding", "value", "interval", "test", "status"]
#: allowed values of a finding's ``status``
STATUSES: tuple[str, ...] = ("robust", "fragile", "descriptive")


def _fmt(value: object, digits: int) -> str:
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return "nan" if np.isnan(value) else f"{float(value):,.{digits}f}"
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
    """One row of a findings table, with numbers formatted to ``digits`` decimals.

    Parameters
    ----------
    name : str
        What is found, in a few words.
    value : number or str
        The value the prose quotes (ints get thousands separators, floats
        ``digits`` decimals, anything else its ``str``).
    interval : (low, high), optional
        Its interval, written ``[low, high]``.
    test : str
        The test, reference distribution or source behind it.
    status : {"robust", "fragile", "descriptive"}
        See the module docstring.
    digits : int
        Decimals of float values and interval ends.

    Examples
    --------
    >>> row = finding("cooperation rate", 26.9709, interval=(14.36, 46.12), test="Garwood 95%", status="robust")
    >>> row["value"], row["interval"], row["status"]
    ('26.97', '[14.36, 46.12]', 'robust')
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


def findings_table(rows: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    """The rows of :func:`finding` as one table indexed by ``finding``.

    Examples
    --------
    >>> t = findings_table([finding("tokens", 482), finding("zero categories", "4 of 11", status="robust")])
    >>> t["value"].to_dict()
    {'tokens': '482', 'zero categories': '4 of 11'}
    """
    if isinstance(rows, Mapping) or not isinstance(rows, Sequence) or not rows:
        msg = "rows must be a non-empty list of finding(...) rows"
        raise TypeError(msg)
    for r in rows:
        if not isinstance(r, Mapping) or set(r) != set(FINDINGS_COLUMNS):
            msg = f"every row must be a finding(...) with keys {FINDINGS_COLUMNS}; got {r!r}"
            raise ValueError(msg)
    table = pd.DataFrame(list(rows), columns=FINDINGS_COLUMNS)
    if table["finding"].duplicated().any():
        msg = f"findings must be unique; repeated: {sorted(set(table['finding'][table['finding'].duplicated()]))}"
        raise ValueError(msg)
    return table.set_index("finding")


#: a topic is stable when its median matched similarity across seeds is at least this ...
STABLE_MEDIAN = 0.7
#: ... and it recurs (similarity >= the table's threshold) in at least this share of the other runs
STABLE_RECURRENCE = 0.8


def mark_stable(
    stability: pd.DataFrame, *, min_median: float = STABLE_MEDIAN, min_recurrence: float = STABLE_RECURRENCE
) -> pd.DataFrame:
    """Add a ``stable`` column to a seed-stability table: the topics that may carry a claim.

    The rule of notebook 07: median matched similarity at least ``min_median``
    and recurrence at least ``min_recurrence``
    (:func:`~initiative_lib.topics.stability.seed_stability` gives both). The
    threshold is a convention; state it beside any claim.

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
