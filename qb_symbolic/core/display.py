"""LaTeX for notebooks: operators as Pauli sums, kets, the compact ``_repr_latex_`` text.

Jupyter shows an object's ``_repr_latex_()`` (a ``$...$`` string) in place of its repr;
the batteries, eigensystems, states and figures of merit use these helpers so a notebook
shows formulas (sigma^a_n is the Pauli matrix a on cell n, cell 1 first; docs/conventions.md).
"""

from __future__ import annotations

import sympy as sp

from .pauli import BASIS_LABELS, pauli_decomposition

_LETTERS = {"X": "x", "Y": "y", "Z": "z"}


def pauli_latex(matrix: sp.MatrixBase) -> str:
    """``matrix`` as ``sum_P c_P P`` in LaTeX (two-qubit Pauli strings)."""
    terms = []
    for label, coefficient in pauli_decomposition(sp.Matrix(matrix)).items():
        cells = [f"\\sigma^{{{_LETTERS[c]}}}_{{{n}}}" for n, c in enumerate(label, 1) if c != "I"]
        operator = sp.Symbol(" ".join(cells) or "\\mathbb{1}", commutative=False)
        terms.append(coefficient * operator)
    return sp.latex(sp.Add(*terms)) if terms else "0"


def ket_latex(vector: sp.MatrixBase) -> str:
    """A two-qubit ket as ``sum_s a_s |s>``."""
    parts = []
    for amplitude, label in zip(vector, BASIS_LABELS):
        if amplitude != 0:
            ket = sp.Symbol(f"|{'{' + label[0] + label[1] + '}'}\\rangle", commutative=False)
            parts.append(amplitude * ket)
    return sp.latex(sp.Add(*parts)) if parts else "0"


def math(*rows: str) -> str:
    """Rows joined as one display-style math string for ``_repr_latex_``."""
    return "$\\displaystyle " + ",\\quad ".join(rows) + "$"
