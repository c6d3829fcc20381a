"""The paper's Figures 2-7, computed from the closed forms through :func:`evaluate`.

Parameters follow docs/conventions.md ("The paper's figures"): ``J = Omega = 1`` and
``omega0 = 1``, so the axes are ``Omega t``, ``zeta/omega0`` and
``P/(omega0 Omega)``; D and Delta are in units of Omega. Every figure function
returns a :class:`FigureResult` whose panels hold the arrays that were plotted
(the tests compare them with :func:`evaluate`).

Time windows: the paper's ``[0, t_min] = [0, pi/(2 Omega)]`` for Figs. 2, 3, 6
and 7. Figs. 4 and 5 use "different timescales" without stating them; we use
``Omega t in [0, 10]`` for the ergotropy (its long-term fluctuations are
discussed), ``[0, 4]`` for the power and ``[0, 5]`` for coherence and steering.

The paper never states gamma for its XYZ figures (6 and 7). ``DEFAULT_GAMMA``
is chosen by the claims report (:mod:`qb_symbolic.paper.claims`): scanning gamma in
[-1, 1] (step 0.05), both XYZ statements of the paper (Fig. 6: peaks before
t_min but below parallel charging; Fig. 7: D = 0.5 and 1 beat D = 0 in
ergotropy and power, at Delta = 2.5 and 3) hold only for gamma in
[-0.25, -0.15]; the default is the middle of that range, -0.2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..numeric.evaluate import evaluate

#: gamma of the XYZ figures (paper silent); see the module docstring and claims.md.
DEFAULT_GAMMA = -0.2
#: The parallel-charging time in units of 1/Omega.
T_MIN = np.pi / 2
#: Points along the time axis of the line plots.
LINE_POINTS = 801
#: Grid of the Fig. 3(c) map (the issue asks for at least 500 x 500).
MAP_POINTS = (600, 600)

Y_LABELS = {
    "ergotropy": r"$\zeta/\omega_0$",
    "power": r"$P/(\omega_0\Omega)$",
    "coherence": r"first-order coherence $Q$",
    "steering": r"steering $F_3^{\max} = \sqrt{\mathrm{Tr}\,T^{\mathsf{T}}T}$",
}
X_LABEL = r"$\Omega t$"
_STYLES = ["-", "--", "-.", ":"]


@dataclass
class Panel:
    """One plotted panel: the x grid and one curve per parameter set.

    Attributes
    ----------
    key
        ``fig2a``, ``fig3c``...
    quantity, model
        What :func:`evaluate` was asked for.
    x
        ``Omega t`` (line plots), or the time axis of a map.
    curves
        ``{label: values}``; for a map, one entry ``"map"`` of shape (len(y), len(x)).
    params
        ``{label: parameter dict}`` passed to :func:`evaluate` (with the model).
    y
        The second axis of a map (D), else None.
    """

    key: str
    quantity: str
    model: str
    x: np.ndarray
    curves: dict[str, np.ndarray]
    params: dict[str, dict]
    y: np.ndarray | None = None


@dataclass
class FigureResult:
    """A matplotlib figure with the data behind it and its caption."""

    name: str
    figure: Figure
    panels: list[Panel]
    caption: str
    files: list[Path] = field(default_factory=list)

    def save(self, out: Path | str, dpi: int = 150) -> list[Path]:
        """Write ``out/<name>.png`` and ``out/<name>.pdf``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.files = []
        for suffix in ("png", "pdf"):
            path = out / f"{self.name}.{suffix}"
            self.figure.savefig(path, dpi=dpi, bbox_inches="tight")
            self.files.append(path)
        return self.files


def save_figures(builders, out: Path | str) -> list[FigureResult]:
    """Build each figure (callables returning :class:`FigureResult`) and save it in ``out``."""
    results = [build() for build in builders]
    for result in results:
        result.save(out)
    return results


def _values(quantity: str, model: str, x: np.ndarray, params: dict) -> np.ndarray:
    # Omega = omega0 = 1: times are Omega t and the values already normalised.
    return np.asarray(evaluate(quantity, x, model=model, Omega=1, omega0=1, **params), dtype=float)


def _label(params: dict) -> str:
    names = {"D": "D", "Delta": r"\Delta", "gamma": r"\gamma", "J": "J"}
    return ", ".join(f"${names[k]} = {v:g}$" for k, v in params.items())


def _line_panel(ax, key: str, quantity: str, x: np.ndarray, sets: list[tuple[str, str, dict]],
                mark_peak: bool = True, t_min_line: bool = True) -> Panel:
    curves, params = {}, {}
    for i, (label, model, p) in enumerate(sets):
        values = _values(quantity, model, x, p)
        curves[label] = values
        params[label] = {"model": model, **p}
        line, = ax.plot(x, values, _STYLES[i % len(_STYLES)], label=label, lw=1.6)
        if mark_peak:
            peak = int(np.argmax(values))
            ax.plot(x[peak], values[peak], "o", ms=4, color=line.get_color())
    if t_min_line and x[-1] >= T_MIN - 1e-12:
        ax.axvline(T_MIN, color="0.5", lw=0.8, ls=":")
        ax.annotate(r"$t_{\min}$", (T_MIN, ax.get_ylim()[0]), xytext=(-16, 4),
                    textcoords="offset points", color="0.35", fontsize=9)
    ax.set_xlabel(X_LABEL)
    ax.set_ylabel(Y_LABELS[quantity])
    ax.legend(fontsize=8, loc="best")
    ax.set_title(f"({key[-1]})", loc="left", fontsize=10)
    models = {m for _, m, _ in sets}
    return Panel(key, quantity, models.pop() if len(models) == 1 else "mixed", x, curves, params)


def _pair(name: str, caption: str, left: tuple, right: tuple) -> FigureResult:
    fig = Figure(figsize=(9.0, 3.6), layout="constrained")
    axes = fig.subplots(1, 2)
    panels = [_line_panel(axes[0], *left), _line_panel(axes[1], *right)]
    return FigureResult(name, fig, panels, caption)


def fig2(points: int = LINE_POINTS) -> FigureResult:
    """Ising at D = 0 (J = Omega): collective against parallel charging on [0, t_min]."""
    x = np.linspace(0, T_MIN, points)
    sets = [("collective (Ising, $J = \\Omega$, $D = 0$)", "ising", {"J": 1, "D": 0}),
            ("parallel ($J = D = 0$)", "parallel", {})]
    caption = ("Fig. 2: Ising model at D = 0, J = Omega, collective charging against parallel "
               "charging; both reach 4 omega0 first at Omega t = pi/2 (dotted line).")
    return _pair("fig2", caption, ("fig2a", "ergotropy", x, sets), ("fig2b", "power", x, sets))


def fig3ab(points: int = LINE_POINTS) -> FigureResult:
    """Ising (J = Omega) at D = 0, 3, 6, 9: ergotropy and power on [0, t_min]."""
    x = np.linspace(0, T_MIN, points)
    sets = [(_label({"D": d}), "ising", {"J": 1, "D": d}) for d in (0, 3, 6, 9)]
    caption = ("Fig. 3(a,b): Ising model, J = Omega, D = 0, 3, 6, 9 (units of Omega); dots mark "
               "each curve's maximum in the window [0, t_min].")
    return _pair("fig3ab", caption, ("fig3a", "ergotropy", x, sets), ("fig3b", "power", x, sets))


def fig3c(points: tuple[int, int] = MAP_POINTS, D_max: float = 10.0) -> FigureResult:
    """Ergotropy map of the Ising model (J = Omega) over (Omega t, D)."""
    n_t, n_D = points
    if n_t < 2 or n_D < 2:
        raise ValueError(f"the map needs at least 2 x 2 points; got {points}")
    x = np.linspace(0, T_MIN, n_t)
    D = np.linspace(0, D_max, n_D)
    values = np.asarray(evaluate("ergotropy", x[None, :], model="ising", Omega=1, J=1,
                                 D=D[:, None], omega0=1), dtype=float)
    fig = Figure(figsize=(5.6, 4.4), layout="constrained")
    ax = fig.subplots()
    mesh = ax.pcolormesh(x, D, values, shading="auto", cmap="inferno", vmin=0, vmax=4,
                         rasterized=True)
    fig.colorbar(mesh, ax=ax, label=Y_LABELS["ergotropy"])
    ax.set_xlabel(X_LABEL)
    ax.set_ylabel(r"$D/\Omega$")
    ax.set_title("(c)", loc="left", fontsize=10)
    panel = Panel("fig3c", "ergotropy", "ising", x, {"map": values},
                  {"map": {"model": "ising", "J": 1}}, y=D)
    caption = (f"Fig. 3(c): ergotropy of the Ising model (J = Omega) over Omega t in [0, pi/2] "
               f"and D in [0, {D_max:g}] Omega, on a {n_t} x {n_D} grid.")
    return FigureResult("fig3c", fig, [panel], caption)


def fig4(points: int = LINE_POINTS) -> FigureResult:
    """XXZ (Delta = 2, J = Omega) at D = 0 and 1.7; longer windows than t_min."""
    sets = [(_label({"D": d}), "xxz", {"J": 1, "Delta": 2, "D": d}) for d in (0, 1.7)]
    caption = ("Fig. 4: XXZ model, Delta = 2, J = Omega, D = 0 and 1.7; ergotropy on "
               "Omega t in [0, 10] and power on [0, 4] (the paper's timescales are unstated).")
    return _pair("fig4", caption,
                 ("fig4a", "ergotropy", np.linspace(0, 10, points), sets),
                 ("fig4b", "power", np.linspace(0, 4, points), sets))


def fig5(points: int = LINE_POINTS) -> FigureResult:
    """XXZ (Delta = 2, J = Omega): coherence and steering at D = 0, 0.8, 1.2, 1.7."""
    x = np.linspace(0, 5, points)
    sets = [(_label({"D": d}), "xxz", {"J": 1, "Delta": 2, "D": d}) for d in (0, 0.8, 1.2, 1.7)]
    fig = Figure(figsize=(9.0, 3.6), layout="constrained")
    axes = fig.subplots(1, 2)
    panels = [
        _line_panel(axes[0], "fig5a", "coherence", x, sets, mark_peak=False, t_min_line=False),
        _line_panel(axes[1], "fig5b", "steering", x, sets, mark_peak=False, t_min_line=False),
    ]
    axes[1].axhline(1, color="0.5", lw=0.8, ls=":")  # steerable above 1
    caption = ("Fig. 5: XXZ model, Delta = 2, J = Omega: first-order coherence Q (Eqs. 11-12) and "
               "the maximal CJWR violation F3_max (Eq. 10; steerable above the dotted line 1). "
               "For the pure charging state both are functions of the concurrence C: "
               "Q = sqrt(1 - C^2), F3_max = sqrt(1 + 2 C^2).")
    return FigureResult("fig5", fig, panels, caption)


def fig6(gamma: float = DEFAULT_GAMMA, points: int = LINE_POINTS) -> FigureResult:
    """XYZ at D = 0 (J = Omega), Delta = 2.5 and 3, with parallel charging for reference."""
    _check_gamma(gamma)
    x = np.linspace(0, T_MIN, points)
    sets = [(_label({"Delta": d}), "xyz", {"J": 1, "gamma": gamma, "Delta": d, "D": 0})
            for d in (2.5, 3)]
    sets.append(("parallel", "parallel", {}))
    caption = (f"Fig. 6: XYZ model, D = 0, J = Omega, gamma = {gamma:g} (the paper does not state "
               "gamma; its XYZ claims hold only for gamma in [-0.25, -0.15], see claims.md), "
               "Delta = 2.5 and 3, with parallel charging for reference.")
    return _pair("fig6", caption, ("fig6a", "ergotropy", x, sets), ("fig6b", "power", x, sets))


def fig7(gamma: float = DEFAULT_GAMMA, points: int = LINE_POINTS) -> FigureResult:
    """XYZ (J = Omega) at Delta = 2.5 and 3 with D = 0, 0.5, 1: four panels."""
    _check_gamma(gamma)
    x = np.linspace(0, T_MIN, points)
    fig = Figure(figsize=(9.0, 6.8), layout="constrained")
    axes = fig.subplots(2, 2)
    panels = []
    for row, Delta in enumerate((2.5, 3)):
        sets = [(_label({"D": d}), "xyz", {"J": 1, "gamma": gamma, "Delta": Delta, "D": d})
                for d in (0, 0.5, 1)]
        for col, quantity in enumerate(("ergotropy", "power")):
            key = f"fig7{'abcd'[2 * row + col]}"
            panels.append(_line_panel(axes[row, col], key, quantity, x, sets))
            axes[row, col].set_title(f"({key[-1]}) $\\Delta = {Delta:g}$", loc="left", fontsize=10)
    caption = (f"Fig. 7: XYZ model, J = Omega, gamma = {gamma:g} (see Fig. 6), Delta = 2.5 (top) "
               "and 3 (bottom), D = 0, 0.5, 1.")
    return FigureResult("fig7", fig, panels, caption)


def _check_gamma(gamma: float) -> None:
    if not np.isfinite(gamma) or gamma == 0:
        raise ValueError(f"the XYZ model needs a finite gamma != 0 (gamma = 0 is XXZ); got {gamma}")


#: Every figure, in the paper's order.
FIGURES = {"fig2": fig2, "fig3ab": fig3ab, "fig3c": fig3c, "fig4": fig4, "fig5": fig5,
           "fig6": fig6, "fig7": fig7}


def all_figures(gamma: float = DEFAULT_GAMMA) -> list[FigureResult]:
    """Every figure with the default parameters (gamma for Figs. 6 and 7)."""
    out = []
    for name, build in FIGURES.items():
        out.append(build(gamma=gamma) if name in ("fig6", "fig7") else build())
    return out


def write_figures(out: Path | str, gamma: float = DEFAULT_GAMMA) -> list[FigureResult]:
    """Build and save every figure (PNG and PDF) in ``out``."""
    results = all_figures(gamma)
    for result in results:
        result.save(out)
    return results
