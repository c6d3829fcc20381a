"""The mpmath path of the closed forms: any number of digits, any magnitude.

The same generated stages as the numpy path (:mod:`qb_symbolic.numeric.closed_form.codegen`), run on
``mpmath.mpf`` numbers. Inputs are read exactly (:func:`qb_symbolic.core.values.to_mpf`)
*inside* the working precision, which includes guard digits for the phase
``|lambda t|`` (a phase of size 10^k costs k digits), so the result never depends
on mpmath's global precision and leaves it as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath as mp

from ...core.values import to_mpf
from .codegen import NODE_OUTPUTS, TIME_ARGS, Evaluators, physical_range
from .stages import HAMILTONIAN_ORDER

#: Guard digits beyond the phase's own: rounding in the stages and the quantities.
GUARD_DIGITS = 12
PARAMETER_ORDER: tuple[str, ...] = HAMILTONIAN_ORDER + ("omega0",)

_NODE_ORDER = tuple(str(a) for a in TIME_ARGS[:-1])


@dataclass
class Point:
    """One parameter point prepared for the mpmath time stage."""

    nodes: dict
    omega0: mp.mpf


def _inverse(gap: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    return (mp.mpf(0), mp.mpf(1)) if gap == 0 else (1 / gap, mp.mpf(0))


def prepare_point(ev: Evaluators, values: Mapping[str, mp.mpf]) -> Point:
    """Spectral and node stages at one point (call inside the working precision)."""
    spec = ev.spectral(*(values[n] for n in HAMILTONIAN_ORDER))
    x0, x1, x2, g01, g12, g02, lam0, d1, d2, d3, b1, b2 = [mp.mpf(mp.re(v)) for v in spec]
    top = g01 < g12
    y0, y2 = (x2, x0) if top else (x0, x2)
    h01, h12, h02 = (-g12, -g01, -g02) if top else (g01, g12, g02)
    node_values = ev.nodes(y0, x1, y2, lam0, d1, d2, d3, b1, b2)
    nodes = {k: mp.mpf(mp.re(v)) for k, v in zip(NODE_OUTPUTS, node_values)}
    nodes["h01"], nodes["h12"], nodes["h02"] = h01, h12, h02
    nodes["inv_h01"], nodes["zero01"] = _inverse(h01)
    nodes["inv_h12"], nodes["zero12"] = _inverse(h12)
    nodes["inv_h02"], nodes["confluent"] = _inverse(h02)
    nodes["b1"] = b1
    return Point(nodes, values["omega0"])


def point_stage(ev: Evaluators, point: Point, t: mp.mpf):
    """``kappa, f_b, f_T, f_S, dkappa`` at one time."""
    return ev.time(*(point.nodes[k] for k in _NODE_ORDER), t)


def point_quantities(ev: Evaluators, quantities: Sequence[str], point: Point,
                     t: mp.mpf) -> dict[str, mp.mpf]:
    """Quantities at one time, at the working precision."""
    kappa, f_b, f_T, f_S, _ = point_stage(ev, point, t)
    inv_t = 1 / t if t > 0 else mp.mpf(0)
    return {q: mp.re(ev.quantities[q](point.omega0, inv_t, kappa, f_b, f_T, f_S))
            for q in quantities}


def guard_digits(values: Mapping[str, Any], t: Any) -> int:
    """Digits the phase ``|lambda t|`` costs, plus ``GUARD_DIGITS``.

    ``|lambda| <= 2|Omega| + |J|(2 + |gamma| + |Delta|) + 2|D|``; read at low precision,
    which is enough for a magnitude.
    """
    with mp.workdps(15):
        v = {n: abs(to_mpf(n, values[n])) for n in HAMILTONIAN_ORDER}
        time = abs(to_mpf("t", t))
        scale = 2 * v["Omega"] + v["J"] * (2 + v["gamma"] + v["Delta"]) + 2 * v["D"]
        phase = 4 * scale * time + 1
        return GUARD_DIGITS + int(mp.ceil(mp.log10(phase)))


def evaluate_point(ev: Evaluators, quantities: Sequence[str], values: Mapping[str, Any],
                   t: Any, digits: int) -> dict[str, mp.mpf]:
    """Quantities at one point and time, correct to ``digits`` significant digits.

    Inputs are converted inside the working precision; the results are rounded
    to ``digits`` digits. The accuracy is absolute on the quantity's scale
    (``10^-digits`` of ``omega0`` for the energies, of 1 for ``C, Q, F3``): the
    guard digits cover the phase, not a cancellation to a value far below that
    scale. Values are clipped into the physical range (they leave it only by
    rounding, ``10^-(digits + GUARD_DIGITS)``). mpmath's global precision is left
    unchanged.
    """
    with mp.workdps(digits + guard_digits(values, t)):
        point_values = {n: to_mpf(n, values[n]) for n in PARAMETER_ORDER}
        time = to_mpf("t", t)
        point = prepare_point(ev, point_values)
        found = point_quantities(ev, quantities, point, time)
        inv_t = 1 / time if time > 0 else mp.mpf(0)
        for q in quantities:
            low, high = physical_range(q, point.omega0, inv_t, mp.sqrt(3))
            found[q] = min(max(found[q], low), high)
    with mp.workdps(digits):
        return {q: +found[q] for q in quantities}
