"""Many-cell batteries: N qubits on an open chain or a ring, one bond term on every
bond and one site term on every site (issue 13).

The bond term is Pauli text over two-letter labels, as for two-qubit batteries
(``"J*(XX + YY + Delta*ZZ) + D*(XY - YX)"``: the left letter acts on site i, the right on
site i + 1); the site term uses one-letter labels (``"Omega*X"``); H0 defaults to
``omega0 sum_i sz_i``. The paper's presets (Zhang, Song and Wang, arXiv:2406.16047) put
``J((1 + gamma) XX + (1 - gamma) YY + Delta ZZ) + D (XY - YX)`` on every bond and
``Omega X`` on every site, with the fixed values of :data:`qb_symbolic.MODELS`. The
initial state is a basis label over ``u``/``d`` (default ``d...d``), site 1 leftmost
(docs/conventions.md: site 1 is the leftmost factor, ``|u> = |0>`` first in the basis).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..core.pauli import parse_pauli_expression
from ..core.symbols import SYMBOLS
from ..core.values import exact_real
from .presets import DEFAULT_VALUES, check_model_name

#: The paper's bond and site terms.
PAPER_BOND = "J*((1 + gamma)*XX + (1 - gamma)*YY + Delta*ZZ) + D*(XY - YX)"
PAPER_SITE = "Omega*X"
#: Largest N: the Krylov path holds ~40 vectors of 2^N complex numbers (2.7 GB at N = 22).
MAX_SITES = 22


def _resolve(name: str, _position: int) -> sp.Symbol:
    return SYMBOLS.get(name, sp.Symbol(name, real=True))


def _bond_terms(text: str) -> dict[str, sp.Expr]:
    try:
        terms = parse_pauli_expression(text, _resolve)
    except ValueError as error:
        raise ValueError(f"bond term: {error} (a bond term uses two-letter labels such as "
                         "XX, XY; the site term one-letter labels)") from None
    if terms.pop("", 0) != 0:
        raise ValueError("the bond term has a part without a Pauli label (a constant shift)")
    return {label: sp.expand(c) for label, c in terms.items() if sp.expand(c) != 0}


def _site_terms(text: str, what: str) -> dict[str, sp.Expr]:
    """One-letter labels, read by padding them to two letters (``X`` -> ``XI``)."""
    if re.search(r"\b[IXYZ]{2}\b", text):
        raise ValueError(f"{what} uses one-letter labels X, Y, Z (site i); got {text!r}")
    padded = re.sub(r"\b([XYZ])\b", r"\1I", text)
    terms = parse_pauli_expression(padded, _resolve)
    if terms.pop("", 0) != 0:
        raise ValueError(f"{what} has a part without a Pauli label (a constant shift)")
    return {label[0]: sp.expand(c) for label, c in terms.items() if sp.expand(c) != 0}


def _initial_label(label: Any, N: int) -> str:
    if label is None:
        return "d" * N
    if not isinstance(label, str) or len(label) != N or set(label) - {"u", "d"}:
        raise ValueError(f"the initial state of a {N}-site chain is a label of {N} letters u/d "
                         f"(site 1 first); got {label!r}")
    return label


@dataclass(frozen=True)
class ChainBattery:
    """An N-site battery: terms as data (label -> SymPy coefficient), parameters ordered."""

    N: int
    periodic: bool
    bond: tuple[tuple[str, sp.Expr], ...]
    site: tuple[tuple[str, sp.Expr], ...]
    energy_site: tuple[tuple[str, sp.Expr], ...]
    initial: str
    parameters: tuple[sp.Symbol, ...]
    defaults: tuple[tuple[str, Any], ...] = ()
    source: str = ""

    model = "chain"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.parameters)

    def values_for(self, given: dict[str, Any]) -> dict[str, Any]:
        """Every parameter's value, given or default; a ValueError naming the parameters."""
        allowed = ", ".join(self.names) or "(none)"
        unknown = [n for n in given if n not in self.names]
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r}; this chain's parameters: {allowed}")
        defaults = dict(self.defaults)
        missing = [n for n in self.names if given.get(n) is None and n not in defaults]
        if missing:
            raise ValueError(f"missing value for {', '.join(missing)}; this chain's parameters: "
                             f"{allowed}")
        return {n: given[n] if given.get(n) is not None else defaults[n] for n in self.names}

    def _repr_latex_(self) -> str:
        """``H = sum_bonds (bond term) + sum_sites (site term)`` as a formula (Jupyter)."""
        from ..core.display import math

        def terms(pairs, sites: str) -> str:
            parts = [c * sp.Symbol(" ".join(f"\\sigma^{{{x.lower()}}}_{{{i}}}"
                                            for x, i in zip(label, sites)), commutative=False)
                     for label, c in pairs]
            return sp.latex(sp.Add(*parts))

        last = "N" if self.periodic else "N-1"
        return math(f"H = \\sum_{{i=1}}^{{{last}}} \\left({terms(self.bond, ('i', 'i+1'))}\\right)"
                    f" + \\sum_{{i=1}}^{{N}} \\left({terms(self.site, ('i',))}\\right)",
                    f"H_0 = \\sum_i {terms(self.energy_site, ('i',))}",
                    f"N = {self.N}" + (",\\ \\text{ring}" if self.periodic else ""),
                    f"|\\psi(0)\\rangle = |{self.initial}\\rangle")

    def to_qutip(self, **values: Any):
        """H, H0 and the start as QuTiP ``Qobj`` (N tensor factors, site 1 first) at
        ``values`` (:func:`qb_symbolic.model.qutip_interop.chain_to_qutip`)."""
        from .qutip_interop import chain_to_qutip

        return chain_to_qutip(self, values)

    def __repr__(self) -> str:
        return f"ChainBattery({self.source}; parameters {', '.join(self.names)})"


def chain(N: int, model: str | None = None, *, bond: str | None = None, site: str | None = None,
          periodic: bool = False, H0: str = "omega0*Z", initial: str | None = None,
          **params: Any) -> ChainBattery:
    """An N-site battery: the paper's ``model`` on every bond, or your ``bond``/``site`` terms.

    Parameters
    ----------
    N
        Number of cells, ``2 <= N <= MAX_SITES``.
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
    """
    if isinstance(N, bool) or not isinstance(N, int) or N < 2:
        raise ValueError(f"N (the number of cells) must be an integer >= 2; got {N!r}")
    if N > MAX_SITES:
        raise ValueError(f"N = {N} is beyond reach (N <= {MAX_SITES}: the Krylov path holds "
                         f"about 40 vectors of 2^N complex numbers, 2.7 GB at N = {MAX_SITES})")
    if model is not None and bond is not None:
        raise ValueError("give a preset model or your own bond/site terms, not both")
    fixed, required = {}, ()
    if bond is None:
        spec = check_model_name(model or "general")
        bond, site = PAPER_BOND, PAPER_SITE if site is None else site
        fixed, required = dict(spec.fixed), spec.nonzero
    elif site is None:
        raise ValueError("a chain of your own needs a site term too, e.g. site='Omega*X'")
    bond_terms, site_terms = _bond_terms(bond), _site_terms(site, "the site term")
    energy_terms = _site_terms(H0, "H0")
    given = {**fixed, **params}
    everything = [*bond_terms.values(), *site_terms.values(), *energy_terms.values()]
    found = {s.name: s for e in everything for s in e.free_symbols}
    unknown = [n for n in params if n not in found]
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r}; this chain's parameters: "
                         f"{', '.join(sorted(found))}")
    subs = {found[n]: exact_real(n, v) for n, v in given.items() if n in found}
    clean = lambda terms: tuple((k, sp.expand(v.xreplace(subs))) for k, v in terms.items()
                                if sp.expand(v.xreplace(subs)) != 0)
    bond_t, site_t, energy_t = clean(bond_terms), clean(site_terms), clean(energy_terms)
    order = [s for s in found.values() if s not in subs]
    order.sort(key=lambda s: (list(SYMBOLS).index(s.name) if s.name in SYMBOLS else 99, s.name))
    defaults = tuple((s.name, DEFAULT_VALUES[s.name]) for s in order
                     if s.name in DEFAULT_VALUES and s.name not in required)
    kind = "ring" if periodic else "open chain"
    source = f"{N}-site {kind}, {model or 'bond ' + repr(bond) + ', site ' + repr(site)}"
    return ChainBattery(N, bool(periodic), bond_t, site_t, energy_t, _initial_label(initial, N),
                        tuple(order), defaults, source)
