"""User-supplied numbers: one reading of them for every path (SymPy, numpy, mpmath).

A parameter or a time may arrive as a Python or numpy number, a ``Fraction``, a
decimal string (``"0.1"``, ``"1e-3"``) or a ratio (``"1/3"``), a SymPy number or
real expression, or (for numpy) an array of them. Each path reads it the same way:

* SymPy gets the exact value (a float by its shortest decimal representation,
  ``1.7 -> 17/10``, so no float enters an expression; sympy#8818);
* mpmath gets that exact value rounded at the *current working precision*, so
  :func:`to_mpf` must be called inside ``mpmath.workdps`` (reading ``"0.1"`` at
  the global 15 digits and then computing at 40 would keep only 16 right);
* numpy gets a float64 array.

Every refusal is a ValueError that says what was given and what is allowed,
with the offending value shown briefly (never a numpy repr).
"""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

_RATIO = re.compile(r"^\s*([+-]?\d+)\s*/\s*(\d+)\s*$")
_DECIMAL = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_ALLOWED = "a real number, a decimal string such as '0.1', a ratio such as '1/3'"


def describe(value: Any, limit: int = 40) -> str:
    """A short, readable rendering of a value for an error message."""
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        if flat.size == 1:
            return describe(flat[0], limit)
        return f"an array of shape {value.shape}"
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        text = str(int(value))
        if len(text) > limit:
            return f"an integer of {len(text)} digits"
        return text
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_number_text(name: str, text: str) -> sp.Rational:
    """An exact rational from a decimal or ratio string.

    Raises
    ------
    ValueError
        If the text is not a decimal or ``p/q`` (``q > 0``).
    """
    ratio = _RATIO.match(text)
    if ratio:
        numerator, denominator = int(ratio.group(1)), int(ratio.group(2))
        if denominator == 0:
            raise ValueError(f"{name} = {text!r} divides by zero")
        return sp.Rational(numerator, denominator)
    if _DECIMAL.match(text):
        return sp.Rational(text.strip())
    raise ValueError(f"{name} must be {_ALLOWED}; got {describe(text)}")


def exact_real(name: str, value: Any) -> sp.Expr:
    """The exact real SymPy value of a scalar input.

    Raises
    ------
    ValueError
        If the value is not a finite real number, numeric string or real SymPy
        expression (bools, NaN, infinities, complex values are refused).
    """
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be {_ALLOWED}, not a bool")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, str):
        return parse_number_text(name, value)
    if isinstance(value, sp.Basic):
        expr = sp.sympify(value)
        if not isinstance(expr, sp.Expr) or expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise ValueError(f"{name} must be a finite real expression; got {describe(value)}")
        if expr.is_real is not True:
            raise ValueError(
                f"{name} = {describe(expr)} is not known to be real; declare its symbols real=True"
            )
        if expr.atoms(sp.Float):
            expr = sp.nsimplify(expr, rational=True)
        return expr
    if isinstance(value, (numbers.Integral, np.integer)):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, mp.mpf):
        if not mp.isfinite(value):
            raise ValueError(f"{name} must be finite; got {describe(value)}")
        mantissa, exponent = mp.mpf(value).man_exp
        return sp.Integer(mantissa) * sp.Integer(2) ** exponent
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        if value.imag != 0:
            raise ValueError(f"{name} must be real; got {describe(value)}")
        value = value.real
    if isinstance(value, (numbers.Real, np.floating)):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValueError(f"{name} must be finite; got {describe(value)}")
        return sp.Rational(repr(as_float))
    raise ValueError(f"{name} must be {_ALLOWED}; got {type(value).__name__}")


def to_mpf(name: str, value: Any) -> mp.mpf:
    """The value at mpmath's *current* working precision (call inside ``workdps``).

    Floats are read by their shortest decimal representation (``0.1`` is one
    tenth), strings as written, rationals and SymPy expressions exactly, then
    rounded once at the working precision.
    """
    if isinstance(value, mp.mpf):
        if not mp.isfinite(value):
            raise ValueError(f"{name} must be finite; got {describe(value)}")
        return +value
    if isinstance(value, (float, np.floating)) and math.isfinite(float(value)):
        return mp.mpf(repr(float(value)))
    exact = exact_real(name, value)
    if exact.is_Rational:
        return mp.mpf(int(exact.p)) / int(exact.q)
    return mp.mpf(sp.N(exact, mp.mp.dps + 5)._to_mpmath(mp.mp.prec + 20))


def real_array(name: str, value: Any) -> np.ndarray:
    """A float64 array of finite real values (no copy when already one).

    Raises
    ------
    ValueError
        For bools, non-numeric or complex values, NaN, infinities, or numbers
        beyond double precision (such as ``10**400``: use ``digits=`` for those).
    """
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        array = value
    elif isinstance(value, (float, int, np.floating, np.integer)) and not isinstance(
        value, (bool, np.bool_)
    ):
        try:
            array = np.asarray(float(value))
        except OverflowError:
            raise ValueError(
                f"{name} = {describe(value)} is beyond double precision; use digits= "
                "for the mpmath path"
            ) from None
    else:
        array = _convert_array(name, value)
    if not np.all(np.isfinite(array)):
        bad = array[~np.isfinite(array)].reshape(-1)[0]
        raise ValueError(f"{name} must be finite; got {describe(bad)}")
    return array


def _convert_array(name: str, value: Any) -> np.ndarray:
    raw = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if raw.dtype == np.bool_ or (raw.dtype == object and any(
            isinstance(v, (bool, np.bool_)) for v in raw.reshape(-1))):
        raise ValueError(f"{name} must be {_ALLOWED}, not a bool")
    if raw.dtype.kind in "iuf":
        return raw.astype(float, copy=False)
    if raw.dtype.kind == "c":
        if np.any(raw.imag != 0):
            raise ValueError(f"{name} must be real; got a complex value")
        return raw.real.astype(float)
    out = np.empty(raw.shape, float)
    flat = out.reshape(-1)
    for i, item in enumerate(raw.reshape(-1)):
        if isinstance(item, (float, np.floating)):
            flat[i] = float(item)
            continue
        exact = exact_real(name, item)
        try:
            flat[i] = float(exact)
        except (OverflowError, TypeError):
            raise ValueError(
                f"{name} = {describe(item)} is beyond double precision; use digits= "
                "for the mpmath path"
            ) from None
        if not math.isfinite(flat[i]):
            raise ValueError(
                f"{name} = {describe(item)} is beyond double precision; use digits= "
                "for the mpmath path"
            )
    return out


#: Why a parameter has a sign (said when a value breaks it); docs/conventions.md.
SIGN_REASONS: dict[str, str] = {
    "Omega": "a negative field is the same battery rotated by pi about z, use |Omega|",
    "omega0": "it sets the energy scale",
    "beta": "an inverse temperature",
    "t": "a charging time: the evolution runs forward",
}


def check_sign(symbol: sp.Symbol, value: Any) -> None:
    """A value (exact, number or array) against its symbol's declared sign: the one sign
    rule of every battery (``Omega >= 0``, ``omega0 > 0``, ``beta >= 0``, any user
    symbol declared ``positive``/``nonnegative``). Symbolic values pass (they carry
    their own assumptions); values that are not numbers are left to the caller.

    Raises
    ------
    ValueError
        ``"omega0 must be > 0 (it sets the energy scale); got 0"``.
    """
    if not (symbol.is_positive or symbol.is_nonnegative):
        return
    if isinstance(value, sp.Basic):
        if not value.is_number:
            return
        bad_positive = value.is_positive is False
        bad_nonnegative = value.is_negative is True
        shown = describe(value)
    else:
        try:
            array = real_array(symbol.name, value)
        except ValueError:
            return  # not a plain number: the evaluation path reads and reports it
        bad_positive, bad_nonnegative = bool(np.any(array <= 0)), bool(np.any(array < 0))
        bad = array[array <= 0] if symbol.is_positive else array[array < 0]
        shown = describe(bad.reshape(-1)[0]) if bad.size else ""
    reason = SIGN_REASONS.get(symbol.name, f"{symbol.name} is declared "
                              f"{'positive' if symbol.is_positive else 'nonnegative'}")
    if symbol.is_positive and bad_positive:
        raise ValueError(f"{symbol.name} must be > 0 ({reason}); got {shown}")
    if symbol.is_nonnegative and bad_nonnegative:
        raise ValueError(f"{symbol.name} must be >= 0 ({reason}); got {shown}")
