"""The maintainers' side: building ``corpus/`` from the offline mirror (readers of each source),
adding a user's document, fetching full texts, reading a folder of texts, and counting
the paragraphs of a UN General Debate folder.
"""

from __future__ import annotations

from initiative_lib.build.add import add_document, count_text, detect_encoding, read_user_text
from initiative_lib.build.fetch import FetchError, download_file, fetch_texts, read_full_text, read_sources
from initiative_lib.build.folder import check_text_bytes, read_text_folder
from initiative_lib.build.from_mirror import (
    BuiltDocument,
    MojibakeRepair,
    build_corpus,
    build_declarations,
    build_initiative,
    build_netmundial,
    build_strategies,
    build_ungdc,
    read_catalogue,
    shorten,
    write_corpus,
)
from initiative_lib.build.ungdc_paragraphs import count_texts, ungdc_paragraph_matrix

__all__ = [
    "BuiltDocument",
    "FetchError",
    "MojibakeRepair",
    "add_document",
    "build_corpus",
    "build_declarations",
    "build_initiative",
    "build_netmundial",
    "build_strategies",
    "build_ungdc",
    "check_text_bytes",
    "count_text",
    "count_texts",
    "detect_encoding",
    "download_file",
    "fetch_texts",
    "read_catalogue",
    "read_full_text",
    "read_sources",
    "read_text_folder",
    "read_user_text",
    "shorten",
    "ungdc_paragraph_matrix",
    "write_corpus",
]
