"""Run the numbered notebooks in place, reproducibly.

``python -m initiative_lib.notebooks notebooks/*.ipynb`` executes each
notebook top to bottom in a fresh kernel, with the notebooks folder as working
directory, and saves it with its outputs. No timings or other run-dependent
metadata are recorded, so running twice gives the same files and the strict
nbval check (``pytest --nbval``) compares the stored outputs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def run_notebook(path: str | os.PathLike[str], *, timeout: int = 600) -> float:
    """Execute one notebook in place; return the wall time in seconds."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    """Run the notebooks named on the command line, in order."""
    paths = list(sys.argv[1:] if argv is None else argv)
    total = 0.0
    for path in paths:
        seconds = run_notebook(path)
        total += seconds
        sys.stderr.write(f"ran {Path(path).name} in {seconds:.1f} s\n")
    sys.stderr.write(f"{len(paths)} notebooks in {total:.1f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
