"""Token rules: how text becomes the counts that the corpus ships.

The rules are deliberately permissive so that later choices stay open: every
token is kept (stopwords and numbers too) and so is every two-word phrase.

* Text is lower-cased.
* A token is a run of Unicode letters or digits; hyphens joining two such runs
  stay inside the token (``multi-stakeholder``, ``e-government``). Apostrophes
  split (``china's`` gives ``china`` and ``s``), as do all other characters.
* A bigram is two consecutive tokens separated by white space only, written
  with one space (``human rights``). Punctuation breaks a bigram, so no bigram
  spans two sentences, a comma or a bracket; none spans two segments.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_SPACE_RE = re.compile(r"\s*")


#: the characters whose lower case is not one character of the same token class, or depends on
#: its neighbours: U+0130 (capital I with dot) lower-cases to two characters, the second a
#: combining mark that is not a token character; U+03A3 (capital sigma) lower-cases to a final
#: or a medial sigma depending on the letters around it. Every other character lower-cases
#: to one character, the same in any context, of its own class (checked over all of Unicode
#: by ``tests/text/test_tokens.py``).
LOWER_UNSAFE = "\u0130\u03a3"


def lower_is_per_token(text: str) -> bool:
    """Whether lower-casing ``text`` as a whole gives the lower case of each of its tokens in place.

    True unless ``text`` holds one of :data:`LOWER_UNSAFE`. Then
    ``TOKEN_RE.findall(text.lower())`` equals ``[t.lower() for t in TOKEN_RE.findall(text)]``,
    and every token keeps its offsets, which is much faster for text that is not ASCII.

    Examples
    --------
    >>> lower_is_per_token("Zürich"), lower_is_per_token("İstanbul")
    (True, False)
    """
    return text.isascii() or not any(ch in text for ch in LOWER_UNSAFE)  # substring searches: fast


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lower-cased tokens.

    Examples
    --------
    >>> tokenize("Multi-stakeholder governance, China's view (2020).")
    ['multi-stakeholder', 'governance', 'china', 's', 'view', '2020']
    """
    if lower_is_per_token(text):
        # the same tokens, faster: lower-casing the whole text changes no character's class,
        # length or context (see LOWER_UNSAFE)
        return TOKEN_RE.findall(text.lower())
    return [m.group().lower() for m in TOKEN_RE.finditer(text)]


# ASCII bytes that are not token characters (all but letters, digits and the hyphen) -> space
_ASCII_SEPARATORS = bytes(c if chr(c).isalnum() or chr(c) == "-" else 32 for c in range(128)) + bytes(range(128, 256))
_ASCII_BYTES = bytes(range(128))


def non_ascii_chars(text: str) -> set[str]:
    """The distinct non-ASCII characters of ``text``, found by dropping the ASCII bytes of its UTF-8 form in C.

    Examples
    --------
    >>> sorted(non_ascii_chars("Déclaration — “open”"))
    ['é', '—', '“', '”']
    """
    return set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))


#: one character of a token (a letter or digit of any script): the rule of :data:`TOKEN_RE`, character by character
TOKEN_CHAR_RE = re.compile(r"[^\W_]")


def tokenize_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[list[str]]:
    r"""The tokens of each ``text[start:end]``, as :func:`tokenize` gives them, several times faster.

    For counting large texts: instead of a regular expression, which visits
    every character in Python's regular-expression engine, the text is
    lower-cased once, every character that cannot be part of a token becomes a
    space (byte-wise for ASCII, by replacement for the few distinct other
    characters), hyphens that do not join two token characters become spaces
    too, and each span is split at white space. The result equals
    ``[tokenize(text[a:b]) for a, b in spans]`` (a property test checks it);
    text that :func:`lower_is_per_token` rejects, or spans that do not start
    and end between tokens, take :func:`tokenize` itself.

    Parameters
    ----------
    text : str
    spans : iterable of (int, int)
        ``(start, end)`` offsets into ``text``, each ``0 <= start <= end <= len(text)``.

    Examples
    --------
    >>> text = "Multi-stakeholder governance.\nChina's view -- (2020)."
    >>> tokenize_spans(text, [(0, 29), (30, len(text))])
    [['multi-stakeholder', 'governance'], ['china', 's', 'view', '2020']]
    """
    plain, bounds = separated(text, spans)
    return [plain[start:end].split() for start, end in bounds]


def separated(text: str, spans: Iterable[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """A text in which the tokens of each span are its runs of characters other than the space.

    Returns ``plain`` and ``spans`` into it such that ``plain[start:end].split(" ")``,
    without empty strings, is ``tokenize(text[start:end])`` for each given span.
    Usually ``plain`` is ``text`` lower-cased with every character that is no part
    of a token replaced by a space, at the same offsets (see
    :func:`tokenize_spans`); when that would not be exact (see
    :func:`lower_is_per_token`, or a span that cuts a token) it is the spans'
    tokens joined with spaces.

    Examples
    --------
    >>> separated("China's view -- 2020.", [(0, 21)])
    ('china s view    2020 ', [(0, 21)])
    """
    bounds = list(spans)
    n = len(text)
    for start, end in bounds:
        if not 0 <= start <= end <= n:
            msg = f"span ({start}, {end}) is not inside the text of {n} characters"
            raise ValueError(msg)
    if lower_is_per_token(text):
        plain = _separated(text.lower())
        # a span that cuts a token (its first or last character, and the one beyond it, are
        # token characters) would split that token differently
        if not any(
            (0 < start < n and plain[start] != " " and plain[start - 1] != " ")
            or (0 < end < n and plain[end - 1] != " " and plain[end] != " ")
            for start, end in bounds
        ):
            return plain, bounds
    rows = [" ".join(tokenize(text[start:end])) for start, end in bounds]
    starts = np.cumsum([0] + [len(row) + 1 for row in rows[:-1]]).tolist() if rows else []
    return " ".join(rows), [(start, start + len(row)) for start, row in zip(starts, rows, strict=True)]


def _separated(lowered: str) -> str:
    """``lowered`` with every character that is no part of a token replaced by one space (same offsets)."""
    if not lowered.isascii():
        for ch in non_ascii_chars(lowered):
            if TOKEN_CHAR_RE.match(ch) is None:
                lowered = lowered.replace(ch, " ")
    plain = lowered.encode("utf-8", "surrogatepass").translate(_ASCII_SEPARATORS).decode("utf-8", "surrogatepass")
    # a hyphen stays only between two token characters
    while "--" in plain:
        plain = plain.replace("--", "  ")
    if " -" in plain:
        plain = plain.replace(" -", "  ")
    if "- " in plain:
        plain = plain.replace("- ", "  ")
    if plain.startswith("-"):
        plain = " " + plain[1:]
    if plain.endswith("-"):
        plain = plain[:-1] + " "
    return plain


def _bigram_iter(text: str) -> Iterator[str]:
    prev_end = -1
    prev = None
    for m in TOKEN_RE.finditer(text):
        tok = m.group().lower()
        if prev is not None and _SPACE_RE.fullmatch(text, prev_end, m.start()):
            yield f"{prev} {tok}"
        prev, prev_end = tok, m.end()


def bigrams(text: str) -> list[str]:
    """Return the two-word phrases of ``text`` that no punctuation interrupts.

    Examples
    --------
    >>> bigrams("Human rights, international law.")
    ['human rights', 'international law']
    """
    return list(_bigram_iter(text))


@dataclass(frozen=True)
class SegmentCounts:
    """Token counts of one segment: the unit the corpus ships as features."""

    n_tokens: int
    unigrams: dict[str, int]
    bigrams: dict[str, int]


def count_segment(text: str) -> SegmentCounts:
    """Count the tokens and bigrams of one segment.

    Examples
    --------
    >>> c = count_segment("Open and secure. Open and free.")
    >>> c.n_tokens, c.unigrams["open"], c.bigrams["open and"]
    (6, 2, 2)
    """
    uni = Counter(tokenize(text))
    bi = Counter(_bigram_iter(text))
    return SegmentCounts(
        n_tokens=sum(uni.values()),
        unigrams=dict(sorted(uni.items())),
        bigrams=dict(sorted(bi.items())),
    )
