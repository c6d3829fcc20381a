"""The evolved state ``psi(t) = exp(-i H t)|dd>`` in closed form.

In the symmetry-adapted basis the empty battery is
``|dd> = (Phi+ - Phi-)/sqrt 2``, so

    psi(t) = -exp(-i lambda_0 t) Phi-/sqrt 2
             + sum_k exp(-i lambda_k t) P_k Phi+/sqrt 2,

with ``P_k`` the eigenprojectors of the block that holds ``Phi+`` (adjugate
form, :meth:`qb_symbolic.symbolic.spectrum.BlockSpectrum.projected`). The state is
written through the eigenvalue symbols ``lambda_k``; their closed forms are in
:attr:`EvolvedState.eigenvalues` and :meth:`EvolvedState.explicit` substitutes
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from ..core.symbols import t as t_symbol
from ..model.battery import Battery
from .spectrum import Eigensystem, eigensystem


@dataclass(frozen=True)
class EvolvedState:
    """``psi(t)`` of a battery, exact.

    Attributes
    ----------
    battery
        The battery.
    eigensystem
        Its closed-form eigensystem.
    symmetry_amplitudes
        Components on ``Phi-, Phi+, Psi+, Psi-`` (4x1), in ``lambda_k`` and ``t``.
    ket
        Components on ``|uu>, |ud>, |du>, |dd>`` (4x1), in ``lambda_k`` and ``t``.
    components
        ``(lambda_k, a_k)`` with ``symmetry_amplitudes = sum_k exp(-i lambda_k t) a_k``
        (only eigenvalues the initial state populates).

    Examples
    --------
    >>> import sympy as sp
    >>> from qb_symbolic import Battery, evolved_state
    >>> ket = evolved_state(Battery("parallel")).explicit()
    >>> sp.simplify(ket[0])  # <uu|psi(t)> = -sin^2(Omega t): both cells flipped
    cos(2*Omega*t)/2 - 1/2
    """

    battery: Battery
    eigensystem: Eigensystem
    symmetry_amplitudes: sp.Matrix
    ket: sp.Matrix

    def _repr_latex_(self) -> str:
        """``|psi(t)>`` in the eigenvalue symbols ``lambda_k`` and ``t`` (Jupyter)."""
        from ..core.display import ket_latex, math

        return math(f"|\\psi(t)\\rangle = {ket_latex(self.ket)}")
    components: tuple[tuple[sp.Symbol, sp.Matrix], ...]

    @property
    def t(self) -> sp.Symbol:
        """The time symbol."""
        return t_symbol

    @property
    def eigenvalues(self) -> dict[sp.Symbol, sp.Expr]:
        """``{lambda_k: closed form}``."""
        return self.eigensystem.eigenvalues

    def bilinear(self, operator: sp.Matrix) -> dict[tuple[sp.Symbol, sp.Symbol], sp.Expr]:
        """``<psi|A|psi> = sum_{k,l} exp(i(lambda_k - lambda_l) t) G[k, l]``: the ``G``.

        ``operator`` is given in the computational basis.
        """
        A = self.eigensystem.decomposition.basis.unitary.H * operator * self.basis_unitary
        return {
            (k, l): sp.expand((a.H * A * b)[0])
            for k, a in self.components
            for l, b in self.components
        }

    def quadratic(self, form: sp.Matrix) -> dict[tuple[sp.Symbol, sp.Symbol], sp.Expr]:
        """``psi^T K psi = sum_{k,l} exp(-i(lambda_k + lambda_l) t) N[k, l]``: the ``N``.

        ``form`` is the symmetric matrix ``K`` in the computational basis.
        """
        U = self.basis_unitary
        K = U.T * form * U
        return {
            (k, l): sp.expand((a.T * K * b)[0])
            for k, a in self.components
            for l, b in self.components
        }

    @property
    def basis_unitary(self) -> sp.Matrix:
        """Columns: the symmetry-adapted basis vectors in the computational basis."""
        return self.eigensystem.decomposition.basis.unitary

    def explicit(self) -> sp.Matrix:
        """The ket with every ``lambda_k`` replaced by its closed form."""
        return self.ket.subs(self.eigenvalues)

    def density_matrix(self) -> sp.Matrix:
        """``rho(t) = |psi><psi|`` (4x4), in ``lambda_k`` and ``t``."""
        return self.ket * self.ket.H

    def reduced_state(self, cell: int) -> sp.Matrix:
        """The 2x2 state of cell 1 or 2 (partial trace over the other)."""
        return partial_trace(self.density_matrix(), keep=cell)


def partial_trace(rho: sp.Matrix, keep: int) -> sp.Matrix:
    """Reduced state of cell ``keep`` (1 or 2) of a two-qubit density matrix.

    Raises
    ------
    ValueError
        If ``rho`` is not 4x4 or ``keep`` is not 1 or 2.

    Examples
    --------
    >>> import sympy as sp
    >>> singlet = sp.Matrix([0, 1, -1, 0]) / sp.sqrt(2)
    >>> partial_trace(singlet * singlet.H, 1)  # maximally mixed
    Matrix([
    [1/2,   0],
    [  0, 1/2]])
    """
    if rho.shape != (4, 4):
        raise ValueError(f"need a 4x4 two-qubit operator; got shape {rho.shape}")
    if keep not in (1, 2):
        raise ValueError(f"keep must be 1 or 2; got {keep!r}")
    out = sp.zeros(2, 2)
    for i in range(2):
        for k in range(2):
            if keep == 1:
                out[i, k] = sum(rho[2 * i + j, 2 * k + j] for j in range(2))
            else:
                out[i, k] = sum(rho[2 * j + i, 2 * j + k] for j in range(2))
    return out


@lru_cache(maxsize=256)
def evolved_state(battery: Battery) -> EvolvedState:
    """Derive ``psi(t) = exp(-i H t)|dd>`` in closed form.

    Examples
    --------
    >>> from qb_symbolic import Battery, evolved_state
    >>> psi = evolved_state(Battery("parallel"))
    >>> psi.explicit()[3]                                  # doctest: +SKIP
    exp(-2*I*Omega*t)/4 + exp(2*I*Omega*t)/4 + 1/2
    """
    es = eigensystem(battery)
    decomposition = es.decomposition
    amplitudes = sp.zeros(4, 1)
    components = []
    for spectrum in es.spectra:
        block = spectrum.block
        if not block.populated:
            continue
        for k, lam in enumerate(spectrum.symbols):
            local = spectrum.projected(k, block.initial)
            vector = sp.zeros(4, 1)
            for position, index in enumerate(block.indices):
                vector[index] = local[position]
            components.append((lam, vector))
            amplitudes += sp.exp(-sp.I * lam * t_symbol) * vector
    ket = decomposition.basis.unitary * amplitudes
    return EvolvedState(battery, es, amplitudes, ket, tuple(components))
