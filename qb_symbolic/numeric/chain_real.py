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

from ..symbolic.chain_sectors import permutation
from .stages import uniform_step

#: Largest imaginary part (relative to the matrix's largest entry) accepted as rounding
#: when the real bases are checked.
REAL_TOLERANCE = 1e-12


@dataclass(frozen=True)
class RealSystem:
    """A chain system in real sector bases: ``even[k]``/``odd[k]`` (real, ``d x d_e`` and
    ``d x d_o``) give ``W_k = [even | i odd]``; matrices per [group][sector], H0 blocks
    per [group][(a, b)] (dense), components per sector, all real."""

    even: tuple[np.ndarray, ...]
    odd: tuple[np.ndarray, ...]
    hamiltonian: tuple[tuple[np.ndarray, ...], ...]
    energy_blocks: tuple[dict[tuple[int, int], np.ndarray], ...]
    components: tuple[np.ndarray, ...]


def _split_basis(Q: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Columns of the even and odd parts for a signed permutation ``Q`` with ``Q^2 = 1``."""
    d = Q.shape[0]
    image = np.argmax(np.abs(Q), axis=0)
    sign = Q[image, np.arange(d)]
    if not (np.allclose(np.abs(sign), 1) and np.array_equal(image[image], np.arange(d))):
        return None
    even, odd = [], []
    for o in range(d):
        p = image[o]
        if p < o:
            continue
        column = np.zeros(d)
        if p == o:
            column[o] = 1.0
            (even if sign[o] > 0 else odd).append(column)
            continue
        column[o], column[p] = 1 / np.sqrt(2), sign[o] / np.sqrt(2)
        even.append(column)
        other = column.copy()
        other[p] = -other[p]
        odd.append(other)
    stack = lambda cols: np.stack(cols, axis=1) if cols else np.zeros((d, 0))
    return stack(even), stack(odd)


def _signed_permutation(sector, lookup, perm: np.ndarray) -> np.ndarray | None:
    """``U`` on a sector's orbit basis (dense), or None when ``U`` leaves the sector."""
    column, value = lookup
    target = perm[sector.states]
    if np.any(column[target] < 0):
        return None
    Q = np.zeros((sector.dim, sector.dim))
    np.add.at(Q, (column[target], sector.columns), sector.values * value[target])
    return Q


def _real(matrix: np.ndarray) -> np.ndarray | None:
    scale = max(1.0, float(np.max(np.abs(matrix), initial=0.0)))
    if np.max(np.abs(matrix.imag), initial=0.0) > REAL_TOLERANCE * scale:
        return None
    return np.ascontiguousarray(matrix.real)


def realify(system, lookups: Sequence, conjugation: tuple[bool, bool], N: int) -> RealSystem | None:
    """The real form of ``system`` (a :class:`~qb_symbolic.numeric.chain_numeric.ChainSystem`)
    under ``A = U K``, ``U`` = ``(reflect, flip)``; None where a check fails."""
    perm = permutation(N, conjugation[0], conjugation[1], 0)
    bases = []
    for sector, lookup in zip(system.sectors.sectors, lookups):
        Q = _signed_permutation(sector, lookup, perm)
        split = None if Q is None else _split_basis(Q)
        if split is None:
            return None
        bases.append(split)
    W = [np.concatenate([e, 1j * o], axis=1) for e, o in bases]
    hamiltonian = tuple(tuple(_real(w.conj().T @ m @ w) for m, w in zip(group, W))
                        for group in system.hamiltonian)
    blocks = []
    for group in system.energy_blocks:
        found = {}
        for (a, b), (rows, cols, vals) in group.items():
            dense = np.zeros((W[a].shape[0], W[b].shape[0]), complex)
            np.add.at(dense, (rows, cols), vals)
            found[(a, b)] = _real(W[a].conj().T @ dense @ W[b])
        blocks.append(found)
    # blocks H0 never fills (the flip maps sum sz_i to its negative: only cross blocks)
    empty = {k for k in blocks[0] if all(g[k] is not None and not np.any(g[k]) for g in blocks)}
    blocks = [{k: v for k, v in g.items() if k not in empty} for g in blocks]
    components = tuple(_real(w.conj().T @ c) for w, c in zip(W, system.sectors.components))
    pieces = [m for g in hamiltonian for m in g] + [m for g in blocks for m in g.values()]
    if any(x is None for x in pieces + list(components)):
        return None
    return RealSystem(tuple(e for e, _ in bases), tuple(o for _, o in bases), hamiltonian,
                      tuple(blocks), components)


def waves(E: np.ndarray, alpha: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``C + i S = alpha exp(i E t)`` (``(d, T)``, rows contiguous, so ``.view(float)`` is
    ``C`` and ``S`` interleaved: one real product serves both); on a
    uniform grid (after a leading ``t = 0``, as
    :func:`qb_symbolic.numeric.chain_numeric.evaluate_chain` sends) by the group property:
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
    complex (:class:`qb_symbolic.numeric.chain_numeric.Spectral`) and the real form;
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
    :class:`qb_symbolic.numeric.chain_numeric.Spectral`)."""

    real: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]  # (E, V, alpha) real
    bases: tuple[tuple[np.ndarray, np.ndarray], ...]  # (even, odd) per sector
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
        out = []
        for (E, V, alpha), (even, odd) in zip(self.real, self.bases):
            d_e = even.shape[1]
            full = even @ V[:d_e] + 1j * (odd @ V[d_e:])
            out.append((E, full, alpha.astype(complex)))
        return tuple(out)


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
    return RealSpectral(tuple(eigen), tuple(zip(real.even, real.odd)), products, low, capacity)
