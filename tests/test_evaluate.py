"""evaluate(): broadcasting, presets, degenerate points, the grid path, errors."""

from __future__ import annotations

import random

import mpmath as mp
import numpy as np
import pytest
from conftest import SEED, mp_evolved_state

from qb_symbolic import evaluate
from qb_symbolic.numeric.closed_form.codegen import QUANTITIES

#: Double-precision agreement for O(1) quantities at moderate phases (|nu t| < 100).
DOUBLE_TOLERANCE = 1e-12


def _reference(quantity, p, time):
    """Independent mpmath value from the expm state (definitions of docs/conventions.md)."""
    mp_p = {k: mp.mpf(repr(float(v))) for k, v in p.items()}
    with mp.workdps(40):
        psi = mp_evolved_state(mp_p, mp.mpf(repr(float(time))), dps=50)
        C = 2 * abs(psi[0] * psi[3] - psi[1] * psi[2])
        zeta = 2 * mp_p["omega0"] * (abs(psi[0]) ** 2 - abs(psi[3]) ** 2 + 1)
        values = {
            "energy": zeta - 2 * mp_p["omega0"],
            "ergotropy": zeta,
            "power": zeta / time if time > 0 else mp.mpf(0),
            "concurrence": C,
            "coherence": mp.sqrt(1 - C**2),
            "steering": mp.sqrt(1 + 2 * C**2),
            "steerability": (mp.sqrt(1 + 2 * C**2) - 1) / (mp.sqrt(3) - 1),
        }
        return float(values[quantity])


def test_broadcasting_gives_a_map():
    t = np.linspace(0, 2, 7)
    D = np.array([0.0, 1.5, 3.0])
    grid = evaluate("ergotropy", t[None, :], model="ising", D=D[:, None])
    assert grid.shape == (3, 7)
    for i, d in enumerate(D):
        for j, time in enumerate(t):
            assert abs(grid[i, j] - float(evaluate("ergotropy", time, model="ising", D=d))) < 1e-14
    assert evaluate("concurrence", 0.3).shape == ()
    assert evaluate("power", np.zeros(3)).tolist() == [0.0, 0.0, 0.0]  # P(0) = 0


@pytest.mark.parametrize("quantity", QUANTITIES)
def test_every_quantity_matches_the_expm_reference(quantity):
    rng = random.Random(SEED)
    for _ in range(15):
        p = {"Omega": rng.uniform(0.1, 5), "J": rng.uniform(-5, 5), "gamma": rng.uniform(-1, 1),
             "Delta": rng.uniform(-5, 5), "D": rng.uniform(-5, 5), "omega0": rng.uniform(0.5, 2)}
        time = rng.uniform(0, 3)
        assert abs(float(evaluate(quantity, time, **p)) - _reference(quantity, p, time)) < DOUBLE_TOLERANCE


@pytest.mark.parametrize(
    "zeros",
    [{"D": 0.0}, {"J": 0.0}, {"Omega": 0.0}, {"Omega": 0.0, "D": 0.0}, {"J": 0.0, "D": 0.0},
     {"Omega": 0.0, "J": 0.0, "D": 0.0}],
    ids=lambda z: ",".join(z),
)
def test_exact_zeros_are_finite_and_right(zeros):
    p = {"Omega": 1.3, "J": 0.7, "gamma": 0.4, "Delta": 1.9, "D": 0.8, "omega0": 1.0}
    p.update(zeros)
    for quantity in QUANTITIES:
        for time in (0.0, 0.37, 2.9):
            value = float(evaluate(quantity, time, **p))
            assert np.isfinite(value)
            assert abs(value - _reference(quantity, p, time)) < DOUBLE_TOLERANCE


def test_exactly_degenerate_roots_at_zero_dm():
    # D = 0 and the singlet energy -J(Delta + 2) equal to a root of the (Phi+, Psi+) block:
    # with J = 1, gamma = 0, Omega = 1 that block is [[Delta, 2], [2, 2 - Delta]], roots
    # 1 +/- sqrt((Delta - 1)^2 + 4); 1 - sqrt(...) = -(Delta + 2) means
    # (Delta + 3)^2 = (Delta - 1)^2 + 4, i.e. 8 Delta = -4, Delta = -1/2 (two roots meet).
    p = {"Omega": 1.0, "J": 1.0, "gamma": 0.0, "Delta": -0.5, "D": 0.0, "omega0": 1.0}
    for quantity in QUANTITIES:
        for time in (0.2, 1.7):
            assert abs(float(evaluate(quantity, time, **p)) - _reference(quantity, p, time)) < DOUBLE_TOLERANCE


def test_uniform_grid_path_equals_the_direct_path():
    t = np.linspace(0, 25, 1000)
    D = np.linspace(0, 10, 11)[:, None]
    for quantity in ("energy", "ergotropy", "power"):
        fast = evaluate(quantity, t[None, :], model="ising", D=D)
        # The same times point by point, and with one extra time that breaks uniformity.
        direct = np.stack([evaluate(quantity, t, model="ising", D=float(d)) for d in D[:, 0]])
        direct_nonuniform = evaluate(quantity, np.concatenate([t, [30.0]]), model="ising", D=D)[:, :-1]
        assert np.max(np.abs(fast - direct_nonuniform)) < 1e-12
        assert np.max(np.abs(fast - direct)) < 1e-12


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"model": "ising", "gamma": 0.5}, "fixes gamma"),
        ({"model": "parallel", "D": np.array([0.0, 1.0])}, "fixes D"),
        ({"model": "xyz", "gamma": 0.5}, "needs a nonzero Delta"),
        ({"model": "xyz", "gamma": 0.5, "Delta": np.array([1.0, 0.0])}, "needs Delta != 0"),
        ({"Omega": -0.1}, "Omega must be >= 0"),
        ({"omega0": 0}, "omega0 must be > 0"),
        ({"D": np.nan}, "finite"),
        ({"J": 1 + 1j}, "must be real"),
        ({"J": "abc"}, "real number"),
        ({"model": "xx"}, "unknown model"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        evaluate("ergotropy", 1.0, **kwargs)


def test_bad_quantity_time_and_digits():
    with pytest.raises(ValueError, match="unknown quantity"):
        evaluate("entropy", 1.0)
    with pytest.raises(ValueError, match="t must be >= 0"):
        evaluate("ergotropy", [-1.0, 1.0])
    with pytest.raises(ValueError, match="t must be >= 0"):
        evaluate("ergotropy", -1.0, digits=20)
    with pytest.raises(ValueError, match="digits must be a positive integer"):
        evaluate("ergotropy", 1.0, digits=0)
