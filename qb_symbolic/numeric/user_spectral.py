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
(:mod:`qb_symbolic.numeric.user_grid`, 16 terms) but without its matrix exponentials:
the ``f_k`` at ``2^j dt`` and ``2^j cols dt`` are taken directly (exact phase,
:func:`qb_symbolic.numeric.divided.exp_phase`) and the tables filled by doubling, so no
value passes through more than ``log2 N`` products of unit phasors.

Rounding in ``(H_b - y_j) x`` is ``~eps max|y| |x|``, and the other factors and the
division by ``prod (y_k - y_j)`` amplify it by at most :func:`amplification`;
:data:`SEPARATED` bounds that factor. Measured against 30-digit mpmath (tests/
test_user_spectral.py): errors ~1e-14 on both sides of the threshold, 1e-13..8e-13 when
the frequency form is forced on amplifications of 1e3..1e4. Closer roots take the
Newton path, stable at any gap.

Measured (benchmarks/speed.py, the 4-block user map, 1000 x 1000): 81 ms with the
Newton path alone, 16 ms with this form (one core).
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
    t = 0 (each ``(P,)``)."""

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
    scale = np.max(np.abs(roots), axis=-1)
    spread = np.max(roots, axis=-1) - np.min(roots, axis=-1)
    worst = np.zeros(roots.shape[:-1])
    for k in range(n):
        gaps = np.prod([np.abs(roots[:, k] - roots[:, j]) for j in range(n) if j != k], axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            worst = np.maximum(worst, scale * spread ** (n - 2) / gaps)
    return np.where(np.isfinite(worst), worst, np.inf)


def separated(roots: Sequence[np.ndarray]) -> np.ndarray:
    """Mask ``(P,)`` of the points where every block (``roots[b]``: ``(P, n_b)``) has finite
    roots and :func:`amplification` at most :data:`SEPARATED`."""
    ok = np.ones(roots[0].shape[0], dtype=bool)
    for r in roots:
        ok &= np.all(np.isfinite(r), axis=-1) & (amplification(r) <= SEPARATED)
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


# Phasor tables keep the parameter points in the middle, ``(count, P, pairs)``: a doubling
# step is then one contiguous block (with the count last, numpy would loop over short
# runs), and the coarse table read as ``(P, count, 2 pairs)`` reals is a strided matrix
# BLAS takes as it is.


def _doubled(first: np.ndarray, steps: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` (``(count, ...)``) with ``first * step^m``, ``m < count``, by doubling
    with ``steps[k] = step^(2^k)`` (each taken directly, so no value passes through more
    than ``log2(count)`` products)."""
    out[0] = first
    filled, k, count = 1, 0, out.shape[0]
    while filled < count:
        n = min(filled, count - filled)
        np.multiply(out[:n], steps[k], out=out[filled:filled + n])
        filled, k = filled + n, k + 1
    return out


def direct_phasors(lam: np.ndarray, t0: float, dt: float, rows: int, cols: int) -> np.ndarray:
    """``f_k = exp(-i lambda_k t)`` (``lam``: ``(P, d)``) at ``t0``, ``2^j dt``
    (``2^j < cols``) and ``2^j cols dt`` (``2^j < rows``), each with its exact phase:
    ``(1 + fine + coarse, P, d)``."""
    fine, coarse = (cols - 1).bit_length(), (rows - 1).bit_length()
    times = np.concatenate([[t0], dt * 2.0 ** np.arange(fine),
                            cols * dt * 2.0 ** np.arange(coarse)])
    return exp_phase(lam[None], times[:, None, None])


def _pairs(d: int, strict: bool = True) -> tuple[np.ndarray, np.ndarray]:
    pairs = [(j, k) for j in range(d) for k in range(j + int(strict), d)]
    return np.array([j for j, _ in pairs], int), np.array([k for _, k in pairs], int)


def grid_shape(N: int) -> tuple[int, int]:
    """``(rows, cols)`` of the frequency form: ``cols = 2^a ~ sqrt(N)`` offsets, ``rows``
    coarse times; both tables cost the same per entry, so they are balanced."""
    cols = 1 << max(0, (max(1, round(N ** 0.5)) - 1).bit_length())
    return -(-N // cols), cols


class SpectralFactors(GridFactors):
    """The frequency form's factors (module docstring) on ``t0 + (r cols + c) dt``.

    ``<H0> - shift = Re sum_m z_m(T_r) x_m(c dt)`` with ``z_m = g_m`` (the last one ``1``)
    and ``x_m = 2 a_m g_m`` (the last one the constant): the small offset table ``x``
    (as reals ``[Re x_m; -Im x_m]``) is made for all points at once, the coarse table ``z`` per
    group of points by doubling into a reused buffer (in cache while its product is
    taken) and read as interleaved reals ``[Re z_m, Im z_m]``."""

    def __init__(self, a, m, direct: np.ndarray, rows: int, cols: int, start: tuple) -> None:
        _, P, d = direct.shape
        super().__init__(P, rows, cols, start, m is not None)
        self.fine = (cols - 1).bit_length()
        j, k = _pairs(d)
        # g_m = exp(i (lambda_j - lambda_k) tau) at the direct times, and 1 (the constant)
        self.g = np.concatenate([np.conj(direct[:, :, j]) * direct[:, :, k],
                                 np.ones(direct.shape[:2] + (1,))], axis=-1)
        weights = np.concatenate([2 * a[:, j, k], np.einsum("pkk->p", a)[:, None]], axis=-1)
        # [Re x_m, -Im x_m] interleaved, read as (P, 2q + 2, cols): BLAS takes the stride
        # conj(w g^c) = conj(w) conj(g)^c: the conjugate table is doubled directly
        self.right = self._offsets(np.conj(self.g), np.conj(weights)).view(float).transpose(1, 2, 0)
        if m is not None:
            j, k = _pairs(d, strict=False)
            self.h = direct[:, :, j] * direct[:, :, k]  # exp(-i (lambda_j + lambda_k) tau)
            mu = m[:, j, k] * np.where(j == k, 0.5, 1.0)
            self.pair_right = self._offsets(self.h, mu).transpose(1, 2, 0)
        self._buffers: dict = {}

    def _offsets(self, phasors: np.ndarray, weights: np.ndarray) -> np.ndarray:
        out = np.empty((self.cols,) + weights.shape, complex)
        return _doubled(weights, phasors[1:1 + self.fine], out)

    def _coarse(self, phasors: np.ndarray, part: slice, name: str) -> np.ndarray:
        """The coarse table of ``part`` in the reused buffer: ``(rows, n, pairs)``."""
        n = part.stop - part.start
        buffer = self._buffers.get(name)
        if buffer is None or buffer.shape[1] < n:
            buffer = self._buffers[name] = np.empty((self.rows, n, phasors.shape[-1]), complex)
        return _doubled(phasors[0, part], phasors[1 + self.fine:, part], buffer[:, :n])

    def energy(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        z = self._coarse(self.g, part, "energy")
        return z.view(float).transpose(1, 0, 2), self.right[part]

    def pair(self, part: slice) -> tuple[np.ndarray, np.ndarray]:
        return self._coarse(self.h, part, "pair").transpose(1, 0, 2), self.pair_right[part]


def spectral_factors(blocks, roots, h0: np.ndarray, start: tuple, layout: tuple,
                     need_pair: bool, shift: np.ndarray) -> GridFactors:
    """The grid's factors at separated points (``blocks``, ``roots`` as for
    :func:`eigen_components`; ``h0`` ``(P, 4, 4)``; ``start`` as in :class:`GridFactors`)."""
    t0, dt, N = layout
    lam, V = eigen_components(blocks, roots)
    K = h0 - shift[:, None, None] * np.eye(4)
    a = np.conj(np.swapaxes(V, 1, 2)) @ K @ V
    m = np.swapaxes(V, 1, 2) @ SIGMA @ V if need_pair else None
    if not (np.isfinite(lam).all() and np.isfinite(a).all()):
        raise ValueError("the float path cannot represent these inputs; use digits=")
    rows, cols = grid_shape(N)
    return SpectralFactors(a, m, direct_phasors(lam, t0, dt, rows, cols), rows, cols, start)
