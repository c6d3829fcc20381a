"""The formulas document of a user battery (``qb_symbolic.export.model_document``).

For the five example batteries of the README (section on user batteries): the ``.tex``
is written, holds no float and no root (or arccos) of a complex quantity, both in the
LaTeX and in the SymPy expressions it was printed from; two of them compile with
pdflatex. Round trips against :func:`qb_symbolic.evaluate` (float path, itself tested
against mpmath ``expm`` and numpy ``eigh`` in test_user_batteries.py):

* exact: the ergotropy Formula's ``explicit()`` (every intermediate substituted back, an
  expression in the parameters and ``t``) evaluated by mpmath at 30 digits;
* at numbers, for all five (the Ferrari and Viete ones are slow to expand exactly): every
  printed definition with the parameters and ``t`` replaced by 30-digit Floats, then
  expanded; ergotropy and concurrence (the concurrence needs all four amplitudes).
"""

from __future__ import annotations

import random
import re

import mpmath as mp
import pytest
import sympy as sp
from conftest import SEED
from toolchains import need

import qb_symbolic as qb
from qb_symbolic.core.symbols import t
from qb_symbolic.export.latex import Formula, tex
from qb_symbolic.export.model_document import model_sections, write_model_document

#: The README's five user batteries: (Hamiltonian, initial state, a phrase of its root form).
EXAMPLES = {
    "paper": ("Omega*(XI + IX) + J*((1 + gamma)*XX + (1 - gamma)*YY + Delta*ZZ) + D*(XY - YX)",
              "dd", "Vi\\`ete"),
    "z-field XXZ + DM_z + KSEA": (
        "B*(ZI + IZ) + J*(XX + YY + Delta*ZZ) + D*(XY - YX) + K*(XY + YX)", "ud",
        "quadratic formula"),
    "inhomogeneous transverse field + DM_z": (
        "(B + b)*XI + (B - b)*IX + J*(XX + YY + Delta*ZZ) + D*(XY - YX)", "dd", "Ferrari"),
    "field along x and z": ("Bx*(XI + IX) + Bz*(ZI + IZ) + J*(XX + YY + Delta*ZZ)", "dd",
                            "Vi\\`ete"),
    "DM along x": ("Omega*(XI + IX) + J*(XX + YY + Delta*ZZ) + D*(YZ - ZY)", "dd",
                   "quadratic formula"),
}
#: Compiled with pdflatex (a few seconds each): the paper's model and the Ferrari quartic.
COMPILED = ("paper", "inhomogeneous transverse field + DM_z")
#: Exact round trip through ``explicit()`` (a few seconds each to expand).
EXPLICIT = ("DM along x", "field along x and z", "z-field XXZ + DM_z + KSEA")
TOLERANCE = 1e-10
DIGITS = 30
POINTS = 3
#: An overfull line this wide (pt) is a visible defect (the paper document's bound).
OVERFULL_LIMIT_PT = 20.0


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """``{name: (battery, sections, tex source)}`` for the five examples (compile=False)."""
    out = tmp_path_factory.mktemp("model_documents")
    found = {}
    for number, (name, (text, initial, _)) in enumerate(EXAMPLES.items()):
        battery = qb.Battery.from_string(text, initial=initial)
        path, compiled = write_model_document(battery, out, compile=False, name=f"model{number}")
        assert compiled is None and path.exists()
        found[name] = (battery, model_sections(battery), path.read_text())
    return found


def _formula(sections, quantity: str) -> Formula:
    return next(f for s in sections for f in s.all_formulas()
                if f.claim is not None and f.claim.name == quantity)


def _braced(text: str, command: str) -> list[str]:
    """The brace-matched arguments of every ``command{...}`` in ``text``."""
    found = []
    for match in re.finditer(re.escape(command) + r"(\[[^\]]*\])?\{", text):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        found.append(text[match.end(): i - 1])
    return found


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_source_is_exact_and_real(documents, name):
    battery, sections, source = documents[name]
    body = source.split("\\begin{document}", 1)[1].replace("arXiv:2406.16047", "")
    assert not re.search(r"\d\.\d", body), "a float in the document"
    for argument in _braced(body, "\\sqrt") + _braced(body, "\\arccos"):
        assert "\\mathrm{i}" not in argument, argument
    assert EXAMPLES[name][2] in body
    for key in ("battery", "blocks", "eigenvalues", "state", "merit", "proofs"):
        assert f"\\label{{sec:model-{key}}}" in body
    assert all(f"${tex(s)}$" in body for s in battery.parameters)
    for section in sections:
        for formula in section.all_formulas():
            for expr in (formula.rhs, *(rhs for _, rhs in formula.where)):
                expr = sp.sympify(expr)
                assert not expr.atoms(sp.Float)
                roots = [p.base for p in expr.atoms(sp.Pow) if not p.exp.is_integer]
                angles = [a.args[0] for a in expr.atoms(sp.acos)]
                assert not any(r.has(sp.I) for r in roots + angles), (name, formula.lhs)


@pytest.mark.parametrize("name", COMPILED)
def test_document_compiles(tmp_path, name):
    need("pdflatex")
    text, initial, _ = EXAMPLES[name]
    battery = qb.Battery.from_string(text, initial=initial)
    tex, compiled = write_model_document(battery, tmp_path)
    assert tex == tmp_path / "qb_model_formulas.tex"
    assert compiled.pdf is not None and compiled.pdf.stat().st_size > 10_000
    assert max(compiled.overfull(), default=0.0) <= OVERFULL_LIMIT_PT, compiled.overfull()
    assert "LaTeX Warning: Reference" not in compiled.log


def _points(battery, count: int = POINTS) -> list[tuple[dict[str, str], str]]:
    """Seeded random parameter values and times, as decimal strings (read alike by both)."""
    rng = random.Random(SEED)
    points = []
    for _ in range(count):
        values = {s.name: repr(rng.uniform(0.2, 2.0) if s.is_nonnegative else
                               rng.uniform(-2.0, 2.0)) for s in battery.parameters}
        points.append((values, repr(rng.uniform(0.1, 4.0))))
    return points


def _reference(quantity: str, battery, values: dict[str, str], time: str) -> float:
    return float(qb.evaluate(quantity, float(time), battery=battery,
                             **{n: float(v) for n, v in values.items()}))


@pytest.mark.parametrize("name", EXPLICIT)
def test_explicit_ergotropy_matches_evaluate(documents, name):
    battery, sections, _ = documents[name]
    expr = _formula(sections, "ergotropy").explicit()
    assert expr.free_symbols <= {*battery.parameters, t}
    function = sp.lambdify([*battery.parameters, t], expr, modules="mpmath", cse=True)
    for values, time in _points(battery):
        with mp.workdps(DIGITS):
            got = mp.mpmathify(function(*(mp.mpf(values[s.name]) for s in battery.parameters),
                                        mp.mpf(time)))
        assert abs(mp.im(got)) < TOLERANCE
        assert abs(float(mp.re(got)) - _reference("ergotropy", battery, values, time)) < TOLERANCE


def _at_point(formula: Formula, values: dict[sp.Symbol, sp.Float]) -> complex:
    """The formula's value at a point, its definitions evaluated innermost first.

    Each definition is expanded (``Formula.explicit``) with the numbers found so far and
    the templates (``A(lambda)``, ``P'(lambda)``: still in lambda) as context, so no
    expression grows beyond one definition; the exact ``explicit()`` of the whole is the
    other test.
    """
    known: dict[sp.Expr, sp.Expr] = dict(values)
    templates: list[tuple[sp.Expr, sp.Expr]] = []
    for lhs, rhs in reversed([*formula.where, *formula.context]):
        value = Formula(lhs, sp.sympify(rhs), context=[*templates, *known.items()]).explicit()
        if value.free_symbols:
            templates.append((lhs, value))
        else:
            known[lhs] = sp.N(value, DIGITS)
    whole = Formula(formula.lhs, formula.rhs, context=[*templates, *known.items()])
    return complex(sp.N(whole.explicit(), DIGITS))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_printed_definitions_match_evaluate(documents, name):
    battery, sections, _ = documents[name]
    for values, time in _points(battery, 2):
        point = {s: sp.Float(values[s.name], DIGITS) for s in battery.parameters}
        point[t] = sp.Float(time, DIGITS)
        for quantity in ("ergotropy", "concurrence"):
            got = _at_point(_formula(sections, quantity), point)
            assert abs(got.imag) < TOLERANCE
            want = _reference(quantity, battery, values, time)
            assert abs(got.real - want) < TOLERANCE, (name, quantity, values, time)


def test_cli_latex_of_a_hamiltonian(tmp_path, capsys):
    """``qb-symbolic latex --hamiltonian``: the document of that battery (--set substitutes
    exact values, so the document is the finer one of that point); bad input one line."""
    from qb_symbolic.cli import main

    text = "Omega*(XI + IX) + J*(XX + YY + Delta*ZZ) + D*(XY - YX)"
    assert main(["latex", "--hamiltonian", text, "--out", str(tmp_path / "a"), "--no-pdf"]) == 0
    source = (tmp_path / "a" / "qb_model_formulas.tex").read_text()
    assert "wrote" in capsys.readouterr().out and r"\Delta" in source
    assert main(["latex", "--hamiltonian", text, "--set", "D=0", "--set", "Delta=1",
                 "--out", str(tmp_path / "b"), "--no-pdf"]) == 0
    fixed = (tmp_path / "b" / "qb_model_formulas.tex").read_text()
    # Delta = 1 makes H isotropic (XX + YY + ZZ) with D = 0: no Delta, no D left.
    assert r"\Delta" not in fixed.split(r"\section")[1] and " D " not in fixed
    capsys.readouterr()
    for argv in (["latex", "--hamiltonian", "XQ", "--out", str(tmp_path / "c")],
                 ["latex", "--hamiltonian", text, "--set", "E=1", "--out", str(tmp_path / "c")],
                 ["latex", "--hamiltonian", text, "--png", "ergotropy-ising"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, err
