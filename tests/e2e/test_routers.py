"""The docs/routers/ snippets, run in Chromium with the real router libraries.

Each app in tests/routers/apps/ uses its snippet file verbatim, bundled with esbuild
(node tests/routers/build.mjs, cached in tests/routers/dist/): React Router and Vue
Router for real; the Next.js snippet with a stand-in for `next/navigation`
(tests/routers/stubs/). The page loads /static/hsq-shim.js with the duplicate guard
off, so a double page view from a snippet would show. Checks, from the beacons sent:
one automatic view at load and none from the router for the initial route (StrictMode
included); then exactly one view per navigation, with po = path + query, rpo = the
previous path, pu = the real URL, t = the new title; a query-only navigation is a view;
a hash-only change, Back to a hash-only change, and a link to the current page are not;
Back and Forward are; Vue's aborted navigation is not, its redirect is one view; an app
that starts after the shim has run gives the same views.

Needs `npm ci --prefix tests/routers` (./dev test runs it).
"""

import re
import subprocess

import pytest

import build

from tests.conftest import ROOT
from tests.e2e.support import capture, errors_of, wait_until_ready

pytestmark = pytest.mark.e2e

ROUTERS = ROOT / "tests" / "routers"
DIST = ROUTERS / "dist"
BUILD_INPUTS = ["build.mjs", "package-lock.json", "apps", "stubs"]
APPS = ["react", "vue", "next"]
# Where each app's Home link goes: React Router drops the slash after its basename.
HOME = {"react": "", "vue": "/", "next": "/"}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link rel="icon" href="data:,">
  <script async src="/static/hsq-shim.js" data-portal-id="123" data-duplicate-guard="off"></script>
  %s
</head>
<body><div id="root"></div></body>
</html>"""
# The app's bundle runs before the window's load event (and so before the shim runs).
EARLY = '<script defer src="/tests/routers/dist/%s.js"></script>'
# The app starts once the shim has run (a lazily loaded bundle).
LATE = """<script>
  addEventListener('load', function start() {
    if (!(window.hsqShim && window.hsqShim.ready)) return setTimeout(start, 20);
    var script = document.createElement('script');
    script.src = '/tests/routers/dist/%s.js';
    document.head.appendChild(script);
  });
</script>"""


def build_inputs():
    files = [ROOT / "docs" / "routers" / name for name in ("react-router.tsx", "vue-router.ts", "nextjs.tsx")]
    for name in BUILD_INPUTS:
        path = ROUTERS / name
        files.extend(sorted(path.rglob("*")) if path.is_dir() else [path])
    return [f for f in files if f.is_file()]


@pytest.fixture(scope="session")
def router_bundles():
    node = build.find_node()            # the system's, or the playwright wheel's
    if not (ROUTERS / "node_modules" / "esbuild").exists():
        pytest.fail("the router libraries are not installed: run `npm ci --prefix tests/routers` "
                    "(./dev test does)")
    stamp = DIST / "built"
    newest = max(f.stat().st_mtime for f in build_inputs())
    if not stamp.exists() or stamp.stat().st_mtime < newest:
        result = subprocess.run([node, "build.mjs"], cwd=ROUTERS, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, "esbuild failed:\n" + result.stdout + result.stderr
    return DIST


class RouterApp:
    """One router app in a page: navigate it and read the page views it caused."""

    def __init__(self, page, base_url, name, start):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.prefix = "/spa/" + name
        self.hubspot = capture(page)
        self.errors = errors_of(page)
        html = PAGE % ((EARLY if start == "early" else LATE) % name)
        page.route(re.compile("^" + re.escape(base_url) + "/spa/"),
                   lambda route: route.fulfill(status=200, content_type="text/html", body=html))

    def open(self, path):
        self.page.goto(self.prefix + path)
        wait_until_ready(self.page)
        self.page.wait_for_selector("#heading")

    def views(self):
        return [b.params for b in self.hubspot.beacons]

    def expect_views(self, count, timeout_ms=5000):
        for _ in range(timeout_ms // 25):
            if len(self.hubspot.beacons) >= count:
                break
            self.page.wait_for_timeout(25)
        self.page.wait_for_timeout(50)          # a stray second view would land now
        views = self.views()
        assert len(views) == count, "expected %d page views, got:\n%s" % (
            count, "\n".join("%s rpo=%s" % (v.get("po"), v.get("rpo")) for v in views))
        assert all(v["k"] == "1" and v["a"] == "123" for v in views), views
        return views[-1]

    def expect_view(self, count, path, previous, title):
        view = self.expect_views(count)
        assert (view.get("po"), view.get("rpo"), view["pu"], view["t"]) == (
            self.prefix + path, self.prefix + previous if previous else None,
            self.base_url + self.prefix + path, title)

    def expect_no_view(self, count, url_ends_with):
        self.page.wait_for_function("s => location.href.endsWith(s)", arg=self.prefix + url_ends_with)
        self.page.wait_for_timeout(250)
        self.expect_views(count)

    def click(self, link_id):
        self.page.click("#" + link_id)

    def shim_record(self):
        return self.page.evaluate("() => [hsqShim.beacons.length, hsqShim.ignored.map(i => i.entry + ': ' + i.reason)]")


@pytest.mark.parametrize("name", APPS)
def test_one_view_per_navigation_and_none_for_the_initial_route(page, base_url, router_bundles, name):
    app = RouterApp(page, base_url, name, "early")
    app.open("/?utm_source=ad")
    # The automatic view only; the snippet's setPath rode on it (po has the query string).
    app.expect_view(1, "/?utm_source=ad", None, "Home")

    app.click("pricing")
    app.expect_view(2, "/pricing", "/?utm_source=ad", "Pricing")
    app.click("pro")                                       # query-only: a page view
    app.expect_view(3, "/pricing?plan=pro", "/pricing", "Pricing")

    app.click("faq")                                       # hash-only: none
    app.expect_no_view(3, "/pricing?plan=pro#faq")
    page.go_back()                                         # back across the hash: none
    app.expect_no_view(3, "/pricing?plan=pro")
    page.go_back()
    app.expect_view(4, "/pricing", "/pricing?plan=pro", "Pricing")
    page.go_forward()
    app.expect_view(5, "/pricing?plan=pro", "/pricing", "Pricing")

    app.click("docs")
    app.expect_view(6, "/docs/setup", "/pricing?plan=pro", "Docs")
    app.click("docs")                                      # the current page again: none
    app.expect_no_view(6, "/docs/setup")
    app.click("home")
    app.expect_view(7, HOME[name], "/docs/setup", "Home")

    assert app.shim_record() == [7, []]                    # nothing ignored, no duplicate
    assert app.errors == []


@pytest.mark.parametrize("name", APPS)
def test_an_app_started_after_the_shim_gives_the_same_views(page, base_url, router_bundles, name):
    app = RouterApp(page, base_url, name, "late")
    app.open("/pricing?plan=pro")
    view = app.expect_views(1)                             # automatic, before the app: no po
    assert "po" not in view and view["pu"] == base_url + app.prefix + "/pricing?plan=pro"
    app.click("docs")
    app.expect_view(2, "/docs/setup", "/pricing?plan=pro", "Docs")
    page.go_back()
    app.expect_view(3, "/pricing?plan=pro", "/docs/setup", "Pricing")
    assert app.shim_record() == [3, []]
    assert app.errors == []


def test_vue_aborted_navigation_is_no_view_and_a_redirect_is_one(page, base_url, router_bundles):
    app = RouterApp(page, base_url, "vue", "early")
    app.open("/")
    app.expect_view(1, "/", None, "Home")
    app.click("blocked")                                   # beforeEnter returns false
    app.expect_no_view(1, "/")
    app.click("old-docs")                                  # redirects to /docs/setup
    app.expect_view(2, "/docs/setup", "/", "Docs")
    assert app.shim_record() == [2, []]
    assert app.errors == []
