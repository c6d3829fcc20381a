"""Property-based fuzzing of user batteries: both float paths against numpy eigh.

A fixed pool of batteries (the README's examples and dense random Pauli sums, given as
Pauli terms so that the reference Hamiltonian is built here from explicit matrices) with
Hypothesis drawing parameter values (zeros, equal values and exact degeneracies
included), initial states and time windows. Each draw is evaluated on a uniform grid
(the group-property path) and on the same times reversed (the per-point path); both must
agree with ``eigh`` within ``ATOL + RTOL * max|lambda| t`` times the energy scale.
``QB_FUZZ_SCALE`` multiplies the number of examples.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta

import numpy as np
import sympy as sp
from conftest import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qb_symbolic as qb

SCALE = float(os.environ.get("QB_FUZZ_SCALE", "1"))
#: Absolute floor of the comparison (both sides round at ~1e-15 per operation).
ATOL = 1e-11
#: Phase term: double precision loses ~1e-16 |phase| per phase, times a margin for the
#: sums of a few terms on both sides.
RTOL = 1e-14

B, b, J, Delta, D, K, Bx, Bz = sp.symbols("B b J Delta D K Bx Bz", real=True)
POOL: list[dict[str, sp.Expr]] = [
    {"XI": B + b, "IX": B - b, "XX": J, "YY": J, "ZZ": J * Delta, "XY": D, "YX": -D},
    {"ZI": B, "IZ": B, "XX": J, "YY": J, "ZZ": J * Delta, "XY": D + K, "YX": K - D},
    {"XI": Bx, "IX": Bx, "ZI": Bz, "IZ": Bz, "XX": J, "YY": J, "ZZ": J * Delta},
    {"XI": B, "IX": B, "XX": J, "YY": J, "ZZ": J * Delta, "YZ": D, "ZY": -D},
]
_P = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
      "Z": np.diag([1.0, -1.0])}
LABELS = [x + y for x in "IXYZ" for y in "IXYZ" if x + y != "II"]


def _dense(seed: int) -> dict[str, sp.Expr]:
    rng = random.Random(seed)
    terms = {label: sp.Rational(rng.randint(-6, 6), rng.randint(1, 3))
             for label in rng.sample(LABELS, 8)}
    for label in rng.sample(sorted(terms), 2):
        terms[label] = terms[label] * rng.choice([B, J])
    return terms


POOL += [_dense(SEED + k) for k in range(3)]
INITIALS = ["dd", "ud", "psi+", [sp.Rational(3, 5), 0, 0, sp.Rational(4, 5) * sp.I]]
_BATTERIES: dict[tuple[int, int], object] = {}


def _battery(index: int, initial: int):
    key = (index, initial)
    if key not in _BATTERIES:
        _BATTERIES[key] = qb.Battery.from_paulis(POOL[index], initial=INITIALS[initial])
    return _BATTERIES[key]


def _reference(terms: dict, values: dict, psi0: np.ndarray, t: np.ndarray) -> np.ndarray:
    """zeta = 2|c_uu|^2 - 2|c_dd|^2 + 2 (H0 = sz1 + sz2) from eigh of sum_P c_P P1 (x) P2."""
    H = sum(complex(sp.sympify(c).subs(values)) * np.kron(_P[l[0]], _P[l[1]])
            for l, c in terms.items())
    w, V = np.linalg.eigh(H)
    psi = V @ (np.exp(-1j * np.outer(w, t)) * (V.conj().T @ psi0)[:, None])
    return 2 * np.abs(psi[0]) ** 2 - 2 * np.abs(psi[3]) ** 2 + 2, float(np.max(np.abs(w)))


_VALUES = st.one_of(st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0]),
                    st.floats(-5.0, 5.0, allow_nan=False))


@settings(max_examples=int(150 * SCALE), derandomize=True, database=None,
          deadline=timedelta(seconds=60), suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, len(POOL) - 1), initial=st.integers(0, len(INITIALS) - 1),
       data=st.data(), window=st.floats(0.1, 60.0), count=st.integers(64, 400))
def test_user_batteries_match_eigh_on_both_paths(index, initial, data, window, count):
    battery = _battery(index, initial)
    values = {s.name: data.draw(_VALUES, label=s.name) for s in battery.parameters
              if s.name != "omega0"}
    t = np.linspace(0.0, window, count)
    psi0 = np.array([complex(sp.sympify(x)) for x in battery.initial_state])
    symbols = {s: values[s.name] for s in battery.parameters if s.name in values}
    reference, top = _reference(POOL[index], symbols, psi0, t)
    bound = ATOL + RTOL * top * window * 10
    grid = qb.evaluate("ergotropy", t, battery=battery, **values)
    per_point = qb.evaluate("ergotropy", t[::-1], battery=battery, **values)[::-1]
    assert np.max(np.abs(grid - reference)) <= bound * 4, (values, window)
    assert np.max(np.abs(per_point - reference)) <= bound * 4, (values, window)
