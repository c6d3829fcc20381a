"""The thermal battery of the report (Ali et al., arXiv:2408.00133 setting): figures and claims.

The physics numbers of every claim are checked against a brute-force reference written
here from the definitions, independent of qb_symbolic: the 4x4 ``H_B`` from Pauli
matrices (basis |uu>, |ud>, |du>, |dd>, cell 1 the left factor), its Gibbs state from
``numpy.linalg.eigh``, the charged state from the eigen-decomposition of
``H_B + Omega (sx1 + sx2)``, ergotropy ``Tr(rho H0) - sum_k r_k(down) e_k(up)`` and
capacity ``sum_k r_k(down) e_k(down) - sum_k r_k(down) e_k(up)``.
"""

from __future__ import annotations

import json

import matplotlib.image as mpimg
import numpy as np
import pytest

from qb_symbolic.paper import claims_thermal as ct
from qb_symbolic.paper import thermal_figures as tf
from qb_symbolic.paper.claims import STATUSES

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


def hamiltonians(model: str, D, K, b_field=b):
    """``(H_B, H0, charger)`` broadcast over D, K, b: shapes (..., 4, 4)."""
    Jx, Jy, Jz = EXCHANGE[model]
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
    return tf.write_thermal_figures(out)


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in ct.evaluate_thermal_claims()}


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
    assert list(claims) == ["thermal-dm-ksea-raise", "thermal-temperature-lowers", "thermal-field-sign"]
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


def test_field_sign_claim_against_the_reference(claims) -> None:
    numbers = claims["thermal-field-sign"].numbers
    t = np.linspace(0.0, 2 * np.pi, ct.CHARGE_POINTS)
    for model in ("xy", "xyz"):
        for T in ct.CHARGED_T:
            for D in (0.0, 0.5):
                case = numbers["charged"][model][f"D={D:g},T={T:g}"]
                top = [charged_ergotropy(model, t, T, D, 0.5, s).max() for s in (b, -b)]
                assert abs(case["max_b_pos"] - top[0]) < 2e-6 and abs(case["max_b_neg"] - top[1]) < 2e-6
                assert case["differs"] == (abs(top[0] - top[1]) > 1e-6)
    # Static: the sign of b changes nothing, pointwise, by brute force.
    rng = np.random.default_rng(12)
    D, K, T = rng.uniform(-3, 3, 50), rng.uniform(-3, 3, 50), rng.uniform(0.05, 5, 50)
    for model in EXCHANGE:
        np.testing.assert_allclose(static(model, T, D, K, b), static(model, T, D, K, -b), atol=1e-12)
        assert numbers["static"][model]["largest_pointwise_difference"] < 1e-9
