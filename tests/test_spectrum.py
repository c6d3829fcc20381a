"""Closed-form eigenvalues: proofs that they are roots, size, realness, numbers."""

from __future__ import annotations

import random

import mpmath as mp
import pytest
import sympy as sp
from conftest import SEED, mp_hamiltonian

from qb_symbolic.core.symbols import D, Delta, J, Omega, gamma
from qb_symbolic.model.battery import Battery
from qb_symbolic.symbolic.spectrum import discriminant_sum_of_squares, eigensystem, z

PAPER_PARAMETERS = {Omega, J, gamma, Delta, D}

#: Batteries whose populated block is a 3x3 (trigonometric cubic).
CUBIC_BATTERIES = [
    Battery(),
    Battery("ising"),
    Battery("xxz", J=1, Delta=2, D=1.7),
    Battery("ising", J=Omega, D=3 * Omega),
]
#: Batteries whose populated block is 2x2 (quadratic formula).
QUADRATIC_BATTERIES = [Battery(D=0), Battery("ising", D=0), Battery("parallel"), Battery(Omega=0)]


def _block_invariants(M: sp.Matrix):
    """c, s, q of the depressed cubic computed here, independently of the package."""
    c = sp.expand(M.trace() / 3)
    B = M - c * sp.eye(3)
    s = sp.expand(sp.re(sp.expand((B * B).trace() / 6)))
    q = sp.expand(sp.re(sp.expand(-B.det())))
    return c, s, q


def prove_trigonometric_root(M: sp.Matrix, value: sp.Expr, k: int) -> None:
    """Prove that ``value`` is a root of det(z - M), via cos 3a = 4 cos^3 a - 3 cos a."""
    c, s, _ = _block_invariants(M)
    (cos_atom,) = [a for a in value.atoms(sp.cos)]
    phi = cos_atom.args[0]
    (acos_atom,) = phi.atoms(sp.acos)
    X = acos_atom.args[0]
    # The angle is acos(X)/3 - 2 pi k/3, so cos(3 phi) = cos(acos X - 2 pi k) = X.
    assert sp.expand(3 * phi - acos_atom + 2 * sp.pi * k) == 0
    assert sp.simplify(sp.cos(sp.expand(3 * phi)) - X) == 0
    C = sp.Symbol("C")
    linear = sp.expand(value.xreplace({cos_atom: C}))
    shift, amplitude = linear.coeff(C, 0), linear.coeff(C, 1)
    assert sp.expand(shift - c) == 0
    assert sp.expand(amplitude**2 - 4 * s) == 0  # amplitude = 2 sqrt(s)
    charpoly = sp.expand((z * sp.eye(3) - M).det())
    on_root = sp.expand(charpoly.subs(z, shift + amplitude * C))
    # Triple angle: reduce modulo 4 C^3 - 3 C - cos(3 phi).
    remainder = sp.rem(sp.Poly(on_root, C), sp.Poly(4 * C**3 - 3 * C - X, C))
    assert all(sp.expand(coeff) == 0 for coeff in remainder.all_coeffs())


@pytest.mark.parametrize("battery", CUBIC_BATTERIES, ids=repr)
def test_trigonometric_roots_are_roots_of_the_block(battery):
    spec = eigensystem(battery).charging_spectrum
    assert spec.method == "trigonometric cubic" and spec.block.dim == 3
    for k, value in enumerate(spec.values):
        prove_trigonometric_root(spec.block.matrix, value, k)


@pytest.mark.parametrize("battery", CUBIC_BATTERIES, ids=repr)
def test_depressed_cubic_and_three_real_roots(battery):
    spec = eigensystem(battery).charging_spectrum
    c, s, q = _block_invariants(spec.block.matrix)
    y = sp.Symbol("y")
    charpoly = (z * sp.eye(3) - spec.block.matrix).det()
    assert sp.expand(charpoly.subs(z, c + y) - (y**3 - 3 * s * y + q)) == 0
    assert sp.expand(spec.cubic.s - s) == 0 and sp.expand(spec.cubic.q - q) == 0
    # The discriminant 27(4 s^3 - q^2) is a sum of squares of real polynomials, so
    # it is >= 0, |X| = |q|/(2 s^(3/2)) <= 1 and acos(X) is real: three real roots.
    squares = discriminant_sum_of_squares(spec.block.matrix)
    assert all(m.is_real is not False and not m.has(sp.I) for m in squares)
    assert sp.expand(sum(m**2 for m in squares) - 27 * (4 * s**3 - q**2)) == 0


@pytest.mark.parametrize("battery", QUADRATIC_BATTERIES, ids=repr)
def test_quadratic_and_single_roots_are_roots(battery):
    es = eigensystem(battery)
    for spec in es.spectra:
        assert spec.method in ("entry", "quadratic")
        charpoly = (z * sp.eye(spec.block.dim) - spec.block.matrix).det()
        for value in spec.values:
            assert sp.expand(charpoly.subs(z, value)) == 0


def test_general_eigenvalues_are_short_and_in_the_papers_parameters():
    spec = eigensystem(Battery()).charging_spectrum
    ours = [sp.count_ops(v) for v in spec.values]
    assert all(v.free_symbols <= PAPER_PARAMETERS for v in spec.values)
    assert max(ours) < 120, ours
    # SymPy's own roots: the Cardano form, several times longer (about 390 ops).
    charpoly = sp.Poly(spec.characteristic_polynomial, z)
    cardano = [sp.count_ops(r) for r in sp.roots(charpoly, multiple=True)]
    assert min(cardano) > 3 * max(ours), (cardano, ours)


def complex_radicals(expr: sp.Expr, samples: int = 12) -> list[sp.Expr]:
    """Sub-expressions that take a root (or acos/asin/log) of a complex quantity.

    Literal ``I`` in the argument is caught structurally. Cardano's form hides
    it: its cube-root argument ``-q/2 + sqrt(q**2/4 + p**3/27)`` has no ``I`` but is
    complex whenever the three roots are real, so every radicand is also
    evaluated at seeded random real parameter points and flagged if it is ever
    non-real (or negative under an even root, or outside [-1, 1] under acos).
    """
    rng = random.Random(SEED + 99)
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    def draw(symbol):
        value = sp.Rational(rng.randint(-400, 400), 37)
        return abs(value) if symbol.is_nonnegative else value

    points = [{s: draw(s) for s in symbols} for _ in range(samples)]
    bad = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and not node.exp.is_integer:
            arg, even = node.base, sp.Rational(node.exp).q % 2 == 0
        elif isinstance(node, (sp.acos, sp.asin, sp.log)):
            arg, even = node.args[0], False
        else:
            continue
        if arg.has(sp.I):
            bad.append(node)
            continue
        for point in points:
            value = complex(sp.N(arg.subs(point), 30))
            if abs(value.imag) > 1e-20 * max(1.0, abs(value)) or (even and value.real < 0):
                bad.append(node)
                break
            if isinstance(node, (sp.acos, sp.asin)) and abs(value.real) > 1:
                bad.append(node)
                break
    return bad


def test_complex_radical_detector_catches_cardano():
    charpoly = sp.Poly(eigensystem(Battery()).charging_spectrum.characteristic_polynomial, z)
    assert complex_radicals(sp.roots(charpoly, multiple=True)[0])


@pytest.mark.parametrize("battery", CUBIC_BATTERIES + QUADRATIC_BATTERIES, ids=repr)
def test_no_root_of_a_complex_quantity(battery):
    es = eigensystem(battery)
    for value in es.eigenvalues.values():
        assert not complex_radicals(value)
        assert not value.has(sp.I)
    for w in es.weights():
        assert not complex_radicals(w)


def test_eigenvalues_match_mpmath_diagonalisation():
    rng = random.Random(SEED)
    es = eigensystem(Battery())
    params = (Omega, J, gamma, Delta, D)
    closed = sp.lambdify(params, list(es.eigenvalues.values()), modules="mpmath")
    with mp.workdps(50):
        for _ in range(30):
            vals = [mp.mpf(repr(rng.uniform(-10, 10))) for _ in range(5)]
            vals[0] = abs(vals[0]) + mp.mpf("0.1")
            vals[2] = vals[2] / 10  # |gamma| <= 1
            ours = sorted(closed(*vals))
            reference = sorted(mp.eighe(mp_hamiltonian(*vals))[0])
            assert max(abs(a - b) for a, b in zip(ours, reference)) < mp.mpf(10) ** -40


@pytest.mark.parametrize("battery", [Battery(), Battery(D=0), Battery("parallel")], ids=repr)
def test_weights_sum_to_one_and_eigenvalue_relations(battery):
    es = eigensystem(battery)
    spec = es.charging_spectrum
    assert es.reduce(sum(es.weights()) - 1) == 0
    for lam in spec.symbols:
        assert es.reduce(spec.characteristic_polynomial.subs(z, lam)) == 0
        assert es.reduce(lam) != 0  # the reduction does not prove everything


def test_weights_match_mpmath_eigenvectors():
    rng = random.Random(SEED + 1)
    es = eigensystem(Battery())
    params = (Omega, J, gamma, Delta, D)
    explicit = [w.subs(es.eigenvalues) for w in es.weights()]
    lam = sp.lambdify(params, list(es.eigenvalues.values())[1:], modules="mpmath")
    weights = sp.lambdify(params, explicit, modules="mpmath")
    with mp.workdps(50):
        phi_plus = mp.matrix([1, 0, 0, 1]) / mp.sqrt(2)
        for _ in range(10):
            vals = [mp.mpf(repr(rng.uniform(0.1, 5))) for _ in range(5)]
            vals[2] = vals[2] / 5
            E, V = mp.eighe(mp_hamiltonian(*vals))
            for value, weight in zip(lam(*vals), weights(*vals)):
                k = min(range(4), key=lambda i: abs(E[i] - value))
                overlap = sum(mp.conj(V[i, k]) * phi_plus[i] for i in range(4))
                assert abs(abs(overlap) ** 2 - weight) < mp.mpf(10) ** -40
