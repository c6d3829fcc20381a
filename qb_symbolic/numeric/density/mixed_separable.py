"""Maps of a mixed start where the state's parameters and the dynamics' vary apart.

A temperature x time map of a thermal battery is the typical case: ``beta`` enters only
``rho0``, while ``U(t)`` and ``H0`` do not depend on it. Then

    ``Tr(rho(t) H0) = Tr(rho0 M(t))``,  ``M(t) = U(t)^dag H0 U(t)``,

is one matrix product of the ``S`` states (flattened to 16 entries) against the ``Q``
matrices ``M`` (``(S x 16) @ (16 x Q)``), and the passive and active energies
``sum r_k(down) e_k(up / down)`` are products of the spectra (``r`` of ``rho0``: constant
in time, proved in :mod:`qb_symbolic.symbolic.mixed`; ``e`` of H0). So ``S + Q``
unitaries, eigenvalue problems and 4x4 products instead of ``S Q``.

Applies when only energy, ergotropy, power and capacity are asked for and no axis of the
broadcast varies both a parameter of ``rho0`` and one of ``(t, H, H0)`` (else the general
path of :mod:`qb_symbolic.numeric.density.mixed_numeric` answers, which calls this first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...model.density import check_positive_at
from ..closed_form.user_grid import entries
from .mixed_dynamics import PRECISE_QUANTITIES, MixedEvaluators, hamiltonians, unitaries


def _side(arrays: Sequence[np.ndarray], used: Sequence[bool], ndim: int,
          extra: Sequence[np.ndarray] = ()) -> tuple[int, ...]:
    """Broadcast shape (``ndim`` axes) of the used arrays and ``extra``."""
    shapes = [(1,) * (ndim - a.ndim) + a.shape for a, u in zip(arrays, used) if u]
    shapes += [(1,) * (ndim - a.ndim) + a.shape for a in extra]
    return np.broadcast_shapes((1,) * ndim, *shapes)


def _flat(arrays: Sequence[np.ndarray], used: Sequence[bool], shape: tuple[int, ...]) -> list:
    """Used arrays flattened over ``shape``; an unused one by any of its values (its
    evaluator ignores it), broadcast to the same length."""
    size = math.prod(shape)
    out = []
    for a, u in zip(arrays, used):
        if u:
            out.append(np.broadcast_to(a.reshape((1,) * (len(shape) - a.ndim) + a.shape),
                                       shape).reshape(size))
        else:
            out.append(np.full(size, a.reshape(-1)[0] if a.size else 0.0))
    return out


def separable_map(ev: MixedEvaluators, quantities: Sequence[str], t: np.ndarray,
                  arrays: Sequence[np.ndarray]) -> dict[str, np.ndarray] | None:
    """The quantities on the broadcast of ``t`` and ``arrays`` (in ``ev.params`` order)
    by the factorisation of the module docstring, or None where it does not apply."""
    if not set(quantities) <= set(PRECISE_QUANTITIES):
        return None
    shape = np.broadcast_shapes(t.shape, *(a.shape for a in arrays))
    ndim = len(shape)
    state = _side(arrays, ev.in_state, ndim)
    dynamics = _side(arrays, ev.in_dynamics, ndim, (t,))
    if any(s > 1 and d > 1 for s, d in zip(state, dynamics)):
        return None
    S, Q = math.prod(state), math.prod(dynamics)
    rho0 = entries(ev.rho0, _flat(arrays, ev.in_state, state), S).reshape(S, 4, 4)
    check_positive_at(rho0)
    r = np.linalg.eigvalsh(rho0)  # ascending
    params = _flat(arrays, ev.in_dynamics, dynamics)
    times = np.broadcast_to(t.reshape((1,) * (ndim - t.ndim) + t.shape), dynamics).reshape(Q)
    U = unitaries(ev, params, times)
    h0 = entries(ev.energy_matrix, params, Q).reshape(Q, 4, 4)
    e = np.sort(entries(ev.energies, params, Q, float), axis=-1)
    M = np.conj(np.swapaxes(U, 1, 2)) @ h0 @ U
    H = hamiltonians(ev, params, Q)
    found = _figures(quantities, rho0, r, M, e, times, (h0, 1j * (H @ h0 - h0 @ H)))
    return {q: _unflatten(v, state, dynamics, shape) for q, v in found.items()}


def _figures(quantities: Sequence[str], rho0: np.ndarray, r: np.ndarray, M: np.ndarray,
             e: np.ndarray, times: np.ndarray, start: tuple) -> dict[str, np.ndarray]:
    """``(S, Q)`` arrays. ``Tr(rho0 M) - sum_k r_k(down) e_k(up)`` is one real GEMM: the
    16 entries of ``rho0`` (real and imaginary parts) and ``-r(down)`` against those of
    ``M^T`` and ``e(up)``, inner size 36; the capacity (the ergotropy's upper bound, held
    against rounding) one more of inner size 4."""
    S, Q = len(rho0), len(M)
    Mt = np.swapaxes(M, 1, 2).reshape(Q, 16)
    left = np.concatenate([rho0.real.reshape(S, 16), -rho0.imag.reshape(S, 16), -r[:, ::-1]], axis=1)
    right = np.concatenate([Mt.real, Mt.imag, e], axis=1)
    above = left @ right.T  # energy minus the passive energy
    capacity = r[:, ::-1] @ (e[:, ::-1] - e).T
    found = {}
    if "energy" in quantities:
        found["energy"] = above + r[:, ::-1] @ e.T
    if "capacity" in quantities:
        found["capacity"] = capacity
    if "ergotropy" in quantities or "power" in quantities:
        ergotropy = np.clip(above, 0.0, capacity, out=above)
        if "power" in quantities:  # the stored energy per time (user_numeric.stored_power)
            h0t, Ct = (np.swapaxes(m, 1, 2).reshape(Q, 16) for m in start)
            initial = left @ np.concatenate([h0t.real, h0t.imag, e], axis=1).T
            np.clip(initial, 0.0, capacity, out=initial)
            rate = left[:, :32] @ np.concatenate([Ct.real, Ct.imag], axis=1).T
            inv_t = np.where(times > 0, 1 / np.where(times > 0, times, 1), 0.0)
            found["power"] = np.where(times > 0, (ergotropy - initial) * inv_t, rate)
        found["ergotropy"] = ergotropy
    return {q: found[q] for q in quantities}


def _unflatten(values: np.ndarray, state: tuple[int, ...], dynamics: tuple[int, ...],
               shape: tuple[int, ...]) -> np.ndarray:
    """``(S, Q)`` back onto the broadcast ``shape`` (state and dynamics axes disjoint)."""
    s_axes = [k for k, n in enumerate(state) if n > 1]
    d_axes = [k for k, n in enumerate(dynamics) if n > 1]
    grid = values.reshape([state[k] for k in s_axes] + [dynamics[k] for k in d_axes])
    order = s_axes + d_axes
    grid = np.transpose(grid, np.argsort(order)) if order else grid
    full = [1] * len(shape)
    for k in order:
        full[k] = shape[k]
    return np.broadcast_to(grid.reshape(full), shape)
