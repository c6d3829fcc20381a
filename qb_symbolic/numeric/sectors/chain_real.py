"""Real sector bases for chains with an antiunitary symmetry: real ``eigh``, real products.

When ``A = U K`` (``U`` a reflection and/or flip, ``K`` complex conjugation in the
computational basis) commutes with H and H0 identically and fixes the initial basis state
(:func:`qb_symbolic.symbolic.chain_sectors.conjugation_symmetry`; for the paper's bond
``U = R``: R and K each flip the sign of the DM term), every sector has a basis of
``A``-invariant vectors. ``U`` acts on a sector's orbit basis as a signed permutation
``Q`` (``U^2 = 1``), and the columns

    ``(e_O + s e_O') / sqrt 2`` and ``i (e_O - s e_O') / sqrt 2`` (``Q e_O = s e_O'``),
    ``e_O`` or ``i e_O`` where ``O' = O``,

are fixed by ``A``. In that basis ``W`` the sector Hamiltonians, H0's blocks and the
initial components are real (checked to rounding when the system is built; a chain where
the check fails keeps the complex path). Then per parameter point one real ``eigh`` per
sector (about twice as fast as the complex one) and, with ``u_a = exp(-i E_a t) alpha_a
= C_a - i S_a`` and ``M_ab = V_a^T G_ab V_b`` (``G_ab = W_a^dag H0_ab W_b``),

    ``<H0>(t) = sum_ab C_a^T M_ab C_b + S_a^T M_ab S_b``,

two real products per block instead of complex ones (a quarter of the flops). ``A``
also makes ``<H0>(t)`` even in t, so its rate at t = 0 vanishes exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...symbolic.chain_sectors import permutation
from ..closed_form.stages import uniform_step
from .chebyshev import (
    DenseOperator,
    SeriesCurve,
    chebyshev_vectors,
    gershgorin,
    parity_blocks,
    series_order,
    spectrum_bounds,
)

#: Largest imaginary part (relative to the matrix's largest entry) accepted as rounding
#: when the real bases are checked.
REAL_TOLERANCE = 1e-12


@dataclass(frozen=True)
class SectorBasis:
    """``W = [even | i odd]`` of one sector, column ``j`` being
    ``phase_j (w1_j e_{i1_j} + w2_j e_{i2_j})`` (at most two orbits per column, so every
    product with ``W`` costs ``O(d^2)``, not ``O(d^3)``)."""

    i1: np.ndarray
    i2: np.ndarray
    w1: np.ndarray  # phase included (1 for even columns, i for odd ones)
    w2: np.ndarray
    even: int  # number of even columns (they come first)

    def sandwich(self, M: np.ndarray, right: SectorBasis) -> np.ndarray:
        """``W_self^dag M W_right``."""
        MW = M[:, right.i1] * right.w1 + M[:, right.i2] * right.w2
        return np.conj(self.w1)[:, None] * MW[self.i1] + np.conj(self.w2)[:, None] * MW[self.i2]

    def project(self, c: np.ndarray) -> np.ndarray:
        """``W^dag c``."""
        return np.conj(self.w1) * c[self.i1] + np.conj(self.w2) * c[self.i2]

    def apply(self, V: np.ndarray) -> np.ndarray:
        """``W V`` (complex)."""
        out = np.zeros((len(self.i1),) + V.shape[1:], complex)
        np.add.at(out, self.i1, self.w1.reshape((-1,) + (1,) * (V.ndim - 1)) * V)
        np.add.at(out, self.i2, self.w2.reshape((-1,) + (1,) * (V.ndim - 1)) * V)
        return out

    def dense(self) -> np.ndarray:
        """``W`` as a dense matrix (for checks)."""
        return self.apply(np.eye(len(self.i1)))


@dataclass(frozen=True)
class RealSystem:
    """A chain system in real sector bases (:class:`SectorBasis` per sector): matrices per
    [group][sector], H0 blocks per [group][(a, b)] (dense), components per sector, all
    real."""

    bases: tuple[SectorBasis, ...]
    hamiltonian: tuple[tuple[np.ndarray, ...], ...]
    energy_blocks: tuple[dict[tuple[int, int], np.ndarray], ...]
    components: tuple[np.ndarray, ...]


def _split_basis(image: np.ndarray, sign: np.ndarray) -> SectorBasis | None:
    """The even and odd columns for the signed permutation ``e_o -> sign_o e_image(o)``
    (an involution)."""
    d = len(image)
    if not (np.allclose(np.abs(sign), 1) and np.array_equal(image[image], np.arange(d))):
        return None
    o = np.arange(d)
    single, pair = o[image == o], o[image > o]
    half = np.sqrt(0.5)
    even_single, odd_single = single[sign[single] > 0], single[sign[single] < 0]
    i1 = np.concatenate([even_single, pair, odd_single, pair])
    i2 = np.concatenate([even_single, image[pair], odd_single, image[pair]])
    w1 = np.concatenate([np.ones(len(even_single)), np.full(len(pair), half),
                         1j * np.ones(len(odd_single)), 1j * np.full(len(pair), half)])
    w2 = np.concatenate([np.zeros(len(even_single)), sign[pair] * half,
                         np.zeros(len(odd_single)), -1j * sign[pair] * half])
    return SectorBasis(i1, i2, w1.astype(complex), w2.astype(complex),
                       len(even_single) + len(pair))


def _signed_permutation(sector, lookup, perm: np.ndarray):
    """``U`` on a sector's orbit basis as ``(image, sign)`` (``U e_c = sign_c e_image(c)``),
    or None when ``U`` leaves the sector or is not a signed permutation there."""
    column, value = lookup
    target = perm[sector.states]
    if np.any(column[target] < 0):
        return None
    d = sector.dim
    keys = sector.columns.astype(np.int64) * d + column[target]
    unique, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=sector.values * value[target])
    keep = np.abs(sums) > 1e-12  # what cancels between an orbit's states is rounding
    unique, sums = unique[keep], sums[keep]
    columns, images = unique // d, unique % d
    if len(columns) != d or np.any(np.bincount(columns, minlength=d) != 1):
        return None
    image, sign = np.empty(d, int), np.empty(d)
    image[columns], sign[columns] = images, sums
    return image, sign


def _real(matrix: np.ndarray) -> np.ndarray | None:
    scale = max(1.0, float(np.max(np.abs(matrix), initial=0.0)))
    if np.max(np.abs(matrix.imag), initial=0.0) > REAL_TOLERANCE * scale:
        return None
    return np.ascontiguousarray(matrix.real)


def real_bases(sectors: Sequence, lookups: Sequence, conjugation: tuple[bool, bool],
               N: int) -> list[SectorBasis] | None:
    """The :class:`SectorBasis` of every sector under ``A = U K``, ``U`` =
    ``(reflect, flip)``; None where ``U`` is not a signed involution on some sector."""
    perm = permutation(N, conjugation[0], conjugation[1], 0)
    bases = []
    for sector, lookup in zip(sectors, lookups):
        found = _signed_permutation(sector, lookup, perm)
        basis = None if found is None else _split_basis(*found)
        if basis is None:
            return None
        bases.append(basis)
    return bases


def realify(system, lookups: Sequence, conjugation: tuple[bool, bool], N: int) -> RealSystem | None:
    """The real form of ``system`` (a :class:`~qb_symbolic.numeric.sectors.chain_numeric.ChainSystem`)
    under ``A = U K``, ``U`` = ``(reflect, flip)``; None where a check fails."""
    bases = real_bases(system.sectors.sectors, lookups, conjugation, N)
    if bases is None:
        return None
    hamiltonian = tuple(tuple(_real(w.sandwich(m, w)) for m, w in zip(group, bases))
                        for group in system.hamiltonian)
    blocks = []
    for group in system.energy_blocks:
        found = {}
        for (a, b), (rows, cols, vals) in group.items():
            dense = np.zeros((len(bases[a].i1), len(bases[b].i1)), complex)
            np.add.at(dense, (rows, cols), vals)
            found[(a, b)] = _real(bases[a].sandwich(dense, bases[b]))
        blocks.append(found)
    # blocks H0 never fills (the flip maps sum sz_i to its negative: only cross blocks)
    empty = {k for k in blocks[0] if all(g[k] is not None and not np.any(g[k]) for g in blocks)}
    blocks = [{k: v for k, v in g.items() if k not in empty} for g in blocks]
    components = tuple(_real(w.project(c)) for w, c in zip(bases, system.sectors.components))
    pieces = [m for g in hamiltonian for m in g] + [m for g in blocks for m in g.values()]
    if any(x is None for x in pieces + list(components)):
        return None
    return RealSystem(tuple(bases), hamiltonian, tuple(blocks), components)


def waves(E: np.ndarray, alpha: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``C + i S = alpha exp(i E t)`` (``(d, T)``, rows contiguous, so ``.view(float)`` is
    ``C`` and ``S`` interleaved: one real product serves both); on a
    uniform grid (after a leading ``t = 0``, as
    :func:`qb_symbolic.numeric.sectors.chain_numeric.evaluate_chain` sends) by the group property:
    ``~2 sqrt(T)`` exponentials per energy and one complex product per entry instead of
    two transcendentals."""
    rest = t[1:]
    step = uniform_step(rest) if rest.size else None
    if step is None:
        return alpha[:, None] * np.exp(1j * np.outer(E, t))
    cols = 1 << max(0, (max(1, round(rest.size ** 0.5)) - 1).bit_length())
    rows = -(-rest.size // cols)
    coarse = alpha[:, None] * np.exp(1j * np.outer(E, rest[0] + step * cols * np.arange(rows)))
    fine = np.exp(1j * np.outer(E, step * np.arange(cols)))
    z = np.empty((len(E), 1 + rows * cols), complex)
    z[:, 0] = alpha * np.exp(1j * E * t[0])
    np.multiply(coarse[:, :, None], fine[:, None, :], out=z[:, 1:].reshape(len(E), rows, cols))
    return z[:, :t.size]


class SectorCurves:
    """What a diagonalised parameter point answers beyond ``energy(t)``, for both the
    complex (:class:`qb_symbolic.numeric.sectors.chain_numeric.Spectral`) and the real form;
    needs ``energy``, ``low``, ``capacity`` and ``levels`` (each sector's eigenvalues)."""

    def ergotropy(self, t: np.ndarray) -> np.ndarray:
        return np.clip(self.energy(t) - self.low, 0, self.capacity)

    @property
    def width(self) -> float:
        """Spread of the populated sectors' spectra: the fastest frequency of ``energy``."""
        return max((float(np.ptp(E)) for E in self.levels if len(E)), default=0.0)


@dataclass(frozen=True)
class RealSpectral(SectorCurves):
    """One parameter point in real sector bases (the interface of
    :class:`qb_symbolic.numeric.sectors.chain_numeric.Spectral`)."""

    real: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]  # (E, V, alpha) real
    bases: tuple[SectorBasis, ...]
    products: dict[tuple[int, int], np.ndarray]  # M_ab = V_a^T G_ab V_b, a <= b
    low: float
    capacity: float
    rate0: float = 0.0  # <H0>(t) is even in t (module docstring)

    def energy(self, t: np.ndarray) -> np.ndarray:
        cache = {}
        out = np.zeros(len(t))
        for (a, b), M in self.products.items():
            for k in (a, b):
                if k not in cache:
                    cache[k] = waves(self.real[k][0], self.real[k][2], t)
            weight = 1.0 if a == b else 2.0  # the (b, a) block is the transpose
            x, y = cache[a].view(float), cache[b].view(float)  # columns C_0, S_0, C_1, ...
            both = np.einsum("it,it->t", x, M @ y)
            out += weight * (both[0::2] + both[1::2])
        return out

    @property
    def levels(self) -> tuple[np.ndarray, ...]:
        return tuple(E for E, _, _ in self.real)

    @property
    def eigen(self) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
        """``(E, V, V^dag psi0)`` in the orbit bases, as :class:`Spectral` gives them."""
        return tuple((E, basis.apply(V), alpha.astype(complex))
                     for (E, V, alpha), basis in zip(self.real, self.bases))


def real_spectral(real: RealSystem, weights: Sequence[complex], h0_weights: Sequence[complex],
                  low: float, capacity: float) -> RealSpectral:
    """Diagonalise every populated sector in its real basis at one parameter point."""
    eigen = []
    for k, c0 in enumerate(real.components):
        H = sum(w.real * real.hamiltonian[g][k] for g, w in enumerate(weights))
        E, V = np.linalg.eigh((H + H.T) / 2)
        eigen.append((E, V, V.T @ c0))
    products = {}
    for (a, b) in real.energy_blocks[0] if real.energy_blocks else ():
        if a > b:
            continue
        G = sum(w.real * group[(a, b)] for w, group in zip(h0_weights, real.energy_blocks))
        products[(a, b)] = eigen[a][1].T @ G @ eigen[b][1]
    return RealSpectral(tuple(eigen), real.bases, products, low, capacity)


@dataclass(frozen=True)
class SeriesPoint:
    """One parameter point as a Chebyshev series over ``[0, end]``
    (:mod:`qb_symbolic.numeric.sectors.chebyshev`): the interface of :class:`RealSpectral` for
    energy curves, without eigenvectors (so no states for the local quantities)."""

    curve: SeriesCurve
    low: float
    capacity: float
    width: float  # of the spectrum's bounds: at least the fastest frequency of ``energy``
    rate0: float = 0.0  # 0 on real vectors (the curve is even); complex ones give it

    def energy(self, t: np.ndarray) -> np.ndarray:
        return self.curve.energy(t)

    def ergotropy(self, t: np.ndarray) -> np.ndarray:
        return np.clip(self.energy(t) - self.low, 0, self.capacity)


def series_from(operators: Sequence, components: Sequence[np.ndarray], coupling,
                low: float, capacity: float, end: float, largest: int,
                segments: Sequence[int] | None = None,
                hermitian: bool = False) -> SeriesPoint | None:
    """The Chebyshev series of sectors given as operators (the protocol of
    :class:`qb_symbolic.numeric.sectors.chebyshev.DenseOperator`) with start ``components``;
    ``coupling(phis)`` gives H0's ``(weight, parity blocks of Phi_a G_ab Phi_b^T)``
    (:func:`qb_symbolic.numeric.sectors.chebyshev.parity_blocks`) for real vectors, or with
    ``hermitian`` (complex sectors) ``(weight, Phi_a^* G_ab Phi_b^T)``. None when it needs
    more than ``largest`` terms or no bounds pass the norm check (per block of
    ``segments``, for one operator holding several sectors: :func:`chebyshev_vectors`)."""
    for bounds in (spectrum_bounds(operators), gershgorin(operators)):
        K = series_order((bounds[1] - bounds[0]) / 2 * end)
        if K > largest:
            return None
        phis = [chebyshev_vectors(op, c, *bounds, K, segments)
                for op, c in zip(operators, components)]
        if all(p is not None for p in phis):
            break
    else:
        return None
    width = bounds[1] - bounds[0]
    blocks = coupling(phis)
    if not hermitian:  # real vectors: <H0>(t) is even, its rate at t = 0 vanishes
        return SeriesPoint(SeriesCurve.parity(blocks, width / 2, end), low, capacity, width)
    return SeriesPoint(SeriesCurve.hermitian(blocks, width / 2, end), low, capacity, width,
                       _series_rate(blocks, width / 2))


def _series_rate(blocks: Sequence[tuple[float, np.ndarray]], a: float) -> float:
    """``d<H0>/dt`` at t = 0, ``2 Im <H0 c|H c>``, from the forms: ``H c = a phi_1 + b c``
    and ``Im <H0 c|c> = 0``, so it is ``2 a Im(c^dag H0 phi_1)``, whose part from a stored
    pair ``a < b`` (weight 2) is ``M^ab_01 + conj(M^ab_10)`` (``G_ba = G_ab^dag``)."""
    if not blocks or blocks[0][1].shape[0] < 2:
        return 0.0
    total = sum(w / 2 * (M[0, 1] + np.conj(M[1, 0])) for w, M in blocks)
    return float(2 * a * np.imag(total))


def series_point(real: RealSystem, weights: Sequence[complex], h0_weights: Sequence[complex],
                 low: float, capacity: float, end: float, largest: int) -> SeriesPoint | None:
    """The Chebyshev series of every populated (dense) sector at one parameter point, for
    times in ``[0, end]``; None when it would need more than ``largest`` terms
    (diagonalising is then cheaper) or no bounds pass the norm check."""
    H = [DenseOperator(sum(w.real * real.hamiltonian[g][k] for g, w in enumerate(weights)))
         for k in range(len(real.components))]

    def coupling(phis: list) -> list:
        blocks = []
        for (a, b) in real.energy_blocks[0] if real.energy_blocks else ():
            if a <= b:
                G = sum(w.real * group[(a, b)] for w, group in zip(h0_weights, real.energy_blocks))
                pair = parity_blocks(phis[a], phis[b], lambda A, B, G=G: A @ G @ B.T)
                blocks.append((1.0 if a == b else 2.0, pair))
        return blocks

    return series_from(H, real.components, coupling, low, capacity, end, largest)
