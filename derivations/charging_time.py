"""Derivation: t_min: pi/(2 Omega) for parallel charging, the extremum conditions d zeta/dt = 0 and dP/dt = 0, and the exact Ising result at D = 0, J = Omega.

Run on its own: ``python derivations/charging_time.py --out DIR`` writes ``DIR/charging_time.tex``, the
fragment that ``qb-symbolic latex`` assembles into qb_symbolic_formulas.tex.
"""

import sys
from pathlib import Path

# Run from a source checkout without installing: the package sits next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qb_symbolic.paper.formulas import fragment_script

if __name__ == "__main__":
    sys.exit(fragment_script("charging_time", sys.argv[1:]))
