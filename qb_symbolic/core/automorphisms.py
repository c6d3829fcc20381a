"""Automorphisms of a battery's graph, and the ones that respect the DM orientations.

A permutation ``p`` of the vertices (``p[v]`` is the image of vertex ``v``, as in
:meth:`~qb_symbolic.core.graphs.Graph.relabel`) is an automorphism when it maps the edge
set onto itself. Permuting the sites by an automorphism leaves the field ``Omega sum_i
sx_i`` and the bonds ``J (sx_i sx_j + sy_i sy_j + Delta sz_i sz_j)`` alone, but the DM term
``D (sx_i sy_j - sy_i sx_j)`` of the bond ``i < j`` is odd under ``i <-> j``: the bond goes
to ``(p[i], p[j])`` and its DM term changes sign when ``p[i] > p[j]``. So:

* ``kind="preserving"``: ``p[i] < p[j]`` for every edge ``i < j``; a symmetry of ``H`` for
  every ``D``. These form a subgroup.
* ``kind="reversing"``: ``p[i] > p[j]`` for every edge; a symmetry of ``H`` only combined
  with the global spin flip ``prod_i sx_i`` (rotation by pi about x: ``sy, sz -> -sy,
  -sz``), which flips the sign of D and leaves the field and the XXZ bonds alone. These
  form a coset of the preserving subgroup, or none.
* Any other automorphism is a symmetry only at ``D = 0``.

For the complete graph K_n only the identity preserves every orientation and only the
reversal ``i -> n-1-i`` reverses them all. A ring C_n labelled ``0..n-1`` has the closing
bond ``(0, n-1)``, oriented ``0 -> n-1`` against the run ``0 -> 1 -> ... -> n-1``: the
translation ``i -> i + 1`` keeps the orientation of every bond but two (``(0, n-1)`` goes to
``(1, 0)``, and ``(n-2, n-1)`` to ``(n-1, 0)``, stored as ``(0, n-1)``). So with the "lower
label to higher label" rule a ring's translation is not a symmetry of the DM term unless
``D = 0``; the ring's preserving group is the identity alone (0 is the only vertex with two
outgoing bonds) and its reversing set the reflection ``i -> n-1-i``. (This is why chains
orient a ring's DM bond ``i -> i+1 mod n``, which keeps the translation.)

The search is backtracking over the vertices in breadth-first order, each vertex's image
restricted to its colour class under colour refinement (degrees, then neighbours' colours)
and to the images consistent with the vertices already placed. Groups too large to list
(K_12 has 12! elements) are handled by :func:`automorphism_generators` (a strong
generating set from a stabiliser chain), :func:`automorphism_group_order` and the lazy
:func:`iter_automorphisms`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .graphs import Graph, check_permutation, parse_graph

#: The kinds of automorphism: every one, the DM-orientation preserving, the reversing.
KINDS: tuple[str, ...] = ("all", "preserving", "reversing")
_SIGN = {"all": 0, "preserving": 1, "reversing": -1}
Perm = tuple[int, ...]


@dataclass(frozen=True)
class OrientedSymmetries:
    """The automorphisms that keep every DM bond's orientation, and those reversing all.

    Attributes
    ----------
    preserving : tuple of permutations
        ``p[i] < p[j]`` for every edge ``i < j`` (a subgroup; the identity first).
    reversing : tuple of permutations
        ``p[i] > p[j]`` for every edge (symmetries of H with the spin flip ``prod sx``).

    Examples
    --------
    >>> oriented_symmetries("K4")
    OrientedSymmetries(preserving=((0, 1, 2, 3),), reversing=((3, 2, 1, 0),))
    """

    preserving: tuple[Perm, ...]
    reversing: tuple[Perm, ...]


def _graph(graph: Any) -> Graph:
    return graph if isinstance(graph, Graph) else parse_graph(graph)


def _kind(kind: Any, allowed: tuple[str, ...] = KINDS) -> int:
    if kind not in allowed:
        raise ValueError(f"kind must be one of {', '.join(allowed)}; got {kind!r}")
    return _SIGN[kind]


def _refine(graph: Graph, fixed: tuple[int, ...] = ()) -> list[int]:
    """Colour refinement from the degrees, each vertex of ``fixed`` in a colour of its own.

    The colours depend on the graph and ``fixed`` only, so every automorphism fixing
    ``fixed`` pointwise keeps each colour class.
    """
    neighbours, place = graph.neighbours, {v: k + 1 for k, v in enumerate(fixed)}
    keys: list[Any] = [(place.get(v, 0), len(neighbours[v])) for v in range(graph.n)]
    classes = 0
    while True:
        index = {key: c for c, key in enumerate(sorted(set(keys)))}
        colour = [index[key] for key in keys]
        if len(index) == classes:
            return colour
        classes = len(index)
        keys = [(colour[v], tuple(sorted(colour[w] for w in neighbours[v])))
                for v in range(graph.n)]


class _Search:
    """Backtracking over the vertices in breadth-first order (per component)."""

    def __init__(self, graph: Graph, sign: int) -> None:
        self.n, self.sign, neighbours = graph.n, sign, graph.neighbours
        self.adj = [sum(1 << w for w in ws) for ws in neighbours]
        self.order: list[int] = []
        for root in range(graph.n):
            if root in self.order:
                continue
            queue = [root]
            for v in queue:  # the list grows while it is read: breadth first
                queue += [w for w in neighbours[v] if w not in queue]
            self.order += queue
        place = {v: k for k, v in enumerate(self.order)}
        self.back = [[w for w in neighbours[u] if place[w] < k]
                     for k, u in enumerate(self.order)]

    def extend(self, image: list[int], used: int, pos: int, colour: list[int],
               only: Iterable[int] | None = None) -> Iterator[Perm]:
        """Every automorphism (of the search's kind) agreeing with ``image`` on the first
        ``pos`` vertices of the order (``used``: their images, as a bit mask)."""
        if pos == self.n:
            yield tuple(image)
            return
        u, mask, low, high = self.order[pos], 0, -1, self.n
        for w in self.back[pos]:
            mask |= 1 << image[w]
            if self.sign and (w < u) == (self.sign > 0):
                low = max(low, image[w])
            elif self.sign:
                high = min(high, image[w])
        candidates = [x for x in range(self.n) if colour[x] == colour[u]] if only is None \
            else only
        for x in candidates:
            if low < x < high and not used >> x & 1 and self.adj[x] & used == mask:
                image[u] = x
                yield from self.extend(image, used | 1 << x, pos + 1, colour)
        image[u] = -1


def iter_automorphisms(graph: Any, kind: str = "all") -> Iterator[Perm]:
    """The automorphisms of ``graph`` of one kind, one at a time (stop when you like).

    Parameters
    ----------
    graph
        A :class:`~qb_symbolic.core.graphs.Graph` or anything
        :func:`~qb_symbolic.core.graphs.parse_graph` reads.
    kind
        ``"all"``, ``"preserving"`` (every DM orientation kept) or ``"reversing"`` (every
        orientation reversed); see the module docstring.

    Examples
    --------
    >>> from itertools import islice
    >>> list(islice(iter_automorphisms("K12"), 2))
    [(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10)]
    """
    graph, sign = _graph(graph), _kind(kind)
    search = _Search(graph, sign)
    yield from search.extend([-1] * graph.n, 0, 0, _refine(graph))


def _orbit(point: int, generators: list[Perm]) -> set[int]:
    orbit, todo = {point}, [point]
    while todo:
        todo = [p[v] for v in todo for p in generators if p[v] not in orbit]
        orbit.update(todo)
    return orbit


def _stabiliser_chain(graph: Graph, sign: int) -> tuple[list[Perm], list[int]]:
    """A strong generating set and the basic orbit sizes along the search order.

    Level ``k`` (deepest first) fixes the first ``k`` vertices of the order; every vertex
    of the base point's colour class not yet in its orbit is tried as its image. The
    generators found so far generate the level's stabiliser (induction), so the group order
    is the product of the orbit sizes.
    """
    search, gens, sizes = _Search(graph, sign), [], []
    for k in reversed(range(graph.n)):
        fixed = tuple(search.order[:k])
        colour, base = _refine(graph, fixed), search.order[k]
        orbit = _orbit(base, gens)
        for v in range(graph.n):
            if colour[v] != colour[base] or v in orbit:
                continue
            image = [-1] * graph.n
            for w in fixed:
                image[w] = w
            found = next(search.extend(image, sum(1 << w for w in fixed), k, colour, [v]),
                         None)
            if found is not None:
                gens.append(found)
                orbit = _orbit(base, gens)
        sizes.append(len(orbit))
    return gens, sizes


def automorphism_generators(graph: Any, kind: str = "all") -> list[Perm]:
    """Permutations generating the automorphism group (or its preserving subgroup).

    A strong generating set along a stabiliser chain: small (at most ``n(n-1)/2``
    permutations) even when the group is too large to list.

    Parameters
    ----------
    graph
        A graph, or anything :func:`~qb_symbolic.core.graphs.parse_graph` reads.
    kind
        ``"all"`` or ``"preserving"`` (the reversing ones are no group).

    Examples
    --------
    >>> gens = automorphism_generators("icosahedron")
    >>> len(gens) <= 66, orbits(gens, 12)
    (True, [(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)])
    """
    return _stabiliser_chain(_graph(graph), _kind(kind, KINDS[:2]))[0]


def automorphism_group_order(graph: Any, kind: str = "all") -> int:
    """The order of the automorphism group (or of its preserving subgroup).

    Examples
    --------
    >>> automorphism_group_order("icosahedron"), automorphism_group_order("K12")
    (120, 479001600)
    """
    return math.prod(_stabiliser_chain(_graph(graph), _kind(kind, KINDS[:2]))[1])


def automorphisms(graph: Any, kind: str = "all", limit: int = 100_000) -> list[Perm]:
    """The automorphisms of one kind, sorted (the identity first when it belongs).

    Parameters
    ----------
    graph
        A graph, or anything :func:`~qb_symbolic.core.graphs.parse_graph` reads.
    kind
        ``"all"``, ``"preserving"`` or ``"reversing"`` (module docstring).
    limit
        The most permutations to list (K_8 has 40320).

    Raises
    ------
    ValueError
        If there are more than ``limit`` (the message names the number and what to use).

    Examples
    --------
    >>> len(automorphisms("cube")), automorphisms("path(4)")
    (48, [(0, 1, 2, 3), (3, 2, 1, 0)])
    >>> automorphisms("C6", "reversing")
    [(5, 4, 3, 2, 1, 0)]
    """
    graph, sign = _graph(graph), _kind(kind)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer; got {limit!r}")
    if sign >= 0:
        count = automorphism_group_order(graph, kind)
    else:
        exists = next(iter_automorphisms(graph, kind), None) is not None
        count = automorphism_group_order(graph, "preserving") if exists else 0
    if count > limit:
        raise ValueError(f"{graph.name} has {count} automorphisms of kind {kind!r}, more "
                         f"than limit = {limit}; use automorphism_generators(graph) or "
                         f"iter_automorphisms(graph), or raise limit")
    return sorted(iter_automorphisms(graph, kind))


def oriented_symmetries(graph: Any, limit: int = 100_000) -> OrientedSymmetries:
    """The automorphisms preserving every DM orientation, and those reversing all.

    Parameters
    ----------
    graph
        A graph, or anything :func:`~qb_symbolic.core.graphs.parse_graph` reads.
    limit
        The most permutations of either kind to list.

    Examples
    --------
    >>> s = oriented_symmetries("C5")      # no translation: the closing bond (0, 4)
    >>> s.preserving, s.reversing
    (((0, 1, 2, 3, 4),), ((4, 3, 2, 1, 0),))
    >>> len(oriented_symmetries("star(4)").preserving)   # the leaves: 3!
    6
    """
    return OrientedSymmetries(tuple(automorphisms(graph, "preserving", limit)),
                              tuple(automorphisms(graph, "reversing", limit)))


def orbits(permutations: Iterable[Any], n: int) -> list[tuple[int, ...]]:
    """The orbits of ``0..n-1`` under the group the permutations generate.

    Parameters
    ----------
    permutations
        Permutations of ``0..n-1`` (``p[v]`` the image of ``v``); none gives singletons.
    n
        The number of vertices.

    Examples
    --------
    >>> orbits(automorphisms("path(5)"), 5)
    [(0, 4), (1, 3), (2,)]
    """
    if isinstance(n, bool) or not hasattr(n, "__index__") or operator.index(n) < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    parent = list(range(operator.index(n)))
    n = len(parent)

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for perm in permutations:
        for v, w in enumerate(check_permutation(perm, n)):
            parent[root(v)] = root(w)
    found: dict[int, list[int]] = {}
    for v in range(n):
        found.setdefault(root(v), []).append(v)
    return sorted(tuple(vs) for vs in found.values())
