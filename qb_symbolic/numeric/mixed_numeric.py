"""Numbers for a mixed start: ``rho(t)``, energy, ergotropy, power and capacity.

From :func:`qb_symbolic.symbolic.mixed.mixed_evolution`: per parameter point the
closed-form roots of every block (near-degenerate points repaired as for pure states),
the Newton matrices and the divided differences of ``exp(-i z t)`` give
``U(t) = sum_b U_b exp(-i H_b t) U_b^dag``; then ``rho(t) = U rho0 U^dag`` and

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

The correlation and coherence measures of :mod:`qb_symbolic.numeric.mixed_measures`
(Wootters concurrence, l1 and first-order coherence, steering, incoherent, coherent and
local ergotropy) are computed from ``rho(t)``, in numpy or, for ``digits=``, with
:mod:`qb_symbolic.numeric.mixed_precise`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from ..core.values import real_array, to_mpf
from ..model.density import check_positive_at
from ..symbolic.mixed import mixed_evolution
from .cache import disk_cached, source_fingerprint
from .codegen import generate
from .divided import exp_divided_differences_mp
from .user_grid import entries, newton_matrices, propagators
from .user_numeric import PHASE_LIMIT, block_roots

#: What a mixed start answers; the first four also at ``digits=``.
MIXED_QUANTITIES: tuple[str, ...] = (
    "energy", "ergotropy", "power", "capacity", "incoherent_ergotropy", "coherent_ergotropy",
    "concurrence", "l1_coherence", "coherence", "steering", "steerability",
    "local_ergotropy_1", "local_ergotropy_2")
#: The quantities from ``Tr(rho H0)`` and the two spectra alone; the others need ``rho(t)``.
PRECISE_QUANTITIES = MIXED_QUANTITIES[:4]


@dataclass(frozen=True)
class MixedForms:
    """The expressions the mixed-state evaluators are generated from (picklable)."""

    key: str
    params: tuple[sp.Symbol, ...]
    roots: tuple[tuple[sp.Expr, ...], ...]
    blocks: tuple[tuple[sp.Expr, ...], ...]
    bases: tuple[tuple[sp.Expr, ...], ...]
    rho0: tuple[sp.Expr, ...]
    energy_matrix: tuple[sp.Expr, ...]
    energies: tuple[sp.Expr, ...]


@cache
def mixed_forms(battery) -> MixedForms:
    """The forms of a mixed battery: from memory, else from disk, else derived."""
    key = battery.key()

    def derive() -> MixedForms:
        ev = mixed_evolution(battery)
        return MixedForms(key, tuple(battery.parameters),
                          tuple(b.roots.explicit(clip=True) for b in ev.blocks),
                          tuple(tuple(b.matrix) for b in ev.blocks),
                          tuple(tuple(b.basis) for b in ev.blocks),
                          tuple(sp.Matrix(battery.initial_state)),
                          tuple(sp.Matrix(battery.energy_operator)),
                          ev.energies.explicit(clip=True))

    return disk_cached(f"mixed-{source_fingerprint()}-{key}.pickle", derive,
                       lambda f: isinstance(f, MixedForms) and f.key == key)


@dataclass(frozen=True)
class MixedEvaluators:
    """Generated functions (argument order: ``params``)."""

    params: tuple[sp.Symbol, ...]
    sizes: tuple[int, ...]
    roots: tuple[Any, ...]
    blocks: tuple[Any, ...]
    bases: tuple[Any, ...]
    rho0: Any
    energy_matrix: Any
    energies: Any
    #: Per parameter: whether rho0 uses it; whether H (blocks, roots, bases) or H0 does.
    in_state: tuple[bool, ...] = ()
    in_dynamics: tuple[bool, ...] = ()


def _uses(params: Sequence[sp.Symbol], *expression_lists) -> tuple[bool, ...]:
    found = set().union(*(sp.sympify(e).free_symbols for group in expression_lists
                          for e in group))
    return tuple(p in found for p in params)


@cache
def mixed_evaluators(battery, backend: str = "numpy") -> MixedEvaluators:
    forms = mixed_forms(battery)
    p = forms.params
    dynamics = (*forms.roots, *forms.blocks, *forms.bases, forms.energy_matrix, forms.energies)
    return MixedEvaluators(
        p, tuple(len(r) for r in forms.roots),
        tuple(generate(p, list(r), backend, f"roots of block {b}") for b, r in enumerate(forms.roots)),
        tuple(generate(p, list(m), backend, f"block {b} of H") for b, m in enumerate(forms.blocks)),
        tuple(generate(p, list(u), backend, f"basis U_{b}") for b, u in enumerate(forms.bases)),
        generate(p, list(forms.rho0), backend, "rho0"),
        generate(p, list(forms.energy_matrix), backend, "H0"),
        generate(p, list(forms.energies), backend, "eigenvalues of H0"),
        _uses(p, forms.rho0), _uses(p, *dynamics))


def _spectra(ev: MixedEvaluators, params: Sequence[np.ndarray], N: int):
    """``rho0`` (N, 4, 4), its eigenvalues and H0's (both ascending), H0 (N, 4, 4)."""
    rho0 = entries(ev.rho0, params, N).reshape(N, 4, 4)
    check_positive_at(rho0)
    r = np.linalg.eigvalsh(rho0)
    e = np.sort(entries(ev.energies, params, N, float), axis=-1)
    return rho0, r, e, entries(ev.energy_matrix, params, N).reshape(N, 4, 4)


def hamiltonians(ev: MixedEvaluators, params: Sequence[np.ndarray], N: int) -> np.ndarray:
    """``H = sum_b U_b H_b U_b^dag`` at N points, ``(N, 4, 4)``."""
    H = np.zeros((N, 4, 4), complex)
    for b, n in enumerate(ev.sizes):
        basis = entries(ev.bases[b], params, N).reshape(N, 4, n)
        block = entries(ev.blocks[b], params, N).reshape(N, n, n)
        H += basis @ block @ np.conj(np.swapaxes(basis, 1, 2))
    return H


def unitaries(ev: MixedEvaluators, params: Sequence[np.ndarray], t: np.ndarray) -> np.ndarray:
    """``U(t) = sum_b U_b exp(-i H_b t) U_b^dag`` at N points (flat ``params`` and ``t``):
    ``(N, 4, 4)``; a ValueError where a phase exceeds :data:`PHASE_LIMIT`."""
    N = t.size
    U = np.zeros((N, 4, 4), complex)
    top = np.zeros(N)
    for b, n in enumerate(ev.sizes):
        roots = block_roots(ev, b, params, (N,))
        newton = newton_matrices(entries(ev.blocks[b], params, N).reshape(N, n, n), roots)
        inner = propagators(newton, roots, t[:, None])[:, 0]
        basis = entries(ev.bases[b], params, N).reshape(N, 4, n)
        U += basis @ inner @ np.conj(np.swapaxes(basis, 1, 2))
        top = np.maximum(top, np.max(np.abs(roots), axis=-1) * t)
    if not np.all(top <= PHASE_LIMIT):
        raise ValueError(f"phases |lambda t| beyond {PHASE_LIMIT:.0e} rad cannot be resolved in "
                         "double precision; use digits= for the mpmath path")
    return U


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
    from . import mixed_measures

    found = _figures([*PRECISE_QUANTITIES], energy, r, e, t, np, start)
    found |= _measures([q for q in quantities if q not in PRECISE_QUANTITIES], rho, h0, energy,
                       found["ergotropy"], mixed_measures, np.minimum)
    return {q: found[q] for q in quantities}


def _measures(quantities: Sequence[str], rho, h0, energy, total, measures, minimum) -> dict:
    """The rho-based measures from ``measures`` (:mod:`qb_symbolic.numeric.mixed_measures`
    batched in numpy, or :mod:`qb_symbolic.numeric.mixed_precise` at working precision);
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
    for the power, :func:`qb_symbolic.numeric.user_numeric.stored_power`) and the passive
    and active energies (both constant in time); the power is the stored energy per time
    (:func:`qb_symbolic.numeric.user_numeric.stored_power`)."""
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
    from .mixed_separable import separable_map

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
        U = mp.zeros(4, 4)
        for b, n in enumerate(ev.sizes):
            U += _block_propagator_mp(ev, b, n, params, time)
        rho0 = mp.matrix(4, 4)
        for k, x in enumerate(ev.rho0(*params)):
            rho0[k // 4, k % 4] = x
        h0 = mp.matrix(4, 4)
        for k, x in enumerate(ev.energy_matrix(*params)):
            h0[k // 4, k % 4] = x
        rho = U * rho0 * U.H
        energy = mp.re(sum(rho[i, j] * h0[j, i] for i in range(4) for j in range(4)))
        H = mp.zeros(4, 4)
        for b, n in enumerate(ev.sizes):
            basis = _mp_block(ev.bases[b](*params), 4, n)
            H += basis * _mp_block(ev.blocks[b](*params), n, n) * basis.H
        C = (H * h0 - h0 * H) * mp.mpc(0, 1)
        start = (mp.re(sum((rho0 * h0)[i, i] for i in range(4))),
                 mp.re(sum((rho0 * C)[i, i] for i in range(4))))
        r = sorted(mp.re(x) for x in mp.eighe(rho0, eigvals_only=True))
        if r[0] < -mp.mpf(10) ** (-digits):
            raise ValueError(f"rho0 (the initial density matrix) has an eigenvalue "
                             f"{mp.nstr(r[0], 3)} < 0 at these parameter values: not a state there")
        e = sorted(mp.re(x) for x in ev.energies(*params))
        from . import mixed_precise

        found = _figures([*PRECISE_QUANTITIES], energy, r, e, time, _MpLib, start)
        found |= _measures([q for q in quantities if q not in PRECISE_QUANTITIES], rho, h0,
                           energy, found["ergotropy"], mixed_precise, min)
        found = {q: found[q] for q in quantities}
    with mp.workdps(digits):
        return {q: +v for q, v in found.items()}


class _MpLib:
    minimum, maximum = staticmethod(min), staticmethod(max)


def _mp_block(values, rows: int, cols: int) -> mp.matrix:
    """A row-major list as an mpmath matrix."""
    out = mp.matrix(rows, cols)
    for k, x in enumerate(values):
        out[k // cols, k % cols] = x
    return out


def _block_propagator_mp(ev: MixedEvaluators, b: int, n: int, params, time) -> mp.matrix:
    """``U_b exp(-i H_b t) U_b^dag`` (4x4) at working precision (Newton form, Leja order)."""
    from .user_precise import leja_order

    nodes = leja_order([mp.re(r) for r in ev.roots[b](*params)])
    H = mp.matrix(n, n)
    for k, x in enumerate(ev.blocks[b](*params)):
        H[k // n, k % n] = x
    basis = mp.matrix(4, n)
    for k, x in enumerate(ev.bases[b](*params)):
        basis[k // n, k % n] = x
    diffs = exp_divided_differences_mp(nodes, time)
    inner, product = mp.zeros(n, n), mp.eye(n)
    for m in range(n):
        inner += diffs[m] * product
        product = product * (H - nodes[m] * mp.eye(n))
    return basis * inner * basis.H
