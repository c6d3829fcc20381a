"""Shared test helpers: an independent mpmath reference for the battery.

Nothing here imports qb_symbolic: the reference Hamiltonian is built from
Pauli matrices in mpmath, directly from the conventions (docs/conventions.md):
basis |uu>, |ud>, |du>, |dd>, sz|u> = +|u>, cell 1 the left Kronecker factor,
H = Omega(sx1 + sx2) + J[(1+gamma) sx1 sx2 + (1-gamma) sy1 sy2 + Delta sz1 sz2]
    + D (sx1 sy2 - sy1 sx2).
"""

from __future__ import annotations

import os

# The suite runs in two pytest-xdist worker processes on two cores: each keeps one BLAS
# thread, or the workers' OpenBLAS pools oversubscribe the cores (eigh then runs up to
# 100x slower). Set before numpy is first imported in the worker.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import random

import mpmath as mp
import pytest

#: Seed of every random test (one place, so a failure is reproducible).
SEED = 20240616


def _pauli() -> dict[str, mp.matrix]:
    return {
        "1": mp.matrix([[1, 0], [0, 1]]),
        "x": mp.matrix([[0, 1], [1, 0]]),
        "y": mp.matrix([[0, -1j], [1j, 0]]),
        "z": mp.matrix([[1, 0], [0, -1]]),
    }


def mp_kron(a: mp.matrix, b: mp.matrix) -> mp.matrix:
    out = mp.matrix(a.rows * b.rows, a.cols * b.cols)
    for i in range(a.rows):
        for j in range(a.cols):
            for k in range(b.rows):
                for m in range(b.cols):
                    out[i * b.rows + k, j * b.cols + m] = a[i, j] * b[k, m]
    return out


def mp_hamiltonian(Omega, J, gamma, Delta, D) -> mp.matrix:
    """The charging Hamiltonian at the current mpmath precision."""
    s = _pauli()
    x1, x2 = mp_kron(s["x"], s["1"]), mp_kron(s["1"], s["x"])
    y1, y2 = mp_kron(s["y"], s["1"]), mp_kron(s["1"], s["y"])
    z1, z2 = mp_kron(s["z"], s["1"]), mp_kron(s["1"], s["z"])
    return (
        Omega * (x1 + x2)
        + J * ((1 + gamma) * x1 * x2 + (1 - gamma) * y1 * y2 + Delta * z1 * z2)
        + D * (x1 * y2 - y1 * x2)
    )


def mp_evolved_state(params: dict, t, dps: int = 70) -> list:
    """exp(-i H t)|dd> by mpmath ``expm`` at ``dps`` digits (the reference)."""
    with mp.workdps(dps):
        H = mp_hamiltonian(*(params[k] for k in ("Omega", "J", "gamma", "Delta", "D")))
        U = mp.expm(-1j * H * t)
        return [U[i, 3] for i in range(4)]


def random_point(rng: random.Random, omega_t_max: float = 50.0) -> tuple[dict, mp.mpf]:
    """A parameter point in the acceptance ranges and a time with Omega t <= max.

    Omega in [0.1, 10], |J|, |D|, |Delta| <= 10, |gamma| <= 1. Values are
    exact decimals (strings), so both sides see the same input.
    """
    def dec(lo: float, hi: float) -> mp.mpf:
        return mp.mpf(repr(rng.uniform(lo, hi)))

    params = {
        "Omega": dec(0.1, 10.0),
        "J": dec(-10.0, 10.0),
        "gamma": dec(-1.0, 1.0),
        "Delta": dec(-10.0, 10.0),
        "D": dec(-10.0, 10.0),
    }
    t = dec(0.0, omega_t_max) / params["Omega"]
    return params, t


@pytest.fixture
def rng() -> random.Random:
    return random.Random(SEED)
