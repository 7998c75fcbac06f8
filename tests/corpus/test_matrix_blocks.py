"""The document-term matrix assembled from a kept features block and the text documents: exactly
the matrix of ``from_counts`` over every segment in corpus order (the slow reference), for every
``ngrams``, on the tiny corpus, the shipped one and a copy with a document added."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import write_tiny_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from initiative_lib.build.add import add_document
from initiative_lib.corpus import features as F
from initiative_lib.corpus import matrix as M
from initiative_lib.corpus.load import Corpus, open_corpus
from initiative_lib.corpus.matrix import (
    DocumentTermMatrix,
    document_term_matrix,
    from_counts,
    merge_vocab,
    ngram_terms,
)
from initiative_lib.errors import CorpusError
from initiative_lib.paths import DEFAULT_CORPUS_DIR

NGRAMS = ["unigrams", "bigrams", "both"]


def reference(corpus: Corpus, ngrams: M.Ngrams, segs: list[F.SegmentFeatures] | None = None) -> DocumentTermMatrix:
    """The matrix as it was assembled before the features block: one from_counts over every segment.

    ``segs``: the corpus's segments as ``corpus.iter_segments()`` yields them (read here if not given).
    """
    segs = list(corpus.iter_segments()) if segs is None else segs
    rows = M._segment_rows(corpus, segs)
    return from_counts([ngram_terms(s.counts, ngrams) for s in segs], rows)


def assert_identical(a: DocumentTermMatrix, b: DocumentTermMatrix) -> None:
    assert a.vocab.equals(b.vocab)
    assert a.vocab.dtype == b.vocab.dtype
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert a.counts.shape == b.counts.shape
    for part in ("data", "indices", "indptr"):
        x, y = getattr(a.counts, part), getattr(b.counts, part)
        assert x.dtype == y.dtype, part
        np.testing.assert_array_equal(x, y)
    assert a.counts.has_sorted_indices == b.counts.has_sorted_indices
    assert b.counts.has_sorted_indices or b.level == "document"
    assert a.level == b.level
    assert dict(a.preprocessing) == dict(b.preprocessing)


@pytest.fixture(autouse=True)
def _fresh_memory() -> None:
    M._BLOCKS.clear()
    F.clear_parsed_features()


@pytest.mark.parametrize("ngrams", NGRAMS)
def test_tiny_corpus_as_the_reference(tmp_path: Path, ngrams: M.Ngrams) -> None:
    corpus = open_corpus(corpus_dir=write_tiny_corpus(tmp_path / "c"))
    expected = reference(corpus, ngrams)
    assert_identical(expected, M._assemble(corpus, ngrams))  # block built
    assert_identical(expected, M._assemble(corpus, ngrams))  # block kept


@pytest.fixture(scope="module")
def shipped_segments() -> list[F.SegmentFeatures]:
    """The shipped corpus's segments, read once for the reference of every ``ngrams``."""
    return list(open_corpus(validate=False).iter_segments())


@pytest.fixture(scope="module")
def copy_with_a_document(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[F.SegmentFeatures]]:
    """A copy of the shipped corpus with one document added (once per module: no test writes to it)
    and its segments, read once for the reference of every ``ngrams``."""
    tmp = tmp_path_factory.mktemp("copy")
    root = tmp / "corpus"
    shutil.copytree(DEFAULT_CORPUS_DIR, root)
    doc = tmp / "doc.txt"
    doc.write_text("Quantumfoam routers: a wholly new term.\n\nOpen networks and human rights online.\n")
    add_document(doc, doc_id="user-doc", title="T", issuer="I", date="2020-01-01", corpus_dir=root)
    return root, list(open_corpus(corpus_dir=root).iter_segments())


@pytest.mark.parametrize("ngrams", NGRAMS)
def test_shipped_corpus_and_a_copy_with_a_document_added(
    ngrams: M.Ngrams,
    shipped_segments: list[F.SegmentFeatures],
    copy_with_a_document: tuple[Path, list[F.SegmentFeatures]],
) -> None:
    """The reference matrices use the segments the module fixtures read (the same ``iter_segments``
    of the same folders: reading them again for each ``ngrams`` gave the same segments); each
    assembly here starts from an empty block memory."""
    shipped = open_corpus(validate=False)
    assert_identical(reference(shipped, ngrams, shipped_segments), M._assemble(shipped, ngrams))
    root, copy_segments = copy_with_a_document
    copy = open_corpus(corpus_dir=root)
    n_blocks = len(M._BLOCKS)
    got = M._assemble(copy, ngrams)
    assert len(M._BLOCKS) == n_blocks  # the shipped features block was reused
    assert_identical(reference(copy, ngrams, copy_segments), got)
    assert "quantumfoam" in set(got.vocab) or ngrams == "bigrams"


def test_document_level_and_public_function_as_the_reference(tmp_path: Path) -> None:
    root = write_tiny_corpus(tmp_path / "c")
    expected = reference(open_corpus(corpus_dir=root), "both")
    got = document_term_matrix(level="segment", ngrams="both", corpus_dir=str(root), cache=False)
    assert_identical(expected, got)
    docs = document_term_matrix(level="document", ngrams="both", corpus_dir=str(root), cache=False)
    assert_identical(expected.to_documents(), docs)


def test_a_features_file_changed_between_the_two_reads_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = open_corpus(corpus_dir=write_tiny_corpus(tmp_path / "c"))
    real = F.parsed_features

    def changed(path: Path) -> tuple[str, tuple[F._Record, ...]]:
        _digest, records = real(path)
        doc, seg, n, uni, bi = records[0]
        return "0" * 64, ((doc, seg, n + 1, {**uni, "extra": 1}, bi), *records[1:])

    monkeypatch.setattr(F, "parsed_features", changed)
    with pytest.raises(CorpusError, match="a features file changed while the matrix was assembled"):
        M._assemble(corpus, "unigrams")


def test_the_block_memory_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(M, "BLOCK_CACHE_SIZE", 2)
    corpus = open_corpus(corpus_dir=write_tiny_corpus(tmp_path / "c"))
    for ngrams in NGRAMS:
        M._assemble(corpus, ngrams)
    assert [key[0] for key in M._BLOCKS] == ["bigrams", "both"]


terms = st.lists(st.text(alphabet="abc \u00e9\u4e2d", min_size=1, max_size=4), unique=True, max_size=30)


@settings(max_examples=200, deadline=None)
@given(terms, terms)
def test_merge_vocab_as_sorted_set_union(big: list[str], small: list[str]) -> None:
    big, small = sorted(big), sorted(small)
    vocab, big_at, small_at = merge_vocab(big, small)
    assert vocab == sorted(set(big) | set(small))
    assert [vocab[i] for i in big_at] == big
    assert [vocab[i] for i in small_at] == small
