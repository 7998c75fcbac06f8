"""Build step that ships the corpus inside the wheel (everything else is in pyproject.toml).

The repository's top-level ``corpus/`` stays the one source of truth. When a wheel is
built, its files are copied to ``initiative_lib/data/corpus/`` in the build folder, so an
installed package finds them (:func:`initiative_lib.paths.corpus_dir`); an editable
install reads the checkout's ``corpus/`` instead and gets no copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CORPUS = Path(__file__).resolve().parent / "corpus"


class BuildPyWithCorpus(build_py):
    """``build_py`` that also copies ``corpus/`` into the package's ``data/corpus``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        if not (CORPUS / "SHA256SUMS").is_file():
            msg = f"{CORPUS}: no SHA256SUMS; the wheel must ship the corpus (build from a checkout or an sdist)"
            raise FileNotFoundError(msg)
        dest = Path(self.build_lib) / "initiative_lib" / "data" / "corpus"
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(CORPUS, dest, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildPyWithCorpus})
