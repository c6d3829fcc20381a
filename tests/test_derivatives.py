"""Exact derivatives (issue 14, point 4): the chain-rule chain against a 50-digit mpmath
central difference of ``evaluate(digits=60)``, numpy against mpmath, hand results, bad input."""

from __future__ import annotations

import random

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.cli import main

#: The chain evaluated at 50 digits against a central difference with h = 1e-20 of the
#: 60-digit closed form: truncation ~h^2 f''' ~ 1e-40, rounding ~1e-60/h = 1e-40.
PRECISE_TOLERANCE = mp.mpf(10) ** -25
QUARTIC = qb.Battery.from_string("(B + b)*XI + (B - b)*IX + J*(XX + YY + Delta*ZZ) + D*(XY - YX)")


def _central(quantity, wrt, t, target, values):
    h = sp.Rational(1, 10**20)

    def f(x):
        v, tt = dict(values), t
        if wrt == "t":
            tt = t + x
        else:
            v[wrt] = v[wrt] + x
        return qb.evaluate(quantity, tt, **target, digits=60, **v)[()]

    with mp.workdps(70):
        return (f(h) - f(-h)) / (2 * mp.mpf(h.p) / h.q)


def _seeded(names: tuple[str, ...], salt: int) -> dict:
    """Seeded random rational values (positive Omega and omega0)."""
    rng = random.Random(SEED + 97 + salt)
    return {n: sp.Rational(rng.randint(3, 20), 10) if n in ("Omega", "omega0")
            else sp.Rational(rng.randint(-20, 20), 10) for n in names}


ISING = ("Omega", "J", "D", "omega0")


@pytest.mark.parametrize("quantity, wrt, target, values", [
    ("ergotropy", "D", {"model": "ising"}, _seeded(ISING, 1)),
    ("power", "J", {"model": "ising"}, _seeded(ISING, 2)),
    ("coherence", "t", {"model": "ising"}, _seeded(ISING, 3)),
    ("ergotropy", "b", {"battery": QUARTIC}, _seeded(QUARTIC.names, 4)),
])
def test_derivatives_match_a_50_digit_central_difference(quantity, wrt, target, values):
    t = sp.Rational(37, 100)
    exact = qb.derivative(quantity, wrt, t, digits=50, **target, **values)
    with mp.workdps(60):
        assert abs(exact - _central(quantity, wrt, t, target, values)) < PRECISE_TOLERANCE
    floats = {k: float(v) for k, v in values.items()}
    found = qb.derivative(quantity, wrt, np.array([0.37]), **target, **floats)
    assert abs(float(found[0]) - float(exact)) < 1e-10


def test_hand_results_and_broadcasting():
    """Parallel battery: zeta = 4 omega0 sin^2(Omega t), so d zeta/dt = 4 omega0 Omega
    sin(2 Omega t) and d zeta/d Omega = 4 omega0 t sin(2 Omega t)."""
    t = np.linspace(0.1, 2, 7)[None, :]
    Omega = np.array([0.5, 1.3])[:, None]
    dt = qb.derivative("ergotropy", "t", t, model="parallel", Omega=Omega, omega0=0.8)
    dO = qb.derivative("ergotropy", "Omega", t, model="parallel", Omega=Omega, omega0=0.8)
    assert dt.shape == (2, 7)
    assert np.max(np.abs(dt - 3.2 * Omega * np.sin(2 * Omega * t))) < 1e-13
    assert np.max(np.abs(dO - 3.2 * t * np.sin(2 * Omega * t))) < 1e-13
    with mp.workdps(15):  # the 40-digit path leaves the global precision alone
        value = qb.derivative("ergotropy", "t", sp.pi / 8, model="parallel", digits=40,
                              Omega=1, omega0=1)
        assert mp.mp.dps == 15
    with mp.workdps(45):
        assert abs(value - 4 * mp.sin(mp.pi / 4)) < mp.mpf(10) ** -38
    grid = qb.derivative("ergotropy", "Omega", [[0.25, 0.5]], model="parallel", digits=30,
                         Omega=[[1], [2]], omega0=1)  # broadcast as evaluate does: (2, 2)
    assert grid.shape == (2, 2)
    with mp.workdps(35):
        for (i, j), x in np.ndenumerate(grid):
            w, tt = mp.mpf(i + 1), mp.mpf([0.25, 0.5][j])
            assert abs(x - 4 * tt * mp.sin(2 * w * tt)) < mp.mpf(10) ** -28


def test_bad_derivative_input(capsys):
    with pytest.raises(ValueError, match="cannot differentiate with respect to 'Q'"):
        qb.derivative("ergotropy", "Q", 0.5, model="ising")
    with pytest.raises(ValueError, match="at t = 0 is not available"):
        qb.derivative("power", "t", [0.0, 1.0], model="ising")
    with pytest.raises(ValueError, match="cannot be exported"):
        qb.derivative("steerability", "D", 0.5, model="ising")
    assert main(["eval", "ergotropy", "--model", "ising", "--t", "0.5", "--wrt", "Q"]) == 2
    err = capsys.readouterr().err.strip()
    assert "cannot differentiate with respect to 'Q'" in err and "\n" not in err
    assert main(["eval", "ergotropy", "--model", "parallel", "--t", "0.5", "--wrt", "t",
                 "--json"]) == 0
    import json

    printed = json.loads(capsys.readouterr().out)
    assert printed["quantity"] == "d ergotropy/d t"
    assert abs(printed["values"][0] - 4 * np.sin(1.0)) < 1e-13


def test_chain_source_cached_on_disk_and_equal_to_stepwise(tmp_path):
    """The chain printed once as one function (cached on disk: a fresh process reads it
    back and gives the same bits) equals the assignment-by-assignment lambdify."""
    import os
    import subprocess
    import sys

    from qb_symbolic.numeric.closed_form import derivatives

    forms = qb.derivative_expr("ergotropy", "D", model="ising")
    values = {"Omega": 0.8, "J": 1.1, "D": 0.6, "omega0": 1.0}
    t = np.linspace(0.1, 3.0, 7)
    args = [values[s.name] for s in forms.parameters]
    whole = derivatives._compiled(forms, "numpy", f"test-{os.getpid()}")
    steps = derivatives._stepwise(forms, "numpy")
    assert np.max(np.abs(whole(*args, t) - steps(*args, t))) < 1e-12
    script = ("import qb_symbolic as qb, numpy as np\n"
              "print(repr(qb.derivative('power', 'Omega', np.linspace(0.1, 3.0, 7),"
              " model='parallel', Omega=0.8, omega0=1.0).tolist()))\n")
    env = dict(os.environ, QB_SYMBOLIC_CACHE=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert any(p.name.startswith("chain-") for p in tmp_path.iterdir())
    # parallel cells: P = 4 omega0 sin^2(Omega t)/t, dP/dOmega = 4 omega0 sin(2 Omega t)
    assert np.max(np.abs(np.array(eval(runs[0])) - 4 * np.sin(1.6 * t))) < 1e-12
