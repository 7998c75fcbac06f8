"""The student edition: solutions removed, and every exercise doable without them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from initiative_lib.teaching import SOLUTION_TAG, cell_tags, main, student_edition, undefined_names

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _nb(*cells: tuple[str, str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    nb.cells = [make[kind](src, metadata={"tags": tags}) for kind, src, tags in cells]
    return nb


def test_the_student_edition_of_the_shipped_notebooks(tmp_path):
    written = student_edition(NOTEBOOKS, tmp_path)
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    for path in written:
        nb = nbformat.read(path, as_version=4)
        assert not [c for c in nb.cells if SOLUTION_TAG in cell_tags(c)]
        assert undefined_names(nb) == [], path.name
        original = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        kept = [c for c in original.cells if SOLUTION_TAG not in cell_tags(c)]
        assert [c.source for c in nb.cells] == [c.source for c in kept]


def test_solutions_are_removed_and_the_rest_kept(tmp_path):
    src = tmp_path / "01-x.ipynb"
    nbformat.write(
        _nb(
            ("markdown", "**Exercise 1.** Add one.", ["exercise"]),
            ("code", "x = 1", []),
            ("code", "x + 1", [SOLUTION_TAG]),
            ("markdown", "Discussion.", [SOLUTION_TAG]),
        ),
        src,
    )
    (out,) = student_edition([src], tmp_path / "student")
    nb = nbformat.read(out, as_version=4)
    assert [c.source for c in nb.cells] == ["**Exercise 1.** Add one.", "x = 1"]


def test_an_exercise_that_needs_a_removed_solution_is_refused(tmp_path):
    src = tmp_path / "04-x.ipynb"
    nbformat.write(
        _nb(
            ("code", "from math import sqrt as wordscores", [SOLUTION_TAG]),
            ("code", "wordscores(4)", ["exercise"]),
        ),
        src,
    )
    with pytest.raises(ValueError, match=r"04-x.ipynb: .*cell 0: 'wordscores'"):
        student_edition([src], tmp_path / "student")
    assert main([str(tmp_path / "student"), str(src)]) == 1


@pytest.mark.parametrize(
    ("source", "missing"),
    [
        ("y = data + 1", ["data"]),
        ("import numpy as np\nnp.zeros(2)", []),
        ("f = lambda a, *b, c=1: a + c\nf(1)", []),
        ("[k for k in range(3)]\ntotal = sum(v for v in range(3))", []),
        ("def g(a):\n    return a\ng(2)", []),
        ("try:\n    1 / 0\nexcept ZeroDivisionError as err:\n    print(err)", []),
        ("%matplotlib inline\nprint(1)", []),
        ("display(len('x'))", []),
    ],
)
def test_undefined_names_exact(source, missing):
    assert [name for _, name in undefined_names(_nb(("code", source, [])))] == missing
