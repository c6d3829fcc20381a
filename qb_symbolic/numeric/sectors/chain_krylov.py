"""Chains beyond dense reach: Krylov time stepping on the full 2^N basis.

The Hamiltonian and H0 are applied on the fly (:mod:`qb_symbolic.numeric.sectors.chain_operator`,
a few vectors of 2^N numbers, never a matrix), the state is propagated by Lanczos steps
with an upper error bound (:mod:`qb_symbolic.numeric.sectors.krylov`, total bound on the state
:data:`~qb_symbolic.numeric.sectors.krylov.STATE_TOLERANCE` over the whole time range), and the
energy at every requested time is a small quadratic form per step. Used when the
populated symmetry sectors are too large for dense diagonalisation
(:func:`qb_symbolic.numeric.sectors.chain_numeric.uses_krylov`) and for every chain with more
than :data:`qb_symbolic.numeric.sectors.chain_numeric.DENSE_SITES` cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ...model.battery import Battery
from .chain_basis import site_energy_function, site_field_function
from .chain_operator import ChainOperator, chain_operator
from .krylov import KrylovCurve, krylov_curve


@dataclass(frozen=True)
class KrylovSystem:
    """A chain's operators as data, bound to parameter values per point."""

    N: int
    hamiltonian: ChainOperator
    energy: ChainOperator
    start: int  # index of the initial basis state
    site_energy: Any  # |h| of H0's site term
    site_field: Any  # (h_x, h_y, h_z)


@lru_cache(maxsize=4)
def krylov_system(battery: Battery) -> KrylovSystem:
    params = battery.parameters
    start = int(battery.initial.replace("u", "0").replace("d", "1"), 2)
    return KrylovSystem(battery.N, chain_operator(battery.pauli_terms(), battery.N, params),
                        chain_operator(battery.pauli_terms(energy=True), battery.N, params),
                        start, site_energy_function(battery), site_field_function(battery))


@dataclass(frozen=True)
class KrylovPoint:
    """One parameter point: the same interface as the dense ``Spectral``."""

    curve: KrylovCurve
    rate0: float
    low: float
    capacity: float
    width: float  # spread of the Ritz values seen: the fastest frequency in the curve

    def energy(self, t: np.ndarray) -> np.ndarray:
        return self.curve.energy(t)

    def ergotropy(self, t: np.ndarray) -> np.ndarray:
        return np.clip(self.energy(t) - self.low, 0, self.capacity)


def krylov_point(system: KrylovSystem, values: Sequence[float], end: float,
                 state_times: np.ndarray | None = None, on_states=None) -> KrylovPoint:
    """Propagate ``|initial>`` over ``[0, end]`` at one parameter point."""
    H, H0 = system.hamiltonian.at(values), system.energy.at(values)
    psi0 = np.zeros((1, 2**system.N), complex)
    psi0[0, system.start] = 1
    rate0 = 2 * float(np.imag(np.vdot(H0.apply(psi0)[0], H.apply(psi0)[0])))
    curve = krylov_curve(H.apply, H0.apply, psi0[0], end, state_times=state_times,
                         on_states=on_states)
    width = max(float(np.ptp(s.theta)) for s in curve.steps)
    h = float(system.site_energy(*values))
    return KrylovPoint(curve, rate0, -system.N * h, 2 * system.N * h, width)
