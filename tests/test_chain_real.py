"""Real sector bases for chains (numeric/chain_real.py): the antiunitary symmetry found by
hand, the bases orthonormal and real, and the real path equal to the complex one (itself
checked against brute force in test_chains.py, where starts without the symmetry keep it).
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.numeric.sectors.chain_numeric import Spectral, chain_system, spectral
from qb_symbolic.numeric.sectors.chain_real import RealSpectral
from qb_symbolic.symbolic.chain_sectors import conjugation_symmetry


def test_conjugation_symmetry_by_hand():
    # DM bond XY - YX: odd under K (one Y each) and under R (the bond turns round), so RK.
    assert conjugation_symmetry(qb.chain(5, "general")) == (True, False)
    assert conjugation_symmetry(qb.chain(6, "general", periodic=True)) == (True, False)
    # Without DM every term has an even number of Y: K alone, H real on the 2^N basis.
    assert conjugation_symmetry(qb.chain(5, "general", D=0)) == (False, False)
    # |uddd> is not fixed by R; K would flip the DM term: none.
    assert conjugation_symmetry(qb.chain(4, "general", initial="uddd")) is None
    # XY alone: K and RK flip it (RK gives -YX); PK keeps it but moves |dddd> to |uuuu>.
    assert conjugation_symmetry(qb.chain(4, bond="J*XY", site="Omega*X")) is None


def _values(rng: random.Random, battery) -> list[float]:
    return [rng.uniform(0.3, 1.7) * rng.choice([-1, 1]) if p.name != "omega0" else 1.0
            for p in battery.parameters]


@pytest.mark.parametrize("N,periodic", [(4, False), (5, True), (6, False), (7, True)])
def test_real_path_equals_complex_path(N, periodic):
    rng = random.Random(SEED + 300 + N)
    battery = qb.chain(N, "general", periodic=periodic)
    system = chain_system(battery)
    assert system.real is not None
    values = _values(rng, battery)
    real = spectral(system, values, N)
    complex_ = spectral(dataclasses.replace(system, real=None), values, N)
    assert isinstance(real, RealSpectral) and isinstance(complex_, Spectral)
    for t in (np.concatenate([[0.0], np.linspace(0, 6, 300)]),  # the uniform-grid phasors
              np.array([0.0, 0.3, 1.7, 4.4])):  # direct phasors
        assert np.max(np.abs(real.energy(t) - complex_.energy(t))) < 1e-12
    assert real.rate0 == 0.0 and abs(complex_.rate0) < 1e-12
    # <H0>(t) is even in t (the antiunitary symmetry), on the complex path too:
    t = np.array([0.4, 1.3, 2.9])
    assert np.max(np.abs(complex_.energy(-t) - complex_.energy(t))) < 1e-12
    for (E1, V1, a1), (E2, V2, a2) in zip(real.eigen, complex_.eigen):
        assert np.allclose(E1, E2, atol=1e-12)
        # same states up to a phase per eigenvector: compare V diag(a) e^{-iEt} projections
        state1 = V1 @ (np.exp(-1.1j * E1) * a1)
        state2 = V2 @ (np.exp(-1.1j * E2) * a2)
        assert np.max(np.abs(state1 - state2)) < 1e-11


def test_real_bases_are_orthonormal_and_real():
    battery = qb.chain(6, "general", periodic=True)
    system = chain_system(battery)
    for basis, sector in zip(system.real.bases, system.sectors.sectors):
        W = basis.dense()
        assert W.shape == (sector.dim, sector.dim)
        assert np.allclose(W.conj().T @ W, np.eye(sector.dim), atol=1e-14)
    for group, real_group in zip(system.hamiltonian, system.real.hamiltonian):
        for k, (m, r) in enumerate(zip(group, real_group)):
            W = system.real.bases[k].dense()
            assert np.isrealobj(r) and np.allclose(W.conj().T @ m @ W, r, atol=1e-12)
