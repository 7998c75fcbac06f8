#!/usr/bin/env python3
"""Quick timings of the two longest computations of the main job, for before/after rows.

    python benchmarks/quick.py grid [--sparse]         # notebook 03's K grid: search_k(..., n_jobs=2)
    python benchmarks/quick.py robustness [--sparse]   # notebook 05's refits: robustness_table(..., n_jobs=2)

``--sparse`` runs the LDA E-step in its sparse-matrix form instead of the
compiled loops (:data:`initiative_lib.topics.lda.USE_FUSED`); both give the
same numbers, which the script checks by printing a digest of the result.
Time the whole process from outside (e.g. ``/usr/bin/time -v``), several runs.
"""

from __future__ import annotations

import hashlib
import sys


def main(argv: list[str]) -> int:
    from initiative_lib.topics import lda

    if "--sparse" in argv:
        lda.USE_FUSED = False  # inherited by the worker processes (fork)
    from initiative_lib.study import analysis_data, robustness_table
    from initiative_lib.study.robustness import DEFAULT_SPECIFICATIONS
    from initiative_lib.study.specification import K_GRID, SEEDS
    from initiative_lib.topics import search_k

    data = analysis_data()
    if argv and argv[0] == "robustness":
        table = robustness_table(DEFAULT_SPECIFICATIONS, raw=data.raw, n_jobs=2)
        text = table.to_csv(index=False)
    else:
        text = search_k(data.fit, K_GRID, seeds=SEEDS, method="lda", n_jobs=2).to_csv(index=False)
    sys.stdout.write(f"result sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
