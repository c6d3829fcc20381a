"""Chebyshev series of exp(-iHt) (numeric/chebyshev.py): Bessel functions and the truncation
against mpmath, the energy of a small two-sector system against a 30-digit mpmath expm, the
bound check (too narrow bounds are caught, the chain falls back to Gershgorin's), and chain
curves taking the series against a brute-force 2^N diagonalisation (tests/test_chains.py)."""

from __future__ import annotations

import random
from itertools import pairwise

import mpmath
import numpy as np
import pytest
from conftest import SEED
from test_chains import _ergotropy, _random_values

import qb_symbolic as qb
from qb_symbolic.numeric.sectors import chain_real, chebyshev
from qb_symbolic.numeric.sectors.chain_numeric import chain_system, series_spectrum
from qb_symbolic.numeric.sectors.chain_real import SeriesPoint

#: J_k(x) = O(1): the backward recurrence and its normalisation lose a few ulps.
BESSEL_TOLERANCE = 1e-14
#: Energies O(1) from ~200-term series whose vectors are bounded by |c| (double rounding).
SERIES_TOLERANCE = 1e-12
#: As tests/test_chains.py: dense double precision on both sides, energies O(N), t <= 5.
CHAIN_TOLERANCE = 1e-10


def test_bessel_table_against_mpmath():
    rng = np.random.default_rng(SEED + 1)
    x = np.concatenate([[0.0, 1e-12, 1e-9, 2e-9, 1e-6, 1e-3, 0.3, 1.0, 5.0],
                        rng.uniform(0, 300, 40)])
    for K in (2, 40, 420):
        table = chebyshev.bessel_table(K, x)
        for j in range(x.size):
            # up to SCALAR_ARGUMENTS arguments the recurrence runs on Python floats
            single = chebyshev.bessel_table(K, x[j:j + 1])[:, 0]
            for k in range(0, K, 5):
                exact = float(mpmath.besselj(k, mpmath.mpf(float(x[j]))))
                assert abs(table[k, j] - exact) < BESSEL_TOLERANCE, (K, k, x[j])
                assert abs(single[k] - exact) < BESSEL_TOLERANCE, (K, k, x[j])


@pytest.mark.parametrize("z", [0.0, 0.5, 10.0, 130.0, 500.0, 2000.0])
def test_series_order_truncates_below_1e17(z):
    K = chebyshev.series_order(z)
    with mpmath.workdps(30):
        assert abs(mpmath.besselj(K, z)) < 1e-17
        # the terms beyond decay faster still: the first few cover the whole tail
        tail = sum(abs(mpmath.besselj(K + j, z)) for j in range(1, 6))
        assert tail < 1e-17


def _symmetric(rng: np.random.Generator, d: int) -> np.ndarray:
    A = rng.integers(-3, 4, (d, d)).astype(float)
    return (A + A.T) / 2


def _expm_energy(H: list, c: list, G: np.ndarray, t: float) -> float:
    """Re psi_0^dag G psi_1 + c.c. with psi_a = expm(-i H_a t) c_a at 30 digits."""
    with mpmath.workdps(30):
        psi = [mpmath.expm(-1j * mpmath.mpf(t) * mpmath.matrix(h.tolist())) * mpmath.matrix(v.tolist())
               for h, v in zip(H, c)]
        value = (psi[0].H * mpmath.matrix(G.tolist()) * psi[1])[0]
        return float(2 * mpmath.re(value))


def test_series_energy_against_mpmath_expm():
    """Two sectors (5 and 7) coupled by G, as H0 couples a chain's sectors."""
    rng = np.random.default_rng(SEED + 2)
    H = [_symmetric(rng, 5), _symmetric(rng, 7)]
    c = [rng.normal(size=5), rng.normal(size=7)]
    c = [v / np.sqrt(2) / np.linalg.norm(v) for v in c]
    G = rng.normal(size=(5, 7))
    end = 4.0
    ops = [chebyshev.DenseOperator(h) for h in H]
    lo, hi = chebyshev.spectrum_bounds(ops)
    K = chebyshev.series_order((hi - lo) / 2 * end)
    phis = [chebyshev.chebyshev_vectors(op, v, lo, hi, K) for op, v in zip(ops, c)]
    blocks = chebyshev.parity_blocks(phis[0], phis[1], lambda A, B: A @ G @ B.T)
    curve = chebyshev.SeriesCurve.parity([(2.0, blocks)], (hi - lo) / 2, end)
    t = np.array([0.0, 1e-10, 0.37, 1.0, 2.5, 3.99, 4.0])
    got = curve.energy(t)
    for tk, value in zip(t, got):
        assert abs(value - _expm_energy(H, c, G, float(tk))) < SERIES_TOLERANCE
    with pytest.raises(ValueError, match="times up to"):
        curve.energy(np.array([4.5]))


def test_narrow_bounds_are_detected():
    rng = np.random.default_rng(SEED + 3)
    H = _symmetric(rng, 9)
    E = np.linalg.eigvalsh(H)
    c = np.ones(9) / 3
    inside = (E[0] + 0.3 * (E[-1] - E[0]), E[-1])  # the lowest eigenvalues left out
    op = chebyshev.DenseOperator(H)
    assert chebyshev.chebyshev_vectors(op, c, *inside, 60) is None
    assert chebyshev.chebyshev_vectors(op, c, E[0] - 1e-9, E[-1] + 1e-9, 60) is not None
    lo, hi = chebyshev.gershgorin([op])
    assert lo <= E[0] and E[-1] <= hi


def _krylov(battery, values: list, end: float):
    """The Krylov path on the 2^N basis at one point (the reference beyond dense reach)."""
    from qb_symbolic.numeric.sectors.chain_krylov import krylov_point, krylov_system

    return krylov_point(krylov_system(battery), values, end)


def _chain_values(battery, rng: random.Random) -> tuple[dict, list]:
    v = _random_values(rng)
    return v, [v[n] for n in battery.names]


@pytest.mark.parametrize("N,periodic", [(8, False), (9, False)])
def test_chain_curves_by_series_match_brute_force(N, periodic):
    """Sectors of 136 + 120 and 256 + 256: the series path (asserted: on t <= 2 its terms
    stay below 1.5 times the sector dimension for these couplings), seeded couplings."""
    rng = random.Random(SEED + 400 + N)
    battery = qb.chain(N, "general", periodic=periodic)
    t = np.linspace(0, 2, 200)
    for _ in range(2):
        v, values = _chain_values(battery, rng)
        assert isinstance(series_spectrum(battery, values, 2.0), SeriesPoint)
        got = qb.evaluate("ergotropy", t, battery=battery, **v)
        assert np.max(np.abs(got - _ergotropy(N, periodic, v, t))) < CHAIN_TOLERANCE


def test_ring_series_equals_eigh_path_and_falls_back(monkeypatch):
    """N = 12 ring (192 + 160): the series against the real eigh path (itself checked
    against brute force in test_chain_real.py and test_chains.py); then with Lanczos
    bounds made too narrow the norm check sends it to Gershgorin's, same curve."""
    battery = qb.chain(12, "general", periodic=True)
    rng = random.Random(SEED + 412)
    _, values = _chain_values(battery, rng)
    t = np.concatenate([[0.0], np.sort(np.random.default_rng(SEED).uniform(0, 3, 150))])
    found = series_spectrum(battery, values, 3.0)
    assert isinstance(found, SeriesPoint)
    from qb_symbolic.numeric.sectors.chain_numeric import spectral

    reference = spectral(chain_system(battery), values, 12).energy(t)
    assert np.max(np.abs(found.energy(t) - reference)) < CHAIN_TOLERANCE

    def narrow(operators):
        lo, hi = chebyshev.gershgorin(operators)
        return lo / 4, hi / 4

    monkeypatch.setattr(chain_real, "spectrum_bounds", narrow)
    again = series_spectrum(battery, values, 3.0)
    assert isinstance(again, SeriesPoint)
    g_lo, g_hi = chebyshev.gershgorin(_sector_hamiltonians(battery, values))
    assert again.width == pytest.approx(g_hi - g_lo)  # Gershgorin's bounds were taken
    assert np.max(np.abs(again.energy(t) - reference)) < CHAIN_TOLERANCE


def _sector_hamiltonians(battery, values) -> list:
    real = chain_system(battery).real
    weights = [complex(f(*values)).real for f in chain_system(battery).coefficients]
    return [chebyshev.DenseOperator(sum(w * real.hamiltonian[g][k] for g, w in enumerate(weights)))
            for k in range(len(real.components))]


def test_sparse_real_sectors_equal_the_dense_ones():
    """N = 6 open chain: every coefficient group's sparse real sector matrix (and H0's
    blocks, and the start) equal the dense real basis of numeric/chain_real.py."""
    from qb_symbolic.numeric.sectors.chain_sparse import sparse_real_system

    battery = qb.chain(6, "general")
    dense, sparse = chain_system(battery).real, sparse_real_system(battery)
    joint, cuts = sparse.joint, sparse.cuts
    total = cuts[-1]
    for g in range(joint.values.shape[0]):
        op = joint.operator(np.eye(joint.values.shape[0])[g])
        applied = np.empty((total, total))
        for j, e in enumerate(np.eye(total)):
            op.apply(e, applied[:, j])
        expected = np.zeros((total, total))  # block diagonal: the sectors do not mix
        for k, (lo, hi) in enumerate(pairwise(cuts)):
            expected[lo:hi, lo:hi] = dense.hamiltonian[g][k]
        assert np.max(np.abs(applied - expected)) < 1e-14
    for k in range(len(cuts) - 1):
        assert np.max(np.abs(sparse.components[k] - dense.components[k])) < 1e-14
    for sparse_group, dense_group in zip(sparse.energy_blocks, dense.energy_blocks):
        for (a, b), (rows, cols, vals) in sparse_group.items():
            G = np.zeros((len(sparse.components[a]), len(sparse.components[b])))
            G[rows, cols] = vals
            assert np.max(np.abs(G - dense_group.get((a, b), 0 * G))) < 1e-14


def _series_curve(battery, seed: int, end: float, count: int) -> tuple:
    """Seeded couplings, the series path asserted, and the curve on ``[0, end]`` by
    ``qb.evaluate``: ``(values by name, values in order, t, ergotropy)``."""
    v, values = _chain_values(battery, random.Random(seed))
    t = np.linspace(0, end, count)
    assert isinstance(series_spectrum(battery, values, end), SeriesPoint)
    return v, values, t, qb.evaluate("ergotropy", t, battery=battery, **v)


def test_open_chain_beyond_dense_reach_by_sparse_series(monkeypatch):
    """N = 12 open chain (2080 + 2016, beyond the dense limit): the sparse series against
    the Krylov path (its own error bound 1e-10 on the state, tests/test_chain_krylov.py);
    with the vector budget made too small the curve falls back to the Krylov path."""
    from qb_symbolic.numeric.sectors import chain_sparse

    battery = qb.chain(12, "general")
    _, values, t, got = _series_curve(battery, SEED + 512, 1.5, 100)
    krylov = _krylov(battery, values, 1.5).ergotropy(t)
    assert np.max(np.abs(got - krylov)) < CHAIN_TOLERANCE
    monkeypatch.setattr(chain_sparse, "SERIES_ELEMENTS", 1000)
    assert series_spectrum(battery, values, 1.5) is None


def test_large_sectors_by_sparse_series_match_brute_force():
    """N = 10 open chain (528 + 496: above SPARSE_FROM, so the sparse form) against brute
    force."""
    from qb_symbolic.numeric.sectors.chain_basis import populated_sectors
    from qb_symbolic.numeric.sectors.chain_numeric import SPARSE_FROM

    battery = qb.chain(10, "general")
    assert max(s.dim for s in populated_sectors(battery).sectors) >= SPARSE_FROM
    v, _, t, got = _series_curve(battery, SEED + 510, 1.0, 120)
    assert np.max(np.abs(got - _ergotropy(10, False, v, t))) < CHAIN_TOLERANCE


def test_ring_beyond_dense_sites_by_sparse_series():
    """N = 15 ring (1096 + 1096; beyond DENSE_SITES, so no eigh at all): the sparse series
    against the Krylov path on the 2^15 basis (its own error bound, test_chain_krylov.py)."""
    from qb_symbolic.numeric.sectors import chain_numeric

    battery = qb.chain(15, "general", periodic=True)
    assert chain_numeric.uses_krylov(battery) and battery.N <= chain_numeric.SPARSE_SITES
    _, values, t, got = _series_curve(battery, SEED + 515, 0.8, 80)
    krylov = _krylov(battery, values, 0.8).ergotropy(t)
    assert np.max(np.abs(got - krylov)) < CHAIN_TOLERANCE


def test_chain_charging_by_series_equals_the_eigh_path(monkeypatch):
    """t_min and the largest power of the N = 12 ring from the series (one time at a time
    in the golden-section search) against the same search on the eigh path."""
    from qb_symbolic.numeric.sectors import chain_numeric

    battery = qb.chain(12, "general", periodic=True)
    v = {"Omega": 1.0, "J": 0.8, "gamma": 0.3, "Delta": 0.5, "D": 1.2, "omega0": 1.0}
    values = [v[n] for n in battery.names]
    assert isinstance(series_spectrum(battery, values, 1.5), SeriesPoint)
    by_series = qb.max_power(battery=battery, window=1.5, **v)
    monkeypatch.setattr(chain_numeric, "series_spectrum", lambda *args: None)
    by_eigh = qb.max_power(battery=battery, window=1.5, **v)
    assert abs(float(by_series.t) - float(by_eigh.t)) < 1e-7
    assert abs(float(by_series.value) - float(by_eigh.value)) < CHAIN_TOLERANCE


@pytest.mark.parametrize("Omega", [0.0, 1e-8, 0.7])
def test_series_parallel_ring_by_hand(Omega):
    """J = D = 0 on the N = 12 ring (the series path, asserted): independent cells, so
    zeta = 2 N omega0 sin^2(Omega t) (a cell's sz goes -cos 2 Omega t). Omega = 0 makes
    H = 0: a zero-width spectrum, which the bounds must still open."""
    battery = qb.chain(12, "general", periodic=True)
    v = {"Omega": Omega, "J": 0.0, "gamma": 0.3, "Delta": 0.5, "D": 0.0, "omega0": 1.0}
    assert isinstance(series_spectrum(battery, [v[n] for n in battery.names], 5.0), SeriesPoint)
    t = np.linspace(0, 5, 200)
    got = qb.evaluate("ergotropy", t, battery=battery, **v)
    assert np.max(np.abs(got - 24 * np.sin(Omega * t) ** 2)) < CHAIN_TOLERANCE


def test_csr_product_equals_the_ell_matrix():
    """scipy's CSR product (the runtime's sparse kernel) against the matrix written out
    from the ELL layout by hand, ``A[r, index[s, r]] += values[s, r]``, on the N = 10 open
    chain at random weights."""
    from qb_symbolic.numeric.sectors import chain_sparse

    battery = qb.chain(10, "general")
    system = chain_sparse.sparse_real_system(battery)
    rng = np.random.default_rng(SEED + 520)
    op = system.joint.operator(rng.normal(size=system.joint.values.shape[0]))
    dense = np.zeros((op.dim, op.dim))
    for s in range(op.index.shape[0]):
        np.add.at(dense, (np.arange(op.dim), op.index[s]), op.values[s])
    x, out = rng.normal(size=op.dim), np.empty(op.dim)
    op.apply(x, out)
    assert np.max(np.abs(out - dense @ x)) < 1e-12 * np.max(np.abs(dense)) * op.dim


def test_norm_check_per_sector_of_a_joint_operator():
    """Two sectors in one block-diagonal operator, the second holding 1e-9 of the start and
    an eigenvalue outside the bounds (2 % of the width above: X = 1.04 there, and
    T_40(1.04) = cosh(40 acosh 1.04) ~ 4e4): inside the whole norm that growth is 4e-5
    of a unit vector, far below the slack; the check per segment sees it."""
    rng = np.random.default_rng(SEED + 4)
    A, B = _symmetric(rng, 6), _symmetric(rng, 4)
    E_A, E_B = np.linalg.eigvalsh(A), np.linalg.eigvalsh(B)
    B = B + (E_A[-1] - E_B[-1] + 0.02 * (E_A[-1] - E_A[0])) * np.eye(4)  # B top 2 % above A
    joint = chebyshev.DenseOperator(np.block([[A, np.zeros((6, 4))], [np.zeros((4, 6)), B]]))
    c = np.concatenate([np.ones(6) / np.sqrt(6), 1e-9 * np.ones(4) / 2])
    bounds = (E_A[0] - 1e-9, E_A[-1] + 1e-9)  # A's spectrum only
    assert chebyshev.chebyshev_vectors(joint, c, *bounds, 40) is not None
    assert chebyshev.chebyshev_vectors(joint, c, *bounds, 40, segments=(0, 6, 10)) is None
    wide = chebyshev.gershgorin([joint])
    assert chebyshev.chebyshev_vectors(joint, c, *wide, 40, segments=(0, 6, 10)) is not None
