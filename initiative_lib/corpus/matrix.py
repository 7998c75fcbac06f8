"""Document-term matrices with row metadata aligned to the matrix rows.

A :class:`DocumentTermMatrix` holds sparse counts, one row per segment (or per
document) and one column per term, together with a ``rows`` DataFrame whose
i-th row describes matrix row i and a ``vocab`` index whose j-th entry names
column j. Every operation returns a new, still aligned, object.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_option
from initiative_lib.corpus.cache import SUFFIX, cache_folder, load_matrix, save_matrix
from initiative_lib.paths import PACKAGE_DIR, cache_dir

if TYPE_CHECKING:
    from initiative_lib.corpus.load import Corpus

Level = Literal["segment", "document"]
Ngrams = Literal["unigrams", "bigrams", "both"]


@dataclass(frozen=True)
class DocumentTermMatrix:
    """Sparse term counts with aligned row metadata and vocabulary.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix of int64, shape (n_rows, n_terms)
    rows : pandas.DataFrame
        One row per matrix row, in matrix order, with a fresh ``RangeIndex``.
        Always has ``doc_id`` and ``n_tokens``; segment level adds ``seg_no``;
        the document metadata columns (``group``, ``country``, ``year``, ...)
        follow.
    vocab : pandas.Index of str
        Column names; bigrams are two tokens joined by one space.
    level : {"segment", "document"}
    preprocessing : dict
        What was done to the counts since they were read (see
        :mod:`initiative_lib.methods.preprocess`); empty for raw counts.
    """

    counts: sp.csr_matrix
    rows: pd.DataFrame
    vocab: pd.Index
    level: Level = "segment"
    preprocessing: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_rows, n_terms = self.counts.shape
        if len(self.rows) != n_rows:
            msg = f"rows has {len(self.rows)} entries but counts has {n_rows} rows; they must match"
            raise ValueError(msg)
        if len(self.vocab) != n_terms:
            msg = f"vocab has {len(self.vocab)} terms but counts has {n_terms} columns; they must match"
            raise ValueError(msg)
        if not self.vocab.is_unique:
            dup = self.vocab[self.vocab.duplicated()][:5].tolist()
            msg = f"vocab must be unique; repeated terms: {dup}"
            raise ValueError(msg)
        if self.level not in ("segment", "document"):
            msg = f"level must be 'segment' or 'document'; got {self.level!r}"
            raise ValueError(msg)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_rows, n_terms)``."""
        return self.counts.shape

    def select_rows(self, mask: np.ndarray | pd.Series | Iterable[bool]) -> DocumentTermMatrix:
        """Keep the rows where ``mask`` is true (rows and counts stay aligned)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (self.shape[0],):
            msg = f"mask must have one entry per row ({self.shape[0]}); got shape {mask.shape}"
            raise ValueError(msg)
        return replace(self, counts=self.counts[mask], rows=self.rows.loc[mask].reset_index(drop=True))

    def select_terms(self, mask: np.ndarray | pd.Series | Iterable[bool]) -> DocumentTermMatrix:
        """Keep the terms where ``mask`` is true."""
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != (self.shape[1],):
            msg = f"mask must have one entry per term ({self.shape[1]}); got shape {mask.shape}"
            raise ValueError(msg)
        return replace(self, counts=self.counts[:, mask].tocsr(), vocab=self.vocab[mask])

    def to_documents(self) -> DocumentTermMatrix:
        """Sum segment rows into one row per document, in order of first appearance.

        Document-level metadata columns are kept; ``seg_no`` is dropped and
        ``n_tokens`` summed.
        """
        if self.level == "document":
            return self
        codes, doc_ids = pd.factorize(self.rows["doc_id"])
        agg = sp.csr_matrix(
            (np.ones(len(codes), dtype=np.int64), (codes, np.arange(len(codes)))),
            shape=(len(doc_ids), len(codes)),
        )
        first = self.rows.drop(columns=["seg_no"], errors="ignore").groupby(codes, sort=True).first()
        first["n_tokens"] = self.rows.groupby(codes, sort=True)["n_tokens"].sum()
        first = first.reset_index(drop=True)
        return replace(self, counts=(agg @ self.counts).tocsr(), rows=first, level="document")


def stack(*matrices: DocumentTermMatrix) -> DocumentTermMatrix:
    """Put matrices of the same level on top of each other, over the union of their vocabularies.

    Rows keep their order (the first matrix's rows first); columns of ``rows``
    missing from a matrix are filled with missing values.

    Examples
    --------
    >>> import pandas as pd
    >>> a = from_counts([{"x": 1}], pd.DataFrame({"doc_id": ["a"], "n_tokens": [1]}))
    >>> b = from_counts([{"y": 2}], pd.DataFrame({"doc_id": ["b"], "n_tokens": [2]}))
    >>> s = stack(a, b)
    >>> s.vocab.tolist(), s.counts.toarray().tolist()
    (['x', 'y'], [[1, 0], [0, 2]])
    """
    if not matrices:
        msg = "stack needs at least one DocumentTermMatrix"
        raise ValueError(msg)
    levels = {m.level for m in matrices}
    if len(levels) != 1:
        msg = f"matrices must share one level; got {sorted(levels)}"
        raise ValueError(msg)
    vocab = pd.Index(sorted(set().union(*(m.vocab for m in matrices))), dtype=object)
    blocks = []
    for m in matrices:
        cols = vocab.get_indexer(m.vocab)
        coo = m.counts.tocoo()
        blocks.append(sp.csr_matrix((coo.data, (coo.row, cols[coo.col])), shape=(m.shape[0], len(vocab))))
    counts = sp.vstack(blocks, format="csr")
    counts.sort_indices()
    rows = pd.concat([m.rows for m in matrices], ignore_index=True)
    return DocumentTermMatrix(counts=counts, rows=rows, vocab=vocab, level=matrices[0].level)


def from_counts(
    segments: Iterable[Mapping[str, int]],
    rows: pd.DataFrame,
    *,
    vocab: Iterable[str] | None = None,
    level: Level = "segment",
) -> DocumentTermMatrix:
    """Assemble a matrix from one ``{term: count}`` mapping per row.

    Parameters
    ----------
    segments : iterable of mapping
        Term counts of each row, in the order of ``rows``.
    rows : DataFrame
        Row metadata, one row per mapping.
    vocab : iterable of str, optional
        Fix the columns (terms outside it are dropped); by default every term
        seen, sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> m = from_counts([{"b": 1, "a": 2}, {"c": 1}], pd.DataFrame({"doc_id": ["x", "y"], "n_tokens": [3, 1]}))
    >>> m.vocab.tolist(), m.counts.toarray().tolist()
    (['a', 'b', 'c'], [[2, 1, 0], [0, 0, 1]])
    """
    terms: list[str] = []
    values: list[int] = []
    lengths: list[int] = []
    for seg in segments:
        terms.extend(seg.keys())
        values.extend(seg.values())
        lengths.append(len(seg))
    codes, uniques = pd.factorize(pd.Index(terms, dtype=object), sort=True)
    if vocab is None:
        vocab_index = pd.Index(uniques, dtype=object)
        cols = codes
    else:
        vocab_index = pd.Index(list(vocab), dtype=object)
        cols = vocab_index.get_indexer(uniques)[codes] if len(codes) else codes
    row_ids = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    keep = cols >= 0
    counts = sp.csr_matrix(
        (np.asarray(values, dtype=np.int64)[keep], (row_ids[keep], cols[keep])),
        shape=(len(lengths), len(vocab_index)),
    )
    counts.sort_indices()
    return DocumentTermMatrix(counts=counts, rows=rows.reset_index(drop=True), vocab=vocab_index, level=level)


#: document metadata columns carried onto matrix rows
ROW_METADATA = [
    "group",
    "title",
    "issuer",
    "issuer_type",
    "country",
    "date",
    "year",
    "language",
    "sector",
    "region",
    "organization",
    "area",
    "collection",
]


def ngram_terms(counts: object, ngrams: Ngrams) -> dict[str, int]:
    """The term counts of one segment's features for ``ngrams`` (unigrams, bigrams or both)."""
    if ngrams == "unigrams":
        return counts.unigrams  # type: ignore[attr-defined]
    if ngrams == "bigrams":
        return counts.bigrams  # type: ignore[attr-defined]
    return {**counts.unigrams, **counts.bigrams}  # type: ignore[attr-defined]


def document_term_matrix(
    level: Level = "segment",
    *,
    ngrams: Ngrams = "unigrams",
    corpus_dir: str | None = None,
    validate: bool = True,
    cache: bool = True,
) -> DocumentTermMatrix:
    """Count matrix of the corpus, one row per segment or per document.

    Documents that ship as text are cleaned, segmented and counted with the
    same code as the build, so they give exactly the counts they would give
    as features.

    Parameters
    ----------
    level : {"segment", "document"}, default="segment"
    ngrams : {"unigrams", "bigrams", "both"}, default="unigrams"
        Which terms become columns; bigrams are "w1 w2".
    corpus_dir : path, optional
        The corpus folder; else ``$INITIATIVE_CORPUS``; else the package's ``corpus/``.
    validate : bool, default=True
        Verify checksums first (see :func:`initiative_lib.load_corpus`).
    cache : bool, default=True
        Keep the assembled matrix in the user cache (``$INITIATIVE_DATA``,
        see :mod:`initiative_lib.paths`) under a key made of the corpus's
        ``SHA256SUMS``, the arguments and the package's counting code, so a
        changed corpus or package never reuses a stale matrix. The cache is
        a data-only, checksummed file (see :mod:`initiative_lib.corpus.cache`):
        one that fails its checks is rebuilt with a warning, and an unusable
        cache folder means running without the cache. The corpus folder
        itself is never written.

    Returns
    -------
    DocumentTermMatrix
        ``rows`` has ``doc_id``, ``seg_no`` (segment level), ``n_tokens`` and the
        document metadata in :data:`ROW_METADATA`.

    Examples
    --------
    >>> dtm = document_term_matrix(level="document")
    >>> int(dtm.counts[dtm.rows["doc_id"].eq("wic-initiative-2020").to_numpy()].sum()) > 400
    True
    """
    from initiative_lib.corpus.load import open_corpus

    check_option(level, "level", ("segment", "document"))
    check_option(ngrams, "ngrams", ("unigrams", "bigrams", "both"))
    corpus = open_corpus(corpus_dir=corpus_dir, validate=validate)
    path = _cache_path(corpus.root, level, ngrams) if cache else None
    if path is not None:
        cached = load_matrix(path, DocumentTermMatrix)
        if cached is not None:
            return cached  # type: ignore[return-value]
    dtm = _assemble(corpus, ngrams)
    dtm = dtm.to_documents() if level == "document" else dtm
    if path is not None:
        save_matrix(path, dtm)
    return dtm


def _cache_path(root: Path, level: str, ngrams: str) -> Path | None:
    digest = hashlib.sha256()
    digest.update((root / "SHA256SUMS").read_bytes())
    digest.update(f"{level}|{ngrams}|{pd.__version__}|{np.__version__}".encode())
    for module in (
        "text/cleaning.py",
        "text/segments.py",
        "text/tokens.py",
        "corpus/features.py",
        "corpus/matrix.py",
        "corpus/load.py",
        "corpus/cache.py",
    ):
        digest.update((PACKAGE_DIR / module).read_bytes())
    folder = cache_folder(cache_dir(), "dtm")
    return None if folder is None else folder / f"{digest.hexdigest()[:32]}{SUFFIX}"


def _assemble(corpus: Corpus, ngrams: Ngrams) -> DocumentTermMatrix:
    from initiative_lib.corpus.load import typed_manifest

    meta = typed_manifest(corpus.manifest).set_index("doc_id")[ROW_METADATA]
    segs = list(corpus.iter_segments())
    rows = pd.DataFrame(
        {
            "doc_id": [s.doc_id for s in segs],
            "seg_no": np.array([s.seg_no for s in segs], dtype=np.int64),
            "n_tokens": np.array([s.counts.n_tokens for s in segs], dtype=np.int64),
        }
    )
    rows = rows.join(meta, on="doc_id")
    rows["doc_id"] = rows["doc_id"].astype("string")
    return from_counts((ngram_terms(s.counts, ngrams) for s in segs), rows, level="segment")
