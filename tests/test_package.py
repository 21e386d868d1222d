"""What a web developer takes: the npm package, the licence, the SRI value in the README.

Checks: `npm pack` makes `hsq-shim` at pyproject's version holding exactly the built file,
its declarations, the README and the LICENSE, with main/exports/unpkg/jsdelivr/types on
them, and a TypeScript project that installs it gets the declarations; the build's JS tools are a separate private project with its lock; LICENSE has MIT
and Brython's BSD-3-Clause notice; the README's CDN example shows the committed file's
sha384 and version; the rewriting and checking of that example (buildtools/sri.py).
"""

import base64
import hashlib
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import build
import shim
from buildtools import sri

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "package.json").read_text())
BUILT = ROOT / "static" / "hsq-shim.js"


def pyproject_version():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    """`npm pack --dry-run --json` at the repository root."""
    npm = shutil.which("npm")
    assert npm, "npm is needed to check the npm package"
    cache = tmp_path_factory.mktemp("npm-cache")
    proc = subprocess.run([npm, "pack", "--dry-run", "--json", "--ignore-scripts", "--cache", str(cache)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    [info] = json.loads(proc.stdout)
    return info


class TestNpmPackage:
    def test_name_and_version_follow_pyproject(self, packed):
        assert packed["name"] == PACKAGE["name"] == "hsq-shim"
        assert packed["version"] == PACKAGE["version"] == pyproject_version() == shim.__version__
        assert "private" not in PACKAGE and PACKAGE["license"] == "MIT"

    def test_the_tarball_holds_the_file_its_types_readme_and_licence(self, packed):
        files = {entry["path"]: entry["size"] for entry in packed["files"]}
        assert set(files) == {"package.json", "README.md", "LICENSE",
                              "static/hsq-shim.js", "static/hsq-shim.d.ts"}
        assert files["static/hsq-shim.js"] == BUILT.stat().st_size

    def test_entry_points_name_the_built_file(self):
        assert PACKAGE["main"] == PACKAGE["unpkg"] == PACKAGE["jsdelivr"] == "static/hsq-shim.js"
        assert PACKAGE["types"] == "static/hsq-shim.d.ts"
        assert PACKAGE["exports"]["."] == {"types": "./static/hsq-shim.d.ts",
                                           "default": "./static/hsq-shim.js"}
        for target in [PACKAGE["main"], PACKAGE["types"], *PACKAGE["exports"].values()]:
            for path in (target.values() if isinstance(target, dict) else [target]):
                assert (ROOT / path).is_file(), path

    def test_types_resolve_through_the_package(self, packed, tmp_path):
        """A TypeScript project that installed the package gets the globals and the types."""
        tsc = ROOT / "tests" / "types" / "node_modules" / "typescript" / "bin" / "tsc"
        assert tsc.exists(), "TypeScript is not installed: run `npm ci --prefix tests/types`"
        installed = tmp_path / "node_modules" / "hsq-shim"
        for entry in packed["files"]:
            (installed / entry["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / entry["path"], installed / entry["path"])
        (tmp_path / "good.ts").write_text(
            "import type { HsqCommand } from 'hsq-shim';\n"
            "const entry: HsqCommand = ['setPath', '/x'];\nwindow._hsq.push(entry);\n"
            "_hsq.push(['trackPageView']);\n")
        (tmp_path / "bad.ts").write_text(
            "import type { HsqCommand } from 'hsq-shim';\n_hsq.push(['trackPageVeiw']);\n")
        options = ["--noEmit", "--strict", "--module", "esnext", "--moduleResolution", "bundler",
                   "--target", "es2020", "--lib", "es2020,dom", "--pretty", "false"]
        node = build.find_node()
        good = subprocess.run([node, str(tsc), *options, "good.ts"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        bad = subprocess.run([node, str(tsc), *options, "bad.ts"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
        assert good.returncode == 0, good.stdout
        assert bad.returncode != 0 and "bad.ts(2," in bad.stdout and "trackPageVeiw" in bad.stdout

    def test_the_build_tools_are_a_private_project_of_their_own(self):
        tools = json.loads((ROOT / "buildtools" / "package.json").read_text())
        lock = json.loads((ROOT / "buildtools" / "package-lock.json").read_text())
        assert tools["private"] is True and set(tools["devDependencies"]) == {"terser", "acorn"}
        for name, version in tools["devDependencies"].items():
            assert lock["packages"]["node_modules/" + name]["version"] == version
        assert "dependencies" not in PACKAGE and "devDependencies" not in PACKAGE
        assert not (ROOT / "package-lock.json").exists()


class TestLicence:
    def test_mit_and_brythons_notice(self):
        text = (ROOT / "LICENSE").read_text()
        assert text.startswith("MIT License")
        assert "Copyright (c) 2012, Pierre Quentel" in text
        assert "Redistributions in binary form must reproduce the above copyright notice" in text

    def test_the_built_file_names_brython_and_its_licence(self):
        header = BUILT.read_bytes()[:300].decode("ascii")
        assert "Brython (c) Pierre Quentel and contributors, BSD-3-Clause" in header


class TestSubresourceIntegrity:
    def test_the_readme_shows_the_committed_files_sha384(self):
        digest = base64.b64encode(hashlib.sha384(BUILT.read_bytes()).digest()).decode()
        assert sri.readme_block((ROOT / "README.md").read_text()) == (
            pyproject_version(), "sha384-" + digest), "run `python build.py` (or python -m buildtools.sri)"

    def test_the_readme_example_is_a_pinned_cdn_script_tag(self):
        text = (ROOT / "README.md").read_text()
        block = text[text.index(sri.START):text.index(sri.END)]
        assert ('src="https://cdn.jsdelivr.net/npm/hsq-shim@%s/static/hsq-shim.js"'
                % pyproject_version()) in block
        assert 'crossorigin="anonymous"' in block and 'integrity="sha384-' in block

    def test_a_stale_example_is_rewritten_and_nothing_else(self):
        text = "# x\n\nbefore\n%s\nold\n%s\nafter\n" % (sri.START, sri.END)
        new = sri.with_readme_block(text, "9.8.7", "sha384-abc")
        assert new.startswith("# x\n\nbefore\n") and new.endswith("\nafter\n")
        assert sri.readme_block(new) == ("9.8.7", "sha384-abc")
        assert sri.with_readme_block(new, "9.8.7", "sha384-abc") == new

    def test_check_fails_on_a_stale_readme_and_build_refreshes_it(self, tmp_path):
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1.2.3"\n')
        (tmp_path / "README.md").write_text("%s\n%s\n" % (sri.START, sri.END))
        ok, message = sri.sync_readme(tmp_path, b"new bytes", write=False)
        assert not ok and "python build.py" in message
        assert sri.sync_readme(tmp_path, b"new bytes", write=True)[0]
        assert sri.sync_readme(tmp_path, b"new bytes", write=False) == (
            True, "integrity %s (README.md's CDN example is up to date)" % sri.integrity(b"new bytes"))
        assert sri.readme_block((tmp_path / "README.md").read_text())[0] == "1.2.3"

    def test_a_readme_without_the_markers_is_an_error(self):
        with pytest.raises(ValueError, match="sri:start"):
            sri.with_readme_block("# no block\n", "1", "sha384-x")

    def test_integrity_is_the_browsers_format(self):
        # sha384 of the empty string, as `openssl dgst -sha384 -binary | base64` prints it.
        assert sri.integrity(b"") == \
            "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
