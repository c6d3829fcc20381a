"""Open batteries: the paper's XYZ + DM battery charged, then exposed to noise (figures).

The setting of every open-battery figure and claim (:mod:`qb_symbolic.paper.claims_open`):
the two-qubit battery of Zhang, Song and Wang (arXiv:2406.16047, Eqs. 1-3),
``H = Omega (sx1 + sx2) + J[(1 + gamma) sx1 sx2 + (1 - gamma) sy1 sy2 + Delta sz1 sz2]
+ D (sx1 sy2 - sy1 sx2)``, ``H0 = omega0 (sz1 + sz2)``, start ``|dd>``, with
:data:`UNITS` (the package's XYZ choice: gamma = -0.2, Delta = 2.5, as in the chains' claims
and the report's Figs. 6-7; J = Omega = omega0 = 1), D scanned on [0, 3].

**Charged to the first maximum.** ``tau*(D)`` is the first local maximum of the ergotropy
(a 2001-point grid on ``[0, 4]``, then :func:`qb_symbolic.charging_time` on ``[0, t_next]``,
30 digits). The charged state then meets noise (:func:`qb_symbolic.charge_and_store`):

* a channel (:func:`qb_symbolic.channel` on both cells: amplitude damping, phase flip, bit
  flip, depolarizing, all at the same ``p``), applied ``n`` times, no Hamiltonian between;
* or a storage stage of time ``s`` with the charger off (``Omega = 0``; the XYZ + DM
  interaction stays on) under local dephasing ``gamma_d`` (Lindblad).

The retained fraction is ``R = zeta(after)/zeta(tau*)``.

Figures (PNG and PDF): ``open_channels`` (after one use: retained ergotropy against p at
D = 0 and D = 3; R against D at p = 0.1), ``open_storage`` (ergotropy against the storage
time for several gamma_d at D = 3; after s = 2 against gamma_d for several D).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.figure import Figure

from ..model.battery import Battery
from ..model.dissipators import dephasing, gamma_d
from ..numeric.evaluate import evaluate
from ..numeric.search.charging import charging_time
from ..numeric.search.protocols import charge_and_store
from ..symbolic.channels import channel
from .figures import FigureResult, Panel

#: The battery's units and anisotropies (the package's XYZ choice).
UNITS: dict[str, float] = {"Omega": 1.0, "J": 1.0, "omega0": 1.0, "gamma": -0.2, "Delta": 2.5}
#: The channels compared, at the same p.
CHANNEL_NAMES: tuple[str, ...] = ("amplitude_damping", "phase_flip", "bit_flip", "depolarizing")
#: D of the scans (a 0.1 grid on [0, 3]; minima refined by Brent) and of the tables.
D_GRID = tuple(round(x, 2) for x in np.arange(0.0, 3.0001, 0.1))
D_TABLE = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
#: p of the tables and of the p axis.
P_TABLE = tuple(round(x, 1) for x in np.arange(0.1, 0.91, 0.1))
P_AXIS = np.linspace(0.0, 1.0, 21)
#: The p of the D scans and the numbers of uses compared.
P_SCAN, USES = 0.1, (1, 10)
#: Storage times and dephasing rates of the storage figure.
S_AXIS = np.linspace(0.0, 6.0, 241)
GAMMA_D_AXIS = np.linspace(0.0, 1.0, 21)
SETTING = ("XYZ + DM battery, J = Omega = omega0 = 1, gamma = -0.2, Delta = 2.5, both cells "
           "empty at the start, charged to its first ergotropy maximum")
_LABELS = {"amplitude_damping": "amplitude damping", "phase_flip": "phase flip",
           "bit_flip": "bit flip", "depolarizing": "depolarizing"}


@cache
def battery() -> Battery:
    """The setting's battery (the xyz preset), D and the units left to the values."""
    return Battery("xyz")


@cache
def first_maximum(D: float, start: Battery | None = None) -> tuple[float, float]:
    """``(tau*, zeta(tau*))``: the first local maximum of the ergotropy (module docstring)."""
    bat = battery() if start is None else start
    t = np.linspace(0.0, 4.0, 2001)
    zeta = np.asarray(evaluate("ergotropy", t, battery=bat, D=D, **UNITS), float)
    turns = np.flatnonzero((zeta[1:-1] >= zeta[:-2]) & (zeta[1:-1] > zeta[2:]))
    if not turns.size:
        raise ValueError(f"no ergotropy maximum in Omega t < 4 at D = {D}")
    found = charging_time(battery=bat, window=float(t[turns[0] + 2]), D=D, **UNITS)
    return float(found.t), float(found.value)


def after_channel(name: str, p: float, uses, D: float, start: Battery | None = None
                  ) -> np.ndarray:
    """The ergotropy after charging to the first maximum and ``uses`` uses of a channel."""
    bat = battery() if start is None else start
    tau, _ = first_maximum(D, start)
    return np.asarray(charge_and_store(bat, tau, np.asarray(uses, float), channel(name, p),
                                       charger=(), D=D, **UNITS), float)


def retained_fraction(name: str, D: float, uses: int = 1, p: float = P_SCAN) -> float:
    """``R(D)``: the fraction of ``zeta(tau*)`` left after ``uses`` uses."""
    return float(after_channel(name, p, [uses], D)[0]) / first_maximum(D)[1]


@cache
def fraction_curves() -> dict[tuple[str, int], np.ndarray]:
    """``R`` on :data:`D_GRID` per (channel, uses), at ``p = P_SCAN``."""
    out = {}
    for name in CHANNEL_NAMES:
        rows = np.array([after_channel(name, P_SCAN, USES, D) / first_maximum(D)[1]
                         for D in D_GRID])
        out |= {(name, n): rows[:, k] for k, n in enumerate(USES)}
    return out


def stored(D: float, rate: float, s) -> np.ndarray:
    """The ergotropy after charging to the first maximum and storing for ``s`` (charger off,
    local dephasing ``rate``)."""
    tau, _ = first_maximum(D)
    return np.asarray(charge_and_store(battery(), tau, np.asarray(s, float),
                                       dephasing(gamma_d), D=D, gamma_d=rate, **UNITS), float)


def open_channels() -> FigureResult:
    """(a) after one use against p, D = 0 dashed and D = 3 solid; (b) R against D."""
    fig = Figure(figsize=(10.0, 3.8))
    axes = fig.subplots(1, 2, gridspec_kw={"wspace": 0.28})
    curves_a, params_a, curves_b, params_b = {}, {}, {}, {}
    for k, name in enumerate(CHANNEL_NAMES):
        for D, style in ((0.0, "--"), (3.0, "-")):
            label = f"{_LABELS[name]}, D = {D:g}"
            curves_a[label] = np.array([after_channel(name, p, [1], D)[0] for p in P_AXIS])
            params_a[label] = {"channel": name, "D": D, "uses": 1, **UNITS}
            axes[0].plot(P_AXIS, curves_a[label], style, color=f"C{k}", lw=1.4, label=label)
        curves_b[_LABELS[name]] = fraction_curves()[(name, 1)]
        params_b[_LABELS[name]] = {"channel": name, "p": P_SCAN, "uses": 1, **UNITS}
        axes[1].plot(D_GRID, curves_b[_LABELS[name]], color=f"C{k}", lw=1.4, label=_LABELS[name])
    axes[0].set_xlabel("channel probability p")
    axes[0].set_ylabel(r"ergotropy after one use $/\omega_0$")
    axes[0].set_title("(a)", loc="left", fontsize=10)
    axes[0].legend(fontsize=6, ncol=2)
    axes[1].set_xlabel(r"$D/J$")
    axes[1].set_ylabel(f"retained fraction $R$ (p = {P_SCAN:g}, one use)")
    axes[1].set_title("(b)", loc="left", fontsize=10)
    axes[1].legend(fontsize=7)
    panels = [Panel("open_channels_a", "ergotropy", "xyz-open", P_AXIS, curves_a, params_a),
              Panel("open_channels_b", "retained_fraction", "xyz-open", np.array(D_GRID),
                    curves_b, params_b)]
    caption = (f"Open batteries: ergotropy left after one use of each channel, against p, at "
               f"D = 0 (dashed) and D = 3 (solid); the fraction kept against D at p = {P_SCAN}. "
               f"{SETTING}.")
    return FigureResult("open_channels", fig, panels, caption)


def open_storage() -> FigureResult:
    """(a) ergotropy against storage time at D = 3; (b) after s = 2 against gamma_d."""
    fig = Figure(figsize=(10.0, 3.8))
    axes = fig.subplots(1, 2, gridspec_kw={"wspace": 0.28})
    curves_a, params_a, curves_b, params_b = {}, {}, {}, {}
    for k, rate in enumerate((0.0, 0.1, 0.3, 1.0)):
        label = f"gamma_d = {rate:g}"
        curves_a[label] = stored(3.0, rate, S_AXIS)
        params_a[label] = {"D": 3.0, "gamma_d": rate, "charger": "Omega = 0", **UNITS}
        axes[0].plot(S_AXIS, curves_a[label], color=f"C{k}", lw=1.3, label=label)
    for k, D in enumerate((0.0, 1.0, 2.0, 3.0)):
        label = f"D = {D:g}"
        curves_b[label] = np.array([stored(D, rate, [2.0])[0] for rate in GAMMA_D_AXIS])
        params_b[label] = {"D": D, "s": 2.0, "charger": "Omega = 0", **UNITS}
        axes[1].plot(GAMMA_D_AXIS, curves_b[label], color=f"C{k}", lw=1.3, label=label)
    axes[0].set_xlabel(r"storage time $\Omega s$ (charger off)")
    axes[0].set_ylabel(r"ergotropy $/\omega_0$")
    axes[0].set_title("(a) D = 3", loc="left", fontsize=10)
    axes[0].legend(fontsize=7)
    axes[1].set_xlabel(r"dephasing rate $\gamma_d/\Omega$")
    axes[1].set_ylabel(r"ergotropy after $\Omega s = 2$ $/\omega_0$")
    axes[1].set_title("(b)", loc="left", fontsize=10)
    axes[1].legend(fontsize=7)
    panels = [Panel("open_storage_a", "ergotropy", "xyz-open", S_AXIS, curves_a, params_a),
              Panel("open_storage_b", "ergotropy", "xyz-open", GAMMA_D_AXIS, curves_b, params_b)]
    caption = ("Open batteries: storage with the charger off (Omega = 0; the XYZ + DM "
               "interaction stays on) under local dephasing L = sqrt(gamma_d/2) sz_i: ergotropy "
               "against the storage time at D = 3, and after Omega s = 2 against gamma_d. The "
               "interaction keeps moving the stored energy (its anisotropy gamma J (XX - YY) "
               "couples the full and the empty state), so the ergotropy oscillates even without "
               f"noise; dephasing damps that exchange. {SETTING}.")
    return FigureResult("open_storage", fig, panels, caption)


#: Every open-battery figure, in the order of the report.
OPEN_FIGURES = {"open_channels": open_channels, "open_storage": open_storage}

__all__ = ["CHANNEL_NAMES", "D_GRID", "D_TABLE", "OPEN_FIGURES", "P_SCAN", "P_TABLE", "SETTING",
           "UNITS", "USES", "after_channel", "battery", "first_maximum", "fraction_curves",
           "open_channels", "open_storage", "retained_fraction", "stored"]
