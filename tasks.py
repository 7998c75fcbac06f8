#!/usr/bin/env python3
"""Set-up and the project's jobs, with nothing but Python 3.11+ installed.

    python3 tasks.py main     # build the environment if needed, run every notebook, write every figure
    python3 tasks.py test     # build the environment if needed, run the whole test suite (with nbval and the linters)
    python3 tasks.py lint     # ruff check, ruff format --check and mypy only
    python3 tasks.py lab      # open JupyterLab on the notebooks
    python3 tasks.py student DIR   # write the student edition (solutions removed) into DIR
    python3 tasks.py docs     # build the documentation site into site/ (offline)
    python3 tasks.py lock     # refresh requirements/*.lock.txt and environment.yml (needs PyPI; --upgrade: newest)
    python3 tasks.py corpus   # rebuild corpus/ from the offline mirror (maintainers; needs ../shared/corpora)
    python3 tasks.py bench    # benchmarks against gensim, tomotopy, scikit-learn (needs the UNGDC mirror)
                              # extra arguments go to benchmarks/run.py, e.g. --repeats 1

The environment is a virtual environment in ``.venv``: the exact versions of
``requirements/dev.lock.txt`` (hash-checked; the runtime dependencies and the ``test``,
``dev``, ``notebooks`` and ``docs`` extras), then the package in editable mode
(``bench`` adds the ``bench`` extra, unpinned). It is rebuilt when ``pyproject.toml``
or the lock changes. Set ``INITIATIVE_VENV`` to use another folder.
"""

from __future__ import annotations

import concurrent.futures
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


LOCK = ROOT / "requirements" / "dev.lock.txt"
RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock.txt"
#: what each lock file holds (extras of pyproject.toml on top of the runtime dependencies)
LOCKS = {LOCK: ("test", "dev", "notebooks", "docs"), RUNTIME_LOCK: ("notebooks",)}
#: further arguments of each lock's compile: the runtime lock takes the dev lock's versions
LOCK_CONSTRAINTS = {LOCK: (), RUNTIME_LOCK: ("-c", "requirements/dev.lock.txt")}
#: Python versions the locks are resolved for (uv's universal resolution: Linux, macOS and Windows)
LOCK_PYTHON = "3.11"


def _env_key() -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", LOCK):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_env() -> None:
    """Create ``.venv`` and install the locked versions and the project unless it is up to date.

    Every package comes from ``requirements/dev.lock.txt`` with its hashes checked
    (``pip --require-hashes``); the project itself is then installed in editable mode
    without dependencies. The environment is rebuilt when ``pyproject.toml`` or the lock
    changes.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be started by an older Python
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    want = _env_key()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == want:
        return
    if not PY.exists():
        _say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = (PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check")
    _run(*pip, "--require-hashes", "--only-binary", ":all:", "-r", LOCK)
    _run(*pip, "--no-deps", "-e", ROOT)
    _run(PY, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3")
    STAMP.write_text(want + "\n")


def lock(*args: str) -> None:
    """Refresh the lock files, ``environment.yml`` and ``postBuild`` from ``pyproject.toml``.

    Without arguments the versions already locked are kept and only what
    ``pyproject.toml`` adds or removes changes; ``python3 tasks.py lock --upgrade``
    moves every package to the newest version its bounds allow.
    Runs ``uv pip compile --universal --generate-hashes`` (uv comes with the ``dev``
    extra) for each lock, then writes ``environment.yml`` (Python and pip from conda-forge,
    the runtime set from ``requirements/runtime.lock.txt``) and its ``postBuild``. Review the diff, run
    ``python3 tasks.py test`` (the environment is rebuilt from the new lock) and commit
    the three files together.
    """
    if set(args) - {"--upgrade"}:
        sys.exit(f"usage: python3 tasks.py lock [--upgrade]; got {' '.join(args)}")
    ensure_env()
    for path, extras in LOCKS.items():
        cmd = [PY, "-m", "uv", "pip", "compile", "pyproject.toml", "--universal", "--fork-strategy", "fewest"]
        cmd += ["--generate-hashes", "--python-version", LOCK_PYTHON]
        for extra in extras:
            cmd += ["--extra", extra]
        cmd += [*LOCK_CONSTRAINTS[path], *args, "--quiet"]
        _run(*cmd, "-o", path.relative_to(ROOT).as_posix(), cwd=ROOT)
    (ROOT / "environment.yml").write_text(environment_yml(), encoding="utf-8")
    (ROOT / "postBuild").write_text(POSTBUILD, encoding="utf-8")
    (ROOT / "postBuild").chmod(0o755)
    _say("wrote environment.yml and postBuild")


#: the Python of the conda environment (Binder); pip installs the lock's versions for this Python
CONDA_PYTHON = "3.12"


def _marker_holds(marker: str, python: str) -> bool:
    """Evaluate the lock's ``python_full_version`` markers; other markers (platforms) do not hold."""
    ver = tuple(int(p) for p in python.split("."))
    for clause in filter(None, (c.strip() for c in marker.split(" and "))):
        name, op, value = clause.split(" ", 2)
        if name != "python_full_version":
            return False  # a platform's package: never a direct requirement of the runtime set
        bound = tuple(int(p) for p in value.strip("'").split("."))
        ok = {"<": ver < bound, "<=": ver <= bound, ">": ver > bound, ">=": ver >= bound, "==": ver == bound}
        if not ok[op]:
            return False
    return True


def locked_versions(path: Path, python: str = CONDA_PYTHON) -> dict[str, str]:
    """``{name: version}`` of a lock file for one Python version."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in " #-":
            continue
        spec, _, marker = line.rstrip(" \\").partition(";")
        name, version = spec.strip().split("==")
        if _marker_holds(marker.strip(), python):
            out[name.lower()] = version
    return out


def runtime_requirements() -> list[str]:
    """Names of the runtime dependencies and the ``notebooks`` extra, as pyproject.toml spells them."""
    import re
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [*meta["dependencies"], *meta["optional-dependencies"]["notebooks"]]
    return [re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in reqs]  # type: ignore[union-attr]


#: the pip section of environment.yml: the runtime lock, every file hash-checked, wheels only
CONDA_PIP = ("--require-hashes", "--only-binary=:all:", "-r requirements/runtime.lock.txt")
#: what Binder runs after the environment (the package itself: pip's hash-checking mode refuses ``-e .``)
POSTBUILD = """#!/bin/bash
# Binder runs this after environment.yml; conda users run it once by hand. Written by tasks.py.
set -euo pipefail
python -m pip install --no-deps -e .
"""


def environment_yml() -> str:
    """The text of ``environment.yml``: Python and pip from conda-forge, the runtime set from the lock.

    Only ``python`` and ``pip`` come from conda-forge; the runtime dependencies and the
    ``notebooks`` extra are installed by pip from ``requirements/runtime.lock.txt`` with every
    file's SHA-256 checked, the same files as ``python3 tasks.py env`` installs. conda writes
    the pip lines to a requirements file beside ``environment.yml``, so the relative path holds.
    The package itself is installed by ``postBuild`` (Binder runs it).
    """
    lines = [
        "# Conda environment (Binder reads it): Python and pip from conda-forge, then the runtime",
        "# dependencies and the notebooks extra from PyPI through the hash-checked lock",
        "# requirements/runtime.lock.txt (the same files as `python3 tasks.py env` installs). Then",
        "# the package itself: Binder runs ./postBuild; conda users run `bash postBuild` once.",
        "# Written by `python3 tasks.py lock`; tests/test_packaging.py checks it is in step. Not the",
        "# test, dev, docs or bench extras: developers use `python3 tasks.py env`.",
        "name: initiative-lib",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={CONDA_PYTHON}",
        "  - pip",
        "  - pip:",
        *(f"      - {line}" for line in CONDA_PIP),
        "",
    ]
    return "\n".join(lines)


def notebooks() -> list[Path]:
    """The numbered notebooks, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def main_job() -> None:
    """Run every notebook in order, saving outputs and figures."""
    ensure_env()
    _run(PY, "-m", "initiative_lib.notebooks", *map(str, notebooks()), cwd=ROOT)


def _lint_commands() -> list[list[str]]:
    paths = ["initiative_lib", "tests", "benchmarks", "tasks.py"]
    return [[str(BIN / "ruff"), "check", *paths], [str(BIN / "ruff"), "format", "--check", *paths], [str(BIN / "mypy")]]


def lint() -> int:
    """``ruff check``, ``ruff format --check`` and ``mypy`` on the package (and ruff on the tests)."""
    ensure_env()
    failed = 0
    for cmd in _lint_commands():
        _say(" ".join(cmd))
        failed |= subprocess.run(cmd, cwd=ROOT, check=False).returncode
    return failed


def _lint_quietly() -> tuple[int, str]:
    """The linters with their output kept (the test command prints it after the tests)."""
    failed, out = 0, []
    for cmd in _lint_commands():
        done = subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, text=True)
        out.append(f"[tasks] {' '.join(cmd)}\n{done.stdout}{done.stderr}")
        failed |= done.returncode
    return failed, "".join(out)


#: processes of the test run (pytest-xdist); the machine this is measured on has 2 cores
TEST_WORKERS = 2


def _longest_first(paths: list[Path]) -> list[str]:
    """The notebooks in the runner's order (``initiative_lib.notebooks.longest_first``), as strings."""
    script = "import sys; from initiative_lib.notebooks import longest_first as f; print(*f(sys.argv[1:]), sep='\\n')"
    out = subprocess.run([PY, "-c", script, *paths], cwd=ROOT, check=True, capture_output=True, text=True)
    return out.stdout.splitlines()


def test() -> int:
    """Run the linters, the unit tests, doctests and the strict nbval check of every notebook."""
    ensure_env()
    # the linters (mostly mypy: about 23 CPU seconds without its cache, as on a fresh clone) run
    # beside the tests, in the time a test process waits for the other at the end
    lint_run = concurrent.futures.ThreadPoolExecutor(max_workers=1).submit(_lint_quietly)
    with tempfile.TemporaryDirectory(prefix="initiative-figures-") as regenerated:
        env = {
            **os.environ,
            "PYTHONHASHSEED": "0",
            "INITIATIVE_FIGURES": regenerated,
            "INITIATIVE_REGENERATED_FIGURES": regenerated,
            "INITIATIVE_PROGRESS": "0",  # no progress bars in the notebooks' outputs compared by nbval
        }
        env.pop("MPLBACKEND", None)  # notebooks use the inline backend, as in JupyterLab
        pytest = [str(PY), "-m", "pytest", "-p", "no:cacheprovider"]
        # two worker processes (pytest-xdist), each test file (each notebook) whole on one of them, in the
        # order tests/conftest.py gives (longest first; xdist would otherwise start the files with the most
        # tests first)
        cmd = [*pytest, "-n", str(TEST_WORKERS), "--dist", "loadfile", "--no-loadscope-reorder"]
        if notebooks():
            # notebooks longest first (tests/conftest.py places them among the longer test files):
            # their figures go to a temporary folder, which tests/test_regenerated_figures.py then
            # compares with figures/, once they have all run
            nbval = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
            cmd += [*nbval, *_longest_first(notebooks())]
        figures = "tests/test_regenerated_figures.py"
        cmd += ["tests", "initiative_lib", f"--ignore={figures}"]
        _say(" ".join(cmd))
        tested = subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode
        cmd = [*pytest, figures]
        _say(" ".join(cmd))
        tested |= subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode
    linted, lint_output = lint_run.result()
    sys.stderr.write(lint_output)
    if linted:
        _say("the linters failed (see above)")
    return tested or linted


def student(out_dir: str) -> None:
    """Write the student edition of the notebooks (cells tagged ``solution`` removed) into ``out_dir``."""
    ensure_env()
    _run(PY, "-m", "initiative_lib.teaching", out_dir, *map(str, notebooks()), cwd=ROOT)


def lab() -> None:
    """Open JupyterLab on the notebooks folder (kernel sockets encrypted where pyzmq can)."""
    ensure_env()
    script = "from initiative_lib.notebooks import lab_arguments as a; print(*a(), sep='\\n')"
    options = subprocess.run([PY, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    _run(BIN / "jupyter", "lab", f"--notebook-dir={NOTEBOOKS}", *options.stdout.split())


def bench(*args: str) -> None:
    """Install the ``bench`` extra if needed and run ``benchmarks/run.py``."""
    ensure_env()
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not (BENCH_STAMP.exists() and BENCH_STAMP.read_text().strip() == want):
        _run(PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test,dev,bench]")
        BENCH_STAMP.write_text(want + "\n")
    _run(PY, ROOT / "benchmarks" / "run.py", *args, cwd=ROOT)


SITE = ROOT / "site"


def docs() -> None:
    """Build the documentation site into ``site/`` (git-ignored): offline, warnings as errors.

    MkDocs with mkdocstrings (the API reference from the numpydoc docstrings) and
    mkdocs-jupyter (the notebooks with their stored outputs, not re-executed: run
    ``python3 tasks.py main`` first if a notebook changed). Open ``site/index.html``.
    """
    ensure_env()
    _run(PY, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", SITE, cwd=ROOT)


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
        "student": student,
        "lock": lock,
        "docs": docs,
    }
    takes_args = {"bench", "student", "lock"}
    if (
        len(sys.argv) < 2
        or sys.argv[1] not in jobs
        or (len(sys.argv) > 2 and sys.argv[1] not in takes_args)
        or (sys.argv[1] == "student" and len(sys.argv) != 3)
    ):
        sys.exit(
            f"usage: python3 tasks.py {{{','.join(jobs)}}}  (bench takes more arguments; student the output folder)"
        )
    result = jobs[sys.argv[1]](*sys.argv[2:])
    sys.exit(result if isinstance(result, int) else 0)
