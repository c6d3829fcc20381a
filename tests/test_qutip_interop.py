"""QuTiP interop (issue 14, point 1): batteries to ``Qobj`` and back, exactly at rational
values; QuTiP's own solvers on the exported operators agree with the closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import qutip
import sympy as sp

import qb_symbolic as qb

KSEA = "B*(ZI + IZ) + J*(XX + YY + Delta*ZZ) + D*(XY - YX) + K*(XY + YX)"


def test_round_trip_is_exact_at_rational_values():
    battery = qb.Battery.from_string(KSEA, initial="ud")
    values = {"B": sp.Rational(1, 3), "J": sp.Rational(5, 7), "Delta": sp.Rational(-2, 9),
              "D": sp.Rational(3, 4), "K": sp.Rational(1, 6), "omega0": sp.Rational(7, 5)}
    exported = battery.to_qutip(**values)
    assert exported.H.dims == [[2, 2], [2, 2]] and exported.H0.dims == [[2, 2], [2, 2]]
    # a ket has QuTiP's own two-qubit ket dims, those of basis(2) (x) basis(2)
    assert exported.state.dims == qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 0)).dims
    assert exported.state.isket
    back = qb.Battery.from_matrix(exported.H, H0=exported.H0, initial=exported.state,
                                  rationals=True)
    subs = {battery.params[n]: v for n, v in values.items()}
    assert back.hamiltonian - battery.hamiltonian.subs(subs) == sp.zeros(4, 4)
    assert back.energy_operator - battery.energy_operator.subs(subs) == sp.zeros(4, 4)
    assert back.initial_state - battery.initial_state == sp.zeros(4, 1)
    # Without rationals=True a double is taken by its repr: 1/3 is not recovered.
    plain = qb.Battery.from_matrix(exported.H)
    assert plain.hamiltonian != back.hamiltonian


def test_presets_and_sesolve_agree_with_the_closed_forms():
    """The exported Ising preset run through QuTiP's sesolve: <H0> + 2 omega0 is the
    ergotropy from |dd> (docs/conventions.md), within QuTiP's own tolerance."""
    values = {"Omega": 1.0, "J": 0.7, "D": 1.3, "omega0": 0.9}
    H, H0, psi0 = qb.Battery("ising").to_qutip(**values)
    t = np.linspace(0, 4, 41)
    options = {"atol": 1e-12, "rtol": 1e-12, "nsteps": 100000}
    energy = qutip.sesolve(H, psi0, t, e_ops=[H0], options=options).expect[0]
    zeta = qb.evaluate("ergotropy", t, model="ising", **values)
    assert np.max(np.abs(energy + 2 * values["omega0"] - zeta)) < 1e-8


def test_mixed_starts_and_chains():
    thermal = qb.gibbs_battery("xx")
    H, H0, rho = thermal.to_qutip(beta=2.0)
    assert rho.dims == [[2, 2], [2, 2]] and abs(rho.tr() - 1) < 1e-14 and rho.isherm
    energy = qutip.mesolve(H, rho, [0.0, 0.8], e_ops=[H0],
                           options={"atol": 1e-12, "rtol": 1e-12}).expect[0]
    ours = qb.evaluate("energy", np.array([0.0, 0.8]), battery=thermal, beta=2.0)
    assert np.max(np.abs(energy - ours)) < 1e-8
    chain = qb.chain(5, "xxz", periodic=True)
    values = {"Omega": 1.0, "J": 0.6, "Delta": 1.4, "D": 0.8, "omega0": 1.0}
    H, H0, psi0 = chain.to_qutip(**values)
    assert H.dims == [[2] * 5, [2] * 5] and H.isherm
    energy = qutip.sesolve(H, psi0, [0.0, 1.1], e_ops=[H0],
                           options={"atol": 1e-12, "rtol": 1e-12}).expect[0]
    ours = qb.evaluate("energy", np.array([0.0, 1.1]), battery=chain, **values)
    assert np.max(np.abs(energy - ours)) < 1e-8


def test_bad_interop_input():
    with pytest.raises(ValueError, match="unknown parameter 'Q'"):
        qb.Battery("ising").to_qutip(Q=1)
    with pytest.raises(ValueError, match="missing value for B"):
        qb.Battery.from_string(KSEA).to_qutip(J=1)
