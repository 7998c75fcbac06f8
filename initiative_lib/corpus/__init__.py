"""Reading what ships in ``corpus/``: the manifest, texts, features and checksums, the document-term
matrix, the UN General Debate data and descriptive tables.
"""

from __future__ import annotations

from initiative_lib.corpus.cache import load_matrix, save_matrix
from initiative_lib.corpus.debates import by_country, check_debates, cyber_share, debate_matrix, load_debate_speeches
from initiative_lib.corpus.describe import corpus_summary
from initiative_lib.corpus.export import check_prefix, export_matrix, write_files_atomically
from initiative_lib.corpus.features import (
    SegmentFeatures,
    atomic_write_bytes,
    atomic_write_text,
    clear_parsed_features,
    csv_text,
    features_from_segments,
    parsed_features,
    read_features,
    write_features,
)
from initiative_lib.corpus.journal import commit_files, corpus_lock, recover, sha256_file
from initiative_lib.corpus.load import (
    Corpus,
    checksum_lines,
    is_hidden,
    load_corpus,
    load_segments,
    open_corpus,
    read_checksums,
    read_csv_records,
    read_manifest,
    read_text_file,
    render_checksums,
    text_segments,
    validate_corpus,
    verify_checksums,
)
from initiative_lib.corpus.matrix import DocumentTermMatrix, document_term_matrix, from_counts, merge_vocab, stack

__all__ = [
    "Corpus",
    "DocumentTermMatrix",
    "SegmentFeatures",
    "atomic_write_bytes",
    "atomic_write_text",
    "by_country",
    "check_debates",
    "check_prefix",
    "checksum_lines",
    "clear_parsed_features",
    "commit_files",
    "corpus_lock",
    "corpus_summary",
    "csv_text",
    "cyber_share",
    "debate_matrix",
    "document_term_matrix",
    "export_matrix",
    "features_from_segments",
    "from_counts",
    "is_hidden",
    "load_corpus",
    "load_debate_speeches",
    "load_matrix",
    "load_segments",
    "merge_vocab",
    "open_corpus",
    "parsed_features",
    "read_checksums",
    "read_csv_records",
    "read_features",
    "read_manifest",
    "read_text_file",
    "recover",
    "render_checksums",
    "save_matrix",
    "sha256_file",
    "stack",
    "text_segments",
    "validate_corpus",
    "verify_checksums",
    "write_features",
    "write_files_atomically",
]
