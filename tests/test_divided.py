"""Tests of qb_symbolic.numeric.closed_form.divided: divided differences of ``exp(-i z t)``.

Every expected value comes from an independent mpmath reference at ``REF_DPS``
digits, computed here and never from the module under test:

* Opitz's theorem: ``E[y_0..y_m]`` is entry ``(0, m)`` of ``exp(-i t Z)``, ``Z``
  upper bidiagonal with the nodes on the diagonal and ones above it. Evaluated by
  scaling and squaring (Taylor kernel) on the triangular matrix; it needs no
  division by node gaps, so equal and close nodes are exact. Cross-checked against
  ``mpmath.expm`` at 120 digits.
* For the 2000 random (distinct) node sets, the cheaper Lagrange form
  ``sum_j e^{-i y_j t} / prod_{l != j} (y_j - y_l)`` with guard digits for the gaps;
  cross-checked against Opitz.

All randomness is seeded.
"""

from __future__ import annotations

import math
import random

import mpmath as mp
import numpy as np
import pytest

from qb_symbolic.numeric.closed_form.divided import (
    exp_divided_differences,
    exp_divided_differences_mp,
    stable_order,
)

SEED = 20240616
#: Digits of the reference.
REF_DPS = 60
#: Absolute tolerance of the float kernel, in units of the scale ``max(1, t^m/m!)``
#: (the bound ``|E[y_0..y_m]| <= t^m/m!``). The kernel's a-priori bound is about
#: ``24 * 4 eps ~ 2e-14`` (a pair's error, grown by at most ``2k/1`` per level of the
#: recursion, which only runs when ``spread * t >= 1``; exact phases), so 1e-13 leaves
#: a margin of 5 while still failing on a loss of three digits (450 ulps).
TOL = 1e-13
#: Working digits and tolerance (same scale) of the mpmath version.
MP_DPS = 50
MP_TOL = 1e-40
#: Spreads of the adversarial clusters (0: equal nodes). 1e-2 puts ``spread * t``
#: across the kernel's switch between recursion and Taylor series.
DELTAS = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14, 0.0)
#: Cluster sizes per block size: every way to put 2, 3 or 4 nodes together.
PATTERNS = {1: ((1,),), 2: ((2,),), 3: ((2, 1), (3,)), 4: ((2, 1, 1), (3, 1), (4,), (2, 2))}
REPEATS = 5
N_RANDOM = 2000


def scale(t: float, m: int) -> float:
    """``max(1, |t|^m / m!)``: the unit of every error here."""
    return max(1.0, abs(float(t)) ** m / math.factorial(m))


def _tri_product(a: list, b: list) -> list:
    n = len(a)
    return [[mp.fsum(a[i][q] * b[q][j] for q in range(i, j + 1)) if j >= i else 0
             for j in range(n)] for i in range(n)]


def opitz_reference(nodes: list, t, dps: int = REF_DPS) -> list:
    """First row of ``exp(-i t Z)`` by scaling and squaring (Opitz's theorem).

    ``exp(-i t Z) = e^{-i c t} exp(-i C)`` with ``C = t (Z - c)``, ``c`` the mean; the
    Taylor series of ``exp(-i C / 2^s)`` (``||C|| / 2^s <= 1/8``) is summed in real
    arithmetic (``C`` is real), then squared ``s`` times with guard digits.
    """
    n = len(nodes)
    with mp.workdps(dps):
        t = mp.mpf(t)
        ys = [mp.mpf(y) for y in nodes]
        width = abs(t) * (max(abs(y - mp.fsum(ys) / n) for y in ys) + 1)
        s = max(0, int(mp.ceil(mp.log(width, 2))) + 3) if width > 0 else 0
    with mp.workdps(dps + int(0.31 * s) + 5):
        c = mp.fsum(ys) / n
        h = t / mp.mpf(2) ** s
        diag = [h * (y - c) for y in ys]
        term = [[mp.mpf(i == j) for j in range(n)] for i in range(n)]
        parts = [[row[:] for row in term], [[mp.mpf(0)] * n for _ in range(n)]]
        tiny = mp.mpf(10) ** -(dps + 10)
        k = 0
        while max(abs(x) for row in term for x in row) > tiny:
            k += 1
            term = [[(term[i][j] * diag[j] + (term[i][j - 1] * h if j > i else 0)) / k
                     if j >= i else mp.mpf(0) for j in range(n)] for i in range(n)]
            sign = 1 if k % 4 in (0, 3) else -1  # (-i)^k = sign * (1 or i)
            target = parts[k % 2]
            for i in range(n):
                for j in range(i, n):
                    target[i][j] += sign * term[i][j]
        m = [[mp.mpc(parts[0][i][j], parts[1][i][j]) for j in range(n)] for i in range(n)]
        for _ in range(s):
            m = _tri_product(m, m)
        phase = mp.expj(-c * t)
        out = [phase * m[0][j] for j in range(n)]
    return out


def lagrange_reference(nodes: list, t, dps: int = REF_DPS) -> list:
    """``E[y_0..y_m] = sum_j e^{-i y_j t} / prod_{l != j} (y_j - y_l)`` (distinct nodes)."""
    ys = [mp.mpf(y) for y in nodes]
    gap = min(abs(a - b) for i, a in enumerate(ys) for b in ys[:i]) if len(ys) > 1 else 1
    guard = 10 + 3 * max(0, int(-mp.log10(gap))) + int(mp.log10(1 + abs(mp.mpf(t))))
    out = []
    with mp.workdps(dps + guard):
        t = mp.mpf(t)
        for m in range(len(ys)):
            sub = ys[:m + 1]
            out.append(mp.fsum(mp.expj(-a * t) / mp.fprod(a - b for b in sub if b is not a)
                               for a in sub))
    return out


def ratio(got: np.ndarray, ref: list, t: float, tol: float) -> float:
    """Worst ``|got_m - ref_m| / (tol * scale(t, m))`` over ``m``."""
    return max(float(abs(mp.mpc(complex(g)) - r)) / (tol * scale(t, m))
               for m, (g, r) in enumerate(zip(got, ref)))


def clustered_nodes(rng: random.Random, pattern: tuple, delta: float, width: float = 10.0):
    """Nodes in clusters of the given sizes, each within ``delta``, in random order."""
    nodes = []
    for size in pattern:
        centre = rng.uniform(-width, width)
        nodes += [centre] + [centre + delta * rng.uniform(-1, 1) for _ in range(size - 1)]
    rng.shuffle(nodes)
    return nodes


def random_time(rng: random.Random) -> float:
    return rng.choice([0.0, 1e-3, 0.5, 1.0, 100.0] + [rng.uniform(0, 100)] * 5)


@pytest.fixture(scope="module")
def random_sets():
    rng = np.random.default_rng(SEED)
    nodes = rng.uniform(-10.0, 10.0, (N_RANDOM, 4))
    t = rng.uniform(0.0, 100.0, N_RANDOM)
    refs = [lagrange_reference(list(y), s) for y, s in zip(nodes, t)]
    return nodes, t, refs


def _adversarial(seed: int, width: float = 10.0, deltas=DELTAS) -> dict:
    rng = random.Random(seed)
    cases = {}
    for n, patterns in PATTERNS.items():
        for pattern in patterns:
            for delta in deltas:
                sets = []
                for _ in range(REPEATS):
                    y = clustered_nodes(rng, pattern, delta, width)
                    t = 100.0 if width > 10 else random_time(rng)
                    sets.append((y, t, opitz_reference(y, t)))
                cases[(n, pattern, delta)] = sets
    return cases


@pytest.fixture(scope="module")
def adversarial():
    """Clustered node sets with their references, by ``(n, pattern, delta)``."""
    return _adversarial(SEED + 1)


@pytest.fixture(scope="module")
def large_phase():
    """Nodes up to 100 at ``t = 100``: phases ``|y t|`` up to 1e4."""
    return _adversarial(SEED + 2, width=100.0, deltas=(1e-6, 1e-12, 0.0))


def test_opitz_reference_matches_mpmath_expm():
    rng = random.Random(SEED + 3)
    for y in ([1.5, -2.0, 7.25, 3.0], [2.0, 2.0, 2.0 + 1e-9, -5.0], [0.3] * 4,
              clustered_nodes(rng, (2, 2), 1e-12), [rng.uniform(-10, 10) for _ in range(4)]):
        t = rng.uniform(0.0, 100.0)
        ours = opitz_reference(y, t)
        with mp.workdps(120):
            z = mp.diag([mp.mpf(v) for v in y])
            for i in range(3):
                z[i, i + 1] = 1
            full = mp.expm(-1j * mp.mpf(t) * z)
            assert all(abs(ours[m] - full[0, m]) < 1e-50 * scale(t, m) for m in range(4))


def test_lagrange_reference_matches_opitz(random_sets):
    nodes, t, refs = random_sets
    for y, s, ref in list(zip(nodes, t, refs))[:40]:
        assert all(abs(a - b) < 1e-50 * scale(s, m)
                   for m, (a, b) in enumerate(zip(ref, opitz_reference(list(y), s))))


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_random_sets(random_sets, n):
    nodes, t, refs = random_sets
    got = exp_divided_differences(nodes[:, :n], t)
    assert got.shape == (N_RANDOM, n)
    worst = max(ratio(g, r[:n], s, TOL) for g, r, s in zip(got, refs, t))
    assert worst <= 1.0, worst


@pytest.mark.parametrize("delta", DELTAS)
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_adversarial_clusters(adversarial, n, delta):
    for pattern in PATTERNS[n]:
        for y, t, ref in adversarial[(n, pattern, delta)]:
            got = exp_divided_differences(np.array(y), t)
            assert ratio(got, ref, t, TOL) <= 1.0, (pattern, y, t)


def test_large_phases(large_phase):
    for (n, pattern, delta), sets in large_phase.items():
        for y, t, ref in sets:
            got = exp_divided_differences(np.array(y), t)
            assert ratio(got, ref, t, TOL) <= 1.0, (pattern, delta, y, t)


def test_vectorised_call_matches_single_calls(adversarial):
    sets = [entry for key, entries in adversarial.items() if key[0] == 4 for entry in entries]
    nodes = np.array([y for y, _, _ in sets])
    t = np.array([s for _, s, _ in sets])
    together = exp_divided_differences(nodes, t)
    for row, (y, s, ref) in zip(together, sets):
        assert ratio(row, ref, s, TOL) <= 1.0


def test_no_nan_or_inf():
    rng = np.random.default_rng(SEED + 4)
    base = [[0.0] * 4, [5.0] * 4, [1e6, 1e6, -1e6, 3.0], [1.0, 1.0 + 1e-15, 1.0, -1.0],
            [-7.0, 7.0, -7.0 + 1e-300, 1e-300], [100.0, -100.0, 100.0, 100.0]]
    nodes = np.array(base + list(rng.uniform(-10, 10, (50, 4))))
    times = np.array([0.0, 1e-300, 1e-12, 1.0, 1e3, 1e4])
    got = exp_divided_differences(nodes[:, None, :], times[None, :])
    assert got.shape == (len(nodes), len(times), 4)
    assert np.isfinite(got).all()
    bound = np.array([times[None, :] ** m / math.factorial(m) for m in range(4)])
    assert (np.abs(got) <= bound.transpose(1, 2, 0) * (1 + TOL) + TOL).all()


def test_negative_time_gives_conjugate(adversarial):
    for sets in adversarial.values():
        for y, t, _ in sets:
            forward = exp_divided_differences(np.array(y), t)
            backward = exp_divided_differences(np.array(y), -t)
            assert np.allclose(backward, np.conj(forward), rtol=0, atol=TOL * scale(t, 3))


def test_permutation_keeps_last_difference(random_sets, adversarial):
    rng = np.random.default_rng(SEED + 5)
    groups = {4: (random_sets[0], random_sets[1])}
    for n in PATTERNS:
        entries = [e for key, sets in adversarial.items() if key[0] == n for e in sets]
        nodes = np.array([y for y, _, _ in entries])
        t = np.array([s for _, s, _ in entries])
        groups[n] = (nodes, t) if n != 4 else (np.vstack([groups[4][0], nodes]),
                                                np.concatenate([groups[4][1], t]))
    for n, (nodes, t) in groups.items():
        a = exp_divided_differences(nodes, t)[:, -1]
        b = exp_divided_differences(rng.permuted(nodes, axis=-1), t)[:, -1]
        assert (np.abs(a - b) <= TOL * np.maximum(1, t ** (n - 1) / math.factorial(n - 1))).all()


def test_broadcasting_and_shapes():
    rng = np.random.default_rng(SEED + 6)
    nodes = rng.uniform(-3, 3, (3, 5, 4))
    t = rng.uniform(0, 10, 5)
    got = exp_divided_differences(nodes, t)
    assert got.shape == (3, 5, 4) and got.dtype == complex
    for i in range(3):
        for j in range(5):
            assert ratio(got[i, j], opitz_reference(list(nodes[i, j]), t[j]), t[j], TOL) <= 1
    assert exp_divided_differences(np.array([2.0]), 3.0).shape == (1,)


@pytest.mark.parametrize("nodes, t", [
    (np.zeros((2, 5)), 1.0), (np.zeros((2, 0)), 1.0), (np.array([1.0, 1j]), 1.0),
    (np.array([1.0, np.nan]), 1.0), (np.zeros((2, 3)), np.inf), (np.zeros((2, 3)), np.ones(3)),
])
def test_bad_input_raises(nodes, t):
    with pytest.raises(ValueError):
        exp_divided_differences(nodes, t)


def test_stable_order_is_a_permutation():
    rng = np.random.default_rng(SEED + 7)
    nodes = rng.uniform(-1, 1, (200, 4))
    nodes[:50, 1] = nodes[:50, 0]
    order = stable_order(nodes)
    assert order.shape == nodes.shape
    assert (np.sort(order, axis=-1) == np.arange(4)).all()


def test_newton_form_in_stable_order_propagates(adversarial):
    """``sum_m E[y_0..y_m] prod_{j<m} (H - y_j) psi0`` with ``H = diag(y)`` gives
    ``e^{-i y t} psi0``; in ``stable_order`` its terms do not cancel."""
    rng = np.random.default_rng(SEED + 8)
    for (n, _, _), sets in adversarial.items():
        for y, t, _ in sets:
            y = np.array(y)
            psi = rng.normal(size=n) + 1j * rng.normal(size=n)
            nodes = y[stable_order(y)]
            dd = exp_divided_differences(nodes, t)
            w, total = psi.copy(), np.zeros(n, dtype=complex)
            for m in range(n):
                total += dd[m] * w
                w = (y - nodes[m]) * w
            exact = [mp.expj(-mp.mpf(v) * mp.mpf(t)) * mp.mpc(complex(p)) for v, p in zip(y, psi)]
            err = max(float(abs(mp.mpc(complex(a)) - b)) for a, b in zip(total, exact))
            assert err <= TOL * np.linalg.norm(psi), (y, t)


@pytest.mark.parametrize("delta", ["1e-6", "1e-20", "1e-35", "0"])
def test_mp_version(delta):
    rng = random.Random(SEED + 9)
    with mp.workdps(MP_DPS):
        for pattern in ((2, 1, 1), (3, 1), (4,), (2, 2), (1, 1, 1, 1)):
            for _ in range(3):
                nodes = []
                for size in pattern:
                    centre = mp.mpf(rng.uniform(-10, 10))
                    nodes += [centre + mp.mpf(delta) * k for k in range(size)]
                rng.shuffle(nodes)
                t = mp.mpf(random_time(rng))
                got = exp_divided_differences_mp(nodes, t)
                assert mp.mp.dps == MP_DPS
                ref = opitz_reference(nodes, t)
                assert all(isinstance(g, mp.mpc) for g in got)
                assert all(abs(g - r) <= MP_TOL * scale(t, m)
                           for m, (g, r) in enumerate(zip(got, ref))), (nodes, t)


def test_mp_version_on_random_sets(random_sets):
    nodes, t, refs = random_sets
    with mp.workdps(MP_DPS):
        for y, s, ref in list(zip(nodes, t, refs))[:100]:
            got = exp_divided_differences_mp([mp.mpf(v) for v in y], mp.mpf(s))
            assert all(abs(g - r) <= MP_TOL * scale(s, m)
                       for m, (g, r) in enumerate(zip(got, ref)))


@pytest.mark.parametrize("nodes, t", [([], 1), ([1, mp.mpc(1, 1)], 1), ([1, 2], 1j),
                                      ([mp.inf], 1), ([1], mp.nan)])
def test_mp_bad_input_raises(nodes, t):
    with pytest.raises(ValueError):
        exp_divided_differences_mp(nodes, t)


def test_mp_single_node_and_zero_time():
    with mp.workdps(MP_DPS):
        y = mp.mpf("0.7")
        assert abs(exp_divided_differences_mp([y], 3)[0] - mp.expj(-3 * y)) < MP_TOL
        assert exp_divided_differences_mp([y, y, 1, 2], 0) == [1, 0, 0, 0]
