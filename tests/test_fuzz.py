"""Property-based fuzzing of evaluate, charging_time, max_power and the CLI.

Every input either gives finite values inside the physical range of each quantity
(and, for evaluate, within the documented float bound of the mpmath path), or a
ValueError / a one-line exit 2. Hypothesis runs derandomised (seeded), with a
deadline per example so a hang fails. ``QB_FUZZ_SCALE`` multiplies the example
counts (default 1: 2,000 examples in all).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
from datetime import timedelta
from decimal import Decimal

import mpmath as mp
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qb_symbolic as qb
from qb_symbolic.cli import main
from qb_symbolic.numeric.evaluate import resolve

SCALE = float(os.environ.get("QB_FUZZ_SCALE", "1"))
COMMON = {"derandomize": True, "database": None, "deadline": timedelta(seconds=30),
          "suppress_health_check": [HealthCheck.too_slow]}
MODELS = ("parallel", "ising", "xxz", "xyz", "general")
NAMES = ("Omega", "J", "gamma", "Delta", "D", "omega0")


def _wide_floats():
    """Numbers across the whole double range, zero and small integers included."""
    return st.one_of(
        st.just(0.0), st.integers(-3, 3).map(float),
        st.floats(-10.0, 10.0, allow_nan=False),
        st.builds(lambda m, e: m * 10.0**e, st.floats(-9.99, 9.99, allow_nan=False),
                  st.integers(-300, 300)),
    )


def _values():
    bad = st.sampled_from([float("nan"), float("inf"), "abc", "1/0", 10**400, True, 1 + 2j, ""])
    return st.one_of(_wide_floats(), _wide_floats().map(repr), bad)


def _physical_ok(quantity: str, value: float, omega0: float, t: float) -> bool:
    if not math.isfinite(value):
        return False
    low, high = {
        "energy": (-2 * omega0, 2 * omega0), "ergotropy": (0.0, 4 * omega0),
        "power": (0.0, 4 * omega0 / t if t > 0 else 0.0), "steering": (1.0, math.sqrt(3)),
    }.get(quantity, (0.0, 1.0))
    return low <= value <= high


def _phase_bound(p: dict, t: float) -> float:
    """max_k |nu_k| t <= 2 |lambda|_max t, |lambda| <= 2|Omega| + |J|(2 + |gamma| + |Delta|) + 2|D|."""
    scale = (2 * abs(p["Omega"]) + abs(p["J"]) * (2 + abs(p["gamma"]) + abs(p["Delta"]))
             + 2 * abs(p["D"]))
    return 0.0 if t == 0 else 2 * scale * t  # scale may overflow to inf: then no bound


def _tolerance(quantity: str, p: dict, t: float) -> float:
    relative = 1e-12 + 1e-14 * _phase_bound(p, t)
    if quantity in ("energy", "ergotropy"):
        return relative * p["omega0"]
    if quantity == "power":
        return relative * p["omega0"] / t if t > 0 else 0.0
    return 100 * relative


@settings(max_examples=int(1500 * SCALE), **COMMON)
@given(model=st.sampled_from(MODELS), params=st.dictionaries(st.sampled_from(NAMES), _values()),
       t=st.one_of(_wide_floats().map(abs), _values()))
def test_evaluate_is_right_or_refuses(model, params, t):
    try:
        values = qb.evaluate_many(qb.QUANTITIES, t, model=model, **params)
    except ValueError:
        return
    resolved = {k: float(v) for k, v in resolve(model, params).items()}
    time = float(t)
    # the reference takes each float's exact binary value (Decimal), not its shortest repr:
    # for a subnormal input (omega0 = 2.2250738585e-313) the repr is off by up to half an
    # ulp, 1e-11 relative, more than the tolerance (hypothesis 6.170 found that case)
    precise = qb.evaluate_many(qb.QUANTITIES, str(Decimal(time)), model=model, digits=20,
                               **{k: str(Decimal(v)) for k, v in resolved.items()})
    for quantity, value in values.items():
        value = float(value)
        assert _physical_ok(quantity, value, resolved["omega0"], time), (quantity, value)
        error = abs(value - float(precise[quantity][()]))
        assert error <= _tolerance(quantity, resolved, time) * 1.0001, (quantity, error)


@settings(max_examples=int(200 * SCALE), **COMMON)
@given(model=st.sampled_from(MODELS), power=st.booleans(),
       params=st.dictionaries(st.sampled_from(NAMES), st.one_of(
           st.floats(-20, 20, allow_nan=False), _values())),
       window=st.one_of(st.none(), st.floats(1e-3, 200.0), _values()))
def test_charging_times_are_right_or_refuse(model, power, params, window):
    function = qb.max_power if power else qb.charging_time
    try:
        result = function(model, window=window, **params)
    except ValueError:
        return
    T = result.window[1]
    with mp.workdps(50):
        omega0 = mp.mpf(repr(result.params["omega0"]))  # floats are read as decimals
        assert 0 <= result.t <= T
        assert result.t > 0 or result.value == 0  # t = 0 only for a battery that never charges
        assert mp.isfinite(result.value) and result.value >= 0
        if not power:
            assert result.value <= 4 * omega0 * (1 + mp.mpf(10) ** -30)
        else:
            assert result.value * result.t <= 4 * omega0 * (1 + mp.mpf(10) ** -30)


def _argv():
    number = st.one_of(_wide_floats().map(repr), st.sampled_from(["nan", "inf", "-1", "x", ""]))
    options = st.lists(st.tuples(st.sampled_from([f"--{n}" for n in NAMES] + ["--window"]),
                                 number), max_size=4)
    times = st.one_of(st.lists(st.floats(0, 100), min_size=1, max_size=3).map(
        lambda ts: ",".join(repr(x) for x in ts)), st.sampled_from(["", "0:1:5", "0:1:1e2", "-1"]))
    return st.tuples(st.sampled_from(["eval", "tmin", "max-power"]),
                     st.sampled_from(["ergotropy", "power", "coherence", "entropy"]),
                     st.sampled_from(MODELS + ("heisenberg",)), options, times,
                     st.sampled_from([None, "20", "0"]))


@settings(max_examples=int(300 * SCALE), **COMMON)
@given(parts=_argv())
def test_cli_answers_or_refuses_in_one_line(parts):
    command, quantity, model, options, times, digits = parts
    argv = [command] + ([quantity] if command == "eval" else []) + ["--model", model]
    for name, value in options:
        if name != "--window" or command != "eval":
            argv.append(f"{name}={value}")
    if command == "eval":
        argv.append(f"--t={times}")
        if digits is not None:
            argv.append(f"--digits={digits}")
    argv.append("--json")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    if code == 2:
        assert out.getvalue() == "" and len(err.getvalue().strip().splitlines()) == 1
        assert "Traceback" not in err.getvalue()
        return
    assert code == 0, (argv, err.getvalue())
    payload = json.loads(out.getvalue())
    for value in payload.get("values", []):
        assert np.isfinite(float(value)), argv
