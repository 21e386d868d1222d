"""Performance benchmark: static/hsq-shim.js against a plain-JS yardstick (issue #8).

    .venv/bin/python -m bench                 # 9 cold samples per variant, push loops, table
    .venv/bin/python -m bench --samples 15    # more samples
    .venv/bin/python -m bench --profile       # also CPU profiles of start-up and of a push

Not a test: it times things, so it is never run by pytest. It serves pages on 127.0.0.1 to
headless Chromium and measures, for the built shim and for bench/reference.js (the same queue
loop and beacon, hand-written in ~100 lines of JS), in the same run, variants interleaved:

  size        raw / gzip -9 / brotli q11 of each file (KB = 1024 B)
  cold        a new browser context per sample (empty HTTP cache, no V8 code cache), median:
              first beacon = startTime of the first __ptq.gif resource entry (ms after
              navigation start, performance.timeOrigin-relative); long tasks = sum and
              longest PerformanceObserver('longtask') entry from navigation until ready
  push        µs per _hsq.push after warm-up, in a page-JS loop; median over page loads;
              trackPageView beacons are real Image requests to a local route answering a GIF

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
RESULTS = ROOT / "bench" / "results"
FILES = {"shim": ROOT / "static" / "hsq-shim.js", "reference": ROOT / "bench" / "reference.js"}
SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
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
<script async src="%(src)s" data-portal-id="123" data-tracking-url="%(base)s/t"></script>
</head><body><h1>bench</h1><p>%(impl)s</p></body></html>
"""
BLANK = "<!doctype html><html><head><meta charset='utf-8'><title>blank</title></head><body></body></html>"
SRC = {"shim": "/static/hsq-shim.js", "reference": "/bench/reference.js"}

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


# ---------------------------------------------------------------- server

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, query = self.path.partition("?")
        base = "http://%s:%d" % self.server.server_address
        if path == "/page.html":
            impl = "shim" if "impl=shim" in query else "reference"
            self.send(200, "text/html; charset=utf-8", (PAGE % {"src": SRC[impl], "base": base, "impl": impl}).encode())
        elif path == "/blank.html":
            self.send(200, "text/html; charset=utf-8", BLANK.encode())
        elif path in ("/static/hsq-shim.js", "/bench/reference.js"):
            self.send(200, "text/javascript; charset=utf-8", (ROOT / path.lstrip("/")).read_bytes())
        elif path.startswith("/t/"):
            self.send(200, "image/gif", PIXEL)
        else:
            self.send(404, "text/plain", b"not found")

    def send(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass                                # a page closed mid-response: not our concern


def serve():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d" % server.server_address[1]


# ---------------------------------------------------------------- measurements

def file_sizes(path):
    data = Path(path).read_bytes()
    return {"raw": len(data), "gzip": len(gzip.compress(data, 9, mtime=0)),
            "brotli": len(brotli.compress(data, quality=11))}


def wait_ready(page, timeout_s=15):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate("() => !!(window.hsqShim && window.hsqShim.ready === true && __bench.beacons.length)"):
            return
        page.wait_for_timeout(20)
    raise RuntimeError("the page did not become ready with a beacon")


def cold_sample(browser, base, impl):
    context = browser.new_context()
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(OBSERVE)
        page.goto(base + "/page.html?impl=" + impl, wait_until="load")
        wait_ready(page)
        page.wait_for_timeout(100)          # let a trailing long task be reported
        data = page.evaluate("""() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const s = performance.getEntriesByType('resource').find(e => /hsq-shim|reference/.test(e.name));
          return {beacons: __bench.beacons, longtasks: __bench.longtasks,
                  script_end: s ? s.responseEnd : null, load: nav.loadEventStart,
                  dcl: nav.domContentLoadedEventStart}}""")
        if errors:
            raise RuntimeError("%s: page errors: %s" % (impl, errors))
        first = min(data["beacons"])
        tasks = [d for s, d in data["longtasks"] if s <= first + 50]
        return {"first_beacon_ms": first, "longtask_total_ms": sum(tasks),
                "longtask_max_ms": max(tasks) if tasks else 0.0, "longtask_count": len(tasks),
                "script_loaded_ms": data["script_end"], "dcl_ms": data["dcl"], "load_ms": data["load"]}
    finally:
        context.close()


def push_sample(browser, base, impl):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(OBSERVE)
        page.goto(base + "/page.html?impl=" + impl, wait_until="load")
        wait_ready(page)
        return {label: page.evaluate(PUSH_LOOP, [cmd, warm, n]) for label, cmd, warm, n in PUSH_CASES}
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
                                    document.head.appendChild(s); }""", SRC[impl])
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

def ratio(a, b):
    return a / b if b else float("inf")


def table(res):
    s, r = res["sizes"]["shim"], res["sizes"]["reference"]
    cs, cr = res["cold"]["shim"], res["cold"]["reference"]
    ps, pr = res["push"]["shim"], res["push"]["reference"]
    rows = []
    for k in ("raw", "gzip", "brotli"):
        rows.append(("size, %s (KB)" % k, s[k] / 1024, r[k] / 1024))
    rows.append(("first beacon, cold (ms after navigation)", cs["first_beacon_ms"]["median"],
                 cr["first_beacon_ms"]["median"]))
    rows.append(("script downloaded (ms)", cs["script_loaded_ms"]["median"], cr["script_loaded_ms"]["median"]))
    rows.append(("long tasks until first beacon, total (ms)", cs["longtask_total_ms"]["median"],
                 cr["longtask_total_ms"]["median"]))
    rows.append(("longest long task (ms)", cs["longtask_max_ms"]["median"], cr["longtask_max_ms"]["median"]))
    for label, *_ in PUSH_CASES:
        rows.append(("push %s (µs)" % label, ps[label]["median"], pr[label]["median"]))
    lines = ["| Measure | hsq-shim | reference JS | ratio |", "|---|---:|---:|---:|"]
    for name, a, b in rows:
        lines.append("| %s | %.2f | %.2f | %s |" % (name, a, b, "%.1f×" % ratio(a, b) if b else "—"))
    return "\n".join(lines)


def targets(res):
    s = res["sizes"]["shim"]["brotli"] / 1024
    cs, cr = res["cold"]["shim"], res["cold"]["reference"]
    ps, pr = res["push"]["shim"], res["push"]["reference"]
    fb = ratio(cs["first_beacon_ms"]["median"], cr["first_beacon_ms"]["median"])
    longest = max(cs["longtask_max_ms"]["samples"])
    out = [("static/hsq-shim.js ≤ 100 KB brotli", "%.1f KB" % s, s <= 100),
           ("no main-thread task > 50 ms at start-up (worst sample)", "%.0f ms" % longest, longest <= 50),
           ("first beacon ≤ 2× reference, cold", "%.2f×" % fb, fb <= 2)]
    for label in ("setPath", "identify"):
        x = ratio(ps[label]["median"], pr[label]["median"])
        out.append(("push %s ≤ 10× reference" % label, "%.1f×" % x, x <= 10))
    lines = ["| Target | measured | met |", "|---|---:|:---:|"]
    lines += ["| %s | %s | %s |" % (t, m, "yes" if ok else "**no**") for t, m, ok in out]
    return "\n".join(lines)


def chromium_executable(playwright):
    own = playwright.chromium.executable_path
    if own and os.path.exists(own):
        return None
    return SYSTEM_CHROMIUM


def main(argv=None):
    parser = argparse.ArgumentParser(description="hsq-shim performance benchmark against plain JS")
    parser.add_argument("--samples", type=int, default=9, help="cold page loads per variant (default 9)")
    parser.add_argument("--push-samples", type=int, default=5, help="page loads for push loops (default 5)")
    parser.add_argument("--profile", action="store_true", help="also record CPU profiles (CDP)")
    parser.add_argument("--out", default=str(RESULTS / "latest.json"))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    res = {"sizes": {k: file_sizes(p) for k, p in FILES.items()}, "cold": {}, "push": {}}
    server, base = serve()
    try:
        with sync_playwright() as p:
            launch = {"args": CHROMIUM_FLAGS, "headless": True}
            exe = chromium_executable(p)
            if exe:
                launch["executable_path"] = exe
            browser = p.chromium.launch(**launch)
            res["meta"] = {"chromium": browser.version, "samples": args.samples,
                           "push_samples": args.push_samples, "date": time.strftime("%Y-%m-%d %H:%M:%S"),
                           "push_cases": [[c[0], c[2], c[3]] for c in PUSH_CASES]}
            impls = ["reference", "shim"]
            for impl in impls:                          # one warm-up load each, discarded
                cold_sample(browser, base, impl)
            cold = {impl: [] for impl in impls}
            for i in range(args.samples):
                for impl in (impls if i % 2 == 0 else impls[::-1]):
                    cold[impl].append(cold_sample(browser, base, impl))
                print("cold sample %d/%d" % (i + 1, args.samples), file=sys.stderr)
            res["cold"] = {impl: summarise(v) for impl, v in cold.items()}
            push = {impl: [] for impl in impls}
            for i in range(args.push_samples):
                for impl in impls:
                    push[impl].append(push_sample(browser, base, impl))
            res["push"] = {impl: summarise(v) for impl, v in push.items()}
            if args.profile:
                res["profile"] = {impl: profile(browser, base, impl, out.parent) for impl in impls}
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    out.write_text(json.dumps(res, indent=1))
    print(table(res))
    print()
    print(targets(res))
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
