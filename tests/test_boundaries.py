"""Architecture rules, enforced: the core is pure, one adapter talks to the browser."""

import ast
from pathlib import Path

import pytest

import build

SHIM = Path(__file__).resolve().parent.parent / "shim"
HOST_TOOLS = {"collector", "pytest_plugin", "tracking_assertions"}
ADAPTER = "adapter"
CORE = {p.stem for p in SHIM.glob("*.py")} - HOST_TOOLS - {ADAPTER, "__init__"}


def imported_roots(path):
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            roots.add(node.module.split(".")[0])
    return roots


def imported_shim_modules(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module.startswith("shim."):
            names.add(node.module.split(".")[1])
    return names


@pytest.mark.parametrize("name", sorted(CORE | {"__init__"}))
def test_core_imports_only_core(name):
    path = SHIM / f"{name}.py"
    assert imported_roots(path) <= {"shim"}
    assert not imported_shim_modules(path) & (HOST_TOOLS | {ADAPTER})


def test_adapter_imports_only_the_browser_and_the_core():
    path = SHIM / "adapter.py"
    assert imported_roots(path) <= {"shim", "browser", "javascript"}
    assert not imported_shim_modules(path) & HOST_TOOLS


def test_build_ships_exactly_the_core_and_the_adapter():
    shipped = {name.split(".")[1] if "." in name else "__init__" for name in build.BROWSER_MODULES}
    assert shipped == CORE | {ADAPTER, "__init__"}


def test_the_core_runs_without_browser_modules():
    import sys
    import shim.tracker  # noqa: F401
    assert "browser" not in sys.modules and "javascript" not in sys.modules
