"""Visitor and session cookies in Chromium, on real host names (spec §5).

Host names *.example.com / *.example.org resolve to the loopback server (see
HOST_RULES in tests/conftest.py). Checks the cookies Chromium actually stored, their
domain, path, SameSite and expiry, and the u/b/vi/nc beacon parameters, across a
reload, a 31-minute pause, a browser restart and a new browser context.
"""

import time

import pytest

from shim.core.domain import domain_hash
from tests.e2e.support import capture, wait_until_ready

pytestmark = pytest.mark.e2e
DAY = 86400
VISITOR_COOKIES = {"__hstc", "hubspotutk", "__hssc", "__hssrc"}


@pytest.fixture
def port(static_server):
    return int(static_server.rsplit(":", 1)[1])


def visit(page, url):
    hubspot = capture(page)
    page.goto(url)
    wait_until_ready(page)
    return hubspot.wait_for_sent()


def jar(context):
    return {c["name"]: c for c in context.cookies() if c["name"] in VISITOR_COOKIES}


def test_first_visit_stores_four_cookies_on_the_configured_domain(page, port):
    [view] = visit(page, "http://www.example.com:%d/tests/e2e/pages/cookies.html" % port)
    cookies = jar(page.context)
    assert set(cookies) == VISITOR_COOKIES
    now = time.time()
    for name, cookie in cookies.items():
        assert (cookie["domain"], cookie["path"], cookie["sameSite"]) == (".example.com", "/", "Lax")
    assert abs(cookies["__hstc"]["expires"] - (now + 180 * DAY)) < 120
    assert abs(cookies["hubspotutk"]["expires"] - (now + 180 * DAY)) < 120
    assert abs(cookies["__hssc"]["expires"] - (now + 30 * 60)) < 120
    assert cookies["__hssrc"]["expires"] == -1 and cookies["__hssrc"]["value"] == "1"
    hstc = cookies["__hstc"]["value"].split(".")
    assert hstc[0] == str(domain_hash(".example.com")) == "114212440"
    assert hstc[1] == cookies["hubspotutk"]["value"] and hstc[5] == "1"
    p = view.params
    assert (p["vi"], p["nc"], p["u"], p["b"]) == (
        hstc[1], "true", cookies["__hstc"]["value"], cookies["__hssc"]["value"])


def test_reload_continues_the_session_and_counts_the_view(page, port):
    url = "http://www.example.com:%d/tests/e2e/pages/cookies.html" % port
    [first] = visit(page, url)
    [second] = visit(page, url)
    assert second.params["nc"] == "false" and second.params["vi"] == first.params["vi"]
    assert second.params["u"] == first.params["u"]
    assert second.params["b"].split(".")[1] == "2"
    assert jar(page.context)["__hssc"]["value"] == second.params["b"]


def test_a_sibling_subdomain_shares_the_visitor(page, port):
    [first] = visit(page, "http://www.example.com:%d/tests/e2e/pages/cookies.html" % port)
    [second] = visit(page, "http://shop.example.com:%d/tests/e2e/pages/cookies.html" % port)
    assert second.params["vi"] == first.params["vi"] and second.params["nc"] == "false"


def test_after_a_31_minute_pause_a_new_session_starts(browser, page, port):
    """The first visit happens 31 minutes in the past (Playwright's clock), so its
    30-minute __hssc has expired by now, as it would after a real pause. The second
    visit runs on the real clock with every cookie the first left (same browser)."""
    url = "http://www.example.com:%d/tests/e2e/pages/cookies.html" % port
    page.clock.install(time=time.time() - 31 * 60)
    [first] = visit(page, url)
    assert "__hssc" not in jar(page.context)          # already past its 30 minutes
    later = browser.new_context()
    try:
        later.add_cookies(page.context.cookies())
        [second] = visit(later.new_page(), url)
    finally:
        later.close()
    old, new = first.params["u"].split("."), second.params["u"].split(".")
    assert new[1] == old[1]                           # same visitor
    assert new[3] == old[4]                           # previous = the old current
    assert int(new[4]) >= int(time.time() * 1000) - 60000
    assert new[5] == "2" and second.params["b"].split(".")[1] == "1"


def test_a_browser_restart_drops_hssrc_and_starts_a_new_session(browser, page, port):
    url = "http://www.example.com:%d/tests/e2e/pages/cookies.html" % port
    [first] = visit(page, url)
    persistent = [c for c in page.context.cookies() if c["expires"] != -1]
    restarted = browser.new_context()
    try:
        restarted.add_cookies(persistent)
        [second] = visit(restarted.new_page(), url)
    finally:
        restarted.close()
    assert second.params["vi"] == first.params["vi"]
    assert second.params["u"].split(".")[5] == "2"


def test_a_new_browser_context_is_a_new_visitor(browser, page, port):
    url = "http://www.example.com:%d/tests/e2e/pages/cookies.html" % port
    [first] = visit(page, url)
    other = browser.new_context()
    try:
        [second] = visit(other.new_page(), url)
    finally:
        other.close()
    assert second.params["vi"] != first.params["vi"] and second.params["nc"] == "true"


def test_a_host_outside_the_cookie_domain_gets_host_only_cookies(page, port):
    visit(page, "http://www.example.org:%d/tests/e2e/pages/cookies.html" % port)
    cookies = jar(page.context)
    assert {c["domain"] for c in cookies.values()} == {"www.example.org"}
    assert cookies["__hstc"]["value"].startswith(str(domain_hash(".example.org")) + ".")


def test_a_domain_the_browser_refuses_falls_back_to_host_only(page, port):
    [view] = visit(page, "http://www.example.com:%d/tests/e2e/pages/cookies-public-suffix.html" % port)
    cookies = jar(page.context)
    assert set(cookies) == VISITOR_COOKIES
    assert {c["domain"] for c in cookies.values()} == {"www.example.com"}
    assert view.params["u"] == cookies["__hstc"]["value"]


@pytest.mark.parametrize("hstc, utk", [
    ("x" * 3000, "not-a-token"),
    ("1.ZZZZ.1.1.1.1", "%0d%0aSet-Cookie:evil=1"),
    ("114212440.75d0249612114fbb19382a1e0ef233ce.1.1.99999999999999.1", "<script>"),
])
def test_tampered_cookies_are_replaced_and_never_reach_a_beacon(page, port, hstc, utk):
    url = "http://www.example.com:%d/tests/e2e/pages/cookies.html" % port
    page.context.add_cookies([
        {"name": "__hstc", "value": hstc, "domain": ".example.com", "path": "/"},
        {"name": "hubspotutk", "value": utk, "domain": ".example.com", "path": "/"}])
    [view] = visit(page, url)
    assert view.params["nc"] == "true"
    assert hstc not in view.url_raw and utk not in view.url_raw
    stored = jar(page.context)["__hstc"]["value"]
    assert stored == view.params["u"] and len(stored.split(".")) == 6
    assert "evil" not in {c["name"] for c in page.context.cookies()}
