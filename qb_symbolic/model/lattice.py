"""A battery's Hamiltonian as data: one bond term on every edge, one site term on every site.

The compact form every many-cell battery is typed in (chains, rings, and the paper's
two-qubit presets as the one-edge case). Edges are *ordered* pairs ``(a, b)`` of sites
``0..N-1``: the bond label's first letter acts on ``a``, the second on ``b``. The order
matters for terms that are odd under the swap of the two sites, such as the DM term
``D (XY - YX)``: a chain orients its bonds ``i -> i + 1`` (the ring's closing bond
``N-1 -> 0``); docs/conventions.md.

:meth:`Lattice.pauli_terms` writes the whole operator as N-letter Pauli strings
(site 1, vertex 0, leftmost), the form the symmetry finder, the sparse builders and
QuTiP read; :func:`operator_matrix` builds its exact sparse ``2^N x 2^N`` matrix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from ..core.pauli import parse_pauli_expression
from ..core.symbols import SYMBOLS

Terms = tuple[tuple[str, sp.Expr], ...]


def _resolve(name: str, _position: int) -> sp.Symbol:
    return SYMBOLS.get(name, sp.Symbol(name, real=True))


def bond_terms(text: str) -> dict[str, sp.Expr]:
    """A bond term's two-letter labels and coefficients, from Pauli text."""
    try:
        terms = parse_pauli_expression(text, _resolve)
    except ValueError as error:
        raise ValueError(f"bond term: {error} (a bond term uses two-letter labels such as "
                         "XX, XY; the site term one-letter labels)") from None
    if terms.pop("", 0) != 0:
        raise ValueError("the bond term has a part without a Pauli label (a constant shift)")
    return {label: sp.expand(c) for label, c in terms.items() if sp.expand(c) != 0}


def site_terms(text: str, what: str) -> dict[str, sp.Expr]:
    """One-letter labels, read by padding them to two letters (``X`` -> ``XI``)."""
    if re.search(r"\b[IXYZ]{2}\b", text):
        raise ValueError(f"{what} uses one-letter labels X, Y, Z (site i); got {text!r}")
    padded = re.sub(r"\b([XYZ])\b", r"\1I", text)
    terms = parse_pauli_expression(padded, _resolve)
    if terms.pop("", 0) != 0:
        raise ValueError(f"{what} has a part without a Pauli label (a constant shift)")
    return {label[0]: sp.expand(c) for label, c in terms.items() if sp.expand(c) != 0}


def chain_edges(N: int, periodic: bool) -> tuple[tuple[int, int], ...]:
    """Bonds ``i -> i + 1`` of an open chain, plus ``N-1 -> 0`` on a ring (N > 2: a
    two-site ring has one bond, not two)."""
    edges = [(i, i + 1) for i in range(N - 1)]
    if periodic and N > 2:
        edges.append((N - 1, 0))
    return tuple(edges)


@dataclass(frozen=True)
class Lattice:
    """Bond and site terms (label -> exact coefficient) on the edges and sites of N cells.

    Attributes
    ----------
    sites
        Number of cells N.
    edges
        Ordered pairs ``(a, b)``, ``0 <= a, b < N``.
    bond, site, energy_site
        Two-letter bond labels, one-letter site labels (H) and one-letter site labels
        of H0, each with its coefficient.
    periodic
        True for a ring whose translation ``i -> i + 1`` maps every oriented bond to an
        oriented bond (the sector finder uses it).
    weights
        One exact factor per edge multiplying its bond term (empty: all 1), for
        networks with a coupling of their own on each bond.
    """

    sites: int
    edges: tuple[tuple[int, int], ...]
    bond: Terms
    site: Terms
    energy_site: Terms
    periodic: bool = False
    weights: tuple[sp.Expr, ...] = ()

    def pauli_terms(self, energy: bool = False) -> dict[str, sp.Expr]:
        """H (or H0 with ``energy=True``) as ``{N-letter Pauli string: coefficient}``."""
        N, out = self.sites, {}

        def add(letters: list[str], c: sp.Expr) -> None:
            label = "".join(letters)
            out[label] = sp.expand(out.get(label, 0) + c)

        for letter, c in (self.energy_site if energy else self.site):
            for i in range(N):
                add(["I"] * i + [letter] + ["I"] * (N - i - 1), c)
        if not energy:
            weights = self.weights or (1,) * len(self.edges)
            for label, c in self.bond:
                for (a, b), w in zip(self.edges, weights):
                    letters = ["I"] * N
                    letters[a], letters[b] = label[0], label[1]
                    add(letters, w * c)
        return {k: v for k, v in out.items() if v != 0}

    def substitute(self, subs: Mapping[sp.Symbol, sp.Expr]) -> Lattice:
        """The same lattice with exact values put in for some symbols (zero terms dropped)."""
        def put(terms: Terms) -> Terms:
            done = ((k, sp.expand(sp.sympify(v).xreplace(dict(subs)))) for k, v in terms)
            return tuple((k, v) for k, v in done if v != 0)

        weights = tuple(sp.expand(sp.sympify(w).xreplace(dict(subs))) for w in self.weights)
        return Lattice(self.sites, self.edges, put(self.bond), put(self.site),
                       put(self.energy_site), self.periodic, weights)


def string_action(label: str, state: int) -> tuple[sp.Expr, int]:
    """``P|s> = phase |s'>`` for an N-letter Pauli string, exactly (site 1 the most
    significant bit, bit 0 = ``u``): X flips, Z gives ``(-1)^bit``, ``Y = i X Z``."""
    N, phase = len(label), sp.Integer(1)
    for i, letter in enumerate(label):
        bit = (state >> (N - 1 - i)) & 1
        if letter in "XY":
            state ^= 1 << (N - 1 - i)
        if letter in "YZ":
            phase *= (-1) ** bit * (sp.I if letter == "Y" else 1)
    return phase, state


def operator_matrix(terms: Mapping[str, sp.Expr], N: int) -> sp.SparseMatrix:
    """The exact sparse ``2^N x 2^N`` matrix of ``{N-letter Pauli string: coefficient}``."""
    entries: dict[tuple[int, int], sp.Expr] = {}
    for label, c in terms.items():
        for column in range(2**N):
            phase, row = string_action(label, column)
            entries[row, column] = entries.get((row, column), 0) + phase * c
    entries = {k: sp.expand(v) for k, v in entries.items() if sp.expand(v) != 0}
    return sp.SparseMatrix(2**N, 2**N, entries)


def basis_ket(label: str) -> sp.SparseMatrix:
    """The basis ket of a label over ``u``/``d`` (site 1 first, ``u`` = bit 0)."""
    index = int("".join("0" if s == "u" else "1" for s in label), 2)
    return sp.SparseMatrix(2 ** len(label), 1, {(index, 0): 1})
