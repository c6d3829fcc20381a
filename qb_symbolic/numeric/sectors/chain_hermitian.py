"""Chebyshev series on complex sectors: chains whose start no antiunitary symmetry fixes.

A start such as ``|uddd...>`` of an open chain, or the Neel state ``|udud...>`` of a ring,
is not fixed by the reflection times conjugation (RK) of
:mod:`qb_symbolic.numeric.sectors.chain_real`, so its sectors have no real basis. The series of
:mod:`qb_symbolic.numeric.sectors.chebyshev` still applies, on complex vectors
``phi_k = T_k(X) c`` (``X`` Hermitian, so the recurrence keeps its real coefficients):
with ``M = Phi_a^* G_ab Phi_b^T`` (Hermitian for ``a = b``) the curve is the real form
``sum_kl J_k(a t) J_l(a t) Re(conj(g_k) g_l M_kl)``, ``g_k = eps_k (-i)^k``
(:meth:`qb_symbolic.numeric.sectors.chebyshev.SeriesCurve.hermitian`), and, the curve no longer
being even, its rate at t = 0 is read from ``M_01`` (``chain_real._series_rate``).

Sectors up to the dense limit are applied as the orbit-basis matrices of
:func:`qb_symbolic.numeric.sectors.chain_numeric.chain_system`; beyond it as one complex
block-diagonal :class:`qb_symbolic.numeric.sectors.chain_sparse.SparseSector` (the layout of the
real path, complex values). About twice the work of the real path per term: complex
products, and a ``(K, K)`` form per time instead of two of ``K/2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ...model.battery import Battery
from .chain_basis import coefficient_groups, populated_sectors, sector_entries, state_lookup
from .chain_real import SeriesPoint, series_from
from .chain_sparse import SparseSystem, assemble_system, coupling_blocks
from .chebyshev import DenseOperator


def dense_hermitian_series(system, values: Sequence[float], N: int, end: float,
                           largest: int) -> SeriesPoint | None:
    """The series of a dense chain system without real bases (``system`` from
    :func:`qb_symbolic.numeric.sectors.chain_numeric.chain_system`) at one parameter point, for
    times in ``[0, end]``; None beyond ``largest`` terms or without passing bounds."""
    weights = [complex(f(*values)) for f in system.coefficients]
    h0_weights = [complex(f(*values)) for f in system.energy_coefficients]
    operators = [DenseOperator(sum(w * system.hamiltonian[g][k] for g, w in enumerate(weights)))
                 for k in range(len(system.sectors.sectors))]

    def coupling(phis: list) -> list:
        return coupling_blocks(system.energy_blocks, h0_weights, phis, hermitian=True)

    h = float(system.site_energy(*values))
    return series_from(operators, system.sectors.components, coupling, -N * h, 2 * N * h,
                       end, largest, hermitian=True)


@lru_cache(maxsize=4)
def sparse_complex_system(battery: Battery) -> SparseSystem:
    """A chain's populated sectors in their orbit bases as one complex block-diagonal
    sparse matrix per coefficient group, H0's blocks ``a <= b`` sparse, the start's
    components complex: the series of any start, beyond the dense limit."""
    N, sectors = battery.N, populated_sectors(battery)
    found = sectors.sectors
    lookups = [state_lookup(s, N) for s in found]
    groups = [[sector_entries(labels, s, s, N, lookup) for s, lookup in zip(found, lookups)]
              for _, labels in coefficient_groups(battery.pauli_terms())]
    blocks = [{(a, b): sector_entries(labels, found[b], found[a], N, lookups[a])
               for a in range(len(found)) for b in range(a, len(found))}
              for _, labels in coefficient_groups(battery.pauli_terms(energy=True))]
    return assemble_system(battery, groups, [s.dim for s in found], blocks,
                           [np.asarray(c, complex) for c in sectors.components], hermitian=True)
