"""Reader for the UN General Debate Corpus (UNGDC) and its cyber paragraphs.

The corpus (Baturo, Dasandi & Mikhaylov 2017, *Research & Politics* 4(2),
doi:10.1177/2053168017712821; mirrored as ``ungdc/`` from ``fr48/unga``, CC0
at the source) holds one plain-text file per speech in the General Debate of
the UN General Assembly::

    NN-YYYY/CODE_NN_YYYY.txt      e.g. 73-2018/USA_73_2018.txt

``NN`` is the session and ``YYYY`` the year (session 25 was held in 1970, so
year = session + 1945), ``CODE`` the speaker's country.

Quirks of the mirror (measured at the pinned commit, 8,093 files in 49
session folders 25-1970 to 73-2018, 200 codes):

* Country codes are ISO 3166-1 alpha-3, with exceptions listed in
  :data:`NONSTANDARD_CODES`: ``EU`` (European Union, 8 speeches) and ``YDYE``
  (Democratic Yemen, 19) are not ISO codes at all; ``CSK`` (22), ``DDR`` (18)
  and ``YUG`` (27) are withdrawn codes of ISO 3166-3. ``SUN`` does not occur:
  the USSR speaks as ``RUS`` from 1971; ``DEU`` is the Federal Republic of
  Germany before 1990, ``YEM`` the Yemen Arab Republic before 1990 and
  ``YUG`` stands for the Federal Republic of Yugoslavia / Serbia and
  Montenegro in 2001-2005. Names here follow the code, not the year.
* One file carries a wrong session in its name: ``40-1985/URY_49_1985.txt``
  is Uruguay's 1985 (40th session) speech (its text refers to the fortieth
  session). :data:`KNOWN_MISNAMED` corrects it; any other inconsistency is an
  error.
* Paragraphs are not marked by blank lines. About 1,100 files (most of the
  1970s and 1980s) put one paragraph per line with no blank lines at all (a
  third of all files are a single blank-line block); most later files are
  hard-wrapped at about 50 characters, with blank lines only at page breaks.
  :func:`speech_paragraphs` therefore rebuilds paragraphs from the lines (see
  there); :func:`initiative_lib.text.segments.blocks` would return whole speeches.

Regions are the UN M49 standard (region, sub-region, intermediate region),
from ``initiative_lib/data/un_regions.csv``; historic states are placed where
their territory lies (Czechoslovakia in Eastern Europe, the German Democratic
Republic in Western Europe, Yugoslavia in Southern Europe, Democratic Yemen in
Western Asia); the European Union has the region Europe and no sub-region.
"""

from __future__ import annotations

import csv
import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pycountry

from initiative_lib.errors import CorpusError
from initiative_lib.paths import UN_REGIONS
from initiative_lib.progress import Progress, want_progress
from initiative_lib.text.cleaning import CleaningRecord, clean_text, decode_bytes
from initiative_lib.text.counting import check_code_points, code_points
from initiative_lib.text.tokens import TOKEN_RE, count_segment, non_ascii_chars, separated

FIRST_SESSION_YEAR = 1945  # year = session + 1945 (session 25 met in 1970)

_FOLDER_RE = re.compile(r"(?P<session>\d{2})-(?P<year>\d{4})")
_FILE_RE = re.compile(r"(?P<code>[A-Z]{2,4})_(?P<session>\d{2})_(?P<year>\d{4})\.txt")

#: codes of the corpus that are not current ISO 3166-1 alpha-3 codes -> name
NONSTANDARD_CODES: dict[str, str] = {
    "CSK": "Czechoslovakia",  # ISO 3166-3, withdrawn 1993
    "DDR": "German Democratic Republic",  # ISO 3166-3, withdrawn 1990
    "EU": "European Union",  # not a country code; the EU speaks since 2011
    "YDYE": "Democratic Yemen",  # People's Democratic Republic of Yemen, 1967-1990
    "YUG": "Yugoslavia",  # ISO 3166-3, withdrawn 2003; FR Yugoslavia in 2001-2005
}


@dataclass(frozen=True, order=True)
class SpeechKey:
    """The identity of one speech: country code, session and year."""

    country_code: str
    session: int
    year: int

    @property
    def doc_id(self) -> str:
        """``ungdc-CODE-NN-YYYY``, e.g. ``ungdc-USA-73-2018``."""
        return f"ungdc-{self.country_code}-{self.session}-{self.year}"


#: mirror files whose names contradict their folder, with the key they really have
KNOWN_MISNAMED: dict[str, SpeechKey] = {
    "40-1985/URY_49_1985.txt": SpeechKey("URY", 40, 1985),
}


def parse_speech_path(path: str | os.PathLike[str], *, root: str | os.PathLike[str]) -> SpeechKey:
    """Parse ``NN-YYYY/CODE_NN_YYYY.txt`` (relative to ``root``) into a :class:`SpeechKey`.

    Session and year must agree with each other (year = session + 1945) and
    with the folder. The country code is not resolved here (see
    :func:`resolve_country`).

    Raises
    ------
    CorpusError
        Naming the file, the part that does not fit and what was expected.

    Examples
    --------
    >>> parse_speech_path("/data/ungdc/73-2018/USA_73_2018.txt", root="/data/ungdc")
    SpeechKey(country_code='USA', session=73, year=2018)
    >>> parse_speech_path("/data/ungdc/73-2018/USA_72_2018.txt", root="/data/ungdc")
    Traceback (most recent call last):
    ...
    initiative_lib.errors.CorpusError: /data/ungdc/73-2018/USA_72_2018.txt: session 72 ...
    """
    path, root = Path(path), Path(root)
    try:
        rel = path.relative_to(root)
    except ValueError:
        msg = f"{path}: not inside the corpus folder {root}; expected {root}/NN-YYYY/CODE_NN_YYYY.txt"
        raise CorpusError(msg) from None
    if len(rel.parts) != 2:
        msg = f"{path}: path {rel.as_posix()!r} has {len(rel.parts)} part(s); expected NN-YYYY/CODE_NN_YYYY.txt"
        raise CorpusError(msg)
    return _parse_parts(path, *rel.parts)


def _parse_parts(path: Path, folder: str, name: str) -> SpeechKey:
    """:func:`parse_speech_path` of ``path``, whose parts below the corpus folder are ``folder`` and ``name``."""
    rel = f"{folder}/{name}"
    if rel in KNOWN_MISNAMED:
        return KNOWN_MISNAMED[rel]
    fm = _FOLDER_RE.fullmatch(folder)
    if not fm:
        msg = f"{path}: folder {folder!r} does not fit; expected NN-YYYY (session-year, e.g. '73-2018')"
        raise CorpusError(msg)
    m = _FILE_RE.fullmatch(name)
    if not m:
        msg = f"{path}: file name {name!r} does not fit; expected CODE_NN_YYYY.txt (e.g. 'USA_73_2018.txt')"
        raise CorpusError(msg)
    session, year = int(m["session"]), int(m["year"])
    if year != session + FIRST_SESSION_YEAR:
        msg = (
            f"{path}: session {session} and year {year} disagree; expected year {session + FIRST_SESSION_YEAR} "
            f"for session {session} (year = session + {FIRST_SESSION_YEAR})"
        )
        raise CorpusError(msg)
    if (fm["session"], fm["year"]) != (m["session"], m["year"]):
        msg = (
            f"{path}: session {session} in the file name disagrees with the folder {folder!r}; "
            f"expected the file in folder '{m['session']}-{m['year']}' or named "
            f"{m['code']}_{fm['session']}_{fm['year']}.txt"
        )
        raise CorpusError(msg)
    return SpeechKey(m["code"], session, year)


@functools.cache
def _regions() -> dict[str, tuple[str, str, str]]:
    with UN_REGIONS.open(encoding="utf-8", newline="") as fh:
        return {r["iso3"]: (r["region"], r["subregion"], r["intermediate_region"]) for r in csv.DictReader(fh)}


@dataclass(frozen=True)
class Country:
    """A resolved country code: name and UN M49 region, sub-region and intermediate region."""

    code: str
    name: str
    region: str
    subregion: str
    intermediate_region: str


def resolve_country(code: str, *, file: str | os.PathLike[str] | None = None) -> Country:
    """Resolve a corpus country code to its name and M49 regions.

    Names come from :data:`NONSTANDARD_CODES`, else pycountry (its common name
    where it has one: ``KOR`` is "South Korea"); regions from
    ``initiative_lib/data/un_regions.csv``.

    Raises
    ------
    CorpusError
        If the code is unknown to either, naming ``file`` when given.

    Examples
    --------
    >>> resolve_country("YDYE")
    Country(code='YDYE', name='Democratic Yemen', region='Asia', subregion='Western Asia', intermediate_region='')
    >>> resolve_country("BOL").name, resolve_country("BOL").intermediate_region
    ('Bolivia', 'South America')
    """
    country = _lookup(code)
    if isinstance(country, str):
        prefix = f"{file}: " if file is not None else ""
        msg = (
            f"{prefix}country code {code!r} is unknown: it has no {country}; expected an ISO 3166-1 alpha-3 code "
            f"listed in {UN_REGIONS} or one of {sorted(NONSTANDARD_CODES)}"
        )
        raise CorpusError(msg)
    return country


@functools.cache
def _lookup(code: str) -> Country | str:
    """The resolved country, or what is lacking."""
    name = NONSTANDARD_CODES.get(code)
    if name is None and len(code) == 3 and code.isalpha() and code.isupper():
        found = pycountry.countries.get(alpha_3=code)
        if found is not None:
            name = getattr(found, "common_name", None) or found.name
    regions = _regions().get(code)
    if name is None:
        return "name (ISO 3166-1 alpha-3 or NONSTANDARD_CODES)"
    if regions is None:
        return f"row in {UN_REGIONS.name}"
    return Country(code, name, *regions)


@dataclass(frozen=True)
class Speech:
    """One speech: key, resolved country, cleaned text and the clean-up record."""

    key: SpeechKey
    country_name: str
    region: str
    subregion: str
    text: str
    cleaning: CleaningRecord

    @property
    def doc_id(self) -> str:
        """``ungdc-CODE-NN-YYYY``."""
        return self.key.doc_id


def speech_paths(
    root: str | os.PathLike[str], *, sessions: Iterable[int] | None = None
) -> list[tuple[Path, SpeechKey, Country]]:
    """List, parse and resolve every file of a UNGDC folder without reading any text.

    Every file (not only ``.txt``) must sit in a session folder and fit the
    layout, whatever ``sessions`` selects; order is by session, then file name.

    Parameters
    ----------
    root : path
        The corpus folder.
    sessions : iterable of int, optional
        Keep only these sessions (all when ``None``).

    Raises
    ------
    CorpusError
        On the first file that does not fit, or a folder with no speeches.
    """
    base = Path(root).expanduser().resolve()
    if not base.is_dir():
        msg = f"{base}: UNGDC folder not found; expected a folder of NN-YYYY session folders"
        raise CorpusError(msg)
    out = []
    for path in sorted(base.rglob("*")):
        if path.is_dir():
            if path.parent != base:
                msg = f"{path}: a folder inside a session folder; expected only CODE_NN_YYYY.txt files there"
                raise CorpusError(msg)
            continue
        # the two parts below base, from the path's own parts (parse_speech_path would parse both paths again)
        parts = path.parts[len(base.parts) :]
        key = _parse_parts(path, *parts) if len(parts) == 2 else parse_speech_path(path, root=base)
        out.append((path, key, resolve_country(key.country_code, file=path)))
    if not out:
        msg = f"{base}: no speech files; expected NN-YYYY/CODE_NN_YYYY.txt files"
        raise CorpusError(msg)
    if sessions is not None:
        keep = set(sessions)
        out = [item for item in out if item[1].session in keep]
    out.sort(key=lambda item: (item[1].session, item[0].name))
    return out


#: an optional repair of a speech's decoded text before its clean-up: (path, text) -> text
Repair = Callable[[Path, str], str]


def iter_speeches(
    root: str | os.PathLike[str],
    *,
    progress: bool | None = None,
    sessions: Iterable[int] | None = None,
    repair: Repair | None = None,
) -> Iterator[Speech]:
    """Stream the speeches of a UNGDC folder, one file in memory at a time.

    The whole folder's layout and codes are checked first (by
    :func:`speech_paths`), so a bad file stops the read before any text is
    yielded. Order: by session, then file name.

    Parameters
    ----------
    root : path
        The corpus folder (holding ``NN-YYYY`` folders).
    progress : bool or None
        Show ``ungdc: i/n`` on stderr; ``None`` = only if stderr is a terminal.
    sessions : iterable of int, optional
        Read only these sessions (all when ``None``); the whole folder is still checked.
    repair : callable, optional
        Called with each file's path and decoded text before the clean-up; its
        result is cleaned instead (the corpus build's optional mojibake repair).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "25-1970").mkdir()
    >>> _ = (d / "25-1970" / "YDYE_25_1970.txt").write_bytes(b"Peace.\\r\\n")
    >>> [(s.doc_id, s.country_name, s.region, s.text) for s in iter_speeches(d)]
    [('ungdc-YDYE-25-1970', 'Democratic Yemen', 'Asia', 'Peace.\\n')]
    """
    plan = speech_paths(root, sessions=sessions)
    return _stream_speeches(plan, want_progress(progress), repair)


def _stream_speeches(
    plan: list[tuple[Path, SpeechKey, Country]], show: bool, repair: Repair | None
) -> Iterator[Speech]:
    bar = Progress("ungdc", len(plan), enabled=show)
    try:
        for path, key, country in plan:
            text, counts = decode_bytes(path.read_bytes())
            if repair is not None:
                text = repair(path, text)
            text, record = clean_text(text)
            record = record + CleaningRecord(**counts)
            bar.step()
            yield Speech(key, country.name, country.region, country.subregion, text, record)
    finally:
        bar.done()


# ------------------------------------------------------------------ paragraphs

#: a file whose median non-blank line is at least this long has one paragraph per line
LONG_LINE_CHARS = 120
#: in a hard-wrapped file, a line shorter than this share of the 90th-percentile line length is "short"
SHORT_LINE_SHARE = 0.8
_SENTENCE_END_RE = re.compile(r"[.!?:;][\"'”’»)\]]*$")


def speech_paragraphs(text: str, *, long_line_chars: int = LONG_LINE_CHARS) -> list[str]:
    r"""Rebuild a speech's paragraphs from its lines.

    Rule (lines are whitespace-normalised first; blank lines are page or
    paragraph breaks in the source):

    1. A file whose median non-blank line has at least ``long_line_chars``
       (:data:`LONG_LINE_CHARS`) characters has one paragraph per line: a paragraph ends after every
       line that ends a sentence (``. ! ? : ;`` possibly followed by a quote
       or bracket); a line that does not (a heading, a paragraph cut by a page
       break) joins the next.
    2. Otherwise the file is hard-wrapped: a paragraph ends after a line that
       ends a sentence *and* is short (under :data:`SHORT_LINE_SHARE` of the
       file's 90th-percentile line length) or is followed by a blank line.
    3. The end of the text ends the last paragraph. Lines are joined with
       one space.

    Rule 2 merges a paragraph whose last line happens to be nearly full
    width with the next one, so hard-wrapped paragraphs are somewhat longer
    than the printed ones.

    Examples
    --------
    >>> speech_paragraphs("A first paragraph, one line long.\nMr. President\nA second one.", long_line_chars=10)
    ['A first paragraph, one line long.', 'Mr. President A second one.']
    >>> wrapped = "aaaa aaaa aaaa\nbbbb bbbb bb.\ncc.\ndddd dddd dddd\neeee eeee eee.\n\nffff."
    >>> speech_paragraphs(wrapped)
    ['aaaa aaaa aaaa bbbb bbbb bb. cc.', 'dddd dddd dddd eeee eeee eee.', 'ffff.']
    """
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return []
    long_lines = lengths[len(lengths) // 2] >= long_line_chars
    short = SHORT_LINE_SHARE * lengths[int(0.9 * (len(lengths) - 1))]
    out: list[str] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        if not line:
            continue
        current.append(line)
        if not _SENTENCE_END_RE.search(line):
            continue
        before_blank = i + 1 < len(lines) and not lines[i + 1]
        if long_lines or len(line) < short or before_blank:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


# a line that ends a sentence (the rule of speech_paragraphs: [.!?:;] then closing quotes or
# brackets), written backwards from the line break; tests check it against the rule
_SENTENCE_END_REVERSED_RE = re.compile(r"\n[\"'”’»)\]]*[.!?:;]")


def paragraph_spans(text: str, *, long_line_chars: int = LONG_LINE_CHARS) -> list[tuple[int, int]]:
    r"""Where each paragraph of :func:`~initiative_lib.build.sources.ungdc.speech_paragraphs` lies in ``text``.

    The same rule, computed for all lines at once: the ``(start, end)`` offsets
    of each paragraph, from the start of its first line to the end of its last,
    so that ``text[start:end]`` holds the paragraph's lines (with their own white
    space and any blank lines between them). Joining its non-blank lines,
    white space normalised, with one space gives the paragraph
    ``speech_paragraphs`` returns (tested), and white space never touches a
    token, so both have the same tokens.

    Examples
    --------
    >>> text = "aaaa aaaa aaaa\nbbbb bbbb bb.\ncc.\ndddd dddd dddd\neeee eeee eee.\n\nffff."
    >>> [text[a:b] for a, b in paragraph_spans(text)]
    ['aaaa aaaa aaaa\nbbbb bbbb bb.\ncc.', 'dddd dddd dddd\neeee eeee eee.', 'ffff.']
    """
    norm = _normalise_lines(text)
    lengths = np.fromiter(map(len, norm.split("\n")), dtype=np.int64)
    filled = lengths > 0
    sizes = np.sort(lengths[filled])
    if not len(sizes):
        return []
    long_lines = int(sizes[len(sizes) // 2]) >= long_line_chars
    short = SHORT_LINE_SHARE * int(sizes[int(0.9 * (len(sizes) - 1))])
    # the lines that end a sentence: found in the reversed text from each line break
    # (a literal the search skips to), located by their end offsets
    line_ends = np.cumsum(lengths + 1) - 1
    reverse = "\n" + norm[::-1]
    ends = [len(norm) - m.start() for m in _SENTENCE_END_REVERSED_RE.finditer(reverse)]
    cut = np.zeros(len(lengths), dtype=bool)
    cut[np.searchsorted(line_ends, ends)] = True
    if not long_lines:
        before_blank = np.zeros(len(lengths), dtype=bool)
        before_blank[:-1] = ~filled[1:]
        cut &= (lengths < short) | before_blank
    filled_at = np.flatnonzero(filled)
    cuts = np.flatnonzero(cut).tolist()
    if not cuts or cuts[-1] < filled_at[-1]:
        cuts.append(int(filled_at[-1]))  # the end of the text ends the last paragraph
    # each paragraph starts at the first non-blank line after the previous one's end
    firsts = filled_at[np.searchsorted(filled_at, [0, *(c + 1 for c in cuts[:-1])])]
    if norm is not text:
        line_ends = np.cumsum(np.fromiter(map(len, text.split("\n")), dtype=np.int64) + 1) - 1
    line_starts = np.concatenate(([0], line_ends[:-1] + 1))
    return list(zip(line_starts[firsts].tolist(), line_ends[cuts].tolist(), strict=True))


def paragraph_spans_many(
    texts: list[str], *, long_line_chars: int = LONG_LINE_CHARS, chars: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r""":func:`paragraph_spans` of many texts at once, with array operations over their characters.

    Returns the spans of every text, one after another, as an ``(n, 2)`` array
    of offsets into their own text, and the number of spans of each text: the
    same spans as :func:`paragraph_spans` (a property test compares them). The
    texts are joined with line breaks and read as code points (UTF-32); each
    line's white-space-normalised length and sentence end, and each text's
    median and 90th-percentile line length, are computed with NumPy for all
    lines at once, without a Python loop over lines or characters. ``chars``, if
    given, must be those code points (``np.uint32``;
    :func:`~initiative_lib.text.counting.code_points`), read
    once for this and for :meth:`~initiative_lib.text.counting.TokenCounter.add_many`.

    Examples
    --------
    >>> spans, n = paragraph_spans_many(["aaaa.\n\nbbbb", "", "cc."])
    >>> spans.tolist(), n.tolist()
    ([[0, 5], [7, 11], [0, 3]], [2, 0, 1])
    """
    n_texts = len(texts)
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=n_texts)
    text_start = np.zeros(n_texts, dtype=np.int64)
    np.cumsum(sizes[:-1] + 1, out=text_start[1:])
    if chars is None:
        chars = code_points(texts)
    check_code_points(texts, chars)
    n = len(chars)
    if not n:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(n_texts, dtype=np.int64)
    # the white space: found among the few characters that can be white space (ASCII
    # controls and space, everything non-ASCII), then looked up
    maybe = np.flatnonzero((chars <= _SPACE) | (chars >= 128))
    table = _space_table()
    space = maybe[table[np.minimum(chars[maybe], len(table) - 1)]]
    # lines: [line_start, line_end) between line breaks; each text's lines are consecutive
    breaks = space[chars[space] == _NEWLINE]
    line_start = np.concatenate(([0], breaks + 1))
    line_end = np.concatenate((breaks, [n]))
    first_line = np.searchsorted(line_start, text_start)  # every text starts a line
    n_lines = len(line_start)
    line_text = np.repeat(np.arange(n_texts), np.diff(np.concatenate((first_line, [n_lines]))))
    # words: the runs between white space [word_start, word_end), none across a line break
    around = np.concatenate(([-1], space, [n]))
    gap = np.flatnonzero(np.diff(around) > 1)
    word_start = around[gap] + 1
    word_end = around[gap + 1]
    # white-space-normalised length: the line's non-space characters plus one space between words
    words_from = np.searchsorted(word_start, line_start)
    words_to = np.searchsorted(word_start, line_end)
    n_words = words_to - words_from
    n_space = np.searchsorted(space, line_end) - np.searchsorted(space, line_start)
    filled = n_words > 0
    length = np.where(filled, line_end - line_start - n_space + n_words - 1, 0)
    # a sentence end: the last non-space character, after closing quotes or brackets, is . ! ? : or ;
    at = np.full(n_lines, -1, dtype=np.int64)
    at[filled] = word_end[words_to[filled] - 1] - 1
    open_ = filled.copy()
    while True:
        walk = np.flatnonzero(open_)
        walk = walk[np.isin(chars[at[walk]], _SENTENCE_CLOSERS)]
        if not len(walk):
            break
        at[walk] -= 1
        open_[:] = False
        open_[walk] = at[walk] >= line_start[walk]
    sentence = filled & (at >= line_start) & np.isin(chars[np.maximum(at, 0)], _SENTENCE_PUNCTUATION)
    # each text's median and 90th-percentile line length (non-blank lines)
    filled_at = np.flatnonzero(filled)
    order = filled_at[np.lexsort((length[filled_at], line_text[filled_at]))]
    n_filled = np.bincount(line_text[filled_at], minlength=n_texts)
    first_filled = np.zeros(n_texts, dtype=np.int64)
    np.cumsum(n_filled[:-1], out=first_filled[1:])
    some = n_filled > 0
    median = np.zeros(n_texts, dtype=np.int64)
    short = np.zeros(n_texts, dtype=np.float64)
    median[some] = length[order[first_filled[some] + n_filled[some] // 2]]
    p90 = length[order[first_filled[some] + (0.9 * (n_filled[some] - 1)).astype(np.int64)]]
    short[some] = SHORT_LINE_SHARE * p90.astype(np.float64)
    long_lines = median >= long_line_chars
    # the rule: a sentence end ends a paragraph in a long-line text, or when short or before a blank line
    before_blank = np.zeros(n_lines, dtype=bool)
    before_blank[:-1] = ~filled[1:] & (line_text[1:] == line_text[:-1])
    cut = sentence & (long_lines[line_text] | (length < short[line_text]) | before_blank)
    # the end of a text ends its last paragraph: its last non-blank line, if that is no cut
    last_filled = filled_at[first_filled[some] + n_filled[some] - 1]
    cut[last_filled] = True
    ends = np.flatnonzero(cut)
    end_text = line_text[ends]
    # each paragraph starts at the first non-blank line after the previous end of its text
    after = np.empty(len(ends), dtype=np.int64)
    after[1:] = ends[:-1] + 1
    new_text = np.ones(len(ends), dtype=bool)
    new_text[1:] = end_text[1:] != end_text[:-1]
    after[new_text] = first_line[end_text[new_text]]
    starts = filled_at[np.searchsorted(filled_at, after)]
    base = text_start[end_text]
    spans = np.stack((line_start[starts] - base, line_end[ends] - base), axis=1)
    return spans, np.bincount(end_text, minlength=n_texts)


@functools.cache
def _space_table() -> np.ndarray:
    """Whether each code point up to one past the last white-space one is white space (``str.isspace``).

    Indexed with the code point, clipped to the table's last entry (False).
    """
    # every code point in one string, searched for ``\s``: the regular-expression engine's white space
    # for str patterns is str.isspace's (both Py_UNICODE_ISSPACE; a test compares them over all of Unicode)
    every = np.arange(sys.maxunicode + 1, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    spaces = [m.start() for m in re.finditer(r"\s", every)]
    table = np.zeros(spaces[-1] + 2, dtype=np.bool_)
    table[spaces] = True
    return table


# the closing quotes and brackets that may follow a sentence end, and the sentence ends (_SENTENCE_END_RE)
_SENTENCE_CLOSERS = np.array(list(map(ord, "\"'”’»)]")), dtype=np.uint32)
_SENTENCE_PUNCTUATION = np.array(list(map(ord, ".!?:;")), dtype=np.uint32)
_NEWLINE = 10
_SPACE = 32


_ASCII_SPACE = "".join(chr(c) for c in range(128) if chr(c).isspace() and chr(c) not in " \n")


def _normalise_lines(text: str) -> str:
    """``text`` with each line white-space normalised as ``" ".join(line.split())``, lines kept.

    Done with string replacements on the whole text (``text`` itself when
    nothing changes): every white space but the line break becomes a space,
    runs of spaces become one, and spaces at line ends go.
    """
    if not text.isascii():
        for ch in non_ascii_chars(text):
            if ch.isspace():
                text = text.replace(ch, " ")
    for ch in _ASCII_SPACE:
        if ch in text:
            text = text.replace(ch, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    if " \n" in text:
        text = text.replace(" \n", "\n")
    if "\n " in text:
        text = text.replace("\n ", "\n")
    return text.strip(" ")


# ------------------------------------------------------------------ cyber rule

#: The cyber rule: a paragraph speaks of cyberspace, ICT, the Internet or
#: information security when any of these patterns matches (whole words, case
#: ignored except for the acronym ``ICT``, which must be upper case). Measured
#: on the mirror (see ``cyber_patterns`` and the module notes), deliberately:
#:
#: * ``cyber`` takes every ``cyber...`` word (cyberspace, cybercrime,
#:   cybersecurity, cyberattacks, cyber-terrorism, ...) except ``cybernetic(s)``,
#:   the systems science of the 1970s-1990s speeches.
#: * ``ict`` is upper-case ``ICT``/``ICTs``; ``ICTY``/``ICTR`` (the criminal
#:   tribunals) are other words. Every use in the corpus means information and
#:   communication technology.
#: * ``ict_spelled`` requires "technology": "information and communication"
#:   alone is mostly the New World Information and Communication Order debate
#:   of the 1970s-1980s (the press and broadcasting), not ICT.
#: * ``digital`` is kept: its uses are the digital divide, revolution, economy,
#:   age, technologies, transformation, solidarity (all about ICT); a bare
#:   "digital" outside that sense is rare.
#: * Left out for precision: "computer" (1970s-1980s computers in development
#:   and disarmament talk), "telecommunication(s)" (satellites, the ITU, telephone
#:   networks), "online" and "social media" (recent, and mostly with one of the
#:   words above anyway).
CYBER_PATTERNS: dict[str, re.Pattern[str]] = {
    "cyber": re.compile(r"\bcyber(?!netic)\w*", re.IGNORECASE),
    "internet": re.compile(r"\binternet\b", re.IGNORECASE),
    "ict": re.compile(r"\bICTs?\b"),
    "ict_spelled": re.compile(
        r"\binformation\s+(?:and\s+)?(?:tele)?communications?\s+technolog(?:y|ies)\b", re.IGNORECASE
    ),
    "information_technology": re.compile(r"\binformation\s+technolog(?:y|ies)\b", re.IGNORECASE),
    "information_security": re.compile(r"\binformation\s+security\b", re.IGNORECASE),
    "digital": re.compile(r"\bdigital\b", re.IGNORECASE),
}


#: literals one of which every pattern of CYBER_PATTERNS needs, case ignored ("ICT" apart: case kept)
_CYBER_LITERALS = ("cyber", "internet", "information", "digital")
# the characters that re.IGNORECASE also takes for one of the literals' letters, beyond their
# lower and upper case: U+0130 and U+0131 for "i", U+017F for "s" (checked over all of Unicode by a test)
_IGNORECASE_EXTRA = {"\u0130": "i", "\u0131": "i", "\u017f": "s"}


def _may_be_cyber(text: str) -> bool:
    """False only if no pattern of :data:`CYBER_PATTERNS` can match ``text``: substring tests, fast and exact."""
    if "ICT" in text:
        return True
    if not text.isascii():
        for ch, letter in _IGNORECASE_EXTRA.items():
            if ch in text:  # substring searches and replacements: fast (str.translate is not)
                text = text.replace(ch, letter)
    lowered = text.lower()
    return any(literal in lowered for literal in _CYBER_LITERALS)


def cyber_patterns(text: str) -> list[str]:
    """Return the names of the :data:`CYBER_PATTERNS` that match ``text``, in table order.

    Examples
    --------
    >>> cyber_patterns("ICTs and the Internet bridge the digital divide.")
    ['internet', 'ict', 'digital']
    >>> cyber_patterns("The ICTY tried war crimes; cybernetics is a science; ict is no acronym.")
    []
    """
    return [name for name, pattern in CYBER_PATTERNS.items() if pattern.search(text)]


def is_cyber_paragraph(text: str) -> bool:
    """Tell whether a paragraph speaks of cyberspace, ICT, the Internet or information security.

    Examples
    --------
    >>> is_cyber_paragraph("We must secure cyberspace against attacks.")
    True
    >>> is_cyber_paragraph("Information and communication technologies transform trade.")
    True
    >>> is_cyber_paragraph("We exchanged information on security matters.")
    False
    """
    return any(pattern.search(text) for pattern in CYBER_PATTERNS.values())


def cyber_paragraph_counts(
    root: str | os.PathLike[str],
    *,
    progress: bool | None = None,
    sessions: Iterable[int] | None = None,
    split: Callable[[str], list[str]] = speech_paragraphs,
    repair: Repair | None = None,
) -> Iterator[dict[str, object]]:
    """Stream the features of every cyber paragraph, and per-speech totals, of a UNGDC folder.

    For each speech (in :func:`iter_speeches` order) this yields first one
    ``kind="paragraph"`` record per paragraph that :func:`is_cyber_paragraph`
    accepts, then one ``kind="speech"`` record. No record holds text.

    Both kinds carry ``doc_id``, ``country_code``, ``country``, ``region``,
    ``subregion``, ``year`` and ``session``. A paragraph record adds
    ``paragraph`` (its number among the speech's paragraphs with at least one
    token, from 1), ``n_tokens``, ``patterns`` (names of the matching
    :data:`CYBER_PATTERNS`, ``;``-joined), ``unigrams`` and ``bigrams`` (from
    :func:`initiative_lib.text.tokens.count_segment`). A speech record adds
    ``n_paragraphs``, ``n_cyber_paragraphs``, ``n_tokens`` and
    ``n_cyber_tokens``.

    Parameters
    ----------
    root : path
        The corpus folder.
    progress, sessions, repair
        As for :func:`iter_speeches`.
    split : callable
        How to cut a speech into paragraphs; :func:`speech_paragraphs` by
        default (``initiative_lib.text.segments.blocks`` gives blank-line blocks).
        The default is computed faster, with the same records: paragraphs by
        :func:`paragraph_spans`, token totals without a string per token, and
        the cyber rule tried on each paragraph only if it matches the speech.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "73-2018").mkdir()
    >>> text = "We seek peace.\\n\\nCyberspace needs rules, and the Internet must stay open.\\n"
    >>> _ = (d / "73-2018" / "EU_73_2018.txt").write_text(text)
    >>> para, speech = cyber_paragraph_counts(d)
    >>> para["doc_id"], para["paragraph"], para["n_tokens"], para["patterns"], para["unigrams"]["rules"]
    ('ungdc-EU-73-2018', 2, 9, 'cyber;internet', 1)
    >>> speech["n_paragraphs"], speech["n_cyber_paragraphs"], speech["n_tokens"]
    (2, 1, 12)
    """
    for speech in iter_speeches(root, progress=progress, sessions=sessions, repair=repair):
        key = speech.key
        meta = {
            "doc_id": key.doc_id,
            "country_code": key.country_code,
            "country": speech.country_name,
            "region": speech.region,
            "subregion": speech.subregion,
            "year": key.year,
            "session": key.session,
        }
        n_paragraphs = n_cyber = n_tokens = n_cyber_tokens = 0
        for paragraph, n in _paragraphs(speech.text, split):
            matched: list[str] = []
            counts = None
            if paragraph is not None:
                matched = cyber_patterns(paragraph)
                counts = count_segment(paragraph) if matched else None
                if n is None:
                    n = counts.n_tokens if counts is not None else _n_tokens(paragraph)
            if not n:
                continue
            n_paragraphs += 1
            n_tokens += n
            if counts is None:
                continue
            n_cyber += 1
            n_cyber_tokens += n
            yield {
                "kind": "paragraph",
                **meta,
                "paragraph": n_paragraphs,
                "n_tokens": n,
                "patterns": ";".join(matched),
                "unigrams": counts.unigrams,
                "bigrams": counts.bigrams,
            }
        yield {
            "kind": "speech",
            **meta,
            "n_paragraphs": n_paragraphs,
            "n_cyber_paragraphs": n_cyber,
            "n_tokens": n_tokens,
            "n_cyber_tokens": n_cyber_tokens,
        }


def _paragraphs(text: str, split: Callable[[str], list[str]]) -> Iterator[tuple[str | None, int | None]]:
    """Each paragraph of ``text`` by ``split`` (``None`` where it cannot be a cyber paragraph) and its token count.

    For :func:`speech_paragraphs`, the paragraphs come from :func:`paragraph_spans`
    (the same paragraphs, tested), their tokens are counted in the separated text
    (:func:`~initiative_lib.text.tokens.separated`), and a paragraph's string is
    made only in a speech that the cyber rule matches somewhere. Otherwise the
    paragraphs of ``split`` with ``None`` (count them).
    """
    if split is not speech_paragraphs:
        for paragraph in split(text):
            yield paragraph, None
        return
    spans = paragraph_spans(text)
    plain, bounds = separated(text, spans)
    maybe = _may_be_cyber(text)  # a paragraph's words are the text's: no match in it, none in them
    for (start, end), (a, b) in zip(spans, bounds, strict=True):
        n = len(plain[a:b].split())
        if maybe and n:
            lines = (" ".join(line.split()) for line in text[start:end].split("\n"))
            paragraph = " ".join(line for line in lines if line)
            yield (paragraph if _may_be_cyber(paragraph) else None), n
        else:
            yield None, n


def _n_tokens(text: str) -> int:
    return sum(1 for _ in TOKEN_RE.finditer(text))
