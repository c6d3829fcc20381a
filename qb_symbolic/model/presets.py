"""The two-qubit battery: operators, Hamiltonians and model presets.

Conventions (``docs/conventions.md``; Zhang, Song, Wang, arXiv:2406.16047, Eqs. 1-3):

* basis order ``|uu>, |ud>, |du>, |dd>`` with ``sz|u> = +|u>``; cell 1 is the
  left tensor factor;
* charging ``H_ch = Omega (sx1 + sx2)``;
* interaction ``H_int = J[(1+gamma) sx1 sx2 + (1-gamma) sy1 sy2 + Delta sz1 sz2]
  + D (sx1 sy2 - sy1 sx2)`` (D is not multiplied by J);
* the charging evolution is ``exp(-i (H_ch + H_int) t)``; the battery Hamiltonian
  ``H0 = omega0 (sz1 + sz2)`` only measures energy;
* the battery starts empty in ``|dd>`` (energy ``-2 omega0``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..core.pauli import sigma
from ..core.symbols import PARAMETERS, SYMBOLS
from ..core.values import check_sign, exact_real

#: The paper's bond and site terms (Eq. 3 on every bond, Eq. 2 on every site).
PAPER_BOND = "J*((1 + gamma)*XX + (1 - gamma)*YY + Delta*ZZ) + D*(XY - YX)"
PAPER_SITE = "Omega*X"


def charging_hamiltonian(Omega: sp.Expr) -> sp.Matrix:
    """``H_ch = Omega (sx1 + sx2)`` (paper Eq. 2)."""
    return Omega * (sigma("x", 1) + sigma("x", 2))


def interaction_hamiltonian(
    J: sp.Expr, gamma: sp.Expr, Delta: sp.Expr, D: sp.Expr
) -> sp.Matrix:
    """Heisenberg XYZ coupling plus the z-axis DM term (paper Eq. 3)."""
    heisenberg = J * (
        (1 + gamma) * sigma("x", 1) * sigma("x", 2)
        + (1 - gamma) * sigma("y", 1) * sigma("y", 2)
        + Delta * sigma("z", 1) * sigma("z", 2)
    )
    dm = D * (sigma("x", 1) * sigma("y", 2) - sigma("y", 1) * sigma("x", 2))
    return heisenberg + dm


def charging_total_hamiltonian(
    Omega: sp.Expr, J: sp.Expr, gamma: sp.Expr, Delta: sp.Expr, D: sp.Expr
) -> sp.Matrix:
    """``H = H_ch + H_int``, the generator of the charging evolution (Eq. 1)."""
    return (charging_hamiltonian(Omega) + interaction_hamiltonian(J, gamma, Delta, D)).expand()


def battery_hamiltonian(omega0: sp.Expr) -> sp.Matrix:
    """``H0 = omega0 (sz1 + sz2)``, the energy that is stored."""
    return omega0 * (sigma("z", 1) + sigma("z", 2))


# --------------------------------------------------------------------------
# Parameter values
# --------------------------------------------------------------------------


def exact_value(name: str, value: Any) -> sp.Expr:
    """Turn a user-supplied parameter value into an exact, real SymPy expression.

    Numbers, decimal or ratio strings (``"0.1"``, ``"1/3"``) and real SymPy
    expressions are accepted, read as :func:`qb_symbolic.core.values.exact_real` reads
    them (floats by their shortest decimal representation, ``1.7 -> 17/10``), so
    ``Battery`` and ``evaluate`` accept the same inputs.

    Raises
    ------
    ValueError
        If the value is not a finite real number, numeric string or real SymPy
        expression, or depends on the time ``t``.
    """
    if isinstance(value, sp.Basic) and value.has(SYMBOLS["t"]):
        raise ValueError(f"{name} must not depend on the time t (the Hamiltonian is static)")
    return exact_real(name, value)


#: Values of the parameters a preset leaves free, when none is given (the paper's
#: J = Omega = 1 units, no anisotropy, no DM, omega0 = 1).
DEFAULT_VALUES: dict[str, int] = {"Omega": 1, "J": 1, "gamma": 0, "Delta": 0, "D": 0, "omega0": 1}


@dataclass(frozen=True)
class ModelSpec:
    """A named model: the parameters it fixes and those it requires nonzero."""

    name: str
    fixed: Mapping[str, int] = field(default_factory=dict)
    nonzero: tuple[str, ...] = ()
    description: str = ""


MODELS: dict[str, ModelSpec] = {
    "parallel": ModelSpec(
        "parallel",
        {"J": 0, "D": 0, "gamma": 0, "Delta": 0},
        (),
        "two independent cells charged in parallel (J = D = 0)",
    ),
    "ising": ModelSpec("ising", {"gamma": 1, "Delta": 0}, (), "Ising chain (gamma = 1, Delta = 0) with DM"),
    "xxz": ModelSpec("xxz", {"gamma": 0}, (), "XXZ chain (gamma = 0) with DM"),
    "xyz": ModelSpec(
        "xyz", {}, ("gamma", "Delta"), "XYZ chain (gamma != 0, Delta != 0) with DM"
    ),
    "general": ModelSpec("general", {}, (), "the general Hamiltonian of Eq. 1-3"),
}


def check_model_name(model: str) -> ModelSpec:
    """Return the spec of a model, or raise a ValueError naming the allowed ones."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; allowed: {', '.join(MODELS)}")
    return MODELS[model]


def resolve_parameters(model: str, values: Mapping[str, Any]) -> dict[str, sp.Expr]:
    """Resolve the parameters of a model: fixed by the preset, given, or symbolic.

    Parameters
    ----------
    model
        One of ``parallel``, ``ising``, ``xxz``, ``xyz``, ``general``.
    values
        Given parameter values; names not given stay symbolic.

    Raises
    ------
    ValueError
        For an unknown model or parameter name, a non-real value, a value that
        conflicts with the preset, or a zero where the preset needs nonzero.
    """
    spec = check_model_name(model)
    unknown = [name for name in values if name not in PARAMETERS]
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r}; allowed: {', '.join(PARAMETERS)}"
        )
    resolved: dict[str, sp.Expr] = {}
    for name in PARAMETERS:
        if name in values and values[name] is not None:
            value = exact_value(name, values[name])
            if name in spec.fixed and sp.simplify(value - spec.fixed[name]) != 0:
                raise ValueError(
                    f"model {model!r} fixes {name} = {spec.fixed[name]} (got {name} = {value}); "
                    "use model='general' for other values"
                )
            if name in spec.nonzero and value == 0:
                raise ValueError(
                    f"model {model!r} needs {name} != 0 (got 0); "
                    + ("that is the xxz model" if name == "gamma" else "use model='general'")
                )
            check_sign(SYMBOLS[name], value)
            resolved[name] = value
        elif name in spec.fixed:
            resolved[name] = sp.Integer(spec.fixed[name])
        else:
            resolved[name] = SYMBOLS[name]
    return resolved
