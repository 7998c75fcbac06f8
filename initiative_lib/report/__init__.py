"""Compare any document with the corpus: the study as a reusable report.

:func:`compare` (command line: ``python -m initiative_lib compare FILE --title ...``)
adds a document to a temporary copy of the corpus, runs the study's pipeline
with it as the target and writes one self-contained report folder.
"""

from __future__ import annotations

from initiative_lib.report.compare import compare, read_document
from initiative_lib.report.figures import plot_reference_ranges
from initiative_lib.report.html import render_html
from initiative_lib.report.language import check_language, english_share
from initiative_lib.report.model_cache import cached_headline_model, matrix_fingerprint, model_key
from initiative_lib.report.tables import ReportTables, framing_baseline, report_tables

__all__ = [
    "ReportTables",
    "cached_headline_model",
    "check_language",
    "compare",
    "english_share",
    "framing_baseline",
    "matrix_fingerprint",
    "model_key",
    "plot_reference_ranges",
    "read_document",
    "render_html",
    "report_tables",
]
