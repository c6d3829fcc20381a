"""Numbers read from the command line: argparse types and the values inside option texts."""

from __future__ import annotations

import argparse

import numpy as np


def number(text: str) -> float:
    """A finite float from the command line (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def number_text(flag: str, text: str) -> float:
    """``number`` of a part of an option's text, its error prefixed by the flag."""
    try:
        return number(text)
    except argparse.ArgumentTypeError as error:
        raise ValueError(f"{flag}: {error}") from None


__all__ = ["number", "number_text"]
