"""Charging time and largest power of a chain battery (float precision).

From the spectral form of :mod:`qb_symbolic.numeric.sectors.chain_numeric` (one diagonalisation
per sector, or the Krylov steps of :mod:`qb_symbolic.numeric.sectors.chain_krylov`): the ergotropy ``zeta(t)`` or the power ``(zeta(t) - zeta(0))/t`` on a grid of
at least :data:`POINTS_PER_PERIOD` points per period of the fastest frequency (the
spread of the populated sectors' spectra), then golden-section refinement around the
best grid point. Precision: about 1e-12 relative in the value and 1e-7 relative in the
time (a maximum is flat: the time is known to the square root of the value's
precision); not the 30 digits of the two-qubit path, said in :func:`chain_charging`.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath as mp
import numpy as np

from ...core.values import real_array
from ...model.battery import Battery
from ..sectors.chain_numeric import point_spectrum
from .charging_base import ChargingResult

#: Grid points per period of the fastest frequency in the window.
POINTS_PER_PERIOD = 40
#: Smallest and largest scan grids.
MIN_POINTS, MAX_POINTS = 4001, 20_000_001
#: Golden-section steps (the bracket shrinks by 0.618 each: 80 steps, 2e-17 of it).
GOLDEN_STEPS = 80


def chain_charging(battery: Battery, quantity: str, window: Any,
                   values: dict[str, Any]) -> ChargingResult:
    """Time and value of the largest ``quantity`` (``"ergotropy"`` or ``"power"``) in
    ``[0, window]`` (default ``pi/(2 Omega)``) at one parameter point."""
    resolved = battery.values_for(values)
    point = {n: float(real_array(n, v)) for n, v in resolved.items()}
    if window is None:
        if point.get("Omega", 0) <= 0:
            raise ValueError("give a window: the default pi/(2 Omega) needs a parameter Omega > 0")
        window = math.pi / (2 * point["Omega"])
    T = float(real_array("window", window))
    if not T > 0:
        raise ValueError(f"the window must be > 0; got {window!r}")
    found = point_spectrum(battery, [point[n] for n in battery.names], T)
    width = found.width
    count = int(max(MIN_POINTS, POINTS_PER_PERIOD * width * T / (2 * math.pi) + 1))
    if count > MAX_POINTS:
        raise ValueError(f"the window needs {count} grid points (more than {MAX_POINTS}): "
                         "use a shorter window")
    zeta0 = float(found.ergotropy(np.zeros(1))[0])

    def target(t: np.ndarray) -> np.ndarray:
        zeta = found.ergotropy(t)
        if quantity == "ergotropy":
            return zeta
        return np.where(t > 0, (zeta - zeta0) / np.where(t > 0, t, 1), found.rate0)

    grid = np.linspace(0, T, count)
    values_on_grid = np.concatenate([target(grid[k:k + 100_000])
                                     for k in range(0, count, 100_000)])
    k = int(np.argmax(values_on_grid))
    at_end = k == count - 1 and values_on_grid[-1] > values_on_grid[-2]
    if 0 < k < count - 1:
        best_t, best = _golden(target, grid[k - 1], grid[k + 1])
    else:
        best_t, best = float(grid[k]), float(values_on_grid[k])
    full = None
    if quantity == "ergotropy":
        full = bool(abs(best - found.capacity) <= 1e-9 * found.capacity)
    return ChargingResult("chain", point, mp.mpf(best_t), mp.mpf(best), (mp.mpf(0), mp.mpf(T)),
                          None, bool(at_end), full, count, 0, mp.mpf(found.capacity))


def _golden(f, a: float, b: float) -> tuple[float, float]:
    """Maximum of a unimodal ``f`` on ``[a, b]``: golden-section search."""
    ratio = (math.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(np.array([c]))[0], f(np.array([d]))[0]
    for _ in range(GOLDEN_STEPS):
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(np.array([c]))[0]
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(np.array([d]))[0]
    return (c, float(fc)) if fc > fd else (d, float(fd))
