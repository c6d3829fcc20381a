"""Every claim of the report, recomputed independently.

The package decides each claim from its closed forms (qb_symbolic.paper.claims). Here
each verdict is recomputed from tests/reference_numpy.py (numpy eigh of the 4x4
Hamiltonian, figures of merit from their definitions) or from a hand
calculation, and must agree with the report, status included: a claim true in
every case holds, true in some cases only (scanned gammas, windows, steps)
holds conditionally, true in none fails.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
import reference_numpy as ref

from qb_symbolic.paper.claims import (
    CLAIMS,
    GAMMA_SCAN,
    OUR_READING,
    STATUSES,
    THERMAL_SUMMARY,
    ClaimResult,
    decide,
    paper_quote,
)
from qb_symbolic.paper.claims_chains import CONJECTURE
from qb_symbolic.paper.claims_common import misquoted, quoted_sentence
from qb_symbolic.paper.families import write_claims
from qb_symbolic.paper.figures import DEFAULT_GAMMA

#: The paper's text (Zhang, Song, Wang 2024), beside the working tree; absent elsewhere.
PAPER_TEXT = Path(__file__).resolve().parents[2] / "shared" / "paper" / "zhang-song-wang-2024-quantum-battery-dm.md"
T_MIN = np.pi / 2
GRID = np.linspace(0, T_MIN, 3001)
ISING = {"J": 1.0, "gamma": 1.0, "Delta": 0.0}
PARALLEL = {"J": 0.0, "D": 0.0}
XXZ = {"J": 1.0, "gamma": 0.0, "Delta": 2.0}


def expected_status(cases: Iterable[bool]) -> str:
    """The status a claim must have, from its cases recomputed here."""
    cases = [bool(c) for c in cases]
    if all(cases):
        return "holds"
    return "fails" if not any(cases) else "holds-conditionally"


@pytest.fixture(scope="module")
def report():
    return {key: build() for key, build in CLAIMS.items()}


def test_every_claim_has_a_test(report) -> None:
    tested = {name[len("test_claim_"):].replace("_", "-") for name in globals() if name.startswith("test_claim_")}
    assert tested == {key.replace("_", "-") for key in report}


def test_statuses() -> None:
    assert STATUSES == ("holds", "holds-conditionally", "fails")
    assert decide([True]) == decide([True, True]) == "holds"
    assert decide([False]) == decide(iter([False, False])) == "fails"
    assert decide([True, False]) == decide(np.array([0, 1, 1])) == "holds-conditionally"
    with pytest.raises(ValueError, match="at least one case"):
        decide([])
    with pytest.raises(ValueError, match="not one of"):
        ClaimResult("x", "Fig. 0", "quote", "proposition", "holds", "holds only for gamma = 1")


def test_verdict_opens_with_its_status(report) -> None:
    for claim in report.values():
        assert claim.status in STATUSES
        opening = {"holds": claim.verdict.startswith("holds") and not claim.verdict.startswith("holds only"),
                   "holds-conditionally": claim.verdict.startswith("holds only"),
                   "fails": claim.verdict.startswith("fails")}
        assert opening[claim.status], (claim.id, claim.verdict)
    assert not any(hasattr(claim, "holds") for claim in report.values())  # status replaces the boolean


def test_claims_files_carry_the_status(report, tmp_path) -> None:
    results = list(report.values())
    md, js = write_claims(tmp_path, results)
    records = json.loads(js.read_text())
    assert [r["status"] for r in records] == [c.status for c in results]
    assert all("holds" not in r for r in records)
    text = md.read_text()
    assert "| claim | figure | proposition | status | verdict |" in text
    for c in results:
        assert f"| `{c.id}` | {c.figure} | {c.proposition} | {c.status} | **" in text
    assert text.count("**Status.** ") == len(results)


def test_every_claim_carries_its_source(report, tmp_path) -> None:
    # Each of the paper's claims reads one sentence of it: quoted, with its section.
    for claim in report.values():
        assert quoted_sentence(claim.source), (claim.id, claim.source)
        assert claim.source.endswith(")") and "(arXiv:2406.16047, Sec. III " in claim.source
    md, js = write_claims(tmp_path, list(report.values()))
    assert [r["source"] for r in json.loads(js.read_text())] == [c.source for c in report.values()]
    text = md.read_text()
    assert "| status | verdict | source |" in text
    assert text.count("**Source.** \u201c") == len(report)
    for claim in report.values():
        assert f"| {claim.source} |" in text
    # No claim without a source, and no source of another kind.
    with pytest.raises(ValueError, match="source"):
        ClaimResult("x", "Fig. 0", "quote", "proposition", "holds", "holds")
    with pytest.raises(ValueError, match="source"):
        ClaimResult("x", "Fig. 0", "quote", "proposition", "holds", "holds", source="the paper")
    for source in (OUR_READING, THERMAL_SUMMARY, paper_quote("words", "Sec. I")):
        assert ClaimResult("x", "Fig. 0", "quote", "proposition", "holds", "holds", source=source)


def test_quoted_sources_are_the_papers_words(report) -> None:
    if not PAPER_TEXT.exists():
        pytest.skip(f"the paper's text is not at {PAPER_TEXT}")
    text = PAPER_TEXT.read_text()
    sources = [c.source for c in report.values()] + [CONJECTURE]
    assert misquoted(sources, text) == []
    # The check does find a sentence the paper does not have, and words out of order.
    wrong = [paper_quote("the DM interaction lowers the power of QBs", "Sec. IV"),
             paper_quote("the powers between them are different ... Notably, although", "Sec. III A")]
    assert misquoted(wrong, text) == wrong


def test_claim_fig2_same_peak(report) -> None:
    # Hand: zeta_coll = 2(1 - cos 4x cos 2x) at J = Omega = 1, x = t; at x = pi/2:
    # cos 2 pi cos pi = -1, so zeta = 4 = 4 sin^2(pi/2) = zeta_par, the first full charge of both.
    x = T_MIN
    assert 2 * (1 - np.cos(4 * x) * np.cos(2 * x)) == pytest.approx(4, abs=1e-15)
    z_coll, z_par = ref.ergotropy(GRID, D=0.0, **ISING), ref.ergotropy(GRID, **PARALLEL)
    assert GRID[np.argmax(z_coll)] == GRID[np.argmax(z_par)] == pytest.approx(T_MIN)
    claim = report["fig2-same-peak"]
    assert claim.status == "holds" and claim.numbers["t_exact"] == "pi/2"


def test_claim_fig2_same_ergotropy(report) -> None:
    # Hand: zeta_coll - zeta_par = 2(1 - cos4x cos2x) - 2(1 - cos2x) = 2 cos2x (1 - cos4x).
    difference = ref.ergotropy(GRID, D=0.0, **ISING) - ref.ergotropy(GRID, **PARALLEL)
    np.testing.assert_allclose(difference, 2 * np.cos(2 * GRID) * (1 - np.cos(4 * GRID)), atol=1e-12)
    claim = report["fig2-same-ergotropy"]
    assert claim.status == expected_status([np.abs(difference).max() < 1e-9]) == "fails"
    assert claim.numbers["max_abs_difference"] == pytest.approx(np.abs(difference).max(), abs=1e-5)


def test_claim_fig2_power(report) -> None:
    # P_coll - P_par = 2 cos2x (1 - cos4x)/x > 0 on (0, pi/4): cos2x > 0 and cos4x < 1 there.
    x = np.linspace(0, np.pi / 4, 2001)[1:-1]
    inside = np.all(ref.power(x, D=0.0, **ISING) - ref.power(x, **PARALLEL) > 0)
    after = np.linspace(np.pi / 4, T_MIN, 200)[1:-1]
    assert np.all(ref.power(after, D=0.0, **ISING) < ref.power(after, **PARALLEL))
    assert report["fig2-power"].status == expected_status([inside]) == "holds"


def test_claim_fig3_peak_before_tmin(report) -> None:
    times = [GRID[np.argmax(ref.ergotropy(GRID, D=d, **ISING))] for d in (3, 6, 9)]
    truth = all(t < T_MIN - 1e-3 for t in times) and times[0] > times[1] > times[2]
    claim = report["fig3-peak-before-tmin"]
    assert claim.status == expected_status([truth]) == "holds"
    for d, t in zip(("3", "6", "9"), times):
        assert claim.numbers["t_peak"][d] == pytest.approx(t, abs=1e-3)


def test_claim_fig3_power_grows(report) -> None:
    p_max = [ref.power(GRID, D=d, **ISING).max() for d in (0, 3, 6, 9)]
    assert p_max[1] < p_max[0] < p_max[2] < p_max[3]  # not monotone: D = 3 dips
    steps = [b > a for a, b in itertools.pairwise(p_max)]  # the paper's "generally": each step a case
    claim = report["fig3-power-grows"]
    assert claim.status == expected_status(steps) == "holds-conditionally"
    assert claim.verdict.startswith("holds only in part")
    assert list(claim.numbers["steps_increasing"].values()) == steps
    for d, p in zip(("0", "3", "6", "9"), p_max):
        assert claim.numbers["P_max"][d] == pytest.approx(p, rel=1e-5)


def test_claim_fig3c_large_D(report) -> None:
    z_max = [ref.ergotropy(GRID, D=d, **ISING).max() for d in np.arange(5, 10.01, 0.5)]
    assert max(z_max) < 4 - 1e-6
    claim = report["fig3c-large-D"]
    assert claim.status == expected_status([min(z_max) >= 0.95 * 4]) == "holds"
    assert claim.numbers["min_zeta_max_D_ge_5"] == pytest.approx(min(z_max), abs=2e-3)


def test_claim_fig3c_little_impact(report) -> None:
    def change(d):
        return np.abs(ref.ergotropy(GRID, D=d + 1, **ISING) - ref.ergotropy(GRID, D=d, **ISING)).max()

    strong = max(change(d) for d in np.arange(5, 9.01, 0.5))
    weak = max(change(d) for d in np.arange(0, 2.01, 0.5))
    assert report["fig3c-little-impact"].status == expected_status([strong <= 0.4 and weak > 2 * strong]) == "holds"


def test_claim_fig4_peak(report) -> None:
    windows = []  # the paper states no window: each window is a case
    for T in (T_MIN, 10.0):
        x = np.linspace(0, T, 20001)
        windows.append(ref.ergotropy(x, D=1.7, **XXZ).max() > ref.ergotropy(x, D=0.0, **XXZ).max())
    assert report["fig4-peak"].status == expected_status(windows) == "holds"


def test_claim_fig4_faster(report) -> None:
    x = np.linspace(0, 10, 20001)
    first = {d: x[np.argmax(ref.ergotropy(x, D=d, **XXZ) >= 2)] for d in (0.0, 1.7)}
    claim = report["fig4-faster"]
    assert claim.status == expected_status([first[1.7] < first[0.0]]) == "holds"
    assert claim.numbers["half_charge_Omega_t"]["1.7"] == pytest.approx(first[1.7], abs=1e-3)


def test_claim_fig4_fluctuation(report) -> None:
    x = np.linspace(0, 10, 20001)
    spread = {}
    for d in (0.0, 1.7):
        z = ref.ergotropy(x, D=d, **XXZ)
        peaks = z[1:-1][(z[1:-1] > z[:-2]) & (z[1:-1] >= z[2:])]
        spread[d] = peaks.max() - peaks.min()
    assert report["fig4-fluctuation"].status == expected_status([spread[1.7] < spread[0.0]]) == "holds"


def test_claim_fig4_power(report) -> None:
    x = np.linspace(0, 4, 20001)
    larger = ref.power(x, D=1.7, **XXZ).max() > ref.power(x, D=0.0, **XXZ).max()
    assert report["fig4-power"].status == expected_status([larger]) == "holds"


def test_claim_fig5_coherence_steering(report) -> None:
    x = np.linspace(0, 5, 2001)[1:]
    Q = np.array([ref.coherence(x, D=d, **XXZ) for d in (0.0, 0.8, 1.2, 1.7)])
    F = np.array([ref.steering(x, D=d, **XXZ) for d in (0.0, 0.8, 1.2, 1.7)])
    np.testing.assert_allclose(F**2 + 2 * Q**2, 3, atol=1e-10)  # pure state: one statement
    ordered = np.all(np.diff(Q, axis=0) >= -1e-9, axis=0)
    assert 0.05 < ordered.mean() < 0.95  # the ordering holds at some times only
    claim = report["fig5-coherence-steering"]
    # "throughout the evolution window" is the paper's own range: partly true is false
    assert claim.status == expected_status([ordered.all()]) == "fails"
    assert claim.numbers["fraction_of_times_ordered"] == pytest.approx(ordered.mean(), abs=0.02)


def _fig6_holds(gamma: float) -> bool:
    p_par = ref.power(GRID, **PARALLEL).max()
    for Delta in (2.5, 3.0):
        p = {"J": 1.0, "gamma": gamma, "Delta": Delta, "D": 0.0}
        z, pw = ref.ergotropy(GRID, **p), ref.power(GRID, **p)
        if not (GRID[np.argmax(z)] < T_MIN - 1e-3 and GRID[np.argmax(pw)] < T_MIN - 1e-3
                and z.max() < 4 and pw.max() < p_par):
            return False
    return True


def _fig7_holds(gamma: float) -> bool:
    for Delta in (2.5, 3.0):
        z = [ref.ergotropy(GRID, J=1.0, gamma=gamma, Delta=Delta, D=d).max() for d in (0.0, 0.5, 1.0)]
        p = [ref.power(GRID, J=1.0, gamma=gamma, Delta=Delta, D=d).max() for d in (0.0, 0.5, 1.0)]
        if not (min(z[1:]) > z[0] and min(p[1:]) > p[0]):
            return False
    return True


def test_claim_fig6_xyz(report) -> None:
    # The paper states no gamma: every scanned gamma is a case.
    cases = {g: _fig6_holds(g) for g in GAMMA_SCAN}
    claim = report["fig6-xyz"]
    assert claim.numbers["gammas_where_it_holds"] == [g for g, ok in cases.items() if ok]
    assert claim.status == expected_status(cases.values()) == "holds-conditionally"
    assert claim.verdict.startswith("holds only for gamma in [-0.25, -0.15]: 3 of 40 ")


def test_claim_fig7_xyz(report) -> None:
    cases = {g: _fig7_holds(g) for g in GAMMA_SCAN}
    claim = report["fig7-xyz"]
    assert claim.numbers["gammas_where_it_holds"] == [g for g, ok in cases.items() if ok]
    assert claim.status == expected_status(cases.values()) == "holds-conditionally"
    assert claim.verdict.startswith("holds only for gamma in [-0.25, -0.15]: 3 of 40 ")


def test_default_gamma_is_where_the_xyz_claims_hold(report) -> None:
    both = set(report["fig6-xyz"].numbers["gammas_where_it_holds"]) & set(
        report["fig7-xyz"].numbers["gammas_where_it_holds"])
    assert DEFAULT_GAMMA in both and DEFAULT_GAMMA in GAMMA_SCAN
    assert DEFAULT_GAMMA == pytest.approx((min(both) + max(both)) / 2)
