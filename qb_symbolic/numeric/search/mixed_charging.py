"""Charging times of a battery with a mixed start (a Gibbs state, a Werner state, ...).

The search of :mod:`qb_symbolic.numeric.search.charging` needs the ergotropy and its rate. For
``rho(t) = U rho0 U^dag``:

* ``ergotropy = Tr(rho(t) H0) - sum_k r_k(down) e_k(up)``, the passive energy constant
  in time (proved in :mod:`qb_symbolic.symbolic.mixed`);
* its rate is the energy's, ``d Tr(rho H0)/dt = Tr(rho(t) C)`` with ``C = i [H, H0]``
  (von Neumann's equation), Hermitian;
* the full charge is the capacity ``sum r(down) e(down) - sum r(down) e(up)`` (Yang et
  al., PRL 131, 030402 (2023)), which a mixed start reaches only if it is unitarily
  equivalent to the reversed passive state.

``U`` comes from the closed-form block propagators of :mod:`qb_symbolic.numeric.density.mixed_dynamics`
(numpy on the scan grid, mpmath at the working precision for the refinement); the
construction shared with a pure start is :class:`qb_symbolic.numeric.search.charging_base.BatteryProblem`.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ...model.density import check_positive_at
from ..closed_form.user_grid import entries
from ..density.mixed_dynamics import (
    hamiltonian_mp,
    hamiltonians,
    mixed_evaluators,
    mp_block,
    unitaries,
    unitary_mp,
)
from .charging_base import BatteryProblem


class MixedProblem(BatteryProblem):
    """The ergotropy of a mixed start at one parameter point, in numpy and mpmath."""

    evaluators = staticmethod(mixed_evaluators)

    def _float_setup(self) -> tuple[float, float]:
        p = [np.asarray([self.values[s.name]]) for s in self.ev_np.params]
        self.params_np = p
        roots = np.concatenate([np.ravel(np.asarray(r, float)) for f in self.ev_np.roots
                                for r in f(*p)])
        self.rho0 = entries(self.ev_np.rho0, p, 1).reshape(4, 4)
        check_positive_at(self.rho0)  # a symbolic start is a state only in its range
        self.h0 = entries(self.ev_np.energy_matrix, p, 1).reshape(4, 4)
        H = hamiltonians(self.ev_np, p, 1)[0]
        self.commutator = 1j * (H @ self.h0 - self.h0 @ H)
        return float(np.max(roots) - np.min(roots)), float(np.max(np.abs(roots)))

    def _precise_setup(self) -> None:
        """Passive energy and capacity at the working precision (mpmath ``eighe``)."""
        with mp.workdps(self.digits):
            self.mp_params = [mp.mpf(self.values[s.name]) for s in self.ev_mp.params]
            p = self.mp_params
            self.mp_rho0 = mp_block(self.ev_mp.rho0(*p), 4, 4)
            self.mp_h0 = mp_block(self.ev_mp.energy_matrix(*p), 4, 4)
            r = sorted(mp.re(x) for x in mp.eighe(self.mp_rho0, eigvals_only=True))
            e = sorted(mp.re(x) for x in self.ev_mp.energies(*p))
            self.passive = mp.fsum(x * y for x, y in zip(reversed(r), e))
            self.scale = mp.fsum(x * y for x, y in zip(r, e)) - self.passive
            if not self.scale > mp.mpf(10) ** -20 * (1 + max(abs(y) for y in e)):
                raise ValueError("the capacity of this start is 0 (a maximally mixed or passive-"
                                 "for-every-ordering state): the ergotropy is 0 at all times, "
                                 "there is no charging time")
            self.passive_np = float(self.passive)

    def zeta_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        N = t.size
        with np.errstate(all="ignore"):
            U = unitaries(self.ev_np, [np.broadcast_to(x, (N,)) for x in self.params_np],
                          np.ravel(t))
            rho = U @ self.rho0 @ np.conj(np.swapaxes(U, 1, 2))
            energy = np.real(np.einsum("nij,ji->n", rho, self.h0))
            rate = np.real(np.einsum("nij,ji->n", rho, self.commutator))
        return (energy - self.passive_np).reshape(t.shape), rate.reshape(t.shape)

    def zeta(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        ev, p = self.ev_mp, self.mp_params
        U = unitary_mp(ev, p, t)
        rho = U * self.mp_rho0 * U.H
        H = hamiltonian_mp(ev, p)
        rho_h0 = rho * self.mp_h0
        energy = mp.re(sum(rho_h0[i, i] for i in range(4)))
        commutator = (H * self.mp_h0 - self.mp_h0 * H) * mp.mpc(0, 1)
        rate = mp.re(sum((rho * commutator)[i, i] for i in range(4)))
        return energy - self.passive, rate
