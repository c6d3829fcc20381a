"""The closed-form evolved state: exact proofs and a 50-digit reference."""

from __future__ import annotations

import random

import mpmath as mp
import pytest
import sympy as sp
from conftest import SEED, mp_evolved_state, random_point

from qb_symbolic.core.pauli import ket
from qb_symbolic.core.symbols import D, Delta, J, Omega, gamma, t
from qb_symbolic.model.battery import Battery
from qb_symbolic.symbolic.dynamics import evolved_state, partial_trace

PROOF_BATTERIES = [Battery(), Battery(D=0), Battery(Omega=0), Battery("parallel"), Battery("ising")]


def exponential_coefficients(vector: sp.Matrix, eigenvalues) -> dict:
    """Split ``sum_k exp(-i lambda_k t) a_k`` into ``{lambda_k: a_k}`` (checked exact)."""
    marks = {sp.exp(-sp.I * lam * t): sp.Symbol(f"E_{lam}") for lam in eigenvalues}
    marked = vector.xreplace(marks).applyfunc(sp.expand)
    out = {lam: marked.applyfunc(lambda x, m=mark: x.coeff(m)) for lam, mark in zip(eigenvalues, marks.values())}
    rebuilt = sum((m * out[lam] for lam, m in zip(eigenvalues, marks.values())), sp.zeros(*vector.shape))
    assert (marked - rebuilt).applyfunc(sp.expand) == sp.zeros(*vector.shape)
    return out


@pytest.mark.parametrize("battery", PROOF_BATTERIES, ids=repr)
def test_initial_state_is_the_empty_battery(battery):
    psi = evolved_state(battery)
    at_zero = psi.ket.subs(t, 0).applyfunc(lambda x: sp.cancel(sp.together(x)))
    assert at_zero == ket("dd")


@pytest.mark.parametrize("battery", PROOF_BATTERIES, ids=repr)
def test_schrodinger_equation_modulo_the_characteristic_polynomial(battery):
    psi = evolved_state(battery)
    es = psi.eigensystem
    residual = sp.I * psi.ket.diff(t) - battery.hamiltonian * psi.ket
    for coefficient in exponential_coefficients(residual, list(es.eigenvalues)).values():
        assert all(es.reduce(x) == 0 for x in coefficient)


@pytest.mark.parametrize("battery", PROOF_BATTERIES, ids=repr)
def test_norm_is_one(battery):
    # |psi|^2 = sum_{k,l} exp(i(lambda_k - lambda_l) t) <a_k|a_l>: the cross terms
    # vanish modulo the eigenvalue relations, the diagonal ones sum to 1.
    psi = evolved_state(battery)
    es = psi.eigensystem
    parts = exponential_coefficients(psi.ket, list(es.eigenvalues))
    gram = {
        (k, l): sum(sp.conjugate(a) * b for a, b in zip(parts[k], parts[l]))
        for k in parts
        for l in parts
    }
    for (k, l), value in gram.items():
        if k != l:
            assert es.reduce(value) == 0
    assert es.reduce(sum(gram[(k, k)] for k in parts) - 1) == 0


def test_parallel_charging_is_two_independent_rabi_spins():
    # One spin: exp(-i Omega sx t)|d> = cos(Omega t)|d> - i sin(Omega t)|u>.
    single = sp.Matrix([-sp.I * sp.sin(Omega * t), sp.cos(Omega * t)])
    product = sp.kronecker_product(single, single)
    state = evolved_state(Battery("parallel")).explicit()
    for ours, expected in zip(state, product):
        assert sp.simplify((ours - expected).rewrite(sp.exp)) == 0


def test_reduced_states_are_states():
    psi = evolved_state(Battery("parallel"))
    rho = psi.density_matrix().subs(psi.eigenvalues)
    for cell in (1, 2):
        red = partial_trace(rho, cell)
        assert sp.simplify(red.trace() - 1) == 0
        assert (red - red.H).applyfunc(lambda x: sp.simplify(x.rewrite(sp.exp))) == sp.zeros(2, 2)
        # Product state: each cell is pure, Tr rho_k^2 = 1.
        assert sp.simplify(((red * red).trace() - 1).rewrite(sp.exp)) == 0
    with pytest.raises(ValueError, match="keep must be 1 or 2"):
        partial_trace(rho, 3)


def _closed_form_evaluator(battery):
    psi = evolved_state(battery)
    return sp.lambdify((Omega, J, gamma, Delta, D, t), list(psi.explicit()), modules="mpmath")


def test_state_matches_mpmath_expm_at_200_random_points():
    rng = random.Random(SEED)
    closed = _closed_form_evaluator(Battery())
    worst = mp.mpf(0)
    with mp.workdps(50):
        for _ in range(200):
            params, time = random_point(rng)
            ours = closed(*(params[k] for k in ("Omega", "J", "gamma", "Delta", "D")), time)
            reference = mp_evolved_state(params, time)
            worst = max(worst, max(abs(a - b) for a, b in zip(ours, reference)))
    assert worst < mp.mpf(10) ** -30, mp.nstr(worst, 5)


@pytest.mark.parametrize(
    "battery, fixed",
    [
        (Battery(D=0), {"D": 0}),
        (Battery(Omega=0), {"Omega": 0}),
        (Battery("parallel"), {"J": 0, "D": 0, "gamma": 0, "Delta": 0}),
        (Battery("ising"), {"gamma": 1, "Delta": 0}),
    ],
    ids=repr,
)
def test_special_blocks_match_mpmath_expm(battery, fixed):
    rng = random.Random(SEED + 7)
    closed = _closed_form_evaluator(battery)
    with mp.workdps(50):
        for _ in range(20):
            params, time = random_point(rng)
            params.update({k: mp.mpf(v) for k, v in fixed.items()})
            ours = closed(*(params[k] for k in ("Omega", "J", "gamma", "Delta", "D")), time)
            reference = mp_evolved_state(params, time)
            assert max(abs(a - b) for a, b in zip(ours, reference)) < mp.mpf(10) ** -30
