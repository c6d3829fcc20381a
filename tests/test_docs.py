"""The documentation (issues 14 and 27): the Sphinx site builds with warnings as errors, every
example on every page of the user guide runs, and the generated pages are generated.

* Every public callable has a docstring example (run as a doctest by the suite).
* Each hand-written page of ``docs/`` runs: its ``python`` blocks in order in one namespace
  (doctest lines compared, as for the README), every ``qb-symbolic`` command of its
  ``bash``/``console`` blocks and inline code through the CLI's entry point (outputs shown
  are compared). The helpers are those of ``tests/test_readme.py``.
* A hand-written page quotes no measurement (a time, a ratio, an error with decimals): those
  live in its examples' outputs or on the generated pages.
* The generated pages (``results.md``, ``gallery.md``: :mod:`qb_symbolic.paper.results_page`
  from a report folder; ``benchmarks.md``: ``benchmarks/report_page.py``, written by each
  benchmark script) say so, and their writers work on a small folder here.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
import test_readme as readme  # the README's runners (a module: its tests are not collected twice)

import qb_symbolic as qb
from qb_symbolic.paper import results_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: Pages written by code, not by hand.
GENERATED = ("results.md", "gallery.md", "benchmarks.md")
#: The user guide's hand-written pages, in the order of the index.
GUIDE = ("conventions.md", "paper.md", "own-battery.md", "mixed-thermal.md", "chains.md", "open.md",
         "cli.md", "export.md", "derivatives.md", "qutip.md", "numerics.md", "sweeps.md")


def test_sphinx_builds_without_warnings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(DOCS), str(tmp_path / "html")],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    api = (tmp_path / "html" / "api.html").read_text()
    for name in ("evaluate", "sweep", "export", "derivative", "optimise", "Battery"):
        assert f'id="qb_symbolic.{name}"' in api, name
    for page in GUIDE + GENERATED:
        assert (tmp_path / "html" / page.replace(".md", ".html")).exists(), page
    gallery = (tmp_path / "html" / "gallery.html").read_text()
    assert gallery.count("<img") >= 7  # the paper's Figs. 2-7 at least


def test_every_public_callable_has_an_example():
    public = [n for n in qb.__all__ if callable(getattr(qb, n))
              and not isinstance(getattr(qb, n), sp.Basic)]
    missing = [n for n in public if ">>>" not in (inspect.getdoc(getattr(qb, n)) or "")]
    assert len(public) > 25 and not missing, missing


def test_the_index_lists_every_page():
    index = (DOCS / "index.rst").read_text()
    listed = re.findall(r"^   (\S+)$", index, flags=re.MULTILINE)
    pages = {p.name for p in DOCS.glob("*.md")}
    assert set(GUIDE) | set(GENERATED) == pages
    assert [p for p in listed if f"{p}.md" in GUIDE] == [p.removesuffix(".md") for p in GUIDE]
    assert {f"{p}.md" for p in listed} >= pages and "api" in listed


def _python(page: str) -> list[tuple[int, str]]:
    if not (DOCS / page).exists():  # test_the_index_lists_every_page says which
        return []
    return [(line, text) for language, line, text in readme.blocks(DOCS / page) if language == "python"]


@pytest.mark.parametrize("page", [p for p in GUIDE if _python(p)])
def test_guide_page_python_runs(tmp_path, monkeypatch, page):
    """A page's python blocks, in order, in one namespace (a reader follows the page)."""
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"__docs_{page}__"}
    for line, text in _python(page):
        readme.run_python(text, namespace, f"docs/{page}, block at line {line}", DOCS / page, line)


SHELL = [(page, *case) for page in GUIDE if (DOCS / page).exists()
         for case in readme.shell_cases(DOCS / page, first=0)]


@pytest.mark.parametrize("page, line, command, output", SHELL,
                         ids=[f"{c[0]}-L{c[1]}-{c[2][:40]}" for c in SHELL])
def test_guide_command_runs(tmp_path, monkeypatch, capsys, page, line, command, output):
    readme.run_command(tmp_path, monkeypatch, capsys, f"docs/{page} line {line}", command, output)


def test_every_guide_page_has_examples():
    """Each page past the conventions shows code that runs (python or a command)."""
    bare = [p for p in GUIDE[1:] if not _python(p) and not [c for c in SHELL if c[0] == p]]
    assert not bare, bare


#: A measurement quoted by hand: a number with a unit, with an exponent, or with decimals.
MEASURED = re.compile(r"(?<![\w.])(\d+(\.\d+)?\s?(ms|s|%|x|us|MB|GB|MiB)(?!\w)|\d+(\.\d+)?e[-+]?\d+|\d+\.\d+)")


def measurements(text: str) -> list[str]:
    """The measured-looking numbers of a page's prose and inline code (fenced blocks run;
    inline code that is an input, such as ``J=0.5`` or ``"0.1"``, is no quote).

    >>> measurements("Fast: 3.2 ms, 12x, `1e-12`; `J=0.5` is an input; Eq. 6, N = 12.")
    ['3.2 ms', '12x', '1e-12']
    """
    text = readme.prose(readme.CITATION.sub("", text))
    found = []
    for match in re.finditer(r"`([^`]+)`|([^`]+)", text):
        code, bare = match.groups()
        if code is not None:
            if MEASURED.fullmatch(code.strip()):
                found.append(code.strip())
        else:
            found += [m.group(0) for m in MEASURED.finditer(bare)]
    return found


@pytest.mark.parametrize("page", GUIDE)
def test_guide_pages_quote_no_measurement(page):
    assert measurements((DOCS / page).read_text()) == []


def test_the_generated_pages_say_so():
    for page in GENERATED:
        assert (DOCS / page).read_text().startswith("<!-- Generated by"), page
    for page in GUIDE:
        assert not (DOCS / page).read_text().startswith("<!-- Generated by"), page
    bench = _report_page()
    text = (DOCS / "benchmarks.md").read_text()
    for script in bench.SCRIPTS:
        assert f"<!-- begin {script} -->" in text and f"<!-- end {script} -->" in text, script
    shown = re.findall(r"^!\[[^\]]*\]\((\S+)\)$", (DOCS / "gallery.md").read_text(), flags=re.MULTILINE)
    assert shown and all((DOCS / name).exists() for name in shown)


def _report_page():
    spec = importlib.util.spec_from_file_location("report_page", ROOT / "benchmarks" / "report_page.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_scripts_write_their_section(tmp_path, monkeypatch, capsys):
    bench = _report_page()
    page = tmp_path / "benchmarks.md"
    monkeypatch.setenv("QB_BENCHMARK_PAGE", str(page))
    monkeypatch.setattr(sys, "argv", ["speed.py", "--repeats", "2"])

    def main():
        print("Ising map\n  ours                 3.20 ms\n  QuTiP / closed form   =     3478   (target >= 500)   PASS")
        return 0

    assert bench.record_run("benchmarks/speed.py", main) == 0
    assert "QuTiP / closed form" in capsys.readouterr().out  # shown as usual
    text = page.read_text()
    assert text.startswith(bench.GENERATED)
    speed = text.split("<!-- begin speed.py -->", 1)[1].split("<!-- end speed.py -->", 1)[0]
    assert "`python benchmarks/speed.py --repeats 2`, run on " in speed
    assert "| processor |" in speed and "| cores |" in speed
    assert "| Ising map | QuTiP / closed form | 3478 | (target >= 500) PASS |" in speed
    assert "  ours                 3.20 ms" in speed
    assert text.count("Not run yet") == len(bench.SCRIPTS) - 1
    monkeypatch.setattr(sys, "argv", ["edges.py"])
    bench.record_run("benchmarks/edges.py", lambda: print("edges ran"))
    again = page.read_text()
    assert speed in again and "edges ran" in again and again.count("Not run yet") == len(bench.SCRIPTS) - 2

    def broken():
        raise RuntimeError("no page for a failed run")

    with pytest.raises(RuntimeError):
        bench.record_run("benchmarks/chains.py", broken)
    assert page.read_text() == again


def test_results_pages_from_a_report_folder(tmp_path):
    """The results page and the gallery from a small report folder, then published."""
    report, docs = tmp_path / "qb_report", tmp_path / "docs"
    (report / "figures").mkdir(parents=True)
    claim = {"id": "fig2-power", "figure": "Fig. 2", "paper": "quote", "status": "holds",
             "proposition": "P_coll > P_par on (0, pi/4).", "verdict": "holds: by 0.25 | always",
             "numbers": {}, "source": "our reading"}
    (report / "claims.json").write_text(json.dumps([claim]))
    (report / "summary.md").write_text("# Summary: charging time\n\n| fig. | t |\n|---|---|\n| 2 | 1.5 |\n")
    (report / "figures" / "fig2.png").write_bytes(b"png")
    (report / "figures" / "thermal_T.png").write_bytes(b"png")
    (report / "index.md").write_text(
        "# qb_symbolic report\n\n| file | what it is |\n|---|---|\n"
        "| [figures/fig2.png](figures/fig2.png) | Fig. 2: from |dd>, D* = 1. |\n"
        "| [figures/fig2.pdf](figures/fig2.pdf) | Fig. 2 |\n"
        "| [figures/thermal_T.png](figures/thermal_T.png) | Thermal: against T. |\n")
    written = results_page.publish(report, docs)
    assert {p.relative_to(docs).as_posix() for p in written} == {
        "results.md", "gallery.md", "figures/fig2.png", "figures/thermal_T.png"}
    results = (docs / "results.md").read_text()
    assert results.startswith(results_page.GENERATED)
    assert "1 of 1 claim holds as stated, 0 hold only for a range or in part, 0 fail." in results
    assert "| `fig2-power` | Fig. 2 | P_coll > P_par on (0, pi/4). | holds | **holds**: by 0.25 \\| always |" in results
    assert "- `fig2-power`: our reading" in results and "## Summary: charging time" in results
    gallery = (docs / "gallery.md").read_text()
    assert gallery.index("## The paper's figures") < gallery.index("![fig2](figures/fig2.png)")
    assert gallery.index("## Thermal battery") < gallery.index("![thermal_T](figures/thermal_T.png)")
    assert "Fig. 2: from |dd>, D\\* = 1." in gallery and "fig2.pdf" not in gallery


def test_the_report_writes_its_pages_into_its_folder(tmp_path):
    """What ``qb-symbolic report`` calls before its index: the two pages and their entries."""
    (tmp_path / "claims.json").write_text("[]")
    entries = results_page.write_pages(tmp_path, [("figures/fig2.png", "Fig. 2."), ("claims.md", "x")])
    assert [name for name, _ in entries] == ["results.md", "gallery.md"]
    assert "![fig2](figures/fig2.png)" in (tmp_path / "gallery.md").read_text()
    assert "0 of 0 claims hold as stated" in (tmp_path / "results.md").read_text()
