"""Exact charging times: ``t = p pi/(q Omega)`` recognised from 45 digits, then proved.

The numerical search (:mod:`qb_symbolic.numeric.search.charging`) finds a time to 50 digits;
when those digits are a rational multiple of ``pi/Omega`` with a small denominator, the
candidate is substituted into the exact symbolic derivative of the ergotropy (or of
``t zeta' - zeta`` for the power) and kept only if that is exactly zero. Cheap cases
only: blocks of size at most 2 (no cubic roots, whose times are not such multiples).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath as mp
import sympy as sp

from ...core.symbols import t as t_symbol
from ...core.values import to_mpf
from ...model.battery import Battery
from ...symbolic.quantities import figures_of_merit
from ...symbolic.subspaces import block_decomposition
from .charging_base import WORKING_DIGITS

#: Largest denominator q tried when recognising t = p pi/(q Omega).
EXACT_DENOMINATOR = 720


def _exact_params(values: dict[str, Any]) -> dict[str, sp.Expr]:
    with mp.workdps(WORKING_DIGITS):
        out = {}
        for name, value in values.items():
            v = to_mpf(name, value)
            out[name] = (sp.Rational(mp.nstr(v, 40, strip_zeros=True)) if v != int(v)
                         else sp.Integer(int(v)))
    return out


def _guess(problem: Any, time: mp.mpf) -> sp.Expr | None:
    """``p pi/(q Omega)`` if the digits of ``time`` say so (``q <= EXACT_DENOMINATOR``)."""
    if not isinstance(getattr(problem, "model", None), str) or problem.values["Omega"] == 0:
        return None  # a user battery, or no pi/Omega scale to recognise a time in
    with mp.workdps(WORKING_DIGITS):
        ratio = time * problem.mp_values["Omega"] / mp.pi
        guess = Fraction(str(mp.nstr(ratio, 45))).limit_denominator(EXACT_DENOMINATOR)
        if abs(ratio - mp.mpf(guess.numerator) / guess.denominator) > mp.mpf(10) ** -40:
            return None
    exact = _exact_params(problem.values)
    return sp.Rational(guess.numerator, guess.denominator) * sp.pi / exact["Omega"]


def exact_time(problem: Any, time: mp.mpf,
                rate_of: Callable[[sp.Expr], sp.Expr]) -> tuple[sp.Expr | None, Any]:
    """The exact time, proved, and the figures of merit used (None where unproved).

    The guess comes first (cheap); only then are the symbolic forms built and the
    exact derivative ``rate_of(zeta)`` evaluated at the guess.
    """
    candidate = _guess(problem, time)
    if candidate is None:
        return None, None
    fm = _symbolic(problem)
    if fm is None:
        return None, None
    if time == problem.T:
        return candidate, fm  # the window's end: exact by construction when the window is
    exact = _exact_params(problem.values)
    try:
        rate = rate_of(fm.explicit(fm.ergotropy)).subs(exact).subs(t_symbol, candidate)
        value = sp.nsimplify(sp.simplify(rate))
    except (TypeError, ValueError, NotImplementedError):
        return None, None
    return (candidate, fm) if value == 0 else (None, None)


def _symbolic(problem: Any):
    """Exact figures of merit of the point, only where cheap (blocks of size <= 2)."""
    exact = _exact_params(problem.values)
    battery = Battery(problem.model, **exact)
    if block_decomposition(battery).block_of("Phi+").dim > 2:
        return None  # cubic roots: no rational multiple of pi to recognise
    return figures_of_merit(battery)
