"""The numpy path of the closed forms: spectral, node and time stages, and the grid path.

:mod:`qb_symbolic.numeric.codegen` generates the stage functions; this module chooses the
stable ordering of the roots per point, rescales, and runs them on arrays.

**Rescaling.** The Hamiltonian is linear in ``(Omega, J, D)`` (``gamma`` and
``Delta`` multiply ``J``), and the state depends on ``H t`` only. Each parameter
point is therefore evaluated at ``(Omega, J, D)/s`` and time ``s t`` with ``s`` the
power of two nearest below its largest coupling. Multiplying by a power of two is
exact, so ordinary inputs give bit-identical results, while ``D = 1e154`` or
``J = 1e160`` no longer overflow in the discriminant (degree 6 in the couplings).

**Uniform grids.** On a uniform time grid the energy, ergotropy and power use the
group property ``U(T + s) = U(T) U(s)``: the propagator column is evaluated at
``sqrt(N)`` coarse times ``T`` and ``sqrt(N)`` offsets ``s`` and combined by one
small matrix product per parameter point, ``f(T + s) = sum_j f_j(T) f_j(s)`` (the
real-gauge propagator is complex symmetric). This costs fewer transcendental calls
than points and keeps the error at a few ulps per product.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np

from ..core.symbols import HAMILTONIAN_PARAMETERS
from .codegen import NODE_OUTPUTS, TIME_ARGS, Evaluators

#: Hamiltonian parameters in the order of the spectral stage.
HAMILTONIAN_ORDER: tuple[str, ...] = HAMILTONIAN_PARAMETERS
#: Parameters with the dimension of an energy (rescaled); gamma and Delta multiply J.
ENERGY_PARAMETERS: tuple[str, ...] = ("Omega", "J", "D")
#: Quantities whose uniform-grid fast path exists (they depend on f_b alone).
GRID_QUANTITIES = ("energy", "ergotropy", "power")
#: Fewest points for which the grid path pays off.
GRID_MINIMUM = 64
#: Relative tolerance deciding that a time array is a uniform grid; the grid
#: path then uses t0 + n dt, which differs from the given times by rounding only.
UNIFORM_RTOL = 1e-9
#: The grid path uses the spectral weights where the smallest gap between roots is
#: at least this fraction of their spread: the weights' rounding is then below
#: ~10 eps / SEPARATION, far inside the accuracy bound; closer roots use the
#: divided-difference columns, which are accurate however close the roots come.
SEPARATION = 0.1

_NODE_ORDER = tuple(str(a) for a in TIME_ARGS[:-1])
_GRID_FLAGS = ("inv_h01", "zero01", "inv_h12", "zero12", "inv_h02", "confluent",
               "cb0", "cb1", "cT0", "cT1", "cS0")


def scale_exponents(params: Mapping[str, np.ndarray]) -> np.ndarray:
    """``log2`` of each point's energy scale, rounded down (0 where H vanishes).

    The scale is the largest of ``|Omega|``, ``|D|`` and ``|J| max(1, |gamma|, |Delta|)``,
    computed in logarithms so that it cannot overflow.
    """
    with np.errstate(divide="ignore"):
        logs = [np.log2(np.abs(params["Omega"])), np.log2(np.abs(params["D"])),
                np.log2(np.abs(params["J"])) + np.maximum(
                    0.0, np.maximum(np.log2(np.abs(params["gamma"])),
                                    np.log2(np.abs(params["Delta"]))))]
    top = np.maximum(np.maximum(logs[0], logs[1]), logs[2])
    return np.where(np.isfinite(top), np.floor(top), 0.0).astype(np.int64)


def rescaled(params: Mapping[str, np.ndarray], exponent: np.ndarray) -> dict[str, np.ndarray]:
    """The parameters with ``Omega, J, D`` divided by ``2**exponent`` (exactly)."""
    out = {n: np.asarray(params[n], float) for n in HAMILTONIAN_ORDER}
    for name in ENERGY_PARAMETERS:
        out[name] = np.ldexp(out[name], -exponent)
    return out


def _safe_inverse(gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(1/gap, 0)`` where the gap is nonzero and ``(0, 1)`` where it is exactly zero."""
    zero = gap == 0
    with np.errstate(divide="ignore"):
        return np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, gap)), zero.astype(float)


def ordered_nodes(ev: Evaluators, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Spectral and node stages, with the per-point choice of the closest pair of roots."""
    args = np.broadcast_arrays(*(np.asarray(params[n], float) for n in HAMILTONIAN_ORDER))
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


def fastest_rate(nodes: Mapping[str, np.ndarray]) -> np.ndarray:
    """``max_k |lambda_k - lambda_0|`` per point (in the nodes' units)."""
    return np.maximum(np.maximum(np.abs(nodes["e0"]), np.abs(nodes["e2"])),
                      np.abs(nodes["m12"]) + np.abs(nodes["h12"]) / 2)


def time_stage(ev: Evaluators, nodes: Mapping[str, np.ndarray], t: np.ndarray) -> list[np.ndarray]:
    """``kappa, f_b, f_T, f_S, dkappa`` at (rescaled) times ``t``."""
    arrays = np.broadcast_arrays(*(nodes[k] for k in _NODE_ORDER), t)
    shape = arrays[0].shape
    return [np.broadcast_to(np.asarray(v, complex), shape) for v in ev.time(*arrays)]


def kappa_and_rate(ev: Evaluators, nodes: Mapping[str, np.ndarray],
                   t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``kappa = 1 - f_b`` and ``d kappa/dt`` at (rescaled) times ``t``."""
    arrays = np.broadcast_arrays(*(nodes[k] for k in _NODE_ORDER), t)
    kappa, rate = ev.ergotropy_rate(*arrays)
    return np.asarray(kappa, complex), np.asarray(rate, complex)


def inverse_time(t: np.ndarray) -> np.ndarray:
    """``1/t`` for ``t > 0`` and 0 at ``t = 0`` (where the power is 0)."""
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(t > 0, 1.0 / np.where(t > 0, t, 1.0), 0.0)


def quantity_values(ev: Evaluators, quantity: str, omega0, inv_t, stage) -> np.ndarray:
    """One quantity from the time stage; ``inv_t`` is ``1/t`` in the caller's units."""
    kappa, f_b, f_T, f_S, _ = stage
    value = ev.quantities[quantity](omega0, inv_t, kappa, f_b, f_T, f_S)
    shape = np.broadcast_shapes(np.shape(omega0), np.shape(inv_t), np.shape(kappa))
    return np.broadcast_to(np.real(np.asarray(value)), shape).astype(float)


def uniform_step(t: np.ndarray) -> float | None:
    """The step of a 1-D uniform grid along the last axis, else None."""
    if t.ndim == 0 or t.shape[-1] < GRID_MINIMUM:
        return None
    line = t.reshape(-1, t.shape[-1])
    if line.shape[0] > 1 and not np.all(line == line[:1]):
        return None
    line = line[0]
    step = (line[-1] - line[0]) / (line.size - 1)
    if not step > 0:
        return None
    if np.max(np.abs(np.diff(line) - step)) > UNIFORM_RTOL * step:
        return None
    return float(step)


def _phasors(rate: np.ndarray, first, step, count: int) -> np.ndarray:
    """``exp(-i rate (first + j step))`` for ``j < count``, by repeated multiplication.

    One complex multiplication per point instead of an exponential; the rounding
    grows by at most ``2 eps`` a step, so by ``count <= sqrt(N)`` steps it stays far
    below the accuracy bound (the accuracy harness checks the grid path). The step
    index is the leading axis (contiguous rows). ``first`` and ``step`` may be
    per-point arrays (rescaled times).
    """
    out = np.empty((count,) + rate.shape, complex)
    out[0] = np.exp(-1j * rate * first)
    factor = np.exp(-1j * rate * step)
    for j in range(1, count):
        np.multiply(out[j - 1], factor, out=out[j])
    return out


def _grid_columns(ev: Evaluators, nodes, first, step, count: int, exponent: np.ndarray):
    """``f_b, f_T, f_S`` at ``first + j step`` (``j < count``, leading axis) from phasors."""
    s_first, s_step = np.ldexp(first, exponent), np.ldexp(step, exponent)
    P0 = _phasors(nodes["e0"], s_first, s_step, count)
    Pw = _phasors(nodes["m12"], s_first, s_step, count)
    Ph = _phasors(nodes["h12"] / 2, s_first, s_step, count)
    times = np.ldexp((first + step * np.arange(count))[:, None], exponent[None, :])
    coefficients = [nodes[k] for k in _GRID_FLAGS]
    degenerate = any(np.any(nodes[k]) for k in ("zero01", "zero12", "confluent"))
    function = ev.grid if degenerate else ev.grid_generic
    return [np.broadcast_to(np.asarray(v, complex), P0.shape)
            for v in function(P0, Pw, Ph, times, *coefficients)]


def _grid_factors(ev: Evaluators, flat, exponent, t0: float, step: float, coarse: int,
                  fine: int) -> tuple[np.ndarray, np.ndarray]:
    """Left (coarse times) and right (fine offsets) factors of ``Re f(T + s)``."""
    size = exponent.size
    left = np.empty((size, coarse, 7))
    right = np.empty((size, 7, fine))
    flags = flat["zero01"] + flat["zero12"] + flat["confluent"]
    separated = (np.abs(flat["h12"]) >= SEPARATION * np.abs(flat["h02"])) & (flags == 0)
    for mask, spectral in ((separated, True), (~separated, False)):
        if not np.any(mask):
            continue
        index = slice(None) if np.all(mask) else np.nonzero(mask)[0]
        part = {k: v[index] for k, v in flat.items()}
        e = exponent[index]
        if spectral:
            weights = ev.weights(*(part[k] for k in ("cb0", "cb1", "h01", "h12", "h02")))
            rates = ("e0", "e1", "e2")
            left_c = [np.asarray(w) * _phasors(part[r], np.ldexp(t0, e), np.ldexp(step * fine, e),
                                               coarse) for w, r in zip(weights, rates)]
            right_c = [_phasors(part[r], 0.0, np.ldexp(step, e), fine) for r in rates]
        else:
            left_c = _grid_columns(ev, part, t0, step * fine, coarse, e)
            right_c = _grid_columns(ev, part, 0.0, step, fine, e)
        # Re f(T + s) = sum_j Re L_j(T) Re R_j(s) - Im L_j(T) Im R_j(s)   (axes: time first)
        for j, column in enumerate(left_c):
            left[index, :, j] = column.real.T
            left[index, :, 3 + j] = -column.imag.T
        for j, column in enumerate(right_c):
            right[index, j, :] = column.real.T
            right[index, 3 + j, :] = column.imag.T
    return left, right


def grid_values(ev: Evaluators, quantity: str, nodes, omega0, exponent: np.ndarray,
                t_line: np.ndarray, step: float) -> np.ndarray:
    """Energy, ergotropy or power on ``t0 + n step`` by the group property (module doc).

    With ``T`` the coarse and ``s`` the fine times, ``f(T + s)`` is a sum of three
    products per parameter point: ``sum_k w_k e^{-i nu_k T} e^{-i nu_k s}`` where the
    roots are well separated (``SEPARATION``), else ``sum_j f_j(T) f_j(s)`` with the
    divided-difference columns. Its real part, times ``-2 omega0`` and shifted, is
    one real matrix product. For the power the first block (small times) comes
    from the direct, cancellation-free ``kappa``, since ``P = zeta/t`` magnifies
    absolute errors. ``nodes`` are in rescaled units, ``exponent`` per point.
    """
    param_shape = nodes["e0"].shape
    flat = {k: np.ascontiguousarray(np.broadcast_to(v, param_shape)).reshape(-1)
            for k, v in nodes.items()}
    e_flat = np.ascontiguousarray(np.broadcast_to(exponent, param_shape)).reshape(-1)
    w0 = np.ascontiguousarray(np.broadcast_to(np.asarray(omega0, float), param_shape)).reshape(-1)
    n_points = t_line.size
    fine = max(1, math.ceil(math.sqrt(n_points)))
    coarse = math.ceil(n_points / fine)
    t0 = float(t_line[0])
    left, right = _grid_factors(ev, flat, e_flat, t0, step, coarse, fine)
    left[..., :6] *= (-2.0 * w0)[:, None, None]
    left[..., 6] = 1.0
    # <H0> = -2 omega0 Re f; zeta = <H0> + 2 omega0.
    right[:, 6, :] = 0.0 if quantity == "energy" else (2.0 * w0)[:, None]
    size = w0.size
    values = (left @ right).reshape(size, coarse * fine)[:, :n_points]
    if quantity == "power":
        offsets = t0 + step * np.arange(fine)
        expand = {k: v[:, None] for k, v in flat.items()}
        first = time_stage(ev, expand, np.ldexp(offsets[None, :], e_flat[:, None]))[0].real
        values[:, :fine] = 2.0 * w0[:, None] * first
        values *= inverse_time(t0 + step * np.arange(n_points))
    return values.reshape(param_shape + (n_points,))


def chunk_slices(shape: tuple[int, ...], limit: int) -> Iterator[tuple]:
    """Index tuples that tile an array of ``shape`` in blocks of at most ``limit`` points."""
    if not shape:
        yield ()
        return
    axis = len(shape) - 1
    while axis > 0 and math.prod(shape[axis:]) <= limit:
        axis -= 1
    inner = math.prod(shape[axis + 1:])
    block = max(1, limit // max(inner, 1))
    for outer in np.ndindex(*shape[:axis]):
        for start in range(0, shape[axis], block):
            yield outer + (slice(start, min(start + block, shape[axis])),)


def take_block(array: np.ndarray, index: tuple, ndim: int) -> np.ndarray:
    """The part of a broadcastable ``array`` that meets the output block ``index``."""
    view = array.reshape((1,) * (ndim - array.ndim) + array.shape)
    parts = []
    for size, item in zip(view.shape, index + (slice(None),) * (ndim - len(index))):
        if size == 1:
            parts.append(slice(None) if isinstance(item, slice) else 0)
        else:
            parts.append(item)
    return view[tuple(parts)]
