"""The benchmark scripts still run against the package (they are not part of the suite's
timings, which live in benchmarks/ alone): each imports, and the cheap parts run on tiny
sizes. A renamed package function broke chains.py unnoticed once; this catches it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(p.stem for p in BENCHMARKS.glob("*.py"))


def _load(name: str):
    sys.path.insert(0, str(BENCHMARKS))  # the scripts import their siblings (timing, ...)
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_imports(name):
    assert hasattr(_load(name), "__doc__")


def test_chain_dimensions_on_small_chains(capsys):
    _load("chains").dimensions(largest=3, krylov_up_to=3)
    out = capsys.readouterr().out
    # the Ising open chain of three cells: 2^3 = 8 states in its sectors, printed "(8)"
    assert "ising    open N=2:" in out and "(8)" in out


def test_open_map_agrees_with_its_expm_reference():
    """open_speed's own two paths on a 3 x 4 grid: ours against its batched expm."""
    bench = _load("open_speed")
    t, rates = np.linspace(0, 2, 4), np.array([0.0, 0.3, 1.0])
    assert np.max(np.abs(bench.ours(t, rates) - bench.expm_rows(t, rates))) < 1e-10
    times = bench.stages(t, rates)  # set-up, rho(t), spectra, first pass: CPU seconds
    assert times.shape == (4,) and np.all(times >= 0)
