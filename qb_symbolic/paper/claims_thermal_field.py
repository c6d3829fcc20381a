"""The thermal battery's field question: is its largest ergotropy reached with a uniform field?

An issue's summary of Ali et al. (arXiv:2408.00133) takes this question from its abstract: is
the maximum ergotropy reached with a uniform field (``b = 0``) or an inhomogeneous one
(``b != 0``), for antiferromagnetic (``J > 0``) and for ferromagnetic (``J < 0``) couplings?
It is decided here on one reading, with the setting of :mod:`qb_symbolic.paper.claims_thermal`:

* the ergotropy of the Gibbs start (``t = 0``): the static quantity that paper studies against
  T, D and K. Charging from it is this project's addition (issue 12), and its largest value
  depends on a charger and a window the paper does not have;
* at fixed ``B = 1``, ``T``, ``D`` and ``K``, the maximum over ``b`` in ``[-B, B]``: there the
  fields ``B + b`` and ``B - b`` point the same way; beyond, one cell's field reverses, and the
  empty state ``|dd>`` of ``H0`` with it, which makes another battery;
* ``J > 0``: the exchange of each preset as set (:data:`~.thermal_figures.EXCHANGE`);
  ``J < 0``: every exchange coupling negated.

One exact fact decides most of it. ``H0(b) = H0(0) + b (sz1 - sz2)`` splits the degenerate
middle level of ``H0`` into ``-2|b|`` and ``2|b|``, so the passive energy falls by
``2|b| (r2 - r3)`` (``r1 >= r2 >= r3 >= r4`` the Gibbs weights), while ``<H0>`` and the weights
change only at second order (the cell swap makes them even in ``b``): ``E(b) = E(0) + 2|b|
(r2 - r3) + O(b^2)``, and the uniform field is a cusp minimum of the ergotropy wherever
``r2 > r3``. How far from uniform the best field lies is what tells the signs of J apart.
"""

from __future__ import annotations

import numpy as np

from .claims_common import THERMAL_SUMMARY, TIE, ClaimResult, _r, decide, verdict
from .claims_thermal import T_SETTINGS, TEMPERATURES, block_levels
from .thermal_figures import EXCHANGE, FIELD, PRESETS, thermal_values

#: The signs of the exchange: the presets as set (antiferromagnetic) and negated (ferromagnetic).
SIGNS: dict[str, float] = {"J > 0": 1.0, "J < 0": -1.0}
_KIND = {"J > 0": "antiferromagnetic", "J < 0": "ferromagnetic"}
#: Step of the field scan, in units of J.
FIELD_STEP = 0.01
#: Points added below the first step, where the low-temperature maxima sit (geometric, 1e-6 up).
FINE_FIELDS = np.geomspace(1e-6, FIELD_STEP, 41)[:-1]


def field_scan() -> np.ndarray:
    """The scanned ``b``: ``[-B, B]`` by :data:`FIELD_STEP`, with :data:`FINE_FIELDS` on both sides of 0."""
    B = FIELD["B"]
    coarse = np.round(np.arange(0.0, B + FIELD_STEP / 2, FIELD_STEP), 10)
    half = np.unique(np.concatenate([coarse, FINE_FIELDS]))
    return np.concatenate([-half[:0:-1], half])  # mirrored, so evenness in b is checked too


def exchange(model: str, sign: float) -> dict[str, float]:
    """The exchange couplings of a preset, times ``sign`` (+1 as set, -1 ferromagnetic)."""
    return {name: sign * value for name, value in EXCHANGE[model].items()}


def cusp_slope(model: str, T: float, **values: float) -> float:
    """``2 (r2 - r3)``: the slope ``dE/d|b|`` of the Gibbs ergotropy at ``b = 0`` (module docstring).

    Parameters
    ----------
    model : str
        One of :data:`~.thermal_figures.PRESETS`.
    T : float
        Temperature ``k_B T / J > 0``.
    **values
        Parameters replacing the fixed setting (``D``, ``K``, exchange); ``b`` is 0.

    Returns
    -------
    float
        Twice the gap between the second and third largest Gibbs weights of ``H_B(b = 0)``.
    """
    levels = block_levels(model, **{**values, "b": 0.0})
    weights = np.sort(np.exp(-(levels - levels.min()) / T))[::-1]
    return float(2 * (weights[1] - weights[2]) / weights.sum())


def field_values(model: str, sign: float) -> np.ndarray:
    """The Gibbs ergotropy over (:data:`TEMPERATURES`, ``D = K`` of :data:`T_SETTINGS`, :func:`field_scan`)."""
    strength = np.array([d for d, _ in T_SETTINGS])[None, :, None]
    T = np.asarray(TEMPERATURES)[:, None, None]
    return thermal_values(model, ("ergotropy",), 0.0, T=T, b=field_scan(), D=strength, K=strength,
                          **exchange(model, sign))["ergotropy"]


def field_cases(model: str, sign: float, values: np.ndarray) -> dict[str, dict]:
    """Per ``T`` and ``D = K``: the uniform value, the best field, its gain, and the cusp slope.

    Parameters
    ----------
    model : str
        One of :data:`~.thermal_figures.PRESETS`.
    sign : float
        +1 or -1 (:data:`SIGNS`).
    values : numpy.ndarray
        :func:`field_values` of the same model and sign.

    Returns
    -------
    dict
        ``{"T=<T>,D=K=<d>": {...}}`` (JSON-ready); ``"inhomogeneous"`` is the case's truth.
    """
    b = field_scan()
    zero = int(np.flatnonzero(b == 0)[0])
    cases = {}
    for i, T in enumerate(TEMPERATURES):
        for j, (d, _) in enumerate(T_SETTINGS):
            v = values[i, j]
            best = int(np.argmax(v))
            gain = float(v[best] - v[zero])
            slope = cusp_slope(model, T, D=d, K=d, **exchange(model, sign))
            cases[f"T={T:g},D=K={d:g}"] = {
                "T": T, "D=K": d, "uniform": _r(v[zero], 9), "best_b": float(f"{b[best]:.6g}"),
                "best": _r(v[best], 9), "gain": float(f"{gain:.3e}"), "cusp_slope": float(f"{slope:.3e}"),
                "at_edge": bool(abs(b[best]) == FIELD["B"]),
                "inhomogeneous": bool(gain > TIE or slope > TIE)}
    return cases


def _sign_summary(sign: str, groups: dict) -> str:
    """The verdict's sentence on one sign of J."""
    rows = [(m, c) for m, g in groups.items() for c in g["cases"].values()]
    true = sum(c["inhomogeneous"] for _, c in rows)
    far = max(rows, key=lambda row: abs(row[1]["best_b"]))
    edge = sorted({m.upper() for m, c in rows if c["at_edge"]})
    near = [f"{m.upper()} at T = {c['T']:g}, D = K = {c['D=K']:g} (|b| = {abs(c['best_b']):.1e}, "
            f"gain {c['gain']:.1e})" for m, c in rows if abs(c["best_b"]) < FIELD_STEP]
    gains = [c["gain"] for _, c in rows]
    edges = sum(c["at_edge"] for _, c in rows)
    text = (f"{sign} ({_KIND[sign]}): inhomogeneous in {true} of {len(rows)} cases, the best |b| up to "
            f"{abs(far[1]['best_b']):g} ({far[0].upper()}), gains from {min(gains):.2g} to {max(gains):.4g}; "
            + (f"the best field is the largest inhomogeneity |b| = B (one cell without field) in {edges} "
               f"cases ({', '.join(edge)})" if edges else "the best field is never at the edge |b| = B"))
    if near:
        text += f"; it is within |b| < {FIELD_STEP:g} of uniform only for " + "; ".join(near)
    return text


def _uniformity_summary(groups: dict, sign_difference: dict[str, float], cases: list[bool]) -> str:
    """The verdict's text (without its status opening) of :func:`thermal_field_uniformity`."""
    flat = [c for by_model in groups.values() for g in by_model.values() for c in g["cases"].values()]
    parity = max(g["parity_asymmetry"] for by_model in groups.values() for g in by_model.values())
    same = [m for m, d in sign_difference.items() if d <= TIE]
    alike = (f"The sign of J changes nothing for {', '.join(m.upper() for m in same)} (largest difference "
             f"{max(sign_difference[m] for m in same):.1e}: a pi rotation of cell 1 about z flips Jx, Jy, "
             "D and K and leaves H0 alone, and the static values are even in D and K); only Jz tells "
             "the two signs apart. " if same else "")
    return (f"an inhomogeneous field gives the largest ergotropy in {sum(cases)} of {len(cases)} cases. "
            + ". ".join(_sign_summary(sign, by_model) for sign, by_model in groups.items())
            + ". Why b = 0 never wins: E(b) = E(0) + 2|b| (r2 - r3) + O(b^2) (r2 > r3 the middle Gibbs "
            "weights), so the uniform field is a cusp minimum in b; the slope 2 (r2 - r3) is at least "
            f"{min(c['cusp_slope'] for c in flat):.1e} here, exponentially small where the ground state "
            "dominates. Near the singlet (ud - du)/sqrt 2, the antiferromagnetic ground state of XXZ and "
            "XYZ has ergotropy close to 2B at b = 0, and a field favouring one cell tilts it towards "
            "|du> or |ud> and lowers it: there the best field is barely inhomogeneous at low T. "
            f"{alike}The ergotropy is even in b (largest |E(b) - E(-b)| = {parity:.1e}): which cell the "
            "field favours does not matter")


def thermal_field_uniformity() -> ClaimResult:
    """Uniform or inhomogeneous field for the largest Gibbs ergotropy (cases: preset, sign of J, T, D = K)."""
    groups: dict[str, dict] = {sign: {} for sign in SIGNS}
    values = {}
    for sign, factor in SIGNS.items():
        for m in PRESETS:
            values[sign, m] = v = field_values(m, factor)
            groups[sign][m] = {"cases": field_cases(m, factor, v),
                               "parity_asymmetry": float(f"{np.abs(v - v[..., ::-1]).max():.1e}")}
    difference = {m: float(f"{np.abs(values['J > 0', m] - values['J < 0', m]).max():.1e}") for m in PRESETS}
    cases = [c["inhomogeneous"] for by_model in groups.values() for g in by_model.values()
             for c in g["cases"].values()]
    status = decide(cases)
    temperatures = ", ".join(f"{T:g}" for T in TEMPERATURES)
    return ClaimResult(
        "thermal-uniform-or-inhomogeneous", "Ali et al., arXiv:2408.00133, static",
        "is the maximum ergotropy reached with a uniform field or an inhomogeneous one, for "
        "antiferromagnetic and for ferromagnetic couplings?",
        "Gibbs state (t = 0: the start's own ergotropy, the quantity that paper studies against T, D "
        "and K; charging from it is this project's addition), B = 1, each preset with its exchange "
        "couplings as set (J > 0, "
        f"antiferromagnetic) and all of them negated (J < 0, ferromagnetic), T in {{{temperatures}}}, "
        "D = K = 0 and D = K = 0.5: the largest ergotropy over b in [-1, 1] (step 0.01, and 40 "
        "geometric points 1e-6 <= |b| < 0.01) is reached with an inhomogeneous field: a scanned "
        "b != 0 beats b = 0 by more than 1e-9, or the slope 2 (r2 - r3) of the ergotropy in |b| at "
        "b = 0 exceeds 1e-9. One case per preset, sign of J, T and D = K.",
        verdict(status, _uniformity_summary(groups, difference, cases), "holds only for some cases"),
        status,
        {"reading": "Gibbs-state (t = 0) ergotropy, the static quantity of that paper; maximum over b "
                    "at fixed B, T, D, K",
         "B": FIELD["B"], "b_scan": [-FIELD["B"], FIELD["B"], FIELD_STEP], "fine_b": [1e-6, FIELD_STEP],
         "temperatures": list(TEMPERATURES), "D=K": [d for d, _ in T_SETTINGS],
         "cases": len(cases), "cases_true": int(sum(cases)), "sign_difference": difference,
         "groups": groups},
        source=THERMAL_SUMMARY,
    )


__all__ = ["FIELD_STEP", "FINE_FIELDS", "SIGNS", "cusp_slope", "exchange", "field_cases", "field_scan",
           "field_values", "thermal_field_uniformity"]
