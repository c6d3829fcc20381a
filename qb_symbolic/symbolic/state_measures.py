"""Measures of any two-qubit state: coherence, steering, concurrence, ergotropy.

Definitions (docs/conventions.md; paper Eqs. 6-12):

* ergotropy ``zeta(rho) = Tr(rho H0) - min_U Tr(U rho U^dag H0)`` (Allahverdyan,
  Balian, Nieuwenhuizen, EPL 67, 565 (2004); the paper's Eq. 6 prints ``max``).
  The minimum is reached by the passive state: eigenvalues of ``rho`` sorted
  down against the energies of ``H0`` sorted up. For a pure state it is the
  ground energy ``-2 omega0``;
* first-order coherence ``Q(rho_k) = sqrt(2 Tr rho_k**2 - 1)``,
  ``Q = sqrt((Q(rho_A)**2 + Q(rho_B)**2)/2)`` (Eqs. 11-12);
* steering: the largest violation of the three-setting CJWR inequality (Eq. 10)
  ``F3_max = sqrt(Tr T^T T)``, ``T_ij = Tr(rho sigma_i (x) sigma_j)``. The
  maximisation (Costa and Angelo, PRA 93, 020103 (2016)): for Alice's orthonormal
  settings ``a_i`` Bob's best unit vectors are ``b_i = T^T a_i/|T^T a_i|``, giving
  ``sum_i |T^T a_i|``; by Cauchy-Schwarz this is at most
  ``sqrt(3 sum_i |T^T a_i|**2) = sqrt(3 Tr T T^T)``, with equality for the
  orthonormal triad in which ``T T^T`` has equal diagonal entries (one always
  exists), so ``max F3 = sqrt(Tr T^T T)``. Steerable iff ``F3_max > 1``;
  normalised steerability ``S = max(0, (F3_max - 1)/(sqrt 3 - 1))``;
* concurrence of a pure state ``a|uu> + b|ud> + c|du> + d|dd>``: ``C = 2|ad - bc|``.

Each function takes a SymPy state (exact result) or numbers (a float). The closed
forms for the charging state are in :mod:`qb_symbolic.symbolic.quantities`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from ..core.pauli import sigma
from ..model.states import coherence_number, density_matrix, hermitian_operator, steering_number
from .dynamics import partial_trace

#: The bilinear form ``a d - b c`` of a two-qubit vector (basis uu, ud, du, dd).
CONCURRENCE_FORM = sp.Matrix(
    [[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]]
) / 2


def _as_density_matrix(state: sp.Matrix) -> sp.Matrix:
    state = sp.Matrix(state)
    if state.shape == (4, 1):
        return state * state.H
    if state.shape == (4, 4):
        return state
    raise ValueError(f"need a 4-component ket or a 4x4 density matrix; got shape {state.shape}")


def correlation_matrix(state: sp.Matrix) -> sp.Matrix:
    """``T_ij = Tr(rho sigma_i (x) sigma_j)`` for ``i, j`` in x, y, z."""
    rho = _as_density_matrix(state)
    axes = "xyz"
    return sp.Matrix(
        3, 3, lambda i, j: (rho * sigma(axes[i], 1) * sigma(axes[j], 2)).trace()
    )


def coherence_of_state(state: Any) -> Any:
    """First-order coherence of a two-qubit state from its reduced states (Eqs. 11-12).

    A SymPy ket or density matrix gives an exact expression; numbers (numpy,
    lists, ``.full()``) give a float after the checks of
    :func:`qb_symbolic.model.states.density_matrix`.

    Examples
    --------
    >>> import sympy as sp
    >>> coherence_of_state(sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2))  # the singlet: no local coherence
    0
    """
    if not isinstance(state, sp.MatrixBase):
        return coherence_number(state)
    rho = _as_density_matrix(state)
    squares = [2 * (partial_trace(rho, k) ** 2).trace() - 1 for k in (1, 2)]
    return sp.sqrt((squares[0] + squares[1]) / 2)


def steering_of_state(state: Any) -> Any:
    """Largest CJWR violation ``F3_max = sqrt(Tr T^T T)`` (Eq. 10, maximised).

    Exact for a SymPy state, a float for numbers (checked as in
    :func:`coherence_of_state`).

    Examples
    --------
    >>> import sympy as sp
    >>> steering_of_state(sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2))  # T = -1: F3_max = sqrt(3)
    sqrt(3)
    """
    if not isinstance(state, sp.MatrixBase):
        return steering_number(state)
    T = correlation_matrix(state)
    return sp.sqrt((T.H * T).trace())


def concurrence_of_pure_state(ket: sp.Matrix) -> sp.Expr:
    """``C = 2|ad - bc|`` for a normalised pure state ``a|uu> + b|ud> + c|du> + d|dd>``.

    Examples
    --------
    >>> import sympy as sp
    >>> concurrence_of_pure_state(sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2))  # 2|ad - bc| = 1
    1
    """
    ket = sp.Matrix(ket)
    if ket.shape != (4, 1):
        raise ValueError(f"need a 4-component ket; got shape {ket.shape}")
    return 2 * sp.Abs((ket.T * CONCURRENCE_FORM * ket)[0])


def ergotropy_of_state(rho: Any, hamiltonian: Any) -> Any:
    """Ergotropy ``Tr(rho H) - Tr(rho_passive H)`` of any density matrix.

    The passive state puts the eigenvalues of ``rho`` in decreasing order on the
    eigenvalues of ``H`` in increasing order (Allahverdyan et al. 2004).

    Parameters
    ----------
    rho, hamiltonian
        Square matrices of the same size: numpy arrays, mpmath matrices, or
        SymPy matrices. A SymPy ``rho`` must be 2x2 or have numeric entries
        (its eigenvalues are then exact).

    Returns
    -------
    float, mpf or sympy.Expr

    Raises
    ------
    ValueError
        For shapes that do not match, a ``rho`` that is not a state (not
        Hermitian, trace not 1, a negative eigenvalue; exactly for SymPy input,
        to ``STATE_TOLERANCE`` for numbers), a non-Hermitian ``H``, or a symbolic
        matrix whose eigenvalues cannot be ordered.

    Examples
    --------
    >>> import sympy as sp
    >>> ergotropy_of_state(sp.diag(1, 0, 0, 0), sp.diag(2, 0, 0, -2))  # |uu> -> |dd>: 2 - (-2)
    4
    """
    if isinstance(rho, sp.MatrixBase) or isinstance(hamiltonian, sp.MatrixBase):
        return _ergotropy_symbolic(_checked_state(sp.Matrix(rho)), sp.Matrix(hamiltonian))
    try:
        import mpmath as mp

        if isinstance(rho, mp.matrix):
            trace = sum(rho[i, i] for i in range(rho.rows))
            if abs(trace - 1) > mp.mpf(10) ** (-mp.mp.dps // 2):
                raise ValueError(f"rho must have trace 1; got {mp.nstr(mp.re(trace), 15)}")
            if mp.mnorm(rho - rho.H, 1) > mp.mpf(10) ** (-mp.mp.dps // 2):
                raise ValueError("rho is not Hermitian (rho != rho^dagger)")
            p = sorted(mp.eighe(rho)[0], reverse=True)
            e = sorted(mp.eighe(hamiltonian)[0])
            energy = sum((rho * hamiltonian)[i, i] for i in range(rho.rows))
            return mp.re(energy) - sum(a * b for a, b in zip(p, e))
    except ImportError:  # pragma: no cover - mpmath is a dependency
        pass
    h_a = hermitian_operator(hamiltonian, "H")
    rho_a = density_matrix(rho, "rho", size=h_a.shape[0])
    p = np.sort(np.linalg.eigvalsh(rho_a))[::-1]
    e = np.sort(np.linalg.eigvalsh(h_a))
    return float(np.real(np.trace(rho_a @ h_a)) - p @ e)


def _checked_state(rho: sp.Matrix) -> sp.Matrix:
    """``rho`` if it is exactly Hermitian with trace 1, else a ValueError."""
    if rho.shape[0] != rho.shape[1]:
        raise ValueError(f"rho must be square; got shape {rho.shape}")
    if any(sp.simplify(e) != 0 for e in (rho - rho.H)):
        raise ValueError("rho is not Hermitian (rho != rho^dagger)")
    trace = sp.simplify(rho.trace())
    if trace != 1:
        raise ValueError(f"rho must have trace 1; got {trace}")
    return rho


def _ergotropy_symbolic(rho: sp.Matrix, hamiltonian: sp.Matrix) -> sp.Expr:
    if rho.shape != hamiltonian.shape or rho.shape[0] != rho.shape[1]:
        raise ValueError(f"rho and H must be square and of one shape; got {rho.shape}, {hamiltonian.shape}")
    energy = sp.expand((rho * hamiltonian).trace())
    energies = _ordered_eigenvalues(hamiltonian, "H")
    if rho.shape == (2, 2):
        # Eigenvalues (1 +/- |r|)/2 for a unit-trace 2x2 state; larger one first.
        tr = rho.trace()
        root = sp.sqrt(sp.expand((rho[0, 0] - rho[1, 1]) ** 2 + 4 * rho[0, 1] * rho[1, 0]))
        populations = [(tr + root) / 2, (tr - root) / 2]
    else:
        populations = _ordered_eigenvalues(rho, "rho")[::-1]
    return energy - sum(p * e for p, e in zip(populations, energies))


def _ordered_eigenvalues(matrix: sp.Matrix, name: str) -> list[sp.Expr]:
    if matrix.is_diagonal():
        values = [matrix[i, i] for i in range(matrix.shape[0])]
    elif not matrix.free_symbols:
        values = [v for v, m in matrix.eigenvals().items() for _ in range(m)]
    else:
        raise ValueError(
            f"the eigenvalues of a symbolic {matrix.shape[0]}x{matrix.shape[0]} {name} "
            "cannot be ordered; give numbers (or a 2x2 state)"
        )
    try:
        return sorted(values, key=lambda v: sp.re(sp.N(v, 30)))
    except TypeError as exc:
        raise ValueError(f"the eigenvalues of {name} cannot be ordered: {values}") from exc
