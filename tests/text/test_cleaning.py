"""Exact cases of the clean-up steps, including the corners of their fast paths."""

from __future__ import annotations

import pytest

from initiative_lib.text.cleaning import join_hyphenated, remove_running_headers, remove_toc_lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("infra-\nstructure", ("infrastructure", 1)),
        ("infra-  \n   structure", ("infrastructure", 1)),  # trailing and leading blanks go too
        ("infra-\u00a0\nstructure", ("infrastructure", 1)),  # a no-break space is trailing space
        ("cyber-\nSecurity", ("cyber-\nSecurity", 0)),  # upper case goes on: a real hyphen
        ("covid-\n19", ("covid-\n19", 0)),
        ("19-\nyear", ("19-\nyear", 0)),  # a digit before the hyphen
        ("a-\nb-\nc", ("ab-\nc", 1)),  # a one-letter line: its letter serves one join only
        ("ab-\ncd-\nef", ("abcdef", 2)),
        ("été-\nsuite", ("étésuite", 1)),
        ("suite-\nété", ("suite-\nété", 0)),  # only ASCII lower case continues a word
        ("end   \nnext", ("end\nnext", 0)),  # trailing space alone is not a join
    ],
)
def test_join_hyphenated_exact(text: str, expected: tuple[str, int]) -> None:
    assert join_hyphenated(text) == expected


def test_toc_lines_need_five_dot_leaders() -> None:
    assert remove_toc_lines("Intro . . . . 3\nBody") == ("Intro . . . . 3\nBody", 0)
    assert remove_toc_lines("Intro .....3\nBody") == ("\nBody", 1)
    assert remove_toc_lines("Intro .\n.\n.\n.\n. 3\nBody")[1] == 1  # leaders may run over line breaks


def test_running_headers_word_limits() -> None:
    one_word = "\n".join(["Header", "x"] * 4)
    assert remove_running_headers(one_word) == (one_word, 0)
    long_line = " ".join(["word"] * 13)
    assert remove_running_headers("\n".join([long_line] * 5))[1] == 0
    twelve = " ".join(["word"] * 11) + " 7"
    assert remove_running_headers("\n".join([twelve] * 4))[1] == 4
    assert remove_running_headers("\n".join(["ab cd 1", "ab cd 2"] * 2))[1] == 0  # no word of 3 letters
