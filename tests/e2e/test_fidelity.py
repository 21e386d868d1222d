"""HubSpot fidelity in Chromium through the built file (issue 15, items 2-6): the regional
tracking host from the shim's own src, window.__hsUserToken, array-valued event
properties and JavaScript number text, debug logging, and the two suppression fixes.

Pages are served by routes on https://www.example.com (and HubSpot's loader hosts), so
the shim runs under the script URLs and host names a real site has.
"""

from pathlib import Path

import pytest

from tests.e2e.support import capture, wait_until_ready

pytestmark = pytest.mark.e2e
SHIM = Path(__file__).resolve().parents[2] / "static" / "hsq-shim.js"
SITE = "https://www.example.com/"
TOKEN = "0123456789abcdef0123456789abcdef"


def serve(page, body, script_hosts=("https://www.example.com/static/",)):
    """Answer the site's page with `body` and the script URLs under `script_hosts` with
    the shim; returns the page's HubSpotTracking (the plugin's capture)."""
    shim = SHIM.read_bytes()
    tracking = capture(page)
    page.route(SITE + "page*", lambda route: route.fulfill(body=body, content_type="text/html"))
    for host in script_hosts:
        page.route(host + "**", lambda route: route.fulfill(
            body=shim, content_type="application/javascript"))
    return tracking


def open_page(page, body, script_hosts=("https://www.example.com/static/",), lines=None):
    tracking = serve(page, body, script_hosts)
    if lines is not None:
        page.on("console", lambda message: lines.append(message.text))
    page.goto(SITE + "page")
    wait_until_ready(page)
    return tracking


def push(page, tracking, *entries):
    before = len(tracking.beacons)
    for entry in entries:
        page.evaluate("entry => window._hsq.push(entry)", entry)
    return tracking.wait_for_sent()[before:]


def cookies(page):
    return {c["name"]: c for c in page.context.cookies()}


SHIM_TAG = '<script async src="/static/hsq-shim.js" data-portal-id="123"{}></script>'


def html(head="", tag_attributes=""):
    return ("<!doctype html><meta charset=utf-8><title>Fidelity</title>" + head
            + SHIM_TAG.format(tag_attributes))


# -- 2. regional hosts ------------------------------------------------------------

@pytest.mark.parametrize("loader, host", [
    ("https://js-eu1.hs-scripts.com/4567.js?businessUnitId=0", "track-eu1.hubspot.com"),
    ("https://js-ap1.hs-scripts.com/4567.js", "track-ap1.hubspot.com"),
    ("https://js-na1.hs-scripts.com/4567.js", "track.hubspot.com"),
])
def test_a_regional_loader_sends_to_its_regions_tracking_host(page, loader, host):
    body = '<!doctype html><title>Kontakt</title><script async src="%s"></script>' % loader
    [view] = open_page(page, body, (loader.split("/4567")[0] + "/",)).beacons
    assert (view.host, view.params["a"], view.params["k"]) == (host, "4567", "1")


def test_set_tracking_domain_and_data_tracking_url_win_over_the_region(page):
    loader = "https://js-eu1.hs-scripts.com/4567.js"
    # Pushed after the script executed (at the load event, before the shim's own load
    # listener): it wins over the region, as it would over HubSpot's prelude (spec Q10).
    body = ("<!doctype html><title>x</title><script>window._hsq = [];"
            "addEventListener('load', () => _hsq.push(['setTrackingDomain', 'track.example.net']));"
            "</script><script async src='%s'></script>" % loader)
    [view] = open_page(page, body, ("https://js-eu1.hs-scripts.com/",)).beacons
    assert view.host == "track.example.net"
    other = page.context.new_page()
    body = ("<!doctype html><title>x</title><script async src='%s' "
            "data-tracking-url='https://collect.example.org/c'></script>" % loader)
    [view] = open_page(other, body, ("https://js-eu1.hs-scripts.com/",)).beacons
    assert view.url_raw.startswith("https://collect.example.org/c/__ptq.gif?k=1&")


# -- 3. window.__hsUserToken -------------------------------------------------------

def test_the_visitor_token_is_written_to_window_hs_user_token(page):
    [view] = open_page(page, html()).beacons
    token = page.evaluate("window.__hsUserToken")
    assert token == view.params["vi"] == cookies(page)["hubspotutk"]["value"]


def test_a_token_the_page_set_beforehand_is_adopted(page):
    head = "<script>window.__hsUserToken = '%s';</script>" % TOKEN.upper()
    [view] = open_page(page, html(head)).beacons
    assert view.params["vi"] == TOKEN
    jar = cookies(page)
    assert jar["hubspotutk"]["value"] == TOKEN and jar["__hstc"]["value"].split(".")[1] == TOKEN
    assert page.evaluate("window.__hsUserToken") == TOKEN.upper()       # left as the page set it


def test_a_value_that_is_not_a_token_is_recorded_and_left_alone(page):
    head = "<script>window.__hsUserToken = 'not-a-token';</script>"
    [view] = open_page(page, html(head)).beacons
    assert view.params["vi"] != "not-a-token" and len(view.params["vi"]) == 32
    assert page.evaluate("window.__hsUserToken") == "not-a-token"
    reasons = page.evaluate("hsqShim.ignored.filter(i => i.entry === '__hsUserToken')"
                            ".map(i => i.reason)")
    assert reasons == ["not adopted: a visitor token is 32 hex characters, got 'not-a-token'"]


# -- 4. arrays and numbers ---------------------------------------------------------

def test_array_properties_repeat_the_key_and_numbers_read_as_javascript_writes_them(page):
    tracking = open_page(page, html())
    [event] = push(page, tracking, ["trackCustomBehavioralEvent", {"name": "pe123_x", "properties": {
        "tags": ["a", "b"], "small": 1e-7, "big": 1e21, "micro": 0.000001, "n": [2.5e-8, 7]}}])
    assert event.fields[:8] == [("n", "pe123_x"), ("_tags", "a"), ("_tags", "b"),
                                ("_small", "1e-7"), ("_big", "1e+21"), ("_micro", "0.000001"),
                                ("_n", "2.5e-8"), ("_n", "7")]
    assert "_tags=a&_tags=b&" in event.url_raw and "object" not in event.url_raw
    [legacy] = push(page, tracking, ["trackEvent", {"id": "e1", "value": 1e-7}])
    assert legacy.params["m"] == "1e-7"
    assert page.evaluate("hsqShim.ignored.length") == 0


# -- 5. debug mode -----------------------------------------------------------------

def test_debug_logs_caught_listener_and_function_errors(page):
    lines = []
    head = "<script>window._hsq = [['setDebugMode', true]];</script>"
    open_page(page, html(head), lines=lines)
    assert cookies(page)["hs_dbg"]["value"] == "1"           # queued before load: written
    page.evaluate("""() => {
        _hsq.push(['addUserTokenListener', () => { throw new Error('listener boom'); }]);
        _hsq.push(function () { throw new Error('entry boom'); });
    }""")
    page.wait_for_timeout(100)
    logged = [line for line in lines if "boom" in line]
    assert len(logged) == 2 and all(line.startswith("[hsq-shim] ignored ") for line in logged)
    assert "listener" in logged[0] and "function entry" in logged[1]


def test_debug_logs_a_duplicate_guard_drop(page):
    lines = []
    head = "<script>window._hsq = [['setDebugMode', true]];</script>"
    tracking = open_page(page, html(head), lines=lines)
    assert push(page, tracking, ["trackPageView"]) == []
    assert page.evaluate("hsqShim.duplicates") == 1
    assert [line for line in lines if "exact repeat" in line] == [
        '[hsq-shim] ignored trackPageView: exact repeat of the page view sent at load (same '
        'URL, path, title, visitor and identity); data-duplicate-guard="off" sends it']


# -- 6. suppression ----------------------------------------------------------------

def test_limit_to_cookie_domains_with_host_only_cookies_tracks_the_own_domain(page):
    head = ("<script>window._hsq = [['setLimitTrackingToCookieDomains', true], "
            "['addCookieDomain', '.example.com'], ['setCookiesToSubdomain', true]];</script>")
    [view] = open_page(page, html(head)).beacons
    assert view.params["k"] == "1"
    assert cookies(page)["__hstc"]["domain"] == "www.example.com"           # host-only


def test_reset_visitor_after_do_not_track_writes_no_visitor_cookie(page):
    tracking = open_page(page, html())
    assert push(page, tracking, ["doNotTrack"], ["resetVisitor"], ["trackPageView"]) == []
    after = {name: c["value"] for name, c in cookies(page).items()}
    # No new visitor's cookies; the old visitor's are gone (no later beacon echoes them).
    assert not {"__hstc", "hubspotutk", "__hssc"} & set(after)
    assert after["__hs_do_not_track"] == "yes"
