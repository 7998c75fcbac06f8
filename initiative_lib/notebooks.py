"""Run the numbered notebooks in place, reproducibly.

``python -m initiative_lib.notebooks notebooks/*.ipynb`` executes each
notebook top to bottom in a fresh kernel, with the notebooks folder as working
directory, and saves it with its outputs. No timings or other run-dependent
metadata are recorded, so running twice gives the same files and the strict
nbval check (``pytest --nbval``) compares the stored outputs.

The notebooks are independent (each reads the corpus and writes its own
figures), so ``--jobs 2`` (the default) runs two at a time, each in its own
process and kernel; their outputs are the same as one at a time. The command
line starts the longest notebooks first (:func:`longest_first`), so that the
short ones fill the gaps at the end instead of one long notebook running alone.
Notebooks that fit the same topic model share it through the model store
(:mod:`initiative_lib.topics.store`): the first fits and stores it, a notebook
running beside it that asks for it meanwhile waits for that fit, later ones
read it; each notebook still fits whatever the store lacks, so any one of them
run alone gives the same outputs. Progress bars are turned off in the kernels (``INITIATIVE_PROGRESS=0``), so
stored outputs hold no timings.

The runner (and JupyterLab started by ``python3 tasks.py lab``) talks to its
kernels over CurveZMQ-encrypted local sockets where pyzmq and the kernel
support it (:func:`kernel_settings`), so kernels do not warn that their traffic
is plain text; elsewhere it uses jupyter_client's plain default.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

#: notebooks run at a time by :func:`main` unless ``--jobs`` says otherwise
DEFAULT_JOBS = 2
#: measured run times (seconds; idle 2-core machine, one at a time, empty cache, 2026-12-01) of the numbered
#: notebooks, by name prefix; only their order matters (:func:`longest_first`)
MEASURED_SECONDS = {"01": 6, "02": 8, "03": 34, "04": 22, "05": 29, "06": 11, "07": 36, "08": 48}


def expected_seconds(path: str | os.PathLike[str]) -> float:
    """A notebook's measured run time (:data:`MEASURED_SECONDS`); infinite for one not measured yet.

    Examples
    --------
    >>> expected_seconds("notebooks/03-fit-topics.ipynb"), expected_seconds("09-new.ipynb")
    (34, inf)
    """
    return MEASURED_SECONDS.get(Path(path).name[:2], float("inf"))  # a new notebook may be long: start it early


def longest_first(paths: Sequence[str | os.PathLike[str]]) -> list[str | os.PathLike[str]]:
    """``paths`` in the order to start them: the longest measured first, notebooks not measured before all.

    Examples
    --------
    >>> longest_first(["01-a.ipynb", "07-b.ipynb", "09-new.ipynb", "03-c.ipynb"])
    ['09-new.ipynb', '07-b.ipynb', '03-c.ipynb', '01-a.ipynb']
    """
    return sorted(paths, key=lambda p: -expected_seconds(p))


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
        config=_kernel_config(),
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def kernel_settings() -> dict[str, dict[str, str]]:
    """jupyter_client settings for the kernels the runner and ``python3 tasks.py lab`` start.

    Encrypted kernel sockets (``transport_encryption="auto"``) where pyzmq has
    CurveZMQ; jupyter_client refuses the setting without it, and then nothing
    is set (plain local sockets, jupyter_client's default).

    Examples
    --------
    >>> settings = kernel_settings()
    >>> settings in ({"KernelManager": {"transport_encryption": "auto"}}, {})
    True
    """
    import zmq

    return {"KernelManager": {"transport_encryption": "auto"}} if zmq.has("curve") else {}


def lab_arguments() -> list[str]:
    """:func:`kernel_settings` as ``jupyter lab`` command-line options.

    Examples
    --------
    >>> all(a.startswith("--KernelManager.") for a in lab_arguments())
    True
    """
    return [f"--{cls}.{name}={value}" for cls, options in kernel_settings().items() for name, value in options.items()]


def _kernel_config() -> Any:
    from traitlets.config import Config

    return Config(kernel_settings())


def run_notebooks(paths: Sequence[str | os.PathLike[str]], *, jobs: int = DEFAULT_JOBS, timeout: int = 600) -> float:
    """Execute notebooks in place, up to ``jobs`` at a time; report each on stderr; return the wall time.

    Notebooks start in the given order as workers free up. Each runs in its own
    process and kernel, so the saved outputs do not depend on ``jobs``.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        msg = f"jobs must be an int >= 1; got {jobs!r}"
        raise ValueError(msg)
    start = time.perf_counter()
    if jobs == 1 or len(paths) < 2:
        for path in paths:
            _report(path, run_notebook(path, timeout=timeout))
        return time.perf_counter() - start
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths))) as pool:
        running: dict[Future[float], str | os.PathLike[str]] = {
            pool.submit(run_notebook, path, timeout=timeout): path for path in paths
        }
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                _report(running.pop(future), future.result())
    return time.perf_counter() - start


def _report(path: str | os.PathLike[str], seconds: float) -> None:
    sys.stderr.write(f"ran {Path(path).name} in {seconds:.1f} s\n")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the notebooks named on the command line, longest first (``--jobs N`` at a time, default 2)."""
    parser = argparse.ArgumentParser(prog="python -m initiative_lib.notebooks", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", help="notebook files, run in place")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="notebooks run at a time (default 2)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("INITIATIVE_PROGRESS", "0")  # kernels inherit it: no bars in stored outputs
    total = run_notebooks(longest_first(args.notebooks), jobs=args.jobs)
    sys.stderr.write(f"{len(args.notebooks)} notebooks in {total:.1f} s (wall, {args.jobs} at a time)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
