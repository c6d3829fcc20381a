"""Charging times against an independent dense grid refined with mpmath."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import mp_evolved_state

from qb_symbolic.numeric.search.charging import charging_time, max_power

#: The promised accuracy of the charging times and values (the issue: 30 digits).
DIGITS_TOLERANCE = mp.mpf(10) ** -30

CASES = [
    ("parallel", {"Omega": 1.3}, None),
    ("ising", {"D": 3}, None),
    ("ising", {"D": 9}, None),
    ("xxz", {"Delta": 2, "D": 1.7}, 6.0),
    ("xyz", {"gamma": 0.5, "Delta": 2.5, "D": 0.5}, None),
    ("general", {"Omega": 0.7, "J": -1.3, "gamma": 0.2, "Delta": 1.1, "D": 0.4, "omega0": 1.5}, 9.0),
]
PRESETS = {
    "parallel": {"J": 0, "D": 0, "gamma": 0, "Delta": 0},
    "ising": {"gamma": 1, "Delta": 0},
    "xxz": {"gamma": 0},
    "xyz": {},
    "general": {},
}


def _params(model, given):
    p = {"Omega": 1, "J": 1, "gamma": 0, "Delta": 0, "D": 0, "omega0": 1}
    p.update(PRESETS[model])
    p.update(given)
    return p


def _numpy_zeta(p, times):
    """Dense-grid ergotropy from numpy eigh of the 4x4 Hamiltonian (built here)."""
    sx = np.array([[0, 1], [1, 0]], complex)
    sy = np.array([[0, -1j], [1j, 0]])
    sz = np.diag([1.0, -1.0]).astype(complex)
    one = np.eye(2)
    k = np.kron
    H = (p["Omega"] * (k(sx, one) + k(one, sx))
         + p["J"] * ((1 + p["gamma"]) * k(sx, sx) + (1 - p["gamma"]) * k(sy, sy) + p["Delta"] * k(sz, sz))
         + p["D"] * (k(sx, sy) - k(sy, sx)))
    w, V = np.linalg.eigh(H)
    amp = V @ (np.exp(-1j * np.outer(w, times)) * V.conj().T[:, [3]])
    return 2 * p["omega0"] * (np.abs(amp[0]) ** 2 - np.abs(amp[3]) ** 2 + 1)


def _mp_zeta(p):
    mp_params = {k: mp.mpf(repr(float(v))) for k, v in p.items()}

    def zeta(time):
        psi = mp_evolved_state(mp_params, time, dps=mp.mp.dps + 20)
        return 2 * mp_params["omega0"] * (abs(psi[0]) ** 2 - abs(psi[3]) ** 2 + 1)

    return zeta, mp_params


def _reference(p, window, power: bool):
    T = np.pi / (2 * p["Omega"]) if window is None else window
    grid = np.linspace(0, T, 20001)[1:]
    values = _numpy_zeta(p, grid)
    if power:
        values = values / grid
    i = int(np.argmax(values))
    with mp.workdps(60):
        zeta, mp_params = _mp_zeta(p)
        T_mp = mp.pi / (2 * mp_params["Omega"]) if window is None else mp.mpf(repr(window))
        f = (lambda s: zeta(s) / s) if power else zeta
        if i == len(grid) - 1:
            return T_mp, f(T_mp)
        a, b = mp.mpf(grid[i - 1]), mp.mpf(grid[i + 1])
        root = mp.findroot(lambda s: mp.diff(f, s), (a, b), solver="anderson")
        if mp.diff(f, T_mp) > 0 and f(T_mp) > f(root):
            return T_mp, f(T_mp)
        return root, f(root)


@pytest.mark.parametrize("model, given, window", CASES, ids=[c[0] for c in CASES])
def test_t_min_matches_a_refined_dense_grid(model, given, window):
    p = _params(model, given)
    result = charging_time(model, window=window, **given)
    t_ref, zeta_ref = _reference(p, window, power=False)
    assert abs(result.t - t_ref) < DIGITS_TOLERANCE * max(1, abs(t_ref)), (result.t, t_ref)
    assert abs(result.value - zeta_ref) < DIGITS_TOLERANCE
    assert result.full_charge == bool(abs(zeta_ref - 4 * p["omega0"]) < mp.mpf(10) ** -25)


@pytest.mark.parametrize("model, given, window", CASES, ids=[c[0] for c in CASES])
def test_largest_power_matches_a_refined_dense_grid(model, given, window):
    p = _params(model, given)
    result = max_power(model, window=window, **given)
    t_ref, power_ref = _reference(p, window, power=True)
    assert abs(result.t - t_ref) < DIGITS_TOLERANCE * max(1, abs(t_ref)), (result.t, t_ref)
    assert abs(result.value - power_ref) < DIGITS_TOLERANCE * max(1, abs(power_ref))


def test_exact_charging_times():
    parallel = charging_time("parallel", Omega=2)
    assert parallel.t_exact == sp.pi / 4 and parallel.full_charge
    # Ising without DM at J = Omega: zeta = 2 omega0 [1 - cos 4 Omega t cos 2 Omega t] reaches
    # 4 omega0 at Omega t = pi/2 (cos 2 pi = 1, cos pi = -1), the same time as parallel charging.
    ising = charging_time("ising", D=0, Omega=1, J=1)
    assert ising.t_exact == sp.pi / 2 and ising.full_charge and not ising.at_window_end
    # With DM the peak comes earlier and is not a full charge (Fig. 3).
    with_dm = charging_time("ising", D=3)
    assert with_dm.t_exact is None and not with_dm.full_charge and with_dm.t < mp.pi / 2


def test_bad_charging_requests():
    with pytest.raises(ValueError, match="Omega must be > 0"):
        charging_time("ising", Omega=0)
    with pytest.raises(ValueError, match="window must be > 0"):
        charging_time("ising", window=-1)
    with pytest.raises(ValueError, match="single number"):
        max_power("ising", D=np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="fixes gamma"):
        charging_time("ising", gamma=0.3)
