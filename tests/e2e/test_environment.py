"""Nothing in the environment stops the shim (issue #13), in Chromium.

Each test changes one thing in every document with an init script (before any page
script runs), loads tests/e2e/pages/environment.html in debug mode (#hsdbg) and asserts
what a visitor's page would give: the normal page view, or a clean degradation recorded
in hsqShim.ignored with its reason and logged as a `[hsq-shim] ignored ...` line; never
an uncaught error, never a console error, never silence.
"""

import re

import pytest

from tests.e2e.support import capture, errors_of, wait_until_ready

pytestmark = pytest.mark.e2e
PAGE = "/tests/e2e/pages/environment.html"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def load(page, init_script, query=""):
    """The page under `init_script`; returns (its HubSpotTracking, debug lines, errors)."""
    page.add_init_script(init_script)
    errors = errors_of(page)
    lines = []
    page.on("console", lambda m: m.text.startswith("[hsq-shim]") and lines.append(m.text))
    beacons = capture(page)
    page.goto(PAGE + query + "#hsdbg")
    wait_until_ready(page)
    return beacons, lines, errors


def ignored(page):
    return page.evaluate("() => hsqShim.ignored.map(i => i.entry + ': ' + i.reason)")


def page_views(tracking):
    return [b for b in tracking.beacons if b.endpoint == "/__ptq.gif" and b.params.get("k") == "1"]


def assert_degraded(page, lines, entry, words):
    """One recorded reason for `entry` that says `words`, and its debug line."""
    reasons = [r for r in ignored(page) if r.startswith(entry + ": ")]
    assert len(reasons) == 1 and words in reasons[0], ignored(page)
    assert "[hsq-shim] ignored " + reasons[0] in lines, lines


class TestLocale:
    """navigator.language and Intl: the runtime no longer formats dates at start-up"""

    def test_invalid_language_tag(self, page):
        """WebKitGTK under a POSIX locale reports 'C' (an invalid BCP 47 tag)."""
        beacons, lines, errors = load(page, """
            Object.defineProperty(Navigator.prototype, 'language', {get: () => 'C'});""")
        [view] = page_views(beacons)
        assert view.params["ln"] == "c" and errors == [] and ignored(page) == []

    def test_missing_language(self, page):
        beacons, lines, errors = load(page, """
            Object.defineProperty(Navigator.prototype, 'language', {get: () => undefined});""")
        [view] = page_views(beacons)
        assert "ln" not in view.params and errors == [] and ignored(page) == []

    def test_missing_intl(self, page):
        beacons, lines, errors = load(page, "delete window.Intl;")
        assert len(page_views(beacons)) == 1 and errors == [] and ignored(page) == []
        assert page.evaluate("() => typeof Intl") == "undefined"


class TestMissingApis:
    """Browser APIs the shim uses, removed: a fallback, recorded where it changes anything"""

    def test_no_crypto_random_values(self, page):
        """Visitor tokens come from Math.random instead; the degradation is recorded."""
        beacons, lines, errors = load(page, "delete Crypto.prototype.getRandomValues;")
        [view] = page_views(beacons)
        assert errors == [] and TOKEN.match(view.params["vi"])
        assert TOKEN.match(page.evaluate(
            "() => document.cookie.match(/hubspotutk=([^;]*)/)[1]"))
        assert_degraded(page, lines, "crypto.getRandomValues", "Math.random")

    def test_no_fetch_falls_back_to_an_image(self, page):
        beacons, lines, errors = load(page, "delete window.fetch;")
        page.evaluate("() => _hsq.push(['trackCustomBehavioralEvent', {name: 'pe123_env'}])")
        beacons.wait_for_sent()
        assert [b.endpoint for b in beacons.beacons] == ["/__ptq.gif", "/__ptbe.gif"] and errors == []
        assert page.evaluate("() => typeof fetch") == "undefined"

    def test_no_message_channel(self, page):
        """The staged start-up schedules its steps with timers instead."""
        beacons, lines, errors = load(page, "delete window.MessageChannel;")
        assert len(page_views(beacons)) == 1 and errors == [] and ignored(page) == []


class TestRefusals:
    """The page or the browser refuses something: the rest still works"""

    def test_document_cookie_throws(self, page):
        """As in a sandboxed iframe without allow-same-origin: reading and writing
        document.cookie throw SecurityError. Beacons go out; no cookie is kept."""
        beacons, lines, errors = load(page, """
            Object.defineProperty(Document.prototype, 'cookie', {
                get() { throw new DOMException('The document is sandboxed', 'SecurityError'); },
                set(v) { throw new DOMException('The document is sandboxed', 'SecurityError'); },
                configurable: true});""")
        [view] = page_views(beacons)
        assert TOKEN.match(view.params["vi"]) and errors == []
        page.evaluate("() => _hsq.push(['trackPageView'])")
        beacons.wait_for_sent()
        assert len(page_views(beacons)) == 2
        assert_degraded(page, lines, "document.cookie", "The document is sandboxed")

    def test_push_state_throwing_reaches_the_page(self, page, base_url):
        """History mode wraps pushState: the page's own exception still reaches the page
        (the same DOMException), and a navigation that failed is no page view."""
        beacons, lines, errors = load(page, """
            window.hsqShimConfig = {trackHistory: true};
            const original = History.prototype.pushState;
            History.prototype.pushState = function (state, title, url) {
                if (String(url).includes('blocked')) {
                    throw new DOMException('pushState refused', 'SecurityError');
                }
                return original.call(this, state, title, url);
            };""")
        caught = page.evaluate("""() => {
            try { history.pushState({}, '', '/blocked'); return 'nothing thrown'; }
            catch (e) { return [e instanceof DOMException, e.name, e.message].join(' '); }
        }""")
        assert caught == "true SecurityError pushState refused"
        page.evaluate("() => history.pushState({}, '', '/allowed')")
        page.wait_for_timeout(60)
        beacons.wait_for_sent()
        assert [v.params.get("po") for v in page_views(beacons)] == [None, "/allowed"]
        assert errors == []
        assert_degraded(page, lines, "history", "pushState refused")

    def test_frozen_queue(self, page):
        """A frozen `_hsq` Array: its entries run, and a new Array takes its place."""
        beacons, lines, errors = load(page, """
            window._hsq = Object.freeze([['setPath', '/frozen']]);""")
        [view] = page_views(beacons)
        assert view.params["po"] == "/frozen" and errors == []
        assert page.evaluate("() => Object.isFrozen(window._hsq)") is False
        page.evaluate("() => _hsq.push(['trackPageView'])")
        beacons.wait_for_sent()
        assert len(page_views(beacons)) == 2
        assert_degraded(page, lines, "_hsq", "frozen")
