"""The CLI's own batteries: ``--hamiltonian`` (any two-qubit battery) and ``--gibbs`` (the
thermal presets of :mod:`qb_symbolic.symbolic.gibbs_batteries`), with ``--set`` values."""

from __future__ import annotations

import argparse

from .core.symbols import PARAMETERS


def add_user_battery(parser: argparse.ArgumentParser) -> None:
    """The options of a user or thermal battery."""
    parser.add_argument("--hamiltonian", default=None, metavar="TEXT",
                        help="a battery of your own, e.g. 'B*(ZI + IZ) + J*(XX + YY)' "
                        "(two-letter Pauli labels, cell 1 first); replaces --model")
    parser.add_argument("--h0", default=None, metavar="TEXT",
                        help="with --hamiltonian: the battery Hamiltonian H0 "
                        "(default omega0*(ZI + IZ))")
    parser.add_argument("--initial", default="dd",
                        help="with --hamiltonian: uu, ud, du, dd, phi+, phi-, psi+ or psi- "
                        "(default dd), or thermal: the Gibbs state of H0 at inverse "
                        "temperature beta (give --set beta=...)")
    parser.add_argument("--gibbs", default=None, choices=("xx", "xy", "xxz", "xyz"),
                        help="a thermal Heisenberg battery (Ali et al. setting): the Gibbs "
                        "state of (B+b) ZI + (B-b) IZ + exchange + D (XY - YX) + K (XY + YX) "
                        "at beta, energy by the Zeeman part, charged by Omega (XI + IX); "
                        "values by --set (defaults B=1, b=0, J=Jx=Jy=Jz=1, D=K=0, Omega=1, beta=1)")
    parser.add_argument("--chain", type=int, default=None, metavar="N",
                        help="N cells: the --model's bond term on every bond, Omega X on every "
                        "site, from |d...d> (parameters as for --model)")
    parser.add_argument("--periodic", action="store_true", help="with --chain: a ring")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="with --hamiltonian or --gibbs: a parameter value (repeat for each)")


def _set_values(items: list[str]) -> dict[str, str]:
    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set takes NAME=VALUE; got {item!r}")
        values[name.strip()] = value.strip()
    return values


def _chain(args: argparse.Namespace):
    """``--chain N [--periodic]`` with the --model and its parameter options."""
    from .model.chain import chain

    if args.hamiltonian is not None or getattr(args, "gibbs", None) is not None or args.set:
        raise ValueError("--chain takes --model and its parameters (--D 1 ...), not "
                         "--hamiltonian, --gibbs or --set")
    battery = chain(args.chain, args.model, periodic=args.periodic)
    given = {n: getattr(args, n) for n in PARAMETERS if getattr(args, n, None) is not None}
    fixed = [n for n in given if n not in battery.names]
    if fixed:
        raise ValueError(f"--{fixed[0]} is fixed by --model {args.model} (its parameters: "
                         f"{', '.join(battery.names)})")
    return battery, given


def user_battery(args: argparse.Namespace):
    """The battery of --hamiltonian, --gibbs or --chain and its values, or (None, {})."""
    if getattr(args, "chain", None) is not None:
        return _chain(args)
    if getattr(args, "periodic", False):
        raise ValueError("--periodic needs --chain N")
    gibbs = getattr(args, "gibbs", None)
    if args.hamiltonian is None and gibbs is None:
        for flag, value in (("--h0", args.h0), ("--set", args.set)):
            if value:
                raise ValueError(f"{flag} needs --hamiltonian or --gibbs")
        return None, {}
    clash = [n for n in PARAMETERS if getattr(args, n, None) is not None]
    if clash or getattr(args, "model", "general") != "general":
        raise ValueError("--hamiltonian (or --gibbs) replaces --model and its parameters: give "
                         "values with --set NAME=VALUE")
    values = _set_values(args.set)
    if gibbs is not None:
        if args.hamiltonian is not None or args.h0 is not None or args.initial != "dd":
            raise ValueError("--gibbs is a whole battery: leave out --hamiltonian, --h0 and "
                             "--initial")
        from .symbolic.gibbs_batteries import gibbs_battery

        return gibbs_battery(gibbs), values
    from .model.presets import Battery

    initial = args.initial
    if initial == "thermal":
        from .symbolic.mixed_states import thermal_state

        initial = thermal_state(args.h0 if args.h0 is not None else "omega0*(ZI + IZ)")
    return Battery.from_string(args.hamiltonian, H0=args.h0, initial=initial), values


def battery_label(args: argparse.Namespace) -> str:
    """How the output names the battery."""
    if getattr(args, "chain", None) is not None:
        return f"chain: {args.chain} cells, {'ring' if args.periodic else 'open'}, {args.model}"
    if getattr(args, "gibbs", None) is not None:
        return f"gibbs: {args.gibbs}"
    return f"user: {args.hamiltonian}"


def derivative_values(args: argparse.Namespace, battery, user_values: dict, given: dict,
                      times) -> tuple:
    """``eval --wrt NAME``: the exact derivative (values, resolved parameters, label)."""
    import numpy as np

    from .numeric.derivatives import derivative
    from .numeric.evaluate import resolve

    if getattr(battery, "model", None) == "chain" or getattr(battery, "mixed", False):
        raise ValueError("--wrt needs a two-qubit battery with a pure start")
    target = {"battery": battery} if battery is not None else {"model": args.model}
    values = user_values
    if battery is None:
        from .model.presets import Battery

        names = Battery(args.model).as_model().names
        values = {k: v for k, v in given.items() if k in names and v is not None}
    if args.digits is None:
        found = derivative(args.quantity, args.wrt, times, **target, **values)
    else:
        found = np.array([derivative(args.quantity, args.wrt, x, digits=args.digits, **target,
                                     **values) for x in np.atleast_1d(times)], dtype=object)
    resolved = (resolve(args.model, values) if battery is None else battery.values_for(values))
    resolved = {n: float(v) + 0.0 for n, v in resolved.items()}
    return found, resolved, battery_label(args) if battery is not None else args.model
