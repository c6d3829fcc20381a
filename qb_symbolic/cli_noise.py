"""The noise options every battery command shares: ``--dephasing RATE``, ``--damping RATE``
(``--collective``: one operator summed over the cells), ``--thermal-bath RATE:T`` during
charging, and ``--channel NAME:P[:SITES]`` (repeatable, in order) on the charged state before
it is measured. Any of them makes the battery an open battery
(:func:`qb_symbolic.model.open_battery.open_battery`)."""

from __future__ import annotations

import argparse
from typing import Any

from .cli_numbers import number, number_text


class _Once(argparse.Action):
    """A noise option given once: repeated, the last value would win without a word."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest) is not None:
            parser.error(f"{option_string} is given twice; give it once")
        setattr(namespace, self.dest, values)


def add_noise_options(parser: argparse.ArgumentParser) -> None:
    """The noise options: any of them makes the battery an open battery (Lindblad numerics)."""
    parser.add_argument("--dephasing", type=number, default=None, action=_Once, metavar="RATE",
                        help="dephasing while charging, L = sqrt(RATE/2) Z on every cell "
                        "(coherences decay as exp(-RATE t)): an open battery")
    parser.add_argument("--damping", type=number, default=None, action=_Once, metavar="RATE",
                        help="amplitude damping while charging, L = sqrt(RATE) |d><u| on every "
                        "cell (decay toward the empty |d>): an open battery")
    parser.add_argument("--collective", action="store_true",
                        help="with --dephasing/--damping: one operator summed over the cells")
    parser.add_argument("--thermal-bath", default=None, action=_Once, metavar="RATE:T",
                        help="a bath at temperature T on every cell while charging: L = "
                        "sqrt(RATE (n+1)) |d><u|, sqrt(RATE n) |u><d|, n = 1/(exp(2 omega_i/T) - 1) "
                        "at each cell's splitting 2 omega_i in H0")
    parser.add_argument("--channel", action="append", default=[], metavar="NAME:P[:SITES]",
                        help="a channel applied to the charged state before it is measured "
                        "(repeat: applied in order): amplitude_damping, phase_flip, bit_flip, "
                        "bit_phase_flip or depolarizing, probability P in [0, 1], on SITES "
                        "(e.g. 1 or 1,2; default every cell); generalized_amplitude_damping:"
                        "P:N_TH[:SITES] with the bath's excited population N_TH in [0, 1]")


def _channel(text: str, N: int):
    """``--channel NAME:P[:SITES]`` (``generalized_amplitude_damping:P:N_TH[:SITES]``) as a
    channel on N cells."""
    from .symbolic.channels import channel

    name, _, rest = text.partition(":")
    p, _, rest = rest.partition(":")
    gad = name.strip() == "generalized_amplitude_damping"
    n_th, _, sites = rest.partition(":") if gad else ("", "", rest)
    if not name or not p or (gad and not n_th) or (text.endswith(":") and not sites):
        raise ValueError(f"--channel takes NAME:P[:SITES] (generalized_amplitude_damping:P:N_TH"
                         f"[:SITES]), e.g. amplitude_damping:0.2 or phase_flip:0.1:1; got {text!r}")
    try:
        chosen = None if not sites else [int(x) for x in sites.split(",")]
    except ValueError:
        raise ValueError(f"--channel: SITES is a list of cells such as 1 or 1,2; got {sites!r}") \
            from None
    try:
        extra = {"n_th": n_th.strip()} if gad else {}
        return channel(name.strip(), p.strip(), chosen, N=N, **extra)
    except ValueError as error:
        raise ValueError(f"--channel {text}: {error}") from None


def _noise(args: argparse.Namespace, battery) -> list:
    """The dissipators and channels the noise options ask for (empty: a closed battery)."""
    from .model import dissipators as lindblad

    found = []
    for flag, rate, make in (("--dephasing", args.dephasing, lindblad.dephasing),
                             ("--damping", args.damping, lindblad.amplitude_damping)):
        if rate is not None:
            try:
                found.append(make(rate, collective=args.collective))
            except ValueError as error:
                raise ValueError(f"{flag}: {error}") from None
    if args.collective and not found:
        raise ValueError("--collective needs --dephasing or --damping")
    if args.thermal_bath is not None:
        rate, sep, T = args.thermal_bath.partition(":")
        if not sep:
            raise ValueError(f"--thermal-bath takes RATE:T, e.g. 0.1:0.5; got {args.thermal_bath!r}")
        rate, T = number_text("--thermal-bath", rate), number_text("--thermal-bath", T)
        try:  # the bath's occupation: the cells' own splitting, read off H0 by open_battery
            found.append(lindblad.thermal(rate, T))
        except ValueError as error:
            raise ValueError(f"--thermal-bath: {' '.join(str(error).split())}") from None
    return found + [_channel(text, battery.sites) for text in args.channel]


def open_target(args: argparse.Namespace, battery, values: dict) -> tuple[Any, dict]:
    """The battery with the noise options' dissipators and channels, if any were given."""
    if not (args.channel or args.collective or args.dephasing is not None
            or args.damping is not None or args.thermal_bath is not None):
        return battery, values
    from .model.battery import Battery
    from .model.open_battery import open_battery

    command = getattr(args, "command", None)
    if command in ("latex", "export", "dstar"):
        raise ValueError(f"the noise options make an open battery, which {command} does not "
                         "take (it has no closed forms); use eval, tmin, max-power or optimise")
    if battery is None:  # a preset: its parameters stay parameters of the open battery
        battery = Battery(args.model or "general")
        fixed = [n for n in values if n not in battery.names]
        if fixed:
            raise ValueError(f"--{fixed[0]} is fixed by --model {args.model} (its parameters: "
                             f"{', '.join(battery.names)})")
    return open_battery(battery, *_noise(args, battery)), values


def noise_label(args: argparse.Namespace) -> str:
    """``[open: ...]``; ``collective`` next to the operators it sums (not the bath)."""
    kind = "collective " if args.collective else ""
    parts = [f"{name} {value}" for name, value in ((kind + "dephasing", args.dephasing),
                                                   (kind + "damping", args.damping),
                                                   ("thermal bath", args.thermal_bath))
             if value is not None]
    parts += [f"then {text}" for text in args.channel]
    return " [open: " + ", ".join(parts) + "]" if parts else ""


__all__ = ["add_noise_options", "noise_label", "open_target"]
