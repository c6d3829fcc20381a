"""Correlation and coherence measures of two-qubit density matrices, batched in numpy.

Each function takes ``rho`` of shape ``(N, 4, 4)`` (basis ``|uu>, |ud>, |du>, |dd>``,
cell 1 the left factor) and returns ``(N,)``. Definitions (as for pure states in
:mod:`qb_symbolic.symbolic.quantities`, which they reduce to):

* ``coherence``: the paper's first-order coherence ``sqrt((|r_1|^2 + |r_2|^2)/2)`` with
  ``r_k`` the Bloch vector of cell ``k`` (``|r_k|^2 = 2 Tr rho_k^2 - 1``; Zhang, Song and
  Wang, arXiv:2406.16047, Eqs. 11-12);
* ``steering``: ``F3_max = sqrt(Tr T^T T)``, ``T_ij = Tr(rho sigma_i (x) sigma_j)``
  (Costa and Angelo, PRA 93, 020103 (2016)); ``steerability``
  ``max(0, (F3_max - 1)/(sqrt 3 - 1))``;
* ``l1_coherence``: ``sum_{i != j} |rho_ij|`` in the computational basis (Baumgratz,
  Cramer and Plenio, PRL 113, 140401 (2014));
* ``concurrence``: Wootters' ``max(0, l_1 - l_2 - l_3 - l_4)`` (PRL 80, 2245 (1998)), the
  ``l_k`` the singular values of ``sqrt(rho) (sy (x) sy) conj(sqrt(rho))``, i.e. the square
  roots of the eigenvalues of ``rho (sy sy) rho* (sy sy)``, in decreasing order. A
  certified numeric path (``eigh`` for the square root, then ``svd``), not a closed form:
  the general 4x4 case has none in radicals that would be stabler;
* ``incoherent_ergotropy``: the ergotropy of ``rho`` dephased onto the eigenspaces of H0
  (projectors, so degenerate levels keep their internal coherence): the definition
  through the dephased state, one of those discussed by Francica et al., PRL 125, 180603
  (2020), who also give others; ``coherent_ergotropy`` is the rest. Dephasing keeps
  ``Tr(rho H0)``, so only the passive energy of the dephased state is needed;
* ``local_ergotropy_k``: the ergotropy of cell ``k``'s reduced state for its part ``h_k``
  of a local ``H0 = h_1 (x) 1 + 1 (x) h_2`` (``omega (r_z + |r|)`` for ``h = omega sz``);
  the non-local part is the ergotropy minus their sum.
"""

from __future__ import annotations

import numpy as np

_SX = np.array([[0, 1], [1, 0]], complex)
_SY = np.array([[0, -1j], [1j, 0]])
_SZ = np.diag([1.0, -1.0]).astype(complex)
_ONE = np.eye(2)
_PAULIS = (_SX, _SY, _SZ)
#: sigma_y (x) sigma_y: the spin flip of Wootters' concurrence.
SPIN_FLIP = np.kron(_SY, _SY)
#: Two levels of H0 closer than this (relative to its spread) form one eigenspace.
DEGENERATE_LEVELS = 1e-10


def _expectation(rho: np.ndarray, operator: np.ndarray) -> np.ndarray:
    return np.real(np.einsum("nij,ji->n", rho, operator))


def bloch_vectors(rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bloch vectors of the two cells, each ``(N, 3)``."""
    first = np.stack([_expectation(rho, np.kron(s, _ONE)) for s in _PAULIS], axis=-1)
    second = np.stack([_expectation(rho, np.kron(_ONE, s)) for s in _PAULIS], axis=-1)
    return first, second


def coherence(rho: np.ndarray) -> np.ndarray:
    r1, r2 = bloch_vectors(rho)
    return np.sqrt(np.clip((np.sum(r1**2, -1) + np.sum(r2**2, -1)) / 2, 0, 1))


def steering(rho: np.ndarray) -> np.ndarray:
    total = sum(_expectation(rho, np.kron(a, b)) ** 2 for a in _PAULIS for b in _PAULIS)
    return np.clip(np.sqrt(total), 0, np.sqrt(3))


def steerability(rho: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, (steering(rho) - 1) / (np.sqrt(3) - 1))


def l1_coherence(rho: np.ndarray) -> np.ndarray:
    off = np.abs(rho)
    return np.sum(off, axis=(-2, -1)) - np.sum(np.abs(np.diagonal(rho, axis1=-2, axis2=-1)), -1)


def _sqrtm(rho: np.ndarray) -> np.ndarray:
    w, V = np.linalg.eigh(rho)
    return (V * np.sqrt(np.clip(w, 0, None))[..., None, :]) @ np.conj(np.swapaxes(V, -1, -2))


def concurrence(rho: np.ndarray) -> np.ndarray:
    root = _sqrtm(rho)
    values = np.linalg.svd(root @ SPIN_FLIP @ np.conj(root), compute_uv=False)
    return np.clip(values[..., 0] - values[..., 1] - values[..., 2] - values[..., 3], 0, 1)


def incoherent_ergotropy(rho: np.ndarray, h0: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Ergotropy of ``rho`` dephased onto the eigenspaces of ``h0`` (both ``(N, 4, 4)``);
    ``energy = Tr(rho h0)``, which dephasing keeps."""
    e, W = np.linalg.eigh(h0)
    in_basis = np.conj(np.swapaxes(W, -1, -2)) @ rho @ W
    spread = np.maximum(e[:, -1] - e[:, 0], np.finfo(float).tiny)
    same = np.abs(e[:, :, None] - e[:, None, :]) <= DEGENERATE_LEVELS * spread[:, None, None]
    dephased = np.where(same, in_basis, 0)
    p = np.linalg.eigvalsh(dephased)  # ascending
    passive = np.sum(p[..., ::-1] * e, axis=-1)
    return np.maximum(energy - passive, 0.0)


def local_hamiltonians(h0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(h_1, h_2)`` (each ``(N, 2, 2)``) with ``H0 = h_1 (x) 1 + 1 (x) h_2``, the identity
    part split evenly; ValueError if H0 couples the cells (then no local ergotropy)."""
    blocks = h0.reshape(-1, 2, 2, 2, 2)
    h1 = np.einsum("nikjk->nij", blocks) / 2
    h2 = np.einsum("nkikj->nij", blocks) / 2
    shift = np.einsum("nii->n", h1)[:, None, None] * np.eye(2) / 4
    h1, h2 = h1 - shift, h2 - shift
    rebuilt = np.einsum("nij,kl->nikjl", h1, np.eye(2)) + np.einsum("kl,nij->nkilj", np.eye(2), h2)
    if np.max(np.abs(rebuilt.reshape(-1, 4, 4) - h0), initial=0.0) > 1e-12 * max(
            1.0, float(np.max(np.abs(h0), initial=0.0))):
        raise ValueError("local ergotropy needs a local H0 = h1 (x) 1 + 1 (x) h2; this H0 "
                         "couples the cells")
    return h1, h2


def local_ergotropy(rho: np.ndarray, h0: np.ndarray, cell: int) -> np.ndarray:
    """Ergotropy of cell ``cell``'s reduced state for its part ``h_cell`` of a local H0
    (for a qubit with ``h = omega sz``: ``omega (r_z + |r|)``)."""
    parts = local_hamiltonians(h0)
    four = rho.reshape(-1, 2, 2, 2, 2)
    reduced = np.einsum("nikjk->nij", four) if cell == 1 else np.einsum("nkikj->nij", four)
    h = parts[cell - 1]
    energy = np.real(np.einsum("nij,nji->n", reduced, h))
    r = np.linalg.eigvalsh(reduced)
    e = np.linalg.eigvalsh(h)
    return np.maximum(energy - np.sum(r[..., ::-1] * e, axis=-1), 0.0)
