"""The command line's battery commands (issue 23): one set of battery options on every
command, a plain table for every payload (the optimise table used to crash), ``--digits``
shown with that many digits, ``--initial`` as text and as a ``.npy`` file, one-line refusals
that say what to use instead.

Every expected value comes from outside the package: numpy ``eigh`` of Hamiltonians built
here from Pauli matrices (docs/conventions.md: basis |uu>, |ud>, |du>, |dd>, cell 1 the left
factor), or the mpmath ``expm`` of ``conftest``.
"""

from __future__ import annotations

import json
import random
from functools import reduce

import mpmath as mp
import numpy as np
import pytest
from conftest import SEED, mp_evolved_state, mp_hamiltonian

from qb_symbolic.cli import build_parser, main
from qb_symbolic.cli_initial import parse_state_text

PAULI = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
         "Z": np.diag([1.0, -1.0])}
BATTERY_OPTIONS = {"--model", "--Omega", "--J", "--gamma", "--Delta", "--D", "--omega0",
                   "--hamiltonian", "--h0", "--initial", "--gibbs", "--chain", "--periodic",
                   "--set"}
USER = "Omega*(XI + IX) + J*ZZ + D*(XY - YX)"


def op(label: str) -> np.ndarray:
    return reduce(np.kron, [PAULI[c] for c in label]).astype(complex)


def ising(Omega=1.0, J=1.0, D=0.0) -> np.ndarray:
    """The paper's H with gamma = 1, Delta = 0: Omega (XI + IX) + 2 J XX + D (XY - YX)."""
    return Omega * (op("XI") + op("IX")) + 2 * J * op("XX") + D * (op("XY") - op("YX"))


def user(Omega, J, D) -> np.ndarray:
    return Omega * (op("XI") + op("IX")) + J * op("ZZ") + D * (op("XY") - op("YX"))


def evolved(H: np.ndarray, start: np.ndarray, t: float) -> np.ndarray:
    """The state at t: a ket or a density matrix, by eigh of H."""
    w, V = np.linalg.eigh(H)
    U = (V * np.exp(-1j * w * t)) @ V.conj().T
    return U @ start if start.ndim == 1 else U @ start @ U.conj().T


def ergotropy(state: np.ndarray, H0: np.ndarray) -> float:
    """Tr(rho H0) minus the passive energy (rho's eigenvalues down against H0's up)."""
    rho = np.outer(state, state.conj()) if state.ndim == 1 else state
    passive = np.sum(np.linalg.eigvalsh(rho)[::-1] * np.linalg.eigvalsh(H0))
    return float(np.trace(rho @ H0).real - passive)


def energy(state: np.ndarray, H0: np.ndarray) -> float:
    rho = np.outer(state, state.conj()) if state.ndim == 1 else state
    return float(np.trace(rho @ H0).real)


H0 = op("ZI") + op("IZ")  # omega0 = 1
DD = np.array([0, 0, 0, 1], dtype=complex)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def field(out: str, key: str) -> str:
    """The first word after ``key`` on the plain table's line that starts with it."""
    line = next(x for x in out.splitlines() if x.startswith(key + " "))
    return line[len(key):].split()[0]


def significant(text: str) -> int:
    """Significant digits of a decimal string (leading zeros, sign, point, exponent aside)."""
    mantissa = text.lower().split("e")[0].lstrip("+-").replace(".", "")
    return len(mantissa.lstrip("0"))


def test_every_battery_command_takes_the_same_battery_options():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in ("eval", "tmin", "max-power", "optimise", "export", "latex"):
        options = {o for a in sub.choices[name]._actions for o in a.option_strings}
        assert BATTERY_OPTIONS <= options, (name, BATTERY_OPTIONS - options)


def test_plain_eval_table_and_derivative(capsys):
    code, out, err = run(["eval", "ergotropy", "--model", "ising", "--D", "0.7", "--t",
                          "0.3,1.1"], capsys)
    assert code == 0 and err == ""
    rows = [line.split() for line in out.splitlines()[2:]]
    for row in rows:
        t = float(row[0])
        assert abs(float(row[-1]) - ergotropy(evolved(ising(D=0.7), DD, t), H0)) < 1e-13
    code, out, err = run(["eval", "ergotropy", "--model", "ising", "--D", "0.7", "--t", "1.1",
                          "--wrt", "D"], capsys)
    assert code == 0 and err == "" and "d ergotropy/d D" in out
    h = 1e-6  # central difference of the brute force: error ~1e-10
    slope = (ergotropy(evolved(ising(D=0.7 + h), DD, 1.1), H0)
             - ergotropy(evolved(ising(D=0.7 - h), DD, 1.1), H0)) / (2 * h)
    assert abs(float(out.splitlines()[2].split()[-1]) - slope) < 1e-8


def _mp_ergotropy_and_rate(D: str, t: str) -> tuple[mp.mpf, mp.mpf]:
    """zeta = <H0> + 2 and d zeta/dt = <i [H, H0]> at 60 digits (ising, omega0 = 1)."""
    with mp.workdps(60):
        params = {"Omega": 1, "J": 1, "gamma": 1, "Delta": 0, "D": mp.mpf(D)}
        psi = mp.matrix(mp_evolved_state(params, mp.mpf(t), 60))
        H = mp_hamiltonian(1, 1, 1, 0, mp.mpf(D))
        h0 = mp.diag([2, 0, 0, -2])
        zeta = mp.re((psi.H * h0 * psi)[0]) + 2
        rate = mp.re((psi.H * (1j * (H * h0 - h0 * H)) * psi)[0])
        return zeta, rate


@pytest.mark.parametrize("digits", [5, 25, 45])
def test_digits_shown_in_the_table_and_json(digits, capsys):
    zeta, rate = _mp_ergotropy_and_rate("0.7", "0.3")
    base = ["eval", "ergotropy", "--model", "ising", "--D", "0.7", "--t", "0.3",
            "--digits", str(digits)]
    for extra, expected in (([], zeta), (["--wrt", "t"], rate)):
        code, out, _ = run([*base, *extra], capsys)
        shown = out.splitlines()[2].split()[-1]
        code_json, out_json, _ = run([*base, *extra, "--json"], capsys)
        value = json.loads(out_json)["values"][0]
        assert code == code_json == 0 and shown == value, (shown, value)
        assert significant(shown) == digits, shown
        with mp.workdps(60):
            assert abs(mp.mpf(shown) - expected) <= abs(expected) * mp.mpf(10) ** (1 - digits)


def test_plain_tmin_and_max_power_tables(capsys):
    H = ising(D=0.7)
    grid = np.linspace(1e-4, np.pi / 2, 3001)  # the default window [0, pi/(2 Omega)]
    zetas = np.array([ergotropy(evolved(H, DD, t), H0) for t in grid])
    code, out, err = run(["tmin", "--model", "ising", "--D", "0.7"], capsys)
    assert code == 0 and err == ""
    t_min, zeta_max = float(field(out, "t_min")), float(field(out, "zeta_max"))
    assert abs(ergotropy(evolved(H, DD, t_min), H0) - zeta_max) < 1e-12
    assert zetas.max() <= zeta_max + 1e-12
    code, out, err = run(["max-power", "--model", "ising", "--D", "0.7"], capsys)
    assert code == 0 and err == ""
    t, p_max = float(field(out, "t")), float(field(out, "P_max"))
    assert abs((ergotropy(evolved(H, DD, t), H0) - 0) / t - p_max) < 1e-12  # zeta(0) = 0
    assert np.max(zetas / grid) <= p_max + 1e-12


def _optimum(out: str) -> tuple[float, dict[str, float], str]:
    lines = {x.split()[0]: x for x in out.splitlines() if x}
    value = float(lines["maximum"].split("=")[1])
    at = dict(pair.split(" = ") for pair in lines["at"][len("at"):].strip().split(", "))
    return value, {k: float(v) for k, v in at.items()}, lines["certificate"]


def test_plain_optimise_table_the_reported_crash(capsys):
    """``optimise power --model ising --over t=0:3 --over D=0:4`` crashed (KeyError) in
    plain mode: now a table whose maximum no brute-force grid point beats."""
    code, out, err = run(["optimise", "power", "--model", "ising", "--over", "t=0:3",
                          "--over", "D=0:4"], capsys)
    assert code == 0 and err == "" and "Traceback" not in out
    value, at, certificate = _optimum(out)
    power = ergotropy(evolved(ising(D=at["D"]), DD, at["t"]), H0) / at["t"]
    assert abs(power - value) < 1e-12
    times = np.linspace(0.01, 3, 300)
    best = max(ergotropy(evolved(ising(D=D), DD, t), H0) / t
               for D in np.linspace(0, 4, 41) for t in times)
    assert best <= value + 1e-12
    assert "bound of D" in certificate  # the largest power sits at the largest D here


def test_optimise_a_user_battery_from_a_vector_text_start(capsys):
    """--hamiltonian with --initial '[1, 1j, 0, 0]/sqrt(2)' (exact): the optimum against a
    brute-force grid, the value against the brute force at the optimum."""
    start = np.array([1, 1j, 0, 0]) / np.sqrt(2)
    code, out, _ = run(["optimise", "ergotropy", "--hamiltonian", USER, "--initial",
                        "[1, 1j, 0, 0]/sqrt(2)", "--set", "Omega=1", "--set", "J=1/2",
                        "--over", "t=0:3", "--over", "D=0:1", "--json"], capsys)
    found = json.loads(out)
    assert code == 0 and found["gradient_method"] == "exact"
    at = found["location"]
    assert abs(ergotropy(evolved(user(1, 0.5, at["D"]), start, at["t"]), H0)
               - found["value"]) < 1e-12
    best = max(ergotropy(evolved(user(1, 0.5, D), start, t), H0)
               for D in np.linspace(0, 1, 21) for t in np.linspace(0, 3, 301))
    assert best <= found["value"] + 1e-12


def test_tmin_from_a_bell_vector(capsys):
    start = np.array([1, 0, 0, 1]) / np.sqrt(2)
    code, out, _ = run(["tmin", "--hamiltonian", USER, "--initial", "[1,0,0,1]/sqrt(2)",
                        "--set", "Omega=1", "--set", "J=0.5", "--set", "D=0.3", "--window", "3"],
                       capsys)
    assert code == 0
    t_min, zeta_max = float(field(out, "t_min")), float(field(out, "zeta_max"))
    H = user(1, 0.5, 0.3)
    assert abs(ergotropy(evolved(H, start, t_min), H0) - zeta_max) < 1e-12
    grid = max(ergotropy(evolved(H, start, t), H0) for t in np.linspace(0, 3, 3001))
    assert grid <= zeta_max + 1e-12


@pytest.fixture
def mixed_npy(tmp_path):
    """A seeded random float density matrix (full rank, complex) saved as .npy."""
    rng = np.random.default_rng(SEED)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = a @ a.conj().T
    rho /= np.trace(rho).real
    path = tmp_path / "rho.npy"
    np.save(path, rho)
    return path, rho


def test_npy_density_matrix_start_on_every_numeric_command(mixed_npy, capsys):
    path, rho = mixed_npy
    H = user(1, 0.5, 0.3)
    base = ["--hamiltonian", USER, "--initial", str(path), "--set", "Omega=1", "--set", "J=0.5",
            "--set", "D=0.3"]
    code, out, err = run(["eval", "power", *base, "--t", "0,0.4,1.3", "--json"], capsys)
    assert code == 0 and len(err.strip().splitlines()) <= 1  # a float state: one note at most
    e0 = energy(rho, H0)
    for t, value in zip((0.4, 1.3), json.loads(out)["values"][1:]):
        assert abs(value - (energy(evolved(H, rho, t), H0) - e0) / t) < 1e-12
    code, out, _ = run(["max-power", *base, "--window", "2"], capsys)
    t, p_max = float(field(out, "t")), float(field(out, "P_max"))
    assert code == 0 and abs((energy(evolved(H, rho, t), H0) - e0) / t - p_max) < 1e-11
    grid = max((energy(evolved(H, rho, s), H0) - e0) / s for s in np.linspace(1e-3, 2, 2001))
    assert grid <= p_max + 1e-11
    code, out, _ = run(["optimise", "ergotropy", *base[:-2], "--over", "t=0:2",
                        "--over", "D=0:1", "--json"], capsys)
    found = json.loads(out)
    assert code == 0 and found["gradient_method"] == "central differences"
    at = found["location"]
    assert abs(ergotropy(evolved(user(1, 0.5, at["D"]), rho, at["t"]), H0)
               - found["value"]) < 1e-12
    grid = max(ergotropy(evolved(user(1, 0.5, D), rho, t), H0)
               for D in np.linspace(0, 1, 21) for t in np.linspace(0, 2, 201))
    assert grid <= found["value"] + 1e-9


def test_npy_exact_pure_vector_and_dyadic_density(tmp_path, capsys):
    """[0, 0, 0, 1] as floats is |dd>; diag(0.5, 0, 0, 0.5) has dyadic entries (exact)."""
    np.save(tmp_path / "psi.npy", np.array([0.0, 0.0, 0.0, 1.0]))
    np.save(tmp_path / "rho.npy", np.diag([0.5, 0.0, 0.0, 0.5]))
    H = user(1, 0.5, 0.3)
    for name, start in (("psi.npy", DD), ("rho.npy", np.diag([0.5, 0, 0, 0.5]).astype(complex))):
        code, out, err = run(["eval", "ergotropy", "--hamiltonian", USER, "--initial",
                              str(tmp_path / name), "--set", "Omega=1", "--set", "J=0.5",
                              "--set", "D=0.3", "--t", "0.7"], capsys)
        assert code == 0 and err == "", err
        assert abs(float(out.splitlines()[2].split()[-1])
                   - ergotropy(evolved(H, start, 0.7), H0)) < 1e-13


def _chain_ising(N: int, Omega: float, J: float, D: float) -> np.ndarray:
    """Omega X on every site, 2 J XX + D (XY - YX) on every open bond (site 1 leftmost)."""
    def site(letters: dict[int, str]) -> np.ndarray:
        return op("".join(letters.get(i, "I") for i in range(N)))

    H = sum(Omega * site({i: "X"}) for i in range(N))
    for i in range(N - 1):
        H = H + 2 * J * site({i: "X", i + 1: "X"})
        H = H + D * (site({i: "X", i + 1: "Y"}) - site({i: "Y", i + 1: "X"}))
    return H, sum(site({i: "Z"}) for i in range(N)).real


def test_optimise_a_chain_by_central_differences(capsys):
    code, out, err = run(["optimise", "ergotropy", "--chain", "3", "--model", "ising",
                          "--D", "0.5", "--over", "t=0:2"], capsys)
    assert code == 0 and err == "" and "central differences" in out
    value, at, certificate = _optimum(out)
    H, h0 = _chain_ising(3, 1, 1, 0.5)
    start = np.zeros(8, dtype=complex)
    start[-1] = 1  # |ddd>
    assert abs(ergotropy(evolved(H, start, at["t"]), h0) - value) < 1e-12
    grid = max(ergotropy(evolved(H, start, t), h0) for t in np.linspace(0, 2, 2001))
    assert grid <= value + 1e-12 and "interior" in certificate


def test_optimise_a_gibbs_battery(capsys):
    """--gibbs xx: the Gibbs state of (B+b) ZI + (B-b) IZ + J (XX + YY) at beta, charged by
    H_B + Omega (XI + IX), energy by the Zeeman part (defaults B=1, b=0, J=1, Omega=1)."""
    code, out, _ = run(["optimise", "ergotropy", "--gibbs", "xx", "--set", "beta=2",
                        "--over", "t=0:2", "--json"], capsys)
    found = json.loads(out)
    zeeman = op("ZI") + op("IZ")
    HB = zeeman + op("XX") + op("YY")
    w, V = np.linalg.eigh(HB)
    weights = np.exp(-2 * (w - w[0]))
    rho = (V * (weights / weights.sum())) @ V.conj().T
    H = HB + op("XI") + op("IX")
    t = found["location"]["t"]
    assert code == 0 and abs(ergotropy(evolved(H, rho, t), zeeman) - found["value"]) < 1e-12
    grid = max(ergotropy(evolved(H, rho, s), zeeman) for s in np.linspace(0, 2, 2001))
    assert grid <= found["value"] + 1e-12


def test_latex_and_export_of_a_preset_take_its_values(tmp_path, capsys):
    code, out, _ = run(["latex", "--model", "ising", "--D", "0", "--no-pdf", "--out",
                        str(tmp_path)], capsys)
    assert code == 0 and (tmp_path / "qb_model_formulas.tex").exists()
    code, out, _ = run(["export", "ergotropy", "--lang", "c", "--model", "ising", "--D",
                        "0.5"], capsys)
    assert code == 0 and "double qb_ergotropy(double Omega, double J, double omega0, double t)" in out
    assert "Values fixed exactly: D = 1/2." in out


REFUSED = [
    (["export", "ergotropy", "--lang", "c", "--chain", "3"], ["closed form", "eval"]),
    (["export", "ergotropy", "--lang", "c", "--gibbs", "xx"], ["mixed state", "eval"]),
    (["export", "ergotropy", "--lang", "c", "--hamiltonian", "Omega*XI", "--initial",
      "thermal"], ["mixed state", "eval"]),
    (["export", "ergotropy", "--lang", "julia", "--harness"], ["c, rust, fortran"]),
    (["latex", "--chain", "3", "--no-pdf"], ["closed form", "eval"]),
    (["latex", "--hamiltonian", "Omega*XI", "--initial", "thermal", "--no-pdf"], ["mixed"]),
    (["eval", "ergotropy", "--chain", "3", "--t", "1", "--wrt", "D"], ["optimise"]),
    (["eval", "ergotropy", "--chain", "3", "--t", "1", "--digits", "20"], ["leave it out"]),
    (["eval", "ergotropy", "--chain", "3", "--t", "1", "--initial", "[1,0]"], ["label over u/d"]),
    (["eval", "ergotropy", "--t", "1", "--initial", "uu"], ["needs --hamiltonian"]),
    (["optimise", "ergotropy", "--model", "ising", "--hamiltonian", "J*ZZ", "--over", "t=0:1"],
     ["not both"]),
    (["export", "ergotropy", "--lang", "c", "--model", "ising", "-o", "/nonexistent-dir/x.c"],
     ["cannot write: /nonexistent-dir/x.c: No such file or directory"]),
]


@pytest.mark.parametrize("argv, words", REFUSED, ids=[" ".join(a[:4]) for a, _ in REFUSED])
def test_refusals_are_one_line_and_say_what_to_use(argv, words, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and all(w in err for w in words), err


BAD_STATES = ["[1,", "[1, 0, 0, 1]*[1]", "__import__('os').getcwd()", "[1, 0, 0, 1]", "ddx",
              "[1, 2**10**10]", "[[1, 0], [0]]", "missing.npy", "[0.6, 0, 0, 0.8j, 0]"]


@pytest.mark.parametrize("text", BAD_STATES)
def test_malformed_initial_states_are_one_line(text, capsys):
    code, out, err = run(["eval", "ergotropy", "--hamiltonian", "Omega*(XI + IX)", "--set",
                          "Omega=1", "--initial", text, "--t", "1"], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err


def test_state_text_is_exact_and_safe():
    import sympy as sp

    assert list(parse_state_text("[0.6, 0, 0, 0.8]")) == [sp.Rational(3, 5), 0, 0,
                                                          sp.Rational(4, 5)]
    r = sp.sqrt(2) / 2
    assert list(parse_state_text("[1, 1j, 0, 0]/sqrt(2)")) == [r, sp.I * r, 0, 0]
    assert parse_state_text("[[1/2, 0], [0, 1/2]]") == sp.eye(2) / 2
    for text in ("[1, 0]*[0, 1]", "open('x')", "[1, 0].__class__", "1 + 1", "lambda: 0"):
        with pytest.raises(ValueError, match="--initial"):
            parse_state_text(text)


def test_random_vector_texts_match_the_brute_force(capsys):
    """Seeded random exact vectors p/q (normalised in the text by sqrt of their norm):
    the ergotropy at one time against eigh."""
    rng = random.Random(SEED + 23)
    for _ in range(3):
        parts = [(rng.randint(-9, 9), rng.randint(-9, 9)) for _ in range(4)]
        norm = sum(a * a + b * b for a, b in parts) or 1
        text = "[" + ", ".join(f"{a} + {b}j" for a, b in parts) + f"]/sqrt({norm})"
        start = np.array([a + 1j * b for a, b in parts]) / np.sqrt(norm)
        code, out, _ = run(["eval", "ergotropy", "--hamiltonian", USER, "--initial", text,
                            "--set", "Omega=1", "--set", "J=0.5", "--set", "D=0.3", "--t",
                            "0.9", "--json"], capsys)
        if norm == 1 and not any(a or b for a, b in parts):
            assert code == 2  # the zero vector
            continue
        assert code == 0
        assert abs(json.loads(out)["values"][0]
                   - ergotropy(evolved(user(1, 0.5, 0.3), start, 0.9), H0)) < 1e-12
