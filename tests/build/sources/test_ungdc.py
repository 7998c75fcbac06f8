"""Tests for :mod:`initiative_lib.build.sources.ungdc`.

Every speech below is invented for the tests; no text of the mirror is used.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

import pycountry
import pytest
from helpers import MIRROR as CORPORA
from hypothesis import given, settings
from hypothesis import strategies as st

import initiative_lib.build.sources.ungdc as ungdc_source
from initiative_lib.build.sources.ungdc import (
    CYBER_PATTERNS,
    KNOWN_MISNAMED,
    NONSTANDARD_CODES,
    UN_REGIONS,
    Country,
    SpeechKey,
    cyber_paragraph_counts,
    cyber_patterns,
    is_cyber_paragraph,
    iter_speeches,
    parse_speech_path,
    resolve_country,
    speech_paragraphs,
    speech_paths,
)
from initiative_lib.errors import CorpusError
from initiative_lib.text.segments import blocks

MIRROR = CORPORA / "ungdc"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"UNGDC mirror {MIRROR} not present")

LONG = "x" * 130  # a line long enough to make a file "one paragraph per line"

# invented speeches, one paragraph per line (as in the 1970s files)
SPEECH_1970 = (
    f"Mr. President, we greet the Assembly on this occasion. {LONG}.\r\n"
    f"Our people want peace, bread and schools for every child. {LONG}.\r\n"
)
SPEECH_USA = (
    f"The world has changed since we last met here in this hall. {LONG}.\n"
    f"Cyberspace must stay open, and the Internet must be secure for all. {LONG}.\n"
    f"Our farmers grow more food than ever before in our history. {LONG}.\n"
)
SPEECH_EU = f"The Union supports the Organization in all its work. {LONG}.\n"


def write_speech(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


@pytest.fixture
def ungdc(tmp_path: Path) -> Path:
    root = tmp_path / "ungdc"
    write_speech(root, "25-1970/YDYE_25_1970.txt", SPEECH_1970)
    write_speech(root, "73-2018/USA_73_2018.txt", SPEECH_USA)
    write_speech(root, "73-2018/EU_73_2018.txt", SPEECH_EU)
    write_speech(root, "45-1990/CSK_45_1990.txt", SPEECH_1970)
    return root


# ---------------------------------------------------------------- parse_speech_path


def test_parse_speech_path(tmp_path: Path) -> None:
    key = parse_speech_path(tmp_path / "73-2018" / "USA_73_2018.txt", root=tmp_path)
    assert key == SpeechKey("USA", 73, 2018)
    assert key.doc_id == "ungdc-USA-73-2018"
    assert parse_speech_path(tmp_path / "25-1970" / "YDYE_25_1970.txt", root=tmp_path).country_code == "YDYE"
    assert parse_speech_path(tmp_path / "66-2011" / "EU_66_2011.txt", root=tmp_path) == SpeechKey("EU", 66, 2011)


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("73_2018/USA_73_2018.txt", r"folder '73_2018' does not fit; expected NN-YYYY"),
        ("2018/USA_73_2018.txt", r"folder '2018' does not fit"),
        ("73-2018/usa_73_2018.txt", r"file name 'usa_73_2018.txt' does not fit; expected CODE_NN_YYYY.txt"),
        ("73-2018/USA_73_2018.TXT", r"file name 'USA_73_2018.TXT' does not fit"),
        ("73-2018/USA_73_2018.md", r"does not fit"),
        ("73-2018/USA-73-2018.txt", r"does not fit"),
        ("73-2017/USA_73_2017.txt", r"session 73 and year 2017 disagree; expected year 2018"),
        ("72-2017/USA_73_2018.txt", r"session 73 in the file name disagrees with the folder '72-2017'"),
        ("73-2018/USA_72_2017.txt", r"disagrees with the folder '73-2018'.*USA_73_2018.txt"),
        ("README.md", r"'README.md' has 1 part\(s\); expected NN-YYYY/CODE_NN_YYYY.txt"),
        ("73-2018/extra/USA_73_2018.txt", r"has 3 part\(s\)"),
    ],
)
def test_parse_speech_path_rejects(tmp_path: Path, rel: str, expected: str) -> None:
    path = tmp_path / rel
    with pytest.raises(CorpusError, match=expected) as err:
        parse_speech_path(path, root=tmp_path)
    assert str(err.value).startswith(str(path))


def test_parse_speech_path_outside_root(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not inside the corpus folder"):
        parse_speech_path("/elsewhere/73-2018/USA_73_2018.txt", root=tmp_path)


def test_known_misnamed_file_is_corrected(tmp_path: Path) -> None:
    (rel, key), *_ = KNOWN_MISNAMED.items()
    assert parse_speech_path(tmp_path / rel, root=tmp_path) == key
    assert key.year == key.session + 1945


# ---------------------------------------------------------------- countries and regions


def test_resolve_country() -> None:
    assert resolve_country("FRA") == Country("FRA", "France", "Europe", "Western Europe", "")
    assert resolve_country("KOR").name == "South Korea"  # pycountry's common name
    assert resolve_country("GHA") == Country("GHA", "Ghana", "Africa", "Sub-Saharan Africa", "Western Africa")
    assert resolve_country("EU") == Country("EU", "European Union", "Europe", "", "")
    assert resolve_country("CSK").subregion == "Eastern Europe"
    assert resolve_country("DDR").subregion == "Western Europe"
    assert resolve_country("YUG").subregion == "Southern Europe"


@pytest.mark.parametrize(
    ("code", "lack"),
    [("XYZ", "no name"), ("SUN", "no name"), ("GUF", "no row in un_regions.csv"), ("usa", "no name")],
)
def test_resolve_country_unknown(code: str, lack: str) -> None:
    with pytest.raises(CorpusError, match=rf"^some/file.txt: country code '{code}' is unknown: it has {lack}"):
        resolve_country(code, file="some/file.txt")


def test_regions_table_is_consistent() -> None:
    with UN_REGIONS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = [r["iso3"] for r in rows]
    assert len(codes) == len(set(codes)) == 200
    assert set(NONSTANDARD_CODES) <= set(codes)
    assert {r["region"] for r in rows} == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    for r in rows:
        country = resolve_country(r["iso3"])
        assert country.region == r["region"]
        if r["iso3"] not in NONSTANDARD_CODES:
            assert pycountry.countries.get(alpha_3=r["iso3"]) is not None, r["iso3"]
        # the intermediate level exists only under Sub-Saharan Africa and Latin America
        if r["intermediate_region"]:
            assert r["subregion"] in {"Sub-Saharan Africa", "Latin America and the Caribbean"}


# ---------------------------------------------------------------- folder reading


def test_speech_paths_order_and_sessions(ungdc: Path) -> None:
    keys = [key.doc_id for _, key, _ in speech_paths(ungdc)]
    assert keys == ["ungdc-YDYE-25-1970", "ungdc-CSK-45-1990", "ungdc-EU-73-2018", "ungdc-USA-73-2018"]
    assert [k.doc_id for _, k, _ in speech_paths(ungdc, sessions=[73])] == keys[2:]


def test_iter_speeches(ungdc: Path) -> None:
    speeches = list(iter_speeches(ungdc, progress=False))
    assert [(s.doc_id, s.country_name, s.region, s.subregion) for s in speeches] == [
        ("ungdc-YDYE-25-1970", "Democratic Yemen", "Asia", "Western Asia"),
        ("ungdc-CSK-45-1990", "Czechoslovakia", "Europe", "Eastern Europe"),
        ("ungdc-EU-73-2018", "European Union", "Europe", ""),
        ("ungdc-USA-73-2018", "United States", "Americas", "Northern America"),
    ]
    first = speeches[0]
    assert first.key == SpeechKey("YDYE", 25, 1970)
    assert first.text == SPEECH_1970.replace("\r\n", "\n")
    assert first.cleaning.crlf == 2


def test_iter_speeches_is_lazy_but_checks_first(ungdc: Path) -> None:
    it = iter_speeches(ungdc, progress=False)
    assert next(it).doc_id == "ungdc-YDYE-25-1970"
    write_speech(ungdc, "73-2018/FRA_72_2018.txt", "Invented.")
    with pytest.raises(CorpusError, match=r"FRA_72_2018\.txt: session 72 and year 2018 disagree"):
        iter_speeches(ungdc)  # raises on the call, before any text is read


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("73-2018/XYZ_73_2018.txt", r"XYZ_73_2018.txt: country code 'XYZ' is unknown"),
        ("73-2018/notes.md", r"notes.md: file name 'notes.md' does not fit"),
        ("README.md", r"README.md: path 'README.md' has 1 part"),
        ("73_2018/FRA_73_2018.txt", r"folder '73_2018' does not fit"),
        ("73-2018/FRA_73_2017.txt", r"session 73 and year 2017 disagree"),
    ],
)
def test_bad_files_stop_the_read(ungdc: Path, rel: str, expected: str) -> None:
    write_speech(ungdc, rel, "An invented stray file.")
    with pytest.raises(CorpusError, match=expected):
        speech_paths(ungdc)


def test_nested_folder_and_empty_folder(tmp_path: Path, ungdc: Path) -> None:
    (ungdc / "73-2018" / "old").mkdir()
    with pytest.raises(CorpusError, match="old: a folder inside a session folder"):
        speech_paths(ungdc)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no speech files"):
        speech_paths(tmp_path / "empty")
    with pytest.raises(CorpusError, match="UNGDC folder not found"):
        speech_paths(tmp_path / "missing")


def test_progress(ungdc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    list(iter_speeches(ungdc, progress=True))
    err = capsys.readouterr().err  # a tqdm bar, whose width and rate depend on the terminal and the clock
    assert "ungdc: 100%" in err
    assert "4/4" in err
    list(iter_speeches(ungdc, progress=None))  # stderr is not a terminal under pytest
    list(iter_speeches(ungdc, progress=False))
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        iter_speeches(ungdc, progress="yes")  # type: ignore[arg-type]


# ---------------------------------------------------------------- paragraphs


def test_paragraphs_one_per_line() -> None:
    text = f"First paragraph. {LONG}.\nA heading without a stop\nSecond paragraph. {LONG}!\n\n"
    assert speech_paragraphs(text) == [
        f"First paragraph. {LONG}.",
        f"A heading without a stop Second paragraph. {LONG}!",
    ]
    assert blocks(text) == [text.replace("\n", " ").strip()]  # why blank-line blocks do not do


def test_paragraphs_hard_wrapped() -> None:
    lines = [
        "We open the session with words that run on and on",  # 51 characters: full width
        "until the line ends here.",  # short and ends a sentence: paragraph ends
        "A second paragraph runs over a page break where the",
        "",  # page break inside a sentence: no paragraph end
        "text goes on after the page number was removed by",
        "cleaning and ends right here at the full width now.",  # full width, before a blank: ends
        "",
        "A third (“quoted”) paragraph ends.”",
        "Last words",  # no full stop, end of text
    ]
    assert speech_paragraphs("\n".join(lines)) == [
        " ".join(lines[0:2]),
        " ".join([*lines[2:3], *lines[4:6]]),
        lines[7],
        lines[8],
    ]


def test_paragraphs_empty() -> None:
    assert speech_paragraphs("") == []
    assert speech_paragraphs("\n \n\t\n") == []


# ---------------------------------------------------------------- the cyber rule


@pytest.mark.parametrize(
    ("text", "patterns"),
    [
        ("We must protect cyberspace from attack.", ["cyber"]),
        ("Cybercrime and cyber-attacks know no borders.", ["cyber"]),
        ("Cyber security is everyone's task.", ["cyber"]),
        ("Access to the internet is a human right.", ["internet"]),
        ("ICTs drive growth; ICT skills matter.", ["ict"]),
        ("Information and communication technologies connect villages.", ["ict_spelled"]),
        ("information and communications technology", ["ict_spelled"]),
        ("Information and telecommunication technologies", ["ict_spelled"]),
        ("Information communication technology (ICT) hubs", ["ict", "ict_spelled"]),
        ("Information technology has changed our economy.", ["information_technology"]),
        ("International information security needs rules.", ["information_security"]),
        ("We must bridge the digital divide.", ["digital"]),
        ("The Digital economy grows.", ["digital"]),
        ("The Internet and\ncyberspace", ["cyber", "internet"]),
    ],
)
def test_cyber_positives(text: str, patterns: list[str]) -> None:
    assert cyber_patterns(text) == patterns
    assert is_cyber_paragraph(text)


@pytest.mark.parametrize(
    "text",
    [
        "The ICTY and the ICTR tried war criminals.",
        "Cybernetics was taught at the new university.",
        "A cybernetic approach to planning.",
        "A new world information and communication order is needed for the press.",
        "We exchanged information on security matters.",
        "Information, security and trust.",
        "Computers and telecommunications satellites serve development.",
        "The international community must act.",
        "Digitalis is a plant.",
        "ict in lower case is not the acronym",
        "Strict rules on fishing.",
    ],
)
def test_cyber_negatives(text: str) -> None:
    assert cyber_patterns(text) == []
    assert not is_cyber_paragraph(text)


def test_cyber_patterns_table() -> None:
    assert list(CYBER_PATTERNS) == [
        "cyber",
        "internet",
        "ict",
        "ict_spelled",
        "information_technology",
        "information_security",
        "digital",
    ]


def test_cyber_literals_cover_every_case_insensitive_letter() -> None:
    """Every character that re.IGNORECASE matches to a letter of the literals lower-cases to it after the extras."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    for letter in sorted(set("".join(ungdc_source._CYBER_LITERALS))):
        for ch in re.findall(letter, every, re.IGNORECASE):
            assert ungdc_source._IGNORECASE_EXTRA.get(ch, ch).lower() == letter, (letter, hex(ord(ch)))
    # and every pattern needs one of the literals ("ICT" apart)
    for name, pattern in CYBER_PATTERNS.items():
        needs = "ICT" if name == "ict" else next(w for w in ungdc_source._CYBER_LITERALS if w in pattern.pattern)
        assert needs in pattern.pattern


_CYBERISH = st.text(
    st.sampled_from(list("cyberintoaCYBERINTOdgl TCIs-\n.\u0130\u0131\u017f\u00e9")), max_size=40
) | st.sampled_from(["\u0130nternet", "\u0131nformation technology", "ICTs", "CYBER", "DigitaL", "ICTY"])


@given(st.lists(_CYBERISH, max_size=4).map(" ".join))
@settings(max_examples=300, deadline=None)
def test_may_be_cyber_is_never_wrong_to_say_no(text: str) -> None:
    if cyber_patterns(text):
        assert ungdc_source._may_be_cyber(text)


def test_fast_paragraphs_equal_the_plain_rule(ungdc: Path) -> None:
    """The default split (fast path) gives the records of the same rule run through a plain callable."""
    fast = list(cyber_paragraph_counts(ungdc, progress=False))
    plain = list(cyber_paragraph_counts(ungdc, progress=False, split=lambda text: speech_paragraphs(text)))
    assert fast == plain


# ---------------------------------------------------------------- cyber paragraph counts


def test_cyber_paragraph_counts(ungdc: Path) -> None:
    records = list(cyber_paragraph_counts(ungdc, progress=False))
    assert [(r["kind"], r["doc_id"]) for r in records] == [
        ("speech", "ungdc-YDYE-25-1970"),
        ("speech", "ungdc-CSK-45-1990"),
        ("speech", "ungdc-EU-73-2018"),
        ("paragraph", "ungdc-USA-73-2018"),
        ("speech", "ungdc-USA-73-2018"),
    ]
    para, speech = records[3], records[4]
    meta = {
        "doc_id": "ungdc-USA-73-2018",
        "country_code": "USA",
        "country": "United States",
        "region": "Americas",
        "subregion": "Northern America",
        "year": 2018,
        "session": 73,
    }
    assert {k: para[k] for k in meta} == meta
    assert {k: speech[k] for k in meta} == meta
    assert para["paragraph"] == 2
    assert para["patterns"] == "cyber;internet"
    assert para["n_tokens"] == 13
    assert para["unigrams"]["cyberspace"] == 1
    assert para["unigrams"]["must"] == 2
    assert para["bigrams"]["the internet"] == 1
    assert "text" not in para
    assert sum(para["unigrams"].values()) == para["n_tokens"]
    assert speech == {
        "kind": "speech",
        **meta,
        "n_paragraphs": 3,
        "n_cyber_paragraphs": 1,
        "n_tokens": 13 + 13 + 12,
        "n_cyber_tokens": 13,
    }
    assert list(cyber_paragraph_counts(ungdc, sessions=[25])) == [records[0]]


def test_cyber_paragraph_counts_by_blocks(ungdc: Path) -> None:
    records = list(cyber_paragraph_counts(ungdc, sessions=[73], split=blocks))
    usa = records[-1]
    assert (usa["n_paragraphs"], usa["n_cyber_paragraphs"]) == (1, 1)  # one block: the whole speech


# ---------------------------------------------------------------- the mirror


@needs_mirror
def test_every_mirror_file_parses_and_resolves() -> None:
    plan = speech_paths(MIRROR)
    assert len(plan) == 8093
    codes = Counter(key.country_code for _, key, _ in plan)
    assert len(codes) == 200
    nonstandard = {c: n for c, n in codes.items() if pycountry.countries.get(alpha_3=c) is None}
    assert nonstandard == {"CSK": 22, "DDR": 18, "EU": 8, "YDYE": 19, "YUG": 27}
    assert set(nonstandard) == set(NONSTANDARD_CODES)
    sessions = Counter(key.session for _, key, _ in plan)
    assert sorted(sessions) == list(range(25, 74))
    assert all(key.year == key.session + 1945 for _, key, _ in plan)
    assert len({key for _, key, _ in plan}) == 8093  # one speech per country and session
    for rel, key in KNOWN_MISNAMED.items():
        assert (MIRROR / rel).is_file()
        assert f"{key.session}-{key.year}" == rel.split("/")[0]


@needs_mirror
def test_mirror_one_session() -> None:
    speeches = list(iter_speeches(MIRROR, sessions=[25], progress=False))
    assert len(speeches) == len(list((MIRROR / "25-1970").iterdir())) == 70
    assert all(s.key.year == 1970 and s.region and s.text.strip() for s in speeches)
    assert [s.doc_id for s in speeches] == sorted(s.doc_id for s in speeches)
    for speech in speeches:
        paragraphs = speech_paragraphs(speech.text)
        assert len(paragraphs) > 3, speech.doc_id  # one paragraph per line in 1970
