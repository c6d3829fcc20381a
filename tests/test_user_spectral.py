"""The uniform-grid frequency form (numeric/user_spectral.py) against mpmath expm, eigh and
the Newton path, on both sides of its separation threshold.

References are built here from explicit matrices (mpmath ``expm`` at 30 digits, numpy
``eigh``), never from the package's own matrices.
"""

from __future__ import annotations

import random

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.numeric.closed_form import user_spectral
from qb_symbolic.numeric.closed_form.user_spectral import amplification, separated

#: Grid values against the references (the issue's numpy bound).
TOLERANCE = 1e-12

s_sym = sp.Symbol("s", real=True)
_V = sp.Matrix([1, 2, -1, 3])
_R = sp.eye(4) - 2 * _V * _V.T / (_V.T * _V)[0]  # a rational reflection
_W = sp.Matrix([[1, 2, 0, -1], [2, -3, 1, 0], [0, 1, 2, 1], [-1, 0, 1, 1]]) / 300


def _family() -> sp.Matrix:
    """One Ferrari 4-block from |++++>/2 whose roots near -1 and s approach each other as
    s -> -1 (the fixed W keeps them apart by ~1e-2). Amplification at s = -1 + 0.3, 0.12,
    0.09 | 0.07, 0.05, 0.02: 55, 129, 168 | 209, 276, 535 (threshold 200)."""
    return _R * sp.diag(-4, -1, s_sym, 4) * _R + _W


def test_amplification_by_hand():
    # n = 2: max|y| / gap = 3 / 2.  n = 3, roots -1, 0, 2 (max|y| = 2, spread 3):
    # k = 0: 2*3/|(-1)(-3)| = 2; k = 1: 2*3/|(1)(-2)| = 3; k = 2: 2*3/|(3)(2)| = 1 -> 3.
    found = amplification(np.array([[1.0, 3.0], [2.0, 2.0]]))
    assert found[0] == pytest.approx(1.5) and found[1] == np.inf
    assert amplification(np.array([[-1.0, 0.0, 2.0]]))[0] == pytest.approx(3.0)
    roots = [np.array([[1.0, 3.0], [1.0, 1.0 + 1e-6], [1.0, 3.0]]),
             np.array([[0.0], [0.0], [np.nan]])]
    assert separated(roots).tolist() == [True, False, False]


def _mp_curves(H: mp.matrix, psi0: list, times) -> tuple[list, list]:
    """Ergotropy (H0 = sz1 + sz2, E_min = -2) and concurrence by mpmath expm."""
    ergotropy, concurrence = [], []
    for t in times:
        psi = mp.expm(-1j * mp.mpf(t) * H) * mp.matrix(psi0)
        ergotropy.append(2 * abs(psi[0]) ** 2 - 2 * abs(psi[3]) ** 2 + 2)
        concurrence.append(2 * abs(psi[0] * psi[3] - psi[1] * psi[2]))
    return ergotropy, concurrence


def test_both_sides_of_the_threshold_against_expm():
    battery = qb.Battery.from_matrix(_family(), initial=[sp.Rational(1, 2)] * 4)
    shifts = [sp.Rational(3, 10), sp.Rational(12, 100), sp.Rational(9, 100),
              sp.Rational(7, 100), sp.Rational(5, 100), sp.Rational(2, 100)]
    s_values = np.array([float(-1 + d) for d in shifts])
    times = np.linspace(0.0, 8.0, 129)
    found = qb.evaluate_many(("ergotropy", "concurrence"), times[None, :], battery=battery,
                             s=s_values[:, None])
    h = np.array([np.linalg.eigvalsh(np.array(_family().subs(s_sym, v).evalf(), dtype=float))
                  for v in s_values])
    sides = separated([h])
    assert sides.any() and not sides.all(), amplification(h)  # both paths in one call
    with mp.workdps(30):
        for row, shift in enumerate(shifts):
            exact = _family().subs(s_sym, -1 + shift)
            H = mp.matrix([[mp.mpf(sp.Rational(x).p) / sp.Rational(x).q for x in exact.row(i)]
                           for i in range(4)])
            picked = range(0, times.size, 16)
            ergotropy, concurrence = _mp_curves(H, [mp.mpf(1) / 2] * 4, times[list(picked)])
            for k, index in enumerate(picked):
                assert abs(found["ergotropy"][row, index] - ergotropy[k]) < TOLERANCE
                assert abs(found["concurrence"][row, index] - concurrence[k]) < TOLERANCE


def _random_battery(rng: random.Random):
    labels = rng.sample([a + b for a in "IXYZ" for b in "IXYZ" if a + b != "II"],
                        rng.randint(3, 8))
    text = " + ".join(f"({rng.choice([-3, -2, -1, 1, 2, 3])}*{rng.choice(['a', '1', '1'])})*{lab}"
                      for lab in labels)
    return qb.Battery.from_string(text, initial=rng.choice(["dd", "ud", "uu"]))


@pytest.mark.parametrize("draw", range(6))
def test_frequency_form_equals_newton_path(draw, monkeypatch):
    """Every quantity, default (mostly the frequency form) against SEPARATED = 0 (all
    Newton path; itself checked against eigh in test_user_batteries.py)."""
    rng = random.Random(SEED + 100 + draw)
    battery = _random_battery(rng)
    names = [p.name for p in battery.parameters]
    values = {n: np.array([[0.7], [1.3], [-0.4]]) if n == "a" else 1.0 for n in names}
    times = np.linspace(0.0, 6.0, 200)[None, :]
    quantities = ("energy", "ergotropy", "power", "concurrence", "coherence", "steering")
    spectral = qb.evaluate_many(quantities, times, battery=battery, **values)
    monkeypatch.setattr(user_spectral, "SEPARATED", 0.0)
    newton = qb.evaluate_many(quantities, times, battery=battery, **values)
    for q in quantities:
        assert np.max(np.abs(spectral[q] - newton[q])) < 10 * TOLERANCE, (q, draw)
