"""Sectors beyond dense reach as sparse real operators: Chebyshev curves without ``eigh``.

A sector too large to diagonalise densely (more than
:data:`qb_symbolic.numeric.sectors.chain_numeric.MAX_SECTOR_DIM`, the open chains from N = 12)
still has few entries per row: one per distinct Pauli-string image of an orbit (about
``2N`` for the paper's bond). In the real basis of :mod:`qb_symbolic.numeric.sectors.chain_real`
(``W``, at most two orbits per column) every entry of ``B^dag P B`` becomes at most four
entries of ``W^dag B^dag P B W``, so the real sector Hamiltonians are built sparse, per
coefficient group, on one pattern per sector (the diagonal always in it), stored as
"ELLPACK" columns: ``index`` and ``values`` of shape ``(width, d)``, so that
``H x = sum_s values[s] * x[index[s]]`` is three numpy calls over ``width x d`` numbers.
The sectors are stored as one block-diagonal matrix, since the series runs them on the
same bounds: ``K ~ a t_max`` products for all sectors together
(:mod:`qb_symbolic.numeric.sectors.chebyshev`), one call each. The open N = 12 chain's curve takes
~0.045 s (scipy's CSR product) instead of the Krylov path's ~0.45 s (benchmarks/chains.py, which also prints the floor: the
products alone take ~28 ms there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse
import sympy as sp

from ...core.arrays import sorted_unique
from ...model.battery import Battery
from ...symbolic.chain_sectors import conjugation_symmetry
from .chain_basis import (
    coefficient_groups,
    populated_sectors,
    sector_entries,
    site_energy_function,
    state_lookup,
)
from .chain_real import REAL_TOLERANCE, SectorBasis, SeriesPoint, real_bases, series_from
from .chebyshev import parity_blocks

#: Largest ``K x (sum of sector dimensions)`` of Chebyshev vectors kept (8 bytes each:
#: 256 MB); longer windows take the Krylov path.
SERIES_ELEMENTS = 1 << 25


def _orbit_columns(basis: SectorBasis, d: int) -> tuple[np.ndarray, np.ndarray]:
    """``W``'s rows: for each orbit ``o`` up to two ``(column, W[o, column])``, as
    ``(d, 2)`` arrays (column 0 with weight 0 where there is no second one)."""
    orbit = np.concatenate([basis.i1, basis.i2])
    column = np.concatenate([np.arange(d), np.arange(d)])
    weight = np.concatenate([basis.w1, basis.w2])
    keep = weight != 0
    orbit, column, weight = orbit[keep], column[keep], weight[keep]
    order = np.argsort(orbit, kind="stable")
    orbit, column, weight = orbit[order], column[order], weight[order]
    slot = np.arange(orbit.size) - np.searchsorted(orbit, orbit)  # 0 or 1 within an orbit
    columns, weights = np.zeros((d, 2), int), np.zeros((d, 2), complex)
    columns[orbit, slot], weights[orbit, slot] = column, weight
    return columns, weights


def real_entries(entries: tuple, left: tuple, right: tuple, shape: tuple[int, int]) -> tuple | None:
    """``W_a^dag M W_b`` for sparse ``M`` (``(rows, cols, values)`` on the orbit bases),
    ``left``/``right`` from :func:`_orbit_columns`: real ``(rows, cols, values)``, or None
    if an imaginary part is more than rounding."""
    rows, cols, vals = entries
    V = np.conj(left[1][rows])[:, :, None] * vals[:, None, None] * right[1][cols][:, None, :]
    R = np.broadcast_to(left[0][rows][:, :, None], V.shape)
    C = np.broadcast_to(right[0][cols][:, None, :], V.shape)
    keep = V.reshape(-1) != 0
    keys = (R.reshape(-1)[keep].astype(np.int64) * shape[1] + C.reshape(-1)[keep])
    unique, inverse = np.unique(keys, return_inverse=True)
    summed = np.zeros(unique.size, complex)
    np.add.at(summed, inverse, V.reshape(-1)[keep])
    scale = max(1.0, float(np.max(np.abs(summed), initial=0.0)))
    if np.max(np.abs(summed.imag), initial=0.0) > REAL_TOLERANCE * scale:
        return None
    nonzero = np.abs(summed.real) > 1e-13 * scale  # exact cancellations leave rounding
    return unique[nonzero] // shape[1], unique[nonzero] % shape[1], summed.real[nonzero]


@dataclass(frozen=True)
class SparseSector:
    """One sector's Hamiltonian per coefficient group on a shared pattern (module
    docstring): ``index`` ``(width, d)``, ``values`` ``(groups, width, d)``, ``diagonal``
    the slot of each row's diagonal entry."""

    index: np.ndarray
    values: np.ndarray
    diagonal: np.ndarray
    csr: tuple[np.ndarray, np.ndarray, np.ndarray]  # ELL positions, columns, row pointers

    @classmethod
    def from_entries(cls, groups: Sequence[tuple], d: int) -> SparseSector:
        keys = [r.astype(np.int64) * d + c for r, c, _ in groups]
        pattern = sorted_unique(np.concatenate(keys + [np.arange(d, dtype=np.int64) * (d + 1)]))
        rows, cols = pattern // d, pattern % d
        start = np.searchsorted(rows, np.arange(d))
        slot = np.arange(pattern.size) - start[rows]
        width = int(slot.max()) + 1
        index = np.repeat(np.arange(d)[None, :], width, axis=0)  # padding points at the row
        index[slot, rows] = cols
        values = np.zeros((len(groups), width, d), np.result_type(*[v for _, _, v in groups]))
        for g, ((r, _, v), k) in enumerate(zip(groups, keys)):
            where = np.searchsorted(pattern, k)
            values[g, slot[where], r] = v
        # the pattern is sorted by row, then column: CSR order, read from the ELL values
        pointers = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=d))])
        csr = (slot.astype(np.int64) * d + rows, cols, pointers)
        return cls(index, values, slot[np.searchsorted(pattern, np.arange(d) * (d + 1))], csr)

    def operator(self, weights: Sequence[float]) -> EllOperator:
        return EllOperator(self.index, np.tensordot(np.asarray(weights), self.values, 1),
                           self.diagonal, self.csr)


class EllOperator:
    """A real symmetric or complex Hermitian sparse matrix in the layout of
    :class:`SparseSector` (the operator protocol of
    :class:`qb_symbolic.numeric.sectors.chebyshev.DenseOperator`); products by scipy's compiled
    CSR kernel (~3x numpy's ELL gather: 53 vs 148 us for the open N = 12 chain's
    2080 x 2080 sector, 48512 entries)."""

    def __init__(self, index: np.ndarray, values: np.ndarray, diagonal: np.ndarray,
                 csr: tuple) -> None:
        self.index, self.values, self.diagonal, self.csr = index, values, diagonal, csr
        self.dim, self.dtype = index.shape[1], values.dtype
        self._rows = np.arange(self.dim)
        self.apply = self._product(values)  # out = H x, as a function of (x, out)

    def _product(self, values: np.ndarray):
        """``(x, out) -> out = A x`` for the matrix with these ELL values."""
        positions, columns, pointers = self.csr
        A = scipy.sparse.csr_matrix((values.reshape(-1)[positions], columns, pointers),
                                    shape=(self.dim, self.dim))
        return lambda x, out: np.copyto(out, A @ x)

    def shifted(self, b: float, scale: float):
        values = self.values * scale
        values[self.diagonal, self._rows] -= b * scale
        return self._product(values)

    def gershgorin(self) -> tuple[float, float]:
        centre = self.values[self.diagonal, self._rows].real  # Hermitian: a real diagonal
        radius = np.abs(self.values).sum(axis=0) - np.abs(centre)
        return float(np.min(centre - radius)), float(np.max(centre + radius))


def coupling_blocks(energy_blocks: Sequence[dict], h0_weights: Sequence, views: Sequence,
                    hermitian: bool) -> list:
    """H0's forms for :func:`qb_symbolic.numeric.sectors.chain_real.series_from`: per stored pair
    ``a <= b`` of sectors (weight 2 off the diagonal: ``G_ba = G_ab^dag``) the sparse
    blocks of every group, weighted and joined, against the sectors' vectors ``views``."""
    blocks = []
    for a, b in energy_blocks[0] if energy_blocks else ():
        if a > b:
            continue
        parts = [group[(a, b)] for group in energy_blocks]
        G = tuple(np.concatenate([p[i] for p in parts]) for i in range(2)) + (
            np.concatenate([w * p[2] for w, p in zip(h0_weights, parts)]),)
        if not G[0].size:
            continue
        if hermitian:
            form = sparse_product(views[a], G, views[b])
        else:
            form = parity_blocks(views[a], views[b], lambda A, B, G=G: sparse_product(A, G, B))
        blocks.append((1.0 if a == b else 2.0, form))
    return blocks


@dataclass(frozen=True)
class SparseSystem:
    """A chain's large sectors as one block-diagonal :class:`SparseSector` (``joint``;
    sector ``k`` on ``cuts[k]:cuts[k + 1]``, so a Chebyshev step is one product for all
    sectors), H0 blocks per group as sparse ``(rows, cols, values)`` per ``(a, b)`` in each
    sector's own indices, start components: real (real bases) or, with ``hermitian``,
    complex (orbit bases: :mod:`qb_symbolic.numeric.sectors.chain_hermitian`)."""

    joint: SparseSector
    cuts: tuple[int, ...]
    energy_blocks: tuple[dict[tuple[int, int], tuple], ...]
    components: tuple[np.ndarray, ...]
    coefficients: tuple[Any, ...]  # generated functions of the parameters, one per group
    energy_coefficients: tuple[Any, ...]
    site_energy: Any  # |h| of H0's site term
    hermitian: bool = False

    def series(self, values: Sequence[float], N: int, end: float,
               largest: int | None = None) -> SeriesPoint | None:
        """The Chebyshev series at one parameter point for times in ``[0, end]``, with at
        most ``largest`` terms (and :data:`SERIES_ELEMENTS`); else None."""
        weights = [complex(f(*values)) for f in self.coefficients]
        h0_weights = [complex(f(*values)) for f in self.energy_coefficients]
        if not self.hermitian:  # real bases: the groups' matrices are real, so are the weights
            weights, h0_weights = [w.real for w in weights], [w.real for w in h0_weights]
        h = float(self.site_energy(*values))
        cuts = self.cuts

        def coupling(phis: list) -> list:
            views = [phis[0][:, lo:hi] for lo, hi in pairwise(cuts)]
            return coupling_blocks(self.energy_blocks, h0_weights, views, self.hermitian)

        cap = SERIES_ELEMENTS // (cuts[-1] * (2 if self.hermitian else 1))
        largest = cap if largest is None else min(largest, cap)
        return series_from([self.joint.operator(weights)], [np.concatenate(self.components)],
                           coupling, -N * h, 2 * N * h, end, largest, cuts, self.hermitian)


def _real_vector(c: np.ndarray) -> np.ndarray | None:
    scale = max(1.0, float(np.max(np.abs(c), initial=0.0)))
    return None if np.max(np.abs(c.imag), initial=0.0) > REAL_TOLERANCE * scale else c.real.copy()


@lru_cache(maxsize=4)
def sparse_real_system(battery: Battery) -> SparseSystem | None:
    """The sparse real form of a chain's populated sectors; None without an antiunitary
    symmetry fixing the start, or where a check fails."""
    conjugation = conjugation_symmetry(battery)
    if conjugation is None:
        return None
    N, sectors = battery.N, populated_sectors(battery)
    lookups = [state_lookup(s, N) for s in sectors.sectors]
    bases = real_bases(sectors.sectors, lookups, conjugation, N)
    if bases is None:
        return None
    inverse = [_orbit_columns(basis, s.dim) for basis, s in zip(bases, sectors.sectors)]
    dims = [s.dim for s in sectors.sectors]
    groups = []  # per coefficient group: every sector's entries, in its own indices
    for _, labels in coefficient_groups(battery.pauli_terms()):
        parts = [real_entries(sector_entries(labels, s, s, N, lookup), inverse[k], inverse[k],
                              (s.dim, s.dim))
                 for k, (s, lookup) in enumerate(zip(sectors.sectors, lookups))]
        if any(part is None for part in parts):
            return None
        groups.append(parts)
    blocks = []
    for _, labels in coefficient_groups(battery.pauli_terms(energy=True)):
        found = {}
        for a in range(len(dims)):
            for b in range(a, len(dims)):
                raw = sector_entries(labels, sectors.sectors[b], sectors.sectors[a], N, lookups[a])
                block = real_entries(raw, inverse[a], inverse[b], (dims[a], dims[b]))
                if block is None:
                    return None
                found[(a, b)] = block
        blocks.append(found)
    components = []
    for (columns, weights), c, d in zip(inverse, sectors.components, dims):
        projected = np.zeros(d, complex)  # W^dag c
        np.add.at(projected, columns.reshape(-1), (np.conj(weights) * c[:, None]).reshape(-1))
        components.append(_real_vector(projected))
    if any(c is None for c in components):
        return None
    return assemble_system(battery, groups, dims, blocks, components)


def assemble_system(battery: Battery, groups: Sequence[Sequence[tuple]],
                    dims: Sequence[int], blocks: Sequence[dict], components: Sequence[np.ndarray],
                    hermitian: bool = False) -> SparseSystem:
    """A :class:`SparseSystem` from each coefficient group's sector entries (each sector in
    its own indices, placed on the joint block-diagonal ones here), H0's blocks, the start
    and the battery's generated coefficient functions."""
    cuts = tuple(int(x) for x in np.cumsum([0, *dims]))
    joint = [(np.concatenate([p[0] + cut for p, cut in zip(parts, cuts)]),
              np.concatenate([p[1] + cut for p, cut in zip(parts, cuts)]),
              np.concatenate([p[2] for p in parts])) for parts in groups]
    params = battery.parameters
    lam = lambda terms: tuple(sp.lambdify(params, g, "numpy") for g, _ in coefficient_groups(terms))
    return SparseSystem(SparseSector.from_entries(joint, cuts[-1]), cuts, tuple(blocks),
                        tuple(components), lam(battery.pauli_terms()),
                        lam(battery.pauli_terms(energy=True)), site_energy_function(battery),
                        hermitian)


def sparse_product(phi_a: np.ndarray, block: tuple, phi_b: np.ndarray) -> np.ndarray:
    """``Phi_a^* G Phi_b^T = sum_e g_e conj(phi_a[:, r_e]) phi_b[:, c_e]^T`` for sparse
    ``G = (rows, cols, values)``: one product over G's entries, ``(K, K)``."""
    rows, cols, vals = block
    # take, not phi[:, rows]: on a strided view (a sector of the joint vectors) numpy's
    # fancy indexing gathers element by element, ~5x slower
    left = np.take(phi_a, rows, axis=1)
    left = np.conj(left, out=left) if np.iscomplexobj(left) else left
    return (left * vals) @ np.take(phi_b, cols, axis=1).T
