"""Numbers for chain batteries: dense diagonalisation of each populated symmetry sector.

For each parameter point the sector Hamiltonians ``H_a = sum_g c_g(params) M_g^a`` (one
precomputed sector matrix per distinct coefficient ``c_g``) are diagonalised once
(``numpy.linalg.eigh``); then for all times at once

    ``psi_a(t) = V_a exp(-i E_a t) V_a^dag psi_a(0)``,
    ``<H0>(t) = sum_ab psi_a(t)^dag H0_ab psi_b(t)``

(H0 may couple sectors: the global flip maps ``sum sz_i`` to its negative). When the
chain has an antiunitary symmetry fixing the start (``RK`` for the paper's bonds), the
sectors are diagonalised in real bases (:mod:`qb_symbolic.numeric.sectors.chain_real`): real
``eigh`` and real products, about twice as fast. A parameter point of such a chain with
large sectors takes the Chebyshev series of ``exp(-iHt)`` instead
(:mod:`qb_symbolic.numeric.sectors.chebyshev`, :func:`series_spectrum`): ``K ~ a t_max``
matrix-vector products per sector and no eigenvectors, where ``K`` is below 1.5 times the
sector's dimension (the N = 12 ring: 12 ms instead of 20). Pure start:
``ergotropy = <H0> - E_min(H0)`` with ``E_min = -N |h|`` for the uniform site term
``h . sigma`` of H0; ``power = (zeta(t) - zeta(0))/t``, ``P(0) = zeta'(0)`` (the stored
energy per time, :func:`qb_symbolic.numeric.closed_form.user_numeric.stored_power`); per-cell values
are totals divided by N (docs/conventions.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from ...core.quantity_names import AVAILABLE
from ...core.values import real_array
from ...model.battery import Battery
from ...symbolic.chain_sectors import Sectors, conjugation_symmetry
from .chain_basis import (
    coefficient_groups,
    populated_sectors,
    sector_entries,
    sector_matrix,
    site_energy_function,
    site_field_function,
    state_lookup,
)
from .chain_hermitian import dense_hermitian_series, sparse_complex_system
from .chain_krylov import krylov_point, krylov_system
from .chain_local import full_state, local_quantities
from .chain_real import SectorCurves, SeriesPoint, real_spectral, realify, series_point
from .chain_sparse import sparse_real_system

#: What a chain answers.
CHAIN_QUANTITIES = AVAILABLE["chain"]


def _known(quantity: str, N: int) -> bool:
    """The fixed names, and ``local_ergotropy_<i>`` for a cell i = 1..N."""
    if quantity in CHAIN_QUANTITIES:
        return True
    head, _, index = quantity.rpartition("_")
    return head == "local_ergotropy" and index.isdigit() and 1 <= int(index) <= N


@dataclass(frozen=True)
class ChainSystem:
    """Everything a chain's numbers need, per parameter point only the coefficients."""

    sectors: Sectors
    coefficients: tuple[Any, ...]  # generated functions of the parameters, one per group
    hamiltonian: tuple[tuple[np.ndarray, ...], ...]  # [group][sector] matrix
    energy_coefficients: tuple[Any, ...]
    energy_blocks: tuple[dict[tuple[int, int], np.ndarray], ...]
    site_energy: Any  # |h| of H0's site term, as a function of the parameters
    site_field: Any  # (h_x, h_y, h_z) of H0's site term h . sigma
    real: Any = None  # the real sector bases (numeric/chain_real.py), if the chain has them


#: Chains with more cells always take the Krylov path (the sectors live on the 2^N basis).
DENSE_SITES = 14
#: Largest populated sector diagonalised densely (memory ~ groups x d^2 x 16 bytes); a
#: chain with a larger one takes the Krylov path (:mod:`qb_symbolic.numeric.sectors.chain_krylov`).
MAX_SECTOR_DIM = 1024


def uses_krylov(battery: Battery) -> bool:
    """Whether the chain is beyond the dense sector path (too many cells or a large sector)."""
    if battery.N > DENSE_SITES:
        return True
    return max(s.dim for s in populated_sectors(battery).sectors) > MAX_SECTOR_DIM


@lru_cache(maxsize=8)
def chain_system(battery: Battery) -> ChainSystem:
    if uses_krylov(battery):
        raise ValueError(f"{battery.source}: beyond the dense sector path (N <= {DENSE_SITES}, "
                         f"sectors <= {MAX_SECTOR_DIM}); it takes the Krylov path")
    sectors = populated_sectors(battery)
    N, params = battery.N, battery.parameters
    lookups = [state_lookup(s, N) for s in sectors.sectors]
    groups = coefficient_groups(battery.pauli_terms())
    hamiltonian = tuple(tuple(sector_matrix(labels, s, s, N, lookups[k])
                              for k, s in enumerate(sectors.sectors)) for _, labels in groups)
    energy_groups = coefficient_groups(battery.pauli_terms(energy=True))
    pairs = [(a, b) for a in range(len(sectors.sectors)) for b in range(len(sectors.sectors))]
    energy_blocks = tuple({(a, b): sector_entries(labels, sectors.sectors[b], sectors.sectors[a], N,
                                                  lookups[a]) for a, b in pairs}
                          for _, labels in energy_groups)
    lam = lambda exprs: tuple(sp.lambdify(params, e, "numpy") for e in exprs)
    system = ChainSystem(sectors, lam([g for g, _ in groups]), hamiltonian,
                         lam([g for g, _ in energy_groups]), energy_blocks,
                         site_energy_function(battery), site_field_function(battery))
    conjugation = conjugation_symmetry(battery)
    if conjugation is None:
        return system
    return dataclasses.replace(system, real=realify(system, lookups, conjugation, N))


@dataclass(frozen=True)
class Spectral(SectorCurves):
    """One parameter point diagonalised: ``energy(t)`` for any times, the rate
    ``d<H0>/dt`` at t = 0, the lowest energy of H0 and the capacity ``2 N |h|``."""

    eigen: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]  # (E, V, V^dag psi0) per sector
    blocks: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]]  # H0, sparse
    rate0: float
    low: float
    capacity: float

    def energy(self, t: np.ndarray) -> np.ndarray:
        states = [V @ (np.exp(-1j * np.outer(E, t)) * alpha[:, None]) for E, V, alpha in self.eigen]
        out = np.zeros(np.shape(t))
        for (a, b), (rows, cols, vals) in self.blocks.items():
            # H0 is diagonal on basis states: its sector blocks have about one entry per row
            terms = states[a][rows].conj() * (vals[:, None] * states[b][cols])
            out = out + np.real(np.sum(terms, axis=0))
        return out

    @property
    def levels(self) -> tuple[np.ndarray, ...]:
        return tuple(E for E, _, _ in self.eigen)


def spectral(system: ChainSystem, values: Sequence[float], N: int) -> Spectral:
    """Diagonalise every populated sector at one parameter point (in real bases when the
    chain has them: :mod:`qb_symbolic.numeric.sectors.chain_real`)."""
    weights = [complex(f(*values)) for f in system.coefficients]
    if system.real is not None:
        h = float(system.site_energy(*values))
        h0_weights = [complex(f(*values)) for f in system.energy_coefficients]
        return real_spectral(system.real, weights, h0_weights, -N * h, 2 * N * h)
    eigen, hamiltonians = [], []
    for k, c0 in enumerate(system.sectors.components):
        H = sum(w * system.hamiltonian[g][k] for g, w in enumerate(weights))
        E, V = np.linalg.eigh((H + H.conj().T) / 2)
        eigen.append((E, V, V.conj().T @ c0))
        hamiltonians.append(H)
    h0_weights = [complex(f(*values)) for f in system.energy_coefficients]
    blocks, rate = {}, 0.0
    for (a, b) in system.energy_blocks[0] if system.energy_blocks else ():
        parts = [(group[(a, b)], w) for w, group in zip(h0_weights, system.energy_blocks)]
        rows = np.concatenate([p[0] for p, _ in parts])
        if len(rows):  # H0's blocks stay sparse: about one entry per row
            cols = np.concatenate([p[1] for p, _ in parts])
            vals = np.concatenate([w * p[2] for p, w in parts])
            blocks[(a, b)] = (rows, cols, vals)
        ca, cb = system.sectors.components[a], system.sectors.components[b]
        if (a, b) in blocks:
            r, c, x = blocks[(a, b)]
            rate += 2 * float(np.imag(np.sum(np.conj(ca[r]) * x * (hamiltonians[b] @ cb)[c])))
    h = float(system.site_energy(*values))
    return Spectral(tuple(eigen), blocks, rate, -N * h, 2 * N * h)


#: The series is taken while its number of terms is at most this times the largest
#: sector's dimension: ``K`` matrix-vector products then cost less than one ``eigh``
#: (measured on rings, benchmarks/chains.py: N = 12, 192 + 160, K = 201: 9 ms vs 18 ms).
SERIES_PER_DIMENSION = 1.5
#: Below this largest sector dimension ``eigh`` takes under ~2 ms: the series is not tried
#: (its spectrum bounds alone would cost as much).
SERIES_MIN_DIMENSION = 128
#: From this largest sector dimension on, the sectors are applied sparse
#: (:mod:`qb_symbolic.numeric.sectors.chain_sparse`) rather than as dense matrices (measured: ring
#: N = 14, 623 + 559: 40 ms vs 66 ms; open N = 9, 256 + 256: 16 ms vs 15 ms), while
#: ``K <= SPARSE_PER_DIMENSION d`` (sparse products cost about ``d^2 / 2.5`` of ``eigh``'s
#: ``d^3`` per term) or, beyond dense reach, always.
SPARSE_FROM = 400
SPARSE_PER_DIMENSION = 2.5
#: The sparse sectors are built up to this many cells and this sector dimension; beyond,
#: the Krylov path on the 2^N basis. Measured (benchmarks/chains.py setting): ring N = 18
#: (sectors ~7300) 23 s cold, 1.1 s warm, 0.85 GB, against Krylov's 49 s; ring N = 20
#: (~26000) 141 s cold but 3.4 GB while building; open N = 16 (~32000) 11.8 s warm,
#: slower than Krylov's 6.2 s.
SPARSE_SITES = 18
SPARSE_MAX_DIM = 1 << 14


def series_spectrum(battery: Battery, values: Sequence[float],
                    end: float) -> SeriesPoint | None:
    """One parameter point as a Chebyshev series for times in ``[0, end]``
    (:mod:`qb_symbolic.numeric.sectors.chebyshev`), on real sector bases where the chain has them,
    else on complex ones (:mod:`qb_symbolic.numeric.sectors.chain_hermitian`), where the series
    is the cheaper way; else None."""
    if battery.N > SPARSE_SITES:
        return None
    dense = not uses_krylov(battery)
    dimension = max(s.dim for s in populated_sectors(battery).sectors)
    if not SERIES_MIN_DIMENSION <= dimension <= SPARSE_MAX_DIM:
        return None
    if dimension >= SPARSE_FROM or not dense:
        sparse = sparse_real_system(battery) or sparse_complex_system(battery)
        largest = int(SPARSE_PER_DIMENSION * dimension) if dense else None
        return sparse.series(values, battery.N, end, largest)
    system = chain_system(battery)
    largest = int(SERIES_PER_DIMENSION * dimension)
    if system.real is None:
        return dense_hermitian_series(system, values, battery.N, end, largest)
    weights = [complex(f(*values)) for f in system.coefficients]
    h0_weights = [complex(f(*values)) for f in system.energy_coefficients]
    h = float(system.site_energy(*values))
    N = battery.N
    return series_point(system.real, weights, h0_weights, -N * h, 2 * N * h, end, largest)


#: What one parameter point of a chain gives: ``SeriesPoint``, ``Spectral`` (dense) or
#: ``KrylovPoint``.
PointSpectrum = Any


def point_spectrum(battery: Battery, values: Sequence[float], end: float,
                   state_times: np.ndarray | None = None, on_states=None) -> PointSpectrum:
    """One parameter point: the Chebyshev series (``SeriesPoint``) where it applies and no
    states are asked for, else dense (``Spectral``) or Krylov (``KrylovPoint``) as the
    chain's size decides; ``end`` is the last time asked for (the series and the Krylov
    path stop there).
    ``on_states(indices, psi)`` receives ``psi`` on the 2^N basis at ``state_times``."""
    if state_times is None:
        series = series_spectrum(battery, values, end)
        if series is not None:
            return series
    if uses_krylov(battery):
        return krylov_point(krylov_system(battery), values, end, state_times, on_states)
    system = chain_system(battery)
    found = spectral(system, values, battery.N)
    if state_times is not None:
        on_states(np.arange(len(state_times)), full_state(system, found, state_times, battery.N))
    return found


def _point(battery: Battery, values: Sequence[float], t: np.ndarray,
           quantities: Sequence[str] = ()) -> dict:
    """Energy, ergotropy, power (and per cell) at one parameter point, all times; the
    local quantities (:mod:`qb_symbolic.numeric.sectors.chain_local`) when asked for."""
    N = battery.N
    local = [q for q in quantities if q not in CHAIN_QUANTITIES[:5]]
    extra: dict[str, np.ndarray] = {}
    on_states = None
    if local:
        field = np.array([float(x) for x in site_field_function(battery)(*values)])
        extra = {q: np.empty(len(t)) for q in local}

        def on_states(indices: np.ndarray, psi: np.ndarray) -> None:
            for q, v in local_quantities(psi, field, N, local).items():
                extra[q][indices] = v

    found = point_spectrum(battery, values, float(np.max(t)), t if local else None, on_states)
    energy = found.energy(t)
    zeta = np.clip(energy - found.low, 0, found.capacity)
    inv_t = np.where(t > 0, 1 / np.where(t > 0, t, 1), 0.0)
    power = np.where(t > 0, (zeta - zeta[0]) * inv_t, found.rate0)  # t[0] = 0 (evaluate_chain)
    return {"energy": energy, "ergotropy": zeta, "power": power,
            "ergotropy_per_cell": zeta / N, "power_per_cell": power / N, **extra}


def evaluate_chain(battery: Battery, quantities: Sequence[str], t: Any,
                   values: dict[str, Any]) -> dict[str, np.ndarray]:
    """The quantities on the broadcast of ``t`` and the parameter arrays (one
    diagonalisation per distinct parameter point)."""
    unknown = [q for q in quantities if not _known(q, battery.N)]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not available for a chain yet; available: "
                         f"{', '.join(CHAIN_QUANTITIES)}, local_ergotropy_1..{battery.N}")
    resolved = battery.values_for(values)
    arrays = [real_array(n, resolved[n]) for n in battery.names]
    times = real_array("t", t)
    if np.any(times < 0):
        raise ValueError("times must be >= 0")
    shape = np.broadcast_shapes(times.shape, *(a.shape for a in arrays))
    flat_t = np.broadcast_to(times, shape).reshape(-1)
    stacked = np.stack([np.broadcast_to(a, shape).reshape(-1) for a in arrays] or
                       [np.zeros(flat_t.size)], axis=1)
    if all(a.size == 1 for a in arrays):  # one parameter point (a curve): nothing to sort
        points, which = stacked[:1], np.zeros(flat_t.size, int)
    else:
        points, which = np.unique(stacked, axis=0, return_inverse=True)
    out = {q: np.empty(flat_t.size) for q in quantities}
    for k, point in enumerate(points):
        here = np.flatnonzero(which.reshape(-1) == k)
        found = _point(battery, list(point[:len(arrays)]), np.concatenate([[0.0], flat_t[here]]),
                       quantities)
        for q in quantities:
            out[q][here] = found[q][1:]
    return {q: v.reshape(shape) for q, v in out.items()}
