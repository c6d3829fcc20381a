"""``evaluate``: numbers from the closed forms, with numpy broadcasting or at N digits.

All arithmetic is done by the functions :mod:`qb_symbolic.codegen` generates
from the SymPy closed forms; this module only validates input, chooses the
stable ordering of the roots per point and broadcasts.

On a uniform time grid the energy, ergotropy and power use the group property
``U(T + s) = U(T) U(s)``: the propagator column is evaluated at ``sqrt(N)``
coarse times ``T`` and ``sqrt(N)`` offsets ``s`` and combined by one small matrix
product per parameter point, ``f(T + s) = sum_j f_j(T) f_j(s)`` (the real-gauge
propagator is complex symmetric). This costs fewer transcendental calls than
points and keeps the error at a few ulps per product.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath as mp
import numpy as np

from .codegen import NODE_OUTPUTS, QUANTITIES, TIME_ARGS, Evaluators, evaluators
from .models import MODELS, check_model_name

#: Defaults of the general model (the paper's J = Omega = 1 units).
DEFAULTS: dict[str, float] = {
    "Omega": 1.0, "J": 1.0, "gamma": 0.0, "Delta": 0.0, "D": 0.0, "omega0": 1.0,
}
PARAMETER_ORDER: tuple[str, ...] = ("Omega", "J", "gamma", "Delta", "D", "omega0")
#: Quantities whose uniform-grid fast path exists (they depend on f_b alone).
GRID_QUANTITIES = ("energy", "ergotropy", "power")
#: Fewest points for which the grid path pays off.
GRID_MINIMUM = 64
#: Relative tolerance deciding that a time array is a uniform grid; the grid
#: path then uses t0 + n dt, which differs from the given times by rounding only.
UNIFORM_RTOL = 1e-9


def check_quantity(quantity: str) -> str:
    """Return ``quantity`` or raise a ValueError naming the allowed ones."""
    if quantity not in QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; allowed: {', '.join(QUANTITIES)}")
    return quantity


def _to_array(name: str, value: Any) -> np.ndarray:
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a real number, not a bool")
    try:
        if isinstance(value, str):
            value = float(value)
        array = np.asarray(value)
        if array.dtype == object:
            array = array.astype(float)
        if np.iscomplexobj(array):
            if np.any(np.imag(array) != 0):
                raise ValueError(f"{name} must be real; got a complex value")
            array = np.real(array)
        array = array.astype(float)
    except (TypeError, ValueError) as exc:
        if "must be" in str(exc):
            raise
        raise ValueError(f"{name} must be a real number or an array of them; got {value!r}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return array


def resolve(model: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values for a model: preset values, given values, else the defaults.

    Raises
    ------
    ValueError
        For an unknown model, a value that conflicts with the preset, a zero
        where the preset needs nonzero, ``Omega < 0``, ``omega0 <= 0``, or a
        non-finite or non-real value.
    """
    spec = check_model_name(model)
    values: dict[str, Any] = {}
    for name in PARAMETER_ORDER:
        value = given.get(name)
        if name in spec.fixed:
            if value is not None and np.any(_to_array(name, value) != spec.fixed[name]):
                raise ValueError(
                    f"model {model!r} fixes {name} = {spec.fixed[name]} (got {name} = {value}); "
                    "use model='general' for other values"
                )
            values[name] = spec.fixed[name]
            continue
        if value is None:
            if name in spec.nonzero:
                raise ValueError(f"model {model!r} needs a nonzero {name}; give {name}=...")
            value = DEFAULTS[name]
        array = _to_array(name, value)
        if name in spec.nonzero and np.any(array == 0):
            raise ValueError(f"model {model!r} needs {name} != 0 (got 0)")
        if name == "Omega" and np.any(array < 0):
            raise ValueError(
                "Omega must be >= 0; a negative field is the same battery rotated by pi about z"
            )
        if name == "omega0" and np.any(array <= 0):
            raise ValueError("omega0 must be > 0: it sets the energy scale")
        values[name] = value
    return values


# --------------------------------------------------------------------------
# numpy path
# --------------------------------------------------------------------------


def _safe_inverse(gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(1/gap, 0)`` where the gap is nonzero and ``(0, 1)`` where it is exactly zero."""
    zero = gap == 0
    with np.errstate(divide="ignore"):
        return np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, gap)), zero.astype(float)


def _ordered_nodes(ev: Evaluators, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Spectral and node stages, with the per-point choice of the closest pair of roots."""
    args = np.broadcast_arrays(*(np.asarray(params[n], float) for n in PARAMETER_ORDER[:5]))
    shape = args[0].shape
    out = [np.broadcast_to(np.asarray(v, float), shape) for v in ev.spectral(*args)]
    x0, x1, x2, g01, g12, g02, lam0, d1, d2, d3, b1, b2 = out
    top = g01 < g12  # the upper pair is the closer one: make it (y1, y2)
    y0 = np.where(top, x2, x0)
    y2 = np.where(top, x0, x2)
    h01 = np.where(top, -g12, g01)
    h12 = np.where(top, -g01, g12)
    h02 = np.where(top, -g02, g02)
    node_values = ev.nodes(y0, x1, y2, lam0, d1, d2, d3, b1, b2)
    nodes = {k: np.broadcast_to(np.asarray(v, float), shape) for k, v in zip(NODE_OUTPUTS, node_values)}
    nodes["h01"], nodes["h12"], nodes["h02"] = h01, h12, h02
    nodes["inv_h01"], nodes["zero01"] = _safe_inverse(h01)
    nodes["inv_h12"], nodes["zero12"] = _safe_inverse(h12)
    nodes["inv_h02"], nodes["confluent"] = _safe_inverse(h02)
    nodes["b1"] = b1
    return nodes


_NODE_ORDER = tuple(str(a) for a in TIME_ARGS[:-1])


def _time_stage(ev: Evaluators, nodes: Mapping[str, np.ndarray], t: np.ndarray):
    arrays = np.broadcast_arrays(*(nodes[k] for k in _NODE_ORDER), t)
    shape = arrays[0].shape
    return [np.broadcast_to(np.asarray(v, complex), shape) for v in ev.time(*arrays)]


def _inverse_time(t: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(t > 0, 1.0 / np.where(t > 0, t, 1.0), 0.0)


def _quantity(ev: Evaluators, quantity: str, omega0, t, stage) -> np.ndarray:
    kappa, f_b, f_T, f_S, _ = stage
    value = ev.quantities[quantity](omega0, _inverse_time(t), kappa, f_b, f_T, f_S)
    shape = np.broadcast_shapes(np.shape(omega0), np.shape(t), np.shape(kappa))
    return np.broadcast_to(np.real(np.asarray(value)), shape).astype(float)


def _uniform_step(t: np.ndarray) -> float | None:
    """The step of a 1-D uniform grid along the last axis, else None."""
    if t.ndim == 0 or t.shape[-1] < GRID_MINIMUM:
        return None
    line = t.reshape(-1, t.shape[-1])
    if line.shape[0] > 1 and not np.all(line == line[:1]):
        return None
    line = line[0]
    step = (line[-1] - line[0]) / (line.size - 1)
    if step <= 0:
        return None
    if np.max(np.abs(np.diff(line) - step)) > UNIFORM_RTOL * step:
        return None
    return float(step)


def _columns(ev: Evaluators, nodes: Mapping[str, np.ndarray], t: np.ndarray) -> list[np.ndarray]:
    arrays = np.broadcast_arrays(*(nodes[k] for k in _NODE_ORDER), t)
    shape = arrays[0].shape
    return [np.broadcast_to(np.asarray(v, complex), shape) for v in ev.columns(*arrays)]


def _phasors(rate: np.ndarray, first: float, step: float, count: int) -> np.ndarray:
    """``exp(-i rate (first + j step))`` for ``j < count``, by repeated multiplication.

    One complex multiplication per point instead of an exponential; the rounding
    grows by at most ``2 eps`` a step, so by ``count <= sqrt(N)`` steps it stays far
    below the accuracy bound (the accuracy harness checks the grid path). The step
    index is the leading axis (contiguous rows).
    """
    out = np.empty((count,) + rate.shape, complex)
    out[0] = np.exp(-1j * rate * first)
    factor = np.exp(-1j * rate * step)
    for j in range(1, count):
        np.multiply(out[j - 1], factor, out=out[j])
    return out


_GRID_FLAGS = ("inv_h01", "zero01", "inv_h12", "zero12", "inv_h02", "confluent",
               "cb0", "cb1", "cT0", "cT1", "cS0")
#: The grid path uses the spectral weights where the smallest gap between roots is
#: at least this fraction of their spread: the weights' rounding is then below
#: ~10 eps / SEPARATION, far inside the accuracy bound; closer roots use the
#: divided-difference columns, which are accurate however close the roots come.
SEPARATION = 0.1


def _grid_columns(ev: Evaluators, nodes, first: float, step: float, count: int):
    """``f_b, f_T, f_S`` at ``first + j step`` (``j < count``, leading axis) from phasors."""
    P0 = _phasors(nodes["e0"], first, step, count)
    Pw = _phasors(nodes["m12"], first, step, count)
    Ph = _phasors(nodes["h12"] / 2, first, step, count)
    times = (first + step * np.arange(count)).reshape((count,) + (1,) * nodes["e0"].ndim)
    coefficients = [nodes[k] for k in _GRID_FLAGS]
    degenerate = any(np.any(nodes[k]) for k in ("zero01", "zero12", "confluent"))
    function = ev.grid if degenerate else ev.grid_generic
    return [np.broadcast_to(np.asarray(v, complex), P0.shape)
            for v in function(P0, Pw, Ph, times, *coefficients)]


def _grid_values(ev: Evaluators, quantity: str, nodes, omega0, t_line: np.ndarray,
                 step: float) -> np.ndarray:
    """Energy, ergotropy or power on ``t0 + n step`` by the group property (module doc).

    With ``T`` the coarse and ``s`` the fine times, ``f(T + s)`` is a sum of three
    products per parameter point: ``sum_k w_k e^{-i nu_k T} e^{-i nu_k s}`` where the
    roots are well separated (``SEPARATION``), else ``sum_j f_j(T) f_j(s)`` with the
    divided-difference columns. Its real part, times ``-2 omega0`` and shifted, is
    one real matrix product. For the power the first block (small times) comes
    from the direct, cancellation-free ``kappa``, since ``P = zeta/t`` magnifies
    absolute errors.
    """
    param_shape = nodes["e0"].shape
    flat = {k: np.ascontiguousarray(np.broadcast_to(v, param_shape)).reshape(-1)
            for k, v in nodes.items()}
    w0 = np.ascontiguousarray(np.broadcast_to(np.asarray(omega0, float), param_shape)).reshape(-1)
    n_points = t_line.size
    fine = max(1, math.ceil(math.sqrt(n_points)))
    coarse = math.ceil(n_points / fine)
    t0 = float(t_line[0])
    size = w0.size
    left = np.empty((size, coarse, 7))
    right = np.empty((size, 7, fine))
    flags = flat["zero01"] + flat["zero12"] + flat["confluent"]
    separated = (np.abs(flat["h12"]) >= SEPARATION * np.abs(flat["h02"])) & (flags == 0)
    for mask, spectral in ((separated, True), (~separated, False)):
        if not np.any(mask):
            continue
        index = slice(None) if np.all(mask) else np.nonzero(mask)[0]
        part = {k: v[index] for k, v in flat.items()}
        if spectral:
            weights = ev.weights(*(part[k] for k in ("cb0", "cb1", "h01", "h12", "h02")))
            rates = ("e0", "e1", "e2")
            left_c = [np.asarray(w) * _phasors(part[r], t0, step * fine, coarse)
                      for w, r in zip(weights, rates)]
            right_c = [_phasors(part[r], 0.0, step, fine) for r in rates]
        else:
            left_c = _grid_columns(ev, part, t0, step * fine, coarse)
            right_c = _grid_columns(ev, part, 0.0, step, fine)
        # Re f(T + s) = sum_j Re L_j(T) Re R_j(s) - Im L_j(T) Im R_j(s)   (axes: time first)
        for j, column in enumerate(left_c):
            left[index, :, j] = column.real.T
            left[index, :, 3 + j] = -column.imag.T
        for j, column in enumerate(right_c):
            right[index, j, :] = column.real.T
            right[index, 3 + j, :] = column.imag.T
    left[..., :6] *= (-2.0 * w0)[:, None, None]
    left[..., 6] = 1.0
    # <H0> = -2 omega0 Re f; zeta = <H0> + 2 omega0.
    right[:, 6, :] = 0.0 if quantity == "energy" else (2.0 * w0)[:, None]
    values = (left @ right).reshape(size, coarse * fine)[:, :n_points]
    if quantity == "power":
        offsets = t0 + step * np.arange(fine)
        expand = {k: v[:, None] for k, v in flat.items()}
        first = _time_stage(ev, expand, offsets)[0].real  # kappa, direct
        values[:, :fine] = 2.0 * w0[:, None] * first
        values *= _inverse_time(t0 + step * np.arange(n_points))
    return values.reshape(param_shape + (n_points,))


def _evaluate_numpy(quantities: tuple[str, ...], t: np.ndarray, model: str,
                    values: dict) -> dict[str, np.ndarray]:
    ev = evaluators(model, "numpy")
    params = {n: _to_array(n, values[n]) for n in PARAMETER_ORDER}
    param_shape = np.broadcast_shapes(*(params[n].shape for n in PARAMETER_ORDER))
    out_shape = np.broadcast_shapes(param_shape, t.shape)
    results: dict[str, np.ndarray] = {}
    step = _uniform_step(t)
    flat_params = len(param_shape) == 0 or param_shape[-1] == 1
    grid = [q for q in quantities if q in GRID_QUANTITIES]
    if grid and step is not None and flat_params and len(out_shape) >= 1:
        full = {n: np.broadcast_to(params[n], param_shape) for n in PARAMETER_ORDER}
        drop = len(param_shape) == len(out_shape)  # the parameters' last axis is the time axis
        squeezed = {n: a[..., 0] if drop else a for n, a in full.items()}
        nodes = _ordered_nodes(ev, squeezed)
        t_line = t.reshape(-1, t.shape[-1])[0]
        for quantity in grid:
            value = _grid_values(ev, quantity, nodes, squeezed["omega0"], t_line, step)
            results[quantity] = (value if value.shape == out_shape
                                 else np.broadcast_to(value, out_shape).copy())
    rest = [q for q in quantities if q not in results]
    if rest:
        stage = _time_stage(ev, _ordered_nodes(ev, params), t)
        for quantity in rest:
            results[quantity] = _quantity(ev, quantity, params["omega0"], t, stage)
    return results


# --------------------------------------------------------------------------
# mpmath path
# --------------------------------------------------------------------------


def _to_mpf(name: str, value: Any) -> mp.mpf:
    """Exact decimal reading: floats by their shortest repr, strings as written."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a real number, not a bool")
    if isinstance(value, mp.mpf):
        return value
    if isinstance(value, Fraction):
        return mp.mpf(value.numerator) / value.denominator
    if isinstance(value, (numbers.Integral, np.integer)):
        return mp.mpf(int(value))
    if isinstance(value, (numbers.Real, np.floating)):
        return mp.mpf(repr(float(value)))
    if isinstance(value, str):
        try:
            return mp.mpf(value)
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a number; got {value!r}") from None
    raise ValueError(f"{name} must be a real number; got {value!r}")


@dataclass
class _Point:
    """One parameter point prepared for the mpmath time stage."""

    nodes: dict
    omega0: mp.mpf


def _mp_inverse(gap: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    return (mp.mpf(0), mp.mpf(1)) if gap == 0 else (1 / gap, mp.mpf(0))


def _prepare_mpmath(ev: Evaluators, values: Mapping[str, mp.mpf]) -> _Point:
    spec = ev.spectral(*(values[n] for n in PARAMETER_ORDER[:5]))
    x0, x1, x2, g01, g12, g02, lam0, d1, d2, d3, b1, b2 = [mp.mpf(mp.re(v)) for v in spec]
    top = g01 < g12
    y0, y2 = (x2, x0) if top else (x0, x2)
    h01, h12, h02 = (-g12, -g01, -g02) if top else (g01, g12, g02)
    node_values = ev.nodes(y0, x1, y2, lam0, d1, d2, d3, b1, b2)
    nodes = {k: mp.mpf(mp.re(v)) for k, v in zip(NODE_OUTPUTS, node_values)}
    nodes["h01"], nodes["h12"], nodes["h02"] = h01, h12, h02
    nodes["inv_h01"], nodes["zero01"] = _mp_inverse(h01)
    nodes["inv_h12"], nodes["zero12"] = _mp_inverse(h12)
    nodes["inv_h02"], nodes["confluent"] = _mp_inverse(h02)
    nodes["b1"] = b1
    return _Point(nodes, values["omega0"])


def _mp_stage(ev: Evaluators, point: _Point, t: mp.mpf):
    return ev.time(*(point.nodes[k] for k in _NODE_ORDER), t)


def _mp_quantities(ev: Evaluators, quantities, point: _Point, t: mp.mpf) -> dict[str, mp.mpf]:
    kappa, f_b, f_T, f_S, _ = _mp_stage(ev, point, t)
    inv_t = 1 / t if t > 0 else mp.mpf(0)
    return {q: mp.re(ev.quantities[q](point.omega0, inv_t, kappa, f_b, f_T, f_S)) for q in quantities}


def _evaluate_mpmath(quantities: tuple[str, ...], t: Any, model: str, values: dict,
                     digits: int) -> dict[str, np.ndarray]:
    ev = evaluators(model, "mpmath")
    t_obj = np.asarray(t, dtype=object)
    objs = {n: np.asarray(values[n], dtype=object) for n in PARAMETER_ORDER}
    shape = np.broadcast_shapes(t_obj.shape, *(o.shape for o in objs.values()))
    t_b = np.broadcast_to(t_obj, shape)
    p_b = {n: np.broadcast_to(o, shape) for n, o in objs.items()}
    out = {q: np.empty(shape, dtype=object) for q in quantities}
    for index in np.ndindex(shape):
        point_values = {n: _to_mpf(n, p_b[n][index]) for n in PARAMETER_ORDER}
        time = _to_mpf("t", t_b[index])
        # Guard digits: phases of size |lambda t| cost log10 of it.
        scale = 4 * (abs(point_values["Omega"]) + abs(point_values["D"])
                     + abs(point_values["J"]) * (abs(point_values["Delta"]) + 3)) + 1
        guard = 12 + int(mp.ceil(mp.log10(1 + abs(time) * scale)))
        with mp.workdps(digits + guard):
            point = _prepare_mpmath(ev, point_values)
            values_here = _mp_quantities(ev, quantities, point, time)
        with mp.workdps(digits):
            for q in quantities:
                out[q][index] = +values_here[q]  # rounded to the requested digits
    return out


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def evaluate_many(
    quantities: Any,
    t: Any,
    *,
    model: str = "general",
    Omega: Any = None,
    J: Any = None,
    gamma: Any = None,
    Delta: Any = None,
    D: Any = None,
    omega0: Any = None,
    digits: int | None = None,
) -> dict[str, np.ndarray]:
    """Several quantities at once, sharing the spectral and time stages.

    Same arguments as :func:`evaluate`, with a sequence of quantity names;
    returns ``{name: array}``.
    """
    if isinstance(quantities, str):
        quantities = (quantities,)
    quantities = tuple(check_quantity(q) for q in quantities)
    given = {"Omega": Omega, "J": J, "gamma": gamma, "Delta": Delta, "D": D, "omega0": omega0}
    values = resolve(model, given)
    if digits is not None:
        if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 1:
            raise ValueError(f"digits must be a positive integer; got {digits!r}")
        times = np.asarray(t, dtype=object)
        for value in times.reshape(-1):
            if _to_mpf("t", value) < 0:
                raise ValueError("t must be >= 0 (charging starts at t = 0)")
        return _evaluate_mpmath(quantities, t, model, values, int(digits))
    t_array = _to_array("t", t)
    if np.any(t_array < 0):
        raise ValueError("t must be >= 0 (charging starts at t = 0)")
    return _evaluate_numpy(quantities, t_array, model, values)


def evaluate(
    quantity: str,
    t: Any,
    *,
    model: str = "general",
    Omega: Any = None,
    J: Any = None,
    gamma: Any = None,
    Delta: Any = None,
    D: Any = None,
    omega0: Any = None,
    digits: int | None = None,
) -> np.ndarray:
    """Evaluate a figure of merit of the charging battery from its closed form.

    Parameters
    ----------
    quantity
        One of ``energy`` (``<H0>``), ``ergotropy`` (``zeta``), ``power``
        (``zeta/t``, 0 at ``t = 0``), ``coherence`` (first-order, ``Q``),
        ``steering`` (``F3_max``), ``steerability`` (normalised ``S``),
        ``concurrence``.
    t
        Time(s), ``>= 0`` (hbar = 1; the paper's axes show ``Omega t``).
    model
        ``general`` (default), ``parallel``, ``ising``, ``xxz`` or ``xyz``.
    Omega, J, gamma, Delta, D, omega0
        Parameters; numbers or arrays, broadcast with ``t`` and each other
        (``t[None, :]`` with ``D[:, None]`` gives a (D, t) map). Not given:
        the model's preset value, else ``Omega = J = omega0 = 1`` and
        ``gamma = Delta = D = 0``. ``xyz`` needs ``gamma`` and ``Delta``.
    digits
        If given, evaluate with mpmath at this many significant digits and
        return an object array of ``mpmath.mpf`` (floats are read by their
        shortest decimal representation; decimal strings are accepted).

    Returns
    -------
    numpy.ndarray
        Broadcast shape of ``t`` and the parameters (0-d for scalars).

    Raises
    ------
    ValueError
        For an unknown quantity or model, a preset conflict, a non-finite or
        non-real value, ``Omega < 0``, ``omega0 <= 0`` or ``t < 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from qb_symbolic import evaluate
    >>> float(evaluate("ergotropy", np.pi / 2, model="parallel"))   # 4 omega0 sin^2(pi/2)
    4.0
    """
    check_quantity(quantity)
    return evaluate_many(
        (quantity,), t, model=model, Omega=Omega, J=J, gamma=gamma, Delta=Delta, D=D,
        omega0=omega0, digits=digits,
    )[quantity]


__all__ = ["MODELS", "QUANTITIES", "check_quantity", "evaluate", "evaluate_many", "resolve"]
