"""What every claim of :mod:`qb_symbolic.paper.claims` shares.

The scan grids and tolerances, the three statuses and :func:`decide`, the
:class:`ClaimResult` record, and the small helpers the claim modules use to
evaluate the closed forms on a time grid at ``Omega = omega0 = 1`` (the
parameters of the paper's figures, docs/conventions.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np

from ..numeric.evaluate import evaluate

#: Points of the time grids used for interval comparisons and scans.
GRID_POINTS = 4001
#: The parallel-charging time t_min = pi/(2 Omega), Omega = 1.
T_MIN = np.pi / 2
#: gamma values scanned for the XYZ claims (gamma = 0 is the XXZ model).
GAMMA_SCAN = tuple(round(g, 2) for g in np.arange(-1.0, 1.0001, 0.05) if abs(g) > 1e-9)
#: D values scanned for the Ising claims of Fig. 3.
D_SCAN = tuple(round(d, 2) for d in np.arange(0.0, 10.0001, 0.1))
#: A difference smaller than this (in units of omega0 or omega0 Omega) counts as a tie.
TIE = 1e-9

#: The status of a claim (see :mod:`qb_symbolic.paper.claims`).
Status = Literal["holds", "holds-conditionally", "fails"]
#: Every status, in the order the report counts them.
STATUSES: tuple[Status, ...] = get_args(Status)


def decide(cases: Iterable[bool]) -> Status:
    """The status of a proposition from its truth in each of its cases.

    Parameters
    ----------
    cases : iterable of bool
        Whether the proposition is true in each case (one case for a
        proposition that is simply true or false; one per scanned parameter
        value, window or step otherwise).

    Returns
    -------
    Status
        ``"holds"`` if true in every case, ``"fails"`` if true in none,
        ``"holds-conditionally"`` if true in a nonempty strict subset.

    Raises
    ------
    ValueError
        If there are no cases.
    """
    truth = [bool(c) for c in cases]
    if not truth:
        raise ValueError("a claim needs at least one case to be decided")
    if all(truth):
        return "holds"
    return "holds-conditionally" if any(truth) else "fails"


@dataclass
class ClaimResult:
    """One checked statement of the paper.

    Attributes
    ----------
    id : str
        Short name, e.g. ``"fig6-xyz"``.
    figure : str
        The figure of the paper the statement is about.
    paper : str
        The statement, quoted.
    proposition : str
        The statement made precise.
    verdict : str
        The status explained, with the deciding numbers; starts with
        ``"holds"`` (status ``"holds"``), ``"holds only"`` (status
        ``"holds-conditionally"``) or ``"fails"``.
    status : Status
        One of :data:`STATUSES`, from :func:`decide`.
    numbers : dict
        Every number behind the verdict (JSON-serialisable).
    """

    id: str
    figure: str
    paper: str
    proposition: str
    verdict: str
    status: Status
    numbers: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"claim {self.id!r}: status {self.status!r} is not one of {STATUSES}")


def _grid(T: float = T_MIN, n: int = GRID_POINTS) -> np.ndarray:
    return np.linspace(0.0, T, n)


def _ev(quantity: str, model: str, x: np.ndarray, **params) -> np.ndarray:
    return np.asarray(evaluate(quantity, x, model=model, Omega=1, omega0=1, **params), dtype=float)


def _r(x: float, digits: int = 6) -> float:
    return float(round(float(x), digits))
