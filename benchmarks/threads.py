"""BLAS threads on a loaded machine: the report's chain stage with and without the limit.

The CLI and the report run inside :func:`qb_symbolic.core.threads.limited_blas` (one BLAS
thread unless ``QB_BLAS_THREADS`` says otherwise). This script measures why, in one run:
it loads every core with a busy process (a stand-in for the other jobs of a shared
machine), then times the report's chain claims (``evaluate_chain_claims``, the stage that
took 65-87 s on a busy machine in issue 23) in fresh processes, once with the BLAS library
left at its default pool (``QB_BLAS_THREADS=0``) and once limited to one thread, in
alternation, and prints the times and their ratio. ``--idle`` skips the load.

Usage: ``python3 benchmarks/threads.py [--repeats 2] [--idle]``
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time

WORKLOAD = """
import time
from qb_symbolic.core.threads import limited_blas
from qb_symbolic.paper.claims_chains import evaluate_chain_claims
start = time.perf_counter()
with limited_blas():
    evaluate_chain_claims()
print(time.perf_counter() - start)
"""


def _spin(stop) -> None:
    while not stop.is_set():
        sum(range(10_000))


def _timed(limit: str) -> float:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env["QB_BLAS_THREADS"] = limit
    done = subprocess.run([sys.executable, "-c", WORKLOAD], env=env, capture_output=True,
                          text=True, check=True)
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--idle", action="store_true", help="no background load")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    stop = multiprocessing.Event()
    load = [] if args.idle else [multiprocessing.Process(target=_spin, args=(stop,))
                                 for _ in range(cores)]
    for process in load:
        process.start()
    times: dict[str, list[float]] = {"0": [], "1": []}
    try:
        for _ in range(args.repeats):
            for limit in ("0", "1"):
                times[limit].append(_timed(limit))
    finally:
        stop.set()
        for process in load:
            process.join()
    default, limited = min(times["0"]), min(times["1"])
    print(f"{time.strftime('%Y-%m-%d')}, {cores} cores, "
          f"{'idle' if args.idle else f'{cores} busy processes beside'}; best of {args.repeats}")
    print(f"report chain stage, default BLAS pool : {default:7.2f} s  (all: "
          f"{', '.join(f'{x:.1f}' for x in times['0'])})")
    print(f"report chain stage, one BLAS thread   : {limited:7.2f} s  (all: "
          f"{', '.join(f'{x:.1f}' for x in times['1'])})")
    print(f"default / limited: {default / limited:.2f}x")


if __name__ == "__main__":
    from report_page import record_run  # writes this run's section of docs/benchmarks.md

    record_run(__file__, main)
