"""Small exact-algebra helpers shared by the symbolic layers.

Blanket ``simplify`` can hang on these expressions (sympy#21787, #9032), so the
package uses targeted steps: ``expand`` to decide that a polynomial vanishes,
and :func:`compact` to find a short, provably equal form of a polynomial.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp


def is_zero(expr: sp.Expr) -> bool:
    """True if ``expr`` vanishes identically.

    Decides exactly for polynomials in the symbols whose coefficients are
    algebraic numbers (every matrix entry of the Hamiltonian in any basis the
    package uses); for other input a False may mean "not proven zero".
    """
    expr = sp.expand(expr)
    if expr == 0:
        return True
    if not expr.free_symbols:
        return sp.simplify(expr) == 0
    return False


def _cost(expr: sp.Expr) -> tuple[int, int, str]:
    """Fewest operations first, then fewest negations (reads better), then stable."""
    visual = sp.count_ops(expr, visual=True)
    negations = int(visual.coeff(sp.Symbol("NEG"))) if visual != 0 else 0
    return int(sp.count_ops(expr)), negations, sp.srepr(expr)


@lru_cache(maxsize=4096)
def _compact_polynomial(expr: sp.Expr, gens: tuple[sp.Symbol, ...], depth: int) -> sp.Expr:
    expr = sp.expand(expr)
    present = tuple(g for g in gens if expr.has(g))
    if not present or not expr.is_Add or depth == 0:
        return expr
    candidates = [expr, sp.factor(expr)]
    coeff, factors = sp.factor_list(expr, *present)
    if len(factors) > 1 or (factors and factors[0][1] > 1) or coeff not in (1, -1):
        candidates.append(
            coeff * sp.Mul(*[_compact_polynomial(f, gens, depth - 1) ** m for f, m in factors])
        )
    for gen in present:
        poly = sp.Poly(expr, gen)
        if poly.degree() < 1 or len(poly.terms()) < 2:
            continue
        candidates.append(
            sp.Add(
                *[
                    _compact_polynomial(c, gens, depth - 1) * gen**k
                    for (k,), c in poly.terms()
                ]
            )
        )
    constant = expr.subs({g: 0 for g in present})
    if constant != 0:
        candidates.append(_compact_polynomial(expr - constant, gens, depth - 1) + constant)
    return min(candidates, key=_cost)


def compact(expr: sp.Expr, gens: tuple[sp.Symbol, ...] | None = None, depth: int = 4) -> sp.Expr:
    """A short form of a polynomial, provably equal to it.

    Tries factoring, collecting in each generator and splitting off the
    constant term, recursively, and keeps the candidate with the fewest
    operations (``sympy.count_ops``). This finds, for example,
    ``J**2*((Delta + gamma)**2 + 3)`` where ``expand`` gives five terms.
    Non-polynomial input is returned unchanged.

    Parameters
    ----------
    expr
        A polynomial in ``gens`` (coefficients may contain radicals of numbers).
    gens
        Generators to factor and collect in; default: its free symbols, sorted.
    depth
        Recursion depth of the search.
    """
    expr = sp.sympify(expr)
    if gens is None:
        gens = tuple(sorted(expr.free_symbols, key=sp.default_sort_key))
    if not gens or not sp.expand(expr).is_polynomial(*gens):
        return expr
    content, primitive = sp.expand(expr).as_content_primitive()
    result = content * _compact_polynomial(primitive, tuple(gens), depth)
    if sp.expand(result - expr) != 0:  # pragma: no cover - a bug guard, never expected
        raise AssertionError(f"compact changed the value of {expr}")
    return result


HALF = sp.Rational(1, 2)


def sqrt_compact(expr: sp.Expr, exponent: sp.Rational = HALF) -> sp.Expr:
    """``expr**exponent`` with the rational content taken out of the power.

    SymPy distributes a rational factor over a sum (``4*(x + y)/9`` becomes
    ``4*x/9 + 4*y/9``), which hides ``sqrt(4/9) = 2/3``; this keeps it visible:
    ``sqrt_compact(4*x/9 + 4*y/9) == 2*sqrt(x + y)/3``.
    """
    content, primitive = split_content(expr)
    return content**exponent * primitive**exponent


def split_content(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``(content, primitive)`` with ``expr == content * primitive``.

    ``content`` is a number (sign included) and ``primitive`` a compact
    polynomial whose leading coefficient is positive.
    """
    content, primitive = sp.expand(expr).as_content_primitive()
    if primitive.could_extract_minus_sign():
        content, primitive = -content, -primitive
    gens = tuple(sorted(primitive.free_symbols, key=sp.default_sort_key))
    return content, compact(primitive, gens)
