"""Edge benchmarks: memory per output point, long charging windows, the report's cold time.

Everything is measured in this one run and printed; nothing here is a timed test
(the machines are shared and noisy). Targets (issue "Trust at the edges"):

* peak memory under about 64 bytes per output point plus a fixed amount, for a
  1e7-point time array and a 10000 x 1000 general-model map (tracemalloc; the
  fixed part is estimated from a run 10 times smaller and printed too);
* ``qb-symbolic tmin --window 1e5`` and ``max-power --window 1e5`` (Ising, D = 3)
  under 10 s on 2 cores, as a user runs them (a fresh process, warm disk cache);
* the cold time of ``qb-symbolic report`` (empty disk cache), for the README.

Run: ``python benchmarks/edges.py [--skip-report]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

import qb_symbolic as qb


def peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def memory_rows() -> list[tuple[str, int, int, int]]:
    """(case, output points, peak bytes, peak bytes of the 10x smaller case)."""
    rows = []
    cases = {
        "ergotropy, 1e7-point t (grid path)": (
            lambda n: (np.linspace(0, 100, n), {}), "ergotropy", 10_000_000),
        "power, 1e7-point t (grid path)": (
            lambda n: (np.linspace(0, 100, n), {}), "power", 10_000_000),
        "coherence, 1e7-point t (direct path)": (
            lambda n: (np.linspace(0, 100, n), {}), "coherence", 10_000_000),
        "ergotropy, 10000 x 1000 general map": (
            lambda n: (np.linspace(0, 10, 1000)[None, :],
                       {"D": np.linspace(0, 5, n // 1000)[:, None]}), "ergotropy", 10_000_000),
        "concurrence, 10000 x 1000 general map": (
            lambda n: (np.linspace(0, 10, 1000)[None, :],
                       {"D": np.linspace(0, 5, n // 1000)[:, None]}), "concurrence", 10_000_000),
    }
    for name, (make, quantity, n) in cases.items():
        qb.evaluate(quantity, np.linspace(0, 1, 100), model="general", gamma=0.3, Delta=0.5)
        sizes = []
        for size in (n // 10, n):
            t, params = make(size)
            kwargs = {"model": "general", "gamma": 0.3, "Delta": 0.5, **params}
            sizes.append(peak(lambda t=t, q=quantity, kw=kwargs: qb.evaluate(q, t, **kw)))
        rows.append((name, n, sizes[1], sizes[0]))
    return rows


def cli_seconds(argv: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "qb_symbolic", *argv], check=True,
                   capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-report", action="store_true", help="do not time the cold report")
    args = parser.parse_args()

    print("Peak memory (tracemalloc) per output point")
    for name, n, full, small in memory_rows():
        slope = (full - small) / (n - n // 10)
        fixed = full - slope * n
        print(f"  {name:40s} {full / n:6.1f} B/point overall, {slope:6.1f} B/point marginal "
              f"+ {fixed / 2**20:6.1f} MiB fixed   (target <= 64 B/point + fixed)")

    print("\nLong windows, Ising D = 3, window 1e5 (fresh process, warm cache; target < 10 s)")
    cli_seconds(["tmin", "--model", "ising", "--D", "3"])  # warms the disk cache
    for command in ("tmin", "max-power"):
        seconds = cli_seconds([command, "--model", "ising", "--D", "3", "--window", "1e5"])
        print(f"  qb-symbolic {command:9s} --window 1e5   {seconds:6.2f} s")
    start = time.perf_counter()
    result = qb.charging_time("ising", window=1e5, D=3)
    print(f"  in-process charging_time: {time.perf_counter() - start:.2f} s, "
          f"{result.grid_points:,} grid points, t_min = {float(result.t):.10f}")

    if not args.skip_report:
        with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
            env = {**os.environ, "QB_SYMBOLIC_CACHE": cache}
            seconds = cli_seconds(["report", "--out", out], env=env)
            print(f"\nqb-symbolic report, cold (empty disk cache): {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    from report_page import record_run  # writes this run's section of docs/benchmarks.md

    sys.exit(record_run(__file__, main))
