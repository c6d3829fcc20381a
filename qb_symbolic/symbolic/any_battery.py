"""Closed forms of any two-qubit battery: its eigensystem, state and figures of merit.

The paper's presets keep their Bell-block forms (:mod:`qb_symbolic.symbolic.spectrum`,
``dynamics``, ``quantities``), which print the paper's LaTeX. Every other two-qubit battery
(``Battery.from_*``, mixed and Gibbs starts) is answered here from the one structure
finder: the symmetry blocks of H (:func:`qb_symbolic.symbolic.structure.symmetry_blocks`),
each block's closed-form roots (:mod:`qb_symbolic.symbolic.roots`, up to dimension 4, which
two qubits never exceed) and the spectral form of the propagator
``U(t) = sum_{b,k} e^{-i y_bk t} U_b P_bk U_b^dag`` with the Lagrange projectors ``P_bk``
(:mod:`qb_symbolic.symbolic.mixed`, proved there). Expressions are written in the node
symbols ``lambda_bk`` (``explicit`` substitutes the roots), as the presets' are in
``lambda_k``.

With the spectral pieces ``A_k = U_b P_bk U_b^dag`` the energy is
``E(t) = sum_{k,l} Tr(A_k rho0 A_l^dag H0) e^{-i(y_k - y_l) t}``, real: the pair ``(k, l)``
and ``(l, k)`` are conjugate, so it is written with ``cos`` and ``sin`` of the gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp

from ..core.errors import NoClosedForm
from ..core.symbols import t as T
from ..model.kinds import battery_kind
from .chain_closed import chain_evolution
from .dynamics import evolved_state as preset_evolved_state
from .mixed import BlockPropagator, MixedEvolution, mixed_evolution
from .quantities import figures_of_merit as preset_figures
from .spectrum import eigensystem as preset_eigensystem
from .structure import Structure


def two_qubit_model(battery: Any):
    """The battery's two-qubit model object (a preset's :meth:`as_model`), or a
    :class:`NoClosedForm` for batteries of N != 2 cells."""
    if battery_kind(battery) == "chain":
        raise NoClosedForm(
            f"a battery of {battery.sites} cells has no closed-form two-qubit derivation",
            "qb.evaluate(..., battery=...) for its numbers (sector numerics)")
    return battery.as_model()


@dataclass(frozen=True)
class BlockEigensystem:
    """The closed-form spectrum of any two-qubit battery's H, block by block.

    Attributes
    ----------
    battery
        The model object.
    structure
        Symmetries and blocks, proved block-diagonal.
    blocks
        One :class:`qb_symbolic.symbolic.mixed.BlockPropagator` per block (all of them,
        populated or not): basis, ``H_b``, closed-form roots and node symbols.

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> es = qb.eigensystem(qb.Battery.from_string("Bx*(XI + IX) + Bz*(ZI + IZ) + J*(XX + YY)"))
    >>> sorted(block.dim for block in es.blocks)  # Psi- alone; dd, Psi+, uu mixed by the fields
    [1, 3]
    """

    battery: Any
    structure: Structure
    blocks: tuple[BlockPropagator, ...]

    @property
    def eigenvalues(self) -> dict[sp.Symbol, sp.Expr]:
        """``{lambda_bk: closed form}`` for all four eigenvalues."""
        return {node: root for block in self.blocks
                for node, root in zip(block.nodes, block.roots.explicit())}

    def explicit(self, expr: Any) -> Any:
        """``expr`` with every node symbol replaced by its closed form."""
        return expr.xreplace(self.eigenvalues)

    def _repr_latex_(self) -> str:
        from ..core.display import math

        return math(*(f"{sp.latex(k)} = {sp.latex(v)}" for k, v in self.eigenvalues.items()))


def _evolution(battery: Any) -> MixedEvolution:
    return mixed_evolution(two_qubit_model(battery))


def block_eigensystem(battery: Any) -> BlockEigensystem:
    """The closed-form eigensystem of any two-qubit battery (see the module docstring)."""
    evolution = _evolution(battery)
    return BlockEigensystem(evolution.battery, evolution.structure, evolution.blocks)


@dataclass(frozen=True)
class BatteryState:
    """``rho(t)`` (mixed start) or ``psi(t)`` (pure start) of any two-qubit battery, exact.

    Attributes
    ----------
    eigensystem
        The blocks and their closed-form roots.
    state
        ``psi(t)`` (4x1) or ``rho(t)`` (4x4) in the parameters, ``t`` and the nodes.

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> rho = qb.evolved_state(qb.Battery.from_string("Omega*(XI + IX)", initial=qb.werner_state(0)))
    >>> rho.mixed, rho.explicit().subs(qb.t, 0).trace()
    (True, 1)
    """

    eigensystem: BlockEigensystem
    state: sp.Matrix

    @property
    def mixed(self) -> bool:
        return self.state.shape == (4, 4)

    def explicit(self) -> sp.Matrix:
        """The state with the roots substituted."""
        return self.eigensystem.explicit(self.state)

    def _repr_latex_(self) -> str:
        from ..core.display import math

        name = "\\rho(t)" if self.mixed else "|\\psi(t)\\rangle"
        return math(f"{name} = {sp.latex(self.state)}")


def _pieces(evolution: MixedEvolution, start: sp.Matrix) -> list[tuple[sp.Symbol, sp.Matrix]]:
    """``(y_k, A_k start)`` with ``A_k = U_b P_bk U_b^dag``, ``U(t) = sum_k e^{-i y_k t} A_k``;
    ``U_b^dag`` is applied first, so blocks the start has no weight in vanish exactly."""
    found = []
    for block in evolution.blocks:
        inner = block.basis.H * start
        if all(x == 0 for x in inner):
            continue
        for k, node in enumerate(block.nodes):
            found.append((node, block.basis * (block.projector(k) * inner)))
    return found


def battery_state(battery: Any) -> BatteryState:
    """The closed-form state of any two-qubit battery (pure: a ket; mixed: rho)."""
    evolution = _evolution(battery)
    eigen = BlockEigensystem(evolution.battery, evolution.structure, evolution.blocks)
    start = sp.Matrix(evolution.battery.initial_state)
    if start.shape == (4, 4):
        return BatteryState(eigen, evolution.density(T))
    ket = sp.zeros(4, 1)
    for node, column in _pieces(evolution, start):
        ket += sp.exp(-sp.I * node * T) * column
    return BatteryState(eigen, ket)


def _conjugate_pairs(evolution: MixedEvolution, H0: sp.Matrix) -> dict:
    """``{(y_k, y_l): g_kl}`` with ``E(t) = sum_{k,l} g_kl e^{-i(y_k - y_l) t}``:
    ``g_kl = Tr(A_k rho0 A_l^dag H0)`` (for a ket, ``(A_l psi0)^dag H0 (A_k psi0)``)."""
    start = sp.Matrix(evolution.battery.initial_state)
    if start.shape == (4, 1):
        columns = _pieces(evolution, start)
        return {(k, l): (cl.H * H0 * ck)[0] for k, ck in columns for l, cl in columns}
    pieces = [(node, block.basis * block.projector(k) * block.basis.H)
              for block in evolution.blocks for k, node in enumerate(block.nodes)]
    return {(k, l): (Ak * start * Al.H * H0).trace() for k, Ak in pieces for l, Al in pieces}


def _real_sum(pairs: dict) -> sp.Expr:
    """``sum_{k,l} g_kl e^{-i(y_k - y_l) t}`` as a real trigonometric sum (``g_lk`` is the
    conjugate of ``g_kl``, so each pair is ``2 Re g cos + 2 Im g sin`` of its gap)."""
    nodes = list(dict.fromkeys(k for k, _ in pairs))
    total = sp.Add(*(pairs[(k, k)] for k in nodes))
    for i, k in enumerate(nodes):
        for l in nodes[i + 1:]:
            g = pairs[(k, l)]
            conjugate = g.conjugate()  # real symbols: conjugates only the constants
            re, im = (g + conjugate) / 2, (g - conjugate) / (2 * sp.I)
            total += 2 * re * sp.cos((k - l) * T) + 2 * im * sp.sin((k - l) * T)
    return total


def _ascending(values: list[sp.Expr], what: str) -> list[sp.Expr]:
    """Exact values in increasing order, decided from the symbols' assumptions."""
    def before(a: sp.Expr, b: sp.Expr) -> bool:
        gap = b - a
        if not gap.free_symbols:  # exact numbers (radicals, CRootOf): their sign to 50 digits
            return bool(sp.re(sp.N(gap, 50)) >= 0)  # real roots; radicals may carry 1e-50 i
        decided = gap.is_nonnegative
        if decided is None:
            raise NoClosedForm(f"the order of {what} ({a} against {b}) depends on the "
                               "parameters, so the passive energy has no single closed form",
                               "qb.evaluate('ergotropy', t, battery=..., **values) for numbers")
        return decided

    ordered: list[sp.Expr] = []
    for value in values:
        position = next((i for i, o in enumerate(ordered) if not before(o, value)), len(ordered))
        ordered.insert(position, value)
    return ordered


def _spectrum(matrix: sp.Matrix) -> list[sp.Expr]:
    """Exact eigenvalues with multiplicity (``CRootOf`` where radicals would be needed)."""
    poly = matrix.charpoly()
    if poly.free_symbols - set(poly.gens) or not poly.domain.is_QQ:
        return [v for v, m in matrix.eigenvals().items() for _ in range(m)]
    return list(poly.all_roots())


@dataclass(frozen=True)
class BatteryFigures:
    """Energy, ergotropy and power of any two-qubit battery in closed form (in ``t``, the
    parameters and the node symbols; :meth:`explicit` substitutes the roots).

    ``passive`` is ``min_U Tr(U rho0 U^dag H0)``, constant under unitary charging:
    ``E_min(H0)`` for a pure start, ``sum_k r_k(down) e_k(up)`` for a mixed one; or, where
    that depends on how levels order for the parameters, the :class:`NoClosedForm` saying so
    (raised by :attr:`passive_energy` and :attr:`ergotropy`; energy and power stay exact).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> f = qb.figures_of_merit(qb.Battery.from_string("J*(XX + YY)", initial="ud"))
    >>> f.passive_energy
    -2*omega0
    """

    eigensystem: BlockEigensystem
    energy: sp.Expr
    passive: sp.Expr | NoClosedForm

    @property
    def passive_energy(self) -> sp.Expr:
        if isinstance(self.passive, NoClosedForm):
            raise self.passive
        return self.passive

    @property
    def ergotropy(self) -> sp.Expr:
        return self.energy - self.passive_energy

    @property
    def power(self) -> sp.Expr:
        """Stored energy per time, ``(E(t) - E(0))/t`` (docs/conventions.md)."""
        return (self.energy - self.energy.subs(T, 0)) / T

    def explicit(self, expr: Any) -> Any:
        return self.eigensystem.explicit(expr)

    def _repr_latex_(self) -> str:
        from ..core.display import math

        return math(f"E(t) = {sp.latex(self.energy)}")


def _passive_energy(start: sp.Matrix, H0: sp.Matrix) -> sp.Expr:
    """Rho's eigenvalues in decreasing order on H0's levels in increasing order."""
    levels = _ascending(_spectrum(H0), "H0's levels")
    if start.shape == (4, 1):
        return levels[0]
    weights = _ascending(_spectrum(start), "the start's eigenvalues")[::-1]
    return sp.Add(*(r * e for r, e in zip(weights, levels)))


@cache
def battery_figures(battery: Any) -> BatteryFigures:
    """The closed-form energy, ergotropy and power of any two-qubit battery (where the
    passive energy depends on the order of levels, e.g. a Gibbs start at symbolic beta,
    :attr:`BatteryFigures.ergotropy` raises :class:`NoClosedForm` naming the numeric path)."""
    evolution = _evolution(battery)
    model = evolution.battery
    H0 = sp.Matrix(model.energy_operator)
    eigen = BlockEigensystem(model, evolution.structure, evolution.blocks)
    energy = _real_sum(_conjugate_pairs(evolution, H0))
    try:
        passive: sp.Expr | NoClosedForm = _passive_energy(sp.Matrix(model.initial_state), H0)
    except NoClosedForm as missing:
        passive = missing
    return BatteryFigures(eigen, energy, passive)


def _is_chain(battery: Any) -> bool:
    return battery_kind(battery) == "chain"


def _chain_figures(battery: Any) -> BatteryFigures:
    evolution = chain_evolution(battery)
    return BatteryFigures(evolution, evolution.energy(), evolution.ground_energy)


def _is_preset(battery: Any) -> bool:
    """The paper's presets keep their Bell-block forms (they print the paper's LaTeX)."""
    return battery_kind(battery) == "preset"


def eigensystem(battery: Any):
    """The closed-form eigensystem of any battery.

    A preset gives its Bell-block :class:`qb_symbolic.symbolic.spectrum.Eigensystem` (the
    paper's forms); any other two-qubit battery a :class:`BlockEigensystem`; a chain whose
    reachable blocks have dimension <= 4 (rings N <= 5, open N = 3 from ``|d...d>``) its
    :class:`qb_symbolic.symbolic.chain_closed.ChainEvolution` (the populated eigenvalues).

    Raises
    ------
    NoClosedForm
        For a battery whose blocks have no closed form here (it names the numeric path).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> bat = qb.Battery.from_string("B*(ZI + IZ) + J*(XX + YY)")
    >>> sorted(qb.eigensystem(bat).eigenvalues.values(), key=str)
    [-2*B, -2*J, 2*B, 2*J]
    """
    if _is_chain(battery):  # closed forms where every reachable block is <= 4
        return chain_evolution(battery)
    return preset_eigensystem(battery) if _is_preset(battery) else block_eigensystem(battery)


def evolved_state(battery: Any):
    """The closed-form state of any battery: a preset's :class:`EvolvedState` (paper's
    forms), else a :class:`BatteryState` (a ket, or rho(t) for a mixed start).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> psi = qb.evolved_state(qb.Battery.from_string("Omega*(XI + IX)"))
    >>> psi.explicit()[3].subs(qb.t, 0)
    1
    """
    if _is_chain(battery):
        evolution = chain_evolution(battery)
        return BatteryState(evolution, evolution.state())
    return preset_evolved_state(battery) if _is_preset(battery) else battery_state(battery)


def figures_of_merit(battery: Any):
    """The closed-form figures of merit of any battery: a preset's :class:`FiguresOfMerit`
    (the paper's compact forms), else a :class:`BatteryFigures` (energy, ergotropy, power).

    Examples
    --------
    >>> import sympy as sp, qb_symbolic as qb
    >>> f = qb.figures_of_merit(qb.Battery.from_string("Omega*(XI + IX)"))
    >>> sp.simplify(f.explicit(f.ergotropy) - 4 * qb.omega0 * sp.sin(qb.Omega * qb.t) ** 2)
    0
    """
    if _is_chain(battery):
        return _chain_figures(battery)
    return preset_figures(battery) if _is_preset(battery) else battery_figures(battery)
