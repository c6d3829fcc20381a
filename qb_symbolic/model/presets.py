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

from ..core.symbols import PARAMETERS, SYMBOLS
from ..core.values import exact_real

# --------------------------------------------------------------------------
# Operators
# --------------------------------------------------------------------------

SIGMA_X = sp.Matrix([[0, 1], [1, 0]])
SIGMA_Y = sp.Matrix([[0, -sp.I], [sp.I, 0]])
SIGMA_Z = sp.Matrix([[1, 0], [0, -1]])
IDENTITY_2 = sp.eye(2)
PAULI: dict[str, sp.Matrix] = {"x": SIGMA_X, "y": SIGMA_Y, "z": SIGMA_Z}

#: Labels of the computational basis, in the package's order.
BASIS_LABELS: tuple[str, ...] = ("uu", "ud", "du", "dd")


def kron(a: sp.Matrix, b: sp.Matrix) -> sp.Matrix:
    """Kronecker product with ``a`` acting on cell 1 (the left factor)."""
    return sp.kronecker_product(a, b)


def sigma(axis: str, cell: int) -> sp.Matrix:
    """The 4x4 Pauli operator ``sigma_axis`` acting on cell 1 or 2.

    Raises
    ------
    ValueError
        If ``axis`` is not one of x, y, z or ``cell`` is not 1 or 2.
    """
    if axis not in PAULI:
        raise ValueError(f"axis must be one of x, y, z; got {axis!r}")
    if cell == 1:
        return kron(PAULI[axis], IDENTITY_2)
    if cell == 2:
        return kron(IDENTITY_2, PAULI[axis])
    raise ValueError(f"cell must be 1 or 2; got {cell!r}")


def ket(label: str) -> sp.Matrix:
    """Computational basis ket, e.g. ``ket("dd")`` for the empty battery."""
    if label not in BASIS_LABELS:
        raise ValueError(f"basis label must be one of {', '.join(BASIS_LABELS)}; got {label!r}")
    vec = sp.zeros(4, 1)
    vec[BASIS_LABELS.index(label)] = 1
    return vec


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


def _check_sign(name: str, value: sp.Expr) -> None:
    if name == "Omega" and value.is_negative:
        raise ValueError(
            f"Omega must be >= 0 (got {value}); a negative field is the same battery "
            "rotated by pi about z, use |Omega|"
        )
    if name == "omega0" and (value.is_positive is False):
        raise ValueError(f"omega0 must be > 0 (got {value}): it sets the energy scale")


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
            _check_sign(name, value)
            resolved[name] = value
        elif name in spec.fixed:
            resolved[name] = sp.Integer(spec.fixed[name])
        else:
            resolved[name] = SYMBOLS[name]
    return resolved


@dataclass(frozen=True)
class Battery:
    """A two-qubit battery: a model preset with exact or symbolic parameters.

    Parameters left out stay symbolic (real SymPy symbols with the paper's
    names: ``Omega, J, gamma, Delta, D, omega0``); given values are stored
    exactly (floats as decimal rationals).

    Examples
    --------
    >>> from qb_symbolic import Battery, Omega
    >>> Battery("ising", J=Omega, D=3 * Omega).params["gamma"]
    1
    """

    model: str
    items: tuple[tuple[str, sp.Expr], ...]

    def __init__(self, model: str = "general", **values: Any) -> None:
        params = resolve_parameters(model, values)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "items", tuple((name, params[name]) for name in PARAMETERS))

    @property
    def params(self) -> dict[str, sp.Expr]:
        """Parameter values by name, in the declared order."""
        return dict(self.items)

    def replace(self, **values: Any) -> Battery:
        """A battery of the same model with some parameters given new values."""
        current = {
            name: value
            for name, value in self.items
            if name not in MODELS[self.model].fixed and value != SYMBOLS[name]
        }
        current.update(values)
        return Battery(self.model, **current)

    @property
    def hamiltonian(self) -> sp.Matrix:
        """The 4x4 charging Hamiltonian ``H = H_ch + H_int``."""
        p = self.params
        return charging_total_hamiltonian(p["Omega"], p["J"], p["gamma"], p["Delta"], p["D"])

    @property
    def energy_operator(self) -> sp.Matrix:
        """The battery Hamiltonian ``H0 = omega0 (sz1 + sz2)``."""
        return battery_hamiltonian(self.params["omega0"])

    @property
    def initial_state(self) -> sp.Matrix:
        """The empty battery ``|dd>``."""
        return ket("dd")

    @property
    def free_symbols(self) -> tuple[sp.Symbol, ...]:
        """Symbols the parameters still depend on, in a deterministic order."""
        found = set().union(*(value.free_symbols for _, value in self.items))
        return tuple(sorted(found, key=sp.default_sort_key))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value}" for name, value in self.items)
        return f"Battery({self.model!r}, {shown})"

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """Symbols the battery still depends on, in the declared order (model-object API)."""
        return tuple(SYMBOLS[n] for n in PARAMETERS if self.params[n] == SYMBOLS[n])

    def as_model(self):
        """This preset as the general model object (:class:`qb_symbolic.model.battery.UserBattery`).

        Same H, H0 and ``|dd>``; its still-symbolic parameters keep the preset's defaults
        (:data:`DEFAULT_VALUES`), except those the preset needs nonzero. Everything written for any battery (structure finder,
        closed-form evolution with its proofs, the Newton-form evaluators, the formulas
        document) then applies to the preset; tests prove the two derivations agree.
        """
        from .battery import UserBattery

        required = MODELS[self.model].nonzero  # e.g. xyz's gamma, Delta: no default
        names = tuple(s.name for s in self.parameters if s.name not in required)
        return UserBattery(sp.ImmutableMatrix(self.hamiltonian),
                           sp.ImmutableMatrix(self.energy_operator),
                           sp.ImmutableMatrix(self.initial_state), self.parameters,
                           tuple((n, DEFAULT_VALUES[n]) for n in names), repr(self))

    @staticmethod
    def from_paulis(terms: Any, *, H0: Any = None, initial: Any = "dd"):
        """A battery from Pauli terms, e.g. ``{"XI": Omega, "IX": Omega, "XY": D, "YX": -D}``.

        Two-letter labels over I, X, Y, Z, cell 1 first (``"XY"`` is ``sx (x) sy``).
        ``H0`` (same forms as the Hamiltonian; default ``omega0 (sz1 + sz2)``) and
        ``initial`` (a label such as ``"dd"``, ``"ud"``, ``"psi+"``, or a normalised
        4-vector, symbolic allowed). Returns a
        :class:`qb_symbolic.model.battery.UserBattery`.
        """
        from .battery import UserBattery

        if not isinstance(terms, Mapping):
            raise ValueError("from_paulis takes a mapping {label: coefficient}")
        return UserBattery.build(terms, H0, initial)

    @staticmethod
    def from_string(text: str, *, H0: Any = None, initial: Any = "dd"):
        """A battery from text, e.g. ``"B*(ZI + IZ) + J*(XX + YY + Delta*ZZ) + D*(XY - YX)"``.

        Unknown names become real symbols named as written; see :meth:`from_paulis`.
        """
        from .battery import UserBattery

        if not isinstance(text, str):
            raise ValueError("from_string takes a string such as 'Omega*(XI + IX) + J*ZZ'")
        return UserBattery.build(text, H0, initial)

    @staticmethod
    def from_matrix(H: Any, *, H0: Any = None, initial: Any = "dd", rationals: bool = False):
        """A battery from a 4x4 Hermitian matrix (SymPy, numpy, or a QuTiP ``Qobj``).

        ``H0`` and ``initial`` take the same forms (a ``Qobj`` ket or density matrix too).
        Floats are taken exactly by their shortest repr; with ``rationals=True`` each is
        replaced by the simplest fraction that rounds to it (within 4 ulp, denominators up
        to 2^20), so ``Battery.from_matrix(bat.to_qutip(J=1/3).H, rationals=True)`` gives
        the Hamiltonian at ``J = 1/3`` exactly. Matrices and kets in floating point need be
        Hermitian, of trace 1, positive, normalised only to a tolerance, and states are
        always snapped so (:mod:`qb_symbolic.model.float_inputs`).

        Examples
        --------
        >>> import numpy as np
        >>> Battery.from_matrix(np.diag([1.0, 0, 0, -1])).hamiltonian[0, 0]
        1
        """
        from .battery import UserBattery

        if isinstance(H, (str, Mapping)):
            raise ValueError("from_matrix takes a 4x4 matrix; use from_string or from_paulis")
        if rationals:
            from .qutip_interop import snap_numeric

            # A state in floating point is snapped (and checked to a tolerance) wherever
            # it is given: qb_symbolic.model.float_inputs.
            H, H0 = snap_numeric(H, "H"), snap_numeric(H0, "H0")
        return UserBattery.build(H, H0, initial)

    def _repr_latex_(self) -> str:
        """The preset's H, H0 and ``|dd>`` as formulas (Jupyter)."""
        return self.as_model()._repr_latex_()

    def to_qutip(self, **values: Any):
        """H, H0 and the start as QuTiP ``Qobj`` at ``values`` (defaults fill the rest);
        see :func:`qb_symbolic.model.qutip_interop.battery_to_qutip`."""
        from .qutip_interop import battery_to_qutip

        return battery_to_qutip(self, values)
