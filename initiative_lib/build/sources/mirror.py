"""Where each mirrored source file comes from upstream.

The offline mirror (``../shared/corpora`` on the team's machines) holds files
byte-identical to public upstream files at pinned commits. This module maps a
path inside the mirror to its pinned URL, which the corpus records next to the
file's SHA-256 and :func:`initiative_lib.build.fetch.fetch_texts` downloads from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

RAW_BASE = "https://raw.githubusercontent.com"


@dataclass(frozen=True)
class Upstream:
    """A folder (or file) of the mirror and the upstream place it copies."""

    mirror_prefix: str
    repo: str
    commit: str
    upstream_prefix: str
    terms: str


PARIS = ("ambanum/pariscall.international", "916433b20a70ce587db86de70b108ce21a25c551")
YCHEN = ("Ychen463/cyber-security-text-classification-nlp", "d3dbec34f8e078ac551192a48b5ec154aa19d6bf")
KOSTYUK = ("nadiyakostyuk/National-Cybersecurity-Strategy-Data", "14db93392281b7981f6c4d3b4ef7605b8746072b")
NETMUNDIAL = ("cis-india/netmundial", "1e696716d38f2912f918debf2058eb14c6fae517")
UNGDC = ("fr48/unga", "fc0bbb165b752b33d537f999516f8d2029b41066")

#: most specific prefix first
UPSTREAMS: tuple[Upstream, ...] = (
    Upstream(
        "declarations/paris-call-2018-en.md",
        *PARIS,
        "_includes/pages/texts/en/call/paris-call.md",
        "French government text; repository EUPL-1.2",
    ),
    Upstream(
        "declarations/paris-call-2018-fr.md",
        *PARIS,
        "_includes/pages/texts/fr/call/paris-call.md",
        "French government text; repository EUPL-1.2",
    ),
    Upstream(
        "declarations/barlow-declaration-1996-blogpost.md",
        "steveklabnik/blog",
        "e4cefed2b76bc1be807f3223a2478d732df7b36e",
        "posts/2010-05-01-you-are-terrified-of-your-own-children-since-they-are-natives-in-a-world-where-"
        "you-will-always-be-immigrants.md",
        "the author asked for it to be passed on as widely as possible",
    ),
    Upstream(
        "declarations/us-international-strategy-for-cyberspace-2011.txt",
        *YCHEN,
        "Raw_Training_txt/COOPERATION/INTERNATIONAL COOPERATION/international_strategy_for_cyberspace.txt",
        "US government work, public domain",
    ),
    Upstream(
        "declarations/russia-information-security-doctrine-2000.txt",
        *YCHEN,
        "Raw_Document_txt/Russia_2000.txt",
        "official document",
    ),
    Upstream("strategies/itu/", *YCHEN, "Raw_Document_txt/", "government documents; no repository licence"),
    Upstream(
        "strategies/kostyuk/inaugural/",
        *KOSTYUK,
        "data/txt-files/non-marker-txts/non-marker-inaugural-txts/",
        "government documents; no repository licence",
    ),
    Upstream(
        "strategies/kostyuk/sequential/",
        *KOSTYUK,
        "data/txt-files/non-marker-txts/non-marker-sequential-txts/",
        "government documents; no repository licence",
    ),
    Upstream("netmundial/all_contributions/", *NETMUNDIAL, "data/all_contributions/", "CC BY-SA 2.5 India"),
    Upstream("ungdc/", *UNGDC, "data/", "CC0 at the source"),
)


def upstream_for(mirror_path: str) -> Upstream:
    """Return the upstream entry covering a mirror-relative path.

    Raises
    ------
    ValueError
        If no upstream covers the path.
    """
    path = PurePosixPath(mirror_path).as_posix()
    for entry in UPSTREAMS:
        if path == entry.mirror_prefix or (entry.mirror_prefix.endswith("/") and path.startswith(entry.mirror_prefix)):
            return entry
    prefixes = [u.mirror_prefix for u in UPSTREAMS]
    msg = f"mirror path {mirror_path!r} is not covered by any upstream; expected one under {prefixes}"
    raise ValueError(msg)


def upstream_url(mirror_path: str) -> str:
    """Return the pinned raw URL of a mirrored file.

    Examples
    --------
    >>> upstream_url("netmundial/all_contributions/001A.txt")
    'https://raw.githubusercontent.com/cis-india/netmundial/1e696716d38f2912f918debf2058eb14c6fae517/data/all_contributions/001A.txt'
    """
    entry = upstream_for(mirror_path)
    rest = mirror_path[len(entry.mirror_prefix) :] if entry.mirror_prefix.endswith("/") else ""
    return f"{RAW_BASE}/{entry.repo}/{entry.commit}/{quote(entry.upstream_prefix + rest)}"
