"""Numbers for a mixed start: ``rho(t)``, energy, ergotropy, power and capacity.

From the closed-form ``U(t) = sum_b U_b exp(-i H_b t) U_b^dag`` of
:mod:`qb_symbolic.numeric.density.mixed_dynamics`: ``rho(t) = U rho0 U^dag`` and

* ``energy = Tr(rho(t) H0)``;
* ``ergotropy = energy - sum_k r_k(down) e_k(up)``: the passive energy is constant in
  time (the spectrum ``r`` of ``rho(t)`` is that of ``rho0``, proved in
  :mod:`qb_symbolic.symbolic.mixed`), so ``r`` is taken once per parameter point, from
  ``eigvalsh`` of the closed-form ``rho0`` (mpmath ``eighe`` at the working precision for
  ``digits=``: a certified numeric step, not a closed form); ``e`` are the closed-form
  eigenvalues of H0;
* ``capacity = sum_k r_k(down) e_k(down) - sum_k r_k(down) e_k(up)`` (Yang et al.,
  PRL 131, 030402 (2023)), constant in time;
* ``power = ergotropy / t``.

The correlation and coherence measures of :mod:`qb_symbolic.numeric.density.mixed_measures`
(Wootters concurrence, l1 and first-order coherence, steering, incoherent, coherent and
local ergotropy) are computed from ``rho(t)``, in numpy or, for ``digits=``, with
:mod:`qb_symbolic.numeric.density.mixed_precise`. Maps whose state and dynamics parameters vary
apart go by the factorisation of :mod:`qb_symbolic.numeric.density.mixed_separable`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import mpmath as mp
import numpy as np

from ...core.values import real_array, to_mpf
from ...model.density import check_positive_at
from ..closed_form.user_grid import entries
from . import mixed_measures, mixed_precise
from .mixed_dynamics import (
    MIXED_QUANTITIES,
    PRECISE_QUANTITIES,
    MixedEvaluators,
    hamiltonian_mp,
    hamiltonians,
    mixed_evaluators,
    mp_block,
    unitaries,
    unitary_mp,
)
from .mixed_separable import separable_map


def _spectra(ev: MixedEvaluators, params: Sequence[np.ndarray], N: int):
    """``rho0`` (N, 4, 4), its eigenvalues and H0's (both ascending), H0 (N, 4, 4)."""
    rho0 = entries(ev.rho0, params, N).reshape(N, 4, 4)
    check_positive_at(rho0)
    r = np.linalg.eigvalsh(rho0)
    e = np.sort(entries(ev.energies, params, N, float), axis=-1)
    return rho0, r, e, entries(ev.energy_matrix, params, N).reshape(N, 4, 4)


def _numpy_points(ev: MixedEvaluators, quantities: Sequence[str], params: Sequence[np.ndarray],
                  t: np.ndarray) -> dict[str, np.ndarray]:
    """The quantities at N points (flat ``params`` and ``t``)."""
    N = t.size
    U = unitaries(ev, params, t)
    rho0, r, e, h0 = _spectra(ev, params, N)
    rho = U @ rho0 @ np.conj(np.swapaxes(U, 1, 2))
    energy = np.real(np.einsum("nij,nji->n", rho, h0))
    C = 1j * (hamiltonians(ev, params, N) @ h0 - h0 @ hamiltonians(ev, params, N))
    start = (np.real(np.einsum("nij,nji->n", rho0, h0)), np.real(np.einsum("nij,nji->n", rho0, C)))
    found = _figures([*PRECISE_QUANTITIES], energy, r, e, t, np, start)
    found |= _measures([q for q in quantities if q not in PRECISE_QUANTITIES], rho, h0, energy,
                       found["ergotropy"], mixed_measures, np.minimum)
    return {q: found[q] for q in quantities}


def _measures(quantities: Sequence[str], rho, h0, energy, total, measures, minimum) -> dict:
    """The rho-based measures from ``measures`` (:mod:`qb_symbolic.numeric.density.mixed_measures`
    batched in numpy, or :mod:`qb_symbolic.numeric.density.mixed_precise` at working precision);
    ``total`` is the ergotropy, which the incoherent part never exceeds."""
    found = {}
    for q in quantities:
        if q in ("incoherent_ergotropy", "coherent_ergotropy"):
            incoherent = minimum(measures.incoherent_ergotropy(rho, h0, energy), total)
            found[q] = incoherent if q == "incoherent_ergotropy" else total - incoherent
        elif q.startswith("local_ergotropy_"):
            found[q] = measures.local_ergotropy(rho, h0, int(q[-1]))
        else:
            found[q] = getattr(measures, q)(rho)
    return found


def _figures(quantities: Sequence[str], energy, r, e, t, lib, start) -> dict:
    """Energy, ergotropy, power, capacity from ``Tr(rho H0)`` and the two spectra
    (ascending, last axis): passive ``sum r(down) e(up)``, active ``sum r(down) e(down)``."""
    if lib is np:
        passive = np.sum(r[..., ::-1] * e, axis=-1)
        active = np.sum(r * e, axis=-1)
    else:
        passive = mp.fsum(x * y for x, y in zip(reversed(r), e))
        active = mp.fsum(x * y for x, y in zip(r, e))
    return energy_figures(quantities, energy, passive, active, t, lib, start)


def energy_figures(quantities: Sequence[str], energy, passive, active, t, lib,
                   start) -> dict:
    """The four energy quantities from ``Tr(rho H0)`` (``start``: it and its rate at t = 0,
    for the power, :func:`qb_symbolic.numeric.closed_form.user_numeric.stored_power`) and the passive
    and active energies (both constant in time); the power is the stored energy per time
    (:func:`qb_symbolic.numeric.closed_form.user_numeric.stored_power`)."""
    if lib is np:
        return _energy_figures_np(quantities, energy, passive, active, t, start)
    inv_t = 1 / t if t > 0 else mp.mpf(0)
    capacity = active - passive
    ergotropy = lib.minimum(lib.maximum(energy - passive, 0 * capacity), capacity)
    initial = lib.minimum(lib.maximum(start[0] - passive, 0 * capacity), capacity)
    power = start[1] if inv_t == 0 else (ergotropy - initial) * inv_t
    table = {"energy": lambda: lib.minimum(lib.maximum(energy, passive), active),
             "ergotropy": lambda: ergotropy, "power": lambda: power,
             "capacity": lambda: capacity + 0 * energy}
    return {q: table[q]() for q in quantities}


def _energy_figures_np(quantities: Sequence[str], energy, passive, active, t, start) -> dict:
    """:func:`energy_figures` in numpy, with as few passes over the (large) grid as may be."""
    shape = np.broadcast_shapes(np.shape(energy), np.shape(passive), np.shape(t))
    capacity = active - passive
    found = {}
    if "capacity" in quantities:
        found["capacity"] = np.broadcast_to(capacity, shape)
    if "energy" in quantities:
        found["energy"] = np.clip(np.broadcast_to(energy, shape), passive, active)
    if "ergotropy" in quantities or "power" in quantities:
        ergotropy = np.subtract(energy, passive, out=np.empty(shape))
        np.clip(ergotropy, 0.0, capacity, out=ergotropy)
        found["ergotropy"] = ergotropy
        if "power" in quantities:
            inv_t = np.where(t > 0, 1 / np.where(t > 0, t, 1), 0.0)
            initial = np.clip(start[0] - passive, 0.0, capacity)
            found["power"] = np.where(t > 0, (ergotropy - initial) * inv_t, start[1])
    return {q: found[q] for q in quantities}


def check_mixed_quantities(quantities: Sequence[str]) -> None:
    unknown = [q for q in quantities if q not in MIXED_QUANTITIES]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not available for a mixed initial state yet; "
                         f"available: {', '.join(MIXED_QUANTITIES)}")


def evaluate_mixed(battery, quantities: Sequence[str], t: Any, values: Mapping[str, Any],
                   digits: int | None) -> dict[str, np.ndarray]:
    """Quantities of a battery with a mixed start: float path in chunks, or mpmath per point."""
    check_mixed_quantities(quantities)
    names = [s.name for s in battery.parameters]
    if digits is not None:
        return _evaluate_mp(battery, quantities, t, values, digits)
    arrays = [real_array(n, values[n]) for n in names]
    shape = np.broadcast_shapes(np.shape(t), *(a.shape for a in arrays))
    if 0 in shape:  # an empty parameter array: an empty answer of the broadcast shape
        return {q: np.empty(shape) for q in quantities}
    flat_t = np.broadcast_to(t, shape).reshape(-1)
    flat = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    ev = mixed_evaluators(battery, "numpy")
    with np.errstate(all="ignore"):
        found = separable_map(ev, quantities, np.asarray(t, float), arrays)
    if found is not None:
        return _finite(found)
    out = {q: np.empty(flat_t.size) for q in quantities}
    step = 1 << 15
    with np.errstate(all="ignore"):
        for start in range(0, flat_t.size, step):
            part = slice(start, start + step)
            found = _numpy_points(ev, quantities, [f[part] for f in flat], flat_t[part])
            for q in quantities:
                out[q][part] = found[q]
    return _finite({q: v.reshape(shape) for q, v in out.items()})


def _finite(found: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    for q, v in found.items():
        if not np.isfinite(np.sum(v)):  # one reduction; inf or nan anywhere propagates
            raise ValueError(f"the float path cannot represent {q} at these inputs; use digits=")
    return {q: v + 0.0 for q, v in found.items()}  # a fresh array, and no -0.0


def _evaluate_mp(battery, quantities, t, values, digits: int) -> dict[str, np.ndarray]:
    names = [s.name for s in battery.parameters]
    objs = [np.asarray(values[n], dtype=object) for n in names]
    t_obj = np.asarray(t, dtype=object)
    shape = np.broadcast_shapes(t_obj.shape, *(o.shape for o in objs))
    out = {q: np.empty(shape, dtype=object) for q in quantities}
    for index in np.ndindex(shape):
        point = {n: np.broadcast_to(o, shape)[index] for n, o in zip(names, objs)}
        found = mixed_point(battery, quantities, point, np.broadcast_to(t_obj, shape)[index], digits)
        for q in quantities:
            out[q][index] = found[q]
    return out


def mixed_point(battery, quantities: Sequence[str], values: Mapping[str, Any], t: Any,
                digits: int) -> dict[str, mp.mpf]:
    """The quantities at one point with mpmath, correct to about ``digits`` digits."""
    ev = mixed_evaluators(battery, "mpmath")
    with mp.workdps(15):
        params = [to_mpf(s.name, values[s.name]) for s in ev.params]
        scale = max([abs(mp.re(r)) for f in ev.roots for r in f(*params)] + [mp.mpf(1)])
        guard = 12 + int(mp.ceil(mp.log10(1 + scale * abs(to_mpf("t", t)))))
    with mp.workdps(digits + guard):
        params = [to_mpf(s.name, values[s.name]) for s in ev.params]
        time = to_mpf("t", t)
        U = unitary_mp(ev, params, time)
        rho0 = mp_block(ev.rho0(*params), 4, 4)
        h0 = mp_block(ev.energy_matrix(*params), 4, 4)
        rho = U * rho0 * U.H
        energy = mp.re(sum(rho[i, j] * h0[j, i] for i in range(4) for j in range(4)))
        H = hamiltonian_mp(ev, params)
        C = (H * h0 - h0 * H) * mp.mpc(0, 1)
        start = (mp.re(sum((rho0 * h0)[i, i] for i in range(4))),
                 mp.re(sum((rho0 * C)[i, i] for i in range(4))))
        r = sorted(mp.re(x) for x in mp.eighe(rho0, eigvals_only=True))
        if r[0] < -mp.mpf(10) ** (-digits):
            raise ValueError(f"rho0 (the initial density matrix) has an eigenvalue "
                             f"{mp.nstr(r[0], 3)} < 0 at these parameter values: not a state there")
        e = sorted(mp.re(x) for x in ev.energies(*params))
        found = _figures([*PRECISE_QUANTITIES], energy, r, e, time, _MpLib, start)
        found |= _measures([q for q in quantities if q not in PRECISE_QUANTITIES], rho, h0,
                           energy, found["ergotropy"], mixed_precise, min)
        found = {q: found[q] for q in quantities}
    with mp.workdps(digits):
        return {q: +v for q, v in found.items()}


class _MpLib:
    minimum, maximum = staticmethod(min), staticmethod(max)
