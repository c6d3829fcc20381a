"""A battery's figures of merit as a chain of *real* assignments, for code in other languages.

From the closed-form evolution (:func:`qb_symbolic.symbolic.evolution.evolution`) of a
pure start:

1. the eigenvalues ``L_b_k`` of every populated block (the package's real root forms,
   clamped intermediates: ``RootForm.explicit(clip=True)``);
2. the amplitudes in the spectral form ``psi_s(t) = sum_{b,k} e^{-i L_b_k t} w_{b,k,s}``,
   ``w_{b,k} = U_b adj(L_b_k - H_b) c_b / P_b'(L_b_k)`` (Cayley-Hamilton), split into real
   and imaginary parts symbolically (``psi_re_s``, ``psi_im_s``) with
   ``e^{-i x} = cos x - i sin x``: no complex arithmetic is left for the target language;
3. the quantity from them: ``<H0>``, the ergotropy ``<H0> - E_min(H0)``, the power
   ``(zeta(t) - zeta(0))/t`` (at ``t = 0`` the rate ``i <[H, H0]>``, exact), the
   concurrence ``2|ad - bc|``, the coherence ``sqrt(1 - C^2)`` and the steering
   ``sqrt(1 + 2 C^2)`` (pure-state identities, as in the formulas document).

Each stage's common subexpressions are named by ``sympy.cse`` (``x0, x1, ...``). The
spectral form divides by ``P_b'(L)``: exact, but in floating point it loses accuracy where
two eigenvalues of a block nearly meet (the package's own evaluators use a Newton form
there); the exported code says so in its header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..core.errors import NoClosedForm
from ..core.symbols import t as T
from .any_battery import two_qubit_model
from .evolution import evolution
from .roots import Z

#: What the exported code can compute.
EXPORTABLE = ("energy", "ergotropy", "power", "concurrence", "coherence", "steering")


@dataclass(frozen=True)
class RealForms:
    """``assignments`` (in order; each in the parameters, ``t`` and earlier names) and the
    ``result`` expression; ``at_zero`` replaces it at ``t = 0`` (the power) or is None."""

    quantity: str
    parameters: tuple[sp.Symbol, ...]
    assignments: tuple[tuple[sp.Symbol, sp.Expr], ...]
    result: sp.Expr
    at_zero: sp.Expr | None

    @property
    def arguments(self) -> tuple[sp.Symbol, ...]:
        return (*self.parameters, T)

    def evaluate(self, values: dict[str, Any], t: Any, digits: int = 30) -> sp.Expr:
        """The chain run in SymPy at ``digits`` (for checks; assignment by assignment, never
        the substituted tree, which is exponentially larger than the chain)."""
        known = {s: sp.Float(values[s.name], digits) if isinstance(values[s.name], float)
                 else sp.sympify(values[s.name]) for s in self.parameters}
        known[T] = sp.sympify(t)
        for name, value in self.assignments:
            known[name] = sp.N(value.xreplace(known), digits)
        if self.at_zero is not None and known[T] == 0:
            return sp.N(self.at_zero.xreplace(known), digits)
        return sp.N(self.result.xreplace(known), digits)


def _model(battery):
    try:
        model = two_qubit_model(battery)
    except NoClosedForm:
        raise NoClosedForm("code export needs a two-qubit closed form, which this battery "
                           "does not have", "qb.evaluate(..., battery=...) or qb.sweep for "
                           "its numbers") from None
    if model.mixed:
        raise NoClosedForm("code export covers pure starts (this battery starts in a density "
                           "matrix)", "qb.evaluate(..., battery=...) or qb.sweep for its numbers")
    return model


def _stage(pairs: list[tuple[sp.Symbol, sp.Expr]], counter: list[int]) -> list:
    """``pairs`` with their common subexpressions named ``x<n>`` (numbering continues)."""
    names = (sp.Symbol(f"x{n}", real=True) for n in _count(counter))
    replacements, reduced = sp.cse([value for _, value in pairs], symbols=names)
    return [*replacements, *((name, value) for (name, _), value in zip(pairs, reduced))]


def _count(counter: list[int]):
    while True:
        counter[0] += 1
        yield counter[0] - 1


def _amplitudes(ev) -> tuple[list, list, list]:
    """Eigenvalue assignments and the real and imaginary parts of the four amplitudes."""
    roots, re, im = [], [sp.Integer(0)] * 4, [sp.Integer(0)] * 4
    for b, block in enumerate(ev.blocks):
        explicit = block.roots.explicit(clip=True)
        poly = block.roots.polynomial
        for k, root in enumerate(explicit):
            L = sp.Symbol(f"L_{b}_{k}", real=True)
            roots.append((L, root))
            n = block.dim
            if n == 1:
                column = block.basis * block.components
            else:
                adj = (L * sp.eye(n) - block.matrix).adjugate() * block.components
                column = block.basis * adj / sp.diff(poly, Z).xreplace({Z: L})
            c, s = sp.cos(L * T), sp.sin(L * T)
            for i in range(4):
                w_re, w_im = sp.expand(column[i]).as_real_imag()
                re[i] += c * w_re + s * w_im
                im[i] += c * w_im - s * w_re
    return roots, re, im


def real_forms(battery, quantity: str) -> RealForms:
    """The chain of real assignments for ``quantity`` of ``battery`` (module docstring)."""
    if quantity not in EXPORTABLE:
        raise ValueError(f"{quantity!r} cannot be exported; exportable: {', '.join(EXPORTABLE)}")
    model = _model(battery)
    ev = evolution(model)
    roots, re, im = _amplitudes(ev)
    a = [sp.Symbol(f"psi_re_{s}", real=True) for s in range(4)]
    b = [sp.Symbol(f"psi_im_{s}", real=True) for s in range(4)]
    psi = sp.Matrix([a[s] + sp.I * b[s] for s in range(4)])
    H0, H = sp.Matrix(model.energy_operator), sp.Matrix(model.hamiltonian)
    energy = sp.expand((psi.H * H0 * psi)[0]).as_real_imag()[0]
    lowest = sp.Min(*ev.energies.explicit(clip=True))
    psi0 = sp.Matrix(model.initial_state)
    energy0 = sp.expand((psi0.H * H0 * psi0)[0]).as_real_imag()[0]
    rate0 = sp.expand(2 * sp.im((((H0 * psi0).H) * (H * psi0))[0]))
    pair = sp.expand(psi[0] * psi[3] - psi[1] * psi[2]).as_real_imag()
    concurrence = 2 * sp.sqrt(pair[0] ** 2 + pair[1] ** 2)
    result, at_zero = {
        "energy": (energy, None),
        "ergotropy": (energy - lowest, None),
        "power": ((energy - energy0) / T, rate0),
        "concurrence": (concurrence, None),
        "coherence": (sp.sqrt(sp.Max(0, 1 - concurrence**2)), None),
        "steering": (sp.sqrt(1 + 2 * concurrence**2), None),
    }[quantity]
    counter = [0]
    amplitudes = [(a[s], re[s]) for s in range(4)] + [(b[s], im[s]) for s in range(4)]
    value = sp.Symbol("value", real=True)
    chain = [*_stage(roots, counter), *_stage(amplitudes, counter),
             *_stage([(value, result)], counter)]
    final = chain.pop()
    return RealForms(quantity, model.parameters, tuple(chain), final[1], at_zero)
