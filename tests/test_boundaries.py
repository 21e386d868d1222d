"""Architecture rules, enforced by folder: shim/core is pure, shim/adapter is the one
browser layer, shim/testing and shim/collector are host tools the browser never gets."""

import ast
import sys
from pathlib import Path

import pytest

import build

SHIM = Path(__file__).resolve().parent.parent / "shim"
CORE = sorted(p.relative_to(SHIM).as_posix() for p in (SHIM / "core").glob("*.py"))
ADAPTER = sorted(p.relative_to(SHIM).as_posix() for p in (SHIM / "adapter").glob("*.py"))
HOST = sorted([p.relative_to(SHIM).as_posix() for folder in ("testing", "collector")
               for p in (SHIM / folder).glob("*.py")]
              + [name for name in ("pytest_plugin.py", "cli.py") if (SHIM / name).exists()])
HOST_PACKAGES = ("shim.testing", "shim.collector", "shim.pytest_plugin", "shim.cli")


def imports(path):
    """Every module an import statement in `path` names (absolute form)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names.add(node.module)
    return names


def module_name(rel):
    name = "shim." + rel[:-3].replace("/", ".")
    return name[:-len(".__init__")] if name.endswith(".__init__") else name


@pytest.mark.parametrize("rel", CORE)
def test_core_imports_only_the_core(rel):
    assert {name for name in imports(SHIM / rel) if not name.startswith("shim.core")} == set()


def test_the_adapter_is_a_folder_of_small_modules():
    """One concern per module (issue 14: none over ~450 lines)."""
    assert "__init__.py" in [Path(rel).name for rel in ADAPTER] and len(ADAPTER) > 2
    assert {rel: n for rel in ADAPTER
            if (n := len((SHIM / rel).read_text().splitlines())) > 450} == {}


def test_the_package_root_imports_nothing():
    assert imports(SHIM / "__init__.py") == set()


@pytest.mark.parametrize("rel", ADAPTER)
def test_adapter_imports_only_the_browser_the_core_and_itself(rel):
    outside = {name for name in imports(SHIM / rel)
               if name.split(".")[0] not in ("browser", "javascript")
               and not name.startswith(("shim.core", "shim.adapter")) and name != "shim"}
    assert outside == set()


@pytest.mark.parametrize("rel", HOST)
def test_host_tools_never_import_the_adapter_or_browser_modules(rel):
    """Host tools run under CPython: Brython's `browser` and `javascript` do not exist there."""
    found = imports(SHIM / rel)
    assert {name for name in found if name.startswith("shim.adapter")} == set()
    assert {name for name in found if name.split(".")[0] in ("browser", "javascript")} == set()


def test_build_ships_exactly_the_core_and_the_adapter():
    shipped = set(build.BROWSER_MODULES)
    assert shipped == {"shim"} | {module_name(rel) for rel in CORE + ADAPTER}
    assert not [name for name in shipped if name.startswith(HOST_PACKAGES)]


def test_the_core_runs_without_browser_modules():
    import shim.core.tracker  # noqa: F401
    assert "browser" not in sys.modules and "javascript" not in sys.modules
