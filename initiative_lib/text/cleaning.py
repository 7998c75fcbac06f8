"""Text clean-up, step by step, with every change counted.

Each step is a small pure function ``str -> (str, int)`` returning the new
text and how many changes it made; :func:`clean_text` runs them in order and
returns a :class:`CleaningRecord`, which the build writes to
``corpus/cleaning.csv`` so that no clean-up is silent.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, fields

from initiative_lib.text.tokens import non_ascii_chars

BOM = "\ufeff"
REPLACEMENT = "\ufffd"
# invisible characters that PDF extraction leaves inside words
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_TRAILING_SPACE = " \t\f\v\u00a0"
_LEADING_BLANKS_RE = re.compile(f"\n[{_TRAILING_SPACE}]+")
# a word broken by a hyphen at a line end, continued in lower case: the match is the
# hyphen, the line break and the next line's indent (searched from the literal hyphen,
# which is far faster than starting the pattern with the letter class)
_HYPHEN_BREAK_RE = re.compile(r"-(?<=[^\W\d_]-)\n[ \t]*(?=[a-z])")
# a page-number line: "12", "- 12 -", "Page 12", "12 | Page", "12 of 40", "iv"
_PAGE_NUMBER_RE = re.compile(
    r"^[ \t]*(?:[-–—]?\s*\d{1,4}\s*[-–—]?|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?"
    r"|\d{1,4}\s*\|\s*page|\d{1,4}\s+of\s+\d{1,4}|[ivxlc]{1,6})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# a table-of-contents line: text, a run of dot leaders, optionally a page number
_TOC_LEADER_RE = re.compile(r"^.*(?:\.\s?){5,}\s*\d{0,4}[ \t]*$", re.MULTILINE)
# every table-of-contents line contains this; texts without it skip the slower pattern
_DOT_LEADER_RE = re.compile(r"\.(?:\s?\.){4}")
# noise: a line of one character (vertical text in a PDF graphic), or of binary digits (cover art)
_NOISE_LINE_RE = re.compile(r"^[ \t]*(?:\S|[01][01 \t]{7,})[ \t]*$", re.MULTILINE)
RUNNING_HEADER_MIN_REPEATS = 4
RUNNING_HEADER_MAX_WORDS = 12


@dataclass(frozen=True)
class CleaningRecord:
    """How many changes each clean-up step made to one source file."""

    bom: int = 0
    undecodable_bytes: int = 0
    replacement_chars: int = 0
    crlf: int = 0
    lone_cr: int = 0
    unicode_normalised: int = 0
    invisible_chars: int = 0
    dehyphenated: int = 0
    page_numbers: int = 0
    toc_lines: int = 0
    noise_lines: int = 0
    running_headers: int = 0

    def __add__(self, other: CleaningRecord) -> CleaningRecord:
        return CleaningRecord(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def as_dict(self) -> dict[str, int]:
        """Return the counts as a plain dictionary, in field order."""
        return asdict(self)


def decode_bytes(data: bytes) -> tuple[str, dict[str, int]]:
    """Decode UTF-8, removing a leading BOM and replacing undecodable bytes.

    Returns the text and the counts ``bom``, ``undecodable_bytes`` (bytes that
    were not valid UTF-8, each replaced by U+FFFD) and ``replacement_chars``
    (U+FFFD characters already present in the source).

    Examples
    --------
    >>> decode_bytes(b"\\xef\\xbb\\xbfcaf\\xe9")
    ('caf\\ufffd', {'bom': 1, 'undecodable_bytes': 1, 'replacement_chars': 0})
    """
    bom = int(data.startswith(b"\xef\xbb\xbf"))
    if bom:
        data = data[3:]
    present = data.count(REPLACEMENT.encode())
    try:  # valid UTF-8 (nearly every file): the same text, no surrogates to replace
        return data.decode("utf-8"), {"bom": bom, "undecodable_bytes": 0, "replacement_chars": present}
    except UnicodeDecodeError:
        pass
    # surrogateescape maps each undecodable byte to one lone surrogate
    text, bad = _SURROGATE_RE.subn(REPLACEMENT, data.decode("utf-8", errors="surrogateescape"))
    return text, {"bom": bom, "undecodable_bytes": bad, "replacement_chars": present}


_SURROGATE_RE = re.compile("[\udc80-\udcff]")


def normalise_line_ends(text: str) -> tuple[str, int, int]:
    r"""Turn CRLF and lone CR into LF; return the text and both counts.

    Examples
    --------
    >>> normalise_line_ends("a\r\nb\rc")
    ('a\nb\nc', 1, 1)
    """
    if "\r" not in text:
        return text, 0, 0
    crlf = text.count("\r\n")
    text = text.replace("\r\n", "\n")
    lone = text.count("\r")
    return text.replace("\r", "\n"), crlf, lone


def normalise_unicode(text: str) -> tuple[str, int]:
    """Apply NFKC (ligatures, compatibility forms, no-break spaces) and count changed characters.

    Examples
    --------
    >>> normalise_unicode("\\ufb01nal")
    ('final', 1)
    """
    out = unicodedata.normalize("NFKC", text)
    if out == text:
        return out, 0
    # the characters that NFKC changes on their own, each counted where it occurs: only the
    # distinct non-ASCII characters are looked at (NFKC leaves every ASCII character alone)
    changed = sum(text.count(ch) for ch in non_ascii_chars(text) if unicodedata.normalize("NFKC", ch) != ch)
    return out, changed


def remove_invisible(text: str) -> tuple[str, int]:
    """Remove soft hyphens, zero-width characters and stray BOMs inside the text."""
    if text.isascii() or not any(ch in text for ch in _INVISIBLE):  # a substring search is far faster
        return text, 0
    return _INVISIBLE_RE.subn("", text)


def join_hyphenated(text: str) -> tuple[str, int]:
    r"""Join words hyphenated across a line break when the next line goes on in lower case.

    Examples
    --------
    >>> join_hyphenated("infra-\nstructure and cyber-\nSecurity")
    ('infrastructure and cyber-\nSecurity', 1)
    """
    # each line's trailing blanks, removed from the reversed text after each line break (a
    # literal the search skips to; as fast as a search can be): line.rstrip for every line
    reverse = _LEADING_BLANKS_RE.sub("\n", text[::-1]).lstrip(_TRAILING_SPACE)
    text = reverse[::-1]
    out: list[str] = []
    start = joined = 0
    letter_free = 0  # first position whose letter a previous join has not used up
    for m in _HYPHEN_BREAK_RE.finditer(text):
        # a join uses the letters on both sides of the break, so a line of one letter
        # between two breaks ("a-\nb-\nc") joins only the first
        if m.start() - 1 < letter_free:
            continue
        out.append(text[start : m.start()])
        start = m.end()
        letter_free = m.end() + 1
        joined += 1
    if not joined:
        return text, 0
    out.append(text[start:])
    return "".join(out), joined


@functools.cache
def _line_start_finder(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """A pattern matching a newline after which ``pattern`` (``^...``, multi-line) matches.

    Searched in ``"\n" + text``: its matches are the line starts where ``pattern``
    matches, found by looking for newlines only (a literal prefix, which the regular
    expression engine skips to quickly) instead of trying every position of the text.
    """
    if not pattern.pattern.startswith("^") or not pattern.flags & re.MULTILINE:  # pragma: no cover - internal
        msg = f"internal error: {pattern.pattern!r} is not a multi-line pattern anchored at line starts"
        raise ValueError(msg)
    return re.compile(f"\n(?={pattern.pattern[1:]})", pattern.flags)


def _remove_lines(pattern: re.Pattern[str], text: str) -> tuple[str, int]:
    """``pattern.subn("", text)`` for a pattern anchored at line starts whose matches are never empty.

    The same matches in the same order: ``pattern`` can match only at a line start,
    so the scan visits the line starts where it matches (from
    :func:`_line_start_finder`) and keeps, as ``subn`` does, each one that starts at or
    after the end of the previous match.
    """
    starts = [m.start() for m in _line_start_finder(pattern).finditer("\n" + text)]
    if not starts:
        return text, 0
    out: list[str] = []
    end = 0
    for start in starts:  # the newline before a line start p sits at p - 1 in text, p in "\n" + text
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is None or m.end() == start:  # pragma: no cover - the finder found a non-empty match here
            msg = f"internal error: {pattern.pattern!r} does not match at a line start the finder gave"
            raise RuntimeError(msg)
        out.append(text[end:start])
        end = m.end()
    out.append(text[end:])
    return "".join(out), len(out) - 1


def remove_page_numbers(text: str) -> tuple[str, int]:
    r"""Drop lines that hold only a page number (arabic, roman, ``Page N``, ``N | Page``).

    Examples
    --------
    >>> remove_page_numbers("end of page\n 12 \nnext page")
    ('end of page\n\nnext page', 1)
    """
    return _remove_lines(_PAGE_NUMBER_RE, text)


def remove_toc_lines(text: str) -> tuple[str, int]:
    r"""Drop table-of-contents lines: text followed by a run of dot leaders and a page number.

    Examples
    --------
    >>> remove_toc_lines("Contents\nIntroduction . . . . . . 3\nBody")
    ('Contents\n\nBody', 1)
    """
    if _DOT_LEADER_RE.search(text) is None:
        return text, 0
    return _remove_lines(_TOC_LEADER_RE, text)


def remove_noise_lines(text: str) -> tuple[str, int]:
    r"""Drop lines of a single character or of binary digits only.

    PDF extraction turns vertical text into one letter per line, and some
    covers carry "binary code" artwork; neither is text.

    Examples
    --------
    >>> remove_noise_lines("e\nt\nreal words\n0101 1100 0110\n")
    ('\n\nreal words\n\n', 3)
    """
    return _remove_lines(_NOISE_LINE_RE, text)


_DIGITS_RE = re.compile(r"\d+")
_WORD3_RE = re.compile(r"[^\W\d_]{3}")


def _header_key(line: str, max_words: int) -> str:
    """The line's words, lower-cased, digits masked; ``""`` unless it has 2 to ``max_words`` words."""
    words = line.split()
    if not 2 <= len(words) <= max_words:
        return ""
    return _DIGITS_RE.sub("#", " ".join(words).lower())


# bytes removed from a line's UTF-8 to make its coarse key: ASCII white space but the line
# break, ASCII digits and '#'; and the non-ASCII characters that would have to go too
_COARSE_DROP = bytes(c for c in range(128) if (chr(c).isspace() and c != 10) or chr(c) in "0123456789#")
_ASCII_BYTES = bytes(range(128))
_SPACE_OR_DIGIT_RE = re.compile(r"[\s\d]")
# the placeholder key's bytes.translate: ASCII lower-cased, a UTF-8 lead byte one placeholder (0x01, a
# control character that is no white space), continuation bytes and _COARSE_DROP removed
_PLACEHOLDER_LOWER = bytes(ord(chr(c).lower()) for c in range(128)) + bytes(64) + b"\x01" * 64
_PLACEHOLDER_DROP = _COARSE_DROP + bytes(range(0x80, 0xC0))


def _may_repeat(text: str, min_repeats: int) -> bool:
    """False only if no line's header key can occur ``min_repeats`` times: a quick, exact test.

    Two lines with the same :func:`_header_key` have the same "coarse key": the
    line lower-cased, without white space, digits or '#' (lower-casing the whole
    text lower-cases each line alike: a line break stops the final sigma, the
    only context rule of lower-casing, and white space and digits are neither
    cased nor case-ignorable). A key that can be dropped has letters, so its coarse
    key is not empty. The test counts a coarser key still, made from the UTF-8
    bytes in one ``bytes.translate``: ASCII lower-cased, each non-ASCII character
    one placeholder byte. When every non-ASCII character of the text lower-cases
    to one non-ASCII character that is neither white space nor a digit, equal
    coarse keys give equal placeholder keys, and a non-empty one a non-empty
    one; any other text takes the line-by-line path.
    """
    data = text.encode("utf-8", "surrogatepass")
    if not text.isascii():
        for ch in set(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
            low = ch.lower()
            if len(low) != 1 or low.isascii() or _SPACE_OR_DIGIT_RE.search(ch + low) is not None:
                return True
    coarse = data.translate(_PLACEHOLDER_LOWER, _PLACEHOLDER_DROP).split(b"\n")
    return any(n >= min_repeats for key, n in Counter(coarse).items() if key)


def remove_running_headers(
    text: str,
    *,
    min_repeats: int = RUNNING_HEADER_MIN_REPEATS,
    max_words: int = RUNNING_HEADER_MAX_WORDS,
) -> tuple[str, int]:
    r"""Drop short lines that recur at least ``min_repeats`` times (digits ignored).

    A running header or footer ("National Cyber Security Strategy 2015 | 7")
    repeats on every page with a changing page number; such lines are found
    by comparing lines with their digits masked. Only lines of two to
    ``max_words`` words with a word of three letters or more count.

    Examples
    --------
    >>> text = "\n".join(["Title | 1", "a b c", "Title | 2", "d", "Title | 3", "e", "Title | 4"])
    >>> remove_running_headers(text)
    ('\na b c\n\nd\n\ne\n', 4)
    """
    if not _may_repeat(text, min_repeats):
        return text, 0
    lines = text.split("\n")
    keys = [_header_key(line, max_words) for line in lines]
    freq = Counter(k for k in keys if k)
    drop = {k for k, n in freq.items() if n >= min_repeats and _WORD3_RE.search(k)}
    if not drop:
        return text, 0
    removed = 0
    out = []
    for line, key in zip(lines, keys, strict=True):
        if key in drop:
            removed += 1
            out.append("")
        else:
            out.append(line)
    return "\n".join(out), removed


def clean_text(text: str) -> tuple[str, CleaningRecord]:
    """Run every text clean-up step on decoded text; return the text and the counts.

    The steps, in order: line ends, invisible characters, Unicode NFKC,
    hyphenation across line breaks, table-of-contents lines, page-number
    lines, noise lines (single characters, binary-digit art), running headers
    and footers.

    Examples
    --------
    >>> text, rec = clean_text("Cyber-\\r\\nspace is \\ufb01ne.\\r\\n")
    >>> text, rec.crlf, rec.dehyphenated, rec.unicode_normalised
    ('Cyberspace is fine.\\n', 2, 1, 1)
    """
    text, crlf, lone = normalise_line_ends(text)
    text, invisible = remove_invisible(text)
    text, nfkc = normalise_unicode(text)
    text, dehyph = join_hyphenated(text)
    text, toc = remove_toc_lines(text)
    text, pages = remove_page_numbers(text)
    text, noise = remove_noise_lines(text)
    text, headers = remove_running_headers(text)
    record = CleaningRecord(
        crlf=crlf,
        lone_cr=lone,
        unicode_normalised=nfkc,
        invisible_chars=invisible,
        dehyphenated=dehyph,
        page_numbers=pages,
        toc_lines=toc,
        noise_lines=noise,
        running_headers=headers,
    )
    return text, record


def read_clean(data: bytes) -> tuple[str, CleaningRecord]:
    """Decode and clean a source file's bytes; return the text and the full record."""
    text, counts = decode_bytes(data)
    text, record = clean_text(text)
    return text, record + CleaningRecord(**counts)


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo double encoding (UTF-8 read as Windows-1252 or Latin-1) with ftfy; return the text and lines changed.

    An optional clean-up step, off in the corpus build (the shipped corpus is
    built without it and stays byte-identical): a caller who turns it on
    records the count it returns, as :class:`CleaningRecord` records the
    other steps. Only ftfy's encoding fixes run (``fix_encoding``), not its
    other normalisations, so text that is not mojibake is left alone. Needs
    the optional dependency ``ftfy`` (``pip install initiative-lib[repair]``).

    Examples
    --------
    >>> repair_mojibake("the Internetâ€™s future\\nplain line")
    ('the Internet’s future\\nplain line', 1)
    >>> repair_mojibake("café")
    ('café', 0)
    """
    try:
        import ftfy
    except ImportError:
        msg = "repair_mojibake needs the optional package ftfy: pip install 'initiative-lib[repair]'"
        raise ImportError(msg) from None
    if text.isascii():  # ftfy returns ASCII text as it is
        return text, 0
    lines = text.split("\n")
    fixed = [line if line.isascii() else ftfy.fix_encoding(line) for line in lines]
    return "\n".join(fixed), sum(a != b for a, b in zip(lines, fixed, strict=True))
