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
from .user_numeric import NUMPY, PHASE_LIMIT, UserEvaluators, block_roots, figures

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


def _newton_matrices(H: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """``N_m = prod_{j<m} (H - y_j)``, shape ``(P, n, n, n)`` (index m after P)."""
    P, n, _ = H.shape
    out = np.empty((P, n, n, n), complex)
    out[:, 0] = np.eye(n)
    for m in range(1, n):
        out[:, m] = out[:, m - 1] @ (H - roots[:, m - 1, None, None] * np.eye(n))
    return out


def _propagators(newton: np.ndarray, roots: np.ndarray, times: np.ndarray) -> np.ndarray:
    """``exp(-i H_b T) = sum_m E[y_0..y_m](T) N_m`` at ``times`` (shape ``(P, K)``):
    ``(P, K, n, n)``."""
    P, K = times.shape
    n = roots.shape[-1]
    diffs = exp_divided_differences(np.broadcast_to(roots[:, None, :], (P, K, n)), times)
    return (diffs @ newton.reshape(P, n, n * n)).reshape(P, K, n, n)


def _entries(function, params: Sequence[np.ndarray], P: int) -> np.ndarray:
    """A generated function's outputs as a complex ``(P, outputs)`` array."""
    return np.stack([np.broadcast_to(np.asarray(e, complex), (P,)) for e in function(*params)],
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
        newton = _newton_matrices(_entries(ev.blocks[b], params, P).reshape(P, n, n), roots)
        block = slice(start, start + n)
        V[:, :, block, block] = _propagators(newton, roots, times)
        c[:, block] = _entries(ev.components[b], params, P)
        B[:, :, block] = _entries(ev.bases[b], params, P).reshape(P, 4, n)
        start += n
    return V, c, B


def _doubled(first: np.ndarray, steps: np.ndarray, count: int) -> np.ndarray:
    """``U(m h) first`` for ``m < count`` (``(P, count) + first.shape[1:]``) by doubling:
    ``steps[:, k] = U(2^k h)``, each computed directly, so a value passes through at most
    ``log2(count)`` products (a few ulps each) and the Python loop runs ``log2`` times."""
    out = first[:, None]
    k = 0
    while out.shape[1] < count:
        step = steps[:, k, None]
        moved = step @ out if out.ndim == 4 else (step @ out[..., None])[..., 0]
        out = np.concatenate([out, moved], axis=1)
        k += 1
    return out[:, :count]


def _hermitian_form(A: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``Re phi^dag A phi`` for all (T_c, s): ``(P, C, S)`` by one real matmul of inner
    size ``d^2`` (``A`` Hermitian: its diagonal, then twice its upper triangle)."""
    d = A.shape[-1]
    i, j = np.triu_indices(d, 1)
    G = np.conj(phi[..., i]) * phi[..., j]
    left = np.concatenate([np.diagonal(A, axis1=2, axis2=3).real, 2 * A[..., i, j].real,
                           -2 * A[..., i, j].imag], axis=-1)
    right = np.concatenate([np.abs(phi) ** 2, G.real, G.imag], axis=-1)
    return left @ np.swapaxes(right, 1, 2)


def _bilinear_form(M: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """``phi^T M phi`` for all (T_c, s), ``M`` symmetric: ``(P, C, S)`` complex."""
    d = M.shape[-1]
    i, j = np.triu_indices(d, 1)
    left = np.concatenate([np.diagonal(M, axis1=2, axis2=3), 2 * M[..., i, j]], axis=-1)
    right = np.concatenate([phi**2, phi[..., i] * phi[..., j]], axis=-1)
    return left @ np.swapaxes(right, 1, 2)


#: ``ad - bc = psi^T SIGMA psi / 2`` in the basis |uu>, |ud>, |du>, |dd>.
SIGMA = np.array([[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]], complex)


def grid_forms(ev: UserEvaluators, params: Sequence[np.ndarray], P: int, layout: tuple,
               need_pair: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """``<H0>`` and (if ``need_pair``) ``ad - bc`` on the grid, each ``(P, N)``.

    ``params`` broadcast to ``(P,)`` (one entry per parameter point).
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
    phi = _doubled(c, V[:, 1:1 + fine_levels], S)  # exp(-i H s dt) c
    coarse = _doubled(V[:, 0], V[:, 1 + fine_levels:], C)  # exp(-i H (t0 + c S dt))
    h0 = _entries(ev.energy_matrix, params, P).reshape(P, 4, 4)
    K = np.conj(np.swapaxes(B, 1, 2)) @ h0 @ B
    A = np.conj(np.swapaxes(coarse, 2, 3)) @ K[:, None] @ coarse
    energy = _hermitian_form(A, phi).reshape(P, C * S)[:, :N]
    pair = None
    if need_pair:
        W = np.swapaxes(B, 1, 2) @ SIGMA @ B
        M = np.swapaxes(coarse, 2, 3) @ W[:, None] @ coarse
        pair = (_bilinear_form(M, phi) / 2).reshape(P, C * S)[:, :N]
    return energy, pair


def evaluate_user_grid(ev: UserEvaluators, quantities: Sequence[str], t: np.ndarray,
                       layout: tuple, params: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """The quantities on a uniform grid (module docstring), in chunks of parameter points.

    Raises
    ------
    ValueError
        If a phase ``max |lambda t|`` exceeds :data:`PHASE_LIMIT` (as the general path).
    """
    t0, dt, N = layout
    points = np.broadcast_shapes(*(np.shape(p) for p in params))
    shape = np.broadcast_shapes(t.shape, points)
    padded = (1,) * (len(shape) - len(points)) + points
    P = math.prod(padded)
    flat = [np.broadcast_to(p, padded).reshape(P) for p in params]
    need_pair = any(q in CONCURRENCE_QUANTITIES for q in quantities)
    check_phase(ev, flat, P, max(abs(t0), abs(t0 + dt * (N - 1))))
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
            energy, pair = grid_forms(ev, part, count, segment, need_pair)
            energies = [np.broadcast_to(np.asarray(e, float), (count,))[:, None]
                        for e in ev.energies(*part)]
            found = figures(quantities, energy, pair, energies, inv_t, NUMPY)
            for q in quantities:
                out[q][start:start + count, first:first + count_t] = found[q]
    return {q: np.broadcast_to(v.reshape(padded[:-1] + (N,)), shape) for q, v in out.items()}


def check_phase(ev: UserEvaluators, params: Sequence[np.ndarray], P: int, t_max: float) -> None:
    """ValueError when ``max |lambda| t`` exceeds :data:`PHASE_LIMIT` at some point."""
    top = max(float(np.max(np.abs(block_roots(ev, b, params, (P,))))) for b in range(len(ev.sizes)))
    if not top * t_max <= PHASE_LIMIT:
        raise ValueError(f"phases |lambda t| beyond {PHASE_LIMIT:.0e} rad cannot be resolved in "
                         "double precision; use digits= for the mpmath path")
