"""Charging times: the time of the largest ergotropy and of the largest power.

Both come from the closed form's derivative, never from sampling alone:

1. the ergotropy ``zeta(t)`` and its derivative ``zeta'(t) = 2 omega0 Re kappa'(t)``
   (``kappa' `` from the Schroedinger equation, see :mod:`qb_symbolic.numeric.closed_form.codegen`)
   are evaluated on a grid fine enough for the fastest frequency (at least 40
   points per period of ``max |nu_k|``), in chunks of ``CHUNK_POINTS`` (so memory
   is fixed however long the window), keeping every bracket where ``zeta'``
   (for the power ``P = (E(t) - E(0))/t``: ``t E' - (E - E(0))``, with ``E`` replaced by
   ``zeta`` for closed batteries, :class:`~qb_symbolic.numeric.search.charging_base.SearchProblem`)
   changes sign from + to - and whose samples come within one grid step's change of the
   best sample;
2. every such bracket is refined in double precision at once (vectorised
   bisection), and only the maxima that can still win, those within twice the
   float path's error bound of the best, are refined again by mpmath
   root-finding (Anderson-Bjorck) at ``WORKING_DIGITS`` plus guard digits for
   the phase, so the result is correct to at least 30 digits. Cost: linear in
   the number of grid points;
3. where the time is a rational multiple of ``pi/Omega`` (small denominator),
   the exact value is guessed from the digits and then *proved* by substituting it
   into the exact symbolic derivative (for parallel charging:
   ``t_min = pi/(2 Omega)``).

The default window is the paper's ``[0, pi/(2 Omega)]``, the parallel-charging
time ``t_min``; any window ``[0, T]`` can be given (``Omega = 0`` then too). A
window that needs more than ``MAX_GRID_POINTS`` grid points is refused with a
ValueError naming the limit (about 1e6 periods of the fastest frequency). The problem
searched, its result and those limits are in :mod:`qb_symbolic.numeric.search.charging_base`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from ...core.symbols import t as t_symbol
from ...core.values import describe, real_array, to_mpf
from ...model.kinds import battery_kind
from ..closed_form.arguments import PARAMETER_ORDER, preset_values, resolve
from ..closed_form.codegen import evaluators
from ..closed_form.precise import guard_digits, point_stage, prepare_point
from ..closed_form.stages import (
    fastest_rate,
    kappa_and_rate,
    ordered_nodes,
    rescaled,
    scale_exponents,
)
from .chain_charging import chain_charging
from .charging_base import WORKING_DIGITS, ChargingResult, Progress, SearchProblem
from .exact_times import exact_time
from .mixed_charging import MixedProblem
from .open_charging import OpenProblem
from .user_charging import UserProblem

#: Grid points evaluated at once (fixed memory, ~100 MB).
CHUNK_POINTS = 1 << 18
#: Most near-tied maxima refined with mpmath, earliest first; any further ones agree
#: with the best to within the float bound and are counted in ``unrefined_ties``.
MAX_REFINED = 100
#: Bisection steps of the float refinement (the bracket shrinks below one ulp).
FLOAT_BISECTIONS = 64
#: Two candidate maxima closer than this (relative to 4 omega0) count as equal;
#: the earlier time wins, as "t_min" is the shortest time to the largest charge.
TIE_TOLERANCE = mp.mpf(10) ** -30


class PresetProblem(SearchProblem):
    """The ergotropy of a preset model at one numeric parameter point (its generated
    stages, :mod:`qb_symbolic.numeric.closed_form.stages` and :mod:`qb_symbolic.numeric.closed_form.precise`)."""

    def __init__(self, model: str, given: dict[str, Any], window: Any):
        values = resolve(model, given)
        for name in PARAMETER_ORDER:
            if np.ndim(values[name]) != 0:
                raise ValueError(f"{name} must be a single number for a charging time")
        self.model = model
        self.values = {n: float(values[n]) for n in PARAMETER_ORDER}
        if window is None and self.values["Omega"] <= 0:
            raise ValueError("Omega must be > 0 for the default window pi/(2 Omega); "
                             "give a window (--window T) for Omega = 0")
        if window is not None:
            real_array("window", window)  # finite and real, else a ValueError
        params = {n: np.asarray(self.values[n]) for n in PARAMETER_ORDER}
        self.exponent = scale_exponents(params)
        self.ev_np = evaluators(model, "numpy")
        self.ev_mp = evaluators(model, "mpmath")
        with np.errstate(all="ignore"):
            self.nodes = ordered_nodes(self.ev_np, rescaled(params, self.exponent))
        if not all(np.all(np.isfinite(v)) for v in self.nodes.values()):
            shown = ", ".join(f"{n} = {describe(self.values[n])}" for n in PARAMETER_ORDER[:5])
            raise ValueError(f"the search runs in double precision, which cannot hold the "
                             f"spectrum at {shown}: gamma and Delta are dimensionless and their powers "
                             "enter the discriminant; use smaller |gamma|, |Delta|")
        with mp.workdps(WORKING_DIGITS):
            self.T = (mp.pi / (2 * to_mpf("Omega", self.values["Omega"])) if window is None
                      else to_mpf("window", window))
        if not self.T > 0:
            raise ValueError(f"the window must be > 0; got {describe(window)}")
        self.digits = WORKING_DIGITS + guard_digits(self.values, self.T)
        with mp.workdps(self.digits):
            self.mp_values = {n: to_mpf(n, self.values[n]) for n in PARAMETER_ORDER}
            self.point = prepare_point(self.ev_mp, self.mp_values)
        self.omega0 = self.mp_values["omega0"]
        self.rate = float(np.ldexp(fastest_rate(self.nodes), self.exponent))
        self.phase = self.rate * float(self.T)
        self.scale = 4 * self.omega0  # the capacity: zeta <= 4 omega0

    def zeta_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            kappa, dkappa = kappa_and_rate(self.ev_np, self.nodes, np.ldexp(t, self.exponent))
            w0 = self.values["omega0"]
            return 2 * w0 * kappa.real, 2 * w0 * np.ldexp(dkappa.real, self.exponent)

    def zeta(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        kappa, _, _, _, dkappa = point_stage(self.ev_mp, self.point, t)
        return 2 * self.omega0 * mp.re(kappa), 2 * self.omega0 * mp.re(dkappa)


@dataclass(frozen=True)
class _Target:
    """What is maximised: value and rate (a function whose + to - sign change marks a
    maximum), in numpy and in mpmath, and the value counted at ``t = 0``."""

    quantity: str
    values: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
    value_mp: Callable[[mp.mpf], mp.mpf]
    rate_mp: Callable[[mp.mpf], mp.mpf]
    bound: float
    #: The value at ``t = 0``, evaluated at the working precision.
    at_zero: Callable[[], Any] = lambda: 0


def _scan(problem: SearchProblem, target: _Target, first: float,
          progress: Progress | None) -> tuple[np.ndarray, np.ndarray, float]:
    """Brackets ``[a, b]`` of every sign change of the rate that can still win."""
    count = problem.grid_size()
    T = float(problem.T)
    starts, ends, tops = [], [], []
    best, largest_step = -np.inf, 0.0
    for begin in range(0, count - 1, CHUNK_POINTS):
        stop = min(begin + CHUNK_POINTS, count - 1)
        index = np.arange(begin, stop + 1)
        grid = np.maximum(index * (T / (count - 1)), first)
        values, rates = target.values(grid)
        best = max(best, float(np.max(values)))
        largest_step = max(largest_step, float(np.max(np.abs(np.diff(values)))))
        change = np.nonzero((rates[:-1] > 0) & (rates[1:] <= 0))[0]
        top = np.maximum(values[change], values[change + 1])
        keep = top >= best - largest_step - target.bound
        starts.append(grid[change[keep]])
        ends.append(grid[change[keep] + 1])
        tops.append(top[keep])
        if progress is not None:
            progress(stop + 1, count)
    a, b, top = (np.concatenate(x) for x in (starts, ends, tops))
    keep = top >= best - largest_step - target.bound
    return a[keep], b[keep], count


def _bisect(target: _Target, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised bisection of the rate's sign change; values at the midpoints."""
    for _ in range(FLOAT_BISECTIONS):
        middle = (a + b) / 2
        rising = target.values(middle)[1] > 0
        a = np.where(rising, middle, a)
        b = np.where(rising, b, middle)
    return a, target.values(a)[0]


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


def _maximise(problem: SearchProblem, target: _Target, first: float,
              progress: Progress | None) -> tuple[mp.mpf, mp.mpf, bool, int, int]:
    """The largest value in the window (earliest on ties), and how it was found."""
    a, b, count = _scan(problem, target, first, progress)
    times, values = _bisect(target, a, b)
    with mp.workdps(problem.digits):
        end_value = target.value_mp(problem.T)
    best_float = max([float(end_value), *values.tolist()])
    contenders = np.nonzero(values >= best_float - 2 * target.bound)[0]
    order = contenders[np.argsort(times[contenders], kind="stable")]
    refined = []
    with mp.workdps(problem.digits):
        for i in order[:MAX_REFINED]:
            step = mp.mpf(float(b[i] - a[i])) + mp.mpf(2) ** -40 * (1 + abs(mp.mpf(float(b[i]))))
            root = _refine(target.rate_mp, mp.mpf(float(times[i])) - step,
                           mp.mpf(float(times[i])) + step)
            if 0 < root < problem.T:
                refined.append((target.value_mp(root), root, False))
        still_rising = target.rate_mp(problem.T) > TIE_TOLERANCE * problem.scale
        refined.append((end_value, problem.T, bool(still_rising)))
        # t = 0 is a candidate with its own value: the start's ergotropy (the maximum of a
        # battery that only discharges, 0 from |dd>) or the power's limit P(0) (a start
        # charging fastest at once, or discharging ever faster).
        refined.append((mp.mpf(target.at_zero()), mp.mpf(0), False))
        top = max(r[0] for r in refined)
        ties = [r for r in refined if top - r[0] <= TIE_TOLERANCE * problem.scale]
        value, time, at_end = min(ties, key=lambda r: r[1])
        if time > 0:  # off the range only by rounding (< 1e-40); |stored change| <= scale
            power = target.quantity == "power"
            high = problem.scale * (1 / time if power else 1)
            low = -high if power and problem.start_mp > problem.stored_floor else mp.mpf(0)
            value = min(max(value, low), high)
    return value, time, at_end, count, max(0, len(order) - MAX_REFINED)


def _ergotropy_target(problem: SearchProblem) -> _Target:
    return _Target("ergotropy", problem.zeta_np, lambda s: problem.zeta(s)[0],
                   lambda s: problem.zeta(s)[1], problem.float_bound(),
                   lambda: problem.zeta(mp.mpf(0))[0])


def _power_target(problem: SearchProblem, first: float) -> _Target:
    """``P = (E(t) - E(0))/t`` of :meth:`SearchProblem.stored` (the ergotropy's change for
    closed batteries, the energy's for open ones); ``P(0)`` the start's rate."""
    def values(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        quantity, rate = problem.stored_np(t)
        stored = quantity - problem.start
        return stored / t, t * rate - stored  # P and t^2 P' (same sign as P')

    def slope(s: mp.mpf) -> mp.mpf:
        q, dq = problem.stored(s)
        return s * dq - (q - problem.start_mp)

    return _Target("power", values, lambda s: (problem.stored(s)[0] - problem.start_mp) / s,
                   slope, problem.float_bound() / first, lambda: problem.start_rate_mp)


#: The two-qubit batteries' search problems by kind (:func:`qb_symbolic.model.kinds.battery_kind`),
#: and the open batteries' (Lindblad evolution, :mod:`qb_symbolic.numeric.search.open_charging`).
PROBLEMS = {"mixed": MixedProblem, "pure": UserProblem, "open": OpenProblem}


def _problem(model: str, window: Any, battery: Any, params: dict):
    """The search problem of a preset model, a preset ``Battery`` or a user battery."""
    if battery is None:
        return PresetProblem(model, params, window), model
    kind = battery_kind(battery)
    if kind in PROBLEMS:
        return PROBLEMS[kind](battery, params, window), "user"
    model, values = preset_values(battery, model, params)
    return PresetProblem(model, values, window), model


def charging_time(model: str = "general", window: Any = None, *, battery: Any = None,
                  progress: Progress | None = None, **params: Any) -> ChargingResult:
    """Time of the largest ergotropy in ``[0, window]`` and whether it is a full charge.

    Parameters
    ----------
    model
        A model name (see :data:`qb_symbolic.MODELS`).
    window
        End ``T`` of the window ``[0, T]`` (a finite time; default ``pi/(2 Omega)``,
        which needs ``Omega > 0``).
    progress
        Called as ``progress(points_done, points_total)`` after each chunk of the
        grid scan (the CLI prints it for long windows).
    battery
        Instead of ``model``: a preset ``Battery`` or a user battery
        (``Battery.from_string`` ...), whose parameters ``params`` then name (its full
        charge is its capacity ``E_max(H0) - E_min(H0)``; the default window needs a
        parameter ``Omega``, otherwise give ``window``).
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
        For bad parameters, ``Omega = 0`` without a window, a window that is not
        finite and ``> 0``, or one needing more than ``MAX_GRID_POINTS`` points.

    Examples
    --------
    >>> r = charging_time("parallel", Omega=2)  # 4 omega0 sin^2(2 t): full at pi/4
    >>> r.t_exact, r.full_charge
    (pi/4, True)
    """
    if battery_kind(battery) == "chain":
        return chain_charging(battery, "ergotropy", window, params)
    problem, model = _problem(model, window, battery, params)
    value, time, at_end, count, ties = _maximise(problem, _ergotropy_target(problem), 0.0, progress)
    full = bool(abs(value - problem.scale) <= mp.mpf(10) ** -30 * problem.scale)
    exact, fm = exact_time(problem, time, lambda zeta: sp.diff(zeta, t_symbol))
    if exact is not None:
        zeta_exact = sp.simplify(fm.explicit(fm.ergotropy).subs(t_symbol, exact))
        full = bool(sp.simplify(zeta_exact - 4 * fm.omega0) == 0)
    return ChargingResult(model, dict(problem.values), time, value, (mp.mpf(0), problem.T),
                          exact, at_end, full, count, ties, problem.scale)


def max_power(model: str = "general", window: Any = None, *, battery: Any = None,
              progress: Progress | None = None, **params: Any) -> ChargingResult:
    """Time and value of the largest power ``P = (E(t) - E(0))/t`` in ``[0, window]``.

    The power is the stored energy per time, ``E = Tr(rho H0)`` (docs/conventions.md;
    :func:`qb_symbolic.numeric.closed_form.user_numeric.stored_power`). For a closed
    battery it equals the ergotropy gained per time ``(zeta(t) - zeta(0))/t`` (a unitary
    keeps rho's passive energy), ``zeta/t`` for the paper's start; for an open battery the
    two differ and the energy is divided. The maximum is a root of ``t E'(t) - (E(t) - E(0))``
    (where ``P' = 0``), the window's end, or ``t = 0`` with the limit ``E'(0)`` when that is
    larger (a start charging fastest at once, such as ``|dd>`` in a hot bath; never ``|dd>``
    under a closed battery, where ``E'(0) = 0``). Parameters as for :func:`charging_time`.

    Examples
    --------
    >>> r = max_power("parallel", Omega=1, omega0=1)  # 4 sin^2(t)/t peaks where tan t = 2t
    >>> round(float(r.t), 10), round(float(r.value), 10)
    (1.1655611852, 2.8984454151)
    """
    if battery_kind(battery) == "chain":
        return chain_charging(battery, "power", window, params)
    problem, model = _problem(model, window, battery, params)
    first = float(problem.T) / (problem.grid_size() - 1)
    target = _power_target(problem, first)
    value, time, at_end, count, ties = _maximise(problem, target, first, progress)
    exact, _ = exact_time(problem, time, lambda zeta: t_symbol * sp.diff(zeta, t_symbol) - zeta)
    return ChargingResult(model, dict(problem.values), time, value, (mp.mpf(0), problem.T),
                          exact, at_end, None, count, ties, problem.scale)
