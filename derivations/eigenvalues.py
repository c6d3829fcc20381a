"""Derivation: The closed-form eigenvalues: lambda_0 = J(Delta - 2 gamma), the trigonometric (Viete) roots of the 3x3 block, and the quadratic formula at D = 0.

Run on its own: ``python derivations/eigenvalues.py --out DIR`` writes ``DIR/eigenvalues.tex``, the
fragment that ``qb-symbolic latex`` assembles into qb_symbolic_formulas.tex.
"""

import sys
from pathlib import Path

# Run from a source checkout without installing: the package sits next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qb_symbolic.paper.formulas import fragment_script

if __name__ == "__main__":
    sys.exit(fragment_script("eigenvalues", sys.argv[1:]))
