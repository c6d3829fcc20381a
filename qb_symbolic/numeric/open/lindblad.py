"""Lindblad charging: ``rho(t)`` of an open battery on a parameter grid, block by block.

In the real coordinates of :mod:`.liouvillian_blocks` (row-major vec) ``dx/dt = R x``. Per
invariant block and grid point ``R_b = V diag(lam) V^-1`` (``np.linalg.eig`` on the stack
of all points), then for all times at once ``x_b(t) = Re sum_k exp(lam_k t) c_k v_k``,
``c = V^-1 x_b(0)``. ``R_b`` is real, so LAPACK returns its complex eigenvalues in exact
conjugate pairs: one of each is kept, weight 2. On a uniform grid ``exp(lam (t0 + (jm + r)
h)) = exp(lam (t0 + jm h)) exp(lam r h)``: ``~2 sqrt(n)`` exponentials per mode, not ``n``.

**Exceptional points.** Where eigenvectors coalesce ``V`` is singular and the sum cancels
large terms: a point with ``cond_F(V) = |V|_F |V^-1|_F`` above
:data:`EIGENVECTOR_CONDITION_LIMIT` (or not finite) takes ``scipy.linalg.expm(R_b t)
x_b(0)`` for that block; blocks beyond :data:`EIG_BLOCK_LIMIT` take ``expm_multiply``.

**Figures of merit.** Energy ``Tr(rho H0)``, ergotropy ``Tr(rho H0) - sum_k r_k e_k`` (``r``
decreasing, H0's levels ``e`` increasing; docs/conventions.md). For two qubits with
``H0 = omega0 (sz1 + sz2)`` only the extreme eigenvalues of ``rho`` matter
(:func:`extreme_eigenvalues`: certified, LAPACK where the certificate fails).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse.linalg

from .liouvillian_blocks import (
    LiouvillianFamily,
    characteristic,
    check_state,
    energy_functional,
    from_coordinates,
    hermitian,
    invariant_blocks,
    liouvillian_family,
    to_coordinates,
)

#: Largest Frobenius condition number of a block's eigenvectors for the spectral path. The
#: reconstruction ``V diag(exp(lam t)) V^-1 x0`` loses about ``cond * eps`` of ``|x0|``
#: (eps = 2.2e-16): 1e5 keeps it below ~2e-11, well inside the 1e-9 the tests ask; nearer
#: an exceptional point (cond -> infinity there) expm takes over.
EIGENVECTOR_CONDITION_LIMIT = 1e5
#: Blocks with more coordinates than this skip eig (O(n^3) per point) for expm_multiply.
EIG_BLOCK_LIMIT = 512
#: (time, point) pairs per elementwise chunk of the 4x4 spectra: ~100 numpy calls each, so
#: the per-call overhead needs thousands; measured best at 16384 (1024: 1.6x slower).
CHUNK_POINTS = 16384
#: (time, point) pairs whose coordinates are made at once (16 x 65536 doubles: 8 MB).
GROUP_POINTS = 65536
#: A time grid counts as uniform when every t is within this many ulps of ``t0 + k h``.
UNIFORM_ULPS = 8
#: H0's two middle levels count as one (the fast two-qubit ergotropy) within this fraction
#: of its largest level: a passive energy then moves by at most that much of it.
LEVEL_TOLERANCE = 1e-14


def check_times(t: Any) -> np.ndarray:
    """A 1-D float array of finite times ``>= 0``; ValueError otherwise."""
    try:
        times = np.atleast_1d(np.asarray(t, dtype=float))
    except (TypeError, ValueError):
        times = np.array([np.nan])
    if times.ndim != 1 or not np.all(np.isfinite(times)):
        raise ValueError("times must be a 1-D array of finite real numbers")
    if np.any(times < 0):
        raise ValueError(f"times must be >= 0 (the evolution runs forward); got {times.min():g}")
    return times


def _uniform(t: np.ndarray) -> tuple[float, float] | None:
    """``(t0, h)`` if ``t = t0 + k h`` to :data:`UNIFORM_ULPS`, else None."""
    n = t.size
    h = (t[-1] - t[0]) / max(n - 1, 1)
    if n < 3 or h <= 0 or np.max(np.abs(t - t[0] - np.arange(n) * h)) > \
            UNIFORM_ULPS * np.spacing(max(abs(t[-1]), 1.0)):
        return None
    return float(t[0]), float(h)


def exponentials(lam: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``exp(lam t)``: ``lam`` ``(P, M)``, ``t`` ``(n,)`` -> ``(P, n, M)``."""
    grid = _uniform(t)
    if grid is None:
        return np.exp(lam[:, None, :] * t[None, :, None])
    (t0, h), n = grid, t.size
    m = int(np.ceil(np.sqrt(n)))
    coarse = np.exp(lam[:, None, :] * (t0 + np.arange(0, n, m) * h)[None, :, None])
    fine = np.exp(lam[:, None, :] * (np.arange(m) * h)[None, :, None])
    full = coarse[:, :, None, :] * fine[:, None, :, :]
    return full.reshape(lam.shape[0], -1, lam.shape[1])[:, :n]


def _half_modes(lam: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One mode of each conjugate pair (weight 2) and the real ones, first: ``lam``
    ``(P, n)``, ``W`` ``(P, n_out, n)`` -> ``M <= n`` modes (padded with weight 0)."""
    drop = lam.imag < 0
    order = np.argsort(drop, axis=1, kind="stable")
    M = int(np.max(np.sum(~drop, axis=1), initial=0))
    lam = np.take_along_axis(lam, order, axis=1)[:, :M]
    weight = np.where(np.take_along_axis(drop, order, axis=1)[:, :M], 0.0,
                      np.where(lam.imag > 0, 2.0, 1.0))
    W = np.take_along_axis(W, order[:, None, :], axis=2)[:, :, :M] * weight[:, None, :]
    return np.where(weight > 0, lam, 0.0), W


class OpenEvolution:
    """``rho(t) = exp(L t) rho0`` at every point of a family (see :func:`open_evolution`):
    ``blocks`` (coordinate indices ``rho0`` reaches), ``eigenvalues`` (per block, ``(P, n_b)``)
    and ``exceptional`` (``(P,)``: the point takes expm in some block)."""

    def __init__(self, family: LiouvillianFamily, rho0: Any) -> None:
        self.family, self.d = family, family.d
        self.x0 = to_coordinates(check_state(rho0, family.d))
        self.blocks = tuple(invariant_blocks(family.pattern(), self.x0 != 0))
        P, D = family.points, self.d * self.d
        self.exceptional, self.eigenvalues, self._slow = np.zeros(P, bool), [], []
        modes = [(np.zeros((P, 0), complex), np.zeros((P, D, 0), complex))]
        for index in self.blocks:
            lam, W, bad = self._decompose(index)
            self.eigenvalues.append(lam)
            self.exceptional |= bad
            self._slow.append(bad)
            full = np.zeros((P, D, W.shape[2]), complex)
            full[:, index] = W
            modes.append(_half_modes(lam, full))
        self._lam = np.concatenate([lam for lam, _ in modes], axis=1)
        W = np.concatenate([W for _, W in modes], axis=2)
        self._W = np.concatenate([W.real, -W.imag], axis=2)  # x = W [Re E; Im E]

    def _decompose(self, index: np.ndarray):
        """``(lam, W, bad)`` of one block at every point (``W[:, :, k] = c_k v_k``)."""
        P, n = self.family.points, index.size
        if n > EIG_BLOCK_LIMIT:
            return np.zeros((P, 0), complex), np.zeros((P, n, 0), complex), np.ones(P, bool)
        lam, V = np.linalg.eig(self.family.dense(index))
        finite = np.all(np.isfinite(lam), axis=1) & np.all(np.isfinite(V), axis=(1, 2))
        V[~finite] = np.eye(n)
        with np.errstate(all="ignore"):
            Vinv = np.linalg.inv(V)
            cond = np.linalg.norm(V, axis=(1, 2)) * np.linalg.norm(Vinv, axis=(1, 2))
        bad = ~finite | ~(cond <= EIGENVECTOR_CONDITION_LIMIT)
        W = V * (Vinv @ self.x0[index])[:, None, :]
        W[bad] = 0.0
        return np.where(bad[:, None], 0.0, lam), W, bad

    def _expm(self, b: int, p: int, t: np.ndarray) -> np.ndarray:
        """``x_b(t)`` of block ``b`` at point ``p`` by expm: ``(n_b, n_t)``."""
        index, x0 = self.blocks[b], self.x0[self.blocks[b]]
        if index.size <= EIG_BLOCK_LIMIT:
            R = self.family.dense(index, [p])[0]
            return (scipy.linalg.expm(t[:, None, None] * R[None]) @ x0).T
        R = self.family.sparse(p)[index][:, index]
        out, x, last = np.empty((index.size, t.size)), x0, 0.0
        for k in np.argsort(t):
            x = scipy.sparse.linalg.expm_multiply(R * (t[k] - last), x) if t[k] > last else x
            out[:, k], last = x, t[k]
        return out

    def _columns(self, t: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Coordinates ``(P', d^2, n_t)``: the modes, plus the blocks done by expm."""
        E = exponentials(self._lam[points], t)
        x = np.matmul(self._W[points], np.concatenate([E.real, E.imag], axis=2).transpose(0, 2, 1))
        for b, slow in enumerate(self._slow):
            for k in np.flatnonzero(slow[points]):
                x[k][self.blocks[b]] += self._expm(b, int(points[k]), t)
        return x

    def _groups(self, t: np.ndarray) -> list[np.ndarray]:
        """Groups of points of about :data:`GROUP_POINTS` (time, point) pairs."""
        P, size = self.family.points, max(1, GROUP_POINTS // t.size)
        return [np.arange(k, min(P, k + size)) for k in range(0, P, size)]

    def coordinates(self, t: Any, points: Any = None) -> np.ndarray:
        """Real coordinates ``(P', n_t, d^2)`` of ``rho(t)`` at ``points`` (default all)."""
        t = check_times(t)
        points = np.arange(self.family.points) if points is None else np.asarray(points)
        return self._columns(t, points).transpose(0, 2, 1)

    def states(self, t: Any, points: Any = None) -> np.ndarray:
        """Density matrices ``(P', n_t, d, d)``."""
        return from_coordinates(self.coordinates(t, points), self.d)

    def energy(self, t: Any, H0: Any) -> np.ndarray:
        """``Tr(rho(t) H0)``: ``(P, n_t)``."""
        t, h = check_times(t), energy_functional(hermitian("H0", H0, self.d))
        out, hW = np.empty((self.family.points, t.size)), np.einsum("d,pdm->pm", h, self._W)
        for points in self._groups(t):
            E = exponentials(self._lam[points], t)
            out[points] = np.matmul(np.concatenate([E.real, E.imag], axis=2),
                                    hW[points, :, None])[:, :, 0]
            for b, slow in enumerate(self._slow):
                for k in np.flatnonzero(slow[points]):
                    out[points[k]] += h[self.blocks[b]] @ self._expm(b, int(points[k]), t)
        return out

    def ergotropy(self, t: Any, H0: Any) -> np.ndarray:
        """Ergotropy ``(P, n_t)`` of ``rho(t)`` for the battery Hamiltonian ``H0``."""
        t, H0 = check_times(t), hermitian("H0", H0, self.d)
        out = np.empty((self.family.points, t.size))
        for points in self._groups(t):
            x = self._columns(t, points).transpose(1, 0, 2).reshape(self.d * self.d, -1)
            out[points] = ergotropy_of_coordinates(x, H0).reshape(points.size, t.size)
        return out


def open_evolution(H: Any, jumps: Sequence[Any], rho0: Any, rates: Any = None) -> OpenEvolution:
    """The Lindblad evolution of ``rho0`` at every point of a grid.

    Parameters
    ----------
    H
        Hermitian ``(d, d)`` Hamiltonian, or ``(P, d, d)``: one per grid point.
    jumps
        Jump operators ``(d, d)``: the ``L_k`` if ``rates`` is None, else ``A_k`` with
        ``L_k = sqrt(rates[p, k]) A_k``.
    rho0
        Initial density matrix ``(d, d)`` or normalised ket ``(d,)``.
    rates
        ``(P, K)`` rates (1-D: one per point for a single operator, else one per operator).

    Raises
    ------
    ValueError
        For a non-Hermitian H, wrong operator sizes, negative rates or a bad state.

    Examples
    --------
    >>> import numpy as np
    >>> sm = np.array([[0, 0], [1, 0]])           # |d><u|: decay of the excited |u>
    >>> ev = open_evolution(np.zeros((2, 2)), [sm], [1, 0], rates=[1.0, 2.0])
    >>> np.round(ev.states([1.0])[:, 0, 0, 0].real, 6)   # exp(-rate t)
    array([0.367879, 0.135335])
    """
    return OpenEvolution(liouvillian_family(H, jumps, rates), rho0)


def energy(rho: Any, H0: Any) -> np.ndarray:
    """``Tr(rho H0)`` of a state or a stack ``(..., d, d)``."""
    rho = np.asarray(rho, dtype=complex)
    return np.einsum("...ij,ji->...", rho, hermitian("H0", H0, rho.shape[-1])).real


def ergotropy(rho: Any, H0: Any) -> np.ndarray:
    """Ergotropy ``Tr(rho H0) - sum_k r_k(down) e_k(up)`` of a state or a stack
    ``(..., d, d)`` (docs/conventions.md)."""
    rho = np.asarray(rho, dtype=complex)
    d = rho.shape[-1]
    x = to_coordinates(rho).reshape(-1, d * d).T
    return ergotropy_of_coordinates(x, hermitian("H0", H0, d)).reshape(rho.shape[:-2])


def ergotropy_of_coordinates(x: np.ndarray, H0: np.ndarray) -> np.ndarray:
    """Ergotropy of the states of coordinates ``x`` ``(d^2, n)``: LAPACK's spectra or, for
    ``d = 4`` with H0's middle levels equal (``omega0 (sz1 + sz2)``, to
    :data:`LEVEL_TOLERANCE`), the certified extreme eigenvalues (LAPACK where not)."""
    d, levels = H0.shape[0], np.linalg.eigvalsh(H0)
    stored = energy_functional(H0) @ x
    if d != 4 or levels[2] - levels[1] > LEVEL_TOLERANCE * max(-levels[0], levels[3], 1e-300):
        return stored - np.linalg.eigvalsh(from_coordinates(x.T, d))[:, ::-1] @ levels
    top, bottom, ok = extreme_eigenvalues(x)
    middle = (levels[1] + levels[2]) / 2
    passive = levels[0] * top + middle * (x[:4].sum(axis=0) - top - bottom) + levels[3] * bottom
    if not np.all(ok):
        passive[~ok] = np.linalg.eigvalsh(from_coordinates(x[:, ~ok].T, d))[:, ::-1] @ levels
    return stored - passive


# --------------------------------------------------------------------------
# Extreme eigenvalues of 4x4 Hermitian matrices, vectorised and certified
# --------------------------------------------------------------------------

#: Bound on the rounding of the quartic ``p(y)`` (its coefficients, from ~30 products of four
#: entries of size <= sigma = |rho - Tr/4|_F, and its evaluation), in ulps of ``sigma^4``;
#: measured: <= 15 ulps per coefficient on 2e5 random states, so ~10x margin.
COEFFICIENT_ULPS = 512
#: Certified error of an extreme eigenvalue, relative to ``scale = |Tr|/4 + sigma``.
EIGENVALUE_TOLERANCE = 1e-11
_PAIRS = tuple(zip(*np.triu_indices(4, 1)))  # (0, 1), (0, 2), ... (2, 3)


def _ferrari(e2, e3, e4):
    """Largest and smallest root of ``y^4 + e2 y^2 - e3 y + e4`` (all real). Euler's
    resolvent ``z^3 + 2 e2 z^2 + (e2^2 - 4 e4) z - e3^2`` has the roots ``(y_1 + y_k)^2``
    (trigonometric form); ``y = (+-s1 +- s2 +- s3)/2`` with ``s1 s2 s3 = e3``."""
    a, b = 2 * e2, e2 * e2 - 4 * e4
    p, r = b - a * a / 3, 2 * a ** 3 / 27 - a * b / 3 - e3 * e3
    m = np.sqrt(np.maximum(-p / 3, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.arccos(np.clip(np.where(m > 0, -r / (2 * m ** 3), 0.0), -1.0, 1.0)) / 3
    c, s = m * np.cos(theta), m * np.sin(theta) * np.sqrt(3)
    s1, s2, s3 = np.sqrt(np.maximum(np.stack([2 * c, s - c, -c - s]) - a / 3, 0.0))
    s3 = np.where(e3 < 0, -s3, s3)
    roots = np.stack([s1 + s2 + s3, s1 - s2 - s3, s2 - s1 - s3, s3 - s1 - s2]) / 2
    return roots.max(axis=0), roots.min(axis=0)


def _polish(y, e2, e3, e4, side: float):
    """One Newton step, then a bound on the distance to the root on ``side`` (+1 the
    largest, -1 the smallest): ``inf`` unless the Taylor coefficients ``p'``, ``p''``,
    ``24 y`` at ``y`` have the signs that leave beyond ``y`` at most one root, within
    ``|p/p'|`` of it (Descartes), else ``(4 |p| + rounding) / |p'|`` (a real-rooted quartic
    has a root within ``4 |p/p'|``; rounding moves it by rounding/|p'|); 0 and
    ``sqrt(3/4) sigma`` where that is less."""
    with np.errstate(all="ignore"):
        for step in (True, False):
            y2 = y * y
            p = ((y2 + e2) * y - e3) * y + e4
            dp = (4 * y2 + 2 * e2) * y - e3
            if step:
                y = np.where(dp != 0, y - p / dp, y)
        rounding = COEFFICIENT_ULPS * np.finfo(float).eps * 4 * e2 * e2
        error = (4 * np.abs(p) + rounding) / np.abs(dp)
        error[~((side * dp > 0) & (12 * y2 + 2 * e2 > 0) & (side * y > 0))] = np.inf
    spread = np.sqrt(np.maximum(-1.5 * e2, 0.0))  # every root is within it of 0 (Samuelson)
    return np.where(spread < error, 0.0, y), np.minimum(spread, error)


def _adjugate(x: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Coordinates of ``adj(rho - shift)``, ``adj_ij = (-1)^(i+j) det(without row j,
    column i)``, each 3x3 determinant expanded along its first row (cyclically)."""
    B = from_coordinates(x.T, 4).transpose(1, 2, 0) - shift * np.eye(4)[:, :, None]

    def cofactor(j, i):
        (r, s, u), c = [k for k in range(4) if k != j], [k for k in range(4) if k != i]
        return (-1) ** (i + j) * sum(B[r, c[k]] * (B[s, c[k - 2]] * B[u, c[k - 1]]
                                                   - B[s, c[k - 1]] * B[u, c[k - 2]])
                                     for k in range(3))

    upper = np.array([cofactor(j, i) for i, j in _PAIRS])
    diagonal = np.array([cofactor(i, i).real for i in range(4)])
    return np.concatenate([diagonal, upper.real, upper.imag])


def _first_pass(x: np.ndarray):
    """``(top, bottom, their error bounds, scale)`` of a chunk, from its quartic."""
    q, e2, e3, e4 = characteristic(x)
    (top, top_error), (bottom, bottom_error) = (
        _polish(y, e2, e3, e4, side) for y, side in zip(_ferrari(e2, e3, e4), (1.0, -1.0)))
    scale = np.abs(q) + np.sqrt(np.maximum(-2 * e2, 0.0))
    return top + q, bottom + q, top_error, bottom_error, scale


def _deflated_bottom(x, top, top_error, scale):
    """The smallest eigenvalue, bounded, after moving ``top`` to the mean ``s`` of the
    others. ``P = adj(rho - top)/Tr adj`` is a polynomial in ``rho`` (the top projector if
    ``top`` is exact): ``rho - c P``, ``c = top - s``, has eigenvalues ``r_k - c w_k`` and a
    quartic with roots on the small eigenvalues' scale. Bound: that quartic's, plus
    ``|c w_k| <= c d/(r_max - r_k)`` for an error ``d`` in ``top`` (``r_max - r_k >=
    2 top - Tr + 2 r_min``: the others sum to ``Tr - top``), plus the rounding of
    ``rho - c P`` (Weyl: its norm, ulps of ``scale (1 + 8 c scale^3/|Tr adj|)``)."""
    adj, trace = _adjugate(x, top), x[:4].sum(axis=0)
    c, norm = top - (trace - top) / 3, adj[:4].sum(axis=0)
    q, e2, e3, e4 = characteristic(x - c * adj / norm)
    value, error = _polish(_ferrari(e2, e3, e4)[1], e2, e3, e4, -1.0)
    gap = 2 * top - trace + 2 * (value + q - error)
    with np.errstate(all="ignore"):
        moved = np.where(gap > 0, c * top_error / gap, np.inf)
        rounding = COEFFICIENT_ULPS * np.finfo(float).eps * scale * (
            1 + 8 * c * scale ** 3 / np.abs(norm))
    return value + q, error + moved + rounding


def extreme_eigenvalues(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Largest and smallest eigenvalue of 4x4 Hermitian matrices of coordinates ``x``
    ``(16, n)``, and where both are certified to :data:`EIGENVALUE_TOLERANCE`.

    The characteristic quartic of ``rho - Tr/4``, Ferrari's roots, one Newton step and the
    bound of :func:`_polish`. The small eigenvalues of a nearly pure state
    (``r_max >= 3/4 Tr``) are ill-conditioned as roots of that quartic: they are found
    again by :func:`_deflated_bottom`. The caller takes LAPACK where the certificate fails.
    """
    parts = [_first_pass(x[:, k:k + CHUNK_POINTS]) for k in range(0, x.shape[1], CHUNK_POINTS)]
    top, bottom, top_error, bottom_error, scale = (np.concatenate(items) for items in zip(
        *parts or [[np.zeros(0)] * 5]))
    bound, trace = EIGENVALUE_TOLERANCE * scale, x[:4].sum(axis=0)
    redo = np.flatnonzero((top_error <= bound / 4) & (bottom_error > bound)
                          & (top >= 0.75 * trace))
    for k in range(0, redo.size, CHUNK_POINTS):
        pick = redo[k:k + CHUNK_POINTS]
        bottom[pick], bottom_error[pick] = _deflated_bottom(x[:, pick], top[pick],
                                                            top_error[pick], scale[pick])
    return top, bottom, (top_error <= bound) & (bottom_error <= bound)
