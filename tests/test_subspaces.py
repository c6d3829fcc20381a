"""The DM-preserved invariant subspaces: derived basis, symbolic block split."""

from __future__ import annotations

import random

import mpmath as mp
import pytest
import sympy as sp
from conftest import SEED, mp_hamiltonian

from qb_symbolic.core.pauli import kron
from qb_symbolic.core.symbols import D, Delta, J, Omega, gamma
from qb_symbolic.model.battery import Battery
from qb_symbolic.symbolic.subspaces import (
    block_decomposition,
    symmetry_adapted_basis,
    symmetry_commutant,
)

SQRT2 = sp.sqrt(2)
PHI_MINUS = sp.Matrix([1, 0, 0, -1]) / SQRT2
PHI_PLUS = sp.Matrix([1, 0, 0, 1]) / SQRT2
PSI_PLUS = sp.Matrix([0, 1, 1, 0]) / SQRT2
PSI_MINUS = sp.Matrix([0, 1, -1, 0]) / SQRT2


def _zero(M: sp.Matrix) -> bool:
    return M.applyfunc(sp.expand) == sp.zeros(*M.shape)


def test_commutant_is_identity_and_swap_times_xx():
    swap = sp.Matrix([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
    xx = kron(sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, 1], [1, 0]]))
    sigma = swap * xx
    basis = symmetry_commutant()
    assert len(basis) == 2 and basis[0] == sp.eye(4)
    # Sigma lies in the span of the derived commutant, and commutes with H.
    a, b = sp.symbols("a b")
    sol = sp.solve(list(a * basis[0] + b * basis[1] - sigma), [a, b], dict=True)
    assert sol, "Sigma = SWAP (sx x sx) is not in the derived commutant"
    H = Battery().hamiltonian
    assert _zero(H * sigma - sigma * H)
    # The DM term alone breaks both SWAP and sx x sx: only their product survives.
    dm = Battery(Omega=0, J=0).hamiltonian
    assert not _zero(dm * swap - swap * dm) and not _zero(dm * xx - xx * dm)


def test_derived_basis_is_the_bell_basis():
    basis = symmetry_adapted_basis()
    assert basis.labels == ("Phi-", "Phi+", "Psi+", "Psi-")
    for vec, expected in zip(basis.vectors, (PHI_MINUS, PHI_PLUS, PSI_PLUS, PSI_MINUS)):
        assert _zero(vec - expected)
    U = basis.unitary
    assert _zero(U.H * U - sp.eye(4))
    assert basis.symmetry_eigenvalues == (-1, 1)


def test_block_diagonal_split_identically_in_all_parameters():
    bat = Battery()
    U = sp.Matrix.hstack(PHI_MINUS, PHI_PLUS, PSI_PLUS, PSI_MINUS)  # built here, not taken
    H_sym = (U.H * bat.hamiltonian * U).applyfunc(sp.expand)
    # Phi- is an exact eigenstate with energy J(Delta - 2 gamma) for all parameters.
    assert _zero(bat.hamiltonian * PHI_MINUS - J * (Delta - 2 * gamma) * PHI_MINUS)
    assert all(sp.expand(H_sym[0, j]) == 0 and sp.expand(H_sym[j, 0]) == 0 for j in (1, 2, 3))
    expected_block = sp.Matrix(
        [
            [J * (Delta + 2 * gamma), 2 * Omega, 0],
            [2 * Omega, J * (2 - Delta), -2 * sp.I * D],
            [0, 2 * sp.I * D, -J * (Delta + 2)],
        ]
    )
    assert _zero(H_sym[1:, 1:] - expected_block)
    # The package finds the same split and proves its off-block entries vanish.
    dec = block_decomposition(bat)
    assert [b.labels for b in dec.blocks] == [("Phi-",), ("Phi+", "Psi+", "Psi-")]
    assert all(sp.expand(x) == 0 for x in dec.off_block_entries())
    assert _zero(dec.blocks[1].matrix - expected_block)


@pytest.mark.parametrize(
    "values, blocks",
    [
        ({"D": 0}, [("Phi-",), ("Phi+", "Psi+"), ("Psi-",)]),
        ({"Omega": 0}, [("Phi-",), ("Phi+",), ("Psi+", "Psi-")]),
        ({"Omega": 0, "D": 0}, [("Phi-",), ("Phi+",), ("Psi+",), ("Psi-",)]),
        ({"J": 0}, [("Phi-",), ("Phi+", "Psi+", "Psi-")]),
    ],
)
def test_special_values_split_further(values, blocks):
    dec = block_decomposition(Battery(**values))
    assert [b.labels for b in dec.blocks] == blocks
    assert all(sp.expand(x) == 0 for x in dec.off_block_entries())


def test_singlet_decouples_at_zero_dm_with_energy_minus_j_two_plus_delta():
    dec = block_decomposition(Battery(D=0))
    singlet = dec.block_of("Psi-")
    assert singlet.dim == 1 and sp.expand(singlet.matrix[0, 0] + J * (Delta + 2)) == 0
    assert not singlet.populated


def test_blocks_are_invariant_numerically_at_random_points():
    # Independent check with the mpmath Hamiltonian: H maps each block's span to itself.
    rng = random.Random(SEED)
    basis = symmetry_adapted_basis()
    vecs = [mp.matrix([complex(sp.N(x)) for x in v]) for v in basis.vectors]
    for _ in range(20):
        vals = [mp.mpf(rng.uniform(-5, 5)) for _ in range(5)]
        vals[0] = abs(vals[0])
        H = mp_hamiltonian(*vals)
        Hv = H * vecs[0]
        # Phi- is an eigenvector: H Phi- parallel to Phi-.
        overlap = sum(mp.conj(vecs[0][i]) * Hv[i] for i in range(4))
        assert mp.norm(Hv - overlap * vecs[0]) < mp.mpf(10) ** -12
