"""The registry of claim families: every family the report decides, each declared once.

Each :class:`~qb_symbolic.paper.claim_writer.ClaimFamily` names its claims, the files it
writes, the figures its step draws and its texts in the report; the report
(:mod:`qb_symbolic.paper.report`) runs one step per family of :data:`FAMILIES`, in order.

* :data:`PAPER`: the statements of Zhang, Song and Wang (arXiv:2406.16047) about its
  Figs. 2-7, each with the sentence it reads (``claims.md``, ``claims.json``);
* :data:`THERMAL`: the thermal battery in the setting of Ali et al. (arXiv:2408.00133),
  whose statements come from an issue's summary of that paper (``thermal_claims.*``);
* :data:`CHAINS`: the paper's conjecture for N cells (``chain_claims.*``);
* :data:`NETWORKS`: spin-network batteries, Bhattacharya et al. (``network_claims.*``);
* :data:`OPEN`: open batteries, the paper's XYZ + DM battery under noise (``open_claims.*``).
"""

from __future__ import annotations

from pathlib import Path

from .chain_figures import CHAIN_FIGURES
from .claim_writer import ClaimFamily
from .claims import CLAIMS
from .claims_chains import CHAIN_CLAIMS
from .claims_common import ClaimResult
from .claims_networks import NETWORK_CLAIMS
from .claims_open import OPEN_CLAIMS
from .claims_thermal import thermal_dm_ksea_raise, thermal_temperature_lowers
from .claims_thermal_field import thermal_field_uniformity
from .network_figures import DEFAULT_MAX_N, NETWORK_FIGURES, SETTING
from .open_figures import OPEN_FIGURES
from .thermal_figures import THERMAL_FIGURES

#: The paper's claims (:mod:`qb_symbolic.paper.claims`).
PAPER = ClaimFamily(
    name="paper", claims=CLAIMS, stem="claims",
    title="The paper's claims, checked from the closed forms",
    intro=("Zhang, Song, Wang, arXiv:2406.16047. Parameters of the paper's figures: J = Omega = "
           "omega0 = 1, D and Delta in units of Omega; t_min = pi/(2 Omega). Each statement is "
           "quoted (its source: the paper's sentence and section), made precise, and decided by "
           "`qb_symbolic.paper.claims`; `claims.json` has every number. A claim holds conditionally "
           "when it is true only for a parameter range the paper does not state, or only in part."),
    heading="Claims", summary="",
    describes="the paper's statements as propositions, with statuses, verdicts, numbers and sources",
    step="checking the paper's claims",
)

#: The thermal battery's claims (:mod:`qb_symbolic.paper.claims_thermal`,
#: :mod:`qb_symbolic.paper.claims_thermal_field`).
THERMAL = ClaimFamily(
    name="thermal", stem="thermal_claims",
    claims={"thermal-dm-ksea-raise": thermal_dm_ksea_raise,
            "thermal-temperature-lowers": thermal_temperature_lowers,
            "thermal-uniform-or-inhomogeneous": thermal_field_uniformity},
    title="The thermal battery's claims (Ali et al., arXiv:2408.00133 setting), checked",
    intro=("Gibbs state of H_B at temperature T (k_B = 1), energy measured by H0 = (B + b) sz1 + "
           "(B - b) sz2; B = 1, b = 0.2, D = K = 0.5 where not scanned; XX: J = 1; XY: Jx = 1, "
           "Jy = 0.5; XXZ: J = 1, Jz = 0.5; XYZ: Jx = 1, Jy = 0.5, Jz = 0.5; energies in units of "
           "J = Jx = 1. That paper's text was not available: the statements come from an issue's "
           "summary of it (each claim's source says so), made precise here; the last is the question "
           "that summary takes from the abstract (uniform or inhomogeneous field, for J > 0 and "
           "J < 0), decided. `thermal_claims.json` has every number."),
    heading="Thermal battery (arXiv:2408.00133 setting)",
    summary=("The Gibbs state of the Heisenberg battery H_B (XX, XY, XXZ, XYZ exchange, fields B + b "
             "and B - b, DM strength D, KSEA strength K) at temperature T, its energy measured by the "
             "Zeeman part H0; static values at t = 0 against T, D, K and the field inhomogeneity b, "
             "and charging by Omega (sx1 + sx2) (figures/thermal_*, thermal_claims.md)."),
    describes="the thermal battery's statements (Ali et al. setting), decided",
    step="the thermal battery (Ali et al. setting)", label="thermal battery",
    figures=THERMAL_FIGURES,
)

#: The DM conjecture for N cells (:mod:`qb_symbolic.paper.claims_chains`).
CHAINS = ClaimFamily(
    name="chains", claims=CHAIN_CLAIMS, stem="chain_claims",
    title="The DM conjecture for N cells (Zhang, Song, Wang, arXiv:2406.16047), checked",
    intro=("The paper's bond J((1 + gamma) XX + (1 - gamma) YY + Delta ZZ) + D (XY - YX) on every "
           "bond of an open chain or a ring, Omega X on every site, H0 = omega0 sum sz_i, start "
           "|d...d>; J = Omega = omega0 = 1; Ising, XXZ (Delta = 2), XYZ (gamma = -0.2, Delta = 2.5); "
           "D in [0, 3] step 0.25; largest power and ergotropy in Omega t in [0, pi/2]; rings and "
           "open chains N = 2..12. Figures: figures/chain_*. The DM claims read the conjecture of the "
           "paper's Sec. IV (quoted as their source); that the collective advantage grows with N is "
           "our reading. `chain_claims.json` has every number."),
    heading="Chains: the DM conjecture for N cells",
    summary=("The paper conjectures that the DM interaction helps charging batteries of more than two "
             "cells. Its bond term on every bond of an open chain or a ring (N = 2..12), "
             "Omega X on every site, start |d...d>, J = Omega = omega0 = 1; Ising, XXZ (Delta = 2) and "
             "XYZ (gamma = -0.2, Delta = 2.5), D in [0, 3]; largest power and ergotropy in Omega t in "
             "[0, pi/2] (figures/chain_*, chain_claims.md)."),
    describes="the DM conjecture for N cells (open chains and rings), decided",
    step="chains: the paper's conjecture for N cells", label="chains",
    figures=CHAIN_FIGURES,
)

#: Spin-network batteries (:mod:`qb_symbolic.paper.claims_networks`).
NETWORKS = ClaimFamily(
    name="networks", claims=NETWORK_CLAIMS, stem="network_claims",
    title="Spin-network batteries (Bhattacharya, Sabale, Kumar, arXiv:2508.20529), checked",
    intro=(f"The XXZ + DM bond on every edge of a graph, Omega X on every site; {SETTING}. D* is "
           "the D with the highest first ergotropy peak (a 0.2 grid on [0, 4], then Brent). Table "
           f"rows n = 3..{DEFAULT_MAX_N} by default (QB_NETWORK_MAX_N=12 adds n = 9..12). That "
           "paper's text is not in this repository: its statements are read from its abstract and "
           "table (sources: our reading). Figures: figures/network_*. `network_claims.json` has "
           "every number, the whole table included."),
    heading="Networks (Bhattacharya et al.)",
    summary=("Spin-network batteries: the XXZ (Delta = 2) + DM bond on every edge of circulant "
             "c-regular graphs n = 3..12 and of the tetrahedron, octahedron, cube and "
             "icosahedron; D* (highest first ergotropy peak) against the paper's table, and "
             "whether tuned DM gives ideal sinusoidal charging (figures/network_*, "
             "network_claims.md)."),
    describes="spin-network batteries (Bhattacharya et al.): D* table and claims, decided",
    step="networks (Bhattacharya et al.)", label="networks",
    figures=NETWORK_FIGURES,
)

#: Open batteries (:mod:`qb_symbolic.paper.claims_open`).
OPEN = ClaimFamily(
    name="open", claims=OPEN_CLAIMS, stem="open_claims",
    title="Open batteries: the XYZ + DM battery under noise (arXiv:2508.11333 statements), checked",
    intro=("The paper's XYZ + DM battery (arXiv:2406.16047), J = Omega = omega0 = 1, gamma = -0.2, "
           "Delta = 2.5, D in [0, 3], start |dd>, charged to its first ergotropy maximum, then "
           "amplitude damping, phase flip, bit flip or depolarizing on both cells, n times at "
           "the same p (no Hamiltonian between uses); storage figures: the charger off "
           "(Omega = 0) under local dephasing gamma_d (Lindblad). The statements are read from "
           "the abstract of arXiv:2508.11333 (its text is not in this repository; sources: our "
           "reading), each made precise in its proposition. Figures: figures/open_*. "
           "`open_claims.json` has every number."),
    heading="Open batteries (arXiv:2508.11333 statements)",
    summary=("The XYZ + DM battery (gamma = -0.2, Delta = 2.5) charged to its first ergotropy "
             "maximum, then noise: which channel loses the most, whether a critical D improves "
             "retention, whether initial coherence and strong DM protect the ergotropy under "
             "repeated noise; storage under dephasing with the charger off "
             "(figures/open_*, open_claims.md)."),
    describes="open batteries: channel losses, critical D, coherence and DM under noise, decided",
    step="open batteries: noise after charging", label="open batteries",
    figures=OPEN_FIGURES,
)

#: Every family, in the order of the report.
FAMILIES: tuple[ClaimFamily, ...] = (PAPER, THERMAL, CHAINS, NETWORKS, OPEN)

__all__ = ["CHAINS", "FAMILIES", "NETWORKS", "OPEN", "PAPER", "THERMAL"]


def write_claims(out: Path | str, results: list[ClaimResult] | None = None) -> tuple[Path, Path]:
    """Write ``claims.md`` and ``claims.json`` (``qb-symbolic claims``).

    Parameters
    ----------
    out : Path or str
        Output folder (created if needed).
    results : list of ClaimResult, optional
        Decided claims; every claim of :data:`CLAIMS` by default.

    Returns
    -------
    tuple of Path
        The paths of ``claims.md`` and ``claims.json``
        (:meth:`qb_symbolic.paper.claim_writer.ClaimFamily.write`).
    """
    return PAPER.write(out, results)
