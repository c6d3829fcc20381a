"""Trust at the edges: exact high-precision inputs, extreme magnitudes, clean failures.

Every expected value comes from an independent source: an mpmath ``expm`` of the
4x4 Hamiltonian built in ``conftest`` (at enough digits for the phase), or a hand
calculation written next to it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tracemalloc

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import mp_evolved_state

import qb_symbolic as qb
from qb_symbolic.cli import main
from qb_symbolic.numeric.base.fallback import FALLBACK_POINTS


#: The float path's documented bound at phase P (zeta/omega0): 1e-12 + 1e-14 P.
def float_bound(phase: float) -> float:
    return 1e-12 + 1e-14 * phase


def reference_ergotropy(params: dict, t, dps: int) -> mp.mpf:
    """zeta = 2 omega0 (|a_uu|^2 - |a_dd|^2 + 1) from expm at ``dps`` digits."""
    with mp.workdps(dps):
        p = {k: mp.mpf(v) for k, v in params.items()}
        psi = mp_evolved_state(p, mp.mpf(t), dps=dps)
        return 2 * p.get("omega0", 1) * (abs(psi[0]) ** 2 - abs(psi[3]) ** 2 + 1)


GENERAL = {"Omega": "1", "J": "1", "gamma": "0", "Delta": "0", "D": "0"}

# --------------------------------------------------------------------------
# 1. digits= never depends on mpmath's global precision
# --------------------------------------------------------------------------

_FRESH = textwrap.dedent("""
    import json, sympy, mpmath, qb_symbolic as qb
    before = mpmath.mp.dps
    out = {}
    for name, t in (("float", 0.1), ("string", "0.1"), ("rational", sympy.Rational(1, 10))):
        x = qb.evaluate("ergotropy", t, model="general", Omega=1, J=1, gamma=0, Delta=0, D=0,
                        digits=40)[()]
        out[name] = mpmath.nstr(x, 45)
    y = qb.evaluate("energy", "0.7", model="general", Omega="0.3", J="-1.1", gamma="0.4",
                    Delta="1.9", D="2.3", omega0="1.5", digits=40)[()]
    out["general"] = mpmath.nstr(y, 45)
    out["dps"] = [before, mpmath.mp.dps]
    print(json.dumps(out))
""")


def test_digits_in_a_fresh_process_match_a_60_digit_reference():
    proc = subprocess.run([sys.executable, "-c", _FRESH], capture_output=True, text=True,
                          check=True)
    out = json.loads(proc.stdout)
    assert out["dps"] == [15, 15]  # mpmath's default, untouched
    reference = reference_ergotropy(GENERAL, "0.1", 60)
    with mp.workdps(60):
        for name in ("float", "string", "rational"):
            assert abs(mp.mpf(out[name]) - reference) < mp.mpf(10) ** -38, name
        general = {"Omega": "0.3", "J": "-1.1", "gamma": "0.4", "Delta": "1.9", "D": "2.3",
                   "omega0": "1.5"}
        energy = reference_ergotropy(general, "0.7", 60) - 2 * mp.mpf("1.5")  # <H0> = zeta - 2 w0
        assert abs(mp.mpf(out["general"]) - energy) < mp.mpf(10) ** -38


def test_digits_leave_a_raised_global_precision_alone():
    with mp.workdps(33):
        qb.evaluate("ergotropy", "0.1", digits=40)
        assert mp.mp.dps == 33


def test_cli_digits_in_a_fresh_process():
    proc = subprocess.run([sys.executable, "-m", "qb_symbolic", "eval", "ergotropy", "--t", "0.1",
                           "--digits", "40", "--json"], capture_output=True, text=True, check=True)
    value = json.loads(proc.stdout)["values"][0]
    with mp.workdps(60):
        assert abs(mp.mpf(value) - reference_ergotropy(GENERAL, "0.1", 60)) < mp.mpf(10) ** -38


# --------------------------------------------------------------------------
# 3. CLI failures are one line, exit code 2
# --------------------------------------------------------------------------


def _run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_unwritable_output_folders_are_one_line(tmp_path, capsys):
    existing = tmp_path / "a-file"
    existing.write_text("x")
    for argv in (["latex", "--out", "/proc/nope", "--no-pdf"], ["claims", "--out", str(existing)],
                 ["figures", "--out", str(existing / "below")]):
        code, _, err = _run(argv, capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "cannot write" in err, argv


@pytest.mark.parametrize("times, message", [("", "expected times"), (",", "expected times"),
                                            ("0:1:0", "expected times"),
                                            ("0:1:2.5", "expected times")])
def test_bad_time_lists(times, message, capsys):
    code, out, err = _run(["eval", "ergotropy", f"--t={times}"], capsys)
    assert code == 2 and out == "" and message in err


def test_counts_in_exponent_form_and_no_negative_zero(capsys):
    code, out, _ = _run(["eval", "ergotropy", "--model", "parallel", "--t", "0:1:1e2", "--json"],
                        capsys)
    payload = json.loads(out)
    assert code == 0 and len(payload["values"]) == 100
    code, out, _ = _run(["eval", "energy", "--model", "parallel", "--t=-0,0"], capsys)
    assert code == 0 and "-0 " not in out and " -0\n" not in out + "\n"
    from qb_symbolic.cli import _times

    assert len(_times("0:1:1e7")) == 10_000_000  # parsed, not refused


def test_error_messages_show_no_numpy_repr():
    with pytest.raises(ValueError) as info:
        qb.evaluate("ergotropy", 1.0, D=np.array([np.nan]))
    assert "array(" not in str(info.value) and "nan" in str(info.value)
    with pytest.raises(ValueError) as info:
        qb.evaluate("ergotropy", np.array([1.0, np.inf]))
    assert "array(" not in str(info.value) and "inf" in str(info.value)


# --------------------------------------------------------------------------
# 4. Extreme magnitudes: never NaN, never outside the physical range
# --------------------------------------------------------------------------

EXTREMES = [
    ({"t": "1e155"}, 200),
    ({"t": "1", "D": "1e154"}, 200),
    ({"t": "1", "Omega": "1e100"}, 140),
    ({"t": "1", "J": "1e160"}, 200),
    ({"t": "1e20", "model": "ising"}, 70),
    ({"t": "1", "D": "1e50"}, 90),
    ({"t": "1", "D": "1e100", "model": "ising"}, 140),
]


@pytest.mark.parametrize("case, dps", EXTREMES, ids=[str(c) for c, _ in EXTREMES])
def test_extreme_inputs_are_right_or_refused(case, dps):
    case = dict(case)
    model = case.pop("model", "general")
    t = case.pop("t")
    floats = {k: float(v) for k, v in case.items()}
    values = qb.evaluate_many(qb.QUANTITIES, float(t), model=model, **floats)
    params = {**GENERAL, **({"gamma": "1"} if model == "ising" else {}), **case}
    zeta = reference_ergotropy(params, t, dps)  # the expm reference at enough digits
    for quantity, value in values.items():
        assert np.isfinite(value), quantity
    assert abs(values["ergotropy"] - float(zeta)) < 1e-12
    # omega0 = 1: <H0> = zeta - 2; pure states: F3^2 + 2 Q^2 = 3 and F3^2 = 1 + 2 C^2
    # (identities proved in tests/test_quantities.py), so the other outputs are tied to it.
    assert abs(values["energy"] - (values["ergotropy"] - 2)) < 1e-12
    assert abs(values["steering"] ** 2 + 2 * values["coherence"] ** 2 - 3) < 1e-9
    assert abs(values["steering"] ** 2 - 1 - 2 * values["concurrence"] ** 2) < 1e-9


def test_phases_just_inside_the_float_limit_keep_the_documented_bound():
    # D = 1e6, t = 100: phase about 4e8 rad, below PHASE_LIMIT = 1e9.
    value = qb.evaluate("ergotropy", 100.0, model="ising", D=1e6)[()]
    reference = reference_ergotropy({**GENERAL, "gamma": "1", "D": "1e6"}, "100", 60)
    phase = 4 * 1e6 * 100
    assert abs(value - float(reference)) <= 4 * float_bound(phase)


def test_too_many_unresolvable_points_are_refused_not_guessed():
    with pytest.raises(ValueError, match="digits="):
        qb.evaluate("ergotropy", np.full(FALLBACK_POINTS + 1, 1e20))


def test_results_beyond_double_range_are_refused():
    # At t = 0 the battery is |dd>, energy -2 omega0 = -2e308, below -1.8e308 (float max).
    with pytest.raises(ValueError, match="digits="):
        qb.evaluate("energy", 0.0, omega0=1e308)
    big = qb.evaluate("energy", 0, omega0="1e308", digits=20)[()]
    with mp.workdps(30):
        assert abs(big / mp.mpf("1e308") + 2) < mp.mpf(10) ** -19


def test_huge_integers_are_a_value_error():
    with pytest.raises(ValueError, match="beyond double precision"):
        qb.evaluate("ergotropy", 1.0, D=10**400)
    with pytest.raises(ValueError, match="beyond double precision"):
        qb.evaluate("ergotropy", [1.0, 10**400])
    # The mpmath path takes it: |D| t huge, so zeta is that of a huge DM phase, in range.
    value = qb.evaluate("ergotropy", 1, D=10**400, digits=15)[()]
    assert 0 <= value <= 4


# --------------------------------------------------------------------------
# 5. Smaller ones
# --------------------------------------------------------------------------


def test_zero_field_with_a_window_charges_through_the_anisotropy():
    # Omega = 0: on span{|uu>, |dd>} H = J Delta + 2 J gamma sigma_x (sx sx|dd> = |uu>,
    # sy sy|dd> = -|uu>), so zeta = 4 omega0 sin^2(2 J gamma t): t_min = pi/(4 J gamma).
    result = qb.charging_time("general", window=2, Omega=0, J=1, gamma=0.5, Delta=0.3)
    with mp.workdps(50):
        assert abs(result.t - mp.pi / 2) < mp.mpf(10) ** -30
        assert abs(result.value - 4) < mp.mpf(10) ** -30 and result.full_charge
    with pytest.raises(ValueError, match="give a window"):
        qb.charging_time("general", Omega=0)


@pytest.mark.parametrize("window", [float("inf"), float("nan"), "abc", -1.0, 0])
def test_bad_windows(window):
    with pytest.raises(ValueError, match="window"):
        qb.charging_time("ising", window=window, D=1)


def test_state_measures_of_a_numpy_werner_state_are_floats():
    # rho = p |psi-><psi-| + (1 - p) 1/4: reduced states 1/2, so Q = 0; the singlet's
    # correlation matrix is -1 (3x3), so T = -p 1 and F3_max = sqrt(3) p.
    p = 0.6
    singlet = np.array([0, 1, -1, 0]) / np.sqrt(2)
    rho = p * np.outer(singlet, singlet) + (1 - p) * np.eye(4) / 4
    q, f3 = qb.coherence_of_state(rho), qb.steering_of_state(rho)
    assert type(q) is float and type(f3) is float
    assert abs(q) < 1e-15 and abs(f3 - np.sqrt(3) * p) < 1e-14


def test_ergotropy_of_state_refuses_what_is_not_a_state():
    h = np.diag([2.0, 0.0, 0.0, -2.0])
    with pytest.raises(ValueError, match="trace 1"):
        qb.ergotropy_of_state(np.eye(4) / 2, h)
    with pytest.raises(ValueError, match="not Hermitian"):
        qb.ergotropy_of_state(np.triu(np.ones((4, 4))) / 4, h)
    with pytest.raises(ValueError, match="positive semidefinite"):
        qb.ergotropy_of_state(np.diag([1.5, -0.5, 0, 0]), h)
    with pytest.raises(ValueError, match="not Hermitian"):
        qb.ergotropy_of_state(np.eye(4) / 4, np.triu(np.ones((4, 4))))
    with pytest.raises(ValueError, match="trace 1"):
        qb.ergotropy_of_state(sp.eye(4) / 2, sp.diag(2, 0, 0, -2))
    # |uu><uu| against H0 = diag(2, 0, 0, -2): the most excited state, ergotropy 4.
    assert qb.ergotropy_of_state(np.diag([1.0, 0, 0, 0]), h) == 4.0


def test_strings_read_the_same_in_evaluate_and_battery():
    assert qb.Battery("ising", D="1/3").params["D"] == sp.Rational(1, 3)
    assert qb.Battery("ising", D="0.25").params["D"] == sp.Rational(1, 4)
    a = qb.evaluate("ergotropy", 0.7, model="ising", D="1/3")[()]
    b = qb.evaluate("ergotropy", 0.7, model="ising", D=1 / 3)[()]
    assert abs(a - b) < 1e-15
    for bad in ("abc", "1/0", "nan", ""):
        with pytest.raises(ValueError):
            qb.Battery("ising", D=bad)
        with pytest.raises(ValueError):
            qb.evaluate("ergotropy", 0.7, model="ising", D=bad)


def test_zero_is_never_negative_zero():
    values = qb.evaluate_many(qb.QUANTITIES, [0.0, -0.0], model="ising", D=3)
    for quantity in ("ergotropy", "power", "concurrence"):
        assert not np.any(np.signbit(values[quantity])), quantity


# --------------------------------------------------------------------------
# 7. LaTeX progress, 8. memory
# --------------------------------------------------------------------------


def test_latex_prints_progress(tmp_path, capsys):
    code, out, _ = _run(["latex", "--out", str(tmp_path), "--no-pdf"], capsys)
    lines = [line for line in out.splitlines() if "] derived " in line]
    # one line per section of the document: the paper's six and the thermal battery's
    assert code == 0 and len(lines) == 7 and lines[0].startswith("[1/7]")


def _peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("quantity", ["ergotropy", "power", "coherence"])
def test_memory_per_output_point_stays_small(quantity):
    def run(n):
        t = np.linspace(0, 50, n)
        return lambda: qb.evaluate(quantity, t, model="general", J=1.3, gamma=0.3, D=0.7)

    small, large = 500_000, 2_000_000
    qb.evaluate(quantity, np.linspace(0, 1, 100), model="general")  # generated code, cached
    slope = (_peak_bytes(run(large)) - _peak_bytes(run(small))) / (large - small)
    assert slope <= 64, f"{slope:.1f} bytes per output point"


def test_empty_parameter_arrays_give_empty_answers():
    """A zero-length parameter axis broadcasts to a zero-length answer on every path
    (preset, user battery on and off the uniform grid, mpmath, thermal start, chain);
    an empty t stays an error (nothing to evaluate)."""
    user = qb.Battery.from_string("(B + b)*XI + (B - b)*IX + J*(XX + YY + Delta*ZZ) + D*(XY - YX)")
    gibbs = qb.gibbs_battery("xyz")
    none = np.zeros((0, 1))
    grid, loose = np.linspace(0, 10, 100), np.array([0.1, 0.7, 0.2])
    fixed = {"B": 1, "b": 0.3, "J": 1, "Delta": 0.4}
    cases = [
        (qb.evaluate("ergotropy", grid[None, :], model="ising", D=none, Omega=1, J=1), (0, 100)),
        (qb.evaluate("coherence", loose, model="ising", D=none, Omega=1, J=1), (0, 3)),
        (qb.evaluate("ergotropy", grid, battery=user, D=none, **fixed), (0, 100)),
        (qb.evaluate("ergotropy", loose, battery=user, D=none, **fixed), (0, 3)),
        (qb.evaluate("ergotropy", loose, battery=user, D=none, digits=20, **fixed), (0, 3)),
        (qb.evaluate("ergotropy", loose, battery=gibbs,
                     **{p.name: none if k == 0 else 0.5 for k, p in enumerate(gibbs.parameters)}),
         (0, 3)),
        (qb.evaluate("ergotropy", loose, battery=qb.chain(4, "ising"), D=none, Omega=1, J=1),
         (0, 3)),
    ]
    for found, shape in cases:
        assert found.shape == shape
    with pytest.raises(ValueError, match="t is empty"):
        qb.evaluate("ergotropy", np.zeros(0), model="ising", Omega=1, J=1)
