"""States and Hamiltonians built in floating point (issue 23): accepted to a tolerance.

Every expected value comes from a source independent of the code under test:

* a brute-force numpy reference written here: ``H`` from Kronecker products of explicit
  Pauli matrices (or the float matrix itself), ``U = scipy.linalg.expm(-i H t)``,
  ``rho(t) = U rho U^dag``; ergotropy ``Tr(rho(t) H0) - sum_k r_k(down) e_k(up)`` and
  capacity ``sum_k r_k(down) e_k(down) - sum_k r_k(down) e_k(up)`` (CONVENTIONS.md,
  "Beyond the paper"; Yang et al., PRL 131, 030402, 2023), ``r`` the eigenvalues of the
  state as given, ``e`` those of H0;
* the defects injected by the tests themselves (a trace off by 1e-6, ...), which the
  error messages must report;
* hand results (``qutip.bell_state("00")`` is ``(|uu> + |dd>)/sqrt 2``).

Conventions restated: basis ``|uu>, |ud>, |du>, |dd>``, ``sz|u> = +|u>``, cell 1 the left
factor, ``"XY" = sx (x) sy``, default ``H0 = omega0 (sz1 + sz2)``.
"""

from __future__ import annotations

import re
import warnings
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
import qutip
import scipy.linalg
import sympy as sp
from conftest import SEED

import qb_symbolic as qb

#: Package against the numpy reference: both are double precision (closed-form roots and
#: Newton forms against expm) on energies of order 1-10 with phases ||H|| t <= ~40 rad,
#: each ~1e-14; the issue's acceptance bound.
REFERENCE_TOLERANCE = 1e-12
#: A defect a physicist must hear about: data rounded to six digits, a wrong normalisation.
DEFECT = 1e-6
#: The exact state the package uses against the float state given: each entry is snapped
#: within a few ulps (~1e-16) of the symmetrised, renormalised input.
SNAP_TOLERANCE = 1e-14
#: Random float states of the acceptance test (half numpy, half QuTiP).
COUNT = 50
TIMES = np.array([0.0, 0.37, 1.9, 4.6])

_P = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
      "Z": np.diag([1.0, -1.0])}
PAPER = "Omega*(XI + IX) + J*(XX + YY + Delta*ZZ) + D*(XY - YX)"
KSEA = "Omega*(XI + IX) + B*(ZI + IZ) + J*(XX + Delta*ZZ) + K*(XY + YX)"


def _pauli(label: str) -> np.ndarray:
    return np.kron(_P[label[0]], _P[label[1]])


def _paper_matrix(v: dict) -> np.ndarray:
    return (v["Omega"] * (_pauli("XI") + _pauli("IX"))
            + v["J"] * (_pauli("XX") + _pauli("YY") + v["Delta"] * _pauli("ZZ"))
            + v["D"] * (_pauli("XY") - _pauli("YX")))


def _ksea_matrix(v: dict) -> np.ndarray:
    return (v["Omega"] * (_pauli("XI") + _pauli("IX")) + v["B"] * (_pauli("ZI") + _pauli("IZ"))
            + v["J"] * (_pauli("XX") + v["Delta"] * _pauli("ZZ"))
            + v["K"] * (_pauli("XY") + _pauli("YX")))


def _unitary(rng: np.random.Generator) -> np.ndarray:
    """Q of the QR decomposition of a complex Gaussian matrix (a random unitary)."""
    gaussian = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    return np.linalg.qr(gaussian)[0]


def _numpy_state(rng: np.random.Generator, rank: int) -> np.ndarray:
    """``Q diag(p) Q^dag`` with ``rank`` nonzero weights: Hermitian and of trace 1 only
    to rounding, its diagonal carrying ~1e-17 imaginary parts."""
    p = np.zeros(4)
    p[:rank] = rng.dirichlet(np.ones(rank))
    Q = _unitary(rng)
    return Q @ np.diag(p) @ Q.conj().T


def _reference(H: np.ndarray, H0: np.ndarray, rho: np.ndarray, times) -> dict:
    """Ergotropy and capacity by brute force (module docstring)."""
    r_down = np.sort(np.linalg.eigvalsh((rho + rho.conj().T) / 2))[::-1]
    e_up = np.sort(np.linalg.eigvalsh(H0))
    passive, most = r_down @ e_up, r_down @ e_up[::-1]
    energy = []
    for t in times:
        U = scipy.linalg.expm(-1j * H * t)
        energy.append(np.trace(U @ rho @ U.conj().T @ H0).real)
    return {"ergotropy": np.array(energy) - passive,
            "capacity": np.full(len(times), most - passive)}


def _case(k: int, rng: np.random.Generator):
    """The k-th battery, its values, the float state given and the reference H and H0."""
    rank = 1 + k % 4
    if k < COUNT // 2:
        rho = _numpy_state(rng, rank)
    else:  # QuTiP 5: seed= and rank= of the Ginibre ensemble (rank 4 is full rank)
        rho = qutip.rand_dm([2, 2], distribution="ginibre", rank=rank, seed=SEED + k)
    given = rho.full() if isinstance(rho, qutip.Qobj) else rho
    omega0 = rng.uniform(0.5, 1.5)
    values = {"Omega": rng.uniform(0.2, 2.0), "J": rng.uniform(-1.5, 1.5),
              "Delta": rng.uniform(-2.0, 2.0), "omega0": omega0}
    H0 = omega0 * (_pauli("ZI") + _pauli("IZ"))
    if k % 10 == 4:  # a float H (Hermitian to rounding) and a float non-diagonal H0
        Q = _unitary(rng)
        H = Q @ np.diag(rng.uniform(-2, 2, size=4)) @ Q.conj().T
        H0 = _pauli("ZI") + 0.6 * _pauli("IZ") + 0.25 * _pauli("XX")
        battery, values = qb.Battery.from_matrix(H, H0=H0, initial=rho), {}
    elif k % 2:
        values.update(B=rng.uniform(-1, 1), K=rng.uniform(-1, 1))
        battery, H = qb.Battery.from_string(KSEA, initial=rho), _ksea_matrix(values)
    else:
        values["D"] = rng.uniform(-1.5, 1.5)
        terms = {"XI": "Omega", "IX": "Omega", "XX": "J", "YY": "J", "ZZ": "J*Delta",
                 "XY": "D", "YX": "-D"}
        battery, H = qb.Battery.from_paulis(terms, initial=rho), _paper_matrix(values)
    return battery, values, given, H, H0


@pytest.fixture(scope="module", autouse=True)
def _own_cache(tmp_path_factory):
    """Fifty batteries derive fifty sets of forms: keep them out of the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("QB_SYMBOLIC_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()


def test_random_float_states_match_the_brute_force_reference():
    rng = np.random.default_rng(SEED)
    worst = {"ergotropy": 0.0, "capacity": 0.0, "state": 0.0}
    warned = 0
    for k in range(COUNT):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            battery, values, given, H, H0 = _case(k, rng)
        assert all(w.category is qb.FloatInputWarning for w in seen), [str(w) for w in seen]
        assert all(Path(w.filename).name == Path(__file__).name for w in seen)  # user's line
        warned += bool(seen)
        exact = np.array(sp.Matrix(battery.initial_state).evalf(30).tolist(), dtype=complex)
        worst["state"] = max(worst["state"], float(np.max(np.abs(exact - given))))
        reference = _reference(H, H0, given, TIMES)
        for quantity in ("ergotropy", "capacity"):
            found = qb.evaluate(quantity, TIMES, battery=battery, **values)
            error = float(np.max(np.abs(found - reference[quantity])))
            worst[quantity] = max(worst[quantity], error)
            assert error < REFERENCE_TOLERANCE, (k, quantity, error)
    print(f"\nmax errors over {COUNT} float states: {worst}; {warned} warned")
    assert worst["state"] < SNAP_TOLERANCE
    assert warned > COUNT // 2  # rounding makes almost every float state need adjusting


def _exactly_a_state(rho: sp.Matrix) -> bool:
    """Hermitian and of trace 1 identically, every principal minor >= 0 (Sylvester)."""
    minors = (rho.extract(list(rows), list(rows)).det() for size in range(1, 5)
              for rows in combinations(range(4), size))
    return (sp.expand(rho - rho.H) == sp.zeros(4, 4) and rho.trace() == 1
            and all(sp.re(sp.expand(m)) >= 0 for m in minors))


@pytest.mark.parametrize("rank", [1, 2, 4])
def test_the_exact_state_is_a_state_within_rounding_of_the_input(rank):
    rng = np.random.default_rng(SEED + rank)
    given = _numpy_state(rng, rank)
    with pytest.warns(qb.FloatInputWarning, match="largest change of an entry"):
        battery = qb.Battery.from_string(PAPER, initial=given)
    rho = sp.Matrix(battery.initial_state)
    assert _exactly_a_state(rho)
    assert np.max(np.abs(np.array(rho.evalf(30).tolist(), dtype=complex) - given)) \
        < SNAP_TOLERANCE


def _amount(message: str, label: str) -> float:
    """The number printed after ``label`` in an error message."""
    found = re.search(re.escape(label) + r"\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)", message)
    assert found, (label, message)
    return float(found.group(1))


def _defective_states() -> dict:
    rng = np.random.default_rng(SEED)
    Q = _unitary(rng)
    rho = Q @ np.diag([0.4, 0.3, 0.2, 0.1]) @ Q.conj().T
    skew = np.zeros((4, 4))
    skew[0, 1], skew[1, 0] = DEFECT / 2, -DEFECT / 2  # ||A - A^dag|| = DEFECT
    return {
        "trace": (rho * (1 + DEFECT), "off by"),
        "Hermitian": (rho + skew, "^dagger|| ="),
        "positive": (Q @ np.diag([0.5, 0.3, 0.2 + DEFECT, -DEFECT]) @ Q.conj().T,
                     "eigenvalue"),
    }


@pytest.mark.parametrize("defect", ["trace", "Hermitian", "positive"])
@pytest.mark.parametrize("form", ["numpy", "qobj", "lists"])
def test_a_state_off_by_1e6_is_refused_with_the_amount(defect, form):
    rho, label = _defective_states()[defect]
    given = {"numpy": rho, "qobj": qutip.Qobj(rho, dims=[[2, 2], [2, 2]]),
             "lists": rho.tolist()}[form]
    with pytest.raises(ValueError, match=r"tolerance 1e-12") as refused:
        qb.Battery.from_string(PAPER, initial=given)
    assert abs(abs(_amount(str(refused.value), label)) - DEFECT) < 1e-3 * DEFECT


def test_every_constructor_accepts_a_qutip_state():
    rho = qutip.rand_dm([2, 2], seed=SEED)
    with pytest.warns(qb.FloatInputWarning, match="trace 1"):
        made = [qb.Battery.from_string(PAPER, initial=rho),
                qb.Battery.from_paulis({"XI": 1, "IX": 1}, initial=rho),
                qb.Battery.from_matrix(_pauli("XI") + _pauli("IX"), initial=rho),
                qb.Battery.from_matrix(_pauli("XI") + _pauli("IX"), initial=rho,
                                       rationals=True)]
    states = {sp.ImmutableMatrix(b.initial_state) for b in made}
    assert len(states) == 1 and _exactly_a_state(sp.Matrix(states.pop()))


def test_exact_input_keeps_its_exact_checks():
    almost = sp.diag(sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(1, 4), 0)
    almost[3, 3] = -sp.Rational(1, 10**20)  # trace 1 - 1e-20: no tolerance for exact input
    with pytest.raises(ValueError, match="trace 1 identically"):
        qb.Battery.from_string(PAPER, initial=almost)
    fractions = [[Fraction(1, 2), 0, 0, 0], [0, Fraction(1, 2), 0, 0], [0, 0, 0, 0],
                 [0, 0, 0, Fraction(-1, 10**20)]]
    with pytest.raises(ValueError, match="trace 1 identically"):
        qb.Battery.from_string(PAPER, initial=fractions)
    skew = sp.diag(sp.Rational(1, 2), sp.Rational(1, 2), 0, 0)
    skew[0, 0] += sp.I / 10**30
    with pytest.raises(ValueError, match="not Hermitian"):
        qb.Battery.from_string(PAPER, initial=skew)
    exact = sp.diag(sp.Rational(1, 3), sp.Rational(2, 3), 0, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # exact input is taken as it is, silently
        assert qb.Battery.from_string(PAPER, initial=exact).initial_state == exact


def test_float_kets_are_normalised_to_the_tolerance():
    with pytest.warns(qb.FloatInputWarning, match="square roots"):
        bell = qb.Battery.from_string(PAPER, initial=qutip.bell_state("00"))
    assert bell.initial_state == sp.Matrix([1, 0, 0, 1]) / sp.sqrt(2)  # by hand
    psi = qutip.rand_ket([2, 2], seed=SEED).full()[:, 0]
    with pytest.warns(qb.FloatInputWarning, match="unit sphere"):
        battery = qb.Battery.from_string(PAPER, initial=psi)
    exact = sp.Matrix(battery.initial_state)
    assert sp.expand((exact.H * exact)[0]) == 1
    assert np.max(np.abs(np.array(exact.evalf(30).tolist(), dtype=complex)[:, 0] - psi)) < SNAP_TOLERANCE
    values = {"Omega": 0.9, "J": 0.6, "Delta": 1.3, "D": -0.4, "omega0": 1.1}
    H, H0 = _paper_matrix(values), 1.1 * (_pauli("ZI") + _pauli("IZ"))
    reference = _reference(H, H0, np.outer(psi, psi.conj()), TIMES)["ergotropy"]
    found = qb.evaluate("ergotropy", TIMES, battery=battery, **values)
    assert np.max(np.abs(found - reference)) < REFERENCE_TOLERANCE
    with pytest.raises(ValueError, match=r"off by 2e-06, beyond the tolerance 1e-12"):
        qb.Battery.from_string(PAPER, initial=list(psi * np.sqrt(1 + 2e-6)))


def test_float_hamiltonians_are_symmetrised_to_the_tolerance():
    values = {"Omega": 0.7, "J": 1.1, "Delta": -0.5, "D": 0.3}
    H = _paper_matrix(values).astype(complex)
    noisy = H + 1e-17j * np.eye(4)  # rounding left on the diagonal
    with pytest.warns(qb.FloatInputWarning, match="Hermitian part"):
        battery = qb.Battery.from_matrix(noisy, H0=noisy)
    assert battery.hamiltonian == battery.energy_operator == qb.Battery.from_matrix(H).hamiltonian
    with pytest.warns(qb.FloatInputWarning):
        snapped = qb.Battery.from_matrix(noisy, rationals=True)
    assert snapped.hamiltonian[0, 0] == -sp.Rational(11, 20)  # J Delta = 1.1 (-0.5), by hand
    skew = np.zeros((4, 4), complex)
    skew[0, 1] = DEFECT
    with pytest.raises(ValueError, match=r"not Hermitian.*tolerance 1e-12") as refused:
        qb.Battery.from_matrix(H + skew)
    assert abs(_amount(str(refused.value), "^dagger|| =") - DEFECT) < 1e-3 * DEFECT


def test_helper_states_take_floats_exactly():
    for rho in (qb.product_state([0.3, 0.1, 0.7], [0.2, -0.4, 0.1]), qb.werner_state(0.3),
                qb.bell_diagonal_state(-0.3, -0.2, -0.1)):
        battery = qb.Battery.from_string(PAPER, initial=rho)
        assert battery.initial_state.trace() == 1 and not battery.initial_state.atoms(sp.Float)


def test_sympy_big_integer_overflow_becomes_a_clear_error():
    """SymPy 1.14 + gmpy2 2.3 overflow on huge exact integers (perfect_power): the guard
    turns exactly that OverflowError into one line naming the way out; others pass."""
    from qb_symbolic.core.errors import big_integer_guard

    with pytest.raises(ValueError, match="SYMPY_GROUND_TYPES=python") as error, \
            big_integer_guard("the blocks"):
        raise OverflowError("'mpz' too large to convert to float")
    assert "\n" not in str(error.value)
    with pytest.raises(OverflowError), big_integer_guard("the blocks"):
        raise OverflowError("math range error")
