"""The package's shape: no import cycle, a docstring atop every module, no module too long.

The import graph is read from the source with `ast`, so a test names the modules of a cycle
without importing anything. An import inside a function counts (it runs when the function
does); one under `if TYPE_CHECKING:` does not (it never runs).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from .conftest import REPO

TRACKER = REPO / "tracker"
MAX_LINES = 1000
REGISTRY = "tracker.checks.registry"


def module_files() -> dict[str, Path]:
    """Return every module of tracker/ by dotted name; a package is its `__init__.py`."""
    modules = {}
    for path in sorted(TRACKER.rglob("*.py")):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


MODULES = module_files()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Yield every import statement that runs, at module level or in a function."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    if isinstance(node, ast.If) and _is_type_checking(node):
        children: list[ast.AST] = list(node.orelse)  # the `else:` of it does run
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        yield from import_nodes(child)


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """Return the module an import from names, resolving a relative one against `module`."""
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def _with_packages(name: str) -> set[str]:
    """Return a module and the packages above it: importing it runs their `__init__` too."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & set(MODULES)


def imported_by(module: str) -> set[str]:
    """Return the tracker modules one module imports."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in import_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found |= _with_packages(alias.name)
            continue
        source = _absolute(node, module)
        found |= _with_packages(source)
        # `from tracker.a import b` imports the module tracker.a.b when there is one.
        found |= {f"{source}.{a.name}" for a in node.names} & set(MODULES)
    return found - {module}


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module in MODULES:
        graph.add_edges_from((module, other) for other in imported_by(module))
    return graph


def test_the_graph_sees_imports_in_functions_and_packages_and_skips_type_checking() -> None:
    assert "tracker.retractions" not in imported_by("tracker.checks.base")  # TYPE_CHECKING
    # importing tracker.checks.base runs tracker/checks/__init__.py first
    assert {"tracker.checks", "tracker.checks.base"} <= imported_by("tracker.checks.claims.uncited")
    assert "tracker.register_merge" in imported_by("tracker.cli")  # inside a function
    # `from tracker.checks.sources import retracted` imports the module sources.retracted
    assert "tracker.checks.sources.retracted" in imported_by("tracker.checks.registry")


def test_no_import_cycle() -> None:
    graph = import_graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    described = []
    for cycle in sorted(cycles):
        component = graph.subgraph(cycle)
        loop = [a for a, _ in nx.find_cycle(component, cycle[0])]
        one = " -> ".join([*loop, loop[0]])
        edges = sorted(f"  {a} -> {b}" for a, b in component.edges)
        described.append(f"{len(cycle)} modules, such as {one}; edges:")
        described.extend(edges)
    assert not cycles, "import cycles in tracker/:\n" + "\n".join(described)


def is_check(tree: ast.Module) -> bool:
    """Tell whether a module is a check: it sets `ID` and defines `check`."""
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return "check" in names and "ID" in assigned


@pytest.mark.parametrize("module", list(MODULES))
def test_every_module_starts_with_a_docstring_whose_first_line_sums_it_up(module: str) -> None:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    where = path.relative_to(REPO)
    assert docstring, f"{where}: start the module with a docstring saying what it holds"
    assert tree.body[0].lineno == 1, f"{where}: put the docstring on the first line"
    lines = docstring.splitlines()
    assert lines[0].strip(), f"{where}: start the docstring on its first line"
    if is_check(tree):
        # A check's SUMMARY is its one line; the docstring's first paragraph, which may run
        # over several lines, is the full description SARIF viewers show.
        return
    summary = lines[0].endswith(".") and (len(lines) == 1 or not lines[1].strip())
    assert summary, f"{where}: make the docstring's first line one sentence saying its job"


@pytest.mark.parametrize("module", list(MODULES))
def test_no_module_is_too_long(module: str) -> None:
    path = MODULES[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    where = path.relative_to(REPO)
    assert lines <= MAX_LINES, f"{where} has {lines} lines - split it along what it does"


def test_importing_one_check_imports_no_other() -> None:
    imports = nx.descendants(import_graph(), "tracker.checks.sources.retracted")
    others = {m for m in imports if m.startswith("tracker.checks.")} - {"tracker.checks.base"}
    assert not others, sorted(others)


def test_no_check_imports_a_registry() -> None:
    graph = import_graph()
    registries = {REGISTRY, "tracker.checks.document.registry"}
    checks = [m for m in MODULES if m.startswith("tracker.checks.") and m not in registries]
    assert not [m for m in checks if registries & nx.descendants(graph, m)]


def test_checking_a_page_imports_no_project_check() -> None:
    imports = nx.descendants(import_graph(), "tracker.checks.document.registry")
    project_checks = {
        m
        for m in imports
        if m.startswith("tracker.checks.")
        and not m.startswith("tracker.checks.document.")
        and MODULES[m].name != "__init__.py"
    }
    # The wording check applies the rules of these three project checks to a draft.
    allowed = {
        "tracker.checks.base",
        "tracker.checks.runner",
        "tracker.checks.language.overclaim",
        "tracker.checks.regulatory.disease_claim",
    }
    assert project_checks <= allowed, sorted(project_checks - allowed)


def test_the_readme_places_every_module_in_the_data_flow() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("The package follows the data flow") :]
    table = table[: table.index("\n\n", table.index("| stage |"))]
    modules = [p.name for p in TRACKER.glob("*.py") if p.stem not in ("__init__", "__main__")]
    assert [m for m in modules if f"`{m}`" not in table] == []
