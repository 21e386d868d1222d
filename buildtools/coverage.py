"""Regenerate buildtools/cut-functions.json (the runtime functions, and branches of the functions
that ran (buildtools/blocks.js), no browser test executed).

    python -m buildtools.coverage run [--full] [--suite PATH ...] [--keep] [-- PYTEST ARGS]
    ./dev coverage ...                                   # the same, after setting up

`run` copies the working tree into a scratch directory (the repository's static/ is never
touched, so other test runs may go on meanwhile), builds the instrumented bundle there
(`build.py --coverage`), runs the browser suite against it with HSQ_SHIM_COVERAGE_DIR set
(tests/conftest.py then collects the functions that ran: the bundle's POSTs to /__hsqcov and,
after each test, every open page's hits), and writes buildtools/cut-functions.json.

Rule 1: by default a run only un-cuts: `cut = old cut - keys that ran`. A code path that no
        test of this run took stays as it was, so a flaky or partial run can never cut more.
        `--full` starts from every runtime function instead (`cut = all - ran`); it refuses a run
        with failing tests, since a failed test may have stopped before the code it covers.
Rule 2: a key (hash of a function's source text) is cut only if no function with that text ran,
        so functions that share their text are cut together or not at all.
Rule 3: functions named in KEEP are never cut, run or not: the error paths a green run seldom
        takes, where a stub would turn an error the shim records into one thrown into the page.

    python -m buildtools.coverage merge [--full] BUILD.keys.json hits.txt [more hits...] \\
           [other-build.keys.json its-hits.txt ...]

`merge` applies the same rules to hits collected by hand: each *.keys.json starts a group and
the hits files after it (one JSON list of function indices a line) are read against it.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from buildtools import runtime

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "buildtools" / "cut-functions.json"
SUITES = ["tests/e2e"]
# npm projects: linked into the scratch copy, not copied
NODE_DIRS = ["buildtools/node_modules", "tests/types/node_modules", "tests/routers/node_modules"]
SKIP = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
BUNDLE = Path("static") / "hsq-shim.js"
# Runtime functions never cut (Rule 3), by the name they are defined under (build.py --coverage
# writes the names beside the keys). The adapter's `except Exception` handlers record
# str(error), so every exception type's __str__ must work; the start-up runner reports a failed
# step through $B.handle_error, which prints the error's class and message to the console
# (buildtools/runtime.py); the stubs of
# the removed types raise their own message.
KEEP = [
    re.compile(r"\.tp_str$"),
    re.compile(r"^\$B\.(handle_error|show_error|error_trace)$"),
    re.compile(r"^\$io_funcs\.(write|flush)$"),
    re.compile(r"^removed$"),
]


def ran_keys(keys, hit_lines):
    ran = set()
    for line in hit_lines:
        line = line.strip()
        if line:
            ran.update(json.loads(line))
    return {keys[i] for i in ran}


def old_cut(out=OUT):
    if not out.is_file():
        return None
    data = json.loads(out.read_text(encoding="utf-8"))
    if data.get("brython") != runtime.BRYTHON_VERSION:
        return None                        # made for another runtime: nothing to keep
    return set(data["cut"])


def kept_keys(keys, names):
    """Keys of the functions KEEP names (Rule 3)."""
    return {key for key, name in zip(keys, names) if any(k.search(name) for k in KEEP)}


def names_for(keys_file):
    """The names build.py --coverage wrote beside a .keys.json."""
    path = Path(str(keys_file)[:-len(".keys.json")] + ".names.json")
    if not path.is_file():
        raise SystemExit(f"{path} is missing: rebuild the instrumented bundle (build.py --coverage)")
    return json.loads(path.read_text())


def write_cut(groups, full, out=OUT):
    """groups: [(keys, hit lines, names)]. Returns (function keys, ran, cut) and writes out."""
    all_keys, used, keep = set(), set(), set()
    for keys, lines, names in groups:
        all_keys.update(keys)
        used |= ran_keys(keys, lines)
        keep |= kept_keys(keys, names)
    before = None if full else old_cut(out)
    base = all_keys if before is None else before & all_keys   # keys of changed text: kept
    cut = sorted(base - used - keep)
    out.write_text(json.dumps({"brython": runtime.BRYTHON_VERSION, "functions": len(groups[-1][0]),
                               "ran": len(used), "cut": cut}, indent=0) + "\n")
    how = "all functions" if before is None else f"the old list ({len(before)})"
    print(f"{len(all_keys)} keys (functions and branches), {len(used)} ran; cut = {how} - ran: "
          f"{len(cut)} listed in {_display(out)}")
    return len(all_keys), len(used), len(cut)


def _display(path):
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def merge(argv):
    parser = argparse.ArgumentParser(prog="python -m buildtools.coverage merge")
    parser.add_argument("--full", action="store_true", help="cut = all functions - ran")
    parser.add_argument("--out", type=Path, default=OUT, help="the list to update (default: %(default)s)")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    if not args.files[0].endswith(".keys.json"):
        parser.error("the first file must be a build's .keys.json")
    groups = []
    for arg in args.files:
        if arg.endswith(".keys.json"):
            groups.append((json.loads(Path(arg).read_text()), [], names_for(arg)))
        else:
            groups[-1][1].extend(Path(arg).read_text().splitlines())
    write_cut(groups, args.full, args.out)
    return 0


def copy_tree(dest):
    """The working tree (tracked and untracked files, ignored ones left out), npm dirs linked."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=str(ROOT), capture_output=True, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        listed = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                  if p.is_file() and not SKIP & set(p.relative_to(ROOT).parts)]
    for rel in listed:
        src = ROOT / rel
        if not rel or not src.is_file() or src.is_symlink() or SKIP & set(Path(rel).parts):
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
    for rel in NODE_DIRS:
        if (ROOT / rel).exists():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            os.symlink((ROOT / rel).resolve(), dest / rel)


def run(argv):
    parser = argparse.ArgumentParser(prog="python -m buildtools.coverage run")
    parser.add_argument("--full", action="store_true",
                        help="cut = all functions - ran (default: old cut - ran)")
    parser.add_argument("--suite", action="append",
                        help="test path to run (repeatable; default: %s)" % " ".join(SUITES))
    parser.add_argument("--scratch", help="scratch directory (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--out", type=Path, default=OUT, help="the list to update (default: %(default)s)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    scratch = Path(args.scratch) if args.scratch else Path(tempfile.mkdtemp(prefix="hsq-coverage-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        return _run_in(scratch, args)
    finally:
        if args.keep or args.scratch:
            print(f"scratch copy kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _run_in(scratch, args):
    repo, hits = scratch / "repo", scratch / "hits"
    if repo.exists():
        shutil.rmtree(repo)
    hits.mkdir(exist_ok=True)
    for old in hits.glob("*.txt"):
        old.unlink()
    copy_tree(repo)
    bundle = repo / BUNDLE
    print(f"building the instrumented bundle in {repo}")
    subprocess.run([sys.executable, "build.py", "--coverage", "--out", str(bundle)], cwd=str(repo), check=True)
    env = dict(os.environ, HSQ_SHIM_COVERAGE_DIR=str(hits), PYTHONDONTWRITEBYTECODE="1")
    suites = args.suite or SUITES
    print(f"running {' '.join(suites)} against it")
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *suites,
                            *args.pytest_args], cwd=str(repo), env=env)
    lines = []
    for f in sorted(hits.glob("*.txt")):
        lines.extend(f.read_text().splitlines())
    if not any(line.strip() for line in lines):
        print("no hits were collected from the browser: cut-functions.json left as it was", file=sys.stderr)
        return 1
    lines.extend(Path(str(bundle) + ".node-hits.txt").read_text().splitlines())
    if tests.returncode != 0:
        if args.full or old_cut(args.out) is None:
            print(f"pytest exited {tests.returncode}: a full regeneration needs a green run; "
                  "cut-functions.json left as it was", file=sys.stderr)
            return 1
        print(f"pytest exited {tests.returncode}: only un-cutting what ran (old cut - ran)", file=sys.stderr)
    keys = json.loads(Path(str(bundle) + ".keys.json").read_text())
    write_cut([(keys, lines, names_for(str(bundle) + ".keys.json"))], args.full, args.out)
    print("now rebuild: python build.py (and commit static/hsq-shim.js with buildtools/cut-functions.json)")
    return 0


def main(argv):
    if argv and argv[0] == "run":
        return run(argv[1:])
    if argv and argv[0] == "merge":
        return merge(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
