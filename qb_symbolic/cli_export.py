"""``qb-symbolic export`` (a closed form as code, optionally a whole program) and
``qb-symbolic latex`` (the formulas documents), on the batteries of
:mod:`qb_symbolic.cli_battery`. Both need a closed form: a two-qubit battery with a pure
start. The others get one line saying so and what to use instead."""

from __future__ import annotations

import argparse
import os

from .cli_battery import Target, add_battery_options, battery_target

#: What to use instead, by the kind of battery that has no closed form to write.
INSTEAD = {
    "chain": "code export and the formulas document cover two-qubit batteries (for two cells "
             "leave out --chain and give --model); a chain's closed forms, where its blocks "
             "allow (open N = 3, rings N <= 5), are qb.eigensystem and qb.evolved_state in "
             "Python; for numbers use eval, tmin, max-power or optimise with the same options",
    "mixed": "this battery starts in a mixed state (--gibbs, --initial thermal or a density "
             "matrix): for numbers use eval, tmin, max-power or optimise with the same "
             "options, or qb.evaluate(..., battery=...) in Python",
}


def add_export(sub) -> None:
    """The ``export`` subcommand."""
    p = sub.add_parser("export", help="one file with a closed form in C, Fortran, Julia, Rust, "
                       "Mathematica, Octave or JAX (--harness: a whole C, Rust or Fortran "
                       "program)")
    p.add_argument("quantity", help="energy, ergotropy, power, concurrence, coherence or steering")
    p.add_argument("--lang", required=True, help="c, fortran, julia, rust, mathematica, octave or jax")
    add_battery_options(p)
    p.add_argument("--harness", action="store_true",
                   help="a complete program (c, rust, fortran) printing the quantity at the "
                   "parameters and times on its command line; the compile line is in its header")
    p.add_argument("-o", "--output", default=None, help="write to this file (default: stdout)")


def add_latex(sub) -> None:
    """The ``latex`` subcommand."""
    p = sub.add_parser("latex", help="write the LaTeX derivations and the formulas PDF (with a "
                       "battery option: the document of that battery)")
    p.add_argument("--out", default="qb_formulas", help="output folder (default ./qb_formulas)")
    p.add_argument("--no-pdf", action="store_true", help="write .tex only, do not run pdflatex")
    p.add_argument("--png", metavar="SECTION", default=None,
                   help="also render one section (e.g. ergotropy-ising) as a cropped PNG")
    add_battery_options(p)


def _closed_form(target: Target, what: str) -> None:
    """Refuse a battery without a closed form in one line naming the alternative."""
    if target.kind in INSTEAD:
        raise ValueError(f"{what} needs a closed form: {INSTEAD[target.kind]}")


def run_export(args: argparse.Namespace) -> str:
    """``qb-symbolic export``: the file's text on stdout, or ``wrote FILE``."""
    from .export.code import export

    target = battery_target(args)
    _closed_form(target, "code export")
    filename = None if args.output is None else os.path.basename(args.output)
    text = export(args.quantity, args.lang, model=None if target.battery is not None else target.model,
                  battery=target.battery, values=target.values, harness=args.harness,
                  filename=filename)
    if args.output is None:
        return text.rstrip("\n")
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    return f"wrote {args.output}"


def run_latex(args: argparse.Namespace) -> str:
    """``qb-symbolic latex``: the paper's document, or (battery options) one battery's."""
    from pathlib import Path

    from .paper.formulas import MASTER, check_snippet, snippet_png, write_document

    target = battery_target(args)
    if args.gibbs is not None:
        raise ValueError("a thermal battery has no formulas document of its own; use "
                         "`qb-symbolic latex` without --gibbs: its section 'thermal' holds "
                         "these batteries' formulas (one page: --png thermal)")
    _closed_form(target, "the formulas document")
    if target.explicit:
        return _model_latex(args, target)
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


def _model_latex(args: argparse.Namespace, target: Target) -> str:
    """The formulas document of one battery (given values substituted exactly)."""
    from .export.model_document import MODEL_MASTER, write_model_document
    from .model.battery import Battery

    if args.png:
        raise ValueError("--png renders a section of the paper's document; leave it out with "
                         "a battery option (--model, --hamiltonian, ...)")
    battery = target.battery if target.battery is not None else Battery(target.model).as_model()
    if target.values:
        battery = battery.substitute(**target.values)
    tex, compiled = write_model_document(battery, args.out, compile=not args.no_pdf)
    lines = [f"wrote {tex}"]
    if compiled is not None and compiled.pdf is not None:
        lines.append(f"wrote {compiled.pdf}")
    elif not args.no_pdf:
        lines.append(f"pdflatex not found: compile {MODEL_MASTER}.tex yourself "
                     "(apt-get install texlive-latex-base texlive-latex-recommended)")
    return "\n".join(lines)
