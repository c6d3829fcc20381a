"""The 4x4 spectra of :mod:`qb_symbolic.numeric.open.state_spectra` against LAPACK and
numpy's own determinant, inverse and ``poly``: the quartic's coefficients, the adjugate, and
the certified extreme eigenvalues on the states where the quartic's roots are worst
conditioned (pure, nearly pure, degenerate bottoms)."""

from __future__ import annotations

import numpy as np
import pytest

from qb_symbolic.numeric.open.lindblad import ergotropy
from qb_symbolic.numeric.open.liouvillian_blocks import to_coordinates
from qb_symbolic.numeric.open.state_spectra import (
    adjugate,
    characteristic,
    extreme_eigenvalues,
)

SEED = 20261207
#: Float agreement of coefficients and adjugates built from entries of size <= 1 (products
#: of up to four of them, ~30 terms): a few ulps each.
ROUNDING = 1e-14
#: What a certified eigenvalue is held to against LAPACK (certificate 1e-11 of the scale;
#: the true errors are ~1e-15, so this fails on any real mistake).
CERTIFIED = 1e-12


def _states(g: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    n = weights.shape[0]
    U = np.linalg.qr(g.normal(size=(n, 4, 4)) + 1j * g.normal(size=(n, 4, 4)))[0]
    w = weights / weights.sum(axis=1, keepdims=True)
    return np.einsum("nij,nj,nkj->nik", U, w, U.conj())


def _hermitian(g: np.random.Generator, n: int) -> np.ndarray:
    A = g.normal(size=(n, 4, 4)) + 1j * g.normal(size=(n, 4, 4))
    return (A + A.conj().transpose(0, 2, 1)) / 4


def test_characteristic_is_numpys_poly():
    """``det(y - B) = y^4 + e2 y^2 - e3 y + e4`` for ``B = M - Tr M/4``: numpy's ``poly`` of
    the eigenvalues (LAPACK) gives ``[1, 0, e2, -e3, e4]``."""
    M = _hermitian(np.random.default_rng(SEED), 500)
    q, e2, e3, e4 = characteristic(to_coordinates(M).T)
    assert np.allclose(q, np.trace(M, axis1=1, axis2=2).real / 4, atol=ROUNDING)
    B = M - q[:, None, None] * np.eye(4)
    reference = np.array([np.poly(np.linalg.eigvalsh(b)) for b in B])
    assert np.max(np.abs(reference[:, 1])) < ROUNDING
    found = np.stack([e2, -e3, e4], axis=1)
    assert np.max(np.abs(found - reference[:, 2:])) < 10 * ROUNDING


def test_adjugate_is_det_times_inverse():
    g = np.random.default_rng(SEED + 1)
    M = _hermitian(g, 500)
    shift = g.normal(size=500)
    B = M - shift[:, None, None] * np.eye(4)
    reference = np.linalg.det(B)[:, None, None] * np.linalg.inv(B)
    found = adjugate(to_coordinates(M).T, shift)
    assert np.max(np.abs(found - to_coordinates(reference).T)) < 10 * ROUNDING


@pytest.mark.parametrize("kind", ["random", "pure", "nearly pure", "degenerate bottom",
                                  "maximally mixed"])
def test_certified_extremes_against_lapack(kind):
    """Every certified value agrees with LAPACK to :data:`CERTIFIED`, and the ergotropy
    (LAPACK where a value is not certified) with the definition. Pure and maximally mixed
    states are certified throughout; random and nearly pure ones (small eigenvalues spread
    over eight decades: the deflation's case) mostly (measured 0.85 each); an exactly
    double bottom never (a double root has no simple-root bound)."""
    g = np.random.default_rng(SEED + 2)
    n = 3000
    weights = {"random": g.uniform(size=(n, 4)) ** g.choice([1, 4, 12], size=(n, 1)),
               "pure": np.tile([1.0, 0, 0, 0], (n, 1)),
               "nearly pure": np.concatenate([np.ones((n, 1)),
                                              10.0 ** g.uniform(-9, -1, size=(n, 3))], axis=1),
               "degenerate bottom": np.tile([0.6, 0.3, 0.05, 0.05], (n, 1)),
               "maximally mixed": np.ones((n, 4))}[kind]
    rho = _states(g, weights)
    top, bottom, ok = extreme_eigenvalues(to_coordinates(rho).T)
    r = np.linalg.eigvalsh(rho)
    assert np.max(np.abs(top - r[:, -1])[ok], initial=0) <= CERTIFIED
    assert np.max(np.abs(bottom - r[:, 0])[ok], initial=0) <= CERTIFIED
    least = {"random": 0.8, "nearly pure": 0.8, "degenerate bottom": 0.0}.get(kind, 0.99)
    assert ok.mean() >= least
    H0 = np.diag([2.0, 0.0, 0.0, -2.0])  # omega0 (sz1 + sz2), omega0 = 1
    passive = r[:, ::-1] @ np.array([-2.0, 0.0, 0.0, 2.0])
    reference = np.einsum("nij,ji->n", rho, H0).real - passive
    assert np.max(np.abs(ergotropy(rho, H0) - reference)) <= CERTIFIED


def test_empty_input():
    top, bottom, ok = extreme_eigenvalues(np.zeros((16, 0)))
    assert top.shape == bottom.shape == ok.shape == (0,)
