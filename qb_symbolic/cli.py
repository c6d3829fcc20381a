"""The ``qb-symbolic`` command (also ``python -m qb_symbolic``).

Every error (unknown model or quantity, a non-number, a preset conflict,
``Omega <= 0`` for a charging time, ...) is one line on stderr and exit code 2;
no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

import numpy as np

from .cli_dstar import add_dstar, run_dstar
from .cli_eval import add_eval, add_searches, run_eval, run_max_power, run_tmin
from .cli_export import add_export, add_latex, run_export, run_latex
from .cli_numbers import number as _number
from .cli_optimise import add_optimise, run_optimise
from .cli_table import table
from .core.threads import limited_blas

#: Exit code for bad input.
EXIT_USAGE = 2


class CliError(Exception):
    """A user error: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise CliError(message)


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


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qb-symbolic",
        description="Exact closed forms for two-qubit Heisenberg quantum batteries with DM interaction.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    add_eval(sub, _times, _add_json)
    add_searches(sub, _add_json)
    add_latex(sub)
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
    add_export(sub)
    add_optimise(sub, _add_json)
    add_dstar(sub, _add_json)
    p_check = sub.add_parser("selfcheck", help="check every closed form against a 50-digit expm "
                             "(and QuTiP when installed) on this machine")
    p_check.add_argument("--points", type=int, default=3, help="parameter points per battery (default 3)")
    p_check.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    p_check.add_argument("--no-qutip", action="store_true", help="skip the QuTiP rows")
    return parser


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
    from .paper.families import write_claims

    md, js = write_claims(args.out)
    return f"wrote {md}\nwrote {js}"


def _run_report(args: argparse.Namespace) -> str:
    from .paper.report import run_report

    gamma = _gamma(args)
    run_report(args.out, progress=lambda line: print(line, flush=True), gamma=gamma)
    return ""


COMMANDS = {"eval": run_eval, "tmin": run_tmin, "max-power": run_max_power, "latex": run_latex,
            "figures": _run_figures, "claims": _run_claims, "report": _run_report,
            "selfcheck": _run_selfcheck, "export": run_export, "optimise": run_optimise,
            "dstar": run_dstar}

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
        with limited_blas():
            payload = COMMANDS[args.command](args)
    except (CliError, ValueError, argparse.ArgumentTypeError) as exc:
        message = " ".join(str(exc).split())
        print(f"qb-symbolic: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an output folder or file that cannot be made or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"qb-symbolic: error: cannot write: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        message = " ".join(str(exc).split())
        print(f"qb-symbolic: error: {message}", file=sys.stderr)
        return EXIT_FAILURE
    if isinstance(payload, dict):
        payload = json.dumps(payload) if getattr(args, "json", False) else table(payload)
    try:
        if payload:
            print(payload, flush=True)
    except BrokenPipeError:  # `qb-symbolic export ... | head`: the reader has all it wants
        # the exit flush would raise again on the closed pipe: point stdout at /dev/null
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
