"""Charging times of a user battery: the search of :mod:`qb_symbolic.numeric.search.charging` on its forms.

The ergotropy ``zeta = <H0> - E_min(H0)`` and its rate ``d<H0>/dt = i <[H, H0]>
= 2 Im <psi| H0 H |psi>`` (Heisenberg's equation) come from the closed-form state of
:mod:`qb_symbolic.numeric.closed_form.user_numeric`; the full charge is the capacity
``E_max(H0) - E_min(H0)``. The construction shared with a mixed start is
:class:`qb_symbolic.numeric.search.charging_base.BatteryProblem`.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ...core.values import to_mpf
from ..closed_form.user_numeric import user_evaluators, user_state
from ..closed_form.user_precise import state_mp
from .charging_base import BatteryProblem


class UserProblem(BatteryProblem):
    """The ergotropy of a user battery at one parameter point, in numpy and mpmath."""

    evaluators = staticmethod(user_evaluators)

    def _float_setup(self) -> tuple[float, float]:
        self.params_np = [np.asarray(self.values[s.name]) for s in self.ev_np.params]
        roots = [float(r) for f in self.ev_np.roots for r in np.atleast_1d(f(*self.params_np))]
        energies = [float(e) for e in self.ev_np.energies(*self.params_np)]
        self.low = min(energies)
        self.h0 = np.array(self.ev_np.energy_matrix(*self.params_np), complex).reshape(4, 4)
        self.h = np.array(self.ev_np.hamiltonian(*self.params_np), complex).reshape(4, 4)
        return max(roots) - min(roots), max(abs(r) for r in roots)

    def _precise_setup(self) -> None:
        with mp.workdps(self.digits):
            self.mp_params = [to_mpf(s.name, self.values[s.name]) for s in self.ev_mp.params]
            levels = [mp.re(e) for e in self.ev_mp.energies(*self.mp_params)]
            self.mp_low = min(levels)
            self.scale = max(levels) - self.mp_low
            self.omega0 = self.scale / 4

    def zeta_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            psi = np.array(user_state(self.ev_np, self.params_np, t)[0])
            h0_psi = np.einsum("ij,j...->i...", self.h0, psi)
            h_psi = np.einsum("ij,j...->i...", self.h, psi)
            energy = np.real(np.sum(psi.conj() * h0_psi, axis=0))
            rate = 2 * np.imag(np.sum(h0_psi.conj() * h_psi, axis=0))
        return energy - self.low, rate

    def zeta(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        ev, p = self.ev_mp, self.mp_params
        psi = state_mp(ev, p, t)
        h0 = ev.energy_matrix(*p)
        h = ev.hamiltonian(*p)
        h0_psi = [sum(h0[4 * i + j] * psi[j] for j in range(4)) for i in range(4)]
        h_psi = [sum(h[4 * i + j] * psi[j] for j in range(4)) for i in range(4)]
        energy = mp.re(sum(mp.conj(psi[i]) * h0_psi[i] for i in range(4)))
        rate = 2 * mp.im(sum(mp.conj(h0_psi[i]) * h_psi[i] for i in range(4)))
        return energy - self.mp_low, rate
