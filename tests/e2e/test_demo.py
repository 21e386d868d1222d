"""The demo, end to end: Chromium -> static/hsq-shim.js -> the local collector.

Checks: the plain page sends exactly one automatic page view (portal 123, the queued
identity) to the collector's /collect prefix; its buttons send more; the SPA reports
each route change (links and Back) but not its first route; an SPA route survives a
reload; the event log shows beacons, picks up new ones live and clears. All pages run
under the collector's `script-src 'self'` with no page error.
"""

import time
import urllib.request

import pytest
from playwright.sync_api import expect

from shim.core.codec import encode_query
from shim.collector import DEFAULT_ROOT, serve
from tests.e2e.support import errors_of

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def running_collector():
    if not (DEFAULT_ROOT / "hsq-shim.js").is_file():
        pytest.fail("static/hsq-shim.js is not built: run `python build.py` (./dev test does)")
    server = serve(DEFAULT_ROOT, "127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture
def collector(running_collector):
    running_collector.beacons.clear()
    return running_collector


def received(collector):
    """The beacons the collector holds, each as (endpoint, params dict, identity dict)."""
    return [(b["endpoint"], dict(b["params"]), dict(b["identity"] or []))
            for b in collector.beacons.since(0)["beacons"]]


def wait_for_beacons(page, collector, count, settle_ms=250):
    """Wait until `count` beacons arrived, then a little longer so an extra one would show."""
    deadline = time.monotonic() + 5
    while len(collector.beacons) < count and time.monotonic() < deadline:
        page.wait_for_timeout(25)
    page.wait_for_timeout(settle_ms)
    beacons = received(collector)
    assert len(beacons) == count, beacons
    return beacons


def page_views(beacons):
    return [params for endpoint, params, _ in beacons
            if endpoint == "/__ptq.gif" and params.get("k") == "1"]


def wait_until_ready(page):
    """hsqShim.ready, polled with evaluate: wait_for_function would need eval, which
    the collector's `script-src 'self'` forbids."""
    deadline = time.monotonic() + 10
    while not page.evaluate("() => !!(window.hsqShim && window.hsqShim.ready)"):
        assert time.monotonic() < deadline, "the shim never became ready"
        page.wait_for_timeout(25)


def open_page(page, collector, path):
    errors = errors_of(page)
    page.goto(collector.url + path)
    wait_until_ready(page)
    return errors


class TestPlainPage:
    def test_one_automatic_page_view_with_the_queued_identity(self, page, collector):
        errors = open_page(page, collector, "/")
        [(endpoint, params, identity)] = wait_for_beacons(page, collector, 1)
        assert endpoint == "/__ptq.gif"
        assert params["k"] == "1" and params["a"] == "123"
        assert params["pu"] == collector.url + "/" and params["t"] == "hsq-shim demo"
        assert identity == {"email": "demo@example.com"}
        url = collector.beacons.since(0)["beacons"][0]["url"]
        assert url.startswith(collector.url + "/collect/__ptq.gif?k=1&")
        expect(page.locator("#beacon-count")).to_have_text("1")
        assert errors == []

    def test_buttons_push_commands(self, page, collector):
        errors = open_page(page, collector, "/")
        wait_for_beacons(page, collector, 1, settle_ms=0)
        page.click("#track-page-view")
        page.click("#set-path-and-track")
        page.click("#identify")                 # rides on the next page view only
        page.click("#track-page-view")
        beacons = wait_for_beacons(page, collector, 4)
        views = page_views(beacons)
        assert len(views) == 4 and all(v["a"] == "123" for v in views)
        assert views[2]["po"] == "/virtual/step-1?from=demo"
        assert beacons[3][2] == {"email": "visitor1@example.com"}
        expect(page.locator("#beacon-count")).to_have_text("4")
        assert errors == []


class TestSinglePageApp:
    def test_route_changes_are_page_views_the_first_route_is_not(self, page, collector):
        errors = open_page(page, collector, "/spa.html")
        [first] = page_views(wait_for_beacons(page, collector, 1))
        assert first["pu"] == collector.url + "/spa.html" and "po" not in first

        page.click("#spa-nav >> text=Pricing")
        page.click("#spa-nav >> text=Docs")
        assert page.text_content("#view-title") == "Docs"
        page.go_back()                          # popstate
        assert page.text_content("#view-title") == "Pricing"
        views = page_views(wait_for_beacons(page, collector, 4))

        assert [v["po"] for v in views[1:]] == ["/spa/pricing", "/spa/docs?topic=setup",
                                                "/spa/pricing"]
        assert views[1]["pu"] == collector.url + "/spa/pricing"
        assert views[1]["t"] == "SPA · Pricing"
        assert views[3]["rpo"] == "/spa/docs?topic=setup"
        assert errors == []

    def test_a_route_survives_a_reload(self, page, collector):
        errors = open_page(page, collector, "/spa/contact")
        assert page.text_content("#view-title") == "Contact"
        [view] = page_views(wait_for_beacons(page, collector, 1))
        assert view["pu"] == collector.url + "/spa/contact" and view["t"] == "SPA · Contact"
        assert errors == []


class TestEventLog:
    def test_shows_beacons_live_and_clears(self, page, collector):
        open_page(page, collector, "/")
        wait_for_beacons(page, collector, 1, settle_ms=0)

        errors = errors_of(page)
        page.goto(collector.url + "/events.html")
        rows = page.locator("#events tr.event")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("page view")
        expect(rows.first).to_contain_text("demo@example.com")
        expect(rows.first).to_contain_text("123")

        # A beacon arriving while the log is open shows up on top.
        beacon = [("k", "1"), ("a", "42"), ("po", "/live-check"), ("t", "Live")]
        with urllib.request.urlopen(collector.url + "/x/__ptq.gif?" + encode_query(beacon)):
            pass
        expect(rows.first).to_contain_text("/live-check")
        expect(rows).to_have_count(2)
        expect(page.locator("#event-count")).to_have_text("2")

        page.click("#clear")
        expect(rows).to_have_count(0)
        expect(page.locator("#empty")).to_be_visible()
        assert len(collector.beacons) == 0
        assert errors == []
