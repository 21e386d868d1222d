"""The one-script-tag path, end to end in Chromium through static/hsq-shim.js.

Checks: the pre-load queue runs in HubSpot's order and rides on exactly one automatic
page view; `_hsq` stays the same Array with its own immediate `push`; the page works
under a CSP without 'unsafe-eval'; bad entries never throw into the page nor stop
the commands after them; late and double inclusion; portal id from the file name
and a local collector URL.
"""

import pytest

from shim.core.codec import encode_query
from tests.conftest import ROOT
from tests.e2e.support import capture, errors_of, wait_until_ready

pytestmark = pytest.mark.e2e
QUEUE_PAGE = "/tests/e2e/pages/queue.html"


def settle(page, ms=300):
    """Give a stray second beacon the time to show up before counting."""
    page.wait_for_timeout(ms)


class TestFirstPageView:
    def test_queued_commands_ride_on_exactly_one_page_view(self, page, base_url):
        hubspot = capture(page)
        errors = errors_of(page)
        page.goto(QUEUE_PAGE)
        wait_until_ready(page)
        settle(page)
        assert len(hubspot.beacons) == 1, hubspot.beacons
        [view] = hubspot.beacons
        assert view.host == "track.hubspot.com" and view.endpoint == "/__ptq.gif"
        assert view.url_raw.startswith("https://track.hubspot.com/__ptq.gif?k=1&")
        p = view.params
        assert p["k"] == "1" and p["a"] == "123" and p["po"] == "/pre?x=1"
        assert p["pu"] == base_url + QUEUE_PAGE and p["t"] == "Queue before load"
        assert p["i"] == "email=a%40b.co"
        assert "&i=email%3Da%2540b.co&" in view.url_raw          # double-encoded, as HubSpot
        assert len(p["vi"]) == 32 and p["nc"] == "true" and p["v"] == "1.1"
        assert errors == []

    def test_beacon_parameters_come_in_hubspots_order(self, page):
        hubspot = capture(page)
        page.goto(QUEUE_PAGE)
        wait_until_ready(page)
        keys = [k for k, _ in hubspot.beacons[0].fields]
        assert keys == ["k", "sd", "cd", "cs", "ln", "v", "a", "po", "pu", "t", "cts", "i",
                        "vi", "nc", "u", "b", "cc"]

    def test_the_same_url_as_the_core_builds(self, page):
        """The browser's encoder (native encodeURIComponent) matches the core's twin."""
        hubspot = capture(page)
        page.goto(QUEUE_PAGE)
        wait_until_ready(page)
        view = hubspot.beacons[0]
        query = view.url_raw.split("?", 1)[1]
        assert query == encode_query(view.fields)


class TestPushAfterLoad:
    def test_hsq_stays_the_same_array_with_its_own_push(self, page):
        capture(page)
        page.goto(QUEUE_PAGE)
        wait_until_ready(page)
        assert page.evaluate("""() => [
            window._hsq === window.queueBeforeLoad,
            Array.isArray(window._hsq),
            window._hsq.push !== Array.prototype.push,
            window._hsq.length]""") == [True, True, True, 0]

    def test_push_runs_at_once_and_returns_the_methods_result(self, page):
        hubspot = capture(page)
        page.goto(QUEUE_PAGE)
        wait_until_ready(page)
        results = page.evaluate("""() => {
            const r1 = _hsq.push(['setPath', '/b']);
            const r2 = _hsq.push(['trackPageView']);
            return [r1 === undefined, r2 === undefined, hsqShim.beacons.length, _hsq.length];
        }""")
        assert results == [True, True, 2, 0]          # sent synchronously, queue stays empty
        beacons = hubspot.wait_for_sent()
        assert len(beacons) == 2
        assert beacons[1].params["po"] == "/b" and beacons[1].params["rpo"] == "/pre?x=1"

    def test_a_detached_push_still_works(self, page):
        hubspot = capture(page)
        page.goto(QUEUE_PAGE)
        wait_until_ready(page)
        page.evaluate("() => { const p = _hsq.push; p(['setPath', '/d']); p(['trackPageView']); }")
        assert [b.params["po"] for b in hubspot.wait_for_sent()] == ["/pre?x=1", "/d"]


class TestStrictCsp:
    def test_works_without_unsafe_eval(self, page, base_url):
        page.add_init_script("""
            window.cspViolations = [];
            document.addEventListener('securitypolicyviolation',
                e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
        """)
        hubspot = capture(page)
        errors = errors_of(page)
        response = page.goto(QUEUE_PAGE + "?csp=strict")
        assert response.headers["content-security-policy"] == "script-src 'self'"
        wait_until_ready(page)
        settle(page)
        assert page.evaluate("window.cspViolations") == []
        assert errors == []
        assert [b.params["po"] for b in hubspot.beacons] == ["/pre?x=1"]
        assert page.evaluate("typeof $B") == "undefined"      # no global leaked


class TestBadInput:
    def test_bad_entries_neither_throw_nor_stop_the_rest(self, page):
        hubspot = capture(page)
        errors = errors_of(page)
        page.goto("/tests/e2e/pages/bad-input.html")
        wait_until_ready(page)
        page.evaluate("""() => {
            _hsq.push(undefined); _hsq.push(42); _hsq.push(['setPath']);
            _hsq.push(['setPath', '/after']);
            _hsq.push(['trackPageView', {extra: true}], ['ignoredSecond']);
        }""")
        settle(page)
        assert errors == []
        beacons = hubspot.beacons
        assert [b.params["po"] for b in beacons] == ["/valid", "/after"]
        assert beacons[0].params["i"] == "email=ok%40example.com&constructor=x"
        reasons = page.evaluate("hsqShim.ignored.map(i => i.entry + ': ' + i.reason)")
        assert reasons == [
            "'trackPageView': not an array or a function",
            "noSuchMethod: unknown method",
            "null: not an array or a function",
            "[]: empty array: no method name",
            "array(1): the method name 42 is not a string",
            "setPath: argument 1 must be a string path, got object(1 keys)",
            "identify: argument 1 must be an object, got 'not-an-object'",
            "object(2 keys): not an array or a function",
            "null: not an array or a function",
            "42: not an array or a function",
            "setPath: argument 1 must be a string path, got nothing",
            "push argument 2: push runs only its first argument, as HubSpot's does",
        ]
        assert page.evaluate("({}).polluted") is None

    def test_a_function_is_what_typeof_calls_a_function(self, page):
        """Q8: a pushed function is called as fn(tracker, hstc), an async one and a Proxy
        of one too; a generator function is a function (its body runs only when iterated);
        an object that only calls itself a function (Symbol.toStringTag) is an object."""
        capture(page)
        errors = errors_of(page)
        page.goto("/tests/e2e/pages/bad-input.html")
        wait_until_ready(page)
        before = page.evaluate("hsqShim.ignored.length")
        page.evaluate("""() => {
            window.called = [];
            _hsq.push(async function (tracker) { called.push('async ' + typeof tracker); });
            _hsq.push(new Proxy(function () {}, {apply: () => { called.push('proxy'); }}));
            _hsq.push(function* () { called.push('generator body'); });
            _hsq.push({[Symbol.toStringTag]: 'Function'});
        }""")
        settle(page)
        assert page.evaluate("called") == ["async object", "proxy"]
        reasons = page.evaluate("hsqShim.ignored.slice(%d).map(i => i.entry + ': ' + i.reason)" % before)
        assert reasons == ["object(0 keys): not an array or a function"]
        assert errors == []


class TestInclusion:
    def test_loaded_after_load_and_twice_gives_one_page_view(self, page):
        hubspot = capture(page)
        errors = errors_of(page)
        page.goto("/tests/e2e/pages/late.html")
        wait_until_ready(page)
        settle(page, 500)
        assert [b.params["a"] for b in hubspot.beacons] == ["77"]
        page.evaluate("_hsq.push(['setPath', '/next']); _hsq.push(['trackPageView'])")
        settle(page, 200)
        assert len(hubspot.beacons) == 2 and errors == []

    def test_portal_id_from_the_file_name_and_a_local_collector(self, page):
        page.route("**/555.js", lambda route: route.fulfill(
            path=str(ROOT / "static" / "hsq-shim.js"), content_type="application/javascript"))
        hubspot = capture(page)
        page.goto("/tests/e2e/pages/embed.html")
        wait_until_ready(page)
        [view] = hubspot.beacons
        assert view.url_raw.startswith("http://127.0.0.1:1/collect/__ptq.gif?k=1&")
        assert view.params["a"] == "555"
