"""Helpers for end-to-end tests. Beacons are captured and decoded by the project's own
pytest plugin (shim.testing: HubSpotTracking, Beacon): the e2e suite is its first user.

CPU time, not wall time, for "this is cheap" checks (MainThreadTrace):
on a loaded machine (two cores, parallel test workers, someone's benchmark) the renderer
waits for a core, and wall time grows with that wait; the CPU time the page's main thread
spends does not, and still grows with the work the shim does.
"""

import json

import build
from shim.testing.assertions import HubSpotTracking


def capture(page):
    """The plugin attached to `page`: every beacon answered with a 1x1 GIF and decoded
    (`.beacons`, `.wait_for_sent()`, `.expect_*`). The shim's duplicate guard stays as the
    page sets it (the plugin would turn it off to count like HubSpot)."""
    tracking = HubSpotTracking(duplicate_guard=True)
    tracking.attach(page)
    page._hsq_tracking = tracking
    return tracking


def wait_until_ready(page, timeout_ms=10000):
    """The shim has processed the pre-load queue (hsqShim.ready), and the beacons it sent
    meanwhile have been captured (when the page has a capture).

    Polls with page.evaluate, not wait_for_function: the latter needs eval, which a
    page under script-src 'self' forbids."""
    for _ in range(timeout_ms // 50):
        if page.evaluate("() => !!(window.hsqShim && window.hsqShim.ready === true)"):
            tracking = getattr(page, "_hsq_tracking", None)
            if tracking is not None:
                tracking.wait_for_sent()
            return
        page.wait_for_timeout(50)
    raise AssertionError("hsq-shim did not become ready within %d ms" % timeout_ms)


def errors_of(page):
    """Collect uncaught page errors and console errors from now on."""
    errors = []
    page.on("pageerror", lambda error: errors.append("pageerror: %s" % error))
    page.on("console", lambda msg: msg.type == "error" and errors.append("console: %s" % msg.text))
    return errors


TRACE_CATEGORIES = ["toplevel", "disabled-by-default-devtools.timeline", "blink.user_timing"]


class MainThreadTrace:
    """A Chromium trace of `page`'s renderer: `with MainThreadTrace(page) as trace:`, then
      trace.tasks   every task the page's main thread ran, as (start_ms, wall_ms, cpu_ms);
      trace.marks   {name: ms} of the navigation's marks (loadEventStart...);
      trace.stamps  {label: (ms, cpu_ms)} of each console.timeStamp(label) of the page: when
                    it was called, and the main thread's CPU clock then (their differences
                    are the CPU time spent between two stamps).
    Times are on the trace's clocks, in ms. Tasks and marks need a navigation inside the
    `with` (the page's renderer is the one that marked its load event)."""

    def __init__(self, page, categories=TRACE_CATEGORIES):
        self.page = page
        self.browser = page.context.browser
        self.categories = categories
        self.tasks, self.marks, self.stamps = [], {}, {}

    def __enter__(self):
        self.browser.start_tracing(page=self.page, categories=self.categories)
        return self

    def __exit__(self, *exc):
        events = json.loads(self.browser.stop_tracing())["traceEvents"]
        threads = {(e["pid"], e["tid"]) for e in events
                   if e.get("ph") == "M" and e.get("name") == "thread_name"
                   and e["args"].get("name") == "CrRendererMain"}
        mine = [e for e in events if (e.get("pid"), e.get("tid")) in threads]
        self.stamps = {e["args"]["data"]["message"]: (e["ts"] / 1000, e["tts"] / 1000)
                       for e in mine if e.get("name") == "TimeStamp" and "tts" in e}
        marks = [e for e in mine if e.get("cat") == "blink.user_timing"]
        pages = {(e["pid"], e["tid"]) for e in marks if e["name"] == "loadEventStart"}
        self.marks = {e["name"]: e["ts"] / 1000 for e in marks if (e["pid"], e["tid"]) in pages}
        self.tasks = [(e["ts"] / 1000, e["dur"] / 1000, e["tdur"] / 1000) for e in mine
                      if (e["pid"], e["tid"]) in pages and e.get("ph") == "X"
                      and e.get("name") == "ThreadControllerImpl::RunTask" and "tdur" in e]
        return False


def build_fixture_package(tmp_path_factory, modules):
    """A bundle of a small package `shim` ({module name: source}, `shim` itself added), booted
    by `shim.adapter.install()`: the real runtime, unminified, without the coverage cut (the
    fixture's code reaches runtime functions the shim does not)."""
    src = tmp_path_factory.mktemp("src")
    (src / "shim").mkdir()
    (src / "shim" / "__init__.py").write_text('"""Fixture package."""\n')
    for name, source in modules.items():
        (src / "shim" / (name + ".py")).write_text(source)
    return build.build_bytes(["shim"] + ["shim." + name for name in modules], src,
                             boot="from shim.adapter import install\ninstall()\n", minify=False, cut_keys=[])


def run_fixture_bundle(page, bundle):
    """Load `bundle` in a page of its own origin and wait for its `window.fixtureResult`;
    the page errors collected meanwhile (a list that keeps growing)."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("https://fixture.example/bundle.js", lambda route: route.fulfill(
        body=bundle, content_type="application/javascript"))
    page.route("https://fixture.example/", lambda route: route.fulfill(
        body='<!doctype html><script src="/bundle.js"></script>', content_type="text/html"))
    page.goto("https://fixture.example/")
    page.wait_for_function("() => window.fixtureResult !== undefined", timeout=30000)
    return errors
