"""The qb-symbolic command: examples, JSON shape, one-line errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from qb_symbolic.cli import main


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_tmin_parallel_is_pi_over_four_in_a_real_process():
    proc = subprocess.run(
        [sys.executable, "-m", "qb_symbolic", "tmin", "--model", "parallel", "--Omega", "2", "--json"],
        capture_output=True, text=True, check=True,
    )
    payload = json.loads(proc.stdout)
    assert set(payload) >= {"model", "params", "t_min", "ergotropy_max", "full_charge"}
    # Parallel charging: zeta = 4 omega0 sin^2(Omega t), first maximum at pi/(2 Omega) = pi/4.
    assert abs(payload["t_min"] - math.pi / 4) < 1e-15
    assert payload["full_charge"] is True and abs(payload["ergotropy_max"] - 4) < 1e-15
    assert payload["t_min_exact"] == "pi/4"


def test_eval_json(capsys):
    code, out, _ = run(["eval", "ergotropy", "--model", "parallel", "--Omega", "1",
                        "--t", "0,0.5,1", "--json"], capsys)
    payload = json.loads(out)
    assert code == 0 and set(payload) == {"quantity", "model", "params", "t", "values"}
    assert payload["t"] == [0.0, 0.5, 1.0]
    for time, value in zip(payload["t"], payload["values"]):
        assert abs(value - 4 * math.sin(time) ** 2) < 1e-14  # 4 omega0 sin^2(Omega t)


def test_eval_digits_gives_strings(capsys):
    code, out, _ = run(["eval", "ergotropy", "--model", "parallel", "--t", "0.5", "--digits", "40",
                        "--json"], capsys)
    value = json.loads(out)["values"][0]
    assert code == 0 and isinstance(value, str)
    import mpmath as mp

    with mp.workdps(45):
        assert abs(mp.mpf(value) - 4 * mp.sin(mp.mpf("0.5")) ** 2) < mp.mpf(10) ** -38


def test_max_power_json_and_tables(capsys):
    code, out, _ = run(["max-power", "--model", "ising", "--D", "3", "--json"], capsys)
    payload = json.loads(out)
    assert code == 0 and set(payload) >= {"model", "params", "t", "power_max"}
    assert payload["params"]["gamma"] == 1.0 and payload["params"]["D"] == 3.0
    for argv in (["eval", "coherence", "--model", "xxz", "--Delta", "2", "--t", "0:1:3"],
                 ["tmin", "--model", "ising", "--D", "3"],
                 ["max-power", "--model", "xxz", "--Delta", "2", "--D", "1.7"]):
        code, out, err = run(argv, capsys)
        assert code == 0 and err == "" and "model" in out.splitlines()[0]


BAD_INPUTS = [
    (["eval", "ergotropy", "--model", "heisenberg", "--t", "1"], "unknown model"),
    (["eval", "entropy", "--t", "1"], "unknown quantity"),
    (["eval", "ergotropy", "--Omega", "abc", "--t", "1"], "expected a number"),
    (["eval", "ergotropy", "--t", "1,x"], "expected times"),
    (["eval", "ergotropy", "--model", "ising", "--gamma", "0.5", "--t", "1"], "fixes gamma"),
    (["eval", "ergotropy", "--model", "parallel", "--J", "1", "--t", "1"], "fixes J"),
    (["tmin", "--model", "ising", "--Omega", "0"], "Omega must be > 0"),
    (["max-power", "--model", "ising", "--Omega", "-1"], "Omega must be >= 0"),
    (["eval", "ergotropy", "--t", "-1"], "t must be >= 0"),
    (["eval", "ergotropy", "--omega0", "0", "--t", "1"], "omega0 must be > 0"),
    (["eval", "ergotropy", "--D", "nan", "--t", "1"], "finite"),
    (["eval", "ergotropy", "--model", "xyz", "--t", "1"],
     "needs a nonzero gamma (gamma=... in Python, --gamma on the command line)"),
    (["tmin", "--window", "0"], "window must be > 0"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize("argv, message", BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_gets_one_line(argv, message, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_bad_input_in_a_real_process_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "qb_symbolic", "tmin", "--model", "ising",
                           "--Omega", "0"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and proc.stdout == ""
