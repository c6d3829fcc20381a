"""Closed-form real eigenvalues of a Hermitian block of size 1 to 4.

Entries: exact SymPy expressions in real symbols. Only real quantities occur (no ``I``):
square roots of nonnegative radicands, ``acos`` of ``X in [-1, 1]``. Roots are descending
(per factor if factored). ``S = sum_ij |B_ij|**2 >= 0`` (sum of squares), ``B = H - tr(H)/n``.

* ``"linear"``: the entry. ``"quadratic"``: ``c +/- sqrt(R)``, ``c = tr/2``, ``R = S/2``.
* ``"cubic-viete"``: ``det(z - H) = y**3 - 3 s y + q`` at ``z = c + y``, ``c = tr/3``,
  ``s = S/6``; roots ``c + 2 sqrt(s) cos(acos(X)/3 - 2 pi k/3)``, ``k = 0, 1, 2``,
  ``X = -q/(2 s**(3/2))``. The ``cos(phi_k)`` are the roots of ``4 C**3 - 3 C - X`` (triple
  angle): ``prod (z - lambda_k) = (z - c)**3 - 3 s (z - c) - 2 s**(3/2) X``. ``s = 0``
  identically (``H = c``): ``(c, c, c)``.
* Size 4, ``det(z - H)`` split by ``sp.factor_list`` (then ``extension=True`` if algebraic
  numbers occur): ``"quartic-factored"``, the forms above per factor. Else
  ``"quartic-ferrari"``: ``z = m + y``, ``m = tr/4``, ``y**4 + p y**2 + q y + r``, ``p = -S/2``.
  With ``u_k = y_1 + y_(k+1)``: ``y_1 = (u_1 + u_2 + u_3)/2``, ``y_2 = (u_1 - u_2 - u_3)/2``,
  ..., ``u_1 u_2 u_3 = e_3 = -q``; ``w_k = u_k**2 >= 0`` are the roots of the resolvent
  ``w**3 + 2 p w**2 + (p**2 - 4 r) w - q**2`` (Viete form, ``w_1 >= w_2 >= w_3``). Roots
  ``m + (a + b + t)/2, m + (a - b - t)/2, m + (-a + b - t)/2, m + (-a - b + t)/2``
  (descending, as ``a >= b >= |t|``), ``a = sqrt(w_1)``, ``b = sqrt(w_2)``, ``t = -q/(a b)``:
  ``a b t = u_1 u_2 u_3`` and ``|t| = |u_3|`` (``w_1 w_2 w_3 = q**2``), so ``(a, b, t)`` is
  ``(u_1, u_2, u_3)`` up to an even number of sign flips, which permutes the roots. No
  ``sign(q)``/Piecewise, and ``sqrt(w_3)`` (smallest, cancellation-prone) is never taken:
  ``q = 0`` at a point (spectrum symmetric about ``m``) gives ``t = 0``. ``q = 0``
  identically: ``m +/- sqrt(Y_+/-)``, ``Y_+/- = -p/2 +/- sqrt(R)``, ``R = p**2/4 - r``.

Numerics: ``X``, ``X_w`` may round to just outside ``[-1, 1]`` at a (nearly) repeated
eigenvalue, ``w_2``, ``Y_-``, ``s_w`` or a non-manifest ``R`` to just below 0 (numpy: NaN).
``explicit(clip=True)`` clamps the ``ranges`` intermediates (``Max``/``Min``): the exact value
is inside, so only rounding error goes. Still 0/0: ``s = 0`` or ``s_w = 0`` at a point
(triple eigenvalue), ``w_2 = 0`` (spectrum ``m +/- v`` twice each, ``t -> 0``). Near a
double eigenvalue the pair's error is ~ ``sqrt(eps)``. SymPy's multivariate factoring is
randomly slow for some seeds (sympy#20456): an irreducible integer specialisation skips it,
else it runs with a fixed seed and 20 evaluation configurations (state restored).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import mpmath as mp
import sympy as sp
import sympy.core.random as sympy_random
from sympy.polys import polyconfig

KINDS = ("linear", "quadratic", "cubic-viete", "quartic-factored", "quartic-ferrari")
Z = sp.Symbol("z")  # default spectral variable
Pair = tuple[sp.Symbol, sp.Expr]
Range = tuple[sp.Symbol, "sp.Expr | None", "sp.Expr | None"]


@dataclass(frozen=True)
class RootForm:
    """Closed-form real roots of a characteristic polynomial.

    Attributes
    ----------
    kind : one of :data:`KINDS`.
    polynomial : monic, expanded, in the spectral variable.
    intermediates : ``(symbol, definition)`` pairs, real, each in parameters and earlier ones.
    roots : in parameters and intermediates; descending (per factor).
    ranges : ``(symbol, lower, upper)``, exact bounds (from Hermiticity) not manifest in the
        definition; ``explicit(clip=True)`` clamps to them.
    factors : ``"quartic-factored"`` only: the factors' forms, repeated by multiplicity, in
        the order of ``roots``; their polynomials multiply to ``polynomial``.
    """

    kind: str
    polynomial: sp.Expr
    intermediates: tuple[Pair, ...]
    roots: tuple[sp.Expr, ...]
    ranges: tuple[Range, ...] = ()
    factors: tuple[RootForm, ...] = ()

    def explicit(self, clip: bool = False) -> tuple[sp.Expr, ...]:
        """The roots with the intermediates substituted back; ``clip`` clamps the
        ``ranges`` intermediates with ``Max``/``Min`` (for float code)."""
        explicit = _substitute(self.intermediates, self.ranges if clip else ())
        return tuple(root.xreplace(explicit) for root in self.roots)

    def op_count(self) -> tuple[int, ...]:
        """Per root: ``count_ops`` of the explicit root after ``cse`` (replacements included)."""
        cses = [sp.cse(root) for root in self.explicit()]
        return tuple(int(sum(sp.count_ops(e) for e in [*dict(pairs).values(), *reduced]))
                     for pairs, reduced in cses)


def _substitute(pairs: tuple[Pair, ...], ranges: tuple[Range, ...] = ()) -> dict:
    """Intermediate -> explicit value (clamped to ``ranges``; unevaluated, else very slow)."""
    bounds, explicit = {sym: (lo, hi) for sym, lo, hi in ranges}, {}
    for sym, definition in pairs:
        value = definition.xreplace(explicit)
        lower, upper = bounds.get(sym, (None, None))
        value = value if upper is None else sp.Min(upper, value, evaluate=False)
        explicit[sym] = value if lower is None else sp.Max(lower, value, evaluate=False)
    return explicit


class _Builder:
    """Collects intermediates as fresh real symbols (names never clash with parameters)."""

    def __init__(self, taken: set[str]) -> None:
        self.taken, self.pairs, self.ranges = taken, [], []

    def define(self, base: str, expr: sp.Expr, lower=None, upper=None, force: bool = False,
               **assumptions: bool) -> sp.Expr:
        expr = sp.sympify(expr)
        if expr.is_Atom and not force:
            return expr
        name = next(base + "'" * k for k in range(len(self.taken) + 1)
                    if base + "'" * k not in self.taken)
        self.taken.add(name)
        sym = sp.Symbol(name, real=True, **assumptions)
        self.pairs.append((sym, expr))
        if assumptions.get("nonnegative") and not expr.is_nonnegative:
            lower = 0  # true (Hermitian), not manifest: a clamp for float code
        if lower is not None or upper is not None:
            self.ranges.append((sym, lower, upper))
        return sym

    def form(self, kind: str, poly: sp.Expr, roots) -> RootForm:
        return RootForm(kind, poly, tuple(self.pairs), tuple(roots), tuple(self.ranges))


def _is_zero(expr: sp.Expr) -> bool:
    """``expr == 0`` identically (expand, cancel, then ``simplify`` on what is left)."""
    expr = sp.cancel(sp.expand(sp.expand_complex(sp.expand(expr))))
    return expr == 0 or sp.simplify(expr) == 0


def _real(expr: sp.Expr) -> sp.Expr:
    """A real expression written without ``I`` (ValueError if it is not real)."""
    expr = sp.expand(expr)
    re_part, im_part = (expr, 0) if expr.is_real else expr.as_real_imag()
    if not _is_zero(im_part):
        raise ValueError(f"expected a real expression, got {expr}")
    return sp.expand(re_part)


def characteristic_polynomial(block: sp.MatrixBase, z: sp.Symbol = Z) -> sp.Expr:
    """``det(z - H)``: monic, expanded, real coefficients. ValueError if ``H`` is not a
    square SymPy matrix of size 1-4, holds ``z``, is not Hermitian identically, or a
    coefficient is not real."""
    if not isinstance(block, sp.MatrixBase) or block.rows != block.cols:
        raise ValueError("block must be a square SymPy Matrix")
    if not 1 <= block.rows <= 4 or z in block.free_symbols:
        raise ValueError(f"need size 1 to 4 (got {block.rows}) and {z} not in the block")
    for i in range(block.rows):
        for j in range(i, block.rows):
            if not _is_zero(block[i, j] - sp.conjugate(block[j, i])):
                raise ValueError(f"block is not Hermitian: entries ({i}, {j}) and ({j}, {i})")
    try:
        coeffs = block.charpoly(z, simplify=sp.expand).all_coeffs()  # exact; no simplify()
    except TypeError:  # SymPy 1.14 sorts EX-domain block factors with relationals
        coeffs = sp.Poly((z * sp.eye(block.rows) - block).det("berkowitz"), z).all_coeffs()
    coeffs = [sp.expand(c) for c in coeffs]
    coeffs = [_real(c if c.is_polynomial(*c.free_symbols) else sp.cancel(c)) for c in coeffs]
    return sp.Add(*[c * z ** (len(coeffs) - 1 - k) for k, c in enumerate(coeffs)])


def _square(expr: sp.Expr) -> sp.Expr:
    """``expr**2`` with the sign and the numeric content of ``expr`` taken out."""
    expr = sp.expand(expr)
    expr = -expr if expr.could_extract_minus_sign() else expr
    content, primitive = expr.primitive() if expr.is_Add else (sp.Integer(1), expr)
    return content**2 * primitive**2


def _spread(block: sp.MatrixBase) -> sp.Expr:
    """``S = tr(B**2) = sum_ij |B_ij|**2`` for ``B = H - tr(H)/n``, as a sum of squares."""
    n = block.rows
    mean = _real(block.trace()) / n
    terms = [_square(_real(block[i, i] - mean)) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            terms += [2 * _square(part) for part in sp.expand(block[i, j]).as_real_imag()]
    return sp.Add(*terms)


def _depress(poly: sp.Expr, z: sp.Symbol) -> tuple[sp.Expr, list[sp.Expr]]:
    """``(m, [a_(n-2), ..., a_0])`` with ``poly(m + y) = y**n + a_(n-2) y**(n-2) + ...``."""
    coeffs = sp.Poly(poly, z).all_coeffs()[::-1]
    n = len(coeffs) - 1
    mean = sp.expand(-coeffs[n - 1] / n)
    shifted = [sp.expand(sum(sp.binomial(j, k) * coeffs[j] * mean ** (j - k)
                             for j in range(k, n + 1))) for k in range(n - 1)]
    return mean, shifted[::-1]


def _lagrange(expr: sp.Expr) -> sp.Expr | None:
    """A nonnegative polynomial of total degree 2 as ``sum d_k (linear_k)**2``, ``d_k > 0``."""
    gens = sorted(expr.free_symbols, key=sp.default_sort_key)
    if not gens or not all(g.is_real for g in gens) or sp.Poly(expr, *gens).total_degree() != 2:
        return None
    one = sp.Dummy("one")
    v = sp.Matrix([*gens, one])
    gram, terms = sp.hessian(sp.Poly(expr, *gens).homogenize(one).as_expr(), v) / 2, []
    for k in range(len(v)):
        pivot = gram[k, k]
        if pivot.is_negative or (pivot == 0 and any(gram.row(k))):
            return None
        if pivot != 0:
            row = gram.row(k) / pivot
            terms.append(pivot * (row * v)[0] ** 2)
            gram = gram - pivot * row.T * row
    return sp.Add(*terms).xreplace({one: 1})


def _nonnegative_form(expr: sp.Expr) -> sp.Expr:
    """``expr`` (nonnegative by Hermiticity) written manifestly nonnegative if we can."""
    expr = sp.expand(expr)
    if expr.is_Atom or expr.is_nonnegative or not expr.is_polynomial():
        return expr
    coeff, factors = sp.factor_list(expr)
    candidate = coeff * sp.Mul(*[(_lagrange(f) or f) ** k for f, k in factors])
    ok = candidate.is_nonnegative and sp.expand(candidate - expr) == 0
    return candidate if ok else expr


def _viete_roots(c: sp.Expr, s: sp.Expr, X: sp.Expr, count: int = 3) -> list[sp.Expr]:
    """``c + 2 sqrt(s) cos(acos(X)/3 - 2 pi k/3)``, ``k < count``, kept unevaluated."""
    third = sp.acos(X) / 3  # SymPy would turn cos(a - 4 pi/3) into -sin(a + pi/6)
    angles = [third] + [sp.Add(third, -2 * sp.pi * k / 3, evaluate=False) for k in (1, 2)]
    return [c + 2 * sp.sqrt(s) * sp.cos(a, evaluate=False) for a in angles[:count]]


def _viete(b: _Builder, mean: sp.Expr, s_expr: sp.Expr, q_expr: sp.Expr, suffix: str = "",
           count: int = 3) -> list[sp.Expr]:
    """Roots of ``y**3 - 3 s y + q`` shifted by ``c``; ``(c, c, c)`` if ``s = 0`` identically."""
    c = b.define("c" + suffix, mean, force=True)
    if sp.expand(s_expr) == 0:
        return [c] * count
    s = b.define("s" + suffix, s_expr, force=True, nonnegative=True)
    q = b.define("q" + suffix, q_expr)
    X = b.define("X" + suffix, -q / (2 * s * sp.sqrt(s)), lower=-1, upper=1, force=True)
    return _viete_roots(c, s, X, count)


def _low_degree(taken: set[str], poly: sp.Expr, z: sp.Symbol, suffix: str = "",
                spread: sp.Expr | None = None) -> RootForm:
    """Form of a monic polynomial of degree 1-3 with real roots (``spread``: ``S`` if known)."""
    b = _Builder(taken)
    if sp.degree(poly, z) == 1:
        return b.form("linear", poly, (sp.expand(z - poly),))
    mean, rest = _depress(poly, z)
    if spread is None or sp.expand(rest[0] + spread / 2) != 0:  # S = -2 e_2(B)
        spread = _nonnegative_form(-2 * rest[0])
    if len(rest) == 2:
        return b.form("cubic-viete", poly, _viete(b, mean, spread / 6, rest[1], suffix))
    c = b.define("c" + suffix, mean, force=True)
    if sp.expand(spread) == 0:
        return b.form("quadratic", poly, (c, c))
    R = b.define("R" + suffix, spread / 2, force=True, nonnegative=True)
    return b.form("quadratic", poly, (c + sp.sqrt(R), c - sp.sqrt(R)))


def _split(poly: sp.Expr, z: sp.Symbol) -> list[sp.Expr] | None:
    """Monic factors of ``poly`` in ``z`` (repeated by multiplicity), or None if irreducible."""
    params, rng = sorted(poly.free_symbols - {z}, key=sp.default_sort_key), random.Random(11)
    for _ in range(2):  # irreducible at an integer point => irreducible
        point = {s: sp.Integer(rng.randint(-999, 999)) for s in params}
        special = sp.Poly(sp.expand(poly.xreplace(point)), z)
        if (all(c.is_Rational for c in special.all_coeffs())
                and [m for _, m in special.factor_list()[1]] == [1]):
            return None
    algebraic = any(a.base.is_number and not a.exp.is_Integer for a in poly.atoms(sp.Pow))
    for options in [{}, {"extension": True}] if algebraic else [{}]:
        state, configs = sympy_random.rng.getstate(), polyconfig.query("EEZ_NUMBER_OF_CONFIGS")
        sympy_random.rng.seed(20456)  # reproducible; 20 configs: fewer slow runs (sympy#20456)
        polyconfig.setup("EEZ_NUMBER_OF_CONFIGS", 20)
        try:
            factor_list = sp.factor_list(poly, **options)[1]
        except (sp.PolynomialError, NotImplementedError):
            continue
        finally:
            polyconfig.setup("EEZ_NUMBER_OF_CONFIGS", configs)
            sympy_random.rng.setstate(state)
        out = [sp.expand(sp.cancel(f / sp.Poly(f, z).LC()))
               for f, multiplicity in factor_list if f.has(z) for _ in range(multiplicity)]
        if len(out) > 1 and sp.expand(sp.Mul(*out) - poly) == 0:
            return sorted(out, key=lambda f: (sp.degree(f, z), sp.default_sort_key(f)))
    return None


def _quartic(block: sp.MatrixBase, poly: sp.Expr, z: sp.Symbol, taken: set[str]) -> RootForm:
    factors = _split(poly, z)
    if factors is None:
        return _ferrari(block, poly, z, _Builder(taken))
    distinct: dict[sp.Expr, RootForm] = {}
    for factor in dict.fromkeys(factors):  # distinct factors, in order
        distinct[factor] = _low_degree(taken, factor, z, f"_{len(distinct) + 1}")
    forms, parts = [distinct[f] for f in factors], list(distinct.values())
    return RootForm("quartic-factored", poly, tuple(p for f in parts for p in f.intermediates),
                    tuple(r for f in forms for r in f.roots),
                    tuple(r for f in parts for r in f.ranges), tuple(forms))


def _ferrari(block: sp.MatrixBase, poly: sp.Expr, z: sp.Symbol, b: _Builder) -> RootForm:
    """Real Ferrari form of an irreducible quartic (see the module docstring)."""
    mean, (p_expr, q_expr, r_expr) = _depress(poly, z)
    spread = _spread(block)
    p_expr = -spread / 2 if sp.expand(p_expr + spread / 2) == 0 else p_expr
    m = b.define("m", mean)
    p = b.define("p", p_expr, force=True, nonpositive=True)
    if q_expr == 0:
        radicand = _nonnegative_form(p_expr**2 / 4 - r_expr)
        R = b.define("R", radicand, force=True, nonnegative=True)
        big = sp.sqrt(b.define("Y_+", -p / 2 + sp.sqrt(R), force=True, nonnegative=True))
        small = sp.sqrt(b.define("Y_-", -p / 2 - sp.sqrt(R), force=True, nonnegative=True))
        return b.form("quartic-ferrari", poly, (m + big, m + small, m - small, m - big))
    q = b.define("q", q_expr, force=True)
    r = b.define("r", r_expr)
    w = _viete(b, -2 * p / 3, (p**2 + 12 * r) / 9, (72 * p * r - 2 * p**3) / 27 - q**2, "_w", 2)
    a = sp.sqrt(b.define("w_1", w[0], force=True, nonnegative=True))
    c = sp.sqrt(b.define("w_2", w[1], force=True, nonnegative=True))
    t = b.define("t", -q / (a * c), force=True)
    roots = (m + (a + c + t) / 2, m + (a - c - t) / 2, m + (-a + c - t) / 2, m + (-a - c + t) / 2)
    return b.form("quartic-ferrari", poly, roots)


def real_roots(block: sp.MatrixBase, z: sp.Symbol = Z) -> RootForm:
    """Closed-form real eigenvalues of a Hermitian block of size 1 to 4.

    Parameters
    ----------
    block : Hermitian (identically) SymPy matrix, entries exact in real symbols.
    z : spectral variable of ``RootForm.polynomial``; must not occur in the block.

    Returns
    -------
    RootForm : see the module docstring. Raises ValueError as ``characteristic_polynomial``.
    """
    poly = characteristic_polynomial(block, z)
    taken = {s.name for s in block.free_symbols} | {z.name}
    if block.rows == 4:
        return _quartic(block, poly, z, taken)
    return _low_degree(taken, poly, z, spread=_spread(block) if block.rows > 1 else None)


def _prove_symbolic(form: RootForm, z: sp.Symbol) -> bool:
    """Exact proof for linear, quadratic and Viete forms; True (no claim) for Ferrari."""
    if form.kind == "quartic-ferrari":
        return True
    if form.kind == "quartic-factored":
        product = sp.Mul(*[f.polynomial for f in form.factors])
        return (form.roots == tuple(r for f in form.factors for r in f.roots)
                and sp.expand(product - form.polynomial) == 0
                and all(_prove_symbolic(f, z) for f in form.factors))
    c, last = form.intermediates[0][0] if form.intermediates else 0, form.intermediates[-1:]
    if form.kind == "linear" or len(set(form.roots)) == 1:
        target, expected = (z - form.roots[0]) ** len(form.roots), form.roots
    elif form.kind == "quadratic":
        R = last[0][0]
        target, expected = (z - c) ** 2 - R, (c + sp.sqrt(R), c - sp.sqrt(R))
    else:  # the cos(phi_k) are the roots of 4 C**3 - 3 C - X (triple angle), so:
        s, X = form.intermediates[1][0], last[0][0]
        target = (z - c) ** 3 - 3 * s * (z - c) - 2 * s * sp.sqrt(s) * X
        expected = tuple(_viete_roots(c, s, X))
    return (form.roots == tuple(expected)
            and sp.expand(target.xreplace(_substitute(form.intermediates)) - form.polynomial) == 0)


def _check_numeric(form: RootForm, block: sp.MatrixBase, z: sp.Symbol, points: int,
                   seed: int, dps: int, tol: float) -> bool:
    params = sorted(block.free_symbols, key=sp.default_sort_key)
    roots_f = sp.lambdify(params, list(form.explicit()), modules="mpmath", cse=True)
    block_f = sp.lambdify(params, block, modules="mpmath")
    poly_f = sp.lambdify([z, *params], form.polynomial, modules="mpmath")
    rng = random.Random(seed)
    with mp.workdps(dps):
        for _ in range(points):
            args = [mp.mpf(rng.randint(1 if s.is_nonnegative else -200, 200)) / 97 for s in params]
            try:
                values = sorted((mp.mpmathify(v) for v in roots_f(*args)), key=mp.re)
            except (ZeroDivisionError, ValueError):
                return False
            eigs = sorted(mp.eigh(mp.matrix(block_f(*args)), eigvals_only=True))
            scale = max([mp.mpf(1)] + [abs(e) for e in eigs])
            for got, want in zip(values, eigs):
                if (abs(got - want) > tol * scale
                        or abs(poly_f(got, *args)) > tol * (2 * scale) ** len(eigs)):
                    return False
    return True


def prove_roots(form: RootForm, block: sp.MatrixBase, z: sp.Symbol = Z, points: int = 3,
                seed: int = 0, dps: int = 50, tol: float = 1e-30) -> bool:
    """True if ``form`` gives exactly the eigenvalues of ``block``.

    Exact where cheap: the polynomial is ``det(z - block)``; linear, quadratic and Viete
    roots (triple angle) multiply out to their polynomial, factors to the quartic. Then
    (Ferrari: only this) at ``points`` seeded random rational parameter points, mpmath at
    ``dps`` digits: each explicit root is a root and the sorted roots equal
    ``mpmath.eigh`` of the block, to ``tol`` relative to the spectral scale.
    """
    if sp.expand(form.polynomial - characteristic_polynomial(block, z)) != 0:
        return False
    return _prove_symbolic(form, z) and _check_numeric(form, block, z, points, seed, dps, tol)
