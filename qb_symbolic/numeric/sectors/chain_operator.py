"""Chain operators applied on the fly on the full 2^N basis (the Krylov path's matvec).

A chain operator is a sum of Pauli strings with at most two non-identity letters (bond
and site terms). Strings are grouped by their *support* (one or two sites) and their
*flip pattern* (the X/Y letters): within a group, the string ``P`` maps ``|s>`` to
``phase(s) |s ^ xmask>`` with a phase depending only on the support bits, so the whole
group acts as

    ``y[..b_i..b_j..] += c[b_i, b_j] x[..b_i ^ f_i..b_j ^ f_j..]``

on the state reshaped to one axis per site (site 1 first, index 0 = up), with a 2x2
table ``c`` of numbers per parameter point. Strings without X or Y are summed into one
diagonal. Nothing of size 2^N x 2^N is ever stored: memory is a few vectors of 2^N.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

#: Phase factor of a Pauli letter acting on a bit: ``P|b> = phase[P][b] |b ^ flip[P]>``
#: (bit 0 = up): X|u> = |d>, Y|u> = i|d>, Y|d> = -i|u>, Z|d> = -|d>.
LETTER_PHASE = {"I": (1, 1), "X": (1, 1), "Y": (1j, -1j), "Z": (1, -1)}
LETTER_FLIP = {"I": 0, "X": 1, "Y": 1, "Z": 0}


@dataclass(frozen=True)
class FlipGroup:
    """Strings sharing a support and flip pattern: ``table = factors @ weights``."""

    support: tuple[int, ...]  # sites, increasing
    flips: tuple[int, ...]  # per support site, 1 = flipped
    factors: np.ndarray  # (2^len(support), strings): phase per target-bit pattern
    weights: tuple[Any, ...]  # generated functions of the parameters, one per string


@dataclass(frozen=True)
class ChainOperator:
    """A chain operator as data (module docstring); :meth:`at` binds parameter values."""

    N: int
    groups: tuple[FlipGroup, ...]
    diagonal_signs: tuple[np.ndarray, ...]  # int8 (+-1) over the 2^N basis, one per string
    diagonal_weights: tuple[Any, ...]

    def at(self, values: Sequence[float]) -> BoundOperator:
        diagonal = np.zeros(2**self.N)
        for signs, weight in zip(self.diagonal_signs, self.diagonal_weights):
            w = complex(weight(*values))
            if w.imag:
                raise ValueError("a diagonal term has a complex coefficient: the operator is "
                                 "not Hermitian at these values")
            diagonal += w.real * signs
        tables = [g.factors @ np.array([complex(w(*values)) for w in g.weights])
                  for g in self.groups]
        return BoundOperator(self.N, diagonal, tuple(zip(self.groups, tables)))


@dataclass(frozen=True)
class BoundOperator:
    """A chain operator at one parameter point: ``apply`` maps ``(k, 2^N)`` arrays."""

    N: int
    diagonal: np.ndarray
    tables: tuple[tuple[FlipGroup, np.ndarray], ...]

    def __post_init__(self) -> None:
        # what apply needs per group, fixed at binding (apply runs hundreds of times)
        steps = []
        for group, table in self.tables:
            flipped = [slice(None)]  # a flipped site is a reversed axis: a view, no copy
            for f in group.flips:
                flipped += [slice(None), slice(None, None, -1) if f else slice(None)]
            flipped.append(slice(None))
            uniform = bool(np.all(table == table[0]))  # X terms, XX + YY...: a scalar
            c = table[0] if uniform else table.reshape(_table_shape(len(group.support)))
            steps.append((group.support, tuple(flipped), c))
        object.__setattr__(self, "_steps", tuple(steps))

    def apply(self, x: np.ndarray) -> np.ndarray:
        k = x.shape[0]
        y = self.diagonal * x
        scratch = np.empty_like(y)
        for support, flipped, c in self._steps:
            shape = _shape(self.N, support, k)
            np.multiply(x.reshape(shape)[flipped], c, out=scratch.reshape(shape))
            y += scratch
        return y


def _shape(N: int, support: tuple[int, ...], k: int) -> tuple[int, ...]:
    """``(k, 2^i, 2, 2^(j-i-1), 2, 2^(N-j-1))`` for support ``(i, j)`` (or one site)."""
    shape, previous = [k], -1
    for site in support:
        shape += [2 ** (site - previous - 1), 2]
        previous = site
    return tuple(shape + [2 ** (N - previous - 1)])


def _table_shape(sites: int) -> tuple[int, ...]:
    """The 2x2 (or 2) table broadcast against :func:`_shape`: ``(1, 1, 2, 1, 2, 1)``."""
    return (1,) + (1, 2) * sites + (1,)


def _bits(pattern: int, size: int) -> tuple[int, ...]:
    return tuple((pattern >> (size - 1 - k)) & 1 for k in range(size))


def _support(label: str) -> tuple[int, ...]:
    return tuple(i for i, c in enumerate(label) if c != "I")


def _signs(label: str, N: int) -> np.ndarray:
    """``+-1`` of a string of I and Z on every basis state (int8)."""
    signs = np.ones((2,) * N, np.int8)
    for site in _support(label):
        index = [slice(None)] * N
        index[site] = 1
        signs[tuple(index)] *= -1
    return signs.reshape(-1)


def chain_operator(terms: dict[str, sp.Expr], N: int,
                   parameters: tuple[sp.Symbol, ...]) -> ChainOperator:
    """The operator ``sum_P c_P P`` of ``terms`` (N-letter Pauli strings; the coefficients'
    symbols among ``parameters``, in that order for the generated weights)."""
    grouped: dict[tuple, list[tuple[str, sp.Expr]]] = {}
    diagonal: list[tuple[str, sp.Expr]] = []
    for label, c in terms.items():
        support = _support(label)
        flips = tuple(LETTER_FLIP[label[s]] for s in support)
        if not any(flips):
            diagonal.append((label, c))
            continue
        grouped.setdefault((support, flips), []).append((label, c))
    lam = lambda c: sp.lambdify(parameters, c, "numpy")
    groups = []
    for (support, flips), members in grouped.items():
        factors = np.zeros((2 ** len(support), len(members)), complex)
        for pattern in range(2 ** len(support)):
            bits = _bits(pattern, len(support))
            for m, (label, _) in enumerate(members):
                # the phase is taken on the source bit, which the letter maps to ``bits``
                factors[pattern, m] = np.prod([LETTER_PHASE[label[s]][b ^ f]
                                               for s, b, f in zip(support, bits, flips)])
        groups.append(FlipGroup(support, flips, factors, tuple(lam(c) for _, c in members)))
    return ChainOperator(N, tuple(groups), tuple(_signs(label, N) for label, _ in diagonal),
                         tuple(lam(c) for _, c in diagonal))
