"""Parameter sweeps (issue 13, point 5): the grid against hand formulas and direct
evaluation, chunking that changes nothing, the same numbers from a Dask ``LocalCluster``
with two worker processes, progress and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import qb_symbolic as qb

ISING = {"Omega": 1.0, "J": 0.8, "omega0": 1.0}


def test_parallel_sweep_is_the_hand_formula():
    """J = D = 0: each cell is charged alone, zeta = 2 omega0 sin^2(Omega t) per cell,
    4 omega0 sin^2(Omega t) for the two (docs/conventions.md)."""
    Omega, omega0, t = np.linspace(0.2, 2, 5), np.array([0.5, 1.0, 1.5]), np.linspace(0, 3, 7)
    result = qb.sweep("ergotropy", {"Omega": Omega, "t": t, "omega0": omega0},
                      model="parallel")
    assert result.axes == ("Omega", "t", "omega0")
    assert [len(result.coords[a]) for a in result.axes] == [5, 7, 3]
    expected = 4 * omega0[None, None, :] * np.sin(Omega[:, None, None] * t[None, :, None]) ** 2
    assert np.max(np.abs(result["ergotropy"] - expected)) < 1e-12


def test_chunks_change_nothing_and_match_direct_evaluation():
    D, J, t = np.linspace(0, 2, 4), np.array([0.3, 1.1]), np.linspace(0, 2, 9)
    direct = qb.evaluate_many(("ergotropy", "coherence"), t[None, None, :], model="ising",
                              D=D[:, None, None], J=J[None, :, None], Omega=1.0, omega0=1.0)
    for chunk in (1, 9, 10, 1 << 20):  # one time row per chunk, ... , all in one chunk
        found = qb.sweep(("ergotropy", "coherence"), {"D": D, "J": J}, t=t, model="ising",
                         chunk_elements=chunk, Omega=1.0, omega0=1.0)
        assert found.axes == ("D", "J", "t")
        for q in direct:
            assert np.array_equal(found[q], direct[q]), (chunk, q)


def test_scalar_time_and_chains():
    battery = qb.chain(4, "xxz", periodic=True)
    D = np.array([0.0, 0.7])
    found = qb.sweep("power_per_cell", {"D": D}, t=0.9, battery=battery, J=1.0, Delta=0.5,
                     Omega=1.0, omega0=1.0)
    assert found.axes == ("D",) and found["power_per_cell"].shape == (2,)
    for k, d in enumerate(D):
        one = qb.evaluate("power_per_cell", 0.9, battery=battery, D=d, J=1.0, Delta=0.5,
                          Omega=1.0, omega0=1.0)
        assert found["power_per_cell"][k] == pytest.approx(float(one), abs=1e-14)


def test_dask_local_cluster_gives_the_local_numbers():
    """Two worker processes: every chunk crosses a process boundary (battery pickled once,
    each task one chunk of columns), and the numbers are the local ones, bit for bit."""
    from dask.distributed import Client, LocalCluster

    grid = {"D": np.linspace(0, 2, 6), "t": np.linspace(0, 3, 11)}
    chain = qb.chain(5, "general", periodic=True)
    chain_values = {"Omega": 1.0, "J": 1.0, "gamma": 0.3, "Delta": 0.5, "omega0": 1.0}
    local = qb.sweep("ergotropy", grid, model="ising", chunk_elements=22, **ISING)
    local_chain = qb.sweep("ergotropy_per_cell", grid, battery=chain, chunk_elements=11,
                           **chain_values)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        remote = qb.sweep("ergotropy", grid, model="ising", chunk_elements=22, client=client,
                          **ISING)
        remote_chain = qb.sweep("ergotropy_per_cell", grid, battery=chain, chunk_elements=11,
                                client=client, **chain_values)
        workers = client.run(lambda: True)  # {address: True} of the live worker processes
    assert len(workers) == 2
    assert remote.axes == local.axes == ("D", "t")
    assert np.array_equal(remote["ergotropy"], local["ergotropy"])
    assert np.array_equal(remote_chain["ergotropy_per_cell"], local_chain["ergotropy_per_cell"])


def test_progress_bar(capsys):
    qb.sweep("ergotropy", {"D": np.linspace(0, 1, 4)}, t=np.linspace(0, 1, 5), model="ising",
             chunk_elements=5, progress=True, **ISING)
    err = capsys.readouterr().err
    assert "sweep [" in err and "4/4 chunks" in err


@pytest.mark.parametrize("kwargs, message", [
    ({"over": {}}, "non-empty dict"),
    ({"over": {"D": [[0, 1]]}}, "1-D array"),
    ({"over": {"D": []}}, "1-D array"),
    ({"over": {"D": [0, np.nan]}}, "finite"),
    ({"over": {"D": [0, 1]}}, "give the times"),
    ({"over": {"D": [0, 1], "t": [0, 1]}, "t": 1.0}, "do not also give t="),
    ({"over": {"D": [0, 1]}, "t": 1.0, "D": 0.5}, "both an axis"),
    ({"over": {"Q": [0, 1]}, "t": 1.0}, "Q"),
    ({"over": {"D": [0, 1]}, "t": 1.0, "client": object()}, "dask.distributed.Client"),
    ({"over": {"D": [0, 1]}, "t": 1.0, "chunk_elements": 0}, "chunk_elements"),
])
def test_bad_sweeps(kwargs, message):
    with pytest.raises(ValueError, match=message):
        qb.sweep("ergotropy", model="ising", **{**ISING, **kwargs})
