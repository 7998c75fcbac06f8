"""Reader for the NETmundial 2014 contributions compiled by CIS India.

The mirror folder (``netmundial/all_contributions`` of ``cis-india/netmundial``,
CC BY-SA 2.5 India, compiled by the Centre for Internet and Society, Bangalore)
holds one web form ``NNNA.txt`` and one attached document ``NNNB.txt`` per
submission number ``NNN``, plus the compiler's ``README.md``.

The web form is a title (possibly wrapped over several lines), the header
fields ``Area:``, ``Entitled by:``, ``Region:``, ``Organization:``,
``Sector:``, ``Keywords:`` (values may wrap onto the following lines), zero
or more ``Doc Attached: ...`` lines, then the ``Abstract`` and ``Document``
section labels with their text.

Quirks of the mirror this module handles (measured at the pinned commit):

* 179 submissions (numbers 001-187; 010, 038, 043, 067, 073, 078, 139 and 152
  are absent), each with both an A and a B file; 358 ``.txt`` files plus the
  compiler's ``README.md`` make the 359 files of the folder.
* The ``Area:`` label is glued to the last title line in some forms, and the
  ``Abstract`` label to the preceding ``Doc Attached:`` line in others.
* ``Region:`` is free text: countries (in several spellings and cases, with
  accents dropped by the compiler), cities, macro-regions, lists of several
  countries or regions, and a few values that are not places at all (an
  organisation name, a job title). Every raw value seen is resolved through
  :data:`REGION_LABELS`, :data:`COUNTRY_ALIASES`, pycountry and the part
  tables below; anything else is an error.
* The labels ``Abstract`` and ``Document`` also occur as ordinary lines inside
  some documents; only the first of each after the header is a form label.

No submission lacks its A file, so :func:`read_submission` raises when an A
file is missing rather than inventing metadata; a missing B file is allowed
(the submission then has one part).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pycountry

from initiative_lib.errors import CorpusError, expected_one_of, where

#: normalised ``Sector:`` values
SECTORS: tuple[str, ...] = (
    "academia",
    "civil_society",
    "government",
    "private_sector",
    "technical_community",
    "other",
)

#: raw ``Sector:`` label (case-folded, spaces collapsed) -> normalised sector
SECTOR_LABELS: dict[str, str] = {
    "academia": "academia",
    "civil society": "civil_society",
    "government": "government",
    "private sector": "private_sector",
    "technical community": "technical_community",
    "other": "other",
}

#: normalised ``Area:`` values (the three tracks of the NETmundial call)
AREAS: tuple[str, ...] = ("principles", "roadmap", "principles_and_roadmap")

#: raw ``Area:`` label (case-folded, spaces collapsed) -> normalised area
AREA_LABELS: dict[str, str] = {
    "set of internet governance principles": "principles",
    "roadmap for the further evolution of the internet governance ecosystem": "roadmap",
    "combined internet governance principles and roadmap": "principles_and_roadmap",
}

#: normalised regions; ``multi_region`` = the value names places in more than
#: one region, ``unspecified`` = the value names no place
REGIONS: tuple[str, ...] = (
    "global",
    "multi_region",
    "africa",
    "asia_pacific",
    "europe",
    "latin_america_caribbean",
    "middle_east",
    "north_america",
    "unspecified",
)

#: whole raw ``Region:`` values (normalised key, see :func:`_key`) that are
#: not a plain list of places -> (region, ISO 3166-1 alpha-3 or None)
#: raw values that start like this are a sentence about the organisation, not a
#: region (submission 162 names the seat of its director); kept short on purpose
REGION_PREFIXES: dict[str, tuple[str, str | None]] = {
    "apc is an international organisation": ("global", None),
}

REGION_LABELS: dict[str, tuple[str, str | None]] = {
    "global": ("global", None),
    "region - global with company headquarters in the u.s": ("global", None),
    "americas": ("multi_region", None),
    "commonwealth": ("multi_region", None),
    "commonwealth telecommunications organisation": ("multi_region", None),
    "latin america and the caribbean": ("latin_america_caribbean", None),
    # an Austrian ministry's name typed into the Region field
    "austrian federal ministry for transport, innovation and technology": ("europe", "AUT"),
    # an organisation's or a job's name typed into the Region field
    "the aspen institute": ("unspecified", None),
    "deputy to the chief regulatory officer orange group": ("unspecified", None),
    "directorate general human rights and rule of law": ("unspecified", None),
    "other": ("unspecified", None),
}

#: country spellings pycountry does not resolve -> ISO 3166-1 alpha-3
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GBR",
    "the united states": "USA",
    "russia": "RUS",
    "south korea": "KOR",
    "iran": "IRN",
    "brasil": "BRA",
    "democratic republic of congo": "COD",
    "cote d'ivoire": "CIV",
    "people?s republic of china": "CHN",  # apostrophe lost as '?' upstream
    "sngal": "SEN",  # accents dropped upstream
}

#: cities and sub-national places seen in ``Region:`` -> country
PLACES: dict[str, str] = {
    "geneva": "CHE",
    "new york": "USA",
    "sao paulo": "BRA",
    "so paulo": "BRA",  # accent dropped upstream
}

#: macro-region names seen as parts of ``Region:`` -> region
MACRO_REGIONS: dict[str, str] = {
    "africa": "africa",
    "north africa": "africa",
    "asia pacific": "asia_pacific",
    "asia-pacific": "asia_pacific",
    "europe": "europe",
    "eu": "europe",
    "latin america": "latin_america_caribbean",
    "central america": "latin_america_caribbean",
    "south america": "latin_america_caribbean",
    "caribbean": "latin_america_caribbean",
    "carribean": "latin_america_caribbean",
    "the caribbean": "latin_america_caribbean",
    "middle east": "middle_east",
    "north america": "north_america",
}

#: ISO 3166-1 alpha-3 -> region, for the countries named in the mirror
COUNTRY_REGION: dict[str, str] = {
    **dict.fromkeys(
        ("DZA", "CIV", "COD", "EGY", "GHA", "KEN", "MAR", "MUS", "NGA", "SDN", "SEN", "TUN", "UGA", "ZAF", "ZWE"),
        "africa",
    ),
    **dict.fromkeys(
        ("AUS", "BGD", "CHN", "IDN", "IND", "JPN", "KOR", "MYS", "NZL", "PAK", "PHL", "SGP", "THA"),
        "asia_pacific",
    ),
    **dict.fromkeys(
        (
            "AUT",
            "BEL",
            "BGR",
            "CHE",
            "CZE",
            "DEU",
            "DNK",
            "ESP",
            "EST",
            "FIN",
            "FRA",
            "GBR",
            "GRC",
            "HUN",
            "IRL",
            "ITA",
            "LUX",
            "MLT",
            "NLD",
            "NOR",
            "POL",
            "PRT",
            "ROU",
            "RUS",
            "SWE",
            "UKR",
        ),
        "europe",
    ),
    **dict.fromkeys(
        ("ARG", "BOL", "BRA", "CHL", "COL", "CRI", "CUB", "ECU", "MEX", "PER", "PRY", "TTO", "URY", "VEN"),
        "latin_america_caribbean",
    ),
    **dict.fromkeys(
        ("ARE", "IRN", "ISR", "JOR", "KWT", "LBN", "QAT", "SAU", "TUR", "YEM"),
        "middle_east",
    ),
    **dict.fromkeys(("CAN", "USA"), "north_america"),
}

#: header labels of the web form, in their order, with the field each fills
HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("Area", "area_raw"),
    ("Entitled by", "submitted_by"),
    ("Region", "region_raw"),
    ("Organization", "organization"),
    ("Sector", "sector_raw"),
    ("Keywords", "keywords_raw"),
)

#: fields every form must fill
REQUIRED_FIELDS: tuple[str, ...] = (
    "title",
    "area_raw",
    "submitted_by",
    "region_raw",
    "organization",
    "sector_raw",
)

#: lines of the web form itself, dropped from the body wherever they occur:
#: a stripped line that starts with one of these prefixes (the form's pointer
#: to the attached PDF, which ends "... for the full text of the contribution.")
BOILERPLATE_LINES: tuple[str, ...] = ("See the attached PDF document above",)

#: the fields returned by :func:`parse_form`, in order
FIELD_NAMES: tuple[str, ...] = (
    "title",
    "area",
    "area_raw",
    "submitted_by",
    "region",
    "region_raw",
    "country",
    "organization",
    "sector",
    "keywords",
)

#: the compiler's documentation file in the folder, not a submission
IGNORED_FILES: frozenset[str] = frozenset({"README.md"})

_FILE_RE = re.compile(r"(?P<number>\d{3})(?P<part>[AB])\.txt")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_LABEL_RE = re.compile(
    r"\s*(?P<label>" + "|".join(re.escape(lab) for lab, _ in HEADER_LABELS) + r")\s*:",
    re.IGNORECASE,
)
_AREA_RE = re.compile(r"Area\s*:", re.IGNORECASE)
_DOC_ATTACHED_RE = re.compile(r"\s*Doc Attached\s*:", re.IGNORECASE)
_PART_SPLIT_RE = re.compile(r"\s*(?:,|/|;|\band\b)\s*")
_KEYWORD_SPLIT_RE = re.compile(r"[,;]")
_KEYWORD_PREFIX_RE = re.compile(r"^key\s*words?\s*:\s*", re.IGNORECASE)


def _key(raw: str) -> str:
    """Case-fold, strip accents, collapse spaces and drop a final full stop.

    Examples
    --------
    >>> _key("  Côte   d'Ivoire. ")
    "cote d'ivoire"
    """
    text = unicodedata.normalize("NFKD", raw)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.casefold().split())
    return text.removesuffix(".").strip()


def _join_wrapped(pieces: list[str]) -> str:
    """Join the wrapped lines of one value with single spaces.

    A line ending in a hyphen is joined to the next without a space.

    Examples
    --------
    >>> _join_wrapped(["  Cyber ", "policy in multi-", "stakeholder fora  "])
    'Cyber policy in multi-stakeholder fora'
    """
    out = ""
    for piece in pieces:
        part = " ".join(piece.split())
        if not part:
            continue
        if not out or out.endswith("-"):
            out += part
        else:
            out += " " + part
    return out


def normalise_sector(raw: str, *, source: str) -> str:
    """Map a raw ``Sector:`` value to one of :data:`SECTORS`.

    Parameters
    ----------
    raw : str
        The value as written in the form.
    source : str
        Where the value comes from, for error messages.

    Returns
    -------
    str
        A member of :data:`SECTORS`.

    Raises
    ------
    CorpusError
        (a ``ValueError``) when the value is not in :data:`SECTOR_LABELS`.

    Examples
    --------
    >>> normalise_sector("Technical community ", source="x.txt")
    'technical_community'
    >>> normalise_sector("CIVIL  SOCIETY", source="x.txt")
    'civil_society'
    """
    sector = SECTOR_LABELS.get(_key(raw))
    if sector is None:
        msg = (
            f"{where(source, field='Sector')}: unknown sector {raw!r}; "
            f"expected {expected_one_of(SECTOR_LABELS)} (any case and spacing)"
        )
        raise CorpusError(msg)
    return sector


def normalise_area(raw: str, *, source: str) -> str:
    """Map a raw ``Area:`` value to one of :data:`AREAS`.

    Parameters
    ----------
    raw : str
        The value as written in the form, wrapped lines already joined.
    source : str
        Where the value comes from, for error messages.

    Returns
    -------
    str
        A member of :data:`AREAS`.

    Raises
    ------
    CorpusError
        (a ``ValueError``) when the value is not in :data:`AREA_LABELS`.

    Examples
    --------
    >>> normalise_area("SET OF INTERNET GOVERNANCE  PRINCIPLES ", source="x.txt")
    'principles'
    """
    area = AREA_LABELS.get(_key(raw))
    if area is None:
        msg = (
            f"{where(source, field='Area')}: unknown area {raw!r}; "
            f"expected {expected_one_of(AREA_LABELS)} (any case and spacing)"
        )
        raise CorpusError(msg)
    return area


def _country(key: str) -> str | None:
    """Resolve a normalised place key to ISO 3166-1 alpha-3, or None.

    Examples
    --------
    >>> _country("united states of america"), _country("uk"), _country("atlantis")
    ('USA', 'GBR', None)
    """
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    if key in MACRO_REGIONS or key in PLACES:
        return None
    try:
        country = pycountry.countries.lookup(key)
    except LookupError:
        return None
    return str(country.alpha_3)


def _region_of(country: str, raw: str, source: str) -> str:
    region = COUNTRY_REGION.get(country)
    if region is None:
        msg = (
            f"{where(source, field='Region')}: value {raw!r} names country {country}, "
            "which has no region in COUNTRY_REGION; expected a country listed there "
            "(add it to the table)"
        )
        raise CorpusError(msg)
    return region


def normalise_region(raw: str, *, source: str) -> tuple[str, str | None]:
    """Map a raw ``Region:`` value to a region and, if it names one country, that country.

    Resolution order: the whole value in :data:`REGION_LABELS`; the whole value
    as a country (:data:`COUNTRY_ALIASES`, then pycountry); else the value is
    split on ``,``, ``/``, ``;`` and ``and`` and every part must be a country,
    a place in :data:`PLACES` or a macro-region in :data:`MACRO_REGIONS`.
    One country (possibly with a city or its own macro-region) gives that
    country and its region; several places in one region give that region
    and no country; places in several regions give ``multi_region``.

    Parameters
    ----------
    raw : str
        The value as written in the form, wrapped lines already joined.
    source : str
        Where the value comes from, for error messages.

    Returns
    -------
    tuple of (str, str or None)
        A member of :data:`REGIONS` and an ISO 3166-1 alpha-3 code or None.

    Raises
    ------
    CorpusError
        (a ``ValueError``) when the value or one of its parts is unknown, or a
        country's macro-region contradicts the country.

    Examples
    --------
    >>> normalise_region("Geneva, Switzerland", source="x.txt")
    ('europe', 'CHE')
    >>> normalise_region("KENYA / Africa ", source="x.txt")
    ('africa', 'KEN')
    >>> normalise_region("Canada and Mexico", source="x.txt")
    ('multi_region', None)
    >>> normalise_region("Global", source="x.txt")
    ('global', None)
    """
    key = _key(raw)
    if key in REGION_LABELS:
        return REGION_LABELS[key]
    for prefix, value in REGION_PREFIXES.items():
        if key.startswith(prefix):
            return value
    whole = _country(key)
    if whole is not None:
        return _region_of(whole, raw, source), whole
    if key in MACRO_REGIONS:
        return MACRO_REGIONS[key], None
    countries: list[str] = []
    macros: set[str] = set()
    parts = [part for part in _PART_SPLIT_RE.split(key) if part]
    if not parts:
        msg = f"{where(source, field='Region')}: empty value {raw!r}; expected a place"
        raise CorpusError(msg)
    for part in parts:
        if part in MACRO_REGIONS:
            macros.add(MACRO_REGIONS[part])
            continue
        country = PLACES.get(part) or _country(part)
        if country is None:
            msg = (
                f"{where(source, field='Region')}: unknown value {raw!r} (part {part!r}); "
                "expected a country known to pycountry or COUNTRY_ALIASES, a place in "
                f"{expected_one_of(PLACES)}, a region in {expected_one_of(MACRO_REGIONS)}"
                " or a whole value in REGION_LABELS"
            )
            raise CorpusError(msg)
        if country not in countries:
            countries.append(country)
    regions = {_region_of(c, raw, source) for c in countries} | macros
    if len(countries) == 1:
        region = _region_of(countries[0], raw, source)
        if regions != {region}:
            msg = (
                f"{where(source, field='Region')}: value {raw!r} names {countries[0]} "
                f"({region}) with other regions {sorted(regions - {region})}; "
                "expected one country with at most its own region"
            )
            raise CorpusError(msg)
        return region, countries[0]
    if len(regions) == 1:
        return regions.pop(), None
    return "multi_region", None


def normalise_keywords(raw: str | None) -> str | None:
    """Lower-case, split on ``,``/``;``, strip, de-duplicate in order, join with ``; ``.

    A leading ``Key words:`` repeated inside the value is dropped.

    Examples
    --------
    >>> normalise_keywords("Openness; PRIVACY,  privacy , , open data")
    'openness; privacy; open data'
    >>> normalise_keywords("  ") is None
    True
    """
    if raw is None:
        return None
    text = _KEYWORD_PREFIX_RE.sub("", " ".join(raw.split()))
    seen: list[str] = []
    for piece in _KEYWORD_SPLIT_RE.split(text):
        word = " ".join(piece.split()).lower()
        if word and word not in seen:
            seen.append(word)
    return "; ".join(seen) if seen else None


def _strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _split_header(lines: list[str], source: str) -> tuple[dict[str, str | None], int]:
    """Collect the raw header values; return them and the index of the first body line."""
    entitled = next(
        (i for i, line in enumerate(lines) if (m := _LABEL_RE.match(line)) and m["label"].lower() == "entitled by"),
        None,
    )
    search_to = len(lines) if entitled is None else entitled
    area_at: tuple[int, re.Match[str]] | None = None
    for i in range(search_to):
        for m in _AREA_RE.finditer(lines[i]):
            area_at = (i, m)
    if area_at is None:
        msg = f"{where(source, field='Area')}: missing field; expected a line with 'Area:'"
        raise CorpusError(msg)
    a, m_area = area_at
    raw: dict[str, list[str]] = {"title": [*lines[:a], lines[a][: m_area.start()]]}
    field = "area_raw"
    raw[field] = [lines[a][m_area.end() :]]
    expected = 1  # index into HEADER_LABELS of the next label
    i = a + 1
    body_start: int | None = None
    while i < len(lines):
        line = lines[i]
        m = _LABEL_RE.match(line)
        if m is not None:
            label = m["label"].lower()
            names = [lab.lower() for lab, _ in HEADER_LABELS]
            if expected < len(HEADER_LABELS) and label == names[expected]:
                field = HEADER_LABELS[expected][1]
                raw[field] = [line[m.end() :]]
                expected += 1
                i += 1
                continue
            if expected < len(HEADER_LABELS):
                want = HEADER_LABELS[expected][0]
                msg = (
                    f"{where(source, field=want)}: missing field; found {m['label']!r} "
                    f"on line {i + 1} where {want + ':'!r} was expected"
                )
                raise CorpusError(msg)
        stripped = line.strip()
        is_end = _DOC_ATTACHED_RE.match(line) is not None or stripped in {"Abstract", "Document"}
        if is_end:
            if expected < len(HEADER_LABELS):
                want = HEADER_LABELS[expected][0]
                msg = (
                    f"{where(source, field=want)}: missing field; the header ended on "
                    f"line {i + 1} before {want + ':'!r}"
                )
                raise CorpusError(msg)
            body_start = i
            break
        raw[field].append(line)
        i += 1
    if body_start is None:
        want = HEADER_LABELS[expected][0] if expected < len(HEADER_LABELS) else "Abstract"
        msg = f"{where(source, field=want)}: missing field; expected {want!r} and an 'Abstract' label after the header"
        raise CorpusError(msg)
    values: dict[str, str | None] = {name: (_join_wrapped(pieces) or None) for name, pieces in raw.items()}
    for name in REQUIRED_FIELDS:
        if not values.get(name):
            label = dict((f, lab) for lab, f in HEADER_LABELS).get(name, name)
            msg = f"{where(source, field=label)}: missing or empty value; expected text"
            raise CorpusError(msg)
    return values, body_start


def _body(lines: list[str]) -> list[str]:
    """Drop the Doc Attached lines and the first Abstract and Document labels."""
    i = 0
    while i < len(lines) and (not lines[i].strip() or _DOC_ATTACHED_RE.match(lines[i])):
        line = lines[i]
        if _DOC_ATTACHED_RE.match(line) and line.rstrip().endswith("Abstract"):
            # 'Doc Attached: ... 1Abstract': the label glued to the line
            i += 1
            return _after_abstract(lines[i:])
        i += 1
    if i < len(lines) and lines[i].strip() == "Abstract":
        i += 1
    return _after_abstract(lines[i:])


def _after_abstract(lines: list[str]) -> list[str]:
    out: list[str] = []
    document_seen = False
    for line in lines:
        stripped = line.strip()
        if not document_seen and stripped == "Document":
            document_seen = True
            continue
        if stripped.startswith(BOILERPLATE_LINES):
            continue
        out.append(line)
    return _strip_blank_edges(out)


def parse_form(text: str, *, source: str) -> tuple[dict[str, str | None], str]:
    """Parse the decoded text of a web form (``NNNA.txt``).

    Parameters
    ----------
    text : str
        The decoded file. Line breaks may be ``\\r\\n``, ``\\r`` or ``\\n``;
        other characters (including U+0085) are kept inside lines.
    source : str
        The file's name, for error messages.

    Returns
    -------
    fields : dict of str to str or None
        Keys :data:`FIELD_NAMES`: ``title``, ``area`` (in :data:`AREAS`),
        ``area_raw``, ``submitted_by`` (the ``Entitled by:`` value),
        ``region`` (in :data:`REGIONS`), ``region_raw``, ``country`` (ISO
        3166-1 alpha-3 or None), ``organization``, ``sector`` (in
        :data:`SECTORS`) and ``keywords`` (see :func:`normalise_keywords`;
        None when empty). Wrapped values are joined with single spaces.
    body : str
        The abstract and document text, lines joined with ``\\n``, without
        the header, the ``Doc Attached:`` lines, the first ``Abstract`` and
        ``Document`` labels, the lines in :data:`BOILERPLATE_LINES` and
        leading or trailing blank lines. Lines are not re-wrapped.

    Raises
    ------
    CorpusError
        (a ``ValueError``) naming ``source``, the field, the value and what
        was expected, when a required field is missing or empty or a value
        is not in the vocabularies.

    Examples
    --------
    >>> form = (
    ...     "A Made-Up Proposal on\\r\\nSomething\\r\\n"
    ...     "Area: SET OF INTERNET GOVERNANCE PRINCIPLES\\r\\n"
    ...     "Entitled by: A. Person\\r\\nRegion: Chile\\r\\n"
    ...     "Organization: Example Group\\r\\nSector: Technical community \\r\\n"
    ...     "Keywords: Alpha, beta;\\r\\nALPHA, gamma\\r\\n"
    ...     "Abstract\\r\\nShort summary.\\r\\nDocument\\r\\nLine one.\\r\\nLine two.\\r\\n"
    ... )
    >>> fields, body = parse_form(form, source="999A.txt")
    >>> fields["title"], fields["area"], fields["country"], fields["region"]
    ('A Made-Up Proposal on Something', 'principles', 'CHL', 'latin_america_caribbean')
    >>> fields["sector"], fields["keywords"]
    ('technical_community', 'alpha; beta; gamma')
    >>> body
    'Short summary.\\nLine one.\\nLine two.'
    """
    lines = _LINE_BREAK_RE.split(text)
    raw, body_start = _split_header(lines, source)
    area_raw = raw["area_raw"] or ""
    region_raw = raw["region_raw"] or ""
    region, country = normalise_region(region_raw, source=source)
    fields: dict[str, str | None] = {
        "title": raw["title"],
        "area": normalise_area(area_raw, source=source),
        "area_raw": area_raw,
        "submitted_by": raw["submitted_by"],
        "region": region,
        "region_raw": region_raw,
        "country": country,
        "organization": raw["organization"],
        "sector": normalise_sector(raw["sector_raw"] or "", source=source),
        "keywords": normalise_keywords(raw.get("keywords_raw")),
    }
    return fields, "\n".join(_body(lines[body_start:]))


def submission_ids(folder: Path) -> list[str]:
    """List the sorted 3-digit submission numbers that have an A or a B file.

    Parameters
    ----------
    folder : Path
        The ``all_contributions`` folder. Names in :data:`IGNORED_FILES` and
        sub-folders are skipped.

    Returns
    -------
    list of str
        Sorted numbers such as ``['001', '002']``.

    Raises
    ------
    CorpusError
        (a ``ValueError``) naming the first file whose name is not ``NNNA.txt``
        or ``NNNB.txt``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ("002A.txt", "001B.txt", "002B.txt", "README.md"):
    ...         _ = (Path(tmp) / name).write_text("x")
    ...     submission_ids(Path(tmp))
    ['001', '002']
    """
    numbers: set[str] = set()
    for path in sorted(folder.iterdir()):
        if path.name in IGNORED_FILES or path.is_dir():
            continue
        m = _FILE_RE.fullmatch(path.name)
        if m is None:
            msg = (
                f"{where(path)}: unexpected file name {path.name!r}; expected 'NNNA.txt' "
                f"or 'NNNB.txt' (three digits) or one of {sorted(IGNORED_FILES)}"
            )
            raise CorpusError(msg)
        numbers.add(m["number"])
    return sorted(numbers)


@dataclass(frozen=True)
class Submission:
    """One NETmundial submission.

    Attributes
    ----------
    number : str
        The 3-digit submission number.
    fields : dict of str to str or None
        The form's metadata, as returned by :func:`parse_form`.
    parts : tuple of (str, str)
        ``(file name, text)`` pairs: the A body first, then the B text as
        decoded (no header to remove, line ends untouched). A and B may repeat
        each other; de-duplication is the caller's job.
    """

    number: str
    fields: dict[str, str | None]
    parts: tuple[tuple[str, str], ...]


def read_submission(folder: Path, number: str, *, decode: Callable[[bytes], str]) -> Submission:
    """Read submission ``number`` from ``folder``.

    Parameters
    ----------
    folder : Path
        The ``all_contributions`` folder.
    number : str
        A 3-digit number from :func:`submission_ids`.
    decode : callable
        Turns a file's bytes into text (the build passes its own decoder).

    Returns
    -------
    Submission

    Raises
    ------
    CorpusError
        (a ``ValueError``) when ``number`` is not three digits or the A file
        is missing (every submission of the mirror has one; there is no
        fallback metadata), or when the form does not parse.

    Examples
    --------
    >>> import tempfile
    >>> form = (
    ...     "Invented Title\\nArea: ROADMAP FOR THE FURTHER EVOLUTION OF THE INTERNET\\n"
    ...     "GOVERNANCE ECOSYSTEM\\nEntitled by: Someone\\nRegion: Global\\n"
    ...     "Organization: Nobody Inc.\\nSector: Other\\nKeywords:\\n"
    ...     "Abstract\\nSummary.\\nDocument\\nText.\\n"
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "007A.txt").write_text(form)
    ...     _ = (Path(tmp) / "007B.txt").write_text("Attached text.\\n")
    ...     sub = read_submission(Path(tmp), "007", decode=lambda b: b.decode("utf-8"))
    >>> sub.fields["area"], sub.fields["keywords"], sub.parts
    ('roadmap', None, (('007A.txt', 'Summary.\\nText.'), ('007B.txt', 'Attached text.\\n')))
    """
    if not re.fullmatch(r"\d{3}", number):
        msg = f"{where(folder)}: bad submission number {number!r}; expected three digits"
        raise CorpusError(msg)
    a_name, b_name = f"{number}A.txt", f"{number}B.txt"
    a_path, b_path = folder / a_name, folder / b_name
    if not a_path.is_file():
        msg = (
            f"{where(a_path)}: missing web form for submission {number}; expected "
            f"{a_name} next to {b_name} (no fallback metadata exists)"
        )
        raise CorpusError(msg)
    fields, body = parse_form(decode(a_path.read_bytes()), source=a_name)
    parts: list[tuple[str, str]] = [(a_name, body)]
    if b_path.is_file():
        parts.append((b_name, decode(b_path.read_bytes())))
    return Submission(number=number, fields=fields, parts=tuple(parts))
