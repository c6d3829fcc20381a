"""``qb-symbolic optimise QUANTITY --over NAME=LOW:HIGH ...``: the largest value in a box, on
any battery of :mod:`qb_symbolic.cli_battery`."""

from __future__ import annotations

import argparse
from typing import Any

from .cli_battery import add_battery_options, battery_target
from .cli_numbers import number


def add_optimise(sub, add_json) -> None:
    """The ``optimise`` subcommand; ``add_json`` adds ``--json``."""
    p = sub.add_parser("optimise", help="largest value of a quantity in a box of parameters "
                       "and/or time (exact gradients; central differences for chains and "
                       "mixed starts)")
    p.add_argument("quantity", help="energy, ergotropy, power, concurrence, coherence or steering")
    p.add_argument("--over", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="a coordinate and its range (repeat; t allowed)")
    p.add_argument("--t", type=number, default=None, help="the time, when t is not a coordinate")
    add_battery_options(p)
    add_json(p)


def _range(item: str) -> tuple[str, tuple[float, float]]:
    name, sep, span = item.partition("=")
    low, colon, high = span.partition(":")
    if not sep or not colon or not name.strip():
        raise ValueError(f"--over takes NAME=LOW:HIGH; got {item!r}")
    try:
        return name.strip(), (float(low), float(high))
    except ValueError as error:
        raise ValueError(f"--over takes NAME=LOW:HIGH with numbers; got {item!r}") from error


def run_optimise(args: argparse.Namespace) -> dict[str, Any]:
    """``qb-symbolic optimise``: the payload (printed as JSON or by :func:`cli_table.table`)."""
    from .model.battery import Battery
    from .numeric.search.optimise import optimise

    over = dict(_range(item) for item in args.over)
    if not over:
        raise ValueError("give at least one --over NAME=LOW:HIGH")
    target = battery_target(args)
    fixed = {k: v for k, v in target.values.items() if k not in over}
    if target.battery is None:
        target.resolved()  # a preset conflict (--model ising --gamma 0.5) is refused here
        names = Battery(target.model).as_model().names
        fixed = {k: v for k, v in fixed.items() if k in names}
    found = optimise(args.quantity, over, t=args.t, **target.where(), **fixed)
    at = {k: v for k, v in found.location.items() if k != "t"}
    return {"quantity": args.quantity, "model": target.label,
            "params": target.resolved({**fixed, **at}),
            "value": found.value, "location": found.location, "gradient": found.gradient,
            "gradient_method": found.gradient_method, "on_bound": list(found.on_bound),
            "interior": found.interior}
