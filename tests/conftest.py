"""Shared fixtures: a static server for the repo on 127.0.0.1, and Chromium.

Chromium: Playwright's own build when it is installed (a developer's laptop),
otherwise Debian's /usr/bin/chromium (this machine and CI).
"""

import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: a loaded 2-core machine makes timings noisy, and these
# properties are about results, not speed.
settings.register_profile("hsq", deadline=None)
settings.load_profile("hsq")

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_CHROMIUM = "/usr/bin/chromium"
# Real host names for cookie-domain tests: *.example.com and *.example.org resolve to the
# loopback static server (nothing leaves the machine).
HOST_RULES = "MAP *.example.com 127.0.0.1,MAP example.com 127.0.0.1,MAP *.example.org 127.0.0.1"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--host-resolver-rules=" + HOST_RULES]
STRICT_CSP = "script-src 'self'"


class RepoHandler(SimpleHTTPRequestHandler):
    """Serves the repository; `?csp=strict` adds a CSP that forbids eval and inline code."""

    def end_headers(self):
        if "csp=strict" in self.path:
            self.send_header("Content-Security-Policy", STRICT_CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


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


def chromium_executable(playwright):
    own = playwright.chromium.executable_path
    if own and os.path.exists(own):
        return None                          # Playwright's own browser: no override
    return SYSTEM_CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    executable = chromium_executable(playwright)
    if executable:
        args["executable_path"] = executable
    return args
