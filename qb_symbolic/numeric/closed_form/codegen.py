"""Code generation: numpy and mpmath evaluators built from the SymPy closed forms.

The closed forms are first rewritten as stages that keep their accuracy in double
precision (spectral, node, time and quantity stage; derived in
:mod:`qb_symbolic.numeric.closed_form.stage_forms`, whose names are re-exported here). This module
turns them into functions.

Generated functions take their arguments in the declared tuples of the stages, never
in ``free_symbols`` order, and are built with ``cse=True``. Expressions are cached
in memory and pickled on disk (keyed by the SymPy version and a hash of this
package's source), and functions are regenerated from them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp

from ...core.quantity_names import AVAILABLE
from ..base.cache import disk_cached, source_fingerprint
from .stage_forms import (
    GRID_ARGS,
    NODE_ARGS,
    NODE_OUTPUTS,
    P0,
    PARAMETER_ARGS,
    QUANTITY_ARGS,
    SPECTRAL_OUTPUTS,
    TIME_ARGS,
    TIME_OUTPUTS,
    WEIGHT_ARGS,
    NumericForms,
    Ph,
    Pw,
    b1,
    b2,
    cb0,
    cb1,
    confluent,
    cS0,
    cT0,
    cT1,
    d1,
    d2,
    d3,
    derive_numeric_forms,
    dl,
    e0,
    e1,
    e2,
    f_b,
    f_S,
    f_T,
    h01,
    h02,
    h12,
    inv_h01,
    inv_h02,
    inv_h12,
    inv_t,
    kappa,
    lam0,
    m12,
    omega0,
    t,
    y0,
    y1,
    y2,
    zero01,
    zero12,
)

# The names of .stage_forms (and source_fingerprint) are re-exported: their original home
# was this module.
__all__ = [
    "GRID_ARGS",
    "NODE_ARGS",
    "NODE_OUTPUTS",
    "P0",
    "PARAMETER_ARGS",
    "QUANTITIES",
    "QUANTITY_ARGS",
    "SPECTRAL_OUTPUTS",
    "TIME_ARGS",
    "TIME_OUTPUTS",
    "WEIGHT_ARGS",
    "Evaluators",
    "NumericForms",
    "Ph",
    "Pw",
    "b1",
    "b2",
    "cS0",
    "cT0",
    "cT1",
    "cb0",
    "cb1",
    "confluent",
    "d1",
    "d2",
    "d3",
    "derive_numeric_forms",
    "dl",
    "e0",
    "e1",
    "e2",
    "evaluators",
    "f_S",
    "f_T",
    "f_b",
    "generate",
    "h01",
    "h02",
    "h12",
    "inv_h01",
    "inv_h02",
    "inv_h12",
    "inv_t",
    "kappa",
    "lam0",
    "m12",
    "numeric_forms",
    "omega0",
    "physical_range",
    "source_fingerprint",
    "t",
    "y0",
    "y1",
    "y2",
    "zero01",
    "zero12",
]

#: Quantities of :func:`qb_symbolic.evaluate`, in a fixed order.
QUANTITIES: tuple[str, ...] = AVAILABLE["pure"]

_SQRT3 = math.sqrt(3)


def physical_range(quantity: str, omega0: Any, inv_t: Any, sqrt3: Any = _SQRT3):
    """The closed interval every value of ``quantity`` lies in, from its definition.

    For the pure charging state from ``|dd>`` with ``H0 = omega0 (sz1 + sz2)``:
    ``-2 omega0 <= <H0> <= 2 omega0``; ``zeta = <H0> + 2 omega0`` in ``[0, 4 omega0]``;
    ``P = zeta/t`` in ``[0, 4 omega0/t]``; ``C, Q, S`` in ``[0, 1]``;
    ``F3_max = sqrt(1 + 2 C^2)`` in ``[1, sqrt 3]``. Works on numpy and mpmath values.
    """
    if quantity == "energy":
        return -2 * omega0, 2 * omega0
    if quantity == "ergotropy":
        return 0 * omega0, 4 * omega0
    if quantity == "power":  # omega0 inv_t first: 4 omega0 may overflow, times 0 at t = 0
        return 0 * omega0, 4 * (omega0 * inv_t)
    if quantity == "steering":
        return 1, sqrt3
    return 0, 1


# --------------------------------------------------------------------------
# Caching (qb_symbolic.numeric.base.cache)
# --------------------------------------------------------------------------


@cache
def numeric_forms(model: str = "general") -> NumericForms:
    """The numeric forms of a model: from memory, else from disk, else derived.

    The disk cache is keyed by the SymPy version and a hash of this package's
    source, so a change of either derives afresh.
    """
    return disk_cached(f"forms-{source_fingerprint()}-{model}.pickle",
                       lambda: derive_numeric_forms(model),
                       lambda f: isinstance(f, NumericForms) and f.model == model)


# --------------------------------------------------------------------------
# Generated functions
# --------------------------------------------------------------------------


def generate(args: tuple[sp.Symbol, ...], exprs, backend: str, name: str) -> Callable:
    """``sympy.lambdify`` with ``cse=True`` and a docstring naming the argument order.

    For numpy, integers beyond 2^53 (e.g. ``sqrt(53297182518470789787376944134)`` from
    a normalised basis vector) are written as correctly rounded doubles: printed as
    Python ints they would reach numpy ufuncs as ``object`` and fail. The mpmath
    backend keeps them exact.
    """
    modules = "numpy" if backend == "numpy" else "mpmath"
    if backend == "numpy":
        exprs = ([_doubles_for_huge_integers(sp.sympify(e)) for e in exprs]
                 if isinstance(exprs, (list, tuple)) else _doubles_for_huge_integers(exprs))
    function = sp.lambdify(args, exprs, modules=modules, cse=True)
    function.__doc__ = (
        f"{name} ({backend}), generated by qb_symbolic.numeric.closed_form.codegen.\n\n"
        f"Arguments, in order: {', '.join(str(a) for a in args)}."
    )
    return function


def _doubles_for_huge_integers(expr: sp.Expr) -> sp.Expr:
    huge = {i: sp.Float(i, 17) for i in expr.atoms(sp.Integer) if abs(i) > 2**53}
    return expr.xreplace(huge) if huge else expr


@dataclass(frozen=True)
class Evaluators:
    """Generated functions of one model and backend.

    ``time`` returns all of ``TIME_OUTPUTS``; ``columns`` only ``f_b, f_T, f_S``;
    ``ergotropy_rate`` only ``kappa`` and ``dkappa`` (the charging-time scan);
    ``grid`` the same from phasors (``GRID_ARGS``), and ``grid_generic`` that with
    the coinciding-root flags set to zero (used when no point of a call has them,
    which saves a quarter of the arithmetic in the hot loop).
    """

    model: str
    backend: str
    spectral: Callable
    nodes: Callable
    time: Callable
    columns: Callable
    ergotropy_rate: Callable
    grid: Callable
    grid_generic: Callable
    weights: Callable
    quantities: dict[str, Callable]


@cache
def evaluators(model: str = "general", backend: str = "numpy") -> Evaluators:
    """Generated (and cached) functions for a model; ``backend`` is numpy or mpmath."""
    if backend not in ("numpy", "mpmath"):
        raise ValueError(f"backend must be 'numpy' or 'mpmath'; got {backend!r}")
    forms = numeric_forms(model)
    return Evaluators(
        model,
        backend,
        generate(PARAMETER_ARGS, list(forms.spectral), backend, f"spectral stage of {model}"),
        generate(NODE_ARGS, list(forms.nodes), backend, f"node stage of {model}"),
        generate(TIME_ARGS, list(forms.time), backend, f"time stage of {model}"),
        generate(TIME_ARGS, list(forms.time[1:4]), backend, f"propagator columns of {model}"),
        generate(TIME_ARGS, [forms.time[0], forms.time[4]], backend, f"kappa and dkappa of {model}"),
        generate(GRID_ARGS, list(forms.grid), backend, f"grid columns of {model}"),
        generate(
            GRID_ARGS,
            [e.subs({zero01: 0, zero12: 0, confluent: 0}) for e in forms.grid],
            backend,
            f"grid columns of {model}, no coinciding roots",
        ),
        generate(WEIGHT_ARGS, list(forms.weights), backend, f"spectral weights of {model}"),
        {
            name: generate(QUANTITY_ARGS, expr, backend, f"{name} of {model}")
            for name, expr in forms.quantities.items()
        },
    )
