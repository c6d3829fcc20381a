"""The uniform-grid path of the presets: energy, ergotropy and power on ``t0 + n dt``.

On a uniform time grid the group property ``U(T + s) = U(T) U(s)`` gives the
propagator column at ``sqrt(N)`` coarse times ``T`` and ``sqrt(N)`` offsets ``s``,
combined by one small real matrix product per parameter point, ``f(T + s) = sum_j
f_j(T) f_j(s)`` (the real-gauge propagator is complex symmetric): fewer
transcendental calls than points, and an error of a few ulps per product. Where the
roots are well apart, ``f_j`` are the spectral terms ``w_k e^{-i nu_k t}``, whose tables
are filled by doubling; elsewhere the divided-difference columns of
:mod:`qb_symbolic.numeric.closed_form.codegen`.

**Range once per parameter point.** The factors' moduli bound every product, so the
values of a parameter point are proven within the physical range of the energy or
ergotropy (up to the float path's phase-free error bound) before they are computed,
and clipped into it on their way out of the product, in cache. Points the proof does
not cover (non-finite or inconsistent factors) are left to the per-value check of
:mod:`qb_symbolic.numeric.evaluate`.

**Memory.** The products run in cache-sized groups of parameter points, with small
factor tables per group; the only array that grows with the map is its output.
"""

from __future__ import annotations

import math

import numpy as np

from .codegen import Evaluators
from .stages import inverse_time, time_stage

#: The grid path uses the spectral weights where the smallest gap between roots is
#: at least this fraction of their spread: the weights' rounding is then below
#: ~10 eps / SEPARATION, far inside the accuracy bound; closer roots use the
#: divided-difference columns, which are accurate however close the roots come.
SEPARATION = 0.1
#: Unit roundoff of double precision.
_UNIT = np.finfo(float).eps / 2
#: Growth allowance of a phasor table's modulus bound per unit of the row index: squaring
#: rounds by at most ``sqrt(5) u`` (Brent, Percival and Zimmermann 2007), so ``factor**j``
#: by squarings carries ``(1 + sqrt(5) u)**j``, and the computed ``|factor|`` may be ``u``
#: low; 4 u covers both.
STEP_ROUNDING = 4 * _UNIT
#: The same per doubling level (one complex product, ``sqrt(5) u``) and for the bound's
#: own arithmetic; 4 u leaves room.
LEVEL_ROUNDING = 4 * _UNIT
#: Rounding of two computed 2-norms (moduli, squares, a sum of three and a square root:
#: under 4 u each) and of their product; 16 u leaves room.
NORM_ROUNDING = 16 * _UNIT
#: Rounding of the grid product relative to the sum of its terms' moduli: an 8-term dot
#: product errs by at most ``gamma_8 ~ 8 u`` (Higham, Accuracy and Stability, Thm 3.4);
#: 16 u also covers the arithmetic of the bound itself.
PRODUCT_ROUNDING = 16 * _UNIT
#: Grid values per group of parameter points in the grid product (2 MB of doubles): the
#: group's product and factor tables stay in cache until written out, and no temporary
#: grows with the map. Measured on the Fig. 3(c) map: 2**17 4% and 2**19 70% slower (the
#: larger temporaries are handed back to the system and faulted in again on every call).
GROUP_ELEMENTS = 1 << 18

_GRID_FLAGS = ("inv_h01", "zero01", "inv_h12", "zero12", "inv_h02", "confluent",
               "cb0", "cb1", "cT0", "cT1", "cS0")


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


def _powers(factor: np.ndarray, count: int) -> tuple[list[np.ndarray], float]:
    """``factor**(2**b)`` (by squaring) for the doubling levels of a ``count``-row table,
    and a bound of the growth of the table's moduli over its first row (every point, the
    first three columns).

    With ``c = 1 + sqrt(5) u`` per complex product, ``|factor**(2**b)| <= (c |factor|)**(2**b)``
    by induction over the squarings, and row ``j`` (one product per bit of ``j``) is at most
    ``max(1, c |factor|)**j c**levels`` times the first: one power for the whole table, no
    modulus per level (``STEP_ROUNDING``, ``LEVEL_ROUNDING``). The constant fourth column
    has factor 1.
    """
    largest = max(1.0, float(np.max(np.abs(factor[:, :3]))) * (1.0 + STEP_ROUNDING))
    powers, filled = [], 1
    while filled < count:
        powers.append(factor)
        filled *= 2
        if filled < count:
            factor = factor * factor
    return powers, largest ** (count - 1) * (1.0 + LEVEL_ROUNDING) ** (len(powers) + 1)


def _doubled(count: int, first: np.ndarray, powers: list[np.ndarray]) -> np.ndarray:
    """The table ``first * factor**j`` (``j < count``; count x points x 4, time first) by
    doubling: rows ``[m, 2m)`` are rows ``[0, m)`` times ``factor**m``.

    ``log2(count)`` products over whole contiguous rows instead of ``count`` steps: entry
    ``j`` takes one product per bit of ``j``, and its rounding grows by a few ``eps`` per
    unit of ``j`` as step by step, far below the accuracy bound (the accuracy harness
    checks the grid path).
    """
    table = np.empty((count,) + first.shape, complex)
    table[0] = first
    filled = 1
    for power in powers:
        n = min(filled, count - filled)
        np.multiply(table[:n], power, out=table[filled:filled + n])
        filled += n
    return table


def _spectral_source(ev: Evaluators, part, exponent, scale, centre, t0: float, step: float,
                     coarse: int, fine: int):
    """Well separated roots: ``left[c, :, k] = conj(scale w_k e^{-i nu_k T_c})``, ``right[s,
    :, k] = e^{-i nu_k s dt}`` (``k < 3``). Returns ``tables(lo, hi)``: both tables of
    points ``lo..hi`` and ``sum_k max|left_k| max|right_k|``, a bound of ``|sum_k
    conj(left_k) right_k|`` at every ``(T, s)``."""
    weights = ev.weights(*(part[k] for k in ("cb0", "cb1", "h01", "h12", "h02")))
    size = scale.size
    rates = np.stack([part[r] for r in ("e0", "e1", "e2")], axis=-1)
    early = np.empty((size, 4), complex)
    for k, weight in enumerate(weights):
        early[:, k] = weight
    early[:, :3] *= scale[:, None]
    if t0 != 0:
        early[:, :3] *= np.exp(1j * rates * np.ldexp(t0, exponent)[:, None])
    early[:, 3] = 1.0
    late = np.empty((size, 4), complex)
    late[:, :3], late[:, 3] = 1.0, centre
    # e^{+i nu fine dt} (coarse steps, conjugated) and e^{-i nu dt}, by one cos and one sin
    # call; the constant column's factor is 1.
    angles = np.stack([np.ldexp(step * fine, exponent), -np.ldexp(step, exponent)])
    angles = angles[:, :, None] * rates
    factors = np.ones((2, size, 4), complex)
    np.cos(angles, out=factors.real[..., :3])
    np.sin(angles, out=factors.imag[..., :3])
    early_powers, early_growth = _powers(factors[0], coarse)
    late_powers, late_growth = _powers(factors[1], fine)
    bound = np.sum(np.abs(early[:, :3]), axis=-1) * (early_growth * late_growth)

    def tables(lo: int, hi: int):
        return (_doubled(coarse, early[lo:hi], [p[lo:hi] for p in early_powers]),
                _doubled(fine, late[lo:hi], [p[lo:hi] for p in late_powers]), bound[lo:hi])
    return tables


def _column_source(ev: Evaluators, part, exponent, scale, centre, t0: float, step: float,
                   coarse: int, fine: int):
    """Close roots: the divided-difference columns ``f_j`` (``left = conj(scale f_j(T_c))``,
    ``right = f_j(s dt)``). Returns ``tables(lo, hi)`` as :func:`_spectral_source`, with
    ``max_T |left(T)| max_s |right(s)|`` (2-norms over ``j``), the bound by Cauchy-Schwarz."""
    def tables(lo: int, hi: int):
        piece = {k: v[lo:hi] for k, v in part.items()}
        left = np.empty((coarse, hi - lo, 4), complex)
        right = np.empty((fine, hi - lo, 4), complex)
        early = _grid_columns(ev, piece, t0, step * fine, coarse, exponent[lo:hi])
        late = _grid_columns(ev, piece, 0.0, step, fine, exponent[lo:hi])
        for j in range(3):
            left[:, :, j] = np.conj(early[j]) * scale[lo:hi]
            right[:, :, j] = late[j]
        left[:, :, 3], right[:, :, 3] = 1.0, centre[lo:hi]
        norms = [np.sqrt(np.max(np.sum(np.abs(table[..., :3]) ** 2, axis=-1), axis=0))
                 for table in (left, right)]
        return left, right, norms[0] * norms[1] * (1.0 + NORM_ROUNDING)
    return tables


def _store(values: np.ndarray, rows, block: np.ndarray, reach: np.ndarray,
           centre: np.ndarray, limits: tuple | None) -> bool:
    """Write one group's products to ``values[rows]`` (``rows``: a slice or indices),
    clipped into ``[low, high]`` if every value is proven within ``[floor, ceiling]`` by
    ``centre +- reach`` (``limits``: scalars, or per point with ``low, high`` as columns).
    Returns whether the group was clipped."""
    direct = isinstance(rows, slice)
    target = values[rows] if direct else np.empty(block.shape)
    proven = False
    if limits is not None:
        floor, ceiling, low, high = (x if x.ndim == 0 else x[rows] for x in limits)
        # NaN compares False: a non-finite bound or range proves nothing.
        proven = bool(np.all(centre - reach >= floor) and np.all(centre + reach <= ceiling))
    if proven:
        np.clip(block, low, high, out=target)
    else:
        np.copyto(target, block)
    if not direct:
        values[rows] = target
    return proven


def _grid_products(ev: Evaluators, flat, exponent, scale, centre, t0: float, step: float,
                   coarse: int, values: np.ndarray, limits: tuple | None) -> bool:
    """``values[p, n] = centre + scale Re f(t0 + n step)`` by ``coarse x fine`` products
    (``fine = ceil(N / coarse)``) in groups of ``GROUP_ELEMENTS`` values: ``scale f =
    sum_{k<3} conj(left_k(T)) right_k(s)`` is one real product of the pairs ``(Re, Im)``
    and the constant column ``(1, centre)``, read straight from the time-leading tables,
    into a buffer that stays in cache, then written out once (:func:`_store`). Returns
    whether every value was proven in range and clipped."""
    size, n_points = values.shape
    fine = math.ceil(n_points / coarse)
    flags = flat["zero01"] + flat["zero12"] + flat["confluent"]
    separated = (np.abs(flat["h12"]) >= SEPARATION * np.abs(flat["h02"])) & (flags == 0)
    group = max(1, GROUP_ELEMENTS // (coarse * fine))
    # Coarse rows per product: all of them, unless one point's grid exceeds GROUP_ELEMENTS.
    span = min(coarse, max(1, GROUP_ELEMENTS // fine))
    buffer = np.empty((min(group, size), span, fine))
    clipped = limits is not None
    for mask, source in ((separated, _spectral_source), (~separated, _column_source)):
        if not np.any(mask):
            continue
        if np.all(mask):  # the usual case: no copies of the per-point arrays
            index, part = None, (flat, exponent, scale, centre)
        else:
            index = np.nonzero(mask)[0]
            part = ({k: v[index] for k, v in flat.items()}, exponent[index], scale[index],
                    centre[index])
        tables = source(ev, *part, t0, step, coarse, fine)
        count = size if index is None else index.size
        for lo in range(0, count, group):
            hi = min(count, lo + group)
            rows = slice(lo, hi) if index is None else index[lo:hi]
            left, right, bound = tables(lo, hi)
            # |value - centre| <= bound + gamma_8 (bound + |centre|): the product's rounding
            reach = bound * (1.0 + PRODUCT_ROUNDING) + PRODUCT_ROUNDING * np.abs(centre[rows])
            early, late = left.view(float).transpose(1, 0, 2), right.view(float).transpose(1, 2, 0)
            for first in range(0, coarse, span):
                last = min(coarse, first + span)
                block = np.matmul(early[:, first:last], late, out=buffer[:hi - lo, :last - first])
                columns = slice(first * fine, min(last * fine, n_points))
                block = block.reshape(hi - lo, -1)[:, :columns.stop - columns.start]
                clipped = _store(values[:, columns], rows, block, reach, centre[rows],
                                 limits) and clipped
    return clipped


def coarse_count(points: int) -> int:
    """Coarse times of an ``N``-point grid: ``ceil(sqrt(N))`` (fewest phasors per point), or
    a divisor of ``N`` down to 3/4 of that, so that the products of a parameter point are
    its ``N`` values exactly and leave the product contiguous (a faster clip)."""
    root = math.isqrt(points - 1) + 1
    for coarse in range(root, (3 * root) // 4 - 1, -1):
        if points % coarse == 0:
            return coarse
    return root


def _flat(value, points: tuple) -> np.ndarray:
    """``value`` broadcast to the parameter shape ``points``, flat (a view when it has it)."""
    value = np.asarray(value)
    return (value if value.shape == points else np.broadcast_to(value, points)).ravel()


def _range_limits(limits: tuple | None, points: tuple) -> tuple | None:
    """``(low, high, slack)`` as ``(floor, ceiling, low, high)``: scalars when the range is
    the same at every point (one omega0: a scalar clip is the fastest), else flat arrays
    with ``low, high`` as columns. A range beyond double precision (``omega0 = 1e308``)
    proves nothing: its floor and ceiling are NaN, so its values go to the per-value check,
    which refuses them."""
    if limits is None:
        return None
    low, high, slack = (np.asarray(x, float) for x in limits)
    if low.ndim or high.ndim or slack.ndim:
        low, high, slack = (_flat(x, points) for x in (low, high, slack))
        if low.min() == low.max() and high.min() == high.max() and slack.min() == slack.max():
            low, high, slack = low[0], high[0], slack[0]
    floor, ceiling = low - slack, high + slack
    unbounded = ~(np.isfinite(floor) & np.isfinite(ceiling))
    floor, ceiling = np.where(unbounded, np.nan, floor), np.where(unbounded, np.nan, ceiling)
    if np.ndim(low) == 0:
        return floor, ceiling, np.asarray(low), np.asarray(high)
    return floor, ceiling, low[:, None], high[:, None]


def grid_values(ev: Evaluators, quantity: str, nodes, omega0, exponent: np.ndarray,
                t_line: np.ndarray, step: float, shape: tuple, limits: tuple | None = None
                ) -> tuple[np.ndarray, bool]:
    """Energy, ergotropy or power on ``t0 + n step`` by the group property (module doc).

    With ``T`` the coarse and ``s`` the fine times (about ``sqrt(N)`` of each), ``f(T +
    s)`` is a sum of three products per parameter point: ``sum_k w_k e^{-i nu_k T} e^{-i
    nu_k s}`` where the roots are well separated (``SEPARATION``), else ``sum_j f_j(T)
    f_j(s)`` with the divided-difference columns. ``<H0> = -2 omega0 Re f`` (and ``zeta``
    that plus ``2 omega0``) is then one real matrix product per point
    (:func:`_grid_products`). For the power the first block (small times) comes from the
    direct, cancellation-free ``kappa``, since ``P = zeta/t`` magnifies absolute errors.
    ``nodes`` (rescaled units) and ``exponent`` share one shape, which broadcasts with
    ``omega0`` to the parameters' shape; ``shape`` is that without a trailing time axis of
    length 1, the shape of the values but for their last (time) axis.

    ``limits = (low, high, slack)`` (energy and ergotropy; broadcast as ``omega0``): every
    value of a parameter point is proven within ``[low - slack, high + slack]`` from the
    factors' moduli (:func:`_spectral_source`, :func:`_column_source`) and
    ``PRODUCT_ROUNDING``, then clipped into ``[low, high]`` on its way out of the
    product, in cache: the physical range is checked once per parameter point, not once
    per value. Returns the values and whether every point was proven and clipped.
    """
    points = np.broadcast_shapes(exponent.shape, np.shape(omega0))
    flat = {k: _flat(v, points) for k, v in nodes.items()}
    e_flat, w0 = _flat(exponent, points), _flat(np.asarray(omega0, float), points)
    n_points, size = t_line.size, w0.size
    coarse = coarse_count(n_points)
    t0 = float(t_line[0])
    centre = 0.0 * w0 if quantity == "energy" else 2.0 * w0  # zeta = <H0> + 2 omega0
    values = np.empty((size, n_points))
    clipped = _grid_products(ev, flat, e_flat, -2.0 * w0, centre, t0, step, coarse, values,
                             _range_limits(limits, points))
    if quantity == "power":
        fine = math.ceil(n_points / coarse)
        offsets = t0 + step * np.arange(fine)
        expand = {k: v[:, None] for k, v in flat.items()}
        first = time_stage(ev, expand, np.ldexp(offsets[None, :], e_flat[:, None]))[0].real
        values[:, :fine] = 2.0 * w0[:, None] * first
        values *= inverse_time(t0 + step * np.arange(n_points))
    return values.reshape(shape + (n_points,)), clipped
