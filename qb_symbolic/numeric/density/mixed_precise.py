"""The measures of :mod:`qb_symbolic.numeric.density.mixed_measures` at working precision (mpmath).

Same definitions, one 4x4 ``mpmath.matrix`` at a time, called inside the caller's
``mpmath.workdps`` (never the global precision). Eigenvalues and singular values come
from ``mpmath.eighe`` and ``mpmath.svd_c`` at that precision.
"""

from __future__ import annotations

import mpmath as mp

_PAULI = {
    "x": [[0, 1], [1, 0]],
    "y": [[0, -1j], [1j, 0]],
    "z": [[1, 0], [0, -1]],
}
_ONE = [[1, 0], [0, 1]]


def _kron(a, b) -> mp.matrix:
    out = mp.matrix(4, 4)
    for i in range(4):
        for j in range(4):
            out[i, j] = mp.mpmathify(a[i // 2][j // 2]) * b[i % 2][j % 2]
    return out


def _expect(rho: mp.matrix, op: mp.matrix) -> mp.mpf:
    return mp.re(sum(rho[i, j] * op[j, i] for i in range(4) for j in range(4)))


def coherence(rho: mp.matrix) -> mp.mpf:
    total = sum(_expect(rho, _kron(_PAULI[a], _ONE)) ** 2 + _expect(rho, _kron(_ONE, _PAULI[a])) ** 2
                for a in "xyz")
    return mp.sqrt(min(max(total / 2, mp.mpf(0)), mp.mpf(1)))


def steering(rho: mp.matrix) -> mp.mpf:
    total = sum(_expect(rho, _kron(_PAULI[a], _PAULI[b])) ** 2 for a in "xyz" for b in "xyz")
    return min(mp.sqrt(total), mp.sqrt(3))


def steerability(rho: mp.matrix) -> mp.mpf:
    return max(mp.mpf(0), (steering(rho) - 1) / (mp.sqrt(3) - 1))


def l1_coherence(rho: mp.matrix) -> mp.mpf:
    return mp.fsum(abs(rho[i, j]) for i in range(4) for j in range(4) if i != j)


def _sqrtm(rho: mp.matrix) -> mp.matrix:
    w, V = mp.eighe(rho)
    D = mp.diag([mp.sqrt(max(mp.re(x), mp.mpf(0))) for x in w])
    return V * D * V.H


def concurrence(rho: mp.matrix) -> mp.mpf:
    root = _sqrtm(rho)
    conj = mp.matrix([[mp.conj(root[i, j]) for j in range(4)] for i in range(4)])
    values = sorted(mp.svd_c(root * _kron(_PAULI["y"], _PAULI["y"]) * conj, compute_uv=False),
                    reverse=True)
    return min(max(values[0] - values[1] - values[2] - values[3], mp.mpf(0)), mp.mpf(1))


def incoherent_ergotropy(rho: mp.matrix, h0: mp.matrix, energy: mp.mpf) -> mp.mpf:
    e, W = mp.eighe(h0)
    order = sorted(range(4), key=lambda k: mp.re(e[k]))
    e = [mp.re(e[k]) for k in order]
    W = mp.matrix([[W[i, k] for k in order] for i in range(4)])
    in_basis = W.H * rho * W
    tolerance = mp.mpf(10) ** (-mp.mp.dps // 2) * max(e[-1] - e[0], mp.mpf(1))
    dephased = mp.matrix([[in_basis[i, j] if abs(e[i] - e[j]) <= tolerance else 0
                           for j in range(4)] for i in range(4)])
    p = sorted((mp.re(x) for x in mp.eighe(dephased, eigvals_only=True)), reverse=True)
    return max(energy - mp.fsum(x * y for x, y in zip(p, e)), mp.mpf(0))


def local_ergotropy(rho: mp.matrix, h0: mp.matrix, cell: int) -> mp.mpf:
    """Ergotropy of one cell for its part of a local H0 (see the numpy version)."""
    def part(matrix, which):
        out = mp.matrix(2, 2)
        for i in range(2):
            for j in range(2):
                out[i, j] = sum(matrix[2 * i + k, 2 * j + k] if which == 1
                                else matrix[2 * k + i, 2 * k + j] for k in range(2))
        return out

    h1, h2 = part(h0, 1) / 2, part(h0, 2) / 2
    shift = (h1[0, 0] + h1[1, 1]) / 4
    h1, h2 = h1 - shift * mp.eye(2), h2 - shift * mp.eye(2)
    rebuilt = _kron(h1.tolist(), _ONE) + _kron(_ONE, h2.tolist())
    if max(abs(rebuilt[i, j] - h0[i, j]) for i in range(4) for j in range(4)) > mp.mpf(10) ** (
            -mp.mp.dps // 2):
        raise ValueError("local ergotropy needs a local H0 = h1 (x) 1 + 1 (x) h2; this H0 "
                         "couples the cells")
    reduced, h = part(rho, cell), (h1, h2)[cell - 1]
    energy = mp.re(sum(reduced[i, j] * h[j, i] for i in range(2) for j in range(2)))
    r = sorted((mp.re(x) for x in mp.eighe(reduced, eigvals_only=True)), reverse=True)
    levels = sorted(mp.re(x) for x in mp.eighe(h, eigvals_only=True))
    return max(energy - mp.fsum(x * y for x, y in zip(r, levels)), mp.mpf(0))
