"""Graphs for spin-network batteries: one :class:`Graph` from a name, an edge list or a
networkx-like object (:func:`parse_graph`).

A network battery is ``H = Omega sum_i sx_i + sum_{(i, j) in E, i < j} [J (sx_i sx_j +
sy_i sy_j + Delta sz_i sz_j) + D (sx_i sy_j - sy_i sx_j)]``. Vertices are labelled
``0..n-1``; vertex 0 is site 1 of the package's conventions (the leftmost tensor factor),
vertex ``k`` is site ``k + 1``. Every bond is stored as ``(i, j)`` with ``i < j`` and the
DM term is oriented from the lower label to the higher, so on a graph that is not complete
another labelling (:meth:`Graph.relabel`) is another battery.

Named graphs (``K5``, ``C8(1,2,4)``, ``circulant(n,c)``, ``icosahedron``...) and their
labellings: :mod:`qb_symbolic.core.graph_names`. A file of edges (one ``i j`` pair a
line): :func:`edges_from_text`.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .graph_names import GRAPH_NAMES, check_reach, named_graph

__all__ = ["GRAPH_NAMES", "Graph", "check_permutation", "edges_from_text", "parse_graph"]


@dataclass(frozen=True)
class Graph:
    """A simple undirected graph on vertices ``0..n-1`` with its bonds oriented i -> j, i < j.

    Construction checks and sorts the edges (a pair may be given either way round); the
    rules and messages are those of :func:`parse_graph`. A graph without edges is refused;
    a disconnected one is allowed (:attr:`connected` is False, :attr:`components` lists
    the parts).

    Attributes
    ----------
    n : int
        Number of vertices (spins); vertex 0 is site 1 of the package's conventions.
    edges : tuple of (int, int)
        The bonds ``(i, j)``, ``i < j``, sorted; the DM term runs from ``i`` to ``j``.
    name : str
        What the graph is, for messages and reports.

    Examples
    --------
    >>> g = Graph(4, [(1, 0), (2, 1), (3, 2), (0, 3)], "ring")
    >>> g.edges
    ((0, 1), (0, 3), (1, 2), (2, 3))
    >>> g.neighbours[0], g.degree, g.is_regular
    ((1, 3), (2, 2, 2, 2), True)
    >>> h = Graph(5, [(0, 1), (2, 3)], "two dimers and a lone spin")
    >>> h.connected, h.components
    (False, ((0, 1), (2, 3), (4,)))
    """

    n: int
    edges: tuple[tuple[int, int], ...]
    name: str = ""

    def __post_init__(self) -> None:
        n = _count(self.n, "the number of vertices n")
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "edges", _checked_edges(self.edges, n)[1])
        object.__setattr__(self, "name", str(self.name))

    @property
    def neighbours(self) -> tuple[tuple[int, ...], ...]:
        """The sorted neighbours of each vertex, vertex 0 first."""
        found: list[list[int]] = [[] for _ in range(self.n)]
        for i, j in self.edges:
            found[i].append(j)
            found[j].append(i)
        return tuple(tuple(sorted(v)) for v in found)

    @property
    def degree(self) -> tuple[int, ...]:
        """The degree of each vertex, vertex 0 first."""
        return tuple(len(v) for v in self.neighbours)

    @property
    def is_regular(self) -> bool:
        """True when every vertex has the same degree."""
        return len(set(self.degree)) == 1

    @property
    def components(self) -> tuple[tuple[int, ...], ...]:
        """The connected components, each sorted, ordered by their lowest vertex."""
        neighbours, seen, found = self.neighbours, set(), []
        for start in (v for v in range(self.n) if v not in seen):
            part = [start]
            for v in part:  # the list grows while it is read
                part += [w for w in neighbours[v] if w not in part]
            seen.update(part)
            found.append(tuple(sorted(part)))
        return tuple(found)

    @property
    def connected(self) -> bool:
        """True when the graph is one component."""
        return len(self.components) == 1

    def relabel(self, permutation: Iterable[int]) -> Graph:
        """The same graph with vertex ``v`` renamed ``permutation[v]``.

        The edges are sorted again, so a bond whose ends swap order has its DM orientation
        reversed: the result is in general another battery.

        Parameters
        ----------
        permutation
            A permutation of ``0..n-1`` (else ValueError).

        Examples
        --------
        >>> parse_graph("path(3)").relabel([1, 0, 2]).edges   # 1-0-2: a star centred at 0
        ((0, 1), (0, 2))
        """
        perm = check_permutation(permutation, self.n)
        edges = [(perm[i], perm[j]) for i, j in self.edges]
        return Graph(self.n, edges, f"{self.name} relabelled by {perm}")


def check_permutation(permutation: Any, n: int) -> tuple[int, ...]:
    """``permutation`` as a tuple, if it is a permutation of ``0..n-1``, else ValueError.

    Examples
    --------
    >>> check_permutation([2, 0, 1], 3)
    (2, 0, 1)
    """
    try:
        items = list(permutation)
        perm = tuple(operator.index(v) for v in items)
        ok = not any(isinstance(v, bool) for v in items) and sorted(perm) == list(range(n))
    except TypeError:
        ok, perm = False, ()
    if not ok:
        raise ValueError(f"{_short(permutation)} is not a permutation of 0..{n - 1} "
                         f"(give the image of each vertex, vertex 0 first)")
    return perm


def parse_graph(spec: Any, n: int | None = None, n_max: int = 22) -> Graph:
    """A :class:`Graph` from a name, an edge list or an object with ``.nodes``, ``.edges``.

    Parameters
    ----------
    spec
        A name from :data:`GRAPH_NAMES` (labellings in the module docstring); an iterable
        of pairs ``(i, j)`` of vertices ``0..n-1`` (either way round, each bond once); a
        :class:`Graph`; or a networkx-like graph (duck-typed ``.nodes`` and ``.edges``),
        whose nodes, unless they are ``0..n-1``, are relabelled ``0..n-1`` in sorted order
        (the name says so).
    n
        The number of vertices; by default the name's, the object's, or the largest vertex
        of the edge list plus one. Give it to add isolated vertices to an edge list.
    n_max
        The largest ``n`` accepted.

    Raises
    ------
    ValueError
        On a self-loop, a vertex that is negative, not an integer or out of range, a bond
        given twice, no edges, ``n > n_max``, an unknown name or malformed arguments.

    Examples
    --------
    >>> g = parse_graph("circulant(8,3)")
    >>> len(g.edges), g.degree[0], g.edges[:3]
    (12, 3, ((0, 1), (0, 4), (0, 7)))
    >>> parse_graph([(0, 1), (2, 1)], n=4)
    Graph(n=4, edges=((0, 1), (1, 2)), name='graph(4: 0-1 1-2)')
    >>> parse_graph("K23")
    Traceback (most recent call last):
    ...
    ValueError: n = 23 is beyond reach (n <= 22: the state of n qubits has 2^n amplitudes)
    """
    n_max = _count(n_max, "n_max")
    n = None if n is None else _count(n, "n")
    if isinstance(spec, str):
        graph = Graph(*named_graph(spec, n_max))
    elif isinstance(spec, Graph):
        graph = spec
    elif hasattr(spec, "nodes") and hasattr(spec, "edges"):
        graph = _from_nodes_edges(spec, n_max)
    else:
        size, edges = _checked_edges(spec, n, n_max)
        return Graph(size, edges, f"graph({size}: {' '.join(f'{i}-{j}' for i, j in edges)})")
    check_reach(graph.n, n_max)
    if n is not None and n != graph.n:
        raise ValueError(f"{graph.name} has n = {graph.n} vertices, but n = {n} was given")
    return graph


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _count(value: Any, what: str) -> int:
    """A non-negative Python int from an integer-like value, else ValueError."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or operator.index(value) < 0:
        raise ValueError(f"{what} must be a non-negative integer; got {_short(value)}")
    return operator.index(value)


def _vertex(v: Any, item: Any) -> int:
    if isinstance(v, bool) or not hasattr(v, "__index__"):
        raise ValueError(f"vertex {_short(v)} in edge {_short(item)} is not an integer; "
                         f"vertices are integers 0..n-1")
    if operator.index(v) < 0:
        raise ValueError(f"vertex {v} in edge {_short(item)} is negative; vertices are 0..n-1")
    return operator.index(v)


def _checked_edges(spec: Any, n: int | None, n_max: int | None = None
                   ) -> tuple[int, tuple[tuple[int, int], ...]]:
    """``n`` (by default the largest vertex plus one) and the sorted bonds ``(i, j)``,
    ``i < j``, after every check of :func:`parse_graph`."""
    if isinstance(spec, (str, bytes, dict)) or not isinstance(spec, Iterable):
        raise ValueError(f"a graph is a name (e.g. 'K5'), an edge list [(i, j), ...] or an "
                         f"object with .nodes and .edges; got {_short(spec)}")
    pairs = []
    for k, item in enumerate(spec):
        try:
            i, j = item
        except (TypeError, ValueError):
            raise ValueError(f"edge {k} of the list, {_short(item)}, is not a pair of "
                             f"vertices; give pairs (i, j)") from None
        pairs.append((_vertex(i, item), _vertex(j, item)))
        if pairs[-1][0] == pairs[-1][1]:
            raise ValueError(f"edge {pairs[-1]} is a self-loop; a bond joins two different "
                             f"vertices")
    n = max((max(e) for e in pairs), default=-1) + 1 if n is None else n
    if n_max is not None:
        check_reach(n, n_max)
    seen: dict[tuple[int, int], tuple[int, int]] = {}
    for i, j in pairs:
        if max(i, j) >= n:
            raise ValueError(f"vertex {max(i, j)} in edge ({i}, {j}) is out of range; "
                             f"vertices are 0..{n - 1} for n = {n}")
        key = (min(i, j), max(i, j))
        if key in seen:
            raise ValueError(f"edge {key} is given twice (as {seen[key]} and {(i, j)}); give "
                             f"each bond once")
        seen[key] = (i, j)
    if not seen:
        raise ValueError("the graph has no edges; a battery needs at least one bond")
    return n, tuple(sorted(seen))


def _from_nodes_edges(obj: Any, n_max: int) -> Graph:
    """A networkx-like graph, its nodes relabelled 0..n-1 in sorted order if need be."""
    nodes = list(obj.nodes)
    check_reach(len(nodes), n_max)
    base = str(getattr(obj, "name", "") or f"{type(obj).__name__} on {len(nodes)} nodes")
    if len(set(nodes)) != len(nodes):
        raise ValueError(f"{base}: a node is listed twice in .nodes; give each node once")
    try:
        ordered = sorted(nodes)
    except TypeError:
        raise ValueError(f"{base}: the nodes cannot be sorted to relabel them 0..n-1; give "
                         f"nodes of one comparable type") from None
    label = {v: k for k, v in enumerate(ordered)}
    shown = ", ".join(f"{_short(v, 20)}->{k}" for k, v in enumerate(ordered))
    name = base if all(label[v] == v for v in nodes) else \
        f"{base} (nodes relabelled in sorted order: {shown})"
    edges = []
    for item in obj.edges:
        missing = [v for v in tuple(item)[:2] if v not in label]
        if missing:
            raise ValueError(f"{base}: edge {_short(item)} has {_short(missing[0])}, which is "
                             f"not in .nodes")
        edges.append(tuple(label[v] for v in tuple(item)[:2]))
    return Graph(len(nodes), edges, name)


def edges_from_text(text: str, what: str = "the edge list") -> list[tuple[int, int]]:
    r"""The pairs of a text with one edge ``i j`` a line (``#`` starts a comment).

    For files of edges (the CLI's ``--network FILE``); :func:`parse_graph` then checks
    the pairs (self-loops, bonds given twice, ``n``).

    Parameters
    ----------
    text
        The text; blank lines and comments are skipped, a comma may stand for the space.
    what
        How messages name the text (a file's name).

    Raises
    ------
    ValueError
        On a line that is not two non-negative integers, naming the line.

    Examples
    --------
    >>> edges_from_text("# a triangle\n0 1\n1 2\n2, 0\n")
    [(0, 1), (1, 2), (2, 0)]
    """
    pairs = []
    for number, line in enumerate(str(text).splitlines(), 1):
        words = line.split("#", 1)[0].replace(",", " ").split()
        if not words:
            continue
        if len(words) != 2 or not all(w.isdigit() for w in words):
            raise ValueError(f"line {number} of {what}, {line.strip()!r}, is not an edge: write "
                             f"two vertices 'i j' (integers 0..n-1) a line")
        pairs.append((int(words[0]), int(words[1])))
    if not pairs:
        raise ValueError(f"{what} has no edges; write one edge 'i j' a line")
    return pairs
