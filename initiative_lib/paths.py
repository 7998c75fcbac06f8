"""Every path the package uses, resolved in one place.

Each location resolves in three steps: an explicit argument, then an
environment variable, then the package default. Nothing depends on the
current working directory.

=====================  ============================  ==================================
what                   environment variable          default
=====================  ============================  ==================================
corpus folder          ``INITIATIVE_CORPUS``         ``<repository>/corpus``
figures folder         ``INITIATIVE_FIGURES``        ``<repository>/figures``
download cache         ``INITIATIVE_DATA``           ``$XDG_CACHE_HOME/initiative_lib``
                                                     (``~/.cache/initiative_lib``)
=====================  ============================  ==================================
"""

from __future__ import annotations

import os
from pathlib import Path

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

DEFAULT_CORPUS_DIR = REPO_DIR / "corpus"
DEFAULT_FIGURES_DIR = REPO_DIR / "figures"


def _resolve(value: str | os.PathLike[str] | None, env: str, default: Path) -> Path:
    if value is not None:
        return Path(value).expanduser().resolve()
    from_env = os.environ.get(env)
    if from_env:
        return Path(from_env).expanduser().resolve()
    return default


def corpus_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the corpus folder: ``path``, else ``$INITIATIVE_CORPUS``, else the default.

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
    """Return the download cache: ``path``, else ``$INITIATIVE_DATA``, else the user cache.

    The folder is not created here; code that writes to it creates it.
    """
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path("~/.cache").expanduser()
    return _resolve(path, CACHE_ENV, base / "initiative_lib")
