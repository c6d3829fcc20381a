"""Uniform time grids at well separated spectra: the frequency form of the closed forms.

At a parameter point where the closed-form roots of every populated block are well
apart (:func:`separated`), the state is a sum of eigen-components,
``psi(t) = sum_k v_k f_k(t)`` with ``f_k(t) = exp(-i lambda_k t)`` and, by Sylvester's
formula for the spectral projector of a block ``b`` with roots ``y_0..y_{n-1}``,

    ``v_k = U_b prod_{j != k} (H_b - y_j) c_b / prod_{j != k} (y_k - y_j)``

(``U_b`` the block's basis, ``c_b = U_b^dag psi0``; one closed form per root, no
eigenvector solve). Then, with ``a = V^dag (H0 - shift) V`` and ``m = V^T Sigma V``
(``V = [v_0 | v_1 | ...]``),

* ``<H0> - shift = sum_k a_kk + 2 Re sum_{j<k} a_jk g_jk(t)``,
  ``g_jk = conj(f_j) f_k = exp(i (lambda_j - lambda_k) t)``: 13 real terms for d = 4
  (14 with a zero, for an aligned layout; the Newton path's Hermitian form needs 16);
* ``ad - bc = psi^T Sigma psi / 2 = sum_{j<=k} mu_jk f_j f_k`` (``mu_kk = m_kk/2``,
  ``mu_jk = m_jk`` for ``j < k``).

On ``t = T_r + c dt`` (``T_r = t0 + r cols dt``) each phasor factorises,
``g(T_r + c dt) = g(T_r) g(c dt)``, so the grid is one real product
``(rows x 14) @ (14 x cols)`` per parameter point, as on the Newton path
(:mod:`qb_symbolic.numeric.closed_form.user_grid`, 16 terms) but without its matrix exponentials:
the ``g`` at ``2^j dt`` and ``2^j cols dt`` come from phasors of the root differences
taken directly (exact phase, :func:`qb_symbolic.numeric.closed_form.divided.exp_phase`) and the
tables are filled by doubling, so no value passes through more than ``log2 N`` products
of unit phasors.

Rounding in ``(H_b - y_j) x`` is ``~eps max|y| |x|``, and the other factors and the
division by ``prod (y_k - y_j)`` amplify it by at most :func:`amplification`;
:data:`SEPARATED` bounds that factor. Measured against 30-digit mpmath (tests/
test_user_spectral.py): errors ~1e-14 on both sides of the threshold, 1e-13..8e-13 when
the frequency form is forced on amplifications of 1e3..1e4. Closer roots take the
Newton path, stable at any gap.

Measured (benchmarks/speed.py, the 4-block user map, 1000 x 1000, one BLAS thread on a
shared 2-core machine): 47-77 ms with the Newton path alone, 9 ms with this form, of
which ~2.5 ms are the grid products themselves and ~1.5 ms the roots.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from .divided import exp_phase

#: Largest rounding amplification (:func:`amplification`) for the frequency form: the
#: energy then errs by at most ~``8 SEPARATED eps`` of H0's spread (4e-13 at 200);
#: measured ~1e-14 (module docstring).
SEPARATED = 200.0

#: ``ad - bc = psi^T SIGMA psi / 2`` in the basis |uu>, |ud>, |du>, |dd>.
SIGMA = np.array([[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]], complex)


class GridFactors(ABC):
    """A uniform grid as one product per parameter point, handed out in groups of points:
    ``<H0> - shift`` is ``left @ right`` of :meth:`energy` (real ``(n, rows, K)`` and
    ``(n, K, cols)``), ``ad - bc`` that of :meth:`pair` (complex); the product's entry
    ``(r, c)`` is time ``t0 + (r cols + c) dt``. ``start`` holds ``<H0>`` and its rate at
    t = 0 (each ``(P,)``; both None when the power, their only reader, is not asked for)."""

    def __init__(self, size: int, rows: int, cols: int, start: tuple, has_pair: bool) -> None:
        self.size, self.rows, self.cols = size, rows, cols
        self.start, self.has_pair = start, has_pair

    @abstractmethod
    def energy(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """``(left, right)`` of ``<H0> - shift`` for the points ``part``."""

    @abstractmethod
    def pair(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        """``(left, right)`` of ``ad - bc`` for the points ``part``."""


class StoredFactors(GridFactors):
    """Factors computed in full beforehand (the Newton path)."""

    def __init__(self, energy: tuple, pair: tuple | None, start: tuple) -> None:
        left, right = energy
        super().__init__(left.shape[0], left.shape[1], right.shape[-1], start, pair is not None)
        self._energy, self._pair = energy, pair

    def energy(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        return self._energy[0][part], self._energy[1][part]

    def pair(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        return self._pair[0][part], self._pair[1][part]


def amplification(roots: np.ndarray) -> np.ndarray:
    """Bound on how much Sylvester's formula amplifies rounding, per point (``roots``
    ``(P, n)``): ``max_k max|y| spread^(n-2) / prod_{j != k} |y_k - y_j|`` (each product
    ``(H_b - y_j) x`` errs by ``~eps max|y| |x|``, the other factors are at most the
    spread; inf at a double root)."""
    n = roots.shape[-1]
    if n < 2:
        return np.ones(roots.shape[:-1])
    y = roots.T  # (n, P): each operation runs over the points (n-long rows cost ~10x more)
    scale = np.max(np.abs(y), axis=0)
    spread = np.max(y, axis=0) - np.min(y, axis=0)
    gap = {(j, k): np.abs(y[j] - y[k]) for j in range(n) for k in range(j + 1, n)}
    smallest = None
    for k in range(n):
        product = np.ones(y.shape[1])
        for j in range(n):
            if j != k:
                product *= gap[min(j, k), max(j, k)]
        smallest = product if smallest is None else np.minimum(smallest, product)
    with np.errstate(divide="ignore", invalid="ignore"):
        worst = scale * spread ** (n - 2) / smallest
    return np.where(np.isfinite(worst), worst, np.inf)


def separated(roots: Sequence[np.ndarray]) -> np.ndarray:
    """Mask ``(P,)`` of the points where every block (``roots[b]``: ``(P, n_b)``) has finite
    roots and :func:`amplification` at most :data:`SEPARATED`."""
    ok = np.ones(roots[0].shape[0], dtype=bool)
    for r in roots:
        ok &= np.isfinite(r).all(axis=-1) & (amplification(r) <= SEPARATED)
    return ok


def eigen_components(blocks: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
                     roots: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(P, d)`` and components ``v_k`` as columns ``(P, 4, d)`` by Sylvester's
    formula; ``blocks[b] = (H_b (P, n, n), c_b (P, n), U_b (P, 4, n))``. All ``k`` of a
    block at once: column ``k`` of ``X`` takes the factor ``H_b - y_j`` of its own
    ``j``-th other root at each of the ``n - 1`` steps."""
    lams, columns = [], []
    for (H, c, U), y in zip(blocks, roots):
        n = y.shape[-1]
        X = np.repeat(c[:, :, None], n, axis=2)  # (P, n, n): column k for root k
        denominator = np.ones(y.shape)
        for step in range(n - 1):
            other = [(k + 1 + step) % n for k in range(n)]  # each k meets every j != k once
            shifts = y[:, other]
            X = H @ X - X * shifts[:, None, :]
            denominator = denominator * (y - shifts)
        columns.append(U @ (X / denominator[:, None, :]))
        lams.append(y)
    return np.concatenate(lams, axis=-1), np.concatenate(columns, axis=-1)


# Phasor tables keep the parameter points in the middle, ``(count, 2, n, pairs)`` (both
# tables of a group side by side): a doubling step is then one contiguous block (with the
# count last, numpy would loop over short runs), and each table read as ``(n, count,
# 2 pairs)`` reals is a strided matrix BLAS takes as it is.


def _doubled(first: np.ndarray, steps: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` (``(count, ...)``, or a view of it with the count first) with
    ``first * step^m``, ``m < count``, by doubling with ``steps[k] = step^(2^k)`` (each
    taken directly, so no value passes through more than ``log2(count)`` products)."""
    out[0] = first
    filled, k, count = 1, 0, out.shape[0]
    while filled < count:
        n = min(filled, count - filled)
        np.multiply(out[:n], steps[k], out=out[filled:filled + n])
        filled, k = filled + n, k + 1
    return out


def _pairs(d: int, strict: bool = True) -> tuple[np.ndarray, np.ndarray]:
    pairs = [(j, k) for j in range(d) for k in range(j + int(strict), d)]
    return np.array([j for j, _ in pairs], int), np.array([k for _, k in pairs], int)


def difference_phasors(lam: np.ndarray, times: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``g_jk = exp(i (lambda_j - lambda_k) tau)`` for the pairs ``j < k`` of
    :func:`_pairs`, then a column of ones (the constant term), written to ``out`` (``(T, P,
    pairs + 1)``, a view into the caller's table) and returned.

    From the ``d - 1`` phasors ``e_k = exp(-i (lambda_k - lambda_0) tau)``: ``g_0k = e_k``,
    ``g_jk = conj(e_j) e_k``, a quarter fewer ``cos`` and ``sin`` calls than the ``d``
    phasors of the roots themselves. Each difference is kept exactly, as a double-double
    (Knuth's two-sum), and so is its phase: rounded differences would shift each ``g_jk``
    on its own (measured: 1.4x the mean error of the benchmark map against mpmath)."""
    j, k = _pairs(lam.shape[1])
    y, x = lam[:, 1:].T, -lam[:, 0]  # points last: every operation runs over them
    high = y + x
    back = high - y
    low = (y - (high - back)) + (x - back)
    e = exp_phase(high[None], times[:, None, None], low[None])  # (T, d - 1, P)
    for m, (first, second) in enumerate(zip(j, k)):
        if first == 0:
            out[:, :, m] = e[:, second - 1]
        else:
            np.multiply(np.conj(e[:, first - 1]), e[:, second - 1], out=out[:, :, m])
    out[..., -1] = 1.0
    return out


def grid_shape(N: int) -> tuple[int, int]:
    """``(rows, cols)`` of the frequency form: ``cols = 2^a ~ sqrt(N)`` offsets, ``rows``
    coarse times; both tables cost the same per entry, so they are balanced."""
    cols = 1 << max(0, (max(1, round(N ** 0.5)) - 1).bit_length())
    return -(-N // cols), cols


class SpectralFactors(GridFactors):
    """The frequency form's factors (module docstring) on ``t0 + (r cols + c) dt``.

    ``<H0> - shift = Re sum_m z_m(T_r) x_m(c dt)`` with ``z_m = g_m`` (the last one ``1``)
    and ``x_m = 2 a_m g_m`` (the last one the constant). Per group of points both tables
    are filled by doubling, together, into a reused buffer that stays in cache while
    their product is taken: the coarse one read as interleaved reals ``[Re z_m, Im z_m]``,
    the offsets as ``[Re x_m, -Im x_m]`` (the conjugate, ``conj(w) conj(g)^c``, is doubled
    directly). Tables of all points at once would leave cache (measured 2.5x slower)."""

    def __init__(self, a, m, lam: np.ndarray, layout: tuple, start: tuple) -> None:
        t0, dt, N = layout
        rows, cols = grid_shape(N)
        P, d = lam.shape
        super().__init__(P, rows, cols, start, m is not None)
        levels = (max(rows, cols) - 1).bit_length()
        fine = dt * 2.0 ** np.arange(levels)
        j, k = _pairs(d)
        # First rows (2, P, pairs) and doubling steps (2, levels, P, pairs) of the coarse
        # table (phasors at t0 and 2^j cols dt) and the offset table (the weights, then
        # phasors at 2^j dt), side by side; the phasors written in place, in one call
        first = np.empty((2, P, j.size + 1), complex)
        steps = np.empty((2, levels, P, j.size + 1), complex)
        difference_phasors(lam, np.concatenate([cols * fine, fine]),
                           steps.reshape(2 * levels, P, j.size + 1))
        np.conjugate(steps[1], out=steps[1])
        if t0 == 0:  # the usual start: no phase to take
            first[0] = 1.0
        else:
            difference_phasors(lam, np.array([t0]), first[:1])
        np.multiply(np.conj(a[:, j, k]), 2.0, out=first[1, :, :-1])  # conj(w): class doc
        first[1, :, -1] = np.einsum("pkk->p", a.real)
        self._energy = first, steps.transpose(1, 0, 2, 3)
        if m is not None:
            times = np.concatenate([[t0], cols * fine, fine])
            direct = exp_phase(lam[None], times[:, None, None])
            j, k = _pairs(d, strict=False)
            h = direct[:, :, j] * direct[:, :, k]  # exp(-i (lambda_j + lambda_k) tau)
            mu = m[:, j, k] * np.where(j == k, 0.5, 1.0)
            self._pair = (np.stack([h[0], mu]),
                          np.stack([h[1:1 + levels], h[1 + levels:]], axis=1))
        self._buffers: dict = {}

    def _tables(self, factors: tuple, part: slice, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Coarse ``(rows, n, pairs)`` and offset ``(cols, n, pairs)`` tables of the points
        ``part``, in the reused buffer ``name``: one doubling fills both."""
        first, steps = factors
        n = part.stop - part.start
        buffer = self._buffers.get(name)
        if buffer is None or buffer.shape[2] < n:
            shape = (max(self.rows, self.cols), 2, n, first.shape[-1])
            buffer = self._buffers[name] = np.empty(shape, complex)
        out = _doubled(first[:, part], steps[:, :, part], buffer[:, :, :n])
        return out[:self.rows, 0], out[:self.cols, 1]

    def energy(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        z, x = self._tables(self._energy, part, "energy")
        return z.view(float).transpose(1, 0, 2), x.view(float).transpose(1, 2, 0)

    def pair(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        z, x = self._tables(self._pair, part, "pair")
        return z.transpose(1, 0, 2), x.transpose(1, 2, 0)


def spectral_factors(blocks, roots, h0: np.ndarray, start: tuple, layout: tuple,
                     need_pair: bool, shift: np.ndarray) -> GridFactors:
    """The grid's factors at separated points (``blocks``, ``roots`` as for
    :func:`eigen_components`; ``h0`` ``(P, 4, 4)``; ``start`` as in :class:`GridFactors`)."""
    lam, V = eigen_components(blocks, roots)
    K = h0 - shift[:, None, None] * np.eye(4)
    a = np.conj(np.swapaxes(V, 1, 2)) @ K @ V
    m = np.swapaxes(V, 1, 2) @ SIGMA @ V if need_pair else None
    if not (np.isfinite(lam).all() and np.isfinite(a).all()):
        raise ValueError("the float path cannot represent these inputs; use digits=")
    return SpectralFactors(a, m, lam, layout, start)
