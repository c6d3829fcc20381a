"""The DM-preserved invariant subspaces, derived by SymPy.

Derivation (nothing here is typed in):

1. :func:`symmetry_commutant` solves ``[H, X] = 0`` for a parameter-independent
   4x4 operator ``X``, identically in ``Omega, J, gamma, Delta, D`` (one linear
   equation per monomial). The solution space is two-dimensional: the identity
   and ``Sigma = SWAP (sx (x) sx)``. The DM term is odd under SWAP and odd under
   ``sx (x) sx``, so it survives in their product: ``Sigma`` is the symmetry the
   DM interaction preserves.
2. :func:`symmetry_adapted_basis` splits the space into the eigenspaces
   ("sectors") of ``Sigma`` and builds, in each, the Krylov (Lanczos) basis of
   the sector's part of the initial state ``|dd>``, stripping the parameter
   content of every new vector so that the basis is parameter-free. The result
   is the Bell basis ``Phi- | Phi+, Psi+, Psi-`` in which ``H`` is block-diagonal
   and the 3x3 block is tridiagonal with couplings ``2 Omega`` and ``2 i D``.
3. :func:`block_decomposition` writes a given battery's ``H`` in that basis and
   splits it into the connected components of its nonzero pattern, so that for
   particular values (``D = 0``, ``Omega = 0``, ...) the finer blocks appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from ..core.algebra import is_zero
from ..core.errors import NoClosedForm
from ..core.pauli import ket
from ..core.symbols import HAMILTONIAN_PARAMETERS, SYMBOLS
from ..model.battery import Battery
from ..model.presets import charging_total_hamiltonian

_SQRT2 = sp.sqrt(2)

#: Names of the familiar states the derived basis vectors are recognised as.
BELL_STATES: dict[str, sp.Matrix] = {
    "Phi-": sp.Matrix([1, 0, 0, -1]) / _SQRT2,
    "Phi+": sp.Matrix([1, 0, 0, 1]) / _SQRT2,
    "Psi+": sp.Matrix([0, 1, 1, 0]) / _SQRT2,
    "Psi-": sp.Matrix([0, 1, -1, 0]) / _SQRT2,
}


def general_hamiltonian() -> sp.Matrix:
    """``H`` with every parameter symbolic."""
    return charging_total_hamiltonian(*(SYMBOLS[name] for name in HAMILTONIAN_PARAMETERS))


@lru_cache(maxsize=1)
def symmetry_commutant() -> tuple[sp.Matrix, ...]:
    """A basis of the parameter-free operators commuting with ``H`` for all parameters.

    Returns
    -------
    tuple of sympy.Matrix
        Linearly independent 4x4 constant matrices; the first is the identity.
    """
    unknowns = sp.symbols("x0:16")
    X = sp.Matrix(4, 4, unknowns)
    H = general_hamiltonian()
    params = [SYMBOLS[name] for name in HAMILTONIAN_PARAMETERS]
    equations = []
    for entry in (H * X - X * H):
        entry = sp.expand(entry)
        if entry != 0:
            equations.extend(sp.Poly(entry, *params).coeffs())
    (solution,) = sp.linsolve(equations, unknowns)
    free = sorted(set().union(*(s.free_symbols for s in solution)), key=str)
    basis = []
    for chosen in free:
        values = {u: (1 if u == chosen else 0) for u in free}
        basis.append(sp.Matrix(4, 4, [s.subs(values) for s in solution]))
    identity = sp.eye(4)
    # Put the identity first, then the rest made orthogonal to it (Hilbert-Schmidt).
    others = []
    for M in basis:
        M = M - (M.trace() / 4) * identity
        if any(not is_zero(m) for m in M):
            others.append(M)
    return (identity, *others)


def _unit_direction(residual: sp.Matrix) -> tuple[sp.Expr, sp.Matrix]:
    """Split a vector into (parameter content) x (parameter-free unit vector).

    The unit vector has a positive real first nonzero entry. Raises if the
    direction itself depends on parameters (it never does for this family).
    """
    entries = [sp.expand(e) for e in residual]
    first = next(i for i, e in enumerate(entries) if e != 0)
    direction = sp.Matrix([sp.cancel(e / entries[first]) for e in entries])
    if direction.free_symbols:
        raise ValueError("Krylov direction depends on the parameters; no fixed basis exists")
    norm = sp.sqrt(sum(sp.Abs(x) ** 2 for x in direction))
    unit = (direction / norm).applyfunc(sp.radsimp)
    content = sp.expand(entries[first] * norm)
    return content, unit


def _recognise(vector: sp.Matrix) -> str | None:
    for name, state in BELL_STATES.items():
        if all(is_zero(a - b) for a, b in zip(vector, state)):
            return name
    return None


@dataclass(frozen=True)
class SymmetryBasis:
    """The derived basis: vectors, their names and the sector of each."""

    vectors: tuple[sp.Matrix, ...]
    labels: tuple[str, ...]
    sectors: tuple[int, ...]
    symmetry: sp.Matrix
    symmetry_eigenvalues: tuple[int, ...]

    @property
    def unitary(self) -> sp.Matrix:
        """Columns are the basis vectors in the computational basis."""
        return sp.Matrix.hstack(*self.vectors)


@lru_cache(maxsize=1)
def symmetry_adapted_basis() -> SymmetryBasis:
    """Derive the symmetry sectors and the Lanczos basis inside each.

    Returns
    -------
    SymmetryBasis
        For this family: ``Phi-`` (sector ``Sigma = -1``) then ``Phi+, Psi+, Psi-``
        (sector ``Sigma = +1``).

    Examples
    --------
    >>> symmetry_adapted_basis().labels
    ('Phi-', 'Phi+', 'Psi+', 'Psi-')
    """
    commutant = symmetry_commutant()
    if len(commutant) != 2:
        raise AssertionError(f"expected a two-dimensional commutant, found {len(commutant)}")
    generator = commutant[1]
    H = general_hamiltonian()
    psi0 = ket("dd")
    sectors = []
    for _value, _mult, vecs in generator.eigenvects():
        span = sp.Matrix.hstack(*vecs)
        projector = span * (span.H * span).inv() * span.H
        sectors.append((span.shape[1], projector.applyfunc(sp.nsimplify)))
    sectors.sort(key=lambda item: item[0])  # the one-dimensional sector first
    vectors, labels, sector_of, eigenvalues = [], [], [], []
    symmetry = sp.zeros(4, 4)
    for index, (dim, projector) in enumerate(sectors):
        sign = -1 if index == 0 else 1
        symmetry += sign * projector
        eigenvalues.append(sign)
        chain = _lanczos_in_sector(H, projector, projector * psi0, dim)
        for vec in chain:
            vectors.append(vec)
            labels.append(_recognise(vec) or f"v{len(vectors) - 1}")
            sector_of.append(index)
    return SymmetryBasis(tuple(vectors), tuple(labels), tuple(sector_of), symmetry, tuple(eigenvalues))


def _lanczos_in_sector(
    H: sp.Matrix, projector: sp.Matrix, start: sp.Matrix, dim: int
) -> list[sp.Matrix]:
    """Orthonormal Krylov chains of ``H`` filling one sector, starting at ``start``."""
    chain: list[sp.Matrix] = []
    seed = start
    while len(chain) < dim:
        if all(is_zero(x) for x in seed):
            # Krylov space exhausted before the sector: restart from the complement.
            complement = projector - sum((v * v.H for v in chain), sp.zeros(4, 4))
            seed = next(complement[:, j] for j in range(4) if any(not is_zero(x) for x in complement[:, j]))
        _, vec = _unit_direction(seed)
        previous = chain[-1] if chain else None
        chain.append(vec)
        residual = H * vec - (vec.H * H * vec)[0] * vec
        if previous is not None:
            residual -= (previous.H * H * vec)[0] * previous
        seed = residual.applyfunc(sp.expand)
    return chain


@dataclass(frozen=True)
class Block:
    """One invariant subspace of ``H`` for a given battery.

    Attributes
    ----------
    indices
        Positions of its vectors in the symmetry-adapted basis.
    labels
        Names of its vectors (``Phi-``, ``Phi+``, ``Psi+``, ``Psi-``).
    matrix
        ``H`` restricted to the block, in that basis.
    initial
        Components of ``|dd>`` on the block's vectors.
    """

    indices: tuple[int, ...]
    labels: tuple[str, ...]
    matrix: sp.Matrix
    initial: sp.Matrix

    @property
    def dim(self) -> int:
        return len(self.indices)

    @property
    def populated(self) -> bool:
        """True if the initial state has weight in this block."""
        return any(not is_zero(x) for x in self.initial)


@dataclass(frozen=True)
class BlockDecomposition:
    """``H`` of one battery in the symmetry-adapted basis, split into blocks."""

    battery: Battery
    basis: SymmetryBasis
    hamiltonian: sp.Matrix
    blocks: tuple[Block, ...]

    def off_block_entries(self) -> list[sp.Expr]:
        """Entries of ``U^dag H U`` that couple different blocks (all zero)."""
        owner = {i: b for b, block in enumerate(self.blocks) for i in block.indices}
        return [
            self.hamiltonian[i, j] for i in range(4) for j in range(4) if owner[i] != owner[j]
        ]

    def block_of(self, label: str) -> Block:
        """The block containing the basis vector named ``label``."""
        for block in self.blocks:
            if label in block.labels:
                return block
        raise ValueError(f"no basis vector named {label!r}; have {', '.join(self.basis.labels)}")


@lru_cache(maxsize=256)
def block_decomposition(battery: Battery) -> BlockDecomposition:
    """Write the battery's ``H`` in the symmetry-adapted basis and split it.

    Two basis vectors are in the same block when a chain of entries that are
    not identically zero connects them, so the blocks are exactly the invariant
    subspaces the parameter values allow.

    Examples
    --------
    >>> from qb_symbolic import Battery
    >>> [b.labels for b in block_decomposition(Battery("ising")).blocks]
    [('Phi-',), ('Phi+', 'Psi+', 'Psi-')]
    """
    if battery.dissipators:
        raise NoClosedForm("the block decomposition of a battery with dissipators (its "
                           "evolution's blocks are the Liouvillian's, not H's)",
                           "qb_symbolic.numeric.open.lindblad.open_evolution(...).parts, or "
                           "qb_symbolic.symbolic.lindblad_blocks.lindblad_blocks")
    basis = symmetry_adapted_basis()
    U = basis.unitary
    H_sym = (U.H * battery.hamiltonian * U).applyfunc(sp.expand)
    initial = (U.H * battery.initial_state).applyfunc(sp.expand)
    component = list(range(4))

    def find(i: int) -> int:
        while component[i] != i:
            i = component[i]
        return i

    for i in range(4):
        for j in range(i + 1, 4):
            if not is_zero(H_sym[i, j]):
                component[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(4):
        groups.setdefault(find(i), []).append(i)
    blocks = []
    for members in sorted(groups.values()):
        idx = tuple(members)
        blocks.append(
            Block(
                indices=idx,
                labels=tuple(basis.labels[i] for i in idx),
                matrix=H_sym.extract(list(idx), list(idx)),
                initial=initial.extract(list(idx), [0]),
            )
        )
    return BlockDecomposition(battery, basis, H_sym, tuple(blocks))
