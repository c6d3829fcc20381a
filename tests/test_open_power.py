"""The power of an open battery is the stored energy per time (docs/conventions.md).

``P(t) = (E(t) - E(0))/t`` with ``E = Tr(rho H0)``, and ``P(0) = E'(0) = Tr(L(rho0) H0)``,
for every battery. Under a unitary it equals the ergotropy gained per time (rho keeps its
passive energy); under dissipators it does not, and these cases are chosen so that the two
differ by far more than the tolerance: a hot thermal bath (it raises E from |dd> at once,
mostly as passive energy), and amplitude damping with a channel after charging from a start
that holds ergotropy. The reference is this file's own: the Liouvillian, ``expm``, the
Kraus operators and the passive state of tests/test_open_batteries.py (built from Kronecker
products of Pauli matrices, independently of the package). Last, ``qb.max_power`` of a
battery that only discharges in its window, open and closed: its largest power is the least
negative one (the t = 0 limit counts among the candidates, not a 0 there).
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED
from test_open_batteries import (
    DOWN,
    PAULI,
    TOLERANCE,
    UP,
    evolve,
    figures,
    ket,
    liouvillian,
    on_site,
    op,
    reference,
)

import qb_symbolic as qb

#: The two definitions must differ by more than this somewhere (far above TOLERANCE).
DIFFERENCE = 1e-3
WINDOW = 3.0


def _xyz_hot_bath():
    """The XYZ battery (gamma = 0.5, Delta = 2.5, D = 0.7, Omega = J = omega0 = 1) from |dd>
    in a thermal bath of rate 0.3 at T = 2: ``n = 1/(e - 1)``."""
    bat = qb.open_battery(qb.Battery("xyz", gamma=0.5, Delta=2.5, D=0.7),
                          qb.thermal(qb.kappa, qb.T_bath, omega0=qb.omega0))
    values = {"kappa": 0.3, "T": 2.0}
    H = (op("XI") + op("IX") + 1.5 * op("XX") + 0.5 * op("YY") + 2.5 * op("ZZ")
         + 0.7 * (op("XY") - op("YX")))
    n = 1 / (np.exp(2 / 2.0) - 1)
    jumps = [np.sqrt(0.3 * (n + 1)) * on_site(DOWN, s, 2) for s in (1, 2)]
    jumps += [np.sqrt(0.3 * n) * on_site(UP, s, 2) for s in (1, 2)]
    return bat, values, liouvillian(H, jumps), ket("dd"), op("ZI") + op("IZ"), lambda rho: rho


def _damped_charged_start():
    """``3/5 |ud> + 4/5 |dd>`` (it holds ergotropy) under Omega(XI + IX) + J(XX + YY +
    Delta ZZ) with amplitude damping on both cells, read through a bit flip on cell 1."""
    closed = qb.Battery.from_string("Omega*(XI + IX) + J*(XX + YY + Delta*ZZ)",
                                    initial=[0, sp.Rational(3, 5), 0, sp.Rational(4, 5)])
    bat = qb.open_battery(closed, qb.amplitude_damping(qb.kappa), qb.channel("bit_flip", 0.1, [1]))
    values = {"Omega": 0.6, "J": 0.8, "Delta": 1.5, "kappa": 0.4}
    H = 0.6 * (op("XI") + op("IX")) + 0.8 * (op("XX") + op("YY") + 1.5 * op("ZZ"))
    jumps = [np.sqrt(0.4) * on_site(DOWN, s, 2) for s in (1, 2)]
    v = np.array([0, 0.6, 0, 0.8])
    K = [np.sqrt(0.9) * np.eye(4), np.sqrt(0.1) * np.kron(PAULI["X"], np.eye(2))]

    def read(rho):
        return sum(k @ rho @ k.conj().T for k in K)

    return bat, values, liouvillian(H, jumps), np.outer(v, v), op("ZI") + op("IZ"), read


CASES = {"hot-bath": _xyz_hot_bath, "damped-charged": _damped_charged_start}


def _ergotropy_gained(L, rho0, H0, times, read) -> np.ndarray:
    """The old definition ``(zeta(t) - zeta(0))/t`` (t > 0), for the contrast."""
    zeta0 = figures(read(rho0), H0)["ergotropy"]
    return np.array([(figures(read(evolve(L, rho0, t)), H0)["ergotropy"] - zeta0) / t
                     for t in times])


@pytest.mark.parametrize("case", list(CASES))
def test_power_is_the_stored_energy_per_time(case: str) -> None:
    bat, values, L, rho0, H0, read = CASES[case]()
    times = np.concatenate([[0.0], np.sort(np.random.default_rng(SEED).uniform(0.05, WINDOW, 12))])
    found = qb.evaluate_many(("power", "power_per_cell", "energy"), times, battery=bat, **values)
    want = reference(L, rho0, H0, "power", times, read)
    assert np.max(np.abs(found["power"] - want)) < TOLERANCE
    assert np.max(np.abs(found["power_per_cell"] - want / 2)) < TOLERANCE
    energy = reference(L, rho0, H0, "energy", times, read)
    assert np.max(np.abs(found["energy"] - energy)) < TOLERANCE
    old = _ergotropy_gained(L, rho0, H0, times[1:], read)
    assert np.max(np.abs(want[1:] - old)) > DIFFERENCE  # the two definitions really differ


@pytest.mark.parametrize("case", list(CASES))
def test_max_power_against_a_dense_scan_of_the_energy(case: str) -> None:
    """The value at the time found is the reference's power there, and no point of a dense
    scan (nor the t = 0 limit) beats it."""
    bat, values, L, rho0, H0, read = CASES[case]()
    found = qb.max_power(battery=bat, window=WINDOW, **values)
    at = reference(L, rho0, H0, "power", [float(found.t)], read)[0]
    assert abs(at - float(found.value)) < TOLERANCE
    scan = reference(L, rho0, H0, "power", np.linspace(0, WINDOW, 1201), read)
    assert float(found.value) >= scan.max() - TOLERANCE


def test_a_hot_bath_charges_fastest_at_once() -> None:
    """An xxz battery without charger (Omega = 0: H keeps the total sz, so only the bath
    moves E) from |dd> in a bath at T = 1.5: E rises as a saturating exponential, so the
    power falls from its limit E'(0) = Tr(L(|dd><dd|) H0) > 0, which max_power returns."""
    bat = qb.open_battery(qb.Battery("xxz"), qb.thermal(0.5, 1.5))
    values = {"Omega": 0.0, "J": 1.0, "Delta": 2.0, "D": 0.5}
    H = (op("XX") + op("YY") + 2.0 * op("ZZ")) + 0.5 * (op("XY") - op("YX"))
    n = 1 / (np.exp(2 / 1.5) - 1)
    jumps = [np.sqrt(0.5 * (n + 1)) * on_site(DOWN, s, 2) for s in (1, 2)]
    jumps += [np.sqrt(0.5 * n) * on_site(UP, s, 2) for s in (1, 2)]
    L, H0 = liouvillian(H, jumps), op("ZI") + op("IZ")
    rate0 = float(np.trace((L @ ket("dd").reshape(-1)).reshape(4, 4) @ H0).real)
    found = qb.max_power(battery=bat, window=WINDOW, **values)
    assert found.t == 0 and rate0 > 0.1
    assert abs(float(found.value) - rate0) < TOLERANCE
    scan = reference(L, ket("dd"), H0, "power", np.linspace(1e-3, WINDOW, 601))
    assert float(found.value) >= scan.max() - TOLERANCE


@pytest.mark.parametrize("case", sorted(CASES))
def test_power_at_tiny_times(case: str) -> None:
    """From t = 1e-9 to 0.02, across the switch to the Taylor polynomial: the reference is
    (E(t) - E(0))/t with ``exp(L t) - 1`` by mpmath at 40 digits (no cancellation left).
    The difference in double precision alone loses ~eps |E|/t: 4e-7 at t = 1e-9."""
    bat, values, L, rho0, H0, read = CASES[case]()
    times = np.array([1e-9, 1e-7, 1e-5, 5e-5, 1e-4, 3e-4, 1e-3, 0.02])
    found = qb.evaluate("power", times, battery=bat, **values)
    with mp.workdps(40):
        M, x0 = mp.matrix(L.tolist()), mp.matrix(rho0.reshape(-1).tolist())
        for t, value in zip(times, found):
            moved = mp.expm(M * mp.mpf(t)) * x0 - x0
            drho = np.array([complex(moved[k]) for k in range(16)]).reshape(4, 4)
            assert abs(value - np.trace(read(drho) @ H0).real / t) < TOLERANCE, t


@pytest.mark.parametrize("T", [1e8, "symbol"])
def test_a_very_hot_bath_keeps_its_digits(T) -> None:
    """From |dd> only the bath moves E at t = 0 (|dd> is an eigenstate of H0, so Tr(-i[H,
    rho0] H0) = 0): each cell is raised at the rate kappa n, gaining 2 omega0 each time, so
    E'(0) = 4 kappa n omega0 with n = 1/(exp(2 omega0/T) - 1) = 1/expm1(2e-8) ~ 5e7 - 1/2.
    Written as exp - 1 in double precision n loses ~5e-9 of itself (0.6 of E'(0) here)."""
    kappa, temperature = 0.6, 1e8
    bath = qb.thermal(kappa, temperature if T != "symbol" else qb.T_bath)
    values = {"Omega": 0.8, "J": 0.5, "D": 0.2} | ({"T": temperature} if T == "symbol" else {})
    found = qb.evaluate("power", [0.0], battery=qb.open_battery(qb.Battery("xxz"), bath),
                        **values)
    exact = 4 * kappa / math.expm1(2 / temperature)
    assert abs(found[0] - exact) <= 1e-14 * exact


def test_a_discharging_battery_has_a_negative_largest_power() -> None:
    """|uu> under J(XX + YY) (which annihilates it, and keeps the excitations) with amplitude
    damping: E(t) = 4 omega0 exp(-kappa t) - 2 omega0 falls, so P < 0 everywhere and rises
    toward the window's end; P(0) = -4 omega0 kappa is the lowest, not 0."""
    closed = qb.Battery.from_string("Omega*(XI + IX) + J*(XX + YY)", initial=[1, 0, 0, 0])
    bat = qb.open_battery(closed, qb.amplitude_damping(qb.kappa))
    values = {"Omega": 0.0, "J": 0.7, "kappa": 0.4}
    L = liouvillian(0.7 * (op("XX") + op("YY")), [np.sqrt(0.4) * on_site(DOWN, s, 2)
                                                   for s in (1, 2)])
    H0 = op("ZI") + op("IZ")
    found = qb.max_power(battery=bat, window=WINDOW, **values)
    want = reference(L, ket("uu"), H0, "power", [WINDOW])[0]
    assert abs(want + 4 * (1 - np.exp(-0.4 * WINDOW)) / WINDOW) < TOLERANCE  # by hand
    assert float(found.t) == WINDOW and abs(float(found.value) - want) < TOLERANCE
    power0 = qb.evaluate("power", 0.0, battery=bat, **values)
    assert abs(power0 + 4 * 0.4) < TOLERANCE


def _discharging_closed():
    """Each cell in 4/5 |u> - 3i/5 |d> under Omega (XI + IX), Omega = 1: the battery, and the
    test's own Liouvillian, start and H0."""
    a, b = sp.Rational(4, 5), sp.Rational(3, 5)
    bat = qb.Battery.from_string("Omega*(XI + IX)",
                                 initial=[a * a, -sp.I * a * b, -sp.I * a * b, -b * b])
    v = np.kron([0.8, -0.6j], [0.8, -0.6j])
    L, H0 = liouvillian(op("XI") + op("IX"), []), op("ZI") + op("IZ")
    return bat, L, np.outer(v, v.conj()), H0


def test_a_closed_battery_discharging_in_the_window() -> None:
    """The same rule closed: each cell in 4/5 |u> - 3i/5 |d> under Omega X (Omega = 1) loses
    energy at once (P(0) = Tr(-i[H, rho0] H0) < 0) and through the window [0, 1/2], so the
    largest power is the least negative one, at the window's end (it was reported as 0)."""
    bat, L, rho0, H0 = _discharging_closed()
    scan = reference(L, rho0, H0, "power", np.linspace(0, 0.5, 501))
    assert scan[0] < 0 and scan.max() < 0
    found = qb.max_power(battery=bat, window=0.5, Omega=1)
    assert float(found.t) == 0.5 and abs(float(found.value) - scan[-1]) < TOLERANCE
    assert float(found.value) >= scan.max() - TOLERANCE


def test_charging_time_of_a_battery_that_only_discharges_is_the_start() -> None:
    """The same closed battery: its ergotropy is largest at t = 0. By hand: each cell has
    <sz> = 16/25 - 9/25 = 7/25, so E(0) = 14/25 and zeta(0) = E(0) - (-2) = 64/25 (a pure
    state's passive energy is H0's ground level). The scan of the test's own evolution
    falls from there (it was reported at the window's end, 0.687)."""
    bat, L, rho0, H0 = _discharging_closed()
    scan = reference(L, rho0, H0, "ergotropy", np.linspace(0, 0.5, 501))
    assert abs(scan[0] - 64 / 25) < TOLERANCE and np.all(scan[1:] < scan[0])
    found = qb.charging_time(battery=bat, window=0.5, Omega=1)
    assert found.t == 0 and not found.at_window_end
    with mp.workdps(50):
        assert abs(found.value - mp.mpf(64) / 25) < mp.mpf(10) ** -30
