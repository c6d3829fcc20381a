"""An independent numpy reference for the claims and figure tests.

Built from the conventions only (no qb_symbolic import): the 4x4 Hamiltonian
from Pauli matrices, ``numpy.linalg.eigh``, psi(t) = V exp(-i E t) V^dag |dd>,
and the figures of merit from their definitions (docs/conventions.md): ergotropy
``<H0> + 2 omega0`` of the pure state, ``P = zeta/t``, first-order coherence from
the reduced states' purities (Eqs. 11-12), F3_max = sqrt(Tr T^T T).
"""

from __future__ import annotations

import numpy as np

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.diag([1.0, -1.0]).astype(complex)
I2 = np.eye(2, dtype=complex)
PAULI = (SX, SY, SZ)


def hamiltonian(Omega=1.0, J=1.0, gamma=0.0, Delta=0.0, D=0.0) -> np.ndarray:
    x1, x2 = np.kron(SX, I2), np.kron(I2, SX)
    y1, y2 = np.kron(SY, I2), np.kron(I2, SY)
    z1, z2 = np.kron(SZ, I2), np.kron(I2, SZ)
    return (Omega * (x1 + x2) + J * ((1 + gamma) * x1 @ x2 + (1 - gamma) * y1 @ y2 + Delta * z1 @ z2)
            + D * (x1 @ y2 - y1 @ x2))


def states(t: np.ndarray, **params) -> np.ndarray:
    """psi(t) for every t: shape (len(t), 4)."""
    E, V = np.linalg.eigh(hamiltonian(**params))
    start = V.conj().T @ np.array([0, 0, 0, 1], dtype=complex)
    return (np.exp(-1j * np.outer(t, E)) * start) @ V.T


def ergotropy(t: np.ndarray, omega0: float = 1.0, **params) -> np.ndarray:
    psi = states(t, **params)
    H0 = omega0 * np.diag([2.0, 0.0, 0.0, -2.0])
    return np.real(np.einsum("ti,ij,tj->t", psi.conj(), H0, psi)) + 2 * omega0


def power(t: np.ndarray, **params) -> np.ndarray:
    zeta = ergotropy(t, **params)
    return np.divide(zeta, t, out=np.zeros_like(zeta), where=t > 0)


def _reduced(psi: np.ndarray, cell: int) -> np.ndarray:
    m = psi.reshape(-1, 2, 2)
    return np.einsum("tij,tkj->tik", m, m.conj()) if cell == 1 else np.einsum("tji,tjk->tik", m, m.conj())


def coherence(t: np.ndarray, **params) -> np.ndarray:
    psi = states(t, **params)
    q2 = [2 * np.real(np.einsum("tij,tji->t", r, r)) - 1 for r in (_reduced(psi, 1), _reduced(psi, 2))]
    return np.sqrt(np.clip((q2[0] + q2[1]) / 2, 0, None))


def steering(t: np.ndarray, **params) -> np.ndarray:
    psi = states(t, **params)
    T = np.array([[np.real(np.einsum("ti,ij,tj->t", psi.conj(), np.kron(a, b), psi)) for b in PAULI]
                  for a in PAULI])
    return np.sqrt(np.einsum("ijt,ijt->t", T, T))
