"""The Lindblad superoperator, in real coordinates, and its invariant blocks.

``d rho/dt = -i [H, rho] + sum_k (L_k rho L_k^dag - {L_k^dag L_k, rho}/2)`` (docs/
conventions.md). Vectorisation is **row-major**, ``vec(rho)[i d + j] = rho[i, j]`` (numpy's
``reshape(-1)``), so ``vec(A rho B) = (A (x) B^T) vec(rho)`` and, with ``M_k = L_k^dag L_k``,
``L = -i (H (x) 1 - 1 (x) H^T) + sum_k [L_k (x) conj(L_k) - (M_k (x) 1 + 1 (x) M_k^T)/2]``.

A Hermitian ``rho`` has ``d^2`` real **coordinates**: ``rho_ii``, then ``Re rho_ij``, then
``Im rho_ij`` for ``i < j`` (numpy's ``triu_indices`` order). There ``L`` is a real matrix
``R`` whose entries are real or imaginary parts of one entry of ``L`` or of a sum of two
(``L[(ij),(kl)] +- L[(ij),(lk)]``): a coupling absent from ``L`` is an exact zero of ``R``.

**Invariant blocks.** Coordinate ``b`` feeds ``a`` when ``R[a, b] != 0`` (exactly). The
coordinates the initial state's nonzero ones reach span an invariant subspace; the
connected components of the couplings inside it are invariant blocks, and every other
coordinate stays exactly zero. On a grid the pattern is the union over the grid, so one
split serves every point. Conserved quantities of the computational basis (total ``sz``
of H and the jump operators, parities) make blocks; the paper's transverse charger
couples everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from scipy.sparse.csgraph import breadth_first_order, connected_components

#: Largest deviation from Hermiticity of H (relative to its largest entry) taken as
#: rounding: H is then replaced by (H + H^dag)/2; beyond it the input is refused.
HERMITIAN_TOLERANCE = 1e-12
#: Largest block (coordinates) whose steady state is found by a dense SVD (1024: 8 MB,
#: about a second); beyond it steady_state refuses rather than run for minutes.
STEADY_STATE_DENSE_LIMIT = 1024
#: Tolerance of an initial state: Hermitian, trace 1, eigenvalues >= 0 up to this.
STATE_TOLERANCE = 1e-10
#: Singular values below this fraction of R's largest entry count as zero in steady_state:
#: a true zero comes out at a few ulps (~1e-15); the slowest decay of a weakly open
#: battery (rates 1e-8 of the Hamiltonian's scale) is far above it.
NULL_TOLERANCE = 1e-11


def square_matrix(name: str, value: Any, d: int | None = None) -> np.ndarray:
    """A finite complex ``(d, d)`` array; ValueError if it is not (or not ``d x d``)."""
    try:
        A = np.asarray(value, dtype=complex)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric matrix; got {type(value).__name__}") from None
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] < 1:
        raise ValueError(f"{name} must be a square matrix; got shape {A.shape}")
    if d is not None and A.shape[0] != d:
        raise ValueError(f"{name} must be {d}x{d} (the size of H); got {A.shape[0]}x{A.shape[1]}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} has entries that are not finite")
    return A


def hermitian(name: str, value: Any, d: int | None = None) -> np.ndarray:
    """``value`` made exactly Hermitian; ValueError if it is not Hermitian up to rounding."""
    A = square_matrix(name, value, d)
    scale = max(float(np.max(np.abs(A))), np.finfo(float).tiny)
    if np.max(np.abs(A - A.conj().T)) > HERMITIAN_TOLERANCE * scale:
        raise ValueError(f"{name} must be Hermitian (|{name} - {name}^dag| is more than "
                         f"{HERMITIAN_TOLERANCE:g} of its largest entry)")
    return (A + A.conj().T) / 2


def check_state(rho0: Any, d: int) -> np.ndarray:
    """A ``d x d`` density matrix from a matrix or a normalised ket; ValueError unless it
    is Hermitian, of trace 1 and positive semidefinite (to :data:`STATE_TOLERANCE`)."""
    state = np.asarray(rho0, dtype=complex)
    if state.ndim == 1 or (state.ndim == 2 and 1 in state.shape and state.size == d):
        ket = state.reshape(-1)
        if ket.size != d or abs(np.vdot(ket, ket).real - 1) > STATE_TOLERANCE:
            raise ValueError(f"an initial ket must have {d} amplitudes and norm 1")
        return np.outer(ket, ket.conj())
    rho = hermitian("rho0", state, d)
    if abs(np.trace(rho).real - 1) > STATE_TOLERANCE:
        raise ValueError(f"rho0 must have trace 1; got {np.trace(rho).real:.12g}")
    if np.linalg.eigvalsh(rho)[0] < -STATE_TOLERANCE:
        raise ValueError("rho0 must be positive semidefinite")
    return rho


# --------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------


def coordinate_pairs(d: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the upper off-diagonal entries, in coordinate order."""
    return np.triu_indices(d, 1)


def to_coordinates(rho: np.ndarray) -> np.ndarray:
    """Real coordinates ``(..., d^2)`` of Hermitian ``rho`` ``(..., d, d)``."""
    d = rho.shape[-1]
    i, j = coordinate_pairs(d)
    upper = rho[..., i, j]
    diagonal = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
    return np.concatenate([diagonal, upper.real, upper.imag], axis=-1)


def from_coordinates(x: np.ndarray, d: int) -> np.ndarray:
    """The Hermitian ``(..., d, d)`` matrices of coordinates ``x`` ``(..., d^2)``."""
    i, j = coordinate_pairs(d)
    m = i.size
    rho = np.zeros(x.shape[:-1] + (d, d), complex)
    k = np.arange(d)
    rho[..., k, k] = x[..., :d]
    upper = x[..., d:d + m] + 1j * x[..., d + m:]
    rho[..., i, j] = upper
    rho[..., j, i] = upper.conj()
    return rho


def energy_functional(H0: np.ndarray) -> np.ndarray:
    """``h`` with ``Tr(rho H0) = h . x`` for coordinates ``x``."""
    d = H0.shape[0]
    i, j = coordinate_pairs(d)
    return np.concatenate([np.real(np.diag(H0)), 2 * H0[i, j].real, 2 * H0[i, j].imag])


def _column_combiner(d: int) -> scipy.sparse.csr_matrix:
    """``S`` with ``vec(rho) = S x``: ``(L S)[:, Re_kl] = L[:, (kl)] + L[:, (lk)]``,
    ``(L S)[:, Im_kl] = i (L[:, (kl)] - L[:, (lk)])``."""
    i, j = coordinate_pairs(d)
    m, k = i.size, np.arange(d)
    rows = np.concatenate([k * d + k, i * d + j, j * d + i, i * d + j, j * d + i])
    cols = np.concatenate([k, d + np.arange(m), d + np.arange(m), d + m + np.arange(m),
                           d + m + np.arange(m)])
    vals = np.concatenate([np.ones(d + 2 * m), np.full(m, 1j), np.full(m, -1j)])
    return scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(d * d, d * d))


def real_form(L: scipy.sparse.spmatrix | np.ndarray) -> scipy.sparse.csr_matrix:
    """The real matrix ``R`` of a Hermiticity-preserving ``L`` (row-major vec) on
    coordinates: rows ``rho_ii``, ``Re rho_ij``, ``Im rho_ij`` of ``L S``."""
    d = round(np.sqrt(L.shape[0]))
    M = scipy.sparse.csr_matrix(L) @ _column_combiner(d)
    i, j = coordinate_pairs(d)
    k = np.arange(d)
    R = scipy.sparse.csr_matrix(scipy.sparse.vstack([M[k * d + k].real, M[i * d + j].real,
                                                     M[i * d + j].imag]))
    R.eliminate_zeros()
    return R


# --------------------------------------------------------------------------
# Superoperators
# --------------------------------------------------------------------------


def _hamiltonian_part(H: np.ndarray) -> scipy.sparse.csr_matrix:
    one = scipy.sparse.identity(H.shape[0], format="csr")
    Hs = scipy.sparse.csr_matrix(H)
    return -1j * (scipy.sparse.kron(Hs, one) - scipy.sparse.kron(one, Hs.T))


def _jump_part(A: np.ndarray) -> scipy.sparse.csr_matrix:
    one = scipy.sparse.identity(A.shape[0], format="csr")
    M = A.conj().T @ A
    M = scipy.sparse.csr_matrix((M + M.conj().T) / 2)
    As = scipy.sparse.csr_matrix(A)
    return (scipy.sparse.kron(As, As.conj()) - 0.5 * scipy.sparse.kron(M, one)
            - 0.5 * scipy.sparse.kron(one, M.T))


def liouvillian(H: Any, jumps: Sequence[Any] = (), sparse: bool = False):
    """The Lindblad superoperator ``L`` (row-major vec, module docstring) of a Hermitian
    ``d x d`` H and jump operators ``L_k`` (rates included); scipy CSR if ``sparse``.

    Raises
    ------
    ValueError
        If H is not a finite Hermitian matrix or a jump operator is not ``d x d``.
    """
    H = hermitian("H", H)
    L = _hamiltonian_part(H)
    for k, A in enumerate(jumps):
        L = L + _jump_part(square_matrix(f"jump operator {k}", A, H.shape[0]))
    L = scipy.sparse.csr_matrix(L)
    return L if sparse else L.toarray()


@dataclass(frozen=True)
class LiouvillianFamily:
    """Real Liouvillians ``R_p = sum_g coefficients[p, g] generators[g]`` of a parameter
    grid (``P`` points), in coordinates: the Hamiltonian's part (one generator per
    coordinate of H that varies, or one for a fixed H) and one per unit-rate jump."""

    d: int
    generators: tuple[scipy.sparse.csr_matrix, ...]
    coefficients: np.ndarray

    @property
    def points(self) -> int:
        """Number of parameter points ``P``."""
        return self.coefficients.shape[0]

    def pattern(self) -> scipy.sparse.csr_matrix:
        """Union of the sparsity patterns of the generators used somewhere (booleans)."""
        n = self.d * self.d
        union = scipy.sparse.csr_matrix((n, n), dtype=bool)
        for g, G in enumerate(self.generators):
            if np.any(self.coefficients[:, g] != 0):
                union = union + (G != 0)
        return union

    def dense(self, index: np.ndarray, points: Any = None) -> np.ndarray:
        """``R_p`` restricted to coordinates ``index``: ``(P', n, n)`` at ``points``
        (default all)."""
        blocks = np.stack([G[index][:, index].toarray() for G in self.generators])
        c = self.coefficients if points is None else self.coefficients[np.asarray(points)]
        return np.einsum("pg,gij->pij", c, blocks)

    def sparse(self, p: int) -> scipy.sparse.csr_matrix:
        """``R_p`` as a sparse matrix."""
        zero = scipy.sparse.csr_matrix((self.d ** 2, self.d ** 2))
        return sum((c * G for c, G in zip(self.coefficients[p], self.generators) if c), zero)


def _rates(rates: Any, K: int) -> np.ndarray:
    R = np.asarray(rates, dtype=float)
    R = R.reshape(-1, 1) if R.ndim == 1 and K == 1 else R.reshape(1, -1) if R.ndim == 1 else R
    if R.ndim != 2 or R.shape[1] != K:
        raise ValueError(f"rates must have one column per jump operator ({K}); got shape "
                         f"{np.shape(rates)}")
    if not np.all(np.isfinite(R)) or np.any(R < 0):
        raise ValueError("rates must be finite and >= 0")
    return R


def liouvillian_family(H: Any, jumps: Sequence[Any] = (), rates: Any = None) -> LiouvillianFamily:
    """Real Liouvillians of a grid: ``H`` ``(d, d)`` or ``(P, d, d)``; jump operators
    ``A_k``; ``rates`` ``None`` (``L_k = A_k``) or ``(P, K)`` (``L_k = sqrt(rates[p, k]) A_k``;
    a 1-D array is one rate per point for one operator, or one per operator).

    Raises
    ------
    ValueError
        For a non-Hermitian H, operators of the wrong size, negative or non-finite rates,
        or grids of different lengths.
    """
    stack = np.asarray(H)
    Hs = [hermitian("H", h) for h in (stack if stack.ndim == 3 else [stack])]
    d = Hs[0].shape[0]
    ops = [square_matrix(f"jump operator {k}", A, d) for k, A in enumerate(jumps)]
    R = np.ones((1, len(ops))) if rates is None else _rates(rates, len(ops))
    if len(Hs) > 1:
        h = to_coordinates(np.array(Hs))
        used = np.flatnonzero(np.any(h != 0, axis=0))
        basis = from_coordinates(np.eye(d * d)[used], d)
        gens = [real_form(_hamiltonian_part(b)) for b in basis]
        ch = h[:, used]
    else:
        gens, ch = [real_form(_hamiltonian_part(Hs[0]))], np.ones((1, 1))
    if len(ch) > 1 and len(R) > 1 and len(ch) != len(R):
        raise ValueError(f"H has {len(ch)} points and rates {len(R)}; give as many")
    P = max(len(ch), len(R))
    gens += [real_form(_jump_part(A)) for A in ops]
    coefficients = np.concatenate([np.broadcast_to(ch, (P, ch.shape[1])),
                                   np.broadcast_to(R, (P, R.shape[1]))], axis=1)
    return LiouvillianFamily(d, tuple(gens), coefficients)


def invariant_blocks(pattern: scipy.sparse.spmatrix, start: np.ndarray | None = None
                     ) -> list[np.ndarray]:
    """Invariant blocks (sorted coordinate indices) of a coupling pattern.

    ``pattern[a, b] != 0`` means coordinate ``b`` feeds ``a``. With ``start`` (the
    coordinates that are nonzero initially) only what they reach is kept; the blocks are
    the connected components of the couplings inside it (see the module docstring).
    """
    P = scipy.sparse.csr_matrix(pattern != 0, dtype=np.int8)
    n = P.shape[0]
    keep = np.ones(n, bool)
    if start is not None:
        keep[:] = False
        forward = scipy.sparse.csr_matrix(P.T)  # b -> a
        for s in np.flatnonzero(start):
            if not keep[s]:
                keep[breadth_first_order(forward, int(s), directed=True,
                                         return_predecessors=False)] = True
    inside = np.flatnonzero(keep)
    count, labels = connected_components(P[inside][:, inside], directed=True,
                                         connection="weak")
    return [inside[labels == c] for c in range(count)]


def steady_state(H: Any, jumps: Sequence[Any] = ()) -> np.ndarray:
    """The steady state ``rho_ss`` (``L rho_ss = 0``, trace 1), checked unique: the null
    space block by block (dense SVD; :data:`NULL_TOLERANCE`).

    Raises
    ------
    ValueError
        If it is not unique (the limit then depends on the initial state: evolve it), a
        block exceeds :data:`STEADY_STATE_DENSE_LIMIT`, or the input is bad.
    """
    family = liouvillian_family(H, jumps)
    R = family.sparse(0)
    scale, null = max(abs(R).max(), np.finfo(float).tiny), []
    for block in invariant_blocks(family.pattern()):
        if block.size > STEADY_STATE_DENSE_LIMIT:
            raise ValueError(f"steady_state: a block of {block.size} coordinates is beyond "
                             f"the dense limit {STEADY_STATE_DENSE_LIMIT}")
        _, s, vh = np.linalg.svd(R[block][:, block].toarray())
        for k in np.flatnonzero(s <= NULL_TOLERANCE * scale):
            x = np.zeros(R.shape[0])
            x[block] = vh[k]
            null.append(x)
    if len(null) != 1:
        raise ValueError(f"the steady state is not unique ({len(null)} independent ones); "
                         "its limit depends on the initial state: evolve that state instead")
    rho = from_coordinates(null[0], family.d)
    return rho / np.trace(rho).real
