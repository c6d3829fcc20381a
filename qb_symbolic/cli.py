"""The ``qb-symbolic`` command (also ``python -m qb_symbolic``).

Every error (unknown model or quantity, a non-number, a preset conflict,
``Omega <= 0`` for a charging time, ...) is one line on stderr and exit code 2;
no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

import mpmath as mp
import numpy as np

from .cli_battery import add_user_battery, battery_label, derivative_values, user_battery
from .cli_optimise import add_optimise, run_optimise
from .cli_table import scan_progress, table
from .core.symbols import PARAMETERS

#: Exit code for bad input.
EXIT_USAGE = 2


class CliError(Exception):
    """A user error: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise CliError(message)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


#: Most times ``--t start:stop:count`` may ask for (one output line each).
MAX_TIMES = 10_000_000


def _count(text: str) -> int:
    value = float(text)
    if not value.is_integer() or not 1 <= value <= MAX_TIMES:
        raise ValueError
    return int(value)


def _times(text: str) -> list[str] | np.ndarray:
    """``T1,T2,...`` or ``start:stop:count`` (inclusive, like numpy.linspace).

    Listed times are kept as written, so ``--digits`` reads ``0.1`` as one tenth.
    """
    usage = f"expected times as T1,T2,... or start:stop:count (count 1 to {MAX_TIMES:.0e}), got {text!r}"
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            a, b = _number(start), _number(stop)
            return np.linspace(a, b, _count(count))  # floats: exact decimals need a list
        times = [x.strip() for x in text.split(",")]
        if not any(times) or not all(times):
            raise ValueError
        for x in times:
            _number(x)
        return times
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(usage) from None


def _add_parameters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default="general",
                        help="parallel, ising, xxz, xyz or general (default general)")
    for name, default in (("Omega", 1), ("J", 1), ("gamma", 0), ("Delta", 0), ("D", 0), ("omega0", 1)):
        parser.add_argument(f"--{name}", type=_number, default=None,
                            help=f"default: the model's value, else {default}")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _params(args: argparse.Namespace) -> dict[str, Any]:
    return {n: getattr(args, n) for n in PARAMETERS}


def _resolved(model: str, given: dict[str, Any]) -> dict[str, float]:
    from .numeric.evaluate import resolve

    return {k: float(v) + 0.0 for k, v in resolve(model, given).items()}


def _number_out(value: Any) -> float:
    return float(value)


def _digits(value: mp.mpf, n: int = 40) -> str:
    return mp.nstr(value, n, strip_zeros=False)


def _shown_digits(result: Any) -> int:
    """40 digits from the mpmath refinement; a chain's search runs in double precision."""
    return 16 if result.model == "chain" else 40


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qb-symbolic",
        description="Exact closed forms for two-qubit Heisenberg quantum batteries with DM interaction.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p_eval = sub.add_parser("eval", help="evaluate a quantity at given times")
    p_eval.add_argument("quantity", help="energy, ergotropy, power, coherence, steering, "
                        "steerability or concurrence; mixed starts also capacity, "
                        "incoherent_ergotropy, ...; chains also ergotropy_per_cell, "
                        "power_per_cell")
    _add_parameters(p_eval)
    add_user_battery(p_eval)
    p_eval.add_argument("--t", type=_times, required=True, help="T1,T2,... or start:stop:count")
    p_eval.add_argument("--digits", type=int, default=None,
                        help="evaluate with mpmath at this many digits (values as strings in JSON)")
    p_eval.add_argument("--wrt", default=None, metavar="NAME",
                        help="the exact derivative with respect to a parameter (or t) instead")

    for name, text in (("tmin", "time of the largest ergotropy in the window"),
                       ("max-power", "time and value of the largest power in the window")):
        p = sub.add_parser(name, help=text)
        _add_parameters(p)
        add_user_battery(p)
        p.add_argument("--window", type=_number, default=None,
                       help="end T of the window [0, T] (a time; default pi/(2 Omega))")
    p_latex = sub.add_parser("latex", help="write the LaTeX derivations and the formulas PDF")
    p_latex.add_argument("--out", default="qb_formulas", help="output folder (default ./qb_formulas)")
    p_latex.add_argument("--no-pdf", action="store_true", help="write .tex only, do not run pdflatex")
    p_latex.add_argument("--png", metavar="SECTION", default=None,
                         help="also render one section (e.g. ergotropy-ising) as a cropped PNG")
    add_user_battery(p_latex)
    p_latex.set_defaults(model="general", **dict.fromkeys(PARAMETERS))
    p_fig = sub.add_parser("figures", help="the paper's Figs. 2-7 as PNG and PDF")
    p_fig.add_argument("--out", default="qb_figures", help="output folder (default ./qb_figures)")
    p_fig.add_argument("--gamma", type=_number, default=None,
                       help="gamma of the XYZ Figs. 6 and 7 (default -0.2, see claims.md)")
    p_claims = sub.add_parser("claims", help="the paper's claims, decided (claims.md, claims.json)")
    p_claims.add_argument("--out", default="qb_claims", help="output folder (default ./qb_claims)")
    p_report = sub.add_parser("report", help="everything: formulas, figures, claims, summary, index")
    p_report.add_argument("--out", default="qb_report", help="output folder (default ./qb_report)")
    p_report.add_argument("--gamma", type=_number, default=None,
                          help="gamma of the XYZ figures and summary rows (default -0.2)")
    p_export = sub.add_parser("export", help="one file with a closed form in C, Fortran, Julia, "
                              "Rust, Mathematica, Octave or JAX")
    p_export.add_argument("quantity", help="energy, ergotropy, power, concurrence, coherence or steering")
    p_export.add_argument("--lang", required=True, help="c, fortran, julia, rust, mathematica, octave or jax")
    p_export.add_argument("--model", default=None, help="a preset (default general)")
    p_export.add_argument("--hamiltonian", default=None, metavar="TEXT", help="a battery of your own")
    p_export.add_argument("--h0", default=None, metavar="TEXT", help="with --hamiltonian: H0")
    p_export.add_argument("--initial", default="dd", help="with --hamiltonian: the start (default dd)")
    p_export.add_argument("-o", "--output", default=None, help="write to this file (default: stdout)")
    add_optimise(sub, _add_parameters)
    p_check = sub.add_parser("selfcheck", help="check every closed form against a 50-digit expm "
                             "(and QuTiP when installed) on this machine")
    p_check.add_argument("--points", type=int, default=3, help="parameter points per battery (default 3)")
    p_check.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    p_check.add_argument("--no-qutip", action="store_true", help="skip the QuTiP rows")
    return parser


def _run_export(args: argparse.Namespace) -> str:
    from .export.code import export
    from .model.presets import Battery

    if args.hamiltonian is not None and args.model is not None:
        raise ValueError("give --model or --hamiltonian, not both")
    if args.hamiltonian is None and (args.h0 is not None or args.initial != "dd"):
        raise ValueError("--h0 and --initial need --hamiltonian")
    battery = (None if args.hamiltonian is None else
               Battery.from_string(args.hamiltonian, H0=args.h0, initial=args.initial))
    text = export(args.quantity, args.lang, model=args.model if battery is None else None,
                  battery=battery)
    if args.output is None:
        return text.rstrip("\n")
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    return f"wrote {args.output}"


def _run_selfcheck(args: argparse.Namespace) -> str:
    from .cli_selfcheck import run

    if args.points < 1:
        raise ValueError(f"--points must be >= 1; got {args.points}")
    with_qutip = not args.no_qutip
    if with_qutip:
        try:
            import qutip  # noqa: F401
        except ImportError:
            print("QuTiP is not installed: its rows are skipped (pip install qutip)")
            with_qutip = False
    if not run(args.points, args.seed, with_qutip, lambda line: print(line, flush=True)):
        raise RuntimeError("selfcheck failed: see the rows marked FAIL above")
    return ""


def _gamma(args: argparse.Namespace) -> float:
    from .paper.figures import DEFAULT_GAMMA, _check_gamma

    gamma = DEFAULT_GAMMA if args.gamma is None else args.gamma
    _check_gamma(gamma)
    return gamma


def _run_figures(args: argparse.Namespace) -> str:
    from .paper.figures import write_figures

    results = write_figures(args.out, gamma=_gamma(args))
    return "\n".join(f"wrote {path}" for r in results for path in r.files)


def _run_claims(args: argparse.Namespace) -> str:
    from .paper.claims import write_claims

    md, js = write_claims(args.out)
    return f"wrote {md}\nwrote {js}"


def _run_report(args: argparse.Namespace) -> str:
    from .paper.report import run_report

    gamma = _gamma(args)
    run_report(args.out, progress=lambda line: print(line, flush=True), gamma=gamma)
    return ""


def _run_latex(args: argparse.Namespace) -> str:
    from pathlib import Path

    from .paper.formulas import MASTER, check_snippet, snippet_png, write_document

    if args.chain is not None:
        raise ValueError("the formulas document is for two-qubit batteries; chains have no "
                         "closed forms beyond N = 2 yet")
    if args.hamiltonian is not None or args.gibbs is not None:
        return _run_model_latex(args)
    if args.png:
        check_snippet(args.png)
    tex, compiled = write_document(Path(args.out), compile=not args.no_pdf,
                                   progress=lambda line: print(line, flush=True))
    lines = [f"wrote {tex} and its fragments in {tex.parent}"]
    if compiled.pdf is not None:
        lines.append(f"wrote {compiled.pdf}")
    elif not args.no_pdf:
        lines.append(f"pdflatex not found: compile {MASTER}.tex yourself "
                     "(apt-get install texlive-latex-base texlive-latex-recommended)")
    if args.png:
        lines.append(f"wrote {snippet_png(args.png, Path(args.out))}")
    return "\n".join(lines)


def _run_model_latex(args: argparse.Namespace) -> str:
    """``latex --hamiltonian``: the formulas document of that battery (--set: exact values)."""
    from .export.model_document import MODEL_MASTER, write_model_document

    if args.png:
        raise ValueError("--png renders a section of the paper's document; leave it out with "
                         "--hamiltonian")
    if args.gibbs is not None:
        raise ValueError("the thermal batteries' formulas are the section 'thermal' of the "
                         "document `qb-symbolic latex` writes (one page: --png thermal)")
    battery, values = user_battery(args)
    if values:
        battery = battery.substitute(**values)
    tex, compiled = write_model_document(battery, args.out, compile=not args.no_pdf)
    lines = [f"wrote {tex}"]
    if compiled is not None and compiled.pdf is not None:
        lines.append(f"wrote {compiled.pdf}")
    elif not args.no_pdf:
        lines.append(f"pdflatex not found: compile {MODEL_MASTER}.tex yourself "
                     "(apt-get install texlive-latex-base texlive-latex-recommended)")
    return "\n".join(lines)


def _run_eval(args: argparse.Namespace) -> dict[str, Any]:
    from .numeric.evaluate import check_quantity, evaluate

    battery, user_values = user_battery(args)
    if battery is None or not (getattr(battery, "mixed", False) or battery.model == "chain"):
        check_quantity(args.quantity)  # mixed starts and chains check their own lists
    given = _params(args)
    if args.digits is not None and args.digits < 1:
        raise ValueError(f"--digits must be a positive integer; got {args.digits}")
    times = args.t if args.digits is not None else np.asarray(args.t, dtype=float)
    if args.wrt is not None:
        values, resolved, model = derivative_values(args, battery, user_values, given, times)
    elif battery is not None:
        values = evaluate(args.quantity, times, battery=battery, digits=args.digits,
                          **user_values)
        resolved = {n: float(v) + 0.0 for n, v in battery.values_for(user_values).items()}
        model = battery_label(args)
    else:
        values = evaluate(args.quantity, times, model=args.model, digits=args.digits, **given)
        resolved, model = _resolved(args.model, given), args.model
    if args.digits is not None:
        shown = [mp.nstr(v, args.digits, strip_zeros=False) for v in values.reshape(-1)]
    else:
        shown = [float(v) + 0.0 for v in np.asarray(values).reshape(-1)]
    return {
        "quantity": args.quantity if args.wrt is None else f"d {args.quantity}/d {args.wrt}",
        "model": model,
        "params": resolved,
        "t": [float(x) + 0.0 for x in np.asarray(args.t, dtype=float).reshape(-1)],
        "values": shown,
    }


def _search(args: argparse.Namespace, search) -> tuple[Any, str, dict[str, float]]:
    """Run ``charging_time`` or ``max_power`` on the preset or the --hamiltonian battery."""
    battery, user_values = user_battery(args)
    if battery is None:
        result = search(args.model, window=args.window, progress=scan_progress(),
                        **_params(args))
        return result, args.model, _resolved(args.model, _params(args))
    result = search(battery=battery, window=args.window, progress=scan_progress(),
                    **user_values)
    resolved = {n: float(v) + 0.0 for n, v in battery.values_for(user_values).items()}
    return result, battery_label(args), resolved


def _run_tmin(args: argparse.Namespace) -> dict[str, Any]:
    from .numeric.charging import charging_time

    result, model, params = _search(args, charging_time)
    return {
        "model": model,
        "params": params,
        "t_min": _number_out(result.t),
        "ergotropy_max": _number_out(result.value),
        "full_charge": bool(result.full_charge),
        "capacity": _number_out(result.capacity),
        "t_min_exact": None if result.t_exact is None else str(result.t_exact),
        "t_min_digits": _digits(result.t, _shown_digits(result)),
        "ergotropy_max_digits": _digits(result.value, _shown_digits(result)),
        "window": _number_out(result.window[1]),
        "at_window_end": result.at_window_end,
        "grid_points": result.grid_points,
        "unrefined_ties": result.unrefined_ties,
    }


def _run_max_power(args: argparse.Namespace) -> dict[str, Any]:
    from .numeric.charging import max_power

    result, model, params = _search(args, max_power)
    return {
        "model": model,
        "params": params,
        "t": _number_out(result.t),
        "power_max": _number_out(result.value),
        "t_exact": None if result.t_exact is None else str(result.t_exact),
        "t_digits": _digits(result.t, _shown_digits(result)),
        "power_max_digits": _digits(result.value, _shown_digits(result)),
        "window": _number_out(result.window[1]),
        "at_window_end": result.at_window_end,
        "grid_points": result.grid_points,
        "unrefined_ties": result.unrefined_ties,
    }


COMMANDS = {"eval": _run_eval, "tmin": _run_tmin, "max-power": _run_max_power, "latex": _run_latex,
            "figures": _run_figures, "claims": _run_claims, "report": _run_report,
            "selfcheck": _run_selfcheck, "export": _run_export,
            "optimise": lambda args: run_optimise(args, _params(args))}

#: Exit code when the input was fine but a tool failed (pdflatex, pdftoppm).
EXIT_FAILURE = 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        payload = COMMANDS[args.command](args)
    except (CliError, ValueError, argparse.ArgumentTypeError) as exc:
        message = " ".join(str(exc).split())
        print(f"qb-symbolic: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an output folder that cannot be made or written
        where = f": {exc.filename}" if exc.filename else ""
        print(f"qb-symbolic: error: cannot write {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        message = " ".join(str(exc).split())
        print(f"qb-symbolic: error: {message}", file=sys.stderr)
        return EXIT_FAILURE
    if isinstance(payload, str):
        if payload:
            print(payload)
    elif isinstance(payload, dict) and getattr(args, "json", False):
        print(json.dumps(payload))
    elif isinstance(payload, dict):
        print(table(payload))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
