"""Cut a cleaned text into segments: paragraphs, or paragraph-sized chunks.

Rule, applied to every document alike:

1. A block is a run of non-blank lines; its lines are joined with one space.
2. A block shorter than ``min_tokens`` (a heading, a line of a PDF whose lines
   were split by blank lines) is joined to the blocks after it until the
   segment has at least ``min_tokens`` tokens; a short tail joins the
   segment before it.
3. A segment longer than ``max_tokens`` (a PDF page extracted as one block)
   is cut into the fewest near-equal chunks of at most ``max_tokens`` tokens,
   at word boundaries.

Segments are numbered from 1 within a document.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable

from initiative_lib.text.tokens import TOKEN_RE, tokenize

MIN_TOKENS = 30
MAX_TOKENS = 250
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")


def blocks(text: str) -> list[str]:
    r"""Split text at blank lines; join each block's lines with single spaces.

    Examples
    --------
    >>> blocks("First line\nsecond line\n\n\nNext block\n")
    ['First line second line', 'Next block']
    """
    out = []
    for raw in _BLANK_LINE_RE.split(text):
        joined = " ".join(raw.split())
        if joined:
            out.append(joined)
    return out


def _split_long(block: str, n_tokens: int, max_tokens: int) -> list[str]:
    n_parts = math.ceil(n_tokens / max_tokens)
    per_part = math.ceil(n_tokens / n_parts)
    starts = [m.start() for m in TOKEN_RE.finditer(block)]
    cuts = [starts[i] for i in range(per_part, len(starts), per_part)]
    bounds = [0, *cuts, len(block)]
    return [block[a:b].strip() for a, b in itertools.pairwise(bounds)]


def segment_text(text: str, *, min_tokens: int = MIN_TOKENS, max_tokens: int = MAX_TOKENS) -> list[str]:
    """Cut cleaned text into segments by the module's rule.

    Parameters
    ----------
    text : str
        Cleaned text (see :func:`initiative_lib.text.cleaning.clean_text`).
    min_tokens, max_tokens : int
        Bounds on segment length in tokens.

    Returns
    -------
    list of str
        The segments in reading order; empty when the text has no tokens.

    Examples
    --------
    >>> segment_text("Title\\n\\none two three four", min_tokens=3)
    ['Title one two three four']
    >>> segment_text("a b c d e f g", min_tokens=1, max_tokens=3)
    ['a b c', 'd e f', 'g']
    """
    if min_tokens < 1 or max_tokens < min_tokens:
        msg = f"segment bounds must satisfy 1 <= min_tokens <= max_tokens; got {min_tokens=}, {max_tokens=}"
        raise ValueError(msg)
    merged: list[tuple[str, int]] = []
    pending, pending_n = "", 0
    for block in blocks(text):
        n = len(tokenize(block))
        if n == 0:
            continue
        pending = f"{pending} {block}" if pending else block
        pending_n += n
        if pending_n >= min_tokens:
            merged.append((pending, pending_n))
            pending, pending_n = "", 0
    if pending:
        if merged:
            last, last_n = merged.pop()
            merged.append((f"{last} {pending}", last_n + pending_n))
        else:
            merged.append((pending, pending_n))
    out: list[str] = []
    for seg, n in merged:
        out.extend(_split_long(seg, n, max_tokens) if n > max_tokens else [seg])
    return out


def shingles(tokens: list[str], size: int = 5) -> set[tuple[str, ...]]:
    """Return the set of ``size``-token windows (the whole list when shorter).

    Examples
    --------
    >>> sorted(shingles(["a", "b", "c"], size=2))
    [('a', 'b'), ('b', 'c')]
    """
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def drop_repeated(
    segments: list[str], seen: Iterable[str], *, threshold: float = 0.8, size: int = 5
) -> tuple[list[str], int]:
    """Drop segments whose text is already present in ``seen``.

    A segment counts as repeated when at least ``threshold`` of its
    ``size``-token shingles occur in the texts of ``seen``; this finds a
    passage copied from one part of a submission into another even when line
    breaks and hyphenation differ.

    Returns
    -------
    kept : list of str
        The segments not repeated, in order.
    n_dropped : int
        How many segments were dropped.

    Examples
    --------
    >>> kept, n = drop_repeated(["one two three four five six", "brand new words here now"],
    ...                         ["intro one two three four five six outro"], size=3)
    >>> kept, n
    (['brand new words here now'], 1)
    """
    pool: set[tuple[str, ...]] = set()
    for other in seen:
        pool |= shingles(tokenize(other), size)
    kept = []
    for seg in segments:
        sh = shingles(tokenize(seg), size)
        if sh and len(sh & pool) / len(sh) >= threshold:
            continue
        kept.append(seg)
    return kept, len(segments) - len(kept)
