"""The LaTeX sections on the structure of the problem: Hamiltonian, eigenvalues, charging state.

Part of :mod:`qb_symbolic.paper.sections` (notation in its docstring).
"""

from __future__ import annotations

import sympy as sp

from ..core.algebra import compact
from ..export.latex import Claim, Formula, Section
from ..model.battery import Battery
from ..symbolic.spectrum import eigensystem
from ..symbolic.subspaces import symmetry_adapted_basis
from .sections_shared import (
    _check,
    cubic_definitions,
    dp_fn,
    ergotropy_definitions,
    k,
    lam,
    lam_var,
    t,
    u,
    v,
    w,
    weight_definitions,
)

# --------------------------------------------------------------------------
# Hamiltonian and blocks
# --------------------------------------------------------------------------


def hamiltonian_section() -> Section:
    """Eqs. 1-3 and the DM-preserved block structure."""
    battery = Battery("general")
    H = battery.hamiltonian
    basis = symmetry_adapted_basis()
    es = eigensystem(battery)
    U = es.decomposition.basis.unitary
    blocks = (U.H * H * U).applyfunc(sp.expand)
    _check(all(sp.expand(blocks[i, j]) == 0 for i in range(1, 4) for j in (0,)), "Phi- decouples")
    sigma = basis.symmetry
    _check((sigma * H - H * sigma).applyfunc(sp.expand) == sp.zeros(4, 4), "[H, Sigma] = 0")
    text = (
        "The charging Hamiltonian of the paper, Eqs.~(1)--(3), with $\\hbar = 1$: "
        "$\\mathcal{H} = \\Omega(\\sigma^x_1 + \\sigma^x_2) + J[(1+\\gamma)\\sigma^x_1\\sigma^x_2 "
        "+ (1-\\gamma)\\sigma^y_1\\sigma^y_2 + \\Delta\\sigma^z_1\\sigma^z_2] "
        "+ D(\\sigma^x_1\\sigma^y_2 - \\sigma^y_1\\sigma^x_2)$, "
        "in the basis $|{\\uparrow\\uparrow}\\rangle, |{\\uparrow\\downarrow}\\rangle, "
        "|{\\downarrow\\uparrow}\\rangle, |{\\downarrow\\downarrow}\\rangle$ "
        "($\\sigma^z|{\\uparrow}\\rangle = |{\\uparrow}\\rangle$). The battery Hamiltonian "
        "$\\mathcal{H}_0 = \\omega_0(\\sigma^z_1 + \\sigma^z_2)$ only measures the stored energy. "
        "The models fix $\\gamma = 1, \\Delta = 0$ (Ising), $\\gamma = 0$ (XXZ), "
        "$\\gamma, \\Delta \\neq 0$ (XYZ), $J = D = 0$ (parallel charging)."
    )
    symmetry_text = (
        "SymPy finds the operators commuting with $\\mathcal{H}$ for all parameters: the identity "
        "and $\\Sigma = \\mathrm{SWAP}\\,(\\sigma^x\\otimes\\sigma^x)$, which exchanges "
        "$|{\\uparrow\\uparrow}\\rangle \\leftrightarrow |{\\downarrow\\downarrow}\\rangle$. "
        "Its eigenvectors, the Bell states $\\Phi^\\pm = (|{\\uparrow\\uparrow}\\rangle \\pm "
        "|{\\downarrow\\downarrow}\\rangle)/\\sqrt{2}$, $\\Psi^\\pm = (|{\\uparrow\\downarrow}\\rangle "
        "\\pm |{\\downarrow\\uparrow}\\rangle)/\\sqrt{2}$, split the space; in the order "
        "$U = (\\Phi^-, \\Phi^+, \\Psi^+, \\Psi^-)$ the Hamiltonian is block diagonal, "
        "identically in all parameters (proved by expansion):"
    )
    d_zero_text = (
        "$\\Phi^-$ is an exact eigenstate with energy $\\lambda_0 = J(\\Delta - 2\\gamma)$ for all "
        "parameters. The rest is a tridiagonal $3\\times 3$ block, coupled by $2\\Omega$ and "
        "$2\\mathrm{i}D$: the DM interaction connects the singlet $\\Psi^-$ to the charging "
        "dynamics. At $D = 0$ the singlet decouples with energy $-J(\\Delta + 2)$ and a "
        "$2\\times 2$ block on $\\Phi^+, \\Psi^+$ remains. The empty battery is "
        "$|{\\downarrow\\downarrow}\\rangle = (\\Phi^+ - \\Phi^-)/\\sqrt{2}$."
    )
    return Section(
        "hamiltonian",
        "Hamiltonian and DM-preserved subspaces",
        text,
        [
            Formula(sp.Symbol("\\mathcal{H}"), H, claim=Claim("matrix", "general", name="computational")),
            symmetry_text,
            Formula(sp.Symbol("\\Sigma"), sigma, claim=Claim("matrix", "general", name="symmetry")),
            Formula(sp.Symbol("U^\\dagger \\mathcal{H} U"), blocks, claim=Claim("matrix", "general", name="bell")),
            d_zero_text,
        ],
    )


# --------------------------------------------------------------------------
# Eigenvalues
# --------------------------------------------------------------------------


def quadratic_pieces(battery: Battery) -> dict[str, sp.Expr]:
    """Centre, half-gap and weight difference of a 2x2 charging block.

    ``lambda_{1,2} = m +/- r``, ``nu_{1,2} = a +/- r`` with ``a = m - lambda_0``,
    and ``w_1 - w_2 = b/r`` (``w_1 + w_2 = 1``, checked).
    """
    es = eigensystem(battery)
    spec = es.charging_spectrum
    _check(spec.method == "quadratic", "the charging block is 2x2")
    high, low = spec.values
    centre = sp.factor_terms(sp.expand((high + low) / 2))
    half_gap = (high - low) / 2
    lam0 = es.eigenvalues[es.reference]
    weights = [sp.together(wk.subs(es.eigenvalues)) for wk in es.weights()]
    _check(sp.simplify(weights[0] + weights[1] - 1) == 0, "w_1 + w_2 = 1")
    b = sp.factor(sp.simplify((weights[0] - weights[1]) * half_gap))
    return {"centre": centre, "r": half_gap, "a": sp.factor_terms(sp.expand(centre - lam0)), "b": b}


def eigenvalues_section() -> Section:
    """The spectrum: ``lambda_0``, the trigonometric cubic, and the D = 0 quadratic."""
    general = Battery("general")
    cubic = cubic_definitions(general)
    es = eigensystem(general)
    decoupled = Battery("general", D=0)
    pieces = quadratic_pieces(decoupled)
    singlet = eigensystem(decoupled).spectrum_of("Psi-").values[0]
    spec = es.charging_spectrum
    text = (
        "The $3\\times 3$ block's characteristic polynomial, shifted by its mean "
        "$c = \\operatorname{tr}/3$, is the depressed cubic $y^3 - 3sy + q$ with $s \\geq 0$. "
        "Its discriminant $27(4s^3 - q^2)$ is a sum of squares (Cauchy--Binet on the Gram "
        "matrix of $1, B, B^2$), so the three roots are real and Vi\\`ete's trigonometric form "
        "applies: no complex cube roots of real numbers appear. With $s = \\tfrac{4}{9}R^2$ for "
        "the general model, the eigenvalues in descending order are"
    )
    cubic_formula = Formula(
        lam[k], cubic[1][1], where=cubic[2:],
        claim=Claim("eigenvalues", "general", indices=(1, 2, 3)),
        note="for $k = 1, 2, 3$,",
    )
    _check(sp.count_ops(spec.values[0]) < 120, "cubic root size")
    zero_text = (
        "At $D = 0$ the block splits (Sec.~\\ref{sec:hamiltonian}) and the quadratic formula "
        "gives"
    )
    quadratic_formula = Formula(
        lam[1], pieces["centre"] + pieces["r"],
        where=[(lam[2], pieces["centre"] - pieces["r"]), (lam[3], singlet)],
        claim=Claim("eigenvalues", "general", (("D", 0),), indices=(1, 2, 3)),
    )
    return Section(
        "eigenvalues",
        "Eigenvalues",
        "The exact eigenstate $\\Phi^-$ has",
        [
            Formula(lam[0], cubic[0][1], claim=Claim("eigenvalues", "general", indices=(0,))),
            text,
            cubic_formula,
            zero_text,
            quadratic_formula,
        ],
    )


# --------------------------------------------------------------------------
# Evolved state
# --------------------------------------------------------------------------


def evolved_state_section() -> Section:
    """``psi(t) = exp(-iHt)|dd>`` on the Bell basis, through the eigenvalues."""
    battery = Battery("general")
    es = eigensystem(battery)
    spec = es.charging_spectrum
    initial = spec.block.initial * sp.sqrt(2)  # the unit vector Phi+ of the block
    adjugate = (lam_var * sp.eye(3) - spec.block.matrix).adjugate()
    column = (adjugate * initial).applyfunc(lambda e: compact(sp.expand(e)))
    weights = weight_definitions(battery)
    _check(sp.expand(column[0] - weights[1][1]) == 0, "q(lambda) is the adjugate entry")
    context = ergotropy_definitions(battery)
    half = 1 / sp.sqrt(2)

    def amplitude(name: str, label: str, coefficient: sp.IndexedBase | None, numerator: sp.Expr | None):
        lhs = sp.Symbol(f"\\langle {label}|\\psi(t)\\rangle")
        if coefficient is None:
            return Formula(lhs, -half * sp.exp(-sp.I * lam[0] * t), context=context,
                           claim=Claim("amplitude", "general", name=name))
        rhs = half * sp.Sum(coefficient[k] * sp.exp(-sp.I * lam[k] * t), (k, 1, 3))
        where = [] if numerator is None else [(coefficient[k], numerator.subs(lam_var, lam[k]) / dp_fn(lam[k]))]
        return Formula(lhs, rhs, where=where, context=context, claim=Claim("amplitude", "general", name=name))

    text = (
        "With $|{\\downarrow\\downarrow}\\rangle = (\\Phi^+ - \\Phi^-)/\\sqrt{2}$ and the "
        "eigenprojectors of the block written through its adjugate, "
        "$P_k = \\operatorname{adj}(\\lambda_k - H_b)/p'(\\lambda_k)$, the charging state "
        "$\\psi(t) = e^{-\\mathrm{i}\\mathcal{H}t}|{\\downarrow\\downarrow}\\rangle$ is, "
        "with $\\lambda_k$, $w_k$, $q$ and $p'$ of Sec.~\\ref{sec:ergotropy},"
    )
    closing = (
        "The computational components follow as"
        "\\[ \\psi_{\\uparrow\\uparrow}, \\psi_{\\downarrow\\downarrow} = "
        "\\frac{\\langle\\Phi^+|\\psi\\rangle \\pm \\langle\\Phi^-|\\psi\\rangle}{\\sqrt{2}}, \\qquad "
        "\\psi_{\\uparrow\\downarrow}, \\psi_{\\downarrow\\uparrow} = "
        "\\frac{\\langle\\Psi^+|\\psi\\rangle \\pm \\langle\\Psi^-|\\psi\\rangle}{\\sqrt{2}}. \\]\n"
        "SymPy proves $\\psi(0) = "
        "|{\\downarrow\\downarrow}\\rangle$, $\\mathrm{i}\\dot\\psi = \\mathcal{H}\\psi$ and "
        "$\\|\\psi\\| = 1$ by reduction modulo the characteristic polynomial."
    )
    return Section(
        "evolved_state",
        "The charging state",
        text,
        [
            amplitude("Phi-", "\\Phi^-", None, None),
            amplitude("Phi+", "\\Phi^+", w, None),
            amplitude("Psi+", "\\Psi^+", u, column[1]),
            amplitude("Psi-", "\\Psi^-", v, column[2]),
            closing,
        ],
    )
