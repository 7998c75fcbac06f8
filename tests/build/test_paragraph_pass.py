"""The array pass over many speeches gives what the plain rules give (property tests).

:func:`~initiative_lib.build.sources.ungdc.paragraph_spans_many` against
:func:`~initiative_lib.build.sources.ungdc.paragraph_spans` (itself checked
against ``speech_paragraphs``), and the compiled separation and counting of
:class:`~initiative_lib.text.counting.TokenCounter` against the Python path,
on random texts of invented lines: CR/LF, form feeds, page numbers, running
headers, empty and blank lines, non-ASCII letters and white space, the two
characters whose lower case moves a token.
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from initiative_lib.build.sources.ungdc import (
    LONG_LINE_CHARS,
    _space_table,
    paragraph_spans,
    paragraph_spans_many,
)
from initiative_lib.text.cleaning import clean_text
from initiative_lib.text.counting import TokenCounter, _separate, code_points
from initiative_lib.text.tokens import lower_is_per_token, separated, tokenize

_LINES = [
    "aaaa bbbb cccc",
    "dd.",
    "Mr. President",
    "ee ee;",
    "ff.”",
    "gg?)",
    "Ab..)",
    "))",
    " ",
    "",
    "\t\u3000 ",
    "hh\t ii.",
    "x" * 130 + ".",
    "- 12 -",
    "Page 3 of 40",
    "iv",
    "Statement by the Minister | 4",
    "Statement by the Minister | 5",
    "multi-stakeholder co--operation -- e-mail-",
    "İstanbul ΣΟΦΙΑ σοφός.",
    "Zürich \ufb01nal \u212a\u00a0kelvin.",
    "\x0c",
    "a\r",
    "b\r\nc.",
    "\x1c.\x85",
    "\U0001f600 “quoted.”",
]
_ALPHABET = "ab -.;:!?'\"”’»)]\t\r\x0b\x0c\u00a0\u2028\u3000\u3001éÉİΣσ\u0307\u212a٣\x1c\x85_#0 1"
lines = st.lists(st.sampled_from(_LINES) | st.text(alphabet=_ALPHABET, max_size=14), max_size=25)
texts = lines.map("\n".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(texts, max_size=6), st.sampled_from([10, 40, LONG_LINE_CHARS]))
def test_paragraph_spans_many_equal_paragraph_spans(batch: list[str], long_line_chars: int) -> None:
    spans, n_spans = paragraph_spans_many(batch, long_line_chars=long_line_chars)
    expected = [paragraph_spans(text, long_line_chars=long_line_chars) for text in batch]
    assert spans.dtype == n_spans.dtype == np.int64
    assert n_spans.tolist() == [len(one) for one in expected]
    assert [tuple(span) for span in spans.tolist()] == [span for one in expected for span in one]


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=6))
def test_paragraph_spans_many_after_clean_up(batch: list[str]) -> None:
    cleaned = [clean_text(text)[0] for text in batch]
    spans, n_spans = paragraph_spans_many(cleaned)
    assert [tuple(span) for span in spans.tolist()] == [span for text in cleaned for span in paragraph_spans(text)]
    assert n_spans.sum() == len(spans)


def test_paragraph_spans_many_exact() -> None:
    spans, n_spans = paragraph_spans_many(["", "aaaa.\n\nbbbb", "\n \n", "cc.)\r\ndd"])
    assert spans.tolist() == [[0, 5], [7, 11], [0, 8]]  # "cc.)" is no short line: one paragraph
    assert n_spans.tolist() == [0, 2, 0, 1]
    spans, n_spans = paragraph_spans_many(["cc.)\r\ndd"], long_line_chars=3)  # one paragraph per line
    assert (
        spans.tolist() == [[0, 5], [6, 8]] == [list(span) for span in paragraph_spans("cc.)\r\ndd", long_line_chars=3)]
    )
    spans, n_spans = paragraph_spans_many([])
    assert spans.shape == (0, 2)
    assert n_spans.tolist() == []


@settings(max_examples=400, deadline=None)
@given(texts)
def test_compiled_separation_equals_separated(text: str) -> None:
    if not lower_is_per_token(text):
        return
    chars = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    others = sorted({ch for ch in text if ord(ch) >= 128})
    mapped = []
    for ch in others:
        low = ch.lower()
        mapped.append(ord(low) if len(low) == 1 and low.isalnum() else 32)  # [^\W_] is isalnum()
    plain = _separate(chars, np.array([ord(ch) for ch in others], dtype=np.uint32), np.array(mapped, dtype=np.uint32))
    got = plain.tobytes().decode("utf-32-le", "surrogatepass")
    assert got == separated(text, [(0, len(text))])[0]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(texts, st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=4)), max_size=6)
)
def test_token_counter_spans_compiled_equal_python(parts: list[tuple[str, list[tuple[int, int]]]]) -> None:
    rows = []
    counters = [TokenCounter(compiled=True), TokenCounter(compiled=False)]
    for text, pairs in parts:
        n = len(text)
        spans = [(min(a, b, n), min(max(a, b), n)) for a, b in pairs]  # some cut tokens
        rows.extend(Counter(tokenize(text[a:b])) for a, b in spans)
        for counter in counters:
            counter.add_spans(text, spans)
    vocab = sorted(set().union(*rows))
    for counter in counters:
        got_vocab, counts = counter.result()
        assert got_vocab == vocab
        assert counts.has_sorted_indices
        got = [
            {vocab[j]: int(v) for j, v in zip(counts[i].indices, counts[i].data, strict=True)} for i in range(len(rows))
        ]
        assert got == [dict(row) for row in rows]
        assert counter.lengths().tolist() == [sum(row.values()) for row in rows]


def test_space_table_is_str_isspace_over_all_of_unicode() -> None:
    table = _space_table()
    assert np.flatnonzero(table).tolist() == [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert not table[-1]  # code points past the table are looked up at its last entry


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(texts, st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=4)), max_size=6)
)
def test_add_many_with_code_points_equals_the_plain_counts(parts: list[tuple[str, list[tuple[int, int]]]]) -> None:
    # the batch's code points joined by line breaks (as paragraph_spans_many reads them) instead of spaces
    batch = [text for text, _ in parts]
    spans = [(min(a, b, len(t)), min(max(a, b), len(t))) for t, pairs in parts for a, b in pairs]  # some cut tokens
    n_spans = np.array([len(pairs) for _, pairs in parts], dtype=np.int64)
    bounds = np.array(spans, dtype=np.int64).reshape(-1, 2)
    rows, first = [], 0
    for text, n in zip(batch, n_spans.tolist(), strict=True):
        rows.extend(Counter(tokenize(text[a:b])) for a, b in spans[first : first + n])
        first += n
    vocab = sorted(set().union(*rows))
    counter = TokenCounter(compiled=True)
    counter.add_many(batch, bounds, n_spans, chars=code_points(batch))
    got_vocab, counts = counter.result()
    assert got_vocab == vocab
    assert counts.has_canonical_format
    assert counts.toarray().tolist() == [[row[t] for t in vocab] for row in rows]
    assert counter.lengths().tolist() == [sum(row.values()) for row in rows]
    given_chars, plain = paragraph_spans_many(batch, chars=code_points(batch)), paragraph_spans_many(batch)
    assert given_chars[0].tolist() == plain[0].tolist()
    assert given_chars[1].tolist() == plain[1].tolist()


def test_add_many_checks_its_arguments() -> None:
    counter = TokenCounter()
    with pytest.raises(ValueError, match="n_spans adds up to 1 rows; spans has 2"):
        counter.add_many(["ab", "c"], np.array([[0, 1], [0, 1]]), np.array([1, 0]))
    with pytest.raises(ValueError, match="chars holds"):
        TokenCounter().add_many(["ab"], np.array([[0, 2]]), np.array([1]), chars=code_points(["abc"]))
    with pytest.raises(ValueError, match="chars holds"):
        paragraph_spans_many(["ab"], chars=code_points(["ab", "c"]))
