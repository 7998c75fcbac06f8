"""Token counts of many texts at once: one compiled pass over their characters.

:class:`TokenCounter` takes texts (or spans of texts), one matrix row each, and
gives the sorted vocabulary and a CSR matrix of counts: the same result as
:func:`~initiative_lib.text.tokens.tokenize` on each row followed by a
dictionary of terms, without a Python string per token. Each text is first
turned into a "separated" text with the same offsets, in which the tokens are
exactly the runs of characters other than the space
(:func:`~initiative_lib.text.tokens.separated`, done with string methods in C);
the rows of a batch are joined and read as code points (UTF-32), and a
compiled loop (numba) splits them at spaces and gives each distinct token a
number through a hash table that compares every candidate with the stored
token, character by character, so no two tokens can share a number.

Only the distinct tokens of a batch become Python strings. Without numba
the same result comes from splitting the texts in Python.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.compiled import NUMBA_AVAILABLE, lazy_njit
from initiative_lib.text.tokens import separated

#: whether the compiled loop can be used (numba is imported, and the loop compiled, on first use)
AVAILABLE = NUMBA_AVAILABLE

#: batches of at least this many characters use the compiled loop (its compilation, about
#: a second once per process, costs more than it saves on less)
COMPILED_FROM = 500_000
_SPACE = 32
_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211


#: the compiled loop's first hash-table size (slots; a power of two); a batch with more than half as
#: many distinct tokens is counted again with a table four times larger
TABLE_SLOTS = 1 << 16


@lazy_njit
def _code_tokens(
    chars: np.ndarray, starts: np.ndarray, ends: np.ndarray, capacity: int
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool
]:  # pragma: no cover - compiled; covered through TokenCounter
    """Number the space-separated tokens of ``chars[starts[r]:ends[r]]`` for each row ``r``.

    Returns each token's number (in order of first use), each row's token
    count, each number's first occurrence (offset and length) in ``chars``, and
    True; or False (and nothing to use) when more than ``capacity // 2``
    distinct tokens do not fit the table of ``capacity`` slots. The table is
    never resized inside the loop: arrays that are never rebound keep the loop
    free of reference counting (four times faster).
    """
    codes = np.empty(chars.shape[0] // 2 + 1, dtype=np.int64)
    lengths = np.zeros(starts.shape[0], dtype=np.int64)
    table = np.full(capacity, -1, dtype=np.int64)
    limit = capacity // 2
    first = np.empty(limit, dtype=np.int64)
    size = np.empty(limit, dtype=np.int64)
    hashes = np.empty(limit, dtype=np.uint64)
    mask = np.uint64(capacity - 1)
    n_terms = 0
    n_codes = 0
    for r in range(starts.shape[0]):
        i = starts[r]
        end = ends[r]
        while i < end:
            if chars[i] == _SPACE:
                i += 1
                continue
            j = i
            h = np.uint64(_FNV_OFFSET)
            while j < end and chars[j] != _SPACE:
                h = (h ^ np.uint64(chars[j])) * np.uint64(_FNV_PRIME)
                j += 1
            n = j - i
            slot = h & mask
            code = -1
            while True:
                k = table[slot]
                if k < 0:
                    break
                if hashes[k] == h and size[k] == n:
                    same = True
                    a = first[k]
                    for m in range(n):
                        if chars[a + m] != chars[i + m]:
                            same = False
                            break
                    if same:
                        code = k
                        break
                slot = (slot + np.uint64(1)) & mask
            if code < 0:
                if n_terms == limit:  # the table would be more than half full
                    return codes[:0], lengths, first[:0], size[:0], False
                code = n_terms
                table[slot] = code
                first[code] = i
                size[code] = n
                hashes[code] = h
                n_terms += 1
            codes[n_codes] = code
            n_codes += 1
            lengths[r] += 1
            i = j
    return codes[:n_codes], lengths, first[:n_terms], size[:n_terms], True


class TokenCounter:
    """Collect rows of text, then count their tokens at once.

    Examples
    --------
    >>> counter = TokenCounter()
    >>> counter.add("Open, open!")
    >>> counter.add_spans("Secure and open.\\nAnd free.", [(0, 16), (17, 26)])
    >>> vocab, counts = counter.result()
    >>> vocab, counts.toarray().tolist(), counter.lengths().tolist()
    (['and', 'free', 'open', 'secure'], [[0, 0, 2, 0], [1, 0, 1, 1], [1, 1, 0, 0]], [2, 3, 2])
    """

    def __init__(self, *, compiled: bool | None = None) -> None:
        if compiled and not AVAILABLE:  # pragma: no cover - numba is a dependency
            msg = "compiled=True needs numba"
            raise ImportError(msg)
        #: True: the compiled loop; False: Python; None: the loop for batches of COMPILED_FROM characters or more
        self.compiled = compiled
        self._parts: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._offset = 0
        self._lengths: np.ndarray | None = None

    def add(self, text: str) -> None:
        """One row: the tokens of ``text``."""
        self.add_spans(text, [(0, len(text))])

    def add_spans(self, text: str, spans: Iterable[tuple[int, int]]) -> None:
        """One row for each ``text[start:end]``."""
        plain, bounds = separated(text, spans)
        base = self._offset
        self._parts.append(plain)
        self._starts.extend(base + start for start, _ in bounds)
        self._ends.extend(base + end for _, end in bounds)
        self._offset = base + len(plain) + 1  # the parts are joined with one space
        self._lengths = None

    def __len__(self) -> int:
        return len(self._starts)

    def lengths(self) -> np.ndarray:
        """The number of tokens of each row (after :meth:`result`)."""
        if self._lengths is None:
            msg = "lengths() is known after result()"
            raise RuntimeError(msg)
        return self._lengths

    def result(self) -> tuple[list[str], sp.csr_matrix]:
        """The vocabulary (sorted) and the counts (int64, one row per row added, columns sorted)."""
        joined = " ".join(self._parts)
        starts = np.asarray(self._starts, dtype=np.int64)
        ends = np.asarray(self._ends, dtype=np.int64)
        compiled = AVAILABLE and len(joined) >= COMPILED_FROM if self.compiled is None else self.compiled
        if compiled:
            chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            capacity = TABLE_SLOTS
            while True:  # at most len(chars) // 2 + 1 distinct tokens: a table of twice that always fits
                codes, lengths, first, size, fits = _code_tokens(chars, starts, ends, capacity)
                if fits:
                    break
                capacity *= 4
            terms = [joined[a : a + n] for a, n in zip(first.tolist(), size.tolist(), strict=True)]
        else:
            codes, lengths, terms = _code_tokens_python(joined, starts, ends)
        # number the terms in sorted order: every later remapping to a sorted vocabulary keeps order
        order = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.int64)
        rank[order] = np.arange(len(terms), dtype=np.int64)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        counts = sp.csr_matrix(
            (np.ones(len(codes), dtype=np.int64), rank[codes], indptr), shape=(len(lengths), len(terms))
        )
        counts.sum_duplicates()  # sorts each row's columns and adds repeats
        self._lengths = np.asarray(lengths, dtype=np.int64)
        return [terms[i] for i in order], counts


def _code_tokens_python(joined: str, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """What :func:`_code_tokens` gives, in Python (without numba): split, then number with pandas."""
    tokens: list[str] = []
    lengths = np.empty(len(starts), dtype=np.int64)
    for r, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        row = joined[start:end].split()  # the only white space of a separated text is the space
        tokens.extend(row)
        lengths[r] = len(row)
    codes, uniques = pd.factorize(pd.Index(tokens, dtype=object))
    return codes.astype(np.int64, copy=False), lengths, list(uniques)


def warm_up() -> None:
    """Compile the loop now (before starting worker processes, which then inherit it)."""
    if AVAILABLE:
        # the types of result()'s call: characters in a read-only buffer (another type, another compilation)
        chars = np.frombuffer(" ".encode("utf-32-le"), dtype=np.uint32)
        _code_tokens(chars, np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64), TABLE_SLOTS)


__all__ = ["AVAILABLE", "COMPILED_FROM", "TABLE_SLOTS", "TokenCounter", "warm_up"]
