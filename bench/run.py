"""Performance benchmark: static/hsq-shim.js against a plain-JS yardstick (issue #8).

    .venv/bin/python -m bench                 # 9 cold samples per variant, push loops, table
    .venv/bin/python -m bench --samples 15    # more samples
    .venv/bin/python -m bench --profile       # also CPU profiles of start-up and of a push
    .venv/bin/python -m bench --baseline old.js   # also an older build, e.g. `git show main:static/hsq-shim.js`
    .venv/bin/python -m bench --floor         # also the file alone and Brython's runtime alone (FLOORS)

Not a test: it times things, so it is never run by pytest. It serves pages on 127.0.0.1 to
headless Chromium and measures, for the built shim and for bench/reference.js (the same queue
loop and beacon, hand-written in ~100 lines of JS), in the same run, variants interleaved:

  size        raw / gzip -9 / brotli q11 of each file (KB = 1024 B)
  cold        a new browser context per sample (empty HTTP cache, no V8 code cache), median:
              first beacon = startTime of the first __ptq.gif resource entry (ms after
              navigation start, performance.timeOrigin-relative); long tasks = sum and
              longest PerformanceObserver('longtask') entry from navigation until ready;
              the worst sample's longest task is reported too
  warm        a returning visitor: a new persistent browser profile per sample, the page
              loaded 4 times, the 4th measured as cold is; the script is served with
              Cache-Control: max-age by this real HTTP server (Playwright routes would bypass
              the HTTP cache), so it comes from the HTTP cache with V8's code cache
  push        µs per _hsq.push after warm-up, in a page-JS loop; median over page loads;
              trackPageView beacons are real Image requests to a local route answering a GIF;
              on Linux also the renderer main thread's CPU time per push (bench/cpu.py),
              which a busy machine does not inflate

Results go to bench/results/latest.json (and profile-*.cpuprofile with --profile); the
Markdown table is printed. Compare ratios: absolute times move 15-30 % between runs on a VM.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):                  # run as bench/run.py: import bench.cpu from the root
    sys.path.insert(0, str(ROOT))
from bench import cpu  # noqa: E402
from shim.testing.chromium import FLAGS, chromium_executable, without_browser_ui  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FILES = {"shim": ROOT / "static" / "hsq-shim.js", "reference": ROOT / "bench" / "reference.js"}
WARM_NAVIGATION = 4               # the measured load of a warm sample
CACHE_SECONDS = 86400
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b")

# What a site queues before the tag loads.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>bench</title>
<script>
var _hsq = window._hsq = window._hsq || [];
_hsq.push(['setPortalId', 123]);
_hsq.push(['setPath', '/bench?x=1']);
_hsq.push(['identify', {email: 'a@b.co', firstname: 'Ada'}]);
_hsq.push(['trackPageView']);
</script>
<script async src="/%(cache)s/%(impl)s/hsq-shim.js" data-portal-id="123" data-tracking-url="%(base)s/t"></script>
</head><body><h1>bench</h1><p>%(impl)s</p></body></html>
"""
BLANK = "<!doctype html><html><head><meta charset='utf-8'><title>blank</title></head><body></body></html>"
# /nostore/<variant>/hsq-shim.js (cold, push) or /cached/<variant>/hsq-shim.js (warm): every
# variant under the same file name, so the shim's own-script lookup is the same for each.
SRC = "/nostore/%s/hsq-shim.js"

# Installed before any page script: records long tasks and resource entries from the start.
OBSERVE = """
window.__bench = {longtasks: [], beacons: []};
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { __bench.longtasks.push([e.startTime, e.duration]); });
}).observe({type: 'longtask', buffered: true});
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    if (e.name.indexOf('__ptq.gif') >= 0 && e.initiatorType !== 'fetch') __bench.beacons.push(e.startTime);
  });
}).observe({type: 'resource', buffered: true});
// Chromium reports no resource timing for keep-alive fetches that reach a real server,
// so the moment a beacon is handed to fetch() counts as its start (for either variant).
(function () {
  var fetch0 = window.fetch;
  window.fetch = function (url) {
    if (String(url).indexOf('__ptq.gif') >= 0) __bench.beacons.push(performance.now());
    return fetch0.apply(this, arguments);
  };
})();
"""

PUSH_CASES = [  # (label, command, warm-up pushes, timed pushes)
    ("setPath", ["setPath", "/bench/next?y=2"], 2000, 10000),
    ("identify", ["identify", {"email": "b@c.co"}], 2000, 10000),
    ("trackPageView", ["trackPageView"], 100, 400),
]
PUSH_LOOP = """([cmd, warm, n]) => {
  const q = window._hsq;
  for (let i = 0; i < warm; i++) q.push(cmd);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) q.push(cmd);
  return (performance.now() - t0) * 1000 / n;
}"""
PUSH_ONLY = """([cmd, n]) => { const q = window._hsq; for (let i = 0; i < n; i++) q.push(cmd); return 0; }"""


# Floors (--floor): the shim's own file with its start-up scheduler (RUNNER in build.py) sending
# one beacon early instead of going on, so the difference to the shim is the work it skipped.
# "floor" beacons from the first step: it costs what the file itself costs a page (transfer,
# compile or code cache, the runtime's first segment in the script's task, one task hop).
# "runtime" beacons when the runtime's set-up steps are done, before the first module: Brython's
# runtime with no line of the shim's Python. Both set `hsqShim.ready` and use the page's tracking
# URL, as the other variants do, so every variant is measured the same way.
FLOOR_SEND = ("var u=script&&script.getAttribute('data-tracking-url');"
              "new Image().src=(u||location.origin+'/t')+'/__ptq.gif?floor=1';"
              "window.hsqShim={ready:true};")
FLOORS = {
    "floor": ("function tick(){", "function tick(){" + FLOOR_SEND + "return;"),
    "runtime": ("while(i<steps.length){var k=i++\n",
                "while(i<steps.length){var k=i++\nif(k==n){" + FLOOR_SEND + "done();return}\n"),
}


def floor_file(shim, variant):
    """The bytes of a floor variant (FLOORS) of the build at path shim."""
    text = Path(shim).read_text(encoding="utf-8")
    at, new = FLOORS[variant]
    if text.count(at) != 1:
        raise SystemExit("--floor: %s has not exactly one %r (the start-up scheduler)" % (shim, at))
    return text.replace(at, new).encode("utf-8")


# ---------------------------------------------------------------- server

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, query = self.path.partition("?")
        base = "http://%s:%d" % self.server.server_address
        parts = path.split("/")
        if path == "/page.html":
            args = dict(q.partition("=")[::2] for q in query.split("&"))
            impl, cache = args.get("impl", "reference"), args.get("cache", "nostore")
            self.send(200, "text/html; charset=utf-8",
                      (PAGE % {"base": base, "impl": impl, "cache": cache}).encode())
        elif path == "/blank.html":
            self.send(200, "text/html; charset=utf-8", BLANK.encode())
        elif len(parts) == 4 and parts[1] in ("nostore", "cached") and parts[2] in self.server.files:
            self.send(200, "text/javascript; charset=utf-8", self.server.files[parts[2]],
                      cache="max-age=%d" % CACHE_SECONDS if parts[1] == "cached" else "no-store")
        elif path.startswith("/t/"):
            self.send(200, "image/gif", PIXEL)
        else:
            self.send(404, "text/plain", b"not found")

    def send(self, status, ctype, body, cache="no-store"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass                                # a page closed mid-response: not our concern


def serve(files):
    """Serve page.html and each variant's script; files maps a variant to a path or to bytes."""
    server = Server(("127.0.0.1", 0), Handler)
    server.files = {impl: body if isinstance(body, bytes) else Path(body).read_bytes()
                    for impl, body in files.items()}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d" % server.server_address[1]


# ---------------------------------------------------------------- measurements

def file_sizes(path):
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    return {"raw": len(data), "gzip": len(gzip.compress(data, 9, mtime=0)),
            "brotli": len(brotli.compress(data, quality=11))}


def wait_ready(page, timeout_s=15, observed=True):
    deadline = time.monotonic() + timeout_s
    check = "() => !!(window.hsqShim && window.hsqShim.ready === true%s)" % (
        " && __bench.beacons.length" if observed else "")
    while time.monotonic() < deadline:
        if page.evaluate(check):
            return
        page.wait_for_timeout(20)
    raise RuntimeError("the page did not become ready with a beacon")


def cold_sample(browser, base, impl):
    context = browser.new_context()
    try:
        return measure_load(context, base + "/page.html?impl=" + impl, impl)
    finally:
        context.close()


def warm_sample(playwright, launch, base, impl):
    """The WARM_NAVIGATION-th load of the page in a fresh persistent profile (disk HTTP cache and
    V8 code cache, as a returning visitor's browser has)."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="hsq-bench-profile-") as profile_dir:
        context = playwright.chromium.launch_persistent_context(profile_dir, **launch)
        try:
            url = base + "/page.html?cache=cached&impl=" + impl
            for _ in range(WARM_NAVIGATION - 1):
                page = context.new_page()
                page.goto(url, wait_until="load")
                wait_ready(page, observed=False)
                page.wait_for_timeout(200)       # let the code cache be written
                page.close()
            return measure_load(context, url, impl)
        finally:
            context.close()


def measure_load(context, url, impl):
    """Load url in a new page of context; first beacon, long tasks, script timing."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(OBSERVE)
    page.goto(url, wait_until="load")
    wait_ready(page)
    page.wait_for_timeout(100)          # let a trailing long task be reported
    data = page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const s = performance.getEntriesByType('resource').find(e => /hsq-shim/.test(e.name));
      return {beacons: __bench.beacons, longtasks: __bench.longtasks,
              script_end: s ? s.responseEnd : null, load: nav.loadEventStart,
              transfer: s ? s.transferSize : null, dcl: nav.domContentLoadedEventStart}}""")
    if errors:
        raise RuntimeError("%s: page errors: %s" % (impl, errors))
    first = min(data["beacons"])
    tasks = [d for s, d in data["longtasks"] if s <= first + 50]
    return {"first_beacon_ms": first, "longtask_total_ms": sum(tasks),
            "longtask_max_ms": max(tasks) if tasks else 0.0, "longtask_count": len(tasks),
            "script_loaded_ms": data["script_end"], "dcl_ms": data["dcl"], "load_ms": data["load"],
            "script_transfer_bytes": data["transfer"]}


def push_sample(browser, base, impl):
    """µs per push of each PUSH_CASES command: wall time in the page's loop, and (Linux) the
    renderer main thread's CPU time for a second loop of the same pushes (bench/cpu.py)."""
    context = browser.new_context()
    try:
        before = cpu.renderers()
        page = context.new_page()
        page.add_init_script(OBSERVE)
        page.goto(base + "/page.html?impl=" + impl, wait_until="load")
        wait_ready(page)
        new = cpu.renderers() - before if before is not None else set()
        start = {p: cpu.main_thread_ns(p) for p in new}
        out = {label: page.evaluate(PUSH_LOOP, [cmd, warm, n]) for label, cmd, warm, n in PUSH_CASES}
        pid = cpu.busiest(new, {p: ns for p, ns in start.items() if ns is not None})   # ran the loops
        for label, cmd, _, n in PUSH_CASES:
            t0 = cpu.main_thread_ns(pid) if pid else None
            page.evaluate(PUSH_ONLY, [cmd, n])
            t1 = cpu.main_thread_ns(pid) if pid else None
            out[label + " cpu"] = (t1 - t0) / 1000 / n if t0 is not None and t1 is not None else None
        return out
    finally:
        context.close()


def summarise(samples):
    out = {}
    for key in samples[0]:
        values = [s[key] for s in samples if s[key] is not None]
        if values:
            out[key] = {"median": statistics.median(values), "min": min(values), "max": max(values),
                        "samples": values}
    return out


# ---------------------------------------------------------------- CPU profiles

def profile(browser, base, impl, out_dir):
    """CPU profiles of start-up (script injected after Profiler.start) and of setPath/identify
    pushes; returns top self-time functions of each."""
    context = browser.new_context()
    result = {}
    try:
        page = context.new_page()
        page.goto(base + "/blank.html")
        page.evaluate("""() => { window._hsq = [['setPath', '/bench?x=1'],
                                              ['identify', {email: 'a@b.co'}], ['trackPageView']]; }""")
        cdp = context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 100})
        cdp.send("Profiler.start")
        page.evaluate("""(src) => { const s = document.createElement('script'); s.async = true; s.src = src;
                                    s.setAttribute('data-portal-id', '123');
                                    s.setAttribute('data-tracking-url', location.origin + '/t');
                                    document.head.appendChild(s); }""", SRC % impl)
        deadline = time.monotonic() + 15
        while not page.evaluate("() => !!(window.hsqShim && window.hsqShim.ready)"):
            if time.monotonic() > deadline:
                raise RuntimeError("profile: not ready")
            page.wait_for_timeout(10)
        prof = cdp.send("Profiler.stop")["profile"]
        (out_dir / ("profile-startup-%s.cpuprofile" % impl)).write_text(json.dumps(prof))
        result["startup"] = top_self(prof)
        cdp.send("Profiler.start")
        page.evaluate("""() => { for (let i = 0; i < 3000; i++) { _hsq.push(['setPath', '/p' + (i % 7)]);
                                   _hsq.push(['identify', {email: 'b@c.co'}]); } }""")
        prof = cdp.send("Profiler.stop")["profile"]
        (out_dir / ("profile-push-%s.cpuprofile" % impl)).write_text(json.dumps(prof))
        result["push"] = top_self(prof)
    finally:
        context.close()
    return result


def top_self(prof, n=15):
    nodes = {node["id"]: node for node in prof["nodes"]}
    deltas = prof.get("timeDeltas") or []
    self_us = {}
    for sample, dt in zip(prof["samples"][1:], deltas[1:]):
        self_us[sample] = self_us.get(sample, 0) + dt
    by_fn = {}
    for node_id, us in self_us.items():
        cf = nodes[node_id]["callFrame"]
        name = cf["functionName"] or "(anonymous)"
        where = cf["url"].rsplit("/", 1)[-1]
        key = "%s %s:%d" % (name, where, cf["lineNumber"] + 1) if where else name
        by_fn[key] = by_fn.get(key, 0) + us
    total = sum(by_fn.values()) or 1
    top = sorted(by_fn.items(), key=lambda kv: -kv[1])[:n]
    return {"total_ms": total / 1000, "top": [{"function": k, "self_ms": v / 1000, "pct": 100 * v / total}
                                             for k, v in top]}


# ---------------------------------------------------------------- report

# Issue #12's targets, each against the reference (or the baseline build) in the same run.
TARGET_BROTLI_KB = 70
TARGET_COLD, TARGET_WARM = 3.0, 1.5            # first beacon, × reference
TARGET_TASK_MS = 50                           # longest start-up task, worst sample
TARGET_PUSH_SPEEDUP = 2.0                     # setPath / identify, baseline ÷ shim


def ratio(a, b):
    return a / b if b else float("inf")


def table(res):
    impls = [i for i in ("shim", "baseline", "runtime", "floor") if i in res["sizes"]]
    head = "| Measure | " + " | ".join("%s | ratio" % i for i in impls) + " | reference JS |"
    lines = [head, "|---|" + "---:|---:|" * len(impls) + "---:|"]

    def row(name, get, push=False):
        ref = get("reference")
        cells = []
        for impl in impls:
            if push and impl in FLOORS:         # the floors have no push loops
                cells.append("— | —")
                continue
            v = get(impl)
            cells.append("%.2f | %s" % (v, "%.1f×" % ratio(v, ref) if ref else "—"))
        lines.append("| %s | %s | %.2f |" % (name, " | ".join(cells), ref))

    for k in ("raw", "gzip", "brotli"):
        row("size, %s (KB)" % k, lambda i, k=k: res["sizes"][i][k] / 1024)
    for kind in ("cold", "warm"):
        if not res.get(kind):
            continue
        m = res[kind]
        row("first beacon, %s, median (ms)" % kind, lambda i: m[i]["first_beacon_ms"]["median"])
        row("first beacon, %s, worst (ms)" % kind, lambda i: m[i]["first_beacon_ms"]["max"])
        row("script loaded, %s, median (ms)" % kind, lambda i: m[i]["script_loaded_ms"]["median"])
        row("long tasks until first beacon, %s, median total (ms)" % kind,
            lambda i: m[i]["longtask_total_ms"]["median"])
        row("longest task, %s, median sample (ms)" % kind, lambda i: m[i]["longtask_max_ms"]["median"])
        row("longest task, %s, worst sample (ms)" % kind, lambda i: m[i]["longtask_max_ms"]["max"])
    for label, *_ in PUSH_CASES:
        row("push %s (µs)" % label, lambda i, label=label: res["push"][i][label]["median"], push=True)
    for label, *_ in PUSH_CASES:
        if all(label + " cpu" in res["push"][i] for i in res["push"]):
            row("push %s, renderer CPU (µs)" % label, lambda i, label=label: res["push"][i][label + " cpu"]["median"],
                push=True)
    return "\n".join(lines)


def targets(res):
    s = res["sizes"]["shim"]["brotli"] / 1024
    out = [("static/hsq-shim.js ≤ %d KB brotli" % TARGET_BROTLI_KB, "%.1f KB" % s, s <= TARGET_BROTLI_KB)]
    for kind, limit in (("cold", TARGET_COLD), ("warm", TARGET_WARM)):
        if res.get(kind):
            x = ratio(res[kind]["shim"]["first_beacon_ms"]["median"],
                      res[kind]["reference"]["first_beacon_ms"]["median"])
            out.append(("first beacon ≤ %.1f× reference, %s (medians)" % (limit, kind), "%.2f×" % x, x <= limit))
    for kind in ("cold", "warm"):
        if res.get(kind):
            worst = res[kind]["shim"]["longtask_max_ms"]["max"]
            n = len(res[kind]["shim"]["longtask_max_ms"]["samples"])
            out.append(("no start-up task > %d ms in any of %d %s samples" % (TARGET_TASK_MS, n, kind),
                        "%.0f ms" % worst, worst <= TARGET_TASK_MS))
    for kind in ("cold", "warm"):
        for floor, what in (("floor", "the file alone"), ("runtime", "Brython's runtime set up, no module")):
            if res.get(kind) and floor in res[kind]:
                x = ratio(res[kind][floor]["first_beacon_ms"]["median"],
                          res[kind]["reference"]["first_beacon_ms"]["median"])
                out.append(("(%s) %s, first beacon, %s (not a target)" % (floor, what, kind), "%.2f×" % x, None))
    if "baseline" in res["push"]:
        for label in ("setPath", "identify"):
            for key, how in ((label, "wall"), (label + " cpu", "renderer CPU")):
                if key in res["push"]["baseline"] and key in res["push"]["shim"]:
                    x = ratio(res["push"]["baseline"][key]["median"], res["push"]["shim"][key]["median"])
                    out.append(("push %s ≥ %.0f× faster than the baseline (%s)" % (label, TARGET_PUSH_SPEEDUP, how),
                                "%.2f×" % x, x >= TARGET_PUSH_SPEEDUP))
    lines = ["| Target | measured | met |", "|---|---:|:---:|"]
    lines += ["| %s | %s | %s |" % (t, m, "—" if ok is None else "yes" if ok else "**no**") for t, m, ok in out]
    return "\n".join(lines)


def launch_options(playwright):
    """chromium.launch keywords for every browser of the bench: headless, our flags, and no
    address-bar popup renderer started beside each new context's page (shim/testing/chromium.py:
    it competed with the page for the CPU while it started, inflating cold first beacons)."""
    launch = {"args": FLAGS, "headless": True}
    exe = chromium_executable(playwright)
    if exe:
        launch["executable_path"] = exe
    return without_browser_ui(playwright, launch)


def main(argv=None):
    parser = argparse.ArgumentParser(description="hsq-shim performance benchmark against plain JS")
    parser.add_argument("--samples", type=int, default=9, help="cold and warm loads per variant (default 9)")
    parser.add_argument("--push-samples", type=int, default=5, help="page loads for push loops (default 5)")
    parser.add_argument("--no-warm", action="store_true", help="skip the warm (returning visitor) loads")
    parser.add_argument("--shim", default=str(FILES["shim"]), help="the build to measure (default static/hsq-shim.js)")
    parser.add_argument("--baseline", help="an older build to measure in the same run (push speed-up target)")
    parser.add_argument("--floor", action="store_true",
                        help="also two floors: the shim's file doing no start-up work, and with only "
                             "Brython's runtime set up (cold and warm loads; FLOORS)")
    parser.add_argument("--profile", action="store_true", help="also record CPU profiles (CDP)")
    parser.add_argument("--out", default=str(RESULTS / "latest.json"))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    files = {"reference": FILES["reference"], "shim": Path(args.shim)}
    if args.baseline:
        files["baseline"] = Path(args.baseline)
    if args.floor:
        for variant in FLOORS:
            files[variant] = floor_file(args.shim, variant)
    impls = list(files)
    push_impls = [i for i in impls if i not in FLOORS]
    res = {"sizes": {k: file_sizes(p) for k, p in files.items()}, "cold": {}, "warm": {}, "push": {}}
    server, base = serve(files)
    try:
        with sync_playwright() as p:
            launch = launch_options(p)
            browser = p.chromium.launch(**launch)
            res["meta"] = {"chromium": browser.version, "samples": args.samples,
                           "push_samples": args.push_samples, "date": time.strftime("%Y-%m-%d %H:%M:%S"),
                           "load_before": os.getloadavg(),
                           "files": {k: str(v) if not isinstance(v, bytes) else "%s of %s" % (k, args.shim)
                                     for k, v in files.items()},
                           "push_cases": [[c[0], c[2], c[3]] for c in PUSH_CASES]}
            for impl in impls:                          # one warm-up load each, discarded
                cold_sample(browser, base, impl)
            cold = {impl: [] for impl in impls}
            warm = {impl: [] for impl in impls}
            for i in range(args.samples):
                order = impls if i % 2 == 0 else impls[::-1]      # interleaved
                for impl in order:
                    cold[impl].append(cold_sample(browser, base, impl))
                if not args.no_warm:
                    for impl in order:
                        warm[impl].append(warm_sample(p, launch, base, impl))
                print("sample %d/%d" % (i + 1, args.samples), file=sys.stderr)
            res["cold"] = {impl: summarise(v) for impl, v in cold.items()}
            if not args.no_warm:
                res["warm"] = {impl: summarise(v) for impl, v in warm.items()}
            push = {impl: [] for impl in push_impls}
            for i in range(args.push_samples):
                for impl in (push_impls if i % 2 == 0 else push_impls[::-1]):
                    push[impl].append(push_sample(browser, base, impl))
            res["push"] = {impl: summarise(v) for impl, v in push.items()}
            if args.profile:
                res["profile"] = {impl: profile(browser, base, impl, out.parent) for impl in push_impls}
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    res["meta"]["load_after"] = os.getloadavg()
    out.write_text(json.dumps(res, indent=1))
    print(table(res))
    print()
    print(targets(res))
    print("\nload average before / after: %.1f / %.1f" % (res["meta"]["load_before"][0],
                                                          res["meta"]["load_after"][0]))
    if args.profile:
        for impl in ("shim",):
            for phase in ("startup", "push"):
                prof = res["profile"][impl][phase]
                print("\nCPU profile, %s %s: %.1f ms sampled; top self time:" % (impl, phase, prof["total_ms"]))
                for row in prof["top"][:12]:
                    print("  %6.2f ms %5.1f %%  %s" % (row["self_ms"], row["pct"], row["function"]))
    print("\nwritten: %s" % out.relative_to(ROOT) if out.is_relative_to(ROOT) else out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
