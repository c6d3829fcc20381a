"""Array helpers shared by the numeric and symbolic layers."""

from __future__ import annotations

import numpy as np


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct entries of a 1-d array, sorted: ``np.unique(values)`` by one sort.

    Since numpy 2.3 ``np.unique`` without ``return_inverse`` takes a hash path that is slow
    when most entries are distinct, as for the sparse-pattern keys and orbit
    representatives of a chain: 0.88 s against 0.046 s for this sort on 1.3 million int64
    keys (numpy 2.4.6, this machine).
    """
    ordered = np.sort(np.asarray(values).ravel())
    if ordered.size == 0:
        return ordered
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]
