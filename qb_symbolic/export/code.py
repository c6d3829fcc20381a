"""Code export: one self-contained file with a battery's closed form in another language.

``export(quantity, lang, model=... | battery=...)`` prints the real assignment chain of
:mod:`qb_symbolic.export.real_forms` with SymPy's code printers as one function of the
parameters and ``t`` (in the battery's declared parameter order, then ``t``), under a
comment header naming the battery, the source of the formulas, the argument order, the
units and the validity caveat. Languages: :data:`LANGUAGES`. Names are made legal per
language: Fortran is case-insensitive (``B`` and ``b`` become ``B_1``/``b_2``-style
distinct names), Mathematica has no ``_`` in names and reserves ``D``, ``E``, ``I``, ``N``
(every name there gets the prefix ``q`` and loses its underscores).

Every file's header says how to compile or load it and how to call it. For the compiled
languages the chain is pruned to the assignments the result needs and an argument the
quantity does not need is marked used, so C compiles without warnings under
``-Wall -Wextra``, Fortran under ``gfortran -Wall -Wextra``, Rust under rustc's defaults.
``harness=True`` (C, Rust, Fortran) adds a ``main`` program: it reads the parameters and
one or more times from its command line and prints one value per time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.printing.numpy import JaxPrinter
from sympy.printing.rust import RustCodePrinter

from ..core.version import __version__
from ..symbolic.real_forms import EXPORTABLE, RealForms, real_forms

LANGUAGES = ("c", "fortran", "julia", "rust", "mathematica", "octave", "jax")
#: Languages with ``harness=True`` (a whole program); also those whose compilers warn about
#: unused names, so their chain is pruned.
HARNESS_LANGUAGES = ("c", "rust", "fortran")
_COMMENT = {"c": "//", "rust": "//", "fortran": "!", "julia": "#", "octave": "%", "jax": "#",
            "mathematica": None}
EXTENSIONS = {"c": ".c", "rust": ".rs", "fortran": ".f90", "julia": ".jl", "octave": ".m",
              "mathematica": ".wl", "jax": ".py"}


def _usage(lang: str, fn: str, args: list[str], filename: str, harness: bool) -> list[str]:
    """How to compile or load the file and call what it defines (header lines)."""
    stem, call = filename.rsplit(".", 1)[0], f"{fn}({', '.join(args)})"
    if harness:
        build = {"c": f"cc -O2 -Wall -Wextra -o {stem} {filename} -lm",
                 "rust": f"rustc -O -o {stem} {filename}",
                 "fortran": f"gfortran -O2 -Wall -Wextra -o {stem} {filename}"}[lang]
        return [f"Compile: {build}",
                f"Run: ./{stem} {' '.join(args[:-1])} t [t ...]  (prints the value at each t)"]
    text = {
        "c": f"Compile: cc -O2 -Wall -Wextra -c {filename} (link with -lm); declare double "
             f"{fn}({', '.join('double ' + a for a in args)}); and call {call}.",
        "rust": f"Use: save as {stem}.rs beside main.rs, then `mod {stem};` and {stem}::{call} "
                f"(check alone: rustc --crate-type=lib {filename}).",
        "fortran": f"Compile: gfortran -O2 -Wall -Wextra -c {filename}; declare real(8), external :: "
                   f"{fn} and call {call} with real(8) arguments.",
        "julia": f'Use: include("{filename}"); {call}',
        "octave": f"Use: save as {fn}.m on Octave's path (found by its file name); {call}",
        "mathematica": f'Use: Get["{filename}"]; {fn}[{", ".join(args)}]',
        "jax": f"Use: from {stem} import {fn}; {call} broadcasts and runs under jax.jit "
               '(jax.config.update("jax_enable_x64", True) for double precision).',
    }[lang]
    return [text]  # one long comment line: a reader's editor wraps it


def _header(forms: RealForms, battery: Any, names: dict, lang: str, usage: list[str],
            fixed: dict | None) -> list[str]:
    model = battery.as_model()
    args = ", ".join(names[s] for s in forms.arguments)
    lines = [*usage, ""] + [
        f"{forms.quantity} of a two-qubit battery, exported by qb_symbolic {__version__}.",
        f"Battery: {model.source or 'from a matrix'}; H0 = {sp.sstr(sp.Matrix(model.energy_operator).tolist())};",
        f"psi(0) = {sp.sstr(list(model.initial_state))}.",
        "Source: the closed-form evolution derived and proved by SymPy (qb_symbolic.symbolic.evolution),",
        "spectral form psi(t) = sum_k exp(-i L_k t) adj(L_k - H_b) c_b / P_b'(L_k), in real arithmetic.",
        f"Arguments, in this order: {args} (t last).",
        *([f"Values fixed exactly: {', '.join(f'{k} = {v}' for k, v in fixed.items())}."]
          if fixed else []),
        "Units: hbar = 1; energies in the units of the parameters, t in 1/energy.",
        "Exact where each block's eigenvalues are distinct; in floating point it loses accuracy where",
        "two of them nearly meet (qb_symbolic's own evaluators use a Newton form, stable there).",
    ]
    if forms.at_zero is not None:
        lines.append("At t = 0 the power is its limit, the rate i<[H, H0]> of the initial state.")
    lines.append("Common subexpressions are named x0, x1, ...; L_b_k are the blocks' eigenvalues.")
    mark = _COMMENT[lang]
    if mark is None:
        return ["(* " + line + " *)" if line else "" for line in lines]
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


def _pruned(forms: RealForms) -> tuple[RealForms, list[sp.Symbol]]:
    """The chain without the assignments the result (and the t = 0 value) never read, and
    the arguments nothing reads (the concurrence needs no omega0): compilers warn of both."""
    needed = forms.result.free_symbols | getattr(forms.at_zero, "free_symbols", set())
    kept = []
    for name, value in reversed(forms.assignments):
        if name in needed:
            kept.append((name, value))
            needed |= value.free_symbols
    used = needed | ({forms.arguments[-1]} if forms.at_zero is not None else set())
    return (RealForms(forms.quantity, forms.parameters, tuple(reversed(kept)), forms.result,
                      forms.at_zero), [s for s in forms.arguments if s not in used])


def render(forms: RealForms, battery: Any, lang: str, *, harness: bool = False,
           filename: str | None = None, fixed: dict | None = None) -> str:
    """The whole file's text for ``lang`` (``harness``: with a ``main`` program; ``filename``
    names the file in the compile line, default ``qb_<quantity>.<ext>``)."""
    forms, unused = _pruned(forms) if lang in HARNESS_LANGUAGES else (forms, [])
    names = _names(forms, lang)
    lines, result, zero = _body(forms, lang, names)
    args = [names[s] for s in forms.arguments]
    t = names[forms.arguments[-1]]
    fn = _function_name(forms.quantity, lang)
    usage = _usage(lang, fn, args, filename or f"qb_{forms.quantity}{EXTENSIONS[lang]}", harness)
    head = _header(forms, battery, names, lang, usage, fixed)
    extra = {"unused": [names[s] for s in unused]} if lang in ("c", "fortran") else {}
    body = _TEMPLATES[lang](fn, args, t, lines, result, zero, **extra)
    if harness:
        body = _HARNESSES[lang](fn, args[:-1], body)
    return "\n".join([*head, *body, ""])


def _c(fn, args, t, lines, result, zero, unused=()):
    out = ["#include <math.h>", "#ifndef M_PI  /* not in strict C99 */",
           "#define M_PI 3.14159265358979323846264338327950288", "#endif",
           "#ifndef M_E", "#define M_E 2.71828182845904523536028747135266250", "#endif", "",
           f"double {fn}({', '.join('double ' + a for a in args)})", "{"]
    # every quantity takes the same arguments; one it does not need is read here
    out += [f"    (void){a};  /* not needed for this quantity */" for a in unused]
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


def _fortran(fn, args, t, lines, result, zero, unused=()):
    indent = lambda text: "\n".join("    " + x.strip() for x in text.splitlines())
    out = [f"pure function {fn}({', '.join(args)}) result(value)", "    implicit none",
           f"    real(8), intent(in) :: {', '.join(args)}", "    real(8) :: value"]
    out += [f"    real(8) :: {n}" for n, _ in lines]
    # gfortran -Wall warns about an unused dummy argument and has no attribute to say so:
    # a read that never runs keeps every quantity's argument list the same, warning-free
    out += [f"    if (.false.) value = {a}  ! not needed for this quantity" for a in unused]
    if zero is not None:  # abs(t) <= 0, not t == 0: -Wextra warns on real equality
        out += [f"    if (abs({t}) <= 0.0d0) then", "    " + indent(f"value = {zero}"), "        return",
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


def _c_program(fn, params, body):
    n, usage = len(params), " ".join([fn, *params, "t [t ...]"])
    call = ", ".join([*(f"p[{k}]" for k in range(n)), "t"])
    return ["#include <stdio.h>", "#include <stdlib.h>", *body, "",
            "static double number(const char *text)  /* a finite number, else exit 2 */", "{",
            "    char *end;", "    double x = strtod(text, &end);",
            "    if (end == text || *end != '\\0' || !isfinite(x)) {",
            '        fprintf(stderr, "not a finite number: %s\\n", text);', "        exit(2);",
            "    }", "    return x;", "}", "", "int main(int argc, char **argv)", "{",
            f"    if (argc < {n + 2}) {{", f'        fprintf(stderr, "usage: {usage}\\n");',
            "        return 2;", "    }",
            *([f"    double p[{n}];", f"    for (int k = 0; k < {n}; k++) p[k] = number(argv[k + 1]);"]
              if n else []),
            f"    for (int k = {n + 1}; k < argc; k++) {{", "        double t = number(argv[k]);",
            '        if (t < 0) { fprintf(stderr, "t must be >= 0\\n"); return 2; }',
            f'        printf("%.17g\\n", {fn}({call}));', "    }", "    return 0;", "}"]


def _rust_program(fn, params, body):
    n, usage = len(params), " ".join([fn, *params, "t [t ...]"])
    call = ", ".join([*(f"p[{k}]" for k in range(n)), "t"])
    return [*body, "", "fn number(text: &str) -> f64 {  // a finite number, else exit 2",
            "    match text.trim().parse::<f64>() {", "        Ok(x) if x.is_finite() => x,",
            '        _ => { eprintln!("not a finite number: {}", text); std::process::exit(2) }',
            "    }", "}", "", "fn main() {", "    let args: Vec<String> = std::env::args().collect();",
            f'    if args.len() < {n + 2} {{ eprintln!("usage: {usage}"); std::process::exit(2); }}',
            *([f"    let p: Vec<f64> = args[1..{n + 1}].iter().map(|a| number(a)).collect();"]
              if n else []),
            f"    for a in &args[{n + 1}..] {{", "        let t = number(a);",
            '        if t < 0.0 { eprintln!("t must be >= 0"); std::process::exit(2); }',
            f'        println!("{{:.16e}}", {fn}({call}));', "    }", "}"]


def _fortran_program(fn, params, body):
    n, usage = len(params), " ".join([fn, *params, "t [t ...]"])
    call = ", ".join([*(f"p({k + 1})" for k in range(n)), "t"])
    bad = "        if (status /= 0 .or. .not. abs({0}) <= huge({0})) then"
    fail = ["            write (error_unit, '(2a)') 'not a finite number: ', trim(text)",
            "            stop 2", "        end if"]
    return [f"module {fn}_code", "    implicit none", "contains", *body, f"end module {fn}_code",
            "", f"program {fn}_run", "    use, intrinsic :: iso_fortran_env, only: error_unit",
            f"    use {fn}_code, only: {fn}", "    implicit none",
            *([f"    real(8) :: p({n})"] if n else []), "    real(8) :: t",
            "    character(len=256) :: text", "    integer :: k, status",
            f"    if (command_argument_count() < {n + 1}) then",
            f"        write (error_unit, '(a)') 'usage: {usage}'", "        stop 2", "    end if",
            *([f"    do k = 1, {n}", "        call get_command_argument(k, text)",
               "        read (text, *, iostat=status) p(k)", bad.format("p(k)"), *fail,
               "    end do"] if n else []),
            f"    do k = {n + 1}, command_argument_count()",
            "        call get_command_argument(k, text)", "        read (text, *, iostat=status) t",
            bad.format("t"), *fail, "        if (t < 0) then",
            "            write (error_unit, '(a)') 't must be >= 0'", "            stop 2",
            "        end if", f"        print '(ES25.17)', {fn}({call})", "    end do",
            f"end program {fn}_run"]


#: The main programs of ``harness=True``: the function's parameters (t aside) and its lines.
_HARNESSES = {"c": _c_program, "rust": _rust_program, "fortran": _fortran_program}


def export(quantity: str, lang: str, *, model: str | None = None, battery: Any = None,
           values: dict | None = None, harness: bool = False, filename: str | None = None) -> str:
    """The text of one file with ``quantity`` of a battery in language ``lang``.

    Parameters
    ----------
    quantity
        One of ``energy, ergotropy, power, concurrence, coherence, steering``.
    lang
        One of ``c, fortran, julia, rust, mathematica, octave, jax``.
    model, battery
        A preset name or a two-qubit battery object (default: the ``general`` preset).
    values
        Parameter values fixed exactly before the export (they leave the argument list).
    harness
        C, Rust, Fortran: a whole program printing the quantity at the parameters and times
        given on its command line (the compile line is in the header).
    filename
        The file's name for the header's compile line (default ``qb_<quantity>.<ext>``).

    Examples
    --------
    >>> text = export("ergotropy", "c", model="ising")
    >>> "double qb_ergotropy(double Omega, double J, double D, double omega0, double t)" in text
    True
    """
    from ..core.values import exact_real
    from ..model.battery import Battery
    from ..model.presets import MODELS

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if quantity not in EXPORTABLE:
        raise ValueError(f"{quantity!r} cannot be exported; exportable: {', '.join(EXPORTABLE)}")
    if harness and lang not in HARNESS_LANGUAGES:
        raise ValueError(f"a harness (a whole program) is written in {', '.join(HARNESS_LANGUAGES)}; "
                         f"a {lang} file is loaded and called as its header says")
    if battery is None:
        name = model or "general"
        if name not in MODELS:
            raise ValueError(f"unknown model {name!r}; models: {', '.join(MODELS)}")
        battery = Battery(name)
    elif model is not None:
        raise ValueError("give model= or battery=, not both")
    fixed = {k: sp.sstr(exact_real(k, v)) for k, v in (values or {}).items()}
    if fixed:
        battery = (battery.as_model())
        battery = battery.substitute(**values)
    return render(real_forms(battery, quantity), battery, lang, harness=harness,
                  filename=filename, fixed=fixed)
