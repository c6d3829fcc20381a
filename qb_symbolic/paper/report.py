"""The main job: formulas, figures, claims and a summary table in one folder.

``run_report(out)`` writes

* ``formulas/``: the LaTeX fragments, ``qb_symbolic_formulas.tex`` and its PDF
  (when pdflatex is installed);
* ``figures/``: Figs. 2, 3(a,b), 3(c), 4, 5, 6, 7 as PNG and PDF;
* ``claims.md``, ``claims.json``: the paper's statements, decided (each one
  holds, holds only for a range or in part, or fails);
* ``summary.md``, ``summary.json``: t_min, the largest ergotropy and the largest
  power of every parameter set of the paper's figures;
* ``figures/thermal_*``, ``thermal_claims.md``, ``thermal_claims.json``: the thermal
  Heisenberg battery of the second paper's setting (Ali et al., arXiv:2408.00133;
  :mod:`qb_symbolic.paper.thermal_figures`, :mod:`qb_symbolic.paper.claims_thermal`);
* ``figures/chain_*``, ``chain_claims.md``, ``chain_claims.json``: the paper's conjecture
  that DM helps charging more than two cells, decided on chains of N cells (open and
  rings; :mod:`qb_symbolic.paper.chain_figures`, :mod:`qb_symbolic.paper.claims_chains`);
* ``index.md``: what each file is, the claims (with the count of each status),
  the summary, the thermal battery's claims and the chains' claims.

It prints one progress line per step; the claims step prints
:func:`qb_symbolic.paper.claims.headline`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from ..core.threads import limited_blas
from ..numeric.charging import charging_time, max_power
from .chain_figures import write_chain_figures
from .claims import evaluate_claims, headline, markdown_table, write_claims
from .claims_chains import evaluate_chain_claims, write_chain_claims
from .claims_common import ClaimResult
from .claims_thermal import evaluate_thermal_claims, write_thermal_claims
from .figures import DEFAULT_GAMMA, write_figures
from .formulas import MASTER, write_document
from .thermal_figures import write_thermal_figures

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


def _thermal_step(out: Path) -> tuple[list[tuple[str, str]], list[ClaimResult]]:
    """Thermal figures into ``out/figures`` and the thermal claims; returns index entries and claims."""
    entries = []
    for figure in write_thermal_figures(out / "figures"):
        entries += [(f"figures/{path.name}", figure.caption) for path in figure.files]
    claims = evaluate_thermal_claims()
    write_thermal_claims(out, claims)
    entries += [("thermal_claims.md", "the thermal battery's statements (Ali et al. setting), decided"),
                ("thermal_claims.json", "the same, machine-readable")]
    return entries, claims


def _thermal_section(claims: list[ClaimResult]) -> list[str]:
    """The index's section on the thermal battery."""
    return ["", "## Thermal battery (arXiv:2408.00133 setting)", "",
            ("The Gibbs state of the Heisenberg battery H_B (XX, XY, XXZ, XYZ exchange, fields B + b and "
             "B - b, DM strength D, KSEA strength K) at temperature T, its energy measured by the Zeeman "
             "part H0; static values at t = 0 against T, D and K, and charging by Omega (sx1 + sx2) "
             "(figures/thermal_*, thermal_claims.md)."), "",
            f"{headline(claims)}.", "", markdown_table(claims)]


def _chain_step(out: Path) -> tuple[list[tuple[str, str]], list[ClaimResult]]:
    """Chain figures into ``out/figures`` and the chain claims; returns index entries and claims."""
    entries = []
    for figure in write_chain_figures(out / "figures"):
        entries += [(f"figures/{path.name}", figure.caption) for path in figure.files]
    claims = evaluate_chain_claims()
    write_chain_claims(out, claims)
    entries += [("chain_claims.md", "the DM conjecture for N cells (open chains and rings), decided"),
                ("chain_claims.json", "the same, machine-readable")]
    return entries, claims


def _chain_section(claims: list[ClaimResult]) -> list[str]:
    """The index's section on chains of N cells."""
    return ["", "## Chains: the DM conjecture for N cells", "",
            ("The paper conjectures that the DM interaction helps charging batteries of more than two "
             "cells. Its bond term on every bond of an open chain or a ring (N = 2..12), "
             "Omega X on every site, start |d...d>, J = Omega = omega0 = 1; Ising, XXZ (Delta = 2) and "
             "XYZ (gamma = -0.2, Delta = 2.5), D in [0, 3]; largest power and ergotropy in Omega t in "
             "[0, pi/2] (figures/chain_*, chain_claims.md)."), "",
            f"{headline(claims)}.", "", markdown_table(claims)]


def _formulas_step(out: Path) -> tuple[list[tuple[str, str]], str]:
    tex, compiled = write_document(out / "formulas")
    entries = [(f"formulas/{MASTER}.tex", "every closed form, LaTeX (inputs the fragments beside it)")]
    for fragment in sorted((out / "formulas").glob("*.tex")):
        if fragment.stem != MASTER:
            entries.append((f"formulas/{fragment.name}", f"LaTeX fragment '{fragment.stem}' (one derivation)"))
    if compiled.pdf is None:
        return entries, f"wrote {tex} (pdflatex not found: no PDF)"
    entries.append((f"formulas/{MASTER}.pdf", "the compiled formulas document"))
    return entries, f"wrote {tex} and the PDF"


def _figures_step(out: Path, gamma: float) -> tuple[list[tuple[str, str]], str]:
    figures = write_figures(out / "figures", gamma=gamma)
    entries = [(f"figures/{path.name}", figure.caption) for figure in figures for path in figure.files]
    return entries, f"wrote {2 * len(figures)} files in {out / 'figures'}"


def _summary_step(out: Path, gamma: float) -> tuple[list[tuple[str, str]], list[dict]]:
    rows = summary_rows(gamma)
    (out / "summary.md").write_text(_summary_markdown(rows))
    (out / "summary.json").write_text(json.dumps(rows, indent=1))
    return [("summary.md", "t_min, largest ergotropy and largest power per parameter set"),
            ("summary.json", "the same, machine-readable")], rows


def _index(out: Path, entries, claims, rows, thermal_claims, chain_claims) -> Path:
    index = out / "index.md"
    lines = ["# qb_symbolic report", "",
             ("Closed-form results for the two-qubit quantum battery of Zhang, Song and Wang "
             "(arXiv:2406.16047), written by `qb-symbolic report`."), "",
             "| file | what it is |", "|---|---|"]
    lines += [f"| [{name}]({name}) | {text} |" for name, text in entries]
    lines += ["", "## Claims", "", f"{headline(claims)}.", "", markdown_table(claims), "",
              "## Summary", "", _summary_markdown(rows).split("\n", 2)[2]]
    lines += _thermal_section(thermal_claims)
    lines += _chain_section(chain_claims)
    index.write_text("\n".join(lines))
    return index


def run_report(out: Path | str = DEFAULT_OUT, progress: Callable[[str], None] = print,
               gamma: float = DEFAULT_GAMMA) -> Path:
    """Write everything into ``out``; returns the index file.

    Runs with the BLAS threads limited (:func:`qb_symbolic.core.threads.limited_blas`).
    """
    with limited_blas():
        return _write_report(Path(out), progress, gamma)


def _write_report(out: Path, progress: Callable[[str], None], gamma: float) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    steps = 7
    entries: list[tuple[str, str]] = []

    def step(i: int, text: str) -> float:
        progress(f"[{i}/{steps}] {text} ...")
        return time.perf_counter()

    def done(t0: float, what: str) -> None:
        progress(f"      {what} ({time.perf_counter() - t0:.1f} s)")

    t0 = step(1, "deriving the closed forms and writing the LaTeX document")
    found, said = _formulas_step(out)
    entries += found
    done(t0, said)
    t0 = step(2, "computing the paper's figures from the closed forms")
    found, said = _figures_step(out, gamma)
    entries += found
    done(t0, said)
    t0 = step(3, "checking the paper's claims")
    claims = evaluate_claims()
    md, _js = write_claims(out, claims)
    entries += [("claims.md", "the paper's statements as propositions, with statuses, verdicts and numbers"),
                ("claims.json", "the same, machine-readable")]
    done(t0, f"{headline(claims)}; wrote {md}")
    t0 = step(4, "the thermal battery (Ali et al. setting)")
    thermal_entries, thermal_claims = _thermal_step(out)
    entries += thermal_entries
    done(t0, f"thermal battery: {headline(thermal_claims)}; wrote {len(thermal_entries) - 2} figure files "
             f"and {out / 'thermal_claims.md'}")
    t0 = step(5, "chains: the paper's conjecture for N cells")
    chain_entries, chain_claims = _chain_step(out)
    entries += chain_entries
    done(t0, f"chains: {headline(chain_claims)}; wrote {len(chain_entries) - 2} figure files "
             f"and {out / 'chain_claims.md'}")
    t0 = step(6, "charging times and largest power for every figure's parameter set")
    found, rows = _summary_step(out, gamma)
    entries += found
    done(t0, f"{len(rows)} parameter sets")
    t0 = step(7, "writing the index")
    index = _index(out, entries, claims, rows, thermal_claims, chain_claims)
    done(t0, f"{len(entries)} files listed")
    progress(f"report written to {out.resolve()} (index: {index}) in {time.perf_counter() - start:.1f} s")
    return index


def listed_files(index: Path) -> list[Path]:
    """The files an index lists (for tests and users)."""
    import re

    names = re.findall(r"^\| \[([^\]]+)\]\(", index.read_text(), flags=re.MULTILINE)
    return [index.parent / name for name in names]


__all__ = ["DEFAULT_OUT", "figure_parameter_sets", "listed_files", "run_report", "summary_rows"]
