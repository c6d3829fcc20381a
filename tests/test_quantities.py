"""Figures of merit: exact symbolic checks, pure-state identities, QuTiP, passive states."""

from __future__ import annotations

import random

import numpy as np
import pytest
import qutip
import sympy as sp
from conftest import SEED

from qb_symbolic import evaluate
from qb_symbolic.core.symbols import D, J, Omega, omega0, t
from qb_symbolic.model.battery import Battery
from qb_symbolic.symbolic.dynamics import evolved_state, partial_trace
from qb_symbolic.symbolic.quantities import (
    coherence_of_state,
    concurrence_of_pure_state,
    correlation_matrix,
    ergotropy_of_state,
    figures_of_merit,
    steering_of_state,
)

#: QuTiP comparison tolerance (the issue's 1e-8).
QUTIP_TOLERANCE = 1e-8
#: sesolve settings: the default Adams integrator at atol = rtol = 1e-12 drifts by about
#: 2e-8 over the ~1e3 radians of phase these points reach (measured); the 9th-order
#: Verner integrator at 1e-14 stays near 3e-12, so the comparison tests our numbers.
#: QuTiP's concurrence() (Wootters) for a pure state: ~sqrt(eps) noise, see _qutip_figures.
WOOTTERS_TOLERANCE = 1e-6
QUTIP_OPTIONS = {"method": "vern9", "atol": 1e-14, "rtol": 1e-14, "nsteps": 10**6}


# --------------------------------------------------------------------------
# Exact symbolic checks
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "battery", [Battery(), Battery("ising"), Battery(D=0), Battery("parallel")], ids=repr
)
def test_ergotropy_vanishes_at_zero(battery):
    fm = figures_of_merit(battery)
    es = fm.state.eigensystem
    # zeta(0) = 2 omega0 (1 - sum_k w_k); sum_k w_k = 1 modulo the eigenvalue relations.
    assert sp.expand(fm.ergotropy.subs(t, 0) - 2 * omega0 * (1 - sum(fm.weights))) == 0
    assert es.reduce(sum(fm.weights) - 1) == 0


def test_parallel_charging_from_the_general_result():
    # The general closed form (trigonometric cubic), with J = D = 0 substituted.
    fm = figures_of_merit(Battery())
    zeta = fm.explicit(fm.ergotropy).subs({J: 0, D: 0})
    assert sp.simplify(zeta - 4 * omega0 * sp.sin(Omega * t) ** 2) == 0


def test_ising_without_dm_at_j_equal_omega():
    # Hand derivation: gamma = 1, Delta = 0, J = Omega, D = 0. Phi- has energy -2 Omega;
    # the (Phi+, Psi+) block is [[2 Omega, 2 Omega], [2 Omega, 2 Omega]] with eigenvalues
    # 4 Omega and 0, each with weight 1/2 on Phi+. So nu = 6 Omega, 2 Omega and
    # zeta = 2 omega0 [1 - (cos 6 Omega t + cos 2 Omega t)/2] = 2 omega0 [1 - cos 4 Omega t cos 2 Omega t].
    fm = figures_of_merit(Battery("ising", J=Omega, D=0))
    expected = 2 * omega0 * (1 - sp.cos(4 * Omega * t) * sp.cos(2 * Omega * t))
    difference = sp.expand_trig(fm.explicit(fm.ergotropy) - expected)
    assert sp.simplify(difference) == 0


def test_pure_state_identities_for_any_state():
    # Generic unnormalised ket; N = <psi|psi>. Identities, exact polynomials:
    # 2 Tr rho_A^2 - N^2 = N^2 - C^2 (both cells), Tr T^T T = N^2 + 2 C^2.
    a, b, c, d = sp.symbols("a b c d")
    psi = sp.Matrix([a, b, c, d])
    rho = psi * psi.H
    N = sp.expand((psi.H * psi)[0])
    C2 = sp.expand(4 * (a * d - b * c) * sp.conjugate(a * d - b * c))
    for cell in (1, 2):
        red = partial_trace(rho, cell)
        assert sp.expand(2 * (red * red).trace() - N**2 - (N**2 - C2)) == 0
    T = correlation_matrix(psi)
    assert sp.expand((T.H * T).trace() - (N**2 + 2 * C2)) == 0


def test_steering_plus_twice_coherence_squared_is_three_for_the_evolved_state():
    # (1) For any ket with squared norm N: F3^2 = N^2 + 2 C^2 and Q_k^2 = 2 Tr rho_k^2 - 1
    #     = 2 N^2 - C^2 - 1, so F3^2 + 2 Q^2 - 3 = 5 (N^2 - 1), a polynomial
    #     identity, so it holds with the evolved state's amplitudes substituted;
    # (2) N(t) = 1 for the closed-form state, modulo the eigenvalue relations.
    a, b, c, d = sp.symbols("a b c d")
    generic = sp.Matrix([a, b, c, d])
    N = sp.expand((generic.H * generic)[0])
    lhs = steering_of_state(generic) ** 2 + 2 * coherence_of_state(generic) ** 2 - 3
    assert sp.expand(lhs - 5 * (N**2 - 1)) == 0
    psi = evolved_state(Battery())
    es = psi.eigensystem
    parts = {}
    for lam, vec in psi.components:
        parts[lam] = psi.basis_unitary * vec
    gram = {(k, l): sum(sp.conjugate(x) * y for x, y in zip(parts[k], parts[l]))
            for k in parts for l in parts}
    assert all(es.reduce(g) == 0 for (k, l), g in gram.items() if k != l)
    assert es.reduce(sum(gram[(k, k)] for k in parts) - 1) == 0
    # And a direct check on the explicit state at a rational time and parameters.
    numeric = Battery("xyz", J=1, gamma=sp.Rational(1, 2), Delta=sp.Rational(5, 2), D=1, Omega=1)
    ket = evolved_state(numeric).explicit().subs(t, sp.Rational(7, 5)).evalf(50)
    total = steering_of_state(ket) ** 2 + 2 * coherence_of_state(ket) ** 2
    assert abs(sp.N(total - 3, 40)) < 1e-35


def test_compact_forms_match_the_state_functions_numerically():
    # The compact closed forms against Eqs. 10-12 applied to the explicit state.
    bat = Battery("xxz", J=1, Delta=2, D=sp.Rational(17, 10), Omega=1, omega0=1)
    fm = figures_of_merit(bat)
    lam = _numeric_eigenvalues(fm, 50)
    ket = fm.state.ket.subs(lam)
    compact = {name: getattr(fm, name).subs(lam) for name in ("concurrence", "coherence", "steering")}
    for time in (sp.Rational(3, 10), sp.Rational(17, 10), sp.Rational(41, 10)):
        state = ket.subs(t, time).evalf(40)  # numbers first: Eqs. 10-12 on 40-digit amplitudes
        direct = {
            "concurrence": concurrence_of_pure_state(state),
            "coherence": coherence_of_state(state),
            "steering": steering_of_state(state),
        }
        for name, expr in compact.items():
            assert abs(sp.N(expr.subs(t, time), 40) - sp.N(direct[name], 40)) < 1e-30


def test_steering_maximisation_by_random_search():
    # Independent check of max F3 = sqrt(Tr T^T T): no random orthonormal triad a_i with
    # unit vectors b_i exceeds it, and the triad that equalises diag(T T^T) attains it.
    rng = np.random.default_rng(SEED)
    for _ in range(5):
        M = rng.normal(size=(3, 3))
        bound = np.sqrt(np.trace(M.T @ M))
        best = 0.0
        for _ in range(2000):
            a, _ = np.linalg.qr(rng.normal(size=(3, 3)))
            b = rng.normal(size=(3, 3))
            b /= np.linalg.norm(b, axis=0)
            best = max(best, abs(sum(a[:, i] @ M @ b[:, i] for i in range(3))) / np.sqrt(3))
            assert best <= bound + 1e-12
        # Attainment: an orthonormal triad in which T T^T has equal diagonal entries
        # (Schur-Horn), built from two Givens rotations found by bisection.
        A = _equal_diagonal_basis(M @ M.T)
        value = sum(np.linalg.norm(M.T @ A[:, i]) for i in range(3)) / np.sqrt(3)
        assert abs(value - bound) < 1e-10 and best < value + 1e-12


def _rotation(n, i, j, angle):
    R = np.eye(n)
    R[i, i] = R[j, j] = np.cos(angle)
    R[i, j], R[j, i] = -np.sin(angle), np.sin(angle)
    return R


def _equal_diagonal_basis(S):
    """Orthogonal A with diag(A^T S A) all equal to tr(S)/3 (two rotations, bisection)."""
    target = np.trace(S) / 3
    A = np.eye(3)
    for _ in range(2):
        diag = np.diag(A.T @ S @ A)
        i, j = int(np.argmax(diag)), int(np.argmin(diag))
        if diag[i] - diag[j] < 1e-14:
            break
        lo, hi = 0.0, np.pi / 2  # entry i goes from diag[i] (>= target) to diag[j] (<= target)
        for _ in range(200):
            mid = (lo + hi) / 2
            B = A @ _rotation(3, i, j, mid)
            if (B.T @ S @ B)[i, i] > target:
                lo = mid
            else:
                hi = mid
        A = A @ _rotation(3, i, j, lo)
    assert np.allclose(np.diag(A.T @ S @ A), target, atol=1e-10)
    return A


# --------------------------------------------------------------------------
# QuTiP reference
# --------------------------------------------------------------------------


def _qutip_hamiltonian(p):
    sx, sy, sz, I2 = qutip.sigmax(), qutip.sigmay(), qutip.sigmaz(), qutip.qeye(2)
    x1, x2 = qutip.tensor(sx, I2), qutip.tensor(I2, sx)
    y1, y2 = qutip.tensor(sy, I2), qutip.tensor(I2, sy)
    z1, z2 = qutip.tensor(sz, I2), qutip.tensor(I2, sz)
    return (
        p["Omega"] * (x1 + x2)
        + p["J"] * ((1 + p["gamma"]) * x1 * x2 + (1 - p["gamma"]) * y1 * y2 + p["Delta"] * z1 * z2)
        + p["D"] * (x1 * y2 - y1 * x2)
    ), z1 + z2


def _qutip_figures(p, times):
    H, Z = _qutip_hamiltonian(p)
    down = qutip.basis(2, 1)
    psi0 = qutip.tensor(down, down)  # basis(2, 0) is |up>: |dd> is the empty battery
    H0 = p["omega0"] * Z
    result = qutip.sesolve(H, psi0, times, options=QUTIP_OPTIONS)
    sig = [qutip.sigmax(), qutip.sigmay(), qutip.sigmaz()]
    out = {"ergotropy": [], "coherence": [], "steering": [], "concurrence": [], "wootters": []}
    ground = -2 * p["omega0"]
    for state in result.states:
        out["ergotropy"].append(qutip.expect(H0, state) - ground)
        rho = qutip.ket2dm(state)
        q2 = [2 * (rho.ptrace(k) ** 2).tr().real - 1 for k in (0, 1)]
        out["coherence"].append(np.sqrt(max(0.0, (q2[0] + q2[1]) / 2)))
        T = np.array([[qutip.expect(qutip.tensor(a, b), state) for b in sig] for a in sig])
        out["steering"].append(np.sqrt(np.sum(T**2)))
        # The pure-state definition on QuTiP's amplitudes (docs/conventions.md); QuTiP's own
        # concurrence() is Wootters' mixed-state formula, whose square roots of the three
        # ~1e-16 eigenvalues of rho rho~ add ~1e-8 of noise for a pure state.
        a, b, c, d = state.full().reshape(4)
        out["concurrence"].append(2 * abs(a * d - b * c))
        out["wootters"].append(qutip.concurrence(rho))
    return {k: np.array(v) for k, v in out.items()}


def test_agreement_with_qutip_at_100_random_points():
    rng = random.Random(SEED)
    worst = {k: 0.0 for k in ("ergotropy", "coherence", "steering", "concurrence")}
    for _ in range(100):
        p = {
            "Omega": rng.uniform(0.1, 10), "J": rng.uniform(-10, 10), "gamma": rng.uniform(-1, 1),
            "Delta": rng.uniform(-10, 10), "D": rng.uniform(-10, 10), "omega0": rng.uniform(0.5, 2),
        }
        times = np.linspace(0, 5 / p["Omega"], 50)
        reference = _qutip_figures(p, times)
        for quantity, so_far in worst.items():
            ours = evaluate(quantity, times, **p)
            worst[quantity] = max(so_far, float(np.max(np.abs(ours - reference[quantity]))))
        wootters = np.max(np.abs(evaluate("concurrence", times, **p) - reference["wootters"]))
        assert wootters < WOOTTERS_TOLERANCE
    assert all(v < QUTIP_TOLERANCE for v in worst.values()), worst


# --------------------------------------------------------------------------
# Passive-state ergotropy
# --------------------------------------------------------------------------

H0_NUMERIC = np.diag([2.0, 0.0, 0.0, -2.0])  # omega0 = 1


@pytest.mark.parametrize(
    "rho, expected",
    [
        # |uu><uu|: energy +2, passive = |dd>: -2, so 4.
        (np.diag([1.0, 0, 0, 0]), 4.0),
        # Thermal-like diagonal state, populations decreasing with energy: passive, 0.
        (np.diag([0.1, 0.2, 0.3, 0.4]), 0.0),
        # (|uu><uu| + |dd><dd|)/2: energy 0; passive puts 1/2, 1/2 on -2 and 0: -1. So 1.
        (np.diag([0.5, 0, 0, 0.5]), 1.0),
        # Population inversion diag(0.4, 0.3, 0.2, 0.1): energy 0.8 - 0.2 = 0.6;
        # passive energy -2*0.4 + 0 + 0 + 2*0.1 = -0.6; ergotropy 1.2.
        (np.diag([0.4, 0.3, 0.2, 0.1]), 1.2),
    ],
)
def test_passive_state_ergotropy_of_diagonal_states(rho, expected):
    assert abs(ergotropy_of_state(rho, H0_NUMERIC) - expected) < 1e-14
    exact = ergotropy_of_state(sp.Matrix(rho).applyfunc(sp.nsimplify), sp.Matrix(H0_NUMERIC))
    assert abs(float(exact) - expected) < 1e-14


def test_passive_state_ergotropy_of_noisy_bell_state():
    # rho = p |Phi+><Phi+| + (1 - p) 1/4: energy 0, eigenvalues p + (1-p)/4 and (1-p)/4 (x3);
    # passive energy -2(p + (1-p)/4) + 2 (1-p)/4 = -2p, so the ergotropy is 2p (omega0 = 1).
    p = sp.Rational(3, 5)
    phi = sp.Matrix([1, 0, 0, 1]) / sp.sqrt(2)
    rho = p * phi * phi.H + (1 - p) * sp.eye(4) / 4
    assert sp.simplify(ergotropy_of_state(rho, sp.Matrix(H0_NUMERIC)) - 2 * p) == 0
    assert abs(ergotropy_of_state(np.array(rho.evalf(), dtype=complex), H0_NUMERIC) - 1.2) < 1e-14


def test_passive_state_ergotropy_matches_the_pure_state_closed_form():
    rng = random.Random(SEED + 3)
    for _ in range(20):
        p = {"Omega": rng.uniform(0.1, 5), "J": rng.uniform(-5, 5), "gamma": rng.uniform(-1, 1),
             "Delta": rng.uniform(-5, 5), "D": rng.uniform(-5, 5), "omega0": 1.0}
        time = rng.uniform(0, 5)
        H, _ = _qutip_hamiltonian(p)
        U = (-1j * H * time).expm()
        psi = (U * qutip.tensor(qutip.basis(2, 1), qutip.basis(2, 1))).full()
        rho = psi @ psi.conj().T
        assert abs(ergotropy_of_state(rho, H0_NUMERIC) - float(evaluate("ergotropy", time, **p))) < 1e-10


def _numeric_eigenvalues(fm, digits=40):
    """The closed-form eigenvalues evaluated to ``digits`` digits (keeps expressions small)."""
    return {lam: sp.N(value, digits) for lam, value in fm.state.eigenvalues.items()}


def test_local_ergotropy_closed_form():
    # omega0 (z + |r|) against the passive-state ergotropy of the reduced state.
    bat = Battery("ising", J=1, D=2, Omega=1, omega0=1)
    fm = figures_of_merit(bat)
    lam = _numeric_eigenvalues(fm)
    ket = fm.state.ket.subs(lam)
    h = np.diag([1.0, -1.0])
    for cell in (1, 2):
        local = fm.local_ergotropy(cell).subs(lam)
        for time in (0.4, 1.1, 2.5):
            psi = np.array(sp.N(ket.subs(t, time), 20), dtype=complex).reshape(4)
            rho = np.outer(psi, psi.conj()).reshape(2, 2, 2, 2)
            red = np.einsum("ijkj->ik", rho) if cell == 1 else np.einsum("jijk->ik", rho)
            assert abs(float(sp.N(local.subs(t, time), 20)) - ergotropy_of_state(red, h)) < 1e-12


def test_bad_states_are_refused():
    with pytest.raises(ValueError, match="must be 4x4"):
        ergotropy_of_state(np.eye(3) / 3, np.eye(4))
    with pytest.raises(ValueError, match="cannot be ordered"):
        x = sp.Symbol("x", real=True)
        symbolic = sp.Matrix(4, 4, lambda i, j: (x if i < 3 else 1 - 3 * x) if i == j else x / 7)
        ergotropy_of_state(symbolic, sp.eye(4))  # Hermitian, trace 1, eigenvalues unordered
    with pytest.raises(ValueError, match="4-component ket"):
        concurrence_of_pure_state(sp.Matrix([1, 0]))
