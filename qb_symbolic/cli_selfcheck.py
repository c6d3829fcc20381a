"""``qb-symbolic selfcheck``: the package checks its closed forms on this machine.

For every preset, four user batteries (one needing the quartic, one from ``|ud>``, one
with DM along x, one seeded random draw from the 15 Pauli strings) and a thermal start,
at seeded random parameter points and times, every quantity from :func:`evaluate_many`
is compared with a reference that never touches the closed forms: the battery's own
4x4 H, H0 and start, propagated by mpmath ``expm`` at 50 digits, and the figures of merit
from their definitions (docs/conventions.md). The numpy evaluators must agree to
:data:`FLOAT_TOLERANCE`, the 50-digit path (``digits=50``) to :data:`PRECISE_TOLERANCE`;
with QuTiP installed, ``sesolve``/``mesolve`` on :meth:`to_qutip`'s operators must agree on
the energy to :data:`QUTIP_TOLERANCE`. One row per (battery, check); exit 1 on any failure.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import mpmath as mp
import sympy as sp

#: numpy evaluators against the 50-digit reference: double rounding over O(10) operations.
FLOAT_TOLERANCE = 1e-10
#: ``digits=50`` against the 50-digit reference (the issues' bound for exact paths).
PRECISE_TOLERANCE = mp.mpf(10) ** -30
#: QuTiP's ODE solvers at atol = rtol = 1e-10 (measured errors ~1e-9 over t <= 3).
QUTIP_TOLERANCE = 1e-7
PURE = ("energy", "ergotropy", "power", "coherence", "steering", "concurrence")
MIXED = ("energy", "ergotropy")
USER = {
    "quartic: (B+b)XI + (B-b)IX + XXZ + DM_z":
        ("(B + b)*XI + (B - b)*IX + J*(XX + YY + Delta*ZZ) + D*(XY - YX)", "dd"),
    "z field, XXZ + DM_z + KSEA, from |ud>":
        ("B*(ZI + IZ) + J*(XX + YY + Delta*ZZ) + D*(XY - YX) + K*(XY + YX)", "ud"),
    "DM along x": ("Omega*(XI + IX) + J*(XX + YY + Delta*ZZ) + D*(YZ - ZY)", "dd"),
}


def _random_text(rng: random.Random) -> str:
    labels = rng.sample([a + b for a in "IXYZ" for b in "IXYZ" if a + b != "II"], 8)
    return " + ".join(f"({rng.randint(-9, 9) or 1}/{rng.randint(1, 4)})*{x}" for x in labels[:7]) \
        + f" + a*{labels[7]}"


def _number(x: sp.Expr) -> mp.mpc:
    re, im = sp.N(x, 60).as_real_imag()
    return mp.mpc(mp.mpf(str(sp.N(re, 60))), mp.mpf(str(sp.N(im, 60))))


def _numeric(matrix: sp.MatrixBase, subs: dict) -> mp.matrix:
    return mp.matrix([[_number(x) for x in row] for row in matrix.subs(subs).tolist()])


def _partial(rho: mp.matrix, keep: int) -> mp.matrix:
    out = mp.zeros(2, 2)
    for i in range(2):
        for j in range(2):
            for k in range(2):
                a, b = (2 * i + k, 2 * j + k) if keep == 0 else (2 * k + i, 2 * k + j)
                out[i, j] += rho[a, b]
    return out


def reference(battery: Any, values: dict, times: list, mixed: bool) -> dict[str, list]:
    """The quantities at ``times`` from the battery's matrices (50 digits, expm)."""
    subs = {battery.params[n]: sp.nsimplify(v, rational=True) for n, v in values.items()}
    out: dict[str, list] = {}
    with mp.workdps(50):
        H, H0 = _numeric(battery.hamiltonian, subs), _numeric(battery.energy_operator, subs)
        start = _numeric(battery.initial_state, subs)
        rho0 = start if mixed else start * start.H
        levels = sorted(mp.re(x) for x in mp.eigh(H0)[0])
        paulis = [mp.matrix([[0, 1], [1, 0]]), mp.matrix([[0, -1j], [1j, 0]]),
                  mp.matrix([[1, 0], [0, -1]])]
        for t in times:
            U = mp.expm(-1j * H * mp.mpf(t.p) / t.q)
            rho = U * rho0 * U.H
            energy = mp.re(sum(rho[i, j] * H0[j, i] for i in range(4) for j in range(4)))
            weights = sorted((mp.re(x) for x in mp.eigh((rho + rho.H) / 2)[0]), reverse=True)
            found = {"energy": energy,
                     "ergotropy": energy - sum(w * e for w, e in zip(weights, levels))}
            if not mixed:
                psi = U * start
                found["concurrence"] = 2 * abs(psi[0] * psi[3] - psi[1] * psi[2])
                purity = [mp.re(sum(r[i, j] * r[j, i] for i in range(2) for j in range(2)))
                          for r in (_partial(rho, 0), _partial(rho, 1))]
                found["coherence"] = mp.sqrt(max(0, (2 * purity[0] - 1 + 2 * purity[1] - 1) / 2))
                T = [[mp.re(sum((_kron(a, b) * rho)[k, k] for k in range(4))) for b in paulis]
                     for a in paulis]
                found["steering"] = mp.sqrt(sum(x**2 for row in T for x in row))
            for q, v in found.items():
                out.setdefault(q, []).append(v)
        zeta0 = out["ergotropy"][0]
        out["power"] = [mp.mpf(0) if t == 0 else (z - zeta0) * t.q / t.p
                        for t, z in zip(times, out["ergotropy"])]
    return out


def _kron(a: mp.matrix, b: mp.matrix) -> mp.matrix:
    out = mp.zeros(4, 4)
    for i in range(4):
        for j in range(4):
            out[i, j] = a[i // 2, j // 2] * b[i % 2, j % 2]
    return out


def batteries(rng: random.Random) -> list[tuple[str, Any, bool]]:
    """(name, model object, mixed) for every battery checked."""
    import qb_symbolic as qb

    out = [(f"preset {m}", qb.Battery(m).as_model(), False) for m in qb.MODELS]
    out += [(name, qb.Battery.from_string(text, initial=start), False)
            for name, (text, start) in USER.items()]
    text = _random_text(rng)
    out.append(("random Pauli battery (below)", qb.Battery.from_string(text, initial="dd"), False))
    out.append(("thermal xx (Gibbs start)", qb.gibbs_battery("xx"), True))
    return out


def _point(battery: Any, rng: random.Random) -> dict:
    values = {}
    for n in battery.names:
        if n in ("omega0", "Omega", "beta"):
            values[n] = sp.Rational(rng.randint(5, 15), 10)
        else:
            values[n] = sp.Rational(rng.randint(-15, 15), 10)
    return values


def run(points: int, seed: int, with_qutip: bool, out: Callable[[str], None] = print) -> bool:
    """Print the table; True when every row passes."""
    import qb_symbolic as qb

    rng = random.Random(seed)
    rows, start = [], time.perf_counter()
    checked = batteries(rng)
    for name, battery, mixed in checked:
        quantities = MIXED if mixed else PURE
        worst = {q: [0.0, mp.mpf(0)] for q in quantities}
        for _ in range(points):
            values = _point(battery, rng)
            times = [sp.Integer(0)] + sorted(sp.Rational(rng.randint(100, 3000), 1000)
                                             for _ in range(3))
            ref = reference(battery, values, times, mixed)
            floats = {k: float(v) for k, v in values.items()}
            found = qb.evaluate_many(quantities, [float(x) for x in times], battery=battery,
                                     **floats)
            precise = qb.evaluate_many(quantities, times, battery=battery, digits=50, **values)
            with mp.workdps(60):  # differences of 50-digit numbers, not rounded to doubles
                for q in quantities:
                    for k in range(len(times)):
                        worst[q][0] = max(worst[q][0], abs(float(found[q][k]) - float(ref[q][k])))
                        worst[q][1] = max(worst[q][1], abs(mp.mpf(precise[q][k]) - ref[q][k]))
        for q in quantities:
            rows.append((name, q, points * 4, worst[q][0], FLOAT_TOLERANCE))
            rows.append((name, f"{q} (digits=50)", points * 4, worst[q][1], PRECISE_TOLERANCE))
        if with_qutip:
            rows.append((name, "energy vs QuTiP", 11, _qutip_error(battery, mixed, rng),
                         QUTIP_TOLERANCE))
    ok = _table(rows, time.perf_counter() - start, out)
    out(f"random Pauli battery (seed {seed}): {checked[-2][1].source}, from |dd>")
    return ok


def _qutip_error(battery: Any, mixed: bool, rng: random.Random) -> float:
    import numpy as np
    import qutip

    import qb_symbolic as qb

    values = {k: float(v) for k, v in _point(battery, rng).items()}
    H, H0, state = battery.to_qutip(**values)
    t = np.linspace(0, 3, 11)
    options = {"atol": 1e-10, "rtol": 1e-10, "nsteps": 100000}
    solver = qutip.mesolve if mixed else qutip.sesolve
    energy = np.asarray(solver(H, state, t, e_ops=[H0], options=options).expect[0])
    return float(np.max(np.abs(energy - qb.evaluate("energy", t, battery=battery, **values))))


def _table(rows: list, seconds: float, out: Callable[[str], None]) -> bool:
    width = max(len(r[0]) for r in rows)
    out(f"{'battery':{width}s}  {'check':24s} {'points':>6s} {'worst error':>12s} "
        f"{'tolerance':>10s}  verdict")
    ok = True
    for name, check, count, error, tolerance in rows:
        passed = error <= tolerance
        ok &= bool(passed)
        out(f"{name:{width}s}  {check:24s} {count:6d} {float(error):12.1e} "
            f"{float(tolerance):10.0e}  {'ok' if passed else 'FAIL'}")
    failed = sum(1 for r in rows if not r[3] <= r[4])
    out(f"{len(rows)} checks, {failed} failed, {seconds:.1f} s")
    return ok
