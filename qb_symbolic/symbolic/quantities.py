"""Figures of merit in closed form: ergotropy, power, coherence, steering, concurrence.

Definitions (docs/conventions.md; paper Eqs. 6-12): those of the state measures in
:mod:`qb_symbolic.symbolic.state_measures` (ergotropy, coherence, steering, concurrence;
re-exported here), and the power ``P = zeta/t`` with ``P(0) = 0``.

Closed forms for the charging state ``psi(t) = exp(-iHt)|dd>`` (derived below
from :func:`qb_symbolic.symbolic.dynamics.evolved_state` and proved by reduction modulo
the eigenvalue relations):

* ``f(t) = sum_k w_k exp(-i nu_k t)``, ``w_k = |<e_k|Phi+>|**2`` (sum 1),
  ``nu_k = lambda_k - lambda_0``;
* ``<H0> = -2 omega0 Re f(t)``, ``zeta = 2 omega0 [1 - sum_k w_k cos(nu_k t)]``;
* ``C = |f(t)**2 - (f(2t) + 1)/2|``;
* pure-state identities: ``Q = sqrt(1 - C**2)``, ``F3_max = sqrt(1 + 2 C**2)``,
  hence ``F3_max**2 + 2 Q**2 = 3`` and ``S = (F3_max - 1)/(sqrt 3 - 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from ..core.pauli import sigma
from ..core.symbols import t as t_symbol
from ..model.battery import Battery
from ..model.presets import battery_hamiltonian
from .dynamics import EvolvedState, evolved_state
from .state_measures import (
    CONCURRENCE_FORM,
    coherence_of_state,
    concurrence_of_pure_state,
    correlation_matrix,
    ergotropy_of_state,
    steering_of_state,
)

__all__ = [
    "CONCURRENCE_FORM",
    "SQRT3",
    "FiguresOfMerit",
    "coherence_of_state",
    "concurrence_of_pure_state",
    "correlation_matrix",
    "ergotropy_of_state",
    "figures_of_merit",
    "steering_of_state",
]

SQRT3 = sp.sqrt(3)


# --------------------------------------------------------------------------
# Closed forms for the charging state
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FiguresOfMerit:
    """Closed-form figures of merit of one battery's charging state.

    Every expression is a function of ``t``, the parameters and the eigenvalue
    symbols ``lambda_k``; :meth:`explicit` substitutes the eigenvalues' closed
    forms.

    Attributes
    ----------
    state
        The evolved state the forms were derived from.
    weights
        ``w_k = |<e_k|Phi+>|**2`` over the charging block (sum 1).
    frequencies
        ``nu_k = lambda_k - lambda_0``, in the same order.

    Examples
    --------
    >>> f = figures_of_merit(__import__("qb_symbolic").Battery("parallel"))
    >>> f.explicit(f.concurrence).simplify()  # each cell charged alone: no entanglement
    0
    """

    state: EvolvedState
    weights: tuple[sp.Expr, ...]
    frequencies: tuple[sp.Expr, ...]

    @property
    def battery(self) -> Battery:
        return self.state.battery

    @property
    def omega0(self) -> sp.Expr:
        return self.battery.params["omega0"]

    def _repr_latex_(self) -> str:
        """Ergotropy, power and concurrence in ``lambda_k`` and ``t`` (Jupyter)."""
        from ..core.display import math
        return math(f"\\zeta(t) = {sp.latex(self.ergotropy)}", f"P(t) = {sp.latex(self.power)}",
                    f"C(t) = {sp.latex(self.concurrence)}")

    def cos_sum(self, time: sp.Expr = t_symbol) -> sp.Expr:
        """``x(time) = sum_k w_k cos(nu_k time) = Re f(time)``."""
        return sp.Add(*[w * sp.cos(nu * time) for w, nu in zip(self.weights, self.frequencies)])

    def sin_sum(self, time: sp.Expr = t_symbol) -> sp.Expr:
        """``y(time) = sum_k w_k sin(nu_k time) = -Im f(time)``."""
        return sp.Add(*[w * sp.sin(nu * time) for w, nu in zip(self.weights, self.frequencies)])

    def spectral_function(self, time: sp.Expr = t_symbol) -> sp.Expr:
        """``f(time) = sum_k w_k exp(-i nu_k time) = <Phi+|e^{-i(H - lambda_0)time}|Phi+>``."""
        return sp.Add(*[w * sp.exp(-sp.I * nu * time) for w, nu in zip(self.weights, self.frequencies)])

    @property
    def energy(self) -> sp.Expr:
        """``<H0>(t) = -2 omega0 sum_k w_k cos(nu_k t)``."""
        return -2 * self.omega0 * self.cos_sum()

    @property
    def ergotropy(self) -> sp.Expr:
        """``zeta(t) = 2 omega0 [1 - sum_k w_k cos(nu_k t)]``."""
        return 2 * self.omega0 * (1 - self.cos_sum())

    @property
    def power(self) -> sp.Expr:
        """``P(t) = zeta(t)/t`` (its limit at ``t = 0`` is 0)."""
        return self.ergotropy / t_symbol

    @property
    def concurrence_parts(self) -> tuple[sp.Expr, sp.Expr]:
        """Real and imaginary part of ``g = f(t)**2 - (f(2t) + 1)/2``, with ``C = |g|``."""
        x, y = self.cos_sum(), self.sin_sum()
        x2, y2 = self.cos_sum(2 * t_symbol), self.sin_sum(2 * t_symbol)
        return x**2 - y**2 - (x2 + 1) / 2, -(2 * x * y - y2 / 2)

    @property
    def concurrence(self) -> sp.Expr:
        """``C(t) = |f(t)**2 - (f(2t) + 1)/2|``, written with real parts only."""
        re, im = self.concurrence_parts
        return sp.sqrt(re**2 + im**2)

    @property
    def coherence(self) -> sp.Expr:
        """``Q(t) = sqrt(1 - C**2)`` (pure state; Eqs. 11-12)."""
        return sp.sqrt(1 - self.concurrence**2)

    @property
    def steering(self) -> sp.Expr:
        """``F3_max(t) = sqrt(1 + 2 C**2)`` (pure state; Eq. 10 maximised)."""
        return sp.sqrt(1 + 2 * self.concurrence**2)

    @property
    def steerability(self) -> sp.Expr:
        """``S = (F3_max - 1)/(sqrt 3 - 1)``; ``F3_max >= 1`` for pure states, so no clipping."""
        return (self.steering - 1) / (SQRT3 - 1)

    def bloch_vector(self, cell: int) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
        """``(<sx>, <sy>, <sz>)`` of cell 1 or 2 as trigonometric sums."""
        return tuple(self._expectation(sigma(axis, cell)) for axis in "xyz")

    def local_ergotropy(self, cell: int) -> sp.Expr:
        """Ergotropy of one cell alone with ``h = omega0 sz``: ``omega0 (z + |r|)``.

        The passive state of a qubit with Bloch vector ``r`` has populations
        ``(1 +/- |r|)/2`` on the energies ``-/+ omega0``, so its energy is
        ``-omega0 |r|`` while the cell's energy is ``omega0 z``.
        """
        x, y, zc = self.bloch_vector(cell)
        return self.omega0 * (zc + sp.sqrt(x**2 + y**2 + zc**2))

    def _expectation(self, operator: sp.Matrix) -> sp.Expr:
        terms = self.state.bilinear(operator)
        total = sp.Integer(0)
        keys = [lam for lam, _ in self.state.components]
        for i, k in enumerate(keys):
            total += terms[(k, k)]
            for l in keys[i + 1 :]:
                g = terms[(k, l)]
                re, im = sp.expand(sp.re(g)), sp.expand(sp.im(g))
                total += 2 * re * sp.cos((k - l) * t_symbol) - 2 * im * sp.sin((k - l) * t_symbol)
        return total

    def explicit(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with every ``lambda_k`` replaced by its closed form."""
        return expr.subs(self.state.eigenvalues)


def _check(condition: bool, what: str) -> None:
    if not condition:  # pragma: no cover - would mean a wrong derivation
        raise AssertionError(f"closed-form derivation failed: {what}")


@lru_cache(maxsize=256)
def figures_of_merit(battery: Battery) -> FiguresOfMerit:
    """Derive the compact closed forms from the battery's evolved state.

    The derivation computes, from the closed-form state, the coefficients of
    ``<H0>`` on ``exp(i(lambda_k - lambda_l)t)`` and of ``a d - b c`` on
    ``exp(-i(lambda_k + lambda_l)t)``, and proves (reduction modulo the
    eigenvalue relations) that they are ``-omega0 w_l`` for ``k = 0`` and zero
    otherwise, and ``(w_k w_l - delta_kl w_k/2)/2``, ``-1/4`` for ``k = l = 0``:
    the compact forms of the class docstring.

    Examples
    --------
    >>> import sympy as sp
    >>> from qb_symbolic import Battery
    >>> f = figures_of_merit(Battery("parallel"))
    >>> sp.simplify(f.explicit(f.ergotropy))
    4*omega0*sin(Omega*t)**2
    """
    psi = evolved_state(battery)
    es = psi.eigensystem
    lam0 = es.reference
    spectrum = es.charging_spectrum
    charging = spectrum.symbols
    weights = es.weights()
    w = dict(zip(charging, weights))
    omega0 = battery.params["omega0"]
    populated = [lam for lam, _ in psi.components]
    _check(set(populated) == {lam0, *charging}, "populated eigenvalues")

    energy = psi.bilinear(battery_hamiltonian(omega0))
    for (k, l), g in energy.items():
        if k == lam0 and l != lam0:
            claim = -omega0 * w[l]
        elif l == lam0 and k != lam0:
            claim = -omega0 * w[k]
        else:
            claim = 0
        _check(es.reduce(g - claim) == 0, f"<H0> coefficient ({k}, {l})")

    quadratic = psi.quadratic(CONCURRENCE_FORM)
    for (k, l), n in quadratic.items():
        if k == lam0 and l == lam0:
            claim = -sp.Rational(1, 4)
        elif lam0 in (k, l):
            claim = 0
        else:
            claim = (w[k] * w[l] - (w[k] / 2 if k == l else 0)) / 2
        _check(es.reduce(n - claim) == 0, f"ad - bc coefficient ({k}, {l})")

    return FiguresOfMerit(psi, tuple(weights), tuple(lam - lam0 for lam in charging))
