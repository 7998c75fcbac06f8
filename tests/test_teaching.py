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


# ---------------------------------------------------------------- one worked solution per exercise
def _exercise_numbers(nb: nbformat.NotebookNode) -> list[int]:
    """The numbers of the items of a notebook's "## Exercises" cell (``1.``, ``2.``... at line start)."""
    import re

    cells = [c for c in nb.cells if c.cell_type == "markdown" and "## Exercises" in c.source]
    assert len(cells) <= 1, "one Exercises cell per notebook"
    if not cells:
        return []
    text = cells[0].source.split("## Exercises", 1)[1].split("\n## ", 1)[0]
    return [int(n) for n in re.findall(r"^(\d+)\. ", text, flags=re.MULTILINE)]


def _solution_numbers(nb: nbformat.NotebookNode) -> list[int]:
    import re

    found = []
    for c in nb.cells:
        if c.cell_type == "markdown" and SOLUTION_TAG in cell_tags(c):
            found += [int(n) for n in re.findall(r"^\*\*Exercise (\d+)", c.source, flags=re.MULTILINE)]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_one_solution_per_exercise(path):
    nb = nbformat.read(path, as_version=4)
    solutions = [c for c in nb.cells if SOLUTION_TAG in cell_tags(c)]
    assert solutions, f"{path.name}: no cell tagged {SOLUTION_TAG!r}"
    exercises = _exercise_numbers(nb)
    assert exercises == list(range(1, len(exercises) + 1)), "exercises are numbered 1..n"
    assert len(exercises) >= 3
    assert sorted(_solution_numbers(nb)) == exercises, "one '**Exercise N' discussion per exercise"
    first = nb.cells.index(solutions[0])
    assert solutions[0].source.startswith("## Solutions"), "solutions open with a '## Solutions' heading"
    assert first > max(i for i, c in enumerate(nb.cells) if "## Exercises" in c.source), (
        "solutions follow the exercises"
    )
    # solutions are ordinary cells: nbval runs them (no skip tags) and their outputs are stored
    for c in solutions:
        assert not cell_tags(c) & {"nbval-skip", "skip-execution", "raises-exception", "nbval-ignore-output"}
    code = [c for c in solutions if c.cell_type == "code"]
    assert code, "a worked solution runs code"
    assert all(c.get("outputs") for c in code), "every solution code cell was executed and shows its result"


def test_my_notebooks_have_solutions():
    """Notebooks 01, 05, 06 and 07 carry worked solutions (the others follow in their own change)."""
    for stem in ("01", "05", "06", "07"):
        (path,) = [p for p in NOTEBOOKS if p.name.startswith(stem + "-")]
        nb = nbformat.read(path, as_version=4)
        assert _solution_numbers(nb), path.name
