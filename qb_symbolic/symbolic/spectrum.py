"""Closed-form eigensystem of each invariant block.

* 1x1 blocks: the entry.
* 2x2 blocks: the quadratic formula, ``lambda_(+/-) = tr/2 +/- sqrt(disc)/2`` with
  ``disc = (H11 - H22)**2 + 4 |H12|**2``, a sum of squares.
* 3x3 blocks: the real trigonometric (Viete) form. With ``lambda = c + y`` and
  ``c = tr/3`` the characteristic polynomial becomes ``y**3 - 3 s y + q`` with
  ``s = tr(B**2)/6 >= 0`` and ``q = -det B`` (``B = H - c``), and the three real
  roots are ``y_k = 2 sqrt(s) cos(phi_k)``,
  ``phi_k = acos(X)/3 - 2 pi k/3``, ``X = -q/(2 s**(3/2))``, ``k = 0, 1, 2``
  (descending). Three real roots, i.e. ``|X| <= 1``, is guaranteed because the
  discriminant ``27 (4 s**3 - q**2)`` is a sum of squares
  (:func:`discriminant_sum_of_squares`, the Cauchy-Binet expansion of the Gram
  determinant of ``1, B, B**2``; Parlett, Linear Algebra Appl. 355 (2002) 85).

SymPy's own ``roots``/``eigenvals`` give the Cardano form with complex cube
roots of real numbers (about 390 operations per root); that form appears
nowhere in this package.

Eigenvalues are named by real symbols ``lambda_k`` (``lambda_0`` for the
``Phi-`` block, then the block that holds ``Phi+``, then the rest) and kept
beside their closed forms. Projections of the initial state on the eigenvectors
come from the adjugate: ``P_k v = adj(lambda_k - H_b) v / prod_{j != k}(lambda_k - lambda_j)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import sympy as sp

from ..core.algebra import compact, split_content, sqrt_compact
from ..core.symbols import HAMILTONIAN_PARAMETERS, SYMBOLS, eigenvalue_symbol
from ..model.battery import Battery
from .subspaces import Block, BlockDecomposition, block_decomposition

#: Spectral variable of characteristic polynomials.
z = sp.Symbol("z")


def _gens(*exprs: sp.Expr) -> tuple[sp.Symbol, ...]:
    found = set().union(*(sp.sympify(e).free_symbols for e in exprs))
    order = [SYMBOLS[n] for n in HAMILTONIAN_PARAMETERS]
    known = [s for s in order if s in found]
    others = sorted(found - set(order), key=sp.default_sort_key)
    return tuple(known + others)


def _real(expr: sp.Expr) -> sp.Expr:
    """Expand an expression known to be real (Hermitian invariants)."""
    expr = sp.expand(expr)
    if expr.has(sp.I):
        expr = sp.expand(sp.re(expr))
    return expr


@dataclass(frozen=True)
class DepressedCubic:
    """``det(z - H_b) = y**3 - 3 s y + q`` at ``z = c + y`` for a 3x3 Hermitian block.

    Attributes
    ----------
    c
        Shift ``tr(H_b)/3``.
    s
        ``tr(B**2)/6`` with ``B = H_b - c``; non-negative, zero only if ``H_b = c``.
    q
        ``-det(B)``.
    """

    c: sp.Expr
    s: sp.Expr
    q: sp.Expr

    @property
    def cos_argument(self) -> sp.Expr:
        """``X = -q/(2 s**(3/2)) = cos(3 phi_k)``, in ``[-1, 1]``."""
        q_content, q_primitive = split_content(self.q)
        s_content, s_primitive = split_content(self.s)
        # Three factors, so SymPy does not distribute the number over the sum.
        return sp.Mul(
            -q_content / (2 * s_content ** sp.Rational(3, 2)),
            q_primitive,
            s_primitive ** sp.Rational(-3, 2),
        )

    def angle(self, k: int) -> sp.Expr:
        """``phi_k = acos(X)/3 - 2 pi k/3``."""
        third = sp.acos(self.cos_argument) / 3
        return third if k == 0 else sp.Add(third, -2 * sp.pi * k / 3, evaluate=False)

    def root(self, k: int) -> sp.Expr:
        """The k-th root ``c + 2 sqrt(s) cos(phi_k)``; ``k = 0, 1, 2`` descending.

        The cosine is kept unevaluated: SymPy would otherwise turn
        ``cos(a - 4 pi/3)`` into ``-sin(a + pi/6)``, hiding the Viete form.
        """
        if k not in (0, 1, 2):
            raise ValueError(f"k must be 0, 1 or 2; got {k}")
        return self.c + 2 * sqrt_compact(self.s) * sp.cos(self.angle(k), evaluate=False)

    @property
    def discriminant(self) -> sp.Expr:
        """``prod_{i<j} (lambda_i - lambda_j)**2 = 27 (4 s**3 - q**2)``."""
        return 27 * (4 * self.s**3 - self.q**2)


def depressed_cubic(matrix: sp.Matrix) -> DepressedCubic:
    """The depressed characteristic cubic of a 3x3 Hermitian matrix, in compact form."""
    if matrix.shape != (3, 3):
        raise ValueError(f"need a 3x3 matrix; got shape {matrix.shape}")
    c = _real(matrix.trace() / 3)
    B = matrix - c * sp.eye(3)
    s = _real((B * B).trace() / 6)
    q = _real(-B.det())
    gens = _gens(c, s, q)
    return DepressedCubic(compact(c, gens), compact(s, gens), compact(q, gens))


def discriminant_sum_of_squares(matrix: sp.Matrix) -> list[sp.Expr]:
    """Real polynomials ``m_i`` with ``sum_i m_i**2`` = the characteristic discriminant.

    Cauchy-Binet on ``G = M M^T``, where the rows of ``M`` are ``1, B, B**2``
    written in real Frobenius coordinates (diagonal entries, and ``sqrt 2`` times
    the real and imaginary parts of the upper triangle): ``det G`` is the
    Vandermonde determinant squared, ``prod_{i<j}(lambda_i - lambda_j)**2``,
    and equals the sum of the squared 3x3 minors of ``M``. Each minor is a
    polynomial of the entries, so the discriminant is computed without
    cancellation, which keeps nearly equal roots accurate (issue: trigonometric
    roots lose accuracy where two roots nearly meet).
    """
    n = matrix.shape[0]
    rows = []
    power = sp.eye(n)
    for _ in range(n):
        coords = [_real(power[i, i]) for i in range(n)]
        for i, j in combinations(range(n), 2):
            entry = sp.expand(power[i, j])
            coords.append(sp.sqrt(2) * _real(sp.re(entry)))
            coords.append(sp.sqrt(2) * _real(sp.im(entry)))
        rows.append(coords)
        power = (power * matrix).applyfunc(sp.expand)
    M = sp.Matrix(rows)
    minors = []
    for cols in combinations(range(M.shape[1]), n):
        minor = sp.expand(M.extract(list(range(n)), list(cols)).det())
        if minor != 0:
            minors.append(minor)
    return minors


@dataclass(frozen=True)
class BlockSpectrum:
    """Closed-form eigenvalues of one block.

    Attributes
    ----------
    block
        The invariant block.
    symbols
        ``lambda_k`` naming the eigenvalues, descending.
    values
        Their closed forms, in the same order.
    method
        ``"entry"``, ``"quadratic"`` or ``"trigonometric cubic"``.
    cubic
        The depressed cubic of a 3x3 block (else None).
    """

    block: Block
    symbols: tuple[sp.Symbol, ...]
    values: tuple[sp.Expr, ...]
    method: str
    cubic: DepressedCubic | None = None

    @property
    def characteristic_polynomial(self) -> sp.Expr:
        """``det(z - H_b)`` in the spectral variable ``z``, expanded."""
        return sp.expand((z * sp.eye(self.block.dim) - self.block.matrix).det())

    def relations(self) -> list[sp.Expr]:
        """Cauchy modules: a Groebner basis of "the ``lambda_k`` are the roots".

        ``g_n = p(lambda_n)``, then repeated divided differences
        ``g_(m-1) = (g_m(lambda_(m-1), ...) - g_m(lambda_m, ...))/(lambda_(m-1) - lambda_m)``,
        down to ``g_1 = lambda_1 + ... + lambda_n - tr(H_b)``. Their leading
        monomials (lex order) are coprime powers, so this is a Groebner basis and
        :meth:`Eigensystem.reduce` needs no Buchberger step.
        """
        lam = self.symbols
        n = len(lam)
        current = self.characteristic_polynomial.subs(z, lam[-1])
        modules = [sp.expand(current)]
        for m in range(n - 2, -1, -1):
            shifted = current.subs(lam[m + 1], lam[m])
            current = sp.cancel((shifted - current) / (lam[m] - lam[m + 1]))
            modules.append(sp.expand(current))
        return modules[::-1]

    def derivative_at(self, k: int) -> sp.Expr:
        """``p'(lambda_k) = prod_{j != k}(lambda_k - lambda_j)`` in the eigenvalue symbols."""
        lam = self.symbols
        return sp.Mul(*[lam[k] - lam[j] for j in range(len(lam)) if j != k])

    def projected(self, k: int, vector: sp.Matrix) -> sp.Matrix:
        """``P_k vector`` = ``adj(lambda_k - H_b) vector / p'(lambda_k)``.

        The adjugate is a polynomial matrix in the spectral variable, so this is
        exact for symbolic ``lambda_k`` whenever the eigenvalues are distinct.
        """
        if self.block.dim == 1:
            return vector
        adj = (self.symbols[k] * sp.eye(self.block.dim) - self.block.matrix).adjugate()
        return (adj * vector).applyfunc(sp.expand) / self.derivative_at(k)

    def weight(self, k: int, vector: sp.Matrix) -> sp.Expr:
        """``<v|P_k|v> = |<e_k|v>|**2`` for a vector of the block, in ``lambda`` symbols."""
        if self.block.dim == 1:
            return sp.expand((vector.H * vector)[0])
        adj = (self.symbols[k] * sp.eye(self.block.dim) - self.block.matrix).adjugate()
        numerator = _real((vector.H * adj * vector)[0])
        return compact(numerator, _gens(numerator)) / self.derivative_at(k)


def block_spectrum(block: Block, first_index: int) -> BlockSpectrum:
    """Closed-form eigenvalues of one block, named ``lambda_first, ...``."""
    M = block.matrix
    names = tuple(eigenvalue_symbol(first_index + k) for k in range(block.dim))
    if block.dim == 1:
        value = compact(_real(M[0, 0]), _gens(M[0, 0]))
        return BlockSpectrum(block, names, (value,), "entry")
    if block.dim == 2:
        half_trace = _real(M.trace() / 2)
        disc = _real((M[0, 0] - M[1, 1]) ** 2 + 4 * M[0, 1] * sp.conjugate(M[0, 1]))
        gens = _gens(half_trace, disc)
        root = sqrt_compact(disc) / 2
        centre = compact(half_trace, gens)
        return BlockSpectrum(block, names, (centre + root, centre - root), "quadratic")
    if block.dim == 3:
        cubic = depressed_cubic(M)
        values = tuple(cubic.root(k) for k in range(3))
        return BlockSpectrum(block, names, values, "trigonometric cubic", cubic)
    raise ValueError(f"blocks of dimension {block.dim} do not occur in this model")


@dataclass(frozen=True)
class Eigensystem:
    """The closed-form eigensystem of a battery, block by block.

    Attributes
    ----------
    decomposition
        The invariant blocks.
    spectra
        One :class:`BlockSpectrum` per block, in block order.

    Examples
    --------
    >>> from qb_symbolic import Battery, eigensystem
    >>> sorted(eigensystem(Battery("parallel")).eigenvalues.values(), key=str)
    [-2*Omega, 0, 0, 2*Omega]
    """

    decomposition: BlockDecomposition
    spectra: tuple[BlockSpectrum, ...]

    @property
    def eigenvalues(self) -> dict[sp.Symbol, sp.Expr]:
        """``{lambda_k: closed form}`` for all four eigenvalues."""
        return {s: v for spec in self.spectra for s, v in zip(spec.symbols, spec.values)}

    def _repr_latex_(self) -> str:
        """The four eigenvalues' closed forms (Jupyter)."""
        from ..core.display import math

        return math(*(f"{sp.latex(k)} = {sp.latex(v)}" for k, v in self.eigenvalues.items()))

    def spectrum_of(self, label: str) -> BlockSpectrum:
        """The spectrum of the block holding the basis vector ``label``."""
        for spec in self.spectra:
            if label in spec.block.labels:
                return spec
        raise ValueError(f"no block holds {label!r}")

    @property
    def reference(self) -> sp.Symbol:
        """``lambda_0``, the energy of the exact eigenstate ``Phi-``."""
        return self.spectrum_of("Phi-").symbols[0]

    @property
    def charging_spectrum(self) -> BlockSpectrum:
        """The block that holds ``Phi+``, the other half of ``|dd>``."""
        return self.spectrum_of("Phi+")

    def weights(self) -> tuple[sp.Expr, ...]:
        """Spectral weights ``w_k = |<e_k|Phi+>|**2`` of the charging block (sum 1)."""
        spec = self.charging_spectrum
        unit = sp.zeros(spec.block.dim, 1)
        unit[spec.block.labels.index("Phi+")] = 1
        return tuple(spec.weight(k, unit) for k in range(spec.block.dim))

    def reduce(self, expr: sp.Expr) -> sp.Expr:
        """Numerator of ``expr`` reduced modulo the eigenvalue relations of all blocks.

        Zero means ``expr`` vanishes whenever each ``lambda_k`` is the matching
        root of its block's characteristic polynomial (the roots distinct): an
        exact proof of identities stated through eigenvalue symbols.
        """
        numerator, _ = sp.fraction(sp.together(sp.sympify(expr)))
        gens = [s for spec in self.spectra for s in spec.symbols]
        basis = [g for spec in self.spectra for g in spec.relations()]
        _, remainder = sp.reduced(sp.expand(numerator), basis, *gens, order="lex")
        return sp.expand(remainder)

    def frequencies(self) -> tuple[sp.Expr, ...]:
        """``nu_k = lambda_k - lambda_0`` in the eigenvalue symbols."""
        return tuple(lam - self.reference for lam in self.charging_spectrum.symbols)


@lru_cache(maxsize=256)
def eigensystem(battery: Battery) -> Eigensystem:
    """Derive the closed-form eigensystem of a battery.

    Examples
    --------
    >>> from qb_symbolic import Battery, eigensystem
    >>> es = eigensystem(Battery("ising", D=0))
    >>> es.eigenvalues                                    # doctest: +SKIP
    {lambda_0: -2*J, lambda_1: 2*J + 2*Omega, lambda_2: 2*J - 2*Omega, lambda_3: -2*J}
    """
    decomposition = block_decomposition(battery)
    spectra = []
    index = 0
    for block in decomposition.blocks:
        spectra.append(block_spectrum(block, index))
        index += block.dim
    return Eigensystem(decomposition, tuple(spectra))
