"""Exact derivatives of the closed forms with respect to any parameter or the time.

The quantity is the real assignment chain of :mod:`qb_symbolic.symbolic.real_forms`
(eigenvalues, amplitudes, quantity). Its derivative is taken by the chain rule *through
the chain* (forward mode, symbolically): every assignment ``s_i = e_i`` gets a companion
``ds_i = sum_j (d e_i / d s_j) ds_j + d e_i / d p``, so the derivative stays a chain of
the same length instead of the exponentially larger expression of the substituted tree.
:func:`derivative_expr` returns that chain (a :class:`RealForms` whose result is the
derivative); :func:`derivative` evaluates it with numpy (broadcasting like
:func:`qb_symbolic.evaluate`) or with mpmath at ``digits`` (inside ``mpmath.workdps``,
the global precision untouched). Like the exported code, the chain is the spectral form:
exact, and accurate in floating point away from degenerate eigenvalues.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from functools import cache
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter

from ...core.errors import NoClosedForm
from ...core.values import real_array, to_mpf
from ...model.battery import Battery
from ...model.presets import MODELS
from ...symbolic.any_battery import two_qubit_model
from ...symbolic.real_forms import RealForms, real_forms
from ..base.cache import disk_cached, source_fingerprint


def _battery(model: str | None, battery: Any):
    if battery is not None and model is not None:
        raise ValueError("give model= or battery=, not both")
    if battery is None:
        return _preset(model or "general")
    try:
        model = two_qubit_model(battery)
    except NoClosedForm:
        raise NoClosedForm("exact derivatives need a two-qubit closed form, which this battery "
                           "does not have", "qb.optimise(battery=...), which takes central "
                           "differences for it") from None
    if getattr(model, "mixed", False):
        raise NoClosedForm("exact derivatives cover pure starts (this battery starts in a "
                           "density matrix)", "qb.optimise(battery=...), which takes central "
                           "differences for mixed starts")
    return model


@cache
def _preset(name: str):
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; models: {', '.join(MODELS)}")
    return Battery(name).as_model()


@cache
def _derivative_forms(battery: Any, quantity: str, wrt: str) -> RealForms:
    """The derivative chain: from memory, else from disk, else derived (seconds)."""
    name = f"derivative-{source_fingerprint()}-{battery.key()}-{quantity}-{wrt}.pickle"
    return disk_cached(name, lambda: _derive(battery, quantity, wrt),
                       lambda f: isinstance(f, RealForms) and f.quantity == f"d {quantity}/d {wrt}")


def _derive(battery: Any, quantity: str, wrt: str) -> RealForms:
    forms = real_forms(battery, quantity)
    names = {s.name: s for s in forms.arguments}
    if wrt not in names:
        raise ValueError(f"cannot differentiate with respect to {wrt!r}; this battery's "
                         f"symbols: {', '.join(names)}")
    p = names[wrt]
    tangent: dict[sp.Symbol, sp.Expr] = {p: sp.Integer(1)}
    chain: list[tuple[sp.Symbol, sp.Expr]] = []

    def d(expr: sp.Expr) -> sp.Expr:
        return sp.Add(*(sp.diff(expr, s) * tangent[s] for s in expr.free_symbols if s in tangent))

    for name, value in forms.assignments:
        chain.append((name, value))
        slope = d(value)
        if slope != 0:
            dname = sp.Symbol(f"d_{name.name}", real=True)
            chain.append((dname, slope))
            tangent[name] = dname
    # d/dt of the power at t = 0 is half the second derivative of the ergotropy: not a
    # derivative of the rate (derivative() refuses that point); a parameter's is.
    at_zero = None if forms.at_zero is None or wrt == "t" else d(forms.at_zero)
    return RealForms(f"d {quantity}/d {wrt}", forms.parameters, tuple(chain), d(forms.result),
                     at_zero)


def derivative_expr(quantity: str, wrt: str, battery: Any = None, *,
                    model: str | None = None) -> RealForms:
    """The derivative of ``quantity`` with respect to ``wrt`` (a parameter name or
    ``"t"``) as a chain of SymPy assignments (module docstring).

    Examples
    --------
    >>> forms = derivative_expr("ergotropy", "t", model="parallel")
    >>> forms.evaluate({"Omega": 1, "omega0": 1}, sp.pi / 4, 20)   # 4 sin(2t) at pi/4
    4.0000000000000000000
    """
    return _derivative_forms(_battery(model, battery), quantity, wrt)


def _run(forms: RealForms, values: dict, t: Any, lib: str, key: str) -> Any:
    """The chain at ``values`` and ``t``; ``key`` names it in the disk cache."""
    entry = _COMPILED.get((id(forms), lib))
    if entry is None:  # the entry keeps ``forms`` alive, so its id is never reused
        entry = _COMPILED[(id(forms), lib)] = (forms, _compiled(forms, lib, key))
    return entry[1](*(values[s.name] for s in forms.parameters), t)


_COMPILED: dict[tuple[int, str], tuple] = {}


def chain_source(forms: RealForms, lib: str) -> str:
    """The chain as the source of one Python function ``chain(*parameters, t)``, one line
    per assignment (numpy or mpmath calls, fully qualified). Printing is the slow step
    (seconds for a long derivative chain), so the source is cached on disk."""
    printer = (NumPyPrinter if lib == "numpy" else MpmathPrinter)({"fully_qualified_modules": True})
    lines = [f"def chain({', '.join(s.name for s in forms.arguments)}):"]
    lines += [f"    {name.name} = {printer.doprint(value)}" for name, value in forms.assignments]
    lines.append(f"    return {printer.doprint(forms.result)}")
    imports = [f"import {module}" for module in sorted(printer.module_imports)]
    return "\n".join(imports + lines) + "\n"


def _compiled(forms: RealForms, lib: str, key: str) -> Callable:
    names = [s.name for s in (*forms.arguments, *(n for n, _ in forms.assignments))]
    if not all(n.isidentifier() and not keyword.iskeyword(n) and n not in ("numpy", "mpmath")
               for n in names):  # names Python cannot take: one lambdify per assignment
        return _stepwise(forms, lib)
    source = disk_cached(f"chain-{source_fingerprint()}-{key}-{lib}.pickle",
                         lambda: chain_source(forms, lib), lambda x: isinstance(x, str))
    namespace: dict[str, Any] = {}
    # our own printed chain (like lambdify's code, or the pickled forms beside it)
    code = compile(source, f"<qb_symbolic {forms.quantity} chain ({lib})>", "exec")
    exec(code, namespace)  # noqa: S102
    return namespace["chain"]


def _stepwise(forms: RealForms, lib: str) -> Callable:
    steps = [(name, _lambdified(value, lib)) for name, value in
             (*forms.assignments, (None, forms.result))]

    def chain(*arguments: Any) -> Any:
        known = dict(zip(forms.arguments, arguments))
        for name, (fn, args) in steps:
            value = fn(*(known[s] for s in args))
            if name is None:
                return value
            known[name] = value
        raise AssertionError("unreachable")

    return chain


def _lambdified(expr: sp.Expr, lib: str) -> tuple[Any, tuple[sp.Symbol, ...]]:
    args = tuple(sorted(expr.free_symbols, key=str))
    return sp.lambdify(args, expr, "mpmath" if lib == "mpmath" else "numpy"), args


def derivative(quantity: str, wrt: str, t: Any, *, model: str | None = None,
               battery: Any = None, digits: int | None = None, **values: Any) -> Any:
    """``d quantity / d wrt`` at ``t`` and the parameter values (arrays broadcast).

    With ``digits`` the chain runs in mpmath at that precision, point by point over the
    same broadcast (an object array of ``mpf``; a scalar in, an ``mpf`` out); the global
    ``mp.dps`` is left as it was.

    Examples
    --------
    >>> import numpy as np
    >>> d = derivative("ergotropy", "t", np.pi / 8, model="parallel", Omega=1, omega0=1)
    >>> bool(abs(d - 4 * np.sin(np.pi / 4)) < 1e-13)  # d/dt 4 sin^2 t = 4 sin 2t
    True
    """
    target = _battery(model, battery)
    forms = derivative_expr(quantity, wrt, target)
    key = f"{target.key()}-{quantity}-{wrt}"
    resolved = target.values_for(values)
    if quantity == "power" and wrt == "t" and np.any(real_array("t", t) == 0):
        raise ValueError("d power/dt at t = 0 is not available (its limit is half the second "
                         "derivative of the ergotropy); give t > 0")
    if digits is None:
        arrays = {n: real_array(n, v) for n, v in resolved.items()}
        times = real_array("t", t)
        shape = np.broadcast_shapes(times.shape, *(a.shape for a in arrays.values()))
        safe = np.where(times == 0, 1.0, times) if forms.at_zero is not None else times
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.broadcast_to(np.asarray(_run(forms, arrays, safe, "numpy", key), float), shape)
            if forms.at_zero is not None and np.any(times == 0):
                zero = np.broadcast_to(np.asarray(_run(_at_zero(forms), arrays, times, "numpy",
                                                       key + "-at-zero"),
                                                  float), shape)
                out = np.where(np.broadcast_to(times, shape) == 0, zero, out)
        return out
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer; got {digits!r}")
    names = list(resolved)
    inputs = np.broadcast_arrays(np.asarray(t, dtype=object),
                                 *(np.asarray(resolved[n], dtype=object) for n in names))
    out = np.empty(inputs[0].shape, dtype=object)
    with mp.workdps(digits + 10):
        for index in np.ndindex(out.shape):
            point = {n: to_mpf(n, a[index]) for n, a in zip(names, inputs[1:])}
            time = to_mpf("t", inputs[0][index])
            zero = forms.at_zero is not None and time == 0
            chosen, name = (_at_zero(forms), key + "-at-zero") if zero else (forms, key)
            out[index] = mp.mpf(_run(chosen, point, time, "mpmath", name))
    return out if out.shape else out[()]


def _at_zero(forms: RealForms) -> RealForms:
    """The chain whose result is the value at t = 0 (one object per chain: kept)."""
    entry = _AT_ZERO.get(id(forms))
    if entry is None:
        entry = _AT_ZERO[id(forms)] = (forms, RealForms(forms.quantity, forms.parameters,
                                                         forms.assignments, forms.at_zero, None))
    return entry[1]


_AT_ZERO: dict[int, tuple[RealForms, RealForms]] = {}
