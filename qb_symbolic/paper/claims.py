"""The paper's statements as precise propositions, decided from the closed forms.

Each :class:`ClaimResult` quotes the paper, states a testable proposition,
gives its status, a verdict that explains it, the numbers behind it, and its source:
the paper's sentence it reads (:func:`paper_quote`, with its section). This module is
the registry of the paper's claims (:data:`CLAIMS`); the family they form in the
report, and its writer, are :data:`qb_symbolic.paper.families.PAPER` and
:mod:`qb_symbolic.paper.claim_writer`.
Parameters are those of the paper's figures (docs/conventions.md):
``J = Omega = omega0 = 1``, D and Delta in units of Omega.

The status is one of :data:`STATUSES`, decided by :func:`decide` from the
computed truth of the proposition over its cases:

* ``"holds"``: true in every case, i.e. as stated;
* ``"holds-conditionally"``: true in some cases only, i.e. only for a parameter
  range the paper does not state (the gamma scans of Figs. 6 and 7, the time
  windows of Fig. 4(a)) or only in part (the steps of a trend the paper calls
  general, Fig. 3(b));
* ``"fails"``: true in no case.

Most propositions have a single case (a range the paper states itself, such as
"throughout the evolution window", is part of the proposition), so they either
hold or fail.

How the numbers are obtained: maxima of the ergotropy in a window come from
:func:`qb_symbolic.charging_time` / :func:`qb_symbolic.max_power` (derivative
roots refined by mpmath) where a single value is reported; comparisons over a
time interval and the gamma and D scans use :func:`evaluate` on uniform grids
of ``GRID_POINTS`` (maxima then within ~1e-6 relative, far below the margins
that decide the verdicts, which are printed).
"""

from __future__ import annotations

from collections.abc import Callable

from .claim_writer import count_statuses, headline, markdown_table

# The claims live in modules by model; everything is importable from here.
from .claims_common import (
    D_SCAN,
    GAMMA_SCAN,
    GRID_POINTS,
    OUR_READING,
    STATUSES,
    T_MIN,
    THERMAL_SUMMARY,
    TIE,
    ClaimResult,
    Status,
    decide,
    paper_quote,
)
from .claims_ising import (
    fig2_power,
    fig2_same_ergotropy,
    fig2_same_peak,
    fig3_peak_before_tmin,
    fig3_power_grows,
    fig3c_large_D_full_charge,
    fig3c_little_impact,
)
from .claims_xxz import (
    fig4_faster,
    fig4_fluctuation,
    fig4_peak,
    fig4_power,
    fig5_coherence_steering,
)
from .claims_xyz import fig6_xyz, fig7_xyz, xyz_fig6_holds, xyz_fig7_holds

__all__ = [
    "CLAIMS",
    "D_SCAN",
    "GAMMA_SCAN",
    "GRID_POINTS",
    "OUR_READING",
    "STATUSES",
    "THERMAL_SUMMARY",
    "TIE",
    "T_MIN",
    "ClaimResult",
    "Status",
    "count_statuses",
    "decide",
    "fig2_power",
    "fig2_same_ergotropy",
    "fig2_same_peak",
    "fig3_peak_before_tmin",
    "fig3_power_grows",
    "fig3c_large_D_full_charge",
    "fig3c_little_impact",
    "fig4_faster",
    "fig4_fluctuation",
    "fig4_peak",
    "fig4_power",
    "fig5_coherence_steering",
    "fig6_xyz",
    "fig7_xyz",
    "headline",
    "markdown_table",
    "paper_quote",
    "xyz_fig6_holds",
    "xyz_fig7_holds",
]


#: Every claim, in the paper's order.
CLAIMS: dict[str, Callable[[], ClaimResult]] = {
    "fig2-same-peak": fig2_same_peak,
    "fig2-same-ergotropy": fig2_same_ergotropy,
    "fig2-power": fig2_power,
    "fig3-peak-before-tmin": fig3_peak_before_tmin,
    "fig3-power-grows": fig3_power_grows,
    "fig3c-large-D": fig3c_large_D_full_charge,
    "fig3c-little-impact": fig3c_little_impact,
    "fig4-peak": fig4_peak,
    "fig4-faster": fig4_faster,
    "fig4-fluctuation": fig4_fluctuation,
    "fig4-power": fig4_power,
    "fig5-coherence-steering": fig5_coherence_steering,
    "fig6-xyz": fig6_xyz,
    "fig7-xyz": fig7_xyz,
}


