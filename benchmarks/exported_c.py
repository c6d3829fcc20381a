"""The exported C evaluator (``qb-symbolic export ergotropy --lang c --model ising``) on the
Fig. 3(c) map (1000 t in [0, pi/2] x 1000 D in [0, 10], J = Omega = omega0 = 1) against
the numpy evaluator, in one run: the C file is compiled as a shared library with a grid
loop appended here, called through ctypes (issue 14). Needs ``cc``."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

N = 1000
GRID = """
void grid(const double *t, int nt, const double *D, int nD, double *out)
{
    for (int i = 0; i < nD; i++)
        for (int j = 0; j < nt; j++)
            out[i * nt + j] = qb_ergotropy(1.0, 1.0, D[i], 1.0, t[j]);
}
"""


def exported_c_section(repeats: int = 7) -> float:
    """Print the C and numpy times and their ratio; return numpy / C."""
    from timing import best_of, ours  # benchmarks/ is on sys.path as the script's folder

    from qb_symbolic.export.code import export

    folder = Path(tempfile.mkdtemp())
    (folder / "ising.c").write_text(export("ergotropy", "c", model="ising") + GRID)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(folder / "ising.so"),
                    str(folder / "ising.c"), "-lm"], check=True)
    library = ctypes.CDLL(str(folder / "ising.so"))
    pointer = ctypes.POINTER(ctypes.c_double)
    library.grid.argtypes = [pointer, ctypes.c_int, pointer, ctypes.c_int, pointer]
    t, D = np.linspace(0, np.pi / 2, N), np.linspace(0, 10, N)
    out = np.empty((N, N))

    def c_map() -> np.ndarray:
        library.grid(t.ctypes.data_as(pointer), N, D.ctypes.data_as(pointer), N,
                     out.ctypes.data_as(pointer))
        return out

    zeta = ours(t, D)
    error = float(np.max(np.abs(c_map() - zeta)))
    t_c, t_numpy = best_of(c_map, repeats), best_of(lambda: ours(t, D), repeats)
    print(f"\nExported C (spectral form, gcc -O2, one core) on the Fig. 3(c) map {N} x {N}")
    print(f"  exported C               {t_c * 1e3:10.2f} ms   (max |diff| {error:.1e})")
    print(f"  numpy evaluator          {t_numpy * 1e3:10.2f} ms")
    print(f"  numpy / C              = {t_numpy / t_c:8.2f}")
    return t_numpy / t_c


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    from report_page import record_run  # writes this run's section of docs/benchmarks.md
    record_run(__file__, exported_c_section)
