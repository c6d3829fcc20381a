"""Charging times: the time of the largest ergotropy and of the largest power.

Both come from the closed form's derivative, never from sampling alone:

1. the ergotropy ``zeta(t)`` and its derivative ``zeta'(t) = 2 omega0 Re kappa'(t)``
   (``kappa' `` from the Schroedinger equation, see :mod:`qb_symbolic.codegen`)
   are evaluated on a grid fine enough for the fastest frequency (at least 40
   points per period of ``max |nu_k|``) to find every local maximum;
2. each candidate is refined by bracketing the sign change of ``zeta'`` (for the
   power ``P = zeta/t``: of ``t zeta' - zeta``) and mpmath root-finding
   (Anderson-Bjorck) at ``WORKING_DIGITS``, so the result is correct to at least
   30 digits;
3. where the time is a rational multiple of ``pi/Omega`` (small denominator),
   the exact value is guessed from the digits and then *proved* by substituting it
   into the exact symbolic derivative (for parallel charging:
   ``t_min = pi/(2 Omega)``).

The default window is the paper's ``[0, pi/(2 Omega)]``, the parallel-charging
time ``t_min``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from .codegen import evaluators
from .evaluate import (
    PARAMETER_ORDER,
    _mp_stage,
    _ordered_nodes,
    _prepare_mpmath,
    _time_stage,
    _to_mpf,
    resolve,
)
from .models import Battery
from .quantities import figures_of_merit
from .subspaces import block_decomposition
from .symbols import t as t_symbol

#: Digits of the mpmath refinement: 20 more than the 30 promised.
WORKING_DIGITS = 50
#: Grid points per period of the fastest frequency when looking for maxima.
POINTS_PER_PERIOD = 40
#: Two candidate maxima closer than this (relative to 4 omega0) count as equal;
#: the earlier time wins, as "t_min" is the shortest time to the largest charge.
TIE_TOLERANCE = mp.mpf(10) ** -30
#: Largest denominator q tried when recognising t = p pi/(q Omega).
EXACT_DENOMINATOR = 720


@dataclass(frozen=True)
class ChargingResult:
    """A time and a value, to ``WORKING_DIGITS`` digits, with its exact form if any.

    Attributes
    ----------
    model, params
        What was asked.
    t
        The time (mpmath number).
    value
        The ergotropy or power there.
    window
        ``(0, T)`` searched.
    t_exact
        The exact time as a SymPy expression when proved, else None.
    at_window_end
        True if the maximum is the window's end with the quantity still rising
        there (the window, not the dynamics, limits it).
    full_charge
        For the ergotropy: whether ``zeta_max = 4 omega0`` (to 30 digits, or exactly).
    """

    model: str
    params: dict[str, Any]
    t: mp.mpf
    value: mp.mpf
    window: tuple[mp.mpf, mp.mpf]
    t_exact: sp.Expr | None
    at_window_end: bool
    full_charge: bool | None = None


def _exact_params(values: dict[str, Any]) -> dict[str, sp.Expr]:
    out = {}
    for name, value in values.items():
        v = _to_mpf(name, value)
        out[name] = sp.Rational(mp.nstr(v, 40, strip_zeros=True)) if v != int(v) else sp.Integer(int(v))
    return out


class _Problem:
    """The ergotropy of one numeric parameter point, in numpy and mpmath."""

    def __init__(self, model: str, given: dict[str, Any], window: Any):
        values = resolve(model, given)
        for name in PARAMETER_ORDER:
            if np.ndim(values[name]) != 0:
                raise ValueError(f"{name} must be a single number for a charging time")
        self.model = model
        self.values = {n: values[n] for n in PARAMETER_ORDER}
        self.Omega = float(self.values["Omega"])
        if self.Omega <= 0:
            raise ValueError("Omega must be > 0 for a charging time (the window is pi/(2 Omega))")
        with mp.workdps(WORKING_DIGITS):
            self.mp_values = {n: _to_mpf(n, self.values[n]) for n in PARAMETER_ORDER}
            if window is None:
                self.T = mp.pi / (2 * self.mp_values["Omega"])
            else:
                self.T = _to_mpf("window", window)
        if not self.T > 0:
            raise ValueError(f"the window must be > 0; got {window!r}")
        self.ev_np = evaluators(model, "numpy")
        self.ev_mp = evaluators(model, "mpmath")
        self.nodes = _ordered_nodes(self.ev_np, {n: np.asarray(float(self.values[n])) for n in PARAMETER_ORDER})
        with mp.workdps(WORKING_DIGITS):
            self.point = _prepare_mpmath(self.ev_mp, self.mp_values)
        self.omega0 = self.mp_values["omega0"]

    def grid(self) -> np.ndarray:
        n = {k: float(self.nodes[k]) for k in ("e0", "m12", "e2", "h12")}
        fastest = max(abs(n["e0"]), abs(n["e2"]), abs(n["m12"]) + abs(n["h12"]) / 2)
        periods = float(self.T) * fastest / (2 * math.pi)
        count = int(min(200_000, max(2001, POINTS_PER_PERIOD * periods + 1)))
        return np.linspace(0.0, float(self.T), count)

    def zeta_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        kappa, _, _, _, dkappa = _time_stage(self.ev_np, self.nodes, t)
        w0 = float(self.omega0)
        return 2 * w0 * kappa.real, 2 * w0 * dkappa.real

    def zeta(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        kappa, _, _, _, dkappa = _mp_stage(self.ev_mp, self.point, t)
        return 2 * self.omega0 * mp.re(kappa), 2 * self.omega0 * mp.re(dkappa)


def _refine(function, a: mp.mpf, b: mp.mpf) -> mp.mpf:
    """Root of ``function`` in ``[a, b]`` (sign change), at the working precision."""
    fa, fb = function(a), function(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    if fa * fb > 0:
        return (a + b) / 2 if abs(fa) > abs(fb) else b
    return mp.findroot(function, (a, b), solver="anderson", tol=mp.mpf(10) ** (-WORKING_DIGITS + 5))


def _maximise(problem: _Problem, values: np.ndarray, rates: np.ndarray, grid: np.ndarray,
              rate_mp, value_mp) -> tuple[mp.mpf, mp.mpf, bool]:
    """Refine every grid maximum near the best and return the best (earliest on ties)."""
    best_grid = np.max(values)
    spread = max(1e-9 * abs(best_grid), 1e-12)
    # Candidate: interior local maximum of the samples or a sign change of the rate.
    candidates = set()
    for i in range(1, len(grid) - 1):
        if values[i] >= values[i - 1] and values[i] >= values[i + 1]:
            candidates.add(i)
    for i in range(len(grid) - 1):
        if rates[i] > 0 >= rates[i + 1]:
            candidates.add(i)
    threshold = best_grid - 10 * spread - np.max(np.abs(np.diff(values)))
    refined = []
    with mp.workdps(WORKING_DIGITS):
        for i in sorted(candidates):
            if values[i] < threshold and values[min(i + 1, len(grid) - 1)] < threshold:
                continue
            a = mp.mpf(grid[max(i - 1, 0)])
            b = mp.mpf(grid[min(i + 2, len(grid) - 1)])
            root = _refine(rate_mp, a, b)
            if 0 < root < problem.T:
                refined.append((value_mp(root), root, False))
        still_rising = rate_mp(problem.T) > TIE_TOLERANCE * 4 * problem.omega0
        refined.append((value_mp(problem.T), problem.T, bool(still_rising)))
        top = max(r[0] for r in refined)
        scale = 4 * problem.omega0
        ties = [r for r in refined if top - r[0] <= TIE_TOLERANCE * scale]
        value, time, at_end = min(ties, key=lambda r: r[1])
    return value, time, at_end


def _exact_time(problem: _Problem, time: mp.mpf, rate_expr: sp.Expr) -> sp.Expr | None:
    """Guess ``p pi/(q Omega)`` from the digits and prove it with the exact derivative."""
    with mp.workdps(WORKING_DIGITS):
        ratio = time * problem.mp_values["Omega"] / mp.pi
        guess = Fraction(str(mp.nstr(ratio, 45))).limit_denominator(EXACT_DENOMINATOR)
        if abs(ratio - mp.mpf(guess.numerator) / guess.denominator) > mp.mpf(10) ** -40:
            return None
    exact = _exact_params(problem.values)
    candidate = sp.Rational(guess.numerator, guess.denominator) * sp.pi / exact["Omega"]
    if time == problem.T:
        return candidate  # the window's end: exact by construction when the window is
    try:
        value = sp.nsimplify(sp.simplify(rate_expr.subs(exact).subs(t_symbol, candidate)))
    except (TypeError, ValueError, NotImplementedError):
        return None
    return candidate if value == 0 else None


def _symbolic(problem: _Problem):
    """Exact figures of merit of the point, only where cheap (blocks of size <= 2)."""
    exact = _exact_params(problem.values)
    battery = Battery(problem.model, **exact)
    if block_decomposition(battery).block_of("Phi+").dim > 2:
        return None  # cubic roots: no rational multiple of pi to recognise
    return figures_of_merit(battery)


def charging_time(model: str = "general", window: Any = None, **params: Any) -> ChargingResult:
    """Time of the largest ergotropy in ``[0, window]`` and whether it is a full charge.

    Parameters
    ----------
    model
        A model name (see :data:`qb_symbolic.MODELS`).
    window
        End ``T`` of the window ``[0, T]`` (a time; default ``pi/(2 Omega)``).
    **params
        Single numbers for ``Omega, J, gamma, Delta, D, omega0`` (defaults as
        in :func:`qb_symbolic.evaluate`).

    Returns
    -------
    ChargingResult
        ``t`` (``t_min``), ``value`` (``zeta_max``), ``full_charge`` and the
        exact ``t_exact`` where one is proved.

    Raises
    ------
    ValueError
        For bad parameters, ``Omega <= 0`` or a window ``<= 0``.
    """
    problem = _Problem(model, params, window)
    grid = problem.grid()
    values, rates = problem.zeta_np(grid)
    value, time, at_end = _maximise(
        problem, values, rates, grid,
        rate_mp=lambda s: problem.zeta(s)[1],
        value_mp=lambda s: problem.zeta(s)[0],
    )
    exact = None
    full = bool(abs(value - 4 * problem.omega0) <= mp.mpf(10) ** -30 * problem.omega0)
    fm = _symbolic(problem)
    if fm is not None:
        exact_time = _exact_time(problem, time, sp.diff(fm.explicit(fm.ergotropy), t_symbol))
        if exact_time is not None:
            exact = exact_time
            zeta_exact = sp.simplify(fm.explicit(fm.ergotropy).subs(t_symbol, exact))
            full = bool(sp.simplify(zeta_exact - 4 * fm.omega0) == 0)
    return ChargingResult(
        model, dict(problem.values), time, value, (mp.mpf(0), problem.T), exact, at_end, full
    )


def max_power(model: str = "general", window: Any = None, **params: Any) -> ChargingResult:
    """Time and value of the largest power ``P = zeta/t`` in ``(0, window]``.

    The maximum is a root of ``t zeta'(t) - zeta(t)`` (where ``P' = 0``) or the
    window's end. Parameters as for :func:`charging_time`.
    """
    problem = _Problem(model, params, window)
    grid = problem.grid()[1:]
    values, rates = problem.zeta_np(grid)
    powers = values / grid
    slopes = grid * rates - values

    def power(s):
        return problem.zeta(s)[0] / s

    def slope(s):
        z, dz = problem.zeta(s)
        return s * dz - z

    value, time, at_end = _maximise(problem, powers, slopes, grid, rate_mp=slope, value_mp=power)
    exact = None
    fm = _symbolic(problem)
    if fm is not None:
        zeta = fm.explicit(fm.ergotropy)
        exact = _exact_time(problem, time, t_symbol * sp.diff(zeta, t_symbol) - zeta)
    return ChargingResult(model, dict(problem.values), time, value, (mp.mpf(0), problem.T), exact, at_end)
