"""Closed forms of chain batteries with small reachable blocks (issue 24, point 2):
rings of 4 and 5 cells and the open chain of 3, from |d...d>.

The reference is written here, independent of qb_symbolic: the 2^N Hamiltonian from
Kronecker products of Pauli matrices in mpmath (the paper's bond term on every bond, Omega
X on every site, site 1 the leftmost factor, |u> = (1, 0)), and ``mpmath.expm`` of
``-i H t`` at 50 digits. The closed form (roots and spectral state lambdified in mpmath,
50 digits) must agree to 1e-30, state and ergotropy; the block dimensions are checked
against the number of distinct eigenvalues of ``H`` (numpy) that |d...d> populates, and
every exact proof must hold. ``QB_HEAVY=1`` adds the ising and xyz models, the D = 0 cases
and more parameter points.
"""

from __future__ import annotations

import os
import random
import re
from functools import cache, reduce

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED, mp_kron, random_point

import qb_symbolic as qb
from qb_symbolic.symbolic.chain_closed import MAX_BLOCK, chain_evolution

HEAVY = os.environ.get("QB_HEAVY", "") not in ("", "0")
GEOMETRIES = [(3, False), (4, True), (5, True)]
MODELS = ["xxz", "general"] + (["ising", "xyz"] if HEAVY else [])
CASES = [(N, ring, model, D0) for N, ring in GEOMETRIES for model in MODELS
         for D0 in ((False, True) if HEAVY else (False,))]
#: Parameter points per case (one 50-digit expm each, 4 s at N = 5; times t, 2t, 3t).
POINTS = {N: count * (3 if HEAVY else 1) for N, count in ((3, 3), (4, 2), (5, 1))}
#: The models' fixed values (the paper; MODELS must agree, checked below).
FIXED = {"ising": {"gamma": 1, "Delta": 0}, "xxz": {"gamma": 0}, "xyz": {}, "general": {}}
#: Expected reachable block dimensions (the measurement of this issue); at D = 0 the open
#: chain also has R and P separately, which halves it further (rings: D drops out anyway).
DIMS = {(3, False): [4, 4], (4, True): [4, 2], (5, True): [4, 4], (3, False, "D0"): [3, 3]}
TOLERANCE = mp.mpf(10) ** -30


def _case_id(case) -> str:
    N, ring, model, D0 = case
    return f"{'ring' if ring else 'open'}{N}-{model}{'-D0' if D0 else ''}"


def _battery(case):
    N, ring, model, D0 = case
    return qb.chain(N, model, periodic=ring, **({"D": 0} if D0 else {}))


@cache
def _derived(case):
    """The closed form and its mpmath functions (derived once per case, on first use)."""
    evolution = chain_evolution(_battery(case))
    params = evolution.battery.parameters
    nodes = [y for block in evolution.blocks for y in block.nodes]
    roots = sp.lambdify(params, [evolution.root_values()[y] for y in nodes], "mpmath", cse=True)
    t = sp.Symbol("t", nonnegative=True)
    state = sp.lambdify([*params, *nodes, t], list(evolution.state(t)), "mpmath", cse=True)
    ergotropy = sp.lambdify([*params, *nodes, t], evolution.ergotropy(t), "mpmath", cse=True)
    return evolution, roots, state, ergotropy


@pytest.fixture(scope="module")
def derived():
    return _derived


_PAULI = {"I": [[1, 0], [0, 1]], "X": [[0, 1], [1, 0]], "Y": [[0, -1j], [1j, 0]],
          "Z": [[1, 0], [0, -1]]}


def _op(N: int, letters: dict[int, str]) -> mp.matrix:
    return reduce(mp_kron, [mp.matrix(_PAULI[letters.get(i, "I")]) for i in range(N)])


def _reference_hamiltonians(N: int, ring: bool, v: dict) -> tuple[mp.matrix, mp.matrix]:
    """H and H0 = omega0 sum_i Z_i from Kronecker products, at the current precision."""
    H = mp.matrix(2**N, 2**N)
    for i in range(N):
        H += v["Omega"] * _op(N, {i: "X"})
    for i, j in [(i, i + 1) for i in range(N - 1)] + ([(N - 1, 0)] if ring else []):
        H += v["J"] * ((1 + v["gamma"]) * _op(N, {i: "X", j: "X"})
                       + (1 - v["gamma"]) * _op(N, {i: "Y", j: "Y"})
                       + v["Delta"] * _op(N, {i: "Z", j: "Z"}))
        H += v["D"] * (_op(N, {i: "X", j: "Y"}) - _op(N, {i: "Y", j: "X"}))
    H0 = mp.matrix(2**N, 2**N)
    for i in range(N):
        H0 += v["omega0"] * _op(N, {i: "Z"})
    return H, H0


def _values(rng: random.Random, case) -> tuple[dict, mp.mpf]:
    """Exact decimals in the acceptance ranges (conftest), the model's fixed values, omega0."""
    values, t = random_point(rng)
    values.update({k: mp.mpf(x) for k, x in FIXED[case[2]].items()})
    if case[3]:
        values["D"] = mp.mpf(0)
    values["omega0"] = mp.mpf(repr(rng.uniform(0.5, 2.0)))
    return values, t


def test_fixed_values_are_the_package_models():
    for model, fixed in FIXED.items():
        assert {k: float(v) for k, v in qb.MODELS[model].fixed.items()} == fixed


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_block_dimensions_and_krylov_count(case, derived):
    """Block sizes as measured, <= 4, summing to the number of distinct eigenvalues of H
    that |d...d> populates (numpy eigh of the reference H at a random point)."""
    evolution = derived(case)[0]
    N, ring, _, D0 = case
    dims = DIMS.get((N, ring, "D0") if D0 else (N, ring), DIMS[N, ring])
    assert [b.dim for b in evolution.reachable] == dims
    assert [b.krylov_dim for b in evolution.reachable] == dims
    assert all(b.dim <= MAX_BLOCK for b in evolution.reachable)
    values, _ = _values(random.Random(SEED + 240), case)
    H = np.array(_reference_hamiltonians(N, ring, values)[0].tolist(), dtype=complex)
    energies, vectors = np.linalg.eigh(H)
    populated = energies[np.abs(vectors[-1]) ** 2 > 1e-12]
    distinct = 1 + np.count_nonzero(np.diff(populated) > 1e-8)
    assert distinct == sum(dims)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_exact_proofs(case, derived):
    proofs = derived(case)[0].proofs()
    assert all(proofs.values()), proofs


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_state_and_ergotropy_match_50_digit_expm(case, derived):
    """psi(t), psi(2t), psi(3t) (U(t) applied again) and the ergotropy <H0> + N omega0."""
    evolution, roots, state, ergotropy = derived(case)
    N, ring = case[:2]
    rng = random.Random(SEED + 241 + N)
    names = evolution.battery.names
    worst = mp.mpf(0)
    with mp.workdps(50):
        for _ in range(POINTS[N]):
            values, t = _values(rng, case)
            H, H0 = _reference_hamiltonians(N, ring, values)
            U = mp.expm(-1j * H * t)
            reference = U[:, 2**N - 1]  # U(t)|d...d>
            args = [values[n] for n in names]
            nodes = roots(*args)
            for time in (t, 2 * t, 3 * t):
                found = state(*args, *nodes, time)
                worst = max(worst, max(abs(a - b) for a, b in zip(found, reference)))
                energy = (reference.H * H0 * reference)[0]
                expected = mp.re(energy) + N * values["omega0"]
                worst = max(worst, abs(ergotropy(*args, *nodes, time) - expected))
                reference = U * reference
    assert worst < TOLERANCE, mp.nstr(worst, 5)


@pytest.mark.parametrize("N, ring, fixed, label, size", [
    (4, False, {"D": 0}, "P+R+RP+", 5),  # open ising at D = 0: blocks 5 + 4
    (6, True, {}, "RP+", 6),  # ising ring of six: 6 + 5
])
def test_larger_blocks_point_at_the_numeric_path(N, ring, fixed, label, size):
    message = rf"sector {re.escape(label)} has dimension {size} .*battery=chain"
    with pytest.raises(ValueError, match=message):
        chain_evolution(qb.chain(N, "ising", periodic=ring, **fixed))
