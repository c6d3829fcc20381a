"""The mpmath path of any battery (``digits=``): the Newton form at working precision.

Inputs are read exactly inside ``mpmath.workdps`` (never the global precision), with 12
guard digits plus one per decade of the phase ``max |lambda| t``; the roots are put in Leja
order and the divided differences of ``exp(-i z t)`` taken by
:func:`qb_symbolic.numeric.closed_form.divided.exp_divided_differences_mp`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import mpmath as mp

from ...core.values import to_mpf
from .divided import exp_divided_differences_mp
from .user_numeric import UserEvaluators, figures, start_forms, state_forms, user_evaluators


class _MpLib:
    real, conj, sqrt = staticmethod(mp.re), staticmethod(mp.conj), staticmethod(mp.sqrt)
    imag = staticmethod(mp.im)
    min, max = staticmethod(min), staticmethod(max)

    @staticmethod
    def clip(value, low, high):
        return min(max(value, low), high)


def _guard(ev: UserEvaluators, values: Mapping[str, Any], t: Any) -> int:
    """Guard digits: 12 plus one per decade of the phase ``max |lambda| t``."""
    with mp.workdps(15):
        params = [to_mpf(s.name, values[s.name]) for s in ev.params]
        time = to_mpf("t", t)
        scale = max([abs(mp.re(r)) for roots in ev.roots for r in roots(*params)] + [mp.mpf(1)])
        return 12 + int(mp.ceil(mp.log10(1 + scale * abs(time))))


def leja_order(nodes: list) -> list:
    """Leja order of a few nodes: farthest from the mean first, then the farthest from
    those taken (by product of distances); the Newton terms then stay small."""
    mean = sum(nodes) / len(nodes)
    order = [max(nodes, key=lambda y: abs(y - mean))]
    rest = list(nodes)
    rest.remove(order[0])
    while rest:
        best = max(rest, key=lambda y: mp.fprod(abs(y - x) for x in order))
        order.append(best)
        rest.remove(best)
    return order


def state_mp(ev: UserEvaluators, params: Sequence[mp.mpf], time: mp.mpf) -> list:
    psi = [mp.mpc(0)] * 4
    for roots, newton, n in zip(ev.roots, ev.newton, ev.sizes):
        nodes = leja_order([mp.re(r) for r in roots(*params)])
        vectors = newton(*params, *nodes)
        differences = exp_divided_differences_mp(nodes, time)
        for m in range(n):
            for i in range(4):
                psi[i] += differences[m] * vectors[4 * m + i]
    return psi


def user_state_point(battery, values: Mapping[str, Any], t: Any, digits: int) -> list:
    """``psi(t)`` at one point with mpmath (4 ``mpc``), correct to about ``digits`` digits."""
    ev = user_evaluators(battery, "mpmath")
    with mp.workdps(digits + _guard(ev, values, t)):
        params = [to_mpf(s.name, values[s.name]) for s in ev.params]
        psi = state_mp(ev, params, to_mpf("t", t))
    with mp.workdps(digits):
        return [+a for a in psi]


def evaluate_user_point(battery, quantities: Sequence[str], values: Mapping[str, Any], t: Any,
                        digits: int) -> dict[str, mp.mpf]:
    """The quantities at one point with mpmath, correct to about ``digits`` digits."""
    ev = user_evaluators(battery, "mpmath")
    with mp.workdps(digits + _guard(ev, values, t)):
        params = [to_mpf(s.name, values[s.name]) for s in ev.params]
        time = to_mpf("t", t)
        psi = state_mp(ev, params, time)
        h0 = list(ev.energy_matrix(*params))
        energies = [mp.re(e) for e in ev.energies(*params)]
        inv_t = 1 / time if time > 0 else mp.mpf(0)
        energy, pair, bloch = state_forms(psi, h0, _MpLib)
        start = start_forms(state_mp(ev, params, mp.mpf(0)), h0, list(ev.hamiltonian(*params)),
                            _MpLib)
        found = figures(quantities, energy, pair, energies, inv_t, _MpLib, start=start,
                        bloch=bloch)
    with mp.workdps(digits):
        return {q: +mp.re(v) for q, v in found.items()}
