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


def blocks() -> list[tuple[str, int, str]]:
    """``(language, line number, text)`` of every fenced block of the README."""
    found, text = [], README.read_text()
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


def _shell_cases() -> list[tuple[int, str, list[str]]]:
    cases = []
    for language, line, text in blocks()[1:]:
        if language in ("bash", "console"):
            for command, output in commands(language, text):
                if command.startswith("qb-symbolic") and command not in RUN_ELSEWHERE:
                    cases.append((line, command, output))
    text = README.read_text()
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


@pytest.mark.parametrize("line, command, output", _shell_cases(),
                         ids=[f"L{c[0]}-{c[1][:50]}" for c in _shell_cases()])
def test_readme_command_runs(tmp_path, monkeypatch, capsys, line, command, output):
    for option, programs in NEEDS.items():
        if option in command.split():
            need(*programs)
    monkeypatch.chdir(tmp_path)
    code = main(shlex.split(command)[1:])
    printed = capsys.readouterr()
    assert code == 0, f"README line {line}: {command}\n{printed.err}"
    if output:
        checker = doctest.OutputChecker()
        want = "\n".join(output) + "\n"
        assert checker.check_output(want, printed.out, DOCTEST_FLAGS), (
            f"README line {line}: {command}\nREADME shows:\n{want}\nthe command printed:\n"
            f"{printed.out}")


PYTHON = [(line, text) for language, line, text in blocks() if language == "python"]


def test_the_readme_shows_python():
    assert len(PYTHON) >= 3


@pytest.mark.parametrize("line, text", PYTHON, ids=[f"L{line}" for line, _ in PYTHON])
def test_readme_python_runs(tmp_path, monkeypatch, line, text):
    """One python block in a fresh namespace; doctest lines compared."""
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    if ">>>" in text:
        test = doctest.DocTestParser().get_doctest(text, namespace, f"README line {line}",
                                                   str(README), line)
        result = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS).run(test)
        assert result.failed == 0, f"README block at line {line}: see the doctest report above"
    else:
        exec(compile(text, f"README line {line}", "exec"), namespace)  # noqa: S102
