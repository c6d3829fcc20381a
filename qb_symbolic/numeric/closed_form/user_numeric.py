"""Numbers for any battery from its closed forms: numpy (broadcasting; mpmath in user_precise;
which path answers a call: user_evaluate).

The closed forms of :mod:`qb_symbolic.symbolic.evolution` are generated once per
battery (``lambdify`` with ``cse=True``, argument order from the battery's declared
parameter tuple, expressions cached in memory and pickled on disk keyed by the
battery's digest, the SymPy version and the package source), in three stages:

1. **roots** (per parameter point): each populated block's eigenvalues, closed form
   (Viete, factored or Ferrari; radicands clamped to their proved ranges);
2. **Newton vectors** (per parameter point): ``w_m = U_b prod_{j<m}(H_b - y_j) c_b``,
   polynomials in the parameters and the roots;
3. **time** (per point): ``psi(t) = sum_b sum_m E[y_0..y_m](t) w_m`` with the divided
   differences of ``e^{-izt}`` from :mod:`qb_symbolic.numeric.closed_form.divided`, accurate however
   close the roots come (no ``0/0`` at degeneracies).

From ``psi``: ``<H0>``, the ergotropy ``<H0> - E_min(H0)`` (pure state; E_min from the
closed-form eigenvalues of H0), the power, the concurrence ``2|ad - bc|``, and the
pure-state identities ``Q = sqrt(1 - C^2)``, ``F3_max = sqrt(1 + 2 C^2)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import sympy as sp

from ...core.quantity_names import AVAILABLE
from ...symbolic.evolution import evolution
from ..base.cache import disk_cached, source_fingerprint
from ..base.fallback import PHASE_LIMIT
from .codegen import generate
from .divided import exp_divided_differences, stable_order

QUANTITIES: tuple[str, ...] = AVAILABLE["pure"]


@dataclass(frozen=True)
class UserForms:
    """The expressions the evaluators are generated from (picklable)."""

    key: str
    params: tuple[sp.Symbol, ...]
    nodes: tuple[tuple[sp.Symbol, ...], ...]
    roots: tuple[tuple[sp.Expr, ...], ...]
    newton: tuple[tuple[sp.Expr, ...], ...]
    energy_matrix: tuple[sp.Expr, ...]
    energies: tuple[sp.Expr, ...]
    hamiltonian: tuple[sp.Expr, ...] = ()
    blocks: tuple[tuple[sp.Expr, ...], ...] = ()
    bases: tuple[tuple[sp.Expr, ...], ...] = ()
    components: tuple[tuple[sp.Expr, ...], ...] = ()


def derive_user_forms(battery) -> UserForms:
    """Derive the three stages of a battery (seconds; see :func:`user_forms`)."""
    ev = evolution(battery)
    return UserForms(
        battery.key(),
        tuple(battery.parameters),
        tuple(b.nodes for b in ev.blocks),
        tuple(b.roots.explicit(clip=True) for b in ev.blocks),
        tuple(tuple(e for w in b.newton for e in w) for b in ev.blocks),
        tuple(sp.Matrix(battery.energy_operator)),
        ev.energies.explicit(clip=True),
        tuple(sp.Matrix(battery.hamiltonian)),
        tuple(tuple(b.matrix) for b in ev.blocks),
        tuple(tuple(b.basis) for b in ev.blocks),
        tuple(tuple(b.components) for b in ev.blocks),
    )


@cache
def user_forms(battery) -> UserForms:
    """The forms of a battery: from memory, else from disk, else derived."""
    key = battery.key()
    return disk_cached(f"user-{source_fingerprint()}-{key}.pickle",
                       lambda: derive_user_forms(battery),
                       lambda f: isinstance(f, UserForms) and f.key == key)


@dataclass(frozen=True)
class UserEvaluators:
    """Generated functions of one battery and backend (argument order: ``params``)."""

    params: tuple[sp.Symbol, ...]
    roots: tuple[Any, ...]
    newton: tuple[Any, ...]
    energy_matrix: Any
    energies: Any
    sizes: tuple[int, ...]
    hamiltonian: Any
    blocks: tuple[Any, ...]
    bases: tuple[Any, ...] = ()
    components: tuple[Any, ...] = ()


@cache
def user_evaluators(battery, backend: str = "numpy") -> UserEvaluators:
    """Generated (and cached) functions of a battery; ``backend`` numpy or mpmath."""
    forms = user_forms(battery)
    p = forms.params
    return UserEvaluators(
        p,
        tuple(generate(p, list(r), backend, f"roots of block {b}")
              for b, r in enumerate(forms.roots)),
        tuple(generate(p + n, list(w), backend, f"Newton vectors of block {b}")
              for b, (n, w) in enumerate(zip(forms.nodes, forms.newton))),
        generate(p, list(forms.energy_matrix), backend, "H0"),
        generate(p, list(forms.energies), backend, "eigenvalues of H0"),
        tuple(len(n) for n in forms.nodes),
        generate(p, list(forms.hamiltonian), backend, "H"),
        tuple(generate(p, list(m), backend, f"block {b} of H") for b, m in enumerate(forms.blocks)),
        tuple(generate(p, list(u), backend, f"basis U_{b} (4 x n, row-major)")
              for b, u in enumerate(forms.bases)),
        tuple(generate(p, list(c), backend, f"initial components c_{b} = U_{b}^dag psi0")
              for b, c in enumerate(forms.components)),
    )


def state_forms(psi, h0, lib) -> tuple:
    """``<H0> = psi^dag H0 psi`` (``h0`` row-major), ``ad - bc`` of a state ``(a, b, c, d)``
    and ``|r|^2``, the squared Bloch vector of either cell (equal for a pure state):
    ``(|a|^2 + |b|^2 - |c|^2 - |d|^2)^2 + 4 |a c* + b d*|^2``, a sum of squares that stays
    accurate where ``1 - 4 |ad - bc|^2`` cancels (a nearly maximally entangled state)."""
    a, b, c, d = psi
    energy = lib.real(sum(lib.conj(psi[i]) * h0[4 * i + j] * psi[j]
                          for i in range(4) for j in range(4)))
    z = abs(a) ** 2 + abs(b) ** 2 - abs(c) ** 2 - abs(d) ** 2
    return energy, a * d - b * c, z * z + 4 * abs(a * lib.conj(c) + b * lib.conj(d)) ** 2


def start_forms(psi0, h0, h, lib) -> tuple:
    """``<H0>`` and its rate ``d<H0>/dt = i<[H, H0]> = 2 Im <psi|H0 H|psi>`` at t = 0
    (``h0``, ``h`` row-major lists), for :func:`figures`' power."""
    h0_psi = [sum(h0[4 * i + j] * psi0[j] for j in range(4)) for i in range(4)]
    h_psi = [sum(h[4 * i + j] * psi0[j] for j in range(4)) for i in range(4)]
    energy = lib.real(sum(lib.conj(psi0[i]) * h0_psi[i] for i in range(4)))
    inner = sum(lib.conj(h0_psi[i]) * h_psi[i] for i in range(4))
    return energy, 2 * lib.imag(inner)


def figures(quantities: Sequence[str], energy, pair, energies, inv_t, lib,
            above_ground=None, start=None, ergotropy=None, bloch=None) -> dict:
    """Every quantity from ``<H0>``, ``ad - bc`` and the spectrum of H0 (``lib``: numpy or
    the mpmath shim); ``pair`` may be None when no concurrence-derived quantity is asked.
    ``above_ground`` may replace ``energy``: ``<H0> - E_min`` computed directly.
    ``start``: ``<H0>`` and its rate at t = 0 (:func:`start_forms`); the power is then the
    stored energy per time, ``(zeta(t) - zeta(0))/t``, and its limit at t = 0
    (:func:`stored_power`). ``ergotropy``: ``<H0> - E_min`` already clipped to
    ``[0, E_max - E_min]`` (then ``energy`` and ``above_ground`` are not read). ``bloch``:
    ``|r|^2`` of :func:`state_forms`, for the coherence ``|r|`` (else ``sqrt(1 - C^2)``, which
    loses ``sqrt(eps)`` near ``C = 1``)."""
    low, high = lib.min(energies), lib.max(energies)
    if ergotropy is None:
        if above_ground is None:
            above_ground = energy - low
        ergotropy = lib.clip(above_ground, 0, high - low)
    table = {"energy": lambda: ergotropy + low,
             "ergotropy": lambda: ergotropy,
             "power": lambda: stored_power(ergotropy, start, low, high, inv_t, lib)}
    if pair is not None:
        concurrence = lib.clip(2 * abs(pair), 0, 1)
        steering = lib.sqrt(1 + 2 * concurrence**2)
        table |= {"concurrence": lambda: concurrence,
                  "coherence": lambda: lib.sqrt(1 - concurrence**2) if bloch is None
                  else lib.sqrt(bloch),
                  "steering": lambda: steering,
                  "steerability": lambda: (steering - 1) / (lib.sqrt(3) - 1)}
    return {q: table[q]() for q in quantities}


class _NumpyLib:
    real, conj, sqrt = staticmethod(np.real), staticmethod(np.conj), staticmethod(np.sqrt)
    imag = staticmethod(np.imag)
    clip = staticmethod(np.clip)

    @staticmethod
    def min(values):
        return np.min(np.broadcast_arrays(*values), axis=0)

    @staticmethod
    def max(values):
        return np.max(np.broadcast_arrays(*values), axis=0)


def stored_power(ergotropy, start, low, high, inv_t, lib):
    """The power: the energy stored since the start per unit time.

    ``P(t) = (zeta(t) - zeta(0))/t = (Tr(rho(t) H0) - Tr(rho0 H0))/t`` (the passive energy
    is constant, so both forms agree), and at ``t = 0`` its limit ``d<H0>/dt(0)``. For the
    paper's start |dd>, the ground state of H0, ``zeta(0) = 0 = d zeta/dt(0)`` and this is
    docs/conventions.md's ``P = zeta(t)/t``, ``P(0) = 0``; for a start that already holds
    ergotropy (``|ud>``, a Gibbs state of an interacting H for a local H0) ``zeta(t)/t``
    has no limit at ``t -> 0`` (it diverges as ``zeta(0)/t``), so the stored energy is what
    is divided. ``start``: ``(<H0>, d<H0>/dt)`` at t = 0, or None for ``zeta(0) = 0``.
    ``inv_t`` is ``1/t``, 0 at t = 0.
    """
    if start is None:
        return ergotropy * inv_t
    energy0, rate0 = start
    initial = lib.clip(energy0 - low, 0, high - low)
    if lib is NUMPY:
        return np.where(inv_t > 0, (ergotropy - initial) * inv_t, rate0)
    return rate0 if inv_t == 0 else (ergotropy - initial) * inv_t


#: The numpy shim of :func:`figures`.
NUMPY = _NumpyLib


#: Relative gap below which the roots of a 3- or 4-block are taken from ``eigvalsh`` of
#: the closed-form block instead of the radicals: near a double root the Viete and
#: Ferrari forms lose up to half the digits (sqrt(eps)) and at one they are 0/0. The
#: loss reaches far: two near-double pairs at relative gap 2e-4 gave root errors ~3e-9
#: (ergotropy 1e-7 over t = 30), at 2e-3 ~4e-12, at 5e-2 below 1e-15 (benchmarks/
#: accuracy.py sweeps the gap); eigvalsh of a Hermitian block has condition number 1.
NEAR_DEGENERATE = 5e-2


def _repair_roots(stacked: np.ndarray, block, params, n: int, points: tuple) -> np.ndarray:
    """The closed-form roots, with near-degenerate or non-finite points re-solved by
    ``eigvalsh`` of the block matrix (itself a closed form) at those points only."""
    if n < 3:
        return stacked
    ordered = np.sort(stacked, axis=-1)
    spread = np.maximum(ordered[..., -1] - ordered[..., 0], np.finfo(float).tiny)
    bad = ~np.all(np.isfinite(stacked), axis=-1)
    bad |= np.min(np.diff(ordered, axis=-1), axis=-1) < NEAR_DEGENERATE * spread
    if not np.any(bad):
        return stacked
    entries = [np.broadcast_to(np.asarray(e, complex), points)[bad] for e in block(*params)]
    matrices = np.stack(entries, axis=-1).reshape(-1, n, n)
    repaired = np.array(stacked)
    repaired[bad] = np.linalg.eigvalsh(matrices)[:, ::-1]
    return repaired


def block_roots(ev: UserEvaluators, b: int, params: Sequence[np.ndarray], points: tuple,
                leja: bool = True) -> np.ndarray:
    """The closed-form roots of block ``b``, shape ``points + (n,)``, near-degenerate
    points repaired (:func:`_repair_roots`); in Leja order (close roots never adjacent,
    so the Newton terms stay small) unless ``leja`` is False."""
    n = ev.sizes[b]
    stacked = np.stack([np.broadcast_to(np.asarray(r, float), points)
                        for r in ev.roots[b](*params)], axis=-1)
    stacked = _repair_roots(stacked, ev.blocks[b], params, n, points)
    return np.take_along_axis(stacked, stable_order(stacked), axis=-1) if leja else stacked


def user_state(ev: UserEvaluators, params: Sequence[np.ndarray], t: np.ndarray):
    """``psi(t)`` as a list of 4 complex arrays (broadcast of the parameters and t), and
    the phase ``max_k |y_k| t`` per point (the float path answers up to PHASE_LIMIT).

    Roots and Newton vectors are computed once per parameter point (the parameters'
    own broadcast shape), the divided differences once per (point, time).
    """
    points = np.broadcast_shapes(*(np.shape(p) for p in params))
    shape = np.broadcast_shapes(t.shape, points)
    psi = [np.zeros(shape, complex) for _ in range(4)]
    phase = np.zeros(shape)
    for b, (newton, n) in enumerate(zip(ev.newton, ev.sizes)):
        stacked = block_roots(ev, b, params, points)
        vectors = newton(*params, *(stacked[..., k] for k in range(n)))
        differences = exp_divided_differences(np.broadcast_to(stacked, shape + (n,)),
                                               np.broadcast_to(t, shape))
        for m in range(n):
            for i in range(4):
                psi[i] += differences[..., m] * np.asarray(vectors[4 * m + i], complex)
        phase = np.maximum(phase, np.max(np.abs(stacked), axis=-1) * t)
    return psi, phase


def evaluate_user_numpy(battery, quantities: Sequence[str], t: np.ndarray,
                        values: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], Any]:
    """The quantities of a user battery on broadcast arrays (float path), and the mask
    of points whose phase exceeds :data:`PHASE_LIMIT` (their values are meaningless)."""
    ev = user_evaluators(battery, "numpy")
    params = [np.asarray(values[s.name], float) for s in ev.params]
    with np.errstate(all="ignore"):
        psi, phase = user_state(ev, params, t)
        shape = psi[0].shape
        h0 = [np.asarray(e, complex) for e in ev.energy_matrix(*params)]
        energies = [np.asarray(e, float) for e in ev.energies(*params)]
        inv_t = np.where(t > 0, 1 / np.where(t > 0, t, 1), 0.0)
        energy, pair, bloch = state_forms(psi, h0, np)
        h = [np.asarray(x, complex) for x in ev.hamiltonian(*params)]
        start = start_forms(user_state(ev, params, np.zeros(()))[0], h0, h, np)
        found = figures(quantities, energy, pair, energies, inv_t, NUMPY, start=start,
                        bloch=bloch)
    unresolved = np.broadcast_to(~(phase <= PHASE_LIMIT), shape)
    out = {q: np.array(np.broadcast_to(v, shape), dtype=float) + 0.0 for q, v in found.items()}
    for q, v in out.items():
        if not np.all(np.isfinite(v) | unresolved):
            raise ValueError(f"the float path cannot represent {q} at these inputs; use digits=")
    return out, unresolved
