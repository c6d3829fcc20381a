"""The claims about the XYZ model, decided at every scanned gamma: Figs. 6 and 7.

Part of :mod:`qb_symbolic.paper.claims`, which holds the registry and explains
the statuses.
"""

from __future__ import annotations

import numpy as np

from ..numeric.search.charging import max_power
from .claims_common import (
    GAMMA_SCAN,
    T_MIN,
    TIE,
    ClaimResult,
    Status,
    _ev,
    _grid,
    _r,
    decide,
    paper_quote,
)

# --------------------------------------------------------------------------
# Figs. 6 and 7: XYZ, gamma scanned
# --------------------------------------------------------------------------


def _parallel_power_max() -> float:
    return float(max_power("parallel", Omega=1, omega0=1).value)


def xyz_fig6_holds(gamma: float, p_parallel: float, x: np.ndarray | None = None) -> tuple[bool, dict]:
    """Fig. 6 at one gamma: peaks of zeta and P before t_min, both below parallel charging."""
    x = _grid() if x is None else x
    details = {}
    ok = True
    for Delta in (2.5, 3.0):
        z = _ev("ergotropy", "xyz", x, J=1, gamma=gamma, Delta=Delta, D=0)
        p = _ev("power", "xyz", x, J=1, gamma=gamma, Delta=Delta, D=0)
        tz, tp = x[np.argmax(z)], x[np.argmax(p)]
        this = bool(tz < T_MIN - 1e-3 and tp < T_MIN - 1e-3 and z.max() < 4 - TIE and p.max() < p_parallel - TIE)
        details[str(Delta)] = {"t_zeta_max": _r(tz, 4), "zeta_max": _r(z.max(), 4),
                               "t_P_max": _r(tp, 4), "P_max": _r(p.max(), 4), "holds": this}
        ok &= this
    return ok, details


def xyz_fig7_holds(gamma: float, x: np.ndarray | None = None) -> tuple[bool, dict]:
    """Fig. 7 at one gamma: zeta_max and P_max at D = 0.5 and 1 exceed those at D = 0."""
    x = _grid() if x is None else x
    D = np.array([0.0, 0.5, 1.0])[:, None]
    details = {}
    ok = True
    for Delta in (2.5, 3.0):
        z = _ev("ergotropy", "xyz", x[None, :], J=1, gamma=gamma, Delta=Delta, D=D).max(axis=1)
        p = _ev("power", "xyz", x[None, :], J=1, gamma=gamma, Delta=Delta, D=D).max(axis=1)
        this = bool(np.all(z[1:] > z[0] + TIE) and np.all(p[1:] > p[0] + TIE))
        details[str(Delta)] = {"zeta_max": [_r(v, 4) for v in z], "P_max": [_r(v, 4) for v in p], "holds": this}
        ok &= this
    return ok, details


def _ranges(values: list[float]) -> str:
    """Compact description of a set of scanned gammas as intervals."""
    if not values:
        return "no scanned gamma"
    scan = list(GAMMA_SCAN)
    runs, start, prev = [], values[0], values[0]
    for g in values[1:]:
        if scan.index(g) != scan.index(prev) + 1:
            runs.append((start, prev))
            start = g
        prev = g
    runs.append((start, prev))
    return ", ".join(f"{a:g}" if a == b else f"[{a:g}, {b:g}]" for a, b in runs)


def _gamma_scan_verdict(table: dict[float, tuple[bool, dict]]) -> tuple[Status, str, list[float]]:
    """Status, verdict and the gammas where it holds, for a claim decided at every scanned gamma.

    Parameters
    ----------
    table : dict
        ``{gamma: (holds at gamma, details)}`` for every gamma of :data:`GAMMA_SCAN`.

    Returns
    -------
    status : Status
        ``"holds"`` if true at every scanned gamma, ``"fails"`` at none,
        ``"holds-conditionally"`` otherwise (the paper states no gamma).
    verdict : str
        The status explained.
    good : list of float
        The scanned gammas where the claim holds.
    """
    good = [g for g, (ok, _) in table.items() if ok]
    status = decide(ok for ok, _ in table.values())
    scan = "gamma in [-1, 1], step 0.05, gamma != 0"
    verdict = {
        "holds": f"holds: at all {len(table)} scanned values ({scan})",
        "holds-conditionally": f"holds only for gamma in {_ranges(good)}: {len(good)} of {len(table)} "
                               f"scanned values ({scan}); the paper does not state gamma",
        "fails": f"fails: at none of the {len(table)} scanned values ({scan})",
    }[status]
    return status, verdict, good


def fig6_xyz() -> ClaimResult:
    p_par = _parallel_power_max()
    x = _grid()
    table = {g: xyz_fig6_holds(g, p_par, x) for g in GAMMA_SCAN}
    status, verdict, good = _gamma_scan_verdict(table)
    return ClaimResult(
        "fig6-xyz", "Fig. 6",
        "although the maximums of both ergotropy and power can reach with less time than "
        "t_min = pi/(2 Omega), the magnitudes will be smaller than those of the parallel charging",
        "XYZ, D = 0, J = Omega, Delta = 2.5 and 3: in [0, t_min] the largest ergotropy and the "
        "largest power are both reached before t_min, and both are below parallel charging "
        f"(4 omega0 and {p_par:.4f} omega0 Omega).",
        verdict, status,
        {"gammas_where_it_holds": good, "P_max_parallel": _r(p_par),
         "per_gamma": {str(g): d for g, (_, d) in table.items()}},
        source=paper_quote(
            r"From the figure, although the maximums of both ergotropy and power can reach "
            r"with less time than $t_{\min} = \pi/(2\Omega)$, the magnitudes will be smaller"
            r" than those of the parallel charging.",
            "Sec. III C"),
    )


def fig7_xyz() -> ClaimResult:
    x = _grid()
    table = {g: xyz_fig7_holds(g, x) for g in GAMMA_SCAN}
    status, verdict, good = _gamma_scan_verdict(table)
    return ClaimResult(
        "fig7-xyz", "Fig. 7",
        "the ergotropy and power of the battery are greater than those without DM interaction",
        "XYZ, J = Omega, Delta = 2.5 and 3: the largest ergotropy and the largest power in "
        "[0, t_min] at D = 0.5 and at D = 1 both exceed those at D = 0.",
        verdict, status,
        {"gammas_where_it_holds": good, "per_gamma": {str(g): d for g, (_, d) in table.items()}},
        source=paper_quote(
            r"It shows that the ergotropy and power of the battery are greater than those "
            r"without DM interaction (red line in the figure); ...",
            "Sec. III C"),
    )
