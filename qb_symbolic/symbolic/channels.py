"""Kraus channels on a battery's state, exact: local noise on chosen cells, composed, powered.

Single-qubit Kraus operators in the package basis ``|u> = (1, 0)`` (``sz = +1``, the
excited level of ``H0 = omega0 sz``), ``|d> = (0, 1)`` (ground); ``p`` in ``[0, 1]``:

* ``amplitude_damping``: ``K0 = |u><u| sqrt(1 - p) + |d><d|``, ``K1 = sqrt(p) |d><u|``
  (decay toward ``|d>``, the empty cell; Nielsen and Chuang Eq. 8.107 with ``gamma = p``
  and their ``|0>`` our ``|d>``);
* ``phase_flip``: ``sqrt(1 - p) 1, sqrt(p) Z``; ``bit_flip`` with ``X``;
  ``bit_phase_flip`` with ``Y`` (Nielsen and Chuang Sec. 8.3.3);
* ``depolarizing``: ``rho -> (1 - p) rho + p 1/2``, i.e. Kraus ``sqrt(1 - 3p/4) 1`` and
  ``sqrt(p)/2 X, Y, Z`` (Nielsen and Chuang Eq. 8.102);
* ``generalized_amplitude_damping`` (damping ``p`` toward a bath whose excited population
  is ``n_th`` in ``[0, 1]``, the fixed point's ``|u>`` population; Nielsen and Chuang
  Eqs. 8.105-8.108 with ``gamma = p`` and their ``p = 1 - n_th``):
  ``sqrt(1 - n_th) [|u><u| sqrt(1 - p) + |d><d|]``, ``sqrt(1 - n_th) sqrt(p) |d><u|``,
  ``sqrt(n_th) [|u><u| + |d><d| sqrt(1 - p)]``, ``sqrt(n_th) sqrt(p) |u><d|``. For the
  thermal bath of the Lindblad form (mean occupation ``n``), ``n_th = n/(2n + 1)``.

A :class:`Channel` acts on an ``N``-qubit state (site 1 the leftmost factor) as the product
of one local map per site (the identity where none is given). ``p`` may be a number (read
exactly: a float by its shortest decimal) or a real SymPy expression; a symbolic ``p`` is
taken to lie in ``[0, 1]`` (its symbols are, in the proofs). Powers, composition laws and
the TP/CP proofs are in :mod:`qb_symbolic.symbolic.channel_laws`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Any

import sympy as sp

from ..core.pauli import PAULI_MATRICES
from ..core.values import describe
from .channel_laws import (
    completely_positive,
    compose_parameter,
    power_parameter,
    probability,
    product_transfer,
    superoperator,
    trace_preserving,
    uses,
)

#: The channel names :func:`channel` accepts.
CHANNELS = ("amplitude_damping", "phase_flip", "bit_flip", "bit_phase_flip", "depolarizing",
            "generalized_amplitude_damping")
#: Default symbols: the channel probability, the bath's excited population, the number
#: of uses (a nonnegative integer).
p = sp.Symbol("p", nonnegative=True)
n_th = sp.Symbol("n_th", nonnegative=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
_BATH = n_th  # the default of channel(..., n_th=None), whose argument shadows the name

_UP, _DOWN = sp.Matrix([[1, 0], [0, 0]]), sp.Matrix([[0, 0], [0, 1]])
_LOWER, _RAISE = sp.Matrix([[0, 0], [1, 0]]), sp.Matrix([[0, 1], [0, 0]])  # |d><u|, |u><d|


def single_qubit_kraus(name: str, prob: sp.Expr, bath: sp.Expr | None = None) -> tuple:
    """The exact 2x2 Kraus operators of one family (module docstring).

    Examples
    --------
    >>> single_qubit_kraus("amplitude_damping", 1)[1]  # sqrt(p) |d><u| at p = 1
    Matrix([
    [0, 0],
    [1, 0]])
    """
    one, root = sp.eye(2), sp.sqrt(1 - prob)
    if name == "amplitude_damping":
        return (root * _UP + _DOWN, sp.sqrt(prob) * _LOWER)
    if name in ("phase_flip", "bit_flip", "bit_phase_flip"):
        letter = {"phase_flip": "Z", "bit_flip": "X", "bit_phase_flip": "Y"}[name]
        return (root * one, sp.sqrt(prob) * PAULI_MATRICES[letter])
    if name == "depolarizing":
        return (sp.sqrt(1 - 3 * prob / 4) * one,
                *(sp.sqrt(prob) / 2 * PAULI_MATRICES[x] for x in "XYZ"))
    if name == "generalized_amplitude_damping":
        cold, hot = sp.sqrt(1 - bath), sp.sqrt(bath)
        return (cold * (root * _UP + _DOWN), cold * sp.sqrt(prob) * _LOWER,
                hot * (_UP + root * _DOWN), hot * sp.sqrt(prob) * _RAISE)
    raise ValueError(f"unknown channel {name!r}; the channels are: {', '.join(CHANNELS)}")


@dataclass(frozen=True)
class LocalMap:
    """The map on one site: a family member (``family``, ``p``, ``n_th``) or, after
    composing different families, ``family=None`` with the products of Kraus operators."""

    label: str
    kraus: tuple[sp.ImmutableMatrix, ...]
    family: str | None = None
    p: sp.Expr | None = None
    n_th: sp.Expr | None = None
    parameters: tuple[sp.Expr, ...] = ()

    @classmethod
    def member(cls, family: str, prob: sp.Expr, bath: sp.Expr | None = None) -> LocalMap:
        label = f"{family}({prob}" + (f", n_th={bath})" if bath is not None else ")")
        kraus = tuple(sp.ImmutableMatrix(K) for K in single_qubit_kraus(family, prob, bath))
        params = (prob,) if bath is None else (prob, bath)
        return cls(label, kraus, family, prob, bath, params)

    @property
    def superoperator(self) -> sp.Matrix:
        """``S[2c + d, 2a + b]``: the coefficient of ``|c><d|`` in ``E(|a><b|)``."""
        return superoperator(self.kraus)

    def then(self, other: LocalMap) -> LocalMap:
        """This map, then ``other``: a family member when both are one family (same
        ``n_th``), else the products ``K2 K1`` of their Kraus operators."""
        if (self.family is not None and self.family == other.family
                and sp.expand(sp.sympify(self.n_th or 0) - (other.n_th or 0)) == 0):
            return LocalMap.member(self.family, compose_parameter(self.family, self.p, other.p),
                                   self.n_th)
        kraus = tuple(sp.ImmutableMatrix((sp.Matrix(K2) * sp.Matrix(K1)).applyfunc(sp.expand))
                      for K1 in self.kraus for K2 in other.kraus)
        return LocalMap(f"{self.label} then {other.label}", kraus, None, None, None,
                        self.parameters + other.parameters)

    def power(self, count: sp.Expr) -> LocalMap:
        if self.family is not None:
            return LocalMap.member(self.family, power_parameter(self.family, self.p, count),
                                   self.n_th)
        if not count.is_Integer:
            raise ValueError(f"a symbolic number of uses needs a closed form; {self.label} "
                             "composes different channels: give an integer n")
        if count == 0:
            return LocalMap("identity", (sp.ImmutableMatrix(sp.eye(2)),))
        result = self
        for _ in range(int(count) - 1):
            result = result.then(self)
        return result


@dataclass(frozen=True)
class Channel:
    """A product of local Kraus maps on an ``N``-qubit state (``None``: identity there).

    Examples
    --------
    >>> import sympy as sp
    >>> ch = channel("amplitude_damping", 1)              # both cells, p = 1
    >>> ch.apply(sp.Matrix([1, 0, 0, 0])) == sp.diag(0, 0, 0, 1)  # |uu> -> |dd>
    True
    >>> channel("phase_flip", p, sites=2).power(n).local_kraus[2][1]
    Matrix([
    [sqrt(1/2 - (1 - 2*p)**n/2),                           0],
    [                         0, -sqrt(1/2 - (1 - 2*p)**n/2)]])
    """

    N: int
    maps: tuple[LocalMap | None, ...]

    def __repr__(self) -> str:
        parts = [f"site {k}: {m.label}" for k, m in enumerate(self.maps, 1) if m is not None]
        return f"Channel(N={self.N}; {'; '.join(parts) or 'identity'})"

    @property
    def parameters(self) -> set[sp.Symbol]:
        """The free symbols of the channel's parameters."""
        return set().union(*(sp.sympify(x).free_symbols for m in self.maps if m is not None
                             for x in m.parameters))

    @property
    def local_kraus(self) -> dict[int, list[sp.Matrix]]:
        """``{site: [2x2 Kraus operators]}`` for the sites that carry a map."""
        return {k: [sp.Matrix(K) for K in m.kraus] for k, m in enumerate(self.maps, 1)
                if m is not None}

    @property
    def kraus(self) -> list[sp.Matrix]:
        """The Kraus operators on the full ``2**N`` space: every product of one local
        operator per site, ``K = K_1 (x) ... (x) K_N`` (site 1 the left factor)."""
        per_site = [[sp.eye(2)] if m is None else [sp.Matrix(K) for K in m.kraus]
                    for m in self.maps]
        found = []
        for choice in product(*per_site):
            total = choice[0]
            for factor in choice[1:]:
                total = sp.kronecker_product(total, factor)
            found.append(total.applyfunc(sp.expand))
        return found

    def transfer_matrix(self) -> sp.Matrix:
        """``T`` (``4**N x 4**N``, expanded entries) with ``vec E(rho) = T vec rho``, where
        ``vec`` reads rows in order: ``E(rho)[i, j] = sum_{a,b} T[i d + j, a d + b] rho[a, b]``.

        Examples
        --------
        >>> channel("phase_flip", sp.Rational(1, 4), N=1).transfer_matrix()[1, 1]  # 1 - 2p
        1/2
        """
        return sp.Matrix(_transfer(self))

    def apply(self, state: Any) -> sp.Matrix:
        """``sum_K K rho K^dag`` of a ``2**N`` ket or density matrix (exact SymPy).

        Each output entry is a sum of input entries times the expanded coefficients of
        :meth:`transfer_matrix`; the input's entries are kept as they are (not expanded).

        Raises
        ------
        ValueError
            For a state of another size.
        """
        rho = sp.Matrix(state)
        dim = 2**self.N
        if rho.shape == (dim, 1):
            rho = rho * rho.H
        if rho.shape != (dim, dim):
            raise ValueError(f"this channel acts on {self.N} qubits: need a {dim}-component "
                             f"ket or a {dim}x{dim} density matrix; got shape {rho.shape}")
        T = self.transfer_matrix()
        return sp.Matrix(dim, dim, lambda i, j: sp.Add(*(
            T[i * dim + j, k] * rho[k // dim, k % dim] for k in range(dim * dim)
            if T[i * dim + j, k] != 0)))

    def then(self, other: Channel) -> Channel:
        """This channel first, then ``other`` (``other @ self`` reads the same)."""
        if not isinstance(other, Channel):
            raise ValueError(f"can only compose with a Channel; got {type(other).__name__}")
        if other.N != self.N:
            raise ValueError(f"cannot compose channels on {self.N} and {other.N} qubits")
        return Channel(self.N, tuple(b if a is None else a if b is None else a.then(b)
                                     for a, b in zip(self.maps, other.maps)))

    def __matmul__(self, other: Channel) -> Channel:
        """``A @ B``: ``B`` first, then ``A`` (composition of maps, as for matrices)."""
        if not isinstance(other, Channel):
            return NotImplemented
        return other.then(self)

    def power(self, count: Any) -> Channel:
        """The channel applied ``count`` times: each family member in closed form (also for
        a symbolic ``count``, e.g. :data:`n`), a composite site by repeated composition.

        Raises
        ------
        ValueError
            For a ``count`` that is not a nonnegative integer (or symbol declared so),
            or a symbolic ``count`` on a site without a closed-form power.
        """
        count = uses(count)
        return Channel(self.N, tuple(None if m is None else m.power(count) for m in self.maps))

    def is_trace_preserving(self) -> bool:
        """``sum_k K_k^dag K_k == 1`` proved exactly on every site (then also on the full
        space: the sum over products is the product of the sums)."""
        return all(trace_preserving(m.kraus) for m in self.maps if m is not None)

    def is_completely_positive(self) -> bool:
        """Each site's Choi matrix proved positive semidefinite for parameters in ``[0, 1]``
        (:func:`qb_symbolic.symbolic.channel_laws.completely_positive`); a product and a
        composition of CP maps is CP. ``False`` means not proved."""
        return all(completely_positive(m.kraus, _probabilities(m)) for m in self.maps
                   if m is not None)


@lru_cache(maxsize=128)
def _transfer(ch: Channel) -> sp.ImmutableMatrix:
    """:meth:`Channel.transfer_matrix`, cached per channel."""
    return product_transfer([None if m is None else m.superoperator for m in ch.maps])


def _probabilities(local: LocalMap) -> list[sp.Symbol]:
    """The symbols ranging over ``[0, 1]`` in the proofs: every free symbol of the local
    parameters that is not an integer (those are numbers of uses)."""
    found = set().union(*(sp.sympify(x).free_symbols for x in local.parameters))
    return sorted((s for s in found if not s.is_integer), key=sp.default_sort_key)


def _sites(sites: Any, N: int) -> tuple[int, ...]:
    if sites is None:
        return tuple(range(1, N + 1))
    listed = (sites,) if isinstance(sites, int) or not isinstance(sites, Iterable) else sites
    found: list[int] = []
    for site in listed:
        if isinstance(site, bool) or not isinstance(site, int):
            raise ValueError(f"a site is an integer 1..{N} (site 1 the leftmost factor); "
                             f"got {describe(site)}")
        if not 1 <= site <= N:
            raise ValueError(f"site {site} is out of range: a state of {N} qubits has sites 1..{N}")
        if site in found:
            raise ValueError(f"site {site} is listed twice")
        found.append(site)
    return tuple(found)


def channel(name: str, p: Any, sites: Any = None, *, N: int = 2, n_th: Any = None) -> Channel:
    """The product channel ``name`` with parameter ``p`` on ``sites`` of an ``N``-qubit state.

    Parameters
    ----------
    name
        One of :data:`CHANNELS` (conventions in the module docstring).
    p
        The channel probability in ``[0, 1]``: a number (exact) or a real SymPy expression.
    sites
        A site or an iterable of sites (1..N, site 1 the leftmost factor); default: all.
    N
        The number of qubits of the state (2 for the paper's battery).
    n_th
        ``generalized_amplitude_damping`` only: the bath's excited population in
        ``[0, 1]`` (default: the symbol :data:`n_th`).

    Raises
    ------
    ValueError
        For an unknown name (listing the allowed ones), ``p`` or ``n_th`` outside
        ``[0, 1]``, a site out of range, or ``n_th`` given to another channel.

    Examples
    --------
    >>> import sympy as sp
    >>> rho = channel("depolarizing", sp.Rational(1, 2), sites=1).apply(sp.diag(1, 0, 0, 0))
    >>> rho == sp.diag(sp.Rational(3, 4), 0, sp.Rational(1, 4), 0)  # (1-p)|u><u| + p 1/2
    True
    """
    if name not in CHANNELS:
        raise ValueError(f"unknown channel {name!r}; the channels are: {', '.join(CHANNELS)}")
    if isinstance(N, bool) or not isinstance(N, int) or N < 1:
        raise ValueError(f"N (the number of qubits) must be an integer >= 1; got {describe(N)}")
    bath = None
    if name == "generalized_amplitude_damping":
        bath = _BATH if n_th is None else probability("n_th", n_th)
    elif n_th is not None:
        raise ValueError(f"n_th (the bath's excited population) belongs to "
                         f"generalized_amplitude_damping only; {name} takes none")
    local = LocalMap.member(name, probability("p", p), bath)
    chosen = _sites(sites, N)
    return Channel(N, tuple(local if k in chosen else None for k in range(1, N + 1)))
