"""The import contract of `generator/`: layers import only downwards, and nothing imports
in a circle (see generator/README.md). Every import counts, late ones inside functions too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "generator"
# Lowest first. A module may import its own layer and the layers before it.
LAYERS = ("core", "markdown", "catalogue", "site", "features", "authoring", "commands")
TOP = {"generator.cli": "commands", "generator.__main__": "commands", "generator": "core"}
REGISTRY = "generator.features.registry"

Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    if module in TOP:
        return TOP[module]
    return module.split(".")[1]


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The project modules `path` imports (a name imported from a package counts as the
    submodule when there is one)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("generator"):
                continue
            subs = {f"{target}.{a.name}" for a in node.names} & modules
            found.update(subs or {target})
    return {m for m in found if m in modules and m != name}


def project_graph() -> Graph:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def upward_imports(graph: Graph) -> list[str]:
    """Every import from a lower layer to a higher one, as 'a -> b (layer a < layer b)'."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    return sorted(f"{a} -> {b} ({layer(a)} may not import {layer(b)})"
                  for a, targets in graph.items() for b in targets
                  if rank[layer(b)] > rank[layer(a)])


def registry_imports(graph: Graph) -> list[str]:
    """Features import the site's interface, never the registry that lists them."""
    return sorted(f"{a} -> {REGISTRY}" for a, targets in graph.items()
                  if REGISTRY in targets and layer(a) in ("features", "site"))


def circles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _graph(edges: Iterable[tuple[str, str]]) -> Graph:
    graph: Graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    return graph


def test_every_module_belongs_to_a_layer() -> None:
    assert {layer(m) for m in project_graph()} <= set(LAYERS)


def test_imports_go_down_the_layers_only() -> None:
    assert upward_imports(project_graph()) == []


def test_no_module_imports_in_a_circle() -> None:
    assert circles(project_graph()) == []


def test_features_plug_in_without_importing_the_registry() -> None:
    graph = project_graph()
    assert registry_imports(graph) == []
    site = [m for m in graph if layer(m) == "site"]
    assert site and all(layer(t) != "features" for m in site for t in graph[m])


def test_the_contract_reports_what_breaks_it() -> None:
    graph = _graph([
        ("generator.catalogue.validate", "generator.features.anchors"),
        ("generator.features.anchors", "generator.site.build"),
        ("generator.site.build", "generator.site.render"),
        ("generator.site.render", "generator.site.build"),
        ("generator.features.lookup.site", REGISTRY),
    ])
    assert upward_imports(graph) == [
        "generator.catalogue.validate -> generator.features.anchors "
        "(catalogue may not import features)"]
    assert circles(graph) == [["generator.site.build", "generator.site.render"]]
    assert registry_imports(graph) == [f"generator.features.lookup.site -> {REGISTRY}"]


def test_each_package_says_what_it_holds_and_may_import() -> None:
    for name in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert doc, f"generator/{name}/__init__.py has no docstring"
        assert "import" in doc.lower(), f"generator/{name}/__init__.py: say what it may import"


def test_only_the_engines_package_imports_an_engine() -> None:
    graph = project_graph()
    engines = {m for m in graph if m.startswith("generator.site.engines.")} - \
        {"generator.site.engines.base"}
    assert engines >= {"generator.site.engines.mkdocs", "generator.site.engines.zensical"}
    importers = sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets & engines
                       if a != "generator.site.engines")
    assert importers == []
