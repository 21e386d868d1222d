"""The measurements: one page load (cold or warm) or one push loop, in headless Chromium.

Rule 1: every variant is measured the same way: the page of bench/serving.py, OBSERVE installed
        before any page script, the same ready test (READY) and the same first beacon.
Rule 2: first beacon = the first __ptq.gif request: startTime of its resource entry (an Image)
        or the moment it is handed to fetch() (a keep-alive fetch, for which Chromium reports
        no resource timing), ms after navigation start.
Rule 3: cold = a new browser context per sample (empty HTTP cache, no V8 code cache); warm =
        the WARM_NAVIGATION-th load in a new persistent profile (HTTP cache and code cache);
        the network profile (bench/network.py) is applied to the measured load only.
"""
import gzip
import statistics
import tempfile
import time

import brotli

from bench import cpu, network
from bench.serving import page_url
from shim.testing.chromium import FLAGS, chromium_executable, without_browser_ui

WARM_NAVIGATION = 4               # the measured load of a warm sample

# Installed before any page script: records long tasks and beacons from the start (Rule 2).
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
(function () {
  var fetch0 = window.fetch;
  window.fetch = function (url) {
    if (String(url).indexOf('__ptq.gif') >= 0) __bench.beacons.push(performance.now());
    return fetch0.apply(this, arguments);
  };
})();
"""
# Ready: the shim, the yardstick and the floors say so in hsqShim.ready; HubSpot's tracker has
# taken over the queue when _hsq.push is its own.
READY = ("(window.hsqShim ? window.hsqShim.ready === true"
         " : !!(window._hsq && window._hsq.push !== Array.prototype.push))")

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


def launch_options(playwright, args=()):
    """chromium.launch keywords for every browser of the bench: headless, our flags (and `args`),
    and no address-bar popup renderer started beside each new context's page
    (shim/testing/chromium.py: it competed with the page for the CPU while it started)."""
    launch = {"args": FLAGS + list(args), "headless": True}
    exe = chromium_executable(playwright)
    if exe:
        launch["executable_path"] = exe
    return without_browser_ui(playwright, launch)


def file_sizes(files):
    """raw / gzip -9 / brotli 11 bytes of a variant's files ({name: bytes}), summed."""
    sizes = {"raw": 0, "gzip": 0, "brotli": 0}
    for data in files.values():
        sizes["raw"] += len(data)
        sizes["gzip"] += len(gzip.compress(data, 9, mtime=0))
        sizes["brotli"] += len(brotli.compress(data, quality=11))
    return sizes


def wait_ready(page, timeout_s=15, observed=True):
    deadline = time.monotonic() + timeout_s
    check = "() => %s%s" % (READY, " && __bench.beacons.length > 0" if observed else "")
    while time.monotonic() < deadline:
        if page.evaluate(check):
            return
        page.wait_for_timeout(20)
    raise RuntimeError("the page did not become ready%s" % (" with a beacon" if observed else ""))


def cold_sample(browser, base, variant, profile="none", context_args=None):
    context = browser.new_context(**(context_args or {}))
    try:
        return measure_load(context, page_url(base, variant.name), variant, profile)
    finally:
        context.close()


def warm_sample(playwright, launch, base, variant, profile="none"):
    """The WARM_NAVIGATION-th load of the page in a fresh persistent profile (disk HTTP cache and
    V8 code cache, as a returning visitor's browser has); only that load is throttled."""
    with tempfile.TemporaryDirectory(prefix="hsq-bench-profile-") as profile_dir:
        context = playwright.chromium.launch_persistent_context(profile_dir, **launch)
        try:
            url = page_url(base, variant.name, "cached")
            for _ in range(WARM_NAVIGATION - 1):
                page = context.new_page()
                page.goto(url, wait_until="load")
                wait_ready(page, observed=False)
                page.wait_for_timeout(200)       # let the code cache be written
                page.close()
            return measure_load(context, url, variant, profile)
        finally:
            context.close()


def measure_load(context, url, variant, profile):
    """Load url in a new page of context under `profile`; first beacon, long tasks, scripts."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    session = network.throttle(context, page, profile)      # noqa: F841 (kept while the page loads)
    page.add_init_script(OBSERVE)
    page.goto(url, wait_until="load")
    wait_ready(page, timeout_s=60)
    page.wait_for_timeout(100)          # let a trailing long task be reported
    data = page.evaluate("""(entry) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const scripts = performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script');
      const own = scripts.find(e => e.name.endsWith('/' + entry));
      return {beacons: __bench.beacons, longtasks: __bench.longtasks,
              script_end: own ? own.responseEnd : null, load: nav.loadEventStart,
              dcl: nav.domContentLoadedEventStart,
              transfer: scripts.reduce((n, e) => n + e.transferSize, 0)}}""", variant.entry)
    if errors:
        raise RuntimeError("%s: page errors: %s" % (variant.name, errors))
    first = min(data["beacons"])
    tasks = [d for s, d in data["longtasks"] if s <= first + 50]
    return {"first_beacon_ms": first, "longtask_total_ms": sum(tasks),
            "longtask_max_ms": max(tasks) if tasks else 0.0, "longtask_count": len(tasks),
            "script_loaded_ms": data["script_end"], "dcl_ms": data["dcl"], "load_ms": data["load"],
            "script_transfer_bytes": data["transfer"]}


def push_sample(browser, base, variant, context_args=None):
    """µs per push of each PUSH_CASES command: wall time in the page's loop, and (Linux) the
    renderer main thread's CPU time for a second loop of the same pushes (bench/cpu.py)."""
    context = browser.new_context(**(context_args or {}))
    try:
        before = cpu.renderers()
        page = context.new_page()
        page.add_init_script(OBSERVE)
        page.goto(page_url(base, variant.name), wait_until="load")
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
    """{measure: {median, min, max, samples}} over a list of sample dicts (None values left out)."""
    out = {}
    for key in (samples[0] if samples else {}):
        values = [s[key] for s in samples if s[key] is not None]
        if values:
            out[key] = {"median": statistics.median(values), "min": min(values), "max": max(values),
                        "samples": values}
    return out
