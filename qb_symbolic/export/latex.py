"""Publication LaTeX from SymPy: formulas with named intermediates.

A :class:`Formula` is a SymPy equation ``lhs = rhs`` plus the definitions of
the intermediate quantities it uses (``R``, ``X``, ``lambda_k``, ``w_k``,
``nu_k``, ``q(lambda)``...), each itself a SymPy equation. It renders as an
``align*`` block: the main equation first, then "where" lines, each definition
once; long right-hand sides are broken at their top-level sums. The same object
expands its definitions back (:meth:`Formula.explicit`), which is what the
round-trip test evaluates against :func:`qb_symbolic.evaluate`.

Printing choices (the paper's symbols, no floats) and line breaking are those of
:mod:`qb_symbolic.export.latex_printer`; its :func:`tex`, :func:`broken`,
:func:`check_exact` and :func:`visible_width` are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .latex_printer import LINE_CHARACTERS, broken, check_exact, tex, visible_width

__all__ = [
    "INTERTEXT_CHARACTERS",
    "LINE_CHARACTERS",
    "PAIR_CHARACTERS",
    "PREAMBLE",
    "Claim",
    "Formula",
    "Section",
    "broken",
    "check_exact",
    "tex",
    "visible_width",
]

#: A text between two formulas at most this long joins them as an \\shortintertext.
INTERTEXT_CHARACTERS = 160
#: Two short definitions share a row when together they are at most this long.
PAIR_CHARACTERS = 44


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
