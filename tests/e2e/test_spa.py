"""Single-page apps in Chromium: the History API matrix and the duplicate guard.

With data-track-history the shim sends a page view for each navigation that changes the
path or query (or a '#/' hash route), never for a fragment-only change, never twice.
The duplicate guard drops a router's page view for the initial route.
"""

import pytest

from tests.conftest import ROOT
from tests.e2e.support import capture, errors_of, wait_until_ready

pytestmark = pytest.mark.e2e
PAGE = "/tests/e2e/pages/history.html"


@pytest.fixture
def spa(page, base_url):
    page.hubspot = capture(page)
    page.errors = errors_of(page)
    page.goto(PAGE + "?start=1")
    wait_until_ready(page)
    page.origin = base_url

    def go(script):
        before = len(page.hubspot.beacons)
        page.evaluate(script)
        page.wait_for_timeout(60)          # the shim tracks after the current task
        return [(b.params.get("po"), b.params.get("rpo"), b.params["pu"], b.params.get("t"))
                for b in page.hubspot.wait_for_sent()[before:]]
    page.go = go
    return page


def test_the_initial_route_is_the_automatic_view_only(spa, base_url):
    [view] = spa.hubspot.beacons
    assert "po" not in view.params and view.params["pu"] == base_url + PAGE + "?start=1"


def test_navigation_matrix(spa, base_url):
    origin = base_url
    steps = [
        ("navigate('/app/pricing')", [("/app/pricing", None, origin + "/app/pricing", "Page /app/pricing")]),
        ("navigate('/app/pricing?plan=pro')",               # query-only: a page view
         [("/app/pricing?plan=pro", "/app/pricing", origin + "/app/pricing?plan=pro", None)]),
        ("navigate('/app/pricing?plan=pro#faq')", []),      # fragment-only: none
        ("navigate('/app/docs', true)",                      # replaceState that changes the path
         [("/app/docs", "/app/pricing?plan=pro", origin + "/app/docs", None)]),
        ("navigate('/app/docs', true)", []),                 # replaceState to the same URL
        ("history.back()", [("/app/pricing?plan=pro", "/app/docs", None, None)]),
        ("history.forward()", [("/app/docs", "/app/pricing?plan=pro", None, None)]),
        ("location.hash = '#/settings'", [("/app/docs#/settings", "/app/docs", None, None)]),
    ]
    for script, expected in steps:
        got = spa.go(script)
        assert len(got) == len(expected), (script, got)
        for (po, rpo, pu, title), (e_po, e_rpo, e_pu, e_title) in zip(got, expected):
            assert po == e_po and rpo == e_rpo, (script, got)
            assert e_pu is None or pu == e_pu
            assert e_title is None or title == e_title
    assert spa.errors == []


def test_the_referrer_stays_the_landing_referrer(page, base_url):
    hubspot = capture(page)
    page.goto("/tests/e2e/pages/queue.html")
    page.goto(PAGE, referer=base_url + "/tests/e2e/pages/queue.html")
    wait_until_ready(page)
    page.evaluate("navigate('/app/a')")
    page.wait_for_timeout(60)
    referrers = [b.params.get("r") for b in hubspot.wait_for_sent()[-2:]]
    assert referrers == [base_url + "/tests/e2e/pages/queue.html"] * 2


def test_reload_is_one_automatic_view(spa):
    spa.go("navigate(location.pathname + '?view=x')")
    before = len(spa.hubspot.beacons)
    spa.reload()
    wait_until_ready(spa)
    [view] = spa.hubspot.beacons[before:]
    assert "po" not in view.params and view.params["pu"].endswith("?view=x")


def test_clicking_an_in_page_anchor_is_not_a_page_view(spa):
    spa.click("#to-faq")
    spa.wait_for_timeout(60)
    spa.hubspot.wait_for_sent()
    assert len(spa.hubspot.beacons) == 1


class TestDuplicateGuard:
    def test_a_router_tracking_its_initial_route_sends_one_view(self, page):
        hubspot = capture(page)
        page.goto("/tests/e2e/pages/router-initial.html?tab=1")
        wait_until_ready(page)
        page.wait_for_timeout(300)
        beacons = hubspot.beacons
        assert len(beacons) == 1 and beacons[0].params["po"] == "/tests/e2e/pages/router-initial.html?tab=1"
        assert page.evaluate("hsqShim.duplicates") == 1
        reasons = page.evaluate("hsqShim.ignored.map(i => i.reason)")
        assert any(r.startswith("exact repeat of the page view sent at load") for r in reasons)

    def test_turned_off_it_sends_what_hubspot_sends(self, page):
        hubspot = capture(page)
        page.route("**/router-initial.html*", lambda route: route.fulfill(
            content_type="text/html", body=(ROOT / "tests/e2e/pages/router-initial.html").read_text().replace(
                'data-portal-id="123"', 'data-portal-id="123" data-duplicate-guard="off"')))
        page.goto("/tests/e2e/pages/router-initial.html")
        wait_until_ready(page)
        # Two page views for the same URL, often in the same millisecond: identical URLs,
        # each its own keep-alive request, so both arrive.
        assert page.evaluate("hsqShim.beacons.length") == 2
        assert page.evaluate("hsqShim.duplicates") == 0 and len(hubspot.beacons) == 2
        # The capture also counts a repeat it only saw in the shim's record (`repeated`,
        # for Chromium's image requests); here both requests must reach the network.
        for _ in range(100):
            if not [b for b in hubspot.beacons if b.repeated]:
                break
            page.wait_for_timeout(25)
        assert [b.repeated for b in hubspot.beacons] == [False, False]
