"""MkDocs hook: add the notebooks and the generated API reference pages to the site.

The notebooks stay where they are (``notebooks/``, run by ``python3 tasks.py main``);
they are added as files of the site here rather than copied into ``docs/``. The API
pages are written from the package itself: one page per stage, one ``:::`` block per
module, and an index that lists every public name of every subpackage's ``__all__``
with a link to its entry.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
#: API pages: the stages in the order data flows, then the shared modules
STAGES = ["text", "build", "corpus", "methods", "topics", "datasets", "study", "plots", "report"]
SHARED = ["checks", "constants", "errors", "paths", "progress", "cli", "notebooks", "teaching"]
TITLES = {
    "text": "text: cleaning, segments, tokens",
    "build": "build: the corpus from the mirror, adding documents, fetching texts",
    "corpus": "corpus: loading, the document-term matrix, export",
    "methods": "methods: preprocessing, keyness, dictionaries, similarity, scaling, passages",
    "topics": "topics: models, diagnostics, prevalence, explorer, export",
    "datasets": "datasets: synthetic data with planted topics",
    "study": "study: this study's choices",
    "plots": "plots: figures",
    "report": "report: compare any document with the corpus",
    "shared": "Shared modules",
}


def modules(stage: str) -> list[str]:
    """The public modules of a stage (a subpackage's modules, or the module itself)."""
    if stage == "shared":
        return [f"initiative_lib.{m}" for m in SHARED]
    package = importlib.import_module(f"initiative_lib.{stage}")
    if not hasattr(package, "__path__"):
        return [package.__name__]
    names = []
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def public_names(stage: str) -> list[tuple[str, str, str]]:
    """``(name, module where it is defined, first line of its docstring)`` for the stage's ``__all__``."""
    package = importlib.import_module(f"initiative_lib.{stage}")
    out = []
    for name in getattr(package, "__all__", []):
        obj = getattr(package, name)
        doc = (inspect.getdoc(obj) or "").strip().split("\n\n", 1)[0].replace("\n", " ")
        if inspect.isclass(obj) and obj.__doc__ is None:
            doc = ""
        doc = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", doc)  # Sphinx roles to code
        out.append((name, getattr(obj, "__module__", package.__name__), doc.replace("|", "\\|")))
    return out


def api_page(stage: str) -> str:
    lines = [f"# {TITLES[stage]}", ""]
    if stage != "shared":
        lines += [f"`from initiative_lib.{stage} import ...` gives every name listed in the [index](index.md).", ""]
    for module in modules(stage):
        lines += [f"::: {module}", "    options:", "      show_root_heading: true", ""]
    return "\n".join(lines)


def api_index() -> str:
    lines = [
        "# API reference",
        "",
        "Every public function and class, by stage (the names each subpackage exports in `__all__`).",
        "",
    ]
    for stage in STAGES:
        names = public_names(stage)
        if not names:
            continue
        lines += [f"## {stage}", "", "| name | what it does | defined in |", "|---|---|---|"]
        for name, module, doc in names:
            anchor = f"{module}.{name}"
            lines.append(f"| [`{name}`]({stage}.md#{anchor}) | {doc} | `{module}` |")
        lines.append("")
    lines += ["## shared", "", *(f"- [`initiative_lib.{m}`](shared.md#initiative_lib.{m})" for m in SHARED), ""]
    return "\n".join(lines)


@event_priority(100)  # before mkdocs-jupyter, which turns the notebooks into pages
def on_files(files: Files, config: Any) -> Files:
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        files.append(
            File(
                f"notebooks/{path.name}",
                src_dir=str(ROOT),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    files.append(File.generated(config, "api/index.md", content=api_index()))
    for stage in [*STAGES, "shared"]:
        files.append(File.generated(config, f"api/{stage}.md", content=api_page(stage)))
    return files
