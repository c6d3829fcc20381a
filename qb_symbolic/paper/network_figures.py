"""Spin-network batteries (Bhattacharya, Sabale, Kumar, arXiv:2508.20529): D* and figures.

The setting of every network figure and claim (:mod:`qb_symbolic.paper.claims_networks`):
``H = Omega sum_i sx_i + sum_{(i,j) in E, i<j} [J (sx_i sx_j + sy_i sy_j + Delta sz_i sz_j)
+ D (sx_i sy_j - sy_i sx_j)]`` (:func:`qb_symbolic.model.network.network`, DM oriented from
the lower label to the higher), ``H0 = omega0 sum_i sz_i``, start ``|d...d>``, with the
paper's ``J = Omega = omega0 = 1`` and ``Delta = 2`` (:data:`UNITS`). The c-regular graph on
n vertices is the circulant ``circulant(n,c)`` (:mod:`qb_symbolic.core.graph_names`; the
paper does not say which c-regular graph or labelling it takes, and for c < n - 1 both
matter). D* maximises the height of the first ergotropy peak
(:func:`qb_symbolic.numeric.search.network_peak.dstar`: a 0.2 grid on [0, 4], Brent to 1e-4).

Rows (:func:`table_sizes`): every n = 3..12 and c >= max(2, n - 3) the circulant rule
allows (an odd c needs an even n; c = 1 is disconnected pairs). Measured (2 cores shared,
one BLAS thread): the rows n <= 8 take ~10 s, the 10 rows n = 9..12 ~3 min (n = 12: ~25 s
a row, sectors of 2080 + 2016), so the report computes n <= :data:`DEFAULT_MAX_N` and the
rest when the environment variable ``QB_NETWORK_MAX_N`` (up to 12) asks for them.

Figures (:class:`qb_symbolic.paper.figures.FigureResult`, PNG and PDF): ``network_ergotropy``
(ergotropy against Omega t for the tetrahedron, octahedron, cube and icosahedron at D = 0
and at their D*), ``network_dstar`` (D* and the first peak's share of the full charge
against n, ours beside the paper's).
"""

from __future__ import annotations

import os
import time
from functools import cache

import numpy as np
from matplotlib.figure import Figure

from ..core.graphs import Graph, parse_graph
from ..model.battery import Battery
from ..model.network import network
from ..numeric.evaluate import evaluate
from ..numeric.search.network_peak import DStar, dstar, first_peak
from .figures import FigureResult, Panel

#: The paper's units and anisotropy.
UNITS: dict[str, float] = {"J": 1.0, "Delta": 2.0, "Omega": 1.0, "omega0": 1.0}
#: D* of the paper's table (n, c) -> D*, the rows readable in its HTML version
#: (arXiv:2508.20529v2; the issue quotes the first three).
PAPER_DSTAR: dict[tuple[int, int], float] = {
    (3, 2): 1.86, (4, 3): 1.96, (5, 4): 2.03, (6, 4): 2.18, (6, 5): 2.07, (7, 6): 2.11,
    (8, 5): 2.30, (8, 6): 2.23, (8, 7): 2.13, (9, 6): 2.36}
#: The table gives D* to two decimals.
PAPER_TOLERANCE = 0.01
#: The symmetric structures of the figures and of the sinusoidal claim.
SOLIDS: tuple[str, ...] = ("tetrahedron", "octahedron", "cube", "icosahedron")
#: Largest n of the table in the report unless QB_NETWORK_MAX_N says otherwise.
DEFAULT_MAX_N, LARGEST_N, MAX_N_VARIABLE = 8, 12, "QB_NETWORK_MAX_N"
#: Time axis of the ergotropy figure (three charging cycles at D*).
CURVE_END, CURVE_POINTS = 8.0, 801

SETTING = ("J = Omega = omega0 = 1, Delta = 2; H0 = omega0 sum sz_i, start |d...d>; DM "
           "oriented from the lower vertex label to the higher; c-regular graphs as circulants")


def report_max_n() -> int:
    """The table's largest n: ``QB_NETWORK_MAX_N`` (3..12) or :data:`DEFAULT_MAX_N`."""
    text = os.environ.get(MAX_N_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MAX_N
    if not text.isdigit() or not 3 <= int(text) <= LARGEST_N:
        raise ValueError(f"{MAX_N_VARIABLE} must be an integer in 3..{LARGEST_N}; got {text!r}")
    return int(text)


def table_sizes(max_n: int = LARGEST_N) -> list[tuple[int, int]]:
    """The rows ``(n, c)``: n = 3..max_n, ``max(2, n - 3) <= c <= n - 1``, c even or n even."""
    return [(n, c) for n in range(3, max_n + 1) for c in range(max(2, n - 3), n)
            if not (c % 2 and n % 2)]


def graph_battery(graph: Graph) -> Battery:
    """The setting's battery on ``graph``, D left free."""
    return network(graph, **UNITS)


@cache
def _dstar(n: int, edges: tuple) -> tuple[DStar, float, float]:
    """D* of the graph (cached by its edges: the octahedron is circulant(6,4)), the first
    peak's height at D = 0 and the seconds it took."""
    start = time.perf_counter()
    battery = graph_battery(Graph(n, edges))
    found = dstar(battery)
    height0 = first_peak(battery, D=0.0, sinusoid=False).height
    return found, height0, time.perf_counter() - start


def graph_dstar(name: str) -> tuple[DStar, float, float]:
    """:func:`_dstar` of a named graph."""
    graph = parse_graph(name)
    return _dstar(graph.n, graph.edges)


def network_row(n: int, c: int) -> dict:
    """One row of the table (JSON-ready), the paper's D* beside ours where it gives one."""
    found, height0, seconds = graph_dstar(f"circulant({n},{c})")
    paper = PAPER_DSTAR.get((n, c))
    return {
        "n": n, "c": c, "graph": f"circulant({n},{c})", "D_star": round(found.D, 4),
        "first_peak_height": round(found.peak.height, 9),
        "fraction_of_full_charge": round(found.peak.fraction, 6),
        "first_peak_time": round(found.peak.time, 6),
        "drop_at_minus_0.01": float(f"{found.drop_minus:.3e}"),
        "drop_at_plus_0.01": float(f"{found.drop_plus:.3e}"),
        "sinusoid_distance": round(found.peak.sinusoid_distance, 6),
        "first_peak_height_D0": round(height0, 9),
        "paper_D_star": paper, "difference": None if paper is None else round(found.D - paper, 4),
        "seconds": round(seconds, 2),
    }


def network_table(max_n: int | None = None) -> list[dict]:
    """Every row of :func:`table_sizes` up to ``max_n`` (default :func:`report_max_n`)."""
    return [network_row(n, c) for n, c in table_sizes(report_max_n() if max_n is None else max_n)]


def network_ergotropy() -> FigureResult:
    """Ergotropy against Omega t, one panel per solid, at D = 0 and at its D*."""
    fig = Figure(figsize=(10.0, 7.0))
    axes = fig.subplots(2, 2, sharex=True, gridspec_kw={"wspace": 0.25, "hspace": 0.2})
    t = np.linspace(0.0, CURVE_END, CURVE_POINTS)
    panels = []
    for k, (ax, name) in enumerate(zip(axes.ravel(), SOLIDS, strict=True)):
        graph = parse_graph(name)
        battery = graph_battery(graph)
        found = graph_dstar(name)[0]
        curves, params = {}, {}
        for D, style in ((0.0, "--"), (found.D, "-")):
            label = f"D = {D:.3f}" + (" (D*)" if D else "")
            curves[label] = np.asarray(evaluate("ergotropy", t, battery=battery, D=D), float)
            params[label] = {"graph": name, **UNITS, "D": D}
            ax.plot(t, curves[label] / (2 * graph.n), style, lw=1.4, label=label)
        ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
        ax.plot(found.peak.time, found.peak.fraction, "o", ms=4, color="C1")
        ax.set_title(f"({'abcd'[k]}) {name}, n = {graph.n}", loc="left", fontsize=9)
        ax.set_ylabel(r"$\zeta/(2n\omega_0)$")
        if k >= 2:
            ax.set_xlabel(r"$\Omega t$")
        ax.legend(fontsize=8, loc="lower right")
        panels.append(Panel(f"network_ergotropy{'abcd'[k]}", "ergotropy", "network", t,
                            curves, params))
    caption = ("Networks: ergotropy over the full charge 2 n omega0 against Omega t for the four "
               "solids, without DM (dashed) and at D* (solid; the dot is the first peak). "
               f"{SETTING}.")
    return FigureResult("network_ergotropy", fig, panels, caption)


def network_dstar() -> FigureResult:
    """D* and the first peak's share of the full charge against n, one curve per c = n - k."""
    rows = network_table()
    fig = Figure(figsize=(10.0, 3.8))
    axes = fig.subplots(1, 2, gridspec_kw={"wspace": 0.3})
    panels = []
    for ax, (key, label) in zip(axes, (("D_star", r"$D^*/J$"),
                                       ("fraction_of_full_charge", "first peak / full charge"))):
        curves, params = {}, {}
        for k in (1, 2, 3):
            chosen = [r for r in rows if r["c"] == r["n"] - k]
            name = "c = n - 1 (complete)" if k == 1 else f"c = n - {k}"
            curves[name] = np.array([r[key] for r in chosen], float)
            params[name] = {"n": [r["n"] for r in chosen], **UNITS}
            ax.plot([r["n"] for r in chosen], curves[name], "o-", ms=4, lw=1.2, label=name)
        if key == "D_star":
            known = [(n, c, d) for (n, c), d in PAPER_DSTAR.items()
                     if any(r["n"] == n and r["c"] == c for r in rows)]
            ax.plot([n for n, _, _ in known], [d for _, _, d in known], "kx", ms=6,
                    label="the paper's table")
        ax.set_xlabel("number of qubits n")
        ax.set_ylabel(label)
        ax.legend(fontsize=7)
        panels.append(Panel(f"network_dstar_{key}", key, "network",
                            np.array(sorted({r["n"] for r in rows})), curves, params))
    caption = ("Networks: D* (the DM strength with the highest first ergotropy peak) and that "
               "peak over the full charge against n, for circulant(n, c), c = n - 1, n - 2, "
               f"n - 3; crosses: the paper's D*. n <= {max(r['n'] for r in rows)} "
               f"({MAX_N_VARIABLE} sets the largest n). {SETTING}.")
    return FigureResult("network_dstar", fig, panels, caption)


#: Every network figure, in the order of the report.
NETWORK_FIGURES = {"network_ergotropy": network_ergotropy, "network_dstar": network_dstar}

__all__ = ["DEFAULT_MAX_N", "NETWORK_FIGURES", "PAPER_DSTAR", "PAPER_TOLERANCE", "SETTING",
           "SOLIDS", "UNITS", "graph_battery", "graph_dstar", "network_dstar",
           "network_ergotropy", "network_row", "network_table", "report_max_n", "table_sizes"]
