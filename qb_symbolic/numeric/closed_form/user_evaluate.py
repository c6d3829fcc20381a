"""Which path answers for any battery with a pure start: mpmath, the uniform grid, or
the general float path in chunks with its mpmath fallback.

* ``digits=``: every point with mpmath (:func:`qb_symbolic.numeric.closed_form.user_precise.evaluate_user_point`);
* a uniform time grid per parameter point: :mod:`qb_symbolic.numeric.closed_form.user_grid` (the group
  property, no state per point);
* otherwise :func:`qb_symbolic.numeric.closed_form.user_numeric.evaluate_user_numpy` in chunks of
  ``CHUNK_POINTS``, and the points whose phase exceeds
  :data:`qb_symbolic.numeric.base.fallback.PHASE_LIMIT` again with mpmath
  (:func:`qb_symbolic.numeric.base.fallback.refine_unresolved`).

It sits above the three paths (each of which builds on :mod:`qb_symbolic.numeric.closed_form.user_numeric`),
so that all of them are imported at the top without a loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...core.values import real_array
from ..base.fallback import FALLBACK_DIGITS, refine_unresolved
from .stages import chunk_slices, take_block
from .user_grid import evaluate_user_grid, grid_layout
from .user_numeric import evaluate_user_numpy, user_evaluators
from .user_precise import evaluate_user_point

#: Points per chunk of the general float path.
CHUNK_POINTS = 1 << 16


def evaluate_user(battery, quantities: Sequence[str], t: Any, values: Mapping[str, Any],
                  digits: int | None) -> dict[str, np.ndarray]:
    """Quantities of a user battery: float path in chunks, or mpmath per point."""
    if digits is not None:
        return _evaluate_user_mp(battery, quantities, t, values, digits)
    arrays = {n: real_array(n, v) for n, v in values.items()}
    found = _on_grid(battery, quantities, t, arrays)
    if found is not None:
        return found
    shape = np.broadcast_shapes(t.shape, *(a.shape for a in arrays.values()))
    out = {q: np.empty(shape) for q in quantities}
    pending = []
    for index in chunk_slices(shape, CHUNK_POINTS):
        block = {n: take_block(a, index, len(shape)) for n, a in arrays.items()}
        times = take_block(t, index, len(shape))
        found, unresolved = evaluate_user_numpy(battery, quantities, times, block)
        for q in quantities:
            out[q][index + (Ellipsis,)] = found[q]
        if np.any(unresolved):
            pending.append((index, np.array(unresolved), block, times))
    if pending:  # phases the float path cannot resolve: again with mpmath, point by point
        refine_unresolved(quantities, out, pending, lambda point, time: evaluate_user_point(
            battery, quantities, point, time, FALLBACK_DIGITS))
    return out


def _evaluate_user_mp(battery, quantities: Sequence[str], t: Any, values: Mapping[str, Any],
                      digits: int) -> dict[str, np.ndarray]:
    """Every point of the broadcast with mpmath at ``digits`` digits (object arrays)."""
    objs = [np.asarray(values[s.name], dtype=object) for s in battery.parameters]
    t_obj = np.asarray(t, dtype=object)
    shape = np.broadcast_shapes(t_obj.shape, *(o.shape for o in objs))
    out = {q: np.empty(shape, dtype=object) for q in quantities}
    for index in np.ndindex(shape):
        point = {s.name: np.broadcast_to(o, shape)[index]
                 for s, o in zip(battery.parameters, objs)}
        found = evaluate_user_point(battery, quantities, point,
                                    np.broadcast_to(t_obj, shape)[index], digits)
        for q in quantities:
            out[q][index] = found[q]
    return out


def _on_grid(battery, quantities: Sequence[str], t: np.ndarray,
             arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """The uniform-grid path (:mod:`qb_symbolic.numeric.closed_form.user_grid`) when it applies."""
    ev = user_evaluators(battery, "numpy")
    params = [arrays[s.name] for s in ev.params]
    layout = grid_layout(t, np.broadcast_shapes(*(p.shape for p in params)))
    if layout is None:
        return None  # the general path, with its mpmath fallback beyond PHASE_LIMIT
    return evaluate_user_grid(ev, quantities, t, layout, params)
