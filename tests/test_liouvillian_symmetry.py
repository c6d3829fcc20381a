"""Superoperator symmetries (:mod:`qb_symbolic.numeric.open.liouvillian_symmetry`): the
candidates against Kronecker products written here, their action on coordinates against
``U rho U^dag``, the split of the paper's XYZ + DM battery under local dephasing (16 = 10 + 6,
block-diagonal in the test's own Liouvillian), no split where unequal rates break the
symmetry, and the split evolution against ``scipy.linalg.expm`` of the full Liouvillian."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from test_lindblad import reference_liouvillian as liouvillian

from qb_symbolic.numeric.open.lindblad import open_evolution
from qb_symbolic.numeric.open.liouvillian_blocks import (
    from_coordinates,
    invariant_blocks,
    liouvillian_family,
    to_coordinates,
)
from qb_symbolic.numeric.open.liouvillian_symmetry import (
    cell_unitaries,
    coordinate_action,
    monomial_action,
    symmetric_parts,
)

SEED = 20261207
SX = np.array([[0, 1], [1, 0]], complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.diag([1.0, -1.0]).astype(complex)
ONE = np.eye(2)
SWAP = np.eye(4)[[0, 2, 1, 3]]
DD = np.diag([0.0, 0.0, 0.0, 1.0]).astype(complex)
#: Agreement with expm of the test's own Liouvillian (the package's spectral path loses
#: cond(V) eps of |rho|, cond <= 1e5).
EXPM_TOLERANCE = 1e-10


def kron(*ops):
    out = np.eye(1)
    for op in ops:
        out = np.kron(out, op)
    return out


def paper_battery(D: float = 1.0) -> np.ndarray:
    """XYZ + DM, Omega = J = 1, gamma = 1/2, Delta = 5/2 (CONVENTIONS.md's H)."""
    g, Delta = 0.5, 2.5
    return (kron(SX, ONE) + kron(ONE, SX) + (1 + g) * kron(SX, SX) + (1 - g) * kron(SY, SY)
            + Delta * kron(SZ, SZ) + D * (kron(SX, SY) - kron(SY, SX)))


def dephasing(rate1: float, rate2: float) -> list[np.ndarray]:
    return [np.sqrt(rate1 / 2) * kron(SZ, ONE), np.sqrt(rate2 / 2) * kron(ONE, SZ)]


def same_up_to_phase(A, B) -> bool:
    k = np.unravel_index(np.argmax(np.abs(B)), B.shape)
    return np.allclose(A * (B[k] / A[k]), B, atol=1e-14)


def test_two_cell_candidates_are_the_kronecker_products():
    found = dict(cell_unitaries(4))
    expected = {"R": SWAP, "X": kron(SX, SX), "Z": kron(SZ, SZ), "XZ": kron(SY, SY),
                "RX": SWAP @ kron(SX, SX), "RZ": SWAP @ kron(SZ, SZ),
                "RXZ": SWAP @ kron(SY, SY)}
    assert set(found) == set(expected)
    for name, U in expected.items():
        assert same_up_to_phase(found[name], U), name


def test_three_cell_reflection_and_flips():
    found = dict(cell_unitaries(8))
    reflection = np.zeros((8, 8))
    for b in range(8):  # |b2 b1 b0> -> |b0 b1 b2>, cell 0 the most significant bit
        reflection[int(f"{b:03b}"[::-1], 2), b] = 1
    assert np.array_equal(found["R"], reflection)
    assert same_up_to_phase(found["X"], kron(SX, SX, SX))
    assert same_up_to_phase(found["XZ"], kron(SY, SY, SY))
    for U in found.values():
        assert np.allclose(U @ U.conj().T, np.eye(8))
        assert same_up_to_phase(U @ U, np.eye(8))  # involutions up to a phase
    assert cell_unitaries(3) == [] and len(cell_unitaries(2)) == 3


def test_coordinate_action_is_conjugation():
    g = np.random.default_rng(SEED)
    A = g.normal(size=(4, 4)) + 1j * g.normal(size=(4, 4))
    rho = A @ A.conj().T
    for _, U in cell_unitaries(4):
        S = coordinate_action(U)
        assert np.allclose(S @ to_coordinates(rho), to_coordinates(U @ rho @ U.conj().T),
                           atol=1e-13)
        assert np.allclose(S @ S.T, np.eye(16))


def _parts(H, jumps):
    family = liouvillian_family(H, jumps)
    x0 = to_coordinates(DD)
    (index,) = invariant_blocks(family.pattern(), x0 != 0)
    return index, symmetric_parts(family, index, x0)


def test_paper_battery_splits_ten_and_six():
    """swap . X^2 fixes H (the DM term flips sign under each factor) and sends
    sz_1 -> -sz_2: the test's own Liouvillian is block-diagonal in the parts."""
    H, jumps = paper_battery(), dephasing(0.3, 0.3)
    index, parts = _parts(H, jumps)
    assert index.size == 16 and sorted(Q.shape[1] for Q in parts) == [6, 10]
    # the parts' bases, from coordinates to the Liouvillian's vec(rho)
    to_vec = from_coordinates(np.eye(16), 4).reshape(16, 16).T
    L = liouvillian(H, jumps)
    R = np.linalg.pinv(to_vec) @ L @ to_vec  # L on coordinates (real up to rounding)
    (A, B) = parts
    assert np.max(np.abs(A.T @ R @ B)) < 1e-12 and np.max(np.abs(B.T @ R @ A)) < 1e-12
    assert np.max(np.abs(R.imag)) < 1e-12


@pytest.mark.parametrize("jumps", [dephasing(0.3, 0.1), [np.sqrt(0.2) * kron(SZ, ONE)]])
def test_unequal_rates_break_the_symmetry(jumps):
    _, parts = _parts(paper_battery(), jumps)
    assert parts == [None]


def test_split_evolution_against_expm():
    """The package's evolution (which uses the split) against expm of the full 16 x 16
    Liouvillian, on a rate grid."""
    H = paper_battery()
    rates = np.array([0.0, 0.05, 0.4, 1.0])
    A = dephasing(1.0, 1.0)
    ev = open_evolution(H, A, DD, np.stack([rates, rates], axis=1))
    assert sorted(Q.shape[1] for _, Q in ev.parts) == [6, 10]
    t = np.array([0.0, 0.3, 1.7, 6.0])
    found = ev.states(t)
    for p, rate in enumerate(rates):
        L = liouvillian(H, dephasing(rate, rate))
        for k, s in enumerate(t):
            reference = (scipy.linalg.expm(L * s) @ DD.reshape(-1)).reshape(4, 4)
            assert np.max(np.abs(found[p, k] - reference)) < EXPM_TOLERANCE


def test_monomial_action_is_the_conjugation_matrix():
    """The O(d^2) sparse builder against the dense definition, every candidate, 1-3 cells."""
    for d in (2, 4, 8):
        for name, U in cell_unitaries(d):
            assert np.array_equal(monomial_action(U).toarray(), coordinate_action(U)), (d, name)


def test_five_cells_split_beyond_the_eig_limit():
    """N = 5, XXZ ring-free chain with a transverse field and equal dephasing on every cell:
    the reflection and X^5 split the 1024-coordinate block into parts within
    EIG_BLOCK_LIMIT, so eig replaces expm_multiply. Reference: scipy's expm_multiply of the
    test's own sparse 1024 x 1024 Liouvillian."""
    import scipy.sparse
    import scipy.sparse.linalg

    N, rate = 5, 0.3

    def site(op, k):
        return scipy.sparse.kron(scipy.sparse.kron(scipy.sparse.identity(2 ** k), op),
                                 scipy.sparse.identity(2 ** (N - k - 1)))

    H = sum(site(SX, k) for k in range(N)) + sum(
        site(SX, k) @ site(SX, k + 1) + site(SY, k) @ site(SY, k + 1)
        + 2 * site(SZ, k) @ site(SZ, k + 1) for k in range(N - 1))
    jumps = [np.sqrt(rate / 2) * site(SZ, k) for k in range(N)]
    one = scipy.sparse.identity(2 ** N)
    L = -1j * (scipy.sparse.kron(H, one) - scipy.sparse.kron(one, H.T))
    for a in jumps:
        m = a.conj().T @ a
        L = L + scipy.sparse.kron(a, a.conj()) - 0.5 * scipy.sparse.kron(m, one) \
            - 0.5 * scipy.sparse.kron(one, m.T)
    start = np.zeros((2 ** N, 2 ** N))
    start[-1, -1] = 1.0  # |ddddd>
    H0 = sum(site(SZ, k) for k in range(N)).toarray()
    ev = open_evolution(H.toarray(), [a.toarray() for a in jumps], start)
    assert ev.blocks[0].size == 1024 and len(ev.parts) >= 2
    assert all(Q is not None and Q.shape[1] <= 512 for _, Q in ev.parts)
    t = np.array([0.5, 1.3])
    found = ev.energy(t, H0)[0]
    for k, s in enumerate(t):
        rho = scipy.sparse.linalg.expm_multiply(L.tocsc() * s, start.reshape(-1).astype(complex))
        reference = np.trace(rho.reshape(2 ** N, 2 ** N) @ H0).real
        assert abs(found[k] - reference) < EXPM_TOLERANCE


@pytest.mark.parametrize("jumps, kept", [(dephasing(0.3, 0.3), 1), (dephasing(0.3, 0.1), 0),
                                         ([], 1)])
def test_dense_and_sparse_tests_agree(jumps, kept):
    """The symmetry test on small blocks (dense) and on large ones (sparse) answer the same,
    for every candidate of the paper's battery: kept and broken ones alike (swap . X^2 alone
    is kept, closed or under equal dephasing; unequal rates break it)."""
    import scipy.sparse

    from qb_symbolic.numeric.open.liouvillian_symmetry import (
        _commutes,
        _restricted,
        _row_space,
        _signed_permutations,
    )

    family = liouvillian_family(paper_battery(), jumps)
    index = np.arange(16)
    sparse = [scipy.sparse.coo_matrix(G[index][:, index]) for G in family.generators]
    dense = np.array([G.toarray() for G in sparse])
    directions = _row_space(family.coefficients)
    answers = [(_commutes(_restricted(image, sign, index), dense, directions),
                _commutes(_restricted(image, sign, index), sparse, directions))
               for image, sign in _signed_permutations(4)]
    assert all(a == b for a, b in answers)
    assert sum(a for a, _ in answers) == kept
