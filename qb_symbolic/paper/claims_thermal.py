"""Statements about the thermal Heisenberg battery (Ali et al., arXiv:2408.00133), decided.

The setting is that of :mod:`qb_symbolic.paper.thermal_figures` (its docstring): the Gibbs
state of ``H_B`` at temperature ``T`` (``k_B = 1``), energy measured by the Zeeman part
``H0``, ``B = 1``, ``b = 0.2``, ``D = K = 0.5`` where not scanned, exchange couplings per
preset, energies in units of ``J = Jx = 1``; the charged battery evolves under
``H_B + Omega (sx1 + sx2)``, ``Omega = 1``. That paper's text is not in this repository: the
statements are those summarised in issue 12, made precise here. Statuses and verdicts
follow :mod:`qb_symbolic.paper.claims` (:func:`decide` over the scanned cases).

Two exact facts frame the verdicts. ``H_B`` is block diagonal in ``{|ud>, |du>}`` (off-diagonal
``Jx + Jy + 2iD``) and ``{|uu>, |dd>}`` (off-diagonal ``Jx - Jy - 2iK``), and ``H0`` is diagonal:
a diagonal phase transformation, which commutes with ``H0``, removes both phases, so every
static (``t = 0``) quantity depends on D and K only through ``D^2`` and ``K^2``. Exchanging
the cells maps ``b -> -b`` and ``D -> -D`` and leaves the charger unchanged; hence the static
quantities are even in ``b``, and the charged ones change with the sign of ``b`` only when
``D != 0``. Both facts are checked numerically on the scans (numbers ``parity_asymmetry`` and
``largest_pointwise_difference``).

All scans go through :func:`qb_symbolic.evaluate_many` with numpy broadcasting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .claims import write_claim_files
from .claims_common import TIE, ClaimResult, _r, decide
from .thermal_figures import PRESETS, couplings, thermal_values

#: Temperatures (k_B T / J) of the D and K scans and of the static field-sign scan.
TEMPERATURES: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
#: Strengths of D (or K) scanned, in units of J; mirrored to negative values for the parity check.
STRENGTH_SCAN = np.round(np.arange(0.0, 3.0001, 0.05), 2)
#: Values of the other interaction (K when D is scanned, D when K is).
BACKGROUNDS: tuple[float, ...] = (0.0, 0.5)
#: Temperature grid of the monotonicity claim.
T_SCAN = np.round(np.arange(0.02, 5.0001, 0.02), 2)
#: (D, K) settings of the monotonicity claim.
T_SETTINGS: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.5, 0.5))
#: Temperatures of the charged field-sign cases.
CHARGED_T: tuple[float, ...] = (0.5, 1.0, 2.0)
#: Charging window [0, CHARGE_WINDOW] (1/J) and its grid.
CHARGE_WINDOW = 2 * np.pi
CHARGE_POINTS = 1201
#: |b| of the field-sign claim (b = +FIELD_B favours cell 1, -FIELD_B cell 2).
FIELD_B = 0.2
#: The two quantities of the first two claims.
RAISED: tuple[str, ...] = ("ergotropy", "capacity")
_OTHER = {"D": "K", "K": "D"}
_SOURCE = "Ali et al., arXiv:2408.00133"


def _intervals(x: np.ndarray, mask: np.ndarray) -> list[list[float]]:
    """Runs of consecutive True entries of ``mask`` as ``[x_first, x_last]`` pairs."""
    runs, start = [], None
    for i, flag in enumerate(mask):
        if flag and start is None:
            start = i
        if start is not None and (not flag or i == len(mask) - 1):
            end = i if flag else i - 1
            runs.append([_r(x[start], 4), _r(x[end], 4)])
            start = None
    return runs


def _text(runs: list[list[float]]) -> str:
    return ", ".join(f"[{a:g}, {b:g}]" for a, b in runs) if runs else "nowhere"


def strength_scan(model: str, name: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Static ergotropy and capacity over (T, strength, background) for D or K.

    Parameters
    ----------
    model : str
        One of :data:`PRESETS`.
    name : str
        ``"D"`` or ``"K"``: the interaction scanned over :data:`STRENGTH_SCAN` mirrored to
        negative values; the other one takes the :data:`BACKGROUNDS` values.

    Returns
    -------
    tuple
        The mirrored strengths and ``{quantity: array (len(TEMPERATURES), len(x), 2)}``.
    """
    x = np.concatenate([-STRENGTH_SCAN[:0:-1], STRENGTH_SCAN])
    T = np.asarray(TEMPERATURES)[:, None, None]
    values = {name: x[None, :, None], _OTHER[name]: np.asarray(BACKGROUNDS)[None, None, :]}
    return x, thermal_values(model, RAISED, 0.0, T=T, **values)


def block_ground_energies(model: str, **values: float) -> tuple[float, float]:
    """Lowest eigenvalues of ``H_B`` in the blocks ``{|ud>, |du>}`` and ``{|uu>, |dd>}`` (closed form).

    Parameters
    ----------
    model : str
        One of :data:`PRESETS`.
    **values
        Parameters replacing the fixed setting (:func:`couplings`).

    Returns
    -------
    tuple of float
        ``-Jz - sqrt(4 b^2 + (Jx + Jy)^2 + 4 D^2)`` and ``Jz - sqrt(4 B^2 + (Jx - Jy)^2 + 4 K^2)``.
    """
    p = couplings(model, **values)
    Jx, Jy = (p["J"], p["J"]) if "J" in p else (p["Jx"], p["Jy"])
    Jz = p.get("Jz", 0.0)
    first = -Jz - np.sqrt(4 * p["b"] ** 2 + (Jx + Jy) ** 2 + 4 * p["D"] ** 2)
    second = Jz - np.sqrt(4 * p["B"] ** 2 + (Jx - Jy) ** 2 + 4 * p["K"] ** 2)
    return float(first), float(second)


def _raise_group(model: str, name: str, v: np.ndarray) -> dict:
    """Cases and numbers of one (preset, interaction, quantity): ``v`` over (T, x, background)."""
    n = len(STRENGTH_SCAN)
    half = v[:, -n:, :]
    gain = half[:, 1:, :] - half[:, :1, :]
    raised = gain.min(axis=1) >= -TIE
    monotone = np.all(np.diff(half, axis=1) >= -TIE, axis=1)
    i, j, k = np.unravel_index(np.argmin(gain), gain.shape)
    drop = None
    if gain[i, j, k] < -TIE:
        ground = block_ground_energies(model, **{name: STRENGTH_SCAN[j + 1], _OTHER[name]: BACKGROUNDS[k]})
        drop = {"T": TEMPERATURES[i], "strength": _r(STRENGTH_SCAN[j + 1], 2), "background": BACKGROUNDS[k],
                "value_at_zero": _r(half[i, 0, k]), "value": _r(half[i, j + 1, k]),
                "block_ground_gap": _r(abs(ground[0] - ground[1]))}
    return {
        "raised": raised,
        "cases_raised": int(raised.sum()), "cases": int(raised.size),
        "cases_monotone_in_strength": int(monotone.sum()),
        "not_raised_at": [[TEMPERATURES[a], BACKGROUNDS[b]] for a, b in zip(*np.nonzero(~raised))],
        "largest_gain": _r(gain.max()), "largest_drop": _r(min(gain.min(), 0.0)),
        "drop_at": drop,
        "parity_asymmetry": float(f"{np.abs(v - v[:, ::-1, :]).max():.1e}"),
    }


def _raise_summary(groups: dict, cases: list[bool]) -> str:
    """The verdict's text (without its status opening) of :func:`thermal_dm_ksea_raise`."""
    always = [key for key, g in groups.items() if g["cases_raised"] == g["cases"]]
    never = [key for key, g in groups.items() if g["cases_raised"] == 0]
    counts = "; ".join(f"{key} {g['cases_raised']}/{g['cases']}" for key, g in groups.items())
    parity = max(g["parity_asymmetry"] for g in groups.values())
    text = (f"{sum(cases)} of {len(cases)} cases (preset x D or K x quantity x T in "
            f"{{{', '.join(f'{T:g}' for T in TEMPERATURES)}}} x the other interaction 0 or 0.5) "
            f"are raised at every scanned strength in (0, 3]. Cases raised, per preset/interaction/"
            f"quantity: {counts}. Raised in every case: {', '.join(always) or 'none'}; in none: "
            f"{', '.join(never) or 'none'}. ")
    dropped = {key: g for key, g in groups.items() if g["drop_at"]}
    if dropped:
        worst = min(dropped, key=lambda key: dropped[key]["largest_drop"])
        at = dropped[worst]["drop_at"]
        m, name, q = worst.split("/")
        gap = max(g["drop_at"]["block_ground_gap"] for g in dropped.values())
        text += (f"Largest drop below the value without the interaction: {q} of {m.upper()} at "
                 f"T = {at['T']:g}, {name} = {at['strength']:g} ({_OTHER[name]} = {at['background']:g}): "
                 f"{at['value']:.4f} against {at['value_at_zero']:.4f}. The largest drop of every "
                 f"preset/interaction/quantity sits where the lowest levels of the blocks "
                 f"{{|ud>, |du>}} and {{|uu>, |dd>}} of H_B cross (gap at most {gap:.4f}); ")
    return text + ("for large |D| or |K| the Gibbs state tends to a maximally entangled pure state "
                   "(ergotropy 2, capacity 4 here). Both quantities are even in D and K (largest "
                   f"|f(x) - f(-x)| = {parity:.1e})")


def thermal_dm_ksea_raise() -> ClaimResult:
    """DM and KSEA raise the static ergotropy and capacity (cases: preset, D or K, quantity, T, background)."""
    groups, cases = {}, []
    for m in PRESETS:
        for name in ("D", "K"):
            _x, found = strength_scan(m, name)
            for q in RAISED:
                g = _raise_group(m, name, found[q])
                cases += g.pop("raised").ravel().tolist()
                groups[f"{m}/{name}/{q}"] = g
    status = decide(cases)
    summary = _raise_summary(groups, cases)
    verdict = {"holds": f"holds: {summary}", "holds-conditionally": f"holds only in part: {summary}",
               "fails": f"fails: {summary}"}[status]
    return ClaimResult(
        "thermal-dm-ksea-raise", f"{_SOURCE}, static",
        "DM and KSEA interactions raise the ergotropy and the capacity of the thermal battery",
        "Gibbs state (t = 0), each preset, T in {0.1, 0.25, 0.5, 1, 2, 5}: for every D in (0, 3] "
        "(step 0.05) the ergotropy and the capacity are at least their values at D = 0 (up to "
        "1e-9), with K = 0 or 0.5 fixed; the same for K with D = 0 or 0.5. One case per preset, "
        "interaction, quantity, T and value of the other interaction.",
        verdict, status,
        {"setting": "B = 1, b = 0.2; exchange of thermal_figures.EXCHANGE", "temperatures": list(TEMPERATURES),
         "strength_scan": [0.0, 3.0, 0.05], "backgrounds": list(BACKGROUNDS),
         "cases": len(cases), "cases_true": int(sum(cases)), "groups": groups},
    )


def thermal_temperature_lowers() -> ClaimResult:
    """Ergotropy and capacity fall with T (cases: preset, (D, K) setting, quantity)."""
    cases, groups, rising = [], {}, []
    for m in PRESETS:
        for D, K in T_SETTINGS:
            found = thermal_values(m, RAISED, 0.0, T=T_SCAN, D=D, K=K)
            first, second = block_ground_energies(m, D=D, K=K)
            for q in RAISED:
                up = np.diff(found[q]) > TIE
                runs = [[a, _r(T_SCAN[np.searchsorted(T_SCAN, b) + 1], 2)]
                        for a, b in _intervals(T_SCAN[:-1], up)]
                cases.append(not up.any())
                groups[f"{m}/D={D:g},K={K:g}/{q}"] = {
                    "falls_throughout": not up.any(), "rises_for_T_in": runs,
                    "value_at_T_min": _r(found[q][0]), "value_at_T_max": _r(found[q][-1]),
                    "largest_rise": _r(max(float(np.diff(found[q]).max()), 0.0)),
                    "ground_block": "ud,du" if first < second else "uu,dd"}
                if up.any():
                    rising.append(f"{m.upper()} {q} (D = {D:g}, K = {K:g}) rises for T in {_text(runs)}"
                                  f" (from {found[q][0]:.4f} at T = {T_SCAN[0]:g})")
    status = decide(cases)
    falls = [k for k, g in groups.items() if g["falls_throughout"]]
    ends = all(g["value_at_T_max"] < g["value_at_T_min"] for g in groups.values())
    in_uudd = sorted({k.rsplit("/", 1)[0] for k, g in groups.items() if g["ground_block"] == "uu,dd"})
    explained = all(g["ground_block"] == "uu,dd" for g in groups.values() if not g["falls_throughout"])
    summary = (f"{sum(cases)} of {len(cases)} cases fall at every step of T in [{T_SCAN[0]:g}, "
               f"{T_SCAN[-1]:g}] (step 0.02): {', '.join(falls) or 'none'}. Not monotone: "
               f"{'; '.join(rising) or 'none'}. "
               + ("In every case the value at T = 5 is below that at T = 0.02"
                  if ends else "The value at T = 5 is not always below that at T = 0.02")
               + (". Every rise comes with the lowest level of H_B in the block {|uu>, |dd>} (a state "
                  "close to |dd>, the ground state of H0, with little ergotropy, which heating mixes "
                  "with the {|ud>, |du>} levels); that is so for "
                  f"{', '.join(in_uudd)} only" if explained and rising else ""))
    verdict = {"holds": f"holds: {summary}", "holds-conditionally": f"holds only in part: {summary}",
               "fails": f"fails: {summary}"}[status]
    return ClaimResult(
        "thermal-temperature-lowers", f"{_SOURCE}, static",
        "raising the temperature lowers the ergotropy and the capacity",
        "Gibbs state (t = 0), each preset, (D, K) = (0, 0) and (0.5, 0.5): the ergotropy and the "
        "capacity decrease (never rise by more than 1e-9) at every step of T in [0.02, 5] (step "
        "0.02). One case per preset, (D, K) and quantity.",
        verdict, status,
        {"T_scan": [float(T_SCAN[0]), float(T_SCAN[-1]), 0.02], "settings": [list(s) for s in T_SETTINGS],
         "cases": len(cases), "cases_true": int(sum(cases)), "rises_only_with_ground_in_uu_dd": explained,
         "groups": groups},
    )


def _sign_static(model: str) -> dict:
    """Static ergotropy at b = +-FIELD_B over (T, D in [-3, 3], K = 0 or 0.5): maxima and difference."""
    b = np.array([FIELD_B, -FIELD_B])[:, None, None, None]
    D = np.round(np.arange(-3.0, 3.0001, 0.1), 2)[None, None, :, None]
    T = np.asarray(TEMPERATURES)[None, :, None, None]
    v = thermal_values(model, ("ergotropy",), 0.0, T=T, b=b, D=D, K=np.asarray(BACKGROUNDS))["ergotropy"]
    top = v.reshape(2, -1).max(axis=1)
    return {"max_b_pos": _r(top[0]), "max_b_neg": _r(top[1]),
            "largest_pointwise_difference": float(f"{np.abs(v[0] - v[1]).max():.1e}"),
            "differs": bool(abs(top[0] - top[1]) > TIE)}


def _sign_charged(model: str) -> dict:
    """max_t ergotropy (t in [0, 2 pi], K = 0.5) at b = +-FIELD_B for D = 0, 0.5 and T in CHARGED_T."""
    t = np.linspace(0.0, CHARGE_WINDOW, CHARGE_POINTS)
    b = np.array([FIELD_B, -FIELD_B])[None, :, None, None]
    D = np.array([0.0, 0.5])[None, None, :, None]
    T = np.asarray(CHARGED_T)[None, None, None, :]
    v = thermal_values(model, ("ergotropy",), t[:, None, None, None], T=T, b=b, D=D)["ergotropy"]
    top, at = v.max(axis=0), t[v.argmax(axis=0)]
    out = {}
    for j, d in enumerate((0.0, 0.5)):
        for k, temperature in enumerate(CHARGED_T):
            out[f"D={d:g},T={temperature:g}"] = {
                "max_b_pos": _r(top[0, j, k]), "t_b_pos": _r(at[0, j, k], 4),
                "max_b_neg": _r(top[1, j, k]), "t_b_neg": _r(at[1, j, k], 4),
                "difference": _r(top[0, j, k] - top[1, j, k]) + 0.0,
                "differs": bool(abs(top[0, j, k] - top[1, j, k]) > TIE)}
    return out


def thermal_field_sign() -> ClaimResult:
    """The sign of b changes the largest ergotropy (cases: static per preset; charged per preset, D, T)."""
    static = {m: _sign_static(m) for m in PRESETS}
    charged = {m: _sign_charged(m) for m in PRESETS}
    cases = [s["differs"] for s in static.values()]
    cases += [c["differs"] for per in charged.values() for c in per.values()]
    status = decide(cases)
    with_D = {(m, k): c for m, per in charged.items() for k, c in per.items() if k.startswith("D=0.5")}
    without_D = [c for per in charged.values() for k, c in per.items() if k.startswith("D=0,")]
    (m, k), big = max(with_D.items(), key=lambda item: abs(item[1]["difference"]))
    small = min(abs(c["difference"]) for c in with_D.values())
    same_static = max(s["largest_pointwise_difference"] for s in static.values())
    same_D0 = max(abs(c["difference"]) for c in without_D)
    summary = (f"static (t = 0, the Gibbs state): the largest ergotropy over T in "
               f"{{{', '.join(f'{T:g}' for T in TEMPERATURES)}}}, D in [-3, 3] and K = 0, 0.5 is the same "
               f"for b = +0.2 and -0.2 in every preset ("
               + ", ".join(f"{p.upper()} {s['max_b_pos']:.4f}" for p, s in static.items())
               + f"; largest pointwise |difference| {same_static:.1e}); charged (Omega = 1, K = 0.5, "
               f"max over t in [0, 2 pi]): the maxima agree at D = 0 (largest |difference| {same_D0:.1e}) "
               f"and differ at D = 0.5 in {sum(c['differs'] for c in with_D.values())} of {len(with_D)} "
               f"cases, by {small:.4f} to {abs(big['difference']):.4f} ({m.upper()}, {k.split(',')[1]}: "
               f"{big['max_b_pos']:.4f} for b = +0.2 against {big['max_b_neg']:.4f} for b = -0.2). Why: "
               "exchanging the cells maps b -> -b and D -> -D and leaves the charger unchanged, and "
               "the static values depend on D only through D^2; so the favoured cell matters only "
               "for the charged battery with D != 0")
    verdict = {"holds": f"holds: {summary}", "holds-conditionally": f"holds only when charging with DM: {summary}",
               "fails": f"fails: {summary}"}[status]
    return ClaimResult(
        "thermal-field-sign", f"{_SOURCE}, static and charged",
        "which cell the inhomogeneous field favours (the sign of b) changes the maximum ergotropy",
        "B = 1: the largest ergotropy differs (by more than 1e-9) between b = +0.2 and "
        "b = -0.2. Cases: per preset, the static maximum over T, D in [-3, 3] (step 0.1) and "
        "K = 0, 0.5; per preset, D = 0 and 0.5 and T = 0.5, 1, 2, the maximum over t in [0, 2 pi] "
        "of the battery charged by Omega = 1 (K = 0.5).",
        verdict, status,
        {"b": [FIELD_B, -FIELD_B], "cases": len(cases), "cases_true": int(sum(cases)),
         "static": static, "charged": charged},
    )


#: Every thermal claim, in the order of the report.
THERMAL_CLAIMS: dict[str, Callable[[], ClaimResult]] = {
    "thermal-dm-ksea-raise": thermal_dm_ksea_raise,
    "thermal-temperature-lowers": thermal_temperature_lowers,
    "thermal-field-sign": thermal_field_sign,
}


def evaluate_thermal_claims() -> list[ClaimResult]:
    """Decide every thermal claim (a few seconds; the batteries are built once per process).

    Returns
    -------
    list of ClaimResult
        In the order of :data:`THERMAL_CLAIMS`.
    """
    return [build() for build in THERMAL_CLAIMS.values()]


def write_thermal_claims(out: Path | str, results: list[ClaimResult] | None = None) -> tuple[Path, Path]:
    """Write ``thermal_claims.md`` and ``thermal_claims.json`` (as :func:`qb_symbolic.paper.claims.write_claims`).

    Parameters
    ----------
    out : Path or str
        Output folder (created if needed).
    results : list of ClaimResult, optional
        Decided claims; :func:`evaluate_thermal_claims` by default.

    Returns
    -------
    tuple of Path
        The paths of the Markdown and the JSON file.
    """
    results = evaluate_thermal_claims() if results is None else results
    intro = ("Gibbs state of H_B at temperature T (k_B = 1), energy measured by H0 = (B + b) sz1 + "
             "(B - b) sz2, charged by Omega (sx1 + sx2) for t > 0; B = 1, b = 0.2, D = K = 0.5 where "
             "not scanned; XX: J = 1; XY: Jx = 1, Jy = 0.5; XXZ: J = 1, Jz = 0.5; XYZ: Jx = 1, "
             "Jy = 0.5, Jz = 0.5; energies in units of J = Jx = 1, Omega = 1. That paper's text is "
             "not in this repository: the statements are those of issue 12, made precise. "
             "`thermal_claims.json` has every number.")
    title = "The thermal battery's claims (Ali et al., arXiv:2408.00133 setting), checked"
    return write_claim_files(out, "thermal_claims", title, intro, results)


__all__ = ["BACKGROUNDS", "CHARGED_T", "FIELD_B", "STRENGTH_SCAN", "TEMPERATURES", "THERMAL_CLAIMS", "T_SCAN",
           "block_ground_energies", "evaluate_thermal_claims", "strength_scan", "thermal_dm_ksea_raise",
           "thermal_field_sign", "thermal_temperature_lowers", "write_thermal_claims"]
