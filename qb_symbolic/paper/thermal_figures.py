"""The thermal Heisenberg battery (the setting of Ali et al., arXiv:2408.00133): figures.

The battery is :func:`qb_symbolic.gibbs_battery` (its docstring has the model): ``H_B`` with
fields ``(B + b)`` on cell 1 and ``(B - b)`` on cell 2, one of the four exchange patterns
XX, XY, XXZ, XYZ, DM (``D``) and KSEA (``K``) terms; it starts in the Gibbs state of
``H_B`` at temperature ``T`` (``k_B = 1``, ``beta = 1/T``), its energy is measured by the
Zeeman part ``H0`` and, for ``t > 0``, it is charged by ``Omega (sx1 + sx2)``.

The setting of every thermal figure and claim (:data:`FIELD`, :data:`EXCHANGE`,
:data:`DM_KSEA`): ``B = 1``, ``b = 0.2`` (the field favours cell 1), ``D = K = 0.5``;
XX ``J = 1``; XY ``Jx = 1, Jy = 0.5``; XXZ ``J = 1, Jz = 0.5``; XYZ ``Jx = 1, Jy = 0.5,
Jz = 0.5``. Energies and temperatures are in units of the exchange ``J = Jx = 1``
(``k_B = hbar = 1``), times in ``1/J``; the charger has ``Omega = 1``.

Figures (each a :class:`qb_symbolic.paper.figures.FigureResult`, PNG and PDF):

* ``thermal_T``: ergotropy, capacity, incoherent and coherent ergotropy of the Gibbs
  state (``t = 0``) against ``T`` in ``(0, 5]``;
* ``thermal_D`` and ``thermal_K``: the same against ``D`` (``K`` fixed) and against ``K``
  (``D`` fixed) in ``[-3, 3]``, at ``T = 0.5`` (:data:`FIXED_T`);
* ``thermal_charging``: the ergotropy while charging from the Gibbs state, ``t`` in
  ``[0, 2 pi]``, at ``T = 0.1, 0.5, 1, 2, 5``, one panel per preset.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.figure import Figure

from ..model.battery import Battery
from ..numeric.evaluate import evaluate_many
from ..symbolic.gibbs_batteries import gibbs_battery
from .figures import FigureResult, Panel

#: The four presets, in the order of the legends.
PRESETS: tuple[str, ...] = ("xx", "xy", "xxz", "xyz")
#: Homogeneous and inhomogeneous field (b > 0: cell 1 sees the larger field).
FIELD: dict[str, float] = {"B": 1.0, "b": 0.2}
#: Exchange couplings of each preset (units of J = Jx = 1).
EXCHANGE: dict[str, dict[str, float]] = {
    "xx": {"J": 1.0},
    "xy": {"Jx": 1.0, "Jy": 0.5},
    "xxz": {"J": 1.0, "Jz": 0.5},
    "xyz": {"Jx": 1.0, "Jy": 0.5, "Jz": 0.5},
}
#: DM and KSEA strengths where they are not scanned.
DM_KSEA: dict[str, float] = {"D": 0.5, "K": 0.5}
#: Strength of the transverse charger.
OMEGA = 1.0
#: The four static quantities of Ali et al.
STATIC: tuple[str, ...] = ("ergotropy", "capacity", "incoherent_ergotropy", "coherent_ergotropy")
#: Temperature of the D and K figures.
FIXED_T = 0.5
#: Temperatures of the charging figure.
CHARGING_T: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 5.0)
#: Points along each axis of the line plots.
POINTS = 301

Y_LABELS = {
    "ergotropy": r"ergotropy $\mathcal{E}/J$",
    "capacity": r"capacity $\mathcal{C}/J$",
    "incoherent_ergotropy": r"incoherent ergotropy $\mathcal{E}_i/J$",
    "coherent_ergotropy": r"coherent ergotropy $\mathcal{E}_c/J$",
}
X_LABELS = {"T": r"temperature $k_B T/J$", "D": r"DM strength $D/J$", "K": r"KSEA strength $K/J$",
            "t": r"time $J t$"}
_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1))]
SETTING = ("B = 1, b = 0.2 (the field favours cell 1); XX: J = 1; XY: Jx = 1, Jy = 0.5; "
           "XXZ: J = 1, Jz = 0.5; XYZ: Jx = 1, Jy = 0.5, Jz = 0.5; energies and k_B T in units "
           "of J = Jx = 1 (k_B = hbar = 1); energy measured by H0 = (B + b) sz1 + (B - b) sz2")


@cache
def thermal_battery(model: str) -> Battery:
    """The preset's Gibbs battery with the transverse charger (built once per process)."""
    return gibbs_battery(model)


def couplings(model: str, **values: float) -> dict[str, float]:
    """The fixed setting of ``model`` (field, exchange, D, K, Omega), updated by ``values``."""
    return {**FIELD, **EXCHANGE[model], **DM_KSEA, "Omega": OMEGA, **values}


def thermal_values(model: str, quantities: tuple[str, ...], t: float | np.ndarray = 0.0, *,
                   T: float | np.ndarray, **values: float | np.ndarray) -> dict[str, np.ndarray]:
    """Quantities of the thermal battery, broadcast over ``t``, ``T`` and ``values``.

    Parameters
    ----------
    model : str
        ``"xx"``, ``"xy"``, ``"xxz"`` or ``"xyz"``.
    quantities : tuple of str
        Names accepted by :func:`qb_symbolic.evaluate_many` for mixed starts.
    t : float or numpy.ndarray
        Time(s) ``J t``; ``0`` gives the Gibbs-state (static) values.
    T : float or numpy.ndarray
        Temperature(s) ``k_B T / J > 0``.
    **values
        Parameters replacing the fixed setting (:func:`couplings`).

    Returns
    -------
    dict
        ``{quantity: float array}`` of the broadcast shape.
    """
    beta = 1.0 / np.asarray(T, dtype=float)
    found = evaluate_many(quantities, t, battery=thermal_battery(model), beta=beta,
                          **couplings(model, **values))
    return {q: np.asarray(v, dtype=float) for q, v in found.items()}


def _quantity_grid(name: str, caption: str, axis: str, x: np.ndarray, **fixed: float) -> FigureResult:
    """Four panels (the :data:`STATIC` quantities at t = 0) against ``axis``, one curve per preset."""
    fig = Figure(figsize=(9.0, 6.8), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    scanned = {"T": x} if axis == "T" else {"T": fixed.pop("T"), axis: x}
    curves = {m: thermal_values(m, STATIC, 0.0, **scanned, **fixed) for m in PRESETS}
    panels = []
    for k, (ax, quantity) in enumerate(zip(axes, STATIC, strict=True)):
        key = f"{name}{'abcd'[k]}"
        for i, m in enumerate(PRESETS):
            ax.plot(x, curves[m][quantity], ls=_STYLES[i], lw=1.6, label=m.upper())
        ax.set_xlabel(X_LABELS[axis])
        ax.set_ylabel(Y_LABELS[quantity])
        ax.set_title(f"({'abcd'[k]})", loc="left", fontsize=10)
        ax.legend(fontsize=8, loc="best")
        at_T = {} if axis == "T" else {"T": scanned["T"]}
        params = {m.upper(): {"model": m, **couplings(m, **fixed), **at_T} for m in PRESETS}
        panels.append(Panel(key, quantity, "gibbs", x, {m.upper(): curves[m][quantity] for m in PRESETS},
                            params))
    return FigureResult(name, fig, panels, caption)


def thermal_temperature(points: int = POINTS) -> FigureResult:
    """Ergotropy, capacity, incoherent and coherent ergotropy at t = 0 against T in (0, 5]."""
    T = np.linspace(0.02, 5.0, points)
    caption = ("Thermal battery (Ali et al. setting), Gibbs state at t = 0: ergotropy, capacity, "
               "incoherent and coherent ergotropy against k_B T in [0.02, 5], D = K = 0.5; "
               f"{SETTING}.")
    return _quantity_grid("thermal_T", caption, "T", T)


def thermal_dm(points: int = POINTS, T: float = FIXED_T) -> FigureResult:
    """The four static quantities against D in [-3, 3] (K = 0.5) at fixed T."""
    D = np.linspace(-3.0, 3.0, points)
    caption = (f"Thermal battery, Gibbs state at t = 0, k_B T = {T:g}: the four static quantities "
               f"against the DM strength D in [-3, 3], K = 0.5 (even in D); {SETTING}.")
    return _quantity_grid("thermal_D", caption, "D", D, T=T)


def thermal_ksea(points: int = POINTS, T: float = FIXED_T) -> FigureResult:
    """The four static quantities against K in [-3, 3] (D = 0.5) at fixed T."""
    K = np.linspace(-3.0, 3.0, points)
    caption = (f"Thermal battery, Gibbs state at t = 0, k_B T = {T:g}: the four static quantities "
               f"against the KSEA strength K in [-3, 3], D = 0.5 (even in K); {SETTING}.")
    return _quantity_grid("thermal_K", caption, "K", K, T=T)


def thermal_charging(points: int = 2 * POINTS, temperatures: tuple[float, ...] = CHARGING_T) -> FigureResult:
    """Ergotropy while charging from the Gibbs state (Omega = 1), one panel per preset."""
    t = np.linspace(0.0, 2 * np.pi, points)
    fig = Figure(figsize=(9.0, 6.8), layout="constrained")
    axes = fig.subplots(2, 2).ravel()
    panels = []
    for k, (ax, m) in enumerate(zip(axes, PRESETS, strict=True)):
        values = thermal_values(m, ("ergotropy",), t[:, None], T=np.asarray(temperatures)[None, :])
        curves, params = {}, {}
        for i, T in enumerate(temperatures):
            label = f"$k_B T = {T:g}$"
            curves[label] = values["ergotropy"][:, i]
            params[label] = {"model": m, **couplings(m), "T": T}
            ax.plot(t, curves[label], ls=_STYLES[i % len(_STYLES)], lw=1.4, label=label)
        ax.set_xlabel(X_LABELS["t"])
        ax.set_ylabel(Y_LABELS["ergotropy"])
        ax.set_title(f"({'abcd'[k]}) {m.upper()}", loc="left", fontsize=10)
        ax.legend(fontsize=7, loc="best")
        panels.append(Panel(f"thermal_charging{'abcd'[k]}", "ergotropy", m, t, curves, params))
    caption = ("Thermal battery charged from its Gibbs state by Omega (sx1 + sx2), Omega = 1 "
               f"(switched on at t = 0): ergotropy against J t in [0, 2 pi] at k_B T = "
               f"{', '.join(f'{T:g}' for T in temperatures)}; D = K = 0.5; {SETTING}.")
    return FigureResult("thermal_charging", fig, panels, caption)


#: Every thermal figure, in the order of the report.
THERMAL_FIGURES = {"thermal_T": thermal_temperature, "thermal_D": thermal_dm, "thermal_K": thermal_ksea,
                   "thermal_charging": thermal_charging}


__all__ = ["CHARGING_T", "DM_KSEA", "EXCHANGE", "FIELD", "FIXED_T", "OMEGA", "PRESETS", "STATIC",
           "THERMAL_FIGURES", "couplings", "thermal_battery", "thermal_charging", "thermal_dm",
           "thermal_ksea", "thermal_temperature", "thermal_values"]
