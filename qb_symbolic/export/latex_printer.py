"""The package's LaTeX printer and line breaking: exact SymPy expressions as a paper writes them.

Printing choices: the paper's symbols (``\\Omega, \\gamma, \\Delta, D, \\omega_0,
\\zeta``), ``\\mathrm{i}`` for the imaginary unit, ``\\arccos``, SymPy's
deterministic term order, and no floats anywhere (a float raises). Long right-hand
sides are broken at their top-level sums (:func:`broken`). The formulas and sections
built from these are in :mod:`qb_symbolic.export.latex`.
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

#: Greek names of indexed bases and symbols used as intermediates.
_GREEK = {"lambda", "nu", "phi", "zeta", "kappa", "tau", "sigma", "rho", "mu", "theta"}

#: A right-hand side longer than this (visible characters, estimated) is broken.
LINE_CHARACTERS = 62


class _Printer(LatexPrinter):
    """LatexPrinter with tidier indices and function names for this package."""

    def _print_Indexed(self, expr):
        base = str(expr.base)
        name = f"\\{base}" if base in _GREEK else base
        index = ",".join(self._print(i) for i in expr.indices)
        return f"{name}_{{{index}}}"

    def _print_Symbol(self, expr, style="plain"):
        # Symbols whose name is already LaTeX (``\\langle\\Phi^{+}|\\psi\\rangle``).
        if "\\" in expr.name:
            return expr.name
        return super()._print_Symbol(expr, style)

    def _print_IndexedBase(self, expr):
        base = str(expr)
        return f"\\{base}" if base in _GREEK else base

    def _print_Add(self, expr, order=None):
        # SymPy's order, except that a positive constant leads ("1 - cos") and a sum
        # does not open with a minus when it has a positive term ("lambda_k - lambda_0").
        terms = list(self._as_ordered_terms(expr, order=order))
        negative = [term for term in terms if term.could_extract_minus_sign()]
        if sp.S.One in terms:
            # 1 - cos(at) cos(rt) + ..., 1 - Delta + 3 gamma
            terms.remove(sp.S.One)
            terms = [sp.S.One] + negative + [term for term in terms if term not in negative]
        elif terms[0].could_extract_minus_sign():
            positive = [term for term in terms if not term.could_extract_minus_sign()]
            if positive:
                terms.remove(positive[0])
                terms.insert(0, positive[0])
        return self._join_terms(terms)

    def _join_terms(self, ordered: list) -> str:
        text = ""
        for i, term in enumerate(ordered):
            if i > 0:
                if term.could_extract_minus_sign():
                    text += " - "
                    term = -term
                else:
                    text += " + "
            elif term.could_extract_minus_sign():
                text += "- "
                term = -term
            piece = self._print(term)
            if isinstance(term, sp.Add):
                piece = f"\\left({piece}\\right)"
            text += piece
        return text

    def _print_Mul(self, expr):
        # Physics order of factors: numbers, i, parameters, t, functions, brackets;
        # one fraction with every negative power in its denominator.
        if expr.could_extract_minus_sign():
            return "- " + self._print_Mul_positive(-expr)
        return self._print_Mul_positive(expr)

    def _print_Mul_positive(self, expr):
        if not isinstance(expr, sp.Mul):
            return self._print(expr)
        coeff, factors = expr.as_coeff_mul()
        numerator, denominator = [], []
        for factor in factors:
            if factor.is_Pow and factor.exp.is_Rational and factor.exp.is_negative:
                denominator.append(sp.Pow(factor.base, -factor.exp))
            else:
                numerator.append(factor)
        p, q = (coeff.p, coeff.q) if coeff.is_Rational else (coeff, 1)
        if q == 2 and p == 1 and sp.sqrt(2) in numerator:
            # sqrt(2)/2 is written 1/sqrt(2)
            numerator.remove(sp.sqrt(2))
            q, denominator = 1, [sp.sqrt(2), *denominator]
        if not denominator and q != 1:
            # A number over a number: a small inline fraction in front, \tfrac{4}{3} R.
            rest = self._factors(numerator, 1, brackets=True) if numerator else ""
            return f"\\tfrac{{{p}}}{{{q}}} {rest}".rstrip()
        top = self._factors(numerator, p)
        if not denominator and q == 1:
            return top
        # Trigonometric factors after the fraction: \frac{J}{r} \sin(at), not \frac{J \sin(at)}{r}.
        trig = [f for f in numerator if isinstance(f, (sp.sin, sp.cos, sp.exp, sp.Sum))]
        if trig:
            rest = [f for f in numerator if f not in trig]
            top = self._factors(rest, p)
            tail = " " + self._factors(trig, 1)
        else:
            tail = ""
        bottom = self._factors(denominator, q)
        return f"\\frac{{{top}}}{{{bottom}}}{tail}"

    def _factors(self, factors: list, number, brackets: bool = False) -> str:
        ordered = sorted(enumerate(factors), key=lambda pair: (_factor_rank(pair[1]), pair[0]))
        pieces = [] if number == 1 else [self._print(number)]
        for _, factor in ordered:
            piece = self._print(factor)
            if isinstance(factor, sp.Add) and (brackets or len(factors) > 1 or number != 1):
                piece = f"\\left({piece}\\right)"
            pieces.append(piece)
        return " ".join(pieces) if pieces else "1"

    def _print_Sum(self, expr):
        # Limits beside the sign: a display sum as tall as a fraction, not two lines.
        (index, low, high), = expr.limits
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = f"\\left({body}\\right)"
        return f"\\sum\\nolimits_{{{self._print(index)}={self._print(low)}}}^{{{self._print(high)}}} {body}"

    def _print_Function(self, expr, exp=None):
        name = type(expr).__name__
        if name in ("q", "p'", "f", "zeta", "P", "C", "Q", "F_3", "S", "psi") or name.startswith("Q_"):
            shown = {"zeta": "\\zeta", "psi": "\\psi"}.get(name, name)
            if name.startswith("Q_"):
                shown = f"Q_{{{name[2:]}}}"
            args = ", ".join(self._print(a) for a in expr.args)
            text = f"{shown}({args})"
            return f"{text}^{{{exp}}}" if exp else text
        return super()._print_Function(expr, exp)


#: Order of parameters inside a product (J D^2, not D^2 J).
_PARAMETER_RANK = {"omega0": 0, "Omega": 1, "J": 2, "D": 3, "gamma": 4, "Delta": 5}


def _factor_rank(factor: sp.Expr) -> tuple[int, int, str]:
    base = factor.base if isinstance(factor, sp.Pow) else factor
    if base.is_number:
        return (0, 0, "")
    if isinstance(base, sp.Symbol) and base.name == "t":
        return (2, 0, "")
    if isinstance(base, sp.Symbol):
        return (1, _PARAMETER_RANK.get(base.name, 9), base.name)
    if isinstance(base, (sp.Indexed, sp.IndexedBase)):
        # Weights before frequencies: w_k nu_k sin(nu_k t).
        name = str(base.base if isinstance(base, sp.Indexed) else base)
        return (1, 7 if name in ("w", "u", "v") else 8, name)
    if isinstance(base, sp.Add):
        return (3, 0, "")
    return (4, 0, "")


_SETTINGS = {
    "inv_trig_style": "full",
    "imaginary_unit": "ri",
    "mul_symbol": None,
    "long_frac_ratio": 3,
    "symbol_names": {sp.Symbol("omega0", positive=True): "\\omega_0"},
}


def check_exact(expr: Any) -> None:
    """Raise if an expression holds a float (``1.0``-style numbers are not allowed)."""
    expr = sp.sympify(expr)
    floats = expr.atoms(sp.Float) if isinstance(expr, sp.Basic) else set()
    if floats:
        raise ValueError(f"floats are not printed: {sorted(map(str, floats))[:3]} in {expr}")


def tex(expr: Any) -> str:
    """LaTeX of an exact SymPy expression with the package's conventions."""
    check_exact(expr)
    text = _Printer(_SETTINGS).doprint(sp.sympify(expr))
    text = text.replace("\\omega_{0}", "\\omega_0")
    return text


def visible_width(text: str) -> int:
    """A rough count of the characters a LaTeX math string shows."""
    text = re.sub(r"\\(left|right|big|Big|bigl|bigr|Bigl|Bigr)\b", "", text)
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: max(m.group(1), m.group(2), key=len), text)
    text = re.sub(r"\\[a-zA-Z]+", "x", text)
    text = re.sub(r"[{}^_ ]", "", text)
    return len(text)


def _terms(expr: sp.Expr) -> list[sp.Expr]:
    if isinstance(expr, sp.Add):
        return list(expr.as_ordered_terms())
    return [expr]


def broken(expr: sp.Expr, first_width: int = LINE_CHARACTERS) -> list[str]:
    """The LaTeX of ``expr`` as lines, broken between top-level terms when too long."""
    whole = tex(expr)
    if visible_width(whole) <= first_width or not isinstance(expr, sp.Add):
        return [whole]
    lines: list[str] = []
    current = ""
    for term in _terms(expr):
        negative = term.could_extract_minus_sign()
        piece = tex(-term if negative else term)
        sign = "-" if negative else "+"
        if not current:
            candidate = ("-" if negative else "") + piece
        else:
            candidate = f"{current} {sign} {piece}"
        if current and visible_width(candidate) > LINE_CHARACTERS:
            lines.append(current)
            current = f"{sign} {piece}"
        else:
            current = candidate
    lines.append(current)
    return lines
