"""Closed-form charging of a chain battery whose reachable blocks are small (issue 24).

The populated symmetry sectors of :mod:`qb_symbolic.symbolic.chain_sectors` (orthonormal
orbit bases ``Q_s``, exact) hold the start's components ``c_s = Q_s^dag psi0``. Inside a
sector the *reachable block* is the smallest constant subspace holding ``c_s`` that every
``H(p)`` maps into itself: the closure of ``c_s`` under the coefficient matrices of the
sector Hamiltonian (:func:`qb_symbolic.symbolic.structure.cyclic_span`), so its basis is
parameter-free. It is ordered as for two qubits (the start's component first, then the
Lanczos vectors while their directions are parameter-free, then exact Gram-Schmidt), and
``B_b = Q_s W_b`` (``2^N x n``), ``H_b = B_b^dag H B_b``. The generic Krylov dimension of
the start in the block is recorded too (it may be smaller than ``n``).

Measured (paper's bond, ``Omega X`` sites, start ``|d...d>``; ising, xxz, xyz and
general, with ``D`` and at ``D = 0``): ring N = 4 blocks 4 + 2, ring N = 5 blocks 4 + 4,
open N = 3 blocks 4 + 4 (3 + 3 at ``D = 0``), a ring of three 2 + 2; each block is its
whole sector and the Krylov dimension equals it. On these rings the blocks hold no ``D``
(the DM term annihilates the populated translation-invariant sectors: ``H B = B H_b``
proves it). Larger: the open chain of 4 (10 + 6 with ``D``; 6 + 4, ising 5 + 4, at
``D = 0``) and the ring of 6 (9 + 5; ising 6 + 5): ValueError, pointing at the numeric path.

With every block of size <= 4 the roots are the closed forms of
:mod:`qb_symbolic.symbolic.roots` and the state is, per block (as for two qubits,
:mod:`qb_symbolic.symbolic.evolution`),
``psi_b(t) = B_b sum_k e^{-i y_k t} prod_{j != k}(H_b - y_j)/(y_k - y_j) c_b``,
``psi(t) = sum_b psi_b(t)`` (a ``2^N`` vector). Proofs (:meth:`ChainEvolution.proofs`,
exact): block invariance ``H B_b = B_b H_b`` and ``U^dag U = 1`` for ``U = [B_1 ...]``;
each root a root of its block's characteristic polynomial (exact for linear, quadratic,
Viete and factored forms, 50-digit for Ferrari: :func:`~qb_symbolic.symbolic.roots.prove_roots`);
``psi(0) = psi0`` (Lagrange basis sums to 1, ``sum_b B_b B_b^dag psi0 = psi0``); the
Schroedinger equation (Cayley-Hamilton on each ``H_b`` plus block invariance); the norm
(``H`` and each ``H_b`` Hermitian, ``U`` orthonormal, ``<psi0|psi0> = 1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from ..core.errors import NoClosedForm
from ..model.battery import Battery
from .chain_sectors import Sector, chain_sectors, exact_basis, operator_matrix
from .commutant import cyclic_span, orthonormal, tidy_polynomial
from .evolution import (
    BlockEvolution,
    SpectralEvolution,
    T,
    _block_evolution,
    _cayley_hamilton,
    _lagrange_sums_to_one,
    lagrange_projector,
)
from .roots import prove_roots
from .structure import Block, fixed_lanczos, krylov_rank

#: Largest block with closed-form roots (quartic).
MAX_BLOCK = 4
#: Largest populated sector whose reachable block is searched exactly (an exact rref of
#: sector-sized matrices); beyond it the chain is left to the numeric path.
MAX_SECTOR = 64
NUMERIC_PATH = "qb.evaluate(quantity, t, battery=chain, ...)"


def _sector_name(sector: Sector) -> str:
    """``"RP+"``, ``"R-P+"``...: the sector's characters (translations trivial)."""
    return "".join(f"{name}{'+' if value > 0 else '-'}" for name, value in sector.character)


def _sector_of(block: Block) -> str:
    """The sector name in a block's labels ``"<sector>/<k>"``."""
    return block.labels[0].split("/")[0]


def _start(battery: Battery) -> sp.Matrix:
    """``|d...d>`` (or the chain's basis label) as an exact ``2^N`` column."""
    psi0 = sp.zeros(2**battery.N, 1)
    psi0[int(battery.initial.replace("u", "0").replace("d", "1"), 2)] = 1
    return psi0


def _reachable(H: sp.MatrixBase, psi0: sp.Matrix, sector: Sector, N: int,
               params: tuple[sp.Symbol, ...]) -> Block:
    """The reachable block of one populated sector (module docstring), exact."""
    Q = exact_basis(sector, N)
    H_s = (Q.H * H * Q).applyfunc(lambda x: tidy_polynomial(x, params))
    c_s = (Q.H * psi0).applyfunc(sp.radsimp)
    span = cyclic_span(H_s, c_s, params)
    # Start, then parameter-free Lanczos directions: c_b = (|c_s|, 0, ...) as for two qubits.
    W = sp.Matrix.hstack(*orthonormal(fixed_lanczos(H_s, c_s, len(span), params) + span,
                                       len(span)))
    B, H_b = Q * W, (W.H * H_s * W).applyfunc(lambda x: tidy_polynomial(x, params))
    part = (W.H * c_s).applyfunc(sp.radsimp)
    labels = tuple(f"{_sector_name(sector)}/{k}" for k in range(W.cols))
    return Block(labels, tuple(B[:, k] for k in range(B.cols)), H_b, part,
                 sp.radsimp(sum(x * sp.conjugate(x) for x in part)),
                 krylov_rank(H_b, part, params), tuple(v for _, v in sector.character))


def reachable_blocks(battery: Battery) -> tuple[Block, ...]:
    """The reachable blocks of a chain battery's start, one per populated sector.

    Parameters
    ----------
    battery
        A :class:`~qb_symbolic.Battery` of N cells.

    Returns
    -------
    tuple of Block
        :class:`~qb_symbolic.symbolic.structure.Block` with ``vectors`` of length ``2^N``
        (exact, constant, orthonormal), ``matrix`` ``H_b``, ``initial`` ``c_b``,
        ``krylov_dim`` (generic, over the parameters) and ``charges`` the sector's
        characters; labels ``"<sector>/<k>"``.

    Raises
    ------
    NoClosedForm
        (a ValueError)
        For a populated sector above :data:`MAX_SECTOR` (not searched).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> [block.dim for block in reachable_blocks(qb.chain(4, "xxz", periodic=True))]
    [4, 2]
    """
    sectors = chain_sectors(battery).sectors  # numpy, cheap: sizes checked before exact work
    for sector in sectors:
        if sector.dim > MAX_SECTOR:
            raise NoClosedForm(f"{battery!r}: the populated sector {_sector_name(sector)} has "
                               f"dimension {sector.dim} (> {MAX_SECTOR}, not searched): closed "
                               f"forms need reachable blocks of dimension <= {MAX_BLOCK}",
                               f"the numeric path {NUMERIC_PATH}")
    H = operator_matrix(battery)
    params = tuple(s for s in battery.parameters if H.has(s))
    psi0 = _start(battery)
    return tuple(_reachable(H, psi0, sector, battery.N, params) for sector in sectors)


def _zero(M: sp.MatrixBase) -> bool:
    """Every entry exactly 0 (expanded; radicals of the orbit norms denested)."""
    return all(sp.radsimp(sp.expand(x)) == 0 for x in M)


@dataclass(frozen=True)
class ChainEvolution(SpectralEvolution):
    """The closed-form charging state of a chain battery, with its exact proofs.

    Attributes
    ----------
    battery
        The :class:`~qb_symbolic.Battery` of N cells it was derived from.
    hamiltonian, energy_operator
        ``H`` and ``H0`` as exact sparse ``2^N x 2^N`` matrices; ``initial``: ``psi0``.
    reachable
        The reachable blocks (:func:`reachable_blocks`), one per populated sector.
    blocks
        Their evolutions (:class:`~qb_symbolic.symbolic.evolution.BlockEvolution`: basis
        ``B_b``, ``H_b``, ``c_b``, closed-form roots, node symbols ``lambda_{b,k}``).
    """

    battery: Battery
    hamiltonian: sp.SparseMatrix
    energy_operator: sp.SparseMatrix
    initial: sp.Matrix
    reachable: tuple[Block, ...]
    blocks: tuple[BlockEvolution, ...]

    @property
    def eigenvalues(self) -> dict[sp.Symbol, sp.Expr]:
        """``{lambda_{b,k}: closed form}`` of the reachable blocks (the eigenvalues the
        start populates; the rest of the 2^N spectrum never enters the charging)."""
        return self.root_values()

    @property
    def ground_energy(self) -> sp.Expr:
        """Lowest eigenvalue of ``H0 = sum_i h . sigma_i``: ``-N |h|``."""
        field = sum(c**2 for _, c in self.battery.energy_site)
        return -self.battery.N * sp.sqrt(field)

    def energy(self, t: sp.Expr = T) -> sp.Expr:
        """``<psi(t)|H0|psi(t)>`` in block coordinates: ``sum_ab phi_a^dag (B_a^dag H0 B_b)
        phi_b``, ``phi_b(t) = sum_k e^{-i y_k t} P_k c_b`` (H0 couples sectors: the flip
        reverses it), in the parameters and node symbols."""
        phis = [sum((sp.exp(-sp.I * y * t) * lagrange_projector(b.matrix, b.nodes, k)
                     * b.components for k, y in enumerate(b.nodes)), sp.zeros(b.dim, 1))
                for b in self.blocks]
        total = sp.Integer(0)
        for a, left in enumerate(self.blocks):
            for b, right in enumerate(self.blocks):
                coupling = (left.basis.H * self.energy_operator * right.basis).applyfunc(sp.radsimp)
                if not coupling.is_zero_matrix:
                    total += (phis[a].H * coupling * phis[b])[0]
        return total

    def ergotropy(self, t: sp.Expr = T) -> sp.Expr:
        """Of the pure state: ``<H0>(t) - E_min(H0)``."""
        return self.energy(t) - self.ground_energy

    def proofs(self) -> dict[str, bool]:
        """Each proof of the module docstring by name, with its exact verdict."""
        H, psi0 = self.hamiltonian, self.initial
        U = sp.Matrix.hstack(*(b.basis for b in self.blocks))
        orthonormal = _zero(U.H * U - sp.eye(U.cols))
        covered = sum((b.basis * b.components for b in self.blocks), sp.zeros(psi0.rows, 1))
        invariant = all(_zero(H * b.basis - b.basis * b.matrix) for b in self.blocks)
        return {
            "block invariance": orthonormal and invariant,
            "roots": all(prove_roots(b.roots, b.matrix) for b in self.blocks),
            "psi(0) = psi0": all(_lagrange_sums_to_one(b.nodes) for b in self.blocks)
            and _zero(covered - psi0),
            # i d/dt B_b phi_b = B_b H_b phi_b (Cayley-Hamilton) = H B_b phi_b (invariance)
            "Schroedinger": invariant and all(_cayley_hamilton(b) for b in self.blocks),
            "norm": orthonormal and _zero(H - H.H)
            and all(_zero(b.matrix - b.matrix.H) for b in self.blocks)
            and _zero(psi0.H * psi0 - sp.eye(1)),
        }

    def summary(self) -> str:
        """One line per block: sector, dimension, Krylov dimension, weight, root form."""
        lines = [f"{self.battery!r}: reachable blocks "
                 + " + ".join(str(b.dim) for b in self.reachable)]
        for block, evolved in zip(self.reachable, self.blocks):
            lines.append(f"  {_sector_of(block)}: dim {block.dim}, Krylov dim "
                         f"{block.krylov_dim}, weight {block.weight}, roots {evolved.roots.kind}")
        return "\n".join(lines)


@cache
def chain_evolution(battery: Battery) -> ChainEvolution:
    """The closed-form charging state of a chain battery (cached per battery).

    Parameters
    ----------
    battery
        A :class:`~qb_symbolic.Battery` of N cells whose reachable blocks all have
        dimension <= :data:`MAX_BLOCK` (rings of 3 to 5 cells, open chains of 3).

    Returns
    -------
    ChainEvolution

    Raises
    ------
    NoClosedForm
        (a ValueError)
        Naming the sector and dimension of a reachable block above :data:`MAX_BLOCK`
        (no closed-form roots), and pointing at the numeric path.

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> evolution = chain_evolution(qb.chain(3, "xxz", periodic=True))
    >>> [block.roots.kind for block in evolution.blocks]
    ['quadratic', 'quadratic']
    >>> all(evolution.proofs().values())
    True
    """
    blocks = reachable_blocks(battery)
    for block in blocks:
        if block.dim > MAX_BLOCK:
            raise NoClosedForm(
                f"{battery!r}: the reachable block of sector {_sector_of(block)} "
                f"has dimension {block.dim} (> {MAX_BLOCK}: closed-form roots stop at "
                "quartics)", f"the numeric path {NUMERIC_PATH}")
    psi0 = _start(battery)
    evolved = tuple(_block_evolution(index, block, psi0) for index, block in enumerate(blocks))
    return ChainEvolution(battery, operator_matrix(battery), operator_matrix(battery, True),
                          psi0, blocks, evolved)
