"""Figures of merit in closed form: ergotropy, power, coherence, steering, concurrence.

Definitions (docs/conventions.md; paper Eqs. 6-12):

* ergotropy ``zeta(rho) = Tr(rho H0) - min_U Tr(U rho U^dag H0)`` (Allahverdyan,
  Balian, Nieuwenhuizen, EPL 67, 565 (2004); the paper's Eq. 6 prints ``max``).
  The minimum is reached by the passive state: eigenvalues of ``rho`` sorted
  down against the energies of ``H0`` sorted up. For a pure state it is the
  ground energy ``-2 omega0``;
* power ``P = zeta/t`` with ``P(0) = 0``;
* first-order coherence ``Q(rho_k) = sqrt(2 Tr rho_k**2 - 1)``,
  ``Q = sqrt((Q(rho_A)**2 + Q(rho_B)**2)/2)`` (Eqs. 11-12);
* steering: the largest violation of the three-setting CJWR inequality (Eq. 10)
  ``F3_max = sqrt(Tr T^T T)``, ``T_ij = Tr(rho sigma_i (x) sigma_j)``. The
  maximisation (Costa and Angelo, PRA 93, 020103 (2016)): for Alice's orthonormal
  settings ``a_i`` Bob's best unit vectors are ``b_i = T^T a_i/|T^T a_i|``, giving
  ``sum_i |T^T a_i|``; by Cauchy-Schwarz this is at most
  ``sqrt(3 sum_i |T^T a_i|**2) = sqrt(3 Tr T T^T)``, with equality for the
  orthonormal triad in which ``T T^T`` has equal diagonal entries (one always
  exists), so ``max F3 = sqrt(Tr T^T T)``. Steerable iff ``F3_max > 1``;
  normalised steerability ``S = max(0, (F3_max - 1)/(sqrt 3 - 1))``;
* concurrence of a pure state ``a|uu> + b|ud> + c|du> + d|dd>``: ``C = 2|ad - bc|``.

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
from typing import Any

import numpy as np
import sympy as sp

from ..core.symbols import t as t_symbol
from ..model.presets import Battery, battery_hamiltonian, sigma
from ..model.states import coherence_number, density_matrix, hermitian_operator, steering_number
from .dynamics import EvolvedState, evolved_state, partial_trace

SQRT3 = sp.sqrt(3)

#: The bilinear form ``a d - b c`` of a two-qubit vector (basis uu, ud, du, dd).
CONCURRENCE_FORM = sp.Matrix(
    [[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]]
) / 2


# --------------------------------------------------------------------------
# Functions of any state (symbolic or numeric)
# --------------------------------------------------------------------------


def _as_density_matrix(state: sp.Matrix) -> sp.Matrix:
    state = sp.Matrix(state)
    if state.shape == (4, 1):
        return state * state.H
    if state.shape == (4, 4):
        return state
    raise ValueError(f"need a 4-component ket or a 4x4 density matrix; got shape {state.shape}")


def correlation_matrix(state: sp.Matrix) -> sp.Matrix:
    """``T_ij = Tr(rho sigma_i (x) sigma_j)`` for ``i, j`` in x, y, z."""
    rho = _as_density_matrix(state)
    axes = "xyz"
    return sp.Matrix(
        3, 3, lambda i, j: (rho * sigma(axes[i], 1) * sigma(axes[j], 2)).trace()
    )


def coherence_of_state(state: Any) -> Any:
    """First-order coherence of a two-qubit state from its reduced states (Eqs. 11-12).

    A SymPy ket or density matrix gives an exact expression; numbers (numpy,
    lists, ``.full()``) give a float after the checks of
    :func:`qb_symbolic.model.states.density_matrix`.

    Examples
    --------
    >>> import sympy as sp
    >>> coherence_of_state(sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2))  # the singlet: no local coherence
    0
    """
    if not isinstance(state, sp.MatrixBase):
        return coherence_number(state)
    rho = _as_density_matrix(state)
    squares = [2 * (partial_trace(rho, k) ** 2).trace() - 1 for k in (1, 2)]
    return sp.sqrt((squares[0] + squares[1]) / 2)


def steering_of_state(state: Any) -> Any:
    """Largest CJWR violation ``F3_max = sqrt(Tr T^T T)`` (Eq. 10, maximised).

    Exact for a SymPy state, a float for numbers (checked as in
    :func:`coherence_of_state`).

    Examples
    --------
    >>> import sympy as sp
    >>> steering_of_state(sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2))  # T = -1: F3_max = sqrt(3)
    sqrt(3)
    """
    if not isinstance(state, sp.MatrixBase):
        return steering_number(state)
    T = correlation_matrix(state)
    return sp.sqrt((T.H * T).trace())


def concurrence_of_pure_state(ket: sp.Matrix) -> sp.Expr:
    """``C = 2|ad - bc|`` for a normalised pure state ``a|uu> + b|ud> + c|du> + d|dd>``.

    Examples
    --------
    >>> import sympy as sp
    >>> concurrence_of_pure_state(sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2))  # 2|ad - bc| = 1
    1
    """
    ket = sp.Matrix(ket)
    if ket.shape != (4, 1):
        raise ValueError(f"need a 4-component ket; got shape {ket.shape}")
    return 2 * sp.Abs((ket.T * CONCURRENCE_FORM * ket)[0])


def ergotropy_of_state(rho: Any, hamiltonian: Any) -> Any:
    """Ergotropy ``Tr(rho H) - Tr(rho_passive H)`` of any density matrix.

    The passive state puts the eigenvalues of ``rho`` in decreasing order on the
    eigenvalues of ``H`` in increasing order (Allahverdyan et al. 2004).

    Parameters
    ----------
    rho, hamiltonian
        Square matrices of the same size: numpy arrays, mpmath matrices, or
        SymPy matrices. A SymPy ``rho`` must be 2x2 or have numeric entries
        (its eigenvalues are then exact).

    Returns
    -------
    float, mpf or sympy.Expr

    Raises
    ------
    ValueError
        For shapes that do not match, a ``rho`` that is not a state (not
        Hermitian, trace not 1, a negative eigenvalue; exactly for SymPy input,
        to ``STATE_TOLERANCE`` for numbers), a non-Hermitian ``H``, or a symbolic
        matrix whose eigenvalues cannot be ordered.

    Examples
    --------
    >>> import sympy as sp
    >>> ergotropy_of_state(sp.diag(1, 0, 0, 0), sp.diag(2, 0, 0, -2))  # |uu> -> |dd>: 2 - (-2)
    4
    """
    if isinstance(rho, sp.MatrixBase) or isinstance(hamiltonian, sp.MatrixBase):
        return _ergotropy_symbolic(_checked_state(sp.Matrix(rho)), sp.Matrix(hamiltonian))
    try:
        import mpmath as mp

        if isinstance(rho, mp.matrix):
            trace = sum(rho[i, i] for i in range(rho.rows))
            if abs(trace - 1) > mp.mpf(10) ** (-mp.mp.dps // 2):
                raise ValueError(f"rho must have trace 1; got {mp.nstr(mp.re(trace), 15)}")
            if mp.mnorm(rho - rho.H, 1) > mp.mpf(10) ** (-mp.mp.dps // 2):
                raise ValueError("rho is not Hermitian (rho != rho^dagger)")
            p = sorted(mp.eighe(rho)[0], reverse=True)
            e = sorted(mp.eighe(hamiltonian)[0])
            energy = sum((rho * hamiltonian)[i, i] for i in range(rho.rows))
            return mp.re(energy) - sum(a * b for a, b in zip(p, e))
    except ImportError:  # pragma: no cover - mpmath is a dependency
        pass
    h_a = hermitian_operator(hamiltonian, "H")
    rho_a = density_matrix(rho, "rho", size=h_a.shape[0])
    p = np.sort(np.linalg.eigvalsh(rho_a))[::-1]
    e = np.sort(np.linalg.eigvalsh(h_a))
    return float(np.real(np.trace(rho_a @ h_a)) - p @ e)


def _checked_state(rho: sp.Matrix) -> sp.Matrix:
    """``rho`` if it is exactly Hermitian with trace 1, else a ValueError."""
    if rho.shape[0] != rho.shape[1]:
        raise ValueError(f"rho must be square; got shape {rho.shape}")
    if any(sp.simplify(e) != 0 for e in (rho - rho.H)):
        raise ValueError("rho is not Hermitian (rho != rho^dagger)")
    trace = sp.simplify(rho.trace())
    if trace != 1:
        raise ValueError(f"rho must have trace 1; got {trace}")
    return rho


def _ergotropy_symbolic(rho: sp.Matrix, hamiltonian: sp.Matrix) -> sp.Expr:
    if rho.shape != hamiltonian.shape or rho.shape[0] != rho.shape[1]:
        raise ValueError(f"rho and H must be square and of one shape; got {rho.shape}, {hamiltonian.shape}")
    energy = sp.expand((rho * hamiltonian).trace())
    energies = _ordered_eigenvalues(hamiltonian, "H")
    if rho.shape == (2, 2):
        # Eigenvalues (1 +/- |r|)/2 for a unit-trace 2x2 state; larger one first.
        tr = rho.trace()
        root = sp.sqrt(sp.expand((rho[0, 0] - rho[1, 1]) ** 2 + 4 * rho[0, 1] * rho[1, 0]))
        populations = [(tr + root) / 2, (tr - root) / 2]
    else:
        populations = _ordered_eigenvalues(rho, "rho")[::-1]
    return energy - sum(p * e for p, e in zip(populations, energies))


def _ordered_eigenvalues(matrix: sp.Matrix, name: str) -> list[sp.Expr]:
    if matrix.is_diagonal():
        values = [matrix[i, i] for i in range(matrix.shape[0])]
    elif not matrix.free_symbols:
        values = [v for v, m in matrix.eigenvals().items() for _ in range(m)]
    else:
        raise ValueError(
            f"the eigenvalues of a symbolic {matrix.shape[0]}x{matrix.shape[0]} {name} "
            "cannot be ordered; give numbers (or a 2x2 state)"
        )
    try:
        return sorted(values, key=lambda v: sp.re(sp.N(v, 30)))
    except TypeError as exc:
        raise ValueError(f"the eigenvalues of {name} cannot be ordered: {values}") from exc


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
