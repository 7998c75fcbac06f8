"""Packaging: the lock files and environment.yml in step with pyproject.toml, the wheel that ships
the corpus, the licence notices that travel with the data, and the layout rules."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _lock_entries(path: Path) -> list[tuple[str, str, str, list[str]]]:
    """(name, version, marker, hashes) of every package of a lock file."""
    out: list[tuple[str, str, str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and line[0] not in " #-":
            spec, _, marker = line.rstrip(" \\").partition(";")
            name, version = spec.strip().split("==")
            out.append((name.lower(), version, marker.strip(), []))
        elif line.strip().startswith("--hash=sha256:") and out:
            out[-1][3].append(line.strip().split(":", 1)[1].rstrip(" \\"))
    return out


@pytest.mark.parametrize("which", ["dev", "runtime"])
def test_lock_pins_every_requirement_with_hashes(which):
    tasks = _tasks()
    path = ROOT / "requirements" / f"{which}.lock.txt"
    entries = _lock_entries(path)
    assert entries
    for name, version, _marker, hashes in entries:
        Version(version)  # an exact, valid version
        assert hashes, f"{name}=={version} has no hash"
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), name
    extras = tasks.LOCKS[path]
    meta = _project()
    reqs = [*meta["dependencies"], *(r for e in extras for r in meta["optional-dependencies"][e])]
    versions: dict[str, list[str]] = {}
    for name, version, _marker, _ in entries:
        versions.setdefault(name, []).append(version)
    for req in map(Requirement, reqs):
        name = req.name.lower()
        assert name in versions, f"{req} is not in {path.name}; run python3 tasks.py lock"
        assert all(req.specifier.contains(v) for v in versions[name]), f"{path.name} pins {versions[name]}, not {req}"
    # the header says how it was made, so `python3 tasks.py lock` reproduces it
    header = path.read_text(encoding="utf-8").splitlines()[1]
    assert "uv pip compile pyproject.toml --universal" in header
    assert "--generate-hashes" in header


def test_runtime_lock_agrees_with_the_dev_lock():
    tasks = _tasks()
    for python in ("3.11", "3.12", "3.13", "3.14"):
        dev = tasks.locked_versions(ROOT / "requirements" / "dev.lock.txt", python)
        runtime = tasks.locked_versions(ROOT / "requirements" / "runtime.lock.txt", python)
        assert {name: dev[name] for name in runtime} == runtime, python


def test_environment_yml_takes_only_python_and_pip_from_conda_and_the_rest_from_the_lock():
    """Issue 13: conda-forge gives Python and pip; pip installs the runtime lock, hash-checked.

    No runtime package is pinned on the conda side (those versions were never checked against
    conda-forge); the runtime set is exactly the lock's, the same files as ``tasks.py env``.
    """
    tasks = _tasks()
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert text == tasks.environment_yml(), "environment.yml is out of step: run python3 tasks.py lock"
    conda = re.findall(r"^  - (\S+)$", text.split("\ndependencies:\n", 1)[1], flags=re.MULTILINE)
    assert conda == [f"python={tasks.CONDA_PYTHON}", "pip", "pip:"]
    assert re.findall(r"^channels:\n((?:  - .*\n)+)", text, flags=re.MULTILINE) == ["  - conda-forge\n"]
    pip_lines = re.findall(r"^      - (.+)$", text, flags=re.MULTILINE)
    assert pip_lines == ["--require-hashes", "--only-binary=:all:", "-r requirements/runtime.lock.txt"]
    # conda writes the pip lines to a requirements file beside environment.yml: the path is relative to it
    lock = ROOT / pip_lines[-1].split(" ", 1)[1]
    assert lock == tasks.RUNTIME_LOCK
    assert lock.is_file()
    entries = _lock_entries(lock)
    assert entries
    assert all(hashes for *_, hashes in entries), "every locked file must carry its SHA-256"
    names = {name for name, *_ in entries}
    meta = _project()
    runtime = [*meta["dependencies"], *meta["optional-dependencies"]["notebooks"]]
    assert {Requirement(r).name.lower() for r in runtime} <= names
    for extra in ("test", "dev", "docs", "bench"):
        for req in meta["optional-dependencies"][extra]:
            assert Requirement(req).name.lower() not in names, f"{req} ({extra}) must not be in the runtime lock"


def test_postbuild_installs_the_package_without_dependencies():
    """pip's hash-checking mode refuses ``-e .`` beside the lock, so Binder's postBuild installs it."""
    tasks = _tasks()
    post = ROOT / "postBuild"
    assert post.read_text(encoding="utf-8") == tasks.POSTBUILD, "postBuild is out of step: run python3 tasks.py lock"
    assert os.access(post, os.X_OK), "Binder runs postBuild only when it is executable"
    commands = [line for line in tasks.POSTBUILD.splitlines() if line and not line.startswith("#")]
    assert commands == ["set -euo pipefail", "python -m pip install --no-deps -e ."]
    # a binder/ folder would make Binder ignore environment.yml and postBuild at the top level
    assert not (ROOT / "binder").exists()
    assert not (ROOT / ".binder").exists()


def test_jupyterlab_is_an_extra_that_the_set_up_installs():
    meta = _project()
    assert not any(Requirement(r).name == "jupyterlab" for r in meta["dependencies"])
    assert any(Requirement(r).name == "jupyterlab" for r in meta["optional-dependencies"]["notebooks"])
    assert "notebooks" in _tasks().LOCKS[ROOT / "requirements" / "dev.lock.txt"]


def test_set_up_installs_from_the_lock_with_hashes():
    source = (ROOT / "tasks.py").read_text(encoding="utf-8")
    body = source.split("def ensure_env", 1)[1].split("\ndef ", 1)[0]
    assert '"--require-hashes"' in body
    assert '"-r", LOCK' in body
    assert '"--no-deps", "-e", ROOT' in body


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
    shared = {"checks", "compiled", "constants", "errors", "paths", "progress"}
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


# ---------------------------------------------------------------- the wheel ships the corpus
@pytest.mark.slow
def test_installed_wheel_loads_the_shipped_corpus_outside_a_checkout(tmp_path):
    """Build the sdist and from it the wheel, install it into a fresh venv, load the corpus elsewhere."""
    import shutil
    import tarfile

    # a copy of the working tree, so the build leaves nothing in the checkout
    junk = (".*", "__pycache__", "build", "dist", "site", "*.egg-info", "figures", "benchmarks")
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*junk))
    sdists = tmp_path / "sdist"
    code = f"from setuptools import build_meta; print(build_meta.build_sdist({str(sdists)!r}))"
    name = subprocess.run(
        [sys.executable, "-c", code], cwd=src, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    with tarfile.open(sdists / name) as tar:
        members = tar.getnames()
        assert any(m.endswith("/corpus/LICENCES.md") for m in members)  # MANIFEST.in grafts corpus/
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(tmp_path / "unpacked", filter="data")
        else:  # pragma: no cover - our own sdist, just built
            tar.extractall(tmp_path / "unpacked")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    wheels = tmp_path / "wheels"
    # offline: no build isolation (setuptools comes with the test extra), no dependencies fetched
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, unpacked],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("initiative_lib-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    shipped = [line.split("  ", 1)[1] for line in (ROOT / "corpus" / "SHA256SUMS").read_text().splitlines()[1:]]
    for rel in [*shipped, "SHA256SUMS", "README.md", "LICENCES.md"]:
        assert f"initiative_lib/data/corpus/{rel}" in names, rel
    assert not any(n.startswith("corpus/") for n in names)  # only inside the package

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # the dependencies come from this environment's site-packages (a path line: its own .pth
    # files, among them this checkout's editable install, are not read); the package from the wheel
    import numpy

    (site / "deps.pth").write_text(str(Path(numpy.__file__).parents[1]) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import initiative_lib, initiative_lib.paths as p\n"
        "from initiative_lib import load_corpus\n"
        "docs = load_corpus()\n"
        "print(initiative_lib.__file__, p.corpus_dir(), p.IN_CHECKOUT, len(docs), docs.index.is_unique, sep='|')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INITIATIVE_") and k != "PYTHONPATH"}
    env["INITIATIVE_DATA"] = str(tmp_path / "cache")
    out = subprocess.run([python, "-c", script], check=True, capture_output=True, text=True, cwd=elsewhere, env=env)
    module, corpus, in_checkout, n_docs, unique = out.stdout.strip().split("|")
    assert Path(module).is_relative_to(site)
    assert Path(corpus) == site / "initiative_lib" / "data" / "corpus"
    assert in_checkout == "False"
    from initiative_lib import load_corpus

    assert int(n_docs) == len(load_corpus())
    assert unique == "True"
    # $INITIATIVE_CORPUS still comes first
    env["INITIATIVE_CORPUS"] = str(ROOT / "corpus")
    out = subprocess.run(
        [python, "-c", "import initiative_lib.paths as p; print(p.corpus_dir())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert Path(out.stdout.strip()) == ROOT / "corpus"


def test_paths_resolve_argument_then_environment_then_default(tmp_path, monkeypatch):
    import platformdirs

    from initiative_lib import paths

    monkeypatch.delenv(paths.CACHE_ENV, raising=False)
    monkeypatch.delenv(paths.CORPUS_ENV, raising=False)
    assert paths.cache_dir() == Path(platformdirs.user_cache_dir("initiative_lib", False))
    assert paths.IN_CHECKOUT
    assert paths.corpus_dir() == ROOT / "corpus"
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "env"))
    monkeypatch.setenv(paths.CORPUS_ENV, str(tmp_path / "envc"))
    assert paths.cache_dir() == tmp_path / "env"
    assert paths.corpus_dir() == tmp_path / "envc"
    assert paths.cache_dir(tmp_path / "arg") == tmp_path / "arg"
    assert paths.corpus_dir(tmp_path / "argc") == tmp_path / "argc"


# ---------------------------------------------------------------- licences travel with the data
def _section(text: str, heading: str) -> str:
    part = text.split(f"## {heading}", 1)[1]
    return part.split("\n## ", 1)[0]


def test_corpus_carries_its_licence_notices():
    notice = (ROOT / "corpus" / "LICENCES.md").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by-sa/2.5/in/" in notice
    assert "Centre for Internet and Society" in notice
    assert "netmundial.br" in notice
    assert "LicenseRef-CC-BY-SA-2.5-IN" in notice
    assert "CC0-1.0" in notice
    for doi in ("10.1177/2053168017712821", "10.7910/DVN/0TJX8Y"):
        assert doi in notice
    # the news report's status beside its file name
    report = _section(notice, "The initiative's news report")
    assert "texts/wic-initiative-2020.txt" in report
    assert "not the official text" in report
    assert "Why it ships" in report
    # every licence value of documents.csv is covered by the notice's SPDX or LicenseRef- ids
    import csv

    with (ROOT / "corpus" / "documents.csv").open(encoding="utf-8", newline="") as fh:
        values = {row["licence"] for row in csv.DictReader(fh)}
    ids = set(re.findall(r"`((?:LicenseRef-)?[A-Za-z0-9.-]+)`", notice))
    assert {"CC-BY-SA-2.5-IN", "news-report"} <= values
    assert {"LicenseRef-CC-BY-SA-2.5-IN", "LicenseRef-news-report", "LicenseRef-derived-counts"} <= ids


def test_datasheet_credits_and_cites_the_un_general_debate_data():
    sheet = (ROOT / "corpus" / "README.md").read_text(encoding="utf-8")
    for heading in ("Licences and credit", "How to cite the sources"):
        section = _section(sheet, heading)
        assert "10.1177/2053168017712821" in section, heading
        assert "10.7910/DVN/0TJX8Y" in section, heading
    assert "CC0" in _section(sheet, "Licences and credit")
    assert "LICENCES.md" in _section(sheet, "Licences and credit")


def test_licence_of_the_code_is_not_claimed_for_the_data():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence
    assert "not the data in corpus/" in licence
    assert "corpus/LICENCES.md" in licence
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == "MIT"  # the software's licence, one SPDX id
    refs = cff["references"]
    text = yaml.safe_dump(refs)
    for needle in ("10.1177/2053168017712821", "10.7910/DVN/0TJX8Y", "cis-india/netmundial", "CC0-1.0"):
        assert needle in text, needle
    assert "LicenseRef-CC-BY-SA-2.5-IN" in text
    # CFF 1.2.0 allows only SPDX ids in `license`; ids SPDX lacks are LicenseRef- in notes, never a bare name
    for ref in refs:
        assert ref.get("license", "CC0-1.0") in {"CC0-1.0", "MIT"}, ref["title"]
    assert "MIT" not in {ref.get("license") for ref in refs}


def test_the_corpus_build_keeps_the_licence_notices(tmp_path):
    import shutil

    from initiative_lib.build import from_mirror
    from initiative_lib.corpus.load import checksum_lines, load_corpus

    copy = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", copy)
    assert "LICENCES.md" not in checksum_lines(copy)  # documentation, like README.md
    from_mirror._remove_stale(copy)  # what a rebuild deletes before writing
    assert (copy / "LICENCES.md").read_bytes() == (ROOT / "corpus" / "LICENCES.md").read_bytes()
    assert (copy / "README.md").is_file()
    assert len(load_corpus(corpus_dir=ROOT / "corpus")) > 0  # the notice does not break validation
