"""The tutorial notebook (docs/tutorial.ipynb) executes from top to bottom in a fresh
kernel (nbclient), and the batteries show as LaTeX (issue 14, point 5)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import sympy as sp
from nbclient import NotebookClient

import qb_symbolic as qb

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ipynb"


def test_tutorial_executes(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    latex = [o["data"]["text/latex"] for o in outputs if "text/latex" in o.get("data", {})]
    assert any("\\sigma^{x}_{1}" in text and "|{dd}\\rangle" in text for text in latex)
    assert any("|{ud}\\rangle" in text for text in latex)


def test_latex_reprs_name_every_term():
    """The displayed H has exactly the Pauli terms of the battery (cell 1 first)."""
    battery = qb.Battery.from_string("J*XX + D*(XY - YX) + B*ZI")
    text = battery._repr_latex_()
    assert text.startswith("$") and text.endswith("$")
    for term in ("J \\sigma^{x}_{1} \\sigma^{x}_{2}", "D \\sigma^{x}_{1} \\sigma^{y}_{2}",
                 "- D \\sigma^{y}_{1} \\sigma^{x}_{2}", "B \\sigma^{z}_{1}"):
        assert term in text, term
    assert "\\sigma^{z}_{2}" in text.split("H_0")[1]  # H0 = omega0 (sz1 + sz2)
    mixed = qb.gibbs_battery("xx")._repr_latex_()
    assert "\\rho(0)" in mixed
    ring = qb.chain(5, "ising", periodic=True)._repr_latex_()
    assert "\\sum_{i=1}^{N}" in ring and "N = 5" in ring and "ring" in ring
    values = qb.eigensystem(qb.Battery("parallel"))._repr_latex_()
    assert sp.latex(sp.Symbol("lambda_0")) in values
