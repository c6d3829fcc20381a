"""Statements about the thermal Heisenberg battery (Ali et al., arXiv:2408.00133), decided.

The setting is that of :mod:`qb_symbolic.paper.thermal_figures` (its docstring): the Gibbs
state of ``H_B`` at temperature ``T`` (``k_B = 1``), energy measured by the Zeeman part
``H0``, ``B = 1``, ``b = 0.2``, ``D = K = 0.5`` where not scanned, exchange couplings per
preset, energies in units of ``J = Jx = 1``. That paper's text was not available: the
statements are those of an issue's summary of it (source
:data:`~qb_symbolic.paper.claims_common.THERMAL_SUMMARY`), made precise here. Statuses and
verdicts follow :mod:`qb_symbolic.paper.claims` (:func:`decide` over the scanned cases). The
third statement, on a uniform or an inhomogeneous field, is in
:mod:`qb_symbolic.paper.claims_thermal_field`; the registry of the three is
:data:`qb_symbolic.paper.families.THERMAL`.

Two exact facts frame the verdicts. ``H_B`` is block diagonal in ``{|ud>, |du>}`` (off-diagonal
``Jx + Jy + 2iD``) and ``{|uu>, |dd>}`` (off-diagonal ``Jx - Jy - 2iK``), and ``H0`` is diagonal:
a diagonal phase transformation, which commutes with ``H0``, removes both phases, so every
static (``t = 0``) quantity depends on D and K only through ``D^2`` and ``K^2`` (checked on the
scans: numbers ``parity_asymmetry``). Exchanging the cells maps ``b -> -b`` and ``D -> -D``
and ``H0(b)`` to ``H0(-b)``; hence the static quantities are even in ``b`` too, and which cell
the field favours is no question for the Gibbs start (only charging with DM tells the two apart).

All scans go through :func:`qb_symbolic.evaluate_many` with numpy broadcasting.
"""

from __future__ import annotations

import numpy as np

from .claims_common import THERMAL_SUMMARY, TIE, ClaimResult, _r, decide, verdict
from .thermal_figures import PRESETS, couplings, thermal_values

#: Temperatures (k_B T / J) of the D and K scans and of the uniform-or-inhomogeneous field scan.
TEMPERATURES: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
#: Strengths of D (or K) scanned, in units of J; mirrored to negative values for the parity check.
STRENGTH_SCAN = np.round(np.arange(0.0, 3.0001, 0.05), 2)
#: Values of the other interaction (K when D is scanned, D when K is).
BACKGROUNDS: tuple[float, ...] = (0.0, 0.5)
#: Temperature grid of the monotonicity claim.
T_SCAN = np.round(np.arange(0.02, 5.0001, 0.02), 2)
#: (D, K) settings of the monotonicity claim and of the field scan.
T_SETTINGS: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.5, 0.5))
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


def block_levels(model: str, **values: float) -> np.ndarray:
    """The four levels of ``H_B`` (closed form), the blocks ``{|ud>, |du>}`` then ``{|uu>, |dd>}``.

    Parameters
    ----------
    model : str
        One of :data:`PRESETS`.
    **values
        Parameters replacing the fixed setting (:func:`couplings`); scalars.

    Returns
    -------
    numpy.ndarray
        ``-Jz -+ sqrt(4 b^2 + (Jx + Jy)^2 + 4 D^2)`` and ``Jz -+ sqrt(4 B^2 + (Jx - Jy)^2 + 4 K^2)``,
        each block's lower level first.
    """
    p = couplings(model, **values)
    Jx, Jy = (p["J"], p["J"]) if "J" in p else (p["Jx"], p["Jy"])
    Jz = p.get("Jz", 0.0)
    first = np.sqrt(4 * p["b"] ** 2 + (Jx + Jy) ** 2 + 4 * p["D"] ** 2)
    second = np.sqrt(4 * p["B"] ** 2 + (Jx - Jy) ** 2 + 4 * p["K"] ** 2)
    return np.array([-Jz - first, -Jz + first, Jz - second, Jz + second], dtype=float)


def block_ground_energies(model: str, **values: float) -> tuple[float, float]:
    """The lower level of each block of ``H_B``: ``{|ud>, |du>}``, then ``{|uu>, |dd>}`` (:func:`block_levels`)."""
    levels = block_levels(model, **values)
    return float(levels[0]), float(levels[2])


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
    return ClaimResult(
        "thermal-dm-ksea-raise", f"{_SOURCE}, static",
        "DM and KSEA interactions raise the ergotropy and the capacity of the thermal battery",
        "Gibbs state (t = 0), each preset, T in {0.1, 0.25, 0.5, 1, 2, 5}: for every D in (0, 3] "
        "(step 0.05) the ergotropy and the capacity are at least their values at D = 0 (up to "
        "1e-9), with K = 0 or 0.5 fixed; the same for K with D = 0 or 0.5. One case per preset, "
        "interaction, quantity, T and value of the other interaction.",
        verdict(status, _raise_summary(groups, cases)), status,
        {"setting": "B = 1, b = 0.2; exchange of thermal_figures.EXCHANGE", "temperatures": list(TEMPERATURES),
         "strength_scan": [0.0, 3.0, 0.05], "backgrounds": list(BACKGROUNDS),
         "cases": len(cases), "cases_true": int(sum(cases)), "groups": groups},
        source=THERMAL_SUMMARY,
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
    return ClaimResult(
        "thermal-temperature-lowers", f"{_SOURCE}, static",
        "raising the temperature lowers the ergotropy and the capacity",
        "Gibbs state (t = 0), each preset, (D, K) = (0, 0) and (0.5, 0.5): the ergotropy and the "
        "capacity decrease (never rise by more than 1e-9) at every step of T in [0.02, 5] (step "
        "0.02). One case per preset, (D, K) and quantity.",
        verdict(status, summary), status,
        {"T_scan": [float(T_SCAN[0]), float(T_SCAN[-1]), 0.02], "settings": [list(s) for s in T_SETTINGS],
         "cases": len(cases), "cases_true": int(sum(cases)), "rises_only_with_ground_in_uu_dd": explained,
         "groups": groups},
        source=THERMAL_SUMMARY,
    )


__all__ = ["BACKGROUNDS", "STRENGTH_SCAN", "TEMPERATURES", "T_SCAN", "T_SETTINGS", "block_ground_energies",
           "block_levels", "strength_scan", "thermal_dm_ksea_raise", "thermal_temperature_lowers"]
