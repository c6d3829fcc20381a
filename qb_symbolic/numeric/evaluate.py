"""``evaluate``: numbers from the closed forms, with numpy broadcasting or at N digits.

All arithmetic is done by the functions :mod:`qb_symbolic.numeric.closed_form.codegen` generates from
the SymPy closed forms, run by :mod:`qb_symbolic.numeric.closed_form.stages` (numpy) or
:mod:`qb_symbolic.numeric.closed_form.precise` (mpmath). This module validates input, evaluates in
chunks, and keeps the float path honest:

* **Memory.** Outputs are computed in chunks of at most ``CHUNK_POINTS`` points,
  so the peak stays a fixed amount plus the outputs themselves (8 bytes per point
  and quantity), whatever the size of the request.
* **Phases the float path cannot resolve.** Double precision loses about
  ``1e-16 |phase|`` of a phase. The documented bound of the float path is
  ``1e-12 + 1e-14 max_k |nu_k t|`` (in omega0 for zeta; 100 times that for the
  other quantities), kept up to ``PHASE_LIMIT``. Points beyond it are evaluated by
  the mpmath path (exact decimal reading of the inputs, guard digits for the
  phase) when there are at most ``FALLBACK_POINTS`` of them; otherwise a
  ValueError says so and suggests ``digits=`` (both limits, and that fallback, are
  shared with the other batteries: :mod:`qb_symbolic.numeric.base.fallback`).
* **Physical range.** Values within their error bound of the physical range of a
  quantity (``0 <= zeta <= 4 omega0``, ``0 <= C <= 1``, ...) are clipped into it;
  a value outside by more than its bound, or a non-finite value (a result beyond
  double precision, e.g. ``omega0 = 1e308``), raises instead of being returned. On a
  uniform grid the energy and ergotropy are proven in range once per parameter point,
  from the factors of the grid product, and clipped as they are written
  (:mod:`qb_symbolic.numeric.closed_form.preset_grid`); points without that proof are checked
  value by value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.quantity_names import GRID_QUANTITIES
from ..core.values import describe
from ..model.kinds import battery_kind
from ..model.presets import MODELS
from .base.fallback import FALLBACK_DIGITS, PHASE_LIMIT, refine_unresolved
from .closed_form.arguments import (
    MAX_DIGITS,
    PARAMETER_ORDER,
    _check_times,
    check_quantity,
    preset_values,
    resolve,
)
from .closed_form.codegen import QUANTITIES, evaluators, physical_range
from .closed_form.precise import evaluate_point
from .closed_form.preset_grid import grid_values
from .closed_form.stages import (
    chunk_slices,
    fastest_rate,
    inverse_time,
    ordered_nodes,
    quantity_values,
    rescaled,
    scale_exponents,
    take_block,
    time_stage,
    uniform_step,
)
from .closed_form.user_evaluate import evaluate_user
from .density.mixed_numeric import evaluate_mixed
from .open.open_evaluate import evaluate_open
from .sectors.chain_numeric import evaluate_chain

#: Points per chunk of the numpy path (about 270 bytes each while in flight).
CHUNK_POINTS = 1 << 18
#: Points per chunk when every quantity takes the uniform-grid path (about 8 bytes each
#: in flight, the values themselves: factor tables and products go in cache-sized groups
#: of parameter points, :mod:`qb_symbolic.numeric.closed_form.preset_grid`). The Fig. 3(c) map
#: (1e6 points) is one chunk, so its values are the answer, with no copy.
GRID_CHUNK_POINTS = 1 << 21


# --------------------------------------------------------------------------
# numpy path, in chunks
# --------------------------------------------------------------------------


def _error_bound(quantity: str, omega0, inv_t, phase) -> np.ndarray:
    """The float path's documented absolute error bound (module docstring)."""
    relative = 1e-12 + 1e-14 * phase
    if quantity in ("energy", "ergotropy"):
        return relative * omega0
    if quantity == "power":
        return relative * omega0 * np.where(inv_t > 0, inv_t, 1.0)
    return 100 * relative


def _finish(quantity: str, value: np.ndarray, omega0: np.ndarray, t: np.ndarray,
            rate: np.ndarray, skip: np.ndarray | None, clipped: bool = False) -> np.ndarray:
    """``value`` clipped into the physical range, or a ValueError (module docstring).

    Points in ``skip`` (left to the mpmath fallback) are set to the range's low
    end. Values the grid path has already ``clipped`` (proven in range per parameter
    point, :func:`grid_values`) are returned as they are. Otherwise the common case (one
    omega0, every value already in range) costs two reductions, and else each point is
    checked against ``range +- bound``.
    """
    if clipped and skip is None:
        return value
    if np.size(omega0) == 1 and quantity != "power":
        low, high = physical_range(quantity, float(np.reshape(omega0, -1)[0]), 0.0)
        if skip is not None:
            value[skip] = low
        smallest, largest = value.min(), value.max()
        base = _error_bound(quantity, high - low, 0.0, 0.0)  # the bound's phase-free part
        finite = np.isfinite(smallest) and np.isfinite(largest)  # False for NaN and inf
        if finite and smallest >= low - base and largest <= high + base:
            if smallest < low:
                np.maximum(value, low, out=value)
            if largest > high:
                np.minimum(value, high, out=value)
            return value
    inv_t = inverse_time(t)
    low, high = physical_range(quantity, omega0, inv_t)
    if skip is not None:
        value = np.where(skip, np.broadcast_to(low, value.shape), value)
    bound = _error_bound(quantity, omega0, inv_t, rate * t)
    outside = (value < low - bound) | (value > high + bound)
    if np.any(outside) or not np.all(np.isfinite(value)):
        raise ValueError(
            f"the float path cannot represent {quantity} at these inputs (beyond double "
            "precision); use digits= for the mpmath path"
        )
    return np.asarray(np.clip(value, low, high) + 0.0, dtype=float)  # + 0.0: no -0.0


def _numpy_block(quantities, t: np.ndarray, params: dict, ev) -> tuple[dict, np.ndarray, set]:
    """All quantities on one block (rescaled evaluation; see :mod:`qb_symbolic.numeric.closed_form.stages`).

    Returns the values, each parameter point's fastest rate ``max |nu_k|`` and the
    quantities the grid path has proven in range and clipped (:func:`grid_values`).
    """
    exponent = scale_exponents(params)
    scaled = rescaled(params, exponent)
    omega0 = params["omega0"]
    points = np.broadcast_shapes(exponent.shape, np.shape(omega0))  # every parameter's
    out_shape = np.broadcast_shapes(points, t.shape)
    results: dict[str, np.ndarray] = {}
    proven: set[str] = set()
    step = uniform_step(t)
    flat_params = len(points) == 0 or points[-1] == 1
    grid = [q for q in quantities if q in GRID_QUANTITIES]
    nodes = ordered_nodes(ev, scaled)
    if grid and step is not None and flat_params and len(out_shape) >= 1:
        # Without the parameters' last axis where it is the time axis (length 1).
        shape = points[:-1] if len(points) == len(out_shape) else points
        t_line = t.reshape(-1, t.shape[-1])[0]
        for quantity in grid:
            limits = None  # the power's range depends on t: checked per value below
            if quantity != "power":
                low, high = physical_range(quantity, omega0, 0.0)
                limits = (low, high, _error_bound(quantity, high - low, 0.0, 0.0))  # phase-free
            value, clipped = grid_values(ev, quantity, nodes, omega0, exponent, t_line, step,
                                         shape, limits)
            results[quantity] = value.reshape(out_shape) if value.size == math.prod(
                out_shape) else np.broadcast_to(value, out_shape).copy()
            if clipped:
                proven.add(quantity)
    rest = [q for q in quantities if q not in results]
    if rest:
        stage = time_stage(ev, nodes, np.ldexp(t, exponent))
        for quantity in rest:
            results[quantity] = quantity_values(ev, quantity, omega0, inverse_time(t), stage)
    return results, np.ldexp(fastest_rate(nodes), exponent), proven


def _unresolved(rate: np.ndarray, t: np.ndarray, shape: tuple) -> np.ndarray | None:
    """Points whose phase ``max |nu_k| t`` exceeds ``PHASE_LIMIT``; None if there are none."""
    if np.max(rate) * np.max(t) <= PHASE_LIMIT:  # False for NaN (inf * 0)
        return None
    mask = np.broadcast_to(~(rate * t <= PHASE_LIMIT), shape)
    return mask if np.any(mask) else None


def _evaluate_numpy(quantities: tuple[str, ...], t: np.ndarray, model: str,
                    values: dict) -> dict[str, np.ndarray]:
    ev = evaluators(model, "numpy")
    params = {n: np.asarray(values[n], float) for n in PARAMETER_ORDER}
    out_shape = np.broadcast_shapes(t.shape, *(params[n].shape for n in PARAMETER_ORDER))
    if math.prod(out_shape) == 0:  # an empty array in: an empty answer of the broadcast shape
        return {q: np.empty(out_shape) for q in quantities}
    on_grid = all(q in GRID_QUANTITIES for q in quantities) and uniform_step(t) is not None
    limit = GRID_CHUNK_POINTS if on_grid else CHUNK_POINTS
    single = math.prod(out_shape) <= limit
    outputs: dict[str, np.ndarray] = {} if single else {q: np.empty(out_shape) for q in quantities}
    ndim = len(out_shape)
    pending: list[tuple[tuple, np.ndarray, dict, np.ndarray]] = []
    with np.errstate(all="ignore"):  # every value is checked below; beyond-range ones raise
        for index in chunk_slices(out_shape, limit):
            block_t = take_block(t, index, ndim)
            block_p = {n: take_block(params[n], index, ndim) for n in PARAMETER_ORDER}
            found, rate, proven = _numpy_block(quantities, block_t, block_p, ev)
            shape = np.broadcast_shapes(rate.shape, block_t.shape, block_p["omega0"].shape)
            skip = _unresolved(rate, block_t, shape)
            if skip is not None:
                pending.append((index, skip, block_p, block_t))
            for q in quantities:
                value = found[q]
                if value.shape != shape or not value.flags.writeable:
                    value = np.array(np.broadcast_to(value, shape), dtype=float)
                value = _finish(q, value, block_p["omega0"], block_t, rate, skip, q in proven)
                if single:
                    outputs[q] = value.reshape(out_shape)
                else:
                    outputs[q][index] = value
    if pending:  # phases the float path cannot resolve: again with mpmath, point by point
        refine_unresolved(quantities, outputs, pending, lambda point, t: evaluate_point(
            evaluators(model, "mpmath"), quantities, point, t, FALLBACK_DIGITS))
    return outputs


# --------------------------------------------------------------------------
# mpmath path
# --------------------------------------------------------------------------


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
        point = {n: p_b[n][index] for n in PARAMETER_ORDER}
        found = evaluate_point(ev, quantities, point, t_b[index], digits)
        for q in quantities:
            out[q][index] = found[q]
    return out


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


#: The two-qubit batteries' evaluators by kind (:func:`qb_symbolic.model.kinds.battery_kind`),
#: and the open batteries' (two qubits or N cells: Lindblad numerics).
TWO_QUBIT = {"mixed": evaluate_mixed, "pure": evaluate_user, "open": evaluate_open}


def evaluate_many(
    quantities: Any,
    t: Any,
    *,
    model: str = "general",
    battery: Any = None,
    digits: int | None = None,
    **values: Any,
) -> dict[str, np.ndarray]:
    """Several quantities at once, sharing the spectral and time stages.

    Same arguments as :func:`evaluate`, with a sequence of quantity names;
    returns ``{name: array}``.

    Examples
    --------
    >>> import numpy as np
    >>> found = evaluate_many(("ergotropy", "power"), [np.pi / 4], model="parallel", Omega=1)
    >>> round(float(found["ergotropy"][0]), 12), round(float(found["power"][0]), 9)  # 4 sin^2, /t
    (2.0, 2.546479089)
    """
    if isinstance(quantities, str):
        quantities = (quantities,)
    kind = battery_kind(battery)
    special = kind in ("mixed", "chain", "open")  # their own quantity lists
    quantities = tuple(q if special else check_quantity(q) for q in quantities)
    precise = digits is not None
    if precise and (isinstance(digits, bool) or not isinstance(digits, (int, np.integer))
                    or not 1 <= digits <= MAX_DIGITS):
        raise ValueError(f"digits must be a positive integer (1 to {MAX_DIGITS}); got {describe(digits)}")
    if kind == "chain":
        if precise:
            raise ValueError("digits= is not available for chains yet (dense float "
                             "diagonalisation per sector)")
        return evaluate_chain(battery, quantities, t, values)
    if kind in TWO_QUBIT:
        return TWO_QUBIT[kind](battery, quantities, _check_times(t, precise),
                               battery.values_for(values), digits)
    if battery is not None:
        model, values = preset_values(battery, model, values)
    unknown = [n for n in values if n not in PARAMETER_ORDER]
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r}; allowed: {', '.join(PARAMETER_ORDER)}")
    values = resolve(model, values, precise=precise)
    times = _check_times(t, precise)
    if precise:
        return _evaluate_mpmath(quantities, times, model, values, int(digits))
    return _evaluate_numpy(quantities, times, model, values)


def evaluate(
    quantity: str,
    t: Any,
    *,
    model: str = "general",
    battery: Any = None,
    digits: int | None = None,
    **values: Any,
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
    battery
        Instead of ``model``: a :class:`qb_symbolic.Battery` (a preset, whose numeric
        parameters are used) or a user battery from ``Battery.from_string``,
        ``from_paulis`` or ``from_matrix``, whose parameters are then named by its own
        symbols (every one must be given, except ``omega0`` of the default H0).
    **values
        Parameters by name; numbers or arrays, broadcast with ``t`` and each other
        (``t[None, :]`` with ``D[:, None]`` gives a (D, t) map). For the presets:
        ``Omega, J, gamma, Delta, D, omega0``; not given: the model's preset value,
        else ``Omega = J = omega0 = 1`` and ``gamma = Delta = D = 0``; ``xyz`` needs
        ``gamma`` and ``Delta``.
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
    if not isinstance(quantity, str):
        raise ValueError(f"quantity must be a name such as 'ergotropy'; got {describe(quantity)}")
    return evaluate_many((quantity,), t, model=model, battery=battery, digits=digits,
                         **values)[quantity]


__all__ = ["MODELS", "QUANTITIES", "check_quantity", "evaluate", "evaluate_many", "resolve"]
