"""The scale section of the benchmark (issue #18): cost as the pre-load queue grows.

    .venv/bin/python -m bench.scale                    # 3 cold samples per size and variant
    .venv/bin/python -m bench.scale --samples 5 --baseline old.js   # also an older build
    .venv/bin/python -m bench.scale --chart-only --out docs/performance-scale.json   # redraw
    .venv/bin/python -m bench.scale --cpu 10 --baseline old.js    # CPU per queued entry only

Not a test: it times things, so pytest never runs it. For 0, 10, 100, 1,000 and 5,000
entries queued before load (alternating identify and setPath, after setPortalId), each variant
(the shim, bench/reference.js, and an optional baseline build) is loaded cold (a new browser
context per sample, variants and sizes interleaved) in headless Chromium and measured:

  first beacon   ms after navigation start when the first __ptq.gif is handed to the browser
  longest task   the longest PerformanceObserver('longtask') entry from navigation to ready
  queue run      ms from the load event to hsqShim.ready (the whole queue has run)
  JS heap        Runtime.getHeapUsage().usedSize after two forced GCs, once ready (CDP)

--cpu R measures instead the renderer main-thread CPU time (bench/cpu.py) of a load with
1,000 entries and of one with none, R rounds, variants and sizes interleaved: a busy machine
stretches wall time but not this. Each load is the second of its browser context, after the
empty-queue page (the renderer's own start-up is not counted; V8 may reuse the compiled
script, the same for every variant and size). Per entry = (median at 1,000 - median at 0) /
1,000.

Results go to bench/results/scale.json; the Markdown table is printed and the chart
(docs/performance-scale.png) is drawn from the JSON with matplotlib.
"""
import argparse
import json
import statistics
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from bench import cpu, measure
from bench.measure import launch_options, summarise
from bench.serving import PIXEL, Server, start
from bench.variants import REFERENCE, ROOT, SHIM

FILES = {"shim": SHIM, "reference": REFERENCE}
RESULTS = ROOT / "bench" / "results"

SIZES = [0, 10, 100, 1000, 5000]
CPU_ENTRIES = 1000
CHART = ROOT / "docs" / "performance-scale.png"
LABELS = {"shim": "hsq-shim", "reference": "reference JS", "baseline": "baseline build"}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>scale</title>
<script>
var _hsq = window._hsq = window._hsq || [];
_hsq.push(['setPortalId', 123]);
for (var i = 0; i < %(n)d; i++) {
  _hsq.push(i %% 2 ? ['setPath', '/scale/' + i] : ['identify', {email: 'u' + i + '@example.com'}]);
}
</script>
<script async src="/%(impl)s/hsq-shim.js" data-portal-id="123" data-tracking-url="%(base)s/t"></script>
</head><body><h1>scale</h1></body></html>
"""

# Before any page script: long tasks and the first beacon (bench/measure.py), and the moment
# hsqShim.ready is set.
OBSERVE = measure.OBSERVE + """
window.__bench.ready = null;
(function () {
  var record;
  function watch(v) {
    if (v && v.ready === true && __bench.ready === null) __bench.ready = performance.now();
    var ready = v ? v.ready : undefined;
    if (!v || typeof v !== 'object') return;
    Object.defineProperty(v, 'ready', {configurable: true, enumerable: true,
      get: function () { return ready; },
      set: function (x) { ready = x; if (x === true && __bench.ready === null) __bench.ready = performance.now(); }});
  }
  Object.defineProperty(window, 'hsqShim', {configurable: true,
    get: function () { return record; }, set: function (v) { record = v; watch(v); }});
})();
"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, query = self.path.partition("?")
        base = "http://%s:%d" % self.server.server_address
        parts = path.split("/")
        if path == "/scale.html":
            args = dict(q.partition("=")[::2] for q in query.split("&"))
            body = PAGE % {"base": base, "impl": args["impl"], "n": int(args["n"])}
            self.send(200, "text/html; charset=utf-8", body.encode())
        elif len(parts) == 3 and parts[1] in self.server.files:
            self.send(200, "text/javascript; charset=utf-8", self.server.files[parts[1]])
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


def serve(files):
    server = Server(("127.0.0.1", 0), Handler)
    server.files = {impl: Path(path).read_bytes() for impl, path in files.items()}
    return start(server), "http://127.0.0.1:%d" % server.server_address[1]


def sample(browser, base, impl, n, timeout_s=60):
    context = browser.new_context()
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(OBSERVE)
        load_until_ready(page, base, impl, n, timeout_s)
        page.wait_for_timeout(150)          # a trailing long task is reported late
        data = page.evaluate("""() => ({beacons: __bench.beacons, longtasks: __bench.longtasks,
            ready: __bench.ready, load: performance.getEntriesByType('navigation')[0].loadEventStart})""")
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")["usedSize"]
        if errors:
            raise RuntimeError("%s: page errors: %s" % (impl, errors))
        tasks = [d for s, d in data["longtasks"] if s <= data["ready"] + 50]
        return {"first_beacon_ms": min(data["beacons"]), "longest_task_ms": max(tasks, default=0.0),
                "queue_run_ms": data["ready"] - data["load"], "heap_mb": heap / 1e6}
    finally:
        context.close()


def load_until_ready(page, base, impl, n, timeout_s):
    page.goto("%s/scale.html?impl=%s&n=%d" % (base, impl, n), wait_until="load")
    deadline = time.monotonic() + timeout_s
    while not page.evaluate("() => __bench.ready !== null && __bench.beacons.length > 0"):
        if time.monotonic() > deadline:
            raise RuntimeError("%s, %d entries: not ready" % (impl, n))
        page.wait_for_timeout(20)


def cpu_sample(browser, base, impl, n, timeout_s=60):
    """Renderer main-thread CPU (ms) from navigating to the n-entry page until it is ready and
    has sent its first beacon, in a renderer that has loaded the empty-queue page once."""
    context = browser.new_context()
    try:
        before = cpu.renderers()
        page = context.new_page()
        page.add_init_script(OBSERVE)
        load_until_ready(page, base, impl, 0, timeout_s)    # the renderer's start-up: not counted
        fresh = cpu.renderers() - before
        pid = cpu.busiest(fresh, dict.fromkeys(fresh, 0))    # the page's, not a helper
        start = cpu.main_thread_ns(pid)
        load_until_ready(page, base, impl, n, timeout_s)
        end = cpu.main_thread_ns(pid)
        if start is None or end is None:
            raise RuntimeError("the page's renderer ended between its two loads")
        return (end - start) / 1e6
    finally:
        context.close()


def cpu_run(browser, base, impls, rounds, n):
    """{impl: {"0": ms, "n": ms, "per_entry_us": µs}}: medians of `rounds` interleaved loads."""
    ms = {impl: {0: [], n: []} for impl in impls}
    for r in range(rounds):
        order = impls if r % 2 == 0 else impls[::-1]
        for impl in order:
            for k in (0, n):
                ms[impl][k].append(cpu_sample(browser, base, impl, k))
        print("round %d/%d done" % (r + 1, rounds), flush=True)
    out = {}
    for impl in impls:
        empty, full = statistics.median(ms[impl][0]), statistics.median(ms[impl][n])
        out[impl] = {"0": empty, str(n): full, "per_entry_us": (full - empty) * 1000 / n}
    return out


def table(res):
    impls = [i for i in ("shim", "baseline", "reference") if i in res["results"]]
    head = ["entries"]
    for measure in ("first beacon (ms)", "longest task, worst (ms)", "queue run (ms)", "JS heap (MB)"):
        head += ["%s, %s" % (measure, LABELS[i]) for i in impls]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for n in res["sizes"]:
        cells = [format(n, ",")]
        for key, stat, fmt in (("first_beacon_ms", "median", "%.0f"), ("longest_task_ms", "max", "%.0f"),
                               ("queue_run_ms", "median", "%.0f"), ("heap_mb", "median", "%.2f")):
            cells += [fmt % res["results"][i][str(n)][key][stat] for i in impls]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_entry(res):
    """ms per queued entry at load: (queue run at the largest size - at 0) / size."""
    top = str(res["sizes"][-1])
    out = {}
    for impl, by_n in res["results"].items():
        out[impl] = (by_n[top]["queue_run_ms"]["median"] - by_n["0"]["queue_run_ms"]["median"]) / int(top)
    return out


def chart(res, path=CHART):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = res["sizes"]
    xs = list(range(len(sizes)))
    panels = [("first_beacon_ms", "median", "first beacon (ms after navigation)"),
              ("longest_task_ms", "max", "longest task, worst sample (ms)"),
              ("heap_mb", "median", "JS heap once ready (MB)")]
    styles = {"shim": ("tab:blue", "o"), "baseline": ("tab:gray", "s"), "reference": ("tab:orange", "^")}
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    for ax, (key, stat, title) in zip(axes, panels):
        for impl in ("shim", "baseline", "reference"):
            if impl not in res["results"]:
                continue
            ys = [res["results"][impl][str(n)][key][stat] for n in sizes]
            color, marker = styles[impl]
            ax.plot(xs, ys, marker=marker, color=color, label=LABELS[impl])
        ax.set_title(title, fontsize=10)
        ax.set_xticks(xs, [format(n, ",") for n in sizes])
        ax.set_xlabel("entries queued before load")
        if key == "longest_task_ms":
            # The one-task load reaches seconds: a log scale keeps the 50 ms line readable.
            ax.axhline(50, color="tab:red", linestyle="--", linewidth=1, label="50 ms (long task)")
            ax.set_yscale("symlog", linthresh=10)
            ax.set_ylim(bottom=0)
        else:
            ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[1].legend(fontsize=8)
    fig.suptitle("hsq-shim as the pre-load queue grows (headless Chromium, cold, %s)" % res["note"], fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description="hsq-shim scale benchmark: cost as the pre-load queue grows")
    parser.add_argument("--samples", type=int, default=3, help="cold loads per size and variant (default 3)")
    parser.add_argument("--sizes", default=",".join(str(n) for n in SIZES))
    parser.add_argument("--shim", default=str(FILES["shim"]))
    parser.add_argument("--baseline", help="an older build to measure in the same run")
    parser.add_argument("--note", default="", help="a caption for the chart (machine, date)")
    parser.add_argument("--out", default=str(RESULTS / "scale.json"))
    parser.add_argument("--chart", default=str(CHART))
    parser.add_argument("--chart-only", action="store_true", help="redraw the chart from --out")
    parser.add_argument("--cpu", type=int, metavar="ROUNDS",
                        help="measure only renderer CPU per queued entry (1,000 entries against none)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if args.chart_only:
        res = json.loads(out.read_text())
        if args.note:                       # a new caption, kept for the next redraw
            res["note"] = args.note
            out.write_text(json.dumps(res, indent=1))
        chart(res, Path(args.chart))
        print(table(res))
        return 0
    from playwright.sync_api import sync_playwright

    sizes = [int(n) for n in args.sizes.split(",")]
    files = {"reference": FILES["reference"], "shim": Path(args.shim)}
    if args.baseline:
        files["baseline"] = Path(args.baseline)
    if args.cpu and cpu.renderers() is None:
        print("--cpu needs Linux's /proc (bench/cpu.py)")
        return 1
    server, base = serve(files)
    if args.cpu:
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(**launch_options(p))
                res = cpu_run(browser, base, list(files), args.cpu, CPU_ENTRIES)
                browser.close()
        finally:
            server.shutdown()
        for impl, row in res.items():
            print("%s: renderer CPU %.0f ms with no entry, %.0f ms with %s; %.1f µs per entry" % (
                LABELS[impl], row["0"], row[str(CPU_ENTRIES)], format(CPU_ENTRIES, ","), row["per_entry_us"]))
        return 0
    samples = {impl: {n: [] for n in sizes} for impl in files}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(**launch_options(p))
            for k in range(args.samples):
                for n in sizes:
                    for impl in files:
                        samples[impl][n].append(sample(browser, base, impl, n))
                print("sample %d/%d done" % (k + 1, args.samples), flush=True)
            browser.close()
    finally:
        server.shutdown()
    res = {"sizes": sizes, "samples": args.samples, "note": args.note or time.strftime("%d %b %Y"),
           "results": {impl: {str(n): summarise(samples[impl][n]) for n in sizes} for impl in files}}
    res["per_entry_ms"] = per_entry(res)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    chart(res, Path(args.chart))
    print(table(res))
    print("\nper queued entry at load (ms): " + ", ".join(
        "%s %.3f" % (LABELS[i], v) for i, v in res["per_entry_ms"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
