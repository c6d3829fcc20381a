"""One writer for every family of claims: the record of a family, its headline, table and files.

A :class:`ClaimFamily` says what a family is (its claims, the files it writes, its texts
in the report); :meth:`ClaimFamily.write` writes ``<stem>.md`` and ``<stem>.json`` and
:meth:`ClaimFamily.section` gives its part of the report's index. The families are listed
once, in :mod:`qb_symbolic.paper.families`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .claims_common import STATUSES, ClaimResult, Status

if TYPE_CHECKING:  # only for the annotation: figures import matplotlib
    from .figures import FigureResult


def count_statuses(results: Iterable[ClaimResult]) -> dict[Status, int]:
    """How many claims have each status.

    Parameters
    ----------
    results : iterable of ClaimResult
        Decided claims.

    Returns
    -------
    dict
        ``{status: count}`` for every status of :data:`STATUSES` (zeros
        included), in that order; the counts add up to the number of claims.
    """
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for r in results:
        counts[r.status] += 1
    return counts


def headline(results: Iterable[ClaimResult]) -> str:
    """One sentence counting the claims of each status, e.g. ``"9 of 14 claims hold as
    stated, 3 hold only for a range or in part, 2 fail"`` (:func:`count_statuses`)."""
    counts = count_statuses(results)
    total = sum(counts.values())
    held, conditional, failed = (counts[s] for s in STATUSES)

    def verb(n: int, one: str, many: str) -> str:
        return one if n == 1 else many

    return (f"{held} of {total} {verb(total, 'claim', 'claims')} {verb(held, 'holds', 'hold')} as stated, "
            f"{conditional} {verb(conditional, 'holds', 'hold')} only for a range or in part, "
            f"{failed} {verb(failed, 'fails', 'fail')}")


def markdown_table(results: list[ClaimResult]) -> str:
    """The claims as a Markdown table: claim, figure, proposition, status, verdict, source.

    The verdict's opening, up to its first colon, is in bold; the source is last so that the
    table's first five columns read as they always have.
    """
    lines = ["| claim | figure | proposition | status | verdict | source |", "|---|---|---|---|---|---|"]
    for r in results:
        cell, source = (text.replace("|", "\\|") for text in (r.verdict, r.source))
        head, _, rest = cell.partition(":")
        lines.append(f"| `{r.id}` | {r.figure} | {r.proposition} | {r.status} "
                     f"| **{head}**{':' if rest else ''}{rest} | {source} |")
    return "\n".join(lines)


def evaluate_all(claims: Mapping[str, Callable[[], ClaimResult]]) -> list[ClaimResult]:
    """Decide every claim of a registry ``{id: build}``, in its order."""
    return [build() for build in claims.values()]


@dataclass(frozen=True)
class ClaimFamily:
    """A family of claims and everything the report says of it.

    Attributes
    ----------
    name : str
        Short name (``"paper"``, ``"thermal"``, ``"chains"``).
    claims : Mapping
        ``{id: build}``: each ``build()`` decides one claim, in the report's order.
    stem : str
        The files written: ``<stem>.md`` and ``<stem>.json``.
    title, intro : str
        The title of ``<stem>.md`` and the paragraph under it (setting, where the
        statements come from).
    heading, summary : str
        The index's section on the family: its heading and the paragraph under it
        (empty for none).
    describes : str
        What ``<stem>.md`` is, for the index's list of files.
    step : str
        The report's progress line for the family's step.
    label : str
        Opens the step's closing line (empty for none).
    figures : Mapping
        ``{name: build}`` of the figures the family's step draws first (empty for none).
    """

    name: str
    claims: Mapping[str, Callable[[], ClaimResult]]
    stem: str
    title: str
    intro: str
    heading: str
    summary: str
    describes: str
    step: str
    label: str = ""
    figures: Mapping[str, Callable[[], FigureResult]] = field(default_factory=dict)

    def evaluate(self) -> list[ClaimResult]:
        """Decide every claim of the family (:func:`evaluate_all`)."""
        return evaluate_all(self.claims)

    def write(self, out: Path | str, results: list[ClaimResult] | None = None) -> tuple[Path, Path]:
        """Write ``<stem>.md`` and ``<stem>.json`` into ``out`` (created if needed).

        Parameters
        ----------
        out : Path or str
            Output folder.
        results : list of ClaimResult, optional
            Decided claims; :meth:`evaluate` by default.

        Returns
        -------
        tuple of Path
            The Markdown file (title, intro, headline, table, one section per claim with its
            source) and the JSON file (every field of every :class:`ClaimResult`).
        """
        results = self.evaluate() if results is None else results
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        body = [f"# {self.title}", "", self.intro, "", f"{headline(results)}.", "", markdown_table(results), ""]
        for r in results:
            body += [f"## `{r.id}` ({r.figure})", "", f"> {r.paper}", "", f"**Source.** {r.source}", "",
                     f"**Proposition.** {r.proposition}", "", f"**Status.** {r.status}", "",
                     f"**Verdict.** {r.verdict}", ""]
        md, js = out / f"{self.stem}.md", out / f"{self.stem}.json"
        md.write_text("\n".join(body))
        js.write_text(json.dumps([asdict(r) for r in results], indent=1))
        return md, js

    def section(self, results: list[ClaimResult]) -> list[str]:
        """The family's lines of the report's index: heading, summary, headline and table."""
        lines = ["", f"## {self.heading}", ""] + ([self.summary, ""] if self.summary else [])
        return lines + [f"{headline(results)}.", "", markdown_table(results)]


__all__ = ["ClaimFamily", "count_statuses", "evaluate_all", "headline", "markdown_table"]
