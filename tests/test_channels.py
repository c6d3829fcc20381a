"""Kraus channels on a battery's state (issue "Open batteries", point 1).

References written here, from Nielsen and Chuang ch. 8 and docs/conventions.md (basis
``|u> = (1, 0)`` first, site 1 the left factor, amplitude damping toward ``|d>``): the
Kraus operators in numpy and in mpmath, their brute-force application ``sum K rho K^dag``
(n times for n uses), and every quantity from its definition (passive state, Wootters'
``R = rho (sy sy) rho* (sy sy)``, Bloch vectors, the correlation matrix). Symbolic checks
compose the Kraus operators explicitly and compare exactly.
"""

from __future__ import annotations

import os
import random

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED, mp_evolved_state
from reference_numpy import states as reference_states

import qb_symbolic as qb
from qb_symbolic.numeric.open.channel_numeric import (
    CHANNEL_QUANTITIES,
    charged_then_noisy,
    noisy_quantity,
)
from qb_symbolic.symbolic.channel_laws import (
    choi_matrix,
    completely_positive,
    nonnegative_on_domain,
)
from qb_symbolic.symbolic.channels import CHANNELS, channel, n, n_th, p

#: numpy path against the numpy brute force: both do O(100) double operations on O(1)
#: entries (~1e-16 each); the states are full rank (smallest eigenvalue >~ 1e-3), so the
#: square roots in the concurrence amplify rounding by at most ~1e3.
DOUBLE_TOLERANCE = 1e-12
#: mpmath path at 50 digits against mpmath Kraus operators at 70 digits.
PRECISE_TOLERANCE = mp.mpf(10) ** -30
POINTS = 30
HEAVY = os.environ.get("QB_HEAVY", "") not in ("", "0")

SX = np.array([[0, 1], [1, 0]], complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.diag([1.0, -1.0]).astype(complex)
I2 = np.eye(2, dtype=complex)
UP, DOWN = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
LOWER, RAISE = np.array([[0, 0], [1, 0]]), np.array([[0, 1], [0, 0]])  # |d><u|, |u><d|


# --------------------------------------------------------------------------
# Independent references
# --------------------------------------------------------------------------


def kraus_numpy(name: str, q, bath=0.0, lib=np):
    """One-qubit Kraus operators (numpy, or mpmath with ``lib=mp``)."""
    root = lib.sqrt
    m = (lambda a: np.array(a, dtype=object)) if lib is mp else (lambda a: np.asarray(a, complex))
    one, x, y, z = (m(a) for a in (I2.real, SX.real, [[0, -1j], [1j, 0]], SZ.real))
    up, down, lower, upper = (m(a) for a in (UP, DOWN, LOWER, RAISE))
    if name == "amplitude_damping":
        return [root(1 - q) * up + down, root(q) * lower]
    if name == "depolarizing":
        return [root(1 - 3 * q / 4) * one] + [root(q) / 2 * s for s in (x, y, z)]
    if name == "generalized_amplitude_damping":
        return [root(1 - bath) * (root(1 - q) * up + down), root(1 - bath) * root(q) * lower,
                root(bath) * (up + root(1 - q) * down), root(bath) * root(q) * upper]
    flip = {"phase_flip": z, "bit_flip": x, "bit_phase_flip": y}[name]
    return [root(1 - q) * one, root(q) * flip]


def brute_force(rho, name, q, bath, sites, uses_, lib=np):
    """``sum K rho K^dag`` with ``K = K_1 (x) K_2`` (identity off ``sites``), ``uses_`` times."""
    local = kraus_numpy(name, q, bath, lib)
    ident = [np.eye(2, dtype=object if lib is mp else complex)]
    full = [np.kron(a, b) for a in (local if 1 in sites else ident)
            for b in (local if 2 in sites else ident)]
    for _ in range(uses_):
        rho = sum(K @ rho @ np.conj(K).T for K in full)
    return rho


def reference_quantities(rho: np.ndarray, omega0: float) -> dict:
    """Every quantity from its definition (numpy, any 4x4 state)."""
    levels = omega0 * np.array([2.0, 0.0, 0.0, -2.0])
    energy = float(np.real(np.sum(np.diag(rho) * levels)))
    r = np.linalg.eigvalsh(rho)[::-1]
    e = np.sort(levels)
    passive, active = r @ e, r @ e[::-1]
    dephased = np.where(levels[:, None] == levels[None, :], rho, 0)
    incoherent = energy - np.linalg.eigvalsh(dephased)[::-1] @ e
    flip = np.kron(SY, SY)
    lam = np.sqrt(np.clip(np.sort(np.linalg.eigvals(rho @ flip @ rho.conj() @ flip).real), 0,
                          None))[::-1]
    bloch = [np.array([np.trace(rho @ op).real for op in ops]) for ops in
             ([np.kron(s, I2) for s in (SX, SY, SZ)], [np.kron(I2, s) for s in (SX, SY, SZ)])]
    steering = np.sqrt(sum(np.trace(rho @ np.kron(a, b)).real ** 2
                           for a in (SX, SY, SZ) for b in (SX, SY, SZ)))
    return {"energy": energy, "ergotropy": energy - passive, "capacity": active - passive,
            "incoherent_ergotropy": incoherent, "coherent_ergotropy": energy - passive - incoherent,
            "concurrence": max(0.0, lam[0] - lam[1] - lam[2] - lam[3]),
            "l1_coherence": np.sum(np.abs(rho)) - np.sum(np.abs(np.diag(rho))),
            "coherence": np.sqrt((bloch[0] @ bloch[0] + bloch[1] @ bloch[1]) / 2),
            "steering": steering, "steerability": max(0.0, (steering - 1) / (np.sqrt(3) - 1))}


def reference_quantities_mp(rho: mp.matrix, omega0) -> dict:
    """The same definitions in mpmath (at the caller's precision)."""
    levels = [2 * omega0, 0, 0, -2 * omega0]
    energy = mp.re(mp.fsum(rho[i, i] * levels[i] for i in range(4)))
    r = sorted((mp.re(x) for x in mp.eighe(rho, eigvals_only=True)), reverse=True)
    e = sorted(levels)
    passive = mp.fsum(a * b for a, b in zip(r, e))
    active = mp.fsum(a * b for a, b in zip(r, e[::-1]))
    dephased = mp.matrix([[rho[i, j] if levels[i] == levels[j] else 0 for j in range(4)]
                          for i in range(4)])
    rd = sorted((mp.re(x) for x in mp.eighe(dephased, eigvals_only=True)), reverse=True)
    incoherent = energy - mp.fsum(a * b for a, b in zip(rd, e))
    yy = mp.matrix(np.kron(SY, SY).tolist())
    conj = mp.matrix([[mp.conj(rho[i, j]) for j in range(4)] for i in range(4)])
    lam = sorted((mp.sqrt(max(mp.re(x), 0)) for x in mp.eig(rho * yy * conj * yy)[0]),
                 reverse=True)
    paulis = [mp.matrix(s.tolist()) for s in (SX, SY, SZ)]
    one = mp.eye(2)

    def kron(a, b):
        return mp.matrix(np.kron(np.array(a.tolist(), dtype=object),
                                 np.array(b.tolist(), dtype=object)).tolist())

    def expect(op):
        return mp.re(mp.fsum((rho * op)[i, i] for i in range(4)))

    squares = mp.fsum(expect(kron(s, one)) ** 2 + expect(kron(one, s)) ** 2 for s in paulis)
    steering = mp.sqrt(mp.fsum(expect(kron(a, b)) ** 2 for a in paulis for b in paulis))
    return {"energy": energy, "ergotropy": energy - passive, "capacity": active - passive,
            "incoherent_ergotropy": incoherent, "coherent_ergotropy": energy - passive - incoherent,
            "concurrence": max(mp.mpf(0), lam[0] - lam[1] - lam[2] - lam[3]),
            "l1_coherence": mp.fsum(abs(rho[i, j]) for i in range(4) for j in range(4) if i != j),
            "coherence": mp.sqrt(squares / 2), "steering": steering,
            "steerability": max(mp.mpf(0), (steering - 1) / (mp.sqrt(3) - 1))}


def exact_state(rng: random.Random) -> sp.Matrix:
    """``w |psi><psi| + (1 - w) (A A^dag + 1)/Tr`` with ``w = 9/10``, Gaussian-integer ``psi``
    and ``A``: exact, often entangled, and full rank (smallest eigenvalue >~ 1e-3)."""
    def gaussian(*shape):
        return np.array([complex(rng.randint(-3, 3), rng.randint(-3, 3))
                         for _ in range(int(np.prod(shape)))]).reshape(shape)

    A, psi = gaussian(4, 4), gaussian(4)
    while not psi.any():
        psi = gaussian(4)
    M = A @ A.conj().T + np.eye(4)  # small Gaussian integers: exact in double precision
    P = np.outer(psi, psi.conj())

    def exact(X, i, j):
        return round(X[i, j].real) + sp.I * round(X[i, j].imag)

    trace_M, norm = round(np.trace(M).real), round(np.trace(P).real)
    w = sp.Rational(9, 10)
    return sp.Matrix(4, 4, lambda i, j: w * exact(P, i, j) / norm
                     + (1 - w) * exact(M, i, j) / trace_M)


def _mp_exact(x: sp.Expr) -> mp.mpc:
    re, im = x.as_real_imag()
    return mp.mpc(mp.mpf(re.p) / re.q, mp.mpf(im.p) / im.q)


def random_case(rng: random.Random) -> tuple:
    name = rng.choice(CHANNELS)
    sites = rng.choice([(1,), (2,), (1, 2)])
    return name, sites, round(rng.uniform(0, 1), 6), round(rng.uniform(0, 1), 6), rng.randint(0, 3)


# --------------------------------------------------------------------------
# Numbers: the numpy and mpmath paths against the brute force
# --------------------------------------------------------------------------


def test_every_quantity_against_brute_force_numpy() -> None:
    rng = random.Random(SEED)
    for _ in range(POINTS):
        rho0 = exact_state(rng)
        name, sites, q, bath, k = random_case(rng)
        omega = round(rng.uniform(0.5, 2), 6)
        ch = channel(name, p, sites).power(n)
        values = {"p": q, "n": k, "omega0": omega}
        if name == "generalized_amplitude_damping":
            values["n_th"] = bath
        got = noisy_quantity(CHANNEL_QUANTITIES, rho0, ch, values=values)
        rho = brute_force(np.array(rho0.evalf(20).tolist(), complex), name, q, bath, sites, k)
        want = reference_quantities(rho, omega)
        for quantity in CHANNEL_QUANTITIES:
            assert abs(got[quantity] - want[quantity]) < DOUBLE_TOLERANCE, (quantity, name, sites)


def test_every_quantity_against_mpmath_at_50_digits() -> None:
    rng = random.Random(SEED + 1)
    for _ in range(6 if HEAVY else 2):
        rho0 = exact_state(rng)
        name, sites, q, bath, k = random_case(rng)
        k = max(k, 1)
        ch = channel(name, p, sites).power(n)
        values = {"p": str(q), "n": k, "omega0": "1.3"}
        if name == "generalized_amplitude_damping":
            values["n_th"] = str(bath)
        got = noisy_quantity(CHANNEL_QUANTITIES, rho0, ch, values=values, digits=50)
        with mp.workdps(70):
            start = np.array([[_mp_exact(x) for x in row] for row in rho0.tolist()], dtype=object)
            rho = brute_force(start, name, mp.mpf(str(q)), mp.mpf(str(bath)), sites, k, lib=mp)
            want = reference_quantities_mp(mp.matrix(rho.tolist()), mp.mpf("1.3"))
            for quantity in CHANNEL_QUANTITIES:
                assert abs(got[quantity] - want[quantity]) < PRECISE_TOLERANCE, quantity


def test_three_qubits_site_order_and_exact_reading() -> None:
    """Site 2 of three is the middle Kronecker factor; a float p is its shortest decimal."""
    ch = channel("amplitude_damping", 0.3, sites=2, N=3)
    assert ch.maps[1].p == sp.Rational(3, 10)
    rng = np.random.default_rng(SEED)
    ket = rng.normal(size=8) + 1j * rng.normal(size=8)
    ket /= np.linalg.norm(ket)
    local = kraus_numpy("amplitude_damping", 0.3)
    rho = sum(np.kron(np.kron(I2, K), I2) @ np.outer(ket, ket.conj())
              @ np.kron(np.kron(I2, K), I2).conj().T for K in local)
    H0 = sum(np.kron(np.kron(*ops[:2]), ops[2]) for ops in ((SZ, I2, I2), (I2, SZ, I2),
                                                             (I2, I2, SZ))).real
    got = noisy_quantity(["energy", "ergotropy"], [complex(x) for x in ket], ch,
                         values={"omega0": 1})
    r, e = np.linalg.eigvalsh(rho)[::-1], np.sort(np.diag(H0))
    assert abs(got["energy"] - np.trace(rho @ H0).real) < DOUBLE_TOLERANCE
    assert abs(got["ergotropy"] - (np.trace(rho @ H0).real - r @ e)) < DOUBLE_TOLERANCE


def test_arrays_broadcast_like_points() -> None:
    ch = channel("amplitude_damping", p, sites=1)
    state = sp.Matrix([1, 0, 0, 1]) / sp.sqrt(2)
    ps = np.linspace(0, 1, 5)
    got = noisy_quantity("energy", state, ch, values={"p": ps, "omega0": 1})
    want = [noisy_quantity("energy", state, ch, values={"p": x, "omega0": 1}) for x in ps]
    assert np.allclose(got, want, rtol=0, atol=DOUBLE_TOLERANCE)
    assert np.allclose(got, -ps, rtol=0, atol=DOUBLE_TOLERANCE)  # 2(1 - p)/2 - 2/2 by hand


# --------------------------------------------------------------------------
# Exact laws and proofs
# --------------------------------------------------------------------------

q1, q2, s_ = sp.symbols("q1 q2 s", nonnegative=True)
x_, y_, a_ = sp.symbols("x y a", real=True)
#: A generic one-qubit density matrix (Hermitian, trace 1).
RHO1 = sp.Matrix([[a_, x_ - sp.I * y_], [x_ + sp.I * y_, 1 - a_]])


def explicit(name: str, q, rho: sp.Matrix, times: int) -> sp.Matrix:
    """``times`` explicit applications of the Kraus operators written here; ``K^dag`` is
    the transpose with ``i -> -i`` (the entries are real times Gaussian integers)."""
    ops = [sp.Matrix(K) for K in _sympy_kraus(name, q)]
    for _ in range(times):
        rho = sum((K * rho * K.T.subs(sp.I, -sp.I) for K in ops), sp.zeros(2, 2)).applyfunc(
            sp.expand)
    return rho


def _sympy_kraus(name: str, q):
    one, X = sp.eye(2), sp.Matrix([[0, 1], [1, 0]])
    Y, Z = sp.Matrix([[0, -sp.I], [sp.I, 0]]), sp.diag(1, -1)
    up, down, lower, upper = sp.diag(1, 0), sp.diag(0, 1), sp.Matrix([[0, 0], [1, 0]]), \
        sp.Matrix([[0, 1], [0, 0]])
    if name == "amplitude_damping":
        return [sp.sqrt(1 - q) * up + down, sp.sqrt(q) * lower]
    if name == "depolarizing":
        return [sp.sqrt(1 - 3 * q / 4) * one] + [sp.sqrt(q) / 2 * s for s in (X, Y, Z)]
    if name == "generalized_amplitude_damping":
        c, h = sp.sqrt(1 - n_th), sp.sqrt(n_th)
        return [c * (sp.sqrt(1 - q) * up + down), c * sp.sqrt(q) * lower,
                h * (up + sp.sqrt(1 - q) * down), h * sp.sqrt(q) * upper]
    return [sp.sqrt(1 - q) * one, sp.sqrt(q) * {"phase_flip": Z, "bit_flip": X,
                                                 "bit_phase_flip": Y}[name]]


def _same(a: sp.Matrix, b: sp.Matrix, subs: dict) -> bool:
    """Exact equality after ``p = 1 - q**2`` style substitutions (``q >= 0``), which make the
    square roots of ``1 - p`` exact on the domain."""
    return all(sp.expand(sp.powdenest((u - v).subs(subs), force=False)) == 0
               for u, v in zip(a, b))


@pytest.mark.parametrize("name", CHANNELS)
def test_power_closed_form_is_explicit_composition(name: str) -> None:
    base = channel(name, p, N=1)
    closed = base.power(n).apply(RHO1)
    for k in range(1, 6):
        want = explicit(name, p, RHO1, k)
        assert _same(base.power(k).apply(RHO1), want, {p: 1 - q1**2}), k
        assert _same(closed.subs(n, k), want, {p: 1 - q1**2}), k
    assert _same(base.power(0).apply(RHO1), RHO1, {})


@pytest.mark.parametrize("name", CHANNELS)
def test_composition_law_and_operator(name: str) -> None:
    first, second = channel(name, p, N=1), channel(name, sp.Symbol("r", nonnegative=True), N=1)
    want = explicit(name, sp.Symbol("r", nonnegative=True), explicit(name, p, RHO1, 1), 1)
    subs = {p: 1 - q1**2, sp.Symbol("r", nonnegative=True): 1 - q2**2}
    assert first.then(second).maps[0].family == name  # one member, closed form
    assert _same(first.then(second).apply(RHO1), want, subs)
    assert _same((second @ first).apply(RHO1), want, subs)


def test_different_families_compose_by_kraus_products() -> None:
    two = channel("amplitude_damping", p, sites=2).then(channel("phase_flip", p, sites=2))
    rho = sp.Matrix(4, 4, lambda i, j: sp.Symbol(f"r{i}{j}"))
    step = channel("phase_flip", p, sites=2).apply(channel("amplitude_damping", p, sites=2)
                                                   .apply(rho))
    assert _same(two.apply(rho), step, {p: 1 - q1**2})
    assert len(two.kraus) == 4 and two.power(2).is_trace_preserving()
    with pytest.raises(ValueError, match="symbolic number of uses needs a closed form"):
        two.power(n)


@pytest.mark.parametrize("name", CHANNELS)
def test_trace_preserving_and_completely_positive_proofs(name: str) -> None:
    ch = channel(name, p)
    assert ch.is_trace_preserving() and ch.is_completely_positive()
    assert ch.power(n).is_trace_preserving() and ch.power(n).is_completely_positive()
    # All operators on both sites: sum K^dag K = 1 exactly (K^dag: transpose, i -> -i).
    total = sum((K.T.subs(sp.I, -sp.I) * K for K in ch.kraus), sp.zeros(4, 4))
    assert total.applyfunc(sp.expand) == sp.eye(4)
    # One site with SymPy's own adjoint, after p = 1/(1 + s^2) makes every root visibly real.
    subs = {p: 1 / (1 + s_**2), n_th: 1 / (1 + sp.Symbol("v", nonnegative=True) ** 2)}
    ops = [K.subs(subs) for K in channel(name, p, N=1).kraus]
    total = sum((K.H * K for K in ops), sp.zeros(2, 2))
    assert (total - sp.eye(2)).applyfunc(
        lambda e: sp.simplify(sp.factor(e, deep=True))) == sp.zeros(2, 2)


@pytest.mark.parametrize("name", CHANNELS)
def test_choi_matrix_of_the_proofs_is_the_action_on_a_grid(name: str) -> None:
    """The Choi matrix the CP proof works on (of ``n`` uses, in closed form) equals
    ``sum_ab |a><b| (x) E^n(|a><b|)`` by brute force, and is positive at every grid point."""
    choi = choi_matrix(channel(name, p, N=1).power(n).maps[0].kraus)
    units = [np.outer(I2[a], I2[b]) for a in range(2) for b in range(2)]
    for q in np.linspace(0, 1, 6):
        for k in range(4):
            ref = sum(np.kron(u, _apply_one(u, name, q, 0.3, k)) for u in units)
            got = np.array(choi.subs({p: sp.Rational(repr(float(q))), n: k,
                                      n_th: sp.Rational(3, 10)}).evalf(20).tolist(), complex)
            assert np.max(np.abs(got - ref)) < DOUBLE_TOLERANCE
            assert np.linalg.eigvalsh(ref)[0] > -DOUBLE_TOLERANCE


def _apply_one(rho: np.ndarray, name: str, q: float, bath: float, k: int) -> np.ndarray:
    for _ in range(k):
        rho = sum(K @ rho @ K.conj().T for K in kraus_numpy(name, q, bath))
    return rho


def test_the_prover_refuses_what_is_false() -> None:
    assert not nonnegative_on_domain(2 * p - 1, [p])
    assert not nonnegative_on_domain((1 - 2 * p) ** n, [p])  # negative for odd n, p > 1/2
    assert nonnegative_on_domain((1 - 2 * p) ** (2 * n), [p])
    assert not completely_positive([sp.sqrt(1 - 2 * p) * sp.eye(2)], [p])
    assert nonnegative_on_domain(p * (1 - p), [p])


# --------------------------------------------------------------------------
# Limits by hand
# --------------------------------------------------------------------------

RHO2 = sp.Matrix(4, 4, lambda i, j: sp.Symbol(f"r{i}{j}"))


@pytest.mark.parametrize("name", CHANNELS)
def test_p_zero_is_the_identity(name: str) -> None:
    assert channel(name, 0).apply(RHO2) == RHO2


def test_amplitude_damping_at_one_empties_the_battery() -> None:
    out = channel("amplitude_damping", 1).apply(RHO2)
    assert out == sp.diag(0, 0, 0, RHO2.trace())
    rho0 = exact_state(random.Random(SEED))
    got = noisy_quantity(["energy", "ergotropy"], rho0, channel("amplitude_damping", 1),
                         values={"omega0": 1.7})
    assert abs(got["energy"] + 2 * 1.7) < DOUBLE_TOLERANCE and abs(got["ergotropy"]) < 1e-14
    assert sp.expand(channel("amplitude_damping", 1).apply(rho0)) == sp.diag(0, 0, 0, 1)


def test_phase_flip_at_one_half_dephases() -> None:
    out = channel("phase_flip", sp.Rational(1, 2)).apply(RHO2)
    assert out == sp.diag(*(RHO2[i, i] for i in range(4)))


def test_depolarizing_at_one_and_gad_fixed_point() -> None:
    assert channel("depolarizing", 1).apply(exact_state(random.Random(SEED))) == sp.eye(4) / 4
    fixed = sp.diag(n_th, 1 - n_th)
    gad = channel("generalized_amplitude_damping", p, N=1)
    assert gad.apply(fixed).applyfunc(sp.expand) == fixed
    assert channel("generalized_amplitude_damping", 1, N=1).apply(RHO1).applyfunc(
        sp.expand) == fixed


def test_symbolic_quantities_reuse_the_state_functions() -> None:
    plus = sp.Matrix([1, 1, 1, 1]) / 2  # |++>: Bloch vectors along x, Q = 1
    noisy = channel("phase_flip", p).apply(plus)
    Q = qb.coherence_of_state(noisy)
    for q in (0, sp.Rational(1, 5), sp.Rational(1, 2), 1):
        assert sp.simplify(Q.subs(p, q) - abs(1 - 2 * q)) == 0
    energy = (channel("amplitude_damping", p).apply(sp.Matrix([1, 0, 0, 0]))
              * qb.omega0 * sp.diag(2, 0, 0, -2)).trace()
    assert sp.expand(energy - 2 * qb.omega0 * (1 - 2 * p)) == 0


# --------------------------------------------------------------------------
# Charged, then noisy
# --------------------------------------------------------------------------


def test_charged_then_noisy_against_numpy_evolution() -> None:
    bat = qb.Battery("ising", J=1, D=sp.Rational(1, 2))
    times = np.array([0.0, 0.4, 1.3])
    psi = reference_states(times, Omega=1.0, J=1.0, gamma=1.0, Delta=0.0, D=0.5)
    got = charged_then_noisy(bat, channel("depolarizing", p, sites=1), times,
                             ["ergotropy", "concurrence", "steering"], Omega=1, omega0=1, p=0.25)
    for k, ket in enumerate(psi):
        rho = brute_force(np.outer(ket, ket.conj()), "depolarizing", 0.25, 0, (1,), 1)
        want = reference_quantities(rho, 1.0)
        for quantity, values in got.items():
            assert abs(values[k] - want[quantity]) < DOUBLE_TOLERANCE, quantity


def test_charged_then_noisy_at_50_digits() -> None:
    bat = qb.Battery("xxz", J=1, Delta=2, D=sp.Rational(17, 10))
    got = charged_then_noisy(bat, channel("generalized_amplitude_damping", p, n_th="0.2"),
                             "0.9", "ergotropy", Omega=1, omega0=1, p="0.3", digits=50)
    with mp.workdps(70):
        params = {"Omega": 1, "J": 1, "gamma": 0, "Delta": 2, "D": mp.mpf("1.7")}
        ket = np.array(mp_evolved_state(params, mp.mpf("0.9")), dtype=object)
        rho = brute_force(np.outer(ket, [mp.conj(x) for x in ket]),
                          "generalized_amplitude_damping", mp.mpf("0.3"), mp.mpf("0.2"),
                          (1, 2), 1, lib=mp)
        want = reference_quantities_mp(mp.matrix(rho.tolist()), 1)["ergotropy"]
        assert abs(got - want) < PRECISE_TOLERANCE


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "message"), [
    (lambda: channel("phase_flip", 1.5), r"p = 1.5 is outside the allowed range \[0, 1\]"),
    (lambda: channel("phase_flip", "-0.1"), r"p = '-0.1' is outside the allowed range"),
    (lambda: channel("generalized_amplitude_damping", p, n_th=2),
     r"n_th = 2 is outside the allowed range \[0, 1\]"),
    (lambda: channel("phase_flip", p, sites=3),
     r"site 3 is out of range: a state of 2 qubits has sites 1\.\.2"),
    (lambda: channel("phase_flip", p, sites=[1, 1]), "site 1 is listed twice"),
    (lambda: channel("dephasing", p),
     "unknown channel 'dephasing'; the channels are: amplitude_damping, phase_flip"),
    (lambda: channel("phase_flip", p, n_th=0.1), "belongs to generalized_amplitude_damping"),
    (lambda: channel("phase_flip", sp.I), "not known to be real"),
    (lambda: channel("phase_flip", p).power(-1), "n must be an integer >= 0"),
    (lambda: channel("phase_flip", p).power(sp.Symbol("m")), "n must be an integer >= 0"),
    (lambda: channel("phase_flip", p, N=2).then(channel("phase_flip", p, N=3)),
     "cannot compose channels on 2 and 3 qubits"),
    (lambda: channel("phase_flip", p).apply(sp.eye(2) / 2), "acts on 2 qubits"),
    (lambda: noisy_quantity("work", sp.eye(4) / 4, channel("bit_flip", p), values={"p": 0}),
     "unknown quantity 'work'; the quantities: energy"),
    (lambda: noisy_quantity("energy", sp.eye(4) / 4, channel("bit_flip", p), values={}),
     "missing value for omega0"),
    (lambda: noisy_quantity("energy", sp.eye(4) / 4, channel("bit_flip", p),
                            values={"p": 1.2, "omega0": 1}), "p = 1.2 is outside"),
    (lambda: noisy_quantity("energy", sp.eye(4) / 4, channel("bit_flip", p).power(n),
                            values={"p": 0.2, "n": 1.5, "omega0": 1}), "n must be an integer"),
    (lambda: noisy_quantity("energy", sp.eye(4) / 4, channel("bit_flip", p),
                            values={"p": 0.2, "omega0": 1, "q": 3}),
     "unknown value 'q'; this noisy state depends on: omega0, p"),
    (lambda: noisy_quantity("energy", sp.eye(4) / 2, channel("bit_flip", p),
                            values={"p": 0.2, "omega0": 1}), "the state must have trace 1"),
    (lambda: charged_then_noisy(qb.Battery("parallel"), channel("bit_flip", p, N=3), 1,
                                "energy", Omega=1, omega0=1, p=0.1),
     "the battery has 2 cells but the channel acts on N = 3 qubits"),
    (lambda: charged_then_noisy(qb.Battery("parallel"), channel("bit_flip", "0.3"),
                                [0.5, -1.0], "energy", Omega=1, omega0=1),
     r"t must be >= 0 \(a charging time: the evolution runs forward\); got -1"),
    (lambda: noisy_quantity("concurrence", sp.eye(8) / 8, channel("bit_flip", p, N=3),
                            values={"p": 0.2}), "two-qubit states; this channel acts on N = 3"),
])
def test_bad_input_is_one_clear_value_error(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()
