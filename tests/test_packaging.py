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


def test_version_is_written_once_and_citation_follows():
    import initiative_lib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in meta
    assert "version" in meta["dynamic"]
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"\nversion: {initiative_lib.__version__}\n" in cff


def _package_modules():
    import ast

    for path in sorted((ROOT / "initiative_lib").rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_no_module_imports_another_modules_private_names():
    import ast

    bad = []
    for path, tree in _package_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("initiative_lib"):
                bad += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert bad == []


def test_subpackages_re_export_without_clashes_and_flow_one_way():
    import ast
    import importlib

    # the stages in the order data flows; a module may import only from its own stage or earlier ones
    stages = ["text", "corpus", "methods", "topics", "datasets", "study", "plots", "report"]
    shared = {"checks", "constants", "errors", "paths", "progress"}
    for sub in ("corpus", "text", "build", "topics", "methods", "study", "plots", "report"):
        module = importlib.import_module(f"initiative_lib.{sub}")
        assert module.__all__ == sorted(set(module.__all__)), sub
        assert all(hasattr(module, name) for name in module.__all__), sub
    upward = []
    for path, tree in _package_modules():
        rel = path.relative_to(ROOT / "initiative_lib").with_suffix("").parts
        here = rel[0]
        if here not in stages:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("initiative_lib."):
                there = node.module.split(".")[1]
                if there in shared or there not in stages:
                    continue
                if stages.index(there) > stages.index(here):
                    upward.append(f"{'/'.join(rel)} imports {node.module}")
    assert upward == []


def test_public_names_are_unique_across_the_package():
    import ast
    from collections import defaultdict

    seen = defaultdict(list)
    for path, tree in _package_modules():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                seen[node.name].append(path.name)
    # the two command-line entry points (python -m initiative_lib, python -m initiative_lib.notebooks)
    seen.pop("main")
    assert {name: files for name, files in seen.items() if len(files) > 1} == {}
