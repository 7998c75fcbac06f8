#!/usr/bin/env python3
"""Time reading the UN General Debate mirror into the paragraph matrix (issue 12, "at the speed of the disk").

    python benchmarks/read_speed.py [--ungdc PATH] [--jobs 2] [--package DIR] [--python-counting] [--texts]

One run in this process, without the cache: ``ungdc_paragraph_matrix(n_jobs=JOBS,
cache=False)`` (read, clean, split, count), or with ``--texts`` ``count_texts``
on the paragraphs already in memory (counting alone). Prints one line: MB,
wall seconds, MB/s, CPU seconds (user + system of this process and its worker
processes), the matrix's shape and a digest of its bytes (counts, vocabulary,
rows) that must not change between versions. ``--package DIR`` imports
``initiative_lib`` from another checkout (to time an earlier version the same
way); ``--python-counting`` turns the compiled counting loop off. Run it
several times, old and new in turn, for medians (see ``benchmarks/RESULTS.md``, section (e)).
Needs the offline mirror. The files are read once before the clock starts, so the
figures are those of a warm page cache.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mirror = Path(os.environ.get("INITIATIVE_MIRROR", ROOT.parent / "shared" / "corpora"))
    parser.add_argument("--ungdc", type=Path, default=mirror / "ungdc")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--package", type=Path, default=None)
    parser.add_argument("--python-counting", action="store_true")
    parser.add_argument("--texts", action="store_true")
    args = parser.parse_args()
    if args.package is not None:
        sys.path.insert(0, str(args.package.resolve()))
    import numpy as np

    import initiative_lib
    from initiative_lib.build import ungdc_paragraphs as pm

    if args.python_counting:
        from initiative_lib.text import counting

        counting.COMPILED_FROM = sys.maxsize
    files = sorted(p for p in args.ungdc.rglob("*.txt"))
    size = sum(len(p.read_bytes()) for p in files)  # warm the page cache
    if args.texts:
        from initiative_lib.build.sources.ungdc import speech_paragraphs
        from initiative_lib.text.cleaning import read_clean

        texts = [par for p in files for par in speech_paragraphs(read_clean(p.read_bytes())[0])]
        size = sum(len(t.encode("utf-8")) for t in texts)
    cpu, start = _cpu(), time.perf_counter()
    if args.texts:
        m = pm.count_texts(texts, n_jobs=args.jobs)
    else:
        m = pm.ungdc_paragraph_matrix(args.ungdc, n_jobs=args.jobs, cache=False, progress=False)
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    digest = hashlib.sha256()
    for part in (m.counts.indptr, m.counts.indices, m.counts.data):
        digest.update(str(part.dtype).encode())  # the same bytes as dtype + tobytes(), without copying them
        digest.update(memoryview(np.ascontiguousarray(part)).cast("B"))
    digest.update("\0".join(m.vocab).encode())
    digest.update(m.rows.to_csv(index=False).encode())
    sys.stdout.write(
        f"{Path(initiative_lib.__file__).parents[1].name} jobs={args.jobs} {'texts' if args.texts else 'read'}: "
        f"{size / 1e6:.1f} MB in {wall:.1f} s = {size / 1e6 / wall:.1f} MB/s, CPU {cpu:.1f} s; "
        f"{m.shape[0]:,} x {m.shape[1]:,}, {m.counts.nnz:,} non-zeros, digest {digest.hexdigest()[:16]}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
