"""The token rules: exact cases, and the ASCII fast path against the general one."""

from __future__ import annotations

import random
import string

import pytest

from initiative_lib.text.tokens import TOKEN_RE, bigrams, count_segment, tokenize


def _general(text: str) -> list[str]:
    return [m.group().lower() for m in TOKEN_RE.finditer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Multi-Stakeholder e-Government", ["multi-stakeholder", "e-government"]),
        ("China's 2020 plan_B -x- a--b", ["china", "s", "2020", "plan", "b", "x", "a", "b"]),
        ("ÉCOLE Zürich İstanbul", ["école", "zürich", "i̇stanbul"]),  # İ lower-cases to i + a combining dot
        ("", []),
    ],
)
def test_tokenize_exact(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected == _general(text)


def test_ascii_fast_path_equals_general_rule() -> None:
    rng = random.Random(0)
    alphabet = string.ascii_letters + string.digits + " -_'.,\n\t" * 3
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert tokenize(text) == _general(text), text


def test_counts_and_bigrams() -> None:
    c = count_segment("Open, OPEN and open-ended. Open and")
    assert c.unigrams == {"and": 2, "open": 3, "open-ended": 1}
    assert c.bigrams == {"and open-ended": 1, "open and": 2}
    assert c.n_tokens == 6
    assert bigrams("a b, c d") == ["a b", "c d"]
