"""The package's layers import in one direction only (ARCHITECTURE.md).

core -> model -> symbolic -> numeric -> export -> paper -> cli: a module may import
from its own layer or a lower one, never a higher one (lazy imports inside functions
included, since they are dependencies too). Within the package no two modules import
each other, directly or through others (no import loops, lazy imports included), and
numeric/ imports every module of the package at the top of the importing module.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qb_symbolic"
LAYERS = ("core", "model", "symbolic", "numeric", "export", "paper", "cli")
#: The guide's "about 400 lines": beyond this a module must split.
MAX_LINES = 400


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


# --------------------------------------------------------------------------
# Import loops (issue 24, point 3)
# --------------------------------------------------------------------------

#: Imports that close a loop and are allowed for now, by (importer, imported) below the
#: package, each with why. An import inside a function hides a loop from Python but not
#: from this test. Optional extras (qutip, dask, jax) are no package modules, so their
#: lazy imports never form a loop and need no entry here.
ALLOWED_LOOP_EDGES: dict[tuple[str, str], str] = {}

#: numeric/ modules whose imports inside functions of package modules are allowed for
#: now, with why (the rule: every such import sits at the top of its module).
ALLOWED_LAZY_IMPORTS: dict[str, str] = {}

#: Third-party modules numeric/ may import inside a function: the optional extras of
#: pyproject.toml, absent from a plain install (each such import says so in a comment).
OPTIONAL_EXTRAS = ("dask", "qutip", "jax")


def _name(path: Path) -> str:
    """A module's dotted name below the package (``numeric.charging``)."""
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def _targets(path: Path, node: ast.stmt) -> list[str]:
    """The package modules an import statement names (dotted below the package): the
    module, or for ``from X import y`` X and, where ``y`` is a submodule, ``X.y``."""
    if isinstance(node, ast.Import):
        return [a.name.split(".", 1)[1] for a in node.names if a.name.startswith("qb_symbolic.")]
    if node.level:
        here = path.relative_to(PACKAGE).parent.parts
        base = here[: len(here) - (node.level - 1)] + tuple((node.module or "").split("."))
    elif (node.module or "").startswith("qb_symbolic."):
        base = tuple(node.module.split(".")[1:])
    else:
        return []
    base = tuple(p for p in base if p)
    return [".".join(base)] + [".".join(base + (a.name,)) for a in node.names]


def _import_graph() -> dict[str, set[str]]:
    """Module -> package modules it imports, anywhere in it (functions included). Package
    ``__init__`` files are left out: Python runs them before any of their submodules."""
    modules = {_name(p): p for p in MODULES}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[module] |= {t for t in _targets(path, node) if t in modules and t != module}
    return graph


def _loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph)))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_loops() -> None:
    graph = _import_graph()
    stale = [edge for edge in ALLOWED_LOOP_EDGES if edge[1] not in graph.get(edge[0], ())]
    assert not stale, f"allowed loop imports no longer there, remove them: {stale}"
    for importer, imported in ALLOWED_LOOP_EDGES:
        graph[importer].discard(imported)
    loops = [" <-> ".join(c) for c in _loops(graph)]
    assert not loops, f"modules in an import loop: {loops}"


def _lazy_imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """The import statements inside a function (or a function nested in one) of ``path``."""
    found = {}
    for function in ast.walk(ast.parse(path.read_text())):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            found |= {id(n): n for n in ast.walk(function)
                      if isinstance(n, (ast.Import, ast.ImportFrom))}
    return sorted(found.values(), key=lambda n: n.lineno)


NUMERIC = sorted((PACKAGE / "numeric").glob("*.py"))


@pytest.mark.parametrize("path", NUMERIC, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_numeric_imports_at_the_top(path: Path) -> None:
    """No numeric/ module imports a package module inside a function (such imports hid
    the loops there), nor any other module but an optional extra."""
    if str(path.relative_to(PACKAGE)) in ALLOWED_LAZY_IMPORTS:
        return
    wrong = []
    for node in _lazy_imports(path):
        package = bool(_targets(path, node))  # relative, or qb_symbolic.<...>
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""])
        if package or not all(n.split(".")[0] in OPTIONAL_EXTRAS for n in names):
            wrong.append(f"line {node.lineno}: {ast.unparse(node)}")
    assert not wrong, f"{path.name} imports inside functions (move them to the top): {wrong}"


# --------------------------------------------------------------------------
# numeric/ by method (issue 24, point 3)
# --------------------------------------------------------------------------

#: numeric/'s subpackages, lowest first: a module imports from its own subpackage or a
#: lower one. The dispatch (numeric/evaluate.py) stands above the methods and below the
#: searches, which call it.
NUMERIC_ORDER = ("base", "closed_form", "density", "sectors", "open", "evaluate", "search")


def _numeric_rank(parts: tuple[str, ...]) -> int | None:
    if len(parts) < 2 or parts[0] != "numeric":
        return None
    head = parts[1].removesuffix(".py")
    return NUMERIC_ORDER.index(head) if head in NUMERIC_ORDER else None


NUMERIC_MODULES = [p for p in MODULES if p.relative_to(PACKAGE).parts[0] == "numeric"]


@pytest.mark.parametrize("path", NUMERIC_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_numeric_methods_import_down_only(path: Path) -> None:
    own = _numeric_rank(path.relative_to(PACKAGE).parts)
    assert own is not None, f"{path.name} stands in no method subpackage of numeric/"
    graph = _import_graph()
    upward = [t for t in graph[_name(path)] if (r := _numeric_rank(tuple(t.split(".")))) is not None
              and r > own]
    assert not upward, f"{path.name} imports from a higher method: {upward}"
