"""Framing profiles and a two-axis framing map ("sovereign and controlled" against "open and global").

The framing lexicon (``data/framing_lexicon.csv``, see ``data/FRAMING_LEXICON.md``)
counts ten frames. This module combines them in two ways:

* :func:`framing_profiles`: the rate of every category per group with
  bootstrap intervals, resampling documents in groups of several documents and
  segments in a group of one document (the initiative), so that every group
  gets an interval that reflects the variation it actually has;
* :data:`FRAMING_AXES` and :func:`framing_axes`: two composite axes per
  document, with intervals from resampling its segments, for a map in the
  spirit of New America's *Digital Deciders* (below); :func:`group_means` and
  :func:`plot_framing_map` summarise and draw it.

The two axes
------------
Morgus, Woolbright and Sherman (2018) place states on a spectrum between an
"open, global" internet (governed with non-state stakeholders, rights-based)
and a "sovereign, controlled" one (state authority over networks and content).
:data:`FRAMING_AXES` turns that contrast into vocabulary that the lexicon counts:

* **sovereign and controlled** = ``sovereignty`` (state authority,
  non-interference, jurisdiction, one's own development path, public order)
  + ``state_control`` (the vocabulary of "information security" doctrine:
  information space and weapons, social and political stability, harmful
  information, extremism and separatism);
* **open and global** = ``multistakeholder`` (governance shared with business,
  civil society and the technical community) + ``human_rights`` (freedom of
  expression, privacy: limits on state control).

Version 0.2.0 had ``security`` and ``multilateralism`` on the sovereign axis
and ``economy`` on the open one. That design failed face validity: threat
words (peace, stability, attacks) dominate every cybersecurity strategy, so
the Paris Call outscored the Russian doctrine on "sovereign" and 80 of 85
strategies scored above it; economy words made China's General Debate
paragraphs the most "open". The present design was iterated against fixed
criteria (the Russian doctrine and Shanghai Cooperation Organisation members
on the sovereign side, the Paris Call and its state supporters on the open
side; :mod:`initiative_lib.study.external`) and passes them, but because the
criteria guided the design, its validation is in-sample: see notebook 07.
``cooperation`` (slogans and circular entries removed from the lexicon) is
claimed by both camps and is on neither axis; it is reported as its own rate.
Frames both camps claim stay off the axes: ``cooperation``, ``security``,
``development``, ``economy``, ``capacity_building``, ``international_law``
and ``multilateralism`` (the UN is invoked by both sides).

This is an **operationalisation of rhetoric**, not a measurement of regime
type, internet policy or of where a state stands in practice. The two axes are
two rates, not two ends of one scale: long official texts can score high on
both, a text about something else low on both. :func:`axis_positions` gives
the one-dimensional *position* ``log((S + 0.5) / (O + 0.5))`` of sovereign
(S) against open (O) matches, which does not grow with how much a text says
about governance at all. :func:`entry_influence` shows how much each lexicon
entry moves a result (leave one entry out).

References
----------
Morgus, R., Woolbright, J. and Sherman, J. (2018). *The Digital Deciders: How a
group of often overlooked countries could hold the keys to the future of the
global internet*. Washington, DC: New America.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from initiative_lib.checks import check_int, check_random_state
from initiative_lib.constants import PER
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.corpus.schema import GROUP_ORDER
from initiative_lib.errors import require_columns
from initiative_lib.methods.dictionaries import as_lexicon, dictionary_rates, group_rates

#: the two composite axes: the first is drawn as x, the second as y
FRAMING_AXES: dict[str, tuple[str, ...]] = {
    "open_global": ("multistakeholder", "human_rights"),
    "sovereign_controlled": ("sovereignty", "state_control"),
}
#: added to both match counts of the position, so that zero counts give a finite log ratio
POSITION_SMOOTHING = 0.5
POSITION_COLUMNS = ["doc_id", "n_segments", "n_tokens", "open_matches", "sovereign_matches", "position",
                    "position_low", "position_high"]  # fmt: skip
#: axis titles for plots
AXIS_LABELS: dict[str, str] = {"open_global": "open and global", "sovereign_controlled": "sovereign and controlled"}
AXES_COLUMNS = ["doc_id", "n_segments", "n_tokens", "x_matches", "y_matches", "x", "y",
                "x_low", "x_high", "y_low", "y_high"]  # fmt: skip


def _check_rates(rates: pd.DataFrame, needed: Sequence[str]) -> None:
    require_columns(rates, needed, "rates", "the output of dictionary_rates()")


def check_axes(axes: Mapping[str, Sequence[str]], categories: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Check an axes definition against the available categories; return its items.

    Examples
    --------
    >>> check_axes({"a": ["x"], "b": ("y", "z")}, ["x", "y", "z"])
    [('a', ('x',)), ('b', ('y', 'z'))]
    """
    if not isinstance(axes, Mapping) or len(axes) != 2:
        msg = f"axes must map exactly two axis names to lexicon categories; got {axes!r}"
        raise ValueError(msg)
    items = []
    for name, cats in axes.items():
        if isinstance(cats, str) or not isinstance(cats, Sequence) or len(cats) == 0:
            msg = f"axis {name!r} must list one or more lexicon categories (a list or tuple); got {cats!r}"
            raise ValueError(msg)
        unknown = [c for c in cats if c not in set(categories)]
        if unknown:
            msg = f"axis {name!r} names categories {unknown} missing from rates; available: {sorted(set(categories))}"
            raise ValueError(msg)
        if len(set(cats)) != len(cats):
            msg = f"axis {name!r} lists a category twice: {list(cats)}"
            raise ValueError(msg)
        items.append((str(name), tuple(cats)))
    shared = set(items[0][1]) & set(items[1][1])
    if shared:
        msg = f"a category can belong to one axis only; both axes list {sorted(shared)}"
        raise ValueError(msg)
    return items


def framing_axes(
    rates: pd.DataFrame,
    axes: Mapping[str, Sequence[str]] = FRAMING_AXES,
    *,
    n_boot: int = 500,
    ci: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Each document's position on two composite framing axes, per 1,000 tokens.

    An axis' score is the matches of its categories summed, over the
    document's tokens, times 1,000 (``x`` for the first axis of ``axes``,
    ``y`` for the second). With segment-level ``rates`` the interval comes
    from a percentile bootstrap over the document's segments (resampled with
    replacement, ``n_boot`` times, the same draws for both axes); a document
    of a single segment, document-level ``rates`` or ``n_boot=0`` give NaN
    bounds. Resampling segments treats them as independent, which they are
    not quite: read the intervals as a lower bound on the uncertainty.

    Parameters
    ----------
    rates : DataFrame
        Output of :func:`~initiative_lib.methods.dictionaries.dictionary_rates`
        (``doc_id``, optionally ``seg_no``, ``category``, ``matches``,
        ``n_tokens``), with every category the axes name.
    axes : mapping
        Two axis names, each to a sequence of categories; a category may
        belong to one axis only. Default :data:`FRAMING_AXES`.
    n_boot : int
        Bootstrap resamples (0: no intervals).
    ci : float
        Interval coverage, in (0, 1).
    random_state : int or Generator, optional
        Seed of the resampling (documents are resampled in order of first
        appearance, so results are reproducible).

    Returns
    -------
    DataFrame
        :data:`AXES_COLUMNS`, one row per document in order of first
        appearance: ``n_segments``, ``n_tokens``, the summed matches
        ``x_matches``/``y_matches``, ``x``/``y`` and the bounds. A document
        without tokens gets NaN scores.

    Raises
    ------
    ValueError
        For missing columns, an axes definition that is not two disjoint,
        non-empty lists of known categories, or a bad ``n_boot``/``ci``.

    Examples
    --------
    >>> rates = pd.DataFrame({
    ...     "doc_id": ["a"] * 6, "seg_no": [1, 1, 1, 2, 2, 2],
    ...     "category": ["p", "q", "r"] * 2, "matches": [2, 1, 5, 0, 3, 1], "n_tokens": [100] * 3 + [300] * 3})
    >>> out = framing_axes(rates, {"left": ["p", "q"], "right": ["r"]}, n_boot=0)
    >>> out[["doc_id", "n_tokens", "x_matches", "y_matches", "x", "y"]]
      doc_id  n_tokens  x_matches  y_matches    x     y
    0      a       400          6          6  15.0  15.0
    """
    _check_rates(rates, ["doc_id", "category", "matches", "n_tokens"])
    (_, x_cats), (_, y_cats) = check_axes(axes, list(dict.fromkeys(rates["category"])))
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    if not 0 < ci < 1:
        msg = f"ci must be between 0 and 1; got {ci!r}"
        raise ValueError(msg)
    rng = check_random_state(random_state)
    keys = ["doc_id", "seg_no"] if "seg_no" in rates.columns else ["doc_id"]
    found = _axis_matches(rates, keys, x_cats, y_cats)
    units, mx, my = found if found is not None else _axis_matches_reference(rates, keys, x_cats, y_cats)
    tokens = units["n_tokens"].to_numpy(dtype=float)
    codes, doc_ids = pd.factorize(units["doc_id"])
    lo_q, hi_q = (1 - ci) / 2, 1 - (1 - ci) / 2
    records = []
    for d, doc_id in enumerate(doc_ids):
        idx = np.flatnonzero(codes == d)
        n_tok = tokens[idx].sum()
        sx, sy = mx[idx].sum(), my[idx].sum()
        x = PER * sx / n_tok if n_tok > 0 else np.nan
        y = PER * sy / n_tok if n_tok > 0 else np.nan
        bounds = [np.nan] * 4
        if n_boot and len(idx) > 1 and n_tok > 0:
            draws = idx[rng.integers(0, len(idx), size=(n_boot, len(idx)))]
            bt = tokens[draws].sum(axis=1)
            ok = bt > 0
            bx = PER * mx[draws].sum(axis=1)[ok] / bt[ok]
            by = PER * my[draws].sum(axis=1)[ok] / bt[ok]
            (xl, xh), (yl, yh) = np.quantile(bx, [lo_q, hi_q]), np.quantile(by, [lo_q, hi_q])
            bounds = [xl, xh, yl, yh]
        records.append((doc_id, len(idx), int(n_tok), round(float(sx)), round(float(sy)), x, y, *bounds))
    return pd.DataFrame(records, columns=AXES_COLUMNS)


def _duplicate_rows_error(keys: list[str]) -> ValueError:
    return ValueError(
        f"rates has more than one row per {[*keys, 'category']}; expected the output of dictionary_rates()"
    )


def _axis_matches_reference(
    rates: pd.DataFrame, keys: list[str], x_cats: tuple[str, ...], y_cats: tuple[str, ...]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The units (``keys`` and ``n_tokens``, in order of first appearance) and their matches on each axis."""
    if rates.duplicated([*keys, "category"]).any():
        raise _duplicate_rows_error(keys)
    units = rates.drop_duplicates(keys)[[*keys, "n_tokens"]].reset_index(drop=True)
    wide = rates.pivot_table(index=keys, columns="category", values="matches", aggfunc="sum", sort=False)
    wide = wide.reindex(pd.MultiIndex.from_frame(units[keys]) if len(keys) > 1 else units["doc_id"])
    mx = wide[list(x_cats)].fillna(0).to_numpy(dtype=float).sum(axis=1)
    my = wide[list(y_cats)].fillna(0).to_numpy(dtype=float).sum(axis=1)
    return units, mx, my


def _axis_matches(
    rates: pd.DataFrame, keys: list[str], x_cats: tuple[str, ...], y_cats: tuple[str, ...]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """:func:`_axis_matches_reference` with arrays instead of a pivot table, for integer matches and complete keys.

    Integer matches make the axis sums exact in any order; ``None`` sends other input
    (missing keys, fractional or missing matches) to the reference.
    """
    matches = rates["matches"].to_numpy()
    if len(rates) == 0 or matches.dtype.kind not in "iu":
        return None
    codes = [pd.factorize(rates[k])[0] for k in [*keys, "category"]]
    if any((c < 0).any() for c in codes):
        return None
    unit_code, first = _first_appearance(codes[:-1])
    cat_codes, categories = pd.factorize(rates["category"])
    if np.unique(unit_code * len(categories) + cat_codes).size < len(rates):
        raise _duplicate_rows_error(keys)
    units = rates[[*keys, "n_tokens"]].iloc[first].reset_index(drop=True)
    position = {c: j for j, c in enumerate(categories)}
    sums = []
    for cats in (x_cats, y_cats):
        wide = np.zeros((len(first), len(cats)))
        col = np.array([position.get(c, -1) for c in cats])
        for j, code in enumerate(col):
            sel = cat_codes == code
            wide[unit_code[sel], j] = matches[sel]
        sums.append(wide.sum(axis=1))
    return units, sums[0], sums[1]


def _first_appearance(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Number the distinct combinations of integer codes by first appearance; the row of each first appearance."""
    combined = codes[0].astype(np.int64)
    for c in codes[1:]:
        combined = combined * (int(c.max()) + 1) + c
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[inverse], first[order]


def group_means(coords: pd.DataFrame, rows: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """Mean ``x`` and ``y`` of the documents of each group (every document counts alike).

    Parameters
    ----------
    coords : DataFrame
        Output of :func:`framing_axes`.
    rows : DataFrame
        ``doc_id`` and ``by`` (one value per document).
    by : str
        Grouping column. Rows follow the corpus groups' usual order
        (initiative, declaration, strategy, netmundial, user), then other
        values sorted.

    Returns
    -------
    DataFrame
        ``by``, ``n_documents``, ``x``, ``y``.

    Examples
    --------
    >>> c = pd.DataFrame({"doc_id": ["a", "b", "c"], "x": [1.0, 3.0, 5.0], "y": [2.0, 4.0, 0.0]})
    >>> meta = pd.DataFrame({"doc_id": ["a", "b", "c"], "group": ["g", "g", "h"]})
    >>> group_means(c, meta)
      group  n_documents    x    y
    0     g            2  2.0  3.0
    1     h            1  5.0  0.0
    """
    merged = with_groups(coords, rows, by)
    merged[by] = merged[by].astype(object)
    out = merged.groupby(by, sort=False).agg(n_documents=("doc_id", "size"), x=("x", "mean"), y=("y", "mean"))
    return out.loc[_group_order(out.index)].reset_index()


def _group_order(values: Sequence[object]) -> list[object]:
    """The corpus groups in their usual order (initiative, declaration, strategy, netmundial, user), then others."""
    present = list(dict.fromkeys(values))
    known = [g for g in GROUP_ORDER if g in present]
    return known + sorted((g for g in present if g not in known), key=str)


def with_groups(coords: pd.DataFrame, rows: pd.DataFrame, by: str) -> pd.DataFrame:
    for name, df, cols in (("coords", coords, ["doc_id", "x", "y"]), ("rows", rows, ["doc_id", by])):
        if not isinstance(df, pd.DataFrame) or any(c not in df.columns for c in cols):
            msg = f"{name} must be a DataFrame with columns {cols}"
            raise ValueError(msg)
    meta = rows[["doc_id", by]].drop_duplicates()
    if meta["doc_id"].duplicated().any():
        msg = f"rows gives more than one {by!r} for some doc_id; expected one per document"
        raise ValueError(msg)
    merged = coords.merge(meta.astype({"doc_id": object}), on="doc_id", how="left", validate="many_to_one")
    if merged[by].isna().any():
        bad = merged.loc[merged[by].isna(), "doc_id"].tolist()[:5]
        msg = f"documents without a {by!r} value in rows: {bad}"
        raise ValueError(msg)
    return merged


def framing_profiles(
    rates: pd.DataFrame,
    rows: pd.DataFrame,
    by: str = "group",
    *,
    order: Sequence[str] | None = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Category rates per group with bootstrap intervals, also for one-document groups.

    A group of several documents is summarised by the mean of its documents'
    rates (every document counts alike) with documents resampled
    (``group_rates(unit="document", weighting="unit")``). A group of one
    document (the initiative) is summarised by that document's rate with its
    segments resampled (``unit="segment", weighting="token"``): an interval
    for the variation inside the text, not between texts. Column
    ``resampled`` says which.

    Parameters
    ----------
    rates : DataFrame
        Segment-level output of :func:`~initiative_lib.methods.dictionaries.dictionary_rates`.
    rows : DataFrame
        ``doc_id`` and ``by``.
    by : str
        Grouping column.
    order : sequence of str, optional
        Order of the groups in the result (groups not listed follow, sorted).
    n_boot, ci, random_state
        As in :func:`~initiative_lib.methods.dictionaries.group_rates`; groups are
        processed in output order with one generator.

    Returns
    -------
    DataFrame
        The columns of ``group_rates`` plus ``resampled``
        (``"documents"`` or ``"segments"``).

    Examples
    --------
    >>> rates = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "seg_no": [1, 2, 1, 1], "category": "x",
    ...                       "matches": [1, 3, 2, 4], "n_tokens": [100, 100, 100, 100]})
    >>> meta = pd.DataFrame({"doc_id": ["a", "b", "c"], "group": ["one", "two", "two"]})
    >>> framing_profiles(rates, meta, n_boot=0)[["group", "n_units", "rate", "resampled"]]
      group  n_units  rate  resampled
    0   one        2  20.0   segments
    1   two        2  30.0  documents
    """
    _check_rates(rates, ["doc_id", "seg_no", "category", "matches", "n_tokens"])
    if by not in getattr(rows, "columns", []) or "doc_id" not in rows.columns:
        msg = f"rows must have columns 'doc_id' and {by!r}"
        raise ValueError(msg)
    rng = check_random_state(random_state)
    meta = rows[["doc_id", by]].drop_duplicates().astype({"doc_id": object, by: object})
    meta = meta[meta["doc_id"].isin(set(rates["doc_id"].astype(object)))]
    sizes = meta.groupby(by)["doc_id"].nunique()
    listed = [g for g in (order or []) if g in sizes.index]
    groups = listed + sorted((g for g in sizes.index if g not in listed), key=str)
    blocks = []
    for group in groups:
        ids = set(meta.loc[meta[by] == group, "doc_id"])
        sub = rates[rates["doc_id"].astype(object).isin(ids)]
        single = sizes[group] == 1
        out = group_rates(
            sub,
            meta[meta[by] == group],
            by,
            n_boot=n_boot,
            ci=ci,
            unit="segment" if single else "document",
            weighting="token" if single else "unit",
            random_state=rng,
        )
        blocks.append(out.assign(resampled="segments" if single else "documents"))
    return pd.concat(blocks, ignore_index=True)


def axis_positions(
    rates: pd.DataFrame,
    axes: Mapping[str, Sequence[str]] = FRAMING_AXES,
    *,
    smoothing: float = POSITION_SMOOTHING,
    n_boot: int = 500,
    ci: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Each document's position between the two axes: log ratio of sovereign to open matches.

    ``position = log((S + smoothing) / (O + smoothing))`` with ``O`` the
    matches of the first axis of ``axes`` (open) and ``S`` those of the
    second (sovereign): positive means more sovereign than open vocabulary.
    Unlike the two rates it does not grow with how much a text speaks of
    governance at all. Intervals: percentile bootstrap over the document's
    segments, as in :func:`framing_axes` (NaN for a single segment or
    ``n_boot=0``).

    Parameters
    ----------
    rates : DataFrame
        Output of :func:`~initiative_lib.methods.dictionaries.dictionary_rates`.
    axes : mapping
        As in :func:`framing_axes` (open axis first, sovereign second).
    smoothing : float
        Added to both counts (> 0).
    n_boot, ci, random_state
        As in :func:`framing_axes`.

    Returns
    -------
    DataFrame
        :data:`POSITION_COLUMNS`, one row per document.

    Examples
    --------
    >>> rates = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "category": ["o", "s"] * 2,
    ...                       "matches": [0, 3, 2, 2], "n_tokens": [100, 100, 50, 50]})
    >>> out = axis_positions(rates, {"open": ["o"], "sov": ["s"]}, n_boot=0)
    >>> out[["doc_id", "open_matches", "sovereign_matches"]].values.tolist()
    [['a', 0, 3], ['b', 2, 2]]
    >>> out["position"].round(3).tolist()
    [1.946, 0.0]
    """
    if isinstance(smoothing, bool) or not isinstance(smoothing, int | float) or not smoothing > 0:
        msg = f"smoothing must be a positive number; got {smoothing!r}"
        raise ValueError(msg)
    axes_out = framing_axes(rates, axes, n_boot=0)
    out = pd.DataFrame(
        {
            "doc_id": axes_out["doc_id"],
            "n_segments": axes_out["n_segments"],
            "n_tokens": axes_out["n_tokens"],
            "open_matches": axes_out["x_matches"],
            "sovereign_matches": axes_out["y_matches"],
        }
    )
    out["position"] = np.log((out["sovereign_matches"] + smoothing) / (out["open_matches"] + smoothing))
    out["position_low"] = np.nan
    out["position_high"] = np.nan
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    if n_boot and "seg_no" in rates.columns:
        rng = check_random_state(random_state)
        (_, o_cats), (_, s_cats) = check_axes(axes, list(dict.fromkeys(rates["category"])))
        wide = rates.pivot_table(index=["doc_id", "seg_no"], columns="category", values="matches", aggfunc="sum")
        seg = pd.DataFrame(
            {
                "o": wide[list(o_cats)].fillna(0).sum(axis=1),
                "s": wide[list(s_cats)].fillna(0).sum(axis=1),
            }
        ).reset_index()
        lo_q, hi_q = (1 - ci) / 2, 1 - (1 - ci) / 2
        for i, doc_id in enumerate(out["doc_id"]):
            sel = seg[seg["doc_id"] == doc_id]
            if len(sel) < 2:
                continue
            draws = rng.integers(0, len(sel), size=(n_boot, len(sel)))
            o = sel["o"].to_numpy(dtype=float)[draws].sum(axis=1)
            sv = sel["s"].to_numpy(dtype=float)[draws].sum(axis=1)
            low, high = np.quantile(np.log((sv + smoothing) / (o + smoothing)), [lo_q, hi_q])
            out.loc[i, ["position_low", "position_high"]] = [low, high]
    return out[POSITION_COLUMNS]


def entry_influence(
    dtm: DocumentTermMatrix,
    statistic: Callable[[pd.DataFrame], Mapping[str, float]],
    *,
    lexicon: pd.DataFrame | str | os.PathLike[str] | None = None,
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Leave-one-entry-out influence: how much each lexicon entry moves a result.

    The statistic is computed with the full lexicon, then once with each
    entry of ``categories`` removed; the table lists every entry with the
    statistic's values without it and the change from the full lexicon.
    An entry whose removal flips a finding carries that finding.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        The matrix the rates are computed on (bigrams included when the lexicon has phrases).
    statistic : callable
        Takes the output of :func:`~initiative_lib.methods.dictionaries.dictionary_rates`
        and returns a mapping of named numbers (e.g. a document's position).
    lexicon : DataFrame or path, optional
        Default: the shipped framing lexicon.
    categories : sequence of str, optional
        Entries of these categories are left out in turn (default: the
        categories of :data:`FRAMING_AXES`).

    Returns
    -------
    DataFrame
        One row for the full lexicon (``entry`` = ``"(none)"``) then one
        per entry: ``category``, ``entry``, the statistic's values and, for
        each, ``change_<name>`` (value without the entry minus full value).

    Examples
    --------
    >>> import pandas as pd
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> m = from_counts([{"peace": 2, "rights": 1}], pd.DataFrame({"doc_id": ["a"], "n_tokens": [10]}))
    >>> lex = pd.DataFrame({"category": ["p", "p", "r"], "entry": ["peace", "war", "rights"]})
    >>> stat = lambda r: {"p": float(r.loc[r["category"] == "p", "matches"].sum())}
    >>> entry_influence(m, stat, lexicon=lex, categories=["p"])[["category", "entry", "p", "change_p"]]
      category   entry    p  change_p
    0     (all)  (none)  2.0       0.0
    1        p   peace  0.0      -2.0
    2        p     war  2.0       0.0
    """
    lex = as_lexicon(lexicon)
    cats = list(categories) if categories is not None else [c for v in FRAMING_AXES.values() for c in v]
    unknown = sorted(set(cats) - set(lex["category"]))
    if unknown:
        msg = f"categories {unknown} are not in the lexicon; available: {sorted(set(lex['category']))}"
        raise ValueError(msg)
    full = dict(statistic(dictionary_rates(dtm, lex)))
    records = [{"category": "(all)", "entry": "(none)", **full}]
    for idx in lex.index[lex["category"].isin(cats)]:
        sub = lex.drop(index=idx).reset_index(drop=True)
        values = dict(statistic(dictionary_rates(dtm, sub)))
        records.append({"category": lex.loc[idx, "category"], "entry": lex.loc[idx, "entry"], **values})
    out = pd.DataFrame(records)
    for name in full:
        out[f"change_{name}"] = out[name] - full[name]
    return out
