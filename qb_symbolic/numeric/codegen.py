"""Code generation: numpy and mpmath evaluators built from the SymPy closed forms.

The closed forms of :mod:`qb_symbolic.symbolic.quantities` are exact but, evaluated
naively in double precision, lose accuracy in two places: the ``acos`` of the
Viete form costs ``sqrt(eps)`` where two eigenvalues nearly meet, and the
weights ``w_k = q(lambda_k)/prod(lambda_k - lambda_j)`` become ``0/0`` where a
block decouples (``D -> 0``, ``Omega -> 0``). Following the sympy.codegen habit,
both are rewritten symbolically, before any code is generated:

1. **Spectral stage** (once per parameter point): in the gauge ``Psi- -> i Psi-``
   the charging block is real symmetric. Its roots use
   ``theta = atan2(sqrt(Disc/27), -q)`` instead of ``acos(X)``, with the
   discriminant as a sum of squares of polynomials
   (:func:`qb_symbolic.symbolic.spectrum.discriminant_sum_of_squares`), and their gaps come
   from product formulas (``lambda_0 - lambda_1 = 2 sqrt3 sqrt(s) sin((pi - theta)/3)``...),
   so nearly equal roots keep full relative accuracy in their difference.
2. **Node stage** (once per parameter point): the divided-difference coefficients
   ``A_j(y0), A_j[y0, y1]`` of the adjugate column ``A`` of ``adj(z - H_b)`` and the
   exponent rates relative to ``lambda_0``.
3. **Time stage** (per time point): the propagator column
   ``e^{i lambda_0 t} U_jb(t) = sum_k A_j(lambda_k) e^{-i(lambda_k - lambda_0)t}/p'(lambda_k)``
   is the divided difference ``[y0, y1, y2](A_j E)`` with ``E(z) = e^{-i(z - lambda_0)t}``,
   written by the Leibniz rule. The two closest roots are ``y1, y2``; their difference
   quotient is ``E[y1, y2] = -2i e^{-i m t} sin(h t/2)/h`` (``m`` the midpoint, ``h`` the
   gap), with no cancellation however small ``h`` is. The far root's quotient
   ``E[y0, y1]`` is taken directly: its coefficients obey ``|A_j(y0)| <= |h01 h02|``
   (interlacing), so its rounding stays ``O(eps)``. ``1 - f(t)`` is written with
   ``1 - e^{-iat} = 2i e^{-iat/2} sin(at/2)``, so the ergotropy keeps its relative
   accuracy at small ``t``. Per time point this costs two complex exponentials and
   one sine-cosine pair.
4. **Quantity stage**: every quantity is a SymPy expression of the Bell-basis
   amplitudes (derived here from the package's operators), never a hand copy.

The choice of which pair of roots is "closest" (a permutation of the nodes; the
divided difference is symmetric in them), and the flags for exactly coinciding
roots, are set per point in numpy, so the generated code has no Piecewise.

Generated functions take their arguments in the declared tuples below, never in
``free_symbols`` order, and are built with ``cse=True``. Expressions are cached
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

from ..core.symbols import HAMILTONIAN_PARAMETERS, SYMBOLS
from ..model.presets import MODELS, Battery, sigma
from ..symbolic.quantities import CONCURRENCE_FORM
from ..symbolic.spectrum import depressed_cubic, discriminant_sum_of_squares, eigensystem, z
from .cache import disk_cached, source_fingerprint

# --------------------------------------------------------------------------
# Declared argument tuples
# --------------------------------------------------------------------------

#: Parameters of the spectral stage, in this order.
PARAMETER_ARGS: tuple[sp.Symbol, ...] = tuple(
    SYMBOLS[n] for n in HAMILTONIAN_PARAMETERS
)
#: Outputs of the spectral stage, in this order.
SPECTRAL_OUTPUTS: tuple[str, ...] = (
    "x0", "x1", "x2", "g01", "g12", "g02", "lam0", "d1", "d2", "d3", "b1", "b2",
)
_real = {"real": True}
#: Node-stage arguments: the roots permuted so that (y1, y2) is the closest pair.
y0, y1, y2 = sp.symbols("y0 y1 y2", **_real)
lam0, d1, d2, d3, b1, b2 = sp.symbols("lam0 d1 d2 d3 b1 b2", **_real)
NODE_ARGS: tuple[sp.Symbol, ...] = (y0, y1, y2, lam0, d1, d2, d3, b1, b2)
#: Node-stage outputs (per parameter point): exponent rates relative to lambda_0 and
#: the divided-difference coefficients A_j(y0), A_j[y0, y1] of the adjugate column.
NODE_OUTPUTS: tuple[str, ...] = (
    "e0", "e1", "m12", "e2", "dl", "cb0", "cb1", "cT0", "cT1", "cS0",
)
e0, e1, m12, e2, dl = sp.symbols("e0 e1 m12 e2 dl", **_real)
cb0, cb1, cT0, cT1, cS0 = sp.symbols("cb0 cb1 cT0 cT1 cS0", **_real)
h01, h12, h02 = sp.symbols("h01 h12 h02", **_real)
inv_h01, inv_h12, inv_h02 = sp.symbols("inv_h01 inv_h12 inv_h02", **_real)
zero01, zero12, confluent = sp.symbols("zero01 zero12 confluent", **_real)
t = SYMBOLS["t"]
#: Arguments of the time stage, in this order. ``inv_h..`` are 1/gap (0 for a zero gap)
#: and ``zero..``/``confluent`` flag the exactly coinciding roots (chosen per point in
#: numpy, so the generated code has no Piecewise).
TIME_ARGS: tuple[sp.Symbol, ...] = (
    e0, m12, e2, h12, inv_h01, zero01, inv_h12, zero12, inv_h02, confluent,
    dl, cb0, cb1, cT0, cT1, cS0, b1, t,
)
#: Outputs of the time stage: kappa = 1 - f, f_j = e^{i lam0 t} U_jb (j = b, T, S),
#: and d kappa/dt (from the Schroedinger equation, so no derivative of sinc).
TIME_OUTPUTS: tuple[str, ...] = ("kappa", "f_b", "f_T", "f_S", "dkappa")
#: The grid path's phasors: P0 = e^{-i e0 t}, Pw = e^{-i m12 t}, Ph = e^{-i h12 t/2}.
P0, Pw, Ph = sp.symbols("P0 Pw Ph")  # complex
#: Arguments of the grid columns (f_b, f_T, f_S from phasors), in this order.
GRID_ARGS: tuple[sp.Symbol, ...] = (
    P0, Pw, Ph, t, inv_h01, zero01, inv_h12, zero12, inv_h02, confluent,
    cb0, cb1, cT0, cT1, cS0,
)
kappa, f_b, f_T, f_S = sp.symbols("kappa f_b f_T f_S")  # complex
omega0, inv_t = SYMBOLS["omega0"], sp.Symbol("inv_t", nonnegative=True)
#: Arguments of the spectral weights (well-separated roots only), in this order.
WEIGHT_ARGS: tuple[sp.Symbol, ...] = (cb0, cb1, h01, h12, h02)
#: Arguments of the quantity stage, in this order.
QUANTITY_ARGS: tuple[sp.Symbol, ...] = (omega0, inv_t, kappa, f_b, f_T, f_S)

#: Quantities of :func:`qb_symbolic.evaluate`, in a fixed order.
QUANTITIES: tuple[str, ...] = (
    "energy", "ergotropy", "power", "coherence", "steering", "steerability", "concurrence",
)




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
# Symbolic derivation of the numeric forms
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NumericForms:
    """The three stages of one model, as SymPy expressions.

    Attributes
    ----------
    model
        Model name; its preset values are substituted.
    spectral
        ``SPECTRAL_OUTPUTS`` as expressions of ``PARAMETER_ARGS``.
    nodes
        ``NODE_OUTPUTS`` as expressions of ``NODE_ARGS``.
    time
        ``TIME_OUTPUTS`` as expressions of ``TIME_ARGS``.
    grid
        ``f_b, f_T, f_S`` as expressions of ``GRID_ARGS`` (the same formulas with
        the exponentials given as phasors, for the uniform-grid recurrence).
    weights
        ``w_0, w_1, w_2`` of ``Phi+`` on the roots ``y0, y1, y2`` as expressions of
        ``WEIGHT_ARGS`` (Newton form of ``A_b``; accurate only for well-separated
        roots, where the grid path uses them).
    quantities
        ``{name: expression of QUANTITY_ARGS}`` for every quantity.
    """

    model: str
    spectral: tuple[sp.Expr, ...]
    nodes: tuple[sp.Expr, ...]
    time: tuple[sp.Expr, ...]
    grid: tuple[sp.Expr, ...]
    weights: tuple[sp.Expr, ...]
    quantities: dict[str, sp.Expr]


def _real_gauge(block: sp.Matrix) -> tuple[sp.Matrix, list[sp.Expr]]:
    """Diagonal phases ``g`` making ``G^dag H_b G`` real symmetric (tridiagonal block)."""
    phases = [sp.Integer(1)]
    for j in range(block.shape[0] - 1):
        beta = sp.expand(block[j, j + 1])
        constant, _ = beta.as_independent(*beta.free_symbols) if beta.free_symbols else (beta, 1)
        constant = sp.sympify(constant)
        unit = sp.conjugate(constant) / sp.Abs(constant)
        phases.append(sp.simplify(phases[-1] * unit))
    G = sp.diag(*phases)
    real = (G.H * block * G).applyfunc(sp.expand)
    if real.has(sp.I):
        raise AssertionError(f"gauge failed to make the block real: {real}")
    return real, phases


def _divided_difference_parts(poly: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """``A(y0), A[y0, y1], A[y0, y1, y2]`` of a polynomial ``A(z)`` of degree <= 2."""
    a0 = poly.subs(z, y0)
    a01 = sp.cancel((poly.subs(z, y0) - poly.subs(z, y1)) / (y0 - y1))
    a12 = sp.cancel((poly.subs(z, y1) - poly.subs(z, y2)) / (y1 - y2))
    a012 = sp.cancel((a01 - a12) / (y0 - y2))
    return sp.expand(a0), sp.expand(a01), sp.expand(a012)


def _columns(E0, w, cos_a, sin_a):
    """``f_b, f_T, f_S`` from the far root's exponential ``E0``, the close pair's
    midpoint exponential ``w`` and half-gap angle ``a`` (see the module docstring)."""
    E1 = w * (cos_a - sp.I * sin_a)
    E2 = w * (cos_a + sp.I * sin_a)
    E12 = -2 * sp.I * w * sin_a * inv_h12 + zero12 * (-sp.I * t) * w
    E01 = (E0 - E1) * inv_h01 + zero01 * (-sp.I * t) * E0
    E012 = (E01 - E12) * inv_h02 + confluent * (-(t**2) / 2) * E0
    core_b = cb0 * E012 + cb1 * E12
    return core_b, [core_b + E2, cT0 * E012 + cT1 * E12, cS0 * E012]


def derive_numeric_forms(model: str = "general") -> NumericForms:
    """Derive the three stages for a model (slow: seconds; see :func:`numeric_forms`)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; allowed: {', '.join(MODELS)}")
    general = eigensystem(Battery())
    block = general.charging_spectrum.block
    if block.labels != ("Phi+", "Psi+", "Psi-"):
        raise AssertionError(f"unexpected charging block {block.labels}")
    real_block, phases = _real_gauge(block.matrix)
    fixed = {SYMBOLS[name]: value for name, value in MODELS[model].fixed.items()}

    # Spectral stage.
    cubic = depressed_cubic(real_block)
    squares = discriminant_sum_of_squares(real_block)
    root_disc = sp.sqrt(sp.Add(*[m**2 for m in squares]))
    theta = sp.atan2(root_disc / sp.sqrt(27), -cubic.q)
    radius = sp.sqrt(cubic.s)
    roots = [cubic.c + 2 * radius * sp.cos((theta - 2 * sp.pi * k) / 3) for k in range(3)]
    gap = 2 * sp.sqrt(3) * radius
    gaps = [
        gap * sp.sin((sp.pi - theta) / 3),  # x0 - x1
        gap * sp.sin(theta / 3),  # x1 - x2
        gap * sp.sin((sp.pi + theta) / 3),  # x0 - x2
    ]
    reference = general.spectrum_of("Phi-").values[0]
    spectral = [*roots, *gaps, reference, real_block[0, 0], real_block[1, 1],
                real_block[2, 2], real_block[0, 1], real_block[1, 2]]
    spectral = tuple(sp.sympify(e).subs(fixed) for e in spectral)

    # Node stage: divided-difference coefficients of the adjugate's b column.
    # The b column of adj(z - H_b) does not involve H_bb = d1.
    symbolic_block = sp.Matrix([[d1, b1, 0], [b1, d2, b2], [0, b2, d3]])
    column = (z * sp.eye(3) - symbolic_block).adjugate()[:, 0]
    if any(entry.has(d1) for entry in column):
        raise AssertionError("the b column of the adjugate must not involve H_bb")
    parts = [_divided_difference_parts(sp.expand(entry)) for entry in column]
    # Shape facts the time stage relies on (checked, not assumed): A_b is monic of
    # degree 2, A_T of degree 1, A_S constant.
    if [p[2] for p in parts] != [1, 0, 0] or parts[2][1] != 0:
        raise AssertionError(f"unexpected adjugate column {list(column)}")
    node_stage = (
        y0 - lam0, y1 - lam0, (y1 + y2) / 2 - lam0, y2 - lam0, d1 - lam0,
        parts[0][0], parts[0][1], parts[1][0], parts[1][1], parts[2][0],
    )
    # Spectral weights w_k = A_b(y_k)/p'(y_k) from the Newton form
    # A_b(z) = A_b(y0) + (z - y0) A_b[y0, y1] + (z - y0)(z - y1), written in the gaps
    # (y1 - y0 = -h01, y2 - y0 = -h02, y2 - y1 = -h12) so that no root is subtracted.
    newton = [cb0, cb0 - h01 * cb1, cb0 - h02 * cb1 + h02 * h12]
    derivatives = [h01 * h02, -h01 * h12, h02 * h12]
    weights = tuple(a / d for a, d in zip(newton, derivatives))

    # Time stage: f_j = [y0, y1, y2](A_j(z) e^{-i(z - lam0)t}) by the Leibniz rule.
    # The close pair's exponentials share one complex exponential w and the half-gap
    # angle a: E(y1), E(y2) = w (cos a -/+ i sin a), E[y1, y2] = -2 i w sin(a)/h12.
    half = h12 * t / 2
    core_b, f_exprs = _columns(
        sp.exp(-sp.I * e0 * t), sp.exp(-sp.I * m12 * t), sp.cos(half), sp.sin(half)
    )
    grid_core, grid_exprs = _columns(P0, Pw, sp.re(Ph), -sp.im(Ph))
    del grid_core
    # 1 - f_b with 1 - E(y2) = 2i e^{-i e2 t/2} sin(e2 t/2): no cancellation at small t.
    kappa_expr = -core_b + 2 * sp.I * sp.exp(-sp.I * e2 * t / 2) * sp.sin(e2 * t / 2)
    # d f_b/dt = i lam0 f_b - i (H_b U)_bb e^{i lam0 t} = -i (d1 - lam0) f_b - i b1 f_T.
    dkappa_expr = sp.I * dl * f_exprs[0] + sp.I * b1 * f_exprs[1]
    time_stage = (kappa_expr, *f_exprs, dkappa_expr)

    # Quantity stage: Bell amplitudes (times sqrt2 e^{i lam0 t}) and the package's operators.
    bell = sp.Matrix([-1, f_b, f_T * phases[1] / phases[0], f_S * phases[2] / phases[0]])
    U = general.decomposition.basis.unitary
    form = U.T * CONCURRENCE_FORM * U
    concurrence = sp.Abs(sp.expand((bell.T * form * bell)[0]))
    bloch_sq = []
    for cell in (1, 2):
        components = []
        for axis in "xyz":
            op = U.H * sigma(axis, cell) * U
            components.append(sp.re(sp.expand((bell.H * op * bell)[0])) / 2)
        bloch_sq.append(sp.Add(*[c**2 for c in components]))
    steering = sp.sqrt(1 + 2 * concurrence**2)
    ergotropy = 2 * omega0 * sp.re(kappa)
    quantities = {
        "energy": 2 * omega0 * (sp.re(kappa) - 1),
        "ergotropy": ergotropy,
        "power": ergotropy * inv_t,
        "coherence": sp.sqrt((bloch_sq[0] + bloch_sq[1]) / 2),
        "steering": steering,
        "steerability": (steering - 1) / (sp.sqrt(3) - 1),
        "concurrence": concurrence,
    }
    return NumericForms(
        model, spectral, node_stage, time_stage, tuple(grid_exprs), weights, quantities
    )


# --------------------------------------------------------------------------
# Caching (qb_symbolic.numeric.cache)
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
        f"{name} ({backend}), generated by qb_symbolic.numeric.codegen.\n\n"
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
