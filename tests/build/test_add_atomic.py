"""``corpus add`` is all or nothing: kills at every step and at random times, SIGTERM, a full disk,
a read-only corpus folder, concurrent adds. After each, the corpus validates and holds either the
old documents or the old ones plus the new one, never a mix.

Texts are invented (random words from a fixed invented list).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, write_tiny_corpus

from initiative_lib.build.add import add_document
from initiative_lib.corpus import journal, schema
from initiative_lib.corpus.features import clear_parsed_features
from initiative_lib.corpus.load import load_corpus, read_manifest, validate_corpus
from initiative_lib.errors import CorpusError

META = {"title": "A Large Invented Paper", "issuer": "Nobody", "date": "2023-04-05"}
WORDS = [
    "open",
    "secure",
    "network",
    "router",
    "packet",
    "cable",
    "engineer",
    "policy",
    "plan",
    "budget",
    "region",
    "people",
    "library",
]
FORK = mp.get_context("fork")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def big_text(n_paragraphs: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    paras = []
    for _ in range(n_paragraphs):
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 90))]
        paras.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paras) + "\n"


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text(big_text(1500))  # about 0.6 MB
    return path


@pytest.fixture
def pristine(tmp_path: Path) -> Path:
    return write_tiny_corpus(tmp_path / "pristine")


def _child_add(file: str, doc_id: str, root: str, crash_at: str | None) -> None:
    # a forked child inherits the features files the parent has parsed (read_features keeps them by content,
    # and _state's validation fills that); forget them so every add does the work of the timed one
    clear_parsed_features()
    if crash_at is not None:
        os.environ[journal.CRASH_ENV] = crash_at
    add_document(file, doc_id=doc_id, corpus_dir=root, **META)


def _state(root: Path, before_ids: list[str], doc_id: str) -> str:
    """Validate the corpus (this also finishes an interrupted change) and say which state it is in."""
    validate_corpus(corpus_dir=root)
    ids = read_manifest(root)["doc_id"].tolist()
    if ids == before_ids:
        assert not (root / schema.TEXTS_DIR / f"{doc_id}.txt").exists()
        return "old"
    assert ids == [*before_ids, doc_id]
    return "new"


STEPS = ["staged-0", "staged-1", "staged-2", "journal-tmp", "journal", "moved-0", "moved-1", "moved-2"]


@pytest.mark.parametrize("step", STEPS)
def test_kill_at_every_step(tmp_path: Path, step: str) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    before = snapshot(root)
    ids = read_manifest(root)["doc_id"].tolist()
    user = tmp_path / "mine.txt"
    user.write_text(big_text(20))
    proc = FORK.Process(target=_child_add, args=(str(user), "mine", str(root), step))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL
    expected = "old" if step.startswith("staged") or step == "journal-tmp" else "new"
    if expected == "old":
        # nothing of the corpus changed; only hidden leftovers, which the loader ignores
        assert {k: v for k, v in snapshot(root).items() if not k.startswith(".")} == before
    assert _state(root, ids, "mine") == expected
    assert not (root / journal.JOURNAL_FILE).exists()
    if expected == "new":
        assert load_corpus(corpus_dir=root).loc["mine", "n_tokens"] > 0


def _timed_add(root: Path, file: Path) -> float:
    start = time.perf_counter()
    add_document(file, doc_id="timing", corpus_dir=root, **META)
    return time.perf_counter() - start


@pytest.mark.slow
def test_sigkill_at_random_points_50_runs(tmp_path: Path, pristine: Path, big_file: Path) -> None:
    """Fifty adds of a large file, each killed (SIGKILL) at a random time; the corpus validates after each."""
    work = tmp_path / "work"
    shutil.copytree(pristine, work)
    _timed_add(work, big_file)  # warm up, then time an add as the runs below make it: in a forked child
    shutil.rmtree(work)
    shutil.copytree(pristine, work)
    start = time.perf_counter()
    proc = FORK.Process(target=_child_add, args=(str(big_file), "big", str(work), None))
    proc.start()
    proc.join(60)
    duration = time.perf_counter() - start
    print(f"one add of {big_file.stat().st_size} bytes: {duration:.2f} s")
    ids = read_manifest(pristine)["doc_id"].tolist()
    rng = random.Random(20260101)
    seen = {"old": 0, "new": 0}
    killed = 0
    for run in range(50):
        shutil.rmtree(work)
        shutil.copytree(pristine, work)
        # half the kills anywhere in the run, half in its second half, where the files are written
        delay = rng.uniform(0, duration) if run % 2 else rng.uniform(duration * 0.5, duration * 1.05)
        proc = FORK.Process(target=_child_add, args=(str(big_file), "big", str(work), None))
        proc.start()
        time.sleep(delay)
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGKILL)
        proc.join(60)
        assert proc.exitcode in (0, -signal.SIGKILL)  # killed, or finished: never failed on its own
        killed += proc.exitcode == -signal.SIGKILL
        seen[_state(work, ids, "big")] += 1
    print(f"killed {killed} of 50 runs; corpus after them: {seen}")
    assert seen["old"] + seen["new"] == 50
    assert killed >= 20  # the kills did land while the add ran
    assert seen["old"] > 0


def test_sigterm_of_the_command_line(tmp_path: Path, big_file: Path) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    ids = read_manifest(root)["doc_id"].tolist()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "initiative_lib", "corpus", "add", str(big_file), "--doc-id", "big"]
    cmd += ["--title", "T", "--issuer", "I", "--date", "2023-01-01", "--corpus-dir", str(root)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert _state(root, ids, "big") in ("old", "new")


def test_concurrent_adds_lose_no_update(tmp_path: Path) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    ids = read_manifest(root)["doc_id"].tolist()
    files = []
    for i in range(3):
        f = tmp_path / f"u{i}.txt"
        f.write_text(big_text(200, seed=i))
        files.append(f)
    procs = [FORK.Process(target=_child_add, args=(str(f), f"u{i}", str(root), None)) for i, f in enumerate(files)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    validate_corpus(corpus_dir=root)
    assert sorted(read_manifest(root)["doc_id"].tolist()) == sorted([*ids, "u0", "u1", "u2"])


def test_read_only_corpus_root_with_writable_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    before = snapshot(root)
    user = tmp_path / "mine.txt"
    user.write_text(big_text(5))
    # the suite may run as root, for whom chmod does not bind: the code asks os.access, so ask it here
    real_access = os.access
    monkeypatch.setattr(journal.os, "access", lambda p, mode: False if Path(p) == root else real_access(p, mode))
    with pytest.raises(CorpusError, match=f"{root}: the corpus folder is read-only"):
        add_document(user, doc_id="mine", corpus_dir=root, **META)
    assert snapshot(root) == before


def test_read_only_texts_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    before = snapshot(root)
    user = tmp_path / "mine.txt"
    user.write_text(big_text(5))
    real_access = os.access
    texts = root / schema.TEXTS_DIR
    monkeypatch.setattr(journal.os, "access", lambda p, mode: False if Path(p) == texts else real_access(p, mode))
    with pytest.raises(CorpusError, match=r"texts/mine\.txt: could not be written .*read-only.*unchanged"):
        add_document(user, doc_id="mine", corpus_dir=root, **META)
    assert snapshot(root) == before


def test_pending_journal_in_read_only_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    ids = read_manifest(root)["doc_id"].tolist()
    user = tmp_path / "mine.txt"
    user.write_text(big_text(5))
    proc = FORK.Process(target=_child_add, args=(str(user), "mine", str(root), "moved-0"))
    proc.start()
    proc.join(60)
    monkeypatch.setattr(journal.os, "access", lambda *_a: False)
    with pytest.raises(CorpusError, match=r"\.journal\.json: an interrupted change is pending"):
        load_corpus(corpus_dir=root)
    monkeypatch.undo()
    assert _state(root, ids, "mine") == "new"


def test_corrupt_staged_file_is_refused(tmp_path: Path) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    user = tmp_path / "mine.txt"
    user.write_text(big_text(5))
    proc = FORK.Process(target=_child_add, args=(str(user), "mine", str(root), "journal"))
    proc.start()
    proc.join(60)
    staged = sorted((root / journal.STAGING_DIR).iterdir())[1]
    staged.write_bytes(staged.read_bytes()[:-3])
    with pytest.raises(CorpusError, match=f"{staged}: staged file differs from the SHA-256"):
        validate_corpus(corpus_dir=root)


def test_leftover_staging_is_ignored_and_removed(tmp_path: Path) -> None:
    root = write_tiny_corpus(tmp_path / "corpus")
    ids = read_manifest(root)["doc_id"].tolist()
    user = tmp_path / "mine.txt"
    user.write_text(big_text(5))
    proc = FORK.Process(target=_child_add, args=(str(user), "mine", str(root), "staged-2"))
    proc.start()
    proc.join(60)
    assert (root / journal.STAGING_DIR).is_dir()
    assert _state(root, ids, "mine") == "old"
    assert not (root / journal.STAGING_DIR).exists()
    add_document(user, doc_id="mine", corpus_dir=root, **META)
    assert _state(root, ids, "mine") == "new"
