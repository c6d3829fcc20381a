"""A battery as formulas (Jupyter's ``_repr_latex_``): H, H0 and the start."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..core.display import ket_latex, math, pauli_latex


def _lattice_sum(pairs: Any, sites: tuple[str, ...]) -> str:
    parts = [c * sp.Symbol(" ".join(f"\\sigma^{{{x.lower()}}}_{{{i}}}"
                                    for x, i in zip(label, sites)), commutative=False)
             for label, c in pairs]
    return sp.latex(sp.Add(*parts))


def battery_latex(battery: Any) -> str:
    """Two cells: H and H0 in Pauli form and the start; N cells: the bond and site sums."""
    if battery.matrices is not None:
        start = (f"\\rho(0) = {sp.latex(sp.Matrix(battery.initial_state))}" if battery.mixed
                 else f"|\\psi(0)\\rangle = {ket_latex(battery.initial_state)}")
        return math(f"H = {pauli_latex(battery.hamiltonian)}",
                    f"H_0 = {pauli_latex(battery.energy_operator)}", start)
    lattice = battery.lattice
    last = "N" if lattice.periodic else "N-1"
    return math(f"H = \\sum_{{i=1}}^{{{last}}} \\left({_lattice_sum(lattice.bond, ('i', 'i+1'))}"
                f"\\right) + \\sum_{{i=1}}^{{N}} \\left({_lattice_sum(lattice.site, ('i',))}\\right)",
                f"H_0 = \\sum_i {_lattice_sum(lattice.energy_site, ('i',))}",
                f"N = {battery.sites}" + (",\\ \\text{ring}" if lattice.periodic else ""),
                f"|\\psi(0)\\rangle = |{battery.initial}\\rangle")
