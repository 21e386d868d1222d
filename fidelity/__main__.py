"""python -m fidelity --hubspot DIR: every scenario with HubSpot's scripts and with the shim.

    python -m fidelity --hubspot ../hubspot                  # all scenarios, table, summary
    python -m fidelity --hubspot ../hubspot --only url-hs-email load-plain -v
    python -m fidelity --hubspot ../hubspot --json results.json
    python -m fidelity --list                                # the scenarios, one line each

Exit status: 0 when no scenario is DIFFERENT, 1 when one is, 2 when it cannot run.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

from fidelity.report import result_json, summary, table
from fidelity.scenarios import BY_NAME, SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
WHERE = ("HubSpot's files (<portal>.js, analytics-<portal>.js, banner-<portal>.js): public "
         "copies are in BuilderIO/partytown, tests/integrations/hubspot/ (docs/fidelity.md)")


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m fidelity",
        description="Compare the shim with HubSpot's own tracking code, scenario by scenario.")
    parser.add_argument("--hubspot", metavar="DIR", help="the folder with " + WHERE)
    parser.add_argument("--shim", metavar="FILE", default=str(ROOT / "static" / "hsq-shim.js"),
                        help="the built shim to compare (default: static/hsq-shim.js)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these scenarios")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print both sides' beacons and cookies of a DIFFERENT scenario")
    return parser.parse_args(argv)


def fail(message):
    print("fidelity: " + message, file=sys.stderr)
    return 2


def chosen(names):
    if not names:
        return list(SCENARIOS), None
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        return None, "unknown scenario(s): %s (python -m fidelity --list)" % ", ".join(unknown)
    return [BY_NAME[name] for name in names], None


def main(argv=None):
    args = parse(argv)
    if args.list:
        for scenario in SCENARIOS:
            print("%-36s %s" % (scenario.name, scenario.doc))
        return 0
    if not args.hubspot:
        return fail("--hubspot DIR is required: the folder with " + WHERE)
    if not Path(args.hubspot).is_dir():
        return fail("no folder %s: --hubspot DIR needs %s" % (args.hubspot, WHERE))
    if not Path(args.shim).is_file():
        return fail("no shim at %s (build it: ./dev build)" % args.shim)
    scenarios, problem = chosen(args.only)
    if problem:
        return fail(problem)
    from fidelity.sides import HubSpotSide, MissingFiles, ShimSide
    try:
        hubspot = HubSpotSide(args.hubspot)
    except MissingFiles as error:
        return fail("%s: --hubspot DIR needs %s" % (error, WHERE))
    shim = ShimSide(args.shim, hubspot.portal)
    rows = run_all(hubspot, shim, scenarios)
    print(table(rows, verbose=args.verbose))
    if args.json:
        write_json(args.json, rows, args)
    return 1 if any(row["status"] == "DIFFERENT" for row in rows) else 0


def run_all(hubspot, shim, scenarios):
    from fidelity.browser import Browser
    from fidelity.run import Runner
    browser = Browser()
    rows = []
    try:
        runner = Runner(browser, hubspot, shim)
        for number, scenario in enumerate(scenarios, 1):
            row = result_json(runner.compare(scenario))
            rows.append(row)
            print("[%d/%d] %s: %s" % (number, len(scenarios), row["name"], row["status"]),
                  file=sys.stderr, flush=True)
    finally:
        browser.close()
    return rows


def write_json(path, rows, args):
    digest = hashlib.sha256(Path(args.shim).read_bytes()).hexdigest()
    data = {"shim": {"file": args.shim, "sha256": digest}, "summary": summary(rows),
            "results": rows}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
