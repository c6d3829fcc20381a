"""What a battery is, read from its data, in one place for every dispatcher.

The numeric layer picks a method by what the battery holds, not by asking each class for a
tag: ``"open"`` (a battery with dissipators, :func:`qb_symbolic.model.open_battery.open_battery`:
Lindblad numerics, two qubits or N <= 6 cells), ``"chain"`` (N != 2 sites, terms as data,
sector numerics), ``"mixed"`` (a 4x4 start),
``"pure"`` (a two-qubit battery with a ket) and ``"preset"`` (the paper's named models,
whose Bell-block forms have their own fast evaluators; also ``battery=None`` with
``model=``).
"""

from __future__ import annotations

from typing import Any

from .battery import Battery

#: The kinds :func:`battery_kind` returns.
KINDS = ("preset", "pure", "mixed", "chain", "open")


def battery_kind(battery: Any) -> str:
    """One of :data:`KINDS` for a battery object (``None``: a preset named by ``model=``).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> [battery_kind(b) for b in (None, qb.Battery("ising"), qb.chain(3, "xxz"))]
    ['preset', 'preset', 'chain']
    >>> battery_kind(qb.Battery.from_string("J*(XX + YY)", initial=qb.werner_state(0)))
    'mixed'
    >>> battery_kind(qb.open_battery(qb.Battery("ising"), qb.dephasing(0.1)))
    'open'
    """
    if battery is not None and not isinstance(battery, Battery):
        raise ValueError("battery must be a qb_symbolic.Battery (a preset, from_string, "
                         "from_paulis, from_matrix, chain, gibbs_battery); got "
                         f"{type(battery).__name__}")
    if battery is not None and battery.dissipators:
        return "open"
    if battery is None or battery.preset is not None:
        return "preset"
    if battery.sites != 2:
        return "chain"
    return "mixed" if battery.mixed else "pure"
