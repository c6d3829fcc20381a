"""Tests that need a program the README's ``pip install`` does not bring (a compiler, an
interpreter, pdflatex).

On a newcomer's machine without it the test is skipped with the reason printed in the
summary (pytest runs with ``-ra``); with ``QB_REQUIRE_TOOLCHAINS=1`` (``.ci/run`` sets it
after installing them) a missing program fails the test instead, so CI still proves every
backend.
"""

from __future__ import annotations

import os
import shutil

import pytest

#: Where each program comes from, for the skip message.
INSTALL = {
    "cc": "a C compiler (apt-get install gcc)",
    "rustc": "rustc (https://rustup.rs or apt-get install rustc)",
    "gfortran": "gfortran (apt-get install gfortran)",
    "octave-cli": "GNU Octave (apt-get install octave)",
    "pdflatex": "pdflatex (apt-get install texlive-latex-base texlive-latex-recommended)",
    "pdftoppm": "pdftoppm (apt-get install poppler-utils)",
}


def required() -> bool:
    """True when a missing toolchain must fail the test (CI)."""
    return os.environ.get("QB_REQUIRE_TOOLCHAINS", "") not in ("", "0")


def need(*programs: str) -> None:
    """Skip (or, under ``QB_REQUIRE_TOOLCHAINS=1``, fail) unless every program is on PATH."""
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    reason = "needs " + ", ".join(INSTALL.get(p, p) for p in missing)
    if required():
        pytest.fail(f"{reason}; QB_REQUIRE_TOOLCHAINS=1 forbids skipping")
    pytest.skip(reason)
