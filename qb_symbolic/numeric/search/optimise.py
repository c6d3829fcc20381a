"""Largest value of a figure of merit in a box of parameters (and time), with exact gradients.

``optimise(quantity, over={name: (low, high), ...}, model=... | battery=..., **fixed)``:

1. a seed grid over the box (about :data:`SEED_POINTS` points in all, through the fast
   evaluators), keeping the :data:`STARTS` best points;
2. from each, projected gradient ascent with the exact gradient of
   :func:`qb_symbolic.numeric.closed_form.derivatives.derivative` (backtracking line search; a
   coordinate at a bound whose gradient points outward is held there);
3. a Newton polish on the free coordinates (Hessian by central differences of the exact
   gradient), so an interior maximum is located to ~1e-12, not to the square root of
   the value's precision.

Chains and mixed starts have no closed-form chain to differentiate: their gradient is taken
by central differences of the evaluator (step :data:`DIFFERENCE_STEP` of each coordinate's
range, one-sided at a bound), good to about 1e-8, so their certificate uses the looser
:data:`DIFFERENCE_TOLERANCE` and the result says ``gradient_method="central differences"``.

The result carries its certificate: the gradient there, which coordinates sit on a bound,
and ``interior`` (all free, projected gradient norm below :data:`GRADIENT_TOLERANCE`
times the value's scale). A grid search cannot prove a global maximum: the seed grid
makes missing a narrow peak unlikely, not impossible (said in the result).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...model.kinds import battery_kind
from ..closed_form.derivatives import derivative
from ..evaluate import evaluate

#: Seed grid size (all dimensions together) and the number of ascents started.
SEED_POINTS = 20_000
STARTS = 4
#: Projected gradient norm (relative to max(1, |value|)) that certifies a stationary point.
GRADIENT_TOLERANCE = 1e-9
ASCENT_STEPS = 200
#: Central-difference step (relative to each coordinate's range) and the certificate's
#: tolerance when the gradient is numerical: the float evaluators are good to ~1e-13, so a
#: step of 1e-5 balances truncation (step^2) against rounding (1e-13/step): ~1e-8.
DIFFERENCE_STEP = 1e-5
DIFFERENCE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class OptimumResult:
    """The best point found and its certificate.

    Examples
    --------
    >>> r = optimise("ergotropy", {"t": (0, 2)}, model="parallel", Omega=2, omega0=1)
    >>> round(r.location["t"], 12), round(r.value, 12), r.on_bound
    (0.785398163397, 4.0, ())
    """

    value: float
    location: dict[str, float]
    gradient: dict[str, float]
    on_bound: tuple[str, ...]
    interior: bool
    seed_points: int
    gradient_method: str = "exact"

    def __repr__(self) -> str:
        where = ", ".join(f"{k}={v:.12g}" for k, v in self.location.items())
        kind = "interior stationary point" if self.interior else (
            f"on the bound of {', '.join(self.on_bound)}" if self.on_bound else "not certified")
        return f"OptimumResult({self.value:.15g} at {where}; {kind})"


def _box(over: dict) -> dict[str, tuple[float, float]]:
    if not isinstance(over, dict) or not over:
        raise ValueError("over= must be a non-empty dict {name: (low, high)}")
    box = {}
    for name, bounds in over.items():
        try:
            low, high = (float(x) for x in bounds)
        except (TypeError, ValueError) as error:
            raise ValueError(f"over[{name!r}] must be a pair (low, high); got {bounds!r}") from error
        if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            raise ValueError(f"over[{name!r}] = ({low}, {high}) is empty or inverted: need low < high")
        if name == "t" and low < 0:
            raise ValueError("times must be >= 0")
        box[name] = (low, high)
    return box


def optimise(quantity: str, over: dict[str, Any], *, model: str | None = None,
             battery: Any = None, t: float | None = None, **fixed: Any) -> OptimumResult:
    """Maximise ``quantity`` over the box ``over`` (parameters and/or ``"t"``); ``t`` fixes
    the time when it is not a coordinate (module docstring).

    Examples
    --------
    >>> r = optimise("ergotropy", {"t": (0, 2)}, model="parallel", Omega=1, omega0=1)
    >>> round(r.location["t"], 12), r.interior
    (1.570796326795, True)
    """
    box = _box(over)
    names = list(box)
    if "t" not in box and t is None:
        raise ValueError("give t= or make 't' a coordinate of over=")
    clash = sorted(set(names) & set(fixed))
    if clash:
        raise ValueError(f"{clash[0]!r} is both a coordinate of over= and a fixed value")
    target = {"model": model} if battery is None else {"battery": battery}
    lows, highs = np.array([box[n][0] for n in names]), np.array([box[n][1] for n in names])
    if quantity == "power" and "t" in box:  # d P/dt has no closed form at t = 0 itself
        k = names.index("t")
        lows[k] = max(lows[k], 1e-9 * highs[k])

    def split(x: np.ndarray) -> tuple[Any, dict]:
        point = dict(zip(names, x))
        return point.pop("t", t), point

    def value(x: np.ndarray) -> np.ndarray:
        time, point = split(x)
        return np.asarray(evaluate(quantity, time, **target, **fixed, **point), float)

    def exact_gradient(x: np.ndarray) -> np.ndarray:
        time, point = split(x)
        return np.array([float(derivative(quantity, n, time, **target, **fixed, **point))
                         for n in names])

    exact = _closed_form(battery)
    gradient = exact_gradient if exact else _differences(value, lows, highs)
    seeds, count = _seeds(value, lows, highs)
    best = max((_ascend(value, gradient, s, lows, highs) for s in seeds), key=lambda r: r[1])
    x, found, g = best
    span = highs - lows
    at_low, at_high = x <= lows + 1e-12 * span, x >= highs - 1e-12 * span
    bound = (at_low & (g < 0)) | (at_high & (g > 0))
    free_norm = float(np.linalg.norm(np.where(bound, 0.0, g)))
    tolerance = GRADIENT_TOLERANCE if exact else DIFFERENCE_TOLERANCE
    stationary = free_norm <= tolerance * max(1.0, abs(found))
    return OptimumResult(float(found), dict(zip(names, map(float, x))),
                         dict(zip(names, map(float, g))),
                         tuple(n for n, b in zip(names, bound) if b),
                         bool(stationary and not bound.any()), count,
                         "exact" if exact else "central differences")


def _closed_form(battery: Any) -> bool:
    """Whether the battery has the closed-form chain :func:`derivative` differentiates
    (presets and two-qubit batteries with a pure start; not chains, not mixed starts)."""
    return battery_kind(battery) in ("preset", "pure")


def _differences(value, lows: np.ndarray, highs: np.ndarray):
    """The gradient of ``value`` by central differences, one-sided at the box's bounds
    (a chain's or mixed start's evaluator has nothing to differentiate exactly)."""
    steps = DIFFERENCE_STEP * (highs - lows)

    def gradient(x: np.ndarray) -> np.ndarray:
        # the Newton polish asks just beyond a bound too (its Hessian column of a
        # coordinate held there is never used): answer the bound's gradient
        x = np.clip(x, lows, highs)
        plus = np.minimum(x[:, None] + np.diag(steps), highs[:, None])  # column k moves x_k
        minus = np.maximum(x[:, None] - np.diag(steps), lows[:, None])
        values = np.asarray(value(np.concatenate([plus, minus], axis=1)), float)
        n = len(x)
        return (values[:n] - values[n:]) / (plus - minus).diagonal()

    return gradient


def _seeds(value, lows: np.ndarray, highs: np.ndarray) -> tuple[list[np.ndarray], int]:
    per_axis = max(3, int(SEED_POINTS ** (1 / len(lows))))
    axes = [np.linspace(lo, hi, per_axis) for lo, hi in zip(lows, highs)]
    grid = np.stack([g.reshape(-1) for g in np.meshgrid(*axes, indexing="ij")], axis=1)
    values = np.concatenate([value(grid[k:k + 4096].T) for k in range(0, len(grid), 4096)])
    order = np.argsort(values)[::-1][:STARTS]
    return [grid[k] for k in order], len(grid)


def _ascend(value, gradient, x: np.ndarray, lows: np.ndarray, highs: np.ndarray):
    """Projected gradient ascent, then Newton on the free coordinates: (x, f(x), grad)."""
    f, g, step = float(value(x)), gradient(x), 1.0
    for _ in range(ASCENT_STEPS):
        trial = np.clip(x + step * g, lows, highs)
        ft = float(value(trial))
        if ft > f:
            x, f, g, step = trial, ft, gradient(trial), step * 2
        else:
            step /= 4
            if step * float(np.linalg.norm(g)) < 1e-13 * float(np.max(highs - lows)):
                break
    for _ in range(8):  # Newton polish: quadratic convergence at an interior maximum
        free = ~(((x <= lows) & (g < 0)) | ((x >= highs) & (g > 0)))
        if not free.any():
            break
        h = 1e-5 * (highs - lows)
        H = np.array([(gradient(x + e) - gradient(x - e)) / (2 * e[i])
                      for i, e in enumerate(np.diag(h))]).T
        Hf = H[np.ix_(free, free)]
        if not np.all(np.linalg.eigvalsh((Hf + Hf.T) / 2) < 0):
            break
        move = np.zeros_like(x)
        move[free] = -np.linalg.solve(Hf, g[free])
        trial = np.clip(x + move, lows, highs)
        ft = float(value(trial))
        if ft < f - 1e-12 * max(1.0, abs(f)):
            break
        x, f, g = trial, ft, gradient(trial)
    return x, f, g
