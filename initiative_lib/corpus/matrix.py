"""Document-term matrices with row metadata aligned to the matrix rows.

A :class:`DocumentTermMatrix` holds sparse counts, one row per segment (or per
document) and one column per term, together with a ``rows`` DataFrame whose
i-th row describes matrix row i and a ``vocab`` index whose j-th entry names
column j. Every operation returns a new, still aligned, object.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.checks import check_option
from initiative_lib.corpus.cache import SUFFIX, cache_folder, load_matrix, save_matrix
from initiative_lib.errors import CorpusError
from initiative_lib.paths import PACKAGE_DIR, cache_dir
from initiative_lib.text.tokens import SegmentCounts

if TYPE_CHECKING:
    from initiative_lib.corpus.features import SegmentFeatures
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


@dataclass(frozen=True)
class _Block:
    """Counts of some segments over their own sorted vocabulary."""

    vocab: list[str]
    counts: sp.csr_matrix
    keys: list[tuple[str, int]]  # (doc_id, seg_no) of each row
    n_tokens: np.ndarray


#: how many assembled features blocks (all features files of a corpus, one ``ngrams``) are kept in memory
BLOCK_CACHE_SIZE = 4
_BLOCKS: OrderedDict[tuple[object, ...], _Block] = OrderedDict()
_BLOCKS_LOCK = threading.Lock()


def _block(records: Sequence[tuple[str, int, int, dict[str, int], dict[str, int]]], ngrams: Ngrams) -> _Block:
    terms = [ngram_terms(SegmentCounts(n, uni, bi), ngrams) for _doc, _seg, n, uni, bi in records]  # only read
    m = from_counts(terms, pd.DataFrame(index=range(len(records))))
    keys = [(doc, seg) for doc, seg, *_ in records]
    return _Block(list(m.vocab), m.counts, keys, np.array([r[2] for r in records], dtype=np.int64))


def _features_block(corpus: Corpus, ngrams: Ngrams) -> _Block:
    """The counts of every features file of ``corpus``, in file order, kept in memory per content and ``ngrams``.

    The key is made of the SHA-256 of the very bytes the records were parsed
    from (:func:`initiative_lib.corpus.features.parsed_features`), so it
    always describes what it holds.
    """
    from initiative_lib.corpus.features import parsed_features

    read = [parsed_features(path) for path in corpus.features_files()]
    key = (str(ngrams), *(digest for digest, _records in read))
    with _BLOCKS_LOCK:
        block = _BLOCKS.get(key)
        if block is not None:
            _BLOCKS.move_to_end(key)
            return block
    block = _block([r for _digest, records in read for r in records], ngrams)
    with _BLOCKS_LOCK:
        _BLOCKS[key] = block
        while len(_BLOCKS) > BLOCK_CACHE_SIZE:
            _BLOCKS.popitem(last=False)
    return block


def merge_vocab(big: Sequence[str], small: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The sorted union of two sorted lists of distinct terms, and the position in it of each list's terms.

    Costs ``len(small)`` binary searches in ``big`` and one pass over ``big``:
    meant for adding a few documents' terms to a corpus vocabulary.

    Examples
    --------
    >>> vocab, big_at, small_at = merge_vocab(["b", "d", "f"], ["a", "d", "e"])
    >>> vocab, big_at.tolist(), small_at.tolist()
    (['a', 'b', 'd', 'e', 'f'], [1, 2, 4], [0, 2, 3])
    """
    inserted_at: list[int] = []  # where in big each new term goes
    new_terms: list[str] = []
    small_at = np.empty(len(small), dtype=np.int64)
    for i, term in enumerate(small):
        p = bisect.bisect_left(big, term)
        small_at[i] = p + len(new_terms)  # big terms before it, and the new terms so far (all smaller)
        if p == len(big) or big[p] != term:
            inserted_at.append(p)
            new_terms.append(term)
    # big[j] moves up by the number of new terms inserted at or before j
    big_at = np.arange(len(big), dtype=np.int64)
    big_at += np.cumsum(np.bincount(np.asarray(inserted_at, dtype=np.int64), minlength=len(big) + 1))[: len(big)]
    vocab: list[str] = []
    start = 0
    for p, term in zip(inserted_at, new_terms, strict=True):
        vocab.extend(big[start:p])
        vocab.append(term)
        start = p
    vocab.extend(big[start:])
    return vocab, big_at, small_at


def _segment_rows(corpus: Corpus, segs: Sequence[SegmentFeatures]) -> pd.DataFrame:
    """The ``rows`` table of a segment-level matrix: one row per segment, with the document metadata."""
    from initiative_lib.corpus.load import typed_manifest

    meta = typed_manifest(corpus.manifest).set_index("doc_id")[ROW_METADATA]
    rows = pd.DataFrame(
        {
            "doc_id": [s.doc_id for s in segs],
            "seg_no": np.array([s.seg_no for s in segs], dtype=np.int64),
            "n_tokens": np.array([s.counts.n_tokens for s in segs], dtype=np.int64),
        }
    )
    rows = rows.join(meta, on="doc_id")
    rows["doc_id"] = rows["doc_id"].astype("string")
    return rows


def _assemble(corpus: Corpus, ngrams: Ngrams) -> DocumentTermMatrix:
    """The segment-level matrix of ``corpus``, equal to ``from_counts`` over every segment in corpus order.

    Every check of :meth:`Corpus.iter_segments` runs and gives the rows; the
    counts of the features files are assembled once per process (per content
    and ``ngrams``, :func:`_features_block`), those of the documents that ship
    as text every time, and both blocks' columns are mapped onto the sorted
    union vocabulary; so a corpus that differs from one read before only in
    its texts (a temporary copy with one document added, as
    :func:`initiative_lib.report.compare` makes) assembles only the texts.
    The rows of both blocks are checked against those of ``iter_segments``.
    """
    segs = list(corpus.iter_segments())
    rows = _segment_rows(corpus, segs)
    texts = [  # documents that ship as text, counted just now
        (s.doc_id, s.seg_no, s.counts.n_tokens, s.counts.unigrams, s.counts.bigrams) for s in segs if s.text is not None
    ]
    small, big = _block(texts, ngrams), _features_block(corpus, ngrams)
    vocab, big_columns, small_columns = merge_vocab(big.vocab, small.vocab)
    parts, offset = [], 0
    where_row: dict[tuple[str, int], int] = {}
    for b, to_global in ((small, small_columns), (big, big_columns)):
        # both vocabularies are sorted, so the mapping keeps each row's columns sorted
        parts.append(sp.csr_matrix((b.counts.data, to_global[b.counts.indices], b.counts.indptr),
                                   shape=(b.counts.shape[0], len(vocab))))  # fmt: skip
        where_row.update((k, offset + i) for i, k in enumerate(b.keys))
        offset += b.counts.shape[0]
    n_tokens = [small.n_tokens, big.n_tokens]
    try:
        order = np.array([where_row[(s.doc_id, s.seg_no)] for s in segs], dtype=np.int64)
    except KeyError as err:
        order = np.empty(0, dtype=np.int64)
        missing = err.args[0]
    else:
        missing = None
    stacked_tokens = np.concatenate(n_tokens)
    if missing is not None or not np.array_equal(stacked_tokens[order], rows["n_tokens"].to_numpy()):
        msg = (
            f"{corpus.root / 'features'}: a features file changed while the matrix was assembled"
            f"{f' (segment {missing} no longer there)' if missing else ''}; expected the files read once; run again"
        )
        raise CorpusError(msg)
    stacked = sp.vstack(parts, format="csr")
    picked = stacked[order]
    counts = sp.csr_matrix((picked.data.astype(np.int64, copy=False), picked.indices, picked.indptr),
                           shape=(len(segs), len(vocab)))  # fmt: skip
    counts.sort_indices()
    return DocumentTermMatrix(counts=counts, rows=rows, vocab=pd.Index(vocab, dtype=object), level="segment")
