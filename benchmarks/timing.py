"""What every benchmark script shares: the timing rule and the preset map it times."""

from __future__ import annotations

import time

from qb_symbolic import evaluate


def best_of(function, repeats: int) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def ours(t, D):
    """The Ising preset's ergotropy map on the (D, t) grid (the maps' common subject)."""
    return evaluate("ergotropy", t[None, :], model="ising", D=D[:, None])
