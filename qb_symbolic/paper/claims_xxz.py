"""The claims about the XXZ model with Delta = 2: Figs. 4 and 5.

Part of :mod:`qb_symbolic.paper.claims`, which holds the registry and explains
the statuses.
"""

from __future__ import annotations

import numpy as np

from ..numeric.search.charging import charging_time, max_power
from .claims_common import T_MIN, TIE, ClaimResult, _ev, _grid, _r, decide, paper_quote

# --------------------------------------------------------------------------
# Figs. 4 and 5: XXZ with Delta = 2
# --------------------------------------------------------------------------


#: The long window of Fig. 4(a), Omega t in [0, 10], on which speed and fluctuation are judged.
LONG_WINDOW = _grid(10.0, 20001)


def _xxz(quantity: str, x: np.ndarray, D: float) -> np.ndarray:
    return _ev(quantity, "xxz", x, J=1, Delta=2, D=D)


def fig4_peak() -> ClaimResult:
    # The paper states no window: each of the two windows is one case.
    numbers = {}
    larger = {}
    for T in (T_MIN, 10.0):
        res = {d: charging_time("xxz", Omega=1, J=1, Delta=2, D=d, omega0=1, window=T) for d in (0, 1.7)}
        numbers[f"zeta_max_window_{T:.4g}"] = {str(d): _r(res[d].value) for d in (0, 1.7)}
        larger[T] = float(res[1.7].value) > float(res[0].value) + TIE
    status = decide(larger.values())
    a, b = numbers[f"zeta_max_window_{T_MIN:.4g}"].values()
    c, d = numbers["zeta_max_window_10"].values()
    values = f"zeta_max (D = 0, 1.7) = {a:.4f}, {b:.4f} in [0, t_min]; {c:.4f}, {d:.4f} omega0 in [0, 10/Omega]"
    verdict = {
        "holds": f"holds: {b:.4f} > {a:.4f} in [0, t_min], {d:.4f} > {c:.4f} omega0 in [0, 10/Omega]",
        "holds-conditionally": "holds only in the window "
                               f"{'[0, t_min]' if larger[T_MIN] else '[0, 10/Omega]'}: {values}",
        "fails": f"fails: {values}",
    }[status]
    return ClaimResult(
        "fig4-peak", "Fig. 4(a)",
        "with the progress of charging ... the peak of ergotropy is further increased",
        "XXZ, Delta = 2, J = Omega: the largest ergotropy is larger at D = 1.7 than at D = 0, in "
        "the window [0, t_min] and in [0, 10/Omega].",
        verdict, status, numbers,
        source=paper_quote(
            r"From Fig. 4(a), we can see that with the progress of charging, ... and the peak "
            r"of ergotropy is further increased.",
            "Sec. III B"),
    )


def fig4_faster() -> ClaimResult:
    x = LONG_WINDOW
    first = {}
    for d in (0, 1.7):
        z = _xxz("ergotropy", x, d)
        first[d] = float(x[np.argmax(z >= 2.0)]) if np.any(z >= 2.0) else None
    holds = first[0] is not None and first[1.7] is not None and first[1.7] < first[0]
    return ClaimResult(
        "fig4-faster", "Fig. 4(a)",
        "the charging speed of the battery with DM interaction becomes faster ... the battery with "
        "DM interaction can achieve a better charging effect in a relatively short time",
        "XXZ, Delta = 2, J = Omega: the battery reaches half charge (2 omega0) sooner at D = 1.7 "
        "than at D = 0.",
        (f"holds: Omega t = {first[1.7]:.4f} at D = 1.7 against {first[0]:.4f} at D = 0")
        if holds else f"fails: half charge at Omega t = {first[1.7]} (D = 1.7), {first[0]} (D = 0)",
        decide([holds]), {"half_charge_Omega_t": {str(k): None if v is None else _r(v, 4) for k, v in first.items()}},
        source=paper_quote(
            r"Compared with the case without DM interaction $D = 0$, the battery with DM "
            r"interaction can achieve a better charging effect in a relatively short time.",
            "Sec. III B"),
    )


def fig4_fluctuation() -> ClaimResult:
    x = LONG_WINDOW
    spread = {}
    peaks_at = {}
    for d in (0, 1.7):
        z = _xxz("ergotropy", x, d)
        inner = (z[1:-1] > z[:-2]) & (z[1:-1] >= z[2:])
        peaks = z[1:-1][inner]
        peaks_at[d] = [_r(p, 4) for p in peaks]
        spread[d] = float(peaks.max() - peaks.min()) if len(peaks) > 1 else 0.0
    holds = spread[1.7] < spread[0]
    return ClaimResult(
        "fig4-fluctuation", "Fig. 4(a)",
        "DM interaction can facilitate energy transfer between systems, making the fluctuation of "
        "the maximal ergotropy relatively small",
        "XXZ, Delta = 2, J = Omega: over Omega t in [0, 10], the local maxima of zeta spread over a "
        "smaller range at D = 1.7 than at D = 0.",
        (f"holds: spread {spread[1.7]:.4f} omega0 at D = 1.7 against {spread[0]:.4f} at D = 0")
        if holds else
        f"fails: spread {spread[1.7]:.4f} omega0 at D = 1.7 against {spread[0]:.4f} at D = 0",
        decide([holds]), {"spread": {str(k): _r(v) for k, v in spread.items()}, "local_maxima": {str(k): v for k, v in peaks_at.items()}},
        source=paper_quote(
            r"DM interaction can facilitate energy transfer between systems, making the "
            r"fluctuation of the maximal ergotropy relatively small.",
            "Sec. III B"),
    )


def fig4_power() -> ClaimResult:
    res = {d: max_power("xxz", Omega=1, J=1, Delta=2, D=d, omega0=1, window=4.0) for d in (0, 1.7)}
    a, b = float(res[0].value), float(res[1.7].value)
    holds = b > a + TIE
    return ClaimResult(
        "fig4-power", "Fig. 4(b)",
        "the maximal power of QB with DM interaction is stronger than that without DM interaction",
        "XXZ, Delta = 2, J = Omega: the largest power in [0, 4/Omega] is larger at D = 1.7 than at D = 0.",
        (f"holds: {b:.4f} > {a:.4f} omega0 Omega (at Omega t = {float(res[1.7].t):.4f} and "
         f"{float(res[0].t):.4f})") if holds else f"fails: {b:.4f} <= {a:.4f}",
        decide([holds]), {"P_max": {"0": _r(a), "1.7": _r(b)},
                      "t_of_P_max": {"0": _r(res[0].t), "1.7": _r(res[1.7].t)}},
        source=paper_quote(
            r"Furthermore, as for the power, Fig. 4(b) directly indicates that the maximal "
            r"power of QB with DM interaction is stronger than that without DM interaction.",
            "Sec. III B"),
    )


def fig5_coherence_steering() -> ClaimResult:
    x = _grid(5.0, 5001)[1:]
    Ds = (0, 0.8, 1.2, 1.7)
    Q = np.array([_xxz("coherence", x, d) for d in Ds])
    F = np.array([_xxz("steering", x, d) for d in Ds])
    ordered_Q = np.all(np.diff(Q, axis=0) >= -TIE, axis=0)
    ordered_F = np.all(np.diff(F, axis=0) <= TIE, axis=0)
    fraction = float(ordered_Q.mean())
    holds = bool(ordered_Q.all() and ordered_F.all())
    first_bad = float(x[np.argmin(ordered_Q)]) if not ordered_Q.all() else None
    return ClaimResult(
        "fig5-coherence-steering", "Fig. 5",
        "larger D values correspond to larger first-order coherence throughout the evolution window "
        "and weaker steerability between systems",
        "XXZ, Delta = 2, J = Omega: at every Omega t in (0, 5], Q(t) increases and F3_max(t) "
        "decreases along D = 0, 0.8, 1.2, 1.7.",
        "holds" if holds else (
            f"fails: the ordering holds at {fraction:.1%} of the times (first broken at Omega t = "
            f"{first_bad:.3f}). For the pure charging state Q = sqrt(1 - C^2) and F3_max = "
            "sqrt(1 + 2 C^2), so 'more coherence' and 'less steering' are one statement "
            "(F3_max^2 + 2 Q^2 = 3) and the orderings fail together"),
        decide([holds]),
        {"fraction_of_times_ordered": _r(fraction, 4),
         "steering_order_equals_coherence_order": bool(np.array_equal(ordered_Q, ordered_F)),
         "first_Omega_t_broken": None if first_bad is None else _r(first_bad, 4)},
        source=paper_quote(
            r"The figure illustrates that larger $D$ values correspond to larger first-order"
            r" coherence throughout the evolution window and weaker steerability between "
            r"systems.",
            "Sec. III B"),
    )
