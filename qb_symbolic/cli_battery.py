"""The battery options every battery command shares (``eval``, ``tmin``, ``max-power``,
``optimise``, ``export``, ``latex``): a preset (``--model`` and its parameters), your own
battery (``--hamiltonian``, ``--h0``, ``--initial``, with ``--set`` values), a thermal battery
(``--gibbs``, :mod:`qb_symbolic.symbolic.gibbs_batteries`), a chain (``--chain N``) or a
network (``--network GRAPH``: a graph name such as ``"C8(1,2,4)"`` or a file of edges, one
``i j`` pair a line; :func:`qb_symbolic.model.network.network`); and noise on any of them,
which makes it an open battery (:mod:`qb_symbolic.cli_noise`).

:func:`add_battery_options` declares them and :func:`battery_target` reads them, so every
command accepts and checks them the same way.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass
from typing import Any

from .cli_noise import add_noise_options, noise_label, open_target
from .cli_numbers import number
from .core.symbols import PARAMETERS
from .model.kinds import battery_kind


def add_battery_options(parser: argparse.ArgumentParser) -> None:
    """The options of a preset, user, thermal or chain battery (one set for every command)."""
    parser.add_argument("--model", default=None,
                        help="parallel, ising, xxz, xyz or general (default general)")
    for name, default in (("Omega", 1), ("J", 1), ("gamma", 0), ("Delta", 0), ("D", 0), ("omega0", 1)):
        parser.add_argument(f"--{name}", type=number, default=None,
                            help=f"default: the model's value, else {default}")
    parser.add_argument("--hamiltonian", default=None, metavar="TEXT",
                        help="a battery of your own, e.g. 'B*(ZI + IZ) + J*(XX + YY)' "
                        "(two-letter Pauli labels, cell 1 first); replaces --model")
    parser.add_argument("--h0", default=None, metavar="TEXT",
                        help="with --hamiltonian: the battery Hamiltonian H0 "
                        "(default omega0*(ZI + IZ))")
    parser.add_argument("--initial", default=None, metavar="STATE",
                        help="with --hamiltonian: uu, ud, du, dd (default), phi+, phi-, psi+, "
                        "psi-; a vector as text, e.g. '[1, 0, 0, 1]/sqrt(2)' or "
                        "'[1, 1j, 0, 0]/sqrt(2)' (exact), a 4x4 density matrix as text; a .npy "
                        "file with a state vector or density matrix; or thermal: the Gibbs "
                        "state of H0 at inverse temperature beta (give --set beta=...). "
                        "With --chain: a label over u/d, site 1 first (default d...d)")
    parser.add_argument("--gibbs", default=None, choices=("xx", "xy", "xxz", "xyz"),
                        help="a thermal Heisenberg battery (Ali et al. setting): the Gibbs "
                        "state of (B+b) ZI + (B-b) IZ + exchange + D (XY - YX) + K (XY + YX) "
                        "at beta, energy by the Zeeman part, charged by Omega (XI + IX); "
                        "values by --set (defaults B=1, b=0, J=Jx=Jy=Jz=1, D=K=0, Omega=1, beta=1)")
    parser.add_argument("--chain", type=int, default=None, metavar="N",
                        help="N cells: the --model's bond term on every bond, Omega X on every "
                        "site, from |d...d> (parameters as for --model)")
    parser.add_argument("--periodic", action="store_true", help="with --chain: a ring")
    parser.add_argument("--network", default=None, metavar="GRAPH",
                        help="a spin network: the --model's bond term (default xxz) on every "
                        "edge, oriented from the lower vertex label to the higher, Omega X on "
                        "every site, from |d...d>; GRAPH is a name (K5, C8(1,2,4), "
                        "circulant(8,3), tetrahedron, octahedron, cube, icosahedron, "
                        "hypercube(d), path(n), star(n)) or a file of edges, one 'i j' pair a "
                        "line (read when the file exists)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="with --hamiltonian or --gibbs: a parameter value (repeat for each)")
    add_noise_options(parser)


def _set_values(items: list[str]) -> dict[str, str]:
    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set takes NAME=VALUE; got {item!r}")
        values[name.strip()] = value.strip()
    return values


def _given(args: argparse.Namespace) -> dict[str, float]:
    """The preset parameter options that were given (--Omega ...)."""
    return {n: getattr(args, n) for n in PARAMETERS if getattr(args, n, None) is not None}


def _lattice_checks(args: argparse.Namespace, flag: str, python: str, sites: int,
                    first: str) -> None:
    """What --chain and --network refuse: the two-qubit options, another H0, a start that
    is not a u/d label."""
    if args.hamiltonian is not None or args.gibbs is not None or args.set:
        raise ValueError(f"{flag} takes --model and its parameters (--D 1 ...), not "
                         "--hamiltonian, --gibbs or --set")
    if args.h0 is not None:
        raise ValueError(f"{flag} measures energy by omega0 * sum_i Z_i; for another H0 use "
                         f"{python} in Python")
    if args.initial is not None and not set(args.initial) <= {"u", "d"}:
        raise ValueError(f"{flag} takes --initial as a label over u/d, {first} first (e.g. "
                         f"{'u' + 'd' * (sites - 1)}); got {args.initial!r}")


def _with_values(args: argparse.Namespace, battery: Any, model: str):
    """The battery and its --Omega, --D ... values, refusing those the model fixes."""
    given = _given(args)
    fixed = [n for n in given if n not in battery.names]
    if fixed:
        raise ValueError(f"--{fixed[0]} is fixed by --model {model} (its parameters: "
                         f"{', '.join(battery.names)})")
    return battery, given


def _chain(args: argparse.Namespace):
    """``--chain N [--periodic]`` with the --model, its parameter options and a label start."""
    from .model.chain import chain

    _lattice_checks(args, "--chain", "qb.chain(N, H0='...')", args.chain, "site 1")
    model = args.model or "general"
    battery = chain(args.chain, model, periodic=args.periodic, initial=args.initial)
    return _with_values(args, battery, model)


def network_graph(text: str):
    """The graph of ``--network``: a file of edges when ``text`` names an existing file,
    else a graph name (:func:`qb_symbolic.core.graphs.parse_graph`)."""
    from pathlib import Path

    from .core.graphs import Graph, edges_from_text, parse_graph

    path = Path(text)
    if path.is_file():
        try:
            content = path.read_text()
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"--network: cannot read the edge file {text}: {error}") from None
        graph = parse_graph(edges_from_text(content, f"the edge file {text}"))
        return Graph(graph.n, graph.edges, f"edges of {path.name}")
    if "/" in text or "\\" in text or "." in text:  # no graph name has these
        raise ValueError(f"--network: {text!r} is neither a graph name nor an existing file of "
                         f"edges")
    return parse_graph(text)


def _network(args: argparse.Namespace):
    """``--network GRAPH`` with the --model (default xxz), its parameter options and a
    label start; a disconnected graph is allowed, with one note line."""
    from .model.network import NETWORK_MODEL, network

    if args.chain is not None or args.periodic:
        raise ValueError("give --chain N (with --periodic) or --network GRAPH, not both")
    graph = network_graph(args.network)
    _lattice_checks(args, "--network", "network(graph, H0='...')", graph.n, "vertex 0")
    model = args.model or NETWORK_MODEL
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        battery = network(graph, model, initial=args.initial)
    for warning in caught:
        print(f"qb-symbolic: note: {' '.join(str(warning.message).split())}", file=sys.stderr)
    return _with_values(args, battery, model)


def user_battery(args: argparse.Namespace):
    """The battery of --hamiltonian, --gibbs, --chain or --network and its values, or
    (None, {})."""
    if args.network is not None:
        return _network(args)
    if args.chain is not None:
        return _chain(args)
    if args.periodic:
        raise ValueError("--periodic needs --chain N")
    if args.hamiltonian is None and args.gibbs is None:
        for flag, value, partners in (("--h0", args.h0, "--hamiltonian"),
                                      ("--initial", args.initial, "--hamiltonian or --chain"),
                                      ("--set", args.set, "--hamiltonian or --gibbs")):
            if value:
                raise ValueError(f"{flag} needs {partners} (a preset takes --Omega, --D, ...)")
        return None, {}
    if _given(args) or args.model is not None:
        raise ValueError("give --model or --hamiltonian/--gibbs, not both: --hamiltonian (or "
                         "--gibbs) replaces --model and its parameters; give values with "
                         "--set NAME=VALUE")
    values = _set_values(args.set)
    if args.gibbs is not None:
        if args.hamiltonian is not None or args.h0 is not None or args.initial is not None:
            raise ValueError("--gibbs is a whole battery: leave out --hamiltonian, --h0 and "
                             "--initial")
        from .symbolic.gibbs_batteries import gibbs_battery

        return gibbs_battery(args.gibbs), values
    from .cli_initial import initial_input
    from .model.battery import Battery

    initial = "dd" if args.initial is None else initial_input(args.initial, args.h0)
    # a float state (a .npy file) is read as the exact state nearest to it, with a warning
    # saying how far it moved: one note line here, not Python's two-line warning format
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        battery = Battery.from_string(args.hamiltonian, H0=args.h0, initial=initial)
    for warning in caught:
        print(f"qb-symbolic: note: {' '.join(str(warning.message).split())}", file=sys.stderr)
    return battery, values


def battery_label(args: argparse.Namespace) -> str:
    """How the output names the battery."""
    start = f", from |{args.initial}>" if args.initial is not None else ""
    if args.network is not None:
        return f"network: {args.network}, {args.model or 'xxz'}{start}"
    if args.chain is not None:
        return (f"chain: {args.chain} cells, {'ring' if args.periodic else 'open'}, "
                f"{args.model or 'general'}{start}")
    if args.gibbs is not None:
        return f"gibbs: {args.gibbs}"
    if args.hamiltonian is not None:
        return f"user: {args.hamiltonian}"
    return args.model or "general"


@dataclass(frozen=True)
class Target:
    """The battery the options chose.

    Attributes
    ----------
    model
        The preset's name (``general`` when none was given; a chain's bond model).
    battery
        None for a preset (the commands then take the presets' own fast paths), else the
        user, thermal or chain battery object.
    values
        The values given: ``--set`` for user and thermal batteries, the parameter options
        (``--D 1``) for presets and chains.
    label
        How the output names the battery.
    explicit
        Whether any battery option was given (``latex`` alone writes the paper's document).
    """

    model: str
    battery: Any
    values: dict[str, Any]
    label: str
    explicit: bool

    @property
    def kind(self) -> str:
        """``preset``, ``chain``, ``mixed`` (thermal or density-matrix start), ``open``
        (with noise) or ``user``."""
        kind = battery_kind(self.battery)
        return "user" if kind == "pure" else kind

    def where(self) -> dict[str, Any]:
        """``model=`` or ``battery=`` for the package's functions."""
        return {"model": self.model} if self.battery is None else {"battery": self.battery}

    def resolved(self, values: dict[str, Any] | None = None) -> dict[str, float]:
        """Every parameter's value as a float (the given ones, else the defaults)."""
        from .core.values import exact_real
        from .numeric.evaluate import resolve

        values = self.values if values is None else values
        found = (resolve(self.model, values) if self.battery is None
                 else self.battery.values_for(values))
        # --set values stay text (1/3 is read exactly by the evaluators): floats for display
        return {k: float(exact_real(k, v) if isinstance(v, str) else v) + 0.0
                for k, v in found.items()}


def battery_target(args: argparse.Namespace) -> Target:
    """Read and check the battery options of ``args`` (:func:`add_battery_options`)."""
    battery, values = user_battery(args)
    if battery is None:
        values = _given(args)
    battery, values = open_target(args, battery, values)
    explicit = (battery is not None or args.model is not None or bool(values))
    return Target(args.model or "general", battery, values,
                  battery_label(args) + noise_label(args), explicit)
