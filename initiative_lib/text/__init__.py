"""The rules that turn a string into tokens and counts, shared by the build and the loaders:
clean-up, segmentation and tokens.
"""

from __future__ import annotations

from initiative_lib.text.cleaning import (
    CleaningRecord,
    clean_text,
    decode_bytes,
    join_hyphenated,
    normalise_line_ends,
    normalise_unicode,
    read_clean,
    remove_invisible,
    remove_noise_lines,
    remove_page_numbers,
    remove_running_headers,
    remove_toc_lines,
    repair_mojibake,
)
from initiative_lib.text.segments import blocks, drop_repeated, segment_text, shingles
from initiative_lib.text.tokens import SegmentCounts, bigrams, count_segment, tokenize

__all__ = [
    "CleaningRecord",
    "SegmentCounts",
    "bigrams",
    "blocks",
    "clean_text",
    "count_segment",
    "decode_bytes",
    "drop_repeated",
    "join_hyphenated",
    "normalise_line_ends",
    "normalise_unicode",
    "read_clean",
    "remove_invisible",
    "remove_noise_lines",
    "remove_page_numbers",
    "remove_running_headers",
    "remove_toc_lines",
    "repair_mojibake",
    "segment_text",
    "shingles",
    "tokenize",
]
