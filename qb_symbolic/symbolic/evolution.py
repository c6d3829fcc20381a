"""Closed-form evolution of any two-qubit battery, block by block, with its proofs.

For a battery (:class:`qb_symbolic.Battery`) the structure finder
splits H into invariant blocks ``H_b`` (basis ``U_b``, constant) and the initial
state into components ``c_b = U_b^dag psi0``. Inside a block with eigenvalues
``y_0 > ... > y_{n-1}`` (closed forms of :mod:`qb_symbolic.symbolic.roots`, named
``lambda_{b,k}``):

* spectral (Sylvester) form, the one printed:
  ``psi_b(t) = sum_k e^{-i y_k t} prod_{j != k} (H_b - y_j)/(y_k - y_j) c_b``;
* Newton form, the one evaluated (stable however close the roots come):
  ``psi_b(t) = sum_m E[y_0..y_m] w_m``, ``w_m = prod_{j<m} (H_b - y_j) c_b``, with
  ``E[...]`` the divided differences of ``E(z) = e^{-izt}``
  (:mod:`qb_symbolic.numeric.closed_form.divided`).

Proofs (exact, see :meth:`Evolution.proofs`): the block split (structure), each
root a root of its block's polynomial (roots), ``psi(0) = psi0`` (the Lagrange basis
sums to 1 identically in the nodes, and ``sum_b U_b c_b = psi0`` with ``U`` unitary),
the Schroedinger equation (``(H_b - y_k) prod_{j != k}(H_b - y_j) = p_b(H_b)``, which
vanishes by Cayley-Hamilton once the nodes are the roots of ``p_b``), and the norm
(``H`` Hermitian and ``<psi0|psi0> = 1``, exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sympy as sp

from ..core.errors import NoClosedForm
from .roots import RootForm, characteristic_polynomial, prove_roots, real_roots
from .structure import Structure, symmetry_blocks

Z = sp.Symbol("z")
T = sp.Symbol("t", nonnegative=True)


@dataclass(frozen=True)
class BlockEvolution:
    """One populated block: basis, matrix, initial components, roots and Newton vectors.

    Attributes
    ----------
    labels, basis
        Names and the 4 x n matrix ``U_b`` of its (constant) basis vectors.
    matrix
        ``H_b = U_b^dag H U_b``.
    components
        ``c_b = U_b^dag psi0`` (n x 1).
    roots
        The closed-form eigenvalues (descending).
    nodes
        Symbols ``lambda_{b,k}`` standing for ``roots.roots[k]``.
    newton
        ``U_b w_m`` (4 x 1, computational basis) for ``m < n``, in the parameters and nodes.
    """

    labels: tuple[str, ...]
    basis: sp.Matrix
    matrix: sp.Matrix
    components: sp.Matrix
    roots: RootForm
    nodes: tuple[sp.Symbol, ...]
    newton: tuple[sp.Matrix, ...]

    @property
    def dim(self) -> int:
        return len(self.nodes)

    def projector_column(self, k: int) -> sp.Matrix:
        """``U_b prod_{j != k}(H_b - y_j)/(y_k - y_j) c_b`` in the nodes (spectral form)."""
        return self.basis * lagrange_projector(self.matrix, self.nodes, k) * self.components


def lagrange_projector(matrix: sp.Matrix, nodes: tuple[sp.Symbol, ...], k: int) -> sp.Matrix:
    """``P_k = prod_{j != k} (H_b - y_j)/(y_k - y_j)`` in the node symbols: the spectral
    projector of ``H_b`` on the root ``y_k`` once the nodes are its (distinct) roots."""
    n = len(nodes)
    P = sp.eye(n)
    for j in range(n):
        if j != k:
            P = P * (matrix - nodes[j] * sp.eye(n)) / (nodes[k] - nodes[j])
    return P


def _block_evolution(index: int, block, psi0: sp.Matrix) -> BlockEvolution:
    basis = sp.Matrix.hstack(*block.vectors)
    components = (basis.H * psi0).applyfunc(sp.simplify)
    form = real_roots(block.matrix)
    nodes = tuple(sp.Symbol(f"lambda_{index}{k}", real=True) for k in range(block.dim))
    newton, vector = [], components
    for m in range(block.dim):
        newton.append((basis * vector).applyfunc(sp.expand))
        vector = (block.matrix - nodes[m] * sp.eye(block.dim)) * vector
    return BlockEvolution(tuple(block.labels), basis, block.matrix, components, form, nodes,
                          tuple(newton))


class SpectralEvolution:
    """What a closed-form evolution over populated ``blocks`` (of
    :class:`BlockEvolution`) offers: the state, the roots and their substitution (shared by
    the two-qubit :class:`Evolution` and the chains' ``ChainEvolution``)."""

    blocks: tuple[BlockEvolution, ...]

    def state(self, t: sp.Expr = T) -> sp.Matrix:
        """``psi(t)`` in the spectral form, in the parameters and the node symbols."""
        return spectral_state(self.blocks, t)

    def root_values(self, clip: bool = False) -> dict[sp.Symbol, sp.Expr]:
        """``{lambda_{b,k}: explicit root}`` for every populated block."""
        return root_values(self.blocks, clip)

    def explicit(self, expr):
        """``expr`` with every node symbol replaced by its closed form."""
        return expr.xreplace(self.root_values())


@dataclass(frozen=True)
class Evolution(SpectralEvolution):
    """The closed-form charging state of a battery and the forms derived from it.

    Attributes
    ----------
    battery
        The model object it was derived from.
    structure
        Symmetries and blocks (:func:`qb_symbolic.symbolic.structure.symmetry_blocks`).
    blocks
        The populated blocks (the state never leaves them).
    energies
        Closed-form eigenvalues of H0 (for the ergotropy and the capacity).
    """

    battery: object
    structure: Structure
    blocks: tuple[BlockEvolution, ...]
    energies: RootForm

    def proofs(self) -> dict[str, bool]:
        """Each proof of the module docstring, by name, with its exact verdict."""
        H = sp.Matrix(self.battery.hamiltonian)
        psi0 = sp.Matrix(self.battery.initial_state)
        initial = sp.zeros(4, 1)
        for block in self.structure.blocks:
            basis = sp.Matrix.hstack(*block.vectors)
            initial += basis * (basis.H * psi0)
        return {
            "block split": self.structure.proved,
            "roots": all(prove_roots(b.roots, b.matrix) for b in self.blocks),
            "psi(0) = psi0": all(_lagrange_sums_to_one(b.nodes) for b in self.blocks)
            and all(sp.simplify(e) == 0 for e in initial - psi0)
            and all(sp.simplify(e) == 0 for b in self.structure.blocks if not b.populated
                    for e in b.initial),
            "Schroedinger": all(_cayley_hamilton(b) for b in self.blocks),
            "norm": all(sp.simplify(e) == 0 for e in H - H.H)
            and sp.simplify((psi0.H * psi0)[0] - 1) == 0,
        }


def spectral_state(blocks: tuple[BlockEvolution, ...], t: sp.Expr = T) -> sp.Matrix:
    """``sum_b sum_k e^{-i y_k t} U_b P_k c_b`` (any dimension: chains use it too)."""
    psi = sp.zeros(blocks[0].basis.rows, 1)
    for block in blocks:
        for k, node in enumerate(block.nodes):
            psi += sp.exp(-sp.I * node * t) * block.projector_column(k)
    return psi


def root_values(blocks: tuple[BlockEvolution, ...], clip: bool = False) -> dict:
    """``{lambda_{b,k}: explicit root}`` for the blocks (``clip``: see ``RootForm.explicit``)."""
    return {node: root for block in blocks
            for node, root in zip(block.nodes, block.roots.explicit(clip=clip))}


def _lagrange_sums_to_one(nodes: tuple[sp.Symbol, ...]) -> bool:
    """``sum_k prod_{j != k} (z - y_j)/(y_k - y_j) = 1`` identically (so ``sum_k P_k = 1``).
    The nodes are free symbols, so the identity is one per count (proved once: seconds at 4)."""
    return _lagrange_identity(len(nodes))


@cache
def _lagrange_identity(n: int) -> bool:
    """The identity of :func:`_lagrange_sums_to_one` for ``n`` generic nodes."""
    nodes = sp.symbols(f"y0:{n}", real=True)
    total = sp.Integer(0)
    for k in range(len(nodes)):
        term = sp.Integer(1)
        for j in range(len(nodes)):
            if j != k:
                term *= (Z - nodes[j]) / (nodes[k] - nodes[j])
        total += term
    return sp.cancel(total) == 1


def _cayley_hamilton(block: BlockEvolution) -> bool:
    """``p_b(H_b) = 0`` exactly (Cayley-Hamilton, expanded).

    With the nodes the roots of ``p_b`` (proved by ``roots``), ``prod_j (z - y_j) = p_b(z)``,
    so ``i d/dt psi_b - H_b psi_b = sum_k e^{-i y_k t} (y_k - H_b) P_k c_b`` is
    ``-sum_k e^{-i y_k t} p_b(H_b) c_b / prod_{j != k}(y_k - y_j) = 0``.
    """
    n = block.dim
    coefficients = sp.Poly(characteristic_polynomial(block.matrix, Z), Z).all_coeffs()
    value = sp.zeros(n, n)
    for power, coefficient in enumerate(reversed(coefficients)):
        value += coefficient * block.matrix**power
    return all(sp.expand(e) == 0 for e in value)


@cache
def evolution(battery) -> Evolution:
    """The closed-form evolution of a battery (cached per battery).

    Raises
    ------
    ValueError
        For a battery whose blocks could not be proved (never expected).
    """
    if battery.dissipators:
        raise NoClosedForm("the unitary closed-form evolution of a battery with dissipators",
                           "qb.evaluate(..., battery=...) (Lindblad numerics)")
    if battery.sites != 2:
        raise NoClosedForm(f"the two-qubit closed-form evolution (and its formulas document) "
                           f"of a battery of {battery.sites} cells",
                           "qb.evolved_state(battery) and qb.eigensystem(battery) (closed forms "
                           "where the reachable blocks have dimension <= 4) or qb.evaluate")
    if battery.mixed:
        raise NoClosedForm("the pure-state evolution (formulas document, exact derivatives, "
                           "code export) of a battery that starts in a mixed state",
                           "qb.evolved_state(battery) (qb_symbolic.symbolic.mixed."
                           "mixed_evolution) or qb.evaluate for its numbers")
    H = sp.Matrix(battery.hamiltonian)
    psi0 = sp.Matrix(battery.initial_state)
    params = tuple(s for s in battery.parameters if H.has(s))
    probe = psi0 if not psi0.free_symbols else sp.Matrix([1, 1, 1, 1]) / 2
    structure = symmetry_blocks(H, params, probe)
    if not structure.proved:
        raise ValueError("the block split of H could not be proved exactly")
    blocks = []
    for index, block in enumerate(structure.blocks):
        components = (sp.Matrix.hstack(*block.vectors).H * psi0).applyfunc(sp.simplify)
        if any(c != 0 for c in components):
            blocks.append(_block_evolution(index, block, psi0))
    energies = real_roots(sp.Matrix(battery.energy_operator))
    return Evolution(battery, structure, tuple(blocks), energies)
