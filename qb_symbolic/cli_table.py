"""The ``qb-symbolic`` command's plain-text output: one table per payload of ``eval``,
``tmin``, ``max-power`` and ``optimise`` (``--json`` prints the payload itself), and the
progress lines of long charging-time searches (stderr).

Numbers are shown in full: floats by their shortest repr (the digits that read back to the
same double), ``--digits`` values as the strings computed at that precision.
"""

from __future__ import annotations

import sys
from typing import Any


def number_text(value: Any) -> str:
    """A float by its shortest round-trip repr (``1`` for 1.0, never ``-0``); strings as
    they are (values computed at ``--digits``)."""
    if isinstance(value, str):
        return value
    text = repr(float(value) + 0.0)
    return text.removesuffix(".0")


def table(payload: dict[str, Any]) -> str:
    """The plain-text form of a payload of ``eval``, ``tmin``, ``max-power`` or ``optimise``.

    Raises
    ------
    ValueError
        For a payload of none of these shapes (a programming error, said in one line).
    """
    params = ", ".join(f"{k}={number_text(v)}" for k, v in payload.get("params", {}).items())
    lines = [f"model {payload['model']}" + (f" ({params})" if params else "")]
    if "values" in payload:
        lines += _values(payload)
    elif "t_min" in payload:
        lines += _charging_time(payload)
    elif "power_max" in payload:
        lines += _max_power(payload)
    elif "location" in payload:
        lines += _optimum(payload)
    else:
        raise ValueError(f"no table for a payload with keys {', '.join(payload)}; use --json")
    if payload.get("unrefined_ties"):
        lines.append(f"note          {payload['unrefined_ties']} later maxima agree with this one "
                     "within double precision and were not refined (periodic dynamics?)")
    return "\n".join(lines)


def _values(payload: dict[str, Any]) -> list[str]:
    """``eval``: one row per time (and ``Omega*t``, the paper's axis, when there is an Omega)."""
    omega = payload["params"].get("Omega")
    rows = [["t", *(["Omega*t"] if omega is not None else []), payload["quantity"]]]
    for time, value in zip(payload["t"], payload["values"]):
        scaled = [number_text(omega * time)] if omega is not None else []
        rows.append([number_text(time), *scaled, number_text(value)])
    widths = [max(14, *(len(row[k]) for row in rows)) for k in range(len(rows[0]))]
    return ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]


def _window_end(payload: dict[str, Any]) -> list[str]:
    if payload["at_window_end"]:
        return ["note          still rising at the window's end: use --window for more"]
    return []


def _charging_time(payload: dict[str, Any]) -> list[str]:
    exact = f"  (exactly {payload['t_min_exact']})" if payload["t_min_exact"] else ""
    return [f"window        [0, {number_text(payload['window'])}]",
            f"t_min         {payload['t_min_digits']}{exact}",
            f"zeta_max      {payload['ergotropy_max_digits']}",
            (f"full charge   {'yes' if payload['full_charge'] else 'no'} (capacity "
             f"E_max - E_min = {number_text(payload['capacity'])})"),
            *_window_end(payload)]


def _max_power(payload: dict[str, Any]) -> list[str]:
    exact = f"  (exactly {payload['t_exact']})" if payload["t_exact"] else ""
    return [f"window        [0, {number_text(payload['window'])}]",
            f"t             {payload['t_digits']}{exact}",
            f"P_max         {payload['power_max_digits']}",
            *_window_end(payload)]


def _optimum(payload: dict[str, Any]) -> list[str]:
    """``optimise``: the largest value, where, the gradient there and what it certifies."""
    where = ", ".join(f"{k} = {number_text(v)}" for k, v in payload["location"].items())
    slope = ", ".join(f"d/d{k} = {number_text(v)}" for k, v in payload["gradient"].items())
    method = payload.get("gradient_method", "exact")
    if payload["interior"]:
        verdict = "an interior stationary point (the gradient vanishes there)"
    elif payload["on_bound"]:
        verdict = (f"on the bound of {', '.join(payload['on_bound'])} (the gradient points out "
                   "of the box there)")
    else:
        verdict = "not certified: the gradient is not small there (try a smaller box)"
    return [f"maximum       {payload['quantity']} = {number_text(payload['value'])}",
            f"at            {where}",
            f"gradient      {slope} ({method})",
            f"certificate   {verdict}"]


#: Grid sizes from which a charging-time search reports its progress on stderr.
PROGRESS_POINTS = 2_000_000


def scan_progress():
    """A progress callback printing about ten lines on stderr for long searches."""
    shown = [-1]

    def report(done: int, total: int) -> None:
        if total < PROGRESS_POINTS:
            return
        tenth = 10 * done // total
        if tenth > shown[0]:
            shown[0] = tenth
            print(f"qb-symbolic: scanned {done:,} of {total:,} grid points", file=sys.stderr,
                  flush=True)

    return report
