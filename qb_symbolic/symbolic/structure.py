"""Symmetries and invariant blocks of any 4x4 Hermitian family ``H(params)``, found.

:func:`commutant` solves ``[H, X] = 0`` for constant ``X`` (one linear equation per
entry and monomial); :func:`symmetry_blocks` splits the space by a maximal commuting
set of its elements and proves ``U^dag U = 1``, ``U^dag H U`` block-diagonal, exactly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from ..core.pauli import PAULI_LABELS, pauli_string

#: Familiar states recognised in a derived basis (first nonzero entry positive).
KNOWN_STATES: dict[str, sp.Matrix] = {
    name: sp.ImmutableMatrix(entries) / sp.sqrt(sum(x * x for x in entries))
    for name, entries in (("uu", [1, 0, 0, 0]), ("ud", [0, 1, 0, 0]), ("du", [0, 0, 1, 0]),
                          ("dd", [0, 0, 0, 1]), ("Phi+", [1, 0, 0, 1]), ("Phi-", [1, 0, 0, -1]),
                          ("Psi+", [0, 1, 1, 0]), ("Psi-", [0, 1, -1, 0]))
}
#: Two-cell Pauli strings, cell 1 first (``"XY"`` is ``sx (x) sy``): the basis of the
#: commutant's linear system.
PAULI_STRINGS: dict[str, sp.Matrix] = {label: pauli_string(label) for label in PAULI_LABELS}


@lru_cache(maxsize=8192)
def _number(expr: sp.Expr) -> sp.Expr:
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


def _over_field(M: sp.Matrix) -> DomainMatrix:
    """``M`` as a matrix over the smallest exact field holding its entries (fast rref)."""
    return DomainMatrix.from_Matrix(M, extension=True).to_field()


def _tidy(expr: sp.Expr, params: Sequence[sp.Symbol]) -> sp.Expr:
    """Expand a polynomial in ``params`` and simplify each numeric coefficient."""
    return sp.Add(*(_number(c) * sp.Mul(*(g**k for g, k in zip(params, m)))
                    for m, c in _terms(expr, params)))


def _unit(vec: sp.Matrix) -> sp.Matrix:
    """Normalise a constant vector, phase fixed by a positive first nonzero entry."""
    vec = vec / next(x for x in vec if _number(x) != 0)
    return (vec / sp.sqrt(_number((vec.H * vec)[0]))).applyfunc(_number)


def _orthonormal(vectors: Sequence[sp.Matrix], limit: int) -> list[sp.Matrix]:
    """Exact Gram-Schmidt, keeping the order and dropping dependent vectors (any length)."""
    basis: list[sp.Matrix] = []
    for vec in (v for v in vectors if len(basis) < limit):
        rest = (vec - sum(((u.H * vec)[0] * u for u in basis), 0 * vec)).applyfunc(_number)
        if any(x != 0 for x in rest):
            basis.append(_unit(rest))
    return basis


def _label(vec: sp.Matrix, position: int) -> str:
    known = (n for n, state in KNOWN_STATES.items() if all(_number(x) == 0 for x in vec - state))
    return next(known, f"v{position}")


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
    if any(_tidy(d, params) != 0 for d in (H - H.H.subs(real))):
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
    null = _over_field(equations).nullspace().to_Matrix()
    coordinates = []  # of the Hermitian parts, which span the commutant (a *-algebra)
    for N in (sp.Matrix(4, 4, list(null.row(r))) for r in range(null.rows)):
        for part in ((N + N.H) / 2, (N - N.H) / (2 * sp.I)):
            coordinates.append([_number((P * part).trace()) for P in PAULI_STRINGS.values()])
    reduced, pivots = _over_field(sp.Matrix(coordinates)).rref()
    rows = reduced.to_Matrix()
    return [sum((c * P for c, P in zip(rows.row(r), PAULI_STRINGS.values())), sp.zeros(4, 4))
            for r in range(len(pivots))]


def pauli_form(X: sp.Matrix) -> sp.Expr:
    """``X`` as a sum of Pauli strings, written with symbols ``II``, ``XY``, ... (readable)."""
    return sp.Add(*(_number((P * X).trace() / 4) * sp.Symbol(s) for s, P in PAULI_STRINGS.items()))


def _is_scalar(C: sp.Matrix) -> bool:
    return all(_number(x) == 0 for x in C - C[0, 0] * sp.eye(C.rows))


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
    C = (B.H * X * B).applyfunc(_number)
    if _is_scalar(C) or not _low_degree_spectrum(C):
        return [B]
    try:
        eigen = C.eigenvects(simplify=True)
    except (NotImplementedError, sp.MatrixError):
        return [B]
    if sum(len(vecs) for _, _, vecs in eigen) != C.rows:
        return [B]
    return [sp.Matrix.hstack(*_orthonormal([(B * w).applyfunc(_number) for w in vecs], len(vecs)))
            for _, _, vecs in eigen]


def _irreducible_subspaces(algebra: Sequence[sp.Matrix]) -> list[sp.Matrix]:
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
        reduced, pivots = _over_field(images.T).rref()
        span = [reduced.to_Matrix().row(k).T.applyfunc(_number) for k in range(len(pivots))]
    return span


def _fixed_lanczos(H: sp.Matrix, start: sp.Matrix, dim: int,
                   params: tuple[sp.Symbol, ...]) -> list[sp.Matrix]:
    """Lanczos vectors of ``start`` for as long as their directions are parameter-free."""
    chain: list[sp.Matrix] = []
    residual = start
    while len(chain) < dim:
        entries = [_tidy(x, params) for x in residual]
        pivot = next((x for x in entries if x != 0), None)
        ratios = [sp.cancel(x / pivot) for x in entries] if pivot is not None else []
        if not ratios or any(r.free_symbols & set(params) for r in ratios):
            break
        chain.append(_unit(sp.Matrix(ratios)))
        image = H * chain[-1]
        residual = image - sum(((v.H * image)[0] * v for v in chain), sp.zeros(start.rows, 1))
    return chain


def _krylov_rank(H_b: sp.Matrix, start: sp.Matrix, params: tuple[sp.Symbol, ...]) -> int:
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
    lower = _over_field(krylov(H_b.subs(point))).rank()
    return lower if lower == H_b.rows else _over_field(krylov(H_b)).rank()


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
    if vec.shape != (4, 1) or vec.free_symbols or all(_number(x) == 0 for x in vec):
        raise ValueError("initial must be a nonzero constant 4x1 vector or a state label")
    return vec


def _block(H: sp.Matrix, B: sp.Matrix, psi0: sp.Matrix, params: tuple[sp.Symbol, ...],
           algebra: Sequence[sp.Matrix], offset: int) -> Block:
    """The block on one irreducible subspace (orthonormal columns of ``B``)."""
    components = (B.H * psi0).applyfunc(_number)
    chain = []
    if any(c != 0 for c in components):
        chain = _fixed_lanczos(H, (B * components).applyfunc(_number), B.cols, params)
    vectors = _orthonormal(chain + [B[:, k] for k in range(B.cols)], B.cols)
    V = sp.Matrix.hstack(*vectors)
    part = (V.H * psi0).applyfunc(_number)
    charges = [(B.H * X * B).applyfunc(_number) for X in algebra]
    return Block(tuple(_label(v, offset + k) for k, v in enumerate(vectors)), tuple(vectors),
                 (V.H * H * V).applyfunc(lambda x: _tidy(x, params)), part,
                 _number(sum(c * sp.conjugate(c) for c in part)),
                 _krylov_rank(B.H * H * B, components, params),
                 tuple(C[0, 0] if _is_scalar(C) else None for C in charges))


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
    algebra = commutant(H, params)
    psi0 = _initial_vector(initial)
    blocks: list[Block] = []
    # The cyclic span's projector (in the commutant) first: psi0 stays in few blocks.
    span = cyclic_span(H, psi0, params)
    cyclic = sp.eye(4) if len(span) == 4 else sum((v * v.H for v in _orthonormal(span, 4)),
                                                  sp.zeros(4, 4))
    for B in _irreducible_subspaces([cyclic, *algebra]):
        blocks.append(_block(H, B, psi0, params, algebra, sum(b.dim for b in blocks)))
    U = sp.Matrix.hstack(*(v for block in blocks for v in block.vectors))
    HU = (U.H * H * U).applyfunc(lambda x: _tidy(x, params))
    owner = [b for b, block in enumerate(blocks) for _ in range(block.dim)]
    unitary = U.cols == 4 and all(_number(x) == 0 for x in U.H * U - sp.eye(4))
    diagonal = all(HU[i, j] == 0 for i in range(4) for j in range(4) if owner[i] != owner[j])
    return Structure(H, params, psi0, tuple(algebra), U, HU, tuple(blocks), unitary and diagonal)
