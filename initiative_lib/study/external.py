"""External validation of a framing axis: does it separate groups fixed outside the text?

A scaling axis built from a dictionary is only as good as its face validity.
:func:`external_validation` tests it against groups of states defined by what
they *did*, not by what they wrote: members of the Shanghai Cooperation
Organisation (SCO), whose members proposed the International Code of Conduct
for Information Security, against state supporters of the Paris Call for Trust
and Security in Cyberspace. If the axis measures "sovereign and controlled"
against "open and global" rhetoric, SCO members' UN General Debate paragraphs
on cyberspace should score more sovereign than those of Paris Call supporters.

The membership lists are facts with a source and a date, shipped in
``data/external_groups.csv`` and read by :func:`load_external_groups`:

* ``paris_call``: the 81 states listed as supporters in the Paris Call
  website's repository (github.com/ambanum/pariscall.international at commit
  916433b, as mirrored in ``facts/paris-call-state-supporters.csv``); the
  repository's non-standard codes ``MTG``, ``ROM`` and ``SCG`` are recorded as
  Montenegro (``MNE``), Romania (``ROU``) and Serbia (``SRB``). ``since`` is
  the day a state's file first appears in that repository, which starts in
  November 2019: it is not the day a state joined (the United States joined in
  November 2021). The list's as-of date is its latest such day, 2022-02-07.
* ``sco``: full members of the SCO with the day they became members (the six
  founders on 15 June 2001; India and Pakistan on 9 June 2017; Iran on 4 July
  2023; Belarus on 4 July 2024), from the SCO Secretariat, as of 4 July 2024.
  Observers and dialogue partners are not members and are not listed.

A state in both lists (Uzbekistan) is left out of the contrast.

Both :func:`external_validation` and :func:`group_contrast` report the
difference of group means and the AUC (the probability that a random member
of the first group scores above a random member of the second, ties counting
one half) with percentile bootstrap intervals from resampling states within
each group, seeded, and a two-sided Mann-Whitney test.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
from scipy import stats

from initiative_lib.checks import check_int, check_random_state
from initiative_lib.errors import require_columns

#: the shipped membership file
EXTERNAL_GROUPS_FILE = "external_groups.csv"
EXTERNAL_COLUMNS = ["group", "iso3", "country", "since", "source", "as_of", "notes"]
#: the contrast of the external validation: first group expected on the sovereign side
SOVEREIGN_GROUP = "sco"
OPEN_GROUP = "paris_call"
#: the last year of the UN General Debate data: members who joined later are not counted by default
DEBATE_LAST_DAY = "2018-12-31"
CONTRAST_COLUMNS = ["a", "b", "n_a", "n_b", "mean_a", "mean_b", "difference", "difference_low", "difference_high",
                    "auc", "auc_low", "auc_high", "p_value", "n_boot", "ci"]  # fmt: skip
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_external_groups(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and check the membership lists (default: the shipped ``data/external_groups.csv``).

    Raises
    ------
    ValueError
        Naming the file, row, field, value and what was expected, for a
        missing column, an unknown ISO 3166-1 alpha-3 code, a malformed date, a
        source that is not a URL, or a state listed twice in one group.

    Examples
    --------
    >>> groups = load_external_groups()
    >>> sorted(set(groups["group"]))
    ['paris_call', 'sco']
    >>> sorted(groups.loc[groups["group"] == "sco", "iso3"])
    ['BLR', 'CHN', 'IND', 'IRN', 'KAZ', 'KGZ', 'PAK', 'RUS', 'TJK', 'UZB']
    """
    if path is None:
        source = resources.files("initiative_lib.data").joinpath(EXTERNAL_GROUPS_FILE)
        name, text = f"initiative_lib/data/{EXTERNAL_GROUPS_FILE}", source.read_text(encoding="utf-8")
    else:
        name, text = str(path), Path(path).read_text(encoding="utf-8")
    if (name, text) not in _CHECKED:  # checking is a pure function of the file's name and text
        _CHECKED.clear()
        _CHECKED[name, text] = _check_external_groups(name, text)
    return _CHECKED[name, text].copy()


#: the last file checked by :func:`load_external_groups`, by name and text
_CHECKED: dict[tuple[str, str], pd.DataFrame] = {}


def _check_external_groups(name: str, text: str) -> pd.DataFrame:
    table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in EXTERNAL_COLUMNS if c not in table.columns]
    if missing:
        msg = f"{name}: columns {missing} missing; expected {EXTERNAL_COLUMNS}"
        raise ValueError(msg)
    for i, rec in enumerate(table.to_dict("records"), start=2):
        where = f"{name}, row {i}"
        if not re.fullmatch(r"[a-z_]+", rec["group"]):
            msg = f"{where}, field group: value {rec['group']!r}; expected a lower-case identifier"
            raise ValueError(msg)
        if pycountry.countries.get(alpha_3=rec["iso3"]) is None:
            msg = f"{where}, field iso3: value {rec['iso3']!r}; expected an ISO 3166-1 alpha-3 code"
            raise ValueError(msg)
        for field in ("since", "as_of"):
            if not _DATE_RE.match(rec[field]):
                msg = f"{where}, field {field}: value {rec[field]!r}; expected an ISO date YYYY-MM-DD"
                raise ValueError(msg)
        if not rec["source"].startswith("https://"):
            msg = f"{where}, field source: value {rec['source']!r}; expected an https:// URL"
            raise ValueError(msg)
    dup = table.duplicated(["group", "iso3"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0]) + 2
        code, group = table["iso3"].iloc[i - 2], table["group"].iloc[i - 2]
        msg = f"{name}, row {i}, field iso3: {code!r} listed twice in group {group!r}; expected each state once"
        raise ValueError(msg)
    return table[EXTERNAL_COLUMNS]


def contrast_members(
    groups: pd.DataFrame,
    a: str = SOVEREIGN_GROUP,
    b: str = OPEN_GROUP,
    *,
    as_of: str | None = DEBATE_LAST_DAY,
) -> tuple[list[str], list[str], list[str]]:
    """The ISO3 codes of two groups, members by ``as_of``, without states in both.

    Returns
    -------
    (members of a, members of b, states in both and left out of both)

    Examples
    --------
    >>> sco, paris, both = contrast_members(load_external_groups())
    >>> both, "IRN" in sco, "IND" in sco, len(paris)
    (['UZB'], False, True, 80)
    """
    require_columns(groups, ["group", "iso3", "since"], "groups", "load_external_groups()")
    for g in (a, b):
        if g not in set(groups["group"]):
            msg = f"group {g!r} not in the membership table; available: {sorted(set(groups['group']))}"
            raise ValueError(msg)
    sel = groups
    if as_of is not None:
        if not isinstance(as_of, str) or not _DATE_RE.match(as_of):
            msg = f"as_of must be an ISO date YYYY-MM-DD or None; got {as_of!r}"
            raise ValueError(msg)
        # the Paris Call list's dates are not joining dates: only the SCO's are used to filter
        dated = sel["group"] == SOVEREIGN_GROUP
        sel = sel[~dated | (sel["since"] <= as_of)]
    set_a = set(sel.loc[sel["group"] == a, "iso3"])
    set_b = set(sel.loc[sel["group"] == b, "iso3"])
    both = sorted(set_a & set_b)
    return sorted(set_a - set_b), sorted(set_b - set_a), both


def _auc(x: np.ndarray, y: np.ndarray) -> float:
    """P(X > Y) + 0.5 P(X = Y), over all pairs."""
    diff = x[:, None] - y[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def group_contrast(
    scores: pd.Series,
    a_members: list[str],
    b_members: list[str],
    *,
    a: str = SOVEREIGN_GROUP,
    b: str = OPEN_GROUP,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Difference of means and AUC of two groups' scores, with bootstrap intervals.

    Parameters
    ----------
    scores : Series
        One score per unit (e.g. a country's position), indexed by unit id.
    a_members, b_members : list of str
        Ids of the two groups; ids without a score are ignored.
    a, b : str
        Names of the groups, for the table.
    n_boot : int
        Bootstrap resamples; units are resampled with replacement within each group.
    ci : float
        Interval coverage.
    random_state : int, Generator or None

    Returns
    -------
    DataFrame
        One row, :data:`CONTRAST_COLUMNS`: ``difference`` = mean of ``a``
        minus mean of ``b``; ``auc`` = P(a unit of ``a`` scores above one of
        ``b``); ``p_value`` of the two-sided Mann-Whitney test.

    Raises
    ------
    ValueError
        If a group has fewer than two scored units, or a score is not finite.

    Examples
    --------
    >>> s = pd.Series({"x1": 3.0, "x2": 2.0, "y1": 1.0, "y2": 0.0, "y3": 2.0})
    >>> out = group_contrast(s, ["x1", "x2"], ["y1", "y2", "y3"], n_boot=0)
    >>> out[["n_a", "n_b", "difference", "auc"]].round(3).values.tolist()
    [[2.0, 3.0, 1.5, 0.917]]
    """
    if not isinstance(scores, pd.Series):
        msg = f"scores must be a pandas Series indexed by unit id; got {type(scores).__name__}"
        raise TypeError(msg)
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    if not 0 < ci < 1:
        msg = f"ci must be between 0 and 1; got {ci!r}"
        raise ValueError(msg)
    xa = scores.reindex([m for m in a_members if m in scores.index]).to_numpy(dtype=float)
    xb = scores.reindex([m for m in b_members if m in scores.index]).to_numpy(dtype=float)
    for name, x in ((a, xa), (b, xb)):
        if len(x) < 2:
            msg = f"group {name!r} has {len(x)} scored units; expected at least 2"
            raise ValueError(msg)
        if not np.isfinite(x).all():
            msg = f"group {name!r} has scores that are not finite; expected finite numbers"
            raise ValueError(msg)
    rng = check_random_state(random_state)
    diff, auc = float(xa.mean() - xb.mean()), _auc(xa, xb)
    bounds = [np.nan] * 4
    if n_boot:
        ia = rng.integers(0, len(xa), size=(n_boot, len(xa)))
        ib = rng.integers(0, len(xb), size=(n_boot, len(xb)))
        bd = xa[ia].mean(axis=1) - xb[ib].mean(axis=1)
        ba = np.array([_auc(xa[i], xb[j]) for i, j in zip(ia, ib, strict=True)])
        q = [(1 - ci) / 2, 1 - (1 - ci) / 2]
        bounds = [*np.quantile(bd, q), *np.quantile(ba, q)]
    p = float(stats.mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
    row = [a, b, len(xa), len(xb), float(xa.mean()), float(xb.mean()), diff, bounds[0], bounds[1], auc,
           bounds[2], bounds[3], p, n_boot, ci]  # fmt: skip
    return pd.DataFrame([row], columns=CONTRAST_COLUMNS)


def external_validation(
    positions: pd.DataFrame,
    *,
    groups: pd.DataFrame | None = None,
    scores: tuple[str, ...] = ("position", "sovereign_rate", "open_rate"),
    a: str = SOVEREIGN_GROUP,
    b: str = OPEN_GROUP,
    as_of: str | None = DEBATE_LAST_DAY,
    min_tokens: int = 0,
    n_boot: int = 2000,
    ci: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Test whether framing scores of countries separate two externally defined groups.

    Parameters
    ----------
    positions : DataFrame
        One row per country: ``doc_id`` (ISO3 code, as ``by_country`` gives),
        ``n_tokens``, ``open_matches``, ``sovereign_matches`` and
        ``position`` (the output of :func:`~initiative_lib.study.framing.axis_positions`
        on the rates of the General Debate's cyber paragraphs by country).
    groups : DataFrame, optional
        Membership table (default: :func:`load_external_groups`).
    scores : tuple of str
        Which scores to test: ``position`` (log ratio), ``sovereign_rate`` and
        ``open_rate`` (matches per 1,000 tokens).
    a, b : str
        The group expected on the sovereign side, and the other.
    as_of : str or None
        Count SCO members who had joined by this day (default: the end of
        the General Debate data, 2018).
    min_tokens : int
        Leave out countries with fewer tokens of cyber paragraphs.
    n_boot, ci, random_state
        As in :func:`group_contrast` (one generator for all scores, in order).

    Returns
    -------
    DataFrame
        One row per score: ``score`` plus :data:`CONTRAST_COLUMNS`, and
        ``left_out`` (states in both groups).

    Examples
    --------
    >>> pos = pd.DataFrame({"doc_id": ["CHN", "RUS", "FRA", "DEU", "USA"], "n_tokens": [100] * 5,
    ...                     "open_matches": [1, 0, 3, 2, 4], "sovereign_matches": [4, 5, 1, 1, 0]})
    >>> pos["position"] = np.log((pos["sovereign_matches"] + 0.5) / (pos["open_matches"] + 0.5))
    >>> out = external_validation(pos, n_boot=0)
    >>> out[["score", "n_a", "n_b", "auc"]].values.tolist()
    [['position', 2, 3, 1.0], ['sovereign_rate', 2, 3, 1.0], ['open_rate', 2, 3, 0.0]]
    """
    require_columns(
        positions,
        ["doc_id", "n_tokens", "open_matches", "sovereign_matches", "position"],
        "positions",
        "axis_positions() of the debate's cyber paragraphs by country",
    )
    min_tokens = check_int(min_tokens, "min_tokens", minimum=0)
    table = load_external_groups() if groups is None else groups
    a_members, b_members, both = contrast_members(table, a, b, as_of=as_of)
    pos = positions[positions["n_tokens"] >= min_tokens]
    pos = pos.set_index(pos["doc_id"].astype(str))
    available = {
        "position": pos["position"],
        "sovereign_rate": 1000 * pos["sovereign_matches"] / pos["n_tokens"],
        "open_rate": 1000 * pos["open_matches"] / pos["n_tokens"],
    }
    unknown = [s for s in scores if s not in available]
    if unknown:
        msg = f"scores {unknown} unknown; expected some of {list(available)}"
        raise ValueError(msg)
    rng = check_random_state(random_state)
    blocks = []
    for name in scores:
        res = group_contrast(available[name], a_members, b_members, a=a, b=b, n_boot=n_boot, ci=ci, random_state=rng)
        blocks.append(res.assign(score=name, left_out=",".join(both)))
    out = pd.concat(blocks, ignore_index=True)
    return out[["score", *CONTRAST_COLUMNS, "left_out"]]
