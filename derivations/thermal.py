"""Derivation: the thermal battery (Ali et al. setting): its Gibbs X state, the sorted weights, and the ergotropy, capacity, concurrence and l1-coherence of the start.

Run on its own: ``python derivations/thermal.py --out DIR`` writes ``DIR/thermal.tex``, the
fragment that ``qb-symbolic latex`` assembles into qb_symbolic_formulas.tex.
"""

import sys
from pathlib import Path

# Run from a source checkout without installing: the package sits next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qb_symbolic.paper.formulas import fragment_script

if __name__ == "__main__":
    sys.exit(fragment_script("thermal", sys.argv[1:]))
