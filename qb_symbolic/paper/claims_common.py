"""What every claim of :mod:`qb_symbolic.paper.claims` shares.

The scan grids and tolerances, the three statuses and :func:`decide`, the
:class:`ClaimResult` record with its source (:func:`paper_quote`,
:data:`OUR_READING`, :data:`THERMAL_SUMMARY`), and the small helpers the claim
modules use to evaluate the closed forms on a time grid at ``Omega = omega0 = 1``
(the parameters of the paper's figures, docs/conventions.md).
"""

from __future__ import annotations

import re
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

#: The paper every quoted source is taken from (Zhang, Song, Wang 2024).
PAPER = "arXiv:2406.16047"
#: The source of a statement the paper's text does not make literally.
OUR_READING = "our reading"
#: The source of the thermal battery's statements: only an issue's summary of that paper was read.
THERMAL_SUMMARY = "summary of arXiv:2408.00133 in an issue (the paper's text was not available)"
# A quoted source: the sentence between typographic quotes, then where it stands.
_QUOTE = re.compile(r"^\u201c(.+)\u201d \(" + re.escape(PAPER) + r", [^)]+\)$")


def paper_quote(sentence: str, where: str) -> str:
    """The source of a claim the paper states: its sentence, quoted, and where it stands.

    Parameters
    ----------
    sentence : str
        The paper's words, verbatim (its LaTeX included); ``"..."`` marks a cut.
    where : str
        The section, e.g. ``"Sec. III A"``.

    Returns
    -------
    str
        ``"\u201csentence\u201d (arXiv:2406.16047, where)"``.
    """
    return f"\u201c{sentence}\u201d ({PAPER}, {where})"


def quoted_sentence(source: str) -> str | None:
    """The quoted words of a :func:`paper_quote` source; None for any other source."""
    found = _QUOTE.match(source)
    return found.group(1) if found else None


def misquoted(sources: Iterable[str], text: str) -> list[str]:
    """The quoted sources whose words do not stand, in order, in the paper's text.

    Parameters
    ----------
    sources : iterable of str
        Sources of claims; those that are not quotes are skipped.
    text : str
        The paper's text (Markdown). Its links ``[3](#page-2-1)`` count as their text
        (``\\(`` as a parenthesis), and neither hyphens nor white space count, so a
        quote needs none of them.

    Returns
    -------
    list of str
        The sources not found (empty when every quote is the paper's own words).
    """
    plain = _plain(re.sub(r"\[([^\]]*)\]\(#[^)]*\)", r"\1", text).replace("\\(", "(").replace("\\)", ")"))
    bad = []
    for source in sources:
        sentence = quoted_sentence(source)
        if sentence is None:
            continue
        at = 0
        for part in filter(None, re.split(r"\s*\.\.\.\s*", sentence)):  # each piece after the last
            found = plain.find(_plain(part), at)
            if found < 0:
                bad.append(source)
                break
            at = found + len(_plain(part))
    return bad


def _plain(text: str) -> str:
    # The text's conversion joined words hyphenated across lines ("firstorder") and spaced its
    # formulas apart ("$D$ ,"), so hyphens and white space do not count in the comparison.
    return "".join(text.replace("-", "").split())


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


def verdict(status: Status, summary: str, partly: str = "holds only in part") -> str:
    """A verdict that opens with its status (as :class:`ClaimResult` wants it).

    Parameters
    ----------
    status : Status
        From :func:`decide`.
    summary : str
        The numbers and the why, the same whatever the status.
    partly : str, optional
        The opening of ``"holds-conditionally"``; it must start with ``"holds only"``.

    Returns
    -------
    str
        ``"holds: ..."``, ``"<partly>: ..."`` or ``"fails: ..."``.
    """
    opening = {"holds": "holds", "holds-conditionally": partly, "fails": "fails"}[status]
    return f"{opening}: {summary}"


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
    source : str
        Where the statement comes from: the paper's sentence (:func:`paper_quote`),
        :data:`OUR_READING` where its text does not say it literally, or
        :data:`THERMAL_SUMMARY`. Required (by keyword): a claim without one is refused.
    """

    id: str
    figure: str
    paper: str
    proposition: str
    verdict: str
    status: Status
    numbers: dict = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"claim {self.id!r}: status {self.status!r} is not one of {STATUSES}")
        # The default is only there for the field order: every claim must say where it comes from.
        if self.source not in (OUR_READING, THERMAL_SUMMARY) and not quoted_sentence(self.source):
            raise ValueError(f"claim {self.id!r}: source {self.source!r} is neither a quote of the paper "
                             f"({PAPER}), {OUR_READING!r} nor {THERMAL_SUMMARY!r}")


def _grid(T: float = T_MIN, n: int = GRID_POINTS) -> np.ndarray:
    return np.linspace(0.0, T, n)


def _ev(quantity: str, model: str, x: np.ndarray, **params) -> np.ndarray:
    return np.asarray(evaluate(quantity, x, model=model, Omega=1, omega0=1, **params), dtype=float)


def _r(x: float, digits: int = 6) -> float:
    return float(round(float(x), digits))
