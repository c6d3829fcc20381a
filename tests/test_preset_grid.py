"""The presets' uniform-grid path: its range proof per parameter point, and its shapes.

The grid path proves the energy and ergotropy of each parameter point within the
physical range from the factors of the grid product and clips them as they are
written; points without the proof go to the per-value check of evaluate. These tests
hold the two routes to the same answers and refusals (no timings here: speed targets
live in benchmarks/speed.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.numeric.closed_form import preset_grid

#: Grid against per-point path: the group-property products differ from the direct
#: time stage by rounding only (tests/test_evaluate.py uses the same figure).
GRID_TOLERANCE = 1e-12


def _per_point(quantity, t, **values):
    """The same times off the grid: one extra time breaks uniformity (per-point path)."""
    late = np.concatenate([t, [t[-1] + 1.0]])
    return qb.evaluate(quantity, late[None, :], **values)[..., :-1]


@pytest.mark.parametrize("quantity", ["energy", "ergotropy"])
def test_without_the_proof_the_per_value_check_gives_the_same_values(quantity, monkeypatch):
    t = np.linspace(0, 20, 1000)
    values = {"model": "general", "gamma": 0.3, "Delta": -0.5, "D": np.linspace(0, 4, 30)[:, None]}
    proven = qb.evaluate(quantity, t[None, :], **values)
    # A rounding allowance of 1 makes every bound exceed the range: no point is proven.
    monkeypatch.setattr(preset_grid, "PRODUCT_ROUNDING", 1.0)
    checked = qb.evaluate(quantity, t[None, :], **values)
    assert np.array_equal(proven, checked)


def test_mixed_close_and_separated_roots_match_the_per_point_path():
    # Omega = J = 1, gamma = 0, Delta = -1/2: two roots meet at D = 0 (tests/test_evaluate.py),
    # so rows at D = 0, 1e-6, 1e-3 take the divided-difference columns (exact zeros
    # included); the other rows the spectral terms: both branches, interleaved, in one map.
    rng = np.random.default_rng(SEED)
    t = np.linspace(0.5, 30, 900)
    meeting = rng.random((40, 1)) < 0.5
    values = {"Delta": np.where(meeting, -0.5, 0.4), "omega0": rng.uniform(0.5, 2, (40, 1)),
              "D": np.where(meeting, rng.choice([0.0, 1e-6, 1e-3], (40, 1)),
                            rng.uniform(-3, 3, (40, 1)))}
    for quantity in ("energy", "ergotropy", "power"):
        grid = qb.evaluate(quantity, t[None, :], **values)
        assert np.max(np.abs(grid - _per_point(quantity, t, **values))) < GRID_TOLERANCE
    zeta = qb.evaluate("ergotropy", t[None, :], **values)
    assert np.all(zeta >= 0) and np.all(zeta <= 4 * values["omega0"])


def test_omega0_per_row_with_scalar_couplings():
    # Only omega0 varies (the Hamiltonian parameters are scalars): a (4, N) map.
    t = np.linspace(0, 3, 100)
    omega0 = np.linspace(1, 2, 4)[:, None]
    grid = qb.evaluate("energy", t[None, :], model="ising", D=0.7, omega0=omega0)
    rows = np.stack([qb.evaluate("energy", t, model="ising", D=0.7, omega0=float(w))
                     for w in omega0[:, 0]])
    assert grid.shape == (4, 100)
    assert np.max(np.abs(grid - rows)) < GRID_TOLERANCE


@pytest.mark.parametrize("quantity", ["energy", "ergotropy", "power"])
def test_a_range_beyond_double_precision_is_refused_on_a_grid(quantity):
    # omega0 = 1e308: the range 4 omega0 (or -2 omega0) overflows, which proves nothing.
    with pytest.raises(ValueError, match="digits="):
        qb.evaluate(quantity, np.linspace(0, 1, 100), omega0=1e308)
    with pytest.raises(ValueError, match="digits="):
        qb.evaluate(quantity, np.linspace(0, 1, 100)[None, :], omega0=np.array([[1.0], [1e308]]))


def test_a_single_point_on_a_long_grid_is_proven_and_right():
    # More grid values per point than a product group holds: the coarse rows are split.
    t = np.linspace(0, 50, 3 * preset_grid.GROUP_ELEMENTS + 7)
    grid = qb.evaluate("ergotropy", t, model="general", J=1.3, gamma=0.3, D=0.7)
    picked = np.linspace(0, t.size - 1, 50).astype(int)  # fewer than GRID_MINIMUM: per point
    direct = qb.evaluate("ergotropy", t[picked], model="general", J=1.3, gamma=0.3, D=0.7)
    assert np.max(np.abs(grid[picked] - direct)) < GRID_TOLERANCE
    assert grid.flags.c_contiguous and np.all(grid >= 0)
