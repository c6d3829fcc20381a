"""Charge, then store: what a battery keeps after a storage stage under noise (issue 26).

A protocol has two stages, both from the battery's own data:

1. **charge** for a time ``tau`` under the battery's H (and its dissipators, if it is an
   open battery, :func:`qb_symbolic.model.open_battery.open_battery`; its channels then act
   on the charged state) from its start;
2. **store** with the charger off: the parameters named by ``charger`` (default
   ``("Omega",)``) set to 0, under noise given by ``storage``:

   * ``None``: the battery's own dissipators (none for a closed battery: H alone);
   * a :class:`~qb_symbolic.model.dissipators.Dissipator` or several: the Lindblad equation
     with the storage Hamiltonian for a time ``s`` (their symbols' values among
     ``**values``);
   * a :class:`~qb_symbolic.Channel`: the channel applied ``s`` times (``s`` a number of
     uses; no Hamiltonian between uses), by its closed-form powers
     (:meth:`qb_symbolic.Channel.power`).

:func:`charge_and_store` gives the ergotropy (or energy, capacity) after both stages on any
grid of ``tau`` and ``s``; :func:`best_charging_time` the ``tau`` in ``[0, window]`` that
leaves the most after a storage ``s``, with its value and the ergotropy it had when
charged (scan of :data:`POINTS_PER_PERIOD` points per period of H's fastest frequency, at
least :data:`MIN_POINTS`, then golden-section refinement: about 1e-12 in the value and
1e-7 relative in ``tau``, since a maximum is flat).

The states come from :func:`qb_symbolic.numeric.open.lindblad.open_evolution` (charging)
and from ``expm`` of the storage Liouvillian (dense up to 256 coordinates, else
``expm_multiply``) or the channel's Kraus operators, site by site.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, reduce
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse.linalg
import sympy as sp

from ...core.values import exact_real, real_array
from ...model.battery import Battery
from ...model.dissipators import Dissipator, lindblad_operators
from ...symbolic.channel_laws import uses
from ...symbolic.channels import Channel
from ..open.lindblad import OpenEvolution, check_times
from ..open.liouvillian_blocks import from_coordinates, liouvillian_family, to_coordinates
from ..open.open_system import open_system, state_figures

#: The quantities a protocol reports (of the state after storage).
PROTOCOL_QUANTITIES = ("ergotropy", "energy", "capacity")
#: Scan points per period of H's fastest frequency, and the fewest scan points.
POINTS_PER_PERIOD, MIN_POINTS = 40, 2001
#: Golden-section steps of the refinement (the bracket shrinks by 0.618 each).
GOLDEN_STEPS = 80
#: Storage Liouvillians up to this many coordinates are exponentiated densely.
DENSE_STORAGE = 256


@dataclass(frozen=True)
class ProtocolResult:
    """The best charging time for a storage ``s`` (:func:`best_charging_time`).

    Attributes
    ----------
    tau
        The charging time that leaves the most after storage.
    value
        The quantity after storage (``retained``).
    charged
        The quantity at ``tau``, before storage.
    s
        The storage time (or number of channel uses).
    window
        ``(0, T)`` searched.
    grid_points, at_window_end
        The scan's size; whether the best is the window's end with the value still rising.

    Examples
    --------
    >>> ProtocolResult(1.0, 2.0, 4.0, 0.5, (0.0, 2.0), 2001, False).fraction
    0.5
    """

    tau: float
    value: float
    charged: float
    s: float
    window: tuple[float, float]
    grid_points: int
    at_window_end: bool
    quantity: str = "ergotropy"

    @property
    def fraction(self) -> float:
        """``value / charged`` (nan when nothing was charged)."""
        return self.value / self.charged if self.charged > 0 else math.nan


class _Protocol:
    """The two stages of one battery at one parameter point (module docstring)."""

    def __init__(self, battery: Battery, storage: Any, charger: Sequence[str],
                 values: dict[str, Any]):
        if not isinstance(battery, Battery):
            raise ValueError(f"battery must be a qb_symbolic.Battery; got {type(battery).__name__}")
        charger = (charger,) if isinstance(charger, str) else tuple(charger)
        unknown = [n for n in charger if n not in battery.names]
        if unknown:
            raise ValueError(f"charger names parameters of the battery set to 0 in storage; "
                             f"{unknown[0]!r} is not one of: {', '.join(battery.names)}")
        self.system, self.N = open_system(battery), battery.sites
        self.extra = self._storage(storage, values)
        full = battery.values_for({k: v for k, v in values.items()
                                   if k in battery.names or k not in self.extra})
        cols = [real_array(n, full[n]).reshape(1) for n in battery.names]
        H, self.H0, rho0, _ = self.system.arrays(cols)
        self.H0 = self.H0[0]
        self.charging = OpenEvolution(self.system.family(cols), rho0[0])
        self.spread = float(np.ptp(np.linalg.eigvalsh(H[0])))
        self.omega = full.get("Omega")
        off = [np.zeros(1) if n in charger else c for n, c in zip(battery.names, cols)]
        if self.channel is None and self.dissipators is None:  # the battery's own noise
            self.generator = self.system.family(off).sparse(0)
        elif self.channel is None:
            H_off = self.system.arrays(off)[0]
            jumps = lindblad_operators(self.dissipators, self.N, self.extra)
            self.generator = liouvillian_family(H_off[0], jumps).sparse(0)

    def _storage(self, storage: Any, values: dict[str, Any]) -> dict[str, Any]:
        """Read ``storage``; returns the values of its own symbols (taken out of values)."""
        self.channel, self.dissipators = None, None
        if storage is None:
            return {}
        if isinstance(storage, Channel):
            if storage.N != self.N:
                raise ValueError(f"the storage channel acts on {storage.N} qubits; the battery "
                                 f"has {self.N} cells")
            self.channel = storage
            names = {s.name for s in storage.parameters}
        else:
            items = [storage] if isinstance(storage, Dissipator) else list(storage) \
                if isinstance(storage, (list, tuple)) else None
            if items is None or not all(isinstance(d, Dissipator) for d in items):
                raise ValueError("storage must be None (the battery's own dissipators), "
                                 "dissipators (qb.dephasing(...), ...) or a qb.channel(...)")
            for d in items:
                d.terms(self.N)
            self.dissipators = items
            names = {s.name for d in items for s in d.free_symbols}
        missing = sorted(names - set(values))
        if missing:
            raise ValueError(f"give a value for the storage's {', '.join(missing)}")
        return {n: values[n] for n in names}

    def charged(self, tau: np.ndarray) -> np.ndarray:
        """Coordinates ``(n, d^2)`` after charging for the times ``tau`` (and the battery's
        channels, if it has any)."""
        x = self.charging.coordinates(check_times(tau))[0]
        if not self.system.readout:
            return x
        return to_coordinates(self.system.read(from_coordinates(x, 2 ** self.N)))

    def stored(self, x: np.ndarray, s: float) -> np.ndarray:
        """Coordinates after the storage ``s`` of the states ``x`` ``(n, d^2)``."""
        if self.channel is not None:
            return to_coordinates(self._uses(from_coordinates(x, 2 ** self.N), s))
        if s == 0:
            return x
        if self.generator.shape[0] <= DENSE_STORAGE:
            return x @ scipy.linalg.expm(self.generator.toarray() * s).T
        return scipy.sparse.linalg.expm_multiply(self.generator * s, x.T).T

    def _uses(self, rho: np.ndarray, count: float) -> np.ndarray:
        """The channel applied ``count`` times to states ``(n, d, d)``, site by site."""
        if count != int(count):
            raise ValueError(f"a channel's storage s is a number of uses (an integer >= 0); "
                             f"got {count:g}")
        values = tuple(sorted((s.name, self.extra[s.name]) for s in self.channel.parameters))
        for ops in _site_operators(self.channel, int(count), values):
            rho = sum(K @ rho @ K.conj().T for K in ops)
        return rho

    def measure(self, x: np.ndarray, quantity: str) -> np.ndarray:
        return state_figures(from_coordinates(x, 2 ** self.N), self.H0)[quantity]


@lru_cache(maxsize=256)
def _site_operators(channel: Channel, count: int, values: tuple) -> list[list[np.ndarray]]:
    """The full-space Kraus operators of ``channel`` used ``count`` times, per site, at the
    values of its symbols (cached: a scan reuses them)."""
    power = channel.power(uses(count))
    subs = {s: exact_real(s.name, dict(values)[s.name]) for s in power.parameters}
    N = channel.N
    return [[reduce(np.kron, [np.eye(2 ** (site - 1)),
                              np.array(sp.Matrix(K).xreplace(subs).evalf(17).tolist(), complex),
                              np.eye(2 ** (N - site))]) for K in kraus]
            for site, kraus in power.local_kraus.items()]


def _quantity(quantity: str) -> str:
    if quantity not in PROTOCOL_QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; a protocol reports: "
                         f"{', '.join(PROTOCOL_QUANTITIES)}")
    return quantity


def charge_and_store(battery: Battery, tau: Any, s: Any, storage: Any = None, *,
                     charger: Sequence[str] = ("Omega",), quantity: str = "ergotropy",
                     **values: Any) -> np.ndarray:
    """The ``quantity`` left after charging for ``tau`` and storing for ``s`` (module docstring).

    Parameters
    ----------
    battery
        Any battery of at most 6 cells (closed or open).
    tau, s
        Charging and storage times (numbers or arrays that broadcast; ``s`` is a number of
        uses when ``storage`` is a channel).
    storage
        None (the battery's own dissipators), dissipators, or a channel.
    charger
        The parameters set to 0 during storage (the charging field).
    quantity
        ``"ergotropy"`` (default), ``"energy"`` or ``"capacity"`` of the stored state.
    **values
        The battery's parameters and the storage's symbols.

    Returns
    -------
    numpy.ndarray
        The broadcast shape of ``tau`` and ``s``.

    Raises
    ------
    ValueError
        For an unknown charger name or quantity, negative times, a non-integer number of
        channel uses, a channel on another number of qubits, or bad parameter values.

    Examples
    --------
    >>> import math, qb_symbolic as qb
    >>> bat = qb.Battery("parallel", omega0=1)  # |uu> at Omega t = pi/2; storage: H = 0
    >>> kept = qb.charge_and_store(bat, math.pi / 2, 1.0, qb.amplitude_damping(0.5), Omega=1)
    >>> abs(float(kept) - 2 * 2 * (2 * math.exp(-0.5) - 1)) < 1e-12  # 2 cells of 2 (p_u - p_d)
    True
    """
    quantity = _quantity(quantity)
    taus, stores = real_array("tau", tau), real_array("s", s)
    shape = np.broadcast_shapes(taus.shape, stores.shape)
    check_times(np.reshape(stores, -1))
    protocol = _Protocol(battery, storage, charger, values)
    tau_u, tau_i = np.unique(np.broadcast_to(taus, shape), return_inverse=True)
    s_u, s_i = np.unique(np.broadcast_to(stores, shape), return_inverse=True)
    x = protocol.charged(tau_u)
    table = np.stack([protocol.measure(protocol.stored(x, float(v)), quantity) for v in s_u])
    return table[s_i.reshape(shape), tau_i.reshape(shape)] + 0.0


def best_charging_time(battery: Battery, s: float, storage: Any = None, *,
                       charger: Sequence[str] = ("Omega",), window: float | None = None,
                       quantity: str = "ergotropy", **values: Any) -> ProtocolResult:
    """The charging time ``tau`` in ``[0, window]`` that leaves the most ``quantity``
    after the storage ``s`` (module docstring; arguments as for :func:`charge_and_store`,
    ``window`` default ``pi/(2 Omega)``).

    Raises
    ------
    ValueError
        As :func:`charge_and_store`, and for a window that is not finite and > 0 (or no
        ``Omega`` for the default one).

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> r = qb.best_charging_time(qb.Battery("parallel", omega0=1), 1.0,
    ...                           qb.amplitude_damping(0.5), Omega=1)
    >>> round(r.tau, 4), round(r.value, 4)   # not the full charge: coherence decays slower
    (1.1035, 1.1884)
    """
    quantity = _quantity(quantity)
    protocol = _Protocol(battery, storage, charger, values)
    s = float(real_array("s", s))
    check_times([s])
    if window is None:
        if not protocol.omega or float(protocol.omega) <= 0:
            raise ValueError("give a window: the default pi/(2 Omega) needs a parameter Omega > 0")
        window = math.pi / (2 * float(protocol.omega))
    T = float(real_array("window", window))
    if not T > 0:
        raise ValueError(f"the window must be > 0; got {window!r}")
    count = int(max(MIN_POINTS, POINTS_PER_PERIOD * protocol.spread * T / (2 * math.pi) + 1))
    grid = np.linspace(0.0, T, count)

    def retained(taus: np.ndarray) -> np.ndarray:
        return protocol.measure(protocol.stored(protocol.charged(taus), s), quantity)

    values_on_grid = retained(grid)
    k = int(np.argmax(values_on_grid))
    at_end = k == count - 1 and values_on_grid[-1] > values_on_grid[-2]
    best_tau, best = float(grid[k]), float(values_on_grid[k])
    if 0 < k < count - 1:
        best_tau, best = _golden(retained, grid[k - 1], grid[k + 1])
    charged = float(protocol.measure(protocol.charged(np.array([best_tau])), quantity)[0])
    return ProtocolResult(float(best_tau), float(best), charged, s, (0.0, T), count, bool(at_end),
                          quantity)


def _golden(f, a: float, b: float) -> tuple[float, float]:
    """Maximum of a unimodal ``f`` (of arrays) on ``[a, b]``: golden-section search."""
    ratio = (math.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = (float(v) for v in f(np.array([c, d])))
    for _ in range(GOLDEN_STEPS):
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = float(f(np.array([c]))[0])
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = float(f(np.array([d]))[0])
    return (c, fc) if fc > fd else (d, fd)


__all__ = ["PROTOCOL_QUANTITIES", "ProtocolResult", "best_charging_time", "charge_and_store"]
