"""The named graphs of network batteries and their labellings (:func:`named_graph`).

:func:`qb_symbolic.core.graphs.parse_graph` reads these names (:data:`GRAPH_NAMES`).
Vertices are labelled ``0..n-1``; every bond ``(i, j)`` is stored with ``i < j`` and the DM
term runs from the lower label to the higher, so the labelling is part of the battery:

* ``K5``, ``complete(5)``: every pair; ``tetrahedron`` is K4.
* ``C8``, ``ring(8)``: ``i ~ i + 1 mod n``; the closing bond is ``(0, n - 1)``.
* ``C8(1,2,4)``: circulant, ``i ~ i + s mod n`` for each jump ``s`` in ``1..n//2``.
* ``circulant(n,c)``: the c-regular circulant, ``i ~ i +- 1, ..., i +- c//2`` and, for an
  odd ``c`` (``n`` even), ``i ~ i + n/2``; ``circulant(n, n-1)`` is K_n.
* ``path(n)``: the open chain ``i ~ i + 1``; ``star(n)``: centre 0 bonded to ``1..n-1``.
* ``hypercube(d)``: vertices ``0..2^d - 1``, ``i ~ j`` iff they differ in one bit;
  ``cube`` is hypercube(3). ``octahedron`` is circulant(6,4): ``i ~`` all but ``i + 3``.
* ``icosahedron``: 0 the top, 1-5 the upper ring (in turn around the axis), 6-10 the
  lower ring, 11 the bottom; 0 ~ 1..5, 11 ~ 6..10, the rings ``1-2-3-4-5-1`` and
  ``6-7-8-9-10-6``, and lower vertex ``5 + k`` sits between upper ``k`` and ``k + 1``
  (``5 + 1`` read as 1): ``5 + k ~ k, k % 5 + 1``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import combinations

#: The names :func:`named_graph` reads (``n``, ``c``, ``d``, ``s`` are positive integers).
GRAPH_NAMES: str = ("K<n>, complete(n), C<n>, ring(n), C<n>(s1,s2,...), circulant(n,c), "
                    "path(n), star(n), hypercube(d), tetrahedron, octahedron, cube, "
                    "icosahedron")
_NAME = re.compile(r"^([A-Za-z]+)(\d*)(?:\((.*)\))?$")
_ICOSAHEDRON = tuple([(0, k) for k in range(1, 6)] + [(k, 11) for k in range(6, 11)] + [
    (k, k % 5 + 1) for k in range(1, 6)] + [(k, k % 5 + 6) for k in range(6, 11)] + [
    (u, 5 + k) for k in range(1, 6) for u in (k, k % 5 + 1)])  # lower 5 + k ~ upper k, k + 1


def check_reach(n: int, n_max: int) -> None:
    """ValueError when ``n > n_max`` (the state of n qubits has 2^n amplitudes)."""
    if n > n_max:
        raise ValueError(f"n = {n} is beyond reach (n <= {n_max}: the state of n qubits has "
                         f"2^n amplitudes)")


def _args(spec: str, text: str | None, form: str) -> list[int]:
    """The integer arguments of a name such as ``circulant(8,3)`` (``form`` shows them)."""
    parts = [t.strip() for t in text.split(",")] if text else []
    count = max(len(parts), 1) if form.endswith("...)") else form.count(",") + ("(" in form)
    if len(parts) != count or not all(re.fullmatch(r"\d+", t) for t in parts):
        raise ValueError(f"{spec!r} is malformed; write {form} with positive integers")
    return [int(t) for t in parts]


def named_graph(spec: str, n_max: int = 22) -> tuple[int, list[tuple[int, int]], str]:
    """``(n, edges, name)`` of a graph from :data:`GRAPH_NAMES` (module docstring).

    ``n`` is checked against ``n_max`` before any edge is built (``hypercube(64)`` is
    refused at once). :func:`qb_symbolic.core.graphs.parse_graph` makes the
    :class:`~qb_symbolic.core.graphs.Graph` (and checks the edges).

    Raises
    ------
    ValueError
        On an unknown name, malformed arguments or ``n > n_max``.

    Examples
    --------
    >>> named_graph("C4")
    (4, [(0, 1), (0, 3), (1, 2), (2, 3)], 'C4')
    """
    match = _NAME.fullmatch(spec.replace(" ", ""))
    word, digits, inner = match.groups() if match else ("", "", None)
    word = word.lower()
    if word == "k" and digits and inner is None:
        n, edges, name = _complete(spec, int(digits))
    elif word == "c" and digits:
        jumps = [1] if inner is None else _args(spec, inner, "C<n>(s1,s2,...)")
        n, edges, name = _circulant(spec, int(digits), jumps)
    elif word in _BUILDERS and not digits:
        form, build = _BUILDERS[word]
        n, edges, name = build(spec, *_args(spec, inner, form))
    else:
        raise ValueError(f"unknown graph name {spec!r}; accepted: {GRAPH_NAMES}")
    check_reach(n, n_max)
    return n, list(edges()), name


def _least(spec: str, value: int, low: int, what: str) -> int:
    if value < low:
        raise ValueError(f"{spec!r}: {what} >= {low}")
    return value


_Built = tuple[int, Callable[[], Iterable[tuple[int, int]]], str]


def _complete(spec: str, n: int) -> _Built:
    _least(spec, n, 2, "a complete graph needs n")
    return n, lambda: combinations(range(n), 2), f"K{n}"


def _circulant(spec: str, n: int, jumps: list[int]) -> _Built:
    """``i ~ i + s mod n`` for distinct jumps in ``1..n//2``; the ring for ``[1]``."""
    _least(spec, n, 3, "a ring or circulant needs n")
    for s in jumps:
        if not 1 <= s <= n // 2:
            raise ValueError(f"{spec!r}: jump {s} is not in 1..{n // 2} (jumps s and n - s "
                             f"give the same bonds)")
    if len(set(jumps)) != len(jumps):
        raise ValueError(f"{spec!r}: a jump is given twice; give each jump once")
    jumps = sorted(jumps)
    name = f"C{n}" if jumps == [1] else f"C{n}({','.join(map(str, jumps))})"
    return n, lambda: sorted({tuple(sorted((i, (i + s) % n))) for i in range(n)
                              for s in jumps}), name


def _regular(spec: str, n: int, c: int) -> _Built:
    """``circulant(n,c)``: jumps ``1..c//2``, and ``n/2`` for an odd ``c`` (n even)."""
    if not 1 <= c <= n - 1:
        raise ValueError(f"{spec!r}: c must be in 1..n-1 = 1..{n - 1} (c = n - 1 is K_n)")
    if c % 2 and n % 2:
        raise ValueError(f"{spec!r}: an odd c needs an even n (vertex i is joined to i + n/2)")
    jumps = list(range(1, c // 2 + 1)) + ([n // 2] if c % 2 else [])
    return (*_circulant(spec, n, jumps)[:2], f"circulant({n},{c})")


def _hypercube(spec: str, d: int) -> _Built:
    if not 1 <= d <= 64:
        raise ValueError(f"{spec!r}: d must be in 1..64 (n = 2^d vertices)")
    n = 1 << d
    return n, lambda: ((i, i | 1 << b) for i in range(n) for b in range(d)
                       if not i >> b & 1), f"hypercube({d})"


#: Names with a fixed form: word -> (form, builder taking the spec and the arguments).
_BUILDERS: dict[str, tuple[str, Callable[..., _Built]]] = {
    "complete": ("complete(n)", _complete),
    "ring": ("ring(n)", lambda spec, n: _circulant(spec, n, [1])),
    "circulant": ("circulant(n,c)", _regular),
    "path": ("path(n)", lambda spec, n: (_least(spec, n, 2, "a path needs n"), lambda: (
        (i, i + 1) for i in range(n - 1)), f"path({n})")),
    "star": ("star(n)", lambda spec, n: (_least(spec, n, 2, "a star needs n"), lambda: (
        (0, i) for i in range(1, n)), f"star({n})")),
    "hypercube": ("hypercube(d)", _hypercube),
    "tetrahedron": ("tetrahedron", lambda spec: (*_complete(spec, 4)[:2], "tetrahedron")),
    "octahedron": ("octahedron", lambda spec: (*_regular(spec, 6, 4)[:2], "octahedron")),
    "cube": ("cube", lambda spec: (*_hypercube(spec, 3)[:2], "cube")),
    "icosahedron": ("icosahedron", lambda spec: (12, lambda: _ICOSAHEDRON, "icosahedron")),
}
