"""Symmetries and invariant blocks of any 4x4 Hermitian family ``H(params)``, found.

:func:`commutant` (:mod:`qb_symbolic.symbolic.commutant`) solves ``[H, X] = 0`` for
constant ``X``; :func:`symmetry_blocks` splits the space by a maximal commuting set of
its elements and proves ``U^dag U = 1``, ``U^dag H U`` block-diagonal, exactly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from ..core.errors import big_integer_guard
from .commutant import (
    PAULI_STRINGS,
    commutant,
    cyclic_span,
    irreducible_subspaces,
    is_scalar,
    orthonormal,
    over_field,
    pauli_form,
    short_number,
    tidy_polynomial,
    unit_vector,
)

__all__ = [
    "KNOWN_STATES",
    "PAULI_STRINGS",
    "Block",
    "Structure",
    "commutant",
    "cyclic_span",
    "pauli_form",
    "symmetry_blocks",
]

#: Familiar states recognised in a derived basis (first nonzero entry positive).
KNOWN_STATES: dict[str, sp.Matrix] = {
    name: sp.ImmutableMatrix(entries) / sp.sqrt(sum(x * x for x in entries))
    for name, entries in (("uu", [1, 0, 0, 0]), ("ud", [0, 1, 0, 0]), ("du", [0, 0, 1, 0]),
                          ("dd", [0, 0, 0, 1]), ("Phi+", [1, 0, 0, 1]), ("Phi-", [1, 0, 0, -1]),
                          ("Psi+", [0, 1, 1, 0]), ("Psi-", [0, 1, -1, 0]))
}


def _label(vec: sp.Matrix, position: int) -> str:
    known = (n for n, state in KNOWN_STATES.items()
             if all(short_number(x) == 0 for x in vec - state))
    return next(known, f"v{position}")


def fixed_lanczos(H: sp.Matrix, start: sp.Matrix, dim: int,
                   params: tuple[sp.Symbol, ...]) -> list[sp.Matrix]:
    """Lanczos vectors of ``start`` for as long as their directions are parameter-free."""
    chain: list[sp.Matrix] = []
    residual = start
    while len(chain) < dim:
        entries = [tidy_polynomial(x, params) for x in residual]
        pivot = next((x for x in entries if x != 0), None)
        ratios = [sp.cancel(x / pivot) for x in entries] if pivot is not None else []
        if not ratios or any(r.free_symbols & set(params) for r in ratios):
            break
        chain.append(unit_vector(sp.Matrix(ratios)))
        image = H * chain[-1]
        residual = image - sum(((v.H * image)[0] * v for v in chain), sp.zeros(start.rows, 1))
    return chain


def krylov_rank(H_b: sp.Matrix, start: sp.Matrix, params: tuple[sp.Symbol, ...]) -> int:
    """Dimension of span{start, H_b start, ...} over the rational functions of params.

    A rank at a rational point is a lower bound; below full, the exact one is computed.
    """
    def krylov(M: sp.Matrix) -> sp.Matrix:
        columns = [start]  # products, not powers: fast with algebraic entries (chain blocks)
        while len(columns) < M.rows:
            columns.append((M * columns[-1]).applyfunc(sp.expand))
        return sp.Matrix.hstack(*columns)

    rng = random.Random(1729)
    point = {p: sp.Rational(rng.randint(-97, 97), rng.randint(1, 31)) for p in params}
    lower = over_field(krylov(H_b.subs(point))).rank()
    return lower if lower == H_b.rows else over_field(krylov(H_b)).rank()


@dataclass(frozen=True)
class Block:
    """One invariant subspace of ``H``.

    Attributes
    ----------
    labels : tuple of str
        ``uu``, ``Phi+``, ... where known, else ``v<k>`` (``k``: column of ``U``).
    vectors : tuple of sympy.Matrix
        Orthonormal constant basis; ``matrix`` is ``H_b = U_b^dag H U_b``.
    initial : sympy.Matrix
        Components of the initial state on ``vectors``; ``weight``: squared norm.
    krylov_dim : int
        Krylov dimension of the initial state's part, identically in the parameters
        (0 without weight; below ``dim`` where the Krylov space is smaller).
    charges : tuple
        Eigenvalue of each commutant element on the block (None: not scalar there).
    """

    labels: tuple[str, ...]
    vectors: tuple[sp.Matrix, ...]
    matrix: sp.Matrix
    initial: sp.Matrix
    weight: sp.Expr
    krylov_dim: int
    charges: tuple[sp.Expr | None, ...]

    @property
    def dim(self) -> int:
        """Number of basis vectors."""
        return len(self.labels)

    @property
    def populated(self) -> bool:
        """True if the initial state has weight in this block."""
        return self.weight != 0


@dataclass(frozen=True)
class Structure:
    """Symmetries and invariant blocks of ``H``, with the exact proof.

    Attributes
    ----------
    commutant : tuple of sympy.Matrix
        The basis from :func:`commutant`.
    unitary, transformed : sympy.Matrix
        ``U`` (columns grouped by block, see ``labels``) and ``U^dag H U``.
    blocks : tuple of Block
        Smallest first.
    proved : bool
        ``U^dag U = 1`` and every off-block entry of ``U^dag H U`` is exactly 0.
    """

    hamiltonian: sp.Matrix
    params: tuple[sp.Symbol, ...]
    initial: sp.Matrix
    commutant: tuple[sp.Matrix, ...]
    unitary: sp.Matrix
    transformed: sp.Matrix
    blocks: tuple[Block, ...]
    proved: bool

    @property
    def labels(self) -> tuple[str, ...]:
        """Labels of the columns of ``unitary``."""
        return tuple(label for block in self.blocks for label in block.labels)

    @property
    def populated(self) -> tuple[Block, ...]:
        """The blocks the initial state has weight in (the dynamics stays there)."""
        return tuple(block for block in self.blocks if block.populated)

    def block_of(self, label: str) -> Block:
        """The block containing the basis vector named ``label``."""
        for block in self.blocks:
            if label in block.labels:
                return block
        raise ValueError(f"no basis vector named {label!r}; have {', '.join(self.labels)}")

    def summary(self) -> str:
        """A few lines: the symmetry, each block, its weight and the proof status."""
        lines = [f"commutant: {'; '.join(str(pauli_form(X)) for X in self.commutant)}; blocks "
                 + "+".join(str(b.dim) for b in self.blocks)]
        for k, block in enumerate(self.blocks):
            state = "populated" if block.populated else "empty"
            lines.append(f"  block {k}: [{', '.join(block.labels)}] dim {block.dim}, "
                         f"weight {block.weight} ({state}, Krylov dim {block.krylov_dim})")
        verdict = "exact" if self.proved else "NOT proved"
        lines.append(f"U^dag U = 1 and U^dag H U block-diagonal: {verdict}")
        return "\n".join(lines)


def _initial_vector(initial: sp.Matrix | str) -> sp.Matrix:
    if isinstance(initial, str):
        if initial not in KNOWN_STATES:
            raise ValueError(f"unknown state {initial!r}; allowed: {', '.join(KNOWN_STATES)}")
        return KNOWN_STATES[initial]
    vec = sp.Matrix(initial)
    if vec.shape != (4, 1) or vec.free_symbols or all(short_number(x) == 0 for x in vec):
        raise ValueError("initial must be a nonzero constant 4x1 vector or a state label")
    return vec


def _block(H: sp.Matrix, B: sp.Matrix, psi0: sp.Matrix, params: tuple[sp.Symbol, ...],
           algebra: Sequence[sp.Matrix], offset: int) -> Block:
    """The block on one irreducible subspace (orthonormal columns of ``B``)."""
    components = (B.H * psi0).applyfunc(short_number)
    chain = []
    if any(c != 0 for c in components):
        chain = fixed_lanczos(H, (B * components).applyfunc(short_number), B.cols, params)
    vectors = orthonormal(chain + [B[:, k] for k in range(B.cols)], B.cols)
    V = sp.Matrix.hstack(*vectors)
    part = (V.H * psi0).applyfunc(short_number)
    charges = [(B.H * X * B).applyfunc(short_number) for X in algebra]
    return Block(tuple(_label(v, offset + k) for k, v in enumerate(vectors)), tuple(vectors),
                 (V.H * H * V).applyfunc(lambda x: tidy_polynomial(x, params)), part,
                 short_number(sum(c * sp.conjugate(c) for c in part)),
                 krylov_rank(B.H * H * B, components, params),
                 tuple(C[0, 0] if is_scalar(C) else None for C in charges))


def symmetry_blocks(H: sp.Matrix, params: Sequence[sp.Symbol],
                    initial: sp.Matrix | str = "dd") -> Structure:
    """Invariant blocks of ``H`` found from its symmetries, proved exactly.

    Blocks: joint eigenspaces of a maximal commuting set of Hermitian commutant
    elements (first the projector on the smallest invariant subspace holding the
    initial state), i.e. irreducible invariant subspaces. A block's basis starts
    with the Lanczos vectors of the initial state's part while their directions
    are parameter-free (``Phi+, Psi+, Psi-`` in the paper's model), then exact
    Gram-Schmidt. The whole symmetry space is the block even where the Krylov
    space is smaller (then :attr:`Block.krylov_dim` < dim).

    Parameters
    ----------
    H : sympy.Matrix
        4x4 Hermitian, polynomial in ``params``; substitute values first (e.g.
        ``D = 0``) for the finer blocks of a special case.
    params : sequence of sympy.Symbol
        The real symbols of ``H``.
    initial : sympy.Matrix or str
        Constant 4x1 state, or a name from :data:`KNOWN_STATES` (default ``dd``).

    Returns
    -------
    Structure
        With ``proved``: ``U^dag U = 1`` and ``U^dag H U`` block-diagonal, exactly.

    Raises
    ------
    ValueError
        For invalid ``H``, ``params`` or ``initial``.
    """
    params = tuple(params)
    with big_integer_guard("the symmetry blocks of H"):
        return _symmetry_blocks(H, params, _initial_vector(initial))


def _symmetry_blocks(H: sp.Matrix, params: tuple[sp.Symbol, ...], psi0: sp.Matrix) -> Structure:
    algebra = commutant(H, params)
    blocks: list[Block] = []
    # The cyclic span's projector (in the commutant) first: psi0 stays in few blocks.
    span = cyclic_span(H, psi0, params)
    cyclic = sp.eye(4) if len(span) == 4 else sum((v * v.H for v in orthonormal(span, 4)),
                                                  sp.zeros(4, 4))
    for B in irreducible_subspaces([cyclic, *algebra]):
        blocks.append(_block(H, B, psi0, params, algebra, sum(b.dim for b in blocks)))
    U = sp.Matrix.hstack(*(v for block in blocks for v in block.vectors))
    HU = (U.H * H * U).applyfunc(lambda x: tidy_polynomial(x, params))
    owner = [b for b, block in enumerate(blocks) for _ in range(block.dim)]
    unitary = U.cols == 4 and all(short_number(x) == 0 for x in U.H * U - sp.eye(4))
    diagonal = all(HU[i, j] == 0 for i in range(4) for j in range(4) if owner[i] != owner[j])
    return Structure(H, params, psi0, tuple(algebra), U, HU, tuple(blocks), unitary and diagonal)
