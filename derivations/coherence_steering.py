"""Derivation: First-order coherence (Eqs. 11-12), the maximised steering violation F_3 (Eq. 10) and the pure-state identity F_3^2 + 2 Q^2 = 3.

Run on its own: ``python derivations/coherence_steering.py --out DIR`` writes ``DIR/coherence_steering.tex``, the
fragment that ``qb-symbolic latex`` assembles into qb_symbolic_formulas.tex.
"""

import sys
from pathlib import Path

# Run from a source checkout without installing: the package sits next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qb_symbolic.paper.formulas import fragment_script

if __name__ == "__main__":
    sys.exit(fragment_script("coherence_steering", sys.argv[1:]))
