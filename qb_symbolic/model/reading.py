"""Reading a two-qubit battery's three inputs (H, H0, the start) into exact data.

What :meth:`qb_symbolic.Battery.from_paulis`, ``from_string`` and ``from_matrix`` share:
check and convert the inputs (:mod:`qb_symbolic.model.inputs`, :mod:`.density`) and put
the parameters in the order the user wrote them (never taken from a set).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..core.pauli import sigma
from ..core.symbols import SYMBOLS
from .density import initial_density, is_density_input
from .inputs import check_hermitian, initial_state, to_matrix

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def default_energy_operator() -> sp.Matrix:
    """``H0 = omega0 (sz1 + sz2)`` with the package's ``omega0 > 0``."""
    return SYMBOLS["omega0"] * (sigma("z", 1) + sigma("z", 2))


def ordered_symbols(spec: Any, matrix: sp.MatrixBase) -> list[sp.Symbol]:
    """The matrix's symbols in the order the user wrote them (strings, dicts), else by name."""
    found = {s.name: s for s in matrix.free_symbols}
    order: list[str] = []
    if isinstance(spec, str):
        order = [n for n in _NAME.findall(spec) if n in found]
    elif isinstance(spec, Mapping):
        for value in spec.values():
            expr = value if isinstance(value, sp.Basic) else None
            names = sorted(s.name for s in expr.free_symbols) if expr is not None else []
            if isinstance(value, str):
                names = _NAME.findall(value)
            order += [n for n in names if n in found]
    order += sorted(found, key=lambda n: sp.default_sort_key(found[n]))
    seen: list[sp.Symbol] = []
    for name in order:
        if found[name] not in seen:
            seen.append(found[name])
    return seen


@dataclass(frozen=True)
class TwoQubitInputs:
    """H, H0 and the start as exact matrices, with the parameters in their order."""

    hamiltonian: sp.ImmutableMatrix
    energy_operator: sp.ImmutableMatrix
    initial_state: sp.ImmutableMatrix
    parameters: tuple[sp.Symbol, ...]
    defaults: tuple[tuple[str, Any], ...]
    source: str


def read_two_qubit(spec: Any, H0: Any = None, initial: Any = "dd") -> TwoQubitInputs:
    """Check and convert the three inputs of a two-qubit battery.

    Raises
    ------
    ValueError
        For a non-Hermitian H or H0, a bad state, or the time ``t`` as a parameter.
    """
    H = to_matrix(spec, "H")
    check_hermitian(H, "H")
    energy = default_energy_operator() if H0 is None else to_matrix(H0, "H0")
    check_hermitian(energy, "H0")
    psi0 = initial_density(initial) if is_density_input(initial) else initial_state(initial)
    symbols = ordered_symbols(spec, H)
    for extra in (ordered_symbols(H0, energy), ordered_symbols(None, psi0)):
        symbols += [s for s in extra if s not in symbols]
    if any(s.name == "t" for s in symbols):
        raise ValueError("the time t cannot be a parameter (H, H0 and the state are static)")
    defaults = (("omega0", 1),) if H0 is None else ()
    shown = spec if isinstance(spec, str) else repr(spec)
    return TwoQubitInputs(sp.ImmutableMatrix(H), sp.ImmutableMatrix(energy),
                          sp.ImmutableMatrix(psi0), tuple(symbols), defaults, shown)
