"""Token counts of many texts at once: one compiled pass over their characters.

:class:`TokenCounter` takes texts (or spans of texts), one matrix row each, and
gives the sorted vocabulary and a CSR matrix of counts: the same result as
:func:`~initiative_lib.text.tokens.tokenize` on each row followed by a
dictionary of terms, without a Python string per token. The rows of a batch
are joined and read as code points (UTF-32), and compiled loops (numba) turn
them into a "separated" text with the same offsets, in which the tokens are
exactly the runs of characters other than the space (the rule of
:func:`~initiative_lib.text.tokens.separated`: lower case, every character that
is no part of a token a space, a hyphen kept only between two token
characters; the lower case and class of the few distinct non-ASCII characters
come from Python), then split them at spaces and give each distinct token a
number through a hash table that compares every candidate with the stored
token, character by character, so no two tokens can share a number. A text
that holds one of :data:`~initiative_lib.text.tokens.LOWER_UNSAFE`, or whose
spans cut a token, is separated in Python instead.

Only the distinct tokens of a batch become Python strings; with
:meth:`TokenCounter.flush` the numbering goes on over several batches (the
known tokens kept as code points), so the distinct tokens of them all become
strings once. Without numba the same result comes from splitting the texts in
Python.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from initiative_lib.compiled import NUMBA_AVAILABLE, lazy_njit
from initiative_lib.text.tokens import TOKEN_CHAR_RE, lower_is_per_token, non_ascii_chars, separated

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
def _number_tokens(
    chars: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    store: np.ndarray,
    n_stored: int,
    table: np.ndarray,
    first: np.ndarray,
    size: np.ndarray,
    hashes: np.ndarray,
    codes: np.ndarray,
    lengths: np.ndarray,
) -> tuple[int, int]:  # pragma: no cover - compiled; covered through TokenCounter
    """Number the space-separated tokens of ``chars[starts[r]:ends[r]]`` for each row ``r``, into given arrays.

    Writes each token's number (in order of first use) to ``codes``, each row's
    token count to ``lengths``, each new number's first occurrence (offset, length
    and hash) to ``first``, ``size`` and ``hashes``, through the hash table
    ``table`` (a power of two slots). The numbers below ``n_stored`` are known
    already: in the table, their characters at ``store[first[k]:first[k] + size[k]]``.
    Returns the numbers of tokens and of distinct tokens (the known ones
    included), or ``-1`` for the latter when more distinct tokens than ``first``
    holds do not fit. Every array comes from the caller and none is
    rebound here: the loop has no reference counting, and numba compiles it in
    a third of the time a loop that allocates its own results takes.
    """
    mask = np.uint64(table.shape[0] - 1)
    limit = first.shape[0]
    n_terms = n_stored
    n_codes = 0
    for r in range(starts.shape[0]):
        i = starts[r]
        end = ends[r]
        count = 0
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
            slot = h & mask  # unsigned: an index that is never negative
            code = -1
            while True:
                k = table[slot]
                if k < 0:
                    break
                if hashes[k] == h and size[k] == n:  # the same token only if every character is the same
                    same = True
                    a = first[k]
                    if k < n_stored:
                        for m in range(n):
                            if store[a + m] != chars[i + m]:
                                same = False
                                break
                    else:
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
                    return n_codes, -1
                code = n_terms
                table[slot] = code
                first[code] = i
                size[code] = n
                hashes[code] = h
                n_terms += 1
            codes[n_codes] = code
            n_codes += 1
            count += 1
            i = j
        lengths[r] = count
    return n_codes, n_terms


class _Numbering:
    """Numbers for tokens in order of first use, going on across calls of :meth:`number` (compiled loop).

    The distinct tokens seen so far are kept as code points, each followed by a
    space, in ``store``; the hash table starts with ``capacity`` slots and is made
    four times larger (the stored tokens numbered again, in order, so their
    numbers stay) whenever a call would fill more than half of it.
    """

    def __init__(self, capacity: int) -> None:
        self.store = np.zeros(1024, dtype=np.uint32)
        self.used = 0  # code points of store in use
        self.n_terms = 0
        self._tables(capacity)

    def _tables(self, capacity: int) -> None:
        self.table = np.full(capacity, -1, dtype=np.int64)
        self.first = np.empty(capacity // 2, dtype=np.int64)
        self.size = np.empty(capacity // 2, dtype=np.int64)
        self.hashes = np.empty(capacity // 2, dtype=np.uint64)

    def number(self, chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each token's number and each row's number of tokens, for the rows ``chars[starts[r]:ends[r]]``."""
        # a row of n characters has at most (n + 1) // 2 tokens; rows may overlap
        n_max = int(((ends - starts + 1) // 2).sum()) if len(starts) else 0
        codes = np.empty(n_max, dtype=np.int64)
        lengths = np.zeros(len(starts), dtype=np.int64)
        known = self.n_terms
        while True:
            n_codes, n_terms = _number_tokens(
                chars, starts, ends, self.store, known, self.table, self.first, self.size, self.hashes, codes, lengths
            )
            if n_terms >= 0:
                break
            self._grow()  # forgets the new tokens of this call; the loop numbers them again
        # the new tokens' first occurrences, gathered end to end with a space after each, join the store
        new = slice(known, n_terms)
        size = self.size[new]
        term_end = np.cumsum(size + 1)
        need = int(term_end[-1]) if len(term_end) else 0
        if self.used + need > len(self.store):
            self.store = np.concatenate((self.store, np.zeros(max(need, len(self.store)), dtype=np.uint32)))
        gather = np.arange(need) + np.repeat(self.first[new] - (term_end - size - 1), size + 1)
        self.store[self.used : self.used + need] = chars[np.minimum(gather, len(chars) - 1)] if need else 0
        self.store[self.used + term_end - 1] = _SPACE  # the place after each token (gathered past its end)
        self.first[new] = self.used + term_end - size - 1
        self.used += need
        self.n_terms = n_terms
        return codes[:n_codes], lengths

    def _grow(self) -> None:
        """A table four times larger, holding the stored tokens with the numbers they had."""
        self._tables(len(self.table) * 4)
        store = self.store[: self.used].copy()
        codes = np.empty(self.n_terms, dtype=np.int64)
        lengths = np.zeros(1, dtype=np.int64)
        empty = np.zeros(0, dtype=np.uint32)
        bounds = np.zeros(1, dtype=np.int64), np.full(1, self.used, dtype=np.int64)
        # every stored token is distinct: they get the numbers 0, 1, ... in store order, their offsets in store
        _number_tokens(store, *bounds, empty, 0, self.table, self.first, self.size, self.hashes, codes, lengths)

    def terms(self) -> list[str]:
        """The distinct tokens, in order of their numbers."""
        if not self.n_terms:
            return []
        return self.store[: self.used - 1].tobytes().decode("utf-32-le", "surrogatepass").split(" ")


def code_points(texts: list[str]) -> np.ndarray:
    r"""The code points of ``"\n".join(texts)`` as a ``np.uint32`` array (UTF-32; lone surrogates kept).

    Examples
    --------
    >>> code_points(["ab", "é"]).tolist()
    [97, 98, 10, 233]
    """
    return np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def check_code_points(texts: list[str], chars: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``chars`` has as many code points as :func:`code_points` of ``texts``.

    Examples
    --------
    >>> check_code_points(["ab", "c"], code_points(["ab", "c"]))
    >>> check_code_points(["ab"], code_points(["ab", "c"]))
    Traceback (most recent call last):
    ...
    ValueError: chars holds (4,) code points; the texts joined by line breaks have 2
    """
    size = sum(map(len, texts)) + len(texts) - 1 if texts else 0
    if chars.shape != (size,):
        msg = f"chars holds {chars.shape} code points; the texts joined by line breaks have {size}"
        raise ValueError(msg)


_HYPHEN = 45


def _separate(chars: np.ndarray, others: np.ndarray, other_map: np.ndarray) -> np.ndarray:
    """The separated text of ``chars`` (code points), at the same offsets, with NumPy.

    Each character becomes its lower case if that is a token character, a
    hyphen stays a hyphen, and everything else becomes a space
    (:data:`_ASCII_MAP` for code points under 128, ``other_map`` for the sorted
    code points ``others``); then a hyphen stays only between two token
    characters (neither a space nor a hyphen).
    """
    out = _ASCII_MAP[chars & 127]
    far = np.flatnonzero(chars >= 128)
    if len(far):
        out[far] = other_map[np.searchsorted(others, chars[far])]  # every non-ASCII character is in others
    hyphen = np.flatnonzero(out == _HYPHEN)
    if len(hyphen):
        # the neighbours as separated so far (a space beyond either end)
        left = np.where(hyphen > 0, out[np.maximum(hyphen - 1, 0)], _SPACE)
        right = np.where(hyphen < len(out) - 1, out[np.minimum(hyphen + 1, len(out) - 1)], _SPACE)
        token = (left != _SPACE) & (left != _HYPHEN) & (right != _SPACE) & (right != _HYPHEN)
        out[hyphen[~token]] = _SPACE
    return out


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
        self._spans: list[np.ndarray] = []
        self._chars: np.ndarray | None = None  # the parts' code points joined by line breaks, when given
        self._numbering: _Numbering | None = None  # once rows were numbered by flush()
        self._codes: list[np.ndarray] = []  # the numbered rows' token numbers and numbers of tokens
        self._row_lengths: list[np.ndarray] = []
        self._lengths: np.ndarray | None = None

    def add(self, text: str) -> None:
        """One row: the tokens of ``text``."""
        self.add_spans(text, [(0, len(text))])

    def add_spans(self, text: str, spans: Iterable[tuple[int, int]] | np.ndarray) -> None:
        """One row for each ``text[start:end]`` (``spans``: pairs, or an ``(n, 2)`` array)."""
        bounds = np.array(spans if isinstance(spans, np.ndarray) else list(spans), dtype=np.int64).reshape(-1, 2)
        n = len(text)
        bad = np.flatnonzero((bounds[:, 0] < 0) | (bounds[:, 0] > bounds[:, 1]) | (bounds[:, 1] > n))
        if len(bad):
            start, end = bounds[bad[0]].tolist()
            msg = f"span ({start}, {end}) is not inside the text of {n} characters"
            raise ValueError(msg)
        self._parts.append(text)
        self._spans.append(bounds)
        self._lengths = None
        self._chars = None

    def add_many(
        self, texts: list[str], spans: np.ndarray, n_spans: np.ndarray, *, chars: np.ndarray | None = None
    ) -> None:
        """:meth:`add_spans` for each text in turn: ``texts[i]`` takes the next ``n_spans[i]`` rows of ``spans``.

        ``chars``, the code points of ``"\\n".join(texts)`` (``np.uint32``, as
        :func:`~initiative_lib.build.sources.ungdc.paragraph_spans_many` reads them),
        spares encoding the texts again when they are all this counter holds: a
        line break and a space are both no part of a token, so the separated text
        is the same (a property test compares both).

        Examples
        --------
        >>> counter = TokenCounter()
        >>> counter.add_many(["Open, open!", "And free."], np.array([[0, 5], [6, 11], [0, 9]]), np.array([2, 1]))
        >>> counter.result()[1].toarray().tolist()
        [[0, 0, 1], [0, 0, 1], [1, 1, 0]]
        """
        empty = not self._parts
        first = 0
        for text, n in zip(texts, np.asarray(n_spans).tolist(), strict=True):
            self.add_spans(text, spans[first : first + n])
            first += n
        if first != len(spans):
            msg = f"n_spans adds up to {first} rows; spans has {len(spans)}"
            raise ValueError(msg)
        if chars is not None and empty:
            check_code_points(texts, chars)
            self._chars = chars

    def __len__(self) -> int:
        return sum(len(spans) for spans in self._spans) + sum(map(len, self._row_lengths))

    def flush(self) -> None:
        """Number the tokens of the rows added so far now, if the compiled loop counts them; keep only their numbers.

        Rows added later go on with the same numbering, so a long run of batches
        is counted with one vocabulary (one set of strings, sorted once) while
        only one batch's text is held. A no-op when the Python path counts
        (``compiled=False``, no numba, or while fewer than
        :data:`COMPILED_FROM` characters have been added and nothing was
        numbered yet). :meth:`result` is the same with or without it.

        Examples
        --------
        >>> counter = TokenCounter(compiled=True)
        >>> counter.add("Open, open!")
        >>> counter.flush()
        >>> counter.add("And open.")
        >>> vocab, counts = counter.result()
        >>> vocab, counts.toarray().tolist()
        (['and', 'open'], [[0, 2], [1, 1]])
        """
        if not self._use_compiled():
            return
        if self._numbering is None:
            self._numbering = _Numbering(TABLE_SLOTS)
        chars, starts, ends = self._separated_compiled()
        codes, lengths = self._numbering.number(chars, starts, ends)
        self._codes.append(codes)
        self._row_lengths.append(lengths)
        self._parts, self._spans, self._chars = [], [], None

    def _use_compiled(self) -> bool:
        if self._numbering is not None:
            return True
        size = sum(map(len, self._parts)) + len(self._parts)
        return AVAILABLE and size >= COMPILED_FROM if self.compiled is None else self.compiled

    def lengths(self) -> np.ndarray:
        """The number of tokens of each row (after :meth:`result`)."""
        if self._lengths is None:
            msg = "lengths() is known after result()"
            raise RuntimeError(msg)
        return self._lengths

    def result(self) -> tuple[list[str], sp.csr_matrix]:
        """The vocabulary (sorted) and the counts (int64, one row per row added, columns sorted)."""
        if self._use_compiled():
            if self._parts or self._numbering is None:
                self.flush()
            numbering = self._numbering
            if numbering is None:  # pragma: no cover - flush() made it
                msg = "internal error: no numbering after flush()"
                raise RuntimeError(msg)
            codes = np.concatenate(self._codes)
            lengths = np.concatenate(self._row_lengths)
            terms = numbering.terms()  # only the distinct tokens become strings
        else:
            joined, starts, ends = self._separated_python()
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

    def _separated_python(self) -> tuple[str, np.ndarray, np.ndarray]:
        """Every part's separated text joined with one space, and the rows' offsets in it."""
        plains: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        offset = 0
        for text, spans in zip(self._parts, self._spans, strict=True):
            plain, bounds = separated(text, spans.tolist())
            plains.append(plain)
            starts.extend(offset + start for start, _ in bounds)
            ends.extend(offset + end for _, end in bounds)
            offset += len(plain) + 1  # the parts are joined with one space
        return " ".join(plains), np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)

    def _separated_compiled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_separated_python` as code points, separated by :func:`_separate` where that is exact.

        The parts are joined with one space (or line breaks: the code points given to
        :meth:`add_many`) and separated at once; a part that
        holds a character of :data:`~initiative_lib.text.tokens.LOWER_UNSAFE`, or
        one of whose spans cuts a token, is separated by
        :func:`~initiative_lib.text.tokens.separated` and appended.
        """
        if self._chars is not None:  # joined by line breaks instead of spaces: the same separated text
            chars = self._chars
            others, other_map = _other_map(np.unique(chars[chars >= 128]))
        else:
            joined = " ".join(self._parts)
            chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            others, other_map = _other_table(joined)
        plain = _separate(chars, others, other_map)
        n_rows = np.fromiter(map(len, self._spans), dtype=np.int64, count=len(self._spans))
        part_start = np.zeros(len(self._parts), dtype=np.int64)
        if len(self._parts) > 1:
            np.cumsum(np.fromiter((len(t) + 1 for t in self._parts[:-1]), dtype=np.int64), out=part_start[1:])
        local = np.concatenate(self._spans) if self._spans else np.zeros((0, 2), dtype=np.int64)
        base = np.repeat(part_start, n_rows)
        starts = local[:, 0] + base
        ends = local[:, 1] + base
        # a span cuts a token when the characters on both sides of its start (or end) are no
        # spaces; the joining spaces stand for a part's outside, as separated() wants
        n = len(plain)
        cut = np.zeros(len(starts), dtype=bool)
        for at in (starts, ends):
            inside = (at > 0) & (at < n)
            where = np.flatnonzero(inside)
            cut[where] |= (plain[at[where]] != _SPACE) & (plain[at[where] - 1] != _SPACE)
        row_part = np.repeat(np.arange(len(self._parts)), n_rows)
        redo = set(np.unique(row_part[cut]).tolist())
        if len(others):  # not ASCII
            redo.update(i for i, text in enumerate(self._parts) if not lower_is_per_token(text))
        if not redo:
            return plain, starts, ends
        extra: list[str] = []
        offset = n + 1
        row_first = np.concatenate(([0], np.cumsum(n_rows)))
        for i in sorted(redo):
            text_plain, bounds = separated(self._parts[i], self._spans[i].tolist())
            rows = slice(int(row_first[i]), int(row_first[i + 1]))
            starts[rows] = [offset + start for start, _ in bounds]
            ends[rows] = [offset + end for _, end in bounds]
            extra.append(text_plain)
            offset += len(text_plain) + 1
        tail = np.frombuffer((" " + " ".join(extra)).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        return np.concatenate((plain, tail)), starts, ends


#: what :func:`_separate` makes of each ASCII character
_ASCII_MAP = np.array(
    [ord(chr(c).lower()) if chr(c).isalnum() else c if chr(c) == "-" else _SPACE for c in range(128)], dtype=np.uint32
)


def _other_table(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The distinct non-ASCII code points of ``text`` (sorted) and what :func:`_separate` makes of each.

    Its lower case when that is one token character, else a space (the
    characters of :data:`~initiative_lib.text.tokens.LOWER_UNSAFE` are mapped
    too, but texts holding them are separated in Python).
    """
    if text.isascii():
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint32)
    return _other_map(np.array(sorted(map(ord, non_ascii_chars(text))), dtype=np.uint32))


def _other_map(others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``others`` (sorted non-ASCII code points) and what :func:`_separate` makes of each (:func:`_other_table`)."""
    mapped = []
    for ch in map(chr, others.tolist()):
        low = ch.lower()
        mapped.append(ord(low) if len(low) == 1 and TOKEN_CHAR_RE.match(low) is not None else _SPACE)
    return others.astype(np.uint32), np.array(mapped, dtype=np.uint32)


def _code_tokens_python(joined: str, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """What :meth:`_Numbering.number` and ``terms`` give for one call, in Python: split, then number with pandas."""
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
        # the types of result()'s call: the separated characters in a writable array
        chars = np.frombuffer(" ".encode("utf-32-le"), dtype=np.uint32)
        plain = _separate(chars, np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint32))
        _Numbering(TABLE_SLOTS).number(plain, np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64))


__all__ = ["AVAILABLE", "COMPILED_FROM", "TABLE_SLOTS", "TokenCounter", "check_code_points", "code_points", "warm_up"]
