"""Thermal Heisenberg batteries: the setting of Ali et al., arXiv:2408.00133.

The battery Hamiltonian (docs/conventions.md: KSEA and inhomogeneous fields)

    ``H_B = (B + b) sz1 + (B - b) sz2 + Jx sx1 sx2 + Jy sy1 sy2 + Jz sz1 sz2
            + D (sx1 sy2 - sy1 sx2) + K (sx1 sy2 + sy1 sx2)``

with the four exchange patterns of that paper as presets (:data:`GIBBS_MODELS`): XX
(``Jx = Jy = J``, ``Jz = 0``), XY (``Jx, Jy``, ``Jz = 0``), XXZ (``Jx = Jy = J``, ``Jz``)
and XYZ (``Jx, Jy, Jz``). The battery starts in the Gibbs state of ``H_B`` at inverse
temperature ``beta`` (:func:`qb_symbolic.thermal_state`, closed form) and its energy is
measured by the local Zeeman part ``H0 = (B + b) sz1 + (B - b) sz2``: the Gibbs state of
the interacting ``H_B`` is not passive for the local ``H0``, and its ergotropy, capacity
and their coherent/incoherent split at ``t = 0`` are the static quantities that paper
studies against temperature, D and K. Charging (our addition, issue 12): the transverse
field of Zhang, Song and Wang, ``Omega (sx1 + sx2)``, switched on at ``t = 0``, so the
state evolves under ``H_B + Omega (sx1 + sx2)``; ``Omega = 0`` keeps the static values.

That paper's own text is not in this repository: the model follows the issue's
description and docs/conventions.md; which Hamiltonian measures the energy there was not
checked against the paper (the local Zeeman part is the choice under which a Gibbs start
has ergotropy at all).
"""

from __future__ import annotations

from typing import Any

from ..core.values import exact_real
from ..model.battery import Battery
from .mixed_states import beta, thermal_state

#: The local Zeeman part: the energy operator H0 of these batteries.
ZEEMAN = "(B + b)*ZI + (B - b)*IZ"
#: Dzyaloshinskii-Moriya (z) and KSEA (z) interactions.
DM_KSEA = "D*(XY - YX) + K*(XY + YX)"
#: The charger switched on at t = 0.
TRANSVERSE_CHARGER = "Omega*(XI + IX)"
#: Exchange part of each preset.
GIBBS_MODELS: dict[str, str] = {
    "xx": "J*(XX + YY)",
    "xy": "Jx*XX + Jy*YY",
    "xxz": "J*(XX + YY) + Jz*ZZ",
    "xyz": "Jx*XX + Jy*YY + Jz*ZZ",
}
#: Defaults of every parameter (omitted ones must be given): a field B = 1 favouring
#: neither cell, no DM or KSEA, unit exchange, beta = 1, Omega = 1.
GIBBS_DEFAULTS: dict[str, Any] = {"B": 1, "b": 0, "J": 1, "Jx": 1, "Jy": 1, "Jz": 1,
                                  "D": 0, "K": 0, "Omega": 1, "beta": 1}


def battery_hamiltonian(model: str) -> str:
    """``H_B`` of a preset as Pauli text (for :func:`qb_symbolic.thermal_state` and the like)."""
    key = model.lower() if isinstance(model, str) else model
    if key not in GIBBS_MODELS:
        raise ValueError(f"unknown thermal battery {model!r}; choose one of {', '.join(GIBBS_MODELS)}")
    return f"{ZEEMAN} + {GIBBS_MODELS[key]} + {DM_KSEA}"


def gibbs_battery(model: str = "xyz", charger: str | None = TRANSVERSE_CHARGER,
                  **fixed: Any) -> Battery:
    """A thermal Heisenberg battery (module docstring).

    Parameters
    ----------
    model
        ``"xx"``, ``"xy"``, ``"xxz"`` or ``"xyz"`` (:data:`GIBBS_MODELS`).
    charger
        Pauli text added to ``H_B`` for ``t > 0``; None for none (the state then stays
        the Gibbs state: only the static quantities are of interest).
    **fixed
        Parameters fixed to exact values before anything is derived (``D=0``,
        ``b=0``...): fewer symbols, finer blocks, shorter formulas.

    Returns
    -------
    Battery
        Parameters in the order ``B, b, <exchange>, D, K, [Omega,] beta``, each with a
        default (:data:`GIBBS_DEFAULTS`), so ``evaluate("ergotropy", 0.0, battery=bat,
        beta=2)`` works as it stands.

    Examples
    --------
    >>> bat = gibbs_battery("xxz", D=0)
    >>> [s.name for s in bat.parameters]
    ['B', 'b', 'J', 'Jz', 'K', 'Omega', 'beta']
    """
    H_B = battery_hamiltonian(model)
    text = H_B if charger is None else f"{H_B} + {charger}"
    whole = Battery.from_string(text, H0=ZEEMAN)  # reads and checks H, H0, the names
    allowed = whole.names + ("beta",)
    unknown = [n for n in fixed if n not in allowed]
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r}; this battery's parameters: "
                         f"{', '.join(allowed)}")
    core = Battery.from_string(H_B, H0=ZEEMAN)
    # The Gibbs state of the already specialised H_B: a fixed value may merge eigenvalues
    # (B = K = 0 in the XX model), which the block finder then sees as finer blocks.
    H_B_fixed = core.substitute(**{n: v for n, v in fixed.items() if n in core.names})
    inverse_temperature = exact_real("beta", fixed["beta"]) if "beta" in fixed else beta
    rho0 = thermal_state(H_B_fixed.hamiltonian, inverse_temperature)
    charged = whole.substitute(**{n: v for n, v in fixed.items() if n in whole.names})
    battery = Battery.from_matrix(charged.hamiltonian, H0=charged.energy_operator, initial=rho0)
    order = {name: k for k, name in enumerate(allowed)}
    parameters = tuple(sorted(battery.parameters, key=lambda s: order[s.name]))
    defaults = tuple((s.name, GIBBS_DEFAULTS[s.name]) for s in parameters)
    source = f"gibbs_battery({model!r}" + "".join(f", {k}={v!r}" for k, v in fixed.items()) + ")"
    return Battery.make(sites=2, parameters=parameters, defaults=defaults,
                        matrices=battery.matrices, source=source)


__all__ = ["DM_KSEA", "GIBBS_DEFAULTS", "GIBBS_MODELS", "TRANSVERSE_CHARGER", "ZEEMAN",
           "battery_hamiltonian", "gibbs_battery"]
