"""The language check: exact small cases, a property, and each refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from initiative_lib.errors import CorpusError
from initiative_lib.report.language import (
    ENGLISH_FUNCTION_WORDS,
    MIN_CHECK_TOKENS,
    MIN_ENGLISH_SHARE,
    check_language,
    english_share,
)
from initiative_lib.study import target_text

# invented sentences, one per language
ENGLISH = "States should cooperate to keep the Internet open, and they must respect the rights of users. " * 3
FRENCH = "Les États doivent coopérer pour garder un Internet ouvert et respecter les droits des utilisateurs. " * 3
GERMAN = "Die Staaten sollen zusammenarbeiten, damit das Internet offen bleibt und die Rechte geachtet werden. " * 3
SPANISH = "Los Estados deben cooperar para mantener una Internet abierta y respetar los derechos de todos. " * 3
CHINESE = "各国应当合作，保持互联网开放，尊重用户的权利。" * 10


def test_english_share_exact():
    assert english_share("the cat and the dog") == (0.6, 5)
    assert english_share("") == (0.0, 0)
    assert english_share("!!! ...") == (0.0, 0)


def test_the_initiative_and_english_pass():
    share, n = english_share(target_text())
    assert n == 482
    assert share > MIN_ENGLISH_SHARE
    assert check_language(target_text()) == "en"
    assert check_language(ENGLISH) == "en"


@pytest.mark.parametrize("text", [FRENCH, GERMAN, SPANISH, CHINESE])
def test_other_languages_are_refused_with_a_clear_message(text):
    assert english_share(text)[0] < 0.05
    with pytest.raises(CorpusError, match=r"mine\.txt: does not look like English.*language='en'"):
        check_language(text, source="mine.txt")


def test_override_and_limits():
    assert check_language(FRENCH, language="en") == "en"  # the user vouches for the text
    with pytest.raises(CorpusError, match=r"language='fr'.*English only"):
        check_language(ENGLISH, language="fr")
    with pytest.raises(CorpusError, match=f"only 5 tokens; the language check needs at least {MIN_CHECK_TOKENS}"):
        check_language("Peace and security for all.")
    assert check_language("Peace and security for all.", language="en") == "en"
    for empty in ("", "   \n", "... ---"):
        with pytest.raises(CorpusError, match="empty"):
            check_language(empty, language="en")


@given(st.lists(st.sampled_from([*sorted(ENGLISH_FUNCTION_WORDS), "cyber", "norms", "états"]), max_size=60))
def test_share_is_the_fraction_of_function_words(words):
    share, n = english_share(" ".join(words))
    assert n == len(words)
    assert 0.0 <= share <= 1.0
    if words:
        assert share == pytest.approx(sum(w in ENGLISH_FUNCTION_WORDS for w in words) / len(words))
