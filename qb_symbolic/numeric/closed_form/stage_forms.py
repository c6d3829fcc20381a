"""The numeric forms: the closed forms rewritten as stages for floating-point evaluation.

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

The arguments of every stage are declared below as tuples, so generated functions
(:mod:`qb_symbolic.numeric.closed_form.codegen`) never depend on ``free_symbols`` order.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ...core.pauli import sigma
from ...core.symbols import HAMILTONIAN_PARAMETERS, SYMBOLS
from ...model.battery import Battery
from ...model.presets import MODELS
from ...symbolic.spectrum import (
    Eigensystem,
    depressed_cubic,
    discriminant_sum_of_squares,
    eigensystem,
    z,
)
from ...symbolic.state_measures import CONCURRENCE_FORM

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
    """Derive the three stages for a model (slow: seconds; see
    :func:`qb_symbolic.numeric.closed_form.codegen.numeric_forms`)."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; allowed: {', '.join(MODELS)}")
    general = eigensystem(Battery())
    block = general.charging_spectrum.block
    if block.labels != ("Phi+", "Psi+", "Psi-"):
        raise AssertionError(f"unexpected charging block {block.labels}")
    real_block, phases = _real_gauge(block.matrix)
    fixed = {SYMBOLS[name]: value for name, value in MODELS[model].fixed.items()}
    spectral = _spectral_stage(general, real_block, fixed)
    node_stage, weights = _node_stage()
    time_stage, grid_exprs = _time_stage()
    quantities = _quantity_stage(general, phases)
    return NumericForms(
        model, spectral, node_stage, time_stage, tuple(grid_exprs), weights, quantities
    )


def _spectral_stage(general: Eigensystem, real_block: sp.Matrix,
                    fixed: dict[sp.Symbol, sp.Expr]) -> tuple[sp.Expr, ...]:
    """``SPECTRAL_OUTPUTS``: roots by ``atan2``, gaps by product formulas, block entries."""
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
    return tuple(sp.sympify(e).subs(fixed) for e in spectral)


def _node_stage() -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
    """``NODE_OUTPUTS`` (divided-difference coefficients of the adjugate's b column) and
    the spectral weights of ``WEIGHT_ARGS``."""
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
    return node_stage, tuple(a / d for a, d in zip(newton, derivatives))


def _time_stage() -> tuple[tuple[sp.Expr, ...], list[sp.Expr]]:
    """``TIME_OUTPUTS`` as expressions of ``TIME_ARGS``, and the grid columns of
    ``GRID_ARGS``: ``f_j = [y0, y1, y2](A_j(z) e^{-i(z - lam0)t})`` by the Leibniz rule."""
    # The close pair's exponentials share one complex exponential w and the half-gap
    # angle a: E(y1), E(y2) = w (cos a -/+ i sin a), E[y1, y2] = -2 i w sin(a)/h12.
    half = h12 * t / 2
    core_b, f_exprs = _columns(
        sp.exp(-sp.I * e0 * t), sp.exp(-sp.I * m12 * t), sp.cos(half), sp.sin(half)
    )
    _, grid_exprs = _columns(P0, Pw, sp.re(Ph), -sp.im(Ph))
    # 1 - f_b with 1 - E(y2) = 2i e^{-i e2 t/2} sin(e2 t/2): no cancellation at small t.
    kappa_expr = -core_b + 2 * sp.I * sp.exp(-sp.I * e2 * t / 2) * sp.sin(e2 * t / 2)
    # d f_b/dt = i lam0 f_b - i (H_b U)_bb e^{i lam0 t} = -i (d1 - lam0) f_b - i b1 f_T.
    dkappa_expr = sp.I * dl * f_exprs[0] + sp.I * b1 * f_exprs[1]
    return (kappa_expr, *f_exprs, dkappa_expr), grid_exprs


def _quantity_stage(general: Eigensystem, phases: list[sp.Expr]) -> dict[str, sp.Expr]:
    """Every quantity of ``QUANTITY_ARGS``: Bell amplitudes (times sqrt2 e^{i lam0 t}) and
    the package's operators, never a hand copy."""
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
    return {
        "energy": 2 * omega0 * (sp.re(kappa) - 1),
        "ergotropy": ergotropy,
        "power": ergotropy * inv_t,
        "coherence": sp.sqrt((bloch_sq[0] + bloch_sq[1]) / 2),
        "steering": steering,
        "steerability": (steering - 1) / (sp.sqrt(3) - 1),
        "concurrence": concurrence,
    }
