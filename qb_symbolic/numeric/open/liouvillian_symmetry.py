"""Superoperator symmetries of a Liouvillian family, and the smaller blocks they give.

A unitary ``U`` that commutes with the Hamiltonian at every grid point and only permutes
the jump operators among those of equal rate (``U L_k U^dag = phase L_pi(k)``) makes
``S(rho) = U rho U^dag`` commute with the Liouvillian: the symmetries of H that every
``L_k`` respects. An invariant block of coordinates (:func:`.liouvillian_blocks.
invariant_blocks`) then splits into the eigenspaces of ``S``, each invariant under the
evolution, and the start's part in each evolves alone.

**Candidates** for ``d = 2^N`` (N cells): the unitaries that relabel or flip the cells,
as for the closed batteries' sectors: the reflection ``i -> N - 1 - i`` (for two cells the
swap), the global flips ``X^N`` and ``Z^N``, their product (``Y^N`` up to a phase, which
``S`` does not see) and the products of the reflection with each flip. Each is an
involution up to a phase and monomial, so on the real coordinates ``S`` is a signed
permutation: orthogonal, symmetric, eigenvalues ``+-1``.

**Test** (exact): on a block ``S`` must map the block's coordinates to themselves and
``sum_g c_pg (S G_g S - G_g) = 0`` at every point ``p`` (generators ``G_g``, coefficients
``c_pg``, :class:`.liouvillian_blocks.LiouvillianFamily`). A signed permutation only moves
and negates entries, so ``S G S - G`` is computed without rounding and the test asks for
exact zeros on a basis of the coefficients' row space. Symmetries that commute with those
already used split further.

The paper's XYZ + DM battery with local dephasing keeps ``swap . X^2`` (the DM term changes
sign under the swap and under ``X^2``, and ``sz_1 -> -sz_2``): its 16 coordinates split
10 + 6, and ``eig`` works on those instead of 16 x 16.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import scipy.sparse

from ...symbolic.chain_sectors import permutation
from .liouvillian_blocks import LiouvillianFamily, from_coordinates, to_coordinates

#: Singular values of the coefficient matrix below this fraction of the largest are not
#: directions of the grid (the coefficients are parameter values: exact zeros or O(1)).
RANK_TOLERANCE = 1e-12
#: ``sum_g v_g (S G_g S - G_g)`` counts as zero below this fraction of the generators'
#: largest entry: the directions ``v`` come from an SVD (equal rates come out equal to
#: ~1e-16); a symmetry broken by a parameter leaves that parameter's size (a coupling
#: below 1e-14 of the others is then ignored, an error of that order in rho).
COMMUTATOR_TOLERANCE = 1e-14
#: Blocks up to this many coordinates are tested for a symmetry as dense arrays.
DENSE_CHECK = 64
#: ``S`` restricted to a block has eigenvalues exactly +-1; ``eigh`` gives them to ulps.
SIGN_TOLERANCE = 1e-8
#: A part whose start component is below this fraction of the block's (rounding of ``Q``,
#: ~1e-16) is not reached: an invariant subspace that starts empty stays empty.
START_TOLERANCE = 1e-14


def cell_unitaries(d: int) -> list[tuple[str, np.ndarray]]:
    """The candidate symmetries (module docstring) of ``d = 2^N`` levels, named; none for
    other ``d``. Basis states as the chains' sectors number them
    (:func:`qb_symbolic.symbolic.chain_sectors.permutation`: kron order, ``|u> = 0``)."""
    N = d.bit_length() - 1
    if d < 2 or 1 << N != d:
        return []
    index = np.arange(d)
    downs = ((index[:, None] >> np.arange(N)) & 1).sum(axis=1)
    out = []
    for name, flip, sign in (("", False, None), ("X", True, None), ("Z", False, downs),
                             ("XZ", True, downs)):
        for reflect in (False, True):
            if (reflect or name) and not (reflect and N == 1):
                U = np.zeros((d, d))
                # |b> -> (-1)^(downs in b) |image(b)> for Z; Y^N = i^N X^N Z^N (a phase)
                U[permutation(N, reflect, flip, 0), index] = 1.0 if sign is None else \
                    (-1.0) ** sign
                out.append((("R" if reflect else "") + name, U))
    return out


def coordinate_action(U: np.ndarray) -> np.ndarray:
    """The real matrix of ``rho -> U rho U^dag`` on coordinates (``d^2 x d^2``)."""
    d = U.shape[0]
    basis = from_coordinates(np.eye(d * d), d)  # rho = sum_b x_b G_b
    return to_coordinates(U @ basis @ U.conj().T).T


def _row_space(coefficients: np.ndarray) -> np.ndarray:
    """An orthonormal basis (rows) of the span of the points' coefficient vectors."""
    _, s, vh = np.linalg.svd(coefficients, full_matrices=False)
    return vh[s > RANK_TOLERANCE * max(s.max(initial=0.0), np.finfo(float).tiny)]


def monomial_action(U: np.ndarray) -> scipy.sparse.csr_matrix:
    """:func:`coordinate_action` of a real monomial ``U`` (``U e_b = u_b e_pi(b)``, ``u_b =
    +-1``), sparse and built in ``O(d^2)``: ``U E_ij U^T = u_i u_j E_pi(i) pi(j)``, so a
    diagonal coordinate moves to ``pi(i)``, and ``Re rho_ij``, ``Im rho_ij`` move to the pair
    ``pi(i), pi(j)`` times ``u_i u_j``, ``Im`` negated where the pair's order reverses."""
    d = U.shape[0]
    image, phase = np.argmax(np.abs(U), axis=0), U[np.argmax(np.abs(U), axis=0), np.arange(d)]
    i, j = np.triu_indices(d, 1)
    m = i.size
    slot = np.zeros((d, d), int)
    slot[i, j] = slot[j, i] = np.arange(m)
    pi, pj, sign = image[i], image[j], phase[i] * phase[j]
    swapped = np.where(pi > pj, -1.0, 1.0)
    rows = np.concatenate([image, d + slot[pi, pj], d + m + slot[pi, pj]])
    columns = np.concatenate([np.arange(d), d + np.arange(m), d + m + np.arange(m)])
    values = np.concatenate([np.ones(d), sign, sign * swapped])
    return scipy.sparse.csr_matrix((values, (rows, columns)), shape=(d * d, d * d))


@lru_cache(maxsize=8)
def _signed_permutations(d: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Every candidate of ``d`` levels as the signed permutation of coordinates it is,
    ``S e_b = sign[b] e_image[b]`` (from :func:`monomial_action`), reused by every
    evolution of that size."""
    out = []
    for _, U in cell_unitaries(d):
        S = monomial_action(U).tocoo()
        image, sign = np.empty(d * d, int), np.empty(d * d)
        image[S.col], sign[S.col] = S.row, S.data
        out.append((image, sign))
    return tuple(out)


def _restricted(image: np.ndarray, sign: np.ndarray, index: np.ndarray):
    """The signed permutation on the block's own coordinates, or None if it leaves it."""
    local = np.full(image.size, -1)
    local[index] = np.arange(index.size)
    inside = local[image[index]]
    return None if np.any(inside < 0) else (inside, sign[index])


def _commutes(S, blocks, directions: np.ndarray) -> bool:
    """Whether ``S`` commutes with ``R_p`` at every point: ``S G S^T`` moves ``G[k, l]`` to
    ``(image k, image l)`` times ``sign k sign l`` (exact), compared on a basis of the
    points' coefficient vectors. ``blocks``: the generators on the block, a dense
    ``(g, n, n)`` stack up to :data:`DENSE_CHECK` coordinates (scipy's per-call cost would
    dominate), else COO matrices."""
    image, sign = S
    if isinstance(blocks, np.ndarray):
        moved = np.empty_like(blocks)
        moved[:, image[:, None], image[None, :]] = sign[:, None] * sign[None, :] * blocks
        moved -= blocks
        size = np.abs(blocks).max(initial=0.0)
        return all(np.abs(np.tensordot(v, moved, axes=1)).max(initial=0.0)
                   <= COMMUTATOR_TOLERANCE * size for v in directions)
    moved = [scipy.sparse.csr_matrix((sign[G.row] * sign[G.col] * G.data,
                                      (image[G.row], image[G.col])), shape=G.shape) - G
             for G in blocks]
    size = max((np.abs(G.data).max() for G in blocks if G.nnz), default=0.0)
    for v in directions:
        residual = sum((c * M for c, M in zip(v, moved) if c), 0 * moved[0])
        if residual.nnz and np.abs(residual.data).max() > COMMUTATOR_TOLERANCE * size:
            return False
    return True


def _first_split(S) -> list[np.ndarray]:
    """The +-1 eigenspaces of a signed-permutation involution, exactly: a fixed coordinate
    ``S e_j = s e_j`` is an eigenvector of eigenvalue ``s``; a pair ``S e_j = s e_k`` gives
    ``(e_j +- s e_k)/sqrt 2`` (``S^2 = 1`` makes the sign the same both ways)."""
    image, sign = S
    n = image.size
    fixed = np.flatnonzero(image == np.arange(n))
    first = np.flatnonzero(image > np.arange(n))
    second = image[first]
    parts = []
    for eigenvalue in (1.0, -1.0):
        alone = fixed[sign[fixed] == eigenvalue]
        Q = np.zeros((n, alone.size + first.size))
        Q[alone, np.arange(alone.size)] = 1.0
        columns = alone.size + np.arange(first.size)
        Q[first, columns] = np.sqrt(0.5)
        Q[second, columns] = eigenvalue * sign[first] * np.sqrt(0.5)
        parts.append(Q)
    return parts


def _applied(S, Q: np.ndarray) -> np.ndarray:
    """``S Q`` for a signed permutation ``S``: row ``j`` of ``Q`` times ``sign j`` to row
    ``image j``."""
    image, sign = S
    out = np.empty_like(Q)
    out[image] = sign[:, None] * Q
    return out


def symmetric_parts(family: LiouvillianFamily, index: np.ndarray, x0: np.ndarray
                    ) -> list[np.ndarray | None]:
    """Orthonormal bases ``Q`` (``n x n_k``, block coordinates) of the parts of the block
    ``index`` that the symmetries split and the start ``x0`` (full coordinates) reaches;
    ``[None]`` when nothing splits it."""
    directions = _row_space(family.coefficients)
    blocks = [scipy.sparse.coo_matrix(G[index][:, index]) for G in family.generators]
    if index.size <= DENSE_CHECK:
        blocks = np.array([G.toarray() for G in blocks])
    kept, parts = [], []
    for image, sign in _signed_permutations(family.d):
        S = _restricted(image, sign, index)
        if S is None or not _commutes(S, blocks, directions):
            continue
        eye = np.eye(index.size)
        if any(not np.array_equal(_applied(S, _applied(K, eye)), _applied(K, _applied(S, eye)))
               for K in kept):
            continue
        kept.append(S)
        if not parts:
            parts = [Q for Q in _first_split(S) if Q.shape[1]]
            continue
        split = []
        for Q in parts:
            vectors, plus = _signs(Q.T @ _applied(S, Q))
            split += [Q @ vectors[:, plus], Q @ vectors[:, ~plus]]
        parts = [Q for Q in split if Q.shape[1]]
    if len(parts) <= 1:
        return [None]
    start = x0[index]
    scale = np.linalg.norm(start)
    return [Q for Q in parts if np.linalg.norm(Q.T @ start) > START_TOLERANCE * scale]


def _signs(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvectors of the symmetric involution ``M`` and where the eigenvalue is +1."""
    values, vectors = np.linalg.eigh((M + M.T) / 2)
    if np.any(np.abs(np.abs(values) - 1) > SIGN_TOLERANCE):
        raise ArithmeticError("a symmetry restricted to a block is not an involution")
    return vectors, values > 0


__all__ = ["COMMUTATOR_TOLERANCE", "RANK_TOLERANCE", "SIGN_TOLERANCE", "START_TOLERANCE",
           "cell_unitaries", "coordinate_action", "monomial_action", "symmetric_parts"]
