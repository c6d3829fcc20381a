"""API documentation (issue 14, point 6): the Sphinx site builds with warnings as errors,
and every public callable has a docstring example (run as a doctest by the suite)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import sympy as sp

import qb_symbolic as qb

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_sphinx_builds_without_warnings(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(DOCS), str(tmp_path / "html")],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    api = (tmp_path / "html" / "api.html").read_text()
    for name in ("evaluate", "sweep", "export", "derivative", "optimise", "Battery"):
        assert f'id="qb_symbolic.{name}"' in api, name


def test_every_public_callable_has_an_example():
    public = [n for n in qb.__all__ if callable(getattr(qb, n))
              and not isinstance(getattr(qb, n), sp.Basic)]
    missing = [n for n in public if ">>>" not in (inspect.getdoc(getattr(qb, n)) or "")]
    assert len(public) > 25 and not missing, missing
