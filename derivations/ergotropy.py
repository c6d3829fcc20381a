"""Derivation: The ergotropy zeta(t) and power P(t) of every model (parallel, Ising, XXZ, XYZ, general), each section at most half a page.

Run on its own: ``python derivations/ergotropy.py --out DIR`` writes ``DIR/ergotropy.tex``, the
fragment that ``qb-symbolic latex`` assembles into qb_symbolic_formulas.tex.
"""

import sys
from pathlib import Path

# Run from a source checkout without installing: the package sits next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qb_symbolic.paper.formulas import fragment_script

if __name__ == "__main__":
    sys.exit(fragment_script("ergotropy", sys.argv[1:]))
