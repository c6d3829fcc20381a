"""The package's layers import in one direction only (README, "Layers").

core -> model -> symbolic -> numeric -> export -> paper -> cli: a module may import
from its own layer or a lower one, never a higher one (lazy imports inside functions
included, since they are dependencies too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qb_symbolic"
LAYERS = ("core", "model", "symbolic", "numeric", "export", "paper", "cli")
#: Modules may be a little over the guide's "about 400 lines"; beyond this they must split.
MAX_LINES = 420


def _layer(parts: tuple[str, ...]) -> int | None:
    """Rank of a module given its path parts below the package (None: top-level glue)."""
    if parts[0] in LAYERS:
        return LAYERS.index(parts[0])
    if parts[0] == "cli.py" or parts[0].startswith("cli_"):
        return LAYERS.index("cli")
    return None


def _imported(path: Path) -> list[tuple[str, ...]]:
    """Package-internal modules imported by ``path`` (relative imports resolved)."""
    here = path.relative_to(PACKAGE).parent.parts
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - (node.level - 1)]
            target = base + tuple((node.module or "").split(".")) if node.module else base
            found.append(tuple(p for p in target if p))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qb_symbolic."):
            found.append(tuple(node.module.split(".")[1:]))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down_only(path: Path) -> None:
    own = _layer(path.relative_to(PACKAGE).parts)
    if own is None:
        return
    upward = [".".join(t) for t in _imported(path) if t and (r := _layer(t)) is not None
              and r > own]
    assert not upward, f"{path.name} imports from a higher layer: {upward}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_size(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines (split it)"


def test_every_module_in_a_layer() -> None:
    stray = [p.name for p in MODULES if _layer(p.relative_to(PACKAGE).parts) is None
             and p.name != "__main__.py"]
    assert not stray, f"modules outside the layers: {stray}"
