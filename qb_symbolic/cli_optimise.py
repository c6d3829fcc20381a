"""``qb-symbolic optimise QUANTITY --over NAME=LOW:HIGH ...``: the largest value in a box."""

from __future__ import annotations

import argparse
from typing import Any


def add_optimise(sub, add_parameters) -> None:
    p = sub.add_parser("optimise", help="largest value of a quantity in a box of parameters "
                       "and/or time (exact gradients)")
    p.add_argument("quantity", help="energy, ergotropy, power, concurrence, coherence or steering")
    p.add_argument("--over", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="a coordinate and its range (repeat; t allowed)")
    p.add_argument("--t", type=float, default=None, help="the time, when t is not a coordinate")
    add_parameters(p)


def _range(item: str) -> tuple[str, tuple[float, float]]:
    name, sep, span = item.partition("=")
    low, colon, high = span.partition(":")
    if not sep or not colon or not name.strip():
        raise ValueError(f"--over takes NAME=LOW:HIGH; got {item!r}")
    try:
        return name.strip(), (float(low), float(high))
    except ValueError as error:
        raise ValueError(f"--over takes NAME=LOW:HIGH with numbers; got {item!r}") from error


def run_optimise(args: argparse.Namespace, given: dict[str, Any]) -> dict[str, Any]:
    from .model.presets import Battery
    from .numeric.optimise import optimise

    over = dict(_range(item) for item in args.over)
    if not over:
        raise ValueError("give at least one --over NAME=LOW:HIGH")
    names = Battery(args.model).as_model().names
    fixed = {k: v for k, v in given.items() if k in names and v is not None and k not in over}
    found = optimise(args.quantity, over, model=args.model, t=args.t, **fixed)
    return {"quantity": args.quantity, "model": args.model, "value": found.value,
            "location": found.location, "gradient": found.gradient,
            "on_bound": list(found.on_bound), "interior": found.interior}
