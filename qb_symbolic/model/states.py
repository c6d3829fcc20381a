"""Numeric states and operators given by the user: checked, then measured in numpy.

The state functions of :mod:`qb_symbolic.symbolic.quantities` (``coherence_of_state``,
``steering_of_state``, ``ergotropy_of_state``) take SymPy matrices (exact
results) or numbers (numpy arrays, nested lists, mpmath matrices, anything with
``.full()`` such as a QuTiP ``Qobj``: float results). Numbers are checked
before anything is computed: a density matrix must be square, Hermitian, of
trace 1 and positive semidefinite; a ket must be normalised; an operator must be
Hermitian. A violation is a ValueError naming the defect and its size, never a
silently wrong number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Tolerance of the checks: entries built in double precision carry ~1e-16 rounding
#: each; 1e-10 admits the sums and products of a few hundred of them while still
#: catching every real mistake (a trace of 2, a missing conjugate, a sign).
STATE_TOLERANCE = 1e-10

_PAULI = {
    "x": np.array([[0, 1], [1, 0]], complex),
    "y": np.array([[0, -1j], [1j, 0]]),
    "z": np.array([[1, 0], [0, -1]], complex),
}


def as_array(value: Any, what: str) -> np.ndarray:
    """A complex numpy array from numbers in any common container."""
    if hasattr(value, "full") and callable(value.full):
        value = value.full()
    if hasattr(value, "tolist") and not isinstance(value, np.ndarray):
        value = value.tolist()
    try:
        array = np.array(value, dtype=complex)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a matrix of numbers") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} has entries that are not finite")
    return array


def hermitian_operator(value: Any, what: str = "H") -> np.ndarray:
    """A square Hermitian matrix, else a ValueError."""
    matrix = as_array(value, what)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{what} must be a square matrix; got shape {matrix.shape}")
    scale = max(1.0, float(np.max(np.abs(matrix))))
    defect = float(np.max(np.abs(matrix - matrix.conj().T)))
    if defect > STATE_TOLERANCE * scale:
        raise ValueError(f"{what} is not Hermitian: |{what} - {what}^dagger| = {defect:.3g}")
    return (matrix + matrix.conj().T) / 2


def density_matrix(value: Any, what: str = "rho", size: int | None = None) -> np.ndarray:
    """A density matrix from a ket (normalised) or a matrix (Hermitian, trace 1, >= 0)."""
    array = as_array(value, what)
    if array.ndim == 2 and array.shape[1] == 1 and array.shape[0] > 1:
        array = array[:, 0]
    if array.ndim == 1:
        norm = float(np.vdot(array, array).real)
        if abs(norm - 1) > STATE_TOLERANCE:
            raise ValueError(f"the ket {what} is not normalised: <psi|psi> = {norm:.12g}")
        array = np.outer(array, array.conj())
    rho = hermitian_operator(array, what)
    if size is not None and rho.shape != (size, size):
        raise ValueError(f"{what} must be {size}x{size} (or a ket of {size}); got {rho.shape}")
    trace = complex(np.trace(rho))
    if abs(trace - 1) > STATE_TOLERANCE:
        raise ValueError(f"{what} must have trace 1; got {trace.real:.12g}")
    lowest = float(np.linalg.eigvalsh(rho)[0])
    if lowest < -STATE_TOLERANCE:
        raise ValueError(f"{what} is not positive semidefinite: eigenvalue {lowest:.3g}")
    return rho


def reduced_state(rho: np.ndarray, cell: int) -> np.ndarray:
    """The 2x2 state of cell 1 or 2 of a two-qubit density matrix."""
    tensor = rho.reshape(2, 2, 2, 2)
    return np.einsum("ajbj->ab", tensor) if cell == 1 else np.einsum("jajb->ab", tensor)


def coherence_number(value: Any) -> float:
    """First-order coherence ``sqrt((Q_A^2 + Q_B^2)/2)``, ``Q_k^2 = 2 Tr rho_k^2 - 1``."""
    rho = density_matrix(value, size=4)
    squares = [max(0.0, 2 * float(np.trace(r @ r).real) - 1)
               for r in (reduced_state(rho, 1), reduced_state(rho, 2))]
    return float(np.sqrt((squares[0] + squares[1]) / 2))


def steering_number(value: Any) -> float:
    """``F3_max = sqrt(Tr T^T T)`` with ``T_ij = Tr(rho sigma_i (x) sigma_j)``."""
    rho = density_matrix(value, size=4)
    total = 0.0
    for a in "xyz":
        for b in "xyz":
            total += float(np.trace(rho @ np.kron(_PAULI[a], _PAULI[b])).real) ** 2
    return float(np.sqrt(total))
