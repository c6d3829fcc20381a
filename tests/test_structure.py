"""Symmetries and invariant blocks found for any 4x4 Hermitian family (``symbolic.structure``).

Every expected value comes from outside the code under test: hand-written
matrices and states (the hand calculation is in a comment), the numerical
commutant of sampled Hamiltonians (numpy SVD of ``H (x) 1 - 1 (x) H^T``), or the
mpmath propagator ``expm(-i H t)`` of an independently built Hamiltonian, which
must keep the weight of every found block constant. Basis ``|uu>, |ud>, |du>, |dd>``.
"""

from __future__ import annotations

import random
from functools import cache

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import SEED, mp_kron

from qb_symbolic.core.pauli import sigma
from qb_symbolic.core.symbols import D as D_pkg
from qb_symbolic.core.symbols import J as J_pkg
from qb_symbolic.core.symbols import Omega as Omega_pkg
from qb_symbolic.model.battery import Battery
from qb_symbolic.symbolic.structure import Structure, commutant, pauli_form, symmetry_blocks

Om, J, g, Dl, D, B, b, K, Bx, Bz = sp.symbols("Omega J gamma Delta D B b K B_x B_z", real=True)
R2 = sp.sqrt(2)
# Hand-written states and operators.
UU, UD, DU, DD = (sp.eye(4)[:, k] for k in range(4))
PHI_P, PHI_M = (UU + DD) / R2, (UU - DD) / R2
PSI_P, PSI_M = (UD + DU) / R2, (UD - DU) / R2
STATES = {"uu": UU, "ud": UD, "du": DU, "dd": DD, "Phi+": PHI_P, "Phi-": PHI_M, "Psi+": PSI_P,
          "Psi-": PSI_M}
SWAP = sp.Matrix([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
XX = sp.Matrix([[0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0]])  # flips both spins
ZZ = sp.diag(1, -1, -1, 1)

# Each example: terms (coefficient, Pauli label or constant matrix) and its declared symbols.
EXAMPLES: dict[str, tuple[list, tuple]] = {
    "paper": ([(Om, "XI"), (Om, "IX"), (J * (1 + g), "XX"), (J * (1 - g), "YY"),
               (J * Dl, "ZZ"), (D, "XY"), (-D, "YX")], (Om, J, g, Dl, D)),
    "ksea": ([(B, "ZI"), (B, "IZ"), (J, "XX"), (J, "YY"), (J * Dl, "ZZ"), (D, "XY"), (-D, "YX"),
              (K, "XY"), (K, "YX")], (B, J, Dl, D, K)),
    "inhomogeneous": ([(B + b, "XI"), (B - b, "IX"), (J, "XX"), (J, "YY"), (J * Dl, "ZZ"),
                       (D, "XY"), (-D, "YX")], (B, b, J, Dl, D)),
    "xz_field": ([(Bx, "XI"), (Bx, "IX"), (Bz, "ZI"), (Bz, "IZ"), (J, "XX"), (J, "YY"),
                  (J * Dl, "ZZ")], (Bx, Bz, J, Dl)),
    "dm_x": ([(D, "YZ"), (-D, "ZY"), (Om, "XI"), (Om, "IX"), (J, "XX"), (J, "YY"),
              (J * Dl, "ZZ")], (D, Om, J, Dl)),
}


def _random_hermitian(rng: random.Random) -> sp.Matrix:
    M = sp.zeros(4, 4)
    for i in range(4):
        M[i, i] = rng.randint(-3, 3)
        for j in range(i + 1, 4):
            M[i, j] = rng.randint(-3, 3) + sp.I * rng.randint(-3, 3)
            M[j, i] = sp.conjugate(M[i, j])
    return M


_P = sp.symbols("p1:4", real=True)
_RNG = random.Random(SEED)
EXAMPLES["generic"] = ([(sp.S.One, _random_hermitian(_RNG))]
                       + [(p, _random_hermitian(_RNG)) for p in _P], _P)


def _operator(label: str | sp.Matrix) -> sp.Matrix:
    if isinstance(label, sp.MatrixBase):
        return label
    ops = [sp.eye(4) if a == "I" else sigma(a.lower(), cell) for cell, a in enumerate(label, 1)]
    return ops[0] * ops[1]


def _hamiltonian(name: str, **subs: int) -> sp.Matrix:
    terms, _ = EXAMPLES[name]
    H = sum((c * _operator(op) for c, op in terms), sp.zeros(4, 4)).expand()
    return H.subs({sp.Symbol(k, real=True): v for k, v in subs.items()})


def _structure(name: str, initial: str = "dd", **subs: int) -> Structure:
    return _cached_structure(name, initial, tuple(sorted(subs.items())))


@cache
def _cached_structure(name: str, initial: str, subs: tuple) -> Structure:
    return symmetry_blocks(_hamiltonian(name, **dict(subs)), EXAMPLES[name][1], initial)


# ----------------------------------------------------------- independent numerics
_MP_PAULI = {"I": [[1, 0], [0, 1]], "X": [[0, 1], [1, 0]], "Y": [[0, -1j], [1j, 0]],
             "Z": [[1, 0], [0, -1]]}


def _mp_hamiltonian(name: str, values: dict) -> mp.matrix:
    """H built from mpmath Pauli matrices (not from sympy) at exact rational values."""
    H = mp.matrix(4, 4)
    for coeff, op in EXAMPLES[name][0]:
        c = sp.Rational(coeff.subs(values))
        c = mp.mpf(c.p) / c.q
        if isinstance(op, sp.MatrixBase):
            M = mp.matrix([[complex(x) for x in op.row(i)] for i in range(4)])
        else:
            M = mp_kron(mp.matrix(_MP_PAULI[op[0]]), mp.matrix(_MP_PAULI[op[1]]))
        H += c * M
    return H


def _random_values(name: str, rng: random.Random, **subs: int) -> dict:
    fixed = {sp.Symbol(k, real=True): v for k, v in subs.items()}
    return {p: fixed.get(p, sp.Rational(rng.choice([-1, 1]) * rng.randint(20, 300), 100))
            for p in EXAMPLES[name][1]}


def _numeric_commutant_dim(name: str, rng: random.Random, **subs: int) -> int:
    """dim{X : [H(p_k), X] = 0, k = 1..3} at random points, by SVD (>= the true one)."""
    rows = []
    for _ in range(3):
        H = np.array(_mp_hamiltonian(name, _random_values(name, rng, **subs)).tolist(),
                     dtype=complex)
        rows.append(np.kron(H, np.eye(4)) - np.kron(np.eye(4), H.T))
    s = np.linalg.svd(np.vstack(rows), compute_uv=False)
    return int(np.sum(s < 1e-9 * s[0]))


def _mp_vector(v: sp.Matrix) -> mp.matrix:
    return mp.matrix([mp.mpc(*(mp.mpf(str(part)) for part in sp.N(x, 50).as_real_imag()))
                      for x in v])


def _assert_blocks_invariant(name: str, initial: str, rng: random.Random, **subs: int) -> None:
    """exp(-iHt) psi0 keeps the weight of every found block (mpmath expm, 40 digits)."""
    structure = _structure(name, initial, **subs)
    with mp.workdps(40):
        H = _mp_hamiltonian(name, _random_values(name, rng, **subs))
        psi0 = _mp_vector(STATES[initial])
        bases = [[_mp_vector(v) for v in block.vectors] for block in structure.blocks]
        weights0 = [sum(abs(mp.fdot(v.conjugate(), psi0)) ** 2 for v in vs) for vs in bases]
        assert abs(sum(weights0) - 1) < mp.mpf(10) ** -30
        for t in (mp.mpf(rng.uniform(0.1, 5)) for _ in range(3)):
            psi = mp.expm(-1j * H * t) * psi0
            for vs, w0 in zip(bases, weights0):
                w = sum(abs(mp.fdot(v.conjugate(), psi)) ** 2 for v in vs)
                assert abs(w - w0) < mp.mpf(10) ** -25


def _same_span(found: list[sp.Matrix], expected: list[sp.Matrix]) -> bool:
    rank = lambda ms: sp.Matrix([list(m) for m in ms]).rank(simplify=True)
    return rank(found) == rank(expected) == rank(found + expected) == len(found)


def _zero(M: sp.Matrix) -> bool:
    return M.applyfunc(sp.expand) == sp.zeros(*M.shape)


# ------------------------------------------------------------------ a) the paper
def test_paper_commutant_is_identity_and_swap_times_xx():
    # DM (sx1 sy2 - sy1 sx2) is odd under SWAP and odd under sx (x) sx (sy -> -sy),
    # so only their product Sigma survives; every other term is even under both.
    found = commutant(_hamiltonian("paper"), EXAMPLES["paper"][1])
    assert _same_span(found, [sp.eye(4), SWAP * XX])
    assert all(X == X.H for X in found)
    assert _numeric_commutant_dim("paper", random.Random(SEED)) == 2
    # Canonical basis: SWAP = (II + XX + YY + ZZ)/2 and (Y.X)(x)(Y.X) = -ZZ, (Z.X)(x)(Z.X) = -YY,
    # so Sigma = SWAP XX = (II + XX - YY - ZZ)/2: identity, then the traceless XX - YY - ZZ.
    pauli = {ab: sigma(ab[0], 1) * sigma(ab[1], 2) for ab in ("xx", "yy", "zz")}
    assert found == [sp.eye(4), pauli["xx"] - pauli["yy"] - pauli["zz"]]
    assert str(pauli_form(found[1])) == "XX - YY - ZZ" and str(pauli_form(found[0])) == "II"


def test_paper_blocks_are_phi_minus_and_the_bell_triplet():
    s = _structure("paper")
    assert s.proved
    assert [blk.dim for blk in s.blocks] == [1, 3]
    phi_m, rest = s.block_of("Phi-"), s.block_of("Phi+")
    assert phi_m.labels == ("Phi-",) and rest.labels == ("Phi+", "Psi+", "Psi-")
    assert list(phi_m.vectors) == [PHI_M] and list(rest.vectors) == [PHI_P, PSI_P, PSI_M]
    # Hand calculation: xx Phi- = -Phi-, yy Phi- = +Phi-, zz = +1, (sx1 + sx2) Phi- = 0,
    # DM |uu> = DM |dd> = 0  =>  H Phi- = J(Delta - 2 gamma) Phi-.
    assert _zero(phi_m.matrix - sp.Matrix([[J * (Dl - 2 * g)]]))
    # H Phi+ = J(2g + Delta) Phi+ + 2 Omega Psi+;  H Psi+ = 2 Omega Phi+ + J(2 - Delta) Psi+
    # + 2iD Psi- (DM|ud> = -2i|du>, DM|du> = 2i|ud>);  H Psi- = -2iD Psi+ - J(2 + Delta) Psi-.
    expected = sp.Matrix([[J * (2 * g + Dl), 2 * Om, 0],
                          [2 * Om, J * (2 - Dl), -2 * sp.I * D],
                          [0, 2 * sp.I * D, -J * (2 + Dl)]])
    assert _zero(rest.matrix - expected)
    # |dd> = (Phi+ - Phi-)/sqrt 2.
    assert list(phi_m.initial) == [-R2 / 2] and list(rest.initial) == [R2 / 2, 0, 0]
    assert phi_m.weight == sp.Rational(1, 2) and rest.weight == sp.Rational(1, 2)
    assert rest.krylov_dim == 3


def test_paper_at_D_zero_the_singlet_decouples():
    s = _structure("paper", D=0)
    assert s.proved
    assert sorted(blk.labels for blk in s.blocks) == [("Phi+", "Psi+"), ("Phi-",), ("Psi-",)]
    # Without DM, SWAP and sx (x) sx are separately symmetries.
    assert _same_span(commutant(_hamiltonian("paper", D=0), EXAMPLES["paper"][1]),
                      [sp.eye(4), SWAP, XX])
    assert _numeric_commutant_dim("paper", random.Random(SEED), D=0) == 3
    singlet = s.block_of("Psi-")
    assert _zero(singlet.matrix - sp.Matrix([[-J * (2 + Dl)]])) and not singlet.populated
    assert _zero(s.block_of("Phi+").matrix
                 - sp.Matrix([[J * (2 * g + Dl), 2 * Om], [2 * Om, J * (2 - Dl)]]))


def test_paper_lanczos_starts_at_the_initial_state():
    # From Psi-: H Psi- has a Psi+ part (-2iD), H Psi+ then a Phi+ part (2 Omega).
    s = _structure("paper", "Psi-")
    assert s.block_of("Psi-").labels == ("Psi-", "Psi+", "Phi+")
    assert not s.block_of("Phi-").populated and s.block_of("Psi-").weight == 1


def test_package_battery_gives_the_same_blocks():
    H = Battery("xxz", Delta=2).hamiltonian
    s = symmetry_blocks(H, (Omega_pkg, J_pkg, D_pkg))
    assert s.proved and sorted(blk.labels for blk in s.blocks) == [
        ("Phi+", "Psi+", "Psi-"), ("Phi-",)]
    # gamma = 0, Delta = 2: H Phi- = 2 J Phi- (from J(Delta - 2 gamma)).
    assert _zero(s.block_of("Phi-").matrix - sp.Matrix([[2 * J_pkg]]))
    s0 = symmetry_blocks(H.subs(D_pkg, 0), (Omega_pkg, J_pkg))
    assert [blk.dim for blk in s0.blocks] == [1, 1, 2]


@pytest.mark.parametrize("initial", ["dd", "uu", "Psi+"])
def test_paper_dynamics_stays_in_the_blocks(initial):
    _assert_blocks_invariant("paper", initial, random.Random(SEED))


def test_paper_dynamics_at_D_zero_stays_in_the_finer_blocks():
    _assert_blocks_invariant("paper", "dd", random.Random(SEED + 1), D=0)


# ------------------------------------------------- b) z field, XXZ, DM_z and KSEA
def test_ksea_couples_uu_and_dd_so_only_parity_survives():
    # K(sx1 sy2 + sy1 sx2)|uu> = K(i + i)|dd> = 2iK|dd>: Sz is NOT conserved, but every
    # term flips an even number of spins, so the parity sz (x) sz is: blocks 2 + 2.
    found = commutant(_hamiltonian("ksea"), EXAMPLES["ksea"][1])
    assert _same_span(found, [sp.eye(4), ZZ])
    assert _numeric_commutant_dim("ksea", random.Random(SEED)) == 2
    s = _structure("ksea", "ud")
    assert s.proved and sorted(blk.labels for blk in s.blocks) == [("ud", "du"), ("uu", "dd")]
    # <uu|H|uu> = 2B + J Delta, <uu|H|dd> = <uu|K(XY + YX)|dd> = -2iK (the conjugate of 2iK).
    assert _zero(s.block_of("uu").matrix
                 - sp.Matrix([[2 * B + J * Dl, -2 * sp.I * K], [2 * sp.I * K, -2 * B + J * Dl]]))
    # <ud|H|du> = 2J (XX + YY) + 2iD (DM|du> = 2i|ud>); KSEA has no ud-du element.
    assert _zero(s.block_of("ud").matrix
                 - sp.Matrix([[-J * Dl, 2 * J + 2 * sp.I * D], [2 * J - 2 * sp.I * D, -J * Dl]]))
    assert s.block_of("ud").weight == 1 and not s.block_of("uu").populated


def test_without_ksea_total_sz_splits_uu_and_dd():
    s = _structure("ksea", "ud", K=0)
    assert s.proved and sorted(blk.labels for blk in s.blocks) == [("dd",), ("ud", "du"), ("uu",)]
    P = [UU * UU.T, DD * DD.T, UD * UD.T + DU * DU.T]
    found = commutant(_hamiltonian("ksea", K=0), EXAMPLES["ksea"][1])
    assert _same_span(found, P)
    # 4 P_uu = II + IZ + ZI + ZZ, 4 P_dd = II - IZ - ZI + ZZ, 2 P_mid = II - ZZ: the span is
    # {II, IZ + ZI (twice total Sz), ZZ}, in reduced row-echelon order.
    assert [str(pauli_form(X)) for X in found] == ["II", "IZ + ZI", "ZZ"]
    assert _numeric_commutant_dim("ksea", random.Random(SEED), K=0) == 3


@pytest.mark.parametrize("subs", [{}, {"K": 0}])
def test_ksea_dynamics_stays_in_the_blocks(subs):
    _assert_blocks_invariant("ksea", "ud", random.Random(SEED + 2), **subs)
    _assert_blocks_invariant("ksea", "uu", random.Random(SEED + 3), **subs)


# ------------------------------------------- c) inhomogeneous transverse field
def test_inhomogeneous_field_with_dm_has_no_symmetry():
    # b breaks SWAP (and Sigma); DM breaks sx (x) sx: only the identity is left.
    found = commutant(_hamiltonian("inhomogeneous"), EXAMPLES["inhomogeneous"][1])
    assert found == [sp.eye(4)]
    assert _numeric_commutant_dim("inhomogeneous", random.Random(SEED)) == 1
    s = _structure("inhomogeneous")
    assert s.proved and [blk.dim for blk in s.blocks] == [4]
    assert s.blocks[0].krylov_dim == 4 and s.blocks[0].weight == 1
    # H|dd> = J Delta|dd> + (B + b)|ud> + (B - b)|du>: the next Lanczos direction depends on
    # b/B, so the basis is |dd> completed by the other computational states.
    assert s.blocks[0].labels[0] == "dd" and set(s.blocks[0].labels) == {"uu", "ud", "du", "dd"}


def test_inhomogeneous_field_without_dm_splits_by_xx():
    # sx (x) sx commutes with sx1, sx2, XX, YY, ZZ. Hand calculation:
    # ((B+b) sx1 + (B-b) sx2) Phi+ = 2B Psi+, and Phi- -> -2b Psi-; XXZ energies
    # Phi+: J Delta, Psi+: J(2 - Delta), Phi-: J Delta, Psi-: -J(2 + Delta).
    s = _structure("inhomogeneous", D=0)
    assert s.proved and sorted(blk.labels for blk in s.blocks) == [("Phi+", "Psi+"),
                                                                  ("Phi-", "Psi-")]
    assert _same_span(commutant(_hamiltonian("inhomogeneous", D=0),
                                EXAMPLES["inhomogeneous"][1]), [sp.eye(4), XX])
    assert _zero(s.block_of("Phi+").matrix
                 - sp.Matrix([[J * Dl, 2 * B], [2 * B, J * (2 - Dl)]]))
    assert _zero(s.block_of("Phi-").matrix
                 - sp.Matrix([[J * Dl, -2 * b], [-2 * b, -J * (2 + Dl)]]))


@pytest.mark.parametrize("subs", [{}, {"D": 0}])
def test_inhomogeneous_dynamics_stays_in_the_blocks(subs):
    _assert_blocks_invariant("inhomogeneous", "dd", random.Random(SEED + 4), **subs)


# -------------------------------------------------------- d) field along x and z
def test_xz_field_keeps_swap_singlet_and_triplet():
    # Every term is symmetric under SWAP; Bz breaks sx (x) sx.
    found = commutant(_hamiltonian("xz_field"), EXAMPLES["xz_field"][1])
    assert _same_span(found, [sp.eye(4), SWAP])
    assert str(pauli_form(found[1])) == "XX + YY + ZZ"  # 2 SWAP - II, SWAP = (II+XX+YY+ZZ)/2
    assert _numeric_commutant_dim("xz_field", random.Random(SEED)) == 2
    s = _structure("xz_field")
    assert s.proved
    # Lanczos from |dd>: Bx(sx1 + sx2)|dd> = sqrt2 Bx Psi+, then Psi+ -> sqrt2 Bx |uu>.
    assert s.block_of("dd").labels == ("dd", "Psi+", "uu")
    r = R2 * Bx
    assert _zero(s.block_of("dd").matrix - sp.Matrix([[-2 * Bz + J * Dl, r, 0],
                                                      [r, J * (2 - Dl), r],
                                                      [0, r, 2 * Bz + J * Dl]]))
    singlet = s.block_of("Psi-")
    assert singlet.dim == 1 and not singlet.populated
    assert _zero(singlet.matrix - sp.Matrix([[-J * (2 + Dl)]]))


def test_xz_field_dynamics_stays_in_the_triplet():
    _assert_blocks_invariant("xz_field", "dd", random.Random(SEED + 5))
    _assert_blocks_invariant("xz_field", "ud", random.Random(SEED + 6))


# ------------------------------------------------------------- e) DM along x
def test_dm_along_x_keeps_xx_parity():
    # sx (x) sx flips sy and sz, so sy1 sz2 - sz1 sy2 is even; SWAP makes it odd.
    assert _same_span(commutant(_hamiltonian("dm_x"), EXAMPLES["dm_x"][1]), [sp.eye(4), XX])
    assert _numeric_commutant_dim("dm_x", random.Random(SEED)) == 2
    s = _structure("dm_x")
    assert s.proved and sorted(blk.labels for blk in s.blocks) == [("Phi+", "Psi+"),
                                                                  ("Phi-", "Psi-")]
    # (sy1 sz2 - sz1 sy2)(|uu> - |dd>) = 2i(|du> - |ud>): <Psi-|H|Phi-> = -2iD; it kills
    # Phi+ and Psi+. The charging field only couples Phi+ and Psi+ (2 Omega).
    assert _zero(s.block_of("Phi-").matrix
                 - sp.Matrix([[J * Dl, 2 * sp.I * D], [-2 * sp.I * D, -J * (2 + Dl)]]))
    assert _zero(s.block_of("Phi+").matrix
                 - sp.Matrix([[J * Dl, 2 * Om], [2 * Om, J * (2 - Dl)]]))
    assert list(s.block_of("Phi-").initial) == [-R2 / 2, 0]


def test_dm_along_x_dynamics_stays_in_the_blocks():
    _assert_blocks_invariant("dm_x", "dd", random.Random(SEED + 7))


# ---------------------------------------------------- f) a generic random family
def test_generic_family_has_only_the_identity():
    assert commutant(_hamiltonian("generic"), _P) == [sp.eye(4)]
    assert _numeric_commutant_dim("generic", random.Random(SEED)) == 1
    s = _structure("generic")
    assert s.proved and [blk.dim for blk in s.blocks] == [4] and s.blocks[0].krylov_dim == 4
    _assert_blocks_invariant("generic", "dd", random.Random(SEED + 8))


# ----------------------------------------------- a degenerate (non-abelian) case
def test_degenerate_family_keeps_the_initial_state_in_one_block():
    # H = a sx1 + c sz1 acts on cell 1 only: the commutant is 1 (x) M_2 (dimension 4,
    # not commutative). From |dd>, cell 2 stays |d>: the block is {|ud>, |dd>}.
    a, c = sp.symbols("a c", real=True)
    H = a * sigma("x", 1) + c * sigma("z", 1)
    P2 = [sp.kronecker_product(sp.eye(2), m) for m in
          (sp.eye(2), sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
           sp.diag(1, -1))]
    assert _same_span(commutant(H, (a, c)), P2)
    s = symmetry_blocks(H, (a, c), "dd")
    assert s.proved and [blk.dim for blk in s.blocks] == [2, 2]
    assert set(s.block_of("dd").labels) == {"dd", "ud"} and s.block_of("dd").weight == 1
    # <dd|H|dd> = -c, <ud|H|ud> = c, <dd|H|ud> = a (sx on cell 1).
    assert s.block_of("dd").matrix == sp.Matrix([[-c, a], [a, c]])


# ------------------------------------------------------------ report and inputs
def test_summary_and_vector_initial_state():
    s = symmetry_blocks(_hamiltonian("paper"), EXAMPLES["paper"][1], sp.Matrix([1, 0, 0, 1]))
    # (1, 0, 0, 1) = sqrt2 Phi+: weight 2 in the triplet, none on Phi-.
    assert s.block_of("Phi+").weight == 2 and not s.block_of("Phi-").populated
    assert [blk.labels for blk in s.populated] == [("Phi+", "Psi+", "Psi-")]
    text = _structure("paper").summary()
    assert "XX - YY - ZZ" in text and "blocks 1+3" in text
    assert "[Phi+, Psi+, Psi-]" in text and "[Phi-]" in text and "exact" in text
    # On Phi-: xx = -1, yy = zz = +1, so XX - YY - ZZ = -3; on the triplet it is +1.
    s = _structure("paper")
    assert s.block_of("Phi-").charges == (1, -3) and s.block_of("Psi+").charges == (1, 1)


@pytest.mark.parametrize("bad, params, message", [
    (sp.zeros(3, 3), (), "4x4"),
    (sp.Matrix(4, 4, lambda i, j: i + 2 * j), (), "Hermitian"),
    (sp.sqrt(Om) * sp.eye(4), (Om,), "polynomial"),
    (J * sp.eye(4), (Om,), "not in params"),
    (sp.Float(0.5) * Om * sp.eye(4), (Om,), "no floats"),
])
def test_invalid_hamiltonians_are_refused(bad, params, message):
    with pytest.raises(ValueError, match=message):
        commutant(bad, params)


def test_invalid_initial_states_are_refused():
    H = _hamiltonian("paper")
    for bad in ("down", sp.zeros(4, 1), sp.Matrix([J, 0, 0, 0])):
        with pytest.raises(ValueError):
            symmetry_blocks(H, EXAMPLES["paper"][1], bad)
