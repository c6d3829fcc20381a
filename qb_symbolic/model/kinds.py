"""What a battery is, read from its data, in one place for every dispatcher.

The numeric layer picks a method by what the battery holds, not by asking each class for a
tag: ``"chain"`` (N sites, terms as data, sector numerics), ``"mixed"`` (a 4x4 start),
``"pure"`` (a two-qubit battery with a ket) and ``"preset"`` (the paper's named models,
whose Bell-block forms have their own fast evaluators; also ``battery=None`` with
``model=``).
"""

from __future__ import annotations

from typing import Any

from .chain import ChainBattery
from .presets import Battery as PresetBattery

#: The kinds :func:`battery_kind` returns.
KINDS = ("preset", "pure", "mixed", "chain")


def battery_kind(battery: Any) -> str:
    """One of :data:`KINDS` for a battery object (``None``: a preset named by ``model=``).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> [battery_kind(b) for b in (None, qb.Battery("ising"), qb.chain(3, "xxz"))]
    ['preset', 'preset', 'chain']
    >>> battery_kind(qb.Battery.from_string("J*(XX + YY)", initial=qb.werner_state(0)))
    'mixed'
    """
    if battery is None or isinstance(battery, PresetBattery):
        return "preset"
    if isinstance(battery, ChainBattery):
        return "chain"
    return "mixed" if battery.initial_state.shape == (4, 4) else "pure"
