"""``qb-symbolic dstar``: the DM strength D* with the highest first ergotropy peak.

For a network (``--network GRAPH``) or a chain (``--chain N``) battery with D free
(:func:`qb_symbolic.numeric.search.network_peak.dstar`). The parameters not given take the
setting of Bhattacharya, Sabale and Kumar (arXiv:2508.20529): ``J = Omega = omega0 = 1``,
``Delta = 2`` (:data:`qb_symbolic.paper.network_figures.UNITS`). Prints D*, the first
peak's height, share of the full charge and time, the flatness (height lost at
``D* +- 0.01``) and the gap of the first cycle to ``sin^2``; ``--json`` prints one object.
"""

from __future__ import annotations

import argparse
from typing import Any

from .cli_battery import add_battery_options, battery_target
from .cli_numbers import number


def add_dstar(sub, add_json) -> None:
    """The ``dstar`` subcommand."""
    p = sub.add_parser("dstar", help="the D with the highest first ergotropy peak of a network "
                       "or chain (Bhattacharya et al.: J = Omega = omega0 = 1, Delta = 2 "
                       "unless given)")
    add_battery_options(p)
    add_json(p)
    p.add_argument("--D-range", dest="D_range", default="0:4", metavar="LOW:HIGH",
                   help="the D scanned (default 0:4)")
    p.add_argument("--step", type=number, default=None,
                   help="the coarse D grid's step (default 0.2); D* is refined to 1e-4")


def _range(text: str) -> tuple[float, float]:
    low, sep, high = text.partition(":")
    if not sep:
        raise ValueError(f"--D-range takes LOW:HIGH, e.g. 0:4; got {text!r}")
    try:
        return number(low), number(high)
    except argparse.ArgumentTypeError:
        raise ValueError(f"--D-range takes two numbers LOW:HIGH, e.g. 0:4; got {text!r}") from None


def run_dstar(args: argparse.Namespace) -> dict[str, Any] | str:
    """``qb-symbolic dstar``: a table, or the payload itself with ``--json``."""
    from .numeric.search.network_peak import D_STEP, FLAT_STEP, dstar
    from .paper.network_figures import UNITS

    if args.network is None and args.chain is None:
        raise ValueError("dstar needs a battery of many cells: --network GRAPH or --chain N")
    if args.D is not None:
        raise ValueError("dstar scans D: leave out --D (give --D-range LOW:HIGH)")
    target = battery_target(args)
    battery = target.battery
    if "D" not in battery.names:
        raise ValueError(f"--model {args.model} has no DM term: D* needs D free")
    values = {**{k: v for k, v in UNITS.items() if k in battery.names}, **target.values}
    found = dstar(battery, _range(args.D_range), D_STEP if args.step is None else args.step,
                  **values)
    peak = found.peak
    payload = {
        "battery": target.label, "params": values, "D_star": found.D,
        "first_peak_height": peak.height, "first_peak_time": peak.time,
        "fraction_of_full_charge": peak.fraction, "full_charge": peak.capacity,
        "drop_at_D_star_minus": found.drop_minus, "drop_at_D_star_plus": found.drop_plus,
        "flat_step": FLAT_STEP, "sinusoid_distance": peak.sinusoid_distance,
    }
    if args.json:
        return payload
    shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
    return "\n".join([
        f"battery {target.label} ({shown})",
        f"D*                  {found.D:.4f}",
        (f"first peak          {peak.height:.9f} = {peak.fraction:.6f} of the full charge "
         f"{peak.capacity:g}"),
        f"at time             {peak.time:.6f}",
        (f"flatness            height lost at D* -+ {FLAT_STEP:g}: {found.drop_minus:.2e}, "
         f"{found.drop_plus:.2e}"),
        (f"gap to sin^2        {peak.sinusoid_distance:.6f} (largest |zeta/zeta_peak - "
         "sin^2(pi t/(2 t_peak))| on the first cycle)"),
    ])
