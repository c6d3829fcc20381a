"""The Chebyshev series on complex sectors (numeric/chain_hermitian.py): chains whose start
no antiunitary symmetry fixes, against independent references (an eigh of the full 2^N
Hamiltonian written here, the Krylov path beyond dense reach, a 30-digit mpmath expm)."""

from __future__ import annotations

import random

import mpmath
import numpy as np
import pytest
from conftest import SEED
from test_chains import _hamiltonian, _op, _random_values

import qb_symbolic as qb
from qb_symbolic.numeric.sectors import chebyshev
from qb_symbolic.numeric.sectors.chain_basis import populated_sectors
from qb_symbolic.numeric.sectors.chain_numeric import chain_system, series_spectrum
from qb_symbolic.numeric.sectors.chain_real import SeriesPoint
from qb_symbolic.numeric.sectors.chain_sparse import sparse_real_system

#: Curves against eigh of the full H (both ~1e-14 apart in double precision: the series is
#: truncated at |J_K| < 1e-17); the issue's bar for chains.
TOLERANCE = 1e-10


def _brute_energy(N: int, periodic: bool, v: dict, t: np.ndarray, label: str,
                  letter: str = "Z") -> tuple[np.ndarray, float]:
    """<H0>(t) for H0 = omega0 sum sigma^letter_i from the basis state ``label`` by eigh of
    the full H, and its rate at t = 0, 2 Im <H0 psi0|H psi0>."""
    H = _hamiltonian(N, periodic, v)
    E, V = np.linalg.eigh(H)
    psi0 = np.zeros(2**N)
    psi0[int(label.replace("u", "0").replace("d", "1"), 2)] = 1
    psi = V @ (np.exp(-1j * np.outer(E, t)) * (V.conj().T @ psi0)[:, None])
    H0 = v["omega0"] * sum(_op(N, {i: letter}) for i in range(N))
    rate = 2 * float(np.imag(np.vdot(H0 @ psi0, H @ psi0)))
    return np.real(np.sum(psi.conj() * (H0 @ psi), axis=0)), rate


def _complex_series(battery, values: list, end: float) -> SeriesPoint:
    """The series point, asserted to be on complex sectors (no real bases)."""
    if max(s.dim for s in populated_sectors(battery).sectors) < 400:
        assert chain_system(battery).real is None
    else:
        assert sparse_real_system(battery) is None
    found = series_spectrum(battery, values, end)
    assert isinstance(found, SeriesPoint)
    return found


@pytest.mark.parametrize("N,periodic,label", [(8, False, "uddddddd"), (8, True, "udududud"),
                                              (9, False, "udududuud"),
                                              (10, False, "uudddddddd")])
def test_starts_without_real_bases_match_brute_force(N, periodic, label):
    """Dense complex sectors (136 + 120, 136, 256 + 256) and sparse ones (528 + 496),
    seeded couplings, t in [0, 2]."""
    rng = random.Random(SEED + 700 + N + 2 * periodic)
    battery = qb.chain(N, "general", periodic=periodic, initial=label)
    v = _random_values(rng)
    t = np.linspace(0, 2, 160)
    _complex_series(battery, [v[n] for n in battery.names], 2.0)
    got = qb.evaluate("energy", t, battery=battery, **v)
    expected, _ = _brute_energy(N, periodic, v, t, label)
    assert np.max(np.abs(got - expected)) < TOLERANCE


@pytest.mark.parametrize("N", [8, 10])
def test_a_charger_along_y_and_its_rate_at_zero(N):
    """H0 = omega0 sum Y_i (complex blocks) from |uu d...d>: the curve, and the power at
    t = 0 equal to the rate 2 Im <H0 psi0|H psi0> (not zero here: the curve is not even)."""
    rng = random.Random(SEED + 720 + N)
    label = "uu" + "d" * (N - 2)
    battery = qb.chain(N, "general", initial=label, H0="omega0*Y")
    v = _random_values(rng)
    t = np.linspace(0, 1.5, 120)
    found = _complex_series(battery, [v[n] for n in battery.names], 1.5)
    expected, rate = _brute_energy(N, False, v, t, label, "Y")
    assert np.max(np.abs(found.energy(t) - expected)) < TOLERANCE
    assert abs(rate) > 0.1
    assert abs(found.rate0 - rate) < TOLERANCE * max(1.0, abs(rate))
    power = qb.evaluate("power", np.array([0.0, 0.5]), battery=battery, **v)
    assert abs(power[0] - rate) < TOLERANCE * max(1.0, abs(rate))


def test_open_chain_beyond_dense_reach_without_real_bases(monkeypatch):
    """N = 12 open chain from |ud...d> (sectors 2080 + 2016, no real bases): the complex
    sparse series against the Krylov path on the 2^12 basis (its own bound, 1e-10); with
    the vector budget too small for complex vectors the point falls back to Krylov."""
    from qb_symbolic.numeric.sectors import chain_sparse
    from qb_symbolic.numeric.sectors.chain_krylov import krylov_point, krylov_system

    rng = random.Random(SEED + 740)
    battery = qb.chain(12, "general", initial="u" + "d" * 11)
    v = _random_values(rng)
    values = [v[n] for n in battery.names]
    t = np.linspace(0, 1.5, 100)
    found = _complex_series(battery, values, 1.5)
    krylov = krylov_point(krylov_system(battery), values, 1.5)
    assert np.max(np.abs(found.energy(t) - krylov.energy(t))) < TOLERANCE
    monkeypatch.setattr(chain_sparse, "SERIES_ELEMENTS", 2 * 4096 * 10)  # 10 complex terms
    assert series_spectrum(battery, values, 1.5) is None


def _expm_energy(H: list, c: list, G: np.ndarray, t: float) -> float:
    with mpmath.workdps(30):
        psi = [mpmath.expm(-1j * mpmath.mpf(t) * mpmath.matrix(h.tolist())) * mpmath.matrix(v.tolist())
               for h, v in zip(H, c)]
        return float(2 * mpmath.re((psi[0].H * mpmath.matrix(G.tolist()) * psi[1])[0]))


def test_hermitian_series_against_mpmath_expm():
    """Two complex Hermitian sectors (5 and 7) coupled by a complex G: 2 Re psi_0^dag G
    psi_1 from SeriesCurve.hermitian against a 30-digit expm."""
    rng = np.random.default_rng(SEED + 760)

    def hermitian(n: int) -> np.ndarray:
        A = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        return (A + A.conj().T) / 2

    H = [hermitian(5), hermitian(7)]
    c = [rng.normal(size=n) + 1j * rng.normal(size=n) for n in (5, 7)]
    c = [v / np.sqrt(2) / np.linalg.norm(v) for v in c]
    G = rng.normal(size=(5, 7)) + 1j * rng.normal(size=(5, 7))
    ops = [chebyshev.DenseOperator(h) for h in H]
    lo, hi = chebyshev.spectrum_bounds(ops)
    end = 3.0
    K = chebyshev.series_order((hi - lo) / 2 * end)
    phis = [chebyshev.chebyshev_vectors(op, v, lo, hi, K) for op, v in zip(ops, c)]
    curve = chebyshev.SeriesCurve.hermitian([(2.0, phis[0].conj() @ G @ phis[1].T)],
                                            (hi - lo) / 2, end)
    for tk in (0.0, 0.41, 1.7, 3.0):
        assert abs(curve.energy(np.array([tk]))[0] - _expm_energy(H, c, G, tk)) < 1e-12


def test_largest_power_by_complex_series_equals_the_eigh_path(monkeypatch):
    """The largest power of the open N = 8 chain from |ud...d> (a start holding ergotropy:
    the power is the stored energy per time) by the complex series, one time at a time in
    the golden-section search, against the same search on the eigh path."""
    from qb_symbolic.numeric.sectors import chain_numeric

    battery = qb.chain(8, "general", initial="u" + "d" * 7)
    v = {"Omega": 1.0, "J": 0.8, "gamma": 0.3, "Delta": 0.5, "D": 1.2, "omega0": 1.0}
    _complex_series(battery, [v[n] for n in battery.names], 2.0)
    by_series = qb.max_power(battery=battery, window=2.0, **v)
    monkeypatch.setattr(chain_numeric, "series_spectrum", lambda *args: None)
    by_eigh = qb.max_power(battery=battery, window=2.0, **v)
    assert abs(float(by_series.t) - float(by_eigh.t)) < 1e-7
    assert abs(float(by_series.value) - float(by_eigh.value)) < TOLERANCE
