"""Every example in the README runs (issue 23): the README cannot drift from the code.

* ``python`` blocks run each in a fresh namespace (a reader copies one block, so each
  block imports what it uses), in a temporary folder. Lines written as a doctest (``>>>`` with the
  expected output below) are compared by :mod:`doctest`: the numbers the README quotes.
* ``bash`` and ``console`` blocks, and inline code spans in the text: every
  ``qb-symbolic`` command runs through the CLI's
  entry point in a temporary folder and must exit 0; in ``console`` blocks the lines
  after a ``$ qb-symbolic ...`` line are its expected output (``...`` matches anything).
* The first block is the newcomer's two commands: install and run the main job, install
  and run the tests; the second must be exactly what ``.ci/run`` runs. The main job
  itself (``qb-symbolic report``) is run by ``tests/test_report.py`` and not repeated.
* The README is short (issue 27: the guide is in docs/) and quotes no number that code does
  not produce: outside the blocks above (whose outputs are compared) it carries none but
  the papers' arXiv numbers, and every file it links exists; the numbers of the results and
  the benchmarks are on the generated pages it links (docs/results.md, docs/benchmarks.md).

The helpers :func:`blocks`, :func:`commands` and :func:`shell_cases` take any Markdown
file: ``tests/test_docs.py`` runs the guide's pages with them.
"""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest
from toolchains import need

from qb_symbolic.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: Commands run elsewhere in the suite, not twice (each costs a minute): the report
#: (tests/test_report.py), which also writes and compiles every formula's LaTeX and draws
#: the paper's figures through the functions ``latex`` and ``figures`` call; ``latex``
#: itself (tests/test_latex.py::test_latex_command); and the selfcheck's usage line with
#: its optional flags in brackets (tests/test_selfcheck.py).
RUN_ELSEWHERE = ("qb-symbolic report", "qb-symbolic report --out qb_report", "qb-symbolic latex", "qb-symbolic latex --out qb_formulas",
                 "qb-symbolic figures --out qb_figures",
                 "qb-symbolic selfcheck [--points 3] [--seed S] [--no-qutip]")
#: Options whose commands need a program the pip install does not bring.
NEEDS = {"--png": ("pdflatex", "pdftoppm")}
#: Doctest options: floats print as they do in the README, whitespace is not a number.
DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def blocks(path: Path = README) -> list[tuple[str, int, str]]:
    """``(language, line number, text)`` of every fenced block of a Markdown file."""
    found, text = [], path.read_text()
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
        line = text[: match.start()].count("\n") + 1
        found.append((match.group(1), line, match.group(2)))
    return found


def commands(language: str, text: str) -> list[tuple[str, list[str]]]:
    """``(command, expected output lines)`` of a shell block, continuation lines joined.

    In ``bash`` every line but comments is a command (a trailing ``# ...`` dropped); in
    ``console`` a command follows ``$ `` and the lines below it are its output."""
    found: list[tuple[str, list[str]]] = []
    for raw in re.sub(r"\\\n\s*", " ", text).splitlines():
        line = raw.strip()
        if language == "console" and not line.startswith("$ "):
            if found and line:
                found[-1][1].append(raw.rstrip())
        elif line and not line.startswith("#"):
            found.append((line.removeprefix("$ ").split(" #")[0].strip(), []))
    return found


def test_the_first_block_is_the_two_commands():
    language, _, text = blocks()[0]
    lines = [line.split("#")[0].strip() for line in text.strip().splitlines()]
    assert language == "bash" and len(lines) == 2
    assert lines[0] == "python3 -m pip install . && qb-symbolic report"
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert lines[1] == ci.strip()


def shell_cases(path: Path = README, first: int = 1) -> list[tuple[int, str, list[str]]]:
    """``(line, command, expected output)`` of every ``qb-symbolic`` command of a Markdown
    file: in its ``bash`` and ``console`` blocks from block ``first`` on, and in its inline
    code spans; each once, those of :data:`RUN_ELSEWHERE` left out."""
    cases = []
    for language, line, text in blocks(path)[first:]:
        if language in ("bash", "console"):
            for command, output in commands(language, text):
                if command.startswith("qb-symbolic") and command not in RUN_ELSEWHERE:
                    cases.append((line, command, output))
    text = path.read_text()
    for match in re.finditer(r"`(qb-symbolic [^`]+)`", text):
        command = " ".join(match.group(1).split())
        if command not in RUN_ELSEWHERE:
            cases.append((text[: match.start()].count("\n") + 1, command, []))
    seen: set[tuple[str, tuple[str, ...]]] = set()  # a command quoted twice runs once
    unique = []
    for line, command, output in cases:
        if (command, tuple(output)) not in seen:
            seen.add((command, tuple(output)))
            unique.append((line, command, output))
    return unique


def run_command(tmp_path, monkeypatch, capsys, where: str, command: str, output: list[str]) -> None:
    """Run one ``qb-symbolic`` command in ``tmp_path``: exit 0, and the output shown, if any."""
    for option, programs in NEEDS.items():
        if option in command.split():
            need(*programs)
    monkeypatch.chdir(tmp_path)
    code = main(shlex.split(command)[1:])
    printed = capsys.readouterr()
    assert code == 0, f"{where}: {command}\n{printed.err}"
    if output:
        checker = doctest.OutputChecker()
        want = "\n".join(output) + "\n"
        assert checker.check_output(want, printed.out, DOCTEST_FLAGS), (
            f"{where}: {command}\nthe page shows:\n{want}\nthe command printed:\n{printed.out}")


@pytest.mark.parametrize("line, command, output", shell_cases(),
                         ids=[f"L{c[0]}-{c[1][:50]}" for c in shell_cases()])
def test_readme_command_runs(tmp_path, monkeypatch, capsys, line, command, output):
    run_command(tmp_path, monkeypatch, capsys, f"README line {line}", command, output)


def run_python(text: str, namespace: dict, where: str, path: Path, line: int) -> None:
    """Run one python block in ``namespace``: as a doctest (outputs compared) if it has
    ``>>>`` lines, else as a script."""
    if ">>>" in text:
        test = doctest.DocTestParser().get_doctest(text, namespace, where, str(path), line)
        result = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS).run(test, clear_globs=False)
        namespace.update(test.globs)  # the doctest ran on a copy: later blocks see its names
        assert result.failed == 0, f"{where}: see the doctest report above"
    else:
        exec(compile(text, where, "exec"), namespace)  # noqa: S102


PYTHON = [(line, text) for language, line, text in blocks() if language == "python"]


def test_the_readme_shows_python():
    assert len(PYTHON) >= 2


@pytest.mark.parametrize("line, text", PYTHON, ids=[f"L{line}" for line, _ in PYTHON])
def test_readme_python_runs(tmp_path, monkeypatch, line, text):
    """One python block in a fresh namespace; doctest lines compared."""
    monkeypatch.chdir(tmp_path)
    run_python(text, {"__name__": "__readme__"}, f"README block at line {line}", README, line)


#: The README's length (issue 27: "at most ~150 lines"; the guide is in docs/).
MAX_LINES = 150
#: The only numbers the README's prose may carry: the papers' arXiv identifiers.
CITATION = re.compile(r"arXiv:\d{4}\.\d{4,5}")
#: Inline code that is a command the suite runs (qb-symbolic) or the first block's commands.
COMMAND = re.compile(r"^(qb-symbolic|python3? -m|\.ci/run) ")


def prose(text: str) -> str:
    """``text`` without its fenced blocks and the targets of its links."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    return re.sub(r"\]\([^)]*\)", "]", text)


def quoted_numbers(text: str) -> list[str]:
    """The numbers a Markdown text quotes by hand: digits in its prose (arXiv numbers
    aside), and inline code that is a bare number or a number with a unit (``3.2 ms``,
    ``12x``, ``1e-12``). Code that runs (fenced blocks: outputs compared by the tests) and
    inline code that is an input (``qb.Battery("ising", J=1, D=3)``, a command) are not
    quotes.

    >>> quoted_numbers("Fast (`3.2 ms`, 40x), see `qb.evaluate(t=1)` and arXiv:2406.16047.")
    ['3.2 ms', '40']
    """
    found = []
    text = CITATION.sub("", prose(text))
    for span in re.findall(r"`([^`]+)`", text):
        if COMMAND.match(span):
            continue
        if re.fullmatch(r"[-+]?\d[\d.,eE+-]*\s*(%|x|ms|s|us|µs|MB|GB|MiB|digits)?", span.strip()):
            found.append(span)
    bare = re.sub(r"`[^`]+`", "", text)
    found += re.findall(r"(?<![A-Za-z_])\d[\d.,]*", bare)
    return found


def test_the_readme_is_short():
    lines = README.read_text().splitlines()
    assert len(lines) <= MAX_LINES, f"README has {len(lines)} lines; the guide is docs/"


def test_the_readme_quotes_no_number_code_does_not_write():
    """Every number the README shows is printed by code the suite runs (its examples'
    outputs) or stands on a generated page it links; its prose quotes none."""
    assert quoted_numbers(README.read_text()) == []
    assert quoted_numbers("| method | ratio |\n| ours | 39.9x slower |") == ["39.9"]  # the check bites


def test_the_readme_links_resolve_and_reach_the_generated_pages():
    text = README.read_text()
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if "://" not in t]
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, missing
    for page in ("docs/results.md", "docs/benchmarks.md", "docs/gallery.md", "CHANGELOG.md",
                 "ARCHITECTURE.md"):
        assert page in local, page
    for page in ("docs/results.md", "docs/benchmarks.md", "docs/gallery.md"):
        assert (ROOT / page).read_text().startswith("<!-- Generated by"), page
