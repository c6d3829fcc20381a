"""Numbers for a noisy state: the figures of merit of ``E(rho)`` for a Kraus channel ``E``.

The noisy state is exact (:meth:`qb_symbolic.symbolic.channels.Channel.apply`), a
function of the channel's ``p``, ``n`` (uses), ``n_th`` and the state's parameters; it is
evaluated by ``lambdify`` in double precision (numpy, any broadcast shape) or, for
``digits=``, point by point with mpmath inside ``mpmath.workdps`` (never the global
precision). The quantities reuse the package's measures:

* ``energy = Tr(rho H0)``; ``ergotropy = energy - sum_k r_k(down) e_k(up)`` and
  ``capacity = sum_k r_k(down) (e_k(down) - e_k(up))`` (Allahverdyan et al. 2004; Yang et
  al., PRL 131, 030402 (2023)), from the spectra of ``rho`` and ``H0``;
* ``incoherent_ergotropy``, ``coherent_ergotropy``, ``concurrence`` (Wootters),
  ``l1_coherence``, ``coherence`` (the paper's first-order coherence), ``steering``
  (``F3_max``) and ``steerability``: :mod:`qb_symbolic.numeric.density.mixed_measures` (numpy) and
  :mod:`qb_symbolic.numeric.density.mixed_precise` (mpmath), for two-qubit states (``N = 2``).

:func:`charged_then_noisy` charges a battery for a time ``t`` (its closed-form state,
:func:`qb_symbolic.evolved_state`, derived at the given parameter values exactly) and then
applies the channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import mpmath as mp
import numpy as np
import sympy as sp

from ...core.quantity_names import AVAILABLE
from ...core.symbols import omega0
from ...core.symbols import t as time_symbol
from ...core.values import check_sign, describe, real_array, to_mpf
from ...symbolic.any_battery import evolved_state
from ...symbolic.channels import Channel, probability, uses
from ..density import mixed_measures, mixed_precise

#: The quantities :func:`noisy_quantity` evaluates.
CHANNEL_QUANTITIES = AVAILABLE["channel"]
#: Those defined here for two-qubit states only (the package's measures are 4x4).
TWO_QUBIT_QUANTITIES = CHANNEL_QUANTITIES[3:]
#: Most negative eigenvalue of the evaluated noisy state (and largest error of the input's
#: trace), relative to 1, that counts as rounding: entries of a few dozen double operations
#: carry ~1e-15 each.
NEGATIVE_EIGENVALUE_TOLERANCE = 1e-10
#: Extra working digits for the mpmath path (the entries lose a few to cancellation).
GUARD_DIGITS = 15


def energy_operator(N: int) -> sp.Matrix:
    """``H0 = omega0 sum_i sz_i`` on ``N`` qubits (docs/conventions.md), diagonal.

    Examples
    --------
    >>> energy_operator(2).diagonal()
    Matrix([[2*omega0, 0, 0, -2*omega0]])
    """
    return sp.diag(*(omega0 * (N - 2 * k.bit_count()) for k in range(2**N)))


def _symbols_and_values(exprs: sp.Matrix, channel: Channel, values: Mapping[str, Any],
                        exact: bool) -> tuple[list[sp.Symbol], list[Any]]:
    """The free symbols in name order and their values, checked: every symbol given, no
    unknown name, probabilities in ``[0, 1]``, numbers of uses nonnegative integers (each
    value read exactly for the mpmath path, as float arrays for numpy)."""
    symbols = sorted(exprs.free_symbols, key=lambda s: s.name)
    names = [s.name for s in symbols]
    unknown = [k for k in values if k not in names]
    missing = [k for k in names if k not in values]
    if unknown or missing:
        what = f"unknown value {unknown[0]!r}" if unknown else f"missing value for {missing[0]}"
        raise ValueError(f"{what}; this noisy state depends on: {', '.join(names) or '(none)'}")
    probabilities = {s for s in channel.parameters if not s.is_integer}
    given = []
    for s in symbols:
        value = values[s.name] if exact else real_array(s.name, values[s.name])
        items = (np.asarray(value, dtype=object).reshape(-1) if exact
                 else _suspects(s, value, probabilities))
        for item in items:
            if s.is_integer:
                uses(item)
            elif s in probabilities:
                probability(s.name, item)
        given.append(value)
    return symbols, given


def _suspects(s: sp.Symbol, value: np.ndarray, probabilities: set) -> list:
    """The first value of a float array outside the symbol's domain (or none)."""
    value = value.reshape(-1)
    if s.is_integer:
        bad = value[(value < 0) | (value != np.round(value))]
    else:
        bad = value[(value < 0) | (value > 1)] if s in probabilities else value[:0]
    return [int(bad[0]) if bad[0] == round(bad[0]) else float(bad[0])] if bad.size else []


def _prepare(state: Any, channel: Channel, H0: Any, quantity: Any) -> tuple:
    """The exact inputs: the state (ket or matrix), the channel's transfer matrix and H0."""
    if not isinstance(channel, Channel):
        raise ValueError(f"channel must be a qb_symbolic Channel; got {type(channel).__name__}")
    for name in [quantity] if isinstance(quantity, str) else quantity:
        if name not in CHANNEL_QUANTITIES:
            raise ValueError(f"unknown quantity {name!r}; the quantities: "
                             f"{', '.join(CHANNEL_QUANTITIES)}")
        if name in TWO_QUBIT_QUANTITIES and channel.N != 2:
            raise ValueError(f"{name} is defined here for two-qubit states; this channel "
                             f"acts on N = {channel.N} qubits")
    d = 2**channel.N
    exact = sp.Matrix(state).applyfunc(
        lambda e: sp.nsimplify(e, rational=True) if e.atoms(sp.Float) else e)
    if exact.shape not in ((d, 1), (d, d)):
        raise ValueError(f"the channel acts on {channel.N} qubits: need a {d}-component ket "
                         f"or a {d}x{d} density matrix; got shape {exact.shape}")
    H = energy_operator(channel.N) if H0 is None else sp.Matrix(H0)
    if H.shape != (d, d):
        raise ValueError(f"H0 must be {d}x{d} like the state; got {H.shape}")
    return exact, channel.transfer_matrix(), H


def noisy_quantity(quantity: str | Sequence[str], state: Any, channel: Channel, H0: Any = None,
                   values: Mapping[str, Any] | None = None, digits: int | None = None) -> Any:
    """``quantity`` of ``channel.apply(state)`` at ``values`` (numpy, or mpmath at ``digits``).

    Parameters
    ----------
    quantity
        One of :data:`CHANNEL_QUANTITIES`, or a sequence of them (then a dict by name).
    state
        An exact ket or density matrix on ``2**channel.N`` levels (SymPy; floats are read
        as their shortest decimals), in any symbols.
    channel
        A :class:`qb_symbolic.symbolic.channels.Channel`.
    H0
        The energy operator (default ``omega0 sum_i sz_i``).
    values
        ``{name: value}`` for every free symbol of the noisy state and H0 (``p``, ``n``,
        ``n_th``, ``omega0``, the state's): numbers, or arrays that broadcast (numpy path).
    digits
        ``None``: double precision; else mpmath, correct to about ``digits`` digits.

    Returns
    -------
    float, numpy.ndarray, mpmath.mpf or an object array of mpf (a dict of them by name
    for a sequence of quantities)

    Raises
    ------
    ValueError
        For an unknown quantity, a missing or unknown value, ``p`` outside ``[0, 1]``, a
        number of uses that is not a nonnegative integer, a two-qubit quantity on another
        N, or a state that is not positive at ``values``.

    Examples
    --------
    >>> from qb_symbolic.symbolic.channels import channel
    >>> ch = channel("amplitude_damping", 1)                     # every cell emptied
    >>> noisy_quantity("energy", [1, 0, 0, 0], ch, values={"omega0": 1})
    -2.0
    """
    return _evaluate(quantity, *_prepare(state, channel, H0, quantity), channel, values or {},
                     digits)


def _evaluate(quantity: Any, state: sp.Matrix, T: sp.Matrix, H: sp.Matrix, channel: Channel,
              values: Mapping[str, Any], digits: int | None) -> Any:
    """The quantities of ``E(state)`` from the numeric state, transfer matrix and H0."""
    symbols, given = _symbols_and_values(sp.Matrix.vstack(
        state.reshape(len(state), 1), T.reshape(len(T), 1), H.reshape(len(H), 1)), channel,
        values, digits is not None)
    names = [quantity] if isinstance(quantity, str) else list(quantity)
    if digits is not None:
        found = _mpmath(names, symbols, given, (state, T, H), int(digits))
    else:
        found = _numpy(names, symbols, given, (state, T, H))
    return found[quantity] if isinstance(quantity, str) else found


@lru_cache(maxsize=64)
def _compile(symbols: tuple, parts: tuple, backend: str):
    """``f(*values) -> (state entries, T's nonzero entries, H0 entries)`` and the positions
    of T's nonzero entries (cached: a sweep over values compiles once)."""
    state, T, H = parts
    where = [(i, j) for i in range(T.rows) for j in range(T.cols) if T[i, j] != 0]
    if backend == "numpy" and not state.free_symbols:  # a numeric state: no code to print
        constants = [complex(e) for e in state]

        def first(*args):
            return constants
    else:
        first = sp.lambdify(symbols, list(state), backend, cse=True)
    second = sp.lambdify(symbols, [T[i, j] for i, j in where] + list(H), backend, cse=True)

    def evaluate(*args):
        rest = second(*args)
        return first(*args), rest[:len(where)], rest[len(where):]

    return evaluate, where


def _numpy(names: list, symbols: list, given: list, parts: tuple) -> dict:
    (rows, cols), d = parts[0].shape, parts[2].rows
    shape = np.broadcast_shapes(*(a.shape for a in given))
    flat = [np.broadcast_to(a, shape).reshape(-1) for a in given]
    size = int(np.prod(shape))
    evaluate, where = _compile(tuple(symbols), tuple(map(sp.ImmutableMatrix, parts)), "numpy")
    with np.errstate(all="ignore"):
        found = evaluate(*flat)

    def stack(values):
        return np.stack([np.broadcast_to(np.asarray(x, complex), (size,)) for x in values], -1)

    start = stack(found[0]).reshape(size, rows, cols)
    if cols == 1:
        start = start * np.conj(np.swapaxes(start, 1, 2))
    _check_trace(np.real(np.trace(start, axis1=1, axis2=2)), NEGATIVE_EIGENVALUE_TOLERANCE)
    T = np.zeros((size, d * d, d * d), complex)
    if where:
        T[:, [i for i, _ in where], [j for _, j in where]] = stack(found[1])
    rho = np.einsum("moi,mi->mo", T, start.reshape(size, d * d)).reshape(size, d, d)
    h0 = stack(found[2]).reshape(size, d, d)
    out = {}
    for name in names:
        value = _numpy_quantity(name, rho, h0)
        out[name] = float(value[0]) if shape == () else value.reshape(shape)
    return out


def _check_trace(traces: Any, tolerance: Any) -> None:
    """ValueError if the input state's trace (a ket's squared norm) is not 1."""
    worst = max(traces, key=lambda x: abs(x - 1))
    if abs(worst - 1) > tolerance:
        raise ValueError(f"the state must have trace 1 (a ket norm 1); got {float(worst):.12g}")


def _numpy_quantity(quantity: str, rho: np.ndarray, h0: np.ndarray) -> np.ndarray:
    r = np.linalg.eigvalsh(rho)
    if np.min(r) < -NEGATIVE_EIGENVALUE_TOLERANCE:
        raise ValueError(f"the noisy state has an eigenvalue {np.min(r):.3g} < 0 at these "
                         "values: the input is not a state there")
    e = np.linalg.eigvalsh(h0)
    energy = np.real(np.einsum("nij,nji->n", rho, h0))
    passive, active = np.sum(r[:, ::-1] * e, -1), np.sum(r * e, -1)
    capacity = active - passive
    ergotropy = np.clip(energy - passive, 0.0, capacity)
    simple = {"energy": energy, "ergotropy": ergotropy, "capacity": capacity}
    if quantity in simple:
        return simple[quantity]
    if quantity.endswith("coherent_ergotropy"):
        incoherent = np.minimum(mixed_measures.incoherent_ergotropy(rho, h0, energy), ergotropy)
        return incoherent if quantity == "incoherent_ergotropy" else ergotropy - incoherent
    return getattr(mixed_measures, quantity)(rho)


def _mpmath(names: list, symbols: list, given: list, parts: tuple, digits: int) -> dict:
    cols, d = parts[0].cols, parts[2].rows
    objects = [np.asarray(v, dtype=object) for v in given]
    shape = np.broadcast_shapes(*(o.shape for o in objects))
    evaluate, where = _compile(tuple(symbols), tuple(map(sp.ImmutableMatrix, parts)), "mpmath")
    out = {name: np.empty(shape, dtype=object) for name in names}
    for index in np.ndindex(shape):
        point = [np.broadcast_to(o, shape)[index] for o in objects]
        with mp.workdps(digits + GUARD_DIGITS):
            args = [int(v) if s.is_integer else to_mpf(s.name, v)
                    for s, v in zip(symbols, point)]
            entries, nonzero, energies = ([mp.mpmathify(x) for x in part]
                                          for part in evaluate(*args))
            start = mp.matrix([entries[i * cols:(i + 1) * cols] for i in range(d)])
            start = start * start.H if cols == 1 else start
            _check_trace([mp.re(sum(start[i, i] for i in range(d)))], mp.mpf(10) ** -digits)
            T = mp.matrix(d * d, d * d)
            for (i, j), value in zip(where, nonzero):
                T[i, j] = value
            vec = T * mp.matrix([start[k // d, k % d] for k in range(d * d)])
            rho = mp.matrix([[vec[i * d + j] for j in range(d)] for i in range(d)])
            h0 = mp.matrix([energies[i * d:(i + 1) * d] for i in range(d)])
            results = {name: _mp_quantity(name, rho, h0, digits) for name in names}
        with mp.workdps(digits):
            for name in names:
                out[name][index] = +results[name]
    return {name: v[()] if shape == () else v for name, v in out.items()}


def _mp_quantity(quantity: str, rho: mp.matrix, h0: mp.matrix, digits: int) -> mp.mpf:
    d = rho.rows
    r = sorted(mp.re(x) for x in mp.eighe(rho, eigvals_only=True))
    if r[0] < -mp.mpf(10) ** (-digits):
        raise ValueError(f"the noisy state has an eigenvalue {mp.nstr(r[0], 3)} < 0 at these "
                         "values: the input is not a state there")
    e = sorted(mp.re(x) for x in mp.eighe(h0, eigvals_only=True))
    energy = mp.re(mp.fsum(rho[i, j] * h0[j, i] for i in range(d) for j in range(d)))
    passive = mp.fsum(x * y for x, y in zip(reversed(r), e))
    capacity = mp.fsum(x * y for x, y in zip(r, e)) - passive
    ergotropy = min(max(energy - passive, mp.mpf(0)), capacity)
    simple = {"energy": energy, "ergotropy": ergotropy, "capacity": capacity}
    if quantity in simple:
        return simple[quantity]
    if quantity.endswith("coherent_ergotropy"):
        incoherent = min(mixed_precise.incoherent_ergotropy(rho, h0, energy), ergotropy)
        return incoherent if quantity == "incoherent_ergotropy" else ergotropy - incoherent
    return getattr(mixed_precise, quantity)(rho)


def charged_then_noisy(battery: Any, channel: Channel, t: Any, quantity: str | Sequence[str], *,
                       digits: int | None = None, **values: Any) -> Any:
    """``quantity`` of the battery charged for a time ``t`` and then sent through ``channel``.

    The battery is taken at its parameter values exactly (``battery.substitute``, so
    degenerate values get their own finer closed form), its state at ``t`` from
    :func:`qb_symbolic.evolved_state`, then :func:`noisy_quantity` with the battery's H0.

    Parameters
    ----------
    battery
        A :class:`qb_symbolic.Battery` whose number of cells is ``channel.N``.
    channel
        The channel applied after charging.
    t
        The charging time (a number, or an array on the numpy path).
    quantity, digits
        As for :func:`noisy_quantity`.
    **values
        The battery's parameters (numbers, at which it is derived exactly; defaults filled
        in, e.g. ``omega0 = 1`` for a battery typed in) and the channel's symbols (``p``,
        ``n``, ``n_th``; arrays allowed on the numpy path, like ``t``).

    Examples
    --------
    >>> import sympy as sp, qb_symbolic as qb
    >>> from qb_symbolic.symbolic.channels import channel
    >>> bat = qb.Battery("parallel", omega0=1)    # |uu> at Omega t = pi/2, energy 2
    >>> E = charged_then_noisy(bat, channel("amplitude_damping", "1/4"), sp.pi / 2, "energy",
    ...                        Omega=1)           # each cell: (1 - p) - p = 1/2
    >>> abs(E - 1) < 1e-12
    True
    """
    check_sign(time_symbol, t)
    mine = {k: v for k, v in values.items() if k in battery.names}
    numeric = battery.substitute(**battery.values_for(mine))
    cells = int(np.log2(numeric.energy_operator.shape[0]))
    if cells != channel.N:
        raise ValueError(f"the battery has {cells} cells but the channel acts on "
                         f"N = {channel.N} qubits")
    rest = {k: v for k, v in values.items() if k not in battery.names}
    if "t" in rest:
        raise ValueError(f"t is given as an argument; got t = {describe(rest['t'])} as well")
    state, T, H = _prepare(evolved_state(numeric).explicit(), channel,
                           numeric.energy_operator, quantity)
    if any(s.name == "t" for s in state.free_symbols):
        rest["t"] = t
    return _evaluate(quantity, state, T, H, channel, rest, digits)
