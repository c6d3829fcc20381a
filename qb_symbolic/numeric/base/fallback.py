"""The float path's phase limit and its mpmath fallback, shared by every evaluator.

Double precision loses about ``1e-16 |phase|`` of a phase ``max_k |lambda_k t|``. The
float paths (presets: :mod:`qb_symbolic.numeric.evaluate`; any battery:
:mod:`qb_symbolic.numeric.closed_form.user_evaluate`, :mod:`qb_symbolic.numeric.closed_form.user_grid`; mixed
starts: :mod:`qb_symbolic.numeric.density.mixed_dynamics`) answer up to :data:`PHASE_LIMIT`;
beyond it at most :data:`FALLBACK_POINTS` points per call are evaluated again with
mpmath at :data:`FALLBACK_DIGITS` digits (:func:`refine_unresolved`), and more are
refused with a ValueError suggesting ``digits=``. One definition here, so that the
presets and user batteries keep the same limits and the same message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

#: Largest phase max_k |nu_k t| (radians) the float path answers; its bound there
#: is 1e-12 + 1e-14 * 1e9 = 1e-5 omega0 for zeta (measured errors are ~100x smaller).
PHASE_LIMIT = 1e9
#: Most points per call re-evaluated by mpmath beyond PHASE_LIMIT (about 1 ms each).
FALLBACK_POINTS = 2000
#: Digits of the mpmath fallback: double precision and a margin.
FALLBACK_DIGITS = 20

#: One point again with mpmath: ``(parameters by name, t) -> {quantity: value}``.
PointEvaluator = Callable[[dict[str, float], float], Mapping[str, object]]


def refine_unresolved(quantities, outputs: dict, pending: list,
                      evaluate_point: PointEvaluator) -> None:
    """Fill the points the float path left unresolved (phase beyond :data:`PHASE_LIMIT`).

    ``pending`` holds ``(index, mask, parameters, times)`` per chunk: ``outputs[q][index]``
    is the chunk, ``mask`` its unresolved points, ``parameters`` (by name) and ``times``
    broadcast to it. A ValueError if more than :data:`FALLBACK_POINTS` points are pending
    in all (checked before any mpmath work).
    """
    count = sum(int(np.count_nonzero(mask)) for _, mask, _, _ in pending)
    if count > FALLBACK_POINTS:
        raise ValueError(
            f"{count} points have phases |lambda t| beyond {PHASE_LIMIT:.0e} rad, which double "
            f"precision cannot resolve (at most {FALLBACK_POINTS} are re-evaluated with mpmath); "
            "use digits= for the mpmath path, or shorter times or smaller couplings"
        )
    for index, mask, block, times in pending:
        arrays = {n: np.broadcast_to(a, mask.shape) for n, a in block.items()}
        times = np.broadcast_to(times, mask.shape)
        for where in (() if mask.ndim == 0 else tuple(w) for w in np.argwhere(mask)):
            point = {n: float(a[where]) for n, a in arrays.items()}
            found = evaluate_point(point, float(times[where]))
            for q in quantities:
                outputs[q][index + (Ellipsis,)][where] = float(found[q]) + 0.0
