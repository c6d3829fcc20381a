"""The closed-form dynamics of a mixed start: forms, generated evaluators, ``H`` and ``U(t)``.

From :func:`qb_symbolic.symbolic.mixed.mixed_evolution`: per parameter point the
closed-form roots of every block (near-degenerate points repaired as for pure states,
:func:`qb_symbolic.numeric.closed_form.user_numeric.block_roots`), the Newton matrices and the
divided differences of ``exp(-i z t)`` give ``U(t) = sum_b U_b exp(-i H_b t) U_b^dag``,
in numpy (:func:`unitaries`) and at working precision (:func:`unitary_mp`).

Every user of a mixed start builds on this module: the evaluation
(:mod:`qb_symbolic.numeric.density.mixed_numeric`), the separable maps
(:mod:`qb_symbolic.numeric.density.mixed_separable`) and the charging search
(:mod:`qb_symbolic.numeric.search.mixed_charging`); it imports none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from ...core.quantity_names import AVAILABLE
from ...symbolic.mixed import mixed_evolution
from ..base.cache import disk_cached, source_fingerprint
from ..base.fallback import PHASE_LIMIT
from ..closed_form.codegen import generate
from ..closed_form.divided import exp_divided_differences_mp
from ..closed_form.user_grid import entries, newton_matrices, propagators
from ..closed_form.user_numeric import block_roots
from ..closed_form.user_precise import leja_order

#: What a mixed start answers; the first four also at ``digits=``.
MIXED_QUANTITIES: tuple[str, ...] = AVAILABLE["mixed"]
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


def mp_block(values, rows: int, cols: int) -> mp.matrix:
    """A row-major list as an mpmath matrix."""
    out = mp.matrix(rows, cols)
    for k, x in enumerate(values):
        out[k // cols, k % cols] = x
    return out


def block_propagator_mp(ev: MixedEvaluators, b: int, n: int, params, time) -> mp.matrix:
    """``U_b exp(-i H_b t) U_b^dag`` (4x4) at working precision (Newton form, Leja order)."""
    nodes = leja_order([mp.re(r) for r in ev.roots[b](*params)])
    H = mp_block(ev.blocks[b](*params), n, n)
    basis = mp_block(ev.bases[b](*params), 4, n)
    diffs = exp_divided_differences_mp(nodes, time)
    inner, product = mp.zeros(n, n), mp.eye(n)
    for m in range(n):
        inner += diffs[m] * product
        product = product * (H - nodes[m] * mp.eye(n))
    return basis * inner * basis.H


def unitary_mp(ev: MixedEvaluators, params, time) -> mp.matrix:
    """``U(t) = sum_b U_b exp(-i H_b t) U_b^dag`` (4x4) at working precision."""
    U = mp.zeros(4, 4)
    for b, n in enumerate(ev.sizes):
        U += block_propagator_mp(ev, b, n, params, time)
    return U


def hamiltonian_mp(ev: MixedEvaluators, params) -> mp.matrix:
    """``H = sum_b U_b H_b U_b^dag`` (4x4) at working precision."""
    H = mp.zeros(4, 4)
    for b, n in enumerate(ev.sizes):
        basis = mp_block(ev.bases[b](*params), 4, n)
        H += basis * mp_block(ev.blocks[b](*params), n, n) * basis.H
    return H
