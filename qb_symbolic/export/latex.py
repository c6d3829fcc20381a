"""Publication LaTeX from SymPy: formulas with named intermediates.

A :class:`Formula` is a SymPy equation ``lhs = rhs`` plus the definitions of
the intermediate quantities it uses (``R``, ``X``, ``lambda_k``, ``w_k``,
``nu_k``, ``q(lambda)``...), each itself a SymPy equation. It renders as an
``align*`` block: the main equation first, then "where" lines, each definition
once; long right-hand sides are broken at their top-level sums. The same object
expands its definitions back (:meth:`Formula.explicit`), which is what the
round-trip test evaluates against :func:`qb_symbolic.evaluate`.

Printing choices: the paper's symbols (``\\Omega, \\gamma, \\Delta, D, \\omega_0,
\\zeta``), ``\\mathrm{i}`` for the imaginary unit, ``\\arccos``, SymPy's
deterministic term order, and no floats anywhere (a float raises).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

#: Greek names of indexed bases and symbols used as intermediates.
_GREEK = {"lambda", "nu", "phi", "zeta", "kappa", "tau", "sigma", "rho", "mu", "theta"}

#: A right-hand side longer than this (visible characters, estimated) is broken.
LINE_CHARACTERS = 62
#: A text between two formulas at most this long joins them as an \\shortintertext.
INTERTEXT_CHARACTERS = 160
#: Two short definitions share a row when together they are at most this long.
PAIR_CHARACTERS = 44


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


@dataclass(frozen=True)
class Claim:
    """What a formula claims to be, for the round-trip test.

    Attributes
    ----------
    kind
        ``quantity`` (a quantity of :func:`qb_symbolic.evaluate`), ``eigenvalues``,
        ``amplitude`` (a Bell-basis component of the state), ``time`` (a charging
        time), ``derivative`` (the time derivative of a quantity), ``matrix`` (the
        Hamiltonian in a named basis) or ``identity`` (lhs - rhs vanishes).
    model
        The model the formula is about.
    fixed
        Parameter values the formula assumes beyond the model's preset.
    name
        The quantity, component or basis name.
    indices
        For ``eigenvalues``: the values of a template index ``k`` the formula covers.
    """

    kind: str
    model: str = "general"
    fixed: tuple[tuple[str, Any], ...] = ()
    name: str = ""
    indices: tuple[int, ...] = ()


@dataclass
class Formula:
    """An equation with named intermediates; renders to LaTeX and expands back."""

    lhs: sp.Expr
    rhs: sp.Expr
    where: list[tuple[sp.Expr, sp.Expr]] = field(default_factory=list)
    claim: Claim | None = None
    note: str = ""
    #: Definitions made elsewhere in the document: used to expand, not printed again.
    context: list[tuple[sp.Expr, sp.Expr]] = field(default_factory=list)

    def render(self) -> str:
        """An ``align*`` block: the equation, then each definition once."""
        note = f"\\intertext{{{self.note}}}\n" if self.note else ""
        return f"\\begin{{align*}}\n{note}{self.rows()}\n\\end{{align*}}"

    def rows(self) -> str:
        """The rows of the ``align*`` block, joined by ``\\\\``."""
        rows = []
        lines = broken(self.rhs)
        rows.append(f"{tex(self.lhs)} &= {lines[0]}")
        rows.extend(f"&\\quad {line}" for line in lines[1:])
        pending = ""
        for lhs, rhs in self.where:
            parts = broken(rhs)
            entry = f"{tex(lhs)} = {parts[0]}"
            if len(parts) == 1 and pending and visible_width(pending + entry) <= PAIR_CHARACTERS:
                rows[-1] += f", \\qquad {entry}"
                pending = ""
                continue
            rows.append(f"{tex(lhs)} &= {parts[0]}")
            rows.extend(f"&\\quad {line}" for line in parts[1:])
            pending = entry if len(parts) == 1 else ""
        return " \\\\\n".join(rows)

    def explicit(self, side: str = "rhs") -> sp.Expr:
        """The right (or left) side with every intermediate substituted and sums done."""
        return self.expand(self.rhs if side == "rhs" else self.lhs)

    def expand(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with the definitions of this formula (and its context) substituted."""
        definitions = [*self.where, *self.context]
        for _ in range(20):
            before = expr
            for lhs, rhs in definitions:
                expr = _substitute(expr, lhs, rhs)
            expr = expr.doit()
            if expr == before:
                return expr
        raise ValueError("definitions do not terminate")


def _substitute(expr: sp.Expr, lhs: sp.Expr, rhs: sp.Expr) -> sp.Expr:
    """Replace one definition in ``expr``.

    ``lhs`` may be a symbol, an indexed symbol with a concrete index, an indexed
    symbol with a positive integer index symbol (a template for every index that
    is not known to be zero, e.g. ``lambda_k`` for ``k = 1, 2, 3`` next to a
    separately defined ``lambda_0``), or an undefined function of symbols.
    """
    if isinstance(lhs, sp.Symbol):
        return expr.xreplace({lhs: rhs})
    if isinstance(lhs, sp.Pow) and lhs.exp == 2 and isinstance(lhs.base, sp.Symbol):
        # ``R**2 = ...`` defines a positive R.
        return expr.xreplace({lhs.base: sp.sqrt(rhs)})
    if isinstance(lhs, sp.Indexed):
        base, index = lhs.base, lhs.indices[0]
        if isinstance(index, sp.Symbol):
            return expr.replace(
                lambda e: isinstance(e, sp.Indexed) and e.base == base
                and e.indices[0].is_zero is not True,
                lambda e: rhs.subs(index, e.indices[0]),
            )
        return expr.xreplace({lhs: rhs})
    if isinstance(lhs, sp.core.function.AppliedUndef):
        return expr.replace(type(lhs), sp.Lambda(lhs.args, rhs))
    raise TypeError(f"cannot substitute a definition of {lhs!r}")


@dataclass
class Section:
    """A titled piece of the document: text and formulas, as one LaTeX fragment."""

    key: str
    title: str
    text: str
    formulas: list[Formula | str] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    measure: bool = False

    def render(self, level: int = 0) -> str:
        command = "section" if level == 0 else "subsection"
        body = [self.text] if self.text else []
        body.extend(_grouped(self.formulas))
        inner = "\n\n".join(body)
        if self.measure:
            inner = (
                "\\begin{lrbox}{\\qbbox}\\begin{minipage}{\\textwidth}\n"
                f"{inner}\n\\end{{minipage}}\\end{{lrbox}}\n"
                f"\\typeout{{QB-HEIGHT {self.key} \\the\\dimexpr\\ht\\qbbox+\\dp\\qbbox\\relax\\space"
                " of \\the\\textheight}\n\\noindent\\usebox{\\qbbox}"
            )
        parts = [f"\\{command}{{{self.title}}}\\label{{sec:{self.key}}}", inner]
        parts.extend(s.render(level + 1) for s in self.subsections)
        return "\n\n".join(parts) + "\n"

    def all_formulas(self) -> list[Formula]:
        found = [f for f in self.formulas if isinstance(f, Formula)]
        for s in self.subsections:
            found.extend(s.all_formulas())
        return found


def _grouped(items: list[Formula | str]) -> list[str]:
    """LaTeX of the items; a text between two formulas becomes an ``\\intertext``
    of one ``align*`` (less vertical space than two displays and a paragraph)."""
    out: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if not isinstance(item, Formula):
            out.append(item)
            i += 1
            continue
        rows = [f"\\intertext{{{item.note}}}\n{item.rows()}" if item.note else item.rows()]
        i += 1
        while (i + 1 < len(items) and isinstance(items[i], str) and "\\[" not in items[i]
               and len(items[i]) <= INTERTEXT_CHARACTERS
               and isinstance(items[i + 1], Formula)):
            text, following = items[i], items[i + 1]
            note = f" {following.note}" if following.note else ""
            rows.append(f"\\shortintertext{{{text}{note}}}\n{following.rows()}")
            i += 2
        out.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    return out


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb,mathtools}
\allowdisplaybreaks[1]
\newsavebox{\qbbox}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
"""
