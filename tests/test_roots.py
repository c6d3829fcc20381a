"""Tests of qb_symbolic.symbolic.roots: closed-form real eigenvalues of Hermitian blocks.

Every expected number comes from an independent source: mpmath's ``eigh`` of the
numeric block at 50 digits (numpy's ``eigvalsh`` for float code), never from the
module under test. All randomness is seeded.
"""

from __future__ import annotations

import dataclasses
import random
import warnings

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from qb_symbolic.symbolic.roots import (
    KINDS,
    RootForm,
    characteristic_polynomial,
    prove_roots,
    real_roots,
)

SEED = 20240616
J, K, B, D, b, gamma, Delta, a = sp.symbols("J K B D b gamma Delta a", real=True)
Omega = sp.Symbol("Omega", positive=True)
I = sp.I
z = sp.Symbol("z")
SX = sp.Matrix([[0, 1], [1, 0]])
SY = sp.Matrix([[0, -I], [I, 0]])
SZ = sp.Matrix([[1, 0], [0, -1]])
E2 = sp.eye(2)


def kron(x: sp.Matrix, y: sp.Matrix) -> sp.Matrix:
    return sp.kronecker_product(x, y)


def random_hermitian(rng: random.Random, n: int, syms: list[sp.Symbol]) -> sp.Matrix:
    """Hermitian n x n with entries linear in ``syms``, small integer coefficients."""

    def linear(width: int) -> sp.Expr:
        return sum(rng.randint(-width, width) * s for s in syms) + rng.randint(-width, width)

    M = sp.zeros(n, n)
    for i in range(n):
        M[i, i] = linear(3)
        for j in range(i + 1, n):
            M[i, j] = linear(2) + I * linear(2)
            M[j, i] = sp.conjugate(M[i, j])
    return M


def random_point(rng: random.Random, params: list[sp.Symbol]) -> list[sp.Rational]:
    return [sp.Rational(rng.randint(1 if s.is_positive else -300, 300), 101) for s in params]


def to_mp(value: sp.Expr) -> mp.mpc:
    """An exact number to mpmath, correct to 70 digits."""
    re_part, im_part = (sp.N(part, 70) for part in sp.expand(value).as_real_imag())
    return mp.mpc(mp.mpmathify(str(re_part)), mp.mpmathify(str(im_part)))


def reference(block: sp.Matrix, params: list[sp.Symbol], point: list[sp.Rational]) -> list:
    """Eigenvalues of the exact numeric block by mpmath ``eigh`` (current precision), descending."""
    exact = block.subs(dict(zip(params, point)))
    A = mp.matrix([[to_mp(exact[i, j]) for j in range(block.cols)] for i in range(block.rows)])
    return sorted(mp.eigh(A, eigvals_only=True), reverse=True)


def params_of(block: sp.Matrix) -> list[sp.Symbol]:
    return sorted(block.free_symbols, key=sp.default_sort_key)


def assert_matches(form: RootForm, block: sp.Matrix, points: int = 5, tol: float = 1e-30,
                   ordered: bool = True, seed: int = SEED) -> None:
    """Explicit roots vs mpmath eigh at 50 digits, at seeded random rational points."""
    params = params_of(block)
    roots_f = sp.lambdify(params, list(form.explicit()), modules="mpmath", cse=True)
    rng = random.Random(seed)
    with mp.workdps(50):
        for _ in range(points):
            point = random_point(rng, params)
            want = reference(block, params, point)
            got = [mp.mpmathify(v) for v in roots_f(*[mp.mpf(v.p) / v.q for v in point])]
            assert all(abs(mp.im(v)) < tol for v in got)
            got = [mp.re(v) for v in got]
            if not ordered:
                got = sorted(got, reverse=True)
            scale = max(1, max(abs(w) for w in want))
            assert max(abs(g - w) for g, w in zip(got, want)) < tol * scale, (point, got, want)


def assert_real_form(form: RootForm) -> None:
    """No ``I`` anywhere, named real intermediates, op counts reported."""
    assert form.kind in KINDS
    for sym, definition in form.intermediates:
        assert sym.is_real and not definition.has(sp.I)
    assert not any(r.has(sp.I) for r in form.roots + form.explicit() + form.explicit(clip=True))
    assert {s for s, _, _ in form.ranges} <= {s for s, _ in form.intermediates}
    counts = form.op_count()
    assert len(counts) == len(form.roots) and all(isinstance(c, int) and c >= 0 for c in counts)


def heisenberg() -> sp.Matrix:
    """XYZ + DM coupling with a uniform z field, built from Pauli matrices."""
    H = J * ((1 + gamma) * kron(SX, SX) + (1 - gamma) * kron(SY, SY) + Delta * kron(SZ, SZ))
    return H + D * (kron(SX, SY) - kron(SY, SX)) + B * (kron(SZ, E2) + kron(E2, SZ))


def chiral(M: sp.Matrix) -> sp.Matrix:
    return sp.Matrix(sp.BlockMatrix([[sp.zeros(2, 2), M], [M.H, sp.zeros(2, 2)]]))


# ---------------------------------------------------------------------------- sizes 1-3


def test_size_one_is_the_entry():
    block = sp.Matrix([[2 * J - K + sp.Rational(1, 3)]])
    form = real_roots(block)
    assert form.kind == "linear"
    assert sp.expand(form.explicit()[0] - block[0, 0]) == 0
    assert_real_form(form)
    assert_matches(form, block)
    assert prove_roots(form, block)


def test_size_two_radicand_is_a_sum_of_squares():
    block = sp.Matrix([[J + B, D - I * K], [D + I * K, J - B + Omega]])
    form = real_roots(block)
    assert form.kind == "quadratic"
    radicand = form.intermediates[-1][1]
    assert radicand.is_nonnegative  # manifest: a sum of squares
    half_gap = (block[0, 0] - block[1, 1]) / 2
    assert sp.expand(radicand - half_gap**2 - D**2 - K**2) == 0
    assert form.ranges == ()
    assert_real_form(form)
    assert_matches(form, block)  # descending order too
    assert prove_roots(form, block)


def test_size_two_multiple_of_identity_is_a_double_root():
    form = real_roots((J - 2 * K) * sp.eye(2))
    assert [sp.expand(r - (J - 2 * K)) for r in form.explicit()] == [0, 0]


@pytest.mark.parametrize("seed", [1, 2])
def test_size_three_viete(seed):
    block = random_hermitian(random.Random(seed), 3, [J, K])
    form = real_roots(block)
    assert form.kind == "cubic-viete"
    names = [s.name for s, _ in form.intermediates]
    assert names[:2] == ["c", "s"] and names[-1] == "X"
    assert form.intermediates[1][1].is_nonnegative  # s = tr(B^2)/6, a sum of squares
    assert_real_form(form)
    assert_matches(form, block)
    assert prove_roots(form, block)


def test_size_three_triple_root():
    block = (J + 1) * sp.eye(3)
    form = real_roots(block)
    assert form.kind == "cubic-viete"
    assert [sp.expand(r - J - 1) for r in form.explicit()] == [0, 0, 0]
    assert prove_roots(form, block)


# ---------------------------------------------------------------------------- size 4, factored


def test_heisenberg_with_field_factors_into_quadratics():
    block = heisenberg()
    form = real_roots(block)
    assert form.kind == "quartic-factored"
    assert [f.kind for f in form.factors] == ["quadratic", "quadratic"]
    for f in form.factors:
        assert f.intermediates[-1][1].is_nonnegative
    assert_real_form(form)
    assert_matches(form, block, ordered=False)
    assert prove_roots(form, block)


def test_block_diagonal_disguised_by_a_symbolic_reflection():
    v = sp.Matrix([1, a, 0, 1])
    U = sp.eye(4) - 2 * v * v.T / (v.T * v)[0]  # orthogonal, rational in a
    inner = sp.diag(sp.Matrix([[J, K], [K, -J]]), sp.Matrix([[B, J + I * B], [J - I * B, 0]]))
    block = (U * inner * U.T).applyfunc(sp.cancel)
    assert a in block.free_symbols
    form = real_roots(block)
    assert form.kind == "quartic-factored"
    assert not any(r.has(a) for r in form.explicit())
    assert_real_form(form)
    assert_matches(form, block, ordered=False)
    assert prove_roots(form, block)


def test_linear_times_cubic():
    P = sp.Matrix([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]])
    cubic = random_hermitian(random.Random(5), 3, [J, K])
    block = P * sp.diag(J - K, cubic) * P.T
    form = real_roots(block)
    assert sorted(f.kind for f in form.factors) == ["cubic-viete", "linear"]
    assert_real_form(form)
    assert_matches(form, block, ordered=False)
    assert prove_roots(form, block)


def test_symbolic_double_eigenvalue_and_multiple_of_identity():
    P = sp.Matrix([[1, 1, 0, 0], [1, -1, 0, 0], [0, 0, 1, 1], [0, 0, 1, -1]]) / sp.sqrt(2)
    block = (P * sp.diag(J, J, K, -K) * P.T).applyfunc(sp.expand)
    form = real_roots(block)
    assert form.kind == "quartic-factored"
    assert len(form.factors) == 4
    assert_matches(form, block, ordered=False)
    identity = real_roots((Omega + K) * sp.eye(4))
    assert [sp.expand(r - Omega - K) for r in identity.explicit()] == [0] * 4


def test_exact_constants_sqrt2_and_pi():
    r2 = sp.sqrt(2)
    inner = sp.diag(sp.Matrix([[J, r2 * K], [r2 * K, -J]]),
                    sp.Matrix([[K, sp.pi + r2 * I], [sp.pi - r2 * I, J]]))
    P = sp.Matrix([[3, 4, 0, 0], [-4, 3, 0, 0], [0, 0, 0, 5], [0, 0, 5, 0]]) / 5
    block = (P * inner * P.T).applyfunc(sp.expand)
    form = real_roots(block)
    assert form.kind == "quartic-factored"
    assert_real_form(form)
    assert_matches(form, block, ordered=False)
    assert prove_roots(form, block)


# ---------------------------------------------------------------------------- size 4, Ferrari


@pytest.mark.parametrize("seed,syms", [(0, [J, K]), (1, [J, K]), (3, [J, K, B])])
def test_ferrari_generic_blocks_to_1e30(seed, syms):
    block = random_hermitian(random.Random(seed), 4, syms)
    form = real_roots(block)
    assert form.kind == "quartic-ferrari"
    definitions = {s.name: d for s, d in form.intermediates}
    assert list(definitions)[-3:] == ["w_1", "w_2", "t"]
    assert definitions["p"].is_nonpositive  # -tr(B^2)/2, a sum of squares
    assert {"X_w", "w_2"} <= {s.name for s, _, _ in form.ranges}
    assert_real_form(form)
    assert_matches(form, block, points=5, tol=1e-30)  # documented descending order
    assert prove_roots(form, block, points=2)


def test_ferrari_numpy_is_finite_at_generic_points():
    block = random_hermitian(random.Random(3), 4, [J, K, B])
    params = params_of(block)
    form = real_roots(block)
    roots_np = sp.lambdify(params, form.explicit(), modules="numpy", cse=True)
    block_np = sp.lambdify(params, block, modules="numpy")
    pts = np.random.default_rng(SEED).uniform(-3, 3, size=(len(params), 300))
    values = np.array(roots_np(*pts))
    assert np.isfinite(values).all()
    want = np.array([np.linalg.eigvalsh(np.array(block_np(*pts[:, i]), dtype=complex))[::-1]
                     for i in range(pts.shape[1])]).T
    assert np.max(np.abs(values - want) / (1 + np.abs(want))) < 1e-9
    # Both signs of q = -e_3 of the centred spectrum occur, so both sign patterns are tested.
    centred = want - want.mean(axis=0)
    q = -sum(centred[i] * centred[j] * centred[k]
             for i in range(4) for j in range(i + 1, 4) for k in range(j + 1, 4))
    assert (q > 0.1).any() and (q < -0.1).any()


def test_biquadratic_when_q_vanishes_identically():
    block = chiral(sp.Matrix([[J, K + I], [1 - 2 * I * J, J - K]]))
    y = sp.Symbol("y")
    shifted = sp.Poly(sp.expand((y * sp.eye(4) - block).det()), y)
    assert shifted.coeff_monomial(y) == 0  # trace 0, so q = 0 identically
    form = real_roots(block)
    assert form.kind == "quartic-ferrari"
    assert {"Y_+", "Y_-"} <= {s.name for s, _ in form.intermediates}
    assert_real_form(form)
    assert_matches(form, block)
    assert prove_roots(form, block)


def q_zero_family() -> sp.Matrix:
    """Generic (Ferrari) block whose spectrum is symmetric (q = 0) at K = 0."""
    G = sp.Matrix([[1, 2, 0, 1 - I], [2, -1, I, 0], [0, -I, 2, 1], [1 + I, 0, 1, 0]])
    return chiral(sp.Matrix([[J, 1 + I], [2 - I * J, J - 1]])) + K * G


def test_q_zero_at_a_point_is_harmless():
    block = q_zero_family()
    form = real_roots(block)
    assert form.kind == "quartic-ferrari"
    explicit = form.explicit()
    roots_mp = sp.lambdify([J, K], explicit, modules="mpmath", cse=True)
    with mp.workdps(50):
        for j in (sp.Rational(3, 10), sp.Rational(-6, 5), sp.Rational(7, 4)):
            got = roots_mp(mp.mpf(j.p) / j.q, mp.mpf(0))  # t = -q/(a b) = 0 exactly here
            want = reference(block, [J, K], [j, sp.Integer(0)])
            assert max(abs(g - w) for g, w in zip(got, want)) < 1e-30
    roots_np = sp.lambdify([J, K], explicit, modules="numpy")
    block_np = sp.lambdify([J, K], block, modules="numpy")
    for j in np.linspace(-2, 2, 41):
        got = np.array(roots_np(j, 0.0))
        want = np.linalg.eigvalsh(np.array(block_np(j, 0.0), dtype=complex))[::-1]
        assert np.isfinite(got).all() and np.max(np.abs(got - want)) < 1e-11


# ---------------------------------------------------------------------------- degenerate points


def test_clip_keeps_numpy_finite_at_a_double_eigenvalue():
    block = sp.Matrix([[J, K, 0], [K, -J, 0], [0, 0, 1]])  # eigenvalue 1 twice on J^2 + K^2 = 1
    form = real_roots(block)
    block_np = sp.lambdify([J, K], block, modules="numpy")
    clipped = sp.lambdify([J, K], form.explicit(clip=True), modules="numpy")
    points = [(0.6, 0.8), (0.28, 0.96), (0.8, 0.6), (5 / 13, 12 / 13), (0.6, -0.8), (0.0, 1.0)]
    for j, k in points:
        got = np.array(clipped(j, k))
        want = np.linalg.eigvalsh(block_np(j, k))[::-1]
        assert np.isfinite(got).all() and np.max(np.abs(got - want)) < 1e-6


def test_clip_on_a_ferrari_form_at_a_double_eigenvalue():
    G = sp.Matrix([[0, 1, 0, 2], [1, 0, 1, 0], [0, 1, 0, -1], [2, 0, -1, 1]])
    block = sp.diag(J, 0, 1, 2) + K * G  # at K = 0, J = 1: eigenvalue 1 twice
    form = real_roots(block)
    assert form.kind == "quartic-ferrari"
    clipped = sp.lambdify([J, K], form.explicit(clip=True), modules="numpy")
    block_np = sp.lambdify([J, K], block, modules="numpy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no invalid-value warning from arccos or sqrt
        for j, k in [(1.0, 0.0), (1.0, 1e-9), (1.0 + 1e-12, 0.0), (0.3, 0.2)]:
            got = np.array(clipped(j, k))
            want = np.linalg.eigvalsh(block_np(j, k))[::-1]
            assert np.isfinite(got).all() and np.max(np.abs(got - want)) < 1e-6


# ---------------------------------------------------------------------------- errors and API


@pytest.mark.parametrize(
    "block",
    [
        sp.Matrix([[J, 1], [2, K]]),
        sp.Matrix([[I * J]]),
        sp.Matrix([[J, K + I], [K + I, J]]),
        sp.Matrix([[1, 2, 3]]),
        sp.eye(5),
        sp.Matrix([[z]]),
    ],
)
def test_invalid_blocks_raise_value_error(block):
    with pytest.raises(ValueError):
        real_roots(block)


def test_characteristic_polynomial_is_det_z_minus_h():
    rng = random.Random(SEED)
    block = random_hermitian(rng, 4, [J, K])
    poly = characteristic_polynomial(block, z)
    assert not poly.has(sp.I)
    coeffs = sp.Poly(poly, z).all_coeffs()
    assert len(coeffs) == 5 and coeffs[0] == 1
    with mp.workdps(50):
        for _ in range(3):
            point = random_point(rng, [J, K])
            z0 = sp.Rational(rng.randint(-50, 50), 7)
            exact = block.subs({J: point[0], K: point[1]})
            A = mp.matrix([[to_mp(exact[i, j]) for j in range(4)] for i in range(4)])
            det = mp.det(to_mp(z0) * mp.eye(4) - A)
            value = to_mp(poly.subs({z: z0, J: point[0], K: point[1]}))
            assert abs(det - value) < 1e-40 * (1 + abs(det))


def test_prove_roots_rejects_a_wrong_form():
    block = random_hermitian(random.Random(7), 3, [J, K])
    form = real_roots(block)
    assert prove_roots(form, block)
    swapped = dataclasses.replace(form, roots=form.roots[:2] + (form.roots[2] + 1,))
    assert not prove_roots(swapped, block)
    quartic = random_hermitian(random.Random(1), 4, [J, K])
    ferrari = real_roots(quartic)
    roots, t = ferrari.roots, ferrari.intermediates[-1][0]
    reordered = dataclasses.replace(ferrari, roots=(roots[0], roots[1], roots[3], roots[2]))
    flipped = dataclasses.replace(ferrari, roots=tuple(r.xreplace({t: -t}) for r in roots))
    assert prove_roots(reordered, quartic)  # the same multiset: still the eigenvalues
    assert not prove_roots(flipped, quartic)  # the wrong sign of q: not the eigenvalues


def test_intermediate_names_never_clash_with_parameters():
    c, s, X = sp.symbols("c s X", real=True)
    block = sp.Matrix([[c, s, 0], [s, X, 1], [0, 1, -c]])
    form = real_roots(block)
    names = {sym.name for sym, _ in form.intermediates}
    assert not names & {"c", "s", "X"}
    assert_matches(form, block)
