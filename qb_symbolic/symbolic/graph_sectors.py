"""Symmetry sectors of a network battery, from the automorphisms of its graph.

A site permutation ``p`` (vertex ``v`` goes to ``p[v]``, as in
:meth:`~qb_symbolic.core.graphs.Graph.relabel`) maps the Pauli letter on site ``v`` to site
``p[v]``; with the global flip ``P = prod_i sx_i`` as well (X -> X, Y -> -Y, Z -> -Z) it
is the element ``(p, P)``. The candidates are the graph's automorphisms
(:mod:`qb_symbolic.core.automorphisms`), each with and without P; one is kept when it maps
the Pauli terms of H to themselves identically in the parameters (the test of
:mod:`qb_symbolic.symbolic.chain_sectors`, on the same terms). For the networks' XXZ + DM
bond oriented from the lower label to the higher, that leaves the orientation-preserving
automorphisms alone and the reversing ones with P; at D = 0 every automorphism, with and
without P.

The group of kept flip-free permutations that fix the start label, ``G0``, may be
non-abelian (the cube's six preserving rotations; S_n for K_n at D = 0). Its trivial
sector is safe whatever the group: the start is a basis state fixed by ``G0``, H commutes
with ``G0``, so the state stays in the span of the ``G0``-orbit sums ``v_O = sum_{s in O}
|s>``. One kept element ``g`` with the flip then splits that span when it maps orbits onto
orbits and ``g^2`` fixes each orbit (checked on the 2^N states, so no group theory is
trusted): the sectors ``chi = +-1`` have the columns ``v_O + chi v_gO`` (``v_O`` alone, in
``chi = +1``, when ``gO = O``). Groups too large to list (``|Aut| >`` :data:`LIST_LIMIT`,
K_7 and beyond) are tried by their generators: all automorphisms, else the
orientation-preserving ones, else none; a subgroup of the symmetries gives fewer, larger
sectors, never wrong ones. :func:`check_invariant` proves in exact integer arithmetic
that every coefficient group of H maps each sector into itself.

:class:`Sector` and :class:`Sectors` are the records every chain path reads; chains
(:func:`qb_symbolic.symbolic.chain_sectors.chain_sectors`) build them from R, P and T.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import lcm

import numpy as np
import sympy as sp
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..core.automorphisms import (
    automorphism_generators,
    automorphism_group_order,
    automorphisms,
    iter_automorphisms,
)
from ..core.graphs import Graph
from ..model.battery import Battery

#: Sign of each Pauli letter under the global flip prod_i sx_i.
FLIP_SIGN = {"I": 1, "X": 1, "Y": -1, "Z": -1}
#: Automorphism groups up to this order are listed and every element tested (two tests of
#: ~0.3 ms each at N = 12); larger ones (K_7: 5040) are tried by their generators.
LIST_LIMIT = 2000
Perm = tuple[int, ...]


@dataclass(frozen=True)
class Sector:
    """One symmetry sector: its character and orthonormal basis (sparse, one orbit per
    column): ``states[k]`` has amplitude ``values[k]`` in column ``columns[k]``."""

    character: tuple[tuple[str, int], ...]
    dim: int
    states: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    raw: np.ndarray  # unnormalised integer amplitudes (exact checks)


@dataclass(frozen=True)
class Sectors:
    """The populated sectors of a battery and the symmetries behind them."""

    symmetries: tuple[str, ...]
    group_order: int
    sectors: tuple[Sector, ...]
    components: tuple[np.ndarray, ...]

    @property
    def reachable(self) -> int:
        """Dimension of the space the dynamics can reach (sum of populated sectors)."""
        return sum(s.dim for s in self.sectors)


@dataclass(frozen=True)
class GraphSymmetry:
    """What :func:`graph_symmetries` keeps.

    Attributes
    ----------
    generators : tuple of permutations
        Generate ``G0``: kept flip-free permutations fixing the start (every element when
        the group was listed).
    order : int
        ``|G0|``.
    flips : tuple of permutations
        Kept permutations ``p`` whose ``(p, P)`` is a symmetry (candidates for ``g``).
    listed : bool
        True when every automorphism was tested (the kept set is then exact).
    """

    generators: tuple[Perm, ...]
    order: int
    flips: tuple[Perm, ...]
    listed: bool


class _TermTest:
    """Whether ``(p, P^flip)`` maps the terms to themselves, identically in the parameters:
    coefficients compared by an integer code of their expanded form (fast enough to test
    a few thousand permutations)."""

    def __init__(self, terms: dict[str, sp.Expr]) -> None:
        codes: dict[sp.Expr, int] = {}
        self.code = {k: codes.setdefault(sp.expand(c), len(codes)) for k, c in terms.items()}
        self.negative = {}
        for c, k in list(codes.items()):
            self.negative[k] = codes.setdefault(sp.expand(-c), len(codes))
        self.flip_odd = {k: int(np.prod([FLIP_SIGN[x] for x in k])) < 0 for k in terms}

    def __call__(self, perm: Perm, flip: bool) -> bool:
        for label, k in self.code.items():
            letters = [""] * len(label)
            for v, letter in enumerate(label):
                letters[perm[v]] = letter
            want = self.negative[k] if flip and self.flip_odd[label] else k
            if self.code.get("".join(letters)) != want:
                return False
        return True


def state_map(N: int, perm: Perm, flip: bool) -> np.ndarray:
    """The basis-state map of ``P^flip U_p`` (site ``v`` is bit ``N - 1 - v``, bit 0 = up)."""
    states = np.arange(2**N)
    out = np.zeros_like(states)
    for v in range(N):
        out |= ((states >> (N - 1 - v)) & 1) << (N - 1 - perm[v])
    return out ^ (2**N - 1) if flip else out


def _fixes(perm: Perm, label: str) -> bool:
    return all(label[v] == label[perm[v]] for v in range(len(label)))


def graph_symmetries(battery: Battery, graph: Graph) -> GraphSymmetry:
    """The kept symmetries of a battery on ``graph`` (module docstring)."""
    test, label = _TermTest(battery.pauli_terms()), battery.initial
    identity = tuple(range(graph.n))
    if automorphism_group_order(graph) <= LIST_LIMIT:
        every = automorphisms(graph, limit=LIST_LIMIT)
        kept = tuple(p for p in every if _fixes(p, label) and test(p, False))
        return GraphSymmetry(kept, len(kept), tuple(p for p in every if test(p, True)), True)
    generators: list[Perm] = []
    order = 1
    for kind in ("all", "preserving"):
        found = automorphism_generators(graph, kind)
        if all(_fixes(p, label) and test(p, False) for p in found):
            generators, order = found, automorphism_group_order(graph, kind)
            break
    reversing = next(iter_automorphisms(graph, "reversing"), None)
    flips = tuple(p for p in (identity, reversing) if p is not None and test(p, True))
    return GraphSymmetry(tuple(generators), order, flips, False)


def _orbit_representatives(N: int, kept: GraphSymmetry) -> np.ndarray:
    """Per basis state, the smallest state of its ``G0``-orbit."""
    if kept.listed:  # every element: the orbit's minimum directly
        rep = np.arange(2**N)
        for p in kept.generators:
            rep = np.minimum(rep, state_map(N, p, False))
        return rep
    size = 2**N
    if not kept.generators:
        return np.arange(size)
    rows = np.tile(np.arange(size), len(kept.generators))
    cols = np.concatenate([state_map(N, p, False) for p in kept.generators])
    _, labels = connected_components(coo_matrix((np.ones(len(rows)), (rows, cols)),
                                                shape=(size, size)), directed=False)
    low = np.full(labels.max() + 1, size)
    np.minimum.at(low, labels, np.arange(size))
    return low[labels]


def _flip_image(N: int, rep: np.ndarray, kept: GraphSymmetry) -> tuple[Perm | None, np.ndarray]:
    """The first flip element ``g`` that maps orbits onto orbits as an involution, and the
    orbit map (representative -> representative); ``(None, identity)`` if none does."""
    for p in kept.flips:
        image = rep[state_map(N, p, True)]  # per state: the representative of g(s)
        orbit_image = np.empty(2**N, dtype=image.dtype)
        orbit_image[rep] = image  # well defined only if every state of an orbit agrees
        if np.array_equal(orbit_image[rep], image) and np.array_equal(
                orbit_image[orbit_image[rep]], rep):
            return p, orbit_image
    return None, np.arange(2**N)


def _flip_name(perm: Perm) -> str:
    n = len(perm)
    if perm == tuple(range(n)):
        return "P"
    return "RP" if perm == tuple(range(n - 1, -1, -1)) else "gP"


def _sector(rep: np.ndarray, image: np.ndarray, chi: int, character: tuple) -> Sector:
    """The sector of character ``chi`` on the flip element (columns ``v_O + chi v_gO``)."""
    head = np.minimum(rep, image[rep])  # each column is named by its smaller orbit
    keep = np.ones(len(rep), bool) if chi > 0 else image[rep] != rep
    states = np.flatnonzero(keep)
    names, columns = np.unique(head[states], return_inverse=True)
    raw = np.where(rep[states] == head[states], 1.0, float(chi))
    norms = np.bincount(columns, weights=raw**2, minlength=len(names))
    order = np.lexsort((states, columns))
    states, columns, raw = states[order], columns[order], raw[order]
    return Sector(character, len(names), states, columns, raw / np.sqrt(norms[columns]), raw)


def graph_sectors(battery: Battery, graph: Graph) -> Sectors:
    """The populated sectors of a battery on ``graph`` (module docstring).

    Parameters
    ----------
    battery
        A battery whose bonds lie on the edges of ``graph`` (a network).
    graph
        Its graph (vertex ``v`` is site ``v + 1``).

    Returns
    -------
    Sectors
        The populated sectors, their characters on the flip element (none without one),
        the start's components; ``symmetries`` names ``G0`` (its order) and the flip element
        (``P``, ``RP`` for the reversal ``v -> N-1-v``, else ``gP``).
    """
    N = graph.n
    kept = graph_symmetries(battery, graph)
    rep = _orbit_representatives(N, kept)
    flip, image = _flip_image(N, rep, kept)
    names = (f"G0 of order {kept.order}",) + (() if flip is None else (_flip_name(flip),))
    if flip is None:
        sectors = [_sector(rep, image, 1, ())]
    else:
        sectors = [_sector(rep, image, chi, ((names[1], chi),)) for chi in (1, -1)]
    start = int(battery.initial.replace("u", "0").replace("d", "1"), 2)
    found, components = [], []
    for sector in sectors:
        component = np.zeros(sector.dim)
        hit = sector.states == start
        component[sector.columns[hit]] = sector.values[hit]
        if sector.dim and np.any(component != 0):
            found.append(sector)
            components.append(component)
    order = kept.order * (1 if flip is None else 2)
    return Sectors(names, order, tuple(found), tuple(components))


def _group_operator(group: list[tuple[str, sp.Rational]], N: int) -> tuple[np.ndarray, ...]:
    """``sum_k w_k P_k`` on the 2^N basis as integer real and imaginary parts (the weights
    scaled to integers: a multiple has the same invariant subspaces)."""
    scale = lcm(*(int(sp.Rational(w).q) for _, w in group))
    real = np.zeros((2**N, 2**N), np.int64)
    imag = np.zeros((2**N, 2**N), np.int64)
    states = np.arange(2**N)
    for label, w in group:
        xmask = sum(1 << (N - 1 - i) for i, c in enumerate(label) if c in "XY")
        zmask = sum(1 << (N - 1 - i) for i, c in enumerate(label) if c in "ZY")
        parity = np.array([(int(s) & zmask).bit_count() % 2 for s in states])
        phase = (1j ** label.count("Y")) * (-1) ** parity * int(w * scale)
        real[states ^ xmask, states] += np.rint(phase.real).astype(np.int64)
        imag[states ^ xmask, states] += np.rint(phase.imag).astype(np.int64)
    return real, imag


def check_invariant(battery: Battery, sectors: Sectors, max_sites: int = 10) -> bool:
    """Whether every coefficient group of H maps each sector into itself, exactly.

    The groups are H's Pauli strings sorted by coefficient up to a rational factor (``D``
    multiplies ``XY - YX`` on every bond: only the sum is symmetric). With the sector's
    unnormalised integer basis ``B`` (orthogonal columns, Gram ``d_k``) and ``L = lcm(d_k)``,
    ``O B`` lies in span(B) iff ``L O B = B diag(L / d) B^T O B``: integers throughout
    (int64, far from overflow for ``N <=`` ``max_sites``), so the check is a proof.
    """
    N = battery.sites
    if N > max_sites:
        raise ValueError(f"check_invariant builds 2^N x 2^N integer matrices: N = {N} > "
                         f"max_sites = {max_sites}")
    groups: dict[sp.Expr, list] = {}
    for label, c in battery.pauli_terms().items():
        number, rest = sp.expand(c).as_coeff_Mul()
        if not number.is_Rational:
            number, rest = sp.Integer(1), sp.expand(c)
        groups.setdefault(rest, []).append((label, number))
    for group in groups.values():
        parts = _group_operator(group, N)
        for sector in sectors.sectors:
            B = np.zeros((2**N, sector.dim), np.int64)
            B[sector.states, sector.columns] = np.rint(sector.raw).astype(np.int64)
            gram = np.diag(B.T @ B)
            L = lcm(*map(int, gram))
            for part in parts:
                image = part @ B
                if not np.array_equal(L * image, B @ ((L // gram)[:, None] * (B.T @ image))):
                    return False
    return True
