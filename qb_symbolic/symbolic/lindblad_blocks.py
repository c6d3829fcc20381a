"""The Lindblad superoperator's small invariant blocks in closed form (exact, SymPy).

The same real coordinates as :mod:`qb_symbolic.numeric.open.liouvillian_blocks` (``rho_ii``,
then ``Re rho_ij``, then ``Im rho_ij`` for ``i < j``), built exactly: column ``b`` of ``R``
holds the coordinates of ``L(G_b)`` for the Hermitian basis matrix ``G_b`` of coordinate
``b`` (``E_kk``, ``E_kl + E_lk``, ``i (E_kl - E_lk)``), with
``L(X) = -i [H, X] + sum_k r_k (A_k X A_k^dag - {A_k^dag A_k, X}/2)`` (the pairs
``(r_k, A_k)`` of :meth:`~qb_symbolic.model.dissipators.Dissipator.terms`, so no square
root of a rate appears). An entry is a coupling when it does not expand to zero
identically, in every parameter; invariant blocks are found as in the numeric module.

For each block of dimension <= 4 the characteristic polynomial ``det(s - R_b)`` is
factored over the parameters; factors of degree <= 2 give the eigenvalues (quadratic
formula). Proved exactly, in :attr:`LindbladBlocks.proofs`:

* ``split``: every entry of ``R`` outside the blocks (among the reached coordinates, and
  from them to the others) expands to zero;
* ``roots``: each eigenvalue is a root of its factor, and the factors with their
  multiplicities multiply to the block's characteristic polynomial;
* ``trace``: the diagonal rows of ``R`` sum to zero (``Tr L(X) = 0`` for every ``X``).

A factor of degree 3 or 4 with symbolic coefficients (Cardano or Ferrari forms, which
this module does not prove) or a block beyond 4 raises :class:`NoClosedForm`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..core.errors import NoClosedForm
from ..model.dissipators import Dissipator

#: The variable of the characteristic polynomials.
s = sp.Symbol("s")
#: Largest block given in closed form.
MAX_BLOCK = 4
_NUMERIC = "the numeric path qb_symbolic.numeric.open.lindblad.open_evolution"


def _basis(d: int) -> list[sp.Matrix]:
    """The Hermitian matrices ``G_b`` of the coordinates, in order."""
    unit = lambda i, j: sp.Matrix(d, d, lambda a, b: int((a, b) == (i, j)))
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
    return ([unit(k, k) for k in range(d)] + [unit(i, j) + unit(j, i) for i, j in pairs]
            + [sp.I * (unit(i, j) - unit(j, i)) for i, j in pairs])


def _coordinates(M: sp.Matrix) -> list[sp.Expr]:
    """Coordinates of a Hermitian ``M``: ``M_ii``, ``(M_ij + M_ji)/2``, ``(M_ij - M_ji)/2i``."""
    d = M.rows
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
    return [sp.expand(x) for x in [M[k, k] for k in range(d)]
            + [(M[i, j] + M[j, i]) / 2 for i, j in pairs]
            + [(M[i, j] - M[j, i]) / (2 * sp.I) for i, j in pairs]]


def real_liouvillian(H: sp.Matrix, terms: Iterable[tuple[sp.Expr, sp.Matrix]]) -> sp.Matrix:
    """The exact real ``d^2 x d^2`` matrix ``R`` (``dx/dt = R x``) of ``H`` and the jump
    terms ``(r_k, A_k)`` (``L_k = sqrt(r_k) A_k``)."""
    terms = [(r, A, A.H * A) for r, A in terms]
    columns = []
    for G in _basis(H.rows):
        image = -sp.I * (H * G - G * H)
        for r, A, M in terms:
            image += r * (A * G * A.H - (M * G + G * M) / 2)
        columns.append(_coordinates(image))
    return sp.Matrix(columns).T


def _blocks(R: sp.Matrix, start: list[int] | None) -> list[list[int]]:
    """Reachable coordinates' weakly connected components (see the numeric module)."""
    n = R.rows
    edges = {b: {a for a in range(n) if R[a, b] != 0} for b in range(n)}  # b feeds a
    keep = set(range(n)) if start is None else set()
    frontier = list(start or [])
    while frontier:
        b = frontier.pop()
        if b not in keep:
            keep.add(b)
            frontier += [a for a in edges[b] if a not in keep]
    found, seen = [], set()
    for root in sorted(keep):
        if root in seen:
            continue
        part, stack = set(), [root]
        while stack:
            k = stack.pop()
            if k not in part:
                part.add(k)
                stack += [a for a in keep if a not in part and (a in edges[k] or k in edges[a])]
        seen |= part
        found.append(sorted(part))
    return found


@dataclass(frozen=True)
class LindbladBlock:
    """One invariant block: coordinate indices, ``R_b``, ``det(s - R_b)``, its factors
    ``(factor, multiplicity)`` and the eigenvalues (with multiplicity)."""

    index: tuple[int, ...]
    matrix: sp.Matrix
    polynomial: sp.Expr
    factors: tuple[tuple[sp.Expr, int], ...]
    eigenvalues: tuple[sp.Expr, ...]


@dataclass(frozen=True)
class LindbladBlocks:
    """The exact ``R``, the reached blocks in closed form, and the proofs (all True)."""

    matrix: sp.Matrix
    blocks: tuple[LindbladBlock, ...]
    proofs: dict[str, bool]


def _roots(factor: sp.Expr) -> list[sp.Expr]:
    poly = sp.Poly(factor, s)
    if poly.degree() == 1:
        a, b = poly.all_coeffs()
        return [sp.cancel(-b / a)]
    if poly.degree() == 2:
        a, b, c = poly.all_coeffs()
        root = sp.sqrt(sp.factor(b ** 2 - 4 * a * c))
        return [sp.cancel(-b / (2 * a)) + sign * root / (2 * a) for sign in (1, -1)]
    raise NoClosedForm(f"a factor of degree {poly.degree()} with symbolic coefficients "
                       f"({factor}) is not proved in closed form", _NUMERIC)


def _block(R: sp.Matrix, index: list[int]) -> tuple[LindbladBlock, bool]:
    Rb = R.extract(index, index)
    polynomial = sp.expand((s * sp.eye(len(index)) - Rb).det(method="berkowitz"))
    constant, factors = sp.factor_list(polynomial, s)
    eigenvalues, proved = [], True
    for factor, multiplicity in factors:
        for root in _roots(factor):
            proved &= sp.expand(factor.subs(s, root)) == 0
            eigenvalues += [root] * multiplicity
    proved &= sp.expand(constant * sp.Mul(*[f ** m for f, m in factors]) - polynomial) == 0
    block = LindbladBlock(tuple(index), Rb, polynomial, tuple(factors), tuple(eigenvalues))
    return block, bool(proved)


def lindblad_blocks(H: Any, dissipators: Dissipator | Iterable[Dissipator], N: int,
                    start: Any = None) -> LindbladBlocks:
    """The invariant blocks of an open battery's superoperator, in closed form.

    Parameters
    ----------
    H
        The ``2^N x 2^N`` Hamiltonian (SymPy, e.g. ``Battery(...).hamiltonian``).
    dissipators
        The :class:`~qb_symbolic.model.dissipators.Dissipator` (exact rates, symbols allowed).
    N
        Number of qubits.
    start
        Initial state (ket or density matrix): only the blocks it reaches.

    Raises
    ------
    NoClosedForm
        If a reached block has more than :data:`MAX_BLOCK` coordinates or a factor of
        degree 3 or 4; ValueError for a wrong size of H or the dissipators' own errors.

    Examples
    --------
    >>> from qb_symbolic.model.dissipators import amplitude_damping, kappa
    >>> Om = sp.Symbol("Omega", positive=True)
    >>> found = lindblad_blocks(Om * sp.Matrix([[0, 1], [1, 0]]), amplitude_damping(kappa), 1)
    >>> [block.index for block in found.blocks]      # (rho_uu, rho_dd, Im rho_ud) | Re rho_ud
    [(0, 1, 3), (2,)]
    >>> found.blocks[0].eigenvalues                   # coalescing at kappa = 8 Omega
    (0, -3*kappa/4 + sqrt(-8*Omega + kappa)*sqrt(8*Omega + kappa)/4, \
-3*kappa/4 - sqrt(-8*Omega + kappa)*sqrt(8*Omega + kappa)/4)
    >>> found.blocks[1].eigenvalues, found.proofs
    ((-kappa/2,), {'split': True, 'roots': True, 'trace': True})
    """
    H = sp.Matrix(H)
    if H.shape != (2**N, 2**N):
        raise ValueError(f"H must be {2**N}x{2**N} for N = {N}; got {H.rows}x{H.cols}")
    items = [dissipators] if isinstance(dissipators, Dissipator) else list(dissipators)
    R = real_liouvillian(H, [term for d in items for term in d.terms(N)])
    reached = None
    if start is not None:
        rho = sp.Matrix(start)
        rho = rho * rho.H if rho.cols == 1 else rho
        reached = [k for k, x in enumerate(_coordinates(rho)) if x != 0]
    parts = _blocks(R, reached)
    big = [len(p) for p in parts if len(p) > MAX_BLOCK]
    if big:
        raise NoClosedForm(f"a reached block of the superoperator has dimension {max(big)} "
                           f"(closed forms up to {MAX_BLOCK})", _NUMERIC)
    blocks, proved = zip(*[_block(R, p) for p in parts]) if parts else ((), ())
    inside = {(a, b) for p in parts for a in p for b in p}
    reach = {k for p in parts for k in p}
    split = all(R[a, b] == 0 for a in range(R.rows) for b in reach if (a, b) not in inside)
    trace = all(sp.expand(sum(R[k, b] for k in range(H.rows))) == 0 for b in range(R.cols))
    return LindbladBlocks(R, tuple(blocks), {"split": split, "roots": all(proved),
                                             "trace": trace})
