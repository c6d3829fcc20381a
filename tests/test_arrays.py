"""core/arrays.py: the sort-based distinct values equal numpy's own (an independent
implementation: numpy's hash or sort path)."""

from __future__ import annotations

import numpy as np
from conftest import SEED

from qb_symbolic.core.arrays import sorted_unique


def test_sorted_unique_equals_numpy_unique():
    rng = np.random.default_rng(SEED + 1)
    for size, high in ((0, 5), (1, 5), (1000, 7), (100_000, 1 << 40)):
        values = rng.integers(0, high, size)
        if size:
            values = np.concatenate([values, values[: size // 3]])  # duplicates for sure
        found = sorted_unique(values)
        assert np.array_equal(found, np.unique(values))
        assert found.dtype == values.dtype
