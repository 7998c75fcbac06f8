"""Download the upstream source files of the corpus, for users who want full texts.

Most documents ship as per-segment counts only. Their source files are public
at pinned upstream URLs, listed with their SHA-256 in the corpus's
``sources.csv``. :func:`fetch_texts` (command line: ``python -m
initiative_lib corpus fetch``) downloads them into a local cache, checking
every hash, and :func:`read_full_text` returns a document's cleaned text from
the cache, cut out of its source files exactly as the build does.

The cache folder is ``cache_dir=``, else ``$INITIATIVE_DATA``, else
``~/.cache/initiative_lib`` (see :func:`initiative_lib.paths.cache_dir`); a
file is stored at ``<cache>/<source_path>``. The network is used only by
:func:`fetch_texts` and only when no ``mirror=`` is given, through
:mod:`pooch` (:func:`download_file`): each file is streamed to a temporary
file while it is hashed, capped at the size ``sources.csv`` records, retried
after transient failures, stopped at a total deadline, and renamed into place
only when its SHA-256 matches. Every error names the URL.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from initiative_lib.corpus import schema
from initiative_lib.corpus.features import atomic_write_bytes
from initiative_lib.corpus.load import Corpus, open_corpus, read_checksums, sha256_file
from initiative_lib.errors import ChecksumError, CorpusError, where
from initiative_lib.paths import cache_dir as resolve_cache_dir
from initiative_lib.text.cleaning import clean_text, decode_bytes

PathLike = str | os.PathLike[str]

USER_AGENT = "initiative_lib (+https://github.com; research corpus fetch)"
PART_SEPARATOR = "\n\n"


# ---------------------------------------------------------------- sources.csv
def read_sources(root: Path) -> list[dict[str, str]]:
    """Read and check ``sources.csv`` of a corpus folder.

    The file's SHA-256 is checked against ``SHA256SUMS`` first, so that the
    hashes the downloads are checked against are the corpus's own.

    Raises
    ------
    CorpusError
        The file is missing, its columns differ from
        :data:`initiative_lib.corpus.schema.SOURCE_COLUMNS`, or a row is malformed
        (the message names file, row, field and value).
    ChecksumError
        ``sources.csv`` differs from its recorded SHA-256.
    """
    path = root / schema.SOURCES_FILE
    if not path.is_file():
        msg = f"{path}: not found; is {root} a corpus folder built from the mirror?"
        raise CorpusError(msg)
    expected_sum = read_checksums(root).get(schema.SOURCES_FILE)
    actual_sum = sha256_file(path)
    if expected_sum is not None and actual_sum != expected_sum:
        msg = f"{path}: SHA-256 mismatch; expected {expected_sum} but got {actual_sum}"
        raise ChecksumError(msg)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != schema.SOURCE_COLUMNS:
            msg = f"{path}: columns must be {schema.SOURCE_COLUMNS}; got {reader.fieldnames}"
            raise CorpusError(msg)
        rows = list(reader)
    for row_no, row in enumerate(rows, start=2):
        for col in ("doc_id", "source_path", "source_url"):
            if not (row[col] or "").strip():
                msg = f"{where(path, row_no, col)}: value is empty; a value is required"
                raise CorpusError(msg)
        if not schema.SHA256_RE.match(row["source_sha256"] or ""):
            value = row["source_sha256"]
            msg = f"{where(path, row_no, 'source_sha256')}: value {value!r}; expected 64 lower-case hex digits"
            raise CorpusError(msg)
        rel = Path(row["source_path"])
        if rel.is_absolute() or ".." in rel.parts:
            value = row["source_path"]
            msg = f"{where(path, row_no, 'source_path')}: value {value!r}; expected a relative path inside the cache"
            raise CorpusError(msg)
    return rows


def _select(corpus: Corpus, rows: list[dict[str, str]], doc_ids: Iterable[str] | None) -> list[dict[str, str]]:
    if doc_ids is None:
        return rows
    wanted = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)
    known = set(corpus.manifest["doc_id"])
    unknown = [d for d in wanted if d not in known]
    if unknown:
        msg = (
            f"doc_id {unknown[0]!r} is not in {corpus.root / schema.DOCUMENTS_FILE}"
            f" (unknown: {unknown[:5]}); expected ids such as {sorted(known)[:3]}"
        )
        raise CorpusError(msg)
    chosen = set(wanted)
    return [r for r in rows if r["doc_id"] in chosen]


def _unique_files(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    files: dict[str, dict[str, str]] = {}
    for row in rows:
        seen = files.setdefault(row["source_path"], row)
        if seen["source_sha256"] != row["source_sha256"]:
            msg = (
                f"sources.csv lists {row['source_path']!r} twice with different SHA-256 "
                f"({seen['source_sha256']} for {seen['doc_id']!r}, {row['source_sha256']} for {row['doc_id']!r})"
            )
            raise CorpusError(msg)
    return files


# ---------------------------------------------------------------- download
class FetchError(ConnectionError):
    """A download failed for good (the message names the URL); not retried."""


class _Transient(Exception):
    """A failure worth another attempt (connection reset, time-out of one read, HTTP 5xx or 429)."""


#: HTTP statuses worth retrying
TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}


class _Downloader:
    """A pooch downloader: streams to pooch's temporary file while hashing, under a size cap and a deadline.

    Raises :class:`FetchError` on a permanent failure (HTTP 4xx, more bytes
    than ``max_bytes``, the deadline passed) and ``requests``' own exceptions
    on transient ones, which :meth:`pooch.Pooch.fetch` retries.
    """

    def __init__(self, *, timeout: float, deadline_at: float, max_bytes: int | None) -> None:
        self.timeout = timeout
        self.deadline_at = deadline_at
        self.max_bytes = max_bytes
        self.attempts = 0
        self.sha256 = ""

    def _left(self, url: str) -> float:
        import time

        left = self.deadline_at - time.monotonic()
        if left <= 0:
            msg = f"could not download {url}: the deadline for this file passed (after {self.attempts} attempt(s))"
            raise FetchError(msg)
        return left

    def __call__(self, url: str, output_file: object, _pooch: object) -> None:
        import requests
        import urllib3

        self.attempts += 1
        scheme = urlsplit(url).scheme
        if scheme not in ("https", "http"):
            msg = f"refusing to download {url!r}: expected an https:// URL"
            raise FetchError(msg)
        timeout = min(self.timeout, self._left(url))
        digest = hashlib.sha256()
        n = 0
        try:
            with requests.get(url, stream=True, timeout=timeout, headers={"User-Agent": USER_AGENT}) as response:
                if response.status_code in TRANSIENT_STATUS:
                    response.raise_for_status()  # a requests error: pooch retries it
                if response.status_code >= 400:
                    msg = f"could not download {url}: HTTP {response.status_code} {response.reason}"
                    raise FetchError(msg)
                with open(str(output_file), "wb") as fh:
                    # read1: whatever has arrived, at most 64 kB, so that the deadline is checked after
                    # every read even when a server trickles bytes (it overruns by one read time-out at most)
                    while chunk := response.raw.read1(1 << 16, decode_content=True):
                        n += len(chunk)
                        if self.max_bytes is not None and n > self.max_bytes:
                            msg = (
                                f"could not download {url}: more than the {self.max_bytes} bytes that "
                                "sources.csv records (n_bytes); stopped"
                            )
                            raise FetchError(msg)
                        digest.update(chunk)
                        fh.write(chunk)
                        self._left(url)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as err:
            if isinstance(err, FetchError):
                raise
            self._left(url)  # past the deadline: say so instead of retrying
            msg = f"{url}: {type(err).__name__}: {err}"
            raise requests.exceptions.ConnectionError(msg) from None

        if self.max_bytes is not None and n != self.max_bytes:
            msg = f"{url}: got {n} bytes; expected {self.max_bytes} (sources.csv n_bytes); the transfer was cut short"
            raise requests.exceptions.ConnectionError(msg)
        self.sha256 = digest.hexdigest()


def download_file(
    url: str,
    target: PathLike,
    *,
    sha256: str,
    n_bytes: int | None = None,
    timeout: float = 30,
    deadline: float = 600,
    retries: int = 2,
) -> Path:
    """Download ``url`` to ``target`` with :mod:`pooch`, checking its SHA-256; nothing is left on failure.

    The body is streamed to a temporary file beside ``target`` while it is
    hashed, and renamed into place only when the SHA-256 matches.

    Parameters
    ----------
    url : str
        An ``https://`` (or ``http://``) URL.
    target : path
        Where the file goes; its folder is created.
    sha256 : str
        The expected SHA-256 (64 hex digits).
    n_bytes : int, optional
        The expected size: the download stops as soon as it exceeds it, and a
        shorter one counts as cut short (and is retried).
    timeout : float, default=30
        Seconds to wait for the connection and for each read.
    deadline : float, default=600
        Seconds for the whole file, all attempts included; a server that
        trickles bytes is stopped when it passes.
    retries : int, default=2
        Further attempts after a transient failure (a connection error, a
        read time-out, HTTP 408, 425, 429 or 5xx, a cut-short transfer);
        pooch waits 1, 2, ... seconds between them.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    FetchError
        The download failed (HTTP 4xx, too many bytes, the deadline, or every
        attempt failed); the message names the URL.
    ChecksumError
        The file's SHA-256 differs (the message names the URL, expected and actual).
    """
    import logging
    import time

    import pooch
    import requests

    target = Path(target)
    downloader = _Downloader(timeout=timeout, deadline_at=time.monotonic() + deadline, max_bytes=n_bytes)
    store = pooch.create(
        path=target.parent,
        base_url="",
        registry={target.name: f"sha256:{sha256}"},
        urls={target.name: url},
        retry_if_failed=retries,
    )
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        store.fetch(target.name, downloader=downloader)
    except ValueError as err:  # pooch's hash mismatch, after its retries
        target.unlink(missing_ok=True)
        actual = downloader.sha256 or "unknown"
        msg = f"{url}: SHA-256 mismatch; expected {sha256} but got {actual}; the file was not saved ({err})"
        raise ChecksumError(msg) from None
    except requests.exceptions.RequestException as err:
        msg = f"could not download {url} after {downloader.attempts} attempt(s): {err}"
        raise FetchError(msg) from None
    except OSError as err:
        if isinstance(err, FetchError):
            raise
        msg = f"could not download {url} to {target}: {err.strerror or err}"
        raise FetchError(msg) from None
    finally:
        logger.setLevel(level)
    return target


def _cache_path(cache: Path, source_path: str) -> Path:
    target = (cache / source_path).resolve()
    if not target.is_relative_to(cache.resolve()):
        msg = f"source path {source_path!r} leaves the cache folder {cache}; expected a relative path inside it"
        raise CorpusError(msg)
    return target


def fetch_texts(
    *,
    cache_dir: PathLike | None = None,
    mirror: PathLike | None = None,
    corpus_dir: PathLike | None = None,
    doc_ids: Iterable[str] | None = None,
    timeout: float = 60,
    deadline: float = 600,
    retries: int = 2,
) -> dict[str, Path]:
    """Download the upstream source files of the corpus into the cache, checking each SHA-256.

    Parameters
    ----------
    cache_dir : path, optional
        Where to store the files; else ``$INITIATIVE_DATA``; else
        ``~/.cache/initiative_lib``. A file goes to ``<cache>/<source_path>``.
    mirror : path, optional
        Copy from this folder (same relative ``source_path``) instead of
        downloading, e.g. ``../shared/corpora``.
    corpus_dir : path, optional
        The corpus folder whose ``sources.csv`` lists the files.
    doc_ids : iterable of str, optional
        Only the source files of these documents; default all. Documents that
        ship as text have no source files and add nothing.
    timeout : float, default=60
        Seconds to wait for the connection and for each read.
    deadline : float, default=600
        Seconds for each whole file, all attempts included.
    retries : int, default=2
        Further attempts after a transient failure (see :func:`download_file`).

    Returns
    -------
    dict of str to Path
        ``source_path`` -> the cached file, for every selected file. Files
        already in the cache with the right SHA-256 are kept, not fetched again.

    Raises
    ------
    ChecksumError
        A file's SHA-256 differs from ``sources.csv`` (the message names the
        URL, the expected and the actual hash); nothing is left in the cache
        for that file.
    FetchError
        A download failed (a ConnectionError; the message names the URL).
    CorpusError
        An unknown ``doc_id``, a file missing from ``mirror``, or a corpus
        problem.

    Examples
    --------
    >>> paths = fetch_texts(doc_ids=["decl-barlow-1996"])  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['declarations/barlow-declaration-1996-blogpost.md']
    """
    corpus = open_corpus(corpus_dir=corpus_dir, validate=True)
    rows = _select(corpus, read_sources(corpus.root), doc_ids)
    cache = resolve_cache_dir(cache_dir)
    mirror_dir = Path(mirror).expanduser().resolve() if mirror is not None else None
    if mirror_dir is not None and not mirror_dir.is_dir():
        msg = f"mirror folder {mirror_dir} does not exist; expected the offline mirror, e.g. ../shared/corpora"
        raise CorpusError(msg)
    out: dict[str, Path] = {}
    for rel, row in _unique_files(rows).items():
        target = _cache_path(cache, rel)
        expected = row["source_sha256"]
        if target.is_file() and sha256_file(target) == expected:
            out[rel] = target
            continue
        url = row["source_url"]
        if mirror_dir is not None:
            source = mirror_dir / rel
            if not source.is_file():
                msg = f"{source}: source file missing from the mirror {mirror_dir} (upstream {url})"
                raise CorpusError(msg)
            data = source.read_bytes()
            origin = f"{url} (copied from {source})"
        else:
            size = int(row["n_bytes"]) if (row.get("n_bytes") or "").isdigit() else None
            target.unlink(missing_ok=True)  # a stale copy with the wrong hash is no use
            out[rel] = download_file(
                url, target, sha256=expected, n_bytes=size, timeout=timeout, deadline=deadline, retries=retries
            )
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            target.unlink(missing_ok=True)  # a stale copy with the wrong hash is no use either
            msg = f"{origin}: SHA-256 mismatch; expected {expected} but got {actual}; the file was not saved"
            raise ChecksumError(msg)
        atomic_write_bytes(target, data)
        out[rel] = target
    return out


# ---------------------------------------------------------------- full texts
def _part_text(doc_id: str, group: str, row: dict[str, str], data: bytes) -> str:
    text, _counts = decode_bytes(data)
    if group == "declaration":
        from initiative_lib.build.sources.declarations import DECLARATIONS

        decl = next((d for d in DECLARATIONS if d.doc_id == doc_id), None)
        if decl is None:
            msg = f"declaration {doc_id!r} has no reader in initiative_lib.build.sources.declarations.DECLARATIONS"
            raise CorpusError(msg)
        text = decl.extract(text)
    elif group == "netmundial" and row["part"] == "form":
        from initiative_lib.build.sources.netmundial import parse_form

        _fields, text = parse_form(text, source=Path(row["source_path"]).name)
    cleaned, _record = clean_text(text)
    return cleaned


def read_full_text(doc_id: str, *, cache_dir: PathLike | None = None, corpus_dir: PathLike | None = None) -> str:
    """Return the cleaned full text of a document.

    A document that ships as text is read from the corpus; any other is read
    from its source files in the cache (see :func:`fetch_texts`), decoded,
    cut as the build cuts it (a declaration's own reader, a NETmundial form
    without its header) and cleaned. The parts of a NETmundial submission
    (form, then attachment) are joined by a blank line; passages the two
    parts repeat, which the corpus counts once, appear in both.

    Parameters
    ----------
    doc_id : str
        A document of the corpus.
    cache_dir : path, optional
        The cache :func:`fetch_texts` filled.
    corpus_dir : path, optional
        The corpus folder.

    Returns
    -------
    str
        The cleaned text (see :func:`initiative_lib.text.cleaning.clean_text`);
        segmenting and counting it gives the document's counts in the corpus,
        except where a NETmundial submission's parts repeat each other.

    Raises
    ------
    CorpusError
        ``doc_id`` is not in the corpus, or a source file is not in the cache
        (the message says to run ``fetch_texts()``).
    ChecksumError
        A cached file differs from its recorded SHA-256.

    Examples
    --------
    >>> text = read_full_text("decl-barlow-1996")  # doctest: +SKIP
    >>> text.startswith("Governments of the Industrial World")  # doctest: +SKIP
    True
    """
    corpus = open_corpus(corpus_dir=corpus_dir, validate=False)
    match = corpus.manifest.loc[corpus.manifest["doc_id"] == doc_id]
    if match.empty:
        msg = f"doc_id {doc_id!r} is not in {corpus.root / schema.DOCUMENTS_FILE}; see load_corpus().index"
        raise CorpusError(msg)
    shipped = corpus.text_of(doc_id)
    if shipped is not None:
        return clean_text(shipped)[0]
    group = str(match["group"].iloc[0])
    rows = [r for r in read_sources(corpus.root) if r["doc_id"] == doc_id]
    if not rows:
        msg = f"{corpus.root / schema.SOURCES_FILE}: no source files listed for {doc_id!r}; no full text is available"
        raise CorpusError(msg)
    cache = resolve_cache_dir(cache_dir)
    parts = []
    for row in rows:
        path = _cache_path(cache, row["source_path"])
        if not path.is_file():
            msg = (
                f"{path}: source file of {doc_id!r} is not in the cache {cache}; "
                f"run fetch_texts(doc_ids=[{doc_id!r}]) (or `python -m initiative_lib corpus fetch`) first"
            )
            raise CorpusError(msg)
        data = path.read_bytes()
        actual = hashlib.sha256(data).hexdigest()
        if actual != row["source_sha256"]:
            msg = (
                f"{path}: SHA-256 mismatch; expected {row['source_sha256']} but got {actual}; "
                f"run fetch_texts(doc_ids=[{doc_id!r}]) again"
            )
            raise ChecksumError(msg)
        parts.append(_part_text(doc_id, group, row, data))
    return PART_SEPARATOR.join(parts)
