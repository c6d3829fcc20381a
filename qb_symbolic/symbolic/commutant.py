"""The commutant of a 4x4 Hermitian family ``H(params)`` and its irreducible subspaces.

:func:`commutant` solves ``[H, X] = 0`` for constant ``X`` (one linear equation per
entry and monomial); :func:`irreducible_subspaces` splits the space by a maximal
commuting set of its elements, and :func:`cyclic_span` finds the smallest invariant
subspace holding a state. The exact-arithmetic helpers (:func:`short_number`,
:func:`tidy_polynomial`, :func:`orthonormal`...) are shared with
:mod:`qb_symbolic.symbolic.structure`, which builds the proved blocks from these.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from ..core.pauli import PAULI_LABELS, pauli_string

#: Two-cell Pauli strings, cell 1 first (``"XY"`` is ``sx (x) sy``): the basis of the
#: commutant's linear system.
PAULI_STRINGS: dict[str, sp.Matrix] = {label: pauli_string(label) for label in PAULI_LABELS}


@lru_cache(maxsize=8192)
def short_number(expr: sp.Expr) -> sp.Expr:
    """A short exact form of a number; expanded sums of i and sqrt(rational) are canonical."""
    expr = sp.expand(expr)
    simple = all(p.base.is_Rational and abs(p.exp) == sp.S.Half for p in expr.atoms(sp.Pow))
    return expr if simple and not expr.has(sp.Function) else sp.radsimp(sp.simplify(expr))


def _terms(expr: sp.Expr, params: Sequence[sp.Symbol]) -> list[tuple[tuple[int, ...], sp.Expr]]:
    """(exponents, coefficient) pairs of a polynomial in ``params``."""
    expr = sp.expand(expr)
    if not expr.free_symbols:
        return [((0,) * len(params), expr)] if expr != 0 else []
    return sp.Poly(expr, *params).terms()


def over_field(M: sp.Matrix) -> DomainMatrix:
    """``M`` as a matrix over the smallest exact field holding its entries (fast rref)."""
    return DomainMatrix.from_Matrix(M, extension=True).to_field()


def tidy_polynomial(expr: sp.Expr, params: Sequence[sp.Symbol]) -> sp.Expr:
    """Expand a polynomial in ``params`` and simplify each numeric coefficient."""
    return sp.Add(*(short_number(c) * sp.Mul(*(g**k for g, k in zip(params, m)))
                    for m, c in _terms(expr, params)))


def unit_vector(vec: sp.Matrix) -> sp.Matrix:
    """Normalise a constant vector, phase fixed by a positive first nonzero entry."""
    vec = vec / next(x for x in vec if short_number(x) != 0)
    return (vec / sp.sqrt(short_number((vec.H * vec)[0]))).applyfunc(short_number)


def orthonormal(vectors: Sequence[sp.Matrix], limit: int) -> list[sp.Matrix]:
    """Exact Gram-Schmidt, keeping the order and dropping dependent vectors (any length)."""
    basis: list[sp.Matrix] = []
    for vec in (v for v in vectors if len(basis) < limit):
        rest = (vec - sum(((u.H * vec)[0] * u for u in basis), 0 * vec)).applyfunc(short_number)
        if any(x != 0 for x in rest):
            basis.append(unit_vector(rest))
    return basis


def _check_input(H: sp.Matrix, params: Sequence[sp.Symbol]) -> tuple[sp.Symbol, ...]:
    """Validate ``H`` (4x4, Hermitian, polynomial in ``params``); return params."""
    if not isinstance(H, sp.MatrixBase) or H.shape != (4, 4):
        raise ValueError(f"H must be a 4x4 SymPy Matrix; got {type(H).__name__}")
    params = tuple(params)
    if not all(isinstance(p, sp.Symbol) for p in params):
        raise ValueError("params must be SymPy symbols")
    if extra := sorted(map(str, H.free_symbols - set(params))):
        raise ValueError(f"H depends on symbols not in params: {', '.join(extra)}")
    if H.has(sp.Float) or not all(sp.expand(h).is_polynomial(*params) for h in H):
        raise ValueError("the entries of H must be polynomials in params, exact (no floats)")
    real = {sp.conjugate(p): p for p in params}
    if any(tidy_polynomial(d, params) != 0 for d in (H - H.H.subs(real))):
        raise ValueError("H is not Hermitian for real parameter values")
    return params


def _coefficients(H: sp.Matrix, params: tuple[sp.Symbol, ...]) -> list[sp.Matrix]:
    """The constant matrices ``H_m`` with ``H = sum_m H_m * m(params)`` (m monomials)."""
    found: dict[tuple[int, ...], sp.Matrix] = {}
    for e, entry in enumerate(H):
        for monom, coeff in _terms(entry, params):
            found.setdefault(monom, sp.zeros(*H.shape))[divmod(e, H.cols)] = coeff
    return [found[m] for m in sorted(found)] or [sp.zeros(*H.shape)]


def commutant(H: sp.Matrix, params: Sequence[sp.Symbol]) -> list[sp.Matrix]:
    """A Hermitian basis of the constant matrices commuting with ``H`` identically.

    Parameters
    ----------
    H : sympy.Matrix
        4x4, Hermitian for real parameters, entries polynomial in ``params`` with
        exact (algebraic, possibly complex) coefficients.
    params : sequence of sympy.Symbol
        The real symbols ``H`` depends on.

    Returns
    -------
    list of sympy.Matrix
        Hermitian, constant, independent, spanning ``{X : [H(p), X] = 0 for all p}``:
        the reduced row-echelon form of their (real) coordinates on the Pauli
        strings ``II, IX, ..., ZZ``, unique for the space: the identity, then
        traceless elements (see :func:`pauli_form`).

    Raises
    ------
    ValueError
        If ``H`` is not 4x4, not Hermitian, not polynomial, or has other symbols.
    """
    params = _check_input(H, params)
    # [H_m, X] = 0 for each coefficient matrix: (H_m (x) 1 - 1 (x) H_m^T) vec X = 0 (row-major).
    equations = sp.Matrix.vstack(*(sp.kronecker_product(M, sp.eye(4))
                                   - sp.kronecker_product(sp.eye(4), M.T)
                                   for M in _coefficients(H, params)))
    null = over_field(equations).nullspace().to_Matrix()
    coordinates = []  # of the Hermitian parts, which span the commutant (a *-algebra)
    for N in (sp.Matrix(4, 4, list(null.row(r))) for r in range(null.rows)):
        for part in ((N + N.H) / 2, (N - N.H) / (2 * sp.I)):
            coordinates.append([short_number((P * part).trace()) for P in PAULI_STRINGS.values()])
    reduced, pivots = over_field(sp.Matrix(coordinates)).rref()
    rows = reduced.to_Matrix()
    return [sum((c * P for c, P in zip(rows.row(r), PAULI_STRINGS.values())), sp.zeros(4, 4))
            for r in range(len(pivots))]


def pauli_form(X: sp.Matrix) -> sp.Expr:
    """``X`` as a sum of Pauli strings, written with symbols ``II``, ``XY``, ... (readable)."""
    return sp.Add(*(short_number((P * X).trace() / 4) * sp.Symbol(s)
                    for s, P in PAULI_STRINGS.items()))


def is_scalar(C: sp.Matrix) -> bool:
    return all(short_number(x) == 0 for x in C - C[0, 0] * sp.eye(C.rows))


def _low_degree_spectrum(C: sp.Matrix) -> bool:
    """True if ``C``'s characteristic polynomial splits into linear factors over Q(i).

    Symmetries have rational spectra (SWAP, ``XX``, ``ZZ``: +-1). A constant ``H`` (no
    parameters) is in its own commutant: splitting by it would need its eigenvectors in
    radicals (slow to normalise exactly, and no simpler than the roots themselves), so
    such an element is not used to split; the roots of the block do that job.
    """
    variable = sp.Symbol("x_spectral")  # a Dummy is not kept by charpoly's PurePoly
    polynomial = C.charpoly(variable).as_expr()
    options = {"extension": sp.I} if polynomial.has(sp.I) else {}
    _, factors = sp.factor_list(polynomial, variable, **options)
    return all(sp.degree(f, variable) <= 1 for f, _ in factors)


def _split(B: sp.Matrix, X: sp.Matrix) -> list[sp.Matrix]:
    """Split the space spanned by the orthonormal columns of ``B`` by ``B^dag X B``."""
    C = (B.H * X * B).applyfunc(short_number)
    if is_scalar(C) or not _low_degree_spectrum(C):
        return [B]
    try:
        eigen = C.eigenvects(simplify=True)
    except (NotImplementedError, sp.MatrixError):
        return [B]
    if sum(len(vecs) for _, _, vecs in eigen) != C.rows:
        return [B]
    return [sp.Matrix.hstack(*orthonormal([(B * w).applyfunc(short_number) for w in vecs],
                                          len(vecs)))
            for _, _, vecs in eigen]


def irreducible_subspaces(algebra: Sequence[sp.Matrix]) -> list[sp.Matrix]:
    """Joint eigenspaces of a maximal commuting set of the Hermitian ``algebra``.

    Split any subspace on which an element's compression is not scalar into its
    eigenspaces. Compressions stay in the algebra and commute with the elements
    used before, so the results are minimal: the irreducible invariant subspaces.
    """
    spaces, count = [sp.eye(4)], 0
    while len(spaces) > count:
        count = len(spaces)
        for X in algebra:
            spaces = [part for B in spaces for part in _split(B, X)]
    return sorted(spaces, key=lambda B: B.cols)


def cyclic_span(H: sp.Matrix, psi0: sp.Matrix, params: tuple[sp.Symbol, ...]) -> list[sp.Matrix]:
    """Constant (row-reduced) basis of the smallest subspace holding ``psi0`` invariant
    under every ``H(p)``: its closure under the coefficient matrices (any size)."""
    coefficients = _coefficients(H, params)
    span, size = [psi0], 0
    while len(span) > size:
        size = len(span)
        images = sp.Matrix.hstack(*span, *(M * v for M in coefficients for v in span))
        reduced, pivots = over_field(images.T).rref()
        span = [reduced.to_Matrix().row(k).T.applyfunc(short_number) for k in range(len(pivots))]
    return span
