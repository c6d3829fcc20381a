"""The LaTeX export: it compiles, it fits, and every printed formula is right.

Round trip: each :class:`qb_symbolic.export.latex.Formula` carries a claim (what its
left-hand side is). The SymPy expression it was printed from, with every named
intermediate substituted back, is evaluated with mpmath and compared with an
independent number for that claim:

* quantities (zeta, P, C, Q, F_3, S): :func:`qb_symbolic.numeric.evaluate` (itself tested
  against QuTiP and an mpmath ``expm`` in test_quantities/test_codegen);
* eigenvalues: ``mpmath.eigh`` of the 4x4 Hamiltonian built from Pauli matrices
  in conftest (not from the package);
* state amplitudes: mpmath ``expm`` of that Hamiltonian, projected on Bell
  vectors typed here from the conventions;
* time derivatives: a central difference of ``evaluate(..., digits=40)``;
* charging times: :func:`qb_symbolic.charging_time`;
* matrices: the conftest Hamiltonian and the Bell vectors typed here.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED, mp_evolved_state, mp_hamiltonian
from toolchains import need

from qb_symbolic import charging_time, evaluate
from qb_symbolic.core.symbols import SYMBOLS
from qb_symbolic.export.latex import Formula, check_exact, tex
from qb_symbolic.model.presets import MODELS
from qb_symbolic.paper.formulas import MASTER, fragment, write_document
from qb_symbolic.paper.sections import DOCUMENT_KEYS, SECTION_KEYS, build, lam

ROOT = Path(__file__).resolve().parents[1]

#: Overfull boxes up to this width (pt) are invisible; the issue allows 20pt.
OVERFULL_LIMIT_PT = 20.0
#: The ergotropy section of each model fits in half the text height.
HALF_PAGE = 0.5
#: Random points per formula.
POINTS = 20
#: Agreement of a printed formula with its reference: the references are double
#: precision (evaluate, 1e-12 absolute on O(1) values) or better.
TOLERANCE = 1e-9
#: Digits of the mpmath evaluation of the printed expressions.
DIGITS = 30

#: The applied functions of the document and the evaluate quantity each one is.
FUNCTION_QUANTITY = {
    "zeta": "ergotropy", "P": "power", "C": "concurrence",
    "Q": "coherence", "F_3": "steering", "S": "steerability",
}
PARAMETER_NAMES = ("Omega", "J", "gamma", "Delta", "D", "omega0")

#: Bell vectors on |uu>, |ud>, |du>, |dd> (docs/conventions.md), typed independently.
_R = 1 / mp.sqrt(2)
BELL = {
    "Phi-": [_R, 0, 0, -_R],
    "Phi+": [_R, 0, 0, _R],
    "Psi+": [0, _R, _R, 0],
    "Psi-": [0, _R, -_R, 0],
}


def _all_formulas() -> list[tuple[str, int, Formula]]:
    found = []
    for key in SECTION_KEYS:
        for i, formula in enumerate(build(key).all_formulas()):
            found.append((key, i, formula))
    return found


@pytest.fixture(scope="module")
def formulas() -> list[tuple[str, int, Formula]]:
    """Every formula of every section, derived once per module on first use (not at
    import: collection stays fast)."""
    return _all_formulas()


def _point(rng: random.Random, formula: Formula) -> tuple[dict[str, float], float]:
    """Random free parameters of the claimed model, with its fixed values applied."""
    claim = formula.claim
    spec = MODELS[claim.model]
    values = {
        "Omega": rng.uniform(0.2, 3.0),
        "J": rng.uniform(-3.0, 3.0),
        "gamma": rng.uniform(-1.0, 1.0),
        "Delta": rng.uniform(-3.0, 3.0),
        "D": rng.uniform(-3.0, 3.0),
        "omega0": rng.uniform(0.5, 2.0),
    }
    for name, value in spec.fixed.items():
        values[name] = float(value)
    for name, value in claim.fixed:
        values[name] = values[value] if isinstance(value, str) else float(value)
    t = rng.uniform(0.05, 6.0) / values["Omega"]
    return values, t


def _free(values: dict[str, float], model: str) -> dict[str, float]:
    return {k: v for k, v in values.items() if k not in MODELS[model].fixed}


_COMPILED: dict[tuple[int, sp.Expr], object] = {}


def _mp_value(formula: Formula, expr: sp.Expr, values: dict[str, float], t: float) -> complex:
    """The printed expression, definitions substituted, evaluated by mpmath at DIGITS."""
    key = (id(formula), expr)
    if key not in _COMPILED:
        expanded = formula.expand(expr)
        symbols = [SYMBOLS[name] for name in (*PARAMETER_NAMES, "t")]
        unresolved = expanded.free_symbols - set(symbols)
        assert not unresolved, f"unresolved symbols {unresolved} in {formula.lhs}"
        _COMPILED[key] = sp.lambdify(symbols, expanded, modules="mpmath")
    with mp.workdps(DIGITS):
        args = [mp.mpf(repr(values[name])) for name in PARAMETER_NAMES] + [mp.mpf(repr(t))]
        return complex(_COMPILED[key](*args))


def _quantity_side(expr: sp.Expr, model: str, values: dict[str, float], t: float) -> complex:
    """Evaluate an expression of F_3(t), Q(t)... with each function from evaluate."""
    def number(call: sp.Expr) -> sp.Expr:
        name = type(call).__name__
        value = evaluate(FUNCTION_QUANTITY[name], np.array([t]), model=model, **_free(values, model))
        return sp.Float(float(value[0]), 17)

    replaced = expr.replace(lambda e: type(e).__name__ in FUNCTION_QUANTITY, number)
    return complex(replaced.evalf(17))


def _mp_derivative(name: str, model: str, values: dict[str, float], t: float) -> float:
    step = mp.mpf("1e-12")
    with mp.workdps(45):
        def f(x):
            return np.asarray(evaluate(name, x, model=model, digits=40, **_free(values, model))).reshape(-1)[0]
        return float((f(mp.mpf(repr(t)) + step) - f(mp.mpf(repr(t)) - step)) / (2 * step))


def _eigenvalue_rows(formula: Formula) -> list[tuple[sp.Expr, sp.Expr]]:
    rows = [(formula.lhs, formula.rhs), *formula.where]
    found = []
    for lhs, rhs in rows:
        if isinstance(lhs, sp.Indexed) and lhs.base == lam:
            index = lhs.indices[0]
            if isinstance(index, sp.Symbol):
                found.extend((lam[i], rhs.subs(index, i)) for i in formula.claim.indices)
            else:
                found.append((lhs, rhs))
    return found


def _matrix(formula: Formula, values: dict[str, float]) -> mp.matrix:
    substitution = {SYMBOLS[name]: sp.Float(repr(values[name]), DIGITS) for name in PARAMETER_NAMES}
    M = formula.rhs.xreplace(substitution).evalf(DIGITS)
    return mp.matrix([[complex(M[i, j]) for j in range(M.shape[1])] for i in range(M.shape[0])])


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_round_trip(key: str) -> None:
    """Every formula of the section against its independent mpmath reference."""
    found = build(key).all_formulas()
    assert found, key
    for index, formula in enumerate(found):
        _round_trip(key, index, formula)


def _round_trip(key: str, index: int, formula: Formula) -> None:
    claim = formula.claim
    assert claim is not None, f"formula {formula.lhs} of {key} makes no claim"
    rng = random.Random(f"{SEED}-{key}-{index}")
    for _ in range(POINTS):
        values, t = _point(rng, formula)
        params = [mp.mpf(repr(values[n])) for n in ("Omega", "J", "gamma", "Delta", "D")]
        if claim.kind in ("quantity", "identity"):
            expected = _quantity_side(formula.lhs, claim.model, values, t)
            got = _mp_value(formula, formula.rhs, values, t)
        elif claim.kind == "derivative":
            expected = _mp_derivative(claim.name, claim.model, values, t)
            got = _mp_value(formula, formula.rhs, values, t)
        elif claim.kind == "eigenvalues":
            with mp.workdps(DIGITS):
                spectrum = sorted(mp.eigh(mp_hamiltonian(*params))[0])
            claimed = [_mp_value(formula, rhs, values, t) for _, rhs in _eigenvalue_rows(formula)]
            assert claimed, "no eigenvalue rows"
            unused = [float(e) for e in spectrum]
            for value in claimed:
                assert abs(value.imag) < TOLERANCE
                nearest = min(unused, key=lambda e: abs(e - value.real))
                assert abs(nearest - value.real) < TOLERANCE * (1 + abs(nearest)), (values, claimed, spectrum)
                unused.remove(nearest)  # distinct claims match distinct eigenvalues
            continue
        elif claim.kind == "amplitude":
            state = mp_evolved_state(dict(zip(("Omega", "J", "gamma", "Delta", "D"), params)),
                                     mp.mpf(repr(t)), dps=DIGITS)
            expected = complex(sum(mp.conj(b) * s for b, s in zip(BELL[claim.name], state)))
            got = _mp_value(formula, formula.rhs, values, t)
        elif claim.kind == "time":
            model_values = _free(values, claim.model)
            expected = float(charging_time(claim.model, **model_values).t)
            got = _mp_value(formula, formula.rhs, values, t)
        elif claim.kind == "matrix":
            with mp.workdps(DIGITS):
                H = mp_hamiltonian(*params)
                M = _matrix(formula, values)
                if claim.name == "computational":
                    assert mp.mnorm(M - H, 1) < TOLERANCE
                elif claim.name == "symmetry":
                    assert mp.mnorm(M * H - H * M, 1) < TOLERANCE
                    assert mp.mnorm(M * M - mp.eye(4), 1) < TOLERANCE
                    assert mp.mnorm(M - mp.eye(4), 1) > 1 and mp.mnorm(M + mp.eye(4), 1) > 1
                else:
                    order = ("Phi-", "Phi+", "Psi+", "Psi-")
                    U = mp.matrix([[BELL[name][i] for name in order] for i in range(4)])
                    assert mp.mnorm(U.H * H * U - M, 1) < TOLERANCE
            continue
        else:  # pragma: no cover - a new claim kind needs a reference here
            raise AssertionError(f"no reference for claim kind {claim.kind!r}")
        assert abs(got - expected) < TOLERANCE * (1 + abs(expected)), (key, formula.lhs, values, t, got, expected)


def test_every_section_has_formulas_and_every_kind_is_checked(formulas) -> None:
    kinds = {f.claim.kind for _, _, f in formulas}
    assert kinds == {"quantity", "identity", "derivative", "eigenvalues", "amplitude", "time", "matrix"}
    models = {f.claim.model for _, _, f in formulas if f.claim.kind == "quantity" and f.claim.name == "ergotropy"}
    assert models == set(MODELS)
    for key in SECTION_KEYS:
        assert build(key).all_formulas(), key


def test_round_trip_catches_a_wrong_formula(formulas) -> None:
    """The comparison can fail: a formula with one wrong sign is caught."""
    _, _, good = next(f for f in formulas if f[2].claim.kind == "quantity" and f[2].claim.model == "ising")
    wrong = Formula(good.lhs, good.rhs.subs(SYMBOLS["omega0"], -SYMBOLS["omega0"]),
                    where=good.where, claim=good.claim, context=good.context)
    values, t = _point(random.Random(SEED), wrong)
    expected = _quantity_side(wrong.lhs, "ising", values, t)
    got = _mp_value(wrong, wrong.rhs, values, t)
    assert abs(got - expected) > 1e-3


def test_no_floats_anywhere(formulas) -> None:
    for _, _, formula in formulas:
        for expr in (formula.lhs, formula.rhs, *(e for pair in [*formula.where, *formula.context] for e in pair)):
            check_exact(expr)
    with pytest.raises(ValueError, match="floats"):
        tex(sp.Float("1.0") * SYMBOLS["Omega"])
    for key in DOCUMENT_KEYS:
        maths = re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", fragment(key), flags=re.DOTALL)
        assert maths
        for block in maths:
            assert not re.search(r"\d\.\d", block), block


def test_printing_conventions() -> None:
    omega0, Omega, t = SYMBOLS["omega0"], SYMBOLS["Omega"], SYMBOLS["t"]
    assert tex(4 * omega0 * sp.sin(Omega * t) ** 2) == "4 \\omega_0 \\sin^{2}{\\left(\\Omega t \\right)}"
    assert tex(sp.acos(SYMBOLS["D"])) == "\\arccos{\\left(D \\right)}"
    assert tex(sp.I * SYMBOLS["D"]) == "\\mathrm{i} D"
    assert tex(lam[1] - lam[0]) == "\\lambda_{1} - \\lambda_{0}"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    need("pdflatex")
    out = tmp_path_factory.mktemp("latex")
    tex_path, result = write_document(out)
    return tex_path, result


def test_master_document_compiles(compiled) -> None:
    tex_path, result = compiled
    assert tex_path.name == f"{MASTER}.tex"
    assert result.pdf is not None and result.pdf.stat().st_size > 10_000
    assert result.pdf.read_bytes().startswith(b"%PDF")
    assert "! " not in result.log and "Undefined control sequence" not in result.log
    assert "LaTeX Warning: Reference" not in result.log
    too_wide = [w for w in result.overfull() if w > OVERFULL_LIMIT_PT]
    assert not too_wide, f"overfull boxes wider than {OVERFULL_LIMIT_PT}pt: {too_wide}"
    source = tex_path.read_text()
    packages = set(re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", source))
    allowed = {"geometry", "amsmath,amssymb,mathtools"}  # latex-base / latex-recommended
    assert packages <= allowed, packages
    for key in DOCUMENT_KEYS:
        assert f"\\input{{{key}}}" in source
        assert (tex_path.parent / f"{key}.tex").read_text() == fragment(key)


def test_each_model_ergotropy_fits_half_a_page(compiled) -> None:
    _, result = compiled
    heights = result.heights()
    keys = {f"ergotropy-{model}" for model in MODELS}
    assert keys <= set(heights), heights
    for key in keys:
        assert 0.05 < heights[key] <= HALF_PAGE, (key, heights[key])


def test_derivation_scripts_run_on_their_own(tmp_path, capsys) -> None:
    """Each script is the thin wrapper of its own section, and writes exactly its fragment.

    One script runs in a fresh process (so "on their own" is real: no installed package,
    no warm cache); the six are then run in this process through the same entry point
    (sections cached here), which keeps the suite's time down: six cold derivations in
    parallel took ~100 s on 2 cores.
    """
    from qb_symbolic.paper.formulas import fragment_script

    scripts = sorted((ROOT / "derivations").glob("*.py"))
    assert {s.stem for s in scripts} == set(DOCUMENT_KEYS)
    for script in scripts:
        assert f'fragment_script("{script.stem}", sys.argv[1:])' in script.read_text(), script
    alone = ROOT / "derivations" / "hamiltonian.py"
    run = subprocess.run([sys.executable, str(alone), "--out", str(tmp_path / "alone")],
                         check=False, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "alone" / "hamiltonian.tex").read_text() == fragment("hamiltonian")
    for script in scripts:
        assert fragment_script(script.stem, ["--out", str(tmp_path)]) == 0
        written = tmp_path / f"{script.stem}.tex"
        assert f"wrote {written}" in capsys.readouterr().out
        assert written.read_text() == fragment(script.stem)


def test_snippet_png_of_a_section(compiled) -> None:
    """The README's picture: a cropped PNG of one model's ergotropy section."""
    from qb_symbolic.paper.formulas import snippet_png

    tex_path, _ = compiled
    png = snippet_png("ergotropy-ising", tex_path.parent, dpi=100)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    import matplotlib.image as mpimg

    image = mpimg.imread(png)
    height, width = image.shape[:2]
    assert 200 < width < 1200 and 100 < height < width  # cropped to the text, wider than tall
    assert image[..., :3].min() < 0.2  # there is ink
    with pytest.raises(ValueError, match="unknown section"):
        snippet_png("no-such-section", tex_path.parent)


def test_latex_command(tmp_path, capsys) -> None:
    from qb_symbolic.cli import main

    assert main(["latex", "--out", str(tmp_path), "--no-pdf"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / (MASTER + '.tex')}" in out
    assert sorted(p.name for p in tmp_path.glob("*.tex")) == sorted(
        [f"{MASTER}.tex", *(f"{k}.tex" for k in DOCUMENT_KEYS)])
    assert main(["latex", "--out", str(tmp_path / "x"), "--png", "nonsense"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("qb-symbolic: error: unknown section 'nonsense'") and "\n" not in err
    assert not (tmp_path / "x").exists()  # refused before any work
