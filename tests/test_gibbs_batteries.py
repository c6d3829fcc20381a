"""Thermal Heisenberg batteries (``qb.gibbs_battery``, issue 12): acceptance tests.

Every expected value comes from a source independent of the code under test:

* numpy: the 4x4 ``H_B`` and ``H = H_B + Omega (XI + IX)`` built here from Kronecker
  products of explicit Pauli matrices, ``eigh`` for the Gibbs state (weights relative to
  the ground energy) and for ``U(t)``, the figures of merit from their definitions
  (docs/conventions.md, "Beyond the paper");
* mpmath ``expm`` of the same matrices at 60 digits;
* hand results (derivations in the comments).

Conventions restated: basis ``|uu>, |ud>, |du>, |dd>``, ``sz|u> = +|u>``, cell 1 the left
factor, ``"XY" = sx (x) sy``; ``H0 = (B + b) sz1 + (B - b) sz2 = diag(2B, 2b, -2b, -2B)``.
"""

from __future__ import annotations

import random
import subprocess
import sys

import mpmath as mp
import numpy as np
import pytest
import scipy.linalg
import sympy as sp
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.symbolic.mixed import mixed_evolution

#: Float path against the numpy reference. Both sides work in double precision on O(1)
#: matrices: |H| <= ~20 in these ranges and t <= 5, so phases stay below ~100 rad and
#: each side loses about 1e-16 * 100 = 1e-14; 1e-12 leaves a factor 100 of margin
#: while any modelling error (a sign, a swapped cell, a wrong Gibbs state) is O(1e-3) or
#: more at these random points.
FLOAT_TOLERANCE = 1e-12
#: digits=50 against an mpmath expm at 60 digits: 20 digits of margin.
MP_TOLERANCE = mp.mpf(10) ** -30

_P = {"I": np.eye(2, dtype=complex), "X": np.array([[0, 1], [1, 0]], dtype=complex),
      "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.diag([1.0, -1.0]).astype(complex)}

#: The presets' exchange parts (Pauli label -> coupling name), written from the issue.
EXCHANGE = {
    "xx": {"XX": "J", "YY": "J"},
    "xy": {"XX": "Jx", "YY": "Jy"},
    "xxz": {"XX": "J", "YY": "J", "ZZ": "Jz"},
    "xyz": {"XX": "Jx", "YY": "Jy", "ZZ": "Jz"},
}
QUANTITIES = ("ergotropy", "capacity", "incoherent_ergotropy", "concurrence",
              "l1_coherence", "steering", "local_ergotropy_1")


def _op(label: str) -> np.ndarray:
    return np.kron(_P[label[0]], _P[label[1]])


def _battery_hamiltonian(model: str, p: dict) -> np.ndarray:
    """H_B = (B+b) ZI + (B-b) IZ + exchange + D (XY - YX) + K (XY + YX)."""
    H = (p["B"] + p["b"]) * _op("ZI") + (p["B"] - p["b"]) * _op("IZ")
    for label, name in EXCHANGE[model].items():
        H = H + p[name] * _op(label)
    return H + p["D"] * (_op("XY") - _op("YX")) + p["K"] * (_op("XY") + _op("YX"))


def _zeeman(p: dict) -> np.ndarray:
    return (p["B"] + p["b"]) * _op("ZI") + (p["B"] - p["b"]) * _op("IZ")


def _gibbs(H: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """(rho0, sqrt(rho0)) for exp(-beta H)/Z, weights exp(-beta (E - E_ground)): no overflow,
    and the square root from the weights themselves (no eigendecomposition of rho)."""
    E, W = np.linalg.eigh(H)
    w = np.exp(-beta * (E - E[0]))
    w /= np.sum(w)
    return (W * w) @ W.conj().T, (W * np.sqrt(w)) @ W.conj().T


def _propagator(H: np.ndarray, t: float) -> np.ndarray:
    w, V = np.linalg.eigh(H)
    return (V * np.exp(-1j * w * t)) @ V.conj().T


def _ergotropy(rho: np.ndarray, H0: np.ndarray) -> float:
    """Tr(rho H0) - sum r(down) e(up)."""
    e = np.linalg.eigvalsh(H0)
    r = np.linalg.eigvalsh(rho)[::-1]
    return np.trace(rho @ H0).real - np.sum(r * e)


def _reference(rho: np.ndarray, root: np.ndarray, H0: np.ndarray) -> dict[str, float]:
    """Every quantity of QUANTITIES from its definition (H0 diagonal and non-degenerate
    here: its eigenbasis is the computational one)."""
    e = np.linalg.eigvalsh(H0)
    r = np.linalg.eigvalsh(rho)[::-1]
    populations = np.sort(np.diag(rho).real)[::-1]
    energy = np.trace(rho @ H0).real
    # Wootters: l_k = singular values of sqrt(rho) (sy sy) conj(sqrt(rho)) (= square roots
    # of the eigenvalues of rho (sy sy) rho* (sy sy)); sqrt(rho) from the Gibbs weights.
    lam = np.linalg.svd(root @ _op("YY") @ root.conj(), compute_uv=False)
    paulis = [_P["X"], _P["Y"], _P["Z"]]
    T = np.array([[np.trace(rho @ np.kron(a, c)).real for c in paulis] for a in paulis])
    rho1 = rho.reshape(2, 2, 2, 2).trace(axis1=1, axis2=3)  # trace out cell 2
    h1 = (H0[0, 0].real - H0[2, 2].real) / 2 * _P["Z"]  # (B + b) sz
    return {
        "ergotropy": energy - np.sum(r * e),
        "capacity": np.sum(r * e[::-1]) - np.sum(r * e),
        "incoherent_ergotropy": energy - np.sum(populations * e),
        "concurrence": max(0.0, lam[0] - lam[1] - lam[2] - lam[3]),
        "l1_coherence": np.sum(np.abs(rho)) - np.sum(np.abs(np.diag(rho))),
        "steering": np.sqrt(np.sum(T**2)),
        "local_ergotropy_1": _ergotropy(rho1, h1),
    }


def _random_point(model: str, rng: random.Random) -> dict:
    names = {"B", "b", "D", "K", "beta", "Omega", *EXCHANGE[model].values()}
    ranges = {"B": (0.2, 2.0), "b": (-1.0, 1.0), "beta": (0.05, 5.0), "Omega": (0.3, 2.0)}
    return {n: rng.uniform(*ranges.get(n, (-2.0, 2.0))) for n in sorted(names)}


@pytest.fixture(scope="module")
def batteries():
    return {model: qb.gibbs_battery(model) for model in EXCHANGE}


@pytest.mark.parametrize("model", sorted(EXCHANGE))
def test_presets_match_brute_force_numpy(model, batteries):
    rng = random.Random(SEED + 120 + sorted(EXCHANGE).index(model))
    battery = batteries[model]
    for _ in range(3):
        p = _random_point(model, rng)
        times = np.array([0.0, rng.uniform(0, 5), rng.uniform(0, 5), 5.0])
        found = qb.evaluate_many(QUANTITIES, times, battery=battery, **p)
        H_B = _battery_hamiltonian(model, p)
        rho0, root0 = _gibbs(H_B, p["beta"])
        H = H_B + p["Omega"] * (_op("XI") + _op("IX"))
        for k, time in enumerate(times):
            U = _propagator(H, time)
            reference = _reference(U @ rho0 @ U.conj().T, U @ root0 @ U.conj().T, _zeeman(p))
            for q in QUANTITIES:
                assert abs(found[q][k] - reference[q]) < FLOAT_TOLERANCE, (model, p, time, q,
                                                                          found[q][k], reference[q])


def test_reference_gibbs_state_agrees_with_scipy_expm():
    # The reference's Gibbs state (eigh, shifted weights) against scipy's expm directly.
    p = {"B": 0.9, "b": 0.3, "Jx": 1.1, "Jy": -0.4, "Jz": 0.7, "D": 0.5, "K": -0.6}
    H_B = _battery_hamiltonian("xyz", p)
    expected = scipy.linalg.expm(-1.3 * H_B)
    assert np.max(np.abs(_gibbs(H_B, 1.3)[0] - expected / np.trace(expected))) < 1e-14


def test_xyz_preset_at_50_digits_matches_an_mpmath_expm(batteries):
    values = {"B": "0.85", "b": "-0.35", "Jx": "1.25", "Jy": "-0.6", "Jz": "0.45", "D": "0.7",
              "K": "-0.3", "Omega": "1.15", "beta": "1.7"}
    time = "2.3"
    found = qb.evaluate_many(("ergotropy", "capacity"), time, battery=batteries["xyz"],
                             digits=50, **values)
    with mp.workdps(60):
        v = {k: mp.mpf(x) for k, x in values.items()}
        op = {label: mp.matrix(_op(label).tolist()) for label in
              ("ZI", "IZ", "XX", "YY", "ZZ", "XY", "YX", "XI", "IX")}
        H0 = (v["B"] + v["b"]) * op["ZI"] + (v["B"] - v["b"]) * op["IZ"]
        H_B = (H0 + v["Jx"] * op["XX"] + v["Jy"] * op["YY"] + v["Jz"] * op["ZZ"]
               + v["D"] * (op["XY"] - op["YX"]) + v["K"] * (op["XY"] + op["YX"]))
        gibbs = mp.expm(-v["beta"] * H_B)
        rho0 = gibbs / sum(gibbs[i, i] for i in range(4))
        U = mp.expm(-1j * (H_B + v["Omega"] * (op["XI"] + op["IX"])) * mp.mpf(time))
        rho = U * rho0 * U.H
        rho = (rho + rho.H) / 2  # Hermitian to working precision, for eighe
        r = sorted((mp.re(x) for x in mp.eighe(rho, eigvals_only=True)), reverse=True)
        e = sorted(mp.re(H0[i, i]) for i in range(4))
        energy = mp.re(sum((rho * H0)[i, i] for i in range(4)))
        passive = mp.fsum(x * y for x, y in zip(r, e))
        ergotropy = energy - passive
        capacity = mp.fsum(x * y for x, y in zip(r, reversed(e))) - passive
        assert abs(found["ergotropy"].item() - ergotropy) < MP_TOLERANCE
        assert abs(found["capacity"].item() - capacity) < MP_TOLERANCE
        assert ergotropy > mp.mpf("0.01")  # a non-trivial value is being compared


def _pure_ergotropy(psi0: np.ndarray, H: np.ndarray, H0: np.ndarray, times) -> np.ndarray:
    """<psi(t)|H0|psi(t)> - E_min(H0): the pure-state ergotropy, brute force."""
    e_min = np.linalg.eigvalsh(H0)[0]
    out = []
    for time in times:
        psi = _propagator(H, time) @ psi0
        out.append(np.vdot(psi, H0 @ psi).real - e_min)
    return np.array(out)


def test_low_temperature_limit_is_the_ground_state_battery(batteries):
    """beta = 200 and beta = 1e4 against the pure battery started in the ground state of H_B.

    XXZ point below: the eigenvalues of H_B (numpy, printed by the assertion on failure) have
    a gap > 0.5 above a non-degenerate ground state, so the thermal weights of the excited
    levels are < exp(-200 * 0.5) ~ 1e-44 (and exp(-5000) at beta = 1e4): the Gibbs state is
    the ground state far below double precision, and beta = 1e4 must not overflow.
    """
    p = {"B": 0.6, "b": 0.25, "J": 1.3, "Jz": 0.4, "D": 0.8, "K": -0.5, "Omega": 0.9}
    H_B = _battery_hamiltonian("xxz", p)
    E, W = np.linalg.eigh(H_B)
    assert E[1] - E[0] > 0.5, E
    H = H_B + p["Omega"] * (_op("XI") + _op("IX"))
    times = np.linspace(0, 5, 11)
    expected = _pure_ergotropy(W[:, 0], H, _zeeman(p), times)
    assert np.max(expected) > 0.1  # the ground state of H_B is not passive for H0
    for beta in (200.0, 1e4):
        found = qb.evaluate("ergotropy", times, battery=batteries["xxz"], beta=beta, **p)
        assert np.all(np.isfinite(found)), beta
        assert np.max(np.abs(found - expected)) < FLOAT_TOLERANCE, beta
        # A pure state: capacity E_max(H0) - E_min(H0) = 2|B| + 2|B| = 4 B (|b| < B here),
        # and the incoherent part, concurrence, steering are finite too.
        more = qb.evaluate_many(("capacity", "concurrence", "steering", "l1_coherence"),
                                times, battery=batteries["xxz"], beta=beta, **p)
        assert np.max(np.abs(more["capacity"] - 4 * p["B"])) < FLOAT_TOLERANCE, beta
        for q, values in more.items():
            assert np.all(np.isfinite(values)), (beta, q)


def test_low_temperature_limit_by_hand_against_the_package_pure_battery(batteries):
    """XX preset, B = 1/2, b = D = K = 0, J = 1: H_B = (ZI + IZ)/2 + XX + YY.

    By hand: |uu> -> 1, |dd> -> -1; on span{|ud>, |du>} XX + YY = 2 (|ud><du| + h.c.), so
    eigenvalues +-2 with the singlet (|ud> - |du>)/sqrt2 at -2: a non-degenerate ground
    state, gap 1. The singlet has <H0> = 0 and is annihilated by XI + IX and is an
    eigenvector of H_B, so psi(t) stays the singlet: ergotropy 0 - (-2B) = 1 for all t.
    The same from the package's pure-state path (Battery.from_string, exact singlet start).
    """
    values = {"B": 0.5, "b": 0.0, "J": 1.0, "D": 0.0, "K": 0.0, "Omega": 1.3}
    times = np.linspace(0, 5, 11)
    singlet = sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2)
    pure = qb.Battery.from_string("B*(ZI + IZ) + J*(XX + YY) + Omega*(XI + IX)",
                                  H0="B*(ZI + IZ)", initial=singlet)
    by_pure = qb.evaluate("ergotropy", times, battery=pure, B=0.5, J=1.0, Omega=1.3)
    assert np.max(np.abs(by_pure - 1.0)) < FLOAT_TOLERANCE
    for beta in (200.0, 1e4):
        found = qb.evaluate("ergotropy", times, battery=batteries["xx"], beta=beta, **values)
        assert np.max(np.abs(found - 1.0)) < FLOAT_TOLERANCE, beta


@pytest.mark.parametrize("model", sorted(EXCHANGE))
def test_infinite_temperature_is_maximally_mixed(model, batteries):
    """beta = 0: rho = 1/4 for all t (U 1 U^dag = 1). By hand: Tr(H0)/4 = (2B + 2b - 2b - 2B)/4
    = 0 and every passive energy sum_k (1/4) e_k = 0: ergotropy 0, capacity 0 (all r_k = 1/4
    against e(down) or e(up) give the same sum); no populations to reorder (incoherent 0),
    no off-diagonal entries (l1 0), T = 0 (steering 0), separable (concurrence 0)."""
    rng = random.Random(SEED + 130 + sorted(EXCHANGE).index(model))
    p = _random_point(model, rng)
    p["beta"] = 0.0
    times = np.array([0.0, 0.7, 2.9, 5.0])
    found = qb.evaluate_many(QUANTITIES, times, battery=batteries[model], **p)
    for q in QUANTITIES:
        assert np.max(np.abs(found[q])) < FLOAT_TOLERANCE, (q, found[q])


def test_passive_energy_is_constant_and_proved():
    """The spectrum of rho(t) = U rho0 U^dag is that of rho0, so the passive energy
    sum r(down) e(up) is constant: mixed.py's exact proofs for a small preset (fixed B, b,
    D, K; symbols J, Omega, beta), and numerically energy - ergotropy = the passive energy
    of rho0 (numpy) at every t."""
    battery = qb.gibbs_battery("xx", B=1, b=0, D=0, K=0)
    assert [s.name for s in battery.parameters] == ["J", "Omega", "beta"]
    proofs = mixed_evolution(battery).proofs()
    assert all(proofs.values()), proofs
    assert proofs["unitary (trace, spectrum, passive energy constant)"]

    p = {"B": 1.0, "b": 0.0, "J": 0.7, "D": 0.0, "K": 0.0}
    rho0, _ = _gibbs(_battery_hamiltonian("xx", p), 0.8)
    passive = np.sum(np.linalg.eigvalsh(rho0)[::-1] * np.array([-2.0, 0.0, 0.0, 2.0]))
    times = np.linspace(0, 5, 21)
    found = qb.evaluate_many(("energy", "ergotropy", "capacity"), times, battery=battery,
                             J=0.7, Omega=1.1, beta=0.8)
    assert np.max(np.abs(found["energy"] - found["ergotropy"] - passive)) < FLOAT_TOLERANCE
    assert np.ptp(found["capacity"]) < FLOAT_TOLERANCE


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="heisenberg.*xx, xy, xxz, xyz"):
        qb.gibbs_battery("heisenberg")
    with pytest.raises(ValueError, match="unknown parameter 'Jz'"):
        qb.gibbs_battery("xx", Jz=1)  # the XX preset has no Jz
    battery = qb.gibbs_battery("xx", b=0, D=0, K=0)
    with pytest.raises(ValueError, match="beta"):
        qb.evaluate("ergotropy", 0.5, battery=battery, B=1, J=1, Omega=1, beta=-1)
    with pytest.raises(ValueError, match="inverse temperature"):
        qb.gibbs_battery("xx", beta=-1)


def test_cli_negative_beta_is_one_line_without_traceback():
    # The CLI's --initial thermal is the Gibbs state of --h0 (here the Zeeman part), not the
    # gibbs_battery preset; the sign check of beta is what is tested.
    proc = subprocess.run(
        [sys.executable, "-m", "qb_symbolic", "eval", "ergotropy",
         "--hamiltonian", "(B + b)*ZI + (B - b)*IZ + J*(XX + YY) + Omega*(XI + IX)",
         "--h0", "(B + b)*ZI + (B - b)*IZ", "--initial", "thermal",
         "--set", "B=1", "--set", "b=0.2", "--set", "J=1", "--set", "Omega=1",
         "--set", "beta=-1", "--t", "0.5"],
        capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode != 0 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "beta" in proc.stderr, proc.stderr


def test_cli_gibbs_battery(capsys):
    """``--gibbs xxz --set ...`` evaluates the preset (checked against brute force) and
    refuses what does not belong with it, in one line each."""
    from qb_symbolic.cli import main

    p = {"B": 1.0, "b": 0.25, "J": 1.0, "Jz": 0.5, "D": 0.5, "K": 0.0, "Omega": 1.0, "beta": 2.0}
    argv = ["eval", "ergotropy", "--gibbs", "xxz", "--t", "0.7", "--json"]
    argv += [f"--set={n}={v}" for n, v in p.items() if n in ("b", "Jz", "D", "beta")]
    assert main(argv) == 0
    import json

    printed = json.loads(capsys.readouterr().out)
    rho0 = _gibbs(_battery_hamiltonian("xxz", p), p["beta"])[0]
    H = _battery_hamiltonian("xxz", p) + p["Omega"] * (_op("XI") + _op("IX"))
    U = _propagator(H, 0.7)
    assert abs(printed["values"][0] - _ergotropy(U @ rho0 @ U.conj().T, _zeeman(p))) < 1e-12
    assert printed["model"] == "gibbs: xxz" and printed["params"]["beta"] == 2.0
    for bad, message in ((["--set", "Jx=1"], "unknown parameter 'Jx'"),
                         (["--initial", "ud"], "--gibbs is a whole battery"),
                         (["--Omega", "2"], "replaces --model")):
        assert main(["eval", "ergotropy", "--gibbs", "xxz", "--t", "1", *bad]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err, err
    assert main(["latex", "--gibbs", "xx", "--out", "unused"]) == 2
    assert "section 'thermal'" in capsys.readouterr().err
