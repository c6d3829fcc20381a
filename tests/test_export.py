"""Code export (issue 14, point 3): C, Rust and Fortran compiled and run, the Octave
output run by octave-cli, the JAX output under ``jax.jit``, Mathematica parsed back and
proved equal line by line, Julia at the syntax level (no interpreter in Debian's
repositories); all against ``evaluate`` at seeded points."""

from __future__ import annotations

import random
import re
import subprocess

import numpy as np
import pytest
import sympy as sp
from conftest import SEED
from sympy.parsing.mathematica import parse_mathematica
from toolchains import need

import qb_symbolic as qb
from qb_symbolic.cli import main
from qb_symbolic.export.code import export
from qb_symbolic.symbolic.real_forms import real_forms

#: The exported spectral form against the package's Newton-form evaluators at generic
#: points (eigenvalue gaps O(1)): both double precision.
TOLERANCE = 1e-12
QUARTIC = qb.Battery.from_string("(B + b)*XI + (B - b)*IX + J*(XX + YY + Delta*ZZ) + D*(XY - YX)")
CASES = {"general": (None, "general"), "quartic": (QUARTIC, None)}


def _points(names: tuple[str, ...], count: int = 4) -> list[tuple[dict, float]]:
    rng = random.Random(SEED + 91)
    out = []
    for _ in range(count):
        values = {n: rng.uniform(0.3, 1.5) if n in ("Omega", "omega0") else rng.uniform(-1.5, 1.5)
                  for n in names}
        out.append((values, rng.choice([0.0, rng.uniform(0.05, 3.0)])))
    return out


def _reference(quantity: str, case: str, points) -> np.ndarray:
    battery, model = CASES[case]
    target = {"battery": battery} if battery is not None else {"model": model}
    return np.array([float(qb.evaluate(quantity, t, **target, **v)) for v, t in points])


def _names(case: str) -> tuple[str, ...]:
    battery, model = CASES[case]
    return (battery or qb.Battery(model)).as_model().names if battery is None else battery.names


def _compile_and_run(tmp_path, source: str, suffix: str, build: list[str]) -> list[float]:
    path = tmp_path / f"prog{suffix}"
    path.write_text(source)
    command = [str(path) if part == "SOURCE" else part for part in build]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    run = subprocess.run([str(tmp_path / "prog")], capture_output=True, text=True, check=True)
    return [float(x) for x in run.stdout.split()]


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("quantity", ["ergotropy", "power", "coherence"])
def test_c_output_compiles_and_agrees(tmp_path, case, quantity):
    need("cc")
    battery, model = CASES[case]
    names = _names(case)
    points = _points(names)
    calls = "\n".join(f"    printf(\"%.17g\\n\", qb_{quantity}({', '.join(repr(v[n]) for n in names)}, "
                      f"{t!r}));" for v, t in points)
    source = (export(quantity, "c", model=model, battery=battery)
              + f"\n#include <stdio.h>\nint main(void)\n{{\n{calls}\n    return 0;\n}}\n")
    found = _compile_and_run(tmp_path, source, ".c",
                             ["cc", "-O2", "-std=c99", "-o", str(tmp_path / "prog"), "SOURCE",
                              "-lm"])
    assert np.max(np.abs(np.array(found) - _reference(quantity, case, points))) < TOLERANCE


@pytest.mark.parametrize("case", list(CASES))
def test_rust_output_compiles_and_agrees(tmp_path, case):
    need("rustc")
    battery, model = CASES[case]
    names = _names(case)
    points = _points(names)
    lines = "\n".join(f"    println!(\"{{:.17e}}\", qb_ergotropy({', '.join(f'{v[n]!r}_f64' for n in names)}, "
                      f"{t!r}_f64));" for v, t in points)
    source = export("ergotropy", "rust", model=model, battery=battery) + f"\nfn main() {{\n{lines}\n}}\n"
    found = _compile_and_run(tmp_path, source, ".rs", ["rustc", "-O", "-o", str(tmp_path / "prog"), "SOURCE"])
    assert np.max(np.abs(np.array(found) - _reference("ergotropy", case, points))) < TOLERANCE


def _two_functions(tmp_path, lang: str, filename: str, call: str, literal) -> tuple:
    """The quartic battery's ergotropy and the general model's power written to
    ``filename`` (``{q}`` the quantity), and one ``call`` per point with ``literal``
    arguments; with the reference values in the same order."""
    calls, expected = [], []
    for quantity, case in (("ergotropy", "quartic"), ("power", "general")):
        battery, model = CASES[case]
        names = _names(case)
        points = _points(names)
        (tmp_path / filename.format(q=quantity)).write_text(export(quantity, lang, model=model,
                                                                   battery=battery))
        for v, t in points:
            args = ", ".join(literal(x) for x in [*(v[n] for n in names), t])
            calls.append(call.format(q=quantity, args=args))
        expected.extend(_reference(quantity, case, points))
    return calls, expected


def test_fortran_output_compiles_and_agrees(tmp_path):
    """gfortran (installed by .ci/run): the quartic battery's ergotropy and the general
    model's power, including its t = 0 branch, called as external functions."""
    need("gfortran")
    calls, expected = _two_functions(tmp_path, "fortran", "{q}.f90",
                                     "  print '(ES25.17)', qb_{q}({args})", lambda x: f"{x!r}d0")
    main_f90 = ("program main\n  implicit none\n  real(8), external :: qb_ergotropy, qb_power\n"
                + "\n".join(calls) + "\nend program main\n")
    found = _compile_and_run(tmp_path, main_f90, ".f90",
                             ["gfortran", "-O2", "-ffree-line-length-none", "-o",
                              str(tmp_path / "prog"), str(tmp_path / "ergotropy.f90"),
                              str(tmp_path / "power.f90"), "SOURCE"])
    assert np.max(np.abs(np.array(found) - np.array(expected))) < TOLERANCE


def test_octave_output_runs(tmp_path):
    """GNU Octave (installed by .ci/run): the quartic battery's ergotropy and the general
    model's power (t = 0 branch included), each function in its own .m file."""
    need("octave-cli")
    calls, expected = _two_functions(tmp_path, "octave", "qb_{q}.m",
                                     "printf('%.17g\\n', qb_{q}({args}));", repr)
    done = subprocess.run(["octave-cli", "--quiet", "--eval", " ".join(calls)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = [float(x) for x in done.stdout.split()]
    assert np.max(np.abs(np.array(found) - np.array(expected))) < TOLERANCE


def test_jax_output_runs_under_jit():
    """The JAX file, imported as written and compiled by ``jax.jit`` in double precision,
    on a vector of times (t = 0 included: the power's limit branch), for the paper's
    general model and the quartic user battery."""
    import jax

    jax.config.update("jax_enable_x64", True)
    for case, (battery, model) in CASES.items():
        names = _names(case)
        target = {"battery": battery} if battery is not None else {"model": model}
        for quantity in ("ergotropy", "power"):
            namespace: dict = {}
            exec(export(quantity, "jax", model=model, battery=battery), namespace)  # noqa: S102
            compiled = jax.jit(namespace[f"qb_{quantity}"])
            for v, _ in _points(names, 2):
                times = np.array([0.0, 0.4, 1.7, 2.9])
                found = np.asarray(compiled(*(v[n] for n in names), times))
                expected = qb.evaluate(quantity, times, **target, **v)
                assert np.max(np.abs(found - expected)) < TOLERANCE, (case, quantity)


def test_mathematica_parses_back_to_the_same_chain():
    """Every assignment of the Mathematica text, parsed by SymPy's ``parse_mathematica``
    with the ``q`` names mapped back, is identically our assignment (``expand`` of the
    difference is 0): the text and the proved chain are the same function."""
    forms = real_forms(qb.Battery("general"), "ergotropy")
    text = export("ergotropy", "mathematica", model="general")
    names = {"q" + s.name.replace("_", ""): s for s in (*forms.arguments, *(n for n, _ in forms.assignments))}
    rows = dict(re.findall(r"^\s+(q\w+) = (.*);$", text, flags=re.MULTILINE))
    assert len(rows) == len(forms.assignments)
    for name, value in forms.assignments:
        parsed = parse_mathematica(rows["q" + name.name.replace("_", "")])
        parsed = parsed.xreplace({sp.Symbol(k): v for k, v in names.items()})
        assert sp.expand(parsed - value) == 0, (name, rows["q" + name.name.replace("_", "")])


@pytest.mark.parametrize("lang, opening, closing", [
    ("julia", "function qb_ergotropy(B, b, J, Delta, D, omega0, t)", "end"),
    ("octave", "function value = qb_ergotropy(B, b, J, Delta, D, omega0, t)", "end"),
    ("fortran", "pure function qb_ergotropy(", "end function qb_ergotropy"),
])  # Julia: no interpreter in Debian's repositories; the others also run above
def test_other_languages_at_the_syntax_level(lang, opening, closing):
    """No interpreter here: the function frame, balanced brackets, every name assigned
    before it is used, and (Fortran) distinct names under case folding (B and b)."""
    text = export("ergotropy", lang, battery=QUARTIC)
    body = [line for line in text.splitlines() if line and not line.startswith(("#", "%", "!"))]
    assert body[0].startswith(opening) and body[-1].strip() == closing
    code = "\n".join(body)
    for a, b in ("()", "[]"):
        assert code.count(a) == code.count(b)
    assigned = re.findall(r"^\s+(\w+) = ", code, flags=re.MULTILINE)
    assert len(assigned) == len(set(assigned)) > 50
    if lang == "fortran":
        declared = re.findall(r"real\(8\), intent\(in\) :: (.*)", code)[0].split(", ")
        assert len({d.lower() for d in declared}) == len(declared) == 7
        assert all(len(line) <= 132 for line in body)


def test_bad_export_input(capsys, tmp_path):
    with pytest.raises(ValueError, match="unknown language 'cobol'"):
        export("ergotropy", "cobol")
    with pytest.raises(ValueError, match="'steerability' cannot be exported"):
        export("steerability", "c")
    with pytest.raises(ValueError, match="pure starts"):
        export("energy", "c", battery=qb.gibbs_battery("xx"))
    for argv, message in ((["export", "ergotropy", "--lang", "cobol"], "unknown language"),
                          (["export", "spin", "--lang", "c"], "cannot be exported"),
                          (["export", "energy", "--lang", "c", "--model", "heisenberg"], "unknown model"),
                          (["export", "energy", "--lang", "c", "--model", "ising",
                            "--hamiltonian", "J*ZZ"], "not both")):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err, err
    out = tmp_path / "e.c"
    assert main(["export", "ergotropy", "--lang", "c", "--model", "ising", "-o", str(out)]) == 0
    assert "double qb_ergotropy(double Omega, double J, double D, double omega0, double t)" in out.read_text()
