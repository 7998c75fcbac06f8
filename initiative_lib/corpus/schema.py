"""The corpus schema: manifest columns, their types and controlled vocabularies.

``corpus/documents.csv`` has one row per document with exactly the columns of
:data:`DOCUMENT_COLUMNS`, in that order. Controlled columns hold only the
values listed here; an unknown value is an error, never mapped silently.
"""

from __future__ import annotations

import re

#: manifest file names inside the corpus folder
DOCUMENTS_FILE = "documents.csv"
SOURCES_FILE = "sources.csv"
CLEANING_FILE = "cleaning.csv"
EXCLUDED_FILE = "excluded.csv"
CHECKSUMS_FILE = "SHA256SUMS"
TEXTS_DIR = "texts"
FEATURES_DIR = "features"

#: column -> (dtype, required). ``string`` columns may be empty when not required.
DOCUMENT_COLUMNS: dict[str, tuple[str, bool]] = {
    "doc_id": ("string", True),
    "group": ("string", True),
    "title": ("string", True),
    "issuer": ("string", True),
    "issuer_type": ("string", True),
    "country": ("string", False),
    "date": ("date", True),
    "date_precision": ("string", True),
    "language": ("string", True),
    "licence": ("string", True),
    "source_url": ("string", False),
    "source_sha256": ("string", False),
    "text_file": ("string", False),
    "n_segments": ("int", True),
    "n_tokens": ("int", True),
    "sector": ("string", False),
    "region": ("string", False),
    "organization": ("string", False),
    "area": ("string", False),
    "keywords": ("string", False),
    "collection": ("string", False),
    "notes": ("string", False),
}

SOURCE_COLUMNS = ["doc_id", "part", "source_path", "source_url", "source_sha256", "n_bytes"]

GROUPS = {
    "initiative": "the 2020 World Internet Conference initiative",
    "declaration": "international declarations on cyberspace (not issued as one state's national policy)",
    "national": "national governments' own policy documents on international cyberspace, read one by one",
    "strategy": "national cybersecurity strategies",
    "netmundial": "submissions to NETmundial 2014",
    "user": "documents a user added",
}
#: the groups in display order (every table and figure lists groups in this order)
GROUP_ORDER: tuple[str, ...] = tuple(GROUPS)
ISSUER_TYPES = {
    "government": "a national government or one of its agencies",
    "intergovernmental": "an intergovernmental organisation",
    "conference": "the organisers of an international conference",
    "civil_society": "civil-society organisation",
    "private_sector": "company or business association",
    "technical_community": "technical community",
    "academia": "university or research institute",
    "individual": "a person writing for themselves",
    "other": "any other issuer (NETmundial's 'Other' sector)",
}
DATE_PRECISIONS = {"day", "month", "year"}
LICENCES = {
    "news-report": "news report of the initiative; shipped whole as the package's subject",
    "public-domain-us-government": "work of the US federal government, public domain",
    "government-document": "official government document published for public use; no licence stated",
    "government-document-fr": (
        "text of the French government (Paris Call), published for public use; no text licence stated "
        "(the EUPL-1.2 of the call's website repository covers the site's code, not the call's text)"
    ),
    "author-distribution": "the author asked for the text to be passed on as widely as possible",
    "CC-BY-SA-2.5-IN": "Creative Commons BY-SA 2.5 India, Centre for Internet and Society",
    "user-supplied": "added by a user; terms as the user states",
}
SECTORS = {"academia", "civil_society", "government", "private_sector", "technical_community", "other"}

DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")

#: controlled columns and their allowed values
CONTROLLED = {
    "group": GROUPS,
    "issuer_type": ISSUER_TYPES,
    "date_precision": DATE_PRECISIONS,
    "licence": LICENCES,
    "sector": SECTORS,
}
