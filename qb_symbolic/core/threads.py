"""BLAS threads for the package's own dense algebra.

The dense work here is small: 4 x 4 blocks batched over parameter points, and chain
sectors of at most a few thousand states. At these sizes OpenBLAS's thread pool costs more
in start-up and synchronisation than it saves, and on a busy machine its spinning threads
compete with everything else: the report's chain stage took 65-87 s on a loaded 2-core
machine with the default pool and 18 s with one thread (issue 23;
``benchmarks/threads.py`` measures it). The command line and the report therefore run
inside :func:`limited_blas`; library calls leave the caller's setting alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

#: BLAS threads for the CLI and the report unless ``QB_BLAS_THREADS`` says otherwise.
DEFAULT_BLAS_THREADS = 1
#: Environment variable: a positive integer, or 0 for "leave the BLAS library as it is".
BLAS_THREADS_VARIABLE = "QB_BLAS_THREADS"


def blas_threads() -> int | None:
    """The thread limit to apply (``None``: no limit), from ``QB_BLAS_THREADS``.

    Raises
    ------
    ValueError
        If the variable is set to anything but a non-negative integer.
    """
    text = os.environ.get(BLAS_THREADS_VARIABLE, "").strip()
    if not text:
        return DEFAULT_BLAS_THREADS
    if not text.isdigit():
        raise ValueError(f"{BLAS_THREADS_VARIABLE} must be a non-negative integer (0: no "
                         f"limit); got {text!r}")
    return int(text) or None


@contextmanager
def limited_blas() -> Iterator[None]:
    """Run the body with the BLAS thread pools limited to :func:`blas_threads`."""
    limit = blas_threads()
    if limit is None:
        yield
        return
    with threadpool_limits(limits=limit, user_api="blas"):
        yield
