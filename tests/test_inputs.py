"""User inputs: Pauli labels, Hamiltonian strings, matrices and initial states.

Every expected value is built here, independently of the module under test:
explicit 2x2 Pauli matrices and a Kronecker product written out index by
index, with the package's conventions (basis |uu>, |ud>, |du>, |dd>,
sz|u> = +|u>, cell 1 the left factor).
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
import sympy as sp
from conftest import SEED

from qb_symbolic.core import symbols as package_symbols
from qb_symbolic.core.pauli import ket, pauli_decomposition, pauli_string, sigma
from qb_symbolic.core.symbols import D, Delta, J, Omega, gamma
from qb_symbolic.model.inputs import (
    check_hermitian,
    hamiltonian_from_matrix,
    hamiltonian_from_paulis,
    hamiltonian_from_string,
    initial_state,
    parse_pauli_terms,
    to_matrix,
)

I2 = sp.Matrix([[1, 0], [0, 1]])
SX = sp.Matrix([[0, 1], [1, 0]])
SY = sp.Matrix([[0, -sp.I], [sp.I, 0]])
SZ = sp.Matrix([[1, 0], [0, -1]])
ONE_CELL = {"I": I2, "X": SX, "Y": SY, "Z": SZ}
B, b, K = sp.symbols("B b K", real=True)


def hand_kron(a: sp.Matrix, c: sp.Matrix) -> sp.Matrix:
    """(a (x) c)[2i + k, 2j + m] = a[i, j] c[k, m]: a acts on cell 1."""
    out = sp.zeros(4, 4)
    for i in range(2):
        for j in range(2):
            for k in range(2):
                for m in range(2):
                    out[2 * i + k, 2 * j + m] = a[i, j] * c[k, m]
    return out


def op(label: str) -> sp.Matrix:
    return hand_kron(ONE_CELL[label[0]], ONE_CELL[label[1]])


def same(a: sp.Matrix, c: sp.Matrix) -> bool:
    return a.shape == c.shape and (a - c).applyfunc(sp.expand) == sp.zeros(*a.shape)


def paper_hamiltonian() -> sp.Matrix:
    """H = Omega(sx1 + sx2) + J[(1+g) sx sx + (1-g) sy sy + Delta sz sz] + D(sx sy - sy sx)."""
    return (
        Omega * (op("XI") + op("IX"))
        + J * ((1 + gamma) * op("XX") + (1 - gamma) * op("YY") + Delta * op("ZZ"))
        + D * (op("XY") - op("YX"))
    )


# ---- Pauli strings and kets ----


def test_xy_is_sx_on_cell_1_times_sy_on_cell_2():
    # sx (x) sy = [[0, sy], [sy, 0]] in blocks.
    expected = sp.Matrix([[0, 0, 0, -sp.I], [0, 0, sp.I, 0], [0, -sp.I, 0, 0], [sp.I, 0, 0, 0]])
    assert pauli_string("XY") == expected
    assert pauli_string("ZI") == sp.diag(1, 1, -1, -1)  # sz on cell 1 (left factor)
    assert pauli_string("IZ") == sp.diag(1, -1, 1, -1)


@pytest.mark.parametrize("label", [a + c for a in "IXYZ" for c in "IXYZ"])
def test_every_pauli_string_matches_hand_built_kron(label):
    assert pauli_string(label) == op(label)


def test_sigma_and_kets_follow_the_conventions():
    assert sigma("x", 1) == op("XI") and sigma("y", 2) == op("IY")
    assert ket("uu") == sp.Matrix([1, 0, 0, 0]) and ket("dd") == sp.Matrix([0, 0, 0, 1])
    assert op("ZI") * ket("ud") == ket("ud") and op("IZ") * ket("ud") == -ket("ud")
    r = 1 / sp.sqrt(2)
    assert ket("phi+") == sp.Matrix([r, 0, 0, r]) and ket("phi-") == sp.Matrix([r, 0, 0, -r])
    assert ket("psi+") == sp.Matrix([0, r, r, 0]) and ket("psi-") == sp.Matrix([0, r, -r, 0])


# ---- the same Hamiltonian written three ways ----


def test_paper_hamiltonian_from_paulis_string_and_matrix():
    expected = paper_hamiltonian()
    terms = {
        "XI": Omega,
        "IX": Omega,
        "XX": J * (1 + gamma),
        "YY": J * (1 - gamma),
        "ZZ": J * Delta,
        "XY": D,
        "YX": -D,
    }
    text = "Omega*(XI + IX) + J*((1+gamma)*XX + (1-gamma)*YY + Delta*ZZ) + D*(XY - YX)"
    assert same(hamiltonian_from_paulis(terms), expected)
    assert same(hamiltonian_from_string(text), expected)
    assert same(hamiltonian_from_matrix(expected), expected)
    for spec in (terms, text, expected):
        assert same(to_matrix(spec), expected)


def test_ksea_and_inhomogeneous_field_strings():
    ksea = "B*(ZI + IZ) + J*(XX + YY + Delta*ZZ) + D*(XY - YX) + K*(XY + YX)"
    expected = (
        B * (op("ZI") + op("IZ"))
        + J * (op("XX") + op("YY") + Delta * op("ZZ"))
        + D * (op("XY") - op("YX"))
        + K * (op("XY") + op("YX"))
    )
    assert same(hamiltonian_from_string(ksea), expected)
    field_x = hamiltonian_from_string("(B+b)*XI + (B-b)*IX")
    assert same(field_x, (B + b) * op("XI") + (B - b) * op("IX"))
    field_z = hamiltonian_from_string("(B + b)*ZI + (B - b)*IZ")
    assert field_z == sp.diag(2 * B, 2 * b, -2 * b, -2 * B)


def test_parser_precedence_signs_and_exact_decimals():
    terms = parse_pauli_terms("-XX + -(-YY) - 2**-1*ZZ + -2**2*XI + 2**3**2*IX + 0.1*II")
    assert terms == {
        "II": sp.Rational(1, 10),
        "IX": 512,
        "XI": -4,
        "XX": -1,
        "YY": 1,
        "ZZ": sp.Rational(-1, 2),
    }
    assert parse_pauli_terms("sqrt(2)*XX/2 + pi*ZZ") == {"XX": sp.sqrt(2) / 2, "ZZ": sp.pi}


class FakeQobj:
    """Anything with a ``.full()`` method returning a numpy array, like QuTiP's Qobj."""

    def __init__(self, data: np.ndarray) -> None:
        self._data = data

    def full(self) -> np.ndarray:
        return self._data


def test_matrix_from_a_qutip_like_object():
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sy = np.array([[0, -1j], [1j, 0]])
    sz = np.array([[1, 0], [0, -1]], dtype=complex)
    one = np.eye(2, dtype=complex)
    # Dyadic values, so the float arithmetic below is exact.
    w, j, g, dl, d = 1.0, 0.5, 0.25, 2.0, 1.5
    H = (
        w * (np.kron(sx, one) + np.kron(one, sx))
        + j * ((1 + g) * np.kron(sx, sx) + (1 - g) * np.kron(sy, sy) + dl * np.kron(sz, sz))
        + d * (np.kron(sx, sy) - np.kron(sy, sx))
    )
    values = {Omega: 1, J: sp.Rational(1, 2), gamma: sp.Rational(1, 4), Delta: 2}
    expected = paper_hamiltonian().subs(values).subs(D, sp.Rational(3, 2))
    result = hamiltonian_from_matrix(FakeQobj(H))
    assert result == expected.applyfunc(sp.expand)
    assert not result.atoms(sp.Float)


def test_floats_become_their_shortest_decimal_rationals():
    H = hamiltonian_from_matrix(np.diag([0.1, -0.3, 2.5, 1e-3]))
    assert H == sp.diag(
        sp.Rational(1, 10), sp.Rational(-3, 10), sp.Rational(5, 2), sp.Rational(1, 1000)
    )
    H = hamiltonian_from_paulis({"ZZ": 0.1, "XX": "1.7", "YY": sp.Float(0.2) * J})
    assert H == sp.Rational(1, 10) * op("ZZ") + sp.Rational(17, 10) * op("XX") + J / 5 * op("YY")
    complex_entries = [[0, 0.5j, 0, 0], [-0.5j, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]]
    assert hamiltonian_from_matrix(complex_entries)[0, 1] == sp.I / 2


# ---- Pauli decomposition ----


def test_pauli_decomposition_round_trip_on_random_hermitian_matrices():
    rng = random.Random(SEED)
    for _ in range(20):
        H = sp.zeros(4, 4)
        for i in range(4):
            H[i, i] = rng.randint(-9, 9)
            for k in range(i + 1, 4):
                H[i, k] = rng.randint(-9, 9) + sp.I * rng.randint(-9, 9)
                H[k, i] = sp.conjugate(H[i, k])
        coefficients = pauli_decomposition(H)
        assert all(c.is_real for c in coefficients.values())
        rebuilt = sum((c * op(label) for label, c in coefficients.items()), sp.zeros(4, 4))
        assert same(rebuilt, H)


def test_pauli_decomposition_of_the_paper_hamiltonian():
    expected = {
        "IX": Omega,
        "XI": Omega,
        "XX": J + J * gamma,
        "XY": D,
        "YX": -D,
        "YY": J - J * gamma,
        "ZZ": J * Delta,
    }
    assert pauli_decomposition(paper_hamiltonian()) == expected


# ---- names and symbols ----


def test_string_symbols_are_real_and_named_as_written():
    H = hamiltonian_from_string("Omega*XI + omega0*ZZ + Bx*XX + kappa_2*YY + J*IZ")
    by_name = {s.name: s for s in H.free_symbols}
    assert set(by_name) == {"Omega", "omega0", "Bx", "kappa_2", "J"}
    assert by_name["Bx"] == sp.Symbol("Bx", real=True) and by_name["Bx"].is_real
    assert by_name["kappa_2"].is_real
    assert by_name["Omega"] is package_symbols.Omega and by_name["Omega"].is_nonnegative
    assert by_name["omega0"] is package_symbols.omega0 and by_name["omega0"].is_positive
    assert by_name["J"] == package_symbols.J


# ---- refused inputs: a ValueError naming the offending piece ----


@pytest.mark.parametrize(
    "text, piece",
    [
        ("J*XQ", "XQ"),
        ("J*XYZ", "XYZ"),
        ("JX*XX", "JX"),
        ("1j*XX", "1j"),
        ("2J*XX", "2J"),
        ("I*XX", "lone 'I'"),
        ("X*J + YY", "'X'"),
        ("J^2*XX", "^"),
        ("t*XX", "'t'"),
        ("XI*IX", "XI*IX"),
        ("J/XX", "J/XX"),
        ("XX**2", "XX**2"),
        ("sin(XX)", "sin"),
        ("2XX", "'XX'"),
        ("J(1 + gamma)*XX", "J("),
        ("xy + ZZ", "'xy'"),
        ("", "empty"),
        ("XX +", "end of text"),
        ("(XX + YY", "'('"),
        ("XX)", "')'"),
        ("J + XX", "J carry no Pauli label"),
        ("XX/0", "XX/0"),
        ("0**-1*XX", "0**-1"),
        ("sqrt(-1)*XX", "complex"),
        ("sqrt(B)*XX", "sqrt(B)"),
        ("2**1000*XX", "2**1000"),
        ("__import__('os').system('true')", "'_'"),
        ("XX, YY", "','"),
        ("sqrt*XX", "sqrt"),
        ("(" * 200 + "XX" + ")" * 200, "nested too deeply"),
    ],
)
def test_bad_strings_are_refused_with_the_piece_named(text, piece):
    with pytest.raises(ValueError, match=re.escape(piece)):
        hamiltonian_from_string(text)


@pytest.mark.parametrize(
    "terms, piece",
    [
        ({"XQ": 1}, "XQ"),
        ({"xy": 1}, "'XY'"),
        ({"XYZ": 1}, "XYZ"),
        ({"XX": 1j}, "complex"),
        ({"XX": sp.Symbol("z")}, "not known to be real"),
        ({"XX": "t"}, "'t'"),
        ({"XX": "YY"}, "without Pauli labels"),
        ({"XX": float("nan")}, "finite"),
        ({}, "non-empty"),
    ],
)
def test_bad_pauli_dicts_are_refused(terms, piece):
    with pytest.raises(ValueError, match=re.escape(piece)):
        hamiltonian_from_paulis(terms)


def test_bad_matrices_are_refused():
    z = sp.Symbol("z")
    not_hermitian = sp.diag(1, 2, 3, 4)
    not_hermitian[1, 2] = 5
    cases = [
        (np.eye(3), "4x4"),
        (np.arange(16), "two-dimensional"),
        (not_hermitian, "H[1, 2]"),
        (sp.diag(z, 0, 0, 0), "complex symbol z"),
        (sp.diag(package_symbols.t, 0, 0, 0), "time t"),
        (sp.diag(sp.I * J, 0, 0, 0), "H[0, 0]"),
        ([["1", 0, 0, 0]] + [[0] * 4] * 3, "'1'"),
    ]
    for matrix, piece in cases:
        with pytest.raises(ValueError, match=re.escape(piece)):
            hamiltonian_from_matrix(matrix)
    with pytest.raises(ValueError, match=re.escape("H0[0, 3]")):
        check_hermitian(sp.Matrix(4, 4, lambda i, k: J if (i, k) == (0, 3) else 0), "H0")


# ---- initial states ----


def test_initial_states_from_labels_and_vectors():
    r = 1 / sp.sqrt(2)
    assert initial_state("dd") == sp.Matrix([0, 0, 0, 1])
    assert initial_state("psi-") == sp.Matrix([0, r, -r, 0])
    assert initial_state([0, 1, 0, 0]) == sp.Matrix([0, 1, 0, 0])
    assert initial_state(np.array([0.6, 0, 0, 0.8j])) == sp.Matrix(
        [sp.Rational(3, 5), 0, 0, sp.Rational(4, 5) * sp.I]
    )
    column = np.array([[0.0], [0.0], [1.0], [0.0]], dtype=complex)
    assert initial_state(FakeQobj(column)) == sp.Matrix([0, 0, 1, 0])
    assert initial_state(sp.Matrix([r, 0, 0, r])) == sp.Matrix([r, 0, 0, r])
    theta = sp.Symbol("theta", real=True)
    psi = initial_state([sp.cos(theta), 0, 0, sp.sin(theta)])
    assert psi == sp.Matrix([sp.cos(theta), 0, 0, sp.sin(theta)])


def test_bad_initial_states_are_refused():
    a, c = sp.symbols("a c", real=True)
    cases = [
        ([1, 1, 0, 0], "<psi|psi> = 2"),
        ([a, c, 0, 0], "a**2 + c**2"),
        ([0, 0, 0, 0], "zero vector"),
        ([sp.Symbol("z"), 0, 0, 0], "complex symbol z"),
        (np.array([[1, 0, 0, 0]]), "row"),
        ([1, 0, 0], "four amplitudes"),
        ("up", "'up'"),
    ]
    for spec, piece in cases:
        with pytest.raises(ValueError, match=re.escape(piece)):
            initial_state(spec)
