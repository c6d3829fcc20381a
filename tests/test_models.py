"""The model layer: Hamiltonians, presets and parameter validation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from qb_symbolic.core.pauli import ket, sigma
from qb_symbolic.core.symbols import D, Delta, J, Omega, gamma, omega0
from qb_symbolic.model.battery import Battery
from qb_symbolic.model.presets import battery_hamiltonian, exact_value


def test_general_hamiltonian_matches_hand_calculation():
    # Hand calculation in the basis |uu>, |ud>, |du>, |dd>:
    #   sx sx and sy sy flip both spins: <uu|sxsx|dd> = 1, <uu|sysy|dd> = (i)(i)... = -1,
    #   <ud|sxsx|du> = 1, <ud|sysy|du> = (-i)(i) = +1, so the XY part couples
    #   uu<->dd with J[(1+g)-(1-g)] = 2 J gamma and ud<->du with 2 J;
    #   Delta sz sz is diag(J Delta, -J Delta, -J Delta, J Delta);
    #   (sx1 sy2 - sy1 sx2)|du> = (i - (-i))|ud> = 2i|ud>, so <ud|H_DM|du> = 2 i D;
    #   Omega(sx1 + sx2) connects states differing by one flip with amplitude Omega.
    expected = sp.Matrix(
        [
            [J * Delta, Omega, Omega, 2 * J * gamma],
            [Omega, -J * Delta, 2 * J + 2 * sp.I * D, Omega],
            [Omega, 2 * J - 2 * sp.I * D, -J * Delta, Omega],
            [2 * J * gamma, Omega, Omega, J * Delta],
        ]
    )
    H = Battery().hamiltonian
    assert (H - expected).applyfunc(sp.expand) == sp.zeros(4, 4)
    assert (H - H.H).applyfunc(sp.expand) == sp.zeros(4, 4)  # Hermitian for real parameters


def test_energy_operator_and_states():
    H0 = battery_hamiltonian(omega0)
    assert H0 == sp.diag(2 * omega0, 0, 0, -2 * omega0)
    assert (ket("dd").H * H0 * ket("dd"))[0] == -2 * omega0  # empty battery
    assert (ket("uu").H * H0 * ket("uu"))[0] == 2 * omega0  # full charge
    # sz|u> = +|u> on each cell, and cell 1 is the left factor.
    assert sigma("z", 1) * ket("ud") == ket("ud")
    assert sigma("z", 2) * ket("ud") == -ket("ud")


@pytest.mark.parametrize(
    "model, fixed",
    [
        ("parallel", {"J": 0, "D": 0, "gamma": 0, "Delta": 0}),
        ("ising", {"gamma": 1, "Delta": 0}),
        ("xxz", {"gamma": 0}),
    ],
)
def test_presets_fix_their_parameters(model, fixed):
    params = Battery(model).params
    for name, value in fixed.items():
        assert params[name] == value
    free = {"Omega", "J", "gamma", "Delta", "D", "omega0"} - set(fixed)
    for name in free:
        assert params[name] == sp.Symbol(name, **params[name].assumptions0)


def test_symbols_have_the_papers_names_and_assumptions():
    params = Battery().params
    assert [str(params[n]) for n in params] == ["Omega", "J", "gamma", "Delta", "D", "omega0"]
    assert all(v.is_real for v in params.values())
    assert Omega.is_nonnegative and omega0.is_positive
    assert sp.sqrt(Omega**2) == Omega  # the assumption that makes quadratic roots clean


@pytest.mark.parametrize(
    "model, values, message",
    [
        ("ising", {"gamma": 0.5}, "fixes gamma = 1"),
        ("ising", {"Delta": 2}, "fixes Delta = 0"),
        ("xxz", {"gamma": 1}, "fixes gamma = 0"),
        ("parallel", {"J": 1}, "fixes J = 0"),
        ("parallel", {"D": 0.3}, "fixes D = 0"),
        ("xyz", {"gamma": 0, "Delta": 1}, "needs gamma != 0"),
        ("xyz", {"gamma": 0.5, "Delta": 0}, "needs Delta != 0"),
        ("heisenberg", {}, "unknown model"),
        ("general", {"B": 1}, "unknown parameter"),
        ("general", {"D": 1 + 2j}, "must be real"),
        ("general", {"D": float("nan")}, "finite"),
        ("general", {"J": float("inf")}, "finite"),
        ("general", {"Omega": -1}, "Omega must be >= 0"),
        ("general", {"omega0": 0}, "omega0 must be > 0"),
        ("general", {"D": sp.Symbol("x")}, "not known to be real"),
        ("general", {"D": sp.I}, "not known to be real"),
        ("general", {"D": sp.Symbol("t", nonnegative=True)}, "must not depend on the time"),
        ("general", {"J": True}, "not a bool"),
        ("general", {"J": "one"}, "real number"),
    ],
)
def test_bad_values_are_refused_with_a_clear_error(model, values, message):
    with pytest.raises(ValueError, match=message):
        Battery(model, **values)


def test_values_are_stored_exactly():
    b = Battery("xxz", Delta=2, D=1.7, J=Omega, omega0=Fraction(3, 2))
    assert b.params["D"] == sp.Rational(17, 10)  # not the binary float 1.7000000000000002
    assert b.params["Delta"] == 2 and b.params["J"] == Omega
    assert b.params["omega0"] == sp.Rational(3, 2)
    assert exact_value("D", np.float64(1e-12)) == sp.Rational(1, 10**12)
    assert not any(isinstance(a, sp.Float) for a in b.hamiltonian.atoms(sp.Float))
    # Conflicting preset values given equal to the fixed value are accepted.
    assert Battery("ising", gamma=1.0, Delta=0).params["gamma"] == 1


def test_battery_is_hashable_and_replace_keeps_the_model():
    a = Battery("ising", J=1, D=3)
    assert a == Battery("ising", J=1, D=3) and hash(a) == hash(Battery("ising", J=1, D=3))
    b = a.replace(D=6)
    assert b.model == "ising" and b.params["D"] == 6 and b.params["J"] == 1
    with pytest.raises(ValueError, match="fixes gamma"):
        a.replace(gamma=0)
    assert Battery("xyz").free_symbols == (D, Delta, J, Omega, gamma, omega0)
