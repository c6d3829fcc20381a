"""Charging times over long windows: linear cost, the right answer, a clear limit.

The reference is independent: numpy ``eigh`` of the 4x4 Hamiltonian built here on
dense grids over sub-windows, and an mpmath ``expm`` at the reported time.
"""

from __future__ import annotations

import random
import re

import mpmath as mp
import numpy as np
import pytest
from conftest import SEED, mp_evolved_state

from qb_symbolic.numeric.search.charging import charging_time, max_power
from qb_symbolic.numeric.search.charging_base import MAX_GRID_POINTS

WINDOW = 1e5
ISING_D3 = {"Omega": 1.0, "J": 1.0, "gamma": 1.0, "Delta": 0.0, "D": 3.0, "omega0": 1.0}
#: A dense grid of 2e-4 / Omega resolves a maximum to ~(2e-4)^2 |zeta''| / 8 < 1e-7.
DENSE_TOLERANCE = 1e-7


def _zeta_dense(p: dict, times: np.ndarray) -> np.ndarray:
    sx = np.array([[0, 1], [1, 0]], complex)
    sy = np.array([[0, -1j], [1j, 0]])
    sz = np.diag([1.0, -1.0]).astype(complex)
    one = np.eye(2)
    k = np.kron
    H = (p["Omega"] * (k(sx, one) + k(one, sx))
         + p["J"] * ((1 + p["gamma"]) * k(sx, sx) + (1 - p["gamma"]) * k(sy, sy)
                     + p["Delta"] * k(sz, sz))
         + p["D"] * (k(sx, sy) - k(sy, sx)))
    w, V = np.linalg.eigh(H)
    amp = V @ (np.exp(-1j * np.outer(w, times)) * V.conj().T[:, [3]])
    return 2 * p["omega0"] * (np.abs(amp[0]) ** 2 - np.abs(amp[3]) ** 2 + 1)


def _zeta_mp(p: dict, time: mp.mpf) -> mp.mpf:
    params = {k: mp.mpf(repr(v)) for k, v in p.items()}
    psi = mp_evolved_state(params, time, dps=mp.mp.dps + 10)
    return 2 * params["omega0"] * (abs(psi[0]) ** 2 - abs(psi[3]) ** 2 + 1)


@pytest.fixture(scope="module")
def tmin_result():
    return charging_time("ising", window=WINDOW, D=3)


@pytest.fixture(scope="module")
def power_result():
    return max_power("ising", window=WINDOW, D=3)


def test_long_window_tmin_is_a_true_maximum(tmin_result):
    t_min = float(tmin_result.t)
    assert 0 < t_min < WINDOW and not tmin_result.at_window_end
    with mp.workdps(50):
        assert abs(_zeta_mp(ISING_D3, tmin_result.t) - tmin_result.value) < mp.mpf(10) ** -25
        slope = mp.diff(lambda s: _zeta_mp(ISING_D3, s), tmin_result.t)
        assert abs(slope) < mp.mpf(10) ** -20
    around = np.linspace(max(0.0, t_min - 20), min(WINDOW, t_min + 20), 200_001)
    dense = _zeta_dense(ISING_D3, around)
    assert abs(dense.max() - float(tmin_result.value)) < DENSE_TOLERANCE


def test_no_sub_window_beats_the_long_window_maximum(tmin_result):
    rng = random.Random(SEED)
    for _ in range(6):
        start = rng.uniform(0, WINDOW - 100)
        dense = _zeta_dense(ISING_D3, np.linspace(start, start + 100, 500_001))
        assert dense.max() <= float(tmin_result.value) + 1e-12


def test_long_window_max_power(power_result):
    t = float(power_result.t)
    with mp.workdps(50):
        value = _zeta_mp(ISING_D3, power_result.t) / power_result.t
        assert abs(value - power_result.value) < mp.mpf(10) ** -25
    early = np.linspace(1e-6, 5, 500_001)
    dense = _zeta_dense(ISING_D3, early) / early
    assert abs(dense.max() - float(power_result.value)) < DENSE_TOLERANCE
    assert abs(early[np.argmax(dense)] - t) < 1e-4
    # Later times cannot beat it: zeta <= 4 omega0, so P(t) <= 4/t < P_max for t > 4/P_max.
    assert 4 / float(power_result.value) < 5


def test_windows_beyond_the_limit_are_refused_quickly():
    with pytest.raises(ValueError, match="limit"):
        charging_time("ising", window=1e7, D=3)
    with pytest.raises(ValueError, match=re.escape(f"{MAX_GRID_POINTS:.0e}")):
        max_power("ising", window=1e7, D=3)


def test_periodic_dynamics_report_the_first_of_its_repeated_maxima():
    # Parallel charging: zeta = 4 omega0 sin^2(Omega t), full charges at (2k+1) pi/(2 Omega);
    # the first one is t_min however long the window.
    result = charging_time("parallel", window=2000.0, Omega=1)
    with mp.workdps(50):
        assert abs(result.t - mp.pi / 2) < mp.mpf(10) ** -30
    assert result.full_charge and result.unrefined_ties > 0
