#!/usr/bin/env python3
"""Set-up and the project's jobs, with nothing but Python 3.11+ installed.

    python3 tasks.py main     # build the environment if needed, run every notebook, write every figure
    python3 tasks.py test     # build the environment if needed, run the whole test suite (with nbval and the linters)
    python3 tasks.py lint     # ruff check, ruff format --check and mypy only
    python3 tasks.py lab      # open JupyterLab on the notebooks
    python3 tasks.py corpus   # rebuild corpus/ from the offline mirror (maintainers; needs ../shared/corpora)
    python3 tasks.py bench    # benchmarks against gensim, tomotopy, scikit-learn (needs the UNGDC mirror)
                              # extra arguments go to benchmarks/run.py, e.g. --repeats 1

The environment is a virtual environment in ``.venv`` with the package
installed in editable mode with its ``test`` and ``dev`` extras (``bench`` adds
the ``bench`` extra). It is rebuilt when ``pyproject.toml`` changes. Set ``INITIATIVE_VENV`` to use another folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("INITIATIVE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".initiative-installed"
BENCH_STAMP = VENV / ".initiative-bench-installed"
NOTEBOOKS = ROOT / "notebooks"


def _say(msg: str) -> None:
    sys.stderr.write(f"[tasks] {msg}\n")
    sys.stderr.flush()


def _run(*cmd: str | os.PathLike[str], **kw: object) -> None:
    _say(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def ensure_env() -> None:
    """Create ``.venv`` and install the project unless it is up to date."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be started by an older Python
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == want:
        return
    if not PY.exists():
        _say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test,dev]")
    _run(PY, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3")
    STAMP.write_text(want + "\n")


def notebooks() -> list[Path]:
    """The numbered notebooks, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def main_job() -> None:
    """Run every notebook in order, saving outputs and figures."""
    ensure_env()
    _run(PY, "-m", "initiative_lib.notebooks", *map(str, notebooks()), cwd=ROOT)


def lint() -> int:
    """``ruff check``, ``ruff format --check`` and ``mypy`` on the package (and ruff on the tests)."""
    ensure_env()
    checks = [
        [str(BIN / "ruff"), "check", "initiative_lib", "tests", "benchmarks", "tasks.py"],
        [str(BIN / "ruff"), "format", "--check", "initiative_lib", "tests", "benchmarks", "tasks.py"],
        [str(BIN / "mypy")],
    ]
    failed = 0
    for cmd in checks:
        _say(" ".join(cmd))
        failed |= subprocess.run(cmd, cwd=ROOT, check=False).returncode
    return failed


def test() -> int:
    """Run the linters, the unit tests, doctests and the strict nbval check of every notebook."""
    ensure_env()
    linted = lint()
    with tempfile.TemporaryDirectory(prefix="initiative-figures-") as regenerated:
        env = {
            **os.environ,
            "PYTHONHASHSEED": "0",
            "INITIATIVE_FIGURES": regenerated,
            "INITIATIVE_REGENERATED_FIGURES": regenerated,
            "INITIATIVE_PROGRESS": "0",  # no progress bars in the notebooks' outputs compared by nbval
        }
        env.pop("MPLBACKEND", None)  # notebooks use the inline backend, as in JupyterLab
        cmd = [str(PY), "-m", "pytest", "-p", "no:cacheprovider"]
        if notebooks():
            # notebooks first: their figures go to a temporary folder, which
            # tests/test_regenerated_figures.py then compares with figures/
            nbval = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
            cmd += [*nbval, *map(str, notebooks())]
        cmd += ["tests", "initiative_lib"]
        _say(" ".join(cmd))
        tested = subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode
    if linted:
        _say("the linters failed (see above)")
    return tested or linted


def lab() -> None:
    """Open JupyterLab on the notebooks folder."""
    ensure_env()
    _run(BIN / "jupyter", "lab", f"--notebook-dir={NOTEBOOKS}")


def bench(*args: str) -> None:
    """Install the ``bench`` extra if needed and run ``benchmarks/run.py``."""
    ensure_env()
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not (BENCH_STAMP.exists() and BENCH_STAMP.read_text().strip() == want):
        _run(PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test,dev,bench]")
        BENCH_STAMP.write_text(want + "\n")
    _run(PY, ROOT / "benchmarks" / "run.py", *args, cwd=ROOT)


def corpus() -> None:
    """Rebuild the corpus folder from the offline mirror."""
    ensure_env()
    mirror = os.environ.get("INITIATIVE_MIRROR", str(ROOT.parent / "shared" / "corpora"))
    _run(PY, "-m", "initiative_lib", "corpus", "build", "--mirror", mirror)


if __name__ == "__main__":
    jobs = {
        "main": main_job,
        "test": test,
        "lint": lint,
        "lab": lab,
        "corpus": corpus,
        "env": ensure_env,
        "bench": bench,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in jobs or (len(sys.argv) > 2 and sys.argv[1] != "bench"):
        sys.exit(f"usage: python3 tasks.py {{{','.join(jobs)}}}  (only bench takes further arguments)")
    result = jobs[sys.argv[1]](*sys.argv[2:])
    sys.exit(result if isinstance(result, int) else 0)
