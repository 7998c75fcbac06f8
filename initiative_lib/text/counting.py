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


@lazy_njit
def _code_tokens(
    chars: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled; covered through TokenCounter
    """Number the space-separated tokens of ``chars[starts[r]:ends[r]]`` for each row ``r``.

    Returns each token's number (in order of first use), each row's token
    count, and each number's first occurrence (offset and length) in ``chars``.
    """
    codes = np.empty(chars.shape[0] // 2 + 1, dtype=np.int64)
    lengths = np.zeros(starts.shape[0], dtype=np.int64)
    capacity = 1 << 12
    table = np.full(capacity, -1, dtype=np.int64)
    first = np.empty(capacity, dtype=np.int64)
    size = np.empty(capacity, dtype=np.int64)
    hashes = np.empty(capacity, dtype=np.uint64)
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
            slot = np.int64(h & np.uint64(capacity - 1))
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
                slot = (slot + 1) & (capacity - 1)
            if code < 0:
                code = n_terms
                table[slot] = code
                first[code] = i
                size[code] = n
                hashes[code] = h
                n_terms += 1
                if 2 * n_terms > capacity:  # keep the table at most half full: twice the room
                    capacity *= 2
                    table = np.full(capacity, -1, dtype=np.int64)
                    for t in range(n_terms):
                        s = np.int64(hashes[t] & np.uint64(capacity - 1))
                        while table[s] >= 0:
                            s = (s + 1) & (capacity - 1)
                        table[s] = t
                    first = np.concatenate((first[:n_terms], np.empty(capacity - n_terms, dtype=np.int64)))
                    size = np.concatenate((size[:n_terms], np.empty(capacity - n_terms, dtype=np.int64)))
                    hashes = np.concatenate((hashes[:n_terms], np.empty(capacity - n_terms, dtype=np.uint64)))
            codes[n_codes] = code
            n_codes += 1
            lengths[r] += 1
            i = j
    return codes[:n_codes], lengths, first[:n_terms], size[:n_terms]


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
            codes, lengths, first, size = _code_tokens(chars, starts, ends)
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
        _code_tokens(chars, np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64))


__all__ = ["AVAILABLE", "COMPILED_FROM", "TokenCounter", "warm_up"]
