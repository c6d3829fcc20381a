"""Closed-form laws of the single-qubit channels: domain, composition, powers, TP, CP.

The domain: ``p`` and ``n_th`` in ``[0, 1]`` (:func:`probability`), a number of uses a
nonnegative integer (:func:`uses`).

Each family of :mod:`qb_symbolic.symbolic.channels` shrinks the Bloch vector by one
*contraction* ``c`` (and, for the damping families, moves it toward a fixed point that
``c`` does not change), so composing two members multiplies their contractions:

* amplitude damping, depolarizing, generalized amplitude damping (same ``n_th``):
  ``c = 1 - p``, hence ``n`` uses give ``p_n = 1 - (1 - p)**n``;
* phase flip, bit flip, bit-phase flip: ``c = 1 - 2p`` (the two Bloch components the
  flip does not keep), hence ``p_n = (1 - (1 - 2p)**n)/2``.

The tests check each law against explicit composition of the Kraus operators.

Proofs (exact; ``p``, ``n_th`` and every other free symbol of a parameter range over
``[0, 1]``, a power's exponent over the nonnegative integers):

* trace preservation: ``sum_k K_k^dag K_k - 1`` expands to the zero matrix;
* complete positivity: (i) every square root in the Kraus operators has a nonnegative
  radicand, so their entries are real numbers times Gaussian rationals and
  ``K^dag`` is the transpose with ``i -> -i`` (:func:`adjoint`); then the Choi matrix
  ``sum_k vec(K_k) vec(K_k)^dag`` is a sum of rank-one positive terms; (ii) as an
  independent check, all 15 principal minors of the 4x4 Choi matrix are ``>= 0``
  (Sylvester's criterion for semidefinite matrices).

Both "``>= 0`` on the domain" statements go through :func:`nonnegative_on_domain`: each
probability becomes ``a/(a + b)`` with ``a, b >= 0`` not both zero (every point of
``[0, 1]``), each power ``x**n`` whose base is proved in ``[0, 1]`` (or ``[-1, 1]``) a
fresh such ratio (or ``(b - a)/(a + b)``), each square root of a proved nonnegative
radicand a fresh nonnegative symbol; the result is nonnegative when its numerator and
denominator are polynomials with nonnegative coefficients. The criterion is sufficient,
not necessary: ``False`` means "not proved".
"""

from __future__ import annotations

import numbers
from itertools import combinations, product
from typing import Any

import numpy as np
import sympy as sp

from ..core.values import describe, exact_real

#: Families whose contraction is ``1 - p`` and those whose contraction is ``1 - 2p``.
DAMPING_LIKE = ("amplitude_damping", "depolarizing", "generalized_amplitude_damping")
FLIPS = ("phase_flip", "bit_flip", "bit_phase_flip")


def probability(what: str, value: Any) -> sp.Expr:
    """``value`` read exactly and checked to lie in ``[0, 1]`` (where that is decidable).

    Raises
    ------
    ValueError
        ``"p = 1.5 is outside the allowed range [0, 1]"``, or the reading's own message.

    Examples
    --------
    >>> probability("p", 0.1), probability("p", "1/3")
    (1/10, 1/3)
    """
    exact = exact_real(what, value)
    outside = exact.is_negative or (exact - 1).is_positive
    if exact.is_number and not outside:
        outside = not (bool(exact >= 0) and bool(exact <= 1))
    if outside:
        raise ValueError(f"{what} = {describe(value)} is outside the allowed range [0, 1]")
    return exact


def uses(value: Any) -> sp.Expr:
    """The number of uses of :meth:`qb_symbolic.symbolic.channels.Channel.power`: an integer
    ``>= 0`` or a SymPy expression declared so (``sp.Symbol("n", integer=True,
    nonnegative=True)``).

    Examples
    --------
    >>> uses(3)
    3
    """
    allowed = "an integer >= 0 or a SymPy symbol declared integer=True, nonnegative=True"
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"the number of uses n must be {allowed}; got {value!r}")
    if isinstance(value, numbers.Integral):
        value = int(value)
    expr = sp.sympify(value) if isinstance(value, (int, sp.Basic)) else None
    if expr is None or expr.is_integer is not True or expr.is_nonnegative is not True:
        raise ValueError(f"the number of uses n must be {allowed}; got {describe(value)}")
    return expr


def contraction(family: str, p: sp.Expr) -> sp.Expr:
    """The factor ``c(p)`` the family multiplies under composition (module docstring).

    Examples
    --------
    >>> import sympy as sp
    >>> contraction("phase_flip", sp.Rational(1, 4))
    1/2
    """
    return 1 - p if family in DAMPING_LIKE else 1 - 2 * p


def from_contraction(family: str, c: sp.Expr) -> sp.Expr:
    """The parameter ``p`` whose contraction is ``c`` (inverse of :func:`contraction`)."""
    return 1 - c if family in DAMPING_LIKE else (1 - c) / 2


def compose_parameter(family: str, p1: sp.Expr, p2: sp.Expr) -> sp.Expr:
    """``p`` of the family member equal to member ``p1`` followed by member ``p2``.

    Examples
    --------
    >>> import sympy as sp
    >>> p, q = sp.symbols("p q", nonnegative=True)
    >>> sp.expand(compose_parameter("amplitude_damping", p, q))
    -p*q + p + q
    """
    return from_contraction(family, contraction(family, p1) * contraction(family, p2))


def power_parameter(family: str, p: sp.Expr, n: Any) -> sp.Expr:
    """``p_n`` of the family member applied ``n`` times (``n`` an integer or symbol).

    Examples
    --------
    >>> import sympy as sp
    >>> power_parameter("phase_flip", sp.Symbol("p"), sp.Symbol("n", integer=True))
    1/2 - (1 - 2*p)**n/2
    """
    return from_contraction(family, contraction(family, p) ** n)


def adjoint(K: sp.MatrixBase) -> sp.Matrix:
    """``K^dag`` of a Kraus operator whose entries are real (on the domain) times Gaussian
    rationals: the transpose with ``i -> -i`` (``sympy``'s ``.H`` would keep
    ``conjugate(sqrt(1 - p))``, since SymPy cannot know ``p <= 1``)."""
    return sp.Matrix(K).T.xreplace({sp.I: -sp.I})


def superoperator(kraus: Any) -> sp.Matrix:
    """``S`` with ``E(|a><b|) = sum_{c,d} S[2c + d, 2a + b] |c><d|`` (one qubit, expanded)."""
    S = sp.zeros(4, 4)
    for K in kraus:
        Kc = sp.Matrix(K).xreplace({sp.I: -sp.I})
        for c, d, a, b in ((c, d, a, b) for c in range(2) for d in range(2)
                           for a in range(2) for b in range(2)):
            S[2 * c + d, 2 * a + b] += K[c, a] * Kc[d, b]
    return S.applyfunc(sp.expand)


def choi_matrix(kraus: Any) -> sp.Matrix:
    """``J = sum_{a,b} |a><b| (x) E(|a><b|)`` (input factor left) of a one-qubit map.

    Examples
    --------
    >>> import sympy as sp
    >>> choi_matrix([sp.eye(2)]) == sp.Matrix([[1, 0, 0, 1], [0] * 4, [0] * 4, [1, 0, 0, 1]])
    True
    """
    S = superoperator(kraus)
    return sp.Matrix(4, 4, lambda i, j: S[2 * (i % 2) + j % 2, 2 * (i // 2) + j // 2])


def product_transfer(tables: list) -> sp.ImmutableMatrix:
    """The ``4**N x 4**N`` transfer matrix ``T`` (``E(rho)[i, j] = sum_{a,b} T[i d + j,
    a d + b] rho[a, b]``) of the product of one-qubit maps with superoperators ``tables``
    (:func:`superoperator`; ``None``: the identity), site 1 the leftmost factor.

    Examples
    --------
    >>> product_transfer([None]) == sp.eye(4)
    True
    """
    N = len(tables)
    dim = 2**N
    T = sp.zeros(dim * dim, dim * dim)
    for i, j in product(range(dim), repeat=2):
        for a, b, coefficient in _sources(tables, N, i, j):
            T[i * dim + j, a * dim + b] += coefficient
    return sp.ImmutableMatrix(T.applyfunc(sp.expand))


def _sources(tables: list, N: int, i: int, j: int):
    """``(a, b, coefficient)``: the input entries ``rho[a, b]`` feeding output ``(i, j)``."""
    options = []
    for site, table in enumerate(tables):
        shift = N - 1 - site
        bi, bj = (i >> shift) & 1, (j >> shift) & 1
        if table is None:
            options.append(((bi, bj, sp.Integer(1)),))
            continue
        row = 2 * bi + bj
        options.append(tuple((col >> 1, col & 1, table[row, col]) for col in range(4)
                             if table[row, col] != 0))
    for choice in product(*options):
        a = b = 0
        coefficient = sp.Integer(1)
        for x, y, c in choice:
            a, b, coefficient = 2 * a + x, 2 * b + y, coefficient * c
        yield a, b, coefficient


def trace_preserving(kraus: Any) -> bool:
    """``sum_k K_k^dag K_k == 1`` exactly (expanded)."""
    kraus = [sp.Matrix(K) for K in kraus]
    total = sp.Add(*(adjoint(K) * K for K in kraus), sp.zeros(kraus[0].rows))
    return all(sp.expand(e) == 0 for e in total - sp.eye(kraus[0].rows))


def completely_positive(kraus: Any, probabilities: Any) -> bool:
    """Proof (i) and (ii) of the module docstring for a one-qubit Kraus list, with the
    symbols ``probabilities`` ranging over ``[0, 1]``; ``False``: not proved."""
    kraus = [sp.Matrix(K) for K in kraus]
    radicands = {e.base for K in kraus for e in K.atoms(sp.Pow)
                 if e.exp.is_Rational and not e.exp.is_integer}
    if not all(nonnegative_on_domain(r, probabilities) for r in radicands):
        return False
    J = choi_matrix(kraus)
    for size in range(1, 5):
        for rows in combinations(range(4), size):
            minor = sp.expand(J.extract(list(rows), list(rows)).det(method="berkowitz"))
            if not nonnegative_on_domain(minor, probabilities):
                return False
    return True


# --------------------------------------------------------------------------
# The sufficient nonnegativity test
# --------------------------------------------------------------------------


class _Fresh:
    """Numbered nonnegative symbols for one proof (``a_k, b_k`` pairs and roots ``w_k``)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, stem: str) -> sp.Symbol:
        self.count += 1
        return sp.Symbol(f"_{stem}{self.count}", nonnegative=True)

    def unit(self) -> tuple[sp.Expr, sp.Expr]:
        """``(a/(a + b), (b - a)/(a + b))``: every point of ``[0, 1]`` and ``[-1, 1]``."""
        a, b = self("a"), self("b")
        return a / (a + b), (b - a) / (a + b)


def nonnegative_on_domain(expr: Any, probabilities: Any) -> bool:
    """Whether ``expr >= 0`` is proved for every value in ``[0, 1]`` of the symbols
    ``probabilities`` and every nonnegative integer of a symbolic exponent.

    Examples
    --------
    >>> import sympy as sp
    >>> p = sp.Symbol("p", nonnegative=True)
    >>> nonnegative_on_domain(1 - p, [p]), nonnegative_on_domain(2 * p - 1, [p])
    (True, False)
    >>> n = sp.Symbol("n", integer=True, nonnegative=True)
    >>> nonnegative_on_domain(1 - (1 - 2 * p) ** n, [p])  # (1 - 2p)**n lies in [-1, 1]
    True
    """
    fresh = _Fresh()
    mapped = {s: fresh.unit()[0] for s in probabilities}
    return _nonnegative(_unit_powers(sp.sympify(expr), mapped, fresh).xreplace(mapped), fresh)


def _unit_powers(expr: sp.Expr, mapped: dict, fresh: _Fresh) -> sp.Expr:
    """``expr`` with each ``x**(k n)`` (symbolic ``n``, integer ``k``) written ``y**k``, ``y``
    one fresh ratio per ``x**n`` in the range proved for ``x`` (so ``x**n - x**(2n)`` keeps
    its factor ``y (1 - y)``); an even ``k`` on a base in ``[-1, 1]`` becomes ``z**(k/2)``
    with ``z`` in ``[0, 1]``. Outermost first; unproved ranges are left (the test fails)."""
    powers = sorted((e for e in expr.atoms(sp.Pow) if not e.exp.is_number),
                    key=sp.count_ops, reverse=True)
    ranges: dict[sp.Expr, str | None] = {}
    ratios: dict[tuple, sp.Expr] = {}
    for power in powers:
        k, rest = power.exp.as_coeff_Mul()
        if not (k.is_Integer and k > 0):
            k, rest = sp.Integer(1), power.exp
        if power.base not in ranges:
            base = _unit_powers(power.base, mapped, fresh).xreplace(mapped)
            ranges[power.base] = _unit_range(base, fresh)
        kind = ranges[power.base]
        if kind is None:
            continue
        if kind == "signed" and k % 2 == 0:
            kind, k = "square", k // 2
        key = (power.base, rest, kind)
        if key not in ratios:
            ratios[key] = fresh.unit()[1 if kind == "signed" else 0]
        expr = expr.xreplace({power: ratios[key] ** k})
    return expr


def _unit_range(base: sp.Expr, fresh: _Fresh) -> str | None:
    """``"unit"`` if ``base`` is proved in ``[0, 1]``, ``"signed"`` in ``[-1, 1]``, else None."""
    if not _nonnegative(1 - base, fresh):
        return None
    if _nonnegative(base, fresh):
        return "unit"
    return "signed" if _nonnegative(1 + base, fresh) else None


def _nonnegative(expr: sp.Expr, fresh: _Fresh) -> bool:
    """``expr`` (in nonnegative symbols) as a ratio of polynomials with nonnegative
    coefficients, after fractional powers of proved nonnegative bases become symbols."""
    expr = sp.sympify(expr)
    if expr.is_number:
        return bool(expr.is_nonnegative)
    for root in sorted(expr.atoms(sp.Pow), key=sp.count_ops):
        if root.exp.is_Rational and not root.exp.is_integer and root in expr.atoms(sp.Pow):
            if not _nonnegative(root.base, fresh):
                return False
            expr = expr.xreplace({root: fresh("w")})
    numerator, denominator = sp.fraction(sp.together(expr))
    return any(_nonnegative_coefficients(sign * numerator)
               and _nonnegative_coefficients(sign * denominator) for sign in (1, -1))


def _nonnegative_coefficients(poly_expr: sp.Expr) -> bool:
    symbols = sorted(poly_expr.free_symbols, key=sp.default_sort_key)
    if any(not s.is_nonnegative for s in symbols):
        return False
    try:
        poly = sp.Poly(sp.expand(poly_expr), *symbols) if symbols else None
    except sp.PolynomialError:
        return False
    if poly is None:
        return bool(sp.sympify(poly_expr).is_nonnegative)
    return all(c.is_nonnegative for c in poly.coeffs())
