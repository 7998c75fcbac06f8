#!/usr/bin/env python3
"""Time the main job (every notebook, every figure) after set-up.

Usage: ``python3 benchmarks/bench_main.py [--repeats N]``. Runs
``python3 tasks.py env`` once (set-up, not timed), then the main job
``python3 tasks.py main`` N times, and prints the wall time of each run, the
median, and the per-notebook times that the runner reports. This is a
benchmark, not a test: it writes nothing but the notebooks and figures the
main job writes anyway (identical bytes on every run).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    subprocess.run([sys.executable, "tasks.py", "env"], cwd=ROOT, check=True)
    walls, per_notebook = [], {}
    for _ in range(args.repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "tasks.py", "main"], cwd=ROOT, check=True, capture_output=True, text=True
        )
        walls.append(time.perf_counter() - start)
        for name, seconds in re.findall(r"ran (\S+) in ([\d.]+) s", done.stderr):
            per_notebook.setdefault(name, []).append(float(seconds))
    out = sys.stdout
    out.write(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    out.write(f"main job wall time over {args.repeats} runs: {', '.join(f'{w:.1f}' for w in walls)} s; ")
    out.write(f"median {statistics.median(walls):.1f} s\n")
    for name, times in sorted(per_notebook.items()):
        out.write(f"  {name}: median {statistics.median(times):.1f} s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
