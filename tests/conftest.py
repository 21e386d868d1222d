"""Shared fixtures: a static server for the repo on 127.0.0.1, and Chromium.

Chromium: Playwright's own build when it is installed (a developer's laptop),
otherwise Debian's /usr/bin/chromium (this machine and CI).

Coverage runs (`python -m buildtools.coverage run`, docs/performance.md): with
HSQ_SHIM_COVERAGE_DIR set, the instrumented bundle's `POST /__hsqcov` (the runtime functions
that ran) is answered by a route of every browser context (DIR/hits-routed.txt), so no test's
own server sees it or logs a failed request, or else by the static server (DIR/hits-server.txt);
after each test every open page's hits are appended to DIR/hits-pages.txt (what ran since the
bundle's last POST). Unset, nothing changes.

Parallel runs (pytest-xdist; pyproject's addopts: `-n auto --dist loadgroup`): each worker is a
pytest session of its own, with its own Chromium, static server and session fixtures. Tests
are handed out one at a time, except the modules in ONE_WORKER below, whose tests share an
expensive module-scoped set-up and so all run on one worker; the longest tests start early
(START_EARLY). `-n auto` is one worker per core, or none under `-s` (a worker's output is
not shown); `-n 0` runs in this process.
"""

import fcntl
import json
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import settings

from shim.testing.chromium import FLAGS, chromium_executable, without_browser_ui

# No per-example deadline: a loaded 2-core machine makes timings noisy, and these
# properties are about results, not speed. HSQ_HYPOTHESIS_EXAMPLES=5000 searches deeper
# than CI's default 100 per property (tests that set their own max_examples keep it).
settings.register_profile("hsq", deadline=None,
                          max_examples=int(os.environ.get("HSQ_HYPOTHESIS_EXAMPLES", "100")))
settings.load_profile("hsq")

ROOT = Path(__file__).resolve().parent.parent
# Real host names for cookie-domain tests: *.example.com and *.example.org resolve to the
# loopback static server (nothing leaves the machine).
HOST_RULES = "MAP *.example.com 127.0.0.1,MAP example.com 127.0.0.1,MAP *.example.org 127.0.0.1"
CHROMIUM_FLAGS = FLAGS + ["--host-resolver-rules=" + HOST_RULES]
STRICT_CSP = "script-src 'self'"
COVERAGE_DIR = os.environ.get("HSQ_SHIM_COVERAGE_DIR") or None
COVERAGE_PATH = "/__hsqcov"
PAGE_HITS = "() => globalThis.__hsqC ? [...globalThis.__hsqC.keys()].filter(i => globalThis.__hsqC[i]) : null"
_coverage_lock = threading.Lock()


def append_hits(name, line):
    """One whole line, also when several pytest-xdist workers append to the same file."""
    with _coverage_lock, open(os.path.join(COVERAGE_DIR, name), "ab") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write((line + "\n").encode("utf-8"))
        f.flush()


class RepoHandler(SimpleHTTPRequestHandler):
    """Serves the repository; `?csp=strict` adds a CSP that forbids eval and inline code."""

    def end_headers(self):
        if "csp=strict" in self.path:
            self.send_header("Content-Security-Policy", STRICT_CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_POST(self):
        if not COVERAGE_DIR or self.path != COVERAGE_PATH:
            self.send_error(501, "Unsupported method ('POST')")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        try:
            hits = [int(i) for i in json.loads(body)]
        except (ValueError, TypeError):
            self.send_error(400)
            return
        append_hits("hits-server.txt", json.dumps(hits))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _route_coverage(context):
    def handle(route):
        try:
            hits = [int(i) for i in json.loads(route.request.post_data or "")]
            append_hits("hits-routed.txt", json.dumps(hits))
        except (ValueError, TypeError):
            pass
        route.fulfill(status=204, body="")
    context.route("**/__hsqcov", handle)


if COVERAGE_DIR:
    from playwright.sync_api import Browser

    _new_context = Browser.new_context

    def _new_context_with_coverage(self, *args, **kwargs):
        context = _new_context(self, *args, **kwargs)
        _route_coverage(context)
        return context

    Browser.new_context = _new_context_with_coverage


def _open_pages(item):
    """Every page of every context of the browsers a test used (sync API only)."""
    from playwright.sync_api import Browser, BrowserContext, Page
    browsers, pages = [], []
    for value in item.funcargs.values():
        if isinstance(value, Page):
            value = value.context
        if isinstance(value, BrowserContext):
            value = value.browser or value
        if isinstance(value, (Browser, BrowserContext)) and value not in browsers:
            browsers.append(value)
    for b in browsers:
        for context in ([b] if isinstance(b, BrowserContext) else b.contexts):
            pages.extend(context.pages)
    return pages


# Under pytest-xdist, the tests of each of these share one expensive set-up (module-scoped
# fixtures run once per worker), or write into the repository: one worker runs them all.
ONE_WORKER = [
    "tests/audit/test_bad_input.py",           # two audit runs
    "tests/audit/test_defects.py",             # an audit run of a 15-page site
    "tests/audit/test_spa.py",                 # audit runs of single-page apps
    "tests/engines/test_engines.py",           # Firefox and WebKit, started once each
    "tests/e2e/test_routers.py",               # builds tests/routers/dist/ when stale
    "tests/test_build.py::TestBundle",         # the fixture package's build
    "tests/test_cli.py",                       # the wheel and its virtual environment
    "tests/test_package.py",                   # npm pack
    "tests/test_types.py",                     # two tsc runs
]
# The longest of the other tests (10-25 s each) are handed out first (after the groups above),
# so that none is left running alone at the end.
START_EARLY = [
    "tests/plugin/test_user_runs.py::test_readme_example",
    "tests/e2e/test_reliability.py::TestFuzz::test_seeded",
    "tests/unit/test_collector_store.py::TestUnderLoad",
    "tests/audit/test_clean_site.py",
    "tests/test_build.py::TestCoverageCut",
    "tests/e2e/test_scale.py::TestMemory",
    "tests/unit/test_fuzz.py",
    "tests/e2e/test_commands.py::test_every_command_with_odd_arguments",
]


@pytest.hookimpl(tryfirst=True)         # before xdist's own hook reads the marks
def pytest_collection_modifyitems(config, items):
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    for item in items:
        for prefix in ONE_WORKER:
            if item.nodeid.startswith(prefix + "::"):
                item.add_marker(pytest.mark.xdist_group(prefix.split("/")[-1].replace(".py", "")))
                break
    items.sort(key=lambda item: not item.nodeid.startswith(tuple(START_EARLY)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: none under -s (pytest-xdist shows no worker's output); else xdist's own
    choice (one per core, or PYTEST_XDIST_AUTO_NUM_WORKERS)."""
    if config.getoption("capture") == "no":
        return 0
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield
    if not COVERAGE_DIR:
        return
    for page in _open_pages(item):
        try:
            hits = page.evaluate(PAGE_HITS)
        except Exception:          # a closed or crashed page: its POSTs are all there is
            continue
        if hits:
            append_hits("hits-pages.txt", json.dumps(hits))


@pytest.fixture(scope="session")
def static_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(RepoHandler, directory=str(ROOT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def base_url(static_server):
    return static_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    executable = chromium_executable(playwright)
    if executable:
        args["executable_path"] = executable
    return without_browser_ui(playwright, args)       # shim/testing/chromium.py
