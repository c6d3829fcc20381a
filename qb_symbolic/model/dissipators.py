"""Lindblad dissipators of an N-qubit battery (issue "Open batteries", point 2).

The master equation (docs/conventions.md, "Open batteries")::

    d rho/dt = -i [H, rho] + sum_k ( L_k rho L_k^dag - {L_k^dag L_k, rho}/2 )

A :class:`Dissipator` is a named set of jump operators ``L_k = sqrt(r_k) A_k``: an exact
rate ``r_k`` (a number, read exactly, or a real SymPy expression such as :data:`gamma_d`)
times a fixed operator ``A_k`` on ``N`` qubits (site 1 the leftmost factor, basis ``|u>``
first, ``sz|u> = +|u>``). ``rate`` is always the decay rate of what the dissipator
destroys:

* ``dephasing``: ``L = sqrt(rate/2) sz_i`` on each chosen site (the convention's local
  dephasing: the coherences of cell i decay as ``exp(-rate t)``); collectively one
  ``L = sqrt(rate/2) sum_i sz_i`` (a coherence between total magnetisations ``2m`` apart
  decays as ``exp(-rate m^2 t)``);
* ``amplitude_damping``: ``L = sqrt(rate) s-_i`` with ``s- = |d><u|``, lowering the
  excited ``|u>`` (energy ``+omega0`` under ``H0 = omega0 sz``) to ``|d>``: the
  population of ``|u>`` decays as ``exp(-rate t)``; collectively ``sqrt(rate) sum_i s-_i``;
* ``thermal``: a bath at temperature ``T``: ``L_down = sqrt(rate (n + 1)) s-_i`` and
  ``L_up = sqrt(rate n) s+_i`` with the Bose occupation ``n = 1/(exp(2 omega0/T) - 1)``
  of the cell's level splitting ``2 omega0`` (``omega0 sz`` has levels ``+-omega0``), so
  that ``rate_up/rate_down = exp(-2 omega0/T)`` (detailed balance; the cell relaxes to its
  Gibbs state). ``T = 0`` is pure amplitude damping (no ``L_up``);
* ``custom``: ``L = sqrt(rate) A`` for a given ``2^N x 2^N`` matrix ``A``.

The rate symbols are :data:`gamma_d` and :data:`kappa` (not ``gamma``, the preset's
anisotropy) and the bath temperature :data:`T_bath` (printed ``T``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..core.pauli import PAULI_MATRICES
from ..core.values import describe, exact_real

#: The kinds of :class:`Dissipator`.
DISSIPATOR_KINDS: tuple[str, ...] = ("dephasing", "amplitude_damping", "thermal", "custom")
#: Default rate symbols (nonnegative) and the bath temperature.
gamma_d = sp.Symbol("gamma_d", nonnegative=True)
kappa = sp.Symbol("kappa", nonnegative=True)
T_bath = sp.Symbol("T", nonnegative=True)

_LOWER = sp.Matrix([[0, 0], [1, 0]])  # s- = |d><u|
_RAISE = sp.Matrix([[0, 1], [0, 0]])  # s+ = |u><d|


def _site_operator(single: sp.Matrix, site: int, N: int) -> sp.Matrix:
    """``single`` on ``site`` (1-based, leftmost first) of ``N`` qubits."""
    return sp.kronecker_product(sp.eye(2 ** (site - 1)), single, sp.eye(2 ** (N - site)))


def bose_occupation(T: sp.Expr, omega0: sp.Expr) -> sp.Expr:
    """``n = 1/(exp(2 omega0/T) - 1)``: the bath occupation at the splitting ``2 omega0``
    (``0`` at ``T = 0``)."""
    if T == 0:
        return sp.Integer(0)
    return 1 / (sp.exp(2 * omega0 / T) - 1)


def _rate(value: Any, name: str = "rate") -> sp.Expr:
    rate = exact_real(name, value)
    if rate.is_negative:
        raise ValueError(f"{name} must be >= 0; got {describe(rate)}")
    return rate


def _sites(sites: Any) -> tuple[int, ...] | None:
    if sites is None:
        return None
    items = [sites] if isinstance(sites, (int, np.integer)) else list(sites)
    bad = [s for s in items if isinstance(s, bool) or not isinstance(s, (int, np.integer))
           or s < 1]
    if bad or not items:
        raise ValueError(f"sites must be integers >= 1 (site 1 the leftmost); got {sites!r}")
    if len(set(items)) != len(items):
        raise ValueError(f"sites must not repeat; got {sites!r}")
    return tuple(sorted(int(s) for s in items))


def _exact_entry(x: Any) -> sp.Expr:
    if isinstance(x, sp.Basic):
        value = sp.sympify(x)
        if value.free_symbols:
            raise ValueError(f"a custom operator has numeric entries; got {describe(value)}")
        return sp.nsimplify(value, rational=True) if value.atoms(sp.Float) else value
    z = complex(x)
    if not (np.isfinite(z.real) and np.isfinite(z.imag)):
        raise ValueError(f"a custom operator's entries must be finite; got {describe(x)}")
    return sp.Rational(repr(z.real)) + sp.I * sp.Rational(repr(z.imag))


@dataclass(frozen=True)
class Dissipator:
    """A set of Lindblad jump operators of one kind (see the module docstring).

    Parameters
    ----------
    kind
        One of :data:`DISSIPATOR_KINDS`.
    rate
        Exact rate (number read exactly, or a real SymPy expression), ``>= 0``.
    sites
        Sites it acts on (1-based, leftmost first), ``None`` for every site.
    collective
        One collective operator ``sum_i`` over the sites instead of one per site.
    temperature, omega0
        Bath temperature ``T >= 0`` and cell frequency ``omega0 > 0`` (``thermal`` only;
        ``omega0`` None: the cells' own, which :func:`qb_symbolic.open_battery` reads off
        the battery's H0, and 1 for a dissipator used alone).
    matrix
        The operator ``A`` of ``L = sqrt(rate) A`` (``custom`` only).

    Raises
    ------
    ValueError
        For an unknown kind, a negative rate or temperature, a nonpositive ``omega0``,
        bad sites, or a custom matrix that is not ``2^N x 2^N`` with finite entries.

    Examples
    --------
    >>> Dissipator("dephasing", "1/4", sites=2).rate
    1/4
    """

    kind: str
    rate: sp.Expr
    sites: tuple[int, ...] | None = None
    collective: bool = False
    temperature: sp.Expr | None = None
    omega0: sp.Expr | None = None
    matrix: sp.ImmutableMatrix | None = None

    def __post_init__(self) -> None:
        if self.kind not in DISSIPATOR_KINDS:
            raise ValueError(f"unknown dissipator kind {self.kind!r}; allowed: "
                             f"{', '.join(DISSIPATOR_KINDS)}")
        object.__setattr__(self, "rate", _rate(self.rate))
        object.__setattr__(self, "sites", _sites(self.sites))
        if not isinstance(self.collective, bool):
            raise ValueError(f"collective must be True or False; got {self.collective!r}")
        if self.kind == "thermal":
            T = _rate(self.temperature, "the temperature T")
            w = None if self.omega0 is None else exact_real("omega0", self.omega0)
            if w is not None and w.is_positive is False:
                raise ValueError(f"omega0 must be > 0; got {describe(w)}")
            object.__setattr__(self, "temperature", T)
            object.__setattr__(self, "omega0", w)
        if self.kind == "custom":
            object.__setattr__(self, "matrix", _custom_matrix(self.matrix))

    def terms(self, N: int) -> tuple[tuple[sp.Expr, sp.Matrix], ...]:
        """The pairs ``(r_k, A_k)`` with ``L_k = sqrt(r_k) A_k`` on ``N`` qubits (terms
        with an exactly zero rate, such as ``L_up`` at ``T = 0``, left out).

        Raises
        ------
        ValueError
            If ``N`` is not a positive integer, a site exceeds ``N``, or a custom matrix
            is not ``2^N x 2^N``.
        """
        if isinstance(N, bool) or not isinstance(N, (int, np.integer)) or N < 1:
            raise ValueError(f"N (the number of qubits) must be an integer >= 1; got {N!r}")
        if self.kind == "custom":
            if self.matrix.shape != (2**N, 2**N):
                raise ValueError(f"a custom operator on N = {N} qubits is {2**N}x{2**N}; got "
                                 f"{self.matrix.shape[0]}x{self.matrix.shape[1]}")
            return ((self.rate, sp.Matrix(self.matrix)),) if self.rate != 0 else ()
        sites = self.sites or tuple(range(1, N + 1))
        if sites[-1] > N:
            raise ValueError(f"site {sites[-1]} is beyond the N = {N} qubits")
        pairs = []
        if self.kind == "dephasing":
            pairs.append((self.rate / 2, PAULI_MATRICES["Z"]))
        elif self.kind == "amplitude_damping":
            pairs.append((self.rate, _LOWER))
        else:
            occupation = bose_occupation(self.temperature,
                                         1 if self.omega0 is None else self.omega0)
            pairs += [(self.rate * (occupation + 1), _LOWER), (self.rate * occupation, _RAISE)]
        terms = []
        for rate, single in pairs:
            ops = [_site_operator(single, s, N) for s in sites]
            ops = [sum(ops[1:], ops[0])] if self.collective else ops
            terms += [(rate, op) for op in ops if rate != 0]
        return tuple(terms)

    def operators(self, N: int) -> tuple[sp.Matrix, ...]:
        """The exact jump operators ``L_k = sqrt(r_k) A_k`` on ``N`` qubits."""
        return tuple(sp.sqrt(rate) * op for rate, op in self.terms(N))

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        """Symbols of the rate, temperature and ``omega0``."""
        found = set(self.rate.free_symbols)
        for extra in (self.temperature, self.omega0):
            if extra is not None:
                found |= extra.free_symbols
        return found


def _custom_matrix(matrix: Any) -> sp.ImmutableMatrix:
    try:
        rows = np.asarray(matrix, dtype=object)
    except ValueError:
        rows = None
    if rows is None or rows.ndim != 2 or rows.shape[0] != rows.shape[1] or rows.shape[0] < 2 \
            or rows.shape[0] & (rows.shape[0] - 1):
        raise ValueError("a custom operator is a square 2^N x 2^N matrix (N >= 1); got "
                         f"{describe(matrix)}")
    return sp.ImmutableMatrix([[_exact_entry(x) for x in row] for row in rows])


def dephasing(rate: Any, sites: Any = None, collective: bool = False) -> Dissipator:
    """Dephasing in z: ``L = sqrt(rate/2) sz_i`` per site (coherences decay as
    ``exp(-rate t)``), or one ``sqrt(rate/2) sum_i sz_i`` if ``collective``.

    Examples
    --------
    >>> dephasing(0.2).terms(1)[0][0]   # sz at the rate 0.2/2
    1/10
    """
    return Dissipator("dephasing", rate, sites, collective)


def amplitude_damping(rate: Any, sites: Any = None, collective: bool = False) -> Dissipator:
    """Decay ``|u> -> |d>``: ``L = sqrt(rate) s-_i`` per site, or ``sqrt(rate) sum_i s-_i``.

    Examples
    --------
    >>> len(amplitude_damping(0.5).terms(2)), len(amplitude_damping(0.5, collective=True).terms(2))
    (2, 1)
    """
    return Dissipator("amplitude_damping", rate, sites, collective)


def thermal(rate: Any, T: Any, omega0: Any = None, sites: Any = None) -> Dissipator:
    """A bath at temperature ``T``: ``sqrt(rate (n+1)) s-_i`` and ``sqrt(rate n) s+_i``
    with ``n = 1/(exp(2 omega0/T) - 1)`` (``T = 0``: amplitude damping). By default
    ``omega0`` is each cell's own half-splitting, read off the battery's H0 when the bath
    joins it (:func:`qb_symbolic.open_battery`), so that the cells relax to their Gibbs
    state at ``T``; 1 for the operators alone.

    Examples
    --------
    >>> [rate for rate, _ in thermal(1, 0).terms(1)]   # T = 0: only the decay
    [1]
    """
    return Dissipator("thermal", rate, sites, False, T, omega0)


def custom(L_matrix: Any, rate: Any = 1) -> Dissipator:
    """One jump operator ``L = sqrt(rate) L_matrix`` (a ``2^N x 2^N`` numeric matrix)."""
    return Dissipator("custom", rate, matrix=L_matrix)


def _symbol_values(values: Mapping[Any, Any] | None,
                   dissipators: Sequence[Dissipator]) -> dict[sp.Symbol, sp.Expr]:
    known = {str(s): s for d in dissipators for s in d.free_symbols}
    found = {}
    for key, value in (values or {}).items():
        name = str(key)
        if name not in known:
            raise ValueError(f"unknown symbol {name!r} in values; the dissipators use "
                             f"{', '.join(sorted(known)) or 'none'}")
        found[known[name]] = exact_real(name, value)
    return found


def _numeric(dissipator: Dissipator, values: Mapping[sp.Symbol, sp.Expr]) -> Dissipator:
    """The dissipator with ``values`` put in; ValueError if a symbol is left."""
    fields = {"rate": dissipator.rate, "temperature": dissipator.temperature,
              "omega0": dissipator.omega0}
    put = {k: v if v is None else sp.sympify(v).subs(values) for k, v in fields.items()}
    missing = sorted({str(s) for v in put.values() if v is not None for s in v.free_symbols})
    if missing:
        raise ValueError(f"give a value for {', '.join(missing)} (in values)")
    return Dissipator(dissipator.kind, put["rate"], dissipator.sites, dissipator.collective,
                      put["temperature"], put["omega0"], dissipator.matrix)


def lindblad_operators(dissipators: Dissipator | Iterable[Dissipator], N: int,
                       values: Mapping[Any, Any] | None = None) -> list[np.ndarray]:
    """The jump operators ``L_k`` on ``N`` qubits as complex numpy arrays.

    Parameters
    ----------
    dissipators
        One :class:`Dissipator` or several.
    N
        Number of qubits (the operators are ``2^N x 2^N``).
    values
        Values of the symbols in the rates (by symbol or name, e.g. ``{"gamma_d": 0.1}``).

    Raises
    ------
    ValueError
        For a missing or unknown symbol, a negative value of a rate, or any error of
        :meth:`Dissipator.terms`.

    Examples
    --------
    >>> [L.real.tolist() for L in lindblad_operators(amplitude_damping(4, sites=2), 2)]
    [[[0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]]]
    """
    items = [dissipators] if isinstance(dissipators, Dissipator) else list(dissipators)
    if not all(isinstance(d, Dissipator) for d in items):
        raise ValueError("dissipators must be Dissipator objects (dephasing(...), ...)")
    subs = _symbol_values(values, items)
    found = []
    for dissipator in items:
        for rate, op in _numeric(dissipator, subs).terms(N):
            A = np.array(op.tolist(), dtype=complex)
            found.append(np.sqrt(float(sp.N(rate, 17))) * A)
    return found
