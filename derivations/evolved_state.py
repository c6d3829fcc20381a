"""Derivation: The charging state psi(t) = exp(-iHt)|dd> on the Bell basis, through the eigenvalues and the adjugate of the block.

Run on its own: ``python derivations/evolved_state.py --out DIR`` writes ``DIR/evolved_state.tex``, the
fragment that ``qb-symbolic latex`` assembles into qb_symbolic_formulas.tex.
"""

import sys
from pathlib import Path

# Run from a source checkout without installing: the package sits next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qb_symbolic.paper.formulas import fragment_script

if __name__ == "__main__":
    sys.exit(fragment_script("evolved_state", sys.argv[1:]))
