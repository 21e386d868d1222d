"""Architecture rules, enforced by folder: shim/core is pure, shim/adapter.py is the one
browser module, shim/testing and shim/collector are host tools the browser never gets."""

import ast
import sys
from pathlib import Path

import pytest

import build

SHIM = Path(__file__).resolve().parent.parent / "shim"
CORE = sorted(p.relative_to(SHIM).as_posix() for p in (SHIM / "core").glob("*.py"))
HOST = sorted([p.relative_to(SHIM).as_posix() for folder in ("testing", "collector")
               for p in (SHIM / folder).glob("*.py")] + ["cli.py"])
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


def test_the_package_root_imports_nothing():
    assert imports(SHIM / "__init__.py") == set()


def test_adapter_imports_only_the_browser_and_the_core():
    outside = {name for name in imports(SHIM / "adapter.py")
               if name.split(".")[0] not in ("browser", "javascript")
               and not name.startswith("shim.core") and name != "shim"}
    assert outside == set()


@pytest.mark.parametrize("rel", HOST)
def test_host_tools_never_import_the_adapter(rel):
    assert "shim.adapter" not in imports(SHIM / rel)


def test_build_ships_exactly_the_core_and_the_adapter():
    shipped = set(build.BROWSER_MODULES)
    assert shipped == {"shim", "shim.adapter"} | {module_name(rel) for rel in CORE}
    assert not [name for name in shipped if name.startswith(HOST_PACKAGES)]


def test_the_core_runs_without_browser_modules():
    import shim.core.tracker  # noqa: F401
    assert "browser" not in sys.modules and "javascript" not in sys.modules
