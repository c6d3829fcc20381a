"""Charging times of an open battery: the search problem of its Lindblad evolution.

:class:`OpenProblem` is what :func:`qb_symbolic.charging_time` and :func:`qb_symbolic.max_power`
maximise for a battery with dissipators (registered in
:data:`qb_symbolic.numeric.search.charging.PROBLEMS` under the kind ``"open"``):

* for the charging time, the ergotropy ``zeta(t) = Tr(rho H0) - sum_k r_k(down) e_k(up)``;
  here rho's spectrum ``r`` moves, so its rate is ``Tr(drho H0) - sum_k e_k(up) dr_k/dt``
  with ``dr_k/dt = <v_k| drho |v_k>`` (:func:`qb_symbolic.numeric.open.open_system.passive_rate`;
  inside a cluster of equal eigenvalues, such as a pure start's zeros, the projected
  ``drho``'s eigenvalues);
* for the power, the stored energy per time ``(E(t) - E(0))/t`` with ``E = Tr(rho H0)``
  and ``E' = Tr(drho H0)`` (:meth:`OpenProblem.stored`; docs/conventions.md, for every
  battery, and ``qb.evaluate``'s), at ``t = 0`` its limit ``E'(0)``. It is not the
  ergotropy gained per time, as it is for closed batteries: the dissipators move rho's
  passive energy (a hot bath raises ``E`` from ``|dd>`` at once without adding
  ergotropy). From H0's ground state the power is >= 0
  (:attr:`~qb_symbolic.numeric.search.charging_base.SearchProblem.stored_floor`);
* on the scan grid: the batched spectral evolution of
  :mod:`qb_symbolic.numeric.open.lindblad`, ``drho = R x(t)``; its error bound is
  :data:`OPEN_FLOAT_BOUND` of the capacity (the spectral path's ``cond(V)^2 eps``);
* in the refinement: :class:`qb_symbolic.numeric.open.open_precise.PreciseEvolution` (the
  Liouvillian built from the exact battery, propagated in fixed point) and mpmath's
  ``eighe`` for rho's spectrum, at the search's working precision, so the time and the
  value are correct to 30 digits as for closed batteries.

The grid resolves the fastest oscillation ``max |Im lambda|`` of the Liouvillian's
spectrum. Cells: :data:`MAX_SEARCH_SITES` at most (the fixed-point propagation multiplies
``4^N x 4^N`` integer matrices).
"""

from __future__ import annotations

from typing import Any

import mpmath as mp
import numpy as np

from ..open.lindblad import OpenEvolution
from ..open.liouvillian_blocks import from_coordinates
from ..open.open_precise import PreciseEvolution
from ..open.open_system import ergotropy_and_rate, open_system
from .charging_base import BatteryProblem

#: Most cells of an open battery whose charging time is searched (N = 3: 64 coordinates,
#: about 5 s for a window of pi/2; N = 4 would take minutes).
MAX_SEARCH_SITES = 3
#: The scan's error bound, relative to the capacity: the spectral path loses up to
#: ``cond(V)^2 eps ~ 2e-11`` of the state (EIGENVECTOR_CONDITION_LIMIT 300), so 1e-10.
OPEN_FLOAT_BOUND = 1e-10
#: Most grid points of an open battery's search: its scan costs ~270 us a point for two
#: cells (a window of 1e4 for the xxz battery, 3.3e5 points, took 89 s), so ~5 minutes;
#: a window of 1e6 (3.3e7 points) would have run for hours.
OPEN_GRID_POINTS = 1_000_000


def _cluster_rates(r: list, V: mp.matrix, drho: mp.matrix, gap: mp.mpf) -> list:
    """``dr_k/dt`` for eigenvalues ``r`` (decreasing) with eigenvector columns ``V``."""
    d, rates, k = len(r), [], 0
    while k < d:
        end = k + 1
        while end < d and abs(r[end - 1] - r[end]) <= gap:
            end += 1
        W = V[:, k:end]
        block = W.H * drho * W
        if end - k == 1:
            rates.append(mp.re(block[0, 0]))
        else:
            rates += sorted((mp.re(x) for x in mp.eighe(block, eigvals_only=True)), reverse=True)
        k = end
    return rates


class OpenProblem(BatteryProblem):
    """The ergotropy and the energy of an open battery at one parameter point (module
    docstring)."""

    evaluators = staticmethod(lambda battery, backend: battery)
    grid_limit = OPEN_GRID_POINTS

    def __init__(self, battery, given: dict[str, Any], window: Any):
        if battery.sites > MAX_SEARCH_SITES:
            raise ValueError(f"charging times of open batteries are searched for at most "
                             f"{MAX_SEARCH_SITES} cells (got N = {battery.sites}); use "
                             "qb.evaluate on a time grid")
        self.battery = battery
        super().__init__(battery, given, window)

    def _float_setup(self) -> tuple[float, float]:
        system = self.system = open_system(self.battery)
        columns = [np.array([self.values[n]]) for n in self.battery.names]
        _, H0, rho0, _ = system.arrays(columns)
        self.h0 = H0[0]
        self.evolution = OpenEvolution(system.family(columns), rho0[0])
        self.generator = self.evolution.family.sparse(0)
        spectrum = np.linalg.eigvals(self.generator.toarray())
        return float(np.max(np.abs(spectrum.imag))), float(np.max(np.abs(spectrum)))

    def _precise_setup(self) -> None:
        """The fixed-point evolution, H0's levels and the capacity at ``digits``."""
        with mp.workdps(self.digits):
            self.precise = PreciseEvolution(self.battery, self.values, self.digits)
            h0 = mp.matrix(self.precise.energy)
            self.mp_h0 = h0
            self.levels = sorted(mp.re(x) for x in mp.eighe(h0, eigvals_only=True))
            self.scale = self.levels[-1] - self.levels[0]
            self.stored_floor = self.levels[0]
            self.gap = mp.mpf(10) ** (-(self.digits // 2))
        if not self.scale > 0:
            raise ValueError("H0 has a single level: the capacity is 0, there is no charging time")

    def float_bound(self) -> float:
        return (OPEN_FLOAT_BOUND + 1e-14 * self.phase) * float(self.scale)

    def _states(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``rho`` and ``drho/dt`` ``(n, d, d)`` at the times ``t`` (float path; channels
        applied: they are linear, so they map the rate too)."""
        x = self.evolution.coordinates(np.ravel(t))[0]  # (n, d^2)
        d = self.evolution.d
        rho = self.system.read(from_coordinates(x, d))
        return rho, self.system.read(from_coordinates((self.generator @ x.T).T, d))

    def _energies(self, rho: mp.matrix, drho: mp.matrix) -> tuple[mp.mpf, mp.mpf]:
        """``Tr(rho H0)`` and ``Tr(drho H0)`` at the working precision."""
        d = rho.rows
        return tuple(mp.re(sum(m[i, j] * self.mp_h0[j, i] for i in range(d) for j in range(d)))
                     for m in (rho, drho))

    def zeta_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if np.size(t) == 0:  # no bracket to bisect (the lindblad path needs a time)
            return np.zeros(np.shape(t)), np.zeros(np.shape(t))
        zeta, rate = ergotropy_and_rate(*self._states(t), self.h0)
        return zeta.reshape(np.shape(t)), rate.reshape(np.shape(t))

    def stored_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The energy ``Tr(rho H0)`` and its rate ``Tr(drho H0)``: the power's stored
        quantity (module docstring)."""
        if np.size(t) == 0:
            return np.zeros(np.shape(t)), np.zeros(np.shape(t))
        rho, drho = self._states(t)
        found = (np.einsum("nij,ji->n", m, self.h0).real.reshape(np.shape(t)) for m in (rho, drho))
        return tuple(found)

    def stored(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        """:meth:`stored_np` at the working precision."""
        return self._energies(*self.precise.matrices(t))

    def zeta(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        rho, drho = self.precise.matrices(t)
        d = rho.rows
        energy, moved = self._energies(rho, drho)
        r, V = mp.eighe(rho)
        order = sorted(range(d), key=lambda k: -r[k])
        r = [mp.re(r[k]) for k in order]
        V = mp.matrix([[V[i, k] for k in order] for i in range(d)])
        dr = _cluster_rates(r, V, drho, self.gap)
        passive = mp.fsum(x * e for x, e in zip(r, self.levels))
        return energy - passive, moved - mp.fsum(x * e for x, e in zip(dr, self.levels))


__all__ = ["MAX_SEARCH_SITES", "OPEN_FLOAT_BOUND", "OpenProblem"]
