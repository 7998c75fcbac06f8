"""The records of the declarations folder: groups and licences."""

from __future__ import annotations

from initiative_lib.build.sources.declarations import DECLARATIONS
from initiative_lib.corpus.schema import GROUPS, LICENCES


def test_groups_split_national_documents_from_declarations():
    groups = {d.doc_id: d.group for d in DECLARATIONS}
    assert groups == {
        "decl-paris-call-2018": "declaration",
        "decl-barlow-1996": "declaration",
        "decl-usa-intl-strategy-cyberspace-2011": "national",
        "decl-rus-infosec-doctrine-2000": "national",
    }
    assert set(groups.values()) <= set(GROUPS)


def test_paris_call_is_a_french_government_text():
    paris = next(d for d in DECLARATIONS if d.doc_id == "decl-paris-call-2018")
    assert paris.licence == "government-document-fr"
    assert "code" in LICENCES[paris.licence]
    assert "EUPL" in LICENCES[paris.licence]
    assert all(d.licence in LICENCES for d in DECLARATIONS)


def test_split_duplicates_checks_containment():
    import pytest

    from initiative_lib.build.from_mirror import BuiltDocument, split_duplicates
    from initiative_lib.errors import CorpusError

    words = " ".join(f"w{i}" for i in range(40))
    src = {"source_path": "p/147A.txt", "source_url": "u", "source_sha256": "0" * 64}
    a = BuiltDocument({"doc_id": "nm-144", "country": "USA", "language": "en"}, [words])
    b = BuiltDocument({"doc_id": "nm-147", "country": "USA", "language": "en"}, [words + " w40"], [src])
    kept, excluded = split_duplicates([a, b], {"nm-147": "nm-144"})
    assert [d.meta["doc_id"] for d in kept] == ["nm-144"]
    assert excluded == [
        {
            "source_path": "p/147A.txt",
            "source_url": "u",
            "source_sha256": "0" * 64,
            "reason": "duplicate",
            "duplicate_of": "nm-144",
            "country": "USA",
            "language": "en",
            "n_words": "41",
        }
    ]
    other = BuiltDocument({"doc_id": "nm-147"}, ["entirely different text " * 5], [src])
    with pytest.raises(CorpusError, match="shares only"):
        split_duplicates([a, other], {"nm-147": "nm-144"})
    with pytest.raises(CorpusError, match="not a built submission"):
        split_duplicates([b], {"nm-147": "nm-144"})
    # a listed duplicate absent from a partial mirror: nothing to take out
    assert split_duplicates([a], {"nm-147": "nm-144"}) == ([a], [])
