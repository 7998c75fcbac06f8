#!/usr/bin/env python3
"""Time counting and the LDA E-step locally and on a Dask LocalCluster, on the UN General Debate paragraphs.

    python benchmarks/dask_scaling.py [--ungdc PATH] [--passes 5] [--k 15] [--skip-counting] [--skip-fit]

Counting: builds the paragraph matrix (``ungdc_paragraph_matrix``, no cache:
read, clean, split, count) with ``n_jobs`` 1 and 2 in this process and with
``client=`` a ``LocalCluster`` of 1 and 2 single-threaded worker processes
(the cluster started before the clock), and checks that all four matrices are
identical. E-step: preprocesses the matrix as in ``benchmarks/run.py``, then
fits ``VectorizedLDA`` with the same seed (a) in this process with 1 and 2
threads and (b) inside ``dask_backend`` on a ``LocalCluster`` of 1 and 2
single-threaded worker processes. Prints markdown rows (wall and CPU seconds
of this process; the workers' CPU is not counted) and checks that all fits are
bit-identical. Needs the offline mirror and the ``dask`` extra.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PREPROCESS = {"stopwords": "english", "min_df": 50, "max_df": 0.5}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mirror = Path(os.environ.get("INITIATIVE_MIRROR", ROOT.parent / "shared" / "corpora"))
    parser.add_argument("--ungdc", type=Path, default=mirror / "ungdc")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--k", type=int, default=15)
    parser.add_argument("--skip-counting", action="store_true")
    parser.add_argument("--skip-fit", action="store_true")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from initiative_lib.build.ungdc_paragraphs import ungdc_paragraph_matrix
    from initiative_lib.methods.preprocess import PreprocessConfig, preprocess
    from initiative_lib.topics.distributed import dask_backend
    from initiative_lib.topics.lda import VectorizedLDA

    cluster_args = {"threads_per_worker": 1, "processes": True, "dashboard_address": None, "silence_logs": 40}
    size = sum(p.stat().st_size for p in args.ungdc.rglob("*.txt"))
    if not args.skip_counting:
        out = [
            f"Counting: {size / 1e6:.1f} MB of UNGDC speeches read, cleaned, split and counted (no cache)",
            "| set-up | wall s | MB/s | identical to the first |",
            "|---|---|---|---|",
        ]
        first = None

        def count(label: str, **kw: object) -> None:
            nonlocal first
            t = time.perf_counter()
            m = ungdc_paragraph_matrix(args.ungdc, cache=False, progress=False, **kw)  # type: ignore[arg-type]
            seconds = time.perf_counter() - t
            key = (m.counts.indptr.tobytes(), m.counts.indices.tobytes(), m.counts.data.tobytes(), tuple(m.vocab))
            first = key if first is None else first
            out.append(f"| {label} | {seconds:.1f} | {size / 1e6 / seconds:.1f} | {key == first} |")

        count("this process, n_jobs=1", n_jobs=1)
        count("this process, n_jobs=2", n_jobs=2)
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, **cluster_args) as cluster, Client(cluster) as client:
                count(f"Dask LocalCluster, {workers} worker process(es), client=", client=client)
        sys.stdout.write("\n".join(out) + "\n\n")
        sys.stdout.flush()
    if args.skip_fit:
        return 0

    start = time.perf_counter()
    dtm = ungdc_paragraph_matrix(args.ungdc, n_jobs=2, progress=False)
    X = preprocess(dtm, PreprocessConfig(**PREPROCESS)).counts.tocsr().astype(np.float64)
    X = X[np.asarray(X.sum(axis=1)).ravel() > 0]
    tokens = float(X.sum())
    sys.stderr.write(
        f"matrix {X.shape[0]:,} x {X.shape[1]:,}, {X.nnz:,} non-zeros in {time.perf_counter() - start:.0f} s\n"
    )

    def fit(n_jobs: int = 1) -> tuple[float, np.ndarray]:
        t = time.perf_counter()
        model = VectorizedLDA(args.k, max_iter=args.passes, random_state=0, n_jobs=n_jobs).fit(X)
        return time.perf_counter() - t, model.components_

    rows, reference = [], None
    for label, n_jobs in (("this process, 1 thread", 1), ("this process, 2 threads", 2)):
        seconds, comps = fit(n_jobs)
        reference = comps if reference is None else reference
        rows.append((label, seconds, np.array_equal(comps, reference)))
    for workers in (1, 2):
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            Client(cluster) as client,
            dask_backend(client),
        ):
            seconds, comps = fit()
        rows.append((f"Dask LocalCluster, {workers} worker process(es)", seconds, np.array_equal(comps, reference)))
    out = [
        f"UNGDC paragraphs: {X.shape[0]:,} x {X.shape[1]:,}, {X.nnz:,} non-zeros, {tokens:,.0f} tokens; "
        f"K = {args.k}, {args.passes} passes",
        "| set-up | fit s | s per pass | s per pass per million tokens | identical to the first |",
        "|---|---|---|---|---|",
    ]
    for label, seconds, same in rows:
        per_pass = seconds / args.passes
        out.append(f"| {label} | {seconds:.1f} | {per_pass:.2f} | {per_pass / tokens * 1e6:.3f} | {same} |")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
