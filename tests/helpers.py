"""Test helpers: where the mirror is, and a tiny corpus written by the build's own writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from initiative_lib.build.from_mirror import BuiltDocument, write_corpus

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "corpora"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"offline mirror {MIRROR} not present")

# invented texts: the tests never carry third-party text
TEXT_A = (
    "Open networks help every community.\n\n"
    "We call for a secure, open and peaceful cyberspace in which human rights apply online as offline. "
    "States should cooperate on capacity building and respect international law in all they do.\n\n"
    "A second paragraph speaks of the digital economy, of trade across borders, and of development "
    "that reaches every region, so that the digital divide narrows year by year for all people.\n"
)
TEXT_B = (
    "Sovereignty in cyberspace means each state governs its own networks. Security threats grow, "
    "and critical infrastructure needs protection by national agencies working together with partners."
)


def _meta(doc_id: str, group: str, **extra: str) -> dict[str, str]:
    meta = {
        "doc_id": doc_id,
        "group": group,
        "title": f"Title of {doc_id}",
        "issuer": "An issuer",
        "issuer_type": "government",
        "country": "FRA",
        "date": "2015-06-01",
        "date_precision": "day",
        "language": "en",
        "licence": "government-document",
    }
    meta.update(extra)
    return meta


def write_tiny_corpus(root: Path) -> Path:
    """Write a three-document corpus: one text document, two feature documents."""
    from initiative_lib.corpus.load import text_segments

    docs = [
        BuiltDocument(
            _meta("tiny-text", "initiative", text_file="texts/tiny-text.txt", country="CHN"),
            text_segments(TEXT_A),
            text=TEXT_A,
        ),
        BuiltDocument(_meta("tiny-feat-a", "strategy"), text_segments(TEXT_A)),
        BuiltDocument(_meta("tiny-feat-b", "strategy", country=""), text_segments(TEXT_B)),
    ]
    write_corpus(docs, [], root)
    return root
