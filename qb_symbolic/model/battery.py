"""The model object of a battery a physicist types in: H, H0, initial state, parameters.

Every algorithm downstream (structure, roots, evolution, evaluation) reads this one
object (the Qsymm habit: the model is data), never a parameter name typed into code.

* ``hamiltonian``: the charging Hamiltonian H (4x4, Hermitian identically);
* ``energy_operator``: H0, which only measures the stored energy (default
  ``omega0 (sz1 + sz2)``, docs/conventions.md);
* ``initial_state``: a normalised 4x1 ket (default ``|dd>``);
* ``parameters``: its real symbols in a declared order (order of first appearance
  in the input, then H0's, then the state's), never taken from a set;
* ``defaults``: values used when a parameter is not given (``omega0 = 1`` for the
  default H0; none for the user's own symbols).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from ..core.pauli import sigma
from ..core.symbols import SYMBOLS
from ..core.values import describe, real_array
from .density import initial_density, is_density_input
from .inputs import check_hermitian, initial_state, to_matrix

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def default_energy_operator() -> sp.Matrix:
    """``H0 = omega0 (sz1 + sz2)`` with the package's ``omega0 > 0``."""
    return SYMBOLS["omega0"] * (sigma("z", 1) + sigma("z", 2))


def _ordered_symbols(spec: Any, matrix: sp.Matrix) -> list[sp.Symbol]:
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


def _check_sign(symbol: sp.Symbol, value: Any) -> None:
    """A value against its symbol's declared sign (``omega0 > 0``, ``beta >= 0``, ...)."""
    if not (symbol.is_positive or symbol.is_nonnegative):
        return
    try:
        array = real_array(symbol.name, value)
    except ValueError:
        return  # not a plain number: the evaluation path reads and reports it
    if symbol.is_positive and np.any(array <= 0):
        raise ValueError(f"{symbol.name} must be > 0 (it is declared positive); got "
                         f"{describe(array[array <= 0].reshape(-1)[0])}")
    if np.any(array < 0):
        raise ValueError(f"{symbol.name} must be >= 0 (it is declared nonnegative); got "
                         f"{describe(array[array < 0].reshape(-1)[0])}")


@dataclass(frozen=True)
class UserBattery:
    """A two-qubit battery given by its Hamiltonian, H0 and initial state.

    Build it with :meth:`qb_symbolic.Battery.from_paulis`, ``from_string`` or
    ``from_matrix``. Immutable and hashable (the derived forms are cached per battery).

    Attributes
    ----------
    hamiltonian, energy_operator, initial_state
        Exact SymPy matrices (``ImmutableMatrix``); ``initial_state`` is a 4x1 ket or,
        for a mixed start (:mod:`qb_symbolic.model.density`), a 4x4 density matrix.
    parameters
        The real symbols, in their declared order.
    defaults
        ``{name: value}`` for parameters that may be left out.
    source
        The input as given (for display).
    """

    hamiltonian: sp.ImmutableMatrix
    energy_operator: sp.ImmutableMatrix
    initial_state: sp.ImmutableMatrix
    parameters: tuple[sp.Symbol, ...]
    defaults: tuple[tuple[str, Any], ...] = ()
    source: str = field(default="", compare=False)

    model = "user"

    @classmethod
    def build(cls, spec: Any, H0: Any = None, initial: Any = "dd") -> UserBattery:
        """Check and assemble the three inputs (see the ``Battery.from_*`` methods)."""
        H = to_matrix(spec, "H")
        check_hermitian(H, "H")
        energy = default_energy_operator() if H0 is None else to_matrix(H0, "H0")
        check_hermitian(energy, "H0")
        psi0 = initial_density(initial) if is_density_input(initial) else initial_state(initial)
        symbols = _ordered_symbols(spec, H)
        for extra in (_ordered_symbols(H0, energy), _ordered_symbols(None, psi0)):
            symbols += [s for s in extra if s not in symbols]
        if any(s.name == "t" for s in symbols):
            raise ValueError("the time t cannot be a parameter (H, H0 and the state are static)")
        defaults = (("omega0", 1),) if H0 is None else ()
        shown = spec if isinstance(spec, str) else repr(spec)
        return cls(sp.ImmutableMatrix(H), sp.ImmutableMatrix(energy), sp.ImmutableMatrix(psi0),
                   tuple(symbols), defaults, shown)

    @property
    def mixed(self) -> bool:
        """True when the initial state is a density matrix (4x4) rather than a ket."""
        return self.initial_state.shape == (4, 4)

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names, in order."""
        return tuple(s.name for s in self.parameters)

    @property
    def params(self) -> dict[str, sp.Symbol]:
        """``{name: symbol}`` in order (the presets' ``params`` has the same shape)."""
        return {s.name: s for s in self.parameters}

    def key(self) -> str:
        """A stable digest of the model (for the disk cache), from ``srepr``."""
        text = "|".join(sp.srepr(m) for m in (self.hamiltonian, self.energy_operator,
                                               self.initial_state))
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    def values_for(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter's value: given, else its default; a ValueError otherwise.

        Raises
        ------
        ValueError
            For an unknown name or a missing value, listing the battery's parameters.
        """
        allowed = ", ".join(self.names) or "(none)"
        unknown = [n for n in given if n not in self.names]
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r}; this battery's parameters: "
                             f"{allowed}")
        defaults = dict(self.defaults)
        missing = [n for n in self.names if given.get(n) is None and n not in defaults]
        if missing:
            raise ValueError(f"missing value for {', '.join(missing)}; this battery's "
                             f"parameters: {allowed}")
        for symbol in self.parameters:
            if given.get(symbol.name) is not None:
                _check_sign(symbol, given[symbol.name])
        return {n: given[n] if given.get(n) is not None else defaults[n] for n in self.names}

    def substitute(self, **values: Any) -> UserBattery:
        """The battery at particular parameter values (exact), e.g. ``D=0``: finer blocks."""
        from ..core.values import exact_real

        unknown = [n for n in values if n not in self.names]
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r}; this battery's parameters: "
                             f"{', '.join(self.names)}")
        subs = {self.params[n]: exact_real(n, v) for n, v in values.items()}
        kept = tuple(s for s in self.parameters if s.name not in values)
        defaults = tuple((n, v) for n, v in self.defaults if n not in values)
        return UserBattery(self.hamiltonian.subs(subs), self.energy_operator.subs(subs),
                           self.initial_state.subs(subs), kept, defaults, self.source)

    def _repr_latex_(self) -> str:
        """H, H0 and the start as formulas (Jupyter shows this in place of the repr)."""
        from ..core.display import ket_latex, math, pauli_latex

        start = (f"\\rho(0) = {sp.latex(sp.Matrix(self.initial_state))}" if self.mixed
                 else f"|\\psi(0)\\rangle = {ket_latex(self.initial_state)}")
        return math(f"H = {pauli_latex(self.hamiltonian)}",
                    f"H_0 = {pauli_latex(self.energy_operator)}", start)

    def to_qutip(self, **values: Any):
        """H, H0 and the start (ket or density matrix) as QuTiP ``Qobj`` at ``values``
        (:func:`qb_symbolic.model.qutip_interop.battery_to_qutip`)."""
        from .qutip_interop import battery_to_qutip

        return battery_to_qutip(self, values)

    def __repr__(self) -> str:
        return f"UserBattery({self.source!s}; parameters {', '.join(self.names)})"
