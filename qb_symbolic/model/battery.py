"""The one model object: :class:`Battery`, whatever the battery.

Every constructor returns it and every algorithm reads it (the Qsymm habit: the model is
data, no algorithm knows a parameter name or a kind):

* ``Battery("ising", J=1, D=3)``: the paper's presets (Zhang, Song and Wang,
  arXiv:2406.16047, Eqs. 1-3), parameters left out staying symbolic;
* ``Battery.from_paulis``, ``from_string``, ``from_matrix``: any two-qubit Hamiltonian,
  H0 and start (pure or mixed, exact or float);
* :func:`qb_symbolic.chain` (N cells on an open chain or a ring, N >= 1) and
  :func:`qb_symbolic.gibbs_battery` (a thermal start).

What it holds: the number of cells ``sites``; the Hamiltonian as data (``lattice``: a bond
term on a list of edges and a site term, or, for a two-qubit battery typed as a matrix,
the matrices; :meth:`Battery.pauli_terms` gives either as Pauli strings with exact
coefficients); H0; the start; the parameters (real symbols in a declared order, with
defaults and the one sign rule, :func:`qb_symbolic.core.values.check_sign`); the preset's
name and values where it is one (its Bell-block forms print the paper's LaTeX); and the
dissipators of an open battery (empty: closed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sympy as sp

from ..core.errors import NoClosedForm
from ..core.pauli import ket, pauli_decomposition
from ..core.symbols import PARAMETERS, SYMBOLS
from ..core.values import check_sign, exact_real
from .lattice import Lattice, basis_ket, bond_terms, operator_matrix, site_terms
from .presets import (
    DEFAULT_VALUES,
    MODELS,
    PAPER_BOND,
    PAPER_SITE,
    battery_hamiltonian,
    charging_total_hamiltonian,
    resolve_parameters,
)
from .reading import read_two_qubit

#: Largest N whose H is built as an exact SymPy matrix (2^10 = 1024 rows, sparse).
MAX_EXACT_SITES = 10


def _preset_lattice(params: Mapping[str, sp.Expr]) -> Lattice:
    subs = {SYMBOLS[n]: v for n, v in params.items()}
    lattice = Lattice(2, ((0, 1),), tuple(bond_terms(PAPER_BOND).items()),
                      tuple(site_terms(PAPER_SITE, "the site term").items()),
                      tuple(site_terms("omega0*Z", "H0").items()))
    return lattice.substitute(subs)


@dataclass(frozen=True, init=False, repr=False)
class Battery:
    """A quantum battery: its cells, H, H0, start, parameters and dissipators.

    ``Battery(model, **values)`` builds the paper's preset ``model`` (``"parallel"``,
    ``"ising"``, ``"xxz"``, ``"xyz"``, ``"general"``); parameters left out stay symbolic
    (real SymPy symbols with the paper's names), given values are stored exactly (floats
    as decimal rationals). The other constructors are listed in the module docstring.

    Examples
    --------
    >>> from qb_symbolic import Battery, Omega
    >>> Battery("ising", J=Omega, D=3 * Omega).params["gamma"]
    1
    >>> Battery.from_string("Omega*(XI + IX) + J*ZZ").names
    ('Omega', 'J', 'omega0')
    """

    sites: int
    parameters: tuple[sp.Symbol, ...]
    defaults: tuple[tuple[str, Any], ...]
    lattice: Lattice | None
    matrices: tuple[sp.ImmutableMatrix, ...] | None
    initial: str | None
    preset: str | None
    items: tuple[tuple[str, sp.Expr], ...]
    dissipators: tuple[Any, ...]
    source: str = field(compare=False)

    def __init__(self, model: str = "general", **values: Any) -> None:
        params = resolve_parameters(model, values)
        H = charging_total_hamiltonian(*(params[n] for n in PARAMETERS[:5]))
        matrices = tuple(sp.ImmutableMatrix(m) for m in
                         (H, battery_hamiltonian(params["omega0"]), ket("dd")))
        free = tuple(SYMBOLS[n] for n in PARAMETERS if params[n] == SYMBOLS[n])
        required = MODELS[model].nonzero  # e.g. xyz's gamma, Delta: no default
        defaults = tuple((s.name, DEFAULT_VALUES[s.name]) for s in free
                         if s.name not in required)
        shown = ", ".join(f"{n}={params[n]}" for n in PARAMETERS)
        self._fill(sites=2, parameters=free, defaults=defaults, lattice=_preset_lattice(params),
                   matrices=matrices, initial="dd", preset=model,
                   items=tuple((n, params[n]) for n in PARAMETERS), dissipators=(),
                   source=f"Battery({model!r}, {shown})")

    def _fill(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @classmethod
    def make(cls, *, sites: int, parameters: tuple[sp.Symbol, ...],
             defaults: tuple[tuple[str, Any], ...] = (), lattice: Lattice | None = None,
             matrices: tuple[sp.ImmutableMatrix, ...] | None = None, initial: str | None = None,
             dissipators: tuple[Any, ...] = (), source: str = "") -> Battery:
        """A battery from its data (what every constructor but the presets' calls)."""
        battery = object.__new__(cls)
        battery._fill(sites=sites, parameters=tuple(parameters), defaults=tuple(defaults),
                      lattice=lattice, matrices=matrices, initial=initial, preset=None,
                      items=(), dissipators=tuple(dissipators), source=source)
        return battery

    # -- constructors of two-qubit batteries --------------------------------------------

    @classmethod
    def _from_inputs(cls, spec: Any, H0: Any, initial: Any) -> Battery:
        data = read_two_qubit(spec, H0, initial)
        label = initial if isinstance(initial, str) and set(initial) <= {"u", "d"} else None
        return cls.make(sites=2, parameters=data.parameters, defaults=data.defaults,
                        matrices=(data.hamiltonian, data.energy_operator, data.initial_state),
                        initial=label, source=data.source)

    @classmethod
    def from_paulis(cls, terms: Any, *, H0: Any = None, initial: Any = "dd") -> Battery:
        """A battery from Pauli terms, e.g. ``{"XI": Omega, "IX": Omega, "XY": D, "YX": -D}``.

        Two-letter labels over I, X, Y, Z, cell 1 first (``"XY"`` is ``sx (x) sy``).
        ``H0`` (same forms as the Hamiltonian; default ``omega0 (sz1 + sz2)``) and
        ``initial`` (a label such as ``"dd"``, ``"ud"``, ``"psi+"``, a normalised
        4-vector, symbolic allowed, or a 4x4 density matrix).
        """
        if not isinstance(terms, Mapping):
            raise ValueError("from_paulis takes a mapping {label: coefficient}")
        return cls._from_inputs(terms, H0, initial)

    @classmethod
    def from_string(cls, text: str, *, H0: Any = None, initial: Any = "dd") -> Battery:
        """A battery from text, e.g. ``"B*(ZI + IZ) + J*(XX + YY + Delta*ZZ) + D*(XY - YX)"``.

        Unknown names become real symbols named as written; see :meth:`from_paulis`.
        """
        if not isinstance(text, str):
            raise ValueError("from_string takes a string such as 'Omega*(XI + IX) + J*ZZ'")
        return cls._from_inputs(text, H0, initial)

    @classmethod
    def from_matrix(cls, H: Any, *, H0: Any = None, initial: Any = "dd",
                    rationals: bool = False) -> Battery:
        """A battery from a 4x4 Hermitian matrix (SymPy, numpy, or a QuTiP ``Qobj``).

        ``H0`` and ``initial`` take the same forms (a ``Qobj`` ket or density matrix too).
        Floats are taken exactly by their shortest repr; with ``rationals=True`` each is
        replaced by the simplest fraction that rounds to it (within 4 ulp, denominators up
        to 2^20), so ``Battery.from_matrix(bat.to_qutip(J=1/3).H, rationals=True)`` gives
        the Hamiltonian at ``J = 1/3`` exactly. Matrices and kets in floating point need be
        Hermitian, of trace 1, positive, normalised only to a tolerance, and states are
        always snapped so (:mod:`qb_symbolic.model.float_inputs`).

        Examples
        --------
        >>> import numpy as np
        >>> Battery.from_matrix(np.diag([1.0, 0, 0, -1])).hamiltonian[0, 0]
        1
        """
        from .qutip_interop import snap_numeric

        if isinstance(H, (str, Mapping)):
            raise ValueError("from_matrix takes a 4x4 matrix; use from_string or from_paulis")
        if rationals:
            H, H0 = snap_numeric(H, "H"), snap_numeric(H0, "H0")
        return cls._from_inputs(H, H0, initial)

    # -- what the algorithms read ----------------------------------------------------------

    @property
    def model(self) -> str | None:
        """The preset's name (``"ising"``...), None for any other battery."""
        return self.preset

    @property
    def N(self) -> int:
        """Number of cells (the chains' name for :attr:`sites`)."""
        return self.sites

    @property
    def periodic(self) -> bool:
        """True for a ring (its translation maps every oriented bond to one)."""
        return self.lattice is not None and self.lattice.periodic

    @property
    def bond(self) -> tuple[tuple[str, sp.Expr], ...]:
        return self.lattice.bond if self.lattice is not None else ()

    @property
    def site(self) -> tuple[tuple[str, sp.Expr], ...]:
        return self.lattice.site if self.lattice is not None else ()

    @property
    def energy_site(self) -> tuple[tuple[str, sp.Expr], ...]:
        return self.lattice.energy_site if self.lattice is not None else ()

    def pauli_terms(self, energy: bool = False) -> dict[str, sp.Expr]:
        """H (or H0) as ``{N-letter Pauli string: exact coefficient}``, site 1 leftmost."""
        if self.lattice is not None:
            return self.lattice.pauli_terms(energy)
        found = pauli_decomposition(self.matrices[1 if energy else 0])
        return {k: v for k, v in found.items() if k != "II" and v != 0}

    def _matrix(self, energy: bool) -> sp.MatrixBase:
        if self.matrices is not None:
            return self.matrices[1 if energy else 0]
        if self.sites > MAX_EXACT_SITES:
            raise NoClosedForm(f"H of {self.sites} cells as an exact {2**self.sites}-row SymPy "
                               f"matrix is too large (at most {MAX_EXACT_SITES} cells)",
                               "battery.pauli_terms() or battery.to_qutip(...)")
        return operator_matrix(self.lattice.pauli_terms(energy), self.sites).as_immutable()

    @cached_property
    def hamiltonian(self) -> sp.MatrixBase:
        """The charging Hamiltonian H, an exact ``2^N x 2^N`` matrix (sparse for N > 2)."""
        return self._matrix(False)

    @cached_property
    def energy_operator(self) -> sp.MatrixBase:
        """H0, which measures the stored energy (default ``omega0 sum_i sz_i``)."""
        return self._matrix(True)

    @cached_property
    def initial_state(self) -> sp.MatrixBase:
        """The start: a ket (``2^N x 1``) or a density matrix (``2^N x 2^N``)."""
        if self.matrices is not None:
            return self.matrices[2]
        return basis_ket(self.initial).as_immutable()

    @property
    def mixed(self) -> bool:
        """True when the start is a density matrix rather than a ket."""
        return self.matrices is not None and self.matrices[2].shape[1] > 1

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names, in order."""
        return tuple(s.name for s in self.parameters)

    @property
    def params(self) -> dict[str, sp.Expr]:
        """``{name: value}``: a preset's values (symbols where free), else ``{name: symbol}``."""
        return dict(self.items) if self.preset else {s.name: s for s in self.parameters}

    @property
    def free_symbols(self) -> tuple[sp.Symbol, ...]:
        """Symbols the battery still depends on, in a deterministic order."""
        return tuple(sorted(self.parameters, key=sp.default_sort_key))

    def key(self) -> str:
        """A stable digest of the model (for the disk cache), from ``srepr``."""
        parts = ([sp.srepr(m) for m in self.matrices] if self.matrices is not None
                 else [repr(self.lattice), str(self.initial)])
        text = "|".join(parts + [repr(self.dissipators)])
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    # -- values ----------------------------------------------------------------------------

    def values_for(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter's value: given, else its default; a ValueError otherwise.

        Raises
        ------
        ValueError
            For an unknown name, a missing value (listing the battery's parameters) or a
            value against its symbol's sign (``omega0 > 0``...).
        """
        allowed = ", ".join(self.names) or "(none)"
        unknown = [n for n in given if n not in self.names]
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r}; this battery's parameters: "
                             f"{allowed}")
        defaults = dict(self.defaults)
        missing = [n for n in self.names if given.get(n) is None and n not in defaults]
        if missing:
            raise ValueError(f"missing value for {', '.join(missing)}; this battery's "
                             f"parameters: {allowed}")
        for symbol in self.parameters:
            if given.get(symbol.name) is not None:
                check_sign(symbol, given[symbol.name])
        return {n: given[n] if given.get(n) is not None else defaults[n] for n in self.names}

    def replace(self, **values: Any) -> Battery:
        """A preset of the same model with some parameters given new values."""
        if self.preset is None:
            return self.substitute(**values)
        current = {name: value for name, value in self.items
                   if name not in MODELS[self.preset].fixed and value != SYMBOLS[name]}
        current.update(values)
        return Battery(self.preset, **current)

    def substitute(self, **values: Any) -> Battery:
        """The battery at particular parameter values (exact), e.g. ``D=0``: finer blocks."""
        unknown = [n for n in values if n not in self.names]
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r}; this battery's parameters: "
                             f"{', '.join(self.names)}")
        if self.preset is not None:
            return self.replace(**values)
        subs = {self.params[n]: exact_real(n, v) for n, v in values.items()}
        matrices = (None if self.matrices is None
                    else tuple(m.subs(subs).as_immutable() for m in self.matrices))
        lattice = None if self.lattice is None else self.lattice.substitute(subs)
        return Battery.make(sites=self.sites,
                            parameters=tuple(s for s in self.parameters if s.name not in values),
                            defaults=tuple((n, v) for n, v in self.defaults if n not in values),
                            lattice=lattice, matrices=matrices, initial=self.initial,
                            dissipators=self.dissipators, source=self.source)

    def as_model(self) -> Battery:
        """A preset as a battery of no preset (the same H, H0, ``|dd>`` and defaults): what
        the generic pipeline reads; tests prove both derivations agree. Others: itself.
        A battery with dissipators has no closed model: its closed forms would ignore them."""
        if self.dissipators:
            raise NoClosedForm("the closed-form (unitary) model of a battery with dissipators",
                               "the numeric path qb.evaluate(..., battery=...) (Lindblad)")
        if self.preset is None:
            return self
        return Battery.make(sites=2, parameters=self.parameters, defaults=self.defaults,
                            lattice=self.lattice, matrices=self.matrices, initial=self.initial,
                            dissipators=self.dissipators, source=self.source)

    # -- display and interop ---------------------------------------------------------------

    def _repr_latex_(self) -> str:
        """H, H0 and the start as formulas (Jupyter shows this in place of the repr)."""
        from .display import battery_latex

        return battery_latex(self)

    def to_qutip(self, **values: Any):
        """H, H0 and the start as QuTiP ``Qobj`` at ``values`` (defaults fill the rest;
        N tensor factors, site 1 first): :func:`qb_symbolic.model.qutip_interop.to_qutip`."""
        from .qutip_interop import to_qutip

        return to_qutip(self, values)

    def __repr__(self) -> str:
        if self.preset is not None:
            return self.source
        return f"Battery({self.source}; parameters {', '.join(self.names) or '(none)'})"
