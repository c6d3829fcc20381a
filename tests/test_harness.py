"""``qb-symbolic export QUANTITY --lang c|rust|fortran --harness`` (issue 23): a whole program,
compiled by the exact line in its header without one warning, run with the parameters (in the
header's order) and times on its command line; its values against ``qb.evaluate`` at the same
arguments (the package's Newton-form evaluators, a different derivation from the exported
spectral form) and, for one battery, a numpy ``eigh`` brute force. The plain exports compile
warning-free too (``-Wall -Wextra``, ``gfortran -Wall -Wextra``, rustc's defaults)."""

from __future__ import annotations

import random
import shlex
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import SEED
from toolchains import need

import qb_symbolic as qb
from qb_symbolic.cli import main

EXTENSION = {"c": "c", "rust": "rs", "fortran": "f90"}
COMPILER = {"c": "cc", "rust": "rustc", "fortran": "gfortran"}
COMMENT = {"c": "//", "rust": "//", "fortran": "!"}
#: Exported spectral form against the Newton-form evaluators at generic points.
TOLERANCE = 1e-12
USER = "B*(XI + IX) + J*ZZ + D*(XY - YX)"
#: (export options, quantity, reference battery, fixed values): a preset, a preset with a
#: value fixed (the power's t = 0 branch too), a user battery with --set (concurrence: its
#: omega0 argument is not needed) and a battery without parameters.
CASES = {
    "general": (["--model", "general"], "ergotropy", {"model": "general"}, {}),
    "ising-D": (["--model", "ising", "--D", "0.5"], "power", {"model": "ising"}, {"D": 0.5}),
    "user-set": (["--hamiltonian", USER, "--set", "D=1/3"], "concurrence",
                 {"battery": qb.Battery.from_string(USER)}, {"D": "1/3"}),
    "no-parameters": (["--hamiltonian", "XI + IX + ZZ", "--h0", "ZI + IZ"], "energy",
                      {"battery": qb.Battery.from_string("XI + IX + ZZ", H0="ZI + IZ")}, {}),
}


def header(text: str, lang: str, key: str) -> str:
    """The rest of the header comment line ``<mark> key ...``."""
    prefix = f"{COMMENT[lang]} {key} "
    return next(line[len(prefix):] for line in text.splitlines() if line.startswith(prefix))


def export(tmp_path: Path, lang: str, argv: list[str], quantity: str) -> tuple[str, Path]:
    path = tmp_path / f"qb_{quantity}.{EXTENSION[lang]}"
    assert main(["export", quantity, "--lang", lang, *argv, "--harness", "-o", str(path)]) == 0
    return path.read_text(), path


def build(tmp_path: Path, text: str, lang: str) -> Path:
    """Compile by the header's own line; the compiler must say nothing (no warning)."""
    line = header(text, lang, "Compile:")
    done = subprocess.run(shlex.split(line), cwd=tmp_path, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0 and done.stderr == "" and done.stdout == "", (line, done.stderr)
    return tmp_path / shlex.split(line)[shlex.split(line).index("-o") + 1]


def arguments(text: str, lang: str) -> list[str]:
    """The parameters in the header's order (t last, left out)."""
    names = header(text, lang, "Arguments, in this order:").split(" (t last)")[0].split(", ")
    assert names[-1] == "t"
    return names[:-1]


def points(names: list[str], seed: int) -> dict[str, float]:
    rng = random.Random(SEED + seed)
    return {n: rng.uniform(0.4, 1.6) if n in ("Omega", "omega0") else rng.uniform(-1.5, 1.5)
            for n in names}


@pytest.mark.parametrize("lang", ["c", "rust", "fortran"])
@pytest.mark.parametrize("case", list(CASES))
def test_harness_compiles_clean_and_agrees(tmp_path, lang, case):
    need(COMPILER[lang])
    argv, quantity, target, fixed = CASES[case]
    text, _ = export(tmp_path, lang, argv, quantity)
    program = build(tmp_path, text, lang)
    names = arguments(text, lang)
    run_line = header(text, lang, "Run:").split("  (")[0].split()
    assert run_line[1:] == [*names, "t", "[t", "...]"]  # the order the header promises
    assert not set(names) & set(fixed)  # fixed values left the argument list
    values = points(names, 7 + len(case))
    times = [0.0, 0.37, 1.9]
    done = subprocess.run([str(program), *(repr(values[n]) for n in names),
                           *(repr(t) for t in times)], capture_output=True, text=True,
                          timeout=60, check=True)
    found = np.array([float(x) for x in done.stdout.split()])
    expected = qb.evaluate(quantity, times, **target, **fixed, **values)
    assert found.shape == (3,) and np.max(np.abs(found - expected)) < TOLERANCE


def test_c_harness_against_a_brute_force(tmp_path):
    """The Ising power at D = 1/2 from |dd> against eigh of Omega (XI + IX) + 2 J XX +
    D (XY - YX) written here: P = (<H0>(t) + 2 omega0)/t, H0 = omega0 (ZI + IZ)."""
    need("cc")
    text, _ = export(tmp_path, "c", ["--model", "ising", "--D", "0.5"], "power")
    program = build(tmp_path, text, "c")
    X, Y, I2 = np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.eye(2)
    Omega, J, omega0, times = 0.8, 1.3, 0.9, [0.25, 1.4, 2.75]
    H = (Omega * (np.kron(X, I2) + np.kron(I2, X)) + 2 * J * np.kron(X, X)
         + 0.5 * (np.kron(X, Y) - np.kron(Y, X)))
    w, V = np.linalg.eigh(H)
    h0 = omega0 * np.diag([2.0, 0.0, 0.0, -2.0])
    expected = []
    for t in times:
        psi = V @ (np.exp(-1j * w * t) * V.conj()[3])
        expected.append((np.real(psi.conj() @ h0 @ psi) + 2 * omega0) / t)
    done = subprocess.run([str(program), "0.8", "1.3", "0.9", *map(str, times)],
                          capture_output=True, text=True, check=True)
    assert np.max(np.abs(np.array(done.stdout.split(), float) - expected)) < 1e-13


@pytest.mark.parametrize("lang", ["c", "rust", "fortran"])
def test_harness_refuses_bad_arguments(tmp_path, lang):
    need(COMPILER[lang])
    text, _ = export(tmp_path, lang, ["--model", "parallel"], "ergotropy")
    program = build(tmp_path, text, lang)  # arguments Omega, omega0, then t
    for argv, message in ((["1"], "usage: qb_ergotropy Omega omega0 t [t ...]"),
                          (["1", "abc", "0.5"], "not a finite number: abc"),
                          (["1", "1", "-1"], "t must be >= 0")):
        done = subprocess.run([str(program), *argv], capture_output=True, text=True, check=False)
        assert done.returncode == 2 and message in done.stderr and done.stdout == "", done


QUANTITIES = ("energy", "ergotropy", "power", "concurrence", "coherence", "steering")


@pytest.mark.parametrize("lang, build_line", [
    ("c", "cc -O2 -Wall -Wextra -std=c99 -pedantic -c {file} -o {file}.o"),
    ("rust", "rustc --crate-type=lib --out-dir {dir} {file}"),
    ("fortran", "gfortran -O2 -Wall -Wextra -c {file} -o {file}.o"),
])
def test_plain_exports_compile_without_warnings(tmp_path, lang, build_line):
    """Every quantity of the general preset and of a user battery (the old C export warned
    about the amplitudes an ergotropy never reads, and coherence's unused omega0)."""
    need(COMPILER[lang])
    for argv in (["--model", "general"], ["--hamiltonian", USER]):
        for quantity in QUANTITIES:
            path = tmp_path / f"{quantity}_{len(argv)}.{EXTENSION[lang]}"
            assert main(["export", quantity, "--lang", lang, *argv, "-o", str(path)]) == 0
            text = path.read_text()
            assert text.startswith(f"{COMMENT[lang]} Compile: " if lang != "rust"
                                   else f"{COMMENT[lang]} Use: ")  # how to build and call it
            line = build_line.format(file=path, dir=tmp_path)
            done = subprocess.run(shlex.split(line), capture_output=True, text=True,
                                  timeout=600, check=False)
            assert done.returncode == 0 and done.stderr == "", (quantity, argv, done.stderr)
