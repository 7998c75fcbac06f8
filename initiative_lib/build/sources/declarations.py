"""Readers for the four texts in the mirror's ``declarations/`` folder.

Two are international declarations (group ``declaration``): the Paris Call
(launched by France and endorsed by states, companies and civil society) and
Barlow's declaration (an individual's manifesto). Two are one government's own
national policy (group ``national``): the US *International Strategy for
Cyberspace* (2011) and the Russian *Information Security Doctrine* (2000).
They keep their ``decl-`` ids so that references to them stay valid.

Each declaration is described by a :class:`Declaration` record (metadata the
corpus ships) and turned into plain text by a small pure function: the Paris
Call's Markdown is stripped of images and link targets; Barlow's declaration
is cut out of the blog post that quotes it; the two PDF extractions are used
as they are (the shared clean-up handles their page furniture).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REF_LINK_RE = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_REF_DEF_RE = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_QUOTE_RE = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
_FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)

BARLOW_START = "Governments of the Industrial World"
BARLOW_END = "Davos, Switzerland"


def strip_markdown(text: str) -> str:
    r"""Remove front matter, images, link targets and quote markers; keep link text.

    Examples
    --------
    >>> strip_markdown("![logo](a.png)\n> See [the call](https://x.org).")
    '\nSee the call.'
    """
    text = _FRONT_MATTER_RE.sub("", text)
    text = _IMAGE_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _REF_LINK_RE.sub(r"\1", text)
    text = _REF_DEF_RE.sub("", text)
    return _QUOTE_RE.sub("", text)


def cut_barlow(text: str) -> str:
    r"""Cut the declaration out of the blog post: from its first words to the place line.

    Raises
    ------
    ValueError
        If either marker is missing, which means the source is not the expected file.

    Examples
    --------
    >>> cut_barlow("intro\n> Governments of the Industrial World, hello.\n> Davos, Switzerland\n> sig")
    'Governments of the Industrial World, hello.\n'
    """
    plain = strip_markdown(text)
    start = plain.find(BARLOW_START)
    end = plain.find(BARLOW_END, start + 1)
    if start < 0 or end < 0:
        msg = f"Barlow blog post: markers {BARLOW_START!r} and {BARLOW_END!r} not both found; is this the pinned file?"
        raise ValueError(msg)
    return plain[start:end]


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class Declaration:
    """Metadata of one declaration and how to get its text from the mirror file."""

    doc_id: str
    source_path: str
    title: str
    issuer: str
    issuer_type: str
    country: str
    date: str
    date_precision: str
    licence: str
    extract: Callable[[str], str]
    notes: str = ""
    group: str = "declaration"


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        "decl-paris-call-2018",
        "declarations/paris-call-2018-en.md",
        "Paris Call for Trust and Security in Cyberspace",
        "Government of France (launched at the Internet Governance Forum, Paris)",
        "government",
        "FRA",
        "2018-11-12",
        "day",
        "government-document-fr",
        strip_markdown,
        "English version; a French version exists in the mirror and is not included",
    ),
    Declaration(
        "decl-barlow-1996",
        "declarations/barlow-declaration-1996-blogpost.md",
        "A Declaration of the Independence of Cyberspace",
        "John Perry Barlow",
        "individual",
        "USA",
        "1996-02-08",
        "day",
        "author-distribution",
        cut_barlow,
        "cut out of a 2010 blog post that quotes it; covering e-mail and signature left out",
    ),
    Declaration(
        "decl-usa-intl-strategy-cyberspace-2011",
        "declarations/us-international-strategy-for-cyberspace-2011.txt",
        "International Strategy for Cyberspace",
        "The White House, United States",
        "government",
        "USA",
        "2011-05-01",
        "month",
        "public-domain-us-government",
        _identity,
        "subtitled 'Prosperity, Security, and Openness'; PDF extraction: table-of-contents leaders, "
        "many sentence-final full stops lost; group national (one government's own policy)",
        "national",
    ),
    Declaration(
        "decl-rus-infosec-doctrine-2000",
        "declarations/russia-information-security-doctrine-2000.txt",
        "Information Security Doctrine of the Russian Federation",
        "President of the Russian Federation",
        "government",
        "RUS",
        "2000-09-09",
        "day",
        "government-document",
        _identity,
        "English translation, PDF extraction; group national (one government's own policy)",
        "national",
    ),
)
