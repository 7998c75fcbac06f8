"""The fast paths of the text rules give exactly what the plain rules give (property tests).

Every fast path of :mod:`initiative_lib.text` (whole-text lower-casing, the span
tokenizer, the line-start scan of the line-removing steps, the quick test before
the running-header step, strict UTF-8 decoding) is checked here against a
reference: the plain rule, written out as the module wrote it before.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from initiative_lib.text import cleaning
from initiative_lib.text.tokens import LOWER_UNSAFE, TOKEN_RE, lower_is_per_token, tokenize, tokenize_spans

# letters and digits of several scripts, the two characters that lower-case unsafely, a
# combining mark, the Kelvin sign, curly quotes and dashes, white space of several kinds
ALPHABET = "aZz09-_ -'.,;:!?\n\n\téÉßİıΣσςΑ\u0307\u212a’“”—–\u00a0\u2028\u3000٣\u00ad\u200b#"
texts = st.text(alphabet=ALPHABET, max_size=60)


def _reference_tokens(text: str) -> list[str]:
    return [m.group().lower() for m in TOKEN_RE.finditer(text)]


def test_lower_unsafe_is_every_character_whose_lower_case_moves_a_token() -> None:
    token_char = re.compile(r"[^\W_]")
    unsafe = []
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        low = ch.lower()
        if low == ch:
            continue
        if (
            len(low) != 1
            or bool(token_char.match(ch)) != bool(token_char.match(low))
            or low in "-_"
            or ch == "\u03a3"  # final or medial sigma: the one lower case that depends on its neighbours
        ):
            unsafe.append(ch)
    assert "".join(unsafe) == LOWER_UNSAFE


@settings(max_examples=400, deadline=None)
@given(texts)
def test_tokenize_equals_the_plain_rule(text: str) -> None:
    assert tokenize(text) == _reference_tokens(text)
    if lower_is_per_token(text):
        assert TOKEN_RE.findall(text.lower()) == _reference_tokens(text)


@settings(max_examples=400, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=6))
def test_tokenize_spans_equals_tokenize_of_each_span(text: str, pairs: list[tuple[int, int]]) -> None:
    n = len(text)
    spans = [(min(a, b, n), min(max(a, b), n)) for a, b in pairs]
    assert tokenize_spans(text, spans) == [tokenize(text[a:b]) for a, b in spans]
    assert tokenize_spans(text, [(0, n)]) == [tokenize(text)]


def test_tokenize_spans_checks_its_spans() -> None:
    import pytest

    with pytest.raises(ValueError, match=r"span \(2, 9\) is not inside the text of 3 characters"):
        tokenize_spans("abc", [(2, 9)])


# -------------------------------------------------------------- clean-up steps

lines = st.lists(
    st.one_of(
        st.text(alphabet="ivxlcIVX0123456789 \t-–—|.Pagepof", max_size=12),
        st.sampled_from(["page 3", "12 of 40", "- 4 -", "iv", "x", "0101 1100", "Intro . . . . . 3", ""]),
        st.text(alphabet="ab 01.\t", max_size=10),
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(lines)
def test_line_removal_equals_subn(parts: list[str]) -> None:
    text = "\n".join(parts)
    for pattern in (cleaning._PAGE_NUMBER_RE, cleaning._TOC_LEADER_RE, cleaning._NOISE_LINE_RE):
        assert cleaning._remove_lines(pattern, text) == pattern.subn("", text)


def _reference_headers(text: str, min_repeats: int = 4, max_words: int = 12) -> tuple[str, int]:
    """The running-header step without its quick test."""
    lines_ = text.split("\n")
    keys = [cleaning._header_key(line, max_words) for line in lines_]
    freq = Counter(k for k in keys if k)
    drop = {k for k, n in freq.items() if n >= min_repeats and cleaning._WORD3_RE.search(k)}
    if not drop:
        return text, 0
    out = ["" if key in drop else line for line, key in zip(lines_, keys, strict=True)]
    return "\n".join(out), sum(key in drop for key in keys)


header_lines = st.lists(
    st.one_of(
        st.sampled_from(["Title | 1", "title  |2", " TITLE | 33 ", "ΟΔΟΣ Σ 1", "οδος σ 2", "ab", "x y"]),
        # non-ASCII case pairs, the Kelvin sign (lower case ASCII), capital I with dot (two characters)
        st.sampled_from(["ÉTÉ Été 1", "été été 2", "\u212aelvin kk 3", "kelvin kk 4", "İi ii 5", "ÀÉÎ ÕÜ 6", "àéî õü"]),
        st.text(alphabet="Tte iIlΣσς#12 \t\u00a0\u2028٣", max_size=14),
    ),
    max_size=14,
)


@settings(max_examples=400, deadline=None)
@given(header_lines, st.integers(1, 5))
def test_running_headers_equal_the_plain_step(parts: list[str], min_repeats: int) -> None:
    text = "\n".join(parts)
    assert cleaning.remove_running_headers(text, min_repeats=min_repeats) == _reference_headers(text, min_repeats)


@settings(max_examples=400, deadline=None)
@given(header_lines, st.integers(1, 5))
def test_quick_header_test_misses_no_repeat(parts: list[str], min_repeats: int) -> None:
    text = "\n".join(parts)
    keys = Counter(k for k in (cleaning._header_key(line, 12) for line in parts) if k)
    if any(n >= min_repeats for n in keys.values()):
        assert cleaning._may_repeat(text, min_repeats)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40) | st.text(alphabet=ALPHABET, max_size=30).map(str.encode))
def test_decode_equals_surrogateescape(data: bytes) -> None:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    text, bad = re.subn("[\udc80-\udcff]", "\ufffd", body.decode("utf-8", errors="surrogateescape"))
    got, counts = cleaning.decode_bytes(data)
    assert got == text
    assert counts["undecodable_bytes"] == bad


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\r\n \u00ad\u200b\ufeff", max_size=30))
def test_invisible_and_line_ends_equal_the_plain_steps(text: str) -> None:
    assert cleaning.remove_invisible(text) == cleaning._INVISIBLE_RE.subn("", text)
    crlf = text.count("\r\n")
    lf = text.replace("\r\n", "\n")
    assert cleaning.normalise_line_ends(text) == (lf.replace("\r", "\n"), crlf, lf.count("\r"))


# -------------------------------------------------------------- counting


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, max_size=8))
def test_token_counter_equals_tokenize_and_a_dictionary(rows: list[str]) -> None:
    from initiative_lib.text.counting import TokenCounter

    expected = [Counter(tokenize(row)) for row in rows]
    vocab = sorted(set().union(*expected))
    for compiled in (True, False):
        counter = TokenCounter(compiled=compiled)
        for row in rows:
            counter.add(row)
        got_vocab, counts = counter.result()
        assert got_vocab == vocab
        assert counts.dtype == np.int64
        assert counts.has_sorted_indices
        got = [
            {vocab[j]: int(v) for j, v in zip(counts[i].indices, counts[i].data, strict=True)} for i in range(len(rows))
        ]
        assert got == [dict(c) for c in expected]
        assert counter.lengths().tolist() == [sum(c.values()) for c in expected]


def test_token_counter_grows_its_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from initiative_lib.text import counting
    from initiative_lib.text.counting import TokenCounter

    monkeypatch.setattr(counting, "TABLE_SLOTS", 1 << 8)
    words = [f"w{i}" for i in range(20_000)]  # past the compiled table's first sizes: counted again, larger
    counter = TokenCounter(compiled=True)
    counter.add(" ".join(words))
    counter.add(" ".join(reversed(words)))
    vocab, counts = counter.result()
    assert vocab == sorted(words)
    assert counts.toarray().tolist() == [[1] * len(words)] * 2


def test_token_counter_grows_its_table_across_flushes(monkeypatch: pytest.MonkeyPatch) -> None:
    from initiative_lib.text import counting
    from initiative_lib.text.counting import TokenCounter

    monkeypatch.setattr(counting, "TABLE_SLOTS", 1 << 4)
    words = [f"w{i}é" for i in range(3_000)]  # the table and the store of known tokens grow between flushes
    counter = TokenCounter(compiled=True)
    for start in range(0, len(words), 700):
        counter.add(" ".join(words[start : start + 1_000]))
        counter.flush()
    counter.add(" ".join(reversed(words)))
    vocab, counts = counter.result()
    assert vocab == sorted(words)
    expected = [Counter(tokenize(" ".join(words[a : a + 1_000]))) for a in range(0, len(words), 700)]
    expected.append(Counter(words))
    assert counts.toarray().tolist() == [[row[w] for w in vocab] for row in expected]
    assert len(counter) == len(expected)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(texts, st.booleans()), max_size=8),
    st.sampled_from([1 << 2, 1 << 16]),
    st.sampled_from([None, True, False]),
)
def test_token_counter_flush_anywhere_equals_the_plain_counts(
    rows: list[tuple[str, bool]], slots: int, compiled: bool | None
) -> None:
    # flush() after any row, with a tiny table (grown, its known tokens numbered again) or the usual one
    from initiative_lib.text import counting
    from initiative_lib.text.counting import TokenCounter

    saved = counting.TABLE_SLOTS
    counting.TABLE_SLOTS = slots
    try:
        counter = TokenCounter(compiled=compiled)
        for text, flush in rows:
            counter.add(text)
            if flush:
                counter.flush()
        vocab, counts = counter.result()
    finally:
        counting.TABLE_SLOTS = saved
    expected = [Counter(_reference_tokens(text)) for text, _ in rows]
    assert vocab == sorted(set().union(*expected))
    assert counts.has_canonical_format
    assert counts.toarray().tolist() == [[row[w] for w in vocab] for row in expected]
    assert counter.lengths().tolist() == [sum(row.values()) for row in expected]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab-\n \t\f\v\u00a0\u2028", max_size=30))
def test_trailing_blanks_equal_rstrip_of_each_line(text: str) -> None:
    plain = "\n".join(line.rstrip(" \t\f\v\u00a0") for line in text.split("\n"))
    if "-" not in text:
        assert cleaning.join_hyphenated(text) == (plain, 0)
    assert cleaning.join_hyphenated(text) == cleaning.join_hyphenated(plain)


@given(
    st.text(max_size=30)
    | st.text(alphabet="a1 \ufb01\u00bd\u2460\uff21\u00a0\u212b\u1e9b\u0323\u00e9e\u0301\ud800", max_size=30)
)
def test_nfkc_count_equals_the_plain_count(text: str) -> None:
    out, changed = cleaning.normalise_unicode(text)
    assert out == unicodedata.normalize("NFKC", text)
    expected = 0 if out == text else sum(1 for ch in text if unicodedata.normalize("NFKC", ch) != ch)
    assert changed == expected
