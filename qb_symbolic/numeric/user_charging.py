"""Charging times of a user battery: the search of :mod:`qb_symbolic.numeric.charging` on its forms.

The ergotropy ``zeta = <H0> - E_min(H0)`` and its rate ``d<H0>/dt = i <[H, H0]>
= 2 Im <psi| H0 H |psi>`` (Heisenberg's equation) come from the closed-form state of
:mod:`qb_symbolic.numeric.user_numeric`; the full charge is the capacity
``E_max(H0) - E_min(H0)``.
"""

from __future__ import annotations

from typing import Any

import mpmath as mp
import numpy as np

from ..core.values import describe, real_array, to_mpf
from .charging import WORKING_DIGITS, _Problem
from .user_numeric import user_evaluators, user_state
from .user_precise import state_mp


def point_values(battery, given: dict[str, Any]) -> dict[str, float]:
    """Every parameter of ``battery`` as one float (a ValueError for arrays or bad input)."""
    values = battery.values_for(given)
    for name, value in values.items():
        if np.ndim(real_array(name, value)) != 0:
            raise ValueError(f"{name} must be a single number for a charging time")
    return {n: float(real_array(n, v)) for n, v in values.items()}


def window_end(values: dict[str, float], window: Any) -> mp.mpf:
    """The end T of the search window: ``window``, else ``pi/(2 Omega)``."""
    if window is None:
        if values.get("Omega", 0) <= 0:
            raise ValueError("give a window (--window T): the default pi/(2 Omega) needs "
                             "a parameter Omega > 0")
    else:
        real_array("window", window)
    with mp.workdps(WORKING_DIGITS):
        T = (mp.pi / (2 * to_mpf("Omega", values["Omega"])) if window is None
             else to_mpf("window", window))
    if not T > 0:
        raise ValueError(f"the window must be > 0; got {describe(window)}")
    return T


class UserProblem(_Problem):
    """The ergotropy of a user battery at one parameter point, in numpy and mpmath."""

    def __init__(self, battery, given: dict[str, Any], window: Any):
        self.values = point_values(battery, given)
        self.T = window_end(self.values, window)
        self.ev_np = user_evaluators(battery, "numpy")
        self.ev_mp = user_evaluators(battery, "mpmath")
        self.params_np = [np.asarray(self.values[s.name]) for s in self.ev_np.params]
        roots = [float(r) for f in self.ev_np.roots for r in np.atleast_1d(f(*self.params_np))]
        energies = [float(e) for e in self.ev_np.energies(*self.params_np)]
        self.low = min(energies)
        self.rate = max(roots) - min(roots)
        self.phase = self.rate * float(self.T)
        guard = 12 + int(mp.log10(1 + max(abs(r) for r in roots) * float(self.T)))
        self.digits = WORKING_DIGITS + guard
        with mp.workdps(self.digits):
            self.mp_params = [to_mpf(s.name, self.values[s.name]) for s in self.ev_mp.params]
            levels = [mp.re(e) for e in self.ev_mp.energies(*self.mp_params)]
            self.mp_low = min(levels)
            self.scale = max(levels) - self.mp_low
            self.omega0 = self.scale / 4
        self.h0 = np.array(self.ev_np.energy_matrix(*self.params_np), complex).reshape(4, 4)
        self.h = np.array(self.ev_np.hamiltonian(*self.params_np), complex).reshape(4, 4)
        with mp.workdps(self.digits):
            self.start_mp, self.start_rate_mp = self.zeta(mp.mpf(0))
        self.start = float(self.start_mp)

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
