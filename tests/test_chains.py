"""Chain batteries (issue 13, first part): N = 2 against the two-qubit closed forms, the
parallel chain by hand, N = 3..8 against a brute-force 2^N diagonalisation written here,
the symmetry sectors exactly, bad input."""

from __future__ import annotations

import random
from functools import reduce

import numpy as np
import pytest
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.numeric.sectors.chain_basis import apply_string, sector_matrix
from qb_symbolic.symbolic.chain_sectors import chain_sectors

#: Dense double-precision diagonalisations on both sides, energies O(N), t <= 5.
TOLERANCE = 1e-10

_P = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]], complex),
      "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.diag([1.0, -1.0]).astype(complex)}


def _op(N: int, letters: dict[int, str]) -> np.ndarray:
    return reduce(np.kron, [_P[letters.get(i, "I")] for i in range(N)])


def _hamiltonian(N: int, periodic: bool, v: dict) -> np.ndarray:
    """The paper's bond on every bond, Omega X on every site (site 1 the leftmost factor)."""
    H = sum(v["Omega"] * _op(N, {i: "X"}) for i in range(N))
    bonds = [(i, i + 1) for i in range(N - 1)] + ([(N - 1, 0)] if periodic and N > 2 else [])
    for i, j in bonds:
        H = H + v["J"] * ((1 + v["gamma"]) * _op(N, {i: "X", j: "X"})
                          + (1 - v["gamma"]) * _op(N, {i: "Y", j: "Y"})
                          + v["Delta"] * _op(N, {i: "Z", j: "Z"}))
        H = H + v["D"] * (_op(N, {i: "X", j: "Y"}) - _op(N, {i: "Y", j: "X"}))
    return H


def _ergotropy(N: int, periodic: bool, v: dict, t: np.ndarray) -> np.ndarray:
    """<H0> + N omega0 from |d...d> (the last basis state), by eigh of the full H."""
    E, V = np.linalg.eigh(_hamiltonian(N, periodic, v))
    H0 = v["omega0"] * sum(_op(N, {i: "Z"}) for i in range(N)).real
    alpha = V.conj()[-1]  # V^dag |d...d>
    psi = V @ (np.exp(-1j * np.outer(E, t)) * alpha[:, None])
    return np.real(np.sum(psi.conj() * (H0 @ psi), axis=0)) + N * v["omega0"]


def _random_values(rng: random.Random) -> dict:
    return {"Omega": rng.uniform(0.3, 2), "J": rng.uniform(-2, 2), "gamma": rng.uniform(-1, 1),
            "Delta": rng.uniform(-2, 2), "D": rng.uniform(-2, 2), "omega0": rng.uniform(0.5, 2)}


@pytest.mark.parametrize("model", ["parallel", "ising", "xxz", "xyz", "general"])
def test_two_sites_are_the_two_qubit_closed_forms(model):
    rng = random.Random(SEED + 61)
    fixed = qb.MODELS[model].fixed
    chain = qb.chain(2, model)
    t = np.linspace(0, 5, 11)
    for _ in range(4):
        v = {k: x for k, x in _random_values(rng).items() if k not in fixed}
        found = qb.evaluate_many(("ergotropy", "power"), t, battery=chain, **v)
        expected = qb.evaluate_many(("ergotropy", "power"), t, model=model, **v)
        for q in found:
            assert np.max(np.abs(found[q] - expected[q])) < 1e-12, (model, q, v)


def test_parallel_chain_by_hand():
    """J = D = 0: independent cells, each 2 omega0 sin^2(Omega t): 2 N omega0 sin^2."""
    t = np.linspace(0, 4, 41)
    for N in range(2, 11):
        found = qb.evaluate("ergotropy", t, battery=qb.chain(N, "parallel"), Omega=1.3, omega0=0.8)
        assert np.max(np.abs(found - 2 * N * 0.8 * np.sin(1.3 * t) ** 2)) < 1e-12, N


@pytest.mark.parametrize("periodic", [False, True])
def test_chains_match_brute_force(periodic):
    rng = random.Random(SEED + 62 + periodic)
    t = np.array([0.0, 0.37, 1.4, 3.1, 5.0])
    for N in range(3, 9):
        v = _random_values(rng)
        found = qb.evaluate("ergotropy", t, battery=qb.chain(N, "general", periodic=periodic), **v)
        assert np.max(np.abs(found - _ergotropy(N, periodic, v, t))) < TOLERANCE, (N, v)


def test_maps_broadcast_over_parameters_and_power_per_cell():
    rng = random.Random(SEED + 63)
    v = _random_values(rng)
    D = np.array([0.0, 0.8, 1.7])[:, None]
    t = np.linspace(0, 3, 7)[None, :]
    chain = qb.chain(5, "general", periodic=True)
    found = qb.evaluate_many(("ergotropy", "power_per_cell"), t, battery=chain,
                             **{**v, "D": D})
    for row, d in enumerate(D[:, 0]):
        zeta = _ergotropy(5, True, {**v, "D": d}, t[0])
        assert np.max(np.abs(found["ergotropy"][row] - zeta)) < TOLERANCE
        power = np.where(t[0] > 0, zeta / np.where(t[0] > 0, t[0], 1), 0) / 5
        assert np.max(np.abs(found["power_per_cell"][row] - power)) < TOLERANCE


def test_sectors_are_invariant_exactly():
    """Every term maps each sector into itself, in exact integer arithmetic (unnormalised
    orbit vectors, Gaussian-integer entries: exact in doubles), N = 2..6, open and ring,
    with and without DM; the populated sectors hold |d...d> entirely."""
    for N in range(2, 7):
        for periodic in (False, True):
            for model, fixed in (("general", {}), ("xxz", {"D": 0})):
                battery = qb.chain(N, model, periodic=periodic, **fixed)
                found = chain_sectors(battery)
                assert abs(sum(np.sum(c**2) for c in found.components) - 1) < 1e-14
                for group in _coefficient_groups(battery.pauli_terms()).values():
                    for sector in found.sectors:
                        _assert_maps_into(sector, group, N)


def _coefficient_groups(terms: dict) -> dict:
    """The operator multiplying each independent coefficient (``D`` multiplies XY - YX on
    every bond: only the sum is symmetric), integer weights."""
    groups: dict = {}
    for label, c in terms.items():
        number, rest = c.as_coeff_Mul()
        groups.setdefault(rest, []).append((label, int(number)))
    return groups


def _assert_maps_into(sector, group: list, N: int) -> None:
    """``O B`` lies in span(B) for the unnormalised integer basis B of the sector."""
    B = np.zeros((2**N, sector.dim), complex)
    B[sector.states, sector.columns] = sector.raw
    Pmat = np.zeros((2**N, 2**N), complex)
    for label, weight in group:
        target, phase = apply_string(label, np.arange(2**N))
        Pmat[target, np.arange(2**N)] += weight * phase
    image = Pmat @ B
    gram = np.rint(np.real(np.diag(B.conj().T @ B))).astype(np.int64)  # orthogonal columns
    # image in span(B)  <=>  L image = B diag(L / gram) B^dag image, L = lcm(gram): every
    # number an integer (Gaussian), far below 2^53, so double arithmetic is exact here.
    L = int(np.lcm.reduce(gram))
    rhs = B @ (np.diag((L // gram).astype(float)) @ (B.conj().T @ image))
    assert np.array_equal(L * image, rhs), group


def test_other_initial_labels_match_brute_force():
    """Starts that are not reflection or translation invariant ('uddd', 'udud' on a ring)."""
    rng = random.Random(SEED + 65)
    t = np.array([0.0, 0.9, 2.2])
    for label, periodic, fixed in (("uddd", False, {}), ("udud", True, {}),
                                   ("duud", False, {"D": 0, "gamma": 0})):
        v = {**_random_values(rng), **fixed}
        battery = qb.chain(4, "general", periodic=periodic, initial=label, **fixed)
        found = qb.evaluate("energy", t, battery=battery, **{k: x for k, x in v.items()
                                                              if k not in fixed})
        E, V = np.linalg.eigh(_hamiltonian(4, periodic, v))
        psi0 = np.zeros(16)
        psi0[int(label.replace("u", "0").replace("d", "1"), 2)] = 1
        psi = V @ (np.exp(-1j * np.outer(E, t)) * (V.conj().T @ psi0)[:, None])
        H0 = v["omega0"] * sum(_op(4, {i: "Z"}) for i in range(4)).real
        expected = np.real(np.sum(psi.conj() * (H0 @ psi), axis=0))
        assert np.max(np.abs(found - expected)) < TOLERANCE, label


def test_symmetries_found_and_dimensions():
    """D != 0: only RP (and T on a ring); D = 0 adds R and P. The N = 2 sectors are the
    paper's: the 3-dimensional block and the exact eigenstate Phi-."""
    assert chain_sectors(qb.chain(2, "general")).symmetries == ("RP",)
    assert [s.dim for s in chain_sectors(qb.chain(2, "general")).sectors] == [3, 1]
    assert chain_sectors(qb.chain(6, "general", periodic=True)).symmetries == ("T", "RP")
    assert chain_sectors(qb.chain(6, "xxz", D=0)).symmetries == ("R", "P")
    ring = chain_sectors(qb.chain(8, "general", periodic=True))
    assert ring.reachable < 2**8 / 4  # translation and RP: about 2^N / (2 N) * 2


def test_sector_matrix_is_the_restriction():
    """B^dag H B from sector_matrix equals the restriction of the dense H (N = 4 ring)."""
    rng = random.Random(SEED + 64)
    v = _random_values(rng)
    battery = qb.chain(4, "general", periodic=True)
    H = _hamiltonian(4, True, v)
    from qb_symbolic.numeric.sectors.chain_numeric import chain_system

    for k, sector in enumerate(chain_system(battery).sectors.sectors):
        B = np.zeros((16, sector.dim))
        B[sector.states, sector.columns] = sector.values
        terms = battery.pauli_terms()
        numeric = [(label, complex(c.subs({s: v[s.name] for s in c.free_symbols})))
                   for label, c in terms.items()]
        assert np.max(np.abs(sector_matrix(numeric, sector, sector, 4) - B.T @ H @ B)) < 1e-12, k


@pytest.mark.parametrize("call, message", [
    (lambda: qb.chain(0, "ising"), "N .* integer >= 1"),
    (lambda: qb.chain(23, "ising"), "beyond reach .N <= 22"),
    (lambda: qb.chain(4, "heisenberg"), "unknown model"),
    (lambda: qb.chain(4, bond="J*X", site="Omega*X"), "bond term"),
    (lambda: qb.chain(4, bond="J*XX", site="Omega*XI"), "one-letter labels"),
    (lambda: qb.chain(4, bond="J*XX"), "needs a site term"),
    (lambda: qb.chain(4, "ising", initial="ddd"), "label of 4 letters"),
    (lambda: qb.chain(4, "ising", K=1), "unknown parameter 'K'"),
    # fixed at build, checked as evaluate checks them (omega0 = 0 ended in an IndexError)
    (lambda: qb.chain(3, "xxz", omega0=0), r"omega0 must be > 0 \(it sets the energy scale\)"),
    (lambda: qb.chain(4, "xxz", Omega=-1), "Omega must be >= 0"),
    (lambda: qb.evaluate("concurrence", 0.1, battery=qb.chain(3, "ising")), "not available"),
    (lambda: qb.evaluate("ergotropy", 0.1, battery=qb.chain(3, "ising"), Q=1), "unknown parameter"),
])
def test_bad_chain_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("model", ["ising", "xxz", "xyz"])
def test_charging_of_two_sites_is_the_two_qubit_one(model):
    v = {"J": 0.8, "D": 1.1, "Omega": 1.0, "omega0": 1.0, "gamma": 0.4, "Delta": 2.0}
    v = {k: x for k, x in v.items() if k not in qb.MODELS[model].fixed}
    chain = qb.chain(2, model)
    for search in (qb.charging_time, qb.max_power):
        ours, closed = search(battery=chain, window=4, **v), search(model, window=4, **v)
        assert abs(float(ours.value) - float(closed.value)) < 1e-12
        assert abs(float(ours.t) - float(closed.t)) < 1e-6  # a flat maximum: sqrt(eps) in t


def test_charging_of_a_ring_against_a_dense_scan():
    """N = 6 ring: t_min and P_max against a 200001-point scan of the brute-force curve."""
    rng = random.Random(SEED + 66)
    v = _random_values(rng)
    battery = qb.chain(6, "general", periodic=True)
    t = np.linspace(0, 3, 200001)
    zeta = _ergotropy(6, True, v, t)
    power = np.where(t > 0, zeta / np.where(t > 0, t, 1), 0.0)
    found = qb.charging_time(battery=battery, window=3, **v)
    best = qb.max_power(battery=battery, window=3, **v)
    assert abs(float(found.value) - zeta.max()) < 1e-8 and abs(float(found.t) - t[zeta.argmax()]) < 3e-5
    assert abs(float(best.value) - power.max()) < 1e-8 and abs(float(best.t) - t[power.argmax()]) < 3e-5


def test_parallel_chain_charging_by_hand():
    """J = D = 0: zeta = 2 N omega0 sin^2(Omega t): full charge at pi/(2 Omega); the power
    2 N omega0 sin^2(x)/x (x = Omega t, times Omega) peaks where tan x = 2x, x = 1.16556..."""
    import mpmath as mp

    x = mp.findroot(lambda y: mp.tan(y) - 2 * y, 1.16)
    for N in (3, 7):
        battery = qb.chain(N, "parallel")
        found = qb.charging_time(battery=battery, window=2, Omega=1.5, omega0=0.7)
        assert found.full_charge and abs(float(found.t) - mp.pi / 3) < 1e-7
        best = qb.max_power(battery=battery, window=2, Omega=1.5, omega0=0.7)
        expected = 2 * N * 0.7 * 1.5 * mp.sin(x) ** 2 / x
        assert abs(float(best.value) - float(expected)) < 1e-12
        assert abs(float(best.t) - float(x / 1.5)) < 1e-6


def test_cli_chain(capsys):
    """``--chain N --model ... [--periodic]`` on eval, tmin and max-power: values against the
    brute force and refusals in one line each."""
    import json

    from qb_symbolic.cli import main

    assert main(["eval", "ergotropy", "--chain", "5", "--model", "general", "--periodic",
                 "--J", "0.7", "--gamma", "0.2", "--Delta", "1.3", "--D", "0.9", "--t", "0.8",
                 "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    v = {"Omega": 1.0, "J": 0.7, "gamma": 0.2, "Delta": 1.3, "D": 0.9, "omega0": 1.0}
    assert abs(printed["values"][0] - _ergotropy(5, True, v, np.array([0.8]))[0]) < TOLERANCE
    assert printed["model"] == "chain: 5 cells, ring, general"
    assert main(["tmin", "--chain", "3", "--model", "parallel", "--window", "2", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["full_charge"] and abs(printed["t_min"] - np.pi / 2) < 1e-7
    assert len(printed["t_min_digits"].replace(".", "")) == 16  # double precision, said so
    for argv, message in ((["--chain", "4", "--model", "ising", "--gamma", "0.3"], "fixed by"),
                          (["--chain", "0"], "integer >= 1"),
                          (["--chain", "23"], "beyond reach"),
                          (["--chain", "4", "--model", "heisenberg"], "heisenberg"),
                          (["--periodic"], "needs --chain"),
                          (["--chain", "4", "--set", "D=1"], "not --hamiltonian")):
        assert main(["eval", "ergotropy", "--t", "1", *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err, err


@pytest.mark.parametrize("N, periodic", [(5, False), (6, True)])
def test_local_ergotropy_and_half_chain_entropy_match_brute_force(N, periodic):
    """Each cell's reduced state from the full 2^N state (brute force: partial traces by
    reshaping, Bloch vector, omega0 (r_z + |r|)); the half-chain entropy from the Schmidt
    values of the full state (numpy SVD), in bits."""
    rng = random.Random(SEED + 67 + N)
    v = _random_values(rng)
    t = np.array([0.0, 0.6, 1.7])
    names = tuple(f"local_ergotropy_{i}" for i in range(1, N + 1))
    found = qb.evaluate_many((*names, "local_ergotropy_mean", "half_chain_entropy"), t,
                             battery=qb.chain(N, "general", periodic=periodic), **v)
    E, V = np.linalg.eigh(_hamiltonian(N, periodic, v))
    for k, time in enumerate(t):
        psi = V @ (np.exp(-1j * E * time) * V.conj()[-1])
        expected = []
        for i in range(N):
            rho = np.einsum("aib,ajb->ij", psi.reshape(2**i, 2, -1), psi.reshape(2**i, 2, -1).conj())
            r = np.array([2 * rho[0, 1].real, -2 * rho[0, 1].imag, (rho[0, 0] - rho[1, 1]).real])
            expected.append(v["omega0"] * (r[2] + np.linalg.norm(r)))
            assert abs(found[names[i]][k] - expected[-1]) < TOLERANCE, (i, time)
        assert abs(found["local_ergotropy_mean"][k] - np.mean(expected)) < TOLERANCE
        s = np.linalg.svd(psi.reshape(2 ** (N // 2), -1), compute_uv=False) ** 2
        s = s[s > 1e-300]
        assert abs(found["half_chain_entropy"][k] - (-np.sum(s * np.log2(s)))) < 1e-9
    assert found["half_chain_entropy"][0] < 1e-12 and np.max(found["half_chain_entropy"]) > 0.05
    with pytest.raises(ValueError, match=f"local_ergotropy_1..{N}"):
        qb.evaluate(f"local_ergotropy_{N + 1}", 0.1, battery=qb.chain(N, "general"), **v)
