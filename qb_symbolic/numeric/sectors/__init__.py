"""Many cells: symmetry sectors of the 2^N space and the numerics chosen by their size
(dense eigh, the Chebyshev series on real or complex sectors, Krylov)."""
