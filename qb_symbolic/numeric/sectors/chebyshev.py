"""Chebyshev series of ``exp(-i H t)`` for real symmetric H: energy curves without eigenvectors.

With the spectrum of H inside ``[b - a, b + a]`` and ``X = (H - b)/a``, the Jacobi-Anger
expansion ``exp(-i z x) = sum_k eps_k (-i)^k J_k(z) T_k(x)`` (``eps_0 = 1``, else 2) gives

    ``exp(-i H t) = exp(-i b t) sum_k eps_k (-i)^k J_k(a t) T_k(X)``

(Tal-Ezer and Kosloff, J. Chem. Phys. 81, 3967 (1984)). For a real start ``c`` the vectors
``phi_k = T_k(X) c`` are real, made by the three-term recurrence (``K`` matrix-vector
products), and for a real coupling ``G`` between two such sectors sharing ``a, b``

    ``Re psi_a(t)^dag G psi_b(t) = sum_{k = l mod 2} w_k(t) w_l(t) phi^a_k . G phi^b_l``,
    ``w_k(t) = eps_k (-1)^floor(k/2) J_k(a t)``:

the phases ``exp(-i b t)`` cancel, and ``i^(k - l)`` is real exactly when ``k - l`` is even.
So an energy curve is two real quadratic forms of size ``K/2`` per time, at any times, with
``K`` about ``a t_max``: cheaper than diagonalising when ``K`` is below the dimension.
Complex vectors (sectors without a real basis) keep every ``k, l``: one real form of size
``K`` (:meth:`SeriesCurve.hermitian`).

Truncation: :func:`series_order` takes ``K = z + 10 z^(1/3) + 20`` terms for ``z = a t_max``,
where ``|J_K(z)| < 1e-17`` for ``z <= 2000`` (tests/test_chebyshev.py, against mpmath).
The bounds ``[b - a, b + a]`` come from Lanczos (:func:`spectrum_bounds`); an eigenvalue
outside them would make some ``|phi_k|`` exceed ``|c|`` (``|T_k| <= 1`` only inside), which
:func:`chebyshev_vectors` checks, and the caller then retries with Gershgorin's bounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

#: Arguments below this take ``J_0 = 1 - x^2/4``, ``J_1 = x/2``, ``J_2 = x^2/8`` (the next
#: terms are below 1e-27); above, the backward recurrence's growth from its seed,
#: ``(2/x)^25 25!``, stays far inside the double range.
TINY_ARGUMENT = 1e-9
#: Lanczos steps for the spectrum's ends; their Ritz values lie inside the spectrum, so
#: the bounds are widened by :data:`BOUND_MARGIN` of the width. Measured on the paper's
#: chains (rings N = 12, 14, open N = 9, 10): after 20 steps the ends are within 7e-6 of
#: the width (after 30, 3e-10), far inside the margin; the norm check guards the rest.
LANCZOS_STEPS = 20
BOUND_MARGIN = 0.01
#: Growth of ``|phi_k| / |c|`` above 1 taken as rounding (``|T_k(x)| <= 1`` on [-1, 1]).
NORM_SLACK = 1e-6
def series_order(z: float) -> int:
    """Terms ``K`` for ``exp(-i z x)``, ``|x| <= 1``: ``|J_K(z)| < 1e-17`` (module docstring)."""
    return math.ceil(z + 10 * z ** (1 / 3) + 20)


def _backward(K: int, x: np.ndarray) -> np.ndarray:
    """``J_k(x)`` for ``x >= TINY_ARGUMENT`` by Miller's backward recurrence
    ``J_{k-1} = (2k/x) J_k - J_{k+1}``, each ``x`` seeded at its own index (where ``J`` is
    below 1e-20 of its peak: rows above stay zero, so nothing overflows) and normalised by
    ``J_0 + 2 sum J_2k = 1``."""
    starts = np.ceil(x + 10 * np.cbrt(x) + 25).astype(int)
    top = int(np.max(starts))
    rows = np.zeros((max(top + 2, K), x.size))
    rows[starts, np.arange(x.size)] = 1e-30  # the seeds; the recurrence adds to them
    half = 2.0 / x
    step = np.empty(x.size)
    row = list(rows)  # views made once: the loop is bound by numpy's per-call cost
    multiply, subtract, add = np.multiply, np.subtract, np.add
    for k in range(top, 0, -1):
        multiply(half, float(k), out=step)
        multiply(step, row[k], out=step)
        subtract(step, row[k + 1], out=step)
        add(row[k - 1], step, out=row[k - 1])
    rows /= rows[0] + 2 * rows[2::2].sum(axis=0)
    return rows[:K]


#: Up to this many arguments the recurrence runs on Python floats (a numpy call per step
#: costs more than the step itself; searches for a maximum ask for one time at a time).
SCALAR_ARGUMENTS = 4


def _backward_scalar(K: int, x: float) -> list[float]:
    """:func:`_backward` for one argument, on Python floats."""
    start = math.ceil(x + 10 * x ** (1 / 3) + 25)
    rows = [0.0] * (max(start + 2, K))
    after, here = 0.0, 1e-30
    rows[start] = here
    for k in range(start, 0, -1):
        after, here = here, (2.0 * k / x) * here - after
        rows[k - 1] = here
    norm = rows[0] + 2 * math.fsum(rows[2::2])
    return [r / norm for r in rows[:K]]


def bessel_table(K: int, x: np.ndarray) -> np.ndarray:
    """``J_k(x)`` for ``k < K`` and ``x >= 0`` (``(T,)``): ``(K, T)``, absolute error ~1e-15."""
    x = np.asarray(x, float).reshape(-1)
    if x.size <= SCALAR_ARGUMENTS and np.all(x >= TINY_ARGUMENT):
        return np.array([_backward_scalar(K, float(v)) for v in x]).reshape(x.size, K).T
    tiny = np.flatnonzero(x < TINY_ARGUMENT)
    rows = _backward(K, np.where(x < TINY_ARGUMENT, 1.0, x))  # those columns replaced below
    if tiny.size:
        h = x[tiny] / 2
        rows[:, tiny] = 0.0
        for k, value in enumerate((1 - h * h, h, h * h / 2)[:K]):
            rows[k, tiny] = value
    return rows


def chebyshev_signs(K: int) -> np.ndarray:
    """``eps_k (-1)^floor(k/2)``: the real weight of ``J_k(a t)`` (module docstring)."""
    f = np.where((np.arange(K) // 2) % 2 == 0, 2.0, -2.0)
    f[0] = 1.0
    return f


class DenseOperator:
    """A real symmetric or complex Hermitian matrix as the series needs it (made Hermitian
    once). Other operators (sparse sectors: :mod:`qb_symbolic.numeric.sectors.chain_sparse`) give
    the same five things."""

    def __init__(self, H: np.ndarray) -> None:
        self.matrix = (H + H.conj().T) / 2
        self.dim, self.dtype = H.shape[0], self.matrix.dtype

    def apply(self, x: np.ndarray, out: np.ndarray) -> None:
        np.dot(self.matrix, x, out=out)

    def shifted(self, b: float, scale: float):
        """``out = scale (H - b) x`` as a function of ``(x, out)``."""
        M = (self.matrix - b * np.eye(self.dim)) * scale
        return lambda x, out: np.dot(M, x, out=out)

    def gershgorin(self) -> tuple[float, float]:
        centre = np.diag(self.matrix).real  # Hermitian: a real diagonal
        radius = np.abs(self.matrix).sum(axis=1) - np.abs(centre)
        return float(np.min(centre - radius)), float(np.max(centre + radius))


def _open(lo: float, hi: float) -> tuple[float, float]:
    """``[lo, hi]`` at least ``2e-9 max(|lo|, |hi|, 1)`` wide (a zero-width interval, as
    for H = 0, has no ``X = (H - b)/a``)."""
    floor = 1e-9 * max(abs(lo), abs(hi), 1.0)
    if hi - lo >= 2 * floor:
        return lo, hi
    centre = (lo + hi) / 2
    return centre - floor, centre + floor


def gershgorin(operators: Sequence) -> tuple[float, float]:
    """Rigorous bounds of the joint spectrum (Gershgorin's discs of every operator)."""
    ends = [op.gershgorin() for op in operators if op.dim]
    return _open(min(e[0] for e in ends), max(e[1] for e in ends))


def _lanczos_ends(operators: Sequence, steps: int) -> tuple[float, float]:
    """Extreme Ritz values of the direct sum of the operators after ``steps`` Lanczos steps
    from a fixed pseudo-random start (every eigenvector present; without
    reorthogonalisation, lost orthogonality only repeats Ritz values)."""
    cuts = np.cumsum([0] + [op.dim for op in operators])
    dtype = np.result_type(*[op.dtype for op in operators])
    q = np.random.default_rng(20241).standard_normal(cuts[-1]).astype(dtype)
    q /= np.linalg.norm(q)
    previous, v = np.zeros_like(q), np.empty_like(q)
    pieces = [(op, slice(a, b)) for op, a, b in zip(operators, cuts[:-1], cuts[1:])]
    alphas, betas, beta = [], [], 0.0
    for _ in range(min(steps, int(cuts[-1]))):
        for op, part in pieces:
            op.apply(q[part], v[part])
        v -= beta * previous
        alpha = float(np.vdot(q, v).real)
        v -= alpha * q
        alphas.append(alpha)
        beta = float(np.linalg.norm(v))
        if beta < 1e-12 * (abs(alpha) + 1):
            break
        betas.append(beta)
        previous, q, v = q, v / beta, previous
    off = betas[:len(alphas) - 1]
    theta = np.linalg.eigvalsh(np.diag(alphas) + np.diag(off, 1) + np.diag(off, -1))
    return float(theta[0]), float(theta[-1])


def spectrum_bounds(operators: Sequence) -> tuple[float, float]:
    """``[lo, hi]`` holding every eigenvalue of the operators (up to the check of
    :func:`chebyshev_vectors`): Lanczos ends widened by :data:`BOUND_MARGIN`, within
    Gershgorin's."""
    lo, hi = _lanczos_ends([op for op in operators if op.dim], LANCZOS_STEPS)
    margin = BOUND_MARGIN * (hi - lo) + 1e-9 * max(abs(lo), abs(hi), 1.0)
    g_lo, g_hi = gershgorin(operators)
    return _open(max(lo - margin, g_lo), min(hi + margin, g_hi))


def chebyshev_vectors(operator, c: np.ndarray, lo: float, hi: float, K: int,
                      segments: Sequence[int] | None = None) -> np.ndarray | None:
    """``phi_k = T_k(X) c``, ``X = (H - b)/a`` for ``[lo, hi] = [b - a, b + a]``, as rows
    ``(K, d)``; None when some ``|phi_k|`` exceeds ``|c|`` (an eigenvalue outside).
    ``segments`` (cut points, for a block-diagonal H) makes that check per block: a block
    holding little of ``c`` could otherwise grow unseen inside the whole norm."""
    a, b = (hi - lo) / 2, (hi + lo) / 2
    double = operator.shifted(b, 2 / a)  # 2X: the recurrence phi_k+1 = 2X phi_k - phi_k-1
    phi = np.empty((K, c.size), np.result_type(c, operator.dtype))
    phi[0] = c
    if K > 1:
        double(c, phi[1])
        phi[1] /= 2
    for k in range(1, K - 1):
        double(phi[k], phi[k + 1])
        phi[k + 1] -= phi[k - 1]
    cuts = (0, c.size) if segments is None else segments
    for start, stop in pairwise(cuts):
        part = phi[:, start:stop]
        part = part.view(float) if np.iscomplexobj(part) else part  # |z|^2 = re^2 + im^2
        largest = math.sqrt(float(np.max(np.einsum("kd,kd->k", part, part), initial=0.0)))
        if largest > (1 + NORM_SLACK) * float(np.linalg.norm(c[start:stop])) + 1e-300:
            return None
    return phi


def parity_blocks(phi_a: np.ndarray, phi_b: np.ndarray, product) -> tuple[np.ndarray, np.ndarray]:
    """The two blocks of ``M = product(Phi_a, Phi_b)`` a curve reads, ``M[p::2, p::2]`` for
    ``p = 0, 1`` (only ``k = l mod 2`` enters: module docstring), each from its own rows:
    half the work of the whole ``(K, K)``."""
    return product(phi_a[0::2], phi_b[0::2]), product(phi_a[1::2], phi_b[1::2])


class SeriesCurve:
    """``<H0>(t)`` on ``[0, end]`` from Chebyshev vectors (module docstring) as quadratic
    forms in ``J_k(a t)``: ``forms`` are ``(weight, rows, R)`` with ``rows`` a slice of the
    ``K`` orders; ``a`` the half-width of the spectrum's bounds. Made by :meth:`parity`
    (real vectors) or :meth:`hermitian` (complex ones)."""

    def __init__(self, forms: list, K: int, a: float, end: float) -> None:
        self.forms, self.K, self.a, self.end = forms, K, a, end

    @classmethod
    def parity(cls, blocks: Sequence[tuple[float, tuple[np.ndarray, np.ndarray]]], a: float,
               end: float) -> SeriesCurve:
        """Real vectors: ``blocks`` are ``(weight, (M_even, M_odd))`` with
        ``M = Phi_a G_ab Phi_b^T`` read on even and on odd orders (:func:`parity_blocks`)."""
        K = sum(M.shape[0] for M in blocks[0][1]) if blocks else 1
        f = chebyshev_signs(K)
        # the weights eps_k (-1)^floor(k/2) folded in: the time factors are then J_k(a t)
        forms = [(w, slice(p, None, 2), np.ascontiguousarray(f[p::2, None] * M * f[p::2]))
                 for w, pair in blocks for p, M in enumerate(pair)]
        return cls(forms, K, a, end)

    @classmethod
    def hermitian(cls, blocks: Sequence[tuple[float, np.ndarray]], a: float,
                  end: float) -> SeriesCurve:
        """Complex vectors: ``blocks`` are ``(weight, M)``, ``M = Phi_a^* G_ab Phi_b^T``
        (``(K, K)``). With ``g_k = eps_k (-i)^k`` the curve is ``sum_kl J_k J_l
        Re(conj(g_k) g_l M_kl)``: a diagonal block's form is real (``M`` Hermitian), an
        off-diagonal one meets its conjugate in the block ``(b, a)``, hence the real part
        with weight 2. One real ``(K, K)`` form, twice the parity split's work."""
        K = blocks[0][1].shape[0] if blocks else 1
        powers = np.array([1, -1j, -1, 1j])[np.arange(K) % 4]  # (-i)^k exactly
        g = np.where(np.arange(K) == 0, 1.0, 2.0) * powers
        forms = [(w, slice(None), np.ascontiguousarray((np.conj(g)[:, None] * M * g).real))
                 for w, M in blocks]
        return cls(forms, K, a, end)

    def energy(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, float)
        if t.size and float(np.max(t)) > self.end * (1 + 1e-12):
            raise ValueError(f"this series holds times up to {self.end}; got {float(np.max(t))}")
        w = bessel_table(self.K, self.a * t.reshape(-1))
        out = np.zeros(t.size)
        for weight, rows, M in self.forms:
            part = w[rows]
            out += weight * np.einsum("kt,kt->t", part, M @ part)
        return out.reshape(t.shape)
