"""The charging-time search's shared pieces: the problem it maximises, and its result.

:mod:`qb_symbolic.numeric.search.charging` searches any :class:`SearchProblem`: a preset's
(``PresetProblem``, there), a user battery's (:mod:`qb_symbolic.numeric.search.user_charging`)
or a mixed start's (:mod:`qb_symbolic.numeric.search.mixed_charging`), the last two built by
the one template :class:`BatteryProblem`; a chain's search
(:mod:`qb_symbolic.numeric.search.chain_charging`) returns the same :class:`ChargingResult`.
All of them import this module and it imports none of them, so the search imports
every kind of problem at its top without a loop.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from ...core.values import describe, real_array, to_mpf

#: Digits of the mpmath refinement: 20 more than the 30 promised.
WORKING_DIGITS = 50
#: Grid points per period of the fastest frequency when looking for maxima.
POINTS_PER_PERIOD = 40
#: Fewest grid points of a search.
MINIMUM_GRID = 2001
#: Most grid points of a search (about 1.2e6 periods; ~5 s on one core).
MAX_GRID_POINTS = 50_000_000


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
        For the ergotropy: whether ``zeta_max`` is the capacity ``E_max(H0) - E_min(H0)``
        (``4 omega0`` for the default H0), to 30 digits or exactly.
    grid_points
        Size of the search grid.
    capacity
        ``E_max(H0) - E_min(H0)``, the largest ergotropy any state can hold.
    unrefined_ties
        Later local maxima within the float path's error bound of the best that
        were not refined with mpmath (``MAX_REFINED``); 0 in all but very long
        windows of periodic dynamics, where they are repeats of the same maximum.

    Examples
    --------
    >>> from qb_symbolic import charging_time
    >>> r = charging_time("parallel", Omega=1)
    >>> r.t_exact, float(r.value), float(r.capacity)
    (pi/2, 4.0, 4.0)
    """

    model: str
    params: dict[str, Any]
    t: mp.mpf
    value: mp.mpf
    window: tuple[mp.mpf, mp.mpf]
    t_exact: sp.Expr | None
    at_window_end: bool
    full_charge: bool | None = None
    grid_points: int = 0
    unrefined_ties: int = 0
    capacity: mp.mpf | None = None

#: Called as ``progress(points_done, points_total)`` after each chunk of a grid scan.
Progress = Callable[[int, int], None]


class SearchProblem(ABC):
    """The ergotropy of one numeric parameter point, in numpy and mpmath: what the search
    of :mod:`qb_symbolic.numeric.search.charging` reads.

    A subclass sets ``values`` (the parameters, floats), ``T`` (the window's end, mpf),
    ``digits`` (working precision of the refinement), ``rate`` (the fastest frequency),
    ``phase`` (``rate T``) and ``scale`` (the capacity, mpf), and gives ``zeta_np`` and
    ``zeta``: the ergotropy and its time derivative in numpy and at working precision.

    The power is the stored energy per time, ``(E(t) - E(0))/t`` with ``E = Tr(rho H0)``
    (docs/conventions.md). The search divides what :meth:`stored_np` and :meth:`stored`
    give, by default the ergotropy: under a unitary evolution rho keeps its spectrum, hence
    its passive energy ``sum_k r_k(down) e_k(up)``, so ``zeta(t) - zeta(0) = E(t) - E(0)``
    exactly (and the closed forms of ``zeta`` serve both searches). A battery that
    changes rho's spectrum (an open one) overrides them with the energy.
    """

    #: The stored quantity at t = 0 (float, mpf): the power is ``(stored(t) - start)/t``
    #: (:func:`qb_symbolic.numeric.closed_form.user_numeric.stored_power`); 0 for the
    #: ergotropy from |dd>.
    start: float = 0.0
    start_mp: Any = 0
    #: Its rate at t = 0, the power's limit there (0 from |dd> under a unitary; > 0 from |dd>
    #: in a bath at T > 0).
    start_rate_mp: Any = 0
    #: The least value the stored quantity can take (0 for the ergotropy, H0's lowest level
    #: for the energy): from a start there the power is >= 0.
    stored_floor: Any = 0
    #: Most grid points of this kind of search (a slower evaluator sets fewer).
    grid_limit: int = MAX_GRID_POINTS

    def grid_size(self) -> int:
        """Points of the search grid; a ValueError beyond :attr:`grid_limit`."""
        periods = self.phase / (2 * math.pi)
        count = max(MINIMUM_GRID, POINTS_PER_PERIOD * periods + 1)
        if not count <= self.grid_limit:
            raise ValueError(
                f"the window [0, {float(self.T):.6g}] spans {periods:.3g} periods of the fastest "
                f"frequency; the search needs {count:.3g} grid points, more than its limit "
                f"{self.grid_limit:.0e}: use a shorter window"
            )
        return int(count)

    def float_bound(self) -> float:
        """Error bound of the float ergotropy over the window (evaluate's bound)."""
        return (1e-12 + 1e-14 * self.phase) * float(self.scale)

    @abstractmethod
    def zeta_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ergotropy and its time derivative at the times ``t`` (float path)."""

    @abstractmethod
    def zeta(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        """The ergotropy and its time derivative at ``t``, at the working precision."""

    def stored_np(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What the power divides by time, and its time derivative, at the times ``t``
        (float path): the ergotropy (the class docstring says why)."""
        return self.zeta_np(t)

    def stored(self, t: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
        """:meth:`stored_np` at ``t``, at the working precision."""
        return self.zeta(t)


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


class BatteryProblem(SearchProblem):
    """The problem of a user battery (pure or mixed start, or open) at one parameter point.

    One construction for all (the steps they share): the point and window, the
    evaluators (:attr:`evaluators`, per backend), the float data (:meth:`_float_setup`,
    which returns the spread of the roots, the fastest frequency, and their largest
    magnitude), the working precision (12 guard digits plus one per decade of the largest
    phase), the precise data (:meth:`_precise_setup`, which sets ``scale``) and the start's
    stored quantity and its rate (:meth:`~SearchProblem.stored` at t = 0), for the power.
    """

    #: ``evaluators(battery, backend)``: the generated functions of the battery.
    evaluators: Callable[[Any, str], Any]

    def __init__(self, battery, given: dict[str, Any], window: Any):
        self.values = point_values(battery, given)
        self.T = window_end(self.values, window)
        self.ev_np = self.evaluators(battery, "numpy")
        self.ev_mp = self.evaluators(battery, "mpmath")
        self.rate, largest = self._float_setup()
        self.phase = self.rate * float(self.T)
        guard = 12 + int(mp.log10(1 + largest * float(self.T)))
        self.digits = WORKING_DIGITS + guard
        self._precise_setup()
        with mp.workdps(self.digits):
            self.start_mp, self.start_rate_mp = self.stored(mp.mpf(0))
        self.start = float(self.start_mp)

    @abstractmethod
    def _float_setup(self) -> tuple[float, float]:
        """The numpy data of the point; returns ``(max - min, max |.|)`` of the roots."""

    @abstractmethod
    def _precise_setup(self) -> None:
        """The mpmath data of the point at ``digits``, ``scale`` (the capacity) among them."""
