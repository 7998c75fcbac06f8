"""Tests for :mod:`initiative_lib.build.sources.netmundial`.

Every form below is invented for the tests; no text of the mirror is used.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from helpers import MIRROR as CORPORA

from initiative_lib.build.sources.netmundial import (
    AREAS,
    FIELD_NAMES,
    REGIONS,
    SECTORS,
    Submission,
    normalise_area,
    normalise_keywords,
    normalise_region,
    normalise_sector,
    parse_form,
    read_submission,
    submission_ids,
)

MIRROR = CORPORA / "netmundial" / "all_contributions"


def utf8(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def form(**override: str) -> str:
    """An invented web form; ``override`` replaces whole header lines by label."""
    lines = {
        "title": "Invented Principles for a\r\nPretend Meeting",
        "area": "Area: SET OF INTERNET GOVERNANCE PRINCIPLES",
        "entitled": "Entitled by: Jo Example",
        "region": "Region: Chile",
        "organization": "Organization: Example Federation",
        "sector": "Sector: Academia",
        "keywords": "Keywords: apples, pears",
    }
    lines.update(override)
    head = "\r\n".join(v for v in lines.values() if v)
    return head + "\r\nAbstract\r\nA short invented summary.\r\nDocument\r\nFirst line.\r\n"


# ---------------------------------------------------------------- parse_form


def test_parse_form_fields_and_body() -> None:
    fields, body = parse_form(form(), source="900A.txt")
    assert tuple(fields) == FIELD_NAMES
    assert fields == {
        "title": "Invented Principles for a Pretend Meeting",
        "area": "principles",
        "area_raw": "SET OF INTERNET GOVERNANCE PRINCIPLES",
        "submitted_by": "Jo Example",
        "region": "latin_america_caribbean",
        "region_raw": "Chile",
        "country": "CHL",
        "organization": "Example Federation",
        "sector": "academia",
        "keywords": "apples; pears",
    }
    assert body == "A short invented summary.\nFirst line."


def test_wrapped_title_and_glued_area_label() -> None:
    text = form(
        title="An Invented Title That\r\nRuns Over Two Lines",
        area="AND THEN SOME MOREArea: COMBINED INTERNET GOVERNANCE PRINCIPLES AND \r\nROADMAP",
    )
    fields, _ = parse_form(text, source="901A.txt")
    assert fields["title"] == "An Invented Title That Runs Over Two Lines AND THEN SOME MORE"
    assert fields["area"] == "principles_and_roadmap"
    assert fields["area_raw"] == "COMBINED INTERNET GOVERNANCE PRINCIPLES AND ROADMAP"


def test_wrapped_keywords_and_organization() -> None:
    text = form(
        organization="Organization: The Invented Society for\r\nMade-Up Studies",
        keywords="Keywords: Zebra; Yak, zebra,\r\nwalrus;  YAK ; vole-\r\nmouse",
    )
    fields, _ = parse_form(text, source="902A.txt")
    assert fields["organization"] == "The Invented Society for Made-Up Studies"
    assert fields["keywords"] == "zebra; yak; walrus; vole-mouse"


def test_empty_keywords_is_none() -> None:
    fields, _ = parse_form(form(keywords="Keywords:   "), source="903A.txt")
    assert fields["keywords"] is None


def test_trailing_spaces_and_case_variants() -> None:
    text = form(
        area="Area: roadmap for the further evolution of the internet \r\nGovernance Ecosystem  ",
        region="Region:   KENYA, Africa   ",
        sector="Sector: TECHNICAL   community ",
        entitled="Entitled by:  Jo   Example  ",
    )
    fields, _ = parse_form(text, source="904A.txt")
    assert fields["area"] == "roadmap"
    assert (fields["region"], fields["country"]) == ("africa", "KEN")
    assert fields["region_raw"] == "KENYA, Africa"
    assert fields["sector"] == "technical_community"
    assert fields["submitted_by"] == "Jo Example"


def test_body_drops_form_lines_but_keeps_structure() -> None:
    text = (
        "Invented Title\nArea: SET OF INTERNET GOVERNANCE PRINCIPLES\n"
        "Entitled by: Jo\nRegion: Global\nOrganization: Org\nSector: Other\n"
        "Keywords: one\n"
        "Doc Attached: Click here to see the doc 1\n"
        "Doc Attached: Click here to see the doc 2Abstract\n"
        "\n"
        "Summary line one,\n  indented line two.\n"
        "Document\n"
        "\n"
        "Body paragraph.\n"
        "See the attached PDF document above for the full story.\n"
        "Document\n"
        "A heading that happens to be the word above.\n\n"
    )
    fields, body = parse_form(text, source="905A.txt")
    assert (fields["region"], fields["country"]) == ("global", None)
    assert body == (
        "Summary line one,\n  indented line two.\n\nBody paragraph.\n"
        "Document\nA heading that happens to be the word above."
    )


def test_missing_field_error_names_source_and_field() -> None:
    with pytest.raises(ValueError, match=r"906A\.txt.*'Region'.*missing field"):
        parse_form(form(region=""), source="906A.txt")


def test_missing_area_error() -> None:
    with pytest.raises(ValueError, match=r"907A\.txt.*'Area'.*missing"):
        parse_form(form(area=""), source="907A.txt")


def test_empty_required_value_error() -> None:
    with pytest.raises(ValueError, match=r"908A\.txt.*'Organization'.*empty"):
        parse_form(form(organization="Organization:  "), source="908A.txt")


def test_missing_abstract_label_error() -> None:
    text = form().split("\r\nAbstract")[0]
    with pytest.raises(ValueError, match=r"909A\.txt.*Abstract"):
        parse_form(text, source="909A.txt")


def test_unknown_sector_error_message() -> None:
    with pytest.raises(ValueError, match="unknown sector") as info:
        parse_form(form(sector="Sector: Wizards"), source="910A.txt")
    msg = str(info.value)
    assert "910A.txt" in msg
    assert "'Sector'" in msg
    assert "'Wizards'" in msg
    assert "expected one of" in msg
    assert "'civil society'" in msg


def test_unknown_area_error_message() -> None:
    with pytest.raises(ValueError, match="unknown area") as info:
        parse_form(form(area="Area: SOMETHING ELSE"), source="911A.txt")
    msg = str(info.value)
    assert "911A.txt" in msg
    assert "'Area'" in msg
    assert "'SOMETHING ELSE'" in msg
    assert "set of internet governance principles" in msg


def test_unknown_region_error_message() -> None:
    with pytest.raises(ValueError, match="unknown value") as info:
        parse_form(form(region="Region: Atlantis"), source="912A.txt")
    msg = str(info.value)
    assert "912A.txt" in msg
    assert "'Region'" in msg
    assert "'Atlantis'" in msg
    assert "expected" in msg


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Academia", "academia"),
        ("civil society ", "civil_society"),
        ("GOVERNMENT", "government"),
        ("Private  Sector", "private_sector"),
        ("Technical community", "technical_community"),
        ("other", "other"),
    ],
)
def test_normalise_sector(raw: str, expected: str) -> None:
    assert normalise_sector(raw, source="x") == expected
    assert expected in SECTORS


def test_normalise_area_values() -> None:
    assert normalise_area("Set of Internet Governance Principles", source="x") == "principles"
    assert set(AREAS) == {"principles", "roadmap", "principles_and_roadmap"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Global", ("global", None)),
        ("germany", ("europe", "DEU")),
        ("UK", ("europe", "GBR")),
        ("US", ("north_america", "USA")),
        ("United States of America", ("north_america", "USA")),
        ("Côte d'Ivoire", ("africa", "CIV")),
        ("Geneva, Switzerland", ("europe", "CHE")),
        ("New York, USA", ("north_america", "USA")),
        ("Japan/Asia Pacific", ("asia_pacific", "JPN")),
        ("Trinidad and Tobago", ("latin_america_caribbean", "TTO")),
        ("Latin America", ("latin_america_caribbean", None)),
        ("Peru and Chile", ("latin_america_caribbean", None)),
        ("Canada / Spain", ("multi_region", None)),
        ("Europe, Middle East", ("multi_region", None)),
        ("Other", ("unspecified", None)),
    ],
)
def test_normalise_region(raw: str, expected: tuple[str, str | None]) -> None:
    assert normalise_region(raw, source="x") == expected
    assert expected[0] in REGIONS


def test_region_country_contradicting_its_region_fails() -> None:
    with pytest.raises(ValueError, match=r"x.*'Region'.*'Chile, Europe'"):
        normalise_region("Chile, Europe", source="x")


def test_normalise_keywords() -> None:
    assert normalise_keywords("Key words: A, b; a ,B;c") == "a; b; c"
    assert normalise_keywords(" ; , ") is None
    assert normalise_keywords(None) is None


# ---------------------------------------------------------------- files


def test_submission_ids(tmp_path: Path) -> None:
    for name in ("003B.txt", "001A.txt", "001B.txt", "README.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert submission_ids(tmp_path) == ["001", "003"]


@pytest.mark.parametrize("name", ["01A.txt", "001C.txt", "001a.txt", "001A.md", "notes.txt"])
def test_submission_ids_bad_file_name(tmp_path: Path, name: str) -> None:
    (tmp_path / "001A.txt").write_text("x", encoding="utf-8")
    (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{name}.*expected 'NNNA\.txt'"):
        submission_ids(tmp_path)


def test_read_submission_parts(tmp_path: Path) -> None:
    (tmp_path / "042A.txt").write_bytes(form().encode("utf-8"))
    (tmp_path / "042B.txt").write_bytes(b"Attached invented text.\r\nSecond line.\r\n")
    sub = read_submission(tmp_path, "042", decode=utf8)
    assert isinstance(sub, Submission)
    assert sub.number == "042"
    assert sub.fields["sector"] == "academia"
    assert sub.parts == (
        ("042A.txt", "A short invented summary.\nFirst line."),
        ("042B.txt", "Attached invented text.\r\nSecond line.\r\n"),
    )


def test_read_submission_without_b(tmp_path: Path) -> None:
    (tmp_path / "043A.txt").write_bytes(form().encode("utf-8"))
    sub = read_submission(tmp_path, "043", decode=utf8)
    assert [name for name, _ in sub.parts] == ["043A.txt"]


def test_read_submission_without_a_fails(tmp_path: Path) -> None:
    (tmp_path / "044B.txt").write_bytes(b"Only an attachment.")
    with pytest.raises(ValueError, match=r"044A\.txt.*missing web form"):
        read_submission(tmp_path, "044", decode=utf8)


def test_read_submission_bad_number(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="three digits"):
        read_submission(tmp_path, "44", decode=utf8)


def test_read_submission_replacement_characters(tmp_path: Path) -> None:
    text = form(entitled="Entitled by: Jo\xe9 Example").encode("latin-1")
    (tmp_path / "045A.txt").write_bytes(text)
    sub = read_submission(tmp_path, "045", decode=utf8)
    assert sub.fields["submitted_by"] == "Jo\ufffd Example"


# ---------------------------------------------------------------- mirror


@pytest.mark.mirror
@pytest.mark.skipif(not CORPORA.exists(), reason="offline mirror not present")
def test_mirror() -> None:
    ids = submission_ids(MIRROR)
    # SOURCES.md says 180 submissions in 359 files; the folder holds 179
    # submissions (358 .txt files) plus the compiler's README.md.
    assert len(ids) == 179
    assert ids[0] == "001"
    assert ids[-1] == "187"
    missing = [f"{i:03d}" for i in range(1, 188) if f"{i:03d}" not in ids]
    assert missing == ["010", "038", "043", "067", "073", "078", "139", "152"]
    subs = [read_submission(MIRROR, n, decode=utf8) for n in ids]
    assert all(len(s.parts) == 2 for s in subs)
    assert all(s.fields["sector"] in SECTORS for s in subs)
    assert all(s.fields["area"] in AREAS for s in subs)
    assert all(s.fields["region"] in REGIONS for s in subs)
    assert Counter(s.fields["sector"] for s in subs) == {
        "academia": 19,
        "civil_society": 55,
        "government": 27,
        "other": 20,
        "private_sector": 42,
        "technical_community": 16,
    }
    assert Counter(s.fields["area"] for s in subs) == {
        "principles": 60,
        "principles_and_roadmap": 77,
        "roadmap": 42,
    }
    assert Counter(s.fields["region"] for s in subs) == {
        "africa": 18,
        "asia_pacific": 17,
        "europe": 42,
        "global": 20,
        "latin_america_caribbean": 31,
        "middle_east": 5,
        "multi_region": 11,
        "north_america": 31,
        "unspecified": 4,
    }
    assert sum(s.fields["country"] is not None for s in subs) == 133
    labels = ("Area:", "Entitled by:", "Region:", "Organization:", "Sector:", "Keywords:", "Doc Attached:")
    for s in subs:
        body = s.parts[0][1]
        assert body, s.number
        first = body.splitlines()[0].strip()
        assert first not in {"Abstract", "Document"}, s.number
        assert not first.startswith(labels), s.number
        assert all(s.fields[k] for k in ("title", "submitted_by", "organization")), s.number
