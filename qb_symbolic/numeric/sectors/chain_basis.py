"""The sector bases every chain path builds on: Pauli strings on basis states, sector
blocks of an operator, the coefficient groups of H and H0, and H0's site term.

The dense path (:mod:`qb_symbolic.numeric.sectors.chain_numeric`), the sparse real and complex
series (:mod:`qb_symbolic.numeric.sectors.chain_sparse`, :mod:`qb_symbolic.numeric.sectors.chain_hermitian`)
and the Krylov path (:mod:`qb_symbolic.numeric.sectors.chain_krylov`) all start from these; they
live here, below all four, so that each imports them at the top and the dense path can
import the others without a loop.

Conventions: site 1 is the most significant bit of a basis state, bit 0 = up; a sector
(:func:`qb_symbolic.symbolic.chain_sectors.chain_sectors`) lists its orbit states, the
column of each and its weight in that column.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import sympy as sp

from ...model.battery import Battery
from ...symbolic.chain_sectors import Sectors, chain_sectors

#: Set bits of every byte (parity of a masked state, byte by byte).
_ONES = np.array([x.bit_count() for x in range(256)])


def apply_string(label: str, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``P|s> = phase |t>`` for an N-letter Pauli string (site 1 = most significant bit,
    bit 0 = up): X flips, Z gives (-1)^bit, Y = i X Z."""
    N = len(label)
    xmask = sum(1 << (N - 1 - i) for i, c in enumerate(label) if c in "XY")
    zmask = sum(1 << (N - 1 - i) for i, c in enumerate(label) if c in "ZY")
    masked = states & zmask
    count = sum(_ONES[(masked >> (8 * k)) & 255] for k in range((N + 7) // 8))
    phase = (1j ** label.count("Y")) * (-1.0) ** count
    return states ^ xmask, phase


def state_lookup(sector, N: int) -> tuple[np.ndarray, np.ndarray]:
    """Per basis state of the 2^N: its column in ``sector`` (-1 outside) and its weight."""
    column = np.full(2**N, -1)
    value = np.zeros(2**N)
    column[sector.states] = sector.columns
    value[sector.states] = sector.values
    return column, value


def sector_entries(labels: Sequence[tuple[str, complex]], a, b, N: int,
                   lookup_b=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nonzero entries ``(rows, cols, values)`` of ``B_b^dag (sum_k w_k P_k) B_a``."""
    column_b, value_b = lookup_b if lookup_b is not None else state_lookup(b, N)
    keys, values = [], []
    for label, weight in labels:
        target, phase = apply_string(label, a.states)
        hit = column_b[target] >= 0
        keys.append(column_b[target[hit]].astype(np.int64) * a.dim + a.columns[hit])
        values.append(weight * phase[hit] * a.values[hit] * value_b[target[hit]])
    if not keys:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0, complex)
    unique, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    summed = np.zeros(len(unique), complex)
    np.add.at(summed, inverse, np.concatenate(values))
    # a true entry is a sum of +-w/sqrt(orbit sizes) >= max|w| / |G|: what is left of an
    # exact cancellation is rounding (~1e-16), dropped so that empty blocks are empty
    keep = np.abs(summed) > 1e-12 * max(abs(w) for _, w in labels)
    return unique[keep] // a.dim, unique[keep] % a.dim, summed[keep]


def sector_matrix(labels: Sequence[tuple[str, complex]], a, b, N: int, lookup_b=None) -> np.ndarray:
    """``B_b^dag (sum_k w_k P_k) B_a`` for Pauli strings ``P_k`` with numeric weights, dense."""
    rows, cols, values = sector_entries(labels, a, b, N, lookup_b)
    out = np.zeros((b.dim, a.dim), complex)
    out[rows, cols] = values
    return out


def coefficient_groups(terms: dict[str, sp.Expr]) -> list[tuple[sp.Expr, list[tuple[str, complex]]]]:
    """Pauli strings grouped by coefficient up to a numeric factor (``J(1+gamma)``...)."""
    groups: dict[sp.Expr, list[tuple[str, complex]]] = {}
    for label, c in terms.items():
        number, rest = sp.expand(c).as_coeff_Mul()
        groups.setdefault(rest, []).append((label, complex(number)))
    return list(groups.items())


def site_energy_function(battery: Battery):
    """``|h|`` of H0's site term ``h . sigma`` as a function of the battery's parameters (the
    lowest energy of H0 is ``-N |h|``)."""
    site = dict(battery.energy_site)
    norm = sp.sqrt(sum(site.get(k, 0) ** 2 for k in "XYZ"))
    return sp.lambdify(battery.parameters, norm, "numpy")


@lru_cache(maxsize=8)
def site_field_function(battery: Battery):
    """``(h_x, h_y, h_z)`` of H0's site term as a function of the battery's parameters
    (cached: the local quantities ask for it at every parameter point)."""
    site = dict(battery.energy_site)
    return sp.lambdify(battery.parameters, [site.get(k, 0) for k in "XYZ"], "numpy")


@lru_cache(maxsize=8)
def populated_sectors(battery: Battery) -> Sectors:
    """The chain's populated symmetry sectors (cached: every path starts from them)."""
    return chain_sectors(battery)
