"""Code generation: numpy and mpmath evaluators built from the SymPy closed forms.

The closed forms of :mod:`qb_symbolic.quantities` are exact but, evaluated
naively in double precision, lose accuracy in two places: the ``acos`` of the
Viete form costs ``sqrt(eps)`` where two eigenvalues nearly meet, and the
weights ``w_k = q(lambda_k)/prod(lambda_k - lambda_j)`` become ``0/0`` where a
block decouples (``D -> 0``, ``Omega -> 0``). Following the sympy.codegen habit,
both are rewritten symbolically, before any code is generated:

1. **Spectral stage** (once per parameter point): in the gauge ``Psi- -> i Psi-``
   the charging block is real symmetric. Its roots use
   ``theta = atan2(sqrt(Disc/27), -q)`` instead of ``acos(X)``, with the
   discriminant as a sum of squares of polynomials
   (:func:`qb_symbolic.spectrum.discriminant_sum_of_squares`), and their gaps come
   from product formulas (``lambda_0 - lambda_1 = 2 sqrt3 sqrt(s) sin((pi - theta)/3)``...),
   so nearly equal roots keep full relative accuracy in their difference.
2. **Time stage** (per time point): the propagator column
   ``U_jb(t) = sum_k A_j(lambda_k) e^{-i lambda_k t}/p'(lambda_k)`` (``A`` the
   adjugate column) is the divided difference ``[y0, y1, y2](A e^{-izt})``,
   written by the Leibniz rule through ``e[y1, y2] = -i t e^{-i(y1+y2)t/2} sinc((y1-y2)t/2)``.
   With the two closest roots as ``y1, y2`` nothing divides by a small gap.
   ``1 - f(t)`` is written with ``1 - e^{-i a t} = 2i e^{-iat/2} sin(at/2)``, so the
   ergotropy keeps its relative accuracy at small ``t``.
3. **Quantity stage**: every quantity is a SymPy expression of the Bell-basis
   amplitudes (derived here from the package's operators), never a hand copy.

The choice of which pair of roots is "closest" (a permutation of the nodes; the
divided difference is symmetric in them) is made per point in numpy, so the
generated code has no Piecewise.

Generated functions take their arguments in the declared tuples below, never in
``free_symbols`` order, and are built with ``cse=True``. Expressions are cached
in memory and pickled on disk (keyed by the SymPy version and a hash of this
package's source), and functions are regenerated from them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sympy as sp

from .models import MODELS, Battery, sigma
from .quantities import CONCURRENCE_FORM
from .spectrum import depressed_cubic, discriminant_sum_of_squares, eigensystem, z
from .symbols import SYMBOLS

# --------------------------------------------------------------------------
# Declared argument tuples
# --------------------------------------------------------------------------

#: Parameters of the spectral stage, in this order.
PARAMETER_ARGS: tuple[sp.Symbol, ...] = tuple(
    SYMBOLS[n] for n in ("Omega", "J", "gamma", "Delta", "D")
)
#: Outputs of the spectral stage, in this order.
SPECTRAL_OUTPUTS: tuple[str, ...] = (
    "x0", "x1", "x2", "g01", "g12", "g02", "lam0", "d1", "d2", "d3", "b1", "b2",
)
_real = {"real": True}
#: Nodes (roots, permuted so that y1, y2 are the closest pair) and their gaps.
y0, y1, y2 = sp.symbols("y0 y1 y2", **_real)
h01, h12, h02 = sp.symbols("h01 h12 h02", **_real)
inv_h02, confluent = sp.symbols("inv_h02 confluent", **_real)
lam0, d1, d2, d3, b1, b2 = sp.symbols("lam0 d1 d2 d3 b1 b2", **_real)
t = SYMBOLS["t"]
#: Arguments of the time stage, in this order.
TIME_ARGS: tuple[sp.Symbol, ...] = (
    y0, y1, y2, h01, h12, h02, inv_h02, confluent, lam0, d1, d2, d3, b1, b2, t,
)
#: Outputs of the time stage: kappa = 1 - f, f_j = e^{i lam0 t} U_jb (j = b, T, S),
#: and d kappa/dt (from the Schroedinger equation, so no derivative of sinc).
TIME_OUTPUTS: tuple[str, ...] = ("kappa", "f_b", "f_T", "f_S", "dkappa")
kappa, f_b, f_T, f_S = sp.symbols("kappa f_b f_T f_S")  # complex
omega0, inv_t = SYMBOLS["omega0"], sp.Symbol("inv_t", nonnegative=True)
#: Arguments of the quantity stage, in this order.
QUANTITY_ARGS: tuple[sp.Symbol, ...] = (omega0, inv_t, kappa, f_b, f_T, f_S)

#: Quantities of :func:`qb_symbolic.evaluate`, in a fixed order.
QUANTITIES: tuple[str, ...] = (
    "energy", "ergotropy", "power", "coherence", "steering", "steerability", "concurrence",
)


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
    time
        ``TIME_OUTPUTS`` as expressions of ``TIME_ARGS``.
    quantities
        ``{name: expression of QUANTITY_ARGS}`` for every quantity.
    """

    model: str
    spectral: tuple[sp.Expr, ...]
    time: tuple[sp.Expr, ...]
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


def _sinc_difference(ya: sp.Expr, yb: sp.Expr, gap: sp.Expr) -> sp.Expr:
    """``(e^{-i ya t} - e^{-i yb t})/(ya - yb)`` without dividing by the gap."""
    return -sp.I * t * sp.exp(-sp.I * (ya + yb) * t / 2) * sp.sinc(gap * t / 2)


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

    # Time stage: the propagator column by divided differences.
    # The b column of adj(z - H_b) does not involve H_bb = d1.
    symbolic_block = sp.Matrix([[d1, b1, 0], [b1, d2, b2], [0, b2, d3]])
    column = (z * sp.eye(3) - symbolic_block).adjugate()[:, 0]
    if any(entry.has(d1) for entry in column):
        raise AssertionError("the b column of the adjugate must not involve H_bb")
    e01 = _sinc_difference(y0, y1, h01)
    e12 = _sinc_difference(y1, y2, h12)
    e012 = (e01 - e12) * inv_h02 + confluent * (-(t**2) / 2) * sp.exp(-sp.I * y0 * t)
    phase = sp.exp(sp.I * lam0 * t)
    outputs = []
    for entry in column:
        a0, a01, a012 = _divided_difference_parts(sp.expand(entry))
        outputs.append((a0 * e012 + a01 * e12, a012))
    # 1 - f_b with the constant part written as 2i e^{-iat/2} sin(at/2): no cancellation.
    (core_b, lead_b) = outputs[0]
    if sp.expand(lead_b - 1) != 0:
        raise AssertionError("the b entry of the adjugate must be monic of degree 2")
    shifted = (y2 - lam0) * t
    kappa_expr = -phase * core_b + 2 * sp.I * sp.exp(-sp.I * shifted / 2) * sp.sin(shifted / 2)
    f_exprs = [phase * (core + lead * sp.exp(-sp.I * y2 * t)) for core, lead in outputs]
    # d f_b/dt = i lam0 f_b - i (H_b U)_bb e^{i lam0 t} = i lam0 f_b - i (d1 f_b + b1 f_T).
    dkappa_expr = sp.I * (d1 - lam0) * f_exprs[0] + sp.I * b1 * f_exprs[1]
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
    return NumericForms(model, spectral, time_stage, quantities)


# --------------------------------------------------------------------------
# Caching: memory and disk
# --------------------------------------------------------------------------


def _source_fingerprint() -> str:
    digest = hashlib.sha256()
    digest.update(sp.__version__.encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_directory() -> Path:
    """Where derived expressions are pickled: ``$QB_SYMBOLIC_CACHE`` or the user cache."""
    env = os.environ.get("QB_SYMBOLIC_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qb_symbolic"


@cache
def numeric_forms(model: str = "general") -> NumericForms:
    """The numeric forms of a model: from memory, else from disk, else derived.

    The disk cache is keyed by the SymPy version and a hash of this package's
    source, so a change of either derives afresh. Unreadable or stale files are
    ignored (and replaced).
    """
    path = cache_directory() / f"forms-{_source_fingerprint()}-{model}.pickle"
    try:
        with open(path, "rb") as handle:
            forms = pickle.load(handle)
        if isinstance(forms, NumericForms) and forms.model == model:
            return forms
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass
    forms = derive_numeric_forms(model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(forms, tmp)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only home is not an error: the forms are simply derived again
    return forms


# --------------------------------------------------------------------------
# Generated functions
# --------------------------------------------------------------------------


def generate(args: tuple[sp.Symbol, ...], exprs, backend: str, name: str) -> Callable:
    """``sympy.lambdify`` with ``cse=True`` and a docstring naming the argument order."""
    modules = "numpy" if backend == "numpy" else "mpmath"
    function = sp.lambdify(args, exprs, modules=modules, cse=True)
    function.__doc__ = (
        f"{name} ({backend}), generated by qb_symbolic.codegen.\n\n"
        f"Arguments, in order: {', '.join(str(a) for a in args)}."
    )
    return function


@dataclass(frozen=True)
class Evaluators:
    """Generated functions of one model and backend."""

    model: str
    backend: str
    spectral: Callable
    time: Callable
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
        generate(TIME_ARGS, list(forms.time), backend, f"time stage of {model}"),
        {
            name: generate(QUANTITY_ARGS, expr, backend, f"{name} of {model}")
            for name, expr in forms.quantities.items()
        },
    )
