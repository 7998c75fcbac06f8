"""Every path the package uses, resolved in one place.

Each location resolves in steps: an explicit argument, then an environment
variable, then the default. Nothing depends on the current working directory.

=====================  ============================  =====================================================
what                   environment variable          default
=====================  ============================  =====================================================
corpus folder          ``INITIATIVE_CORPUS``         the checkout's ``corpus/`` when the package runs from
                                                     a checkout, else the copy installed with the package
                                                     (``initiative_lib/data/corpus``)
figures folder         ``INITIATIVE_FIGURES``        the checkout's ``figures/``, else ``figures`` in the
                                                     user data folder
cache (downloads,      ``INITIATIVE_DATA``           the user cache folder of ``platformdirs``:
matrices)                                            ``~/.cache/initiative_lib`` (Linux, or
                                                     ``$XDG_CACHE_HOME``), ``~/Library/Caches/initiative_lib``
                                                     (macOS), ``%LOCALAPPDATA%\\initiative_lib\\Cache``
                                                     (Windows)
=====================  ============================  =====================================================

A checkout is recognised by ``pyproject.toml`` and ``corpus/documents.csv`` next to
the package folder; an installed wheel has neither (its corpus is package data, copied
from the repository's ``corpus/`` when the wheel is built, see ``setup.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DATA_DIR = PACKAGE_DIR / "data"
SOURCES_DIR = PACKAGE_DIR / "build" / "sources"

#: the framing lexicon (categories and entries; documented in ``data/FRAMING_LEXICON.md``)
FRAMING_LEXICON = DATA_DIR / "framing_lexicon.csv"
#: the lexicon of the initiative's four parts
PARTS_LEXICON = DATA_DIR / "initiative_parts.csv"
#: ISO 3166 codes with UN M49 regions
UN_REGIONS = DATA_DIR / "un_regions.csv"

CORPUS_ENV = "INITIATIVE_CORPUS"
FIGURES_ENV = "INITIATIVE_FIGURES"
CACHE_ENV = "INITIATIVE_DATA"

APP_NAME = "initiative_lib"
#: the corpus folder of a checkout (the source of truth)
CHECKOUT_CORPUS_DIR = REPO_DIR / "corpus"
#: the copy of the corpus inside an installed wheel
INSTALLED_CORPUS_DIR = DATA_DIR / "corpus"
#: whether the package runs from a checkout of the repository (editable install or ``PYTHONPATH``)
IN_CHECKOUT = (REPO_DIR / "pyproject.toml").is_file() and (CHECKOUT_CORPUS_DIR / "documents.csv").is_file()

DEFAULT_CORPUS_DIR = CHECKOUT_CORPUS_DIR if IN_CHECKOUT else INSTALLED_CORPUS_DIR
DEFAULT_FIGURES_DIR = (
    REPO_DIR / "figures" if IN_CHECKOUT else Path(platformdirs.user_data_dir(APP_NAME, False)) / "figures"
)


def _resolve(value: str | os.PathLike[str] | None, env: str, default: Path) -> Path:
    if value is not None:
        return Path(value).expanduser().resolve()
    from_env = os.environ.get(env)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return default


def corpus_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the corpus folder.

    In order: ``path``; else ``$INITIATIVE_CORPUS``; else the checkout's ``corpus/`` when
    the package runs from a checkout; else the copy installed with the package.

    Examples
    --------
    >>> from initiative_lib.paths import corpus_dir
    >>> corpus_dir("/tmp/my-corpus").name
    'my-corpus'
    """
    return _resolve(path, CORPUS_ENV, DEFAULT_CORPUS_DIR)


def figures_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the figures folder: ``path``, else ``$INITIATIVE_FIGURES``, else the default."""
    return _resolve(path, FIGURES_ENV, DEFAULT_FIGURES_DIR)


def cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache folder: ``path``, else ``$INITIATIVE_DATA``, else the user cache folder.

    The user cache folder comes from :func:`platformdirs.user_cache_dir` (it honours
    ``$XDG_CACHE_HOME`` on Linux). The folder is not created here; code that writes to
    it creates it.

    Examples
    --------
    >>> from initiative_lib.paths import cache_dir
    >>> cache_dir("/tmp/my-cache").name
    'my-cache'
    >>> cache_dir().name == "initiative_lib" or "INITIATIVE_DATA" in __import__("os").environ
    True
    """
    return _resolve(path, CACHE_ENV, Path(platformdirs.user_cache_dir(APP_NAME, False)))
