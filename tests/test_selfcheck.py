"""``qb-symbolic selfcheck`` (issue 14, point 2): passes here, in a real process, and fails
with a non-zero exit and the failing row shown when one closed form is perturbed."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import qb_symbolic as qb
from qb_symbolic.cli import main


def test_selfcheck_passes_in_a_real_process():
    done = subprocess.run([sys.executable, "-m", "qb_symbolic.cli", "selfcheck", "--points", "1"],
                          check=False, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["battery", "check"]
    rows = [line for line in lines[1:] if line.rstrip().endswith((" ok", " FAIL"))]
    # 5 presets + 4 user batteries x 6 quantities x 2 paths, the thermal start x 2 x 2,
    # and one QuTiP row per battery
    assert len(rows) == 9 * 12 + 4 + 10 and all(r.endswith(" ok") for r in rows)
    assert "quartic" in done.stdout and "energy vs QuTiP" in done.stdout


def test_a_perturbed_closed_form_fails(monkeypatch, capsys):
    """The Ising ergotropy off by 1e-9 (a wrong closed form that still looks plausible):
    the check must see it, mark that row, and exit 1."""
    original = qb.evaluate_many

    def perturbed(quantities, t, **kwargs):
        found = original(quantities, t, **kwargs)
        source = str(getattr(kwargs.get("battery"), "source", ""))
        if "ergotropy" in found and source.startswith("Battery('ising'"):
            found["ergotropy"] = np.asarray(found["ergotropy"]) + 1e-9
        return found

    monkeypatch.setattr(qb, "evaluate_many", perturbed)
    assert main(["selfcheck", "--points", "1", "--no-qutip"]) == 1
    captured = capsys.readouterr()
    failing = [line for line in captured.out.splitlines() if line.endswith("FAIL")]
    assert failing and all("ising" in line and "ergotropy" in line for line in failing)
    assert "selfcheck failed" in captured.err and "\n" not in captured.err.strip()
