"""Performance benchmark: static/hsq-shim.js against HubSpot's own chain and a plain-JS yardstick.

    .venv/bin/python -m bench                       # 9 cold + 9 warm samples per variant and profile
    .venv/bin/python -m bench --hubspot DIR         # + HubSpot's loader, banner and tracker from DIR
    .venv/bin/python -m bench --network none,slow4g # network profiles (bench/network.py)
    .venv/bin/python -m bench --floor               # + the file alone and Brython's runtime alone
    .venv/bin/python -m bench --baseline old.js     # + an older build, e.g. `git show main:static/hsq-shim.js`
    .venv/bin/python -m bench --profile             # + CPU profiles of start-up and of pushes
    .venv/bin/python -m bench.report RESULTS --docs # the doc's tables and chart from a run's JSON

Not a test: it times things, so pytest never runs it. Headless Chromium loads one page
(bench/serving.py) for each variant (bench/variants.py), every script brotli-compressed from
the bench's own HTTP server, variants and profiles interleaved in one run, and measures
(bench/measure.py):

  size        raw / gzip -9 / brotli q11 of the variant's files (KB = 1024 B)
  cold        a new browser context per sample (empty HTTP cache, no V8 code cache), median:
              first beacon = the first __ptq.gif request (ms after navigation start); long
              tasks = PerformanceObserver('longtask') entries until the first beacon
  warm        a returning visitor: a new persistent profile per sample, the page loaded 4
              times, the 4th measured (scripts from the HTTP cache, with V8's code cache)
  push        µs per _hsq.push after warm-up, in a page-JS loop, and (Linux) the renderer main
              thread's CPU time per push (bench/cpu.py), which a busy machine does not inflate

Each cold and warm load runs under each network profile (Chromium's throttling, CDP). Results
go to bench/results/latest.json (and profile-*.cpuprofile with --profile); the tables are
printed (bench/report.py). Compare ratios: absolute times move 15-30 % between runs on a VM.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):                  # run as bench/run.py: import bench.* from the root
    sys.path.insert(0, str(ROOT))
from bench import measure, network, report, serving  # noqa: E402
from bench.profiling import print_profiles, profile  # noqa: E402
from bench.variants import (FLOORS, REFERENCE, SHIM, build_variant, floor_file,  # noqa: E402,F401
                            HUBSPOT_FILES, floor_variant, hubspot_missing, hubspot_variant)

RESULTS = ROOT / "bench" / "results"
FILES = {"shim": SHIM, "reference": REFERENCE}        # bench.scale's variants
PIXEL, launch_options = serving.PIXEL, measure.launch_options


def parse_args(argv):
    parser = argparse.ArgumentParser(description="hsq-shim performance benchmark")
    parser.add_argument("--samples", type=int, default=9, help="cold and warm loads per variant and profile (default 9)")
    parser.add_argument("--push-samples", type=int, default=5, help="page loads for push loops (default 5; 0: none)")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm (returning visitor) loads")
    parser.add_argument("--network", default=network.DEFAULT, type=network.parse,
                        help="network profiles, comma-separated (default %s; also: %s)" % (
                            network.DEFAULT, ", ".join(p for p in network.PROFILES if p not in network.DEFAULT)))
    parser.add_argument("--hubspot", metavar="DIR",
                        help="a folder with HubSpot's %s (never committed): measure its chain too"
                             % ", ".join(HUBSPOT_FILES))
    parser.add_argument("--shim", default=str(SHIM), help="the build to measure (default static/hsq-shim.js)")
    parser.add_argument("--baseline", help="an older build to measure in the same run (push speed-up target)")
    parser.add_argument("--floor", action="store_true",
                        help="also two floors: the shim's file doing no start-up work, and with only "
                             "Brython's runtime set up (FLOORS in bench/variants.py)")
    parser.add_argument("--profile", action="store_true", help="also record CPU profiles (CDP)")
    parser.add_argument("--out", default=str(RESULTS / "latest.json"))
    return parser.parse_args(argv)


def variants_of(args, scratch):
    """(variants, skipped lines): the yardstick and the shim first, then what the options add."""
    variants = [build_variant("reference", REFERENCE), build_variant("shim", args.shim)]
    if args.baseline:
        variants.append(build_variant("baseline", args.baseline))
    if args.floor:
        variants += [floor_variant(args.shim, name) for name in FLOORS]
    why = hubspot_missing(args.hubspot)
    if why is None:
        variants.append(hubspot_variant(args.hubspot, scratch))
    return variants, [why] if why else []


def git_commit(measured=("static", "bench")):
    """The commit measured, '+changes' when the files that make the figures differ from it."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", *measured],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return rev + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def interleaved(items, i):
    return items if i % 2 == 0 else items[::-1]


def sample_loads(p, browser, launch, context_args, base, variants, args):
    """{"cold": {profile: {variant: [sample]}}, "warm": ...}: variants and profiles interleaved."""
    out = {kind: {prof: {v.name: [] for v in variants} for prof in args.network} for kind in ("cold", "warm")}
    for i in range(args.samples):
        for prof in interleaved(args.network, i):
            for v in interleaved(variants, i):
                out["cold"][prof][v.name].append(measure.cold_sample(browser, base, v, prof, context_args))
            for v in interleaved(variants, i) if not args.no_warm else ():
                out["warm"][prof][v.name].append(measure.warm_sample(p, {**launch, **context_args}, base, v, prof))
        print("sample %d/%d" % (i + 1, args.samples), file=sys.stderr, flush=True)
    return out


def run(args, variants, skipped, out):
    from playwright.sync_api import sync_playwright

    hubspot = any(v.name == "hubspot" for v in variants)
    beacons = serving.beacon_host() if hubspot else None
    server, base = serving.serve(variants)
    context_args = {"ignore_https_errors": True} if hubspot else {}   # the beacon host's certificate
    res = {"sizes": {v.name: measure.file_sizes(v.files) for v in variants}}
    try:
        with sync_playwright() as p:
            launch = launch_options(p, [serving.resolver_rules(beacons)])
            browser = p.chromium.launch(**launch)
            res["meta"] = {
                "format": 2, "chromium": browser.version, "samples": args.samples,
                "push_samples": args.push_samples, "date": time.strftime("%Y-%m-%d %H:%M:%S"),
                "commit": git_commit(),
                "load_before": os.getloadavg(), "skipped": skipped,
                "network": {prof: network.conditions(prof) for prof in args.network},
                "variants": {v.name: {"label": v.label, "source": v.source, "entry": v.entry, "files": list(v.files)}
                             for v in variants},
                "push_cases": [[c[0], c[2], c[3]] for c in measure.PUSH_CASES]}
            for v in variants:                           # one warm-up load each, discarded
                measure.cold_sample(browser, base, v, "none", context_args)
            loads = sample_loads(p, browser, launch, context_args, base, variants, args)
            for kind in ("cold", "warm"):
                res[kind] = {prof: {name: measure.summarise(s) for name, s in by_v.items() if s}
                             for prof, by_v in loads[kind].items() if any(by_v.values())}
            push_variants = [v for v in variants if v.name not in FLOORS]
            push = {v.name: [] for v in push_variants}
            for i in range(args.push_samples):
                for v in interleaved(push_variants, i):
                    push[v.name].append(measure.push_sample(browser, base, v, context_args))
            res["push"] = {name: measure.summarise(s) for name, s in push.items() if s}
            if args.profile:
                res["profile"] = {v.name: profile(browser, base, v, out.parent, context_args) for v in push_variants}
            browser.close()
    finally:
        serving.stop(server, beacons)
    res["meta"]["load_after"] = os.getloadavg()
    return res


def main(argv=None):
    args = parse_args(argv)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hsq-bench-hubspot-") as scratch:
        variants, skipped = variants_of(args, scratch)
        for line in skipped:
            print(line, flush=True)
        res = run(args, variants, skipped, out)
    res["meta"]["command"] = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    out.write_text(json.dumps(res, indent=1))
    report.print_report(res)
    if args.profile:
        print_profiles(res)
    print("\nwritten: %s" % (out.relative_to(ROOT) if out.is_relative_to(ROOT) else out))
    print("the doc's tables and chart from it: python -m bench.report %s --docs" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
