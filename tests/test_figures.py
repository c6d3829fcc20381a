"""Figures: the arrays plotted are evaluate's, and the files are real images."""

from __future__ import annotations

import matplotlib.image as mpimg
import numpy as np
import pytest
import reference_numpy as ref

from qb_symbolic import evaluate
from qb_symbolic.paper.figures import DEFAULT_GAMMA, FIGURES, MAP_POINTS, fig3c, fig6

#: The figures' arrays are evaluate's own output, so they agree to rounding.
SAME = {"rtol": 1e-12, "atol": 1e-12}
#: Against the independent eigh reference (double precision, phases O(10)).
REFERENCE = {"rtol": 1e-8, "atol": 1e-9}


@pytest.fixture(scope="module")
def figures():
    small = {"points": 101}
    built = {}
    for name, build in FIGURES.items():
        built[name] = build(points=(40, 30)) if name == "fig3c" else build(**small)
    return built


def test_every_panel_of_the_paper_is_there(figures) -> None:
    keys = {p.key for f in figures.values() for p in f.panels}
    assert keys == {"fig2a", "fig2b", "fig3a", "fig3b", "fig3c", "fig4a", "fig4b", "fig5a", "fig5b",
                    "fig6a", "fig6b", "fig7a", "fig7b", "fig7c", "fig7d"}


def test_plotted_data_is_evaluate(figures) -> None:
    for result in figures.values():
        for panel in result.panels:
            for label, values in panel.curves.items():
                params = dict(panel.params[label])
                model = params.pop("model")
                if panel.y is not None:  # the map: rows are D
                    expected = evaluate(panel.quantity, panel.x[None, :], model=model, Omega=1, omega0=1,
                                        D=panel.y[:, None], **params)
                else:
                    expected = evaluate(panel.quantity, panel.x, model=model, Omega=1, omega0=1, **params)
                np.testing.assert_allclose(values, expected, **SAME, err_msg=f"{panel.key} {label}")


def test_plotted_data_matches_an_independent_reference(figures) -> None:
    """Spot check against numpy eigh of the 4x4 Hamiltonian (tests/reference_numpy.py)."""
    functions = {"ergotropy": ref.ergotropy, "power": ref.power, "coherence": ref.coherence,
                 "steering": ref.steering}
    for result in figures.values():
        for panel in result.panels:
            if panel.y is not None:
                continue
            for label, values in panel.curves.items():
                params = {k: v for k, v in panel.params[label].items() if k != "model"}
                model = panel.params[label]["model"]
                fixed = {"parallel": {"J": 0, "D": 0}, "ising": {"gamma": 1, "Delta": 0},
                         "xxz": {"gamma": 0}}.get(model, {})
                expected = functions[panel.quantity](panel.x, **{**params, **fixed})
                np.testing.assert_allclose(values, expected, **REFERENCE, err_msg=f"{panel.key} {label}")


def test_paper_parameters(figures) -> None:
    """Parameter sets of docs/conventions.md ("The paper's figures")."""
    def sets(key):
        panel = next(p for f in figures.values() for p in f.panels if p.key == key)
        return [dict(v) for v in panel.params.values()]

    assert {s.get("D") for s in sets("fig3a")} == {0, 3, 6, 9}
    assert {(s["Delta"], s["D"]) for s in sets("fig4a")} == {(2, 0), (2, 1.7)}
    assert {s["D"] for s in sets("fig5a")} == {0, 0.8, 1.2, 1.7}
    assert {s.get("Delta") for s in sets("fig6a")} == {2.5, 3, None}  # None: parallel reference
    assert {s["D"] for s in sets("fig7c")} == {0, 0.5, 1} and {s["Delta"] for s in sets("fig7c")} == {3}
    assert all(s.get("gamma") == DEFAULT_GAMMA for s in sets("fig7a"))
    assert all(s.get("J", 1) == 1 for f in figures.values() for p in f.panels for s in p.params.values()
               if s["model"] != "parallel")


def test_fig3c_default_grid_is_large_enough() -> None:
    assert MAP_POINTS[0] >= 500 and MAP_POINTS[1] >= 500
    result = fig3c()
    (panel,) = result.panels
    assert panel.curves["map"].shape == (MAP_POINTS[1], MAP_POINTS[0])
    assert np.all(np.isfinite(panel.curves["map"]))
    assert panel.curves["map"].max() <= 4 + 1e-12 and panel.curves["map"].min() >= -1e-12


def test_saved_files_are_real_images(figures, tmp_path) -> None:
    for result in figures.values():
        files = result.save(tmp_path)
        png, pdf = files
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert pdf.read_bytes().startswith(b"%PDF")
        image = mpimg.imread(png)
        height, width = image.shape[:2]
        assert 400 <= width <= 3000 and 300 <= height <= 3000, (result.name, image.shape)
        assert png.stat().st_size > 20_000
        assert image[..., :3].std() > 0.05  # not blank


def test_gamma_argument() -> None:
    with pytest.raises(ValueError, match="gamma != 0"):
        fig6(gamma=0)
    panel = fig6(gamma=0.5, points=11).panels[0]
    assert all(p.get("gamma") == 0.5 for p in panel.params.values() if p["model"] == "xyz")
