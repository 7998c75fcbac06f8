"""Measurement validation: coding sheets, precision and agreement, word and topic intrusion.

A dictionary count or a topic share is a measurement, and a measurement must be
checked against human reading before a finding rests on it. This module gives
the workflow R's *oolong* package gives (Chan and Sältzer 2020), for the
package's tables and topic models. It produces sheets for people to fill in and
scores what they wrote; it never supplies judgements itself.

Coding sheets (:func:`dictionary_hits`, :func:`coding_sample`, :func:`read_coding_sheet`)
    A stratified, seeded sample of units (e.g. dictionary hits from
    :func:`dictionary_hits`, one row per segment and category with the terms
    that matched, stratified by category and group; or segments per dominant
    topic) written to a CSV with a ``unit_id``, the units'
    identifiers and metadata, the sampling ``weight`` (units in the stratum
    over units drawn) and one empty ``code_<coder>`` column per coder (1 = the
    unit is what the measure says, 0 = it is not). Rows are shuffled so coders
    do not meet the strata in blocks. Texts are attached only on request, from
    the user's own copy (the mirror, :func:`~initiative_lib.build.fetch.read_full_text`
    or :func:`~initiative_lib.corpus.load.load_segments`), and a sheet with
    texts is refused inside the package's repository: third-party text stays
    in the user's folder; what may be committed is the sheet without texts
    (ids only) and the scores.

Scores (:func:`score_coding`)
    Precision per category (the share of the measure's hits that coders judge
    correct) for each coder and for the coders' consensus, with exact
    (Clopper-Pearson) or Wilson intervals; recall where the sheet has a
    ``predicted`` column (units the measure did and did not flag, coded
    alike): the share of units coded 1 that the measure flagged. Agreement
    between coders: Krippendorff's alpha (nominal; computed by the
    ``krippendorff`` package, with an optional bootstrap interval over units),
    Cohen's kappa for every pair of coders and raw percent agreement. A
    stratified sample gives unbiased precision per stratum; pooled over strata
    sampled at different rates, the ``weight`` column (inverse sampling
    fraction) gives the weighted estimate, reported beside the unweighted one.

Intrusion tests (:func:`word_intrusion`, :func:`topic_intrusion`, :func:`score_intrusion`)
    Chang et al. (2009). *Word intrusion*: each question shows a topic's top
    words with one intruder (a word in the bottom half of this topic's
    ranking but among the top words of another topic), shuffled; a coder
    names the intruder. Model precision per topic is the share of answers that
    find it; a topic whose intruder cannot be found is not interpretable.
    *Topic intrusion*: each question shows a text with its most prevalent
    topics (as top-word lists) and one low-share intruder topic; a coder
    names the intruder. Scores are the share found and the topic log odds
    (``log share(intruder) - log share(chosen)``: 0 when right, more negative
    the more prevalent the topic wrongly chosen). The answer key is returned
    separately from the sheet and must be kept from the coders.

References
----------
Chan, C. and Sältzer, M. (2020). oolong: an R package for validating automated
content analysis tools. *Journal of Open Source Software* 5(55), 2461.
Chang, J., Boyd-Graber, J., Gerrish, S., Wang, C. and Blei, D. M. (2009).
Reading tea leaves: how humans interpret topic models. *NIPS* 22.
Krippendorff, K. (2019). *Content Analysis*, 4th ed., ch. 12. Sage.
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions
with small expected number of positive counts estimated from survey data.
*Survey Methodology* 24(2), 193-201.
Cohen, J. (1960). A coefficient of agreement for nominal scales.
*Educational and Psychological Measurement* 20(1), 37-46.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import pandas as pd

from initiative_lib.checks import check_int, check_option, check_random_state
from initiative_lib.corpus.features import atomic_write_text
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.errors import where
from initiative_lib.methods.dictionaries import as_lexicon, dictionary_rates, lexicon_matches
from initiative_lib.methods.intervals import BINOMIAL_METHODS, binomial_interval
from initiative_lib.paths import REPO_DIR

PathLike = str | os.PathLike[str]
#: prefix of the code columns of a coding sheet (one per coder)
CODE_PREFIX = "code_"
#: prefix of the answer columns of an intrusion sheet (one per coder)
ANSWER_PREFIX = "answer_"
Texts: TypeAlias = pd.DataFrame | Callable[[dict[str, Any]], str] | None


class SheetError(ValueError):
    """A coding or intrusion sheet does not have the expected form (the message names file, row and field)."""


# ---------------------------------------------------------------------------------------------- helpers


def _check_coders(coders: Sequence[str]) -> list[str]:
    if isinstance(coders, str) or not isinstance(coders, Sequence) or not coders:
        msg = f"coders must be a non-empty list of names; got {coders!r}"
        raise ValueError(msg)
    out = [str(c) for c in coders]
    bad = [c for c in out if not c or not c.replace("_", "").replace("-", "").isalnum()]
    if bad or len(set(out)) != len(out):
        msg = f"coders must be distinct names of letters, digits, '-' or '_'; got {list(coders)!r}"
        raise ValueError(msg)
    return out


def _as_list(value: str | Sequence[str], name: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, Sequence) or not value:
        msg = f"{name} must be a column name or a non-empty list of them; got {value!r}"
        raise ValueError(msg)
    return [str(v) for v in value]


def _attach_texts(sheet: pd.DataFrame, texts: Texts, ids: list[str], text_column: str) -> pd.DataFrame:
    if texts is None:
        return sheet
    if isinstance(texts, pd.DataFrame):
        missing = [c for c in [*ids, text_column] if c not in texts.columns]
        if missing:
            msg = f"texts lacks columns {missing}; expected the id columns {ids} and {text_column!r}"
            raise ValueError(msg)
        lookup = texts[[*ids, text_column]].drop_duplicates(subset=ids)
        merged = sheet.merge(lookup.rename(columns={text_column: "text"}), on=ids, how="left", validate="m:1")
        values = merged["text"].tolist()
    elif callable(texts):
        values = [texts(rec) for rec in sheet.to_dict("records")]
    else:
        msg = f"texts must be None, a DataFrame with the id columns and {text_column!r}, or a callable; got {texts!r}"
        raise TypeError(msg)
    for i, v in enumerate(values):
        if not isinstance(v, str) or not v.strip():
            unit = sheet.iloc[i][ids].to_dict()
            msg = (
                f"no text for unit {unit} (sheet row {i + 2}); got {v!r}, expected a non-empty string "
                "(fetch the texts first: build.fetch.fetch_texts, or load_segments with the mirror)"
            )
            raise ValueError(msg)
    out = sheet.copy()
    out["text"] = values
    return out


def _write_sheet(sheet: pd.DataFrame, path: PathLike | None, has_text: bool) -> None:
    if path is None:
        return
    target = Path(path).expanduser().resolve()
    if has_text and (target == REPO_DIR or REPO_DIR in target.parents):
        msg = (
            f"{target}: a sheet with texts must not be written inside the repository {REPO_DIR}; "
            "third-party texts stay in your own folder (write the ids-only sheet here instead)"
        )
        raise ValueError(msg)
    atomic_write_text(target, sheet.to_csv(index=False, lineterminator="\n"))


def _read_table(sheet: pd.DataFrame | PathLike, name: str) -> tuple[pd.DataFrame, str]:
    if isinstance(sheet, pd.DataFrame):
        return sheet.reset_index(drop=True).copy(), f"<{name} DataFrame>"
    path = Path(sheet)
    if not path.is_file():
        msg = f"{path}: {name} file not found"
        raise FileNotFoundError(msg)
    return pd.read_csv(path, dtype=str, keep_default_na=False), str(path)


def _binary_codes(df: pd.DataFrame, column: str, source: str) -> np.ndarray:
    """Codes 0/1 as floats, NaN for empty cells; anything else is refused with its location."""
    out = np.full(len(df), np.nan)
    for i, v in enumerate(df[column].tolist()):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            continue
        s = str(v).strip()
        if s == "":
            continue
        if s in ("0", "1", "0.0", "1.0"):
            out[i] = float(s)
            continue
        msg = f"{where(source, i + 2, column)}: got {v!r}; expected 0, 1 or empty (not coded)"
        raise SheetError(msg)
    return out


# ---------------------------------------------------------------------------------------------- coding sheets


def dictionary_hits(
    dtm: DocumentTermMatrix,
    lexicon: pd.DataFrame | PathLike | None = None,
    *,
    unigrams_only: bool = False,
    include_misses: bool = False,
) -> pd.DataFrame:
    """Units for validating a dictionary: one row per matrix row and category it matched.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment rows (the usual unit to code) or document rows.
    lexicon : DataFrame or path, optional
        As for :func:`~initiative_lib.methods.dictionaries.dictionary_rates`.
    unigrams_only : bool
        As for :func:`~initiative_lib.methods.dictionaries.dictionary_rates`.
    include_misses : bool
        Also return the (row, category) pairs the dictionary did not match,
        with ``predicted`` 0 (hits have 1): sample both to estimate recall.

    Returns
    -------
    DataFrame
        ``doc_id`` (``seg_no``), ``category``, ``matches``, ``n_tokens``,
        ``terms`` (the matched terms with their counts, ``"term x2; term"``),
        ``predicted`` (with ``include_misses``) and the rows' other metadata.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> lex = pd.DataFrame({"category": ["sov", "open"], "entry": ["sovereign*", "open"]})
    >>> rows = pd.DataFrame({"doc_id": ["a", "a"], "seg_no": [1, 2], "n_tokens": [10, 10], "group": ["g", "g"]})
    >>> m = from_counts([{"sovereignty": 2, "sovereign": 1, "open": 1}, {"trade": 3}], rows)
    >>> dictionary_hits(m, lex)[["doc_id", "seg_no", "category", "matches", "terms", "group"]]
      doc_id  seg_no category  matches                     terms group
    0      a       1      sov        3  sovereignty x2; sovereign     g
    1      a       1     open        1                      open     g
    """
    if not isinstance(dtm, DocumentTermMatrix):
        msg = f"dtm must be a DocumentTermMatrix; got {type(dtm).__name__}"
        raise TypeError(msg)
    rates = dictionary_rates(dtm, lexicon, unigrams_only=unigrams_only)
    # lexicon_matches scans the vocabulary once per entry; give it only the terms that can match
    # (those starting with some entry's stem), which leaves its answer unchanged
    stems = tuple(str(e).rstrip("*") for e in as_lexicon(lexicon)["entry"])
    can_match = np.fromiter((str(t).startswith(stems) for t in dtm.vocab), dtype=bool, count=len(dtm.vocab))
    matched = lexicon_matches(dtm.select_terms(can_match), lexicon, unigrams_only=unigrams_only)
    ids = ["doc_id", "seg_no"] if "seg_no" in dtm.rows.columns else ["doc_id"]
    vocab = {str(t): j for j, t in enumerate(dtm.vocab)}
    counts = dtm.counts.tocsc()
    parts = []
    for category, part in matched.groupby("category", sort=False):
        terms = np.asarray(list(dict.fromkeys(part["term"])), dtype=object)
        sub = counts[:, [vocab[t] for t in terms]].tocoo()
        found = pd.DataFrame({"row": sub.row, "term": terms[sub.col], "count": sub.data})
        found = found[found["count"] > 0].sort_values(["row", "count", "term"], ascending=[True, False, True])
        found["label"] = np.where(
            found["count"] == 1, found["term"], found["term"] + " x" + found["count"].astype(int).astype(str)
        )
        joined = found.groupby("row", sort=True)["label"].agg("; ".join)
        parts.append(pd.DataFrame({"row": joined.index, "category": category, "terms": joined.to_numpy()}))
    described = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["row", "category", "terms"])
    described = pd.concat(
        [dtm.rows[ids].iloc[described["row"].to_numpy()].reset_index(drop=True), described.drop(columns="row")],
        axis=1,
    )
    out = rates.drop(columns=["rate"]).merge(described, on=[*ids, "category"], how="left", validate="1:1")
    out["terms"] = out["terms"].fillna("")
    if include_misses:
        out["predicted"] = (out["matches"] > 0).astype(np.int64)
    else:
        out = out[out["matches"] > 0]
    meta = dtm.rows.drop(columns=["n_tokens"])
    out = out.merge(meta, on=ids, how="left", validate="m:1")
    return out.reset_index(drop=True)


def coding_sample(
    units: pd.DataFrame,
    *,
    strata: str | Sequence[str],
    n_per_stratum: int,
    coders: Sequence[str],
    id_columns: str | Sequence[str] = ("doc_id", "seg_no"),
    texts: Texts = None,
    text_column: str = "text",
    path: PathLike | None = None,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Draw a stratified, seeded sample of units into a coding sheet.

    Parameters
    ----------
    units : DataFrame
        Candidate units, one row each: their identifiers (``id_columns``),
        the strata columns and any metadata to show (e.g. ``category``,
        ``group``, ``entry``, ``term``). The same segment may appear once per
        category.
    strata : str or list of str
        Columns whose value combinations are sampled separately.
    n_per_stratum : int
        Units drawn per stratum (all of them where a stratum has fewer).
    coders : list of str
        One empty ``code_<name>`` column per coder.
    id_columns : str or list of str
        Columns that identify a text unit (to attach texts).
    texts : DataFrame, callable or None
        Where texts come from, if the sheet should carry them: a table with
        ``id_columns`` and ``text_column`` (e.g. ``load_segments()`` with the
        mirror), or ``texts(row_dict) -> str``. ``None``: an ids-only sheet.
    path : path, optional
        Write the sheet there (atomically). A sheet with texts is refused
        inside the repository.
    random_state : int, Generator or None
        Seed of the sample and of the row order.

    Returns
    -------
    DataFrame
        ``unit_id`` (``u0001``...), the units' columns, ``stratum_size``,
        ``weight``, ``text`` (if requested), ``code_<coder>``... and ``note``
        (all empty), in shuffled order.

    Examples
    --------
    >>> hits = pd.DataFrame({"doc_id": list("aabbcc"), "seg_no": [1, 2, 1, 2, 1, 2],
    ...                      "category": ["sov", "sov", "sov", "open", "open", "open"]})
    >>> sheet = coding_sample(hits, strata="category", n_per_stratum=2, coders=["ann", "ben"], random_state=0)
    >>> sheet.groupby("category").size().to_dict()
    {'open': 2, 'sov': 2}
    >>> list(sheet.columns)
    ['unit_id', 'doc_id', 'seg_no', 'category', 'stratum_size', 'weight', 'code_ann', 'code_ben', 'note']
    >>> sheet["weight"].tolist()
    [1.5, 1.5, 1.5, 1.5]
    """
    if not isinstance(units, pd.DataFrame) or units.empty:
        msg = "units must be a non-empty DataFrame with one row per candidate unit"
        raise ValueError(msg)
    strata = _as_list(strata, "strata")
    ids = _as_list(id_columns, "id_columns")
    missing = [c for c in dict.fromkeys([*strata, *ids]) if c not in units.columns]
    if missing:
        msg = f"units lacks columns {missing}; expected the strata {strata} and id_columns {ids}"
        raise ValueError(msg)
    reserved = {"unit_id", "stratum_size", "weight", "text", "note"} | {
        c for c in units.columns if c.startswith(CODE_PREFIX)
    }
    clash = sorted(reserved & set(units.columns))
    if clash:
        msg = f"units must not have the sheet's own columns {clash}; rename them"
        raise ValueError(msg)
    n_per_stratum = check_int(n_per_stratum, "n_per_stratum", minimum=1)
    coders = _check_coders(coders)
    rng = check_random_state(random_state)
    table = units.reset_index(drop=True)
    picked, sizes = [], []
    for _, idx in table.groupby(strata, sort=True, dropna=False).indices.items():
        idx = np.sort(np.asarray(idx))
        take = idx if idx.size <= n_per_stratum else np.sort(rng.choice(idx, size=n_per_stratum, replace=False))
        picked.append(take)
        sizes.append(np.full(take.size, idx.size))
    order = np.concatenate(picked)
    size = np.concatenate(sizes)
    shuffle = rng.permutation(order.size)
    sheet = table.iloc[order[shuffle]].reset_index(drop=True)
    sheet.insert(0, "unit_id", [f"u{i + 1:04d}" for i in range(len(sheet))])
    sheet["stratum_size"] = size[shuffle]
    drawn = sheet.groupby(strata, dropna=False)["unit_id"].transform("size").to_numpy()
    sheet["weight"] = sheet["stratum_size"] / drawn
    sheet = _attach_texts(sheet, texts, ids, text_column)
    for c in coders:
        sheet[CODE_PREFIX + c] = ""
    sheet["note"] = ""
    _write_sheet(sheet, path, texts is not None)
    return sheet


def read_coding_sheet(sheet: pd.DataFrame | PathLike) -> pd.DataFrame:
    """Read and check a coding sheet; codes become floats (1.0, 0.0, NaN for not coded).

    Checks: a ``unit_id`` column with unique, non-empty values; at least one
    ``code_<coder>`` column; codes 0, 1 or empty; a ``predicted`` column, if
    present, 0 or 1; a ``weight`` column, if present, positive numbers. A bad
    cell is reported with the file, row (as a spreadsheet shows it, the header
    being row 1) and field.

    Examples
    --------
    >>> s = pd.DataFrame({"unit_id": ["u1", "u2"], "code_ann": ["1", "yes"]})
    >>> try:
    ...     read_coding_sheet(s)
    ... except SheetError as e:
    ...     print(e)
    <coding sheet DataFrame>, row 3, field 'code_ann': got 'yes'; expected 0, 1 or empty (not coded)
    """
    df, source = _read_table(sheet, "coding sheet")
    if "unit_id" not in df.columns:
        msg = f"{source}: no 'unit_id' column; expected a sheet written by coding_sample (columns: {list(df.columns)})"
        raise SheetError(msg)
    code_cols = [c for c in df.columns if str(c).startswith(CODE_PREFIX)]
    if not code_cols:
        msg = f"{source}: no code columns; expected one '{CODE_PREFIX}<coder>' column per coder"
        raise SheetError(msg)
    ids = df["unit_id"].astype(str).str.strip()
    for i, v in enumerate(ids):
        if not v or v == "nan":
            msg = f"{where(source, i + 2, 'unit_id')}: empty; expected a unit id"
            raise SheetError(msg)
    dup = ids.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        msg = f"{where(source, i + 2, 'unit_id')}: {ids.iloc[i]!r} appears twice; expected unique unit ids"
        raise SheetError(msg)
    out = df.copy()
    for c in code_cols:
        out[c] = _binary_codes(df, c, source)
    if "predicted" in df.columns:
        pred = _binary_codes(df, "predicted", source)
        if np.isnan(pred).any():
            i = int(np.flatnonzero(np.isnan(pred))[0])
            msg = f"{where(source, i + 2, 'predicted')}: empty; expected 0 or 1 (did the measure flag the unit?)"
            raise SheetError(msg)
        out["predicted"] = pred
    if "weight" in df.columns:
        w = pd.to_numeric(df["weight"], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(w) | (w <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = f"{where(source, i + 2, 'weight')}: got {df['weight'].iloc[i]!r}; expected a positive number"
            raise SheetError(msg)
        out["weight"] = w
    return out


def cohen_kappa(a: Sequence[object] | np.ndarray, b: Sequence[object] | np.ndarray) -> float:
    """Cohen's kappa of two coders' labels (units either left empty, NaN or None, are dropped).

    ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the observed agreement and
    ``p_e`` the agreement expected from each coder's own label shares; NaN
    when ``p_e = 1`` (both coders used one and the same label throughout).

    Examples
    --------
    >>> round(cohen_kappa([1, 1, 0, 0, 1], [1, 0, 0, 0, 1]), 4)
    0.6154
    """
    x = pd.Series(list(a), dtype=object)
    y = pd.Series(list(b), dtype=object)
    if len(x) != len(y):
        msg = f"a and b must have one label per unit each; got {len(x)} and {len(y)}"
        raise ValueError(msg)
    ok = x.notna() & y.notna()
    x, y = x[ok].astype(str), y[ok].astype(str)
    if x.empty:
        return float("nan")
    labels = sorted(set(x) | set(y))
    po = float((x.to_numpy() == y.to_numpy()).mean())
    px = x.value_counts(normalize=True).reindex(labels, fill_value=0).to_numpy()
    py = y.value_counts(normalize=True).reindex(labels, fill_value=0).to_numpy()
    pe = float(px @ py)
    if pe >= 1:
        return float("nan")
    return (po - pe) / (1 - pe)


def _alpha(matrix: np.ndarray) -> float:
    import krippendorff

    pairable = (np.isfinite(matrix).sum(axis=0) >= 2).sum()
    values = np.unique(matrix[np.isfinite(matrix)])
    if pairable < 1 or values.size < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


class CodingScores(NamedTuple):
    """Result of :func:`score_coding`: ``precision``, ``recall`` (None without ``predicted``), ``agreement``."""

    precision: pd.DataFrame
    recall: pd.DataFrame | None
    agreement: pd.DataFrame


def _consensus(codes: np.ndarray, consensus: str, coders: list[str]) -> np.ndarray:
    if consensus == "majority":
        mean = np.nanmean(np.where(np.isfinite(codes), codes, np.nan), axis=1) if codes.size else np.array([])
        out = np.where(mean > 0.5, 1.0, np.where(mean < 0.5, 0.0, np.nan))
        return out
    return codes[:, coders.index(consensus)]


def _korn_graubard(x_eff: np.ndarray, n_eff: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson bounds at an effective sample size (Korn and Graubard 1998), for weighted shares."""
    from scipy import stats

    a = 1.0 - ci
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x_eff > 0, stats.beta.ppf(a / 2, np.maximum(x_eff, 1e-12), n_eff - x_eff + 1), 0.0)
        high = np.where(x_eff < n_eff, stats.beta.ppf(1 - a / 2, x_eff + 1, np.maximum(n_eff - x_eff, 1e-12)), 1.0)
    empty = ~(n_eff > 0)
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def _proportions(
    scopes: list[tuple[str, np.ndarray]],
    codes: dict[str, np.ndarray],
    base: Callable[[np.ndarray], np.ndarray],
    success: Callable[[np.ndarray], np.ndarray],
    ci: float,
    method: str,
    weights: np.ndarray,
) -> pd.DataFrame:
    """Per scope and coder: n units in the base (and coded), x of them successes, with intervals.

    Also the share weighted by the sampling weights, with a Korn-Graubard interval at the
    Kish effective sample size (equal to the unweighted one when the weights are equal).
    """
    records = []
    for value, in_scope in scopes:
        for who, c in codes.items():
            units = in_scope & np.isfinite(c) & base(c)
            hit = units & success(c)
            w = weights[units]
            sw, sw2 = float(w.sum()), float((w**2).sum())
            share_w = float(weights[hit].sum()) / sw if sw > 0 else np.nan
            n_eff = sw**2 / sw2 if sw2 > 0 else 0.0
            records.append((value, who, int(units.sum()), int(hit.sum()), share_w, n_eff))
    out = pd.DataFrame(records, columns=["scope", "coder", "n", "x", "weighted_estimate", "n_effective"])
    low, high = binomial_interval(out["x"].to_numpy(), out["n"].to_numpy(), ci=ci, method=method)
    n = out["n"].to_numpy(dtype=float)
    out.insert(4, "estimate", np.divide(out["x"].to_numpy(dtype=float), n, out=np.full(n.size, np.nan), where=n > 0))
    out.insert(5, "ci_low", low)
    out.insert(6, "ci_high", high)
    n_eff = out["n_effective"].to_numpy(dtype=float)
    wl, wh = _korn_graubard(np.nan_to_num(out["weighted_estimate"].to_numpy(dtype=float)) * n_eff, n_eff, ci)
    out["weighted_ci_low"], out["weighted_ci_high"] = wl, wh
    return out


def score_coding(
    sheet: pd.DataFrame | PathLike,
    *,
    by: str | Sequence[str] | None = "category",
    consensus: str = "majority",
    ci: float = 0.95,
    method: str = "exact",
    n_boot: int = 0,
    random_state: int | np.random.Generator | None = None,
) -> CodingScores:
    """Precision (and recall) per category with exact intervals, and agreement between coders.

    Parameters
    ----------
    sheet : DataFrame or path
        A coding sheet (see :func:`coding_sample`), filled in: ``code_<coder>``
        cells 1 (the unit is what the measure says), 0 (it is not) or empty
        (not coded). Units coded by nobody are ignored.
    by : str, list of str or None
        Columns whose values get their own scores (default ``"category"``);
        ``None``: one score for the whole sheet. Every table also has an
        ``"all"`` scope pooling all units (unweighted).
    consensus : str
        ``"majority"`` (ties are left out of the consensus) or a coder name
        whose codes are the reference (e.g. an adjudicator).
    ci : float
        Coverage of the intervals.
    method : {"exact", "wilson"}
        Clopper-Pearson or Wilson intervals for precision and recall.
    n_boot : int
        If positive, a bootstrap interval (over units, seeded) for
        Krippendorff's alpha.
    random_state : int, Generator or None
        Seed of that bootstrap.

    Returns
    -------
    CodingScores
        ``precision``: ``scope``, ``coder`` (each coder and ``"consensus"``),
        ``n`` (units coded among those the measure flagged), ``x`` (coded 1),
        ``estimate``, ``ci_low``, ``ci_high``, and ``weighted_estimate``,
        ``n_effective``, ``weighted_ci_low``, ``weighted_ci_high``: the share
        weighted by the sheet's ``weight`` column (inverse sampling
        fractions; all 1 without it), which is the estimate for the pooled
        population when strata were sampled at different rates, with a
        Clopper-Pearson interval at Kish's effective sample size (Korn and
        Graubard 1998); ``recall``: the same among
        units coded 1, ``x`` those the measure flagged (needs a
        ``predicted`` column); ``agreement``: ``scope``, ``measure``
        (``krippendorff_alpha``, ``percent_agreement``,
        ``cohen_kappa``), ``coders``, ``n_units`` (units coded by at least
        two of them), ``value``, ``ci_low``, ``ci_high`` (alpha with
        ``n_boot``, else NaN).

    Examples
    --------
    >>> s = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "category": ["sov"] * 4,
    ...                   "code_ann": ["1", "1", "0", "1"], "code_ben": ["1", "1", "0", "0"]})
    >>> sc = score_coding(s)
    >>> sc.precision[sc.precision["scope"] == "sov"][["coder", "n", "x", "estimate"]].round(2)
           coder  n  x  estimate
    0        ann  4  3      0.75
    1        ben  4  2      0.50
    2  consensus  3  2      0.67
    >>> sc.agreement[sc.agreement["scope"] == "sov"][["measure", "value"]].round(3)
                 measure  value
    0  krippendorff_alpha  0.533
    1  percent_agreement  0.750
    2        cohen_kappa  0.500
    """
    df = read_coding_sheet(sheet)
    method = check_option(method, "method", BINOMIAL_METHODS)
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    code_cols = [c for c in df.columns if str(c).startswith(CODE_PREFIX)]
    coders = [c[len(CODE_PREFIX) :] for c in code_cols]
    if consensus != "majority" and consensus not in coders:
        msg = f"consensus must be 'majority' or one of the coders {coders}; got {consensus!r}"
        raise ValueError(msg)
    by_cols = [] if by is None else _as_list(by, "by")
    missing = [c for c in by_cols if c not in df.columns]
    if missing:
        msg = f"the coding sheet lacks the by columns {missing}; it has {list(df.columns)}"
        raise ValueError(msg)
    codes_arr = df[code_cols].to_numpy(dtype=float)
    coded_any = np.isfinite(codes_arr).any(axis=1)
    if not coded_any.any():
        msg = "the coding sheet has no codes yet; expected 0 or 1 in some code_<coder> cells"
        raise SheetError(msg)
    df, codes_arr = df[coded_any].reset_index(drop=True), codes_arr[coded_any]
    codes = {c: codes_arr[:, i] for i, c in enumerate(coders)}
    codes["consensus"] = _consensus(codes_arr, consensus, coders)
    scopes: list[tuple[str, np.ndarray]] = []
    if by_cols:
        labels = df[by_cols].astype(str).agg(" | ".join, axis=1).to_numpy()
        scopes = [(str(v), labels == v) for v in pd.unique(labels)]
    scopes.append(("all", np.ones(len(df), dtype=bool)))
    n_units = len(df)
    flagged = np.ones(n_units, dtype=bool) if "predicted" not in df.columns else df["predicted"].to_numpy() == 1
    weights = df["weight"].to_numpy(dtype=float) if "weight" in df.columns else np.ones(n_units)
    precision = _proportions(scopes, codes, lambda c: flagged, lambda c: c == 1, ci, method, weights)
    recall = None
    if "predicted" in df.columns:
        recall = _proportions(scopes, codes, lambda c: c == 1, lambda c: flagged, ci, method, weights)
    rng = check_random_state(random_state) if n_boot else None
    agreement: list[tuple[object, ...]] = []
    everyone = "+".join(coders)
    for value, in_scope in scopes:
        m = codes_arr[in_scope]
        pairable = np.isfinite(m).sum(axis=1) >= 2
        alpha = _alpha(m.T)
        lo = hi = float("nan")
        if rng is not None and pairable.sum() >= 2:
            idx = np.flatnonzero(pairable)
            boots = np.array([_alpha(m[rng.choice(idx, size=idx.size)].T) for _ in range(n_boot)])
            boots = boots[np.isfinite(boots)]
            if boots.size:
                lo, hi = (float(v) for v in np.quantile(boots, [(1 - ci) / 2, (1 + ci) / 2]))
        agreement.append((value, "krippendorff_alpha", everyone, int(pairable.sum()), alpha, lo, hi))
        same, n_pairs = 0.0, 0
        kappas = []
        for i, j in itertools.combinations(range(len(coders)), 2):
            both = np.isfinite(m[:, i]) & np.isfinite(m[:, j])
            same += float((m[both, i] == m[both, j]).sum())
            n_pairs += int(both.sum())
            kappa = cohen_kappa(m[both, i], m[both, j]) if both.any() else float("nan")
            kappas.append((value, "cohen_kappa", f"{coders[i]}+{coders[j]}", int(both.sum()), kappa, np.nan, np.nan))
        share = same / n_pairs if n_pairs else float("nan")
        agreement.append((value, "percent_agreement", everyone, int(pairable.sum()), share, np.nan, np.nan))
        agreement.extend(kappas)
    agree = pd.DataFrame(agreement, columns=["scope", "measure", "coders", "n_units", "value", "ci_low", "ci_high"])
    return CodingScores(precision, recall, agree)


# ---------------------------------------------------------------------------------------------- intrusion tests


class IntrusionTest(NamedTuple):
    """Result of :func:`word_intrusion` and :func:`topic_intrusion`.

    ``sheet``: what coders see (``question_id``, ``option_1``... and empty
    ``answer_<coder>`` columns for the number of the option they think is the
    intruder); ``key``: the answers and what scoring needs (keep it from the
    coders).
    """

    sheet: pd.DataFrame
    key: pd.DataFrame


def _model_tables(model: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    tt = getattr(model, "topic_term", None)
    st = getattr(model, "segment_topics", None)
    if not isinstance(tt, pd.DataFrame) or not isinstance(st, pd.DataFrame):
        msg = (
            f"model must be a fitted TopicModel (with topic_term and segment_topics tables); got {type(model).__name__}"
        )
        raise TypeError(msg)
    return tt, st


def _write_pair(test: IntrusionTest, path: PathLike | None, key_path: PathLike | None, has_text: bool) -> None:
    if (path is None) != (key_path is None):
        msg = "path and key_path must be given together (the key must be kept apart from the sheet)"
        raise ValueError(msg)
    if path is not None and Path(path).expanduser().resolve() == Path(key_path).expanduser().resolve():  # type: ignore[arg-type]
        msg = f"key_path must differ from path; got {path!r} for both"
        raise ValueError(msg)
    _write_sheet(test.sheet, path, has_text)
    _write_sheet(test.key, key_path, False)


def word_intrusion(
    model: object,
    *,
    coders: Sequence[str],
    n_words: int = 5,
    n_other: int = 10,
    n_per_topic: int = 1,
    topics: Sequence[int] | None = None,
    random_state: int | np.random.Generator | None = None,
    path: PathLike | None = None,
    key_path: PathLike | None = None,
) -> IntrusionTest:
    """Word-intrusion questions for a fitted topic model (Chang et al. 2009).

    Each question shows the topic's ``n_words`` most probable words and one
    intruder, in random order. The intruder is drawn uniformly from the words
    that are among the ``n_other`` most probable words of some other topic and
    in the bottom half of this topic's ranking.

    Parameters
    ----------
    model : TopicModel
        A fitted model (uses ``topic_term``).
    coders : list of str
        One empty ``answer_<coder>`` column per coder.
    n_words, n_other : int
        Words shown per topic; depth of the other topics' rankings the
        intruders come from.
    n_per_topic : int
        Questions per topic (each with its own intruder).
    topics : list of int, optional
        Topics to test; default all.
    random_state : int, Generator or None
        Seed of intruders and order.
    path, key_path : path, optional
        Write the sheet and the key (both or neither).

    Returns
    -------
    IntrusionTest
        ``key``: ``question_id``, ``kind`` (``"word"``), ``topic``,
        ``intruder``, ``intruder_option``.

    Examples
    --------
    >>> tt = pd.DataFrame([[.3, .3, .2, .1, .05, .05, 0, 0], [0, 0, .05, .05, .1, .2, .3, .3]],
    ...                   columns=list("abcdefgh"))
    >>> class Fitted:
    ...     topic_term, segment_topics = tt, pd.DataFrame([[0.5, 0.5]])
    >>> test = word_intrusion(Fitted(), coders=["ann"], n_words=3, n_other=2, random_state=0)
    >>> test.key[["topic", "intruder"]].values.tolist()
    [[0, 'h'], [1, 'a']]
    >>> test.sheet.columns.tolist()
    ['question_id', 'option_1', 'option_2', 'option_3', 'option_4', 'answer_ann']
    """
    tt, _ = _model_tables(model)
    coders = _check_coders(coders)
    n_vocab = tt.shape[1]
    n_words = check_int(n_words, "n_words", minimum=2, maximum=max(2, n_vocab // 2))
    n_other = check_int(n_other, "n_other", minimum=1)
    n_per_topic = check_int(n_per_topic, "n_per_topic", minimum=1)
    wanted = list(tt.index) if topics is None else list(topics)
    unknown = [t for t in wanted if t not in tt.index]
    if unknown or not wanted:
        msg = f"topics must be topics of the model ({list(tt.index)}); got {topics!r}"
        raise ValueError(msg)
    rng = check_random_state(random_state)
    beta = tt.to_numpy(dtype=float)
    vocab = np.asarray([str(v) for v in tt.columns], dtype=object)
    order = np.argsort(-beta, axis=1, kind="mergesort")
    rank = np.empty_like(order)
    rows = np.arange(beta.shape[0])[:, None]
    rank[rows, order] = np.arange(n_vocab)[None, :]
    sheet_rows, key_rows = [], []
    q = 0
    for t in wanted:
        ti = tt.index.get_loc(t)
        top = order[ti, :n_words]
        others = np.unique(order[np.arange(beta.shape[0]) != ti, :n_other])
        candidates = others[(rank[ti, others] >= n_vocab // 2) & ~np.isin(others, top)]
        if candidates.size == 0:
            msg = (
                f"topic {t!r}: no intruder candidate (no word among the top {n_other} of another topic is in "
                "the bottom half of this topic); raise n_other"
            )
            raise ValueError(msg)
        for _ in range(n_per_topic):
            q += 1
            intruder = int(rng.choice(candidates))
            options = np.concatenate([top, [intruder]])[rng.permutation(n_words + 1)]
            pos = int(np.flatnonzero(options == intruder)[0]) + 1
            qid = f"w{q:04d}"
            sheet_rows.append({"question_id": qid, **{f"option_{i + 1}": vocab[o] for i, o in enumerate(options)}})
            key_rows.append(
                {"question_id": qid, "kind": "word", "topic": t, "intruder": vocab[intruder], "intruder_option": pos}
            )
    sheet = pd.DataFrame(sheet_rows)
    for c in coders:
        sheet[ANSWER_PREFIX + c] = ""
    test = IntrusionTest(sheet, pd.DataFrame(key_rows))
    _write_pair(test, path, key_path, False)
    return test


def topic_intrusion(
    model: object,
    *,
    coders: Sequence[str],
    n_questions: int = 20,
    n_topics_shown: int = 3,
    n_terms: int = 8,
    min_tokens: int = 20,
    texts: Texts = None,
    text_column: str = "text",
    random_state: int | np.random.Generator | None = None,
    path: PathLike | None = None,
    key_path: PathLike | None = None,
) -> IntrusionTest:
    """Topic-intrusion questions for a fitted topic model (Chang et al. 2009).

    Each question is one row of the model (a segment, or a document), drawn
    at random among rows with at least ``min_tokens`` modelled tokens. It
    shows the row's ``n_topics_shown`` most prevalent topics (at most half of
    the topics, rounded up) and one intruder topic drawn from the half of the
    topics with the lowest shares in that row, in random order, each as ``"<topic>: <its n_terms top words>"``.

    Parameters
    ----------
    model : TopicModel
        A fitted model (uses ``topic_term``, ``segment_topics`` and ``tokens``).
    coders : list of str
        One empty ``answer_<coder>`` column per coder.
    n_questions, n_topics_shown, n_terms, min_tokens : int
    texts : DataFrame, callable or None
        The rows' texts for the coders, as in :func:`coding_sample`
        (``doc_id``/``seg_no`` identify a row); ``None``: ids only.
    random_state : int, Generator or None
    path, key_path : path, optional
        Write the sheet and the key (both or neither); a sheet with texts is
        refused inside the repository.

    Returns
    -------
    IntrusionTest
        The sheet has ``question_id``, the row ids, ``text`` (if requested)
        and the options; the key has ``question_id``, ``kind``
        (``"topic"``), the row ids, ``intruder`` (topic), ``intruder_option``
        and ``share_1``... (the row's share of each option's topic).
    """
    tt, st = _model_tables(model)
    coders = _check_coders(coders)
    k = tt.shape[0]
    n_topics_shown = check_int(n_topics_shown, "n_topics_shown", minimum=1, maximum=max(1, k - k // 2))
    n_terms = check_int(n_terms, "n_terms", minimum=1)
    n_questions = check_int(n_questions, "n_questions", minimum=1)
    min_tokens = check_int(min_tokens, "min_tokens", minimum=0)
    tokens = getattr(model, "tokens", None)
    tok = np.asarray(tokens, dtype=float) if tokens is not None else np.full(len(st), np.inf)
    eligible = np.flatnonzero(tok >= min_tokens)
    if eligible.size == 0:
        msg = f"no row of the model has at least min_tokens={min_tokens} modelled tokens"
        raise ValueError(msg)
    rng = check_random_state(random_state)
    chosen = np.sort(rng.choice(eligible, size=min(n_questions, eligible.size), replace=False))
    words = tt.to_numpy(dtype=float).argsort(axis=1, kind="mergesort")[:, ::-1][:, :n_terms]
    vocab = [str(v) for v in tt.columns]
    labels = {t: f"{t}: " + " ".join(vocab[j] for j in words[i]) for i, t in enumerate(tt.index)}
    theta = st.to_numpy(dtype=float)
    id_frame = st.index.to_frame(index=False)
    sheet_rows, key_rows = [], []
    for q, r in enumerate(chosen, start=1):
        order = np.argsort(-theta[r], kind="mergesort")
        shown = order[:n_topics_shown]
        low = order[k - k // 2 :]
        intruder = int(rng.choice(low))
        options = np.concatenate([shown, [intruder]])[rng.permutation(n_topics_shown + 1)]
        pos = int(np.flatnonzero(options == intruder)[0]) + 1
        qid = f"t{q:04d}"
        ids = id_frame.iloc[r].to_dict()
        topic_ids = tt.index.to_numpy()
        sheet_rows.append(
            {"question_id": qid, **ids, **{f"option_{i + 1}": labels[topic_ids[o]] for i, o in enumerate(options)}}
        )
        key_rows.append(
            {
                "question_id": qid,
                "kind": "topic",
                **ids,
                "intruder": topic_ids[intruder],
                "intruder_option": pos,
                **{f"share_{i + 1}": float(theta[r, o]) for i, o in enumerate(options)},
            }
        )
    sheet = pd.DataFrame(sheet_rows)
    id_cols = list(id_frame.columns)
    sheet = _attach_texts(sheet, texts, id_cols, text_column)
    if texts is not None:
        opts = [c for c in sheet.columns if c.startswith("option_")]
        sheet = sheet[["question_id", *id_cols, "text", *opts]]
    for c in coders:
        sheet[ANSWER_PREFIX + c] = ""
    test = IntrusionTest(sheet, pd.DataFrame(key_rows))
    _write_pair(test, path, key_path, texts is not None)
    return test


class IntrusionScores(NamedTuple):
    """Result of :func:`score_intrusion`.

    ``by_topic`` (word intrusion: model precision per topic) or ``None``;
    ``by_coder``: ``coder``, ``n``, ``x`` (intruders found), ``estimate``,
    ``ci_low``, ``ci_high`` and, for topic intrusion, ``mean_tlo`` (topic log
    odds); ``answers``: one row per question and coder.
    """

    by_topic: pd.DataFrame | None
    by_coder: pd.DataFrame
    answers: pd.DataFrame


def score_intrusion(
    sheet: pd.DataFrame | PathLike,
    key: pd.DataFrame | PathLike,
    *,
    ci: float = 0.95,
    method: str = "exact",
) -> IntrusionScores:
    """Score a filled-in intrusion sheet against its key.

    Answers are option numbers (1 to the number of options) or empty (not
    answered); anything else is refused with the file, row and field.

    Word intrusion: model precision of a topic is the share of its answers
    that name the intruder, with exact (or Wilson) intervals; a coder
    guessing at random scores ``1 / (n_words + 1)``. Topic intrusion: the
    share of answers that name the intruder and the mean topic log odds
    (``log share(intruder) - log share(chosen)``, 0 for a right answer).

    Examples
    --------
    >>> sheet = pd.DataFrame({"question_id": ["w1", "w2"], "option_1": ["a", "x"], "option_2": ["z", "b"],
    ...                       "answer_ann": ["2", "1"], "answer_ben": ["2", "2"]})
    >>> key = pd.DataFrame({"question_id": ["w1", "w2"], "kind": ["word", "word"], "topic": [0, 1],
    ...                     "intruder": ["z", "x"], "intruder_option": [2, 1]})
    >>> score_intrusion(sheet, key).by_topic[["topic", "n", "x", "estimate"]]
       topic  n  x  estimate
    0      0  2  2       1.0
    1      1  2  1       0.5
    """
    answers_df, source = _read_table(sheet, "intrusion sheet")
    key_df, key_source = _read_table(key, "intrusion key")
    method = check_option(method, "method", BINOMIAL_METHODS)
    for col in ("question_id", "kind", "intruder_option"):
        if col not in key_df.columns:
            msg = f"{key_source}: no {col!r} column; expected a key written by word_intrusion or topic_intrusion"
            raise SheetError(msg)
    if "question_id" not in answers_df.columns:
        msg = f"{source}: no 'question_id' column; expected a sheet written by word_intrusion or topic_intrusion"
        raise SheetError(msg)
    answer_cols = [c for c in answers_df.columns if str(c).startswith(ANSWER_PREFIX)]
    if not answer_cols:
        msg = f"{source}: no answer columns; expected one '{ANSWER_PREFIX}<coder>' column per coder"
        raise SheetError(msg)
    n_options = sum(1 for c in answers_df.columns if str(c).startswith("option_"))
    kinds = set(key_df["kind"].astype(str))
    if len(kinds) != 1 or not kinds <= {"word", "topic"}:
        msg = f"{key_source}, field 'kind': got {sorted(kinds)}; expected only 'word' or only 'topic'"
        raise SheetError(msg)
    kind = kinds.pop()
    key_df = key_df.assign(question_id=key_df["question_id"].astype(str)).set_index("question_id")
    records = []
    for i, row in answers_df.iterrows():
        qid = str(row["question_id"])
        if qid not in key_df.index:
            msg = f"{where(source, int(i) + 2, 'question_id')}: {qid!r} is not in the key {key_source}"
            raise SheetError(msg)
        truth = int(float(key_df.loc[qid, "intruder_option"]))
        for col in answer_cols:
            raw = row[col]
            text = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw).strip()
            if text == "":
                continue
            try:
                chosen = int(float(text))
                if chosen != float(text):
                    raise ValueError
            except ValueError:
                chosen = -1
            if not 1 <= chosen <= n_options:
                want = f"an option number from 1 to {n_options} or empty"
                msg = f"{where(source, int(i) + 2, col)}: got {raw!r}; expected {want}"
                raise SheetError(msg) from None
            rec: dict[str, Any] = {
                "question_id": qid,
                "coder": col[len(ANSWER_PREFIX) :],
                "chosen_option": chosen,
                "correct": chosen == truth,
            }
            if kind == "word":
                rec["topic"] = key_df.loc[qid, "topic"]
            else:
                s_true = float(key_df.loc[qid, f"share_{truth}"])
                s_chosen = float(key_df.loc[qid, f"share_{chosen}"])
                rec["tlo"] = np.log(max(s_true, 1e-300)) - np.log(max(s_chosen, 1e-300))
            records.append(rec)
    answers = pd.DataFrame(records)
    if answers.empty:
        msg = f"{source}: no answers yet; expected option numbers in the answer_<coder> columns"
        raise SheetError(msg)

    def summarise(groups: str) -> pd.DataFrame:
        agg = answers.groupby(groups, sort=True).agg(n=("correct", "size"), x=("correct", "sum")).reset_index()
        low, high = binomial_interval(agg["x"].to_numpy(), agg["n"].to_numpy(), ci=ci, method=method)
        agg["estimate"] = agg["x"] / agg["n"]
        agg["ci_low"], agg["ci_high"] = low, high
        if kind == "topic":
            agg["mean_tlo"] = answers.groupby(groups, sort=True)["tlo"].mean().to_numpy()
        return agg

    by_topic = summarise("topic") if kind == "word" else None
    by_coder = summarise("coder")
    overall = answers.assign(coder="all")
    agg_all = overall.groupby("coder").agg(n=("correct", "size"), x=("correct", "sum")).reset_index()
    low, high = binomial_interval(agg_all["x"].to_numpy(), agg_all["n"].to_numpy(), ci=ci, method=method)
    agg_all["estimate"] = agg_all["x"] / agg_all["n"]
    agg_all["ci_low"], agg_all["ci_high"] = low, high
    if kind == "topic":
        agg_all["mean_tlo"] = float(answers["tlo"].mean())
    by_coder = pd.concat([by_coder, agg_all], ignore_index=True)
    return IntrusionScores(by_topic, by_coder, answers)


# ---------------------------------------------------------------------------------------------- simulation

#: the column of a simulated coding sheet that holds the simulated truth
SIMULATED_TRUTH = "simulated_truth"


def _per_key(value: float | dict[str, float], keys: Sequence[str], name: str) -> dict[str, float]:
    out = dict(value) if isinstance(value, dict) else dict.fromkeys(keys, value)
    missing = [k for k in keys if k not in out]
    if missing:
        msg = f"{name} has no value for {missing}; give one number or one per {name.split()[0]}"
        raise ValueError(msg)
    for k, v in out.items():
        if isinstance(v, bool) or not isinstance(v, int | float | np.number) or not 0 <= float(v) <= 1:
            msg = f"{name} for {k!r} must be a probability in [0, 1]; got {v!r}"
            raise ValueError(msg)
    return {k: float(out[k]) for k in keys}


def simulate_coding(
    sheet: pd.DataFrame,
    *,
    precision: float | dict[str, float],
    accuracy: float | dict[str, float],
    by: str = "category",
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Fill a coding sheet with SIMULATED codes of known quality (for teaching and testing only).

    Real validation needs people: print the sheet (ids only, as
    :func:`coding_sample` writes it), add the texts from your own copy, let
    two or more coders fill in the ``code_<coder>`` columns independently and
    score the result with :func:`score_coding`. This function instead invents
    a truth and coders, so that one can see what :func:`score_coding` recovers
    when the answer is known. Its output must never be reported as a
    validation of anything.

    Each unit is truly a correct hit (1) with probability ``precision`` (one
    number, or one per value of the ``by`` column); each coder then codes the
    truth with probability ``accuracy`` (one number, or one per coder) and the
    opposite otherwise.

    Parameters
    ----------
    sheet : DataFrame
        A coding sheet from :func:`coding_sample` (``code_<coder>`` columns).
    precision : float or dict
        The simulated measure's precision, overall or per value of ``by``.
    accuracy : float or dict
        Each simulated coder's probability of coding the truth.
    by : str
        The column that ``precision`` refers to when it is a dict.
    random_state : int, Generator or None
        Seed of the simulated truth and codes.

    Returns
    -------
    DataFrame
        The sheet with codes ``"1"``/``"0"`` in every code column and the
        simulated truth in :data:`SIMULATED_TRUTH` (0/1).

    Examples
    --------
    >>> hits = pd.DataFrame({"doc_id": list("abcdefgh"), "seg_no": 1, "category": ["sov"] * 4 + ["open"] * 4})
    >>> sheet = coding_sample(hits, strata="category", n_per_stratum=4, coders=["ann", "ben"], random_state=0)
    >>> coded = simulate_coding(sheet, precision={"sov": 1.0, "open": 0.0}, accuracy=1.0, by="category",
    ...                         random_state=0)
    >>> coded.groupby("category")["code_ann"].apply(lambda c: "".join(sorted(c))).to_dict()
    {'open': '0000', 'sov': '1111'}
    >>> bool((coded["code_ann"] == coded["code_ben"]).all())
    True
    """
    if not isinstance(sheet, pd.DataFrame) or sheet.empty:
        msg = "sheet must be a non-empty coding sheet (a DataFrame from coding_sample)"
        raise ValueError(msg)
    coders = [c[len(CODE_PREFIX) :] for c in sheet.columns if str(c).startswith(CODE_PREFIX)]
    if not coders:
        msg = f"sheet has no '{CODE_PREFIX}<coder>' columns; expected a sheet from coding_sample"
        raise ValueError(msg)
    if isinstance(precision, dict):
        if by not in sheet.columns:
            msg = f"sheet has no column {by!r} for a precision per {by}"
            raise ValueError(msg)
        keys = [str(v) for v in sheet[by]]
        p = _per_key(precision, sorted(set(keys)), f"{by} precision")
        p_unit = np.array([p[k] for k in keys])
    else:
        p_unit = np.full(len(sheet), _per_key(precision, ["all"], "precision")["all"])
    acc = _per_key(accuracy, coders, "coder accuracy")
    rng = check_random_state(random_state)
    truth = (rng.random(len(sheet)) < p_unit).astype(int)
    out = sheet.copy()
    for c in coders:
        right = rng.random(len(sheet)) < acc[c]
        out[CODE_PREFIX + c] = np.where(right, truth, 1 - truth).astype(str)
    out[SIMULATED_TRUTH] = truth
    return out


def simulate_intrusion_answers(
    test: IntrusionTest,
    *,
    accuracy: float | dict[str, float],
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Fill an intrusion sheet with SIMULATED answers (for teaching and testing only).

    Each simulated coder names the intruder with probability ``accuracy``
    and otherwise picks one of the options at random (which may still be the
    intruder, as a guess would). Real tests need people who have not seen the
    key; the result of this function must never be reported as a validation.

    Parameters
    ----------
    test : IntrusionTest
        From :func:`word_intrusion` or :func:`topic_intrusion`.
    accuracy : float or dict
        One probability, or one per coder (the ``answer_<coder>`` columns).
    random_state : int, Generator or None
        Seed of the simulated answers.

    Returns
    -------
    DataFrame
        The sheet with option numbers (as strings) in every answer column.

    Examples
    --------
    >>> tt = pd.DataFrame([[.3, .3, .2, .1, .05, .05, 0, 0], [0, 0, .05, .05, .1, .2, .3, .3]],
    ...                   columns=list("abcdefgh"))
    >>> class Fitted:
    ...     topic_term, segment_topics = tt, pd.DataFrame([[0.5, 0.5]])
    >>> test = word_intrusion(Fitted(), coders=["ann"], n_words=3, n_other=2, random_state=0)
    >>> answers = simulate_intrusion_answers(test, accuracy=1.0, random_state=0)
    >>> score_intrusion(answers, test.key).by_coder[["coder", "n", "x"]].values.tolist()
    [['ann', 2, 2], ['all', 2, 2]]
    """
    if not isinstance(test, IntrusionTest):
        msg = f"test must be an IntrusionTest from word_intrusion or topic_intrusion; got {type(test).__name__}"
        raise TypeError(msg)
    sheet = test.sheet
    coders = [c[len(ANSWER_PREFIX) :] for c in sheet.columns if str(c).startswith(ANSWER_PREFIX)]
    n_options = sum(1 for c in sheet.columns if str(c).startswith("option_"))
    if not coders or n_options < 2:
        msg = f"test.sheet must have '{ANSWER_PREFIX}<coder>' columns and at least two options"
        raise ValueError(msg)
    acc = _per_key(accuracy, coders, "coder accuracy")
    truth = test.key.set_index("question_id").loc[sheet["question_id"], "intruder_option"].to_numpy(dtype=int)
    rng = check_random_state(random_state)
    out = sheet.copy()
    for c in coders:
        knows = rng.random(len(sheet)) < acc[c]
        guess = rng.integers(1, n_options + 1, size=len(sheet))
        out[ANSWER_PREFIX + c] = np.where(knows, truth, guess).astype(str)
    return out
