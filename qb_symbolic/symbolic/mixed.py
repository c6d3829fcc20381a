"""Closed-form charging of a mixed start: ``rho(t) = U(t) rho0 U(t)^dag``, block by block.

For a battery whose initial state is a density matrix, every block of the structure
finder can carry weight, so all of them are kept. In the block basis ``U_b`` (constant)
the propagator is ``U(t) = sum_b U_b exp(-i H_b t) U_b^dag`` with, per block,

* Newton form (evaluated, stable at any degeneracy):
  ``exp(-i H_b t) = sum_m E[y_0..y_m](t) N_m``, ``N_m = prod_{j<m} (H_b - y_j)``;
* spectral form (printed): ``sum_k e^{-i y_k t} P_k``,
  ``P_k = prod_{j != k} (H_b - y_j)/(y_k - y_j)``,

the ``y_k`` the closed-form roots of :mod:`qb_symbolic.symbolic.roots`. Nothing is
exponentiated in the 16-dimensional Liouville space.

Proofs (:meth:`MixedEvolution.proofs`, exact): the block split; each root a root of its
block's polynomial; ``U(0) = 1`` (the Lagrange basis sums to 1, ``U`` unitary), so
``rho(0) = rho0``; the von Neumann equation ``i d rho/dt = [H, rho]``, which follows from
``i dU/dt = H U``, itself Cayley-Hamilton on each block (as for pure states); and
``U(t)`` unitary, hence trace and spectrum of ``rho(t)`` preserved: the ``P_k`` are
Hermitian polynomials in ``H_b`` with ``P_k P_j = delta_kj P_k`` and ``sum_k P_k = 1``,
because ``prod_j (H_b - y_j) = p_b(H_b) = 0``. With the spectrum of ``rho(t)`` constant,
so is the passive energy ``sum_k r_k(down) e_k(up)`` (Allahverdyan, Balian and
Nieuwenhuizen, EPL 67, 565 (2004)), and the ergotropy is ``Tr(rho(t) H0)`` minus a constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from .evolution import T, _cayley_hamilton, _lagrange_sums_to_one, lagrange_projector
from .roots import RootForm, prove_roots, real_roots
from .structure import Structure, symmetry_blocks

#: The structure finder's probe state. Its blocks always cover all four dimensions (``U``
#: is a 4x4 unitary), whatever the probe; a basis state keeps the block bases free of the
#: square roots a generic probe's normalisation brings, which keeps the proofs cheap.
_PROBE = sp.Matrix([0, 0, 0, 1])


@dataclass(frozen=True)
class BlockPropagator:
    """``exp(-i H_b t)`` of one block: basis, matrix, closed-form roots and their nodes."""

    labels: tuple[str, ...]
    basis: sp.Matrix
    matrix: sp.Matrix
    roots: RootForm
    nodes: tuple[sp.Symbol, ...]

    @property
    def dim(self) -> int:
        return len(self.nodes)

    def projector(self, k: int) -> sp.Matrix:
        """``P_k = prod_{j != k} (H_b - y_j)/(y_k - y_j)`` in the node symbols."""
        return lagrange_projector(self.matrix, self.nodes, k)

    def propagator(self, t: sp.Expr = T) -> sp.Matrix:
        """``U_b exp(-i H_b t) U_b^dag`` (4x4) in the spectral form."""
        inner = sp.zeros(self.dim, self.dim)
        for k, node in enumerate(self.nodes):
            inner += sp.exp(-sp.I * node * t) * self.projector(k)
        return self.basis * inner * self.basis.H


@dataclass(frozen=True)
class MixedEvolution:
    """The closed-form charging of a mixed start (all blocks), with its proofs."""

    battery: object
    structure: Structure
    blocks: tuple[BlockPropagator, ...]
    energies: RootForm

    def propagator(self, t: sp.Expr = T) -> sp.Matrix:
        """``U(t)`` (4x4), spectral form, in the parameters and node symbols."""
        return sp.Add(*(b.propagator(t) for b in self.blocks), sp.zeros(4, 4))

    def density(self, t: sp.Expr = T) -> sp.Matrix:
        """``rho(t) = U(t) rho0 U(t)^dag`` in the spectral form."""
        U = self.propagator(t)
        return U * sp.Matrix(self.battery.initial_state) * U.H

    def proofs(self) -> dict[str, bool]:
        """Each proof of the module docstring by name, with its exact verdict."""
        U = self.structure.unitary
        cayley_hamilton = all(_cayley_hamilton(b) for b in self.blocks)
        return {
            "block split": self.structure.proved,
            "roots": all(prove_roots(b.roots, b.matrix) for b in self.blocks),
            "rho(0) = rho0": all(_lagrange_sums_to_one(b.nodes) for b in self.blocks)
            and all(sp.simplify(e) == 0 for e in U * U.H - sp.eye(4)),
            "von Neumann": cayley_hamilton,
            "unitary (trace, spectrum, passive energy constant)": cayley_hamilton
            and all(sp.simplify(e) == 0 for b in self.blocks for e in b.matrix - b.matrix.H),
        }


@cache
def _block_propagators(H: sp.ImmutableMatrix, params: tuple[sp.Symbol, ...]) -> tuple:
    """The structure and every block's propagator of ``H``: they depend on ``H`` alone, so
    batteries that differ only in their start (or H0) share one derivation."""
    structure = symmetry_blocks(sp.Matrix(H), params, _PROBE)
    if not structure.proved:
        raise ValueError("the block split of H could not be proved exactly")
    blocks = []
    for index, block in enumerate(structure.blocks):
        nodes = tuple(sp.Symbol(f"lambda_{index}{k}", real=True) for k in range(block.dim))
        blocks.append(BlockPropagator(tuple(block.labels), sp.Matrix.hstack(*block.vectors),
                                      block.matrix, real_roots(block.matrix), nodes))
    return structure, tuple(blocks)


@cache
def mixed_evolution(battery) -> MixedEvolution:
    """The closed-form propagator of every block of a battery (cached per battery).

    Raises
    ------
    ValueError
        For a block split that could not be proved (never expected).
    """
    H = sp.ImmutableMatrix(battery.hamiltonian)
    params = tuple(s for s in battery.parameters if H.has(s))
    structure, blocks = _block_propagators(H, params)
    return MixedEvolution(battery, structure, blocks,
                          real_roots(sp.Matrix(battery.energy_operator)))
