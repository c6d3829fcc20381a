"""Parameter sweeps: a grid of parameter points, in bounded chunks, locally or on Dask.

``sweep(quantities, over={...}, battery=... | model=..., t=..., client=None)`` evaluates
the quantities on the outer product of the ``over`` axes (their order is the result's
axis order; ``t`` may be one of them). The parameter axes are flattened into points and
cut into chunks of at most ``chunk_elements`` values (points x times), each evaluated by
:func:`_sweep_chunk` through :func:`qb_symbolic.evaluate_many`: the closed forms of a
two-qubit battery (uniform time grids take the fast path) or the sector/Krylov numerics
of a chain. Locally the chunks run one after another in this process; with a
``dask.distributed.Client`` the same function runs on the cluster's workers (the battery
is sent once, each task carries only its chunk's parameter columns), so a worker never
holds more than one chunk's values. Dask is an optional extra
(``pip install "qb_symbolic[distributed]"``), imported only when a client is given.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..evaluate import evaluate_many

#: Values (points x times) per chunk: 2^20 doubles per quantity, 8 MB.
CHUNK_ELEMENTS = 1 << 20
#: A progress bar is drawn (on a terminal) for sweeps of at least this many chunks.
PROGRESS_MIN_CHUNKS = 8


@dataclass(frozen=True)
class SweepResult:
    """Values on a named grid: ``result[q]`` has one axis per name in ``axes``.

    Examples
    --------
    >>> r = sweep("ergotropy", {"Omega": [1.0, 2.0]}, t=0.25, model="parallel", omega0=1)
    >>> r.axes, r["ergotropy"].shape
    (('Omega',), (2,))
    """

    axes: tuple[str, ...]
    coords: dict[str, np.ndarray]
    values: dict[str, np.ndarray]

    def __getitem__(self, quantity: str) -> np.ndarray:
        return self.values[quantity]

    def __repr__(self) -> str:
        grid = " x ".join(f"{a}[{len(self.coords[a])}]" for a in self.axes)
        return f"SweepResult({', '.join(self.values)} on {grid})"


def _sweep_chunk(spec: dict, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One chunk: ``(points, times)`` per quantity. The same function runs locally and on
    Dask workers (pickled by reference to this module, so a worker needs only qb_symbolic)."""
    values = {**spec["fixed"], **{n: c[:, None] for n, c in columns.items()}}
    target = {"battery": spec["battery"]} if spec["battery"] is not None else {"model": spec["model"]}
    found = evaluate_many(spec["quantities"], spec["t"][None, :], **target, **values)
    size = len(next(iter(columns.values()))) if columns else 1
    return {q: np.broadcast_to(v, (size, spec["t"].size)).copy() for q, v in found.items()}


def _axes(over: dict, t: Any) -> tuple[dict[str, np.ndarray], np.ndarray, bool]:
    """The parameter axes, the times and whether ``t`` is an axis of the result."""
    if not isinstance(over, dict) or not over:
        raise ValueError("over= must be a non-empty dict {name: 1-D array of values}")
    axes = {}
    for name, values in over.items():
        array = np.asarray(values, dtype=float) if not isinstance(values, str) else None
        if array is None or array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
            raise ValueError(f"over[{name!r}] must be a non-empty 1-D array of finite real "
                             f"numbers; got {values!r}")
        axes[name] = array
    if "t" in axes:
        if t is not None:
            raise ValueError("t is an axis of over=; do not also give t=")
        return {n: a for n, a in axes.items() if n != "t"}, axes["t"], True
    if t is None:
        raise ValueError("give the times: t= (a number or a 1-D array) or an axis 't' in over=")
    times = np.asarray(t, dtype=float)
    if times.ndim > 1 or times.size == 0:
        raise ValueError(f"t= must be a number or a non-empty 1-D array; got shape {times.shape}")
    return axes, times.reshape(-1), times.ndim == 1


def sweep(quantities: str | Sequence[str], over: dict[str, Any], *, t: Any = None,
          battery: Any = None, model: str | None = None, client: Any = None,
          chunk_elements: int = CHUNK_ELEMENTS, progress: bool | None = None,
          **values: Any) -> SweepResult:
    """Evaluate ``quantities`` on the grid ``over`` (module docstring).

    Parameters
    ----------
    quantities
        A quantity name or several (as for :func:`qb_symbolic.evaluate_many`).
    over
        ``{name: 1-D values}``: parameter axes of the battery (and possibly ``"t"``), in
        the order of the result's axes.
    t
        The times when ``"t"`` is not an axis: a number, or a 1-D array (then the last axis).
    battery, model
        What to evaluate: a battery object (two-qubit, mixed, chain) or a preset name.
    client
        A ``dask.distributed.Client``: the chunks run on its cluster. None: in this process.
    chunk_elements
        Most values (points x times) per chunk.
    progress
        Draw a progress bar on stderr; default: on a terminal, for many chunks.
    **values
        The parameters held fixed.

    Examples
    --------
    >>> import numpy as np, qb_symbolic as qb
    >>> r = qb.sweep("ergotropy", {"D": [0.0, 1.0], "t": np.linspace(0, 1, 3)},
    ...              model="ising", Omega=1, J=1, omega0=1)
    >>> r.axes, r["ergotropy"].shape
    (('D', 't'), (2, 3))
    """
    names = (quantities,) if isinstance(quantities, str) else tuple(quantities)
    if not names:
        raise ValueError("give at least one quantity")
    if battery is None and model is None:
        model = "general"
    if isinstance(chunk_elements, bool) or not isinstance(chunk_elements, int) or chunk_elements < 1:
        raise ValueError(f"chunk_elements must be a positive integer; got {chunk_elements!r}")
    axes, times, t_axis = _axes(over, t)
    clash = sorted(set(axes) & set(values))
    if clash:
        raise ValueError(f"{clash[0]!r} is both an axis of over= and a fixed value")
    spec = {"quantities": names, "battery": battery, "model": model, "t": times, "fixed": values}
    grids = np.meshgrid(*axes.values(), indexing="ij") if axes else []
    flat = {n: g.reshape(-1) for n, g in zip(axes, grids)}
    total = math.prod(len(a) for a in axes.values())
    per_chunk = max(1, chunk_elements // times.size)
    bounds = [(k, min(k + per_chunk, total)) for k in range(0, total, per_chunk)]
    chunks = [{n: c[a:b] for n, c in flat.items()} for a, b in bounds]
    _sweep_chunk(spec, {n: c[:1] for n, c in flat.items()})  # bad input fails here, once
    show = progress if progress is not None else (
        len(chunks) >= PROGRESS_MIN_CHUNKS and sys.stderr.isatty())
    parts = _run(spec, chunks, client, _Bar(len(chunks)) if show else None)
    shape = tuple(len(a) for a in axes.values())
    out = {}
    for q in names:
        stacked = np.concatenate([parts[k][q] for k in range(len(chunks))], axis=0)
        out[q] = stacked.reshape(shape + ((times.size,) if t_axis else ()))
    coords = {**axes, **({"t": times} if t_axis else {})}
    order = tuple(over) if "t" in over else tuple(axes) + (("t",) if t_axis else ())
    if "t" in over and order[-1] != "t":  # t asked as an inner axis: move it there
        position = order.index("t")
        out = {q: np.moveaxis(v, -1, position) for q, v in out.items()}
    return SweepResult(order, {a: coords[a] for a in order}, out)


def _run(spec: dict, chunks: list[dict], client: Any, bar: _Bar | None) -> dict[int, dict]:
    """The chunks' results by index, in this process or on ``client``'s cluster."""
    parts: dict[int, dict] = {}
    if client is None:
        for k, columns in enumerate(chunks):
            parts[k] = _sweep_chunk(spec, columns)
            if bar:
                bar.update(k + 1)
    else:
        try:  # inside: Dask is an optional extra (qb_symbolic[distributed])
            from dask.distributed import as_completed
        except ImportError as error:
            raise ValueError("client= needs Dask: pip install 'qb_symbolic[distributed]'") from error
        if not hasattr(client, "submit") or not hasattr(client, "scatter"):
            raise ValueError(f"client= must be a dask.distributed.Client; got {client!r}")
        (shared,) = client.scatter([spec], broadcast=True)  # a list: one object, not its keys
        futures = {client.submit(_sweep_chunk, shared, columns, pure=False): k
                   for k, columns in enumerate(chunks)}
        for done, future in enumerate(as_completed(futures), 1):
            parts[futures[future]] = future.result()  # a worker's error is raised here
            if bar:
                bar.update(done)
    if bar:
        bar.close()
    return parts


class _Bar:
    """A one-line text progress bar on stderr (chunks done, elapsed time)."""

    def __init__(self, total: int) -> None:
        self.total, self.start = total, time.perf_counter()

    def update(self, done: int) -> None:
        filled = int(30 * done / self.total)
        sys.stderr.write(f"\rsweep [{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} "
                         f"chunks, {time.perf_counter() - self.start:.1f} s")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
