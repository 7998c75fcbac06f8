"""pyproject.toml and environment.yml install the same set of packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's
CONDA_NAMES = {"scikit-learn": "scikit-learn"}


def _pypi() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"])
    for extra in ("test", "dev", "bench"):
        reqs += meta["optional-dependencies"][extra]
    out = {}
    for req in reqs:
        name, bound = re.match(r"^([A-Za-z0-9_.-]+)(.*)$", req).groups()
        out[CONDA_NAMES.get(name.lower(), name.lower())] = bound.strip()
    return out


def _conda() -> dict[str, str]:
    out = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        # conda packages ("  - name>=x") and PyPI-only ones in the pip list ("      - name>=x")
        m = re.match(r"^(?:  |      )- ([A-Za-z0-9_.-]+)(>=[^\s#]+)?\s*(?:#.*)?$", line)
        if m and m.group(1) not in {"python", "pip"}:
            out[m.group(1).lower()] = m.group(2) or ""
    return out


def test_environment_yml_matches_pyproject():
    assert _conda() == _pypi()


def test_ci_runs_the_readme_test_command():
    assert "python3 tasks.py test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in readme
    assert "python3 tasks.py main" in readme
