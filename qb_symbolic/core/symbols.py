"""The package's SymPy symbols, with the paper's names and honest assumptions.

Assumptions matter: SymPy collapses ``sqrt(Omega**2)`` to ``Omega`` only if it
knows ``Omega >= 0`` (sympy#18616). Each symbol carries exactly what its physics
guarantees and nothing more:

* ``Omega`` (charging field amplitude) is non-negative. A negative amplitude is
  the same battery after a pi rotation about z (``sz1 sz2`` maps ``Omega`` to
  ``-Omega`` and leaves everything else unchanged), so nothing is lost.
* ``omega0`` (Larmor frequency of a cell) is positive: it sets the energy scale
  and the meaning of "charged" (|up,up> has the highest energy).
* ``J``, ``gamma``, ``Delta`` and ``D`` are real, of either sign.
* ``t`` is non-negative: charging starts at ``t = 0``.
"""

from __future__ import annotations

import sympy as sp

Omega = sp.Symbol("Omega", nonnegative=True)
J = sp.Symbol("J", real=True)
gamma = sp.Symbol("gamma", real=True)
Delta = sp.Symbol("Delta", real=True)
D = sp.Symbol("D", real=True)
omega0 = sp.Symbol("omega0", positive=True)
t = sp.Symbol("t", nonnegative=True)

#: Hamiltonian parameters in their declared order (never taken from a set).
HAMILTONIAN_PARAMETERS: tuple[str, ...] = ("Omega", "J", "gamma", "Delta", "D")
#: All model parameters in their declared order.
PARAMETERS: tuple[str, ...] = HAMILTONIAN_PARAMETERS + ("omega0",)

SYMBOLS: dict[str, sp.Symbol] = {
    "Omega": Omega,
    "J": J,
    "gamma": gamma,
    "Delta": Delta,
    "D": D,
    "omega0": omega0,
    "t": t,
}


def eigenvalue_symbol(k: int) -> sp.Symbol:
    """The real symbol ``lambda_k`` that names the k-th eigenvalue of H."""
    return sp.Symbol(f"lambda_{k}", real=True)
