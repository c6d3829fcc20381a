"""The LaTeX sections on the stored energy: ergotropy and power per model, charging time.

Part of :mod:`qb_symbolic.paper.sections` (notation in its docstring).
"""

from __future__ import annotations

import sympy as sp

from ..export.latex import Claim, Formula, Section
from ..model.battery import Battery
from ..symbolic.quantities import figures_of_merit
from .sections_shared import (
    J,
    Omega,
    P_fn,
    _check,
    _fixed,
    a_sym,
    ergotropy_definitions,
    ergotropy_sum,
    k,
    nu,
    omega0,
    r_sym,
    t,
    t_min,
    w,
    zeta_fn,
)
from .sections_structure import quadratic_pieces

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


def _check_parallel_t_min() -> None:
    """Prove that parallel charging has ``zeta' = 4 omega0 Omega sin(2 Omega t)``, first zero pi/(2 Omega)."""
    parallel = parallel_ergotropy().rhs
    derivative = sp.simplify(sp.diff(parallel, t))
    _check(sp.simplify(derivative - 8 * omega0 * Omega * sp.sin(Omega * t) * sp.cos(Omega * t)) == 0,
           "parallel derivative")
    derivative = 4 * omega0 * Omega * sp.sin(2 * Omega * t)
    _check(sp.simplify(sp.expand_trig(derivative - sp.diff(parallel, t))) == 0, "sin 2x")
    first_zero = sp.solve(sp.Eq(sp.sin(2 * Omega * t), 0), t)
    positive = sorted(s for s in first_zero if s.subs(Omega, 1) > 0)
    _check(positive and sp.simplify(positive[0] - sp.pi / (2 * Omega)) == 0, "first zero")


def _extremum_conditions() -> list[Formula]:
    """``zeta'(t)`` and ``P'(t)`` of the general model, ``zeta'`` checked term by term."""
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
    return [
        Formula(sp.Derivative(zeta_fn(t), t), rate, context=definitions,
                claim=Claim("derivative", "general", name="ergotropy")),
        Formula(sp.Derivative(P_fn(t), t), power_rate, context=[zeta_definition, *definitions],
                claim=Claim("derivative", "general", name="power")),
    ]


def _ising_factored_ergotropy() -> sp.Expr:
    """Ising, D = 0, J = Omega: ``zeta = 2 omega0 [2 - (1 + c)(2c^2 - 2c + 1)]``, c = cos 2 Omega t (checked)."""
    ising_form = decoupled_ergotropy(Battery("ising", D=0)).rhs.subs(J, Omega)
    cc = sp.Symbol("c")
    # cos(4 Omega t) = 2 cos(2 Omega t)^2 - 1, then factor the cubic in c = cos(2 Omega t).
    in_c = sp.expand(ising_form.subs(sp.cos(4 * Omega * t), 2 * cc**2 - 1).subs(sp.cos(2 * Omega * t), cc))
    factored = sp.factor(4 * omega0 - in_c)
    _check(sp.expand(factored - 2 * omega0 * (cc + 1) * (2 * cc**2 - 2 * cc + 1)) == 0, "Ising factorisation")
    cos2 = sp.cos(2 * Omega * t)
    return 2 * omega0 * (2 - (1 + cos2) * (2 * cos2**2 - 2 * cos2 + 1))


def charging_time_section() -> Section:
    """t_min: parallel, the extremum condition, and the Ising model at D = 0, J = Omega."""
    _check_parallel_t_min()
    extremum_conditions = _extremum_conditions()
    ising_factored = _ising_factored_ergotropy()

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
            *extremum_conditions,
            general_text_after,
            ising_text,
            Formula(zeta_fn(t), ising_factored,
                    claim=Claim("quantity", "ising", (("D", 0), ("J", "Omega")), "ergotropy")),
            ising_after,
            Formula(t_min, sp.pi / (2 * Omega), claim=Claim("time", "ising", (("D", 0), ("J", "Omega")), "t_min")),
        ],
    )
