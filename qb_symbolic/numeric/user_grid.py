"""Uniform time grids for any battery: the group property instead of one state per point.

On ``t_k = t_0 + k dt`` (``k < N``) write ``k = c S + s`` with ``S`` offsets
and ``C = ceil(N / S)`` coarse times ``T_c = t_0 + c S dt``. In the block coordinates of
the populated blocks (basis ``B = [U_0 | U_1 | ...]``, 4 x d),

    ``psi(T_c + s dt) = B V(T_c) phi(s dt)``,  ``V(T) = diag_b exp(-i H_b T)``,
    ``phi(s) = diag_b exp(-i H_b s) c``,

with every exponential in the Newton form ``exp(-i H_b T) = sum_m E[y_0..y_m](T) N_m``,
``N_m = prod_{j<m} (H_b - y_j)`` (Leja-ordered closed-form roots, divided differences
of :mod:`qb_symbolic.numeric.divided`: stable at any degeneracy). Every figure of merit
is a quadratic form in ``phi``:

* ``<H0> = phi^dag A(T) phi``, ``A = V^dag (B^dag H0 B) V`` (Hermitian), so the energy on
  the whole grid is one real matrix product per parameter point,
  ``(C x d^2) @ (d^2 x S)`` (diagonal and upper triangle of the Hermitian ``A``);
* ``ad - bc = phi^T M(T) phi / 2``, ``M = V^T B^T Sigma B V`` (``Sigma`` swaps ``|uu>,|dd>``
  and ``-``swaps ``|ud>,|du>``), one complex product, only when a concurrence-derived
  quantity is asked for.

The propagators at ``S = 2^a ~ 2 sqrt(N)`` offsets and ``C = ceil(N/S)`` coarse times are
built by doubling from ``exp(-i H_b 2^k dt)`` and ``exp(-i H_b 2^k S dt)``, each taken
directly from the divided differences: ``~log2 N`` of them per parameter point instead of
``N``, and no value passes through more than ``log2 N`` products. The rest is BLAS. The times used are ``T_c + s dt``, which differ from the given
ones by rounding only (:data:`qb_symbolic.numeric.stages.UNIFORM_RTOL`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .divided import exp_divided_differences
from .stages import uniform_step
from .user_numeric import NUMPY, PHASE_LIMIT, UserEvaluators, block_roots, figures, start_forms

#: Quantities that need ``ad - bc`` (the second quadratic form).
CONCURRENCE_QUANTITIES = ("coherence", "steering", "steerability", "concurrence")
#: Parameter points per chunk times grid points: bounds the (P, C, S) temporaries.
CHUNK_ELEMENTS = 1 << 21


def grid_layout(t: np.ndarray, points: tuple) -> tuple[float, float, int] | None:
    """``(t0, dt, N)`` when ``t`` is a uniform grid along the last axis and no parameter
    varies along that axis (``points``: the parameters' broadcast shape); else None."""
    step = uniform_step(t)
    if step is None or (points and points[-1] != 1):
        return None
    return float(t.reshape(-1, t.shape[-1])[0, 0]), step, t.shape[-1]


def newton_matrices(H: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """``N_m = prod_{j<m} (H - y_j)``, shape ``(P, n, n, n)`` (index m after P)."""
    P, n, _ = H.shape
    out = np.empty((P, n, n, n), complex)
    out[:, 0] = np.eye(n)
    for m in range(1, n):
        out[:, m] = out[:, m - 1] @ (H - roots[:, m - 1, None, None] * np.eye(n))
    return out


def propagators(newton: np.ndarray, roots: np.ndarray, times: np.ndarray) -> np.ndarray:
    """``exp(-i H_b T) = sum_m E[y_0..y_m](T) N_m`` at ``times`` (shape ``(P, K)``):
    ``(P, K, n, n)``."""
    P, K = times.shape
    n = roots.shape[-1]
    diffs = exp_divided_differences(np.broadcast_to(roots[:, None, :], (P, K, n)), times)
    return (diffs @ newton.reshape(P, n, n * n)).reshape(P, K, n, n)


def entries(function, params: Sequence[np.ndarray], P: int, dtype: type = complex) -> np.ndarray:
    """A generated function's outputs as a ``(P, outputs)`` array (complex by default)."""
    return np.stack([np.broadcast_to(np.asarray(e, dtype), (P,)) for e in function(*params)],
                    axis=-1)


def _steps(ev: UserEvaluators, params: Sequence[np.ndarray], P: int, times: np.ndarray):
    """Block-diagonal ``exp(-i H T)`` at ``times`` (``(P, K)``) in the block coordinates
    (``(P, K, d, d)``), the components ``c`` (``(P, d)``) and the basis ``B`` (``(P, 4, d)``)."""
    d = sum(ev.sizes)
    V = np.zeros(times.shape + (d, d), complex)
    c = np.zeros((P, d), complex)
    B = np.zeros((P, 4, d), complex)
    start = 0
    for b, n in enumerate(ev.sizes):
        roots = block_roots(ev, b, params, (P,))
        newton = newton_matrices(entries(ev.blocks[b], params, P).reshape(P, n, n), roots)
        block = slice(start, start + n)
        V[:, :, block, block] = propagators(newton, roots, times)
        c[:, block] = entries(ev.components[b], params, P)
        B[:, :, block] = entries(ev.bases[b], params, P).reshape(P, 4, n)
        start += n
    return V, c, B


def _doubled(first: np.ndarray, steps: np.ndarray, count: int) -> np.ndarray:
    """Columns ``U(m h) first`` for ``m < count``: ``(P, d, count * r)`` from ``first``
    ``(P, d, r)``, by doubling with ``steps[:, k] = U(2^k h)``, each computed directly, so
    a value passes through at most ``log2(count)`` products (a few ulps each); one
    batched product per doubling."""
    out, blocks, k = first, 1, 0
    while blocks < count:
        out = np.concatenate([out, steps[:, k] @ out], axis=2)
        blocks, k = 2 * blocks, k + 1
    return out[:, :, : count * first.shape[2]]


def _pairs(d: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(d) for j in range(i + 1, d)]


def _packed(A: np.ndarray) -> np.ndarray:
    """The real coefficients of ``Re phi^dag A phi`` for Hermitian ``A`` (``(..., d^2)``):
    diagonal, then real and imaginary parts of the upper triangle."""
    d = A.shape[-1]
    pairs = _pairs(d)
    upper = np.stack([A[..., i, j] for i, j in pairs], axis=-1)
    diagonal = np.stack([A[..., k, k].real for k in range(d)], axis=-1)
    return np.concatenate([diagonal, upper.real, upper.imag], axis=-1)


def _monomials(phi: np.ndarray) -> np.ndarray:
    """``(P, d^2, S)``: ``|phi_i|^2``, ``2 Re`` and ``-2 Im`` of ``conj(phi_i) phi_j``
    (``i < j``) for ``phi`` of shape ``(P, d, S)``, matching :func:`_packed` (their product
    is ``phi^dag A phi``). Plane by plane in real arithmetic: the component axis is
    never the innermost, where numpy's per-row overhead would dominate."""
    P, d, S = phi.shape
    pairs = _pairs(d)
    re, im = phi.real, phi.imag
    out = np.empty((P, d * d, S))
    for k in range(d):
        np.add(re[:, k] ** 2, im[:, k] ** 2, out=out[:, k])
    for m, (i, j) in enumerate(pairs):
        out[:, d + m] = 2 * (re[:, i] * re[:, j] + im[:, i] * im[:, j])
        out[:, d + len(pairs) + m] = -2 * (re[:, i] * im[:, j] - im[:, i] * re[:, j])
    return out


def _bilinear_form(M: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``phi^T M phi`` for all (T_c, s), ``M`` symmetric, ``phi`` ``(P, d, S)``:
    ``(P, C, S)`` complex."""
    d = M.shape[-1]
    pairs = _pairs(d)
    left = np.stack([M[..., k, k] for k in range(d)] + [2 * M[..., i, j] for i, j in pairs],
                    axis=-1)
    right = np.stack([phi[:, k] ** 2 for k in range(d)]
                     + [phi[:, i] * phi[:, j] for i, j in pairs], axis=1)
    return left @ right


#: ``ad - bc = psi^T SIGMA psi / 2`` in the basis |uu>, |ud>, |du>, |dd>.
SIGMA = np.array([[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]], complex)


def grid_forms(ev: UserEvaluators, params: Sequence[np.ndarray], P: int, layout: tuple,
               need_pair: bool, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray | None,
                                                            np.ndarray]:
    """``<H0> - shift`` and (if ``need_pair``) ``ad - bc`` on the grid, each ``(P, N)``,
    and ``<H0>`` and its rate at t = 0 (each ``(P,)``).

    ``params`` broadcast to ``(P,)`` (one entry per parameter point); ``shift`` (``(P,)``,
    the lowest energy for the ergotropy) is taken off H0 before the quadratic form, since
    ``sum |phi|^2 = 1`` makes that exact and it saves a pass over the grid.
    """
    t0, dt, N = layout
    # Few coarse times (each costs two 4x4 products below), many cheap offsets.
    fine_levels = max(0, math.ceil(math.log2(max(1.0, 2 * math.sqrt(N)))))
    S = 2**fine_levels
    C = -(-N // S)
    coarse_levels = max(0, math.ceil(math.log2(C)))
    times = np.concatenate([[t0], dt * 2.0 ** np.arange(fine_levels),
                            S * dt * 2.0 ** np.arange(coarse_levels)])
    V, c, B = _steps(ev, params, P, np.broadcast_to(times, (P, times.size)))
    d = c.shape[-1]
    phi = _doubled(c[:, :, None], V[:, 1:1 + fine_levels], S)  # exp(-i H s dt) c, (P, d, S)
    coarse = _doubled(V[:, 0], V[:, 1 + fine_levels:], C)  # [V(T_0) | V(T_1) | ...]
    coarse = np.swapaxes(coarse.reshape(P, d, C, d), 1, 2)  # V(T_c), (P, C, d, d)
    h0 = entries(ev.energy_matrix, params, P).reshape(P, 4, 4)
    K = np.conj(np.swapaxes(B, 1, 2)) @ (h0 - shift[:, None, None] * np.eye(4)) @ B
    A = np.conj(np.swapaxes(coarse, 2, 3)) @ (K[:, None] @ coarse)
    energy = (_packed(A) @ _monomials(phi)).reshape(P, C * S)[:, :N]
    psi0 = (B @ c[:, :, None])[:, :, 0]
    h = entries(ev.hamiltonian, params, P).reshape(P, 4, 4)
    start = start_forms(psi0.T, h0.reshape(P, 16).T, h.reshape(P, 16).T, np)
    pair = None
    if need_pair:
        W = np.swapaxes(B, 1, 2) @ SIGMA @ B
        M = np.swapaxes(coarse, 2, 3) @ (W[:, None] @ coarse)
        pair = (_bilinear_form(M, phi) / 2).reshape(P, C * S)[:, :N]
    return energy, pair, start


def evaluate_user_grid(ev: UserEvaluators, quantities: Sequence[str], t: np.ndarray,
                       layout: tuple, params: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """The quantities on a uniform grid (module docstring), in chunks of parameter points
    and of times; the caller has checked the phases (:func:`phases_resolved`)."""
    t0, dt, N = layout
    points = np.broadcast_shapes(*(np.shape(p) for p in params))
    shape = np.broadcast_shapes(t.shape, points)
    padded = (1,) * (len(shape) - len(points)) + points
    P = math.prod(padded)
    flat = [np.broadcast_to(p, padded).reshape(P) for p in params]
    need_pair = any(q in CONCURRENCE_QUANTITIES for q in quantities)
    out = {q: np.empty((P, N)) for q in quantities}
    span = min(N, CHUNK_ELEMENTS)  # long grids go in segments, each a uniform grid itself
    per_chunk = max(1, CHUNK_ELEMENTS // span)
    for first in range(0, N, span):
        count_t = min(span, N - first)
        times = t0 + dt * np.arange(first, first + count_t)
        inv_t = np.where(times > 0, 1 / np.where(times > 0, times, 1), 0.0)
        segment = (t0 + dt * first, dt, count_t)
        for start in range(0, P, per_chunk):
            part = [f[start:start + per_chunk] for f in flat]
            count = min(per_chunk, P - start)
            energies = [np.broadcast_to(np.asarray(e, float), (count,))[:, None]
                        for e in ev.energies(*part)]
            low = np.min(np.concatenate(energies, axis=1), axis=1)
            above, pair, initial = grid_forms(ev, part, count, segment, need_pair, low)
            found = figures(quantities, None, pair, energies, inv_t, NUMPY, above_ground=above,
                            start=(initial[0][:, None], initial[1][:, None]))
            for q in quantities:
                out[q][start:start + count, first:first + count_t] = found[q]
    return {q: np.broadcast_to(v.reshape(padded[:-1] + (N,)), shape) for q, v in out.items()}


def phases_resolved(ev: UserEvaluators, params: Sequence[np.ndarray], layout: tuple) -> bool:
    """Whether ``max |lambda| t <= PHASE_LIMIT`` at every parameter point of the grid."""
    t0, dt, N = layout
    points = np.broadcast_shapes(*(np.shape(p) for p in params))
    P = math.prod(points)
    flat = [np.broadcast_to(p, points).reshape(P) for p in params]
    with np.errstate(all="ignore"):
        top = max(float(np.max(np.abs(block_roots(ev, b, flat, (P,)))))
                  for b in range(len(ev.sizes)))
    return bool(top * max(abs(t0), abs(t0 + dt * (N - 1))) <= PHASE_LIMIT)
