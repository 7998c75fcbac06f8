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
from collections.abc import Iterator
from dataclasses import dataclass

TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_SPACE_RE = re.compile(r"\s*")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lower-cased tokens.

    Examples
    --------
    >>> tokenize("Multi-stakeholder governance, China's view (2020).")
    ['multi-stakeholder', 'governance', 'china', 's', 'view', '2020']
    """
    if text.isascii():
        # the same tokens, faster: lower-casing ASCII changes no character's class or length
        return TOKEN_RE.findall(text.lower())
    return [m.group().lower() for m in TOKEN_RE.finditer(text)]


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
