"""The pytest plugin end to end: pages carrying HubSpot's real embed code, the `hubspot`
fixture from the package's entry point, Chromium, nothing sent to HubSpot.

Checks: the loader URL forms (http and https, regional with a query string, the
analytics file) run the shim with the portal id of the file name; an eu1 loader beacons
to track-eu1; HubSpot's other scripts and hosts are blocked; beacons decode into readable
fields; identify, events, exact counts, no-beacon, clear; failure messages; the state
helpers (consent, do-not-track, GPC cookies and init scripts); attaching to a context;
wait_for_sent; the duplicate guard off by default, kept on request; the async API
(AsyncHubSpotTracking via the `hubspot_async` fixture).
"""

import asyncio
import re
import threading

import pytest

from shim.testing.assertions import HubSpotTracking

pytestmark = pytest.mark.e2e
PAGES = "/tests/e2e/pages/"
EMBED = PAGES + "hubspot-embed.html"
EMBED_EU = PAGES + "hubspot-embed-eu.html"
EMBED_FULL = PAGES + "hubspot-embed-full.html"


def cookies_of(page):
    return page.evaluate("document.cookie")


class TestEmbedCode:
    def test_the_real_embed_code_runs_the_shim(self, page, hubspot, base_url):
        page.goto(EMBED)
        view = hubspot.expect_page_view(path=EMBED, url=base_url + EMBED, portal=123,
                                        title="Pricing | Example Inc.")
        assert hubspot.scripts == ["http://js.hs-scripts.com/123.js"]        # //… on http
        assert (view.host, view.endpoint) == ("track.hubspot.com", "/__ptq.gif")
        assert re.fullmatch("[0-9a-f]{32}", view.visitor) and view.new_visitor
        assert view.consent == 15 and view.consent_allowed and view.identity is None
        assert view.url_raw.startswith("https://track.hubspot.com/__ptq.gif?k=1&")
        hubspot.expect_page_views(1, within_ms=300)

        page.evaluate("""() => {
            _hsq.push(['identify', {email: 'ada@example.com', plan: 'pro'}]);
            _hsq.push(['setPath', '/pricing?plan=pro']);
            _hsq.push(['trackPageView']);
        }""")
        second = hubspot.expect_identify(email="ada@example.com", plan="pro")
        assert second.path == "/pricing?plan=pro" and second.kind == "page view"
        assert hubspot.expect_page_view(path="/pricing?plan=pro") is second
        assert hubspot.page_views == hubspot.beacons == [view, second]

        with pytest.raises(AssertionError) as failure:
            hubspot.expect_page_view(path="/about", timeout=200)
        lines = str(failure.value).splitlines()
        assert lines[0] == ("Expected a page view with path='/about' within 200 ms, "
                            "but none of the beacons matched.")
        assert lines[1] == "Beacons received (2):"
        assert lines[2].startswith("  1. page view    portal=123 path='%s' url='%s'"
                                   % (EMBED, base_url + EMBED))
        assert lines[3].startswith("  2. page view    portal=123 path='/pricing?plan=pro'")
        assert "identity={'email': 'ada@example.com', 'plan': 'pro'}" in lines[3]

        hubspot.clear()
        hubspot.expect_no_beacon(within_ms=300)
        assert hubspot.beacons == []

    def test_an_eu_embed_with_a_query_string_beacons_to_the_eu_host(self, page, hubspot):
        page.goto(EMBED_EU)
        view = hubspot.expect_page_view(portal="4567", title="Kontakt | Beispiel GmbH")
        assert view.host == "track-eu1.hubspot.com"
        assert hubspot.scripts == ["https://js-eu1.hs-scripts.com/4567.js?businessUnitId=0"]

    def test_what_the_loader_injects_is_blocked_and_events_are_captured(self, page, hubspot):
        page.goto(EMBED_FULL)
        view = hubspot.expect_identify(email="visitor@example.com", firstname="Jo")
        assert view.portal == "890" and view.kind == "page view"
        assert hubspot.scripts == ["https://js.hs-analytics.net/analytics/1700000000000/890.js"]
        assert sorted(hubspot.blocked) == [
            "https://js.hs-banner.com/v2/890/banner.js",
            "https://js.hsadspixel.net/fb.js",
            "https://js.hscollectedforms.net/collectedforms.js",
            "https://js.hsforms.net/forms/embed/v2.js",
            "https://js.usemessages.com/conversations-embed.js"]
        page.click("#signup")
        event = hubspot.expect_event("pe890_signup", {"plan": "pro plan", "seats": 5})
        assert event.kind == "custom event" and event.properties == {"plan": "pro plan", "seats": "5"}
        assert hubspot.events == [event]
        for _ in range(40):
            if any("forms.hubspot.com" in u for u in hubspot.blocked):
                break
            page.wait_for_timeout(50)
        assert "https://forms.hubspot.com/uploads/form/v2/890/abc" in hubspot.blocked


class TestStateBeforeLoad:
    def test_consent_do_not_track_and_gpc(self, page, hubspot, base_url):
        hubspot.set_consent(analytics=True, advertisement=False, functionality=True)
        hubspot.do_not_track()
        hubspot.global_privacy_control(True)
        page.goto(EMBED)
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["__hs_cookie_cat_pref"]["value"] == "1:true_2:false_3:true"
        assert cookies["__hs_cookie_cat_pref"]["path"] == "/"
        assert cookies["__hs_do_not_track"]["value"] == "yes"
        assert cookies["__hs_do_not_track"]["domain"] == "127.0.0.1"
        assert "__hs_cookie_cat_pref=1:true_2:false_3:true" in cookies_of(page)
        assert page.evaluate("navigator.globalPrivacyControl") is True
        hubspot.expect_no_beacon(within_ms=500)     # the shim honours __hs_do_not_track=yes
        assert hubspot.scripts == ["http://js.hs-scripts.com/123.js"]

    def test_attach_to_a_context_before_any_page_exists(self, browser, base_url):
        context = browser.new_context(base_url=base_url)
        try:
            tracking = HubSpotTracking()            # no base URL known: init scripts only
            tracking.set_consent(analytics=False, advertisement=False, functionality=False)
            tracking.global_privacy_control(False)
            tracking.attach(context)
            page = context.new_page()
            page.goto(EMBED_EU)
            tracking.expect_page_view(portal=4567)
            assert "__hs_cookie_cat_pref=1:false_2:false_3:false" in cookies_of(page)
            assert page.evaluate("navigator.globalPrivacyControl") is False
            # The page's own later change stands: the helper writes once per origin and tab.
            page.evaluate("document.cookie = '__hs_cookie_cat_pref=1:true_2:true_3:true; path=/'")
            page.reload()
            assert "__hs_cookie_cat_pref=1:true_2:true_3:true" in cookies_of(page)
            tracking.wait_for_sent()                # the reloaded page's shim has run
            tracking.expect_page_views(2, within_ms=300)
        finally:
            context.close()


class TestReadingAndTheGuard:
    def test_wait_for_sent_returns_every_beacon_the_shim_sent(self, page, hubspot):
        page.goto(PAGES + "queue.html")
        [view] = hubspot.wait_for_sent()            # the shim started, its one view is in
        assert view.path == "/pre?x=1"
        page.evaluate("_hsq.push(['setPath', '/a']); _hsq.push(['trackPageView']);"
                      "_hsq.push(['trackEvent', 'e-1'])")
        beacons = hubspot.wait_for_sent()           # no expectation: read them as they are
        assert [(b.kind, b.path) for b in beacons] == [
            ("page view", "/pre?x=1"), ("page view", "/a"), ("legacy event", "/a")]
        assert beacons == hubspot.beacons
        page.route("**/__pt*.gif*", lambda route: route.fulfill(status=204))   # not ours now
        page.evaluate("_hsq.push(['trackPageView'])")
        with pytest.raises(AssertionError, match=r"The shim sent 1 beacon\(s\) not captured "
                                                 r"within 300 ms: https://track\.hubspot\.com/"):
            hubspot.wait_for_sent(timeout=300)

    def test_wait_for_sent_on_a_page_without_the_shim_says_so(self, page, hubspot, base_url):
        page.goto(PAGES + "router-initial.js")      # a script file: no shim runs
        with pytest.raises(AssertionError, match=r"(?s)The shim did not start within 200 ms "
                                                 r"\(window.hsqShim.ready\) in .*router-initial"
                                                 r"\.js\.\nBeacons received: none\."):
            hubspot.wait_for_sent(timeout=200)

    def test_the_fixture_counts_like_hubspot_and_can_keep_the_guard(self, page, hubspot):
        """A router that tracks its initial route: HubSpot counts two views, the shim's
        duplicate guard one."""
        page.goto(PAGES + "router-initial.html")
        hubspot.wait_for_sent()                     # both are queued before load
        hubspot.expect_page_views(2, within_ms=300)
        guarded = HubSpotTracking(duplicate_guard=True)
        other = page.context.new_page()
        guarded.attach(other)
        other.goto(PAGES + "router-initial.html")
        guarded.wait_for_sent()
        guarded.expect_page_views(1, within_ms=300)
        assert other.evaluate("hsqShim.duplicates") == 1


def test_the_async_api(hubspot_async, browser_type_launch_args, base_url):
    """AsyncHubSpotTracking on playwright.async_api, in its own thread and event loop
    (the sync API's loop owns this one); no pytest-asyncio needed."""
    from playwright.async_api import async_playwright

    async def scenario():
        async with async_playwright() as p:
            browser = await p.chromium.launch(**browser_type_launch_args)
            try:
                page = await browser.new_page(base_url=base_url)
                tracking = await hubspot_async.attach(page)
                await tracking.set_consent(advertisement=False)
                await page.goto(PAGES + "queue.html")          # a pre-load queue + the shim
                view = await tracking.expect_page_view(path="/pre?x=1", portal=123)
                assert view.identity == {"email": "a@b.co"}
                await tracking.expect_identify(email="a@b.co")
                await tracking.expect_page_views(1, within_ms=300)
                assert await tracking.wait_for_sent() == [view]
                with pytest.raises(AssertionError, match=r"(?s)Beacons received \(1\):\n"
                                                         r"  1\. page view +portal=123 path='/pre\?x=1'"):
                    await tracking.expect_event("nope", timeout=200)
                tracking.clear()
                await page.evaluate("_hsq.push(['setPath', '/next']); _hsq.push(['trackPageView'])")
                with pytest.raises(AssertionError, match="Expected no beacon within 500 ms, got 1"):
                    await tracking.expect_no_beacon(within_ms=500)
                assert "__hs_cookie_cat_pref=1:true_2:false_3:true" in await page.evaluate(
                    "document.cookie")
            finally:
                await browser.close()

    errors = []

    def run():
        try:
            asyncio.run(scenario())
        except BaseException as error:               # handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]
    assert not thread.is_alive()
