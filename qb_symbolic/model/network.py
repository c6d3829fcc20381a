"""Spin-network batteries: one bond term on every edge of a graph (issue "Batteries on any
graph").

The setting of Bhattacharya, Sabale and Kumar, arXiv:2508.20529 (as the issue reconstructs
it): ``H = Omega sum_i sx_i + sum_{(i,j) in E, i<j} [J (sx_i sx_j + sy_i sy_j + Delta sz_i
sz_j) + D (sx_i sy_j - sy_i sx_j)]``, ``H0 = omega0 sum_i sz_i``, start ``|d...d>``. The DM
vector is along z on every edge, oriented from the lower vertex label to the higher: on a
graph that is not complete, another labelling is another battery (its D* differs), which
is why the labelling of every named graph is stated (:mod:`qb_symbolic.core.graphs`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from ..core.graphs import Graph, parse_graph
from ..core.values import exact_real
from .battery import Battery
from .chain import lattice_battery

#: The bond term of the networks' source model (the XXZ + DM bond; ``model="xxz"``).
NETWORK_MODEL = "xxz"


class DisconnectedGraphWarning(UserWarning):
    """The graph has more than one component: they charge independently."""


def _weights(graph: Graph, couplings: Mapping | None) -> tuple:
    if couplings is None:
        return ()
    if not isinstance(couplings, Mapping):
        raise ValueError("couplings must be a mapping {(i, j): factor} over the graph's edges")
    by_edge = {}
    for pair, value in couplings.items():
        try:
            i, j = sorted(int(v) for v in pair)
        except (TypeError, ValueError):
            raise ValueError(f"couplings: {pair!r} is not an edge (i, j)") from None
        if (i, j) not in graph.edges:
            raise ValueError(f"couplings: ({i}, {j}) is not an edge of {graph.name}")
        if (i, j) in by_edge:
            raise ValueError(f"couplings: the edge ({i}, {j}) is given twice (an edge has one "
                             "coupling, whichever way it is written)")
        by_edge[i, j] = exact_real(f"coupling of ({i}, {j})", value)
    return tuple(by_edge.get(edge, 1) for edge in graph.edges)


def network(graph: Any, model: str | None = None, *, bond: str | None = None,
            site: str | None = None, H0: str = "omega0*Z", initial: str | None = None,
            couplings: Mapping | None = None, **params: Any) -> Battery:
    """A battery on a graph: a bond term on every edge (oriented lower -> higher label),
    a site term on every vertex.

    Parameters
    ----------
    graph
        A name (``"K5"``, ``"C8(1,2,4)"``, ``"circulant(8,3)"``, ``"tetrahedron"``,
        ``"octahedron"``, ``"cube"``, ``"icosahedron"``, ``"hypercube(3)"``...), an edge
        list over vertices ``0..n-1``, a :class:`qb_symbolic.core.graphs.Graph`, or a
        ``networkx.Graph`` (nodes relabelled in sorted order). Vertex 0 is site 1.
    model
        A preset bond (default ``"xxz"`` unless ``bond`` is given: the networks' model).
    bond, site, H0, initial, **params
        As for :func:`qb_symbolic.chain`.
    couplings
        ``{(i, j): factor}``: the bond term on that edge multiplied by the factor (exact).

    Notes
    -----
    The labelling is part of the battery: each DM bond runs from its lower label to its
    higher, so a relabelling that reverses some bonds and keeps others can give orientations
    that no automorphism maps back, and on the octahedron (K6 minus a perfect matching) the
    circulant labelling has D* = 2.19 while ``relabel([0, 2, 4, 1, 3, 5])`` has D* = 1.88
    (:func:`qb_symbolic.numeric.search.network_peak.dstar`). On a complete graph every labelling
    orients the bonds by a total order of the vertices, and two total orders differ by a
    permutation of the sites, which leaves the field, H0 and ``|d...d>`` alone, so there the
    labelling does not matter.

    Examples
    --------
    >>> bat = network("tetrahedron", J=1, Delta=2)
    >>> bat.sites, len(bat.lattice.edges), bat.names
    (4, 6, ('Omega', 'D', 'omega0'))
    """
    g = parse_graph(graph)
    if not g.connected:
        warnings.warn(f"the graph {g.name} is disconnected (components "
                      f"{', '.join(map(str, g.components))}): they charge independently",
                      DisconnectedGraphWarning, stacklevel=2)
    if model is None and bond is None:
        model = NETWORK_MODEL
    return lattice_battery(g.n, g.edges, model, bond, site, H0, initial, params,
                           f"network {g.name} ({g.n} sites)", weights=_weights(g, couplings))
