"""The Krylov path for chains beyond dense reach (issue 13): the on-the-fly operator
against Kronecker products, Lanczos stepping against eigh with its error bound kept, the
chain quantities forced onto the Krylov path against the brute force of test_chains,
and a 16-cell chain (automatically Krylov) against the parallel battery by hand."""

from __future__ import annotations

import random
from functools import reduce

import numpy as np
import pytest
import sympy as sp
from conftest import SEED
from test_chains import TOLERANCE, _ergotropy, _hamiltonian, _random_values

import qb_symbolic as qb
from qb_symbolic.numeric.sectors import chain_numeric
from qb_symbolic.numeric.sectors.chain_operator import chain_operator
from qb_symbolic.numeric.sectors.krylov import STATE_TOLERANCE, krylov_curve

_P = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]], complex),
      "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.diag([1.0, -1.0]).astype(complex)}


@pytest.fixture
def krylov_only(monkeypatch):
    """Every chain takes the Krylov path (no sector is small enough for the dense one)."""
    monkeypatch.setattr(chain_numeric, "MAX_SECTOR_DIM", 0)


def test_operator_matches_kronecker_products():
    """Random strings of one or two letters on any two sites (adjacent, wrapping, far
    apart), symbolic coefficients: the on-the-fly product against the dense matrix."""
    rng = np.random.default_rng(SEED + 81)
    a, b = sp.symbols("a b", real=True)
    N, terms = 6, {}
    for _ in range(40):
        i, j = rng.choice(N, 2, replace=False)
        letters = ["I"] * N
        letters[i] = "XYZ"[rng.integers(3)]
        if rng.random() < 0.7:
            letters[j] = "XYZ"[rng.integers(3)]
        terms["".join(letters)] = sp.Rational(int(rng.integers(-5, 6)), 3) * a + b
    H = chain_operator(terms, N, (a, b)).at([0.7, -1.3])
    dense = sum(complex(c.subs({a: 0.7, b: -1.3})) * reduce(np.kron, [_P[x] for x in label])
                for label, c in terms.items())
    x = rng.normal(size=(3, 2**N)) + 1j * rng.normal(size=(3, 2**N))
    assert np.max(np.abs(H.apply(x) - (dense @ x.T).T)) < 1e-12


def test_lanczos_steps_against_eigh_and_their_bound():
    """A random Hermitian 400 x 400 (norm ~ 10) over t in [0, 6]: the energy and the states
    against the exact eigh propagation; the summed error bound is within the tolerance
    and the true error is below it."""
    rng = np.random.default_rng(SEED + 82)
    n = 400
    A = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    H, H0 = (A + A.conj().T) / np.sqrt(n) * 2.5, np.diag(rng.normal(size=n))
    psi0 = rng.normal(size=n) + 1j * rng.normal(size=n)
    psi0 /= np.linalg.norm(psi0)
    E, V = np.linalg.eigh(H)
    t = np.sort(rng.uniform(0, 6, 300))
    exact = V @ (np.exp(-1j * np.outer(E, t)) * (V.conj().T @ psi0)[:, None])
    seen = np.zeros((n, t.size), complex)

    def keep(indices, psi):
        seen[:, indices] = psi

    curve = krylov_curve(lambda x: (H @ x.T).T, lambda x: (H0 @ x.T).T, psi0, 6.0,
                         state_times=t, on_states=keep)
    assert len(curve.steps) > 3 and curve.bound <= STATE_TOLERANCE
    assert np.max(np.linalg.norm(seen - exact, axis=0)) < STATE_TOLERANCE
    energy = np.real(np.sum(exact.conj() * (H0 @ exact), axis=0))
    assert np.max(np.abs(curve.energy(t) - energy)) < 1e-11


@pytest.mark.parametrize("periodic", [False, True])
def test_krylov_chains_match_brute_force(krylov_only, periodic):
    rng = random.Random(SEED + 83 + periodic)
    t = np.array([0.0, 0.37, 1.4, 3.1, 5.0])
    for N in (3, 5, 8):
        v = _random_values(rng)
        battery = qb.chain(N, "general", periodic=periodic)
        assert chain_numeric.uses_krylov(battery)
        found = qb.evaluate_many(("ergotropy", "power"), t, battery=battery, **v)
        zeta = _ergotropy(N, periodic, v, t)
        assert np.max(np.abs(found["ergotropy"] - zeta)) < TOLERANCE, (N, v)
        power = np.where(t > 0, (zeta - zeta[0]) / np.where(t > 0, t, 1), 0.0)
        assert np.max(np.abs(found["power"][1:] - power[1:])) < TOLERANCE, (N, v)


def test_krylov_local_quantities_and_charging(krylov_only):
    """N = 6 ring on the Krylov path: local ergotropies and the half-chain entropy from
    the streamed states, t_min against a dense scan of the brute-force curve."""
    rng = random.Random(SEED + 85)
    v = _random_values(rng)
    N, t = 6, np.array([0.0, 0.6, 1.7, 2.9])
    battery = qb.chain(N, "general", periodic=True)
    names = ("local_ergotropy_2", "half_chain_entropy")
    found = qb.evaluate_many(names, t, battery=battery, **v)
    E, V = np.linalg.eigh(_hamiltonian(N, True, v))
    for k, time in enumerate(t):
        psi = V @ (np.exp(-1j * E * time) * V.conj()[-1])
        rho = np.einsum("aib,ajb->ij", psi.reshape(2, 2, -1), psi.reshape(2, 2, -1).conj())
        r = np.array([2 * rho[0, 1].real, -2 * rho[0, 1].imag, (rho[0, 0] - rho[1, 1]).real])
        assert abs(found[names[0]][k] - v["omega0"] * (r[2] + np.linalg.norm(r))) < TOLERANCE
        s = np.linalg.svd(psi.reshape(2 ** (N // 2), -1), compute_uv=False) ** 2
        s = s[s > 1e-300]
        assert abs(found[names[1]][k] + np.sum(s * np.log2(s))) < 1e-9
    grid = np.linspace(0, 3, 30001)
    zeta = _ergotropy(N, True, v, grid)
    best = qb.charging_time(battery=battery, window=3, **v)
    # the found maximum is the brute-force curve at the found time, and no grid point is higher
    at_best = _ergotropy(N, True, v, np.array([float(best.t)]))[0]
    assert abs(float(best.value) - at_best) < TOLERANCE and float(best.value) > zeta.max() - 1e-10
    assert abs(float(best.t) - grid[zeta.argmax()]) < 3e-4


def test_sixteen_cells_take_the_krylov_path():
    """N = 16 (65536 states, beyond the dense sectors): the parallel chain is
    ``2 N omega0 sin^2(Omega t)``, full charge at ``pi/(2 Omega)``."""
    battery = qb.chain(16, "parallel")
    assert chain_numeric.uses_krylov(battery)
    t = np.linspace(0, 2, 9)
    found = qb.evaluate("ergotropy", t, battery=battery, Omega=1.1, omega0=0.9)
    assert np.max(np.abs(found - 2 * 16 * 0.9 * np.sin(1.1 * t) ** 2)) < 1e-10
    best = qb.charging_time(battery=battery, window=2, Omega=1.1, omega0=0.9)
    assert best.full_charge and abs(float(best.t) - np.pi / 2.2) < 1e-7
