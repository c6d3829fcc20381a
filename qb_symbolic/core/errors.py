"""The package's own error for "this result does not exist for this battery".

A physicist who asks for something the battery cannot give (closed-form eigenvalues of a
2080-dimensional sector, code export of a curve that only a Krylov method computes, an
exact derivative of a mixed start) gets a :class:`NoClosedForm`: a ``ValueError`` (so the
CLI prints one line and ``except ValueError`` keeps working) whose message says what is
missing and names what to use instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class NoClosedForm(ValueError):
    """The battery has no closed form for this request; the message names what to use.

    Examples
    --------
    >>> import qb_symbolic as qb
    >>> try:
    ...     qb.eigensystem(qb.chain(6, "xxz", periodic=True))
    ... except qb.NoClosedForm as missing:
    ...     print(missing.instead)
    the numeric path qb.evaluate(quantity, t, battery=chain, ...)
    """

    def __init__(self, what: str, instead: str) -> None:
        super().__init__(f"{what}; use {instead}")
        self.what, self.instead = what, instead


@contextmanager
def big_integer_guard(what: str) -> Iterator[None]:
    """Turn SymPy's overflow on huge exact integers under gmpy2 into a clear ValueError.

    SymPy 1.14 with gmpy2 2.3 as its ground types raises ``OverflowError: 'mpz' too large
    to convert to float`` inside ``perfect_power`` on integers beyond 2^1024, which the
    exact forms of floating-point inputs (snapped states, matrices) reach. Without gmpy2
    (SymPy's pure-Python integers) the same derivation succeeds.
    """
    try:
        yield
    except OverflowError as error:
        if "mpz" not in str(error):
            raise
        raise ValueError(
            f"{what}: SymPy (with gmpy2) overflowed on a very large exact integer ({error}), "
            "a SymPy/gmpy2 bug that the exact forms of floating-point inputs reach; set "
            "SYMPY_GROUND_TYPES=python before SymPy is imported, or give exact (rational) "
            "inputs") from None
