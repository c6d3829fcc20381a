"""The derivations behind the LaTeX document, one builder per section.

Each builder derives its formulas with the package (block decomposition,
eigensystem, evolved state, figures of merit), rewrites them with named
intermediates, checks every rewrite exactly where that is cheap, and returns a
:class:`qb_symbolic.latex.Section` whose formulas carry a
:class:`qb_symbolic.latex.Claim` saying what each one is, so the round-trip test
can evaluate the printed SymPy expression against :func:`qb_symbolic.evaluate`
or an independent reference.

Notation (shared by every section): ``lambda_0 = J(Delta - 2 gamma)`` is the
energy of the exact eigenstate ``Phi-``; ``lambda_1 > lambda_2 > lambda_3`` are
the eigenvalues of the 3x3 block on ``Phi+, Psi+, Psi-``; ``nu_k = lambda_k -
lambda_0``; ``w_k = |<e_k|Phi+>|^2``; ``q(lambda)`` and ``p'(lambda)`` are the
adjugate entry and the derivative of the block's characteristic polynomial, so
``w_k = q(lambda_k)/p'(lambda_k)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache

import sympy as sp

from ._algebra import compact, split_content
from .latex import Claim, Formula, Section
from .models import MODELS, Battery
from .quantities import figures_of_merit
from .spectrum import BlockSpectrum, eigensystem, z
from .subspaces import symmetry_adapted_basis
from .symbols import SYMBOLS
from .symbols import t as t_symbol

Omega, J, gamma, Delta, D, omega0 = (SYMBOLS[n] for n in ("Omega", "J", "gamma", "Delta", "D", "omega0"))
t = t_symbol

#: Summation index of the charging block's eigenvalues (1, 2, 3; 0 is ``Phi-``).
k = sp.Symbol("k", integer=True, positive=True)
lam = sp.IndexedBase("lambda")
nu = sp.IndexedBase("nu")
w = sp.IndexedBase("w")
phi = sp.IndexedBase("phi")
u = sp.IndexedBase("u")
v = sp.IndexedBase("v")
#: The argument of ``q`` and ``p'``.
lam_var = sp.Symbol("lambda", real=True)
c_sym = sp.Symbol("c", real=True)
R = sp.Symbol("R", positive=True)
X = sp.Symbol("X", real=True)
a_sym = sp.Symbol("a", real=True)
r_sym = sp.Symbol("r", positive=True)
t_min = sp.Symbol("t_{\\min}", positive=True)

q_fn = sp.Function("q")
dp_fn = sp.Function("p'")
f_fn = sp.Function("f")
zeta_fn = sp.Function("zeta")
P_fn = sp.Function("P")
C_fn = sp.Function("C")
Q_fn = sp.Function("Q")
F3_fn = sp.Function("F_3")
S_fn = sp.Function("S")

#: Section keys in document order, with the derivation script that writes each.
SECTION_KEYS = (
    "hamiltonian",
    "eigenvalues",
    "evolved_state",
    "ergotropy",
    "charging_time",
    "coherence_steering",
)

#: Display names of the models.
MODEL_TITLES = {
    "parallel": "parallel charging ($J = D = 0$)",
    "ising": "Ising model ($\\gamma = 1$, $\\Delta = 0$)",
    "xxz": "XXZ model ($\\gamma = 0$)",
    "xyz": "XYZ model",
    "general": "general model",
}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _check(condition: bool, what: str) -> None:
    if not condition:  # pragma: no cover - would mean a wrong rewrite
        raise AssertionError(f"LaTeX rewrite is not exact: {what}")


def _fixed(battery: Battery) -> tuple[tuple[str, object], ...]:
    """Parameter values fixed beyond the model preset (for a :class:`Claim`)."""
    preset = MODELS[battery.model].fixed
    return tuple(
        (name, value) for name, value in battery.params.items()
        if name not in preset and not isinstance(value, sp.Symbol)
    )


def _indexed(expr: sp.Expr, spectra: tuple[BlockSpectrum, ...]) -> sp.Expr:
    """Replace the package's eigenvalue symbols ``lambda_j`` by ``lambda[j]``."""
    mapping = {}
    index = 0
    for spec in spectra:
        for symbol in spec.symbols:
            mapping[symbol] = lam[index]
            index += 1
    return expr.xreplace(mapping)


# --------------------------------------------------------------------------
# Shared definitions
# --------------------------------------------------------------------------


def cubic_definitions(battery: Battery) -> list[tuple[sp.Expr, sp.Expr]]:
    """``lambda_0``, ``lambda_k = c + s R cos(phi_k)``, ``phi_k``, ``X``, ``R^2``, ``c``.

    From the depressed cubic ``y^3 - 3 s y + q`` of the charging block
    (:class:`qb_symbolic.spectrum.DepressedCubic`): ``s = s_0 R^2`` with the
    rational content ``s_0``, so ``2 sqrt(s) = 2 sqrt(s_0) R`` and
    ``X = -q/(2 s^{3/2}) = (-q/(2 s_0^{3/2}))/R^3``.
    """
    es = eigensystem(battery)
    spec = es.charging_spectrum
    cubic = spec.cubic
    _check(cubic is not None, "the charging block is 3x3")
    content, primitive = split_content(cubic.s)
    scale = 2 * sp.sqrt(content)
    x_numerator = compact(sp.expand(-cubic.q / (2 * content ** sp.Rational(3, 2))))
    # One fraction: X = n/(m R^3) with integer m, not a fraction inside a fraction.
    x_top, x_bottom = sp.fraction(sp.together(x_numerator))
    # The printed X must be the package's cos_argument.
    _check(
        sp.simplify(x_numerator / primitive ** sp.Rational(3, 2) - cubic.cos_argument) == 0,
        "X",
    )
    lam0 = es.eigenvalues[es.reference]
    return [
        (lam[0], lam0),
        (lam[k], c_sym + scale * R * sp.cos(phi[k])),
        (phi[k], sp.Mul(sp.Rational(1, 3), sp.acos(X) - 2 * sp.pi * (k - 1), evaluate=False)),
        (X, x_top / (x_bottom * R**3)),
        (R**2, primitive),
        (c_sym, cubic.c),
    ]


def weight_definitions(battery: Battery) -> list[tuple[sp.Expr, sp.Expr]]:
    """``w_k = q(lambda_k)/p'(lambda_k)`` with ``q`` and ``p'`` as functions of lambda.

    ``q(lambda)`` is the ``(Phi+, Phi+)`` entry of ``adj(lambda - H_b)`` (the
    package's weight numerator); ``p'(lambda) = 3 (lambda - c)^2 - 3 s`` is the
    derivative of ``p(z) = (z - c)^3 - 3 s (z - c) + q``, checked against the
    characteristic polynomial, and equals ``prod_{j != k}(lambda_k - lambda_j)``
    at a root.
    """
    es = eigensystem(battery)
    spec = es.charging_spectrum
    cubic = spec.cubic
    numerator, denominator = sp.fraction(es.weights()[0])
    _check(sp.expand(denominator - spec.derivative_at(0)) == 0, "weight denominator")
    q_of_lambda = numerator.xreplace({spec.symbols[0]: lam_var})
    content, _ = split_content(cubic.s)
    derivative = 3 * (lam_var - c_sym) ** 2 - 3 * content * R**2
    exact = sp.diff(spec.characteristic_polynomial, z).subs(z, lam_var)
    claimed = 3 * (lam_var - cubic.c) ** 2 - 3 * cubic.s
    _check(sp.expand(exact - claimed) == 0, "p'(lambda)")
    return [
        (w[k], q_fn(lam[k]) / dp_fn(lam[k])),
        (q_fn(lam_var), q_of_lambda),
        (dp_fn(lam_var), derivative),
    ]


def ergotropy_sum(n: int) -> sp.Expr:
    """``2 omega0 [1 - sum_{k=1}^{n} w_k cos(nu_k t)]``."""
    return 2 * omega0 * (1 - sp.Sum(w[k] * sp.cos(nu[k] * t), (k, 1, n)))


def ergotropy_definitions(battery: Battery) -> list[tuple[sp.Expr, sp.Expr]]:
    """Everything ``zeta(t)`` of a cubic model needs, in display order."""
    cubic = cubic_definitions(battery)
    weights = weight_definitions(battery)
    return [(nu[k], lam[k] - lam[0]), cubic[0], cubic[1], *cubic[2:], *weights]


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


# --------------------------------------------------------------------------
# Ergotropy and power, per model
# --------------------------------------------------------------------------


def parallel_ergotropy() -> Formula:
    """``zeta = 4 omega0 sin^2(Omega t)`` (Eq. 8), proved from the derived closed form."""
    fom = figures_of_merit(Battery("parallel"))
    derived = fom.explicit(fom.ergotropy)
    claimed = 4 * omega0 * sp.sin(Omega * t) ** 2
    _check(sp.simplify(sp.expand_complex(derived - claimed)) == 0, "parallel ergotropy")
    return Formula(zeta_fn(t), claimed, claim=Claim("quantity", "parallel", name="ergotropy"))


def decoupled_ergotropy(battery: Battery) -> Formula:
    """``zeta`` of a 2x2 charging block (D = 0) as one product of cosines plus a correction.

    ``w_1 cos((a + r)t) + w_2 cos((a - r)t) = cos(at) cos(rt) - (w_1 - w_2) sin(at) sin(rt)``
    with ``w_1 + w_2 = 1`` and ``w_1 - w_2 = b/r`` (:func:`quadratic_pieces`).
    """
    pieces = quadratic_pieces(battery)
    a_value, r_value, b = pieces["a"], pieces["r"], pieces["b"]
    inline = not r_value.has(sp.Pow)
    a_, r_ = (a_value, r_value) if inline else (a_sym, r_sym)
    terms = [sp.Integer(1), -sp.cos(a_ * t) * sp.cos(r_ * t)]
    if b != 0:
        terms.append((b / r_) * sp.sin(a_ * t) * sp.sin(r_ * t))
    body = sp.Add(*terms)
    rhs = 2 * omega0 * body
    where = [] if inline else [(a_sym, a_value), (r_sym, r_value)]
    fom = figures_of_merit(battery)
    # The rewrite of the derived form, exact in the symbols a, r:
    weights = [sp.together(wk.subs(fom.state.eigenvalues)) for wk in fom.weights]
    derived = 2 * omega0 * (1 - weights[0] * sp.cos((a_sym + r_sym) * t) - weights[1] * sp.cos((a_sym - r_sym) * t))
    rewritten = 2 * omega0 * (1 - sp.cos(a_sym * t) * sp.cos(r_sym * t)
                              + (b / r_sym) * sp.sin(a_sym * t) * sp.sin(r_sym * t))
    difference = sp.expand(sp.expand_trig(derived - rewritten)).subs(r_sym, r_value)
    _check(sp.simplify(difference) == 0, f"D = 0 ergotropy of {battery.model}")
    return Formula(zeta_fn(t), rhs, where=where,
                   claim=Claim("quantity", battery.model, _fixed(battery), "ergotropy"))


def model_ergotropy_section(model: str) -> Section:
    """The half-page ergotropy section of one model."""
    power = Formula(P_fn(t), zeta_fn(t) / t, claim=Claim("quantity", model, name="power"),
                    context=[])
    if model == "parallel":
        formula = parallel_ergotropy()
        power.context = [(zeta_fn(t), formula.rhs)]
        text = (
            "Two independent Rabi-flopping cells (paper Eq.~(8), Fig.~2): the general result "
            "with $J = D = 0$ has $\\nu_{1,2} = \\pm 2\\Omega$, $w_{1,2} = \\tfrac12$, so"
        )
        closing = (
            "The battery is full ($\\zeta = 4\\omega_0$) first at $t_{\\min} = \\pi/(2\\Omega)$ "
            "and the power is"
        )
        return Section(f"ergotropy-{model}", _capital(MODEL_TITLES[model]), text,
                       [formula, closing, power], measure=True)
    battery = Battery(model)
    definitions = ergotropy_definitions(battery)
    main = Formula(zeta_fn(t), ergotropy_sum(3), where=definitions,
                   claim=Claim("quantity", model, name="ergotropy"))
    power.context = [(zeta_fn(t), main.rhs), *definitions]
    figure = {
        "ising": "Figs.~2 and 3",
        "xxz": "Figs.~4 and 5 ($\\Delta = 2$)",
        "xyz": "Figs.~6 and 7",
        "general": "all figures",
    }[model]
    text = f"Paper {figure}; definitions of Sec.~\\ref{{sec:eigenvalues}} with this model's values."
    zero = decoupled_ergotropy(Battery(model, D=0))
    zero_text = "At $D = 0$ the singlet decouples and"
    if model == "ising":
        zero_text += " (the paper's Ising result)"
    return Section(
        f"ergotropy-{model}",
        _capital(MODEL_TITLES[model]),
        text,
        [main, zero_text, zero, "The power (Eq.~(7)), with $P(0) = 0$:", power],
        measure=True,
    )


def ergotropy_section() -> Section:
    """One measured subsection per model."""
    text = (
        "The charging state is pure, so its ergotropy (paper Eq.~(6), with the passive-state "
        "minimum where the paper prints $\\max$) is $\\zeta = \\langle\\mathcal{H}_0\\rangle + "
        "2\\omega_0$. For the initial state $|{\\downarrow\\downarrow}\\rangle$ it is "
        "$\\zeta(t) = 2\\omega_0[1 - \\sum_k w_k\\cos(\\nu_k t)]$: only the $\\Phi^+$ half of "
        "the state moves, and its return amplitude to $\\Phi^+$ is "
        "$f(t) = \\sum_k w_k e^{-\\mathrm{i}\\nu_k t}$ relative to $\\Phi^-$. The weights sum "
        "to one, so $\\zeta(0) = 0$ and $\\zeta \\leq 4\\omega_0$."
    )
    models = ("parallel", "ising", "xxz", "xyz", "general")
    return Section("ergotropy", "Ergotropy and power", text, [],
                   [model_ergotropy_section(m) for m in models])


# --------------------------------------------------------------------------
# Charging time
# --------------------------------------------------------------------------


def charging_time_section() -> Section:
    """t_min: parallel, the extremum condition, and the Ising model at D = 0, J = Omega."""
    parallel = parallel_ergotropy().rhs
    derivative = sp.simplify(sp.diff(parallel, t))
    _check(sp.simplify(derivative - 8 * omega0 * Omega * sp.sin(Omega * t) * sp.cos(Omega * t)) == 0,
           "parallel derivative")
    derivative = 4 * omega0 * Omega * sp.sin(2 * Omega * t)
    _check(sp.simplify(sp.expand_trig(derivative - sp.diff(parallel, t))) == 0, "sin 2x")
    first_zero = sp.solve(sp.Eq(sp.sin(2 * Omega * t), 0), t)
    positive = sorted(s for s in first_zero if s.subs(Omega, 1) > 0)
    _check(positive and sp.simplify(positive[0] - sp.pi / (2 * Omega)) == 0, "first zero")

    general = Battery("general")
    definitions = ergotropy_definitions(general)
    fom = figures_of_merit(general)
    rate = 2 * omega0 * sp.Sum(w[k] * nu[k] * sp.sin(nu[k] * t), (k, 1, 3))
    # d/dt of the compact form, term by term:
    _check(
        sp.expand(sp.diff(fom.ergotropy, t)
                  - 2 * omega0 * sum(wk * nk * sp.sin(nk * t) for wk, nk in zip(fom.weights, fom.frequencies))) == 0,
        "zeta'",
    )
    power_rate = (t * sp.Derivative(zeta_fn(t), t) - zeta_fn(t)) / t**2
    zeta_definition = (zeta_fn(t), ergotropy_sum(3))

    ising_form = decoupled_ergotropy(Battery("ising", D=0)).rhs.subs(J, Omega)
    cc = sp.Symbol("c")
    # cos(4 Omega t) = 2 cos(2 Omega t)^2 - 1, then factor the cubic in c = cos(2 Omega t).
    in_c = sp.expand(ising_form.subs(sp.cos(4 * Omega * t), 2 * cc**2 - 1).subs(sp.cos(2 * Omega * t), cc))
    factored = sp.factor(4 * omega0 - in_c)
    _check(sp.expand(factored - 2 * omega0 * (cc + 1) * (2 * cc**2 - 2 * cc + 1)) == 0, "Ising factorisation")
    cos2 = sp.cos(2 * Omega * t)
    ising_factored = 2 * omega0 * (2 - (1 + cos2) * (2 * cos2**2 - 2 * cos2 + 1))

    text = (
        "The paper's $t_{\\min}$ is the time of the largest ergotropy in the window "
        "$[0, \\pi/(2\\Omega)]$. For parallel charging "
        "$\\dot\\zeta = 4\\omega_0\\Omega\\sin(2\\Omega t)$ vanishes first at"
    )
    general_text = (
        "For every collective model the extrema of the ergotropy and of the power are the "
        "roots of (definitions of Sec.~\\ref{sec:ergotropy-general})"
    )
    general_text_after = (
        "\\texttt{qb-symbolic tmin} and \\texttt{max-power} bracket the sign changes of these "
        "closed forms on a grid and refine them with mpmath to 30 digits or more; a root equal "
        "to a rational multiple of $\\pi/\\Omega$ is proved exactly by substitution."
    )
    ising_text = (
        "Ising model at $D = 0$ and $J = \\Omega$ (Fig.~2): with $c = \\cos 2\\Omega t$, "
        "$\\zeta = 2\\omega_0(1 - \\cos 4\\Omega t\\,\\cos 2\\Omega t)$ factorises as"
    )
    ising_after = (
        "and $2c^2 - 2c + 1 = 2(c - \\tfrac12)^2 + \\tfrac12 > 0$, so $\\zeta = 4\\omega_0$ exactly "
        "when $\\cos 2\\Omega t = -1$: the collective battery is fully charged first at the "
        "parallel-charging time,"
    )
    return Section(
        "charging_time",
        "Charging time",
        text,
        [
            Formula(t_min, sp.pi / (2 * Omega), claim=Claim("time", "parallel", name="t_min")),
            general_text,
            Formula(sp.Derivative(zeta_fn(t), t), rate, context=definitions,
                    claim=Claim("derivative", "general", name="ergotropy")),
            Formula(sp.Derivative(P_fn(t), t), power_rate, context=[zeta_definition, *definitions],
                    claim=Claim("derivative", "general", name="power")),
            general_text_after,
            ising_text,
            Formula(zeta_fn(t), ising_factored,
                    claim=Claim("quantity", "ising", (("D", 0), ("J", "Omega")), "ergotropy")),
            ising_after,
            Formula(t_min, sp.pi / (2 * Omega), claim=Claim("time", "ising", (("D", 0), ("J", "Omega")), "t_min")),
        ],
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


#: Builders by section key.
BUILDERS: dict[str, Callable[[], Section]] = {
    "hamiltonian": hamiltonian_section,
    "eigenvalues": eigenvalues_section,
    "evolved_state": evolved_state_section,
    "ergotropy": ergotropy_section,
    "charging_time": charging_time_section,
    "coherence_steering": coherence_steering_section,
}


@cache
def build(key: str) -> Section:
    """Derive one section (cached: the derivations take a few seconds)."""
    if key not in BUILDERS:
        raise ValueError(f"unknown section {key!r}; choose from {', '.join(SECTION_KEYS)}")
    return BUILDERS[key]()
