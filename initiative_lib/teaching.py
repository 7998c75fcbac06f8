"""The teaching kit: a student edition of the notebooks, made from the same files.

The notebooks in ``notebooks/`` are the one source of truth. Worked solutions
to the exercises sit in them as cells tagged ``solution`` (code and a short
discussion), so strict nbval runs them like every other cell. The student
edition is the same notebooks with those cells (and their outputs) removed::

    python3 tasks.py student DIR            # or
    python -m initiative_lib.teaching DIR

:func:`undefined_names` checks that a notebook's code refers only to names it
defines or imports itself (or Python builtins), so that no exercise in the
student edition leans on a name that only a removed solution defined.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

#: the tag of a worked solution (code or discussion); removed in the student edition
SOLUTION_TAG = "solution"
#: the tag of an exercise (its statement, or starter code students complete)
EXERCISE_TAG = "exercise"


def cell_tags(cell: nbformat.NotebookNode) -> set[str]:
    """The tags of a notebook cell (an empty set when it has none)."""
    return set(cell.get("metadata", {}).get("tags", []))


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without the cells tagged :data:`SOLUTION_TAG`.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("x = 1"),
    ...             nbformat.v4.new_code_cell("x + 1", metadata={"tags": ["solution"]})]
    >>> [c.source for c in strip_solutions(nb).cells]
    ['x = 1']
    """
    out = nbformat.from_dict(nb)  # a deep copy
    out.cells = [c for c in out.cells if SOLUTION_TAG not in cell_tags(c)]
    return out


def _defined_and_used(source: str) -> tuple[set[str], list[str]]:
    """Names a code cell binds (assignments, imports, defs, loop targets) and names it reads."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    defined: set[str] = set()
    used: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (defined.add if isinstance(node.ctx, ast.Store | ast.Del) else used.append)(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                defined.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
            if not isinstance(node, ast.ClassDef):
                args = node.args
                for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                    if a is not None:
                        defined.add(a.arg)
        elif isinstance(node, ast.Lambda):
            args = node.args
            for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if a is not None:
                    defined.add(a.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
        elif isinstance(node, ast.alias):
            continue
    return defined, used


def undefined_names(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """``(cell index, name)`` for every name a code cell reads before any cell defines it.

    Cells are read in order, as a kernel runs them; builtins and IPython's
    ``display`` count as defined. Comprehension variables and function
    arguments count as defined wherever they occur in the cell.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("import math\\nx = math.pi"),
    ...             nbformat.v4.new_code_cell("y = x + wordscores(x)")]
    >>> undefined_names(nb)
    [(1, 'wordscores')]
    """
    known = set(dir(builtins)) | {"display", "get_ipython", "In", "Out"}
    missing: list[tuple[int, str]] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        defined, used = _defined_and_used(cell.source)
        for name in dict.fromkeys(used):
            if name not in known and name not in defined:
                missing.append((i, name))
        known |= defined
    return missing


def student_edition(notebooks: Iterable[str | os.PathLike[str]], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the student edition of ``notebooks`` into ``out_dir`` (created if needed).

    Solutions are removed; every other cell, with its stored outputs, is kept.
    Each notebook is written to a temporary file and renamed into place.

    Raises
    ------
    ValueError
        If a notebook of the student edition reads a name that it never
        defines (an exercise that needs a removed solution), naming the
        notebook, cell and name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in map(Path, notebooks):
        nb = strip_solutions(nbformat.read(path, as_version=4))
        problems = undefined_names(nb)
        if problems:
            listed = ", ".join(f"cell {i}: {name!r}" for i, name in problems)
            msg = (
                f"{path}: the student edition reads names it never defines ({listed}); "
                "expected every exercise to be doable without the solutions"
            )
            raise ValueError(msg)
        target = out / path.name
        tmp = target.with_name(f".{target.name}.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, target)
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m initiative_lib.teaching OUT_DIR [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m initiative_lib.teaching",
        description="Write the student edition of the notebooks (solution cells removed).",
    )
    parser.add_argument("out_dir", help="folder to write the student edition into")
    parser.add_argument("notebooks", nargs="*", help="notebooks to convert (default: notebooks/NN-*.ipynb)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    try:
        written = student_edition(paths, args.out_dir)
    except ValueError as err:
        sys.stderr.write(f"error: {err}\n")
        return 1
    for path in written:
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
