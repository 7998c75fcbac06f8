"""Comparison units: a dozen meaningful blocks of documents instead of 268 documents.

A heat map or a scale of 268 documents is unreadable, and most of its cells
compare one NETmundial submission with another. Notebook 04 compares the
initiative with *units* instead, defined once here by :func:`comparison_units`:

* the initiative on its own;
* each declaration (group ``declaration``: the Paris Call, Barlow) and each
  national policy document read on its own (group ``national``: the US 2011
  international strategy, the Russian 2000 doctrine) as its own unit (they
  are distinct, famous texts);
* optionally, named documents taken out of their pool as their own unit
  (``own=``), such as China's NETmundial submission :data:`CHINA_NETMUNDIAL`,
  so that China's own voice can be shown beside the initiative;
* the national strategies pooled in two periods, before and from
  :data:`STRATEGY_SPLIT_YEAR` (2015, the median year of the panel: 41 and 44
  strategies). The later half was written in the years the initiative answers
  to: after the first World Internet Conference (Wuzhen, November 2014) and
  the 2015 report of the UN Group of Governmental Experts;
* the NETmundial submissions pooled by the submitter's stakeholder sector
  (civil society, private sector, government, academia, technical
  community, other), the division the meeting itself was organised around;
* documents a user adds (group ``user``) each on their own, under their ``doc_id``.

:func:`pool_units` sums the counts of each unit into one row, so that the
similarity, keyness and scaling functions (which work on documents) treat a
unit as one document. :func:`content_columns` keeps the unigram columns that
carry content (no stopwords, no numbers), the vocabulary of those comparisons.
:func:`keyness_against_groups` and :func:`plot_keyness_panels` compare one
target (the initiative) with each group in turn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_int
from initiative_lib.corpus.load import open_corpus, text_segments
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.corpus.schema import GROUP_ORDER
from initiative_lib.methods.baselines import length_matched_baseline
from initiative_lib.methods.keyness import keyness
from initiative_lib.methods.preprocess import PreprocessConfig, load_stopwords, preprocess
from initiative_lib.methods.scaling import WordfishResult, wordfish
from initiative_lib.study.specification import INITIATIVE, PREPROCESS

#: strategies dated before this year form the first strategy unit, the others the second
STRATEGY_SPLIT_YEAR = 2015
#: China's own NETmundial 2014 submission (the Government of China's proposal of an
#: international code of conduct for information security)
CHINA_NETMUNDIAL = "nm-009"
#: its label when it is shown as its own unit
CHINA_NETMUNDIAL_LABEL = "China at NETmundial 2014"
#: the groups whose documents are each their own unit
SINGLE_DOCUMENT_GROUPS = ("declaration", "national")
#: short labels of the declarations and national documents, in the order they are shown (by year)
DECLARATION_LABELS: dict[str, str] = {
    "decl-barlow-1996": "Barlow 1996",
    "decl-rus-infosec-doctrine-2000": "Russian doctrine 2000",
    "decl-usa-intl-strategy-cyberspace-2011": "US strategy 2011",
    "decl-paris-call-2018": "Paris Call 2018",
}
#: NETmundial sectors, in the order they are shown, and their labels
SECTOR_LABELS: dict[str, str] = {
    "government": "NETmundial government",
    "civil_society": "NETmundial civil society",
    "private_sector": "NETmundial private sector",
    "technical_community": "NETmundial technical",
    "academia": "NETmundial academia",
    "other": "NETmundial other",
}
INITIATIVE_LABEL = "Initiative 2020"


def strategy_labels(split_year: int = STRATEGY_SPLIT_YEAR) -> tuple[str, str]:
    """Labels of the two strategy units.

    Examples
    --------
    >>> strategy_labels(2015)
    ('Strategies before 2015', 'Strategies 2015 on')
    """
    return f"Strategies before {split_year}", f"Strategies {split_year} on"


def comparison_units(
    rows: pd.DataFrame,
    *,
    split_year: int = STRATEGY_SPLIT_YEAR,
    target: str = INITIATIVE,
    target_label: str | None = None,
    own: dict[str, str] | None = None,
) -> pd.Series:
    """The comparison unit of every row (document or segment).

    Parameters
    ----------
    rows : DataFrame
        Needs ``doc_id`` and ``group``; ``year`` for strategies and
        ``sector`` for NETmundial submissions (``dtm.rows`` or
        ``load_corpus().reset_index()`` will do).
    split_year : int
        Strategies dated before it form one unit, the others a second unit.
    target : str
        The ``doc_id`` of the target document: its own unit, listed first
        (default: the initiative).
    target_label : str, optional
        The target unit's label (default: ``"Initiative 2020"`` for the
        initiative, otherwise the target's ``doc_id``).
    own : dict, optional
        ``doc_id`` -> label of documents taken out of their pooled unit and
        shown on their own, listed after the target, e.g.
        ``{CHINA_NETMUNDIAL: CHINA_NETMUNDIAL_LABEL}``. A unit never mixes
        groups, so each such document is its own unit.

    Returns
    -------
    Series
        Ordered categorical, aligned with ``rows`` (same index), named
        ``unit``. Categories are the units present, in display order:
        the target, the initiative (when it is not the target), documents of
        ``own``, declarations and national documents by year, strategies by period, NETmundial sectors, then added
        documents (each its own unit, labelled by ``doc_id``). A declaration without a short label in
        :data:`DECLARATION_LABELS` is labelled by its ``doc_id``.

    Raises
    ------
    ValueError
        If a column is missing, a group is unknown, or a strategy lacks a
        year or a NETmundial submission a known sector.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "doc_id": ["nm-001", "wic-initiative-2020", "s1", "s2", "decl-barlow-1996"],
    ...     "group": ["netmundial", "initiative", "strategy", "strategy", "declaration"],
    ...     "year": [2014, 2020, 2011, 2018, 1996],
    ...     "sector": ["academia", None, None, None, None]})
    >>> units = comparison_units(rows)
    >>> units.tolist()
    ['NETmundial academia', 'Initiative 2020', 'Strategies before 2015', 'Strategies 2015 on', 'Barlow 1996']
    >>> list(units.cat.categories)
    ['Initiative 2020', 'Barlow 1996', 'Strategies before 2015', 'Strategies 2015 on', 'NETmundial academia']
    """
    if not isinstance(rows, pd.DataFrame):
        msg = f"rows must be a pandas DataFrame with doc_id and group columns; got {type(rows).__name__}"
        raise TypeError(msg)
    missing = [c for c in ("doc_id", "group") if c not in rows.columns]
    if missing:
        msg = (
            f"rows lacks columns {missing}; expected doc_id and group (plus year for strategies, sector for NETmundial)"
        )
        raise ValueError(msg)
    if not isinstance(split_year, int | np.integer) or isinstance(split_year, bool):
        msg = f"split_year must be an integer year; got {split_year!r}"
        raise TypeError(msg)
    groups = rows["group"].astype(object)
    unknown = sorted({str(g) for g in groups.dropna()} - set(GROUP_ORDER))
    if unknown or groups.isna().any():
        msg = f"rows has unknown or missing group values {unknown or ['<NA>']}; expected one of {list(GROUP_ORDER)}"
        raise ValueError(msg)
    doc_ids = rows["doc_id"].astype(str)
    labels = pd.Series(np.full(len(rows), None, dtype=object), index=rows.index, name="unit")
    labels[groups == "initiative"] = INITIATIVE_LABEL
    decl = groups.isin(SINGLE_DOCUMENT_GROUPS)
    labels[decl] = doc_ids[decl].map(lambda d: DECLARATION_LABELS.get(d, d))
    strat = groups == "strategy"
    if strat.any():
        if "year" not in rows.columns or rows.loc[strat, "year"].isna().any():
            msg = "every strategy row needs a year (column 'year') to be split into periods"
            raise ValueError(msg)
        early, late = strategy_labels(int(split_year))
        labels[strat] = np.where(rows.loc[strat, "year"].astype(int) < split_year, early, late)
    nm = groups == "netmundial"
    if nm.any():
        sectors = (
            rows.loc[nm, "sector"].astype(object) if "sector" in rows.columns else pd.Series(None, index=nm[nm].index)
        )
        bad = sorted({str(s) for s in sectors if s not in SECTOR_LABELS})
        if bad:
            msg = f"NETmundial rows need a sector (column 'sector') among {list(SECTOR_LABELS)}; got {bad}"
            raise ValueError(msg)
        labels[nm] = sectors.map(SECTOR_LABELS)
    user = groups == "user"
    labels[user] = doc_ids[user]
    if target_label is None:
        target_label = INITIATIVE_LABEL if target == INITIATIVE else str(target)
    own = {} if own is None else dict(own)
    for doc_id, label in own.items():
        if not isinstance(label, str) or not label:
            msg = f"own[{doc_id!r}] must be a non-empty label; got {label!r}"
            raise ValueError(msg)
        labels[doc_ids == str(doc_id)] = label
    labels[doc_ids == str(target)] = target_label
    order = [target_label, INITIATIVE_LABEL, *own.values()]
    order += [v for k, v in DECLARATION_LABELS.items() if (doc_ids[decl] == k).any()]
    order += sorted(set(labels[decl]) - set(DECLARATION_LABELS.values()))
    order += list(strategy_labels(int(split_year)))
    order += list(SECTOR_LABELS.values())
    order += sorted(set(labels[user]))
    present = set(labels)
    categories = [c for c in dict.fromkeys(order) if c in present]
    return labels.astype(pd.CategoricalDtype(categories, ordered=True))


def unit_groups(rows: pd.DataFrame, units: pd.Series) -> pd.Series:
    """The group of each unit (a unit never mixes groups), indexed by unit label.

    Examples
    --------
    >>> rows = pd.DataFrame({"doc_id": ["a", "b"], "group": ["strategy", "strategy"], "year": [2010, 2011]})
    >>> unit_groups(rows, comparison_units(rows)).to_dict()
    {'Strategies before 2015': 'strategy'}
    """
    pairs = pd.DataFrame({"unit": units.astype(object).to_numpy(), "group": rows["group"].astype(object).to_numpy()})
    pairs = pairs.drop_duplicates()
    if pairs["unit"].duplicated().any():
        bad = pairs.loc[pairs["unit"].duplicated(), "unit"].tolist()[:3]
        msg = f"units {bad} mix documents of different groups; expected one group per unit"
        raise ValueError(msg)
    order = list(units.cat.categories) if isinstance(units.dtype, pd.CategoricalDtype) else list(pairs["unit"])
    return pairs.set_index("unit")["group"].reindex([u for u in order if u in set(pairs["unit"])]).rename("group")


def pool_units(dtm: DocumentTermMatrix, units: pd.Series | Sequence[object]) -> DocumentTermMatrix:
    """Sum the rows of ``dtm`` into one row per unit.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment or document rows with a ``group`` column.
    units : Series or sequence
        One label per row of ``dtm`` (e.g. :func:`comparison_units` of
        ``dtm.rows``); missing labels drop the row.

    Returns
    -------
    DocumentTermMatrix
        Document level, one row per unit in category order (else order of
        first appearance). ``rows``: ``doc_id`` (the unit label, so that
        document-level functions label their output by unit), ``unit``,
        ``group``, ``n_documents``, ``n_tokens`` (summed).

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a", "b", "c"], "n_tokens": [3, 2, 4], "group": ["g", "g", "h"]})
    >>> m = pool_units(from_counts([{"x": 3}, {"x": 1, "y": 1}, {"y": 4}], rows), ["u", "u", "v"])
    >>> m.rows[["doc_id", "group", "n_documents", "n_tokens"]]
      doc_id group  n_documents  n_tokens
    0      u     g            2         5
    1      v     h            1         4
    >>> m.counts.toarray().tolist()
    [[4, 1], [0, 4]]
    """
    if not isinstance(dtm, DocumentTermMatrix):
        msg = f"dtm must be a DocumentTermMatrix; got {type(dtm).__name__}"
        raise TypeError(msg)
    labels = units if isinstance(units, pd.Series) else pd.Series(list(units), dtype=object)
    if len(labels) != dtm.shape[0]:
        msg = f"units must have one label per row of dtm ({dtm.shape[0]}); got {len(labels)}"
        raise ValueError(msg)
    if "group" not in dtm.rows.columns:
        msg = "dtm.rows needs a 'group' column to record each unit's group"
        raise ValueError(msg)
    keep = labels.notna().to_numpy()
    if not keep.any():
        msg = "units has no labels; expected at least one labelled row"
        raise ValueError(msg)
    if isinstance(labels.dtype, pd.CategoricalDtype):
        used = set(labels[keep].astype(object))
        order = [c for c in labels.cat.categories if c in used]
    else:
        order = list(dict.fromkeys(labels[keep].astype(object)))
    code_of = {u: i for i, u in enumerate(order)}
    codes = np.array([code_of[u] for u in labels[keep].astype(object)], dtype=np.int64)
    rows = dtm.rows.loc[keep].reset_index(drop=True)
    member = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(order), len(codes)))
    counts = (member @ dtm.counts[keep].astype(np.int64)).astype(np.int64).tocsr()
    unit_groups_ = unit_groups(rows, pd.Series(labels[keep].astype(object).to_numpy()))
    meta = pd.DataFrame(
        {
            "doc_id": pd.array([str(u) for u in order], dtype="string"),
            "unit": [str(u) for u in order],
            "group": unit_groups_.reindex(order).to_numpy(dtype=object),
            "n_documents": rows.groupby(codes)["doc_id"].nunique().reindex(range(len(order))).to_numpy(np.int64),
            "n_tokens": rows.groupby(codes)["n_tokens"].sum().reindex(range(len(order))).to_numpy(np.int64),
        }
    )
    return DocumentTermMatrix(counts=counts, rows=meta, vocab=dtm.vocab, level="document")


def content_columns(
    dtm: DocumentTermMatrix, *, stopwords: str = "english+domain", min_count: int = 1
) -> DocumentTermMatrix:
    """Keep the unigram columns that carry content.

    Drops bigram columns, stopwords of the named list (see
    :func:`~initiative_lib.methods.preprocess.load_stopwords`), terms without a
    letter (numbers), one-character terms and terms occurring fewer than
    ``min_count`` times in ``dtm``. ``rows["n_tokens"]`` is untouched, so rates
    and keyness keep every token in the denominator.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["a"], "n_tokens": [9]})
    >>> m = from_counts([{"the": 3, "cyber": 2, "2020": 1, "cyber space": 1, "x": 1, "rare": 1}], rows)
    >>> content_columns(m).vocab.tolist(), content_columns(m, min_count=2).vocab.tolist()
    (['cyber', 'rare'], ['cyber'])
    """
    min_count = check_int(min_count, "min_count", minimum=1)
    stop = load_stopwords(stopwords)
    totals = np.asarray(dtm.counts.sum(axis=0)).ravel()
    terms = [str(t) for t in dtm.vocab]
    mask = np.array(
        [" " not in t and len(t) > 1 and t not in stop and any(c.isalpha() for c in t) for t in terms], dtype=bool
    )
    return dtm.select_terms(mask & (totals >= min_count))


def unit_means(
    table: pd.DataFrame | Sequence[pd.DataFrame], rows: pd.DataFrame, *, split_year: int = STRATEGY_SPLIT_YEAR
) -> pd.DataFrame:
    """Average the rows of a per-document table (topic shares, profiles) over comparison units.

    Every document counts alike within its unit.

    Parameters
    ----------
    table : DataFrame or sequence of DataFrame
        Indexed by ``doc_id``, numeric columns; several tables with the same
        columns (the comparison documents' topic shares and the initiative's
        inferred shares) are stacked first.
    rows : DataFrame
        ``doc_id``, ``group`` and what :func:`comparison_units` needs; segment
        rows are fine (one row per document is used).
    split_year : int
        Passed to :func:`comparison_units`.

    Returns
    -------
    DataFrame
        One row per unit present in ``table``, in unit order, indexed by ``unit``.

    Examples
    --------
    >>> shares = pd.DataFrame({"t0": [0.2, 0.4, 1.0], "t1": [0.8, 0.6, 0.0]}, index=["s1", "s2", "wic"])
    >>> rows = pd.DataFrame({"doc_id": ["s1", "s2", "wic"], "group": ["strategy", "strategy", "initiative"],
    ...                      "year": [2016, 2018, 2020]})
    >>> unit_means(shares, rows)
                          t0   t1
    unit
    Initiative 2020      1.0  0.0
    Strategies 2015 on   0.3  0.7
    """
    if isinstance(table, Sequence) and all(isinstance(t, pd.DataFrame) for t in table) and len(table):
        table = pd.concat(list(table))
    if not isinstance(table, pd.DataFrame) or not table.index.is_unique:
        msg = "table must be a DataFrame indexed by unique doc_id values"
        raise ValueError(msg)
    meta = rows.drop_duplicates("doc_id").astype({"doc_id": object}).set_index("doc_id")
    missing = [d for d in table.index if d not in meta.index]
    if missing:
        msg = f"table has doc_id values missing from rows: {missing[:5]}"
        raise ValueError(msg)
    meta = meta.loc[list(table.index)].reset_index()
    units = comparison_units(meta, split_year=split_year)
    out = table.groupby(pd.Categorical(units.to_numpy(), categories=units.cat.categories), observed=True).mean()
    out.index = pd.Index([str(u) for u in out.index], name="unit")
    return out


def document_segments(doc_id: str, *, corpus_dir: str | None = None) -> pd.Series:
    """The segments of a document that ships as text, numbered like the corpus (``seg_no`` from 1).

    Only documents shipped as text (the initiative, documents a user adds) have
    segments to show; comparison documents ship as counts.

    Raises
    ------
    ValueError
        If the document ships as features only.

    Examples
    --------
    >>> paras = document_segments("wic-initiative-2020")
    >>> paras.index.tolist()
    [1, 2, 3, 4, 5, 6, 7]
    >>> paras.iloc[1][:45]
    'The initiative was released by the Organizing'
    """
    corpus = open_corpus(corpus_dir=corpus_dir, validate=False)
    text = corpus.text_of(doc_id)
    if text is None:
        msg = f"document {doc_id!r} ships as features only; its text is not in the corpus (see fetch_texts)"
        raise ValueError(msg)
    segments = text_segments(text)
    return pd.Series(segments, index=pd.RangeIndex(1, len(segments) + 1, name="seg_no"), name="text", dtype=object)


KEYNESS_COLUMNS = ["reference", "term", "target_count", "reference_count", "target_rows", "target_rate",
                   "reference_rate", "g2", "log_ratio", "p_value"]  # fmt: skip


def keyness_against_groups(
    dtm: DocumentTermMatrix,
    target: str,
    *,
    by: str = "group",
    references: Sequence[str] | None = None,
    min_count: int = 3,
    min_target: int = 2,
) -> pd.DataFrame:
    """Keyness (G2, log ratio) of one target against each other group in turn.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Segment or document rows with a ``by`` column; usually
        :func:`content_columns` of the raw counts (``n_tokens`` still counts
        every token).
    target : str
        The target's value of ``by`` (e.g. ``"initiative"``).
    by : str
        Grouping column.
    references : sequence of str, optional
        The groups compared with the target, in this order; by default every
        other value of ``by``, sorted.
    min_count : int
        Passed to :func:`~initiative_lib.methods.keyness.keyness` (target and
        reference together).
    min_target : int
        Keep only terms the target uses at least this often among the terms
        *over*-used by the target (a term used once in a 500-word text is not
        evidence of anything); terms under-used by the target are all kept.

    Returns
    -------
    DataFrame
        :data:`KEYNESS_COLUMNS`: one block per reference, each sorted by
        signed G2 (the target's terms first).

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": list("abc"), "n_tokens": [100, 100, 100], "group": ["t", "r", "s"]})
    >>> m = from_counts([{"x": 10, "y": 2}, {"x": 2, "y": 10}, {"x": 1, "y": 1}], rows)
    >>> out = keyness_against_groups(m, "t", min_count=1)
    >>> out[["reference", "term", "target_count", "reference_count"]]
      reference term  target_count  reference_count
    0         r    x            10                2
    1         r    y             2               10
    2         s    x            10                1
    3         s    y             2                1
    """
    if by not in dtm.rows.columns:
        msg = f"by={by!r} is not a column of dtm.rows; available: {list(dtm.rows.columns)}"
        raise ValueError(msg)
    values = dtm.rows[by].astype(object)
    present = sorted({str(v) for v in values.dropna()})
    if target not in present:
        msg = f"target {target!r} is not a value of column {by!r}; expected one of {present}"
        raise ValueError(msg)
    refs = [v for v in present if v != target] if references is None else list(references)
    absent = [r for r in refs if r not in present or r == target]
    if absent or not refs:
        msg = f"references must be values of {by!r} other than the target; got {absent or refs}"
        raise ValueError(msg)
    min_target = check_int(min_target, "min_target", minimum=1)
    is_target = (values == target).to_numpy()
    blocks = []
    for ref in refs:
        k = keyness(dtm, is_target, (values == ref).to_numpy(), measure="g2", min_count=min_count)
        k = k[(k["g2"] <= 0) | (k["target_count"] >= min_target)]
        blocks.append(k.assign(reference=ref)[KEYNESS_COLUMNS])
    return pd.concat(blocks, ignore_index=True)


def _idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed idf of the rows of ``counts``, as :func:`~initiative_lib.methods.tfidf_similarity` weights them."""
    n = counts.shape[0]
    df = np.bincount(sp.csr_matrix(counts).indices, minlength=counts.shape[1])
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def _tfidf_unit(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF-IDF rows of unit length, as :func:`~initiative_lib.methods.tfidf_similarity` weights them."""
    x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    x.data = np.where(x.data > 0, 1.0 + np.log(np.where(x.data > 0, x.data, 1.0)), 0.0)
    x = x.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return (sp.diags(np.where(norms > 0, 1.0 / np.where(norms > 0, norms, 1.0), 0.0)) @ x).tocsr()


def _tfidf_row(counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """:func:`_tfidf_unit` of one row of non-negative integer counts, as a dense vector, to the last bit.

    The same operations on the non-zero counts in column order (the order in which
    scipy stores, squares and sums them for the norm; ``tests/study/test_units.py``).
    """
    nz = np.flatnonzero(counts)
    tf = counts[nz].astype(np.float64)
    x = np.where(tf > 0, 1.0 + np.log(np.where(tf > 0, tf, 1.0)), 0.0) * idf[nz]
    norm = np.sqrt(np.add.reduceat(x * x, [0])[0]) if nz.size else 0.0
    out = np.zeros(counts.shape[0], dtype=np.float64)
    if norm > 0:
        out[nz] = (1.0 / norm) * x
    return out


def _tfidf_entries(counts: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The non-zero columns and values of :func:`_tfidf_row`, in column order."""
    row = _tfidf_row(counts, idf)
    cols = np.flatnonzero(row)
    return cols, row[cols]


def _sorted_entries(row: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """The columns and values of a one-row matrix, in column order."""
    order = np.argsort(row.indices, kind="stable")
    return row.indices[order], row.data[order]


def _dense_dot(dense: np.ndarray, cols: np.ndarray, values: np.ndarray) -> float:
    """:func:`_row_dot` of a dense row and a sparse one given by its sorted columns and values, to the last bit.

    The non-zero products in column order, summed by the same ``numpy.sum``.
    """
    products = dense[cols] * values
    return float(np.sum(products[products != 0]))


def _row_dot(a: sp.csr_matrix, b: sp.csr_matrix) -> float:
    """``a.multiply(b).sum()`` of two one-row matrices, without building the product matrix.

    With sorted indices the products come in column order, as in scipy's
    element-wise product, and are summed by the same ``numpy.sum``: the same
    number to the last bit (``tests/study/test_units.py``).
    """
    if not (a.has_sorted_indices and b.has_sorted_indices):
        return float(a.multiply(b).sum())
    _, ia, ib = np.intersect1d(a.indices, b.indices, assume_unique=True, return_indices=True)
    products = a.data[ia] * b.data[ib]
    return float(np.sum(products[products != 0]))  # scipy keeps no zero products


def similarity_baseline(
    content: DocumentTermMatrix,
    pooled: DocumentTermMatrix,
    target: str,
    *,
    by: str = "group",
    unit_of: Mapping[str, object] | pd.Series | None = None,
    n_windows: int = 200,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Cosine of length-matched windows of each comparator with every pooled unit, their own document left out.

    A short text has low cosine similarity to everything, so "the target is
    closest to unit X" may say more about length than content. This asks how
    close texts *of the target's length* come to each unit: windows of the
    target's length are drawn from the documents of each comparator (each
    value of ``by``), and each window's cosine with each pooled unit is
    computed exactly as the target's is. The statistic is the cosine of
    sublinear TF-IDF vectors, weighted as
    :func:`~initiative_lib.methods.tfidf_similarity` weights ``pooled`` (the
    idf of ``pooled``'s rows); a window's own document is subtracted from its
    own unit first (a unit of that one document then has nothing left, and
    the cosine is NaN, left out of the reference distribution). Windows are
    exact-length token windows
    (:func:`~initiative_lib.methods.baselines.length_matched_baseline`,
    ``window="tokens"``).

    Parameters
    ----------
    content : DocumentTermMatrix
        Segment counts (the vocabulary of ``pooled``) with ``doc_id``, ``seg_no``
        and ``by`` columns, the target's rows included.
    pooled : DocumentTermMatrix
        One row per unit (:func:`pool_units`), with a ``unit`` column; the
        target's own unit (``unit_of[target]``) is not a statistic.
    target : str
        The target's ``doc_id``.
    by : str
        Column of ``content.rows`` whose values are the comparators windows are drawn from.
    unit_of : mapping or Series, optional
        ``doc_id -> unit`` of ``pooled``; default: the ``by`` column (units are
        then the comparators, as in a report).
    n_windows : int
        Windows per comparator.
    random_state : int or Generator, optional

    Returns
    -------
    DataFrame
        The baseline's ``summary``: one row per comparator and unit
        (``statistic``), with the target's ``value``, its ``percentile`` among
        the windows, and the windows' quantiles.

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": ["t", "a", "a", "b", "b"], "seg_no": [1, 1, 2, 1, 2],
    ...                      "n_tokens": 4, "group": ["t", "g", "g", "g", "g"]})
    >>> seg = from_counts([{"x": 2, "y": 2}, {"x": 3, "z": 1}, {"y": 1, "z": 3}, {"x": 2, "y": 2},
    ...                    {"z": 4}], rows)
    >>> units = pd.Series({"t": "t", "a": "A", "b": "B"})
    >>> pooled = pool_units(seg, seg.rows["doc_id"].map(units))
    >>> out = similarity_baseline(seg, pooled, "t", unit_of=units, n_windows=20, random_state=0)
    >>> out[["comparator", "statistic", "n_windows"]].to_numpy().tolist()  # a window of a has no A left
    [['g', 'A', 14], ['g', 'B', 6]]
    """
    idf = _idf(pooled.counts)
    docs = content.to_documents()
    doc_ids = docs.rows["doc_id"].astype(str)
    if unit_of is None:
        unit_map = dict(zip(doc_ids, docs.rows[by].astype(str), strict=True))
    else:
        unit_map = {str(k): str(v) for k, v in dict(unit_of).items()}
    if target not in unit_map:
        msg = f"target {target!r} has no unit in unit_of"
        raise ValueError(msg)
    units_present = [str(u) for u in pooled.rows["unit"]]
    target_unit = unit_map[target]
    names = [u for u in units_present if u != target_unit]
    row_of = {u: i for i, u in enumerate(units_present)}
    pooled_x = pooled.counts.tocsr().astype(np.float64)
    unit_vec = {u: _tfidf_unit(pooled_x[row_of[u]], idf) for u in names}
    doc_row = {d: i for i, d in enumerate(doc_ids)}
    left_out: dict[str, sp.csr_matrix | None] = {}  # a unit without one document, by that document

    def without(u: str, doc_id: str) -> sp.csr_matrix | None:
        if doc_id not in left_out:
            rest = pooled_x[row_of[u]] - docs.counts[doc_row[doc_id]]
            left_out[doc_id] = _tfidf_unit(rest, idf) if rest.count_nonzero() else None
        return left_out[doc_id]

    unit_entries = {u: _sorted_entries(unit_vec[u]) for u in names}  # each unit's columns and values, sorted
    left_out_entries: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
    integer_counts = pooled.counts.dtype.kind in "iu" and docs.counts.dtype.kind in "iu"

    def without_entries(u: str, doc_id: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The sorted entries of ``without(u, doc_id)``, from dense integer counts where they allow it."""
        if doc_id not in left_out_entries:
            rest = None
            if integer_counts:
                unit_row = pooled.counts[row_of[u]].toarray().ravel().astype(np.int64)
                rest = unit_row - docs.counts[doc_row[doc_id]].toarray().ravel().astype(np.int64)
            if rest is None or (rest < 0).any():
                ref = without(u, doc_id)
                left_out_entries[doc_id] = None if ref is None else _sorted_entries(ref)
            else:
                left_out_entries[doc_id] = _tfidf_entries(rest, idf) if rest.any() else None
        return left_out_entries[doc_id]

    def cosines(c: np.ndarray, doc_id: str) -> dict[str, float]:
        c = np.asarray(c)
        dense = _tfidf_row(c, idf) if c.ndim == 1 and c.dtype.kind in "iu" and not (c < 0).any() else None
        x = None if dense is not None else _tfidf_unit(sp.csr_matrix(np.asarray(c, dtype=np.float64)[None, :]), idf)
        out = {}
        for u in names:
            own = unit_map.get(doc_id) == u
            if dense is None:
                ref = without(u, doc_id) if own else unit_vec[u]
                out[u] = np.nan if ref is None else _row_dot(x, ref)
                continue
            entries = without_entries(u, doc_id) if own else unit_entries[u]
            out[u] = np.nan if entries is None else _dense_dot(dense, *entries)
        return out

    return length_matched_baseline(
        content, target, cosines, by=by, n_windows=n_windows, random_state=random_state, with_source=True
    ).summary


#: Wordfish's terms on the units: the topic model's stopwords (English, drafting and place names), used by 3+ units
SCALING_CONFIG = PreprocessConfig(stopwords=PREPROCESS.stopwords, min_df=3)


def scale_units(
    content: DocumentTermMatrix,
    units: pd.Series | Sequence[object],
    *,
    direction: tuple[str, str],
    config: PreprocessConfig = SCALING_CONFIG,
    n_boot: int = 200,
    random_state: int | np.random.Generator | None = None,
) -> WordfishResult:
    """Wordfish on comparison units, with a bootstrap over each unit's segments.

    The terms are chosen on the pooled units (:func:`pool_units`) with
    ``config``: by default the stopwords of the headline topic model
    (English, drafting vocabulary and place names, so that a strategy's own
    country name cannot drive the scale) and terms used by at least three
    units. The model is then fitted to the segments labelled by their unit
    (a unit is one "document" of :func:`~initiative_lib.methods.wordfish`), so
    that ``bootstrap="segments"`` resamples each unit's segments: the
    intervals carry the sampling of passages, not only Poisson noise (a
    one-segment unit gets no variation of its own).

    Parameters
    ----------
    content : DocumentTermMatrix
        Segment counts (unigrams; e.g. :func:`content_columns`).
    units : Series or sequence
        Unit of each row (:func:`comparison_units`).
    direction : (str, str)
        Two unit labels; the first gets the lower position.
    config : PreprocessConfig
        Term selection on the pooled units.
    n_boot : int
        Bootstrap replicates (0: analytic standard errors only, too small).
    random_state : int or Generator, optional

    Returns
    -------
    WordfishResult
        ``documents`` has one row per unit (``doc_id`` is the unit label).

    Examples
    --------
    >>> from initiative_lib.corpus.matrix import from_counts
    >>> rows = pd.DataFrame({"doc_id": list("aabbcc"), "seg_no": [1, 2] * 3, "n_tokens": 40, "group": "g"})
    >>> counts = [{"net": 9, "law": 1, "rule": 2}, {"net": 8, "law": 2, "rule": 1},
    ...           {"net": 5, "law": 5, "rule": 3}, {"net": 4, "law": 6, "rule": 2},
    ...           {"net": 1, "law": 9, "rule": 2}, {"net": 2, "law": 8, "rule": 3}]
    >>> seg = from_counts(counts, rows)
    >>> fit = scale_units(seg, ["A", "A", "B", "B", "C", "C"], direction=("A", "C"),
    ...                   config=PreprocessConfig(stopwords=None, min_df=1), n_boot=20, random_state=0)
    >>> fit.documents["doc_id"].tolist(), bool(fit.documents["theta"].is_monotonic_increasing)
    (['A', 'B', 'C'], True)
    >>> bool((fit.documents["ci_low"] <= fit.documents["theta"]).all())
    True
    """
    labels = np.asarray(units, dtype=object)
    if labels.shape != (content.shape[0],):
        msg = f"units must give one unit per row of content ({content.shape[0]}); got {labels.shape}"
        raise ValueError(msg)
    n_boot = check_int(n_boot, "n_boot", minimum=0)
    pooled = pool_units(content, units)
    terms = preprocess(pooled, config)
    seg = content.select_terms(content.vocab.isin(terms.vocab))
    rows = seg.rows.copy()
    rows["doc_id"] = [str(u) for u in labels]
    labelled = DocumentTermMatrix(counts=seg.counts, rows=rows, vocab=seg.vocab, level=seg.level)
    return wordfish(
        labelled,
        direction=direction,
        n_boot=n_boot,
        bootstrap="segments" if n_boot else "parametric",
        random_state=random_state,
    )
