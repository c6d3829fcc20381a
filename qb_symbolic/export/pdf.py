"""pdflatex: compile a LaTeX document and read what its log says.

Only packages of TeX Live's latex-base and latex-recommended collections are used by
the documents of this package; without ``pdflatex`` the .tex files are still written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Seconds one pdflatex run may take before it is treated as hung.
PDFLATEX_TIMEOUT = 120


@dataclass(frozen=True)
class Compilation:
    """The result of a pdflatex run.

    Attributes
    ----------
    pdf
        The PDF, or None if pdflatex is not installed.
    log
        The pdflatex log text ('' without pdflatex).
    """

    pdf: Path | None
    log: str

    def overfull(self) -> list[float]:
        """Widths in pt of every overfull hbox the log reports."""
        return [float(x) for x in re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide", self.log)]

    def heights(self) -> dict[str, float]:
        """``{section key: its height as a fraction of the text height}``."""
        found = {}
        for key, height, text in re.findall(r"QB-HEIGHT (\S+) ([\d.]+)pt of ([\d.]+)pt", self.log):
            found[key] = float(height) / float(text)
        return found


def compile_pdf(tex: Path) -> Compilation:
    """Run pdflatex twice (for references) in the file's folder.

    Raises
    ------
    RuntimeError
        If pdflatex reports an error (the message names the log file).
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        return Compilation(None, "")
    for _ in range(2):
        run = subprocess.run(
            [exe, "-interaction=nonstopmode", "-halt-on-error", tex.name],
            check=False, cwd=tex.parent, capture_output=True, text=True, timeout=PDFLATEX_TIMEOUT,
        )
        if run.returncode != 0:
            raise RuntimeError(f"pdflatex failed on {tex}; see {tex.with_suffix('.log')}")
    log = tex.with_suffix(".log").read_text(errors="replace")
    return Compilation(tex.with_suffix(".pdf"), log)
