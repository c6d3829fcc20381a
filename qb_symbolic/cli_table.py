"""The ``qb-symbolic`` command's plain-text output: tables (``--json`` prints the payload
itself) and the progress lines of long charging-time searches (stderr)."""

from __future__ import annotations

import sys
from typing import Any


def table(payload: dict[str, Any]) -> str:
    params = ", ".join(f"{k}={v:g}" for k, v in payload["params"].items())
    lines = [f"model {payload['model']} ({params})"]
    if "values" in payload:
        omega = payload["params"].get("Omega")
        scaled = f"{'Omega*t':>14}  " if omega is not None else ""
        lines.append(f"{'t':>14}  {scaled}{payload['quantity']:>24}")
        for time, value in zip(payload["t"], payload["values"]):
            shown = value if isinstance(value, str) else f"{value:.16g}"
            scaled = f"{omega * time + 0.0:>14.8g}  " if omega is not None else ""
            lines.append(f"{time:>14.8g}  {scaled}{shown:>24}")
    elif "t_min" in payload:
        exact = f"  (exactly {payload['t_min_exact']})" if payload["t_min_exact"] else ""
        lines.append(f"window        [0, {payload['window']:.16g}]")
        lines.append(f"t_min         {payload['t_min_digits']}{exact}")
        lines.append(f"zeta_max      {payload['ergotropy_max_digits']}")
        lines.append(f"full charge   {'yes' if payload['full_charge'] else 'no'} (capacity "
                     f"E_max - E_min = {payload['capacity']:.16g})")
        if payload["at_window_end"]:
            lines.append("note          still rising at the window's end: use --window for more")
    else:
        exact = f"  (exactly {payload['t_exact']})" if payload["t_exact"] else ""
        lines.append(f"window        [0, {payload['window']:.16g}]")
        lines.append(f"t             {payload['t_digits']}{exact}")
        lines.append(f"P_max         {payload['power_max_digits']}")
        if payload["at_window_end"]:
            lines.append("note          still rising at the window's end: use --window for more")
    if payload.get("unrefined_ties"):
        lines.append(f"note          {payload['unrefined_ties']} later maxima agree with this one "
                     "within double precision and were not refined (periodic dynamics?)")
    return "\n".join(lines)


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
