"""Imports point one way: no import cycle in ``src/bench`` (imports inside functions count) and no
import from a lower layer to a higher one. The layers, lowest first, are in ``LAYERS``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

SOURCE = REPO / "src"

# Lowest first. A module may import modules of its own layer or of lower ones; "sweep" and "report"
# are siblings (neither imports the other); `bench` alone is the package itself (its version).
LAYERS: dict[str, set[str]] = {
    "foundation": {"bench", "bench.errors", "bench.yaml_files", "bench.paths", "bench.plotting"},
    "data": {"bench.datasets"},
    "models of synthesis and scoring": {"bench.generators", "bench.metrics"},
    "store": {"bench.tracking"},
    "sweep": {"bench.sweep"},
    "report": {"bench.report"},
    "entry points": {"bench.cli", "bench.__main__"},
}
RANK = {"foundation": 0, "data": 1, "models of synthesis and scoring": 2, "store": 3, "sweep": 4, "report": 4,
        "entry points": 5}


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in (SOURCE / "bench").rglob("*.py"):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


MODULES = module_names()


class _Imports(ast.NodeVisitor):
    """The package's modules one module imports, anywhere in it except under ``if TYPE_CHECKING:``."""

    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.update(alias.name for alias in node.names if alias.name in MODULES)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module in MODULES:
            for alias in node.names:  # "from bench import report" imports the module bench.report
                full = f"{node.module}.{alias.name}"
                self.found.add(full if full in MODULES else node.module)


def imports_of(name: str) -> set[str]:
    visitor = _Imports()
    visitor.visit(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    return visitor.found - {name}


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> str:
    """The layer of a module: that of the longest layer entry it is, or lies inside.

    Example: ``layer("bench.metrics.privacy")`` is "models of synthesis and scoring".
    """
    owners = [(len(entry), key) for key, entries in LAYERS.items() for entry in entries
              if name == entry or name.startswith(entry + ".")]
    if not owners:
        raise AssertionError(f"module {name} is in no layer: add it to LAYERS in {Path(__file__).name}")
    return max(owners)[1]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan 1972), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_and_only_that():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_imports_hidden_in_functions_but_not_type_checking_blocks(tmp_path):
    visitor = _Imports()
    visitor.visit(ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from bench.sweep.config import Cell\n"
                            "def f():\n    from bench import report\n    import bench.errors\n"))
    assert visitor.found == {"bench.report", "bench.errors"}


def test_no_import_cycle_in_the_package():
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down_the_layers(name):
    here = layer(name)
    upward = sorted(target for target in GRAPH[name]
                    if RANK[layer(target)] > RANK[here] or {here, layer(target)} == {"sweep", "report"})
    assert upward == [], f"{name} ({here}) imports from a higher or sibling layer: " + ", ".join(
        f"{target} ({layer(target)})" for target in upward)


def test_the_package_top_holds_few_modules_and_the_rest_in_layer_packages():
    top = sorted(path.stem for path in (SOURCE / "bench").glob("*.py"))
    assert len(top) <= 6, (f"src/bench has {len(top)} top-level modules ({', '.join(top)}); "
                           "put new ones in a layer package")
    assert "bench.plotting" in MODULES and not (SOURCE / "bench" / "plotting.py").exists()


def test_only_the_report_builder_reads_the_section_list_and_no_figure_reaches_up_to_it():
    readers = sorted(name for name, targets in GRAPH.items() if "bench.report.sections" in targets)
    assert readers == ["bench.report.build"]
    figures = [name for name in MODULES if name.startswith("bench.report.figures.")]
    assert figures and all(not GRAPH[name] & {"bench.report.build", "bench.report.sections"} for name in figures)
