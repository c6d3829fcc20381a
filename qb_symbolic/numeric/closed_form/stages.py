"""The numpy path of the closed forms: spectral, node and time stages.

:mod:`qb_symbolic.numeric.closed_form.codegen` generates the stage functions; this module chooses the
stable ordering of the roots per point, rescales, and runs them on arrays.

**Rescaling.** The Hamiltonian is linear in ``(Omega, J, D)`` (``gamma`` and
``Delta`` multiply ``J``), and the state depends on ``H t`` only. Each parameter
point is therefore evaluated at ``(Omega, J, D)/s`` and time ``s t`` with ``s`` the
power of two nearest below its largest coupling. Multiplying by a power of two is
exact, so ordinary inputs give bit-identical results, while ``D = 1e154`` or
``J = 1e160`` no longer overflow in the discriminant (degree 6 in the couplings).

**Uniform grids.** On a uniform time grid the energy, ergotropy and power take the
group-property path of :mod:`qb_symbolic.numeric.closed_form.preset_grid`; :func:`uniform_step`
recognises such grids.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np

from ...core.symbols import HAMILTONIAN_PARAMETERS
from .codegen import NODE_OUTPUTS, TIME_ARGS, Evaluators

#: Hamiltonian parameters in the order of the spectral stage.
HAMILTONIAN_ORDER: tuple[str, ...] = HAMILTONIAN_PARAMETERS
#: Parameters with the dimension of an energy (rescaled); gamma and Delta multiply J.
ENERGY_PARAMETERS: tuple[str, ...] = ("Omega", "J", "D")
#: Quantities whose uniform-grid fast path exists (they depend on f_b alone).
#: Fewest points for which the grid path pays off.
GRID_MINIMUM = 64
#: Relative tolerance deciding that a time array is a uniform grid; the grid
#: path then uses t0 + n dt, which differs from the given times by rounding only.
UNIFORM_RTOL = 1e-9

_NODE_ORDER = tuple(str(a) for a in TIME_ARGS[:-1])


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


def _full(value, shape: tuple) -> np.ndarray:
    """``value`` as a float array of ``shape`` (a view; outputs that already have it, the
    usual case, pass unchanged)."""
    value = np.asarray(value, float)
    return value if value.shape == shape else np.broadcast_to(value, shape)


def _safe_inverse(gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(1/gap, 0)`` where the gap is nonzero and ``(0, 1)`` where it is exactly zero."""
    zero = gap == 0
    with np.errstate(divide="ignore"):
        return np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, gap)), zero.astype(float)


def ordered_nodes(ev: Evaluators, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Spectral and node stages, with the per-point choice of the closest pair of roots."""
    args = np.broadcast_arrays(*(np.asarray(params[n], float) for n in HAMILTONIAN_ORDER))
    shape = args[0].shape
    out = [_full(v, shape) for v in ev.spectral(*args)]
    x0, x1, x2, g01, g12, g02, lam0, d1, d2, d3, b1, b2 = out
    top = g01 < g12  # the upper pair is the closer one: make it (y1, y2)
    y0 = np.where(top, x2, x0)
    y2 = np.where(top, x0, x2)
    h01 = np.where(top, -g12, g01)
    h12 = np.where(top, -g01, g12)
    h02 = np.where(top, -g02, g02)
    node_values = ev.nodes(y0, x1, y2, lam0, d1, d2, d3, b1, b2)
    nodes = {k: _full(v, shape) for k, v in zip(NODE_OUTPUTS, node_values)}
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
    deviation = np.diff(line)  # one temporary of the line's size, worked on in place
    deviation -= step
    if np.max(np.abs(deviation, out=deviation)) > UNIFORM_RTOL * step:
        return None
    return float(step)


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
