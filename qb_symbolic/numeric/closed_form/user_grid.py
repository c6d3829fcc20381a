"""Uniform time grids for any battery: the group property instead of one state per point.

On ``t_k = t_0 + k dt`` (``k < N``) write ``k = c S + s`` with ``S`` offsets
and ``C = ceil(N / S)`` coarse times ``T_c = t_0 + c S dt``. In the block coordinates of
the populated blocks (basis ``B = [U_0 | U_1 | ...]``, 4 x d),

    ``psi(T_c + s dt) = B V(T_c) phi(s dt)``,  ``V(T) = diag_b exp(-i H_b T)``,
    ``phi(s) = diag_b exp(-i H_b s) c``,

with every exponential in the Newton form ``exp(-i H_b T) = sum_m E[y_0..y_m](T) N_m``,
``N_m = prod_{j<m} (H_b - y_j)`` (Leja-ordered closed-form roots, divided differences
of :mod:`qb_symbolic.numeric.closed_form.divided`: stable at any degeneracy). Every figure of merit
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
``N``, and no value passes through more than ``log2 N`` products. The rest is BLAS.
The times used are ``T_c + s dt``, which differ from the given ones by rounding only
(:data:`qb_symbolic.numeric.closed_form.stages.UNIFORM_RTOL`).

That is the path for parameter points whose roots come close; where they are well apart
(:func:`qb_symbolic.numeric.closed_form.user_spectral.separated`, most points of most maps) the
frequency form of :mod:`qb_symbolic.numeric.closed_form.user_spectral` gives the same grid from
scalar phasors, five to eight times faster. Both hand their factors to one loop
(:func:`_products`) that multiplies them in cache-sized groups of points and writes
the quantities out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..base.fallback import PHASE_LIMIT
from .divided import exp_divided_differences, stable_order
from .stages import uniform_step
from .user_numeric import NUMPY, UserEvaluators, block_roots, figures, start_forms
from .user_spectral import SIGMA, GridFactors, StoredFactors, separated, spectral_factors

#: Quantities that need ``ad - bc`` (the second quadratic form).
CONCURRENCE_QUANTITIES = ("coherence", "steering", "steerability", "concurrence")
#: Parameter points per chunk times grid points: bounds the (P, C, S) temporaries.
CHUNK_ELEMENTS = 1 << 21
#: Parameter points per chunk times ``16 (S + C)``: bounds the factors' memory.
FACTOR_ELEMENTS = 1 << 22


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
    """A generated function's outputs as a ``(P, outputs)`` array (complex by default).
    Filled column by column: an assignment broadcasts a scalar or a ``(P,)`` output
    itself, at a tenth of ``broadcast_to``'s per-call cost (~100 outputs per map)."""
    values = function(*params)
    out = np.empty((P, len(values)), dtype)
    for k, e in enumerate(values):
        out[:, k] = e
    return out


def block_data(ev: UserEvaluators, params: Sequence[np.ndarray], P: int) -> list:
    """Per populated block ``(H_b (P, n, n), c_b (P, n), U_b (P, 4, n))``."""
    return [(entries(ev.blocks[b], params, P).reshape(P, n, n), entries(ev.components[b], params, P),
             entries(ev.bases[b], params, P).reshape(P, 4, n)) for b, n in enumerate(ev.sizes)]


def _steps(blocks: list, roots: Sequence[np.ndarray], times: np.ndarray):
    """Block-diagonal ``exp(-i H T)`` at ``times`` (``(P, K)``) in the block coordinates
    (``(P, K, d, d)``), the components ``c`` (``(P, d)``) and the basis ``B`` (``(P, 4, d)``)."""
    P = times.shape[0]
    d = sum(y.shape[-1] for y in roots)
    V = np.zeros(times.shape + (d, d), complex)
    c = np.zeros((P, d), complex)
    B = np.zeros((P, 4, d), complex)
    start = 0
    for (H, comp, U), y in zip(blocks, roots):
        n = y.shape[-1]
        block = slice(start, start + n)
        V[:, :, block, block] = propagators(newton_matrices(H, y), y, times)
        c[:, block], B[:, :, block] = comp, U
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


def _bilinear_factors(M: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factors of ``phi^T M phi / 2`` (``M`` symmetric ``(P, C, d, d)``, ``phi`` ``(P, d, S)``):
    complex ``(P, C, r)`` and ``(P, r, S)``."""
    d = M.shape[-1]
    pairs = _pairs(d)
    left = np.stack([M[..., k, k] / 2 for k in range(d)] + [M[..., i, j] for i, j in pairs],
                    axis=-1)
    right = np.stack([phi[:, k] ** 2 for k in range(d)]
                     + [phi[:, i] * phi[:, j] for i, j in pairs], axis=1)
    return left, right


def grid_sizes(N: int) -> tuple[int, int]:
    """``(S, C)``: ``S = 2^a ~ 2 sqrt(N)`` offsets (cheap: vectors) and ``C = ceil(N / S)``
    coarse times (dear: a matrix each on the Newton path)."""
    S = 2 ** max(0, math.ceil(math.log2(max(1.0, 2 * math.sqrt(N)))))
    return S, -(-N // S)


def newton_factors(blocks: list, roots: Sequence[np.ndarray], h0: np.ndarray, start: tuple,
                   layout: tuple, need_pair: bool, shift: np.ndarray) -> GridFactors:
    """The grid's factors at any point (module docstring): ``blocks`` from
    :func:`block_data`, ``roots`` per block ``(P, n_b)`` (any order), ``h0`` ``(P, 4, 4)``,
    ``shift`` ``(P,)`` (the lowest energy for the ergotropy) taken off H0 before the
    quadratic form, since ``sum |phi|^2 = 1`` makes that exact."""
    t0, dt, N = layout
    P = h0.shape[0]
    S, C = grid_sizes(N)
    fine_levels, coarse_levels = (S - 1).bit_length(), (C - 1).bit_length()
    times = np.concatenate([[t0], dt * 2.0 ** np.arange(fine_levels),
                            S * dt * 2.0 ** np.arange(coarse_levels)])
    roots = [np.take_along_axis(y, stable_order(y), axis=-1) for y in roots]  # Leja order
    V, c, B = _steps(blocks, roots, np.broadcast_to(times, (P, times.size)))
    d = c.shape[-1]
    phi = _doubled(c[:, :, None], V[:, 1:1 + fine_levels], S)  # exp(-i H s dt) c, (P, d, S)
    coarse = _doubled(V[:, 0], V[:, 1 + fine_levels:], C)  # [V(T_0) | V(T_1) | ...]
    coarse = np.swapaxes(coarse.reshape(P, d, C, d), 1, 2)  # V(T_c), (P, C, d, d)
    K = np.conj(np.swapaxes(B, 1, 2)) @ (h0 - shift[:, None, None] * np.eye(4)) @ B
    A = np.conj(np.swapaxes(coarse, 2, 3)) @ (K[:, None] @ coarse)
    if not (np.isfinite(A).all() and np.isfinite(phi).all()):
        raise ValueError("the float path cannot represent these inputs; use digits=")
    pair = None
    if need_pair:
        W = np.swapaxes(B, 1, 2) @ SIGMA @ B
        M = np.swapaxes(coarse, 2, 3) @ (W[:, None] @ coarse)
        pair = _bilinear_factors(M, phi)
    return StoredFactors((_packed(A), _monomials(phi)), pair, start)


#: Grid values per product in :func:`_products` (512 kB of doubles): the product's output
#: stays in cache while the quantities are formed from it and written out.
CACHE_ELEMENTS = 1 << 16


def _products(factors: GridFactors, rows, out: dict, columns: slice, quantities, energies,
              inv_t: np.ndarray) -> None:
    """Multiply the factors in cache-sized groups of parameter points, form the
    quantities and write them to ``out[q][rows, columns]`` (``rows``: a slice or indices).
    The ergotropy is clipped in the product's buffer and written once to its destination
    (no temporaries of the grid's size)."""
    P, C, S = factors.size, factors.rows, factors.cols
    N = columns.stop - columns.start
    per = max(1, CACHE_ELEMENTS // (C * S))
    buffer = np.empty((per, C, S))
    scratch = np.empty((per, N))
    pair_buffer = np.empty((per, C, S), complex) if factors.has_pair else None
    low = np.minimum.reduce(energies)  # over the list: runs over the points (7x a row min)
    cap = np.maximum.reduce(energies) - low
    # one spectrum of H0 at every point: a scalar bound, which np.clip takes ~2.5x faster
    uniform = cap.size > 0 and bool(np.all(cap == cap[0]))
    for lo in range(0, P, per):
        part = slice(lo, min(P, lo + per))
        n = part.stop - lo
        target = (slice(rows.start + lo, rows.start + part.stop) if isinstance(rows, slice)
                  else rows[part])
        direct = isinstance(target, slice) and "ergotropy" in quantities
        ergotropy = out["ergotropy"][target, columns] if direct else scratch[:n]
        above = np.matmul(*factors.energy(part), out=buffer[:n]).reshape(n, C * S)[:, :N]
        # One pass from cache, the destination written once. A matmul sum starts from +0,
        # so no -0 reaches the clip (which would keep it).
        np.clip(above, 0.0, cap[0, 0] if uniform else cap[part], out=ergotropy)
        pair = None
        if pair_buffer is not None:
            pair = np.matmul(*factors.pair(part), out=pair_buffer[:n]).reshape(n, C * S)[:, :N]
        others = [q for q in quantities if not (direct and q == "ergotropy")]
        if not others:
            continue
        start = None if factors.start[0] is None else tuple(x[part, None] for x in factors.start)
        found = figures(others, None, pair, [e[part] for e in energies], inv_t, NUMPY,
                        ergotropy=ergotropy, start=start)
        for q in others:
            out[q][target, columns] = found[q] + 0.0  # + 0.0: no negative zeros


def _grid_chunk(ev: UserEvaluators, params: Sequence[np.ndarray], roots: list, layout: tuple,
                need_pair: bool, quantities, out: dict, rows: slice, columns: slice,
                inv_t: np.ndarray) -> None:
    """One chunk of parameter points (``rows`` of ``out``) on one time segment: the
    spectral factors where the roots are apart, the Newton factors elsewhere."""
    P = rows.stop - rows.start
    energies = [np.broadcast_to(np.asarray(e, float), (P,))[:, None] for e in ev.energies(*params)]
    low = np.minimum.reduce(energies)[:, 0]
    blocks = block_data(ev, params, P)
    h0 = entries(ev.energy_matrix, params, P).reshape(P, 4, 4)
    start = (None, None)  # read by the power alone
    if "power" in quantities:
        h = entries(ev.hamiltonian, params, P).reshape(P, 4, 4)
        psi0 = sum(U @ c[:, :, None] for _, c, U in blocks)[:, :, 0]
        start = start_forms(psi0.T, h0.reshape(P, 16).T, h.reshape(P, 16).T, np)
    apart = separated(roots)
    for mask, build in ((apart, spectral_factors), (~apart, newton_factors)):
        where = np.flatnonzero(mask)
        if where.size == 0:
            continue
        pick = slice(None) if where.size == P else where
        target = rows if where.size == P else rows.start + where
        factors = build([tuple(x[pick] for x in blk) for blk in blocks],
                        [y[pick] for y in roots], h0[pick],
                        tuple(None if x is None else x[pick] for x in start),
                        layout, need_pair, low[pick])
        _products(factors, target, out, columns, quantities,
                  [e[pick] for e in energies], inv_t)


def _fill(ev: UserEvaluators, params: Sequence[np.ndarray], P: int, layout: tuple,
          need_pair: bool, quantities, out: dict) -> bool:
    """Every row of ``out`` (``P`` parameter points, ``params`` each ``(P,)``); False when
    a phase exceeds :data:`PHASE_LIMIT` (nothing is written then)."""
    t0, dt, N = layout
    with np.errstate(all="ignore"):
        roots = [block_roots(ev, b, params, (P,), leja=False) for b in range(len(ev.sizes))]
        top = max(float(np.max(np.abs(r))) for r in roots)
        if not top * max(abs(t0), abs(t0 + dt * (N - 1))) <= PHASE_LIMIT:
            return False
        span = min(N, CHUNK_ELEMENTS)  # long grids go in segments, each a uniform grid itself
        S, C = grid_sizes(span)
        per_chunk = max(1, FACTOR_ELEMENTS // (16 * (S + C)))
        for first in range(0, N, span):
            count_t = min(span, N - first)
            times = t0 + dt * np.arange(first, first + count_t)
            inv_t = np.where(times > 0, 1 / np.where(times > 0, times, 1), 0.0)
            segment = (t0 + dt * first, dt, count_t)
            for lo in range(0, P, per_chunk):
                rows = slice(lo, min(P, lo + per_chunk))
                _grid_chunk(ev, [p[rows] for p in params], [r[rows] for r in roots], segment,
                            need_pair, quantities, out, rows, slice(first, first + count_t),
                            inv_t)
    return True


def evaluate_user_grid(ev: UserEvaluators, quantities: Sequence[str], t: np.ndarray,
                       layout: tuple, params: Sequence[np.ndarray]) -> dict[str, np.ndarray] | None:
    """The quantities on a uniform grid (module docstring), in chunks of parameter points
    and of times; None when a phase ``|lambda| t`` exceeds :data:`PHASE_LIMIT` somewhere
    (the general path then answers, with its mpmath fallback)."""
    N = layout[2]
    points = np.broadcast_shapes(*(np.shape(p) for p in params))
    shape = np.broadcast_shapes(t.shape, points)
    padded = (1,) * (len(shape) - len(points)) + points
    P = math.prod(padded)
    flat = [np.broadcast_to(p, padded).reshape(P) for p in params]
    if P == 0:  # an empty parameter array: an empty answer of the broadcast shape
        return {q: np.empty(shape) for q in quantities}
    need_pair = any(q in CONCURRENCE_QUANTITIES for q in quantities)
    out = {q: np.empty((P, N)) for q in quantities}
    if not _fill(ev, flat, P, layout, need_pair, quantities, out):
        return None
    result = {q: v.reshape(padded[:-1] + (N,)) for q, v in out.items()}
    return {q: v if v.shape == shape else np.array(np.broadcast_to(v, shape))
            for q, v in result.items()}
