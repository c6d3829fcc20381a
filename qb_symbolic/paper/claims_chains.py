"""The paper's conjecture for N cells, decided: does the DM interaction help charging?

Zhang, Song and Wang (arXiv:2406.16047) find that the DM interaction raises the power of
two-cell batteries and conjecture that it helps for more than two cells. Here that is
decided on the scan of :mod:`qb_symbolic.paper.chain_figures` (its docstring has the
setting: J = Omega = omega0 = 1, Ising, XXZ with Delta = 2, XYZ with gamma = -0.2 and
Delta = 2.5, D in [0, 3] step 0.25, window Omega t in [0, pi/2], rings and open chains
N = 2..12), with the statuses and verdicts of :mod:`qb_symbolic.paper.claims`:

* ``chain-dm-<model>-<boundary>``: for every N >= 3 and D > 0 scanned, the per-cell largest
  power exceeds its D = 0 value (by more than 1e-9). One case per (N, D). Source: the
  conjecture's sentence (:data:`CONJECTURE`).
* ``chain-advantage-<model>``: the collective advantage ``P_N / (N P_1)`` (P_1 the single
  cell's largest power, ``max 2 sin^2(t)/t``) grows with N. One case per boundary, D in
  {0, 1, 2, 3} and step N -> N + 1. Source: our reading (the paper's text does not say it).

Two exact facts explain the rings (and are checked on the scan, numbers
``D_independent_N``): (i) from ``|d...d>`` a ring stays in the translation-invariant
sector, where the reflection R acts; the DM term is R-odd and the rest of H R-even, so
DM only links R-even to R-odd translation-invariant states, and there are none for
N <= 5 (every necklace of at most five up/down beads is its own mirror image): the ring's
charging does not depend on D at all. (ii) On an Ising ring, in the eigenbasis of the
X's the D = 0 state is ``sum_x a(x) e^(-i E(x) t)|x>`` and the DM term flips a spin next to
a domain wall; around a ring the up-down and down-up walls come in equal numbers and
the terms cancel, so the DM term annihilates the D = 0 state at every time and the
charging is D-independent for every N.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .chain_figures import ADVANTAGE_D, CHAIN_MODELS, SIZES, WINDOW, chain_scan
from .claim_writer import evaluate_all
from .claims_common import OUR_READING, TIE, ClaimResult, _r, decide, paper_quote, verdict

_SOURCE = "conjecture, N > 2 cells"
#: The paper's conjecture (Sec. IV), which the chain-dm claims read.
CONJECTURE = paper_quote(
    r"Thus, we conjecture that the DM interaction can further enhance the battery performance as "
    r"the number of cells increases ...", "Sec. IV")
_NAMES = {"ising": "Ising", "xxz": "XXZ (Delta = 2)", "xyz": "XYZ (gamma = -0.2, Delta = 2.5)"}
_RING_SECTOR = ("on a ring the state stays translation invariant; the DM term is odd under the "
                "reflection R and the rest of H even, and for N <= 5 there is no R-odd "
                "translation-invariant state (every necklace of at most five up/down beads is its "
                "own mirror image), so DM cannot act; from N = 6 on it reaches the chiral "
                "configurations (three flipped spins or more) only at high order in t")
_ISING_RING = ("on an Ising ring the DM term annihilates the D = 0 state at every time (in the "
               "X eigenbasis it flips a spin next to a domain wall, and around a ring the two kinds "
               "of wall cancel), so the charging is the same for every D and every N")


def single_cell_power() -> float:
    """``P_1 = max_t 2 sin^2(t)/t`` (omega0 = Omega = 1): at ``tan t = 2 t`` (Newton)."""
    t = 1.2
    for _ in range(50):
        t -= (math.tan(t) - 2 * t) / (1 / math.cos(t) ** 2 - 2)
    return 2 * math.sin(t) ** 2 / t


def _spans(values: list[float], step: float = 0.25) -> str:
    """``[0.25, 0.5, 0.75, 2]`` -> ``"0.25-0.75, 2"``."""
    out: list[list[float]] = []
    for v in values:
        if out and abs(v - out[-1][1] - step) < 1e-9:
            out[-1][1] = v
        else:
            out.append([v, v])
    return ", ".join(f"{a:g}" if a == b else f"{a:g}-{b:g}" for a, b in out)


def dm_table(model: str, boundary: str) -> dict:
    """Per N: the D = 0 value, the best D and its gain, the D that raise it, and the rest.

    Parameters
    ----------
    model : str
        ``"ising"``, ``"xxz"`` or ``"xyz"``.
    boundary : str
        ``"open"`` or ``"ring"``.

    Returns
    -------
    dict
        ``{str(N): {...}}`` (JSON-ready) for every scanned N, N = 2 included.
    """
    scan = chain_scan()
    key = (model, boundary)
    p, z, end = scan.power[key], scan.ergotropy[key], scan.power_at_end[key]
    D = [float(d) for d in scan.D]
    per_N = {}
    for i, N in enumerate(SIZES[boundary]):
        change = p[i, 1:] / p[i, 0] - 1
        j = int(np.argmax(p[i]))
        per_N[str(N)] = {
            "power_per_cell_D0": _r(p[i, 0], 9), "best_D": D[j], "best_power_per_cell": _r(p[i, j], 9),
            "best_gain_percent": _r(100 * (p[i, j] / p[i, 0] - 1), 6),
            "raised_at_D": [D[k + 1] for k in np.flatnonzero(p[i, 1:] - p[i, 0] > TIE)],
            "lowest_change_percent": _r(100 * change.min(), 6),
            "max_abs_relative_change": float(f"{np.abs(change).max():.2e}"),
            "time_of_largest_power_D0": _r(scan.t_power[key][i, 0], 6),
            "largest_power_at_window_end_D": [D[k] for k in np.flatnonzero(end[i])],
            "ergotropy_per_cell_D0": _r(z[i, 0]), "ergotropy_per_cell_D_max": _r(z[i, -1]),
        }
    return per_N


def _extreme(per_N: dict, p: np.ndarray, sizes: list[int], D: list[float], worst: bool) -> dict:
    """The largest gain (or drop) over N >= 3 and D > 0: where, the values, in percent."""
    rel = p[:, 1:] / p[:, :1] - 1
    rows = [i for i, N in enumerate(sizes) if N >= 3]
    sub = rel[rows]
    i, k = np.unravel_index(np.argmin(sub) if worst else np.argmax(sub), sub.shape)
    N = sizes[rows[i]]
    return {"N": N, "D": D[k + 1], "power_per_cell": _r(p[rows[i], k + 1], 9),
            "power_per_cell_D0": per_N[str(N)]["power_per_cell_D0"], "percent": _r(100 * sub[i, k], 6)}


def _dm_summary(model: str, boundary: str, per_N: dict, numbers: dict) -> str:
    """The verdict's text (without its status opening) of :func:`dm_raises`."""
    claim = {N: g for N, g in per_N.items() if int(N) >= 3}
    raised = [f"N = {N} for D = {_spans(g['raised_at_D'])}" for N, g in claim.items() if g["raised_at_D"]]
    gain, drop = numbers["largest_gain"], numbers["largest_drop"]
    text = (f"{numbers['cases_true']} of {numbers['cases']} cases (N = 3..{max(map(int, claim))}, "
            f"D = 0.25..3) raise the per-cell largest power above its D = 0 value. Raised: "
            f"{'; '.join(raised) or 'nowhere'}. ")
    if gain["percent"] > 0:
        text += (f"Largest gain {gain['percent']:+.3f} % at N = {gain['N']}, D = {gain['D']:g} "
                 f"({gain['power_per_cell']:.4f} against {gain['power_per_cell_D0']:.4f}). ")
    if drop["percent"] < 0:
        text += (f"Largest drop {drop['percent']:+.3f} % at N = {drop['N']}, D = {drop['D']:g} "
                 f"({drop['power_per_cell']:.4f} against {drop['power_per_cell_D0']:.4f}). ")
    if numbers["never_raised_N"]:
        text += f"Raised at no D: N = {', '.join(map(str, numbers['never_raised_N']))}. "
    flat = numbers["D_independent_N"]
    if flat:
        text += f"Exactly D-independent (relative change <= 1e-9): N = {', '.join(map(str, flat))}"
        explained = model == "ising" and boundary == "ring" and len(flat) == len(claim)
        text += f": {_ISING_RING}. " if explained else (
            f": {_RING_SECTOR}. " if boundary == "ring" and {3, 4, 5} <= set(flat) else ". ")
    ends = numbers["window_end_maxima"]
    if ends:
        text += ("The largest power sits at the window end pi/2 (still rising: a longer window "
                 f"would give more) for (N, D) = {', '.join(f'({n}, {d:g})' for n, d in ends)}. ")
    last = per_N[str(max(map(int, claim)))]
    text += (f"Meanwhile the per-cell largest ergotropy in the window goes from "
             f"{last['ergotropy_per_cell_D0']:.4f} (D = 0) to {last['ergotropy_per_cell_D_max']:.4f} "
             f"(D = 3) at N = {max(map(int, claim))} (figures/chain_ergotropy). ")
    two = per_N["2"]
    effect = (f"DM lowers it, by up to {-two['lowest_change_percent']:.2f} %" if two["best_D"] == 0
              else f"best D = {two['best_D']:g}, {two['best_gain_percent']:+.2f} %")
    return text + f"For comparison N = 2 (the paper's two cells, not part of the claim): {effect}"


def dm_raises(model: str, boundary: str) -> ClaimResult:
    """"DM raises the per-cell power for N > 2" for one model and boundary (as in :func:`dm_table`).

    Returns
    -------
    ClaimResult
        Decided over the cases (N >= 3, D > 0 scanned); the numbers per N of :func:`dm_table`
        in ``numbers["per_N"]``; its source is the paper's conjecture (:data:`CONJECTURE`).
    """
    scan = chain_scan()
    p, sizes, D = scan.power[(model, boundary)], list(SIZES[boundary]), [float(d) for d in scan.D]
    per_N = dm_table(model, boundary)
    rows = [i for i, N in enumerate(sizes) if N >= 3]
    raised = (p[rows, 1:] - p[rows, :1]) > TIE
    numbers = {
        "model": model, "boundary": boundary, "fixed": {"J": 1, "Omega": 1, "omega0": 1, **CHAIN_MODELS[model]},
        "window": [0.0, _r(WINDOW, 9)], "D_scan": D, "sizes": sizes,
        "cases": int(raised.size), "cases_true": int(raised.sum()),
        "largest_gain": _extreme(per_N, p, sizes, D, worst=False),
        "largest_drop": _extreme(per_N, p, sizes, D, worst=True),
        "never_raised_N": [N for N, g in per_N.items() if int(N) >= 3 and not g["raised_at_D"]],
        "D_independent_N": [int(N) for N, g in per_N.items()
                            if int(N) >= 3 and g["max_abs_relative_change"] <= 1e-9],
        "window_end_maxima": [[int(N), d] for N, g in per_N.items() for d in g["largest_power_at_window_end_D"]],
        "per_N": per_N,
    }
    numbers["never_raised_N"] = [int(N) for N in numbers["never_raised_N"]]
    status = decide(raised.ravel().tolist())
    kind = "rings" if boundary == "ring" else "open chains"
    return ClaimResult(
        f"chain-dm-{model}-{boundary}", f"{_SOURCE}, {_NAMES[model]}, {kind}",
        "the DM interaction helps charging batteries of more than two cells",
        f"{_NAMES[model]} {kind}, J = Omega = omega0 = 1, every cell starting down: for every N = 3..{sizes[-1]} "
        "and every D in (0, 3] (step 0.25) the per-cell largest power in Omega t in [0, pi/2] exceeds "
        "its D = 0 value by more than 1e-9. One case per (N, D).",
        verdict(status, _dm_summary(model, boundary, per_N, numbers), "holds only for some N and D"),
        status, numbers, source=CONJECTURE)


def _advantage_groups(model: str) -> tuple[dict, list[bool]]:
    """Per boundary and D: the advantage against N, its rising steps; and the cases."""
    scan = chain_scan()
    D = [float(d) for d in scan.D]
    groups, cases = {}, []
    for boundary in ("open", "ring"):
        ratio, sizes = scan.advantage(model, boundary), list(SIZES[boundary])
        for d in ADVANTAGE_D:
            a = ratio[:, D.index(d)]
            up = np.diff(a) > TIE
            cases += up.tolist()
            groups[f"{boundary}/D={d:g}"] = {
                "N": sizes, "advantage": [_r(x) for x in a],
                "steps_rising": int(up.sum()), "steps": int(up.size),
                "falls_at": [[sizes[k], sizes[k + 1]] for k in np.flatnonzero(np.diff(a) < -TIE)],
                "flat_at": [[sizes[k], sizes[k + 1]] for k in np.flatnonzero(np.abs(np.diff(a)) <= TIE)],
                "largest": _r(a.max()), "at_N": sizes[int(np.argmax(a))],
                "above_one_for_every_N_ge_3": bool(np.all(a[1:] > 1)),
                "below_one_for_every_N_ge_3": bool(np.all(a[1:] < 1)),
            }
    return groups, cases


def _advantage_summary(groups: dict, cases: list[bool]) -> str:
    """The verdict's text (without its status opening) of :func:`collective_advantage`."""
    parts = []
    for key, g in groups.items():
        trend = ("rises at every step" if g["steps_rising"] == g["steps"] else
                 f"rises at {g['steps_rising']} of {g['steps']} steps")
        flat_from = g["flat_at"][0][0] if g["flat_at"] else None
        if flat_from is not None and len(g["flat_at"]) == g["N"][-1] - flat_from and len(g["flat_at"]) > 1:
            trend += f", constant from N = {flat_from}"
        parts.append(f"{key.replace('/', ', ')}: {g['advantage'][0]:.4f} (N = 2) -> "
                     f"{g['advantage'][-1]:.4f} (N = {g['N'][-1]}), {trend}")
    above = all(g["above_one_for_every_N_ge_3"] for g in groups.values())
    below = all(g["below_one_for_every_N_ge_3"] for g in groups.values())
    level = (" Above 1 for every N >= 3: the chain charges faster per cell than the cells apart."
             if above else " Below 1 for every N >= 3: the chain charges slower per cell than the "
             "cells charged apart (no collective advantage at all)." if below else "")
    return (f"{sum(cases)} of {len(cases)} steps N -> N + 1 raise P_N/(N P_1). "
            + "; ".join(parts) + "." + level)


def collective_advantage(model: str) -> ClaimResult:
    """"P_N/(N P_1) grows with N" for one model.

    Parameters
    ----------
    model : str
        ``"ising"``, ``"xxz"`` or ``"xyz"``.

    Returns
    -------
    ClaimResult
        Decided over the cases (boundary, D in :data:`ADVANTAGE_D`, step N -> N + 1); the
        advantage per N in ``numbers["groups"]["<boundary>/D=<D>"]``.
    """
    groups, cases = _advantage_groups(model)
    status = decide(cases)
    p1 = single_cell_power()
    parallel = chain_scan().parallel
    summary = _advantage_summary(groups, cases)
    if model == "ising":
        summary += (" The Ising ring's per-cell power is the same for every N >= 3 (at D = 0 the X "
                    "terms commute and each cell's energy involves only its two neighbours; DM does "
                    "not act on a ring): its advantage is flat after N = 3")
    return ClaimResult(
        f"chain-advantage-{model}", f"{_SOURCE}, {_NAMES[model]}",
        "collective charging of N cells gains over parallel charging as N grows",
        f"{_NAMES[model]}, J = Omega = omega0 = 1: the collective advantage P_N/(N P_1) (largest "
        f"power in Omega t in [0, pi/2]; P_1 = max 2 sin^2(t)/t = {p1:.6f}) rises by more than 1e-9 "
        "at every step N -> N + 1, open chains and rings N = 2..12, D = 0, 1, 2, 3. One "
        "case per boundary, D and step.",
        verdict(status, summary), status,
        {"model": model, "P_1": _r(p1, 12), "cases": len(cases), "cases_true": int(sum(cases)),
         "parallel_chain_P_over_N_minus_P_1": float(f"{max(abs(v - p1) for v in parallel.values()):.1e}"),
         "groups": groups},
        # The paper conjectures that DM helps as N grows; that collective charging itself gains
        # over parallel charging with N is not in its text.
        source=OUR_READING)


#: Every chain claim, in the order of the report.
CHAIN_CLAIMS: dict[str, Callable[[], ClaimResult]] = {
    **{f"chain-dm-{m}-{b}": (lambda m=m, b=b: dm_raises(m, b)) for m in CHAIN_MODELS for b in ("open", "ring")},
    **{f"chain-advantage-{m}": (lambda m=m: collective_advantage(m)) for m in CHAIN_MODELS},
}


def evaluate_chain_claims() -> list[ClaimResult]:
    """Decide every chain claim (the scan, ~15-20 s, is done once per process), in the order of
    :data:`CHAIN_CLAIMS`; the report's family is :data:`qb_symbolic.paper.families.CHAINS`."""
    return evaluate_all(CHAIN_CLAIMS)


__all__ = ["CHAIN_CLAIMS", "CONJECTURE", "collective_advantage", "dm_raises", "dm_table", "evaluate_chain_claims",
           "single_cell_power"]
