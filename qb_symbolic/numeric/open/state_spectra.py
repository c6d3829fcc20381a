"""Extreme eigenvalues of stacks of 4x4 density matrices, vectorised and certified.

The two-qubit ergotropy with ``H0 = omega0 (sz1 + sz2)`` needs only the largest and the
smallest eigenvalue of ``rho`` (docs/conventions.md), at a million (time, parameter) points
for one map: LAPACK's ``eigvalsh`` costs ~1.7 us a point there, this module ~0.3 us.

Input: real coordinates ``x`` ``(16, n)`` (``rho_ii``, then ``Re rho_ij``, then ``Im rho_ij``
for ``i < j`` in ``triu_indices`` order, :mod:`.liouvillian_blocks`). Steps:

1. the characteristic quartic ``det(y - B) = y^4 + e2 y^2 - e3 y + e4`` of the traceless
   ``B = rho - Tr/4``, from the permutation expansion of a Hermitian determinant grouped by
   cycle type (:func:`characteristic`);
2. its largest and smallest root by Ferrari's method through Euler's resolvent
   (:func:`_ferrari`), then one Newton step and a bound (:func:`_polish`);
3. where the largest root is certified and the smallest is not (small eigenvalues that are
   ill-conditioned roots of the quartic: a nearly pure state, or a near-degenerate bottom),
   the top is moved into the others' cluster by the polynomial projector ``adj(rho - top)/
   Tr adj`` and the smallest root found again at the cluster's scale
   (:func:`_deflated_bottom`).

Every value comes with an error bound; the caller takes LAPACK where a bound exceeds
:data:`EIGENVALUE_TOLERANCE`.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

#: Bound on the rounding of the quartic ``p(y)`` (its coefficients, from ~30 products of four
#: entries of size <= sigma = |rho - Tr/4|_F, and its evaluation), in ulps of ``sigma^4``;
#: measured: <= 15 ulps per coefficient on 2e5 random states, so ~30x margin.
COEFFICIENT_ULPS = 512
#: Certified error of an extreme eigenvalue, relative to ``scale = |Tr|/4 + sigma``.
EIGENVALUE_TOLERANCE = 1e-11
#: (point) columns per elementwise chunk: ~150 numpy calls a chunk, so the per-call
#: overhead needs thousands; 16384 measured best (4096: 1.6x slower, 65536: 1.2x).
CHUNK_POINTS = 16384
_EPS = np.finfo(float).eps
#: Pairs (i, j), i < j, in coordinate order, and each pair's position.
_PAIRS = tuple(zip(*np.triu_indices(4, 1)))
_SLOT = {pair: k for k, pair in enumerate(_PAIRS)}


class _Hermitian4:
    """The entries of ``B = rho - shift`` for coordinates ``x`` ``(16, n)``: diagonal ``a``
    ``(4, n)``, upper ``re``, ``im`` ``(6, n)`` and ``s = |B_ij|^2``; :meth:`entry` gives
    ``B_ij`` as ``(re, im)`` for any ``i != j`` (the lower ones conjugate)."""

    def __init__(self, x: np.ndarray, shift) -> None:
        self.a = x[:4] - shift
        self.re, self.im = x[4:10], x[10:16]
        self.s = self.re * self.re + self.im * self.im

    def entry(self, i: int, j: int):
        k = _SLOT[(min(i, j), max(i, j))]
        return (self.re[k], self.im[k]) if i < j else (self.re[k], -self.im[k])

    def pair(self, i: int, j: int):
        return self.s[_SLOT[(min(i, j), max(i, j))]]

    def loop(self, *path: int):
        """``Re`` and ``Im`` of ``B_{p0 p1} B_{p1 p2} ...`` along ``path``."""
        re, im = self.entry(path[0], path[1])
        for a, b in pairwise(path[1:]):
            r, i = self.entry(a, b)
            re, im = re * r - im * i, re * i + im * r
        return re, im


def _triangles(B: _Hermitian4) -> dict:
    """``T_ijk = 2 Re(B_ij B_jk B_ki)`` (both orientations of the 3-cycle) and the products
    ``B_ij B_jk`` they share with the 4-cycles, keyed by the triangle."""
    out = {}
    for i, j, k in ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)):
        wr, wi = B.loop(i, j, k)
        cr, ci = B.entry(k, i)
        out[(i, j, k)] = (wr, wi, 2 * (wr * cr - wi * ci))
    return out


def characteristic(x: np.ndarray):
    """``q = Tr/4`` and ``e2, e3, e4`` of ``det(y - B) = y^4 + e2 y^2 - e3 y + e4``,
    ``B = rho - q`` (traceless), for coordinates ``x`` ``(16, n)``.

    Permutation expansion by cycle type, with ``s_ij = |B_ij|^2`` and ``T_ijk`` the 3-cycles:
    ``e2 = -sum a^2/2 - sum s``; ``e3 = sum a^3/3 + sum_ij s_ij (a_i + a_j) + sum T``;
    ``e4 = a0 a1 a2 a3 - sum s_ij a_k a_l + sum a_l T_ijk + sum s_ij s_kl - sum C``, the
    last over the three undirected 4-cycles ``C = 2 Re(B_ij B_jk B_kl B_li)``.
    """
    q = (x[0] + x[1] + x[2] + x[3]) * 0.25
    B = _Hermitian4(x, q)
    a, s = B.a, B.s
    a0, a1, a2, a3 = a
    s01, s02, s03, s12, s13, s23 = s
    aa = a * a
    e2 = -0.5 * (aa[0] + aa[1] + aa[2] + aa[3]) - (s01 + s02 + s03 + s12 + s13 + s23)
    T = _triangles(B)
    t012, t013, t023, t123 = (T[key][2] for key in ((0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)))
    e3 = (a0 * (aa[0] / 3 + s01 + s02 + s03) + a1 * (aa[1] / 3 + s01 + s12 + s13)
          + a2 * (aa[2] / 3 + s02 + s12 + s23) + a3 * (aa[3] / 3 + s03 + s13 + s23)
          + t012 + t013 + t023 + t123)
    p01, p23 = a0 * a1, a2 * a3
    e4 = (p01 * p23 - s01 * p23 - s23 * p01 - s02 * (a1 * a3) - s13 * (a0 * a2)
          - s03 * (a1 * a2) - s12 * (a0 * a3)
          + a3 * t012 + a2 * t013 + a1 * t023 + a0 * t123
          + s01 * s23 + s02 * s13 + s03 * s12 - _four_cycles(B, T))
    return q, e2, e3, e4


def _four_cycles(B: _Hermitian4, T: dict):
    """``sum 2 Re(B_ij B_jk B_kl B_li)`` over 0-1-2-3, 0-1-3-2 and 0-2-1-3, reusing the
    triangles' two-step products."""
    total = 0
    for (i, j, k), (l, m) in (((0, 1, 2), (3, 0)), ((0, 1, 3), (2, 0)), ((0, 2, 1), (3, 0))):
        if (i, j, k) in T:
            wr, wi = T[(i, j, k)][:2]
        else:
            wr, wi = B.loop(i, j, k)
        vr, vi = B.loop(k, l, m)
        total = total + 2 * (wr * vr - wi * vi)
    return total


def _ferrari(e2, e3, e4):
    """Largest and smallest root of ``y^4 + e2 y^2 - e3 y + e4`` (all real). Euler's
    resolvent ``z^3 + 2 e2 z^2 + (e2^2 - 4 e4) z - e3^2`` has the roots ``(y_1 + y_k)^2``:
    with ``z = w - 2 e2/3``, ``w^3 - 3 m^2 w - 2 m^3 u = 0`` where ``m^2 = e2^2/9 + 4 e4/3``
    and ``2 m^3 u = 2 e2^3/27 - 8 e2 e4/3 + e3^2``, so ``w_k = 2 m cos(theta - 2 pi k/3)``,
    ``theta = arccos(u)/3`` in ``[0, pi/3]`` and ``z_1 >= z_2 >= z_3 >= 0``. With
    ``s_k = sqrt(z_k)`` and ``s1 s2 s3 = e3`` (the sign on ``s3``) the largest root is
    ``(s1 + s2 + s3)/2`` and the smallest ``(s3 - s1 - s2)/2``."""
    e2sq = e2 * e2
    m2 = np.maximum(e2sq / 9 + e4 * (4 / 3), 0.0)
    m = np.sqrt(m2)
    den = 2 * m2 * m
    u = np.divide(e2 * (e2sq * (2 / 27) - e4 * (8 / 3)) + e3 * e3, den,
                  out=np.zeros_like(den), where=den > 0)
    cos = np.cos(np.arccos(np.clip(u, -1.0, 1.0, out=u)) / 3)
    c, s = m * cos, m * np.sqrt(np.maximum(3 - 3 * cos * cos, 0.0))  # sqrt 3 sin(theta)
    shift = e2 * (2 / 3)
    s1 = np.sqrt(np.maximum(2 * c - shift, 0.0))
    s2 = np.sqrt(np.maximum(s - c - shift, 0.0))
    s3 = np.copysign(np.sqrt(np.maximum(-c - s - shift, 0.0)), e3)
    return (s1 + s2 + s3) / 2, (s3 - s1 - s2) / 2


def _polish(y, e2, e3, e4, side: float):
    """One Newton step, then a bound on the distance to the root on ``side`` (+1 the
    largest, -1 the smallest): ``inf`` unless the Taylor coefficients ``p'``, ``p''``,
    ``24 y`` at ``y`` have the signs that leave beyond ``y`` at most one root, within
    ``|p/p'|`` of it (Descartes), else ``(4 |p| + rounding) / |p'|`` (a real-rooted quartic
    has a root within ``4 |p/p'|``; rounding moves it by rounding/|p'|); 0 and
    ``sqrt(3/4) sigma`` where that is less. (The bound at Ferrari's root itself, plus the
    step, certifies 2% fewer points of an open-battery map: LAPACK then costs more than the
    second evaluation.)"""
    with np.errstate(all="ignore"):
        for step in (True, False):
            y2 = y * y
            p = ((y2 + e2) * y - e3) * y + e4
            dp = (4 * y2 + 2 * e2) * y - e3
            if step:
                y = np.where(dp != 0, y - p / dp, y)
        rounding = COEFFICIENT_ULPS * _EPS * 4 * e2 * e2
        error = (4 * np.abs(p) + rounding) / np.abs(dp)
        error[~((side * dp > 0) & (12 * y2 + 2 * e2 > 0) & (side * y > 0))] = np.inf
    spread = np.sqrt(np.maximum(-1.5 * e2, 0.0))  # every root is within it of 0 (Samuelson)
    return np.where(spread < error, 0.0, y), np.minimum(spread, error)


def adjugate(x: np.ndarray, shift) -> np.ndarray:
    """Coordinates ``(16, n)`` of ``adj(B)``, ``B = rho - shift``: ``adj_ij = d det B /
    d B_ji``. Diagonal: the principal 3x3 minors ``a_j a_k a_l + T_jkl - a_j s_kl - ...``;
    off the diagonal (``{k, l}`` the other two indices)
    ``B_ij (s_kl - a_k a_l) + B_ik (a_l B_kj - B_kl B_lj) + B_il (a_k B_lj - B_lk B_kj)``."""
    B = _Hermitian4(x, shift)
    a, T = B.a, _triangles(B)
    out = np.empty((16,) + a.shape[1:])
    for i in range(4):
        j, k, l = (m for m in range(4) if m != i)
        out[i] = (a[j] * a[k] * a[l] + T[(j, k, l)][2] - a[j] * B.pair(k, l)
                  - a[k] * B.pair(j, l) - a[l] * B.pair(j, k))
    for n, (i, j) in enumerate(_PAIRS):
        k, l = (m for m in range(4) if m not in (i, j))
        re, im = B.entry(i, j)
        w = B.pair(k, l) - a[k] * a[l]
        re, im = re * w, im * w
        for m, o in ((k, l), (l, k)):
            br, bi = B.entry(i, m)
            mr, mi = B.entry(m, j)
            cr, ci = B.loop(m, o, j)
            ur, ui = a[o] * mr - cr, a[o] * mi - ci
            re, im = re + br * ur - bi * ui, im + br * ui + bi * ur
        out[4 + n], out[10 + n] = re, im
    return out


def _first_pass(x: np.ndarray):
    """``(top, bottom, their error bounds, scale)`` of a chunk, from its quartic."""
    q, e2, e3, e4 = characteristic(x)
    top, bottom = _ferrari(e2, e3, e4)
    (top, top_error), (bottom, bottom_error) = (
        _polish(y, e2, e3, e4, side) for y, side in ((top, 1.0), (bottom, -1.0)))
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
    adj, trace = adjugate(x, top), x[0] + x[1] + x[2] + x[3]
    c, norm = top - (trace - top) / 3, adj[0] + adj[1] + adj[2] + adj[3]
    with np.errstate(all="ignore"):
        q, e2, e3, e4 = characteristic(x - (c / norm) * adj)
    value, error = _polish(_ferrari(e2, e3, e4)[1], e2, e3, e4, -1.0)
    gap = 2 * top - trace + 2 * (value + q - error)
    with np.errstate(all="ignore"):
        moved = np.where(gap > 0, c * top_error / gap, np.inf)
        rounding = COEFFICIENT_ULPS * _EPS * scale * (1 + 8 * c * scale ** 3 / np.abs(norm))
    total = error + moved + rounding
    return value + q, np.where(np.isfinite(total), total, np.inf)


def extreme_eigenvalues(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Largest and smallest eigenvalue of 4x4 Hermitian matrices of coordinates ``x``
    ``(16, n)``, and where both are certified to :data:`EIGENVALUE_TOLERANCE` (module
    docstring). The caller takes LAPACK where they are not."""
    parts = [_first_pass(x[:, k:k + CHUNK_POINTS]) for k in range(0, x.shape[1], CHUNK_POINTS)]
    top, bottom, top_error, bottom_error, scale = (np.concatenate(items) for items in zip(
        *parts or [[np.zeros(0)] * 5]))
    bound = EIGENVALUE_TOLERANCE * scale
    # the deflation's points gathered over all chunks (a few thousand a chunk would spend its
    # ~300 numpy calls on overhead), in rows (x[:, pick] is column-major: 7x slower)
    redo = np.flatnonzero((top_error <= bound / 4) & (bottom_error > bound))
    for k in range(0, redo.size, CHUNK_POINTS):
        pick = redo[k:k + CHUNK_POINTS]
        bottom[pick], bottom_error[pick] = _deflated_bottom(
            np.ascontiguousarray(x[:, pick]), top[pick], top_error[pick], scale[pick])
    return top, bottom, (top_error <= bound) & (bottom_error <= bound)


__all__ = ["CHUNK_POINTS", "COEFFICIENT_ULPS", "EIGENVALUE_TOLERANCE", "adjugate",
           "characteristic", "extreme_eigenvalues"]
