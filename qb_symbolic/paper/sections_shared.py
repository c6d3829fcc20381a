"""Notation, exactness checks and the definitions every LaTeX section shares.

The symbols of the document (``lambda_k``, ``nu_k``, ``w_k``, ``q``, ``p'``,
...; see :mod:`qb_symbolic.paper.sections` for what they mean) and the
definitions of the eigenvalues and weights of the charging block that the
section builders print beside their formulas.
"""

from __future__ import annotations

import sympy as sp

from ..core.algebra import compact, split_content
from ..core.symbols import PARAMETERS, SYMBOLS
from ..core.symbols import t as t_symbol
from ..model.battery import Battery
from ..model.presets import MODELS
from ..symbolic.spectrum import BlockSpectrum, eigensystem, z

Omega, J, gamma, Delta, D, omega0 = (SYMBOLS[n] for n in PARAMETERS)
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
    (:class:`qb_symbolic.symbolic.spectrum.DepressedCubic`): ``s = s_0 R^2`` with the
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
