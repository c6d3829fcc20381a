"""The paper's statements as precise propositions, decided from the closed forms.

Each :class:`ClaimResult` quotes the paper, states a testable proposition,
gives its status, a verdict that explains it, and the numbers behind it.
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

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

# The claims live in modules by model; everything is importable from here.
from .claims_common import (
    D_SCAN,
    GAMMA_SCAN,
    GRID_POINTS,
    STATUSES,
    T_MIN,
    TIE,
    ClaimResult,
    Status,
    decide,
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
    "STATUSES",
    "TIE",
    "T_MIN",
    "ClaimResult",
    "Status",
    "count_statuses",
    "decide",
    "evaluate_claims",
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
    "write_claims",
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


def evaluate_claims() -> list[ClaimResult]:
    """Decide every claim (a few seconds)."""
    return [build() for build in CLAIMS.values()]


def count_statuses(results: Iterable[ClaimResult]) -> dict[Status, int]:
    """How many claims have each status.

    Parameters
    ----------
    results : iterable of ClaimResult
        Decided claims, e.g. from :func:`evaluate_claims`.

    Returns
    -------
    dict
        ``{status: count}`` for every status of :data:`STATUSES` (zeros
        included), in that order; the counts add up to the number of claims.
    """
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for r in results:
        counts[r.status] += 1
    return counts


def headline(results: Iterable[ClaimResult]) -> str:
    """One sentence counting the claims of each status.

    Parameters
    ----------
    results : iterable of ClaimResult
        Decided claims, e.g. from :func:`evaluate_claims`.

    Returns
    -------
    str
        E.g. ``"9 of 14 claims hold as stated, 3 hold only for a range or in
        part, 2 fail"``.
    """
    counts = count_statuses(results)
    total = sum(counts.values())
    held, conditional, failed = (counts[s] for s in STATUSES)

    def verb(n: int, one: str, many: str) -> str:
        return one if n == 1 else many

    return (f"{held} of {total} {verb(total, 'claim', 'claims')} {verb(held, 'holds', 'hold')} as stated, "
            f"{conditional} {verb(conditional, 'holds', 'hold')} only for a range or in part, "
            f"{failed} {verb(failed, 'fails', 'fail')}")


def markdown_table(results: list[ClaimResult]) -> str:
    """The claims as a Markdown table.

    Parameters
    ----------
    results : list of ClaimResult
        Decided claims, e.g. from :func:`evaluate_claims`.

    Returns
    -------
    str
        Columns claim, figure, proposition, status, verdict (the verdict's
        opening, up to its first colon, in bold).
    """
    lines = ["| claim | figure | proposition | status | verdict |", "|---|---|---|---|---|"]
    for r in results:
        cell = r.verdict.replace("|", "\\|")
        head, _, rest = cell.partition(":")
        lines.append(f"| `{r.id}` | {r.figure} | {r.proposition} | {r.status} "
                     f"| **{head}**{':' if rest else ''}{rest} |")
    return "\n".join(lines)


def write_claims(out: Path | str, results: list[ClaimResult] | None = None) -> tuple[Path, Path]:
    """Write ``claims.md`` and ``claims.json``.

    Parameters
    ----------
    out : Path or str
        Output folder (created if needed).
    results : list of ClaimResult, optional
        Decided claims; :func:`evaluate_claims` by default.

    Returns
    -------
    tuple of Path
        The paths of ``claims.md`` and ``claims.json``. Each JSON record has
        the fields of :class:`ClaimResult`, ``status`` among them.
    """
    results = evaluate_claims() if results is None else results
    intro = ("Zhang, Song, Wang, arXiv:2406.16047. Parameters of the paper's figures: J = Omega = "
             "omega0 = 1, D and Delta in units of Omega; t_min = pi/(2 Omega). Each statement is "
             "quoted, made precise, and decided by `qb_symbolic.claims`; `claims.json` has every "
             "number. A claim holds conditionally when it is true only for a parameter range the "
             "paper does not state, or only in part.")
    return write_claim_files(out, "claims", "The paper's claims, checked from the closed forms",
                             intro, results)


def write_claim_files(out: Path | str, stem: str, title: str, intro: str,
                      results: list[ClaimResult]) -> tuple[Path, Path]:
    """Write ``<stem>.md`` (title, intro, headline, table, one section per claim) and
    ``<stem>.json`` (every field of every :class:`ClaimResult`) into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    body = [f"# {title}", "", intro, "", f"{headline(results)}.", "", markdown_table(results), ""]
    for r in results:
        body += [f"## `{r.id}` ({r.figure})", "", f"> {r.paper}", "", f"**Proposition.** {r.proposition}", "",
                 f"**Status.** {r.status}", "", f"**Verdict.** {r.verdict}", ""]
    md, js = out / f"{stem}.md", out / f"{stem}.json"
    md.write_text("\n".join(body))
    js.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return md, js
