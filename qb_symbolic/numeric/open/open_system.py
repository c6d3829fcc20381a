"""An open battery as numbers: H, H0, the start and the jump operators at parameter points.

:func:`open_system` reads an open battery (:func:`qb_symbolic.model.open_battery.open_battery`)
once: H and H0 as Pauli strings with coefficient functions of the parameters
(:meth:`qb_symbolic.Battery.pauli_terms`), the start's entries as functions, and each
dissipator term ``L_k = sqrt(r_k) A_k`` as a rate function and a fixed matrix ``A_k``
(:meth:`qb_symbolic.model.dissipators.Dissipator.terms`). :meth:`OpenSystem.arrays` gives
them at ``P`` points at once, the input of :func:`qb_symbolic.numeric.open.lindblad.open_evolution`.
The battery's channels (numeric Kraus maps applied after charging) are kept as full-space
Kraus operators per site, :meth:`OpenSystem.read` applies them to states (and, being
linear, to their time derivatives).

:func:`passive_rate` is the time derivative of the passive energy ``sum_k r_k(down) e_k(up)``
of a state ``rho`` moving as ``d rho/dt``: ``sum_k e_k <v_k| d rho/dt |v_k>`` (first-order
perturbation of rho's eigenvalues ``r_k``, eigenvectors ``v_k``); where eigenvalues coincide
(a pure start: all but one are 0) the derivatives inside the cluster are the eigenvalues of
``d rho/dt`` projected onto it, in decreasing order (the one-sided derivative for ``t -> 0+``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache, reduce
from itertools import pairwise
from typing import Any

import numpy as np
import sympy as sp
from sympy.codegen.rewriting import expm1_opt, optimize

from ...model.battery import Battery
from ...model.dissipators import Dissipator
from ...model.open_battery import MAX_OPEN_SITES
from .liouvillian_blocks import LiouvillianFamily, liouvillian, real_form

_PAULI = {"I": np.eye(2, dtype=complex), "X": np.array([[0, 1], [1, 0]], complex),
          "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.diag([1.0 + 0j, -1.0])}
#: Eigenvalues of rho closer than this (rho's scale is 1) count as one cluster in
#: :func:`passive_rate`: a pure start's zeros come out at ~1e-16; distinct ones of an
#: evolved state are far apart except at isolated crossings.
CLUSTER_GAP = 1e-12


def pauli_matrix(label: str) -> np.ndarray:
    """The Pauli string ``label`` (site 1 the leftmost factor) as a complex matrix."""
    return reduce(np.kron, (_PAULI[x] for x in label))


def _functions(symbols: tuple, exprs: list) -> list:
    """numpy functions of ``exprs``: constants evaluated by SymPy (to 20 digits), the rest
    with ``exp(x) - 1`` rewritten as ``expm1(x)``, so that a hot bath's occupation
    ``1/(exp(2 omega0/T) - 1)`` keeps its digits at large T either way."""
    found = []
    for e in map(sp.sympify, exprs):
        e = e.evalf(20) if not e.free_symbols else optimize(e, [expm1_opt])
        found.append(sp.lambdify(symbols, e, "numpy"))
    return found


def _column(value: Any, P: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=complex), (P,))


@dataclass(frozen=True)
class OpenSystem:
    """The numeric data of an open battery (see the module docstring)."""

    battery: Battery
    N: int
    hamiltonian: tuple  # ((coefficient function, Pauli matrix), ...)
    energy: tuple
    start: tuple  # entry functions of the ket or density matrix
    start_shape: tuple[int, int]
    rates: tuple  # rate functions, one per jump term
    operators: tuple[np.ndarray, ...]  # the A_k
    readout: tuple = ()  # per channel, per site: the full-space Kraus operators

    @property
    def d(self) -> int:
        return 2 ** self.N

    def read(self, rho: np.ndarray) -> np.ndarray:
        """The battery's channels applied to states ``(..., d, d)`` (or to their rates)."""
        for channel in self.readout:
            for kraus in channel:
                rho = sum(K @ rho @ K.conj().T for K in kraus)
        return rho

    def _sum(self, terms: tuple, columns: list[np.ndarray], P: int) -> np.ndarray:
        out = np.zeros((P, self.d, self.d), complex)
        for f, M in terms:
            out += _column(f(*columns), P)[:, None, None] * M
        return out

    @cached_property
    def generators(self) -> tuple:
        """The real Liouvillian (sparse, coordinates) of each term of H and of each jump
        operator ``A_k`` at unit rate: ``R = sum_g c_g R_g + sum_k r_k R_k``."""
        zero = np.zeros((self.d, self.d))
        found = [real_form(liouvillian(M, sparse=True)) for _, M in self.hamiltonian]
        found += [real_form(liouvillian(zero, [A], sparse=True)) for A in self.operators]
        return tuple(found)

    def family(self, columns: list[np.ndarray]) -> LiouvillianFamily:
        """The Liouvillians at ``P`` points (the generators built once per battery).

        Raises
        ------
        ValueError
            For a negative rate at some point.
        """
        P = len(columns[0]) if columns else 1
        parts = [_column(f(*columns), P).real for f, _ in self.hamiltonian]
        parts += list(self._rates(columns, P).T)
        coefficients = np.stack(parts, axis=1) if parts else np.zeros((P, 0))
        if np.any(coefficients[:, len(self.hamiltonian):] < 0):
            raise ValueError("a rate of the dissipators is negative at these values: rates "
                             "must be >= 0")
        return LiouvillianFamily(self.d, self.generators, coefficients)

    def _rates(self, columns: list[np.ndarray], P: int) -> np.ndarray:
        """The jump terms' rates ``(P, K)``. A bath's occupation at ``T -> 0`` overflows
        ``expm1`` to ``n = 1/inf = 0``, its limit: that overflow is not an error."""
        if not self.rates:
            return np.zeros((P, 0))
        with np.errstate(divide="ignore", over="ignore"):
            return np.stack([_column(f(*columns), P).real for f in self.rates], axis=1)

    def arrays(self, columns: list[np.ndarray]) -> tuple[np.ndarray, ...]:
        """``H``, ``H0``, ``rho0`` (each ``(P, d, d)``) and the rates ``(P, K)`` at ``P``
        points (``columns``: one 1-D array per parameter, in the battery's order).

        Raises
        ------
        ValueError
            For a negative rate (at the first point that has one) or a start that is not a
            normalised ket or a density matrix of trace 1.
        """
        P = len(columns[0]) if columns else 1
        H, H0 = self._sum(self.hamiltonian, columns, P), self._sum(self.energy, columns, P)
        entries = np.stack([_column(f(*columns), P) for f in self.start], axis=1)
        state = entries.reshape((P,) + self.start_shape)
        rho0 = state if self.start_shape[1] > 1 else state * np.conj(np.swapaxes(state, 1, 2))
        rates = self._rates(columns, P)
        if np.any(rates < 0):
            raise ValueError(f"a rate of the dissipators is negative ({rates.min():.6g}) at "
                             "these values: rates must be >= 0")
        return H, H0, rho0, rates


def hermitian_terms(battery: Battery, energy: bool = False) -> list[tuple[sp.Expr, np.ndarray]]:
    """H (or H0) as ``[(exact real coefficient, Hermitian matrix)]``: Pauli strings for a
    battery of terms, else the matrix's entries on the Hermitian basis ``E_ii``,
    ``E_ij + E_ji``, ``i (E_ij - E_ji)`` (``i < j``; the identity part of H0 is kept, so
    the energy is ``Tr(rho H0)`` exactly). Every matrix has entries 0, +-1, +-i."""
    if battery.matrices is None:
        return [(sp.sympify(c), pauli_matrix(label))
                for label, c in battery.pauli_terms(energy).items()]
    M = sp.Matrix(battery.matrices[1 if energy else 0])
    d, found = M.rows, []
    for i in range(d):
        for j in range(i, d):
            unit = np.zeros((d, d), complex)
            unit[i, j] = 1
            if i == j:
                found.append((sp.re(M[i, i]), unit))
                continue
            parts = ((sp.re(M[i, j]), unit + unit.T), (sp.im(M[i, j]), 1j * (unit - unit.T)))
            found += [(c, B) for c, B in parts if c != 0]
    return [(c, B) for c, B in found if c != 0]


@lru_cache(maxsize=16)
def open_system(battery: Battery) -> OpenSystem:
    """The numeric data of an open battery (cached per battery).

    Raises
    ------
    ValueError
        For more than :data:`~qb_symbolic.model.open_battery.MAX_OPEN_SITES` cells.
    """
    N = battery.sites
    if N > MAX_OPEN_SITES:
        raise ValueError(f"an open battery has at most {MAX_OPEN_SITES} cells; got N = {N}")
    symbols = tuple(battery.parameters)
    by_name = {s.name: s for s in symbols}

    def terms(energy: bool) -> tuple:
        pairs = hermitian_terms(battery, energy)
        return tuple((f, M) for f, (_, M) in zip(_functions(symbols, [e for e, _ in pairs]),
                                                  pairs))

    start = sp.Matrix(battery.initial_state)
    jumps = [(rate, A) for d in battery.dissipators if isinstance(d, Dissipator)
             for rate, A in d.terms(N)]
    rates = [sp.sympify(r).xreplace({s: by_name.get(s.name, s) for s in sp.sympify(r).free_symbols})
             for r, _ in jumps]
    return OpenSystem(battery, N, terms(False), terms(True), tuple(_functions(symbols, list(start))),
                      start.shape, tuple(_functions(symbols, rates)),
                      tuple(np.array(A.tolist(), dtype=complex) for _, A in jumps),
                      tuple(tuple(tuple(np.array(K.tolist(), dtype=complex) for K in kraus)
                                  for kraus in site_kraus(channel, N))
                            for channel in battery.dissipators if not isinstance(channel, Dissipator)))


def site_kraus(channel, N: int) -> list[list[sp.Matrix]]:
    """A channel's exact Kraus operators on the full space, one list per site it acts on
    (``1 (x) K (x) 1``, site 1 the leftmost factor)."""
    return [[sp.kronecker_product(sp.eye(2 ** (site - 1)), sp.Matrix(K), sp.eye(2 ** (N - site)))
             for K in kraus] for site, kraus in channel.local_kraus.items()]


def _clusters(r: np.ndarray, gap: float) -> list[tuple[int, int]]:
    """``[a, b)`` ranges of eigenvalues (sorted) closer than ``gap`` to their neighbours."""
    breaks = np.flatnonzero(np.abs(np.diff(r)) > gap) + 1
    edges = [0, *breaks.tolist(), r.size]
    return [(a, b) for a, b in pairwise(edges) if b - a > 1]


def passive_rate(r: np.ndarray, V: np.ndarray, drho: np.ndarray, levels: np.ndarray,
                 gap: float = CLUSTER_GAP) -> np.ndarray:
    """``d/dt sum_k r_k(down) e_k(up)`` (module docstring) for stacks ``(n, d)`` of
    eigenvalues ``r`` in *decreasing* order with their eigenvectors ``V`` ``(n, d, d)``,
    the rates ``drho`` ``(n, d, d)`` and H0's levels in increasing order."""
    dr = np.einsum("nik,nij,njk->nk", V.conj(), drho, V).real
    for n in np.flatnonzero(np.any(np.abs(np.diff(r, axis=1)) <= gap, axis=1)):
        for a, b in _clusters(r[n], gap):
            W = V[n][:, a:b]
            dr[n, a:b] = np.linalg.eigvalsh(W.conj().T @ drho[n] @ W)[::-1]
    return dr @ levels


def state_figures(rho: np.ndarray, H0: np.ndarray) -> dict[str, np.ndarray]:
    """Energy, ergotropy and capacity of states ``rho`` ``(n, d, d)`` for H0 ``(d, d)``
    (docs/conventions.md: passive ``sum r(down) e(up)``, active ``sum r(down) e(down)``)."""
    levels = np.linalg.eigvalsh(H0)
    r = np.linalg.eigvalsh(rho)[:, ::-1]
    energy = np.einsum("nij,ji->n", rho, H0).real
    passive, active = r @ levels, r @ levels[::-1]
    capacity = active - passive
    return {"energy": energy, "ergotropy": np.clip(energy - passive, 0.0, capacity),
            "capacity": capacity}


def ergotropy_and_rate(rho: np.ndarray, drho: np.ndarray, H0: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """The ergotropy of states ``rho`` ``(n, d, d)`` and its time derivative for
    ``d rho/dt = drho``: ``Tr(drho H0)`` minus :func:`passive_rate`."""
    levels = np.linalg.eigvalsh(H0)
    r, V = np.linalg.eigh(rho)
    r, V = r[:, ::-1], V[:, :, ::-1]
    energy = np.einsum("nij,ji->n", rho, H0).real
    rate = np.einsum("nij,ji->n", drho, H0).real - passive_rate(r, V, drho, levels)
    return energy - r @ levels, rate


__all__ = ["CLUSTER_GAP", "OpenSystem", "ergotropy_and_rate", "hermitian_terms", "open_system",
           "passive_rate", "pauli_matrix", "site_kraus", "state_figures"]
