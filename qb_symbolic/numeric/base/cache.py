"""The disk cache of derived expressions, keyed by the SymPy version and the package source.

Derivations take seconds; their SymPy expressions are pickled per model (presets) or per
battery digest (user batteries) and read back by later processes. The key covers every
module of the package (all subpackages), so any change derives afresh.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import sympy as sp

from ...core.errors import big_integer_guard


@cache
def source_fingerprint() -> str:
    """A digest of the SymPy version and every module of the package (subpackages too),
    so that a change anywhere derives the cached forms afresh."""
    digest = hashlib.sha256()
    digest.update(sp.__version__.encode())
    here = Path(__file__).resolve().parent.parent  # the package root
    for path in sorted(here.rglob("*.py")):
        digest.update(str(path.relative_to(here)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_directory() -> Path:
    """Where derived expressions are pickled: ``$QB_SYMBOLIC_CACHE`` or the user cache."""
    env = os.environ.get("QB_SYMBOLIC_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qb_symbolic"


def disk_cached(name: str, derive: Callable[[], Any], valid: Callable[[Any], bool]) -> Any:
    """``derive()``, pickled under ``name`` in :func:`cache_directory` (keyed by the caller).

    Unreadable, stale or invalid files are ignored (and replaced); a read-only home is
    not an error: the forms are simply derived again.
    """
    path = cache_directory() / name
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
        if valid(found):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass
    with big_integer_guard(f"deriving {name.split('-')[0]}"):
        found = derive()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(found, tmp)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return found
