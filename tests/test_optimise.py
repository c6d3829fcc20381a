"""qb.optimise (issue 14, point 4): the parallel battery's known optimum, a seeded Ising
case against a dense grid search, the certificate, bad input (API and CLI)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import SEED

import qb_symbolic as qb
from qb_symbolic.cli import main


def test_parallel_optimum_is_exact():
    """zeta = 4 omega0 sin^2(Omega t): the largest ergotropy 4 omega0 at t = pi/(2 Omega),
    an interior stationary point."""
    found = qb.optimise("ergotropy", {"t": (0, 2)}, model="parallel", Omega=1.3, omega0=0.7)
    assert found.interior and not found.on_bound
    assert abs(found.location["t"] - np.pi / 2.6) < 1e-12
    assert abs(found.value - 2.8) < 1e-14


def test_seeded_ising_case_against_a_dense_grid():
    rng = random.Random(SEED + 95)
    J, omega0 = rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5)
    found = qb.optimise("power", {"t": (0, 2.5), "D": (0, 1.5)}, model="ising", Omega=1, J=J,
                        omega0=omega0)
    t, D = np.linspace(1e-6, 2.5, 1201)[None, :], np.linspace(0, 1.5, 1201)[:, None]
    grid = qb.evaluate("power", t, model="ising", D=D, Omega=1, J=J, omega0=omega0)
    at = qb.evaluate("power", found.location["t"], model="ising", D=found.location["D"],
                     Omega=1, J=J, omega0=omega0)
    assert abs(found.value - float(at)) < 1e-14  # the value is the function at the location
    assert found.value >= grid.max() - 1e-12  # no grid point is higher
    i, j = np.unravel_index(grid.argmax(), grid.shape)
    assert abs(found.location["t"] - t[0, j]) < 3e-3 and abs(found.location["D"] - D[i, 0]) < 3e-3
    # the certificate: a free coordinate's gradient vanishes, a bound one points outward
    for name, g in found.gradient.items():
        if name in found.on_bound:
            assert abs(g) > 1e-9
        else:
            assert abs(g) < 1e-8 * max(1, found.value)


@pytest.mark.parametrize("over, kwargs, message", [
    ({}, {}, "non-empty dict"),
    ({"t": (2, 0)}, {}, "empty or inverted"),
    ({"t": (1, 1)}, {}, "empty or inverted"),
    ({"D": (0, 1)}, {}, "give t="),
    ({"t": (0, 1), "Q": (0, 1)}, {}, "Q"),
    ({"t": (0, 1)}, {"D": 0.3, "over_D": True}, "both a coordinate"),
])
def test_bad_boxes(over, kwargs, message):
    if kwargs.pop("over_D", False):
        over = {**over, "D": (0, 1)}
    with pytest.raises(ValueError, match=message):
        qb.optimise("ergotropy", over, model="ising", **kwargs)


def test_cli_optimise(capsys):
    import json

    assert main(["optimise", "ergotropy", "--model", "parallel", "--over", "t=0:2",
                 "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["interior"] and abs(printed["location"]["t"] - np.pi / 2) < 1e-12
    for argv, message in ((["--over", "t=2:0"], "empty or inverted"),
                          (["--over", "t=0"], "NAME=LOW:HIGH"),
                          ([], "at least one --over")):
        assert main(["optimise", "ergotropy", "--model", "parallel", *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err, err
