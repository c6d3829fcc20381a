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


@lru_cache(maxsize=8)
def _coordinate_actions(d: int) -> tuple[np.ndarray, ...]:
    """:func:`coordinate_action` of every candidate of ``d`` levels (read-only, reused by
    every evolution of that size)."""
    actions = tuple(coordinate_action(U) for _, U in cell_unitaries(d))
    for S in actions:
        S.flags.writeable = False
    return actions


def _is_symmetry(S: np.ndarray, index: np.ndarray, blocks: np.ndarray,
                 directions: np.ndarray) -> bool:
    """Whether ``S`` keeps the block ``index`` and commutes with ``R_p`` at every point
    (``blocks``: the generators restricted to the block, ``(g, n, n)``)."""
    outside = np.setdiff1d(np.arange(S.shape[0]), index)
    if np.any(S[np.ix_(outside, index)]) or np.any(S[np.ix_(index, outside)]):
        return False
    Sb = S[np.ix_(index, index)]
    moved = Sb @ blocks @ Sb - blocks  # exact: S only moves and negates
    size = np.abs(blocks).max(initial=0.0)
    return all(np.abs(np.tensordot(v, moved, axes=1)).max(initial=0.0)
               <= COMMUTATOR_TOLERANCE * size for v in directions)


def symmetric_parts(family: LiouvillianFamily, index: np.ndarray, x0: np.ndarray
                    ) -> list[np.ndarray | None]:
    """Orthonormal bases ``Q`` (``n x n_k``, block coordinates) of the parts of the block
    ``index`` that the symmetries split and the start ``x0`` (full coordinates) reaches;
    ``[None]`` when nothing splits it."""
    directions = _row_space(family.coefficients)
    blocks = np.array([G[index][:, index].toarray() for G in family.generators])
    kept: list[np.ndarray] = []
    parts = [np.eye(index.size)]
    for S in _coordinate_actions(family.d):
        if not _is_symmetry(S, index, blocks, directions):
            continue
        Sb = S[np.ix_(index, index)]
        if any(np.any(Sb @ K - K @ Sb) for K in kept):
            continue
        kept.append(Sb)
        split = []
        for Q in parts:
            vectors, plus = _signs(Q.T @ Sb @ Q)
            split += [Q @ vectors[:, plus], Q @ vectors[:, ~plus]]
        parts = [Q for Q in split if Q.shape[1]]
    if len(parts) == 1:
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
           "cell_unitaries", "coordinate_action", "symmetric_parts"]
