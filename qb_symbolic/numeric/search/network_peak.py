"""The first ergotropy peak of a many-cell battery, and the DM strength D* that raises it most.

Bhattacharya, Sabale and Kumar (arXiv:2508.20529) tune the DM strength of spin-network
batteries so that the first charging cycle comes closest to the full charge ``2 N
omega0``: D* is the D maximising the height of the *first* local maximum of the ergotropy
``zeta(t)`` from ``|d...d>``. Here:

* :func:`first_peak`: one parameter point diagonalised once
  (:func:`qb_symbolic.numeric.sectors.chain_numeric.point_spectrum`), ``zeta`` on a grid of
  :data:`GRID_PER_PERIOD` points per period of the fastest frequency (the spread of the
  populated spectrum, so no extremum hides between two grid points), the first grid point
  above both neighbours bracketed by them and refined by bounded Brent (``xatol``
  :data:`TIME_TOLERANCE`: at a maximum the height is then exact to rounding). The window
  starts at :data:`FIRST_WINDOW` and doubles while the curve has not turned, up to
  :data:`LAST_WINDOW`.
* :func:`sinusoid_distance`: the largest gap between the normalised first cycle
  ``zeta(t)/zeta(t_peak)`` and the ideal ``sin^2(pi t / (2 t_peak))`` on ``[0, t_peak]``
  (0 for parallel charging, ``2 N omega0 sin^2(Omega t)``).
* :func:`dstar`: the first-peak height on a coarse D grid (:data:`D_STEP`), the best grid
  point bracketed by its neighbours and refined by bounded Brent (``xatol``
  :data:`D_TOLERANCE`); the flatness is the height lost at ``D* +- FLAT_STEP``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

from ...model.battery import Battery
from ..sectors.chain_numeric import PointSpectrum, point_spectrum

#: Grid points per period of the fastest frequency (half the charging search's 40: the
#: grid only has to see the first turn; Brent refines it).
GRID_PER_PERIOD = 20
#: Fewest grid points in a window (a slow curve still gets a fine grid).
MIN_GRID = 401
#: First window and the longest one tried (times in the battery's units, 1/Omega). The
#: networks' first peaks near D* lie at Omega t ~ 1.9-2.5 (K_3..K_12, icosahedron): a
#: window of 3 holds them, and the series' cost grows with the window.
FIRST_WINDOW, LAST_WINDOW = 3.0, 256.0
#: Brent's tolerance on the peak time: the height's error is ~ zeta'' dt^2, below 1e-16.
TIME_TOLERANCE = 1e-9
#: D grid step of the coarse scan: the first-peak height varies on a scale of ~0.5 in D
#: and its local maxima lie >= 0.9 apart (measured on the circulants n <= 8 with a 0.1
#: grid: circulant(7,4) has them at 2.3 and 3.2), so 0.2 brackets the largest.
D_STEP = 0.2
#: Brent's tolerance on D*: the height is flat there (~1e-4 lost at 0.01), so 1e-4 in D
#: is far below what the height can decide.
D_TOLERANCE = 1e-4
#: The step of the flatness report (the paper's table gives D* to 0.01).
FLAT_STEP = 0.01
#: Points of the sinusoid comparison on [0, t_peak].
SINUSOID_POINTS = 2001


@dataclass(frozen=True)
class FirstPeak:
    """The first local maximum of the ergotropy.

    Attributes
    ----------
    time, height : float
        Where it is and how high (units of the battery: ``omega0``).
    capacity : float
        The full charge ``2 N |h|`` of H0's site term (``2 N omega0``).
    sinusoid_distance : float
        Largest ``|zeta(t)/height - sin^2(pi t/(2 time))|`` on ``[0, time]``.
    """

    time: float
    height: float
    capacity: float
    sinusoid_distance: float

    @property
    def fraction(self) -> float:
        """The height over the full charge."""
        return self.height / self.capacity


def _check_battery(battery: Any) -> Battery:
    if (not isinstance(battery, Battery) or battery.lattice is None or battery.preset is not None
            or battery.initial is None):
        raise ValueError("the first peak needs a chain or network battery (qb.chain, "
                         "qb_symbolic.network) started in a basis state")
    if battery.dissipators:
        raise ValueError("the first peak is found from a closed battery's spectrum; this one "
                         "has dissipators: use qb.evaluate('ergotropy', t, battery=...) on a "
                         "time grid (qb.charging_time(battery=...) searches up to 3 cells)")
    return battery


def _point(battery: Battery, values: Mapping[str, Any], end: float) -> PointSpectrum:
    resolved = battery.values_for(dict(values))
    return point_spectrum(battery, [float(resolved[n]) for n in battery.names], end)


def _first_turn(found: PointSpectrum, end: float) -> tuple[float, float] | None:
    """The refined first local maximum of ``zeta`` in ``(0, end)``, or None."""
    width = max(float(found.width), 1e-12)
    count = int(max(MIN_GRID, GRID_PER_PERIOD * width * end / (2 * math.pi) + 1))
    t = np.linspace(0.0, end, count)
    zeta = found.ergotropy(t)
    turn = np.flatnonzero((zeta[1:-1] >= zeta[:-2]) & (zeta[1:-1] > zeta[2:]) &
                          (zeta[1:-1] > 0))
    if not len(turn):
        return None
    k = int(turn[0]) + 1
    best = minimize_scalar(lambda x: -float(found.ergotropy(np.array([x]))[0]),
                           bounds=(t[k - 1], t[k + 1]), method="bounded",
                           options={"xatol": TIME_TOLERANCE})
    time, height = float(best.x), -float(best.fun)
    if height < zeta[k]:  # Brent never returns worse than the grid; kept as a guard
        time, height = float(t[k]), float(zeta[k])
    return time, height


def sinusoid_distance(found: PointSpectrum, time: float, height: float) -> float:
    """Largest ``|zeta(t)/height - sin^2(pi t/(2 time))|`` on ``[0, time]``."""
    t = np.linspace(0.0, time, SINUSOID_POINTS)
    return float(np.max(np.abs(found.ergotropy(t) / height - np.sin(np.pi * t / (2 * time)) ** 2)))


def first_peak(battery: Battery, window: float = FIRST_WINDOW, sinusoid: bool = True,
               **values: Any) -> FirstPeak:
    """The first ergotropy peak of a chain or network battery at one parameter point.

    Parameters
    ----------
    battery
        A :func:`qb_symbolic.chain` or :func:`qb_symbolic.model.network.network` battery.
    window
        The first window searched; it doubles while the curve has not turned (up to
        :data:`LAST_WINDOW`).
    sinusoid
        Whether to compare the first cycle with ``sin^2`` (False: ``sinusoid_distance``
        is NaN; the D scans skip it).
    **values
        The battery's free parameters (defaults where it has them).

    Raises
    ------
    ValueError
        For another kind of battery, a bad value, or no turn before :data:`LAST_WINDOW`.

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> peak = first_peak(qb.chain(3, "parallel"), Omega=1, omega0=1)  # 6 sin^2(t)
    >>> round(peak.time, 7), round(peak.height, 12), round(peak.sinusoid_distance, 7)
    (1.5707963, 6.0, 0.0)
    """
    battery = _check_battery(battery)
    end = _number("window", window)
    if not 0 < end <= LAST_WINDOW:
        raise ValueError(f"window must be in (0, {LAST_WINDOW:g}]; got {window!r}")
    while True:
        found = _point(battery, values, end)
        turn = _first_turn(found, end)
        if turn is not None:
            time, height = turn
            gap = sinusoid_distance(found, time, height) if sinusoid else math.nan
            return FirstPeak(time, height, float(found.capacity), gap)
        if end >= LAST_WINDOW:
            raise ValueError(f"{battery.source}: the ergotropy has no local maximum in "
                             f"t in (0, {LAST_WINDOW:g}]")
        end = min(2 * end, LAST_WINDOW)


@dataclass(frozen=True)
class DStar:
    """The DM strength that raises the first ergotropy peak most.

    Attributes
    ----------
    D : float
        D* (to :data:`D_TOLERANCE`).
    peak : FirstPeak
        The first peak at D*.
    drop_minus, drop_plus : float
        Height lost at ``D* - FLAT_STEP`` and ``D* + FLAT_STEP`` (the flatness).
    grid, heights : tuple of float
        The coarse scan.
    """

    D: float
    peak: FirstPeak
    drop_minus: float
    drop_plus: float
    grid: tuple[float, ...]
    heights: tuple[float, ...]

    @property
    def flatness(self) -> float:
        """The larger height loss at ``D* +- FLAT_STEP``."""
        return max(self.drop_minus, self.drop_plus)


def _number(name: str, value: Any) -> float:
    """A finite real number, else ValueError (bools and strings refused)."""
    if isinstance(value, (bool, str)) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return float(value)


def _d_grid(D_range: Any, step: Any) -> np.ndarray:
    try:
        low, high = D_range
    except (TypeError, ValueError):
        raise ValueError(f"D_range must be a pair (low, high); got {D_range!r}") from None
    low, high, step = _number("D_range[0]", low), _number("D_range[1]", high), \
        _number("step", step)
    if not (high > low and step > 0):
        raise ValueError(f"D_range must be (low, high) with low < high, and step > 0; got "
                         f"({low:g}, {high:g}), step {step:g}")
    return np.linspace(low, high, max(round((high - low) / step) + 1, 3))


def dstar(battery: Battery, D_range: tuple[float, float] = (0.0, 4.0), step: float = D_STEP,
          **values: Any) -> DStar:
    """D* = the D maximising the first ergotropy peak (module docstring).

    Parameters
    ----------
    battery
        A chain or network battery with D free.
    D_range, step
        The coarse scan; D* is refined between the best grid point's neighbours.
    **values
        The other free parameters.

    Raises
    ------
    ValueError
        If D is not free, for a bad range, or where :func:`first_peak` raises.

    Examples
    --------
    >>> from qb_symbolic.model.network import network
    >>> found = dstar(network("K3", J=1, Delta=2, Omega=1, omega0=1))
    >>> round(found.D, 2), round(found.peak.fraction, 4)
    (1.86, 0.9978)
    """
    battery = _check_battery(battery)
    if "D" not in battery.names:
        raise ValueError(f"{battery.source}: D is not a free parameter of this battery (leave "
                         f"it out when building it)")
    if "D" in values:
        raise ValueError("dstar scans D: give D_range, not D")
    grid = _d_grid(D_range, step)
    def height(d: float) -> float:
        return first_peak(battery, D=float(d), sinusoid=False, **values).height

    heights = [height(d) for d in grid]
    k = int(np.argmax(heights))
    low, high = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    best = minimize_scalar(lambda d: -height(d), bounds=(low, high), method="bounded",
                           options={"xatol": D_TOLERANCE})
    D = float(best.x) if -best.fun >= heights[k] else float(grid[k])
    peak = first_peak(battery, D=D, **values)
    side = [height(D + s) for s in (-FLAT_STEP, FLAT_STEP)]
    return DStar(D, peak, peak.height - side[0], peak.height - side[1],
                 tuple(map(float, grid)), tuple(map(float, heights)))
