"""The LaTeX section on first-order coherence and steering of the charging state.

Part of :mod:`qb_symbolic.paper.sections` (notation in its docstring).
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from ..export.latex import Claim, Formula, Section
from ..model.battery import Battery
from ..symbolic.quantities import figures_of_merit
from .sections_shared import (
    C_fn,
    F3_fn,
    Q_fn,
    S_fn,
    _check,
    ergotropy_definitions,
    f_fn,
    k,
    nu,
    t,
    w,
)

# --------------------------------------------------------------------------
# Coherence and steering
# --------------------------------------------------------------------------


def coherence_steering_section() -> Section:
    """Eqs. 9-12 for the pure charging state: C, Q, F_3 and the identity between them."""
    general = Battery("general")
    fom = figures_of_merit(general)
    definitions = ergotropy_definitions(general)
    f_definition = (f_fn(t), sp.Sum(w[k] * sp.exp(-sp.I * nu[k] * t), (k, 1, 3)))
    concurrence = sp.Rational(1, 2) * sp.Abs(2 * f_fn(t) ** 2 - f_fn(2 * t) - 1)
    # The real form used by the package is |g| with g = f(t)^2 - (f(2t) + 1)/2:
    # Weights as plain symbols, so the check is about the structure, not the algebra of w_k.
    plain = dataclasses.replace(fom, weights=tuple(sp.Dummy(f"w{i}") for i in range(len(fom.weights))))
    f_t = plain.cos_sum() - sp.I * plain.sin_sum()
    f_2t = plain.cos_sum(2 * t) - sp.I * plain.sin_sum(2 * t)
    re, im = plain.concurrence_parts
    difference = f_t**2 - (f_2t + 1) / 2 - (re + sp.I * im)
    _check(sp.expand(difference) == 0, "C through f")
    c_context = [(C_fn(t), concurrence), f_definition, *definitions]
    identity = sp.expand(fom.steering**2 + 2 * fom.coherence**2)
    _check(identity == 3, "F_3^2 + 2 Q^2 = 3")

    eq_text = (
        "First-order coherence (paper Eqs.~(11)--(12)), of each cell and of the pair:"
        "\\[ Q(\\rho_k) = \\sqrt{2\\operatorname{Tr}\\rho_k^2 - 1}, \\qquad "
        "Q = \\sqrt{\\tfrac12\\bigl(Q(\\rho_A)^2 + Q(\\rho_B)^2\\bigr)}. \\]\n"
        "Steering (Eqs.~(9)--(10)): the CJWR "
        "inequality $F_3 = \\tfrac{1}{\\sqrt3}|\\sum_i\\langle A_i\\otimes B_i\\rangle| \\leq 1$. "
        "Its maximum over the measurement directions (Costa and Angelo, PRA 93, 020103 (2016)) "
        "is $F_3 = \\sqrt{\\operatorname{Tr}T^{\\mathsf T}T}$ with $T_{ij} = "
        "\\operatorname{Tr}(\\rho\\,\\sigma_i\\otimes\\sigma_j)$: for Alice's orthonormal axes "
        "$a_i$ Bob's best directions are $T^{\\mathsf T}a_i/|T^{\\mathsf T}a_i|$, and "
        "Cauchy--Schwarz bounds $\\sum_i|T^{\\mathsf T}a_i|$ by "
        "$\\sqrt{3\\operatorname{Tr}TT^{\\mathsf T}}$, reached for the triad in which "
        "$TT^{\\mathsf T}$ has equal diagonal entries. For the pure charging state everything "
        "is a function of the concurrence (Fig.~5):"
    )
    after = (
        "since $\\operatorname{Tr}\\rho_A^2 = \\operatorname{Tr}\\rho_B^2 = 1 - C^2/2$ and the "
        "singular values of $T$ are $(1, C, C)$ (Schmidt form). Hence, identically in all "
        "parameters and times,"
    )
    return Section(
        "coherence_steering",
        "Coherence and steering",
        eq_text,
        [
            Formula(C_fn(t), concurrence, where=[f_definition], context=definitions,
                    claim=Claim("quantity", "general", name="concurrence")),
            Formula(Q_fn(t), sp.sqrt(1 - C_fn(t) ** 2), context=c_context,
                    claim=Claim("quantity", "general", name="coherence")),
            Formula(F3_fn(t), sp.sqrt(1 + 2 * C_fn(t) ** 2), context=c_context,
                    claim=Claim("quantity", "general", name="steering")),
            after,
            Formula(F3_fn(t) ** 2 + 2 * Q_fn(t) ** 2, sp.Integer(3),
                    claim=Claim("identity", "general", name="steering-coherence")),
            "The normalised steerability shown beside $F_3$ is",
            Formula(S_fn(t), (F3_fn(t) - 1) / (sp.sqrt(3) - 1), context=[(F3_fn(t), sp.sqrt(1 + 2 * C_fn(t) ** 2)), *c_context],
                    claim=Claim("quantity", "general", name="steerability")),
        ],
    )
