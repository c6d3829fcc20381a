"""The thermal battery's LaTeX section (qb_symbolic/paper/sections_thermal.py): every printed
formula, expanded through its named intermediates, against brute-force numpy.

Reference (written here, independent of the package): H_B from Kronecker products, the
Gibbs state from mpmath ``eighe`` (weights relative to the ground level), ergotropy
``Tr(rho H0) - sum r(down) e(up)``, capacity ``sum r(down) (e(down) - e(up))``, Wootters'
concurrence from the eigenvalues of ``sqrt(rho) (sy sy) rho* (sy sy) sqrt(rho)``, l1 = sum of |off-diagonal|.
"""

from __future__ import annotations

import random

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED

from qb_symbolic.paper.sections import build
from qb_symbolic.paper.sections_thermal import PACKAGE_NAMES, thermal_formulas

#: The printed formulas at 30 digits against the 40-digit reference, rounded to doubles.
TOLERANCE = 1e-13

_P = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
      "Z": np.diag([1.0, -1.0])}


def _k(a: str, c: str) -> np.ndarray:
    return np.kron(_P[a], _P[c])


def _reference(v: dict[str, float]) -> dict[str, float]:
    """The four quantities by definition, in mpmath at 40 digits: a near-pure Gibbs state
    has entries and Wootters lambdas ~1e-20 whose square roots double precision cannot
    hold (a float reference was off by 2e-10 at one of the points below)."""
    H0n = (v["B"] + v["b"]) * _k("Z", "I") + (v["B"] - v["b"]) * _k("I", "Z")
    HBn = (H0n + v["Jx"] * _k("X", "X") + v["Jy"] * _k("Y", "Y") + v["Jz"] * _k("Z", "Z")
           + v["D"] * (_k("X", "Y") - _k("Y", "X")) + v["K"] * (_k("X", "Y") + _k("Y", "X")))
    with mp.workdps(40):
        to_mp = lambda a: mp.matrix([[mp.mpc(complex(x)) for x in row] for row in a])
        HB, H0, flip = to_mp(HBn), to_mp(H0n), to_mp(_k("Y", "Y"))
        E, V = mp.eighe(HB)
        weights = [mp.exp(-mp.mpf(v["beta"]) * (x - min(E))) for x in E]
        total = mp.fsum(weights)
        p = [x / total for x in weights]
        rho = V * mp.diag(p) * V.H
        root = V * mp.diag([mp.sqrt(x) for x in p]) * V.H
        conj = mp.matrix([[mp.conj(rho[i, j]) for j in range(4)] for i in range(4)])
        lam = sorted((mp.sqrt(max(mp.re(x), 0)) for x in
                      mp.eighe(root * flip * conj * flip * root, eigvals_only=True)), reverse=True)
        r = sorted(p, reverse=True)
        e = sorted(mp.re(x) for x in mp.eighe(H0, eigvals_only=True))
        energy = mp.re(sum((rho * H0)[i, i] for i in range(4)))
        return {
            "ergotropy": float(energy - mp.fsum(x * y for x, y in zip(r, e))),
            "capacity": float(mp.fsum(x * (y - z) for x, y, z in zip(r, e[::-1], e))),
            "concurrence": float(max(0, lam[0] - lam[1] - lam[2] - lam[3])),
            "l1_coherence": float(mp.fsum(abs(rho[i, j]) for i in range(4) for j in range(4)
                                          if i != j)),
        }


def _points(count: int) -> list[dict[str, float]]:
    rng = random.Random(SEED + 41)
    out = []
    for _ in range(count):
        out.append({"B": rng.uniform(-2, 2), "b": rng.uniform(-2, 2), "Jx": rng.uniform(-2, 2),
                    "Jy": rng.uniform(-2, 2), "Jz": rng.uniform(-3, 3), "D": rng.uniform(-2, 2),
                    "K": rng.uniform(-2, 2), "beta": rng.uniform(0, 4)})
    return out


@pytest.fixture(scope="module")
def printed():
    """Each formula of the section as a numeric function of the battery's parameters."""
    section = build("thermal")
    formulas = [f for f in section.all_formulas() if f.claim is not None]
    names = list(PACKAGE_NAMES)
    args = [PACKAGE_NAMES[n] for n in names]
    return {f.claim.name: sp.lambdify(args, f.explicit(), "mpmath") for f in formulas}, names


def test_every_quantity_of_the_section_is_checked(printed):
    functions, _ = printed
    assert set(functions) == {"ergotropy", "capacity", "concurrence", "l1_coherence"}


def test_printed_formulas_match_brute_force(printed):
    """40 seeded points, including B < |b| (H0's levels swap roles) and |Jz| large (the
    two blocks' levels interleave differently): every ordering the min/max must handle."""
    functions, names = printed
    orderings = set()
    for v in _points(40):
        expected = _reference(v)
        orderings.add((abs(v["B"]) > abs(v["b"]), v["Jz"] > 0))
        for name, function in functions.items():
            with mp.workdps(30):  # the printed cosh - sinh forms cancel at low temperature
                got = complex(function(*(mp.mpf(v[n]) for n in names)))
            assert abs(got.imag) < 1e-12 and abs(got.real - expected[name]) < TOLERANCE, (name, v)
    assert len(orderings) == 4


def test_the_check_can_fail():
    """One sign flipped in the printed ergotropy (the KSEA term's) is caught."""
    formula = next(f for f in thermal_formulas() if f.claim.name == "ergotropy")
    wrong = formula.explicit().xreplace({PACKAGE_NAMES["K"]: -PACKAGE_NAMES["K"] + 1})
    v = _points(1)[0]
    value = complex(sp.N(wrong.xreplace({PACKAGE_NAMES[n]: sp.Float(x) for n, x in v.items()})))
    assert abs(value.real - _reference(v)["ergotropy"]) > 1e-3
