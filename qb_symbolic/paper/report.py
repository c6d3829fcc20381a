"""The main job: formulas, figures, claims and a summary table in one folder.

``run_report(out)`` writes

* ``formulas/``: the LaTeX fragments, ``qb_symbolic_formulas.tex`` and its PDF
  (when pdflatex is installed);
* ``figures/``: Figs. 2, 3(a,b), 3(c), 4, 5, 6, 7 as PNG and PDF;
* ``claims.md``, ``claims.json``: the paper's statements, decided (each one
  holds, holds only for a range or in part, or fails), each with its source;
* ``summary.md``, ``summary.json``: t_min, the largest ergotropy and the largest
  power of every parameter set of the paper's figures;
* ``figures/thermal_*``, ``thermal_claims.md``, ``thermal_claims.json``: the thermal
  Heisenberg battery of the second paper's setting (Ali et al., arXiv:2408.00133;
  :mod:`qb_symbolic.paper.thermal_figures`, :mod:`qb_symbolic.paper.claims_thermal`);
* ``figures/chain_*``, ``chain_claims.md``, ``chain_claims.json``: the paper's conjecture
  that DM helps charging more than two cells, decided on chains of N cells (open and
  rings; :mod:`qb_symbolic.paper.chain_figures`, :mod:`qb_symbolic.paper.claims_chains`);
* ``figures/network_*``, ``network_claims.md``, ``network_claims.json``: spin-network
  batteries (Bhattacharya et al., arXiv:2508.20529): the D* table and its claims
  (:mod:`qb_symbolic.paper.network_figures`, :mod:`qb_symbolic.paper.claims_networks`;
  rows n <= 8 unless ``QB_NETWORK_MAX_N`` asks for more);
* ``index.md``: what each file is, then one section per step that has one, in the
  order of the steps: the paper's claims, the thermal battery's, the chains' and the
  networks' (each with the count of each status and a table with every claim's source),
  the summary.

Its steps are declared once, in :data:`STEPS` (formulas, figures, one step per claim
family of :data:`qb_symbolic.paper.families.FAMILIES`, summary, index), and run in one
loop that prints one progress line per step and one when it is done; a family's step
prints its :func:`~qb_symbolic.paper.claim_writer.headline`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.threads import limited_blas
from ..numeric.search.charging import charging_time, max_power
from .claim_writer import ClaimFamily, headline
from .families import FAMILIES
from .figures import DEFAULT_GAMMA, save_figures, write_figures
from .formulas import MASTER, write_document
from .results_page import write_pages

#: Default output folder of ``qb-symbolic report``.
DEFAULT_OUT = "qb_report"


def figure_parameter_sets(gamma: float = DEFAULT_GAMMA) -> list[tuple[str, str, dict]]:
    """``(figure, model, params)`` for every curve of the paper's figures (J = Omega = 1)."""
    sets = [("2", "parallel", {})]
    sets += [("2, 3", "ising", {"J": 1, "D": 0})]
    sets += [("3", "ising", {"J": 1, "D": d}) for d in (3, 6, 9)]
    sets += [("4, 5", "xxz", {"J": 1, "Delta": 2, "D": d}) for d in (0, 1.7)]
    sets += [("5", "xxz", {"J": 1, "Delta": 2, "D": d}) for d in (0.8, 1.2)]
    for Delta in (2.5, 3):
        sets += [("6, 7", "xyz", {"J": 1, "gamma": gamma, "Delta": Delta, "D": 0})]
        sets += [("7", "xyz", {"J": 1, "gamma": gamma, "Delta": Delta, "D": d}) for d in (0.5, 1)]
    return sets


def summary_rows(gamma: float = DEFAULT_GAMMA) -> list[dict]:
    """t_min, zeta_max, P_max (window [0, pi/(2 Omega)], Omega = omega0 = 1) per parameter set."""
    rows = []
    for figure, model, params in figure_parameter_sets(gamma):
        erg = charging_time(model, Omega=1, omega0=1, **params)
        pw = max_power(model, Omega=1, omega0=1, **params)
        rows.append({
            "figure": figure, "model": model, "params": params,
            "t_min": float(erg.t), "t_min_exact": None if erg.t_exact is None else str(erg.t_exact),
            "t_min_at_window_end": bool(erg.at_window_end),
            "zeta_max": float(erg.value), "full_charge": bool(erg.full_charge),
            "t_P_max": float(pw.t), "P_max": float(pw.value),
        })
    return rows


def _summary_markdown(rows: list[dict]) -> str:
    lines = [
        "# Summary: charging time, largest ergotropy, largest power",
        "",
        ("Window [0, pi/(2 Omega)] (the paper's t_min of parallel charging); J = Omega = omega0 = 1. "
        "Times are Omega t, ergotropy in omega0, power in omega0 Omega. t_min is the time of the "
        "largest ergotropy in the window (exact where proved), found from the closed form's "
        "derivative and refined with mpmath."),
        "",
        "| fig. | model | parameters | Omega t_min | zeta_max | full charge | Omega t at P_max | P_max |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        params = ", ".join(f"{k} = {v:g}" for k, v in r["params"].items()) or "J = D = 0"
        exact = f" (= {r['t_min_exact']})" if r["t_min_exact"] else ""
        if r["t_min_at_window_end"]:
            exact += " (window end, still rising)"
        lines.append(
            f"| {r['figure']} | {r['model']} | {params} | {r['t_min']:.6f}{exact} | {r['zeta_max']:.6f} "
            f"| {'yes' if r['full_charge'] else 'no'} | {r['t_P_max']:.6f} | {r['P_max']:.6f} |"
        )
    return "\n".join(lines) + "\n"


@dataclass
class Report:
    """What the steps share: the folder, gamma, and what they wrote so far.

    Attributes
    ----------
    out : Path
        The report's folder.
    gamma : float
        gamma of the XYZ Figs. 6 and 7 and of their summary rows.
    entries : list of tuple
        ``(file, what it is)`` for the index, in the order written.
    sections : list of str
        The index's lines after its list of files, in the order written.
    """

    out: Path
    gamma: float
    entries: list[tuple[str, str]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One step of the report: its progress line and what it does.

    ``run(report)`` writes its files, adds to ``report.entries`` and ``report.sections``,
    and returns the step's closing line.
    """

    title: str
    run: Callable[[Report], str]


def _formulas(report: Report) -> str:
    out = report.out / "formulas"
    tex, compiled = write_document(out)
    report.entries.append((f"formulas/{MASTER}.tex", "every closed form, LaTeX (inputs the fragments beside it)"))
    report.entries += [(f"formulas/{fragment.name}", f"LaTeX fragment '{fragment.stem}' (one derivation)")
                       for fragment in sorted(out.glob("*.tex")) if fragment.stem != MASTER]
    if compiled.pdf is None:
        return f"wrote {tex} (pdflatex not found: no PDF)"
    report.entries.append((f"formulas/{MASTER}.pdf", "the compiled formulas document"))
    return f"wrote {tex} and the PDF"


def _figure_entries(report: Report, figures: list) -> None:
    report.entries += [(f"figures/{path.name}", figure.caption) for figure in figures for path in figure.files]


def _figures(report: Report) -> str:
    figures = write_figures(report.out / "figures", gamma=report.gamma)
    _figure_entries(report, figures)
    return f"wrote {2 * len(figures)} files in {report.out / 'figures'}"


def _family_step(family: ClaimFamily) -> Step:
    """The step of one claim family: its figures, its claims decided and written, its index section."""

    def run(report: Report) -> str:
        figures = save_figures(family.figures.values(), report.out / "figures")
        _figure_entries(report, figures)
        results = family.evaluate()
        md, _ = family.write(report.out, results)
        report.entries += [(md.name, family.describes), (f"{family.stem}.json", "the same, machine-readable")]
        report.sections += family.section(results)
        drawn = f"{2 * len(figures)} figure files and " if figures else ""
        return f"{family.label + ': ' if family.label else ''}{headline(results)}; wrote {drawn}{md}"

    return Step(family.step, run)


def _summary(report: Report) -> str:
    rows = summary_rows(report.gamma)
    text = _summary_markdown(rows)
    (report.out / "summary.md").write_text(text)
    (report.out / "summary.json").write_text(json.dumps(rows, indent=1))
    report.entries += [("summary.md", "t_min, largest ergotropy and largest power per parameter set"),
                       ("summary.json", "the same, machine-readable")]
    report.sections += ["", "## Summary", "", text.split("\n", 2)[2]]  # the table without its title
    return f"{len(rows)} parameter sets"


def _index(report: Report) -> str:
    report.entries += write_pages(report.out, report.entries)  # results.md, gallery.md
    lines = ["# qb_symbolic report", "",
             ("Closed-form results for the two-qubit quantum battery of Zhang, Song and Wang "
              "(arXiv:2406.16047), written by `qb-symbolic report`."), "",
             "| file | what it is |", "|---|---|"]
    lines += [f"| [{name}]({name}) | {text} |" for name, text in report.entries]
    (report.out / "index.md").write_text("\n".join(lines + report.sections))
    return f"{len(report.entries)} files listed"


#: Every step of the report, in order.
STEPS: tuple[Step, ...] = (
    Step("deriving the closed forms and writing the LaTeX document", _formulas),
    Step("computing the paper's figures from the closed forms", _figures),
    *(_family_step(family) for family in FAMILIES),
    Step("charging times and largest power for every figure's parameter set", _summary),
    Step("writing the index", _index),
)


def run_report(out: Path | str = DEFAULT_OUT, progress: Callable[[str], None] = print,
               gamma: float = DEFAULT_GAMMA) -> Path:
    """Write everything into ``out``; returns the index file.

    Parameters
    ----------
    out : Path or str
        Output folder (created if needed).
    progress : callable
        Receives the progress lines (``print`` by default).
    gamma : float
        gamma of the XYZ figures and their summary rows.

    Returns
    -------
    Path
        ``out/index.md``.

    Notes
    -----
    Runs with the BLAS threads limited (:func:`qb_symbolic.core.threads.limited_blas`).
    """
    with limited_blas():
        return _write_report(Report(Path(out), gamma), progress)


def _write_report(report: Report, progress: Callable[[str], None]) -> Path:
    report.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i, step in enumerate(STEPS, 1):
        progress(f"[{i}/{len(STEPS)}] {step.title} ...")
        t0 = time.perf_counter()
        said = step.run(report)
        progress(f"      {said} ({time.perf_counter() - t0:.1f} s)")
    index = report.out / "index.md"
    progress(f"report written to {report.out.resolve()} (index: {index}) in {time.perf_counter() - start:.1f} s")
    return index


def listed_files(index: Path) -> list[Path]:
    """The files an index lists (for tests and users)."""
    import re

    names = re.findall(r"^\| \[([^\]]+)\]\(", index.read_text(), flags=re.MULTILINE)
    return [index.parent / name for name in names]


__all__ = ["DEFAULT_OUT", "STEPS", "Report", "Step", "figure_parameter_sets", "listed_files", "run_report",
           "summary_rows"]
