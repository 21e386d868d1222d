"""Type checks with tsc (TypeScript pinned in tests/types/package-lock.json).

Checks: static/hsq-shim.d.ts compiles under `strict`; tests/types/good.ts (every
command of the README's table, both queues, the read-back record) type-checks; each
tests/types/bad/*.ts fails with exactly the errors its `// expect TSnnnn: message`
comments name, each on the line below its comment, and no others; the router snippets
in docs/routers/ type-check against the real react, react-router, vue and vue-router
types of tests/routers/ (next/navigation: the stand-in in tests/routers/stubs/), and
docs/routers/README.md quotes those files exactly.

Needs `npm ci` in tests/types and tests/routers (./dev test runs both).
"""

import re
import subprocess

import pytest

import build

from tests.conftest import ROOT

TYPES = ROOT / "tests" / "types"
ROUTERS = ROOT / "tests" / "routers"
TSC = TYPES / "node_modules" / "typescript" / "bin" / "tsc"
NODE = build.find_node()            # the system's, or the playwright wheel's
BAD_FILES = sorted(path.name for path in (TYPES / "bad").glob("*.ts"))

# `file(line,col): error TS1234: message`, then indented continuation lines.
DIAGNOSTIC = re.compile(r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<message>.*)$")
EXPECT = re.compile(r"^\s*// expect (?P<code>TS\d+): (?P<fragment>.+?)\s*$")



def start_tsc(project, cwd):
    return subprocess.Popen([NODE, str(TSC), "-p", str(project), "--pretty", "false"], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def tsc_runs():
    """Both tsc projects, run at once: {name: (returncode, output)}."""
    if not TSC.exists():
        pytest.fail("TypeScript is not installed: run `npm ci --prefix tests/types` (./dev test does)")
    runs = {"types": start_tsc(TYPES / "tsconfig.json", TYPES)}
    if (ROUTERS / "node_modules" / "react-router").exists():
        runs["routers"] = start_tsc(ROUTERS / "tsconfig.json", ROUTERS)
    results = {}
    for name, process in runs.items():
        output, _ = process.communicate(timeout=120)
        results[name] = (process.returncode, output)
    return results


def parse_diagnostics(output):
    """tsc's output -> {file: [(line, code, full message)]}; anything else is kept apart."""
    found, stray = {}, []
    current = None
    for text in output.splitlines():
        match = DIAGNOSTIC.match(text)
        if match:
            current = [int(match["line"]), match["code"], match["message"]]
            found.setdefault(match["file"], []).append(current)
        elif text.startswith(" ") and current is not None:
            current[2] += "\n" + text.strip()
        elif text.strip():
            stray.append(text)
    return {f: [tuple(d) for d in ds] for f, ds in found.items()}, stray


@pytest.fixture(scope="module")
def type_errors(tsc_runs):
    returncode, output = tsc_runs["types"]
    diagnostics, stray = parse_diagnostics(output)
    assert not stray, "unexpected tsc output:\n" + output
    assert diagnostics or returncode == 0, output
    return diagnostics


def expectations(name):
    """[(line of the code below the comment, code, fragment)] from `// expect` comments."""
    lines = (TYPES / "bad" / name).read_text().splitlines()
    out = []
    for number, text in enumerate(lines, start=1):
        match = EXPECT.match(text)
        if match:
            out.append((number + 1, match["code"], match["fragment"]))
    return out


def test_declarations_and_good_usage_type_check(type_errors):
    outside_bad = {f: d for f, d in type_errors.items() if not f.startswith("bad/")}
    assert outside_bad == {}


def test_there_are_bad_cases():
    assert len(BAD_FILES) >= 10


@pytest.mark.parametrize("name", BAD_FILES)
def test_wrong_usage_fails_with_the_expected_error(type_errors, name):
    expected = expectations(name)
    assert expected, "%s has no `// expect TSnnnn: message` comment" % name
    actual = type_errors.get("bad/" + name, [])
    unmatched = list(actual)
    for line, code, fragment in expected:
        hits = [d for d in unmatched if d[0] == line and d[1] == code and fragment in d[2]]
        assert hits, "bad/%s:%d: expected %s %r, tsc reported:\n%s" % (
            name, line, code, fragment, "\n".join("%d %s %s" % d for d in actual) or "nothing")
        unmatched.remove(hits[0])
    assert unmatched == [], "bad/%s: errors no `// expect` names: %s" % (name, unmatched)


def test_router_snippets_type_check_against_the_real_libraries(tsc_runs):
    if "routers" not in tsc_runs:
        pytest.fail("the router libraries are not installed: run `npm ci --prefix tests/routers` "
                    "(./dev test does)")
    returncode, output = tsc_runs["routers"]
    assert (returncode, output.strip()) == (0, "")


SNIPPET_BLOCK = re.compile(r"<!-- snippet: (?P<name>\S+) -->\n```(?:tsx|ts)\n(?P<code>.*?)```", re.S)


def test_the_router_readme_shows_the_tested_files():
    """docs/routers/README.md quotes each snippet file whole, as it is tested."""
    routers = ROOT / "docs" / "routers"
    blocks = {m["name"]: m["code"] for m in SNIPPET_BLOCK.finditer((routers / "README.md").read_text())}
    files = {p.name: p.read_text() for p in sorted(routers.glob("*.ts*"))}
    assert sorted(blocks) == sorted(files) == ["nextjs.tsx", "react-router.tsx", "vue-router.ts"]
    for name, code in files.items():
        assert blocks[name] == code, "docs/routers/README.md: the %s block differs from the file" % name
