"""Mixed initial states: a 4x4 density matrix as the battery's starting point.

``initial=`` of :meth:`qb_symbolic.Battery.from_string` (and ``from_paulis``,
``from_matrix``) takes, besides a label or four amplitudes, a 4x4 density matrix: a SymPy
matrix, a numpy array, or anything with ``.full()`` (a QuTiP ``Qobj``), in the basis order
``|uu>, |ud>, |du>, |dd>``. Exact input (SymPy, integers, Fractions) must be Hermitian and
of trace 1 identically in its real symbols (checked exactly); positivity is proved exactly
when the matrix is numeric (all principal minors >= 0, Sylvester's criterion for
semidefinite matrices) and otherwise checked where it is evaluated
(:func:`check_positive_at`). Floating-point input (numpy floats, a ``Qobj``, lists of
floats) is checked to a tolerance, then made an exact state (Hermitian, trace 1, positive
semidefinite) within rounding of it: :mod:`qb_symbolic.model.float_inputs`.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import sympy as sp

from .float_inputs import (
    checked_density,
    float_array,
    report_change,
    snap_hermitian,
    spectral_state,
)
from .inputs import hamiltonian_from_matrix

#: Most negative eigenvalue accepted at a numeric point (rounding of the evaluated entries).
POSITIVITY_TOLERANCE = 1e-12

#: Density matrices built by this package's own constructors (a Gibbs state
#: ``exp(-beta H)/Z`` is Hermitian, of trace 1 and positive by construction), keyed by
#: their exact entries: the exact checks of a nine-parameter Gibbs state take SymPy
#: minutes, and re-proving what holds by construction buys nothing. Keyed by value,
#: so any arithmetic on such a matrix (``2 * rho``) is a new matrix and checked again.
_BY_CONSTRUCTION: dict[sp.ImmutableMatrix, str] = {}
#: Entries kept (oldest dropped first): a bound on memory, not on correctness.
_BY_CONSTRUCTION_LIMIT = 64


def mark_constructed(rho: sp.MatrixBase, reason: str) -> sp.Matrix:
    """Record ``rho`` as a valid state by construction (``reason`` says why); return a
    mutable copy. Only for constructors whose output is a state for every allowed value
    of its symbols (e.g. :func:`qb_symbolic.thermal_state`)."""
    key = sp.ImmutableMatrix(rho)
    _BY_CONSTRUCTION[key] = reason
    while len(_BY_CONSTRUCTION) > _BY_CONSTRUCTION_LIMIT:
        del _BY_CONSTRUCTION[next(iter(_BY_CONSTRUCTION))]
    return sp.Matrix(key)


def constructed_reason(rho: sp.MatrixBase) -> str | None:
    """Why ``rho`` is a state by construction, or None if it was not built that way."""
    try:
        return _BY_CONSTRUCTION.get(sp.ImmutableMatrix(rho))
    except (TypeError, ValueError):
        return None


def is_density_input(spec: Any) -> bool:
    """Whether ``spec`` looks like a 4x4 matrix (rather than a label or four amplitudes)."""
    if isinstance(spec, str):
        return False
    data = spec.full() if hasattr(spec, "full") and not isinstance(spec, sp.MatrixBase) else spec
    shape = getattr(data, "shape", None)
    if shape is None and isinstance(data, (list, tuple)):
        shape = np.shape(np.asarray(data, dtype=object))
    return tuple(shape or ()) == (4, 4)


def initial_density(spec: Any) -> sp.Matrix:
    """The exact 4x4 density matrix of ``spec``, checked.

    Exact input is checked exactly; floating-point input to
    :data:`~qb_symbolic.model.float_inputs.FLOAT_TOLERANCE` (:func:`float_density`).

    Raises
    ------
    ValueError
        Not 4x4, not Hermitian identically, a trace not identically 1, a complex or
        time-dependent symbol, or (numeric matrices) a negative eigenvalue; for
        floating-point input, a deviation beyond the tolerance (measured and allowed).
    """
    if isinstance(spec, sp.MatrixBase) and constructed_reason(spec) is not None:
        return sp.Matrix(spec)  # a state by construction (mark_constructed)
    array = float_array(spec)
    if array is not None:
        return float_density(array)
    rho = hamiltonian_from_matrix(spec, "rho0")  # exact, Hermitian
    trace = sp.expand(rho.trace())
    if trace != 1 and sp.simplify(trace - 1) != 0:
        raise ValueError(f"rho0 (the initial density matrix) must have trace 1 identically; got {trace}")
    if not rho.free_symbols:
        negative = _negative_minor(rho)
        if negative is not None:
            raise ValueError(
                "rho0 (the initial density matrix) is not positive semidefinite (principal minor "
                f"on rows {negative[0]} is {negative[1]}): a state has eigenvalues >= 0")
    return rho


def float_density(array: np.ndarray) -> sp.Matrix:
    """The exact state nearest a floating-point density matrix (within rounding).

    Checked, symmetrised and renormalised by
    :func:`~qb_symbolic.model.float_inputs.checked_density`; its entries snapped to exact
    numbers and divided by their exact trace; if rounding left a negative principal minor
    (a rank-deficient state), rebuilt from its eigen-decomposition with the eigenvalues
    clipped at 0, positive by construction. A
    :class:`~qb_symbolic.model.float_inputs.FloatInputWarning` says when the result
    differs from the numbers given.

    Raises
    ------
    ValueError
        Not 4x4, or beyond the tolerance in Hermiticity, trace or positivity.
    """
    what = "rho0 (the initial density matrix)"
    if array.shape != (4, 4):
        raise ValueError(f"{what} must be 4x4 (two qubits); got shape {array.shape}")
    rho, notes = checked_density(array, what, "rho0")
    exact = snap_hermitian(rho)
    trace = sp.expand(exact.trace())
    if trace != 1:  # the snapped diagonal sums to 1 only up to rounding
        exact = (exact / trace).applyfunc(sp.expand)
    if _negative_minor(exact) is not None:
        # Rank-deficient states: eigenvalues within rounding of 0 come out of the snapping
        # with either sign, so rebuild from the eigen-decomposition with weights >= 0.
        exact = spectral_state(rho)
        lowest = float(np.linalg.eigvalsh(rho)[0])
        notes.append(f"rebuilt as sum_k p_k v_k v_k^dagger with p_k >= 0 (rounding left a "
                     f"negative principal minor; lowest eigenvalue {lowest:.3g})")
    elif trace != 1:
        excess = float(trace - 1)
        notes.append(f"scaled to trace 1 exactly (its entries read exactly summed to "
                     f"1 {'+' if excess > 0 else '-'} {abs(excess):.2g} on the diagonal)")
    report_change("rho0", array, exact, notes)
    return exact


def _negative_minor(rho: sp.Matrix) -> tuple[list[int], sp.Expr] | None:
    """Sylvester's criterion for semidefiniteness (every principal minor is >= 0): the
    first principal minor that is negative, as (rows, value), or None."""
    for size in range(1, 5):
        for rows in combinations(range(4), size):
            minor = sp.expand(rho.extract(list(rows), list(rows)).det(method="bareiss"))
            if sp.re(minor).is_negative:
                return list(rows), minor
    return None


def check_positive_at(rho: np.ndarray) -> None:
    """ValueError if any of the numeric density matrices (``(..., 4, 4)``) has an
    eigenvalue below ``-POSITIVITY_TOLERANCE`` (a symbolic rho0 outside its valid range)."""
    lowest = float(np.min(np.linalg.eigvalsh(rho)))
    if lowest < -POSITIVITY_TOLERANCE:
        raise ValueError(f"rho0 (the initial density matrix) has an eigenvalue {lowest:.3g} < 0 at these "
                         "parameter values: not a state there")
