"""The arguments of ``evaluate`` and ``charging_time``: quantities, parameters, times.

Every check of user input for the preset path lives here, so that the float and the
mpmath paths (and the charging-time search) refuse the same things with the same
messages: unknown names, values a preset fixes, ``Omega < 0``, ``omega0 <= 0``,
negative or empty times, non-real or non-finite numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mpmath as mp
import numpy as np

from ...core.symbols import PARAMETERS, SYMBOLS
from ...core.values import describe, exact_real, real_array, to_mpf
from ...model.battery import Battery
from ...model.presets import DEFAULT_VALUES, MODELS, check_model_name
from .codegen import QUANTITIES

#: Defaults of the general model (the paper's J = Omega = 1 units).
DEFAULTS: dict[str, float] = dict(DEFAULT_VALUES)
PARAMETER_ORDER: tuple[str, ...] = PARAMETERS
#: Most digits ``digits=`` accepts (beyond, mpmath's cost grows without bound).
MAX_DIGITS = 10000

def check_quantity(quantity: str) -> str:
    """Return ``quantity`` or raise a ValueError naming the allowed ones."""
    if quantity not in QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
    return quantity


def _check_exact(name: str, value: Any) -> np.ndarray:
    """An object array of the given values, each checked to be a finite real number."""
    array = np.asarray(value, dtype=object)
    for item in array.reshape(-1):
        exact_real(name, item)
    return array


def _checked(model: str, name: str, value: Any, precise: bool) -> Any:
    spec = check_model_name(model)
    if precise:
        array = _check_exact(name, value)
        numbers_ = [exact_real(name, v) for v in array.reshape(-1)]
        negative = any(v.is_negative for v in numbers_)
        nonpositive = any(v.is_positive is False for v in numbers_)
        zero = any(v.is_zero for v in numbers_)
    else:  # each reduction only where it can refuse (one pass per array, not three)
        array = real_array(name, value)
        zero = name in spec.nonzero and bool(np.any(array == 0))
        negative = name == "Omega" and bool(np.any(array < 0))
        nonpositive = name == "omega0" and bool(np.any(array <= 0))
    if name in spec.nonzero and zero:
        raise ValueError(f"model {model!r} needs {name} != 0 (got 0)")
    if name == "Omega" and negative:
        raise ValueError(
            "Omega must be >= 0; a negative field is the same battery rotated by pi about z"
        )
    if name == "omega0" and nonpositive:
        raise ValueError("omega0 must be > 0: it sets the energy scale")
    return value if precise else array


def resolve(model: str, given: Mapping[str, Any], precise: bool = False) -> dict[str, Any]:
    """Parameter values for a model: preset values, given values, else the defaults.

    With ``precise`` the values are kept as given (checked exactly, for the mpmath
    path, which reads them at its working precision); otherwise they become float
    arrays.

    Raises
    ------
    ValueError
        For an unknown model, a value that conflicts with the preset, a zero
        where the preset needs nonzero, ``Omega < 0``, ``omega0 <= 0``, or a
        non-finite, non-real or non-numeric value.
    """
    spec = check_model_name(model)
    values: dict[str, Any] = {}
    for name in PARAMETER_ORDER:
        value = given.get(name)
        if name in spec.fixed:
            if value is not None:
                exact = [exact_real(name, v) for v in _check_exact(name, value).reshape(-1)]
                if any(v != spec.fixed[name] for v in exact):
                    raise ValueError(
                        f"model {model!r} fixes {name} = {spec.fixed[name]} (got {name} = "
                        f"{describe(value)}); use model='general' for other values"
                    )
            values[name] = spec.fixed[name]
            continue
        if value is None:
            if name in spec.nonzero:
                raise ValueError(f"model {model!r} needs a nonzero {name} ({name}=... in Python, "
                                 f"--{name} on the command line)")
            value = DEFAULTS[name]
        values[name] = _checked(model, name, value, precise)
    return values


def _check_times(t: Any, precise: bool) -> Any:
    if precise:
        times = _check_exact("t", t)
        if times.size == 0:
            raise ValueError("t is empty: give at least one time")
        with mp.workdps(15):
            if any(to_mpf("t", v) < 0 for v in times.reshape(-1)):
                raise ValueError("t must be >= 0 (charging starts at t = 0)")
        return t
    array = real_array("t", t)
    if array.size == 0:
        raise ValueError("t is empty: give at least one time")
    if np.any(array < 0):
        raise ValueError("t must be >= 0 (charging starts at t = 0)")
    if np.any(np.signbit(array)):
        array = array + 0.0  # -0.0 is the time 0: no result may carry its sign
    return array


def preset_values(battery: Any, model: str, given: dict) -> tuple[str, dict]:
    """The model and values of a preset ``Battery``: its numbers, then the given ones."""
    if not isinstance(battery, Battery):
        raise ValueError("battery must be a qb_symbolic.Battery (a preset or from_string, "
                         f"from_paulis, from_matrix); got {type(battery).__name__}")
    values = dict(given)
    for name, value in battery.params.items():
        if value == SYMBOLS[name] or name in battery_fixed(battery):
            continue
        if given.get(name) is not None:
            raise ValueError(f"{name} is fixed by the battery ({name} = {value}); leave it out")
        values[name] = value
    return battery.model, values


def battery_fixed(battery: Any) -> tuple[str, ...]:
    """Parameters a preset fixes (its model's own values)."""
    return tuple(MODELS[battery.model].fixed)
