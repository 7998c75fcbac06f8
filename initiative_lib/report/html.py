"""Render a report as one self-contained HTML page.

The page opens offline: the figures are embedded as base64 PNG, the style
sheet is inline, and there is no script at all. It holds no timestamp, no
path of the machine and no random id, so the same input gives the same
bytes.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping

import pandas as pd

import initiative_lib
from initiative_lib.report.language import MIN_CHECK_TOKENS, MIN_ENGLISH_SHARE
from initiative_lib.report.tables import (
    CI,
    MIN_RATE_TOKENS,
    MIN_TOPIC_TOKENS,
    N_BOOT_GROUPS,
    N_BOOT_TOPICS,
    TARGET_LABEL,
    ReportTables,
)

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc;
     margin-top: 2.2rem; } h3 { font-size: 1.05rem; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-family: 'Helvetica Neue', Arial, sans-serif; font-size: 0.8rem;
        margin: 0.6rem 0 1rem; display: block; overflow-x: auto; max-width: 100%; }
th, td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #e4e4e4; text-align: right; vertical-align: top; }
th { background: #f4f4f4; } td:first-child, th:first-child { text-align: left; }
.caveats { background: #fff6e0; border-left: 4px solid #E69F00; padding: 0.5rem 1rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; width: 36rem; } figcaption { font-size: 0.85rem; color: #444; }
.note { font-size: 0.85rem; color: #444; }
code { font-size: 0.85rem; }
"""


def _table(df: pd.DataFrame, *, digits: int = 3) -> str:
    def fmt(x: float) -> str:
        return f"{x:.1e}" if 0 < abs(x) < 10**-digits else f"{x:.{digits}f}"

    return df.to_html(index=False, border=0, float_format=fmt, na_rep="", escape=True, justify="left")


#: the report's figures, and the table each is drawn from where its name differs from the figure's
FIGURES = ("keyness", "keyness-groups", "framing", "framing-windows", "topic-mix", "nearest-groups")
_FIGURE_TABLE = {"framing": "framing-profile", "framing-windows": "framing"}


def _figure(png: bytes | None, caption: str, name: str) -> str:
    if png is None:  # compare(..., figures=False)
        table = _FIGURE_TABLE.get(name, name)
        return _p(f"Figure not drawn (figures=False). {caption} Its numbers: tables/{table}.csv.", "note")
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)} Files: <code>{name}.pdf</code>, <code>{name}.png</code>, "
        f"<code>{name}.csv</code>.</figcaption></figure>"
    )


def _p(text: str, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html.escape(text)}</p>"


def render_html(tables: ReportTables, figures: Mapping[str, bytes], *, title: str, settings: Mapping[str, str]) -> str:
    """The report page of ``tables`` with the PNG ``figures`` (name -> bytes) embedded.

    Parameters
    ----------
    tables : ReportTables
    figures : mapping of str to bytes
        PNG files by figure name: all of :data:`FIGURES`, or none
        (``compare(..., figures=False)``), when each figure is replaced by a
        note naming the table it would show.
    title : str
        The document's title.
    settings : mapping of str to str
        How the report was made (shown in the last section; no paths, no times).

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    ValueError
        If ``figures`` holds some of the report's figures but not all.
    """
    if figures and sorted(figures) != sorted(FIGURES):
        msg = f"figures must hold all of {list(FIGURES)} or none; got {sorted(figures)}"
        raise ValueError(msg)
    t = tables
    n_tokens = int(str(t.notes["n_tokens"]))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Report: {html.escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        _p(
            f"Compared with the initiative_lib corpus by initiative_lib {initiative_lib.__version__}. "
            f"Every number below is also in a CSV file of this folder.",
            "sub",
        ),
        "<h2>Caveats</h2>",
        '<div class="caveats"><ul>'
        + "".join(f"<li>{html.escape(c)}</li>" for c in t.caveats or ["None of the report's checks applies."])
        + "</ul></div>",
        _p(
            f"These caveats are generated from the numbers: exact intervals for zero counts, rates under "
            f"{MIN_RATE_TOKENS:,} tokens, topic mixes from fewer than {MIN_TOPIC_TOKENS:,} modelled tokens, groups "
            "without documents long enough for a length-matched baseline.",
            "note",
        ),
        "<h2>1. Profile</h2>",
        _table(t.profile),
        "<h3>Most frequent content words</h3>",
        _table(t.terms.head(15), digits=2),
        "<h3>Two-word phrases</h3>",
        _p(
            "Phrases of the document whose two words are content words, with their count here and their "
            "collocation strength (G2, PMI) in the whole corpus.",
            "note",
        ),
        _table(t.phrases.head(12), digits=2),
        "<h2>2. Keyness</h2>",
        _p(
            "Log-likelihood (G2, signed: positive = more frequent in this document) of each content word against "
            "every other document, then against each group. 'bonferroni' marks |G2| above the threshold for "
            f"p < 0.05 corrected for the number of terms ({float(str(t.notes['keyness_threshold'])):.1f} against "
            "all documents). Tokens are not independent, so even this is lenient for a short text.",
            "note",
        ),
        _table(
            t.keyness[
                [
                    "term",
                    "target_count",
                    "reference_count",
                    "target_rate",
                    "reference_rate",
                    "g2",
                    "log_ratio",
                    "p_value",
                    "bonferroni",
                ]
            ].head(15)
        ),
        _figure(figures.get("keyness"), "Keyness against all other documents.", "keyness"),
        _table(
            t.keyness_groups.groupby("reference", sort=False).head(6)[
                ["reference", "term", "target_count", "reference_count", "g2", "log_ratio", "p_value", "bonferroni"]
            ]
        ),
        _figure(figures.get("keyness-groups"), "Keyness against each group.", "keyness-groups"),
        "<h2>3. Framing</h2>",
        _p(
            "Matches of the framing lexicon per 1,000 tokens. This document: exact Poisson (Garwood) "
            f"{CI:.0%} intervals. Groups: mean document rate with a {N_BOOT_GROUPS:,}-resample bootstrap interval. "
            "Windows: the middle 95% of the rates of excerpts of each group as long as this document "
            "(runs of consecutive segments, methods.length_matched_baseline); 'window_percentile' is where this "
            "document's rate falls among them.",
            "note",
        ),
        _figure(figures.get("framing"), "Framing rates: this document and each group.", "framing"),
        _table(t.framing, digits=2),
        _figure(
            figures.get("framing-windows"),
            "This document's rates against the length-matched windows of each group.",
            "framing-windows",
        ),
        "<h2>4. Topics</h2>",
        _p(
            f"The study's headline topic model (LDA, K = {t.topic_mix.shape[1]}), fitted to the comparison corpus "
            "without this document (fitted once and cached by content); the document's mix is inferred with the "
            "fitted topics. "
            f"Intervals: {N_BOOT_TOPICS:,} bootstrap resamples of the document's segments. "
            f"The model keeps {t.notes['n_kept_topic_tokens']:,} of the document's {n_tokens:,} tokens.",
            "note",
        ),
        _table(t.topic_shares),
        _figure(figures.get("topic-mix"), "Inferred topic mix against each group's mean.", "topic-mix"),
        "<h3>Jensen-Shannon distance to each group's mean mix</h3>",
        _table(t.topic_distances),
        "<h2>5. Nearest groups and documents</h2>",
        _p(
            "Cosine similarity of sublinear TF-IDF vectors of content words. Groups are pooled. The windows are "
            "excerpts of each group with exactly as many content words as this document, compared with the rest "
            "of their group (their own document left out): a short text is less similar to anything than a long "
            "one, and this is the baseline for its length.",
            "note",
        ),
        _table(t.nearest_groups),
        _figure(
            figures.get("nearest-groups"), "Similarity to each group against length-matched windows.", "nearest-groups"
        ),
        _table(t.nearest_documents),
        "<h2>6. Passage alignment</h2>",
        _p(
            "For each segment of this document, the two most similar segments of each group (TF-IDF cosine of "
            "content words) and the words they share. The comparison documents ship as counts; their text is "
            "shown only if you fetched the sources (python -m initiative_lib corpus fetch).",
            "note",
        ),
        _table(t.passages),
        "<h2>7. How this report was made</h2>",
        _p(
            f"Language check: at least {MIN_ENGLISH_SHARE:.0%} of the tokens must be English function words "
            f"(texts of {MIN_CHECK_TOKENS} tokens or more); the measures are English only. "
            f"Document label in group tables: '{TARGET_LABEL}'.",
            "note",
        ),
        "<table>"
        + "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in settings.items())
        + "</table>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
