"""Local quantities of a chain battery: each cell's reduced state and local ergotropy,
and the entanglement entropy of the half chain.

The sector states are scattered back onto the 2^N basis (``psi_s(t)``, site 1 the most
significant bit, bit 0 = up). Cell i's reduced state has ``rho_uu = sum |psi(u, rest)|^2``
and ``rho_ud = sum psi(u, rest) psi(d, rest)^*``, Bloch vector ``r = (2 Re rho_ud,
-2 Im rho_ud, 2 rho_uu - 1)``; with H0's site term ``h . sigma`` its local ergotropy is
``h . r + |h| |r|`` (docs/conventions.md: ``omega (r_z + |r|)`` for ``omega sz``). The half-chain
entropy is ``-sum_k s_k^2 log2 s_k^2`` over the singular values of ``psi`` reshaped to
(first floor(N/2) sites) x (the rest), in bits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def full_state(system, found, t: np.ndarray, N: int) -> np.ndarray:
    """``psi(t)`` on the 2^N basis, shape ``(2^N, T)``."""
    psi = np.zeros((2**N, len(t)), complex)
    for sector, (E, V, alpha) in zip(system.sectors.sectors, found.eigen):
        inner = V @ (np.exp(-1j * np.outer(E, t)) * alpha[:, None])
        np.add.at(psi, sector.states, sector.values[:, None] * inner[sector.columns])
    return psi


def local_ergotropy(psi: np.ndarray, site: int, N: int, field: np.ndarray) -> np.ndarray:
    """Ergotropy of cell ``site`` (0-based) for its H0 term ``field . sigma``."""
    shaped = psi.reshape(2**site, 2, 2 ** (N - site - 1), -1)
    up, down = shaped[:, 0], shaped[:, 1]
    p_up = np.sum(np.abs(up) ** 2, axis=(0, 1))
    coherence = np.sum(up * down.conj(), axis=(0, 1))
    r = np.stack([2 * coherence.real, -2 * coherence.imag, 2 * p_up - 1])
    return field @ r + np.linalg.norm(field) * np.linalg.norm(r, axis=0)


def half_chain_entropy(psi: np.ndarray, N: int) -> np.ndarray:
    """Entanglement entropy (bits) between the first floor(N/2) sites and the rest."""
    left = 2 ** (N // 2)
    matrices = np.moveaxis(psi, -1, 0).reshape(psi.shape[-1], left, -1)
    weights = np.linalg.svd(matrices, compute_uv=False) ** 2
    logs = np.log2(np.where(weights > 1e-300, weights, 1.0))
    return np.maximum(-np.sum(weights * logs, axis=1), 0.0)


def local_quantities(psi: np.ndarray, field: np.ndarray, N: int,
                     quantities: Sequence[str]) -> dict[str, np.ndarray]:
    """The asked local quantities of the states ``psi`` (``(2^N, T)``), H0's site term
    ``field . sigma``."""
    out = {}
    for q in quantities:
        if q == "half_chain_entropy":
            out[q] = half_chain_entropy(psi, N)
        elif q == "local_ergotropy_mean":
            out[q] = sum(local_ergotropy(psi, i, N, field) for i in range(N)) / N
        else:
            out[q] = local_ergotropy(psi, int(q.rsplit("_", 1)[1]) - 1, N, field)
    return out
