"""Symmetry sectors of a chain battery, found from its terms and built on the 2^N basis.

Candidate symmetries act on basis states by permutations: ``R`` (reflection, site i ->
N + 1 - i), ``P`` (the global flip ``prod_i sx_i``: X -> X, Y -> -Y, Z -> -Z), ``RP``,
and for a ring ``T`` (translation). Each is tested *identically in the parameters* on
the terms themselves (a Pauli string maps to a signed Pauli string): the paper's DM
term is odd under R and under P, so with D != 0 only ``RP`` survives (and ``T`` on a
ring); at D = 0 R and P both do. The group ``G`` they generate (dihedral times the
flip, at most 4N elements) splits the space into sectors of one-dimensional characters
``chi`` (trivial on translations, ``+-1`` on R and P); a sector's basis is one vector
per orbit, ``v_O = sum_g chi(g) g|r>`` (orbits on which chi is inconsistent drop out).
The initial state's components in the sectors are kept, the others never populated.
:func:`check_invariant` proves, in exact integer arithmetic (orbit vectors unnormalised,
entries small Gaussian integers, exact in doubles), that every term maps each sector
into itself.

A network battery (bonds on the edges of a graph other than the chain's,
:func:`qb_symbolic.model.network.network`) takes its sectors from the graph's automorphisms
instead (:mod:`qb_symbolic.symbolic.graph_sectors`); :func:`chain_sectors` sends it there.
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from ..core.arrays import sorted_unique
from ..core.graphs import Graph
from ..model.battery import Battery
from ..model.lattice import chain_edges
from ..model.lattice import operator_matrix as lattice_matrix
from .graph_sectors import FLIP_SIGN, Sector, Sectors, graph_sectors

__all__ = ["FLIP_SIGN", "Sector", "Sectors", "chain_sectors", "conjugation_symmetry",
           "exact_basis", "is_symmetry", "network_graph", "operator_matrix",
           "permutation"]


def operator_matrix(battery: Battery, energy: bool = False) -> sp.SparseMatrix:
    """H (or H0) as an exact sparse ``2^N x 2^N`` SymPy matrix (the closed forms' proofs)."""
    return lattice_matrix(battery.pauli_terms(energy), battery.sites)


def _transform(terms: dict[str, sp.Expr], reflect: bool, flip: bool, shift: int) -> dict:
    out: dict[str, sp.Expr] = {}
    for label, c in terms.items():
        new = label[::-1] if reflect else label
        new = new[shift:] + new[:shift]
        sign = int(np.prod([FLIP_SIGN[x] for x in label])) if flip else 1
        out[new] = sp.expand(out.get(new, 0) + sign * c)
    return out


def is_symmetry(terms: dict[str, sp.Expr], reflect: bool, flip: bool, shift: int = 0) -> bool:
    """Whether the operator commutes with ``T^shift R^reflect P^flip``, identically."""
    image = _transform(terms, reflect, flip, shift)
    keys = set(image) | set(terms)
    return all(sp.expand(image.get(k, 0) - terms.get(k, 0)) == 0 for k in keys)


def permutation(N: int, reflect: bool, flip: bool, shift: int) -> np.ndarray:
    """The basis-state map of ``T^shift R^reflect P^flip`` (bit N-1-i is site i+1)."""
    states = np.arange(2**N)
    bits = (states[:, None] >> np.arange(N - 1, -1, -1)) & 1  # column i: site i
    if reflect:
        bits = bits[:, ::-1]
    bits = np.roll(bits, -shift, axis=1)
    if flip:
        bits = 1 - bits
    return bits @ (1 << np.arange(N - 1, -1, -1))


def conjugation_symmetry(battery: Battery) -> tuple[bool, bool] | None:
    """``(reflect, flip)`` of an antiunitary symmetry ``A = R^reflect P^flip K`` (``K``:
    complex conjugation on the 2^N basis, so ``Y -> -Y``) of H and H0, identically in the
    parameters, that fixes the initial basis state; None if there is none. The paper's
    DM bond is odd under both R and K, so ``RK`` is one (numeric/chain_real.py uses it)."""
    terms = [battery.pauli_terms(), battery.pauli_terms(energy=True)]
    N = battery.N
    start = int(battery.initial.replace("u", "0").replace("d", "1"), 2)
    for reflect, flip in ((False, False), (True, False), (False, True), (True, True)):
        if permutation(N, reflect, flip, 0)[start] != start:
            continue
        conjugated = [{k: (-1) ** k.count("Y") * c for k, c in t.items()} for t in terms]
        if all(_equal(_transform(c, reflect, flip, 0), t) for c, t in zip(conjugated, terms)):
            return reflect, flip
    return None


def _equal(a: dict, b: dict) -> bool:
    return all(sp.expand(a.get(k, 0) - b.get(k, 0)) == 0 for k in set(a) | set(b))


def _group(battery: Battery, terms: dict) -> tuple[list, list]:
    """Group elements ``(reflect, flip, shift)`` and the found symmetries' names."""
    N, initial = battery.N, battery.initial
    names = []
    shifts = [0]
    if battery.periodic and is_symmetry(terms, False, False, 1) and initial == initial[1:] + initial[0]:
        shifts, names = list(range(N)), ["T"]
    reflect_ok = is_symmetry(terms, True, False)  # both characters are enumerated
    flip_ok = is_symmetry(terms, False, True)
    both_ok = is_symmetry(terms, True, True)
    if reflect_ok:
        names.append("R")
    if flip_ok:
        names.append("P")
    if both_ok and not (reflect_ok and flip_ok):
        names.append("RP")
    choices = {(False, False)}
    if reflect_ok:
        choices.add((True, False))
    if flip_ok:
        choices.add((False, True))
    if both_ok:
        choices.add((True, True))
    elements = [(r, f, s) for (r, f) in sorted(choices) for s in shifts]
    return elements, names


def network_graph(battery: Battery) -> Graph | None:
    """The graph of a battery whose bonds are not the chain's (a network), else None."""
    lattice = battery.lattice
    if lattice is None or not lattice.edges or lattice.edges == chain_edges(battery.N,
                                                                            lattice.periodic):
        return None
    return Graph(battery.N, lattice.edges, battery.source)


def chain_sectors(battery: Battery) -> Sectors:
    """The populated sectors of ``battery`` (module docstring); a network's from its graph
    (:func:`qb_symbolic.symbolic.graph_sectors.graph_sectors`)."""
    graph = network_graph(battery)
    if graph is not None:
        return graph_sectors(battery, graph)
    terms = battery.pauli_terms()
    elements, names = _group(battery, terms)
    N = battery.N
    perms = [permutation(N, r, f, s) for r, f, s in elements]
    reflections = sorted({(r, f) for r, f, _ in elements if (r, f) != (False, False)})
    start = int(battery.initial.replace("u", "0").replace("d", "1"), 2)
    sectors, components = [], []
    for signs in itertools.product((1, -1), repeat=len(reflections)):
        chi = dict(zip(reflections, signs))
        weights = [chi.get((r, f), 1) for r, f, _ in elements]
        if not _consistent(chi):
            continue
        sector = _build(N, perms, weights, chi)
        component = _component(sector, start)
        if sector.dim and np.any(component != 0):
            sectors.append(sector)
            components.append(component)
    return Sectors(tuple(names), len(elements), tuple(sectors), tuple(components))


def _consistent(chi: dict) -> bool:
    """chi(RP) = chi(R) chi(P) when all three are in the group."""
    if {(True, False), (False, True), (True, True)} <= set(chi):
        return chi[(True, True)] == chi[(True, False)] * chi[(False, True)]
    return True


def _build(N: int, perms: list, weights: list, chi: dict) -> Sector:
    images = np.stack(perms)  # (|G|, 2^N)
    reps = sorted_unique(images.min(axis=0))
    # amplitude of state g(r) in the orbit vector of r: the sum of chi(g) over g with g(r) = s
    pair = (np.repeat(reps[None, :], len(perms), axis=0) << N) | images[:, reps]
    keys, inverse = np.unique(pair.ravel(), return_inverse=True)
    amp = np.bincount(inverse, weights=np.repeat(np.array(weights, float), len(reps)))
    keep = amp != 0
    keys, amp = keys[keep], amp[keep]
    rep_of, states = keys >> N, keys & ((1 << N) - 1)
    kept_reps, columns = np.unique(rep_of, return_inverse=True)
    norms = np.bincount(columns, weights=amp**2, minlength=len(kept_reps))
    values = amp / np.sqrt(norms[columns]) if len(amp) else amp
    key = tuple((_name(k), v) for k, v in sorted(chi.items()))
    return Sector(key, len(kept_reps), states, columns, values, amp)


def _name(element: tuple[bool, bool]) -> str:
    return {(True, False): "R", (False, True): "P", (True, True): "RP"}[element]


def exact_basis(sector: Sector, N: int) -> sp.Matrix:
    """The sector's orthonormal basis as an exact ``2^N x dim`` SymPy matrix: the integer
    orbit amplitudes ``raw`` (exact in doubles) over the square root of their norms."""
    basis = sp.zeros(2**N, sector.dim)
    for state, column, amplitude in zip(sector.states, sector.columns, sector.raw):
        basis[int(state), int(column)] = sp.Integer(round(amplitude))
    norms = [sp.sqrt(sum(x**2 for x in basis[:, k])) for k in range(sector.dim)]
    return sp.Matrix.hstack(*(basis[:, k] / norms[k] for k in range(sector.dim)))


def _component(sector: Sector, start: int) -> np.ndarray:
    out = np.zeros(sector.dim)
    hit = sector.states == start
    out[sector.columns[hit]] = sector.values[hit]
    return out
