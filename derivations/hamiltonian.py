"""Derivation: The Hamiltonian (paper Eqs. 1-3), the symmetry Sigma found by SymPy, and the DM-preserved block form in the Bell basis.

Run on its own: ``python derivations/hamiltonian.py --out DIR`` writes ``DIR/hamiltonian.tex``, the
fragment that ``qb-symbolic latex`` assembles into qb_symbolic_formulas.tex.
"""

import sys
from pathlib import Path

# Run from a source checkout without installing: the package sits next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qb_symbolic.paper.formulas import fragment_script

if __name__ == "__main__":
    sys.exit(fragment_script("hamiltonian", sys.argv[1:]))
