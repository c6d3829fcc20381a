"""Code export: one self-contained file with a battery's closed form in another language.

``export(quantity, lang, model=... | battery=...)`` prints the real assignment chain of
:mod:`qb_symbolic.export.real_forms` with SymPy's code printers as one function of the
parameters and ``t`` (in the battery's declared parameter order, then ``t``), under a
comment header naming the battery, the source of the formulas, the argument order, the
units and the validity caveat. Languages: :data:`LANGUAGES`. Names are made legal per
language: Fortran is case-insensitive (``B`` and ``b`` become ``B_1``/``b_2``-style
distinct names), Mathematica has no ``_`` in names and reserves ``D``, ``E``, ``I``, ``N``
(every name there gets the prefix ``q`` and loses its underscores).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.printing.numpy import JaxPrinter
from sympy.printing.rust import RustCodePrinter

from ..symbolic.real_forms import EXPORTABLE, RealForms, real_forms

LANGUAGES = ("c", "fortran", "julia", "rust", "mathematica", "octave", "jax")
_COMMENT = {"c": "//", "rust": "//", "fortran": "!", "julia": "#", "octave": "%", "jax": "#",
            "mathematica": None}


def _header(forms: RealForms, battery: Any, names: dict, lang: str) -> list[str]:
    model = battery.as_model() if hasattr(battery, "as_model") else battery
    from .. import __version__

    args = ", ".join(names[s] for s in forms.arguments)
    lines = [
        f"{forms.quantity} of a two-qubit battery, exported by qb_symbolic {__version__}.",
        f"Battery: {model.source or 'from a matrix'}; H0 = {sp.sstr(sp.Matrix(model.energy_operator).tolist())};",
        f"psi(0) = {sp.sstr(list(model.initial_state))}.",
        "Source: the closed-form evolution derived and proved by SymPy (qb_symbolic.symbolic.evolution),",
        "spectral form psi(t) = sum_k exp(-i L_k t) adj(L_k - H_b) c_b / P_b'(L_k), in real arithmetic.",
        f"Arguments, in this order: {args} (t last).",
        "Units: hbar = 1; energies in the units of the parameters, t in 1/energy.",
        "Exact where each block's eigenvalues are distinct; in floating point it loses accuracy where",
        "two of them nearly meet (qb_symbolic's own evaluators use a Newton form, stable there).",
    ]
    if forms.at_zero is not None:
        lines.append("At t = 0 the power is its limit, the rate i<[H, H0]> of the initial state.")
    lines.append("Common subexpressions are named x0, x1, ...; L_b_k are the blocks' eigenvalues.")
    mark = _COMMENT[lang]
    if mark is None:
        return ["(* " + line + " *)" for line in lines]
    return [f"{mark} {line}" if line else mark for line in lines]


def _names(forms: RealForms, lang: str) -> dict[sp.Symbol, str]:
    """Legal, distinct names per language for every symbol of the chain."""
    symbols = [*forms.arguments, *(name for name, _ in forms.assignments)]
    out: dict[sp.Symbol, str] = {}
    seen: set[str] = set()
    for k, s in enumerate(symbols):
        name = s.name
        if lang == "mathematica":
            name = "q" + name.replace("_", "")
        key = name.lower() if lang == "fortran" else name
        if key in seen or (lang == "fortran" and key in {"value", "t"} and s.name != "t"):
            name = f"{name}_{k}"
        seen.add(name.lower() if lang == "fortran" else name)
        out[s] = name
    return out


def _printer(lang: str) -> Callable[[sp.Expr], str]:
    if lang == "c":
        return lambda e: sp.ccode(e, standard="C99")
    if lang == "fortran":
        return lambda e: sp.fcode(_real_extrema(e), standard=2003, source_format="free")
    if lang == "julia":
        return sp.julia_code
    if lang == "rust":
        return lambda e: _RustPrinter({"strict": True}).doprint(_float_literals(e))
    if lang == "mathematica":
        return sp.mathematica_code
    if lang == "octave":
        return sp.octave_code
    return JaxPrinter().doprint


class _RustPrinter(RustCodePrinter):
    """SymPy's Rust printer, with ``Min``/``Max`` as ``f64::min``/``max`` calls and casts
    parenthesised (SymPy 1.14 drops parentheses in both places)."""

    def _fold(self, expr: sp.Expr, method: str) -> str:
        out = self._print(expr.args[0])
        for arg in expr.args[1:]:
            out = f"f64::{method}({out}, {self._print(arg)})"
        return out

    def _print_Min(self, expr: sp.Expr) -> str:
        return self._fold(expr, "min")

    def _print_TypeCast(self, expr) -> str:
        # SymPy wraps float-valued factors of products in casts and prints them bare:
        # ``-1/2 * (a + b)`` came out as ``-1/2*a + b``; keep the parentheses
        inner = self._print(expr.expr)
        return inner if expr.expr.is_Atom or expr.expr.is_Function else f"({inner})"

    def _print_Max(self, expr: sp.Expr) -> str:
        return self._fold(expr, "max")


def _real_extrema(expr: sp.Expr) -> sp.Expr:
    """Integer arguments of ``Min``/``Max`` as floats: Fortran's ``max(0, x)`` needs both
    arguments of one kind."""
    return expr.replace(lambda e: isinstance(e, (sp.Min, sp.Max)),
                        lambda e: e.func(*(sp.Float(a) if a.is_Integer else a for a in e.args),
                                         evaluate=False))


def _float_literals(expr: sp.Expr) -> sp.Expr:
    """Integers as floats: Rust does not mix ``2 * x`` for ``x: f64`` (small integers are
    exact doubles; an integer power prints as ``powf``, correctly rounded for squares)."""
    return expr.xreplace({i: sp.Float(i) for i in expr.atoms(sp.Integer)})


def _body(forms: RealForms, lang: str, names: dict) -> tuple[list[tuple[str, str]], str, str | None]:
    renamed = {s: sp.Symbol(n, real=True) for s, n in names.items()}
    show = _printer(lang)
    lines = [(names[n], show(v.xreplace(renamed))) for n, v in forms.assignments]
    zero = None if forms.at_zero is None else show(forms.at_zero.xreplace(renamed))
    return lines, show(forms.result.xreplace(renamed)), zero


def _function_name(quantity: str, lang: str) -> str:
    if lang == "mathematica":
        return "qb" + quantity.capitalize()
    return f"qb_{quantity}"


def render(forms: RealForms, battery: Any, lang: str) -> str:
    """The whole file's text for ``lang``."""
    names = _names(forms, lang)
    lines, result, zero = _body(forms, lang, names)
    args = [names[s] for s in forms.arguments]
    t = names[forms.arguments[-1]]
    head = _header(forms, battery, names, lang)
    fn = _function_name(forms.quantity, lang)
    return "\n".join([*head, *_TEMPLATES[lang](fn, args, t, lines, result, zero), ""])


def _c(fn, args, t, lines, result, zero):
    out = ["#include <math.h>", "#ifndef M_PI  /* not in strict C99 */",
           "#define M_PI 3.14159265358979323846264338327950288", "#endif",
           "#ifndef M_E", "#define M_E 2.71828182845904523536028747135266250", "#endif", "",
           f"double {fn}({', '.join('double ' + a for a in args)})", "{"]
    if zero is not None:
        out.append(f"    if ({t} == 0) {{ return {zero}; }}")
    out += [f"    const double {n} = {v};" for n, v in lines]
    return [*out, f"    return {result};", "}"]


def _rust(fn, args, t, lines, result, zero):
    out = ["#![allow(non_snake_case, unused_parens, unused_imports, unused_variables, clippy::all)]",
           "use std::f64::consts::{E, PI};", "",
           f"pub fn {fn}({', '.join(a + ': f64' for a in args)}) -> f64 {{"]
    if zero is not None:
        out.append(f"    if {t} == 0.0 {{ return {zero}; }}")
    out += [f"    let {n}: f64 = {v};" for n, v in lines]
    return [*out, f"    {result}", "}"]


def _fortran(fn, args, t, lines, result, zero):
    indent = lambda text: "\n".join("    " + x.strip() for x in text.splitlines())
    out = [f"pure function {fn}({', '.join(args)}) result(value)", "    implicit none",
           f"    real(8), intent(in) :: {', '.join(args)}", "    real(8) :: value"]
    out += [f"    real(8) :: {n}" for n, _ in lines]
    if zero is not None:
        out += [f"    if ({t} == 0.0d0) then", "    " + indent(f"value = {zero}"), "        return",
                "    end if"]
    out += [indent(f"{n} = {v}") for n, v in lines]
    return [*out, indent(f"value = {result}"), f"end function {fn}"]


def _julia(fn, args, t, lines, result, zero):
    out = [f"function {fn}({', '.join(args)})"]
    if zero is not None:
        out.append(f"    {t} == 0 && return {zero}")
    return [*out, *(f"    {n} = {v}" for n, v in lines), f"    return {result}", "end"]


def _octave(fn, args, t, lines, result, zero):
    out = [f"function value = {fn}({', '.join(args)})"]
    if zero is not None:
        out += [f"  if {t} == 0", f"    value = {zero};", "    return;", "  end"]
    return [*out, *(f"  {n} = {v};" for n, v in lines), f"  value = {result};", "end"]


def _mathematica(fn, args, t, lines, result, zero):
    local = ", ".join(n for n, _ in lines)
    body = [f"    {n} = {v};" for n, v in lines] + [f"    {result}"]
    core = f"Module[{{{local}}},\n" + "\n".join(body) + "\n  ]"
    if zero is not None:
        core = f"If[{t} == 0, {zero},\n  {core}]"
    return [f"{fn}[{', '.join(a + '_' for a in args)}] := {core}"]


def _jax(fn, args, t, lines, result, zero):
    out = ["import functools", "", "import jax", "import jax.numpy", "import jax.numpy as jnp", "", "",
           f"def {fn}({', '.join(args)}):"]
    if zero is not None:
        out.append(f"    {t}_safe = jnp.where({t} == 0, 1.0, {t})  # no 0/0 under jit")
        lines = [(n, re.sub(rf"\b{t}\b", f"{t}_safe", v)) for n, v in lines]
        result = re.sub(rf"\b{t}\b", f"{t}_safe", result)
    out += [f"    {n} = {v}" for n, v in lines]
    if zero is not None:
        return [*out, f"    return jnp.where({t} == 0, {zero}, {result})"]
    return [*out, f"    return {result}"]


_TEMPLATES = {"c": _c, "rust": _rust, "fortran": _fortran, "julia": _julia, "octave": _octave,
              "mathematica": _mathematica, "jax": _jax}


def export(quantity: str, lang: str, *, model: str | None = None, battery: Any = None) -> str:
    """The text of one file with ``quantity`` of a battery in language ``lang``.

    Parameters
    ----------
    quantity
        One of ``energy, ergotropy, power, concurrence, coherence, steering``.
    lang
        One of ``c, fortran, julia, rust, mathematica, octave, jax``.
    model, battery
        A preset name or a two-qubit battery object (default: the ``general`` preset).

    Examples
    --------
    >>> text = export("ergotropy", "c", model="ising")
    >>> "double qb_ergotropy(double Omega, double J, double D, double omega0, double t)" in text
    True
    """
    from ..model.presets import MODELS, Battery

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if quantity not in EXPORTABLE:
        raise ValueError(f"{quantity!r} cannot be exported; exportable: {', '.join(EXPORTABLE)}")
    if battery is None:
        name = model or "general"
        if name not in MODELS:
            raise ValueError(f"unknown model {name!r}; models: {', '.join(MODELS)}")
        battery = Battery(name)
    elif model is not None:
        raise ValueError("give model= or battery=, not both")
    return render(real_forms(battery, quantity), battery, lang)
