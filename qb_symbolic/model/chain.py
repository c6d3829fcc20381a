"""Many-cell batteries: N qubits on an open chain or a ring, one bond term on every
bond and one site term on every site (issue 13), as a :class:`~.battery.Battery`.

The bond term is Pauli text over two-letter labels, as for two-qubit batteries
(``"J*(XX + YY + Delta*ZZ) + D*(XY - YX)"``: the left letter acts on site i, the right on
site i + 1); the site term uses one-letter labels (``"Omega*X"``); H0 defaults to
``omega0 sum_i sz_i``. The paper's presets (Zhang, Song and Wang, arXiv:2406.16047) put
``J((1 + gamma) XX + (1 - gamma) YY + Delta ZZ) + D (XY - YX)`` on every bond and
``Omega X`` on every site, with the fixed values of :data:`qb_symbolic.MODELS`. The
initial state is a basis label over ``u``/``d`` (default ``d...d``), site 1 leftmost
(docs/conventions.md: site 1 is the leftmost factor, ``|u> = |0>`` first in the basis).
A one-cell battery (``N = 1``) has no bond: give its site term.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..core.symbols import SYMBOLS
from ..core.values import check_sign, exact_real
from .battery import Battery
from .lattice import Lattice, bond_terms, chain_edges, site_terms
from .presets import DEFAULT_VALUES, PAPER_BOND, PAPER_SITE, check_model_name

#: Largest N: the Krylov path holds ~40 vectors of 2^N complex numbers (2.7 GB at N = 22).
MAX_SITES = 22


def _initial_label(label: Any, N: int) -> str:
    if label is None:
        return "d" * N
    if not isinstance(label, str) or len(label) != N or set(label) - {"u", "d"}:
        raise ValueError(f"the initial state of a {N}-site chain is a label of {N} letters u/d "
                         f"(site 1 first); got {label!r}")
    return label


def _check_size(N: Any) -> None:
    if isinstance(N, bool) or not isinstance(N, int) or N < 1:
        raise ValueError(f"N (the number of cells) must be an integer >= 1; got {N!r}")
    if N > MAX_SITES:
        raise ValueError(f"N = {N} is beyond reach (N <= {MAX_SITES}: the Krylov path holds "
                         f"about 40 vectors of 2^N complex numbers, 2.7 GB at N = {MAX_SITES})")


def _terms(model: str | None, bond: str | None, site: str | None, N: int):
    """Bond, site terms and the preset's fixed and required-nonzero parameters."""
    if model is not None and bond is not None:
        raise ValueError("give a preset model or your own bond/site terms, not both")
    fixed, required = {}, ()
    if bond is None and (N > 1 or site is None):
        spec = check_model_name(model or "general")
        bond, site = PAPER_BOND, PAPER_SITE if site is None else site
        fixed, required = dict(spec.fixed), spec.nonzero
    elif site is None:
        raise ValueError("a chain of your own needs a site term too, e.g. site='Omega*X'")
    bonds = bond_terms(bond) if bond is not None and N > 1 else {}
    return bonds, site_terms(site, "the site term"), fixed, required


def lattice_battery(N: int, edges: tuple, model: str | None, bond: str | None,
                    site: str | None, H0: str, initial: str | None, params: dict,
                    describe: str, periodic: bool = False, weights: tuple = ()) -> Battery:
    """A battery of N cells with one bond term on each of ``edges`` (ordered pairs) and a
    site term on every site: what :func:`chain` and :func:`qb_symbolic.network` build."""
    bond_t, site_t, fixed, required = _terms(model, bond, site, N)
    energy_t = site_terms(H0, "H0")
    everything = [*bond_t.values(), *site_t.values(), *energy_t.values(), *weights]
    found = {s.name: s for e in everything for s in sp.sympify(e).free_symbols}
    unknown = [n for n in params if n not in found]
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r}; this battery's parameters: "
                         f"{', '.join(sorted(found))}")
    given = {**fixed, **params}
    for n, value in params.items():  # the signs evaluate asks for (omega0 > 0, Omega >= 0)
        check_sign(found[n], value)
    subs = {found[n]: exact_real(n, v) for n, v in given.items() if n in found}
    lattice = Lattice(N, tuple(edges), tuple(bond_t.items()), tuple(site_t.items()),
                      tuple(energy_t.items()), periodic, tuple(weights)).substitute(subs)
    order = [s for s in found.values() if s not in subs]
    order.sort(key=lambda s: (list(SYMBOLS).index(s.name) if s.name in SYMBOLS else 99, s.name))
    defaults = tuple((s.name, DEFAULT_VALUES[s.name]) for s in order
                     if s.name in DEFAULT_VALUES and s.name not in required)
    source = f"{describe}, {model or 'bond ' + repr(bond) + ', site ' + repr(site)}"
    label = _initial_label(initial, N)
    matrices = None
    if N == 2:  # two cells: the two-qubit pipeline reads the matrices
        whole = Battery.make(sites=2, parameters=tuple(order), lattice=lattice, initial=label)
        matrices = tuple(sp.ImmutableMatrix(m) for m in
                         (whole.hamiltonian, whole.energy_operator, whole.initial_state))
    return Battery.make(sites=N, parameters=tuple(order), defaults=defaults, lattice=lattice,
                        matrices=matrices, initial=label, source=source)


def chain(N: int, model: str | None = None, *, bond: str | None = None, site: str | None = None,
          periodic: bool = False, H0: str = "omega0*Z", initial: str | None = None,
          **params: Any) -> Battery:
    """An N-site battery: the paper's ``model`` on every bond, or your ``bond``/``site`` terms.

    Parameters
    ----------
    N
        Number of cells, ``1 <= N <= MAX_SITES`` (``N = 1``: one qubit, its site term only).
    model
        ``"parallel"``, ``"ising"``, ``"xxz"``, ``"xyz"`` or ``"general"`` (the paper's
        bond and site terms with the model's fixed values); default ``"general"`` unless
        ``bond`` is given.
    bond, site
        Pauli text of the bond term (two-letter labels) and site term (one letter).
    periodic
        A ring (bond N-1 joins site N to site 1) instead of an open chain.
    H0
        Site term of the energy operator (default ``omega0*Z``).
    initial
        Basis label over ``u``/``d``, site 1 first (default ``d...d``).
    **params
        Values fixed exactly before anything is derived (``D=0``, ``J=1``...).

    Examples
    --------
    >>> chain(4, "ising", D=1).names
    ('Omega', 'J', 'omega0')
    >>> chain(1, site="Omega*X").names
    ('Omega', 'omega0')
    """
    _check_size(N)
    kind = "ring" if periodic else "open chain"
    return lattice_battery(N, chain_edges(N, periodic), model, bond, site, H0, initial, params,
                           f"{N}-site {kind}", bool(periodic) and N > 2)
