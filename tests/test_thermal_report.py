"""The thermal battery of the report (Ali et al., arXiv:2408.00133 setting): figures and claims.

The physics numbers of every claim are checked against a brute-force reference written
here from the definitions, independent of qb_symbolic: the 4x4 ``H_B`` from Pauli
matrices (basis |uu>, |ud>, |du>, |dd>, cell 1 the left factor), its Gibbs state from
``numpy.linalg.eigh``, the charged state from the eigen-decomposition of
``H_B + Omega (sx1 + sx2)``, ergotropy ``Tr(rho H0) - sum_k r_k(down) e_k(up)`` and
capacity ``sum_k r_k(down) e_k(down) - sum_k r_k(down) e_k(up)``. The field question
(uniform or inhomogeneous) is checked against a second reference: the Gibbs state as
``scipy.linalg.expm(-H_B/T)`` normalised, the ergotropy by the same passive-state formula.
"""

from __future__ import annotations

import json

import matplotlib.image as mpimg
import numpy as np
import pytest
from scipy.linalg import expm

from qb_symbolic.paper import claims_thermal as ct
from qb_symbolic.paper import claims_thermal_field as ctf
from qb_symbolic.paper import thermal_figures as tf
from qb_symbolic.paper.claims import STATUSES, THERMAL_SUMMARY
from qb_symbolic.paper.families import THERMAL
from qb_symbolic.paper.figures import save_figures

# --------------------------------------------------------------------------
# Brute-force reference
# --------------------------------------------------------------------------

_X = np.array([[0, 1], [1, 0]], complex)
_Y = np.array([[0, -1j], [1j, 0]])
_Z = np.diag([1.0, -1.0]).astype(complex)
_I = np.eye(2)
#: The setting the report states in its captions (B, b, exchange per preset as (Jx, Jy, Jz)).
B, b = 1.0, 0.2
EXCHANGE = {"xx": (1.0, 1.0, 0.0), "xy": (1.0, 0.5, 0.0), "xxz": (1.0, 1.0, 0.5), "xyz": (1.0, 0.5, 0.5)}
#: Brute force against closed forms (both double precision).
CLOSE = {"rtol": 0, "atol": 2e-6}


def _op(a: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.kron(a, c)


def hamiltonians(model: str, D, K, b_field=b, sign: float = 1.0):
    """``(H_B, H0, charger)`` broadcast over D, K, b: shapes (..., 4, 4); ``sign`` times the exchange."""
    Jx, Jy, Jz = (sign * J for J in EXCHANGE[model])
    D, K, bb = (np.asarray(v, float)[..., None, None] for v in (D, K, b_field))
    H0 = (B + bb) * _op(_Z, _I) + (B - bb) * _op(_I, _Z)
    H = (H0 + Jx * _op(_X, _X) + Jy * _op(_Y, _Y) + Jz * _op(_Z, _Z)
         + D * (_op(_X, _Y) - _op(_Y, _X)) + K * (_op(_X, _Y) + _op(_Y, _X)))
    return H, H0, _op(_X, _I) + _op(_I, _X)


def gibbs(H: np.ndarray, T) -> np.ndarray:
    e, V = np.linalg.eigh(H)
    w = np.exp(-(e - e[..., :1]) / np.asarray(T, float)[..., None])
    w /= w.sum(axis=-1, keepdims=True)
    return (V * w[..., None, :]) @ np.conj(np.swapaxes(V, -1, -2))


def ergotropy_capacity(rho: np.ndarray, H0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = np.linalg.eigvalsh(rho)[..., ::-1]  # descending
    e = np.linalg.eigvalsh(H0)  # ascending
    energy = np.einsum("...ij,...ji->...", rho, H0).real
    passive = np.sum(r * e, axis=-1)
    return energy - passive, np.sum(r * e[..., ::-1], axis=-1) - passive


def static(model: str, T, D, K, b_field=b) -> tuple[np.ndarray, np.ndarray]:
    H, H0, _ = hamiltonians(model, D, K, b_field)
    return ergotropy_capacity(gibbs(H, T), np.broadcast_to(H0, H.shape))


def charged_ergotropy(model: str, t: np.ndarray, T: float, D: float, K: float, b_field: float) -> np.ndarray:
    H, H0, V = hamiltonians(model, D, K, b_field)
    rho0 = gibbs(H, T)
    e, W = np.linalg.eigh(H + V)  # Omega = 1
    U = (W[None] * np.exp(-1j * e[None, None, :] * t[:, None, None])) @ np.conj(W.T)[None]
    rho = U @ rho0 @ np.conj(np.swapaxes(U, -1, -2))
    return ergotropy_capacity(rho, np.broadcast_to(H0, rho.shape))[0]


# --------------------------------------------------------------------------
# Fixtures: one build of the figures and of the claims per module
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    out = tmp_path_factory.mktemp("thermal") / "figures"
    return save_figures(tf.THERMAL_FIGURES.values(), out)


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in THERMAL.evaluate()}


def test_the_setting_is_the_one_stated() -> None:
    assert tf.FIELD == {"B": B, "b": b}
    assert tf.DM_KSEA == {"D": 0.5, "K": 0.5} and tf.OMEGA == 1.0
    for model, (Jx, Jy, Jz) in EXCHANGE.items():
        p = tf.couplings(model)
        assert (p.get("Jx", p.get("J")), p.get("Jy", p.get("J")), p.get("Jz", 0.0)) == (Jx, Jy, Jz)


def test_reference_sanity() -> None:
    """beta = 0 (T huge): no ergotropy; T -> 0 of a pure eigenstate: capacity = spread of H0 = 4."""
    erg, cap = static("xxz", 1e12, 0.5, 0.5)
    assert abs(erg) < 1e-9 and abs(cap) < 1e-9
    _, cap = static("xxz", 1e-3, 0.5, 0.5)
    assert abs(cap - 4.0) < 1e-9


def test_figures_are_written(figures) -> None:
    assert [f.name for f in figures] == ["thermal_T", "thermal_D", "thermal_K", "thermal_charging"]
    for figure in figures:
        assert [p.suffix for p in figure.files] == [".png", ".pdf"]
        for path in figure.files:
            assert path.name.startswith("thermal_") and path.stat().st_size > 10_000, path
        image = mpimg.imread(figure.files[0])
        assert image.shape[0] > 500 and image.shape[1] > 700
        assert "B = 1, b = 0.2" in figure.caption and "units of J" in figure.caption
        assert len(figure.panels) == 4


def test_figure_data_against_the_reference(figures) -> None:
    by_name = {f.name: f for f in figures}
    temperature = {p.quantity: p for p in by_name["thermal_T"].panels}
    for q, index in (("ergotropy", 0), ("capacity", 1)):
        panel = temperature[q]
        pick = np.arange(0, len(panel.x), 30)
        for model in EXCHANGE:
            expected = static(model, panel.x[pick], 0.5, 0.5)[index]
            np.testing.assert_allclose(panel.curves[model.upper()][pick], expected, **CLOSE)
    dm = {p.quantity: p for p in by_name["thermal_D"].panels}["ergotropy"]
    pick = np.arange(0, len(dm.x), 25)
    expected = static("xyz", tf.FIXED_T, dm.x[pick], 0.5)[0]
    np.testing.assert_allclose(dm.curves["XYZ"][pick], expected, **CLOSE)
    panel = by_name["thermal_charging"].panels[1]  # XY
    label = next(iter(panel.curves))
    T = panel.params[label]["T"]
    pick = np.arange(0, len(panel.x), 40)
    expected = charged_ergotropy("xy", panel.x[pick], T, 0.5, 0.5, b)
    np.testing.assert_allclose(panel.curves[label][pick], expected, **CLOSE)
    # The split: incoherent + coherent = ergotropy, both >= 0.
    split = {p.quantity: p for p in by_name["thermal_K"].panels}
    for model in ("XX", "XYZ"):
        total = split["incoherent_ergotropy"].curves[model] + split["coherent_ergotropy"].curves[model]
        np.testing.assert_allclose(total, split["ergotropy"].curves[model], atol=1e-9)
        assert split["incoherent_ergotropy"].curves[model].min() >= -1e-12


def test_claims_statuses_verdicts_numbers(claims) -> None:
    assert list(claims) == ["thermal-dm-ksea-raise", "thermal-temperature-lowers", "thermal-uniform-or-inhomogeneous"]
    # Only an issue's summary of that paper was read: every claim says so.
    assert {c.source for c in claims.values()} == {THERMAL_SUMMARY}
    assert "summary of arXiv:2408.00133 in an issue" in THERMAL_SUMMARY
    opening = {"holds": "holds", "holds-conditionally": "holds only", "fails": "fails"}
    for claim in claims.values():
        assert claim.status in STATUSES
        assert claim.verdict.startswith(opening[claim.status]), claim.verdict[:40]
        if claim.status == "holds":
            assert not claim.verdict.startswith("holds only")
        json.dumps(claim.numbers, allow_nan=False)
        assert claim.numbers["cases_true"] <= claim.numbers["cases"]
        expected = ("holds" if claim.numbers["cases_true"] == claim.numbers["cases"]
                    else "fails" if claim.numbers["cases_true"] == 0 else "holds-conditionally")
        assert claim.status == expected


def test_dm_ksea_claim_against_the_reference(claims) -> None:
    numbers = claims["thermal-dm-ksea-raise"].numbers
    T = np.asarray(ct.TEMPERATURES)[:, None, None]
    x = np.asarray(ct.STRENGTH_SCAN)[None, :, None]
    other = np.asarray(ct.BACKGROUNDS)[None, None, :]
    total = 0
    for model in EXCHANGE:
        for name in ("D", "K"):
            D, K = (x, other) if name == "D" else (other, x)
            found = dict(zip(("ergotropy", "capacity"), static(model, T, D, K), strict=True))
            for q, v in found.items():
                group = numbers["groups"][f"{model}/{name}/{q}"]
                gain = v[:, 1:, :] - v[:, :1, :]
                raised = gain.min(axis=1) >= -1e-7
                assert group["cases_raised"] == raised.sum(), (model, name, q)
                total += raised.sum()
                assert abs(group["largest_drop"] - min(gain.min(), 0.0)) < 2e-6
                at = group["drop_at"]
                if at is not None:
                    i, j, k = (ct.TEMPERATURES.index(at["T"]), list(ct.STRENGTH_SCAN).index(at["strength"]),
                               ct.BACKGROUNDS.index(at["background"]))
                    assert abs(at["value"] - v[i, j, k]) < 2e-6 and abs(at["value_at_zero"] - v[i, 0, k]) < 2e-6
                    pair = {name: at["strength"], ct._OTHER[name]: at["background"]}
                    H = hamiltonians(model, pair["D"], pair["K"])[0]
                    lows = [np.linalg.eigvalsh(H[np.ix_(k, k)])[0] for k in ([1, 2], [0, 3])]
                    assert abs(at["block_ground_gap"] - abs(lows[0] - lows[1])) < 1e-6
    assert numbers["cases_true"] == total
    # Even in D (the parity the verdict states), by brute force.
    plus, minus = static("xy", 0.3, 0.7, 0.4), static("xy", 0.3, -0.7, -0.4)
    np.testing.assert_allclose(plus, minus, atol=1e-12)


def test_temperature_claim_against_the_reference(claims) -> None:
    numbers = claims["thermal-temperature-lowers"].numbers
    T = np.asarray(ct.T_SCAN)
    for model in EXCHANGE:
        for D, K in ((0.0, 0.0), (0.5, 0.5)):
            found = dict(zip(("ergotropy", "capacity"), static(model, T, D, K), strict=True))
            for q, v in found.items():
                group = numbers["groups"][f"{model}/D={D:g},K={K:g}/{q}"]
                rises = np.diff(v) > 1e-7
                assert group["falls_throughout"] == (not rises.any()), (model, D, K, q)
                assert abs(group["value_at_T_min"] - v[0]) < 2e-6 and abs(group["value_at_T_max"] - v[-1]) < 2e-6
                if rises.any():  # the stated range: from the first to the last rising step
                    first, last = np.flatnonzero(rises)[[0, -1]]
                    assert group["rises_for_T_in"][0][0] == pytest.approx(T[first])
                    assert group["rises_for_T_in"][-1][1] == pytest.approx(T[last + 1])
    # XY's ergotropy rises from T = 0.02 (its ground state is near |dd>): hand-checkable numbers.
    xy = numbers["groups"]["xy/D=0,K=0/ergotropy"]
    assert not xy["falls_throughout"] and xy["value_at_T_max"] < xy["value_at_T_min"] + 0.1


# --------------------------------------------------------------------------
# Uniform or inhomogeneous field: brute force with scipy's expm
# --------------------------------------------------------------------------

#: Exchange of the cells: |ud> <-> |du>.
SWAP = np.eye(4)[[0, 2, 1, 3]]


def gibbs_expm(H: np.ndarray, T) -> np.ndarray:
    """``expm(-H/T)`` normalised, for a stack of 4x4 (T >= 0.1 keeps it in range)."""
    rho = expm(-H / np.asarray(T, float)[..., None, None])
    return rho / np.trace(rho, axis1=-2, axis2=-1)[..., None, None].real


def field_ergotropy(model: str, sign: float, T: float, D: float, K: float, fields) -> np.ndarray:
    """Gibbs ergotropy over the given b (B = 1), brute force."""
    H, H0, _ = hamiltonians(model, D, K, np.asarray(fields, float), sign)
    return ergotropy_capacity(gibbs_expm(H, T), H0)[0]


def test_swapping_the_cells_is_b_to_minus_b() -> None:
    """The Gibbs quantities are even in b: the cell swap maps (b, D) to (-b, -D), and D enters as D^2."""
    rng = np.random.default_rng(24)
    D, K, bb, T = rng.uniform(-2, 2, 30), rng.uniform(-2, 2, 30), rng.uniform(-1, 1, 30), rng.uniform(0.1, 5, 30)
    for model in EXCHANGE:
        H, H0, _ = hamiltonians(model, D, K, bb)
        swapped, swapped0, _ = hamiltonians(model, -D, K, -bb)
        np.testing.assert_array_equal(SWAP @ H @ SWAP, swapped)  # exactly the battery at (-b, -D)
        np.testing.assert_array_equal(SWAP @ H0 @ SWAP, swapped0)
        here = ergotropy_capacity(gibbs_expm(H, T), H0)[0]
        np.testing.assert_allclose(ergotropy_capacity(gibbs_expm(swapped, T), swapped0)[0], here, atol=1e-12)
        np.testing.assert_allclose(field_ergotropy(model, 1.0, T, D, K, -bb), here, atol=1e-12)
        package = tf.thermal_values(model, ("ergotropy",), 0.0, T=T, b=np.stack([bb, -bb]), D=D, K=K)["ergotropy"]
        np.testing.assert_allclose(package[0], package[1], atol=1e-12)
        np.testing.assert_allclose(package[0], here, atol=2e-6)


def _field_case(model: str, sign: float, T: float, d: float, fields: np.ndarray) -> dict:
    """The brute-force numbers of one case: uniform and best value, slope 2 (r2 - r3) at b = 0."""
    E = field_ergotropy(model, sign, T, d, d, fields)
    zero = float(E[fields == 0][0])
    H, _, _ = hamiltonians(model, d, d, 0.0, sign)
    r = np.sort(np.linalg.eigvalsh(gibbs_expm(H, T)))[::-1]
    # One-sided difference quotients (the cusp's slope, not a derivative), their O(h) term
    # (the curvature) removed by Richardson's extrapolation.
    h = 1e-6
    quotient = (field_ergotropy(model, sign, T, d, d, [h, 2 * h]) - zero) / [h, 2 * h]
    return {"E": E, "uniform": zero, "slope": 2 * (r[1] - r[2]), "difference_quotient": 2 * quotient[0] - quotient[1]}


def test_uniform_or_inhomogeneous_against_the_reference(claims) -> None:
    claim = claims["thermal-uniform-or-inhomogeneous"]
    fields = ctf.field_scan()
    assert fields[0] == -1 and fields[-1] == 1 and 0 in fields and np.all(np.diff(fields) > 0)
    truth = []
    for sign, factor in (("J > 0", 1.0), ("J < 0", -1.0)):
        for model in EXCHANGE:
            group = claim.numbers["groups"][sign][model]
            for T in ct.TEMPERATURES:
                for d in (0.0, 0.5):
                    case, ref = group["cases"][f"T={T:g},D=K={d:g}"], _field_case(model, factor, T, d, fields)
                    E = ref["E"]
                    assert abs(case["uniform"] - ref["uniform"]) < 2e-6 and abs(case["best"] - E.max()) < 2e-6
                    at = np.flatnonzero(np.isclose(fields, case["best_b"], rtol=1e-5, atol=0))
                    assert E[at].max() > E.max() - 2e-6, (sign, model, T, d)
                    assert case["at_edge"] == (abs(case["best_b"]) == 1)
                    assert case["cusp_slope"] == pytest.approx(ref["slope"], rel=1e-3, abs=1e-12)
                    assert ref["difference_quotient"] == pytest.approx(ref["slope"], rel=1e-4, abs=1e-8)
                    truth.append(E.max() - ref["uniform"] > 1e-9 or ref["slope"] > 1e-9)
                    assert case["inhomogeneous"] == truth[-1]
    assert claim.numbers["cases"] == len(truth) == 96 and claim.numbers["cases_true"] == sum(truth)
    assert claim.status == ("holds" if all(truth) else "fails" if not any(truth) else "holds-conditionally")
    # The verdict answers for each sign of J.
    assert "J > 0 (antiferromagnetic): inhomogeneous in 48 of 48 cases" in claim.verdict
    assert "J < 0 (ferromagnetic): inhomogeneous in 48 of 48 cases" in claim.verdict


def test_field_question_numbers_by_hand(claims) -> None:
    """What the verdict states, each fact from the brute force."""
    groups = claims["thermal-uniform-or-inhomogeneous"].numbers["groups"]
    fields = ctf.field_scan()
    # XX at D = K = 0, b = 0: H_B commutes with H0, the Gibbs state is passive, no ergotropy.
    assert abs(field_ergotropy("xx", 1.0, 0.5, 0.0, 0.0, [0.0])[0]) < 1e-12
    assert groups["J > 0"]["xx"]["cases"]["T=0.5,D=K=0"]["uniform"] == 0
    # The antiferromagnetic XXZ ground state, near the singlet, has ergotropy close to 2B at b = 0,
    # and at T = 0.1 the best field is within 1e-4 of uniform, the gain below 1e-8.
    near = field_ergotropy("xxz", 1.0, 0.1, 0.0, 0.0, fields)
    zero = near[fields == 0][0]
    assert abs(zero - 2) < 1e-3 and near.max() - zero < 1e-8
    assert abs(fields[np.argmax(near)]) < 1e-4
    # Ferromagnetic XXZ at T = 1: the best field is the largest inhomogeneity, |b| = B.
    far = field_ergotropy("xxz", -1.0, 1.0, 0.0, 0.0, fields)
    assert abs(fields[np.argmax(far)]) == 1 and groups["J < 0"]["xxz"]["cases"]["T=1,D=K=0"]["at_edge"]
    # XX and XY: the sign of J changes nothing (a pi rotation of cell 1 about z), XXZ it does.
    rng = np.random.default_rng(7)
    D, K, bb, T = rng.uniform(-2, 2, 20), rng.uniform(-2, 2, 20), rng.uniform(-1, 1, 20), rng.uniform(0.1, 5, 20)
    for model in ("xx", "xy"):
        plus, minus = (static_with(model, T, D, K, bb, s) for s in (1.0, -1.0))
        np.testing.assert_allclose(plus, minus, atol=1e-12)
    assert np.abs(static_with("xxz", T, D, K, bb, 1.0) - static_with("xxz", T, D, K, bb, -1.0)).max() > 0.1
    difference = claims["thermal-uniform-or-inhomogeneous"].numbers["sign_difference"]
    assert difference["xx"] < 1e-12 and difference["xy"] < 1e-12 and difference["xxz"] > 0.1


def static_with(model: str, T, D, K, b_field, sign: float) -> np.ndarray:
    """Gibbs ergotropy (eigh reference) with the exchange times ``sign``."""
    H, H0, _ = hamiltonians(model, D, K, b_field, sign)
    return ergotropy_capacity(gibbs(H, T), H0)[0]
