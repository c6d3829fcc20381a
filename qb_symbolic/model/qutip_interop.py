"""QuTiP interoperability: any battery's operators and start as ``Qobj`` at given values.

QuTiP stays optional (a test/bench extra): it is imported only here, inside the
functions, with a clear message when missing. The way back is
:meth:`qb_symbolic.Battery.from_matrix`, which takes a ``Qobj`` (anything with
``.full()``); ``rationals=True`` there recovers exact fractions from the doubles, so a
round trip at rational parameter values gives the Hamiltonian exactly. A state given in
floating point (a ``Qobj`` ket or density matrix) is always snapped that way, after the
checks of :mod:`qb_symbolic.model.float_inputs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import Any

import numpy as np
import sympy as sp

from ..core.values import exact_real

# snap_rational and MAX_DENOMINATOR live with the other float-input rules; imported here
# too, where they were first published.
from .float_inputs import MAX_DENOMINATOR, checked_hamiltonian, float_array, snap_rational

__all__ = [
    "MAX_DENOMINATOR",
    "QutipBattery",
    "snap_numeric",
    "snap_rational",
    "to_qutip",
]


@dataclass(frozen=True)
class QutipBattery:
    """``H``, ``H0`` (``Qobj`` operators) and the start (a ket, or a density matrix)."""

    H: Any
    H0: Any
    state: Any

    def __iter__(self):
        return iter((self.H, self.H0, self.state))


def _qutip():
    try:
        import qutip
    except ImportError as error:
        raise ValueError("to_qutip needs QuTiP: pip install qutip "
                         "(or qb_symbolic[test])") from error
    return qutip


def _numeric(matrix: sp.MatrixBase, substitutions: dict, what: str) -> np.ndarray:
    value = matrix.subs(substitutions)
    if value.free_symbols:
        names = ", ".join(sorted(s.name for s in value.free_symbols))
        raise ValueError(f"{what} still depends on {names}: give their values")
    return np.array(value.evalf(17).tolist(), dtype=complex)


def to_qutip(battery: Any, values: dict[str, Any]) -> QutipBattery:
    """Any battery at ``values`` (its defaults fill the rest) as ``Qobj``: N tensor
    factors, cell 1 first (docs/conventions.md); a two-qubit battery typed as matrices
    from its matrices, any other from its Pauli strings (sparse)."""
    qutip = _qutip()
    resolved = battery.values_for(values)
    subs = {s: exact_real(s.name, resolved[s.name]) for s in battery.parameters}
    N = battery.sites
    dims = [[2] * N, [2] * N]
    ket_dims = [[2] * N, [1] * N]
    if battery.matrices is not None:
        H = qutip.Qobj(_numeric(battery.hamiltonian, subs, "H"), dims=dims)
        H0 = qutip.Qobj(_numeric(battery.energy_operator, subs, "H0"), dims=dims)
        start = _numeric(battery.initial_state, subs, "the initial state")
        state = qutip.Qobj(start, dims=dims if start.shape[1] > 1 else ket_dims)
        return QutipBattery(H, H0, state)
    pauli = {"I": qutip.qeye(2), "X": qutip.sigmax(), "Y": qutip.sigmay(), "Z": qutip.sigmaz()}

    def operator(terms: dict[str, sp.Expr]):
        return sum(float(sp.sympify(c).xreplace(subs)) * qutip.tensor([pauli[x] for x in label])
                   for label, c in terms.items())

    state = reduce(qutip.tensor, [qutip.basis(2, 0 if s == "u" else 1) for s in battery.initial])
    return QutipBattery(operator(battery.pauli_terms()), operator(battery.pauli_terms(True)),
                        state)


def snap_numeric(data: Any, hermitian: str | None = None) -> Any:
    """A numeric matrix or vector (numpy, ``Qobj``) with every entry snapped by
    :func:`snap_rational` (real and imaginary parts apart); anything else unchanged.

    With ``hermitian`` (the matrix's name, ``"H"`` or ``"H0"``), a floating-point square
    matrix is first made exactly Hermitian within the tolerance of
    :func:`qb_symbolic.model.float_inputs.checked_hamiltonian` (rounding such as 1e-17
    imaginary parts on the diagonal would otherwise be snapped into a non-Hermitian H).
    """
    if data is None or isinstance(data, (str, sp.Basic)):
        return data
    array = float_array(data) if hermitian is not None else None
    if array is not None and array.ndim == 2 and array.shape[0] == array.shape[1]:
        data = checked_hamiltonian(array, hermitian)
    if hasattr(data, "full"):
        data = data.full()
    try:
        array = np.asarray(data, dtype=complex)
    except (TypeError, ValueError):
        return data  # symbolic lists and the like: taken as they are
    exact = [snap_rational(float(z.real)) + sp.I * snap_rational(float(z.imag))
             for z in array.reshape(-1)]
    return sp.Matrix(array.shape[0], array.size // array.shape[0], exact)
