"""``qb-symbolic eval`` (values and exact derivatives at given times), ``tmin`` and
``max-power`` (the charging-time searches), on any battery of :mod:`qb_symbolic.cli_battery`."""

from __future__ import annotations

import argparse
from typing import Any

import mpmath as mp
import numpy as np

from .cli_battery import Target, add_battery_options, battery_target
from .cli_numbers import number
from .cli_table import scan_progress


def add_eval(sub, times, add_json) -> None:
    """The ``eval`` subcommand; ``times`` parses ``--t``, ``add_json`` adds ``--json``."""
    p = sub.add_parser("eval", help="evaluate a quantity at given times")
    p.add_argument("quantity", help="energy, ergotropy, power, coherence, steering, "
                   "steerability or concurrence; mixed starts also capacity, "
                   "incoherent_ergotropy, ...; chains also ergotropy_per_cell, power_per_cell")
    add_battery_options(p)
    add_json(p)
    p.add_argument("--t", type=times, required=True, help="T1,T2,... or start:stop:count")
    p.add_argument("--digits", type=int, default=None,
                   help="evaluate with mpmath at this many significant digits (shown with that "
                   "many; strings in JSON)")
    p.add_argument("--wrt", default=None, metavar="NAME",
                   help="the exact derivative with respect to a parameter (or t) instead")


def add_searches(sub, add_json) -> None:
    """The ``tmin`` and ``max-power`` subcommands."""
    for name, text in (("tmin", "time of the largest ergotropy in the window"),
                       ("max-power", "time and value of the largest power in the window")):
        p = sub.add_parser(name, help=text)
        add_battery_options(p)
        add_json(p)
        p.add_argument("--window", type=number, default=None,
                       help="end T of the window [0, T] (a time; default pi/(2 Omega))")


def _derivative(args: argparse.Namespace, target: Target, times) -> Any:
    """``eval --wrt NAME``: the exact derivative at ``times``."""
    from .numeric.closed_form.derivatives import derivative

    if target.kind in ("chain", "mixed"):
        what = "a chain" if target.kind == "chain" else "a mixed start"
        raise ValueError(f"--wrt is the exact derivative of a two-qubit closed form with a pure "
                         f"start, which {what} does not have: evaluate at nearby values "
                         f"instead (eval), or find a largest value with optimise")
    values = target.values
    if target.battery is None:
        from .model.battery import Battery

        target.resolved()  # a preset conflict (--model ising --gamma 0.5) is refused here
        names = Battery(target.model).as_model().names
        values = {k: v for k, v in values.items() if k in names}
    if args.digits is None:
        return derivative(args.quantity, args.wrt, times, **target.where(), **values)
    return np.array([derivative(args.quantity, args.wrt, x, digits=args.digits,
                                **target.where(), **values) for x in np.atleast_1d(times)],
                    dtype=object)


def run_eval(args: argparse.Namespace) -> dict[str, Any]:
    """``qb-symbolic eval``: the payload (printed as JSON or by :func:`cli_table.table`)."""
    from .numeric.evaluate import check_quantity, evaluate

    target = battery_target(args)
    if target.kind in ("preset", "user"):
        check_quantity(args.quantity)  # mixed starts and chains check their own lists
    if args.digits is not None and args.digits < 1:
        raise ValueError(f"--digits must be a positive integer; got {args.digits}")
    if args.digits is not None and target.kind == "chain":
        raise ValueError("--digits is not available for chains (a float diagonalisation per "
                         "symmetry sector): leave it out for double precision")
    times = args.t if args.digits is not None else np.asarray(args.t, dtype=float)
    if args.wrt is not None:
        values = _derivative(args, target, times)
    else:
        values = evaluate(args.quantity, times, digits=args.digits, **target.where(),
                          **target.values)
    if args.digits is not None:
        shown = [mp.nstr(v, args.digits, strip_zeros=False)
                 for v in np.asarray(values, dtype=object).reshape(-1)]
    else:
        shown = [float(v) + 0.0 for v in np.asarray(values).reshape(-1)]
    return {
        "quantity": args.quantity if args.wrt is None else f"d {args.quantity}/d {args.wrt}",
        "model": target.label,
        "params": target.resolved(),
        "t": [float(x) + 0.0 for x in np.asarray(args.t, dtype=float).reshape(-1)],
        "values": shown,
    }


def _digits(value: mp.mpf, n: int) -> str:
    return mp.nstr(value, n, strip_zeros=False)


def _search(args: argparse.Namespace, search) -> tuple[Any, Target, int]:
    """Run ``charging_time`` or ``max_power``; also the digits worth showing (40 from the
    mpmath refinement; a chain's search runs in double precision)."""
    target = battery_target(args)
    result = search(**target.where(), window=args.window, progress=scan_progress(),
                    **target.values)
    return result, target, 16 if target.kind == "chain" else 40


def _payload(result: Any, target: Target, shown: int, time: str, value: str,
             extra: dict[str, Any]) -> dict[str, Any]:
    """A search's JSON: the time and value under their names (``time``, ``value``), with
    their exact form and digits, ``extra`` fields, and the window's facts."""
    return {
        "model": target.label,
        "params": target.resolved(),
        time: float(result.t),
        value: float(result.value),
        **extra,
        f"{time}_exact": None if result.t_exact is None else str(result.t_exact),
        f"{time}_digits": _digits(result.t, shown),
        f"{value}_digits": _digits(result.value, shown),
        "window": float(result.window[1]),
        "at_window_end": result.at_window_end,
        "grid_points": result.grid_points,
        "unrefined_ties": result.unrefined_ties,
    }


def run_tmin(args: argparse.Namespace) -> dict[str, Any]:
    """``qb-symbolic tmin``: the time of the largest ergotropy in the window."""
    from .numeric.search.charging import charging_time

    result, target, shown = _search(args, charging_time)
    return _payload(result, target, shown, "t_min", "ergotropy_max",
                    {"full_charge": bool(result.full_charge),
                     "capacity": float(result.capacity)})


def run_max_power(args: argparse.Namespace) -> dict[str, Any]:
    """``qb-symbolic max-power``: the time and value of the largest power in the window."""
    from .numeric.search.charging import max_power

    result, target, shown = _search(args, max_power)
    return _payload(result, target, shown, "t", "power_max", {})
