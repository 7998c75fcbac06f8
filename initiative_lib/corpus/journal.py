"""All-or-nothing changes to a corpus folder: a lock, a staging folder and a journal.

A change (``corpus add``) runs in four steps, each safe to interrupt:

1. take the lock (an exclusive :func:`fcntl.flock` on the corpus folder,
   which the operating system releases when the process ends, however it
   ends), so two changes never interleave;
2. stage: write every new file into ``.staging/`` (same file system), flushed
   to disk. A crash here leaves the corpus as it was; the staging folder is
   hidden, ignored by the loader and removed by the next change;
3. commit point: write the journal ``.journal.json`` (through a temporary
   file, flushed, renamed), listing each staged file, its destination and its
   SHA-256;
4. move every staged file into place with :func:`os.replace`, in journal
   order, then delete the journal and the staging folder.

A crash after step 3 leaves a journal: :func:`recover` (run by every loader
before it reads the folder) moves the staged files that are still there,
checks each destination's SHA-256 and deletes the journal, which gives the new
corpus. A crash before step 3 gives the old corpus. Either way the corpus
validates. Files whose name starts with ``.`` are never part of the corpus.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from initiative_lib.errors import CorpusError, where

__all__ = ["JOURNAL_FILE", "STAGING_DIR", "commit_files", "corpus_lock", "has_pending", "path_inside", "recover"]

JOURNAL_FILE = ".journal.json"
STAGING_DIR = ".staging"
#: test hook: the name of a step at which the process kills itself (``os._exit``-like SIGKILL)
CRASH_ENV = "INITIATIVE_TEST_CRASH_AT"


def _crash_point(step: str) -> None:
    if os.environ.get(CRASH_ENV) == step:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def corpus_lock(root: Path) -> Iterator[None]:
    """Hold the corpus folder's exclusive lock (waits for another holder to finish).

    The lock is a :func:`fcntl.flock` on the folder itself: no lock file is
    left behind, and the operating system releases it when the process ends,
    however it ends.

    Raises
    ------
    CorpusError
        The folder does not exist or cannot be written.
    """
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        msg = f"{root}: cannot open the corpus folder ({err.strerror or err}); expected an existing folder"
        raise CorpusError(msg) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if not os.access(root, os.W_OK | os.X_OK):
            msg = f"{root}: the corpus folder is read-only; expected a writable folder to change the corpus"
            raise CorpusError(msg)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def path_inside(root: Path, rel: str, file: Path, row: int | str, field: str) -> Path:
    """``root / rel`` resolved, or CorpusError naming file, row and field if it leaves ``root``.

    A path read from a corpus file is data: a NUL byte in it (which the operating system
    refuses with a bare ``ValueError``) or a path leaving the folder is an error naming where it
    was read.

    Examples
    --------
    >>> path_inside(Path("/c"), "texts/a.txt", Path("/c/SHA256SUMS"), 2, "path").as_posix()
    '/c/texts/a.txt'
    >>> path_inside(Path("/c"), "a\\x00.txt", Path("/c/SHA256SUMS"), 2, "path")
    Traceback (most recent call last):
    ...
    initiative_lib.errors.CorpusError: /c/SHA256SUMS, row 2, field 'path': path 'a\\x00.txt' contains a NUL byte; ...
    """
    if "\x00" in rel:
        msg = (
            f"{where(file, row, field)}: path {rel!r} contains a NUL byte; "
            f"expected a relative path inside the corpus folder {root}"
        )
        raise CorpusError(msg)
    target = (root / rel).resolve()
    if Path(rel).is_absolute() or not target.is_relative_to(root.resolve()):
        msg = (
            f"{where(file, row, field)}: path {rel!r} leaves the corpus folder {root}; "
            "expected a relative path inside it"
        )
        raise CorpusError(msg)
    return target


def has_pending(root: Path) -> bool:
    """Whether an interrupted change left a journal (the folder needs :func:`recover`)."""
    return (root / JOURNAL_FILE).is_file()


def recover(root: Path, *, locked: bool = False) -> str | None:
    """Finish or undo an interrupted change; return what was done (None when nothing was pending).

    With a journal, the change is completed ("rolled forward"); without one,
    a leftover staging folder is removed ("rolled back"), if the folder is
    writable. Nothing is written when nothing is pending.

    Raises
    ------
    CorpusError
        A journal is pending but the folder cannot be written, or a staged
        file or destination does not have the SHA-256 the journal records.
    """
    if not has_pending(root) and not (root / STAGING_DIR).exists():
        return None
    if not locked:
        if not os.access(root, os.W_OK | os.X_OK):
            if has_pending(root):
                msg = (
                    f"{root / JOURNAL_FILE}: an interrupted change is pending but the folder cannot be "
                    "written; expected a writable corpus folder so that the change can be completed"
                )
                raise CorpusError(msg)
            return None  # a read-only folder with a stale staging folder: harmless, it is ignored
        with corpus_lock(root):
            return recover(root, locked=True)
    journal = root / JOURNAL_FILE
    if not journal.is_file():
        shutil.rmtree(root / STAGING_DIR, ignore_errors=True)
        return "rolled back"
    try:
        moves = json.loads(journal.read_text(encoding="utf-8"))["moves"]
        steps = [(str(m["staged"]), str(m["target"]), str(m["sha256"])) for m in moves]
    except (ValueError, KeyError, TypeError) as err:
        msg = f"{journal}: unreadable journal ({err}); expected the JSON written by a corpus change"
        raise CorpusError(msg) from None
    # the journal is data on disk: every path is checked before anything moves
    places = [
        (path_inside(root, staged_rel, journal, row, "staged"), path_inside(root, target_rel, journal, row, "target"))
        for row, (staged_rel, target_rel, _sha) in enumerate(steps, start=1)
    ]
    for (staged, target), (_staged_rel, _target_rel, sha) in zip(places, steps, strict=True):
        if staged.is_file():
            if sha256_file(staged) != sha:
                msg = f"{staged}: staged file differs from the SHA-256 in {journal}; expected {sha}"
                raise CorpusError(msg)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            _fsync_dir(target.parent)
        elif not target.is_file() or sha256_file(target) != sha:
            msg = f"{target}: neither staged nor in place with the SHA-256 {sha} recorded in {journal}"
            raise CorpusError(msg)
    journal.unlink()
    _fsync_dir(root)
    shutil.rmtree(root / STAGING_DIR, ignore_errors=True)
    return "rolled forward"


def commit_files(root: Path, files: Mapping[str, bytes]) -> None:
    """Replace or create ``files`` (relative path -> bytes) in ``root``, all or nothing.

    Call with the lock held (:func:`corpus_lock`) and after :func:`recover`.
    Files are moved into place in the mapping's order.

    Raises
    ------
    CorpusError
        A file could not be staged (full disk, read-only folder); the message
        names the destination and the corpus is unchanged.
    """
    staging = root / STAGING_DIR
    shutil.rmtree(staging, ignore_errors=True)
    moves = []
    current = root / next(iter(files), "")
    try:
        staging.mkdir()
        for i, (rel, data) in enumerate(files.items()):
            current = root / rel
            staged = staging / f"{i}-{Path(rel).name}"
            with open(staged, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _crash_point(f"staged-{i}")
            moves.append(
                {
                    "staged": staged.relative_to(root).as_posix(),
                    "target": rel,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
            folder = current.parent
            while not folder.exists() and folder != root:
                folder = folder.parent
            if not os.access(folder, os.W_OK | os.X_OK):
                raise PermissionError(13, f"Permission denied (folder {folder} is read-only)")
        _fsync_dir(staging)
        current = root / JOURNAL_FILE
        tmp = root / f"{JOURNAL_FILE}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"version": 1, "moves": moves}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        _crash_point("journal-tmp")
        os.replace(tmp, root / JOURNAL_FILE)
        _fsync_dir(root)
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        (root / f"{JOURNAL_FILE}.tmp").unlink(missing_ok=True)
        msg = f"{current}: could not be written ({err.strerror or err}); the corpus folder {root} is unchanged"
        raise CorpusError(msg) from None
    _crash_point("journal")
    # past the commit point: from here on, recover() completes the change whatever happens
    try:
        for i, move in enumerate(moves):
            current = root / move["target"]
            current.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / move["staged"], current)
            _fsync_dir(current.parent)
            _crash_point(f"moved-{i}")
        (root / JOURNAL_FILE).unlink()
    except OSError as err:
        msg = (
            f"{current}: could not be moved into place ({err.strerror or err}); the change is recorded in "
            f"{root / JOURNAL_FILE} and the next load of the corpus completes it"
        )
        raise CorpusError(msg) from None
    _fsync_dir(root)
    shutil.rmtree(staging, ignore_errors=True)
