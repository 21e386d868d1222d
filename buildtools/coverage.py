"""Turn a coverage run into buildtools/cut-functions.json (runtime functions no test executed).

    python build.py --coverage --out /tmp/cov/static/hsq-shim.js   # instrumented, unminified
    # serve that bundle to the browser test suite; every page POSTs the indices of the runtime
    # functions it ran to /__hsqcov (one JSON list per request); append the bodies, one a line,
    # to a file (docs/performance.md, "Size", shows the test-server hook used)
    python -m buildtools.coverage /tmp/cov/static/hsq-shim.js.keys.json hits.txt [more hits...] \
           [other-build.keys.json its-hits.txt ...]

Several runs, even of differently patched runtimes, combine: each *.keys.json starts a group and
the hits files after it are read against it; a key is cut if it ran in no group.

Rule: a key (hash of a function's source text) is listed only if no function with that text ran,
      so functions that share their text are cut together or not at all.
"""
import json
import sys
from pathlib import Path

from buildtools import runtime

OUT = Path(__file__).resolve().parent / "cut-functions.json"


def ran_keys(keys, hit_lines):
    ran = set()
    for line in hit_lines:
        line = line.strip()
        if line:
            ran.update(json.loads(line))
    return {keys[i] for i in ran}


def main(argv):
    if len(argv) < 2 or not argv[0].endswith(".json"):
        print(__doc__, file=sys.stderr)
        return 2
    all_keys, used, groups = set(), set(), []
    for arg in argv:
        if arg.endswith(".keys.json"):
            groups.append((json.loads(Path(arg).read_text()), []))
        else:
            groups[-1][1].extend(Path(arg).read_text().splitlines())
    for keys, lines in groups:
        all_keys.update(keys)
        used |= ran_keys(keys, lines)
    cut = sorted(all_keys - used)
    OUT.write_text(json.dumps({"brython": runtime.BRYTHON_VERSION, "functions": len(groups[-1][0]),
                               "ran": len(used), "cut": cut}, indent=0) + "\n")
    print(f"{len(all_keys)} function keys, {len(used)} ran, {len(cut)} listed in {OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
