"""Load the UN General Debate data the corpus ships.

``corpus/ungdc/`` holds, for the 8,093 speeches of the UN General Debate
Corpus (sessions 25-73, 1970-2018; Baturo, Dasandi and Mikhaylov 2017), one
row per speech with its country, region, year, session and paragraph and
token totals, and the token and bigram counts of every paragraph that speaks
of cyberspace, ICT, the Internet or information security (the rule of
:mod:`initiative_lib.build.sources.ungdc`). The texts are not shipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from initiative_lib.checks import check_int, check_option
from initiative_lib.corpus.features import read_features
from initiative_lib.corpus.load import open_corpus, read_csv_records
from initiative_lib.corpus.matrix import DocumentTermMatrix, Ngrams, from_counts, ngram_terms
from initiative_lib.errors import CorpusError, require_columns, where

UNGDC_DIR = "ungdc"
SPEECH_INT_COLUMNS = ["year", "session", "n_paragraphs", "n_cyber_paragraphs", "n_tokens", "n_cyber_tokens"]
SPEECH_COLUMNS = [
    "doc_id",
    "country_code",
    "country",
    "region",
    "subregion",
    *SPEECH_INT_COLUMNS,
    "source_url",
    "source_sha256",
]


def load_debate_speeches(*, corpus_dir: str | os.PathLike[str] | None = None, validate: bool = True) -> pd.DataFrame:
    """One row per General Debate speech, indexed by ``doc_id`` (``ungdc-USA-73-2018``).

    Columns: ``country_code``, ``country``, ``region``, ``subregion``, ``year``,
    ``session``, ``n_paragraphs``, ``n_cyber_paragraphs``, ``n_tokens``,
    ``n_cyber_tokens``, ``source_url``, ``source_sha256``.

    Examples
    --------
    >>> speeches = load_debate_speeches()
    >>> len(speeches), int(speeches["n_cyber_paragraphs"].sum()) > 500
    (8093, True)
    """
    return _read_speeches(open_corpus(corpus_dir=corpus_dir, validate=validate).root / UNGDC_DIR)


def _read_speeches(folder: Path) -> pd.DataFrame:
    path = folder / "speeches.csv"
    if not path.is_file():
        msg = f"{path}: not found; rebuild the corpus with the UN General Debate mirror present"
        raise CorpusError(msg)
    records = read_csv_records(path, SPEECH_COLUMNS)
    df = pd.DataFrame([rec for _row, rec in records], columns=SPEECH_COLUMNS, dtype=object).astype(str)
    for col in SPEECH_INT_COLUMNS:
        bad = ~df[col].str.fullmatch(r"\d+")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            msg = f"{where(path, row + 2, col)}: value {df[col].iloc[row]!r} is not a non-negative integer"
            raise CorpusError(msg)
        df[col] = df[col].astype("int64")
    if not df["doc_id"].is_unique:
        dup = df.loc[df["doc_id"].duplicated(), "doc_id"].iloc[0]
        msg = f"{path}: duplicate doc_id {dup!r}; ids must be unique"
        raise CorpusError(msg)
    for col in ("country_code", "country", "region", "subregion"):
        df[col] = df[col].replace("", pd.NA).astype("string")
    return df.set_index("doc_id")


PARAGRAPH_COLUMNS = ["doc_id", "paragraph", "n_tokens", "patterns"]


def _read_debates(root: Path) -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """Speeches, paragraph features and the paragraph table, checked against each other."""
    speeches = _read_speeches(root)
    feat_path = root / "cyber_paragraphs.jsonl.gz"
    if not feat_path.is_file():
        msg = f"{feat_path}: not found; expected the cyber paragraphs' counts beside speeches.csv"
        raise CorpusError(msg)
    feats = list(read_features(feat_path))
    unknown = sorted({f.doc_id for f in feats} - set(speeches.index))
    if unknown:
        msg = f"{feat_path}: paragraphs of {unknown[:3]} have no row in speeches.csv"
        raise CorpusError(msg)
    table = root / "cyber_paragraphs.csv"
    if not table.is_file():
        msg = f"{table}: not found; expected the cyber paragraphs' table beside speeches.csv"
        raise CorpusError(msg)
    records = read_csv_records(table, PARAGRAPH_COLUMNS)
    for (row, rec), feat in zip(records, feats, strict=False):
        if (
            rec["doc_id"] != feat.doc_id
            or rec["paragraph"] != str(feat.seg_no)
            or rec["n_tokens"] != str(feat.counts.n_tokens)
        ):
            msg = (
                f"{where(table, row)}: ({rec['doc_id']!r}, paragraph {rec['paragraph']!r}, n_tokens "
                f"{rec['n_tokens']!r}) but line {row - 1} of {feat_path.name} has ({feat.doc_id!r}, "
                f"{feat.seg_no}, {feat.counts.n_tokens}); expected the same paragraphs in the same order"
            )
            raise CorpusError(msg)
    if len(records) != len(feats):
        msg = f"{table}: {len(records)} paragraphs but {feat_path.name} has {len(feats)}; expected the same paragraphs"
        raise CorpusError(msg)
    totals = pd.Series([f.doc_id for f in feats]).value_counts()
    declared = speeches["n_cyber_paragraphs"]
    diff = declared.sub(totals.reindex(declared.index, fill_value=0))
    if (diff != 0).any():
        doc_id = str(diff.index[diff.to_numpy() != 0][0])
        msg = (
            f"{root / 'speeches.csv'}: speech {doc_id!r} has n_cyber_paragraphs={int(declared[doc_id])} but "
            f"{feat_path.name} has {int(totals.get(doc_id, 0))} of its paragraphs; expected them to agree"
        )
        raise CorpusError(msg)
    patterns = pd.DataFrame([rec for _row, rec in records], columns=PARAGRAPH_COLUMNS, dtype=object).astype(str)
    return speeches, feats, patterns


def check_debates(folder: str | os.PathLike[str]) -> tuple[int, int]:
    """Check a corpus's ``ungdc/`` folder; return the number of speeches and of cyber paragraphs.

    Checks ``speeches.csv`` (exactly :data:`SPEECH_COLUMNS`, integer counts,
    unique ids), every line of ``cyber_paragraphs.jsonl.gz``, that
    ``cyber_paragraphs.csv`` lists the same paragraphs in the same order, and
    that each speech's ``n_cyber_paragraphs`` matches. Run by
    :func:`initiative_lib.corpus.load.validate_corpus`.

    Raises
    ------
    CorpusError
        Naming the file, row and what was expected.
    """
    speeches, feats, _patterns = _read_debates(Path(folder))
    return len(speeches), len(feats)


def debate_matrix(
    *, ngrams: Ngrams = "unigrams", corpus_dir: str | os.PathLike[str] | None = None, validate: bool = True
) -> DocumentTermMatrix:
    """Counts of the cyber paragraphs, one row per paragraph, with speech metadata.

    ``rows`` has ``doc_id``, ``seg_no`` (the paragraph's number in its speech),
    ``n_tokens``, ``patterns`` (which parts of the rule matched) and the
    speech's ``country_code``, ``country``, ``region``, ``subregion``, ``year``
    and ``session``.

    Examples
    --------
    >>> m = debate_matrix()
    >>> m.shape[0] == int(load_debate_speeches()["n_cyber_paragraphs"].sum())
    True
    """
    check_option(ngrams, "ngrams", ("unigrams", "bigrams", "both"))
    root = open_corpus(corpus_dir=corpus_dir, validate=validate).root / UNGDC_DIR
    speeches, feats, patterns = _read_debates(root)
    rows = pd.DataFrame(
        {
            "doc_id": [f.doc_id for f in feats],
            "seg_no": np.array([f.seg_no for f in feats], dtype=np.int64),
            "n_tokens": np.array([f.counts.n_tokens for f in feats], dtype=np.int64),
        }
    )
    rows["patterns"] = patterns["patterns"].to_numpy()
    meta = speeches[["country_code", "country", "region", "subregion", "year", "session"]]
    rows = rows.join(meta, on="doc_id")
    rows["doc_id"] = rows["doc_id"].astype("string")
    return from_counts((ngram_terms(f.counts, ngrams) for f in feats), rows, level="segment")


def cyber_share(speeches: pd.DataFrame, by: str | None = None, *, first_year: int = 1970) -> pd.DataFrame:
    """Share of General Debate paragraphs that speak of cyberspace or ICT, by year (and ``by``).

    Returns
    -------
    DataFrame
        ``year`` (and ``by``), ``n_speeches``, ``n_paragraphs``,
        ``n_cyber_paragraphs``, ``share`` (cyber paragraphs / paragraphs).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"year": [2000, 2000, 2001], "region": ["A", "B", "A"],
    ...                   "n_paragraphs": [10, 30, 20], "n_cyber_paragraphs": [1, 3, 0]})
    >>> cyber_share(s)["share"].tolist()
    [0.1, 0.0]
    >>> cyber_share(s, by="region")[["year", "region", "share"]].values.tolist()
    [[2000, 'A', 0.1], [2000, 'B', 0.1], [2001, 'A', 0.0]]
    """
    keys = ["year"] if by is None else ["year", by]
    require_columns(speeches, [*keys, "n_paragraphs", "n_cyber_paragraphs"], "speeches", "load_debate_speeches()")
    sel = speeches[speeches["year"] >= first_year]
    out = sel.groupby(keys, observed=True, sort=True).agg(
        n_speeches=("n_paragraphs", "size"),
        n_paragraphs=("n_paragraphs", "sum"),
        n_cyber_paragraphs=("n_cyber_paragraphs", "sum"),
    )
    out["share"] = out["n_cyber_paragraphs"] / out["n_paragraphs"]
    return out.reset_index()


def by_country(m: DocumentTermMatrix, *, min_tokens: int = 0) -> DocumentTermMatrix:
    """Relabel cyber paragraphs by country: ``doc_id`` becomes the country code, ``group`` its region.

    ``speech`` keeps the speech's id and ``paragraph`` its paragraph number;
    ``seg_no`` numbers a country's paragraphs 1..n in speech order.

    Countries with fewer than ``min_tokens`` tokens of cyber paragraphs over
    all their speeches are dropped. Rows stay paragraphs, so framing intervals
    can resample a country's paragraphs; ``.to_documents()`` gives one row per
    country.

    Examples
    --------
    >>> m = by_country(debate_matrix(), min_tokens=800)
    >>> bool(set(m.rows["doc_id"]) >= {"CHN", "RUS", "USA"})
    True
    """
    min_tokens = check_int(min_tokens, "min_tokens", minimum=0)
    totals = m.rows.groupby("country_code")["n_tokens"].transform("sum")
    kept = m.select_rows((totals >= min_tokens).to_numpy())
    rows = kept.rows.copy()
    rows["speech"] = rows["doc_id"]
    rows["doc_id"] = rows["country_code"].astype("string")
    rows["group"] = rows["region"]
    order = np.argsort(rows["doc_id"].to_numpy(dtype=str), kind="stable")
    rows = rows.iloc[order].reset_index(drop=True)
    rows["paragraph"] = rows["seg_no"]
    rows["seg_no"] = rows.groupby("doc_id").cumcount().astype("int64") + 1
    return DocumentTermMatrix(counts=kept.counts[order], rows=rows, vocab=kept.vocab, level="segment")
