"""Exact mixed states to start a battery from: thermal, product, Werner, Bell-diagonal.

Each returns a 4x4 SymPy matrix (basis ``|uu>, |ud>, |du>, |dd>``, cell 1 the left
factor) to pass as ``initial=`` (:mod:`qb_symbolic.model.density`). Parameters may be
numbers or real symbols (then they become the battery's parameters, like any other); a
float is read by its shortest decimal (``0.3`` is ``3/10``), so the state has trace 1
exactly and passes the exact checks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from ..core.pauli import ket, sigma
from ..core.values import exact_real
from ..model.density import mark_constructed
from ..model.inputs import to_matrix
from .roots import real_roots
from .structure import symmetry_blocks

#: The inverse temperature symbol ``beta = 1/(k_B T)`` (``>= 0``: beta = 0 is the
#: infinite-temperature state; a negative value is refused where it is given).
beta = sp.Symbol("beta", nonnegative=True)


def _exact(value: Any, what: str) -> sp.Expr:
    """A parameter exactly: floats by their shortest decimal (SymPy Floats would leave the
    trace 1 only up to rounding, which the exact checks refuse), the rest as given."""
    if isinstance(value, (float, np.floating)):
        return exact_real(what, value)
    return sp.sympify(value)


def thermal_state(hamiltonian: Any, inverse_temperature: Any = beta) -> sp.Matrix:
    """The Gibbs state ``exp(-beta H)/Tr exp(-beta H)`` of a 4x4 Hamiltonian, in closed form.

    ``hamiltonian``: Pauli text, Pauli terms or a matrix (as for ``Battery.from_*``),
    e.g. ``"omega0*(ZI + IZ)"`` for the battery's own H0 or the charging Hamiltonian of
    another battery. The exponential is taken block by block from the closed-form
    eigenvalues of :mod:`qb_symbolic.symbolic.roots` (diagonal Hamiltonians give the
    Boltzmann weights directly); it is exact, though large for a Ferrari block.

    Raises
    ------
    ValueError
        For an invalid Hamiltonian or a negative (or complex) inverse temperature.

    Examples
    --------
    >>> thermal_state("omega0*(ZI + IZ)", 0) == __import__("sympy").eye(4) / 4  # infinite T
    True
    """

    H = to_matrix(hamiltonian, "the thermal state's Hamiltonian")
    b = _exact(inverse_temperature, "the inverse temperature")
    if b.is_real is False or b.is_negative:
        raise ValueError(f"the inverse temperature must be real and >= 0; got {b}")
    if H.is_diagonal():
        pieces = [(sp.Matrix([1]), sp.Matrix.hstack(sp.eye(4)[:, i]), [H[i, i]]) for i in range(4)]
    else:
        params = tuple(sorted(H.free_symbols, key=sp.default_sort_key))
        structure = symmetry_blocks(H, params, sp.Matrix([0, 0, 0, 1]))
        pieces = [(block.matrix, sp.Matrix.hstack(*block.vectors),
                   real_roots(block.matrix).explicit()) for block in structure.blocks]
    # Weights relative to the ground energy: exact (Z cancels) and, on the float path,
    # no overflow of exp(-beta E) at low temperature (beta |E| > ~700).
    ground = sp.Min(*(y for _, _, roots in pieces for y in roots))
    total = sp.zeros(4, 4)
    for matrix, basis, roots in pieces:
        total += basis * _gibbs_block(matrix, roots, b, ground) * basis.H
    return mark_constructed(total / total.trace(), "a Gibbs state exp(-beta H)/Z")


def _gibbs_block(matrix: sp.Matrix, roots: list, b: sp.Expr, ground: sp.Expr) -> sp.Matrix:
    """``exp(-b (M - ground))`` of one block by its spectral projectors (Lagrange form)."""
    n = matrix.rows
    inner = sp.zeros(n, n)
    for k, y in enumerate(roots):
        projector = sp.eye(n)
        for j, other in enumerate(roots):
            if j != k:
                projector = projector * (matrix - other * sp.eye(n)) / (y - other)
        inner += sp.exp(-b * (y - ground)) * projector
    return inner


def product_state(bloch1: Any, bloch2: Any) -> sp.Matrix:
    """``(1 + r1.sigma)/2 (x) (1 + r2.sigma)/2`` for Bloch vectors ``r1, r2`` (``|r| <= 1``).

    Examples
    --------
    >>> product_state([0, 0, 1], [0, 0, -1]) == __import__("sympy").diag(0, 1, 0, 0)  # |ud><ud|
    True
    """
    cells = []
    for cell, r in ((1, bloch1), (2, bloch2)):
        r = [_exact(x, f"Bloch vector {cell}") for x in r]
        if len(r) != 3:
            raise ValueError(f"Bloch vector {cell} must have three components; got {len(r)}")
        cells.append(r)
    one = sp.eye(4)
    rho1 = (one + sum((x * sigma(a, 1) for x, a in zip(cells[0], "xyz")), sp.zeros(4, 4))) / 2
    rho2 = (one + sum((x * sigma(a, 2) for x, a in zip(cells[1], "xyz")), sp.zeros(4, 4))) / 2
    return (rho1 * rho2).applyfunc(sp.expand)


def werner_state(p: Any) -> sp.Matrix:
    """``p |psi-><psi-| + (1 - p) 1/4`` (entangled for ``p > 1/3``; a state for -1/3 <= p <= 1).

    Examples
    --------
    >>> werner_state(0) == __import__("sympy").eye(4) / 4
    True
    """
    psi, p = ket("psi-"), _exact(p, "the Werner weight p")
    return (p * psi * psi.H + (1 - p) * sp.eye(4) / 4).applyfunc(sp.expand)


def bell_diagonal_state(c1: Any, c2: Any, c3: Any) -> sp.Matrix:
    """``(1 + c1 sx sx + c2 sy sy + c3 sz sz)/4`` (a state where its four weights are >= 0).

    Examples
    --------
    >>> rho = bell_diagonal_state(-1, -1, -1)  # the singlet: T = diag(-1, -1, -1)
    >>> rho.trace(), rho[1, 2]
    (1, -1/2)
    """
    total = sp.eye(4)
    for k, (c, a) in enumerate(zip((c1, c2, c3), "xyz"), 1):
        total += _exact(c, f"c{k}") * sigma(a, 1) * sigma(a, 2)
    return (total / 4).applyfunc(sp.expand)
