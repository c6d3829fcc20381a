"""The package's own error for "this result does not exist for this battery".

A physicist who asks for something the battery cannot give (closed-form eigenvalues of a
2080-dimensional sector, code export of a curve that only a Krylov method computes, an
exact derivative of a mixed start) gets a :class:`NoClosedForm`: a ``ValueError`` (so the
CLI prints one line and ``except ValueError`` keeps working) whose message says what is
missing and names what to use instead.
"""

from __future__ import annotations


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
