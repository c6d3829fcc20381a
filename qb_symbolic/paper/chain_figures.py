"""Chains of N cells (issue 13): does the DM interaction help charging? Scan and figures.

The setting of every chain figure and claim (:mod:`qb_symbolic.paper.claims_chains`):
the paper's bond ``J((1 + gamma) XX + (1 - gamma) YY + Delta ZZ) + D (XY - YX)`` on every
bond of an open chain or a ring (:func:`qb_symbolic.chain`), ``Omega X`` on every site,
``H0 = omega0 sum_i sz_i``, start ``|d...d>``; ``J = Omega = omega0 = 1`` (the paper's
units). Models (:data:`CHAIN_MODELS`): Ising (``gamma = 1, Delta = 0``), XXZ with
``Delta = 2`` (the paper's Fig. 4), XYZ with ``gamma = -0.2, Delta = 2.5`` (the first
report's gamma and the Delta of the paper's Figs. 6 and 7). D runs over [0, 3] in steps
of 0.25 (:data:`D_SCAN`); everything is even in D (the reflection R maps D to -D and
leaves H0 and ``|d...d>`` alone).

Window: ``Omega t in [0, pi/2]``, the parallel charging time t_min (as the paper's
Figs. 2, 3, 6, 7). "Largest power" is the largest ``zeta(t)/t`` in the window, "largest
ergotropy" the largest ``zeta(t)``; per-cell values are totals / N. A maximum at the
window's end is flagged (``at_end``): a longer window could give more there.

Sizes (:data:`SIZES`): rings and open chains N = 2..12. An open chain keeps only a factor
2 of symmetry (sectors of 2080 + 2016 at N = 12, beyond dense ``eigh``): its points take the
Chebyshev series on sparse sectors (:mod:`qb_symbolic.numeric.sectors.chain_sparse`, ~0.1 s per
point at N = 12), and the whole scan takes ~13 s on 2 cores (8 s with open chains to N = 9
before the series). A two-site "ring" has one bond: it is the two-site open chain, the
paper's battery.

:func:`chain_scan` diagonalises each (model, boundary, N, D) point once
(:func:`qb_symbolic.numeric.sectors.chain_numeric.spectral`) and finds both maxima from that one
spectral form (:func:`largest`): a grid of 20 points per period of the fastest frequency
(half the density of :mod:`qb_symbolic.numeric.search.chain_charging`: it costs most of the
report's time), then the two best local maxima refined by five nested grids of 11 points,
each 5 times finer (time to ~1e-6, value to ~1e-12; on the whole scan the values agree
with 40 points per period and three refined maxima to 2e-11 relative).

Figures (:class:`qb_symbolic.paper.figures.FigureResult`, PNG and PDF): ``chain_power``
(per-cell largest power against D, one curve per N), ``chain_advantage`` (P_N / (N P_1)
against N for a few D), ``chain_time`` (time of the largest power against D),
``chain_ergotropy`` (per-cell largest ergotropy against D).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ..model.battery import Battery
from ..model.chain import chain
from ..numeric.search.chain_charging import POINTS_PER_PERIOD
from ..numeric.sectors.chain_numeric import PointSpectrum, point_spectrum
from .figures import DEFAULT_GAMMA, FigureResult, Panel

#: Fixed parameters of each model (besides J = Omega = omega0 = 1).
CHAIN_MODELS: dict[str, dict[str, float]] = {
    "ising": {},
    "xxz": {"Delta": 2.0},
    "xyz": {"gamma": DEFAULT_GAMMA, "Delta": 2.5},
}
#: The paper's units.
UNITS: dict[str, float] = {"J": 1.0, "Omega": 1.0, "omega0": 1.0}
#: DM strengths scanned (units of J = Omega).
D_SCAN: tuple[float, ...] = tuple(round(0.25 * k, 2) for k in range(13))
#: Boundaries and the sizes scanned on each.
BOUNDARIES: tuple[str, ...] = ("open", "ring")
SIZES: dict[str, tuple[int, ...]] = {"open": tuple(range(2, 13)), "ring": tuple(range(2, 13))}
#: The window: the parallel charging time t_min = pi/(2 Omega).
WINDOW = math.pi / 2
#: D values of the collective-advantage figure and claim.
ADVANTAGE_D: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0)
#: Scan grid: points per period of the fastest frequency (half of chain_charging's) and at least.
GRID_PER_PERIOD, MIN_GRID = POINTS_PER_PERIOD // 2, 201
#: Refinement: best local maxima refined, nested grids (each 5 times finer), points per grid.
CANDIDATES, ROUNDS, ROUND_POINTS = 2, 5, 11

SETTING = ("J = Omega = omega0 = 1; Ising (gamma = 1, Delta = 0), XXZ (Delta = 2), XYZ (gamma = "
           f"{DEFAULT_GAMMA:g}, Delta = 2.5); start |d...d>, H0 = omega0 sum sz_i; window Omega t in "
           "[0, pi/2] (the parallel t_min); rings and open chains N = 2..12")
_LABELS = {"ising": "Ising", "xxz": r"XXZ, $\Delta = 2$",
           "xyz": rf"XYZ, $\gamma = {DEFAULT_GAMMA:g}$, $\Delta = 2.5$"}


@cache
def chain_battery(model: str, boundary: str, N: int) -> Battery:
    """The model's N-cell chain with everything but D fixed (built once per process).

    Parameters
    ----------
    model : str
        A key of :data:`CHAIN_MODELS`, or ``"parallel"`` (J = D = 0).
    boundary : str
        ``"open"`` or ``"ring"``.
    N : int
        Number of cells.

    Returns
    -------
    Battery
        Its only free parameter is D (none for ``"parallel"``).
    """
    fixed = {**UNITS} if model != "parallel" else {"Omega": 1.0, "omega0": 1.0}
    return chain(N, model, periodic=boundary == "ring", **fixed, **CHAIN_MODELS.get(model, {}))


def point_spectral(model: str, boundary: str, N: int, D: float = 0.0) -> PointSpectrum:
    """One parameter point diagonalised (:func:`qb_symbolic.numeric.sectors.chain_numeric.point_spectrum`:
    dense sectors, or Krylov steps over the window for large sectors).

    Parameters
    ----------
    model, boundary, N
        As for :func:`chain_battery`.
    D : float
        DM strength (ignored for ``"parallel"``).

    Returns
    -------
    PointSpectrum
        Eigen-decomposition of every populated sector (or the Krylov steps over the window).
    """
    battery = chain_battery(model, boundary, N)
    values = battery.values_for({"D": D} if "D" in battery.names else {})
    return point_spectrum(battery, [float(values[n]) for n in battery.names], WINDOW)


@dataclass(frozen=True)
class Peak:
    """Largest power and ergotropy (totals) in the window and their times."""

    t_power: float
    power: float
    t_ergotropy: float
    ergotropy: float
    power_at_end: bool
    ergotropy_at_end: bool


def _refine(found: PointSpectrum, t: np.ndarray, f: np.ndarray, power: bool,
            window: float) -> tuple[float, float]:
    """The three best local maxima of ``f`` on the grid ``t``, refined by nested grids."""
    up = np.r_[True, f[1:] >= f[:-1]] & np.r_[f[:-1] >= f[1:], True]
    best = np.flatnonzero(up)
    best = best[np.argsort(f[best])[::-1][:CANDIDATES]]
    centres, h = t[best], t[1] - t[0]
    top_t, top = float(t[best[0]]), float(f[best[0]])
    rows = np.arange(len(best))
    for _ in range(ROUNDS):
        tt = np.clip(centres[:, None] + np.linspace(-h, h, ROUND_POINTS)[None, :], 0.0, window)
        v = found.ergotropy(tt.ravel()).reshape(tt.shape)
        if power:
            v = np.where(tt > 0, v / np.where(tt > 0, tt, 1.0), 0.0)
        j = v.argmax(axis=1)
        centres, h = tt[rows, j], 2 * h / (ROUND_POINTS - 1)
        i = int(np.argmax(v[rows, j]))
        if v[i, j[i]] >= top:
            top_t, top = float(centres[i]), float(v[i, j[i]])
    return top_t, top


def largest(found: PointSpectrum, window: float = WINDOW) -> Peak:
    """Largest power ``zeta/t`` and ergotropy ``zeta`` in ``[0, window]`` from one spectral form.

    Parameters
    ----------
    found : PointSpectrum
        One diagonalised parameter point, started in ``|d...d>`` (``zeta(0) = 0``).
    window : float
        End of the time window.

    Returns
    -------
    Peak
        Totals (not per cell) and their times; ``*_at_end`` when the maximum is the window end.
    """
    width = found.width
    count = int(max(MIN_GRID, GRID_PER_PERIOD * width * window / (2 * math.pi) + 1))
    t = np.linspace(0.0, window, count)
    zeta = found.ergotropy(t)
    power = np.where(t > 0, zeta / np.where(t > 0, t, 1.0), 0.0)
    tp, p = _refine(found, t, power, True, window)
    tz, z = _refine(found, t, zeta, False, window)
    end = window * (1 - 1e-9)
    return Peak(tp, p, tz, z, tp >= end, tz >= end)


@dataclass(frozen=True)
class ChainScan:
    """Per-cell largest power and ergotropy over (N, D) for every model and boundary.

    ``power[(model, boundary)]`` and the other tables have shape ``(len(SIZES[boundary]),
    len(D_SCAN))``; ``parallel[N]`` is the per-cell largest power of the N-cell parallel
    chain (``P_1``, the same for every N).
    """

    D: np.ndarray
    power: dict[tuple[str, str], np.ndarray]
    t_power: dict[tuple[str, str], np.ndarray]
    ergotropy: dict[tuple[str, str], np.ndarray]
    t_ergotropy: dict[tuple[str, str], np.ndarray]
    power_at_end: dict[tuple[str, str], np.ndarray]
    parallel: dict[int, float]

    def advantage(self, model: str, boundary: str) -> np.ndarray:
        """``P_N / (N P_1)`` over (N, D)."""
        p1 = np.array([self.parallel[N] for N in SIZES[boundary]])
        return self.power[(model, boundary)] / p1[:, None]


@cache
def chain_scan() -> ChainScan:
    """Scan every model, boundary, N and D of the setting (cached: ~15-20 s once per process).

    Returns
    -------
    ChainScan
        Per-cell largest power and ergotropy, their times and the window-end flags for
        every (model, boundary) over (N, D), and the parallel chain's per-cell power.
    """
    tables: dict[str, dict] = {k: {} for k in ("power", "t_power", "ergotropy", "t_ergotropy", "end")}
    for model in CHAIN_MODELS:
        for boundary in BOUNDARIES:
            peaks = [[largest(point_spectral(model, boundary, N, D)) for D in D_SCAN]
                     for N in SIZES[boundary]]
            n = np.array(SIZES[boundary], dtype=float)[:, None]
            key = (model, boundary)
            tables["power"][key] = np.array([[p.power for p in row] for row in peaks]) / n
            tables["t_power"][key] = np.array([[p.t_power for p in row] for row in peaks])
            tables["ergotropy"][key] = np.array([[p.ergotropy for p in row] for row in peaks]) / n
            tables["t_ergotropy"][key] = np.array([[p.t_ergotropy for p in row] for row in peaks])
            tables["end"][key] = np.array([[p.power_at_end for p in row] for row in peaks])
    every = sorted(set(SIZES["open"]) | set(SIZES["ring"]))
    parallel = {N: largest(point_spectral("parallel", "open", N)).power / N for N in every}
    return ChainScan(np.array(D_SCAN), tables["power"], tables["t_power"], tables["ergotropy"],
                     tables["t_ergotropy"], tables["end"], parallel)


def _params(model: str, boundary: str, N: int) -> dict:
    return {"model": model, "N": N, "periodic": boundary == "ring", **UNITS, **CHAIN_MODELS[model]}


def _by_D_grid(name: str, table: str, ylabel: str, caption: str) -> FigureResult:
    """Rows ring / open, columns the models: ``table`` against D, one curve per N."""
    scan = chain_scan()
    fig = Figure(figsize=(11.0, 6.8))
    axes = fig.subplots(2, 3, sharex=True, gridspec_kw={"wspace": 0.3, "hspace": 0.15})
    panels, colours = [], colormaps["viridis"]
    for row, boundary in enumerate(("ring", "open")):
        sizes = SIZES[boundary]
        for col, model in enumerate(CHAIN_MODELS):
            ax, key = axes[row, col], f"{name}{'abcdef'[3 * row + col]}"
            values = getattr(scan, table)[(model, boundary)]
            curves, params = {}, {}
            for i, N in enumerate(sizes):
                label = f"N = {N}"
                curves[label], params[label] = values[i], _params(model, boundary, N)
                ax.plot(scan.D, values[i], "o-", ms=2.5, lw=1.2, label=label,
                        color=colours(i / max(len(sizes) - 1, 1)))
            if table == "t_power":
                ax.axhline(WINDOW, color="0.4", lw=0.9, ls=":", label=r"window end $\pi/2$")
            ax.set_title(f"({key[-1]}) {_LABELS[model]}, {boundary}", loc="left", fontsize=9)
            if row == 1:
                ax.set_xlabel(r"DM strength $D/J$")
            ax.set_ylabel(ylabel)
            if col == 2:
                ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
            panels.append(Panel(key, table, model, scan.D, curves, params))
    return FigureResult(name, fig, panels, f"{caption} {SETTING}.")


def chain_power() -> FigureResult:
    """Per-cell largest power in [0, pi/2] against D, one curve per N, per model and boundary."""
    return _by_D_grid("chain_power", "power", r"largest power per cell $P_N/(N\omega_0\Omega)$",
                      "Chains: per-cell largest power P_N/N in Omega t in [0, pi/2] against the DM "
                      "strength D, one curve per N (colour), rings (top) and open chains (bottom); the "
                      "parallel value is P_1 = max 2 sin^2(t)/t = 1.4492 (chain_advantage). On rings of "
                      "N <= 5 cells and on every Ising ring the curves are flat: DM has no effect there; "
                      "the Ising ring's value is the same for every N >= 3.")


def chain_time() -> FigureResult:
    """Time of the largest power against D."""
    return _by_D_grid("chain_time", "t_power", r"time of the largest power $\Omega t$",
                      "Chains: time Omega t of the largest power in [0, pi/2] against D, one curve "
                      "per N; a value on the dotted line is a maximum at the window end (still rising).")


def chain_ergotropy() -> FigureResult:
    """Per-cell largest ergotropy in [0, pi/2] against D."""
    return _by_D_grid("chain_ergotropy", "ergotropy", r"largest ergotropy per cell $\zeta/(N\omega_0)$",
                      "Chains: per-cell largest ergotropy in Omega t in [0, pi/2] against D, one "
                      "curve per N (the capacity is 2 omega0 per cell).")


def chain_advantage(D_values: tuple[float, ...] = ADVANTAGE_D) -> FigureResult:
    """Collective advantage ``P_N / (N P_1)`` against N for a few D, one panel per model."""
    scan = chain_scan()
    fig = Figure(figsize=(11.0, 3.8))
    axes = fig.subplots(1, 3, gridspec_kw={"wspace": 0.3})
    panels, colours = [], colormaps["plasma"]
    for k, (ax, model) in enumerate(zip(axes, CHAIN_MODELS, strict=True)):
        curves, params = {}, {}
        for boundary, style in (("ring", "o-"), ("open", "s--")):
            sizes = np.array(SIZES[boundary])
            ratio = scan.advantage(model, boundary)
            for i, D in enumerate(D_values):
                j = int(np.flatnonzero(np.isclose(scan.D, D))[0])
                label = f"{boundary}, D = {D:g}"
                curves[label] = ratio[:, j]
                params[label] = {**_params(model, boundary, 0), "N": list(map(int, sizes)), "D": D}
                ax.plot(sizes, ratio[:, j], style, ms=3.5, lw=1.2, label=label,
                        color=colours(0.85 * i / max(len(D_values) - 1, 1)))
        ax.axhline(1.0, color="0.4", lw=0.9, ls=":")
        ax.set_xticks(SIZES["ring"])
        ax.set_title(f"({'abc'[k]}) {_LABELS[model]}", loc="left", fontsize=9)
        ax.set_xlabel("number of cells N")
        ax.set_ylabel(r"collective advantage $P_N/(N P_1)$")
        if k == 2:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        panels.append(Panel(f"chain_advantage{'abc'[k]}", "advantage", model,
                            np.array(SIZES["ring"]), curves, params))
    caption = ("Chains: collective advantage P_N/(N P_1) (largest power of N cells over N times the "
               "single cell's, both in Omega t in [0, pi/2]) against N, rings (solid) and open chains "
               f"(dashed), D = {', '.join(f'{D:g}' for D in D_values)}; above the dotted line the "
               f"chain charges faster per cell than parallel charging. {SETTING}.")
    return FigureResult("chain_advantage", fig, panels, caption)


#: Every chain figure, in the order of the report.
CHAIN_FIGURES = {"chain_power": chain_power, "chain_advantage": chain_advantage,
                 "chain_time": chain_time, "chain_ergotropy": chain_ergotropy}


__all__ = ["ADVANTAGE_D", "BOUNDARIES", "CHAIN_FIGURES", "CHAIN_MODELS", "D_SCAN", "SIZES", "UNITS",
           "WINDOW", "ChainScan", "Peak", "chain_advantage", "chain_battery", "chain_ergotropy",
           "chain_power", "chain_scan", "chain_time", "largest", "point_spectral"]
