"""Chains: reachable sector dimensions, and one charging curve (1000 times) from the
sector method against QuTiP ``sesolve`` on the full 2^N space, in one run (issue 13).

The paper's general bond (J = Omega = 1, gamma = 0.3, Delta = 0.5, D = 1) on a ring and on
an open chain, omega0 = 1, t in [0, 5]. Prints per N: the symmetries found, the populated
sector dimensions and the method (``eigh`` of each sector, or the Chebyshev series with the
sectors as dense or sparse matrices: numeric/chebyshev.py, numeric/chain_sparse.py), our
time (cold: sector construction and matrices included; warm: the same curve at a new
parameter point, best of three), QuTiP's time and the largest difference. Goal (issue):
>= 50x faster than QuTiP at N = 12, N = 20 reachable. Open chains keep only RP (a factor
2): their sectors grow as 2^(N-1), beyond dense ``eigh`` from N = 12 on, where the sparse
series still applies, up to N = 18 (then Krylov on the 2^N basis). For the open chain at
N = 12 the run also prints the floor of any method built on products by H: the time of
one sparse product by the sectors' H, times the series' K and times the fewest Lanczos
steps that reach the curve to 1e-10 (:func:`lanczos_steps`).

Networks (issue 25, :func:`run_networks`): one ergotropy curve (1000 times, t in [0, 5]) of
the spin-network battery on K_12 and on the icosahedron (XXZ + DM, J = Omega = omega0 = 1,
Delta = 2, D = 2, DM oriented from the lower label to the higher), ours (cold and warm)
against QuTiP ``sesolve`` and QuSpin ``hamiltonian.evolve`` (both on the full 2^12 space,
atol = rtol = 1e-10, build included), measured in one run; the BLAS and OpenMP threads are
printed. A missing QuSpin is said and its column skipped. ``--networks-only`` runs only this.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import reduce

import numpy as np

VALUES = {"Omega": 1.0, "J": 1.0, "gamma": 0.3, "Delta": 0.5, "D": 1.0, "omega0": 1.0}


def _qutip_operators(N: int, periodic: bool, label: str | None = None):
    """H, H0 and the basis state ``label`` (default |d...d>) as QuTiP objects (the paper's
    general bond, VALUES)."""
    import qutip

    def op(letters: dict[int, str]):
        mats = {"X": qutip.sigmax(), "Y": qutip.sigmay(), "Z": qutip.sigmaz()}
        return qutip.tensor([mats.get(letters.get(i, ""), qutip.qeye(2)) for i in range(N)])

    v = VALUES
    H = sum(v["Omega"] * op({i: "X"}) for i in range(N))
    bonds = [(i, i + 1) for i in range(N - 1)] + ([(N - 1, 0)] if periodic else [])
    for i, j in bonds:
        H += v["J"] * ((1 + v["gamma"]) * op({i: "X", j: "X"}) + (1 - v["gamma"]) * op({i: "Y", j: "Y"})
                       + v["Delta"] * op({i: "Z", j: "Z"}))
        H += v["D"] * (op({i: "X", j: "Y"}) - op({i: "Y", j: "X"}))
    H0 = v["omega0"] * sum(op({i: "Z"}) for i in range(N))
    letters = label or "d" * N
    return H, H0, reduce(qutip.tensor, [qutip.basis(2, int(x == "d")) for x in letters])


def _qutip_curve(N: int, periodic: bool, t: np.ndarray, label: str | None = None) -> np.ndarray:
    import qutip

    H, H0, psi0 = _qutip_operators(N, periodic, label)
    options = {"atol": 1e-10, "rtol": 1e-10, "nsteps": 100000}
    return np.asarray(qutip.sesolve(H, psi0, t, e_ops=[H0], options=options).expect[0]) + N


def _eigh_curve(N: int, periodic: bool, t: np.ndarray) -> np.ndarray:
    """The exact reference: eigh of the full 2^N Hamiltonian (accuracy, not timed)."""
    H, H0, psi0 = (x.full() for x in _qutip_operators(N, periodic))
    E, V = np.linalg.eigh(H)
    psi = V @ (np.exp(-1j * np.outer(E, t)) * (V.conj().T @ psi0[:, 0])[:, None])
    return np.real(np.sum(psi.conj() * (H0 @ psi), axis=0)) + N


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run(sizes: list[int], periodic: bool, qutip_limit: int) -> float | None:
    import qb_symbolic as qb
    from qb_symbolic.numeric.sectors.chain_basis import populated_sectors
    from qb_symbolic.numeric.sectors.chain_numeric import SPARSE_FROM, series_spectrum, uses_krylov

    t = np.linspace(0, 5, 1000)
    kind = "ring" if periodic else "open chain"
    _qutip_curve(4, periodic, t[:10])  # QuTiP's first-call set-up (~2 s) is not its solving time
    ratio_at_12, timings = None, {}
    for N in sizes:
        battery = qb.chain(N, "general", periodic=periodic)
        start = time.perf_counter()
        curve = qb.evaluate("ergotropy", t, battery=battery, **VALUES)
        cold = time.perf_counter() - start
        values = [VALUES[n] for n in battery.names]
        series = series_spectrum(battery, values, float(t[-1]))
        krylov = series is None and uses_krylov(battery)
        warm = cold  # the Krylov path has nothing to reuse between parameter points
        if not krylov:  # best of three new parameter points: a 10 ms curve on a shared machine
            warm = min(_timed(lambda k=k, b=battery: qb.evaluate(
                "ergotropy", t, battery=b, **{**VALUES, "D": 1.0 + k * 1e-9})) for k in (1, 2, 3))
        if krylov:
            path = f"Krylov on all {2**N} states"
        else:
            sectors = populated_sectors(battery)
            dims = [s.dim for s in sectors.sectors]
            method = "eigh" if series is None else (
                "series, sparse" if uses_krylov(battery) or max(dims) >= SPARSE_FROM
                else "series, dense")
            path = f"{'+'.join(map(str, dims))} ({','.join(sectors.symmetries)}) {method}"
        line = (f"  {kind:10s} N = {N:2d}  {path:36s} ours "
                f"{cold:7.2f} s cold, {warm:7.3f} s warm")
        timings[N] = cold
        if N <= qutip_limit:
            start = time.perf_counter()
            reference = _qutip_curve(N, periodic, t)
            q = time.perf_counter() - start
            line += (f"   QuTiP {q:7.2f} s   ratio (warm) {q / warm:7.1f}   "
                     f"max |diff| {np.max(np.abs(reference - curve)):.1e}")
            if N == 12:
                ratio_at_12 = q / warm
                if not periodic:
                    product_floor(N, periodic, q)
        if N <= 12:
            line += f"   vs eigh of 2^N: ours {np.max(np.abs(_eigh_curve(N, periodic, t) - curve)):.1e}"
        print(line, flush=True)
    fast = [N for N, seconds in timings.items() if seconds < 60]
    if fast:
        print(f"  largest {kind} done in under 60 s (cold): N = {max(fast)}")
    return ratio_at_12


def other_start(N: int = 12) -> None:
    """One curve from |ud...d> on the open chain (no real bases: the series on complex
    sectors, numeric/chain_hermitian.py) against QuTiP, in the same run."""
    import qb_symbolic as qb

    t, label = np.linspace(0, 5, 1000), "u" + "d" * (N - 1)
    battery = qb.chain(N, "general", initial=label)
    start = time.perf_counter()
    curve = qb.evaluate("energy", t, battery=battery, **VALUES)
    cold = time.perf_counter() - start
    warm = min(_timed(lambda k=k: qb.evaluate("energy", t, battery=battery,
                                              **{**VALUES, "D": 1.0 + k * 1e-9})) for k in (1, 2, 3))
    start = time.perf_counter()
    reference = _qutip_curve(N, False, t, label) - N
    q = time.perf_counter() - start
    print(f"  open chain N = {N} from |{label}> (complex sectors, series): ours {cold:.2f} s cold, "
          f"{warm:.3f} s warm   QuTiP {q:.2f} s   ratio (warm) {q / warm:.1f}   "
          f"max |diff| {np.max(np.abs(reference - curve)):.1e}", flush=True)


def lanczos_steps(N: int, periodic: bool, t: np.ndarray, tol: float = 1e-10) -> int:
    """Fewest Lanczos steps (full reorthogonalisation, on the 2^N space) whose Krylov
    approximation of the whole curve is within ``tol`` of eigh's: the fewest products by H
    any polynomial method needs here (the Chebyshev series takes ``K ~ a t_max`` instead)."""
    H, H0, psi0 = (x.full() for x in _qutip_operators(N, periodic))
    exact = _eigh_curve(N, periodic, t) - N
    Q, alphas, betas = [psi0[:, 0].astype(complex)], [], []
    for m in range(1, H.shape[0]):
        w = H @ Q[-1]
        alphas.append(float(np.vdot(Q[-1], w).real))
        basis = np.array(Q).T
        for _ in range(2):
            w -= basis @ (basis.conj().T @ w)
        betas.append(float(np.linalg.norm(w)))
        Q.append(w / betas[-1])
        if m % 5:
            continue
        theta, S = np.linalg.eigh(np.diag(alphas) + np.diag(betas[:-1], 1) + np.diag(betas[:-1], -1))
        y = S @ (np.exp(-1j * np.outer(theta, t)) * S[0][:, None])
        basis = basis[:, :m]
        curve = np.real(np.sum(y.conj() * ((basis.conj().T @ H0 @ basis) @ y), axis=0))
        if np.max(np.abs(curve - exact)) < tol:
            return m
    return H.shape[0]


def product_floor(N: int, periodic: bool, qutip_seconds: float) -> None:
    """What the sparse products alone cost at N (the series' K joint products, and as many
    as Lanczos would need), and the largest ratio to QuTiP that leaves nothing else."""
    import qb_symbolic as qb
    from qb_symbolic.numeric.sectors.chain_sparse import sparse_real_system
    from qb_symbolic.numeric.sectors.chebyshev import series_order, spectrum_bounds

    t = np.linspace(0, 5, 1000)
    battery = qb.chain(N, "general", periodic=periodic)
    system = sparse_real_system(battery)
    values = [VALUES[n] for n in battery.names]
    op = system.joint.operator([complex(f(*values)).real for f in system.coefficients])
    lo, hi = spectrum_bounds([op])
    K = series_order((hi - lo) / 2 * float(t[-1]))
    x, y = np.concatenate(system.components), np.empty(system.cuts[-1])
    start = time.perf_counter()
    for _ in range(K):
        op.apply(x, y)
    each = (time.perf_counter() - start) / K
    m = lanczos_steps(N, periodic, t)
    print(f"  floor, {'ring' if periodic else 'open chain'} N = {N}: one product by the sectors' "
          f"H ({op.csr[1].size} entries) {each * 1e6:.0f} us; the series takes K = {K}: "
          f"{K * each * 1e3:.1f} ms alone (QuTiP / that = {qutip_seconds / (K * each):.0f}); "
          f"Lanczos needs {m} steps for 1e-10: {m * each * 1e3:.1f} ms alone "
          f"(QuTiP / that = {qutip_seconds / (m * each):.0f})", flush=True)


def krylov_dimension(H: np.ndarray, psi0: np.ndarray, tol: float = 1e-9) -> int:
    """Dimension of span{H^k psi0} at one (generic) parameter point: Gram-Schmidt twice."""
    basis = [psi0 / np.linalg.norm(psi0)]
    while len(basis) < len(psi0):
        w = H @ basis[-1]
        for _ in range(2):
            for b in basis:
                w = w - (b.conj() @ w) * b
        norm = np.linalg.norm(w)
        if norm < tol * np.linalg.norm(H, 2):
            break
        basis.append(w / norm)
    return len(basis)


def dimensions(largest: int = 14, krylov_up_to: int = 9) -> None:
    """Populated sector dimensions per model, boundary and N, and (N <= krylov_up_to) the
    Krylov dimension of |d...d> at a random point: how much of the space is reachable."""
    import qb_symbolic as qb
    from qb_symbolic.numeric.sectors.chain_basis import populated_sectors, sector_matrix
    from qb_symbolic.numeric.sectors.chain_numeric import chain_system, uses_krylov

    rng = np.random.default_rng(7)
    print("\nReachable space of |d...d>: symmetry sectors (and Krylov dimension at a random point)")
    for model in ("ising", "xxz", "xyz", "general"):
        for periodic in (False, True):
            cells = []
            for N in range(2, largest + 1):
                battery = qb.chain(N, model, periodic=periodic)
                if uses_krylov(battery):  # beyond dense reach: the sectors, applied sparse
                    dims = [s.dim for s in populated_sectors(battery).sectors]
                    cells.append(f"N={N}: {'+'.join(map(str, dims))} (sparse)")
                    continue
                system = chain_system(battery)
                dims = [s.dim for s in system.sectors.sectors]
                text = "+".join(map(str, dims))
                if N <= krylov_up_to:
                    point = {s.name: rng.uniform(0.3, 1.7) for s in battery.parameters}
                    terms = [(k, complex(c.subs({s: point[s.name] for s in c.free_symbols})))
                             for k, c in battery.pauli_terms().items()]
                    krylov = sum(krylov_dimension(sector_matrix(terms, s, s, N), c)
                                 for s, c in zip(system.sectors.sectors, system.sectors.components))
                    text += f" ({krylov})"
                cells.append(f"N={N}: {text}")
            print(f"  {model:8s} {'ring' if periodic else 'open':4s} " + ", ".join(cells), flush=True)


NETWORK_VALUES = {"Omega": 1.0, "J": 1.0, "Delta": 2.0, "D": 2.0, "omega0": 1.0}


def _network_terms(edges, N: int) -> list[tuple[str, float, tuple[int, ...]]]:
    """H as (Pauli letters, coefficient, sites): the XXZ + DM bond on each edge i < j."""
    v = NETWORK_VALUES
    terms = [("x", v["Omega"], (i,)) for i in range(N)]
    for i, j in edges:
        terms += [("xx", v["J"], (i, j)), ("yy", v["J"], (i, j)), ("zz", v["J"] * v["Delta"], (i, j)),
                  ("xy", v["D"], (i, j)), ("yx", -v["D"], (i, j))]
    return terms


def _qutip_network(edges, N: int, t: np.ndarray) -> np.ndarray:
    import qutip

    mats = {"x": qutip.sigmax(), "y": qutip.sigmay(), "z": qutip.sigmaz()}

    def op(letters: str, sites: tuple[int, ...]):
        where = dict(zip(sites, letters))
        return qutip.tensor([mats[where[i]] if i in where else qutip.qeye(2) for i in range(N)])

    H = sum(c * op(letters, sites) for letters, c, sites in _network_terms(edges, N))
    H0 = NETWORK_VALUES["omega0"] * sum(op("z", (i,)) for i in range(N))
    psi0 = reduce(qutip.tensor, [qutip.basis(2, 1)] * N)
    options = {"atol": 1e-10, "rtol": 1e-10, "nsteps": 100000}
    return np.asarray(qutip.sesolve(H, psi0, t, e_ops=[H0], options=options).expect[0]) + N


def _quspin_network(edges, N: int, t: np.ndarray) -> np.ndarray:
    """QuSpin: Pauli operators (pauli=1), state '0...0' is |d...d> (its basis lists all-up
    first, as ours does), site i our vertex i."""
    from quspin.basis import spin_basis_1d
    from quspin.operators import hamiltonian

    basis = spin_basis_1d(N, pauli=1)
    checks = {"check_symm": False, "check_herm": False, "check_pcon": False}
    groups: dict[str, list] = {}
    for letters, c, sites in _network_terms(edges, N):
        groups.setdefault(letters, []).append([c, *sites])
    H = hamiltonian([[k, v] for k, v in groups.items()], [], basis=basis, dtype=np.complex128,
                    **checks)
    H0 = hamiltonian([["z", [[NETWORK_VALUES["omega0"], i] for i in range(N)]]], [], basis=basis,
                     dtype=np.complex128, **checks)
    psi0 = np.zeros(basis.Ns, np.complex128)
    psi0[basis.index("0" * N)] = 1
    psi = H.evolve(psi0, 0.0, t, atol=1e-10, rtol=1e-10)
    return np.real(H0.expt_value(psi)) + N


def _eigh_network(edges, N: int, t: np.ndarray) -> np.ndarray:
    """The exact reference: eigh of the 2^N Hamiltonian built from kron products."""
    mats = {"x": np.array([[0, 1], [1, 0]], complex), "y": np.array([[0, -1j], [1j, 0]]),
            "z": np.diag([1.0, -1.0]).astype(complex)}

    def op(letters: str, sites: tuple[int, ...]) -> np.ndarray:
        where = dict(zip(sites, letters))
        return reduce(np.kron, [mats[where[i]] if i in where else np.eye(2) for i in range(N)])

    H = sum(c * op(letters, sites) for letters, c, sites in _network_terms(edges, N))
    energies = NETWORK_VALUES["omega0"] * sum(np.diag(op("z", (i,))).real for i in range(N))
    E, V = np.linalg.eigh(H)
    psi = V @ (np.exp(-1j * np.outer(E, t)) * V.conj()[-1][:, None])  # |d...d> is the last state
    return np.sum(np.abs(psi) ** 2 * energies[:, None], axis=0) + N


def _threads() -> str:
    import os

    from threadpoolctl import threadpool_info

    blas = ", ".join(f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info()
                     if i["user_api"] == "blas") or "none loaded"
    return f"BLAS threads: {blas}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"


def run_networks(names=("K12", "icosahedron")) -> None:
    """One curve per network: ours (cold, warm) vs QuTiP vs QuSpin, in this run."""
    from qb_symbolic.core.graphs import parse_graph
    from qb_symbolic.model.network import network

    try:
        import quspin  # noqa: F401
        peers = ("QuTiP", "QuSpin")
    except ImportError as error:
        print(f"  QuSpin cannot be imported ({error}): its column is skipped (pip install quspin)")
        peers = ("QuTiP",)
    import qb_symbolic as qb

    t = np.linspace(0, 5, 1000)
    print(f"\nNetworks: one ergotropy curve (1000 times), XXZ + DM, Delta = 2, D = 2; {_threads()}")
    _qutip_network(((0, 1),), 2, t[:10])  # first-call set-ups are not solving time
    for name in names:
        graph = parse_graph(name)
        battery = network(graph)
        start = time.perf_counter()
        curve = qb.evaluate("ergotropy", t, battery=battery, **NETWORK_VALUES)
        cold = time.perf_counter() - start
        warm = min(_timed(lambda k=k, b=battery: qb.evaluate("ergotropy", t, battery=b, **{
            **NETWORK_VALUES, "D": 2.0 + k * 1e-9})) for k in (1, 2, 3))
        exact = np.max(np.abs(_eigh_network(graph.edges, graph.n, t) - curve))
        line = (f"  {name:12s} N = {graph.n}  ours {cold:6.2f} s cold, {warm:6.3f} s warm "
                f"(vs eigh of 2^N {exact:.1e})")
        for peer, solve in (("QuTiP", _qutip_network), ("QuSpin", _quspin_network)):
            if peer not in peers:
                continue
            start = time.perf_counter()
            reference = solve(graph.edges, graph.n, t)
            seconds = time.perf_counter() - start
            line += (f"   {peer} {seconds:6.2f} s (ratio to warm {seconds / warm:6.1f}, "
                     f"max |diff| {np.max(np.abs(reference - curve)):.1e})")
        print(line, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="chain charging curves: sectors vs QuTiP")
    parser.add_argument("--sizes", default="8,10,12,14,16,18,20")
    parser.add_argument("--qutip-limit", type=int, default=14, help="largest N run with QuTiP")
    parser.add_argument("--dimensions-only", action="store_true",
                        help="print the reachable dimensions and stop")
    parser.add_argument("--networks-only", action="store_true",
                        help="only the networks' curves (K12, icosahedron) against QuTiP and QuSpin")
    args = parser.parse_args(argv)
    if args.networks_only:
        run_networks()
        return 0
    dimensions()
    if args.dimensions_only:
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    print("One charging curve (1000 times), general bond J = Omega = 1, gamma 0.3, Delta 0.5, D 1")
    ratio = run(sizes, True, args.qutip_limit)
    open_ratio = run(sizes, False, args.qutip_limit)
    if 12 in sizes and args.qutip_limit >= 12:
        other_start(12)
    run_networks()
    for kind, r in (("ring", ratio), ("open chain", open_ratio)):
        if r is not None:
            print(f"  {kind} N = 12: QuTiP / ours (warm) = {r:.1f}   (goal >= 50)   "
                  f"{'PASS' if r >= 50 else 'FAIL'}")
    return 0 if ratio is None or ratio >= 50 else 1


if __name__ == "__main__":
    from report_page import record_run  # writes this run's section of docs/benchmarks.md

    sys.exit(record_run(__file__, main))
