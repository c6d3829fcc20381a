"""``qb.evaluate`` on an open battery: the figures of merit of its Lindblad evolution.

The battery's H, H0, start and jump operators at each parameter point
(:mod:`qb_symbolic.numeric.open.open_system`) go to
:func:`qb_symbolic.numeric.open.lindblad.open_evolution` (the invariant blocks of the
Liouvillian, eigendecomposed per point, ``expm`` near exceptional points); the points that
share a start and an H0 share one evolution, so a (D, t) map is one batched call. From the
states ``rho(t)``:

* ``energy = Tr(rho H0)``; ``ergotropy = energy - sum_k r_k(down) e_k(up)`` and
  ``capacity = sum_k r_k(down) (e_k(down) - e_k(up))``: both change in time here, the
  dissipators change rho's spectrum (docs/conventions.md);
* ``power = (E(t) - E(0))/t``, the stored energy per time (docs/conventions.md, as for every
  battery), and at ``t = 0`` its limit ``E'(0+) = Tr(drho/dt(0) H0)`` (:func:`start_energy`);
  below ``|R| t = TAYLOR_REACH`` the difference would cancel (an error ``eps |E|/t``), so
  there it is ``E^(1) + E^(2) t/2 + E^(3) t^2/6`` (derivatives at 0, ``Tr(R^k rho0 H0)``).
  It is not the ergotropy gained per time ``(zeta(t) - zeta(0))/t`` here: the dissipators
  change rho's passive energy (a hot bath raises ``E`` without adding ergotropy); without
  dissipation the two agree, as for the closed batteries;
* per cell: ``ergotropy_per_cell``, ``power_per_cell`` (totals over N);
* two cells: the density path's measures (:mod:`qb_symbolic.numeric.density.mixed_measures`).

The battery's channels, if any, act on every ``rho(t)`` before it is measured.

Accuracy: the spectral path's ``cond(V)^2 eps`` (below ~2e-11 of the state's norm,
:data:`qb_symbolic.numeric.open.lindblad.EIGENVECTOR_CONDITION_LIMIT`); double precision
only (``digits=`` is refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...core.quantity_names import AVAILABLE
from ...core.values import real_array
from ...model.dissipators import Dissipator
from ..density import mixed_measures
from .lindblad import OpenEvolution
from .liouvillian_blocks import from_coordinates, to_coordinates
from .open_system import OpenSystem, open_system, state_figures

#: What any open battery answers.
OPEN_QUANTITIES: tuple[str, ...] = ("energy", "ergotropy", "power", "capacity",
                                    "ergotropy_per_cell", "power_per_cell")
#: What an open battery of two cells answers besides (the density path's measures).
TWO_CELL_QUANTITIES: tuple[str, ...] = tuple(q for q in AVAILABLE["mixed"]
                                             if q not in OPEN_QUANTITIES)
#: Complex entries of the states made at once (64 MB).
STATE_ENTRIES = 1 << 22
#: A group's points share the union of their times when that grid has at most this many
#: (point, time) pairs more than the values asked for; else each point takes its own times.
SHARED_GRID_SLACK = 1 << 16
#: Where ``|R| t`` is below this, the power is the Taylor polynomial of (E(t) - E(0))/t to
#: t^2: its remainder is at most (|R| t)^3/24 ~ 4e-11 of ``|R| |H0|``, while the difference
#: it replaces would lose ``eps cond(V) / (|R| t)`` ~ 1e-12 of that at the switch
#: (``|R|``: the sum over generators of ``|c_g| |G_g|_1``, a bound on the 1-norm).
TAYLOR_REACH = 1e-3


def check_open_quantities(quantities: Sequence[str], N: int) -> None:
    """ValueError for a name an open battery of N cells does not answer."""
    allowed = OPEN_QUANTITIES + (TWO_CELL_QUANTITIES if N == 2 else ())
    for q in quantities:
        if q not in allowed:
            raise ValueError(f"{q!r} is not available for an open battery of {N} cells; "
                             f"available: {', '.join(allowed)}")


def _measures(quantities: Sequence[str], rho: np.ndarray, H0: np.ndarray) -> dict:
    """Every quantity but the power's, for states ``rho`` ``(n, d, d)``."""
    found = state_figures(rho, H0)
    h0 = np.broadcast_to(H0, rho.shape)
    for q in quantities:
        if q in found or q in ("power", "power_per_cell", "ergotropy_per_cell"):
            continue
        if q.endswith("coherent_ergotropy"):
            incoherent = np.minimum(mixed_measures.incoherent_ergotropy(rho, h0, found["energy"]),
                                    found["ergotropy"])
            found[q] = incoherent if q == "incoherent_ergotropy" else found["ergotropy"] - incoherent
        elif q.startswith("local_ergotropy_"):
            found[q] = mixed_measures.local_ergotropy(rho, h0, int(q[-1]))
        else:
            found[q] = getattr(mixed_measures, q)(rho)
    return found


def start_energy(ev: OpenEvolution, H0: np.ndarray, read=lambda rho: rho
                 ) -> tuple[float, np.ndarray, np.ndarray]:
    """``E(0) = Tr(rho0 H0)``, the derivatives ``E^(k)(0+) = Tr(R^k rho0 H0)``, ``k = 1, 2,
    3`` (``(P, 3)``), and the bound ``|R_p|`` (``(P,)``) at every point of an evolution (one
    start), of the states as ``read`` (the battery's channels) leaves them: the channels
    are linear Kraus maps, so ``d read(rho)/dt = read(drho/dt)``."""
    family, x0 = ev.family, ev.x0
    c = family.coefficients
    powers, y = [], np.broadcast_to(x0, (family.points, x0.size))
    for _ in range(3):  # R_p y_p at every point: sum_g c_pg G_g y_p
        y = sum((c[:, [g]] * (G @ y.T).T for g, G in enumerate(family.generators)),
                np.zeros(y.shape))
        powers.append(read(from_coordinates(y, ev.d)))
    rho0 = read(from_coordinates(x0, ev.d))
    slopes = np.stack([np.einsum("nij,ji->n", r, H0).real for r in powers], axis=1)
    sizes = np.array([np.max(np.asarray(abs(G).sum(axis=0)), initial=0.0)
                      for G in family.generators])
    return float(np.einsum("ij,ji->", rho0, H0).real), slopes, np.abs(c) @ sizes


def _power(energy: np.ndarray, times: np.ndarray, chosen: np.ndarray, start: tuple
           ) -> np.ndarray:
    """``(E(t) - E(0))/t`` at ``chosen`` points x ``times``; its Taylor polynomial where
    ``|R| t <= TAYLOR_REACH`` (the limit ``E'(0)`` at ``t = 0``)."""
    energy0, slopes, sizes = start
    d1, d2, d3 = (slopes[chosen, k, None] for k in range(3))
    near = sizes[chosen, None] * times[None, :] <= TAYLOR_REACH
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(near, d1 + times * (d2 / 2 + times * d3 / 6), (energy - energy0) / times)


def _values(ev: OpenEvolution, points: np.ndarray, t: np.ndarray, H0: np.ndarray,
            quantities: Sequence[str], start: tuple | None, system: OpenSystem
            ) -> dict:
    """The quantities at ``points`` x ``t``: ``{q: (len(points), len(t))}``."""
    out = {q: np.empty((points.size, t.size)) for q in quantities}
    per = max(1, STATE_ENTRIES // (ev.d * ev.d))
    t_step = min(t.size, per)
    p_step = max(1, per // t_step)
    N = system.N
    for a in range(0, points.size, p_step):
        chosen = points[a:a + p_step]
        for b in range(0, t.size, t_step):
            times = t[b:b + t_step]
            rho = system.read(ev.states(times, chosen).reshape(-1, ev.d, ev.d))
            found = _measures(quantities, rho, H0)
            found["ergotropy_per_cell"] = found["ergotropy"] / N
            if start is not None:
                power = _power(found["energy"].reshape(chosen.size, times.size), times, chosen,
                               start)
                found |= {"power": power, "power_per_cell": power / N}
            for q in quantities:
                out[q][a:a + chosen.size, b:b + times.size] = np.reshape(
                    found[q], (chosen.size, times.size))
    return out


def _group(system: OpenSystem, arrays: tuple, index: np.ndarray, where: np.ndarray,
           flat_t: np.ndarray, quantities: Sequence[str], out: dict) -> None:
    """One group of points (one start, one H0): its evolution and values, into ``out``."""
    columns, H0, rho0 = [c[index] for c in arrays[0]], arrays[1][index], arrays[2][index]
    ev = OpenEvolution(system.family(columns), rho0[0])
    start = (start_energy(ev, H0[0], system.read) if {"power", "power_per_cell"} & set(quantities)
             else None)
    local = np.full(where.max() + 1, -1)
    local[index] = np.arange(index.size)
    rows = np.flatnonzero(local[where] >= 0)
    times, t_index = np.unique(flat_t[rows], return_inverse=True)
    if index.size * times.size <= rows.size + SHARED_GRID_SLACK:
        found = _values(ev, np.arange(index.size), times, H0[0], quantities, start, system)
        for q in quantities:
            out[q][rows] = found[q][local[where[rows]], t_index]
        return
    for p in range(index.size):
        mine = rows[local[where[rows]] == p]
        found = _values(ev, np.array([p]), flat_t[mine], H0[0], quantities, start, system)
        for q in quantities:
            out[q][mine] = found[q][0]


def evaluate_open(battery, quantities: Sequence[str], t: Any, values: dict[str, Any],
                  digits: int | None) -> dict[str, np.ndarray]:
    """The quantities of an open battery (module docstring), broadcast like ``qb.evaluate``.

    Raises
    ------
    ValueError
        For ``digits=``, a quantity the battery does not answer, a negative rate or a
        start that is not a state at some point.
    """
    check_open_quantities(quantities, battery.sites)
    if digits is not None:
        lindblad = any(isinstance(d, Dissipator) for d in battery.dissipators)
        raise ValueError("high precision (digits=, --digits) is not available for open "
                         "batteries " + ("(the Lindblad numerics are double precision; "
                                         "qb.charging_time refines its maxima to 30 digits)"
                                         if lindblad else "(for a channel after charging, "
                                         "qb.charged_then_noisy(..., digits=) gives it)"))
    system = open_system(battery)
    arrays = [real_array(n, values[n]) for n in battery.names]
    times = np.asarray(t, dtype=float)
    shape = np.broadcast_shapes(times.shape, *(a.shape for a in arrays))
    if 0 in shape:
        return {q: np.empty(shape) for q in quantities}
    flat_t = np.broadcast_to(times, shape).reshape(-1)
    table = np.stack([np.broadcast_to(a, shape).reshape(-1) for a in arrays], axis=1) \
        if arrays else np.zeros((flat_t.size, 0))
    points, where = np.unique(table, axis=0, return_inverse=True)
    where = where.reshape(-1)
    columns = [points[:, k] for k in range(points.shape[1])]
    _, H0, rho0, _ = system.arrays(columns)
    data = (columns, H0, rho0)
    key = np.concatenate([to_coordinates(rho0), to_coordinates(H0)], axis=1)
    _, group = np.unique(key, axis=0, return_inverse=True)
    out = {q: np.empty(flat_t.size) for q in quantities}
    with np.errstate(all="ignore"):
        for g in np.unique(group):
            _group(system, data, np.flatnonzero(group.reshape(-1) == g), where, flat_t,
                   quantities, out)
    for q, v in out.items():
        if not np.all(np.isfinite(v)):
            raise ValueError(f"the Lindblad numerics could not represent {q} at these inputs")
    return {q: v.reshape(shape) + 0.0 for q, v in out.items()}


__all__ = ["OPEN_QUANTITIES", "TAYLOR_REACH", "TWO_CELL_QUANTITIES", "check_open_quantities",
           "evaluate_open", "start_energy"]
