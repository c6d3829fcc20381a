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
    check_state,
    energy_functional,
    from_coordinates,
    hermitian,
    invariant_blocks,
    liouvillian_family,
    to_coordinates,
)
from .liouvillian_symmetry import symmetric_parts
from .state_spectra import extreme_eigenvalues

#: Largest Frobenius condition number of a block's eigenvectors for the spectral path. Near
#: an exceptional point the reconstruction ``V diag(exp(lam t)) V^-1 x0`` loses about
#: ``cond^2 eps`` of ``|x0|`` (eps = 2.2e-16): its terms are ``cond`` times the state, and
#: the eigenvalues' own condition, hence their error over ``eps |R|``, is ``cond`` too. 300
#: keeps that below ~2e-11; beyond it expm takes over. (At 1e5 a driven damped qubit and
#: the dephased parallel battery, just below their exceptional points, lost up to 1.5e-8;
#: at 300 their worst over the sweep in tests/test_lindblad.py is ~1e-13.)
EIGENVECTOR_CONDITION_LIMIT = 300.0
#: Blocks with more coordinates than this skip eig (O(n^3) per point) for expm_multiply,
#: unless a symmetry splits them into parts within it.
EIG_BLOCK_LIMIT = 512
#: Largest ``P n^2`` of the mode matrices of a split block beyond EIG_BLOCK_LIMIT (16 bytes
#: each: 256 MB; N = 5 cells, n = 1024: up to 16 points), beyond it expm_multiply per point.
MODE_ENTRIES = 1 << 24
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


class Scratch:
    """Work arrays reused from group to group: a fresh array of megabytes is mapped page by
    page, and on a virtual machine those faults (measured ~3 us a 4 kB page) cost as much
    as the arithmetic on it. ``scratch(name, shape, dtype)`` is a view of a kept buffer."""

    def __init__(self) -> None:
        self._kept: dict[str, np.ndarray] = {}

    def __call__(self, name: str, shape: tuple, dtype=float) -> np.ndarray:
        size = int(np.prod(shape))
        kept = self._kept.get(name)
        if kept is None or kept.size < size or kept.dtype != dtype:
            kept = self._kept[name] = np.empty(size, dtype)
        return kept[:size].reshape(shape)


def mode_table(lam: np.ndarray, t: np.ndarray, scratch: Scratch | None = None,
               real: int = 0) -> np.ndarray:
    """``[Re exp(lam t); Im exp(lam t)]`` without the first ``real`` modes' (real) ``Im``
    rows: ``lam`` ``(P, M)``, ``t`` ``(n,)`` -> real ``(P, 2M - real, n)``, the right factor
    of ``x(t) = W E(t)`` (in ``scratch`` if given)."""
    P, M = lam.shape
    grid = _uniform(t)
    if grid is None:
        E = np.exp(lam[:, :, None] * t[None, None, :])
        return np.concatenate([E.real, E.imag[:, real:]], axis=1)
    scratch = scratch or Scratch()
    (t0, h), n = grid, t.size
    m = int(np.ceil(np.sqrt(n)))
    coarse = np.exp(lam[:, :, None] * (t0 + np.arange(0, n, m) * h)[None, None, :])
    fine = np.exp(lam[:, :, None] * (np.arange(m) * h)[None, None, :])
    full = np.multiply(coarse[:, :, :, None], fine[:, :, None, :],
                       out=scratch("product", (P, M, coarse.shape[2], m), complex))
    table = scratch("table", (P, 2 * M - real) + full.shape[2:])
    table[:, :M], table[:, M:] = full.real, full.imag[:, real:]
    return table.reshape(P, 2 * M - real, full.shape[2] * m)[:, :, :n]  # M = 0: no modes


def _half_modes(lam: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The real modes, then one of each conjugate pair (weight 2): ``lam`` ``(P, n)``,
    ``W`` ``(P, n_out, n)`` -> ``M <= n`` modes (padded with weight 0)."""
    drop = lam.imag < 0
    order = np.argsort(2 * drop + (lam.imag > 0), axis=1, kind="stable")
    M = int(np.max(np.sum(~drop, axis=1), initial=0))
    lam = np.take_along_axis(lam, order, axis=1)[:, :M]
    weight = np.where(np.take_along_axis(drop, order, axis=1)[:, :M], 0.0,
                      np.where(lam.imag > 0, 2.0, 1.0))
    W = np.take_along_axis(W, order[:, None, :], axis=2)[:, :, :M] * weight[:, None, :]
    return np.where(weight > 0, lam, 0.0), W


def _inverses(V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``V^-1`` of a stack and where ``V`` is exactly singular (LAPACK refuses the whole
    stack then: eigenvectors that coincide, as a defective block's do, are then inverted
    point by point and the singular points marked for expm)."""
    try:
        return np.linalg.inv(V), np.zeros(V.shape[0], bool)
    except np.linalg.LinAlgError:
        out, singular = np.empty_like(V), np.zeros(V.shape[0], bool)
        for p, matrix in enumerate(V):
            try:
                out[p] = np.linalg.inv(matrix)
            except np.linalg.LinAlgError:
                out[p], singular[p] = np.eye(V.shape[1]), True
        return out, singular


class OpenEvolution:
    """``rho(t) = exp(L t) rho0`` at every point of a family (see :func:`open_evolution`):
    ``blocks`` (coordinate indices ``rho0`` reaches), ``parts`` (each block's index and
    the basis ``Q`` of each part a superoperator symmetry splits off, or None:
    :mod:`.liouvillian_symmetry`), ``eigenvalues`` (per part, ``(P, n_k)``) and
    ``exceptional`` (``(P,)``: the point takes expm in some part)."""

    def __init__(self, family: LiouvillianFamily, rho0: Any) -> None:
        self.family, self.d = family, family.d
        self.x0 = to_coordinates(check_state(rho0, family.d))
        self.blocks = tuple(invariant_blocks(family.pattern(), self.x0 != 0))
        self.parts = tuple((index, Q) for index in self.blocks for Q in self._split(index))
        P, D = family.points, self.d * self.d
        self.exceptional, self.eigenvalues, self._slow = np.zeros(P, bool), [], []
        modes = [(np.zeros((P, 0), complex), np.zeros((P, D, 0), complex))]
        for index, Q in self.parts:
            lam, W, bad = self._decompose(index, Q)
            self.eigenvalues.append(lam)
            self.exceptional |= bad
            self._slow.append(bad)
            full = np.zeros((P, D, W.shape[2]), complex)
            full[:, index] = W
            modes.append(_half_modes(lam, full))
        lam = np.concatenate([lam for lam, _ in modes], axis=1)
        W = np.concatenate([W for _, W in modes], axis=2)
        # modes real at every point first: their Im exp(lam t) is 0, a row the table omits
        real = np.all(lam.imag == 0, axis=0)
        order = np.argsort(~real, kind="stable")
        self._lam, W, self._real = lam[:, order], W[:, :, order], int(real.sum())
        self._W = np.concatenate([W.real, -W.imag[:, :, self._real:]], axis=2)

    def _split(self, index: np.ndarray) -> list[np.ndarray | None]:
        """The block's symmetric parts; a block beyond :data:`EIG_BLOCK_LIMIT` is split only
        when every part falls within it and its modes fit :data:`MODE_ENTRIES`."""
        if index.size <= EIG_BLOCK_LIMIT:
            return symmetric_parts(self.family, index, self.x0)
        if self.family.points * index.size ** 2 > MODE_ENTRIES:
            return [None]
        parts = symmetric_parts(self.family, index, self.x0)
        return parts if all(Q is not None and Q.shape[1] <= EIG_BLOCK_LIMIT for Q in parts) \
            else [None]

    def _generator(self, index: np.ndarray, Q: np.ndarray | None, points: Any = None
                   ) -> tuple[np.ndarray, np.ndarray]:
        """``R_p`` on a part, ``(P', n, n)`` (``Q^T R Q`` where a symmetry split the block),
        and the start's coordinates there."""
        R, start = self.family.dense(index, points), self.x0[index]
        if Q is None:
            return R, start
        return Q.T @ R @ Q, Q.T @ start

    def _decompose(self, index: np.ndarray, Q: np.ndarray | None):
        """``(lam, W, bad)`` of one part at every point (``W[:, :, k] = c_k v_k`` in the
        block's coordinates)."""
        P, n = self.family.points, index.size if Q is None else Q.shape[1]
        if n > EIG_BLOCK_LIMIT:
            return np.zeros((P, 0), complex), np.zeros((P, index.size, 0), complex), \
                np.ones(P, bool)
        R, start = self._generator(index, Q)
        lam, V = np.linalg.eig(R)
        finite = np.all(np.isfinite(lam), axis=1) & np.all(np.isfinite(V), axis=(1, 2))
        V[~finite] = np.eye(n)
        Vinv, singular = _inverses(V)
        with np.errstate(all="ignore"):
            cond = np.linalg.norm(V, axis=(1, 2)) * np.linalg.norm(Vinv, axis=(1, 2))
        bad = ~finite | singular | ~(cond <= EIGENVECTOR_CONDITION_LIMIT)
        W = V * (Vinv @ start)[:, None, :]
        W[bad] = 0.0
        return np.where(bad[:, None], 0.0, lam), W if Q is None else Q @ W, bad

    def _expm(self, k: int, p: int, t: np.ndarray) -> np.ndarray:
        """Part ``k``'s share of its block's coordinates at point ``p`` by expm:
        ``(n_b, n_t)``."""
        index, Q = self.parts[k]
        if Q is not None or index.size <= EIG_BLOCK_LIMIT:
            R, start = self._generator(index, Q, [p])
            y = (scipy.linalg.expm(t[:, None, None] * R[0][None]) @ start).T
            return y if Q is None else Q @ y
        R = self.family.sparse(p)[index][:, index]
        out, x, last = np.empty((index.size, t.size)), self.x0[index], 0.0
        for j in np.argsort(t):
            x = scipy.sparse.linalg.expm_multiply(R * (t[j] - last), x) if t[j] > last else x
            out[:, j], last = x, t[j]
        return out

    def _rows(self, t: np.ndarray, points: np.ndarray, scratch: Scratch | None = None
              ) -> np.ndarray:
        """Coordinates ``(d^2, P', n_t)``: the modes, plus the blocks done by expm. This
        layout feeds the 4x4 spectra row by row (a transposed copy costs a fifth as much).
        With ``scratch`` the result lives in it (overwritten by the next group)."""
        shape = (self.d * self.d, points.size, t.size)
        x = np.empty(shape) if scratch is None else scratch("rows", shape)
        np.matmul(self._W[points], mode_table(self._lam[points], t, scratch, self._real),
                  out=x.transpose(1, 0, 2))
        for part, slow in enumerate(self._slow):
            for k in np.flatnonzero(slow[points]):
                x[self.parts[part][0], k] += self._expm(part, int(points[k]), t)
        return x

    def _groups(self, t: np.ndarray) -> list[np.ndarray]:
        """Groups of points of about :data:`GROUP_POINTS` (time, point) pairs."""
        P, size = self.family.points, max(1, GROUP_POINTS // t.size)
        return [np.arange(k, min(P, k + size)) for k in range(0, P, size)]

    def coordinates(self, t: Any, points: Any = None) -> np.ndarray:
        """Real coordinates ``(P', n_t, d^2)`` of ``rho(t)`` at ``points`` (default all)."""
        t = check_times(t)
        points = np.arange(self.family.points) if points is None else np.asarray(points)
        return self._rows(t, points).transpose(1, 2, 0)

    def states(self, t: Any, points: Any = None) -> np.ndarray:
        """Density matrices ``(P', n_t, d, d)``."""
        return from_coordinates(self.coordinates(t, points), self.d)

    def energy(self, t: Any, H0: Any) -> np.ndarray:
        """``Tr(rho(t) H0)``: ``(P, n_t)``."""
        t, h = check_times(t), energy_functional(hermitian("H0", H0, self.d))
        out, hW = np.empty((self.family.points, t.size)), np.einsum("d,pdm->pm", h, self._W)
        scratch = Scratch()
        for points in self._groups(t):
            out[points] = np.matmul(hW[points, None, :],
                                    mode_table(self._lam[points], t, scratch, self._real))[:, 0]
            for part, slow in enumerate(self._slow):
                for k in np.flatnonzero(slow[points]):
                    out[points[k]] += h[self.parts[part][0]] @ self._expm(part, int(points[k]), t)
        return out

    def ergotropy(self, t: Any, H0: Any) -> np.ndarray:
        """Ergotropy ``(P, n_t)`` of ``rho(t)`` for the battery Hamiltonian ``H0``."""
        t, H0 = check_times(t), hermitian("H0", H0, self.d)
        out, scratch = np.empty((self.family.points, t.size)), Scratch()
        for points in self._groups(t):
            x = self._rows(t, points, scratch).reshape(self.d * self.d, -1)
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
