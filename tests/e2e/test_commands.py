"""The full `_hsq` command set in Chromium: beacons, listeners, switches, debug, read-back.

Each test pushes commands the way a page does and checks what a user would see: the
beacons that left (decoded), the listeners called and their arguments, the console,
and the `hsqShim` read-back record.
"""

import pytest

from tests.e2e.support import capture, errors_of, wait_until_ready

pytestmark = pytest.mark.e2e
PAGE = "/tests/e2e/pages/commands.html"


@pytest.fixture
def shim_page(page):
    page.hubspot = capture(page)
    page.errors = errors_of(page)
    page.goto(PAGE)
    wait_until_ready(page)
    return page


def push(page, *entries):
    """Push each entry; returns the beacons that the pushes sent."""
    before = len(page.hubspot.beacons)
    for entry in entries:
        page.evaluate("entry => window._hsq.push(entry)", entry)
    return page.hubspot.wait_for_sent()[before:]


def test_custom_behavioral_event(shim_page):
    [event] = push(shim_page, ["trackCustomBehavioralEvent",
                               {"name": "pe123_signup", "properties": {"plan": "pro", "seats": 3}}])
    assert event.endpoint == "/__ptbe.gif"
    assert event.fields[:3] == [("n", "pe123_signup"), ("_plan", "pro"), ("_seats", "3")]
    assert event.params["a"] == "123" and "k" not in event.params


def test_legacy_event_both_forms(shim_page):
    a, b = push(shim_page, ["trackEvent", {"id": "000001", "value": 20}],
                ["trackEvent", "clicked-buy", {"value": 9.5}])
    assert (a.params["k"], a.params["n"], a.params["m"], a.params["id"]) == ("3", "000001", "20", "000001")
    assert (b.params["n"], b.params["m"]) == ("clicked-buy", "9.5")


def test_page_metadata_and_canonical(shim_page):
    assert shim_page.hubspot.beacons[0].params["rcu"] == "https://www.example.com/canonical-page"
    [view] = push(shim_page, ["setContentType", "blog-post"], ["setPageId", "42"],
                  ["setCanonicalUrl", "https://c.example/x"], ["trackPageView"])
    p = view.params
    assert (p["ct"], p["pi"], p["ccu"]) == ("blog-post", "42", "https://c.example/x")
    assert "rcu" not in p


def test_listeners_called_with_values_and_a_throwing_one_is_isolated(shim_page):
    calls = shim_page.evaluate("window.calls")
    identity = [c for c in calls if c[0] == "identity"]
    assert len(identity) == 1
    _, hstc, hssc, hsfp = identity[0]
    cookies = {c["name"]: c["value"] for c in shim_page.context.cookies()}
    assert hstc == cookies["__hstc"] and hssc == cookies["__hssc"] and hsfp == ""
    assert ["utk", cookies["hubspotutk"]] in calls
    assert ["function", True, "function", cookies["__hstc"]] in calls
    reasons = shim_page.evaluate("hsqShim.ignored.map(i => i.entry + ': ' + i.reason)")
    assert any(r.startswith("identity listener: error:") and "listener bug" in r for r in reasons)
    assert shim_page.errors == []


def test_listeners_added_later_run_at_once_and_on_change(shim_page):
    shim_page.evaluate("""() => {
        _hsq.push(['addPageIdListener', id => calls.push(['page', id])]);
        _hsq.push(['setPageId', 'p-1']);
        _hsq.push(['addContentTypeListener', t => calls.push(['type', t])]);
        _hsq.push(['setContentType', 'landing-page']);
        _hsq.push(['addCookieListener', (a, b) => calls.push(['cookie', typeof a, typeof b])]);
    }""")
    calls = shim_page.evaluate("window.calls")
    assert ["page", "p-1"] in calls and ["type", "landing-page"] in calls
    assert ["cookie", "string", "string"] in calls


def test_reset_visitor(shim_page):
    first = shim_page.hubspot.beacons[0].params["vi"]
    [view] = push(shim_page, ["identify", {"email": "a@b.co"}], ["resetVisitor"], ["trackPageView"])
    assert view.params["rv"] == "1" and view.params["vi"] != first and "i" not in view.params
    utks = [c[1] for c in shim_page.evaluate("window.calls") if c[0] == "utk"]
    assert utks[-1] == view.params["vi"]


def test_set_tracking_enabled_false_sends_nothing_and_says_why(shim_page):
    assert push(shim_page, ["setTrackingEnabled", False], ["trackPageView"]) == []
    last = shim_page.evaluate("hsqShim.ignored[hsqShim.ignored.length - 1]")
    assert last["entry"] == "trackPageView" and "setTrackingEnabled(false)" in last["reason"]


def test_track_click_sends_on_mousedown(shim_page):
    shim_page.dispatch_event("#buy", "mousedown")
    shim_page.dispatch_event(".cta", "mousedown")
    shim_page.hubspot.wait_for_sent()
    legacy, custom = shim_page.hubspot.beacons[1:]
    assert legacy.params["k"] == "3" and legacy.params["n"] == "000000001234"
    assert custom.endpoint == "/__ptbe.gif" and custom.params["n"] == "pe123_cta_clicked"


def test_refresh_page_handlers_binds_new_elements_once(shim_page):
    shim_page.evaluate("""() => {
        const b = document.createElement('button'); b.className = 'cta'; b.id = 'late';
        document.body.appendChild(b);
        _hsq.push(['refreshPageHandlers']); _hsq.push(['refreshPageHandlers']);
    }""")
    shim_page.dispatch_event("#late", "mousedown")
    shim_page.hubspot.wait_for_sent()
    assert [b.params["n"] for b in shim_page.hubspot.beacons[1:]] == ["pe123_cta_clicked"]


def test_prelude_internal_commands_are_accepted(shim_page):
    assert push(shim_page, ["setLegacy", False], ["embedHubSpotScript", "x", "hs-script-loader"]) == []
    assert shim_page.errors == []


def test_push_returns_undefined_like_hubspot(shim_page):
    assert shim_page.evaluate("_hsq.push(['setPath', '/x']) === undefined") is True


def test_read_back_record_holds_decoded_beacons(shim_page):
    record = shim_page.evaluate("hsqShim.beacons[0]")
    assert record["params"]["k"] == "1" and record["url"].startswith("https://track.hubspot.com/")
    assert shim_page.evaluate("typeof hsqShim.version") == "string"


def test_read_back_record_keeps_the_newest_500(shim_page):
    shim_page.evaluate("() => { for (let i = 0; i < 520; i++) _hsq.push(['nope' + i]); }")
    assert shim_page.evaluate("hsqShim.ignored.length") == 500
    assert shim_page.evaluate("hsqShim.ignored[499].entry") == "nope519"


class TestDebugMode:
    def test_hash_turns_on_logging_of_commands_ignored_entries_and_beacons(self, page):
        capture(page)
        lines = []
        page.on("console", lambda m: lines.append(m.text))
        page.goto(PAGE + "#hsdbg")
        wait_until_ready(page)
        page.evaluate("_hsq.push(['nope'])")
        log = [line for line in lines if line.startswith("[hsq-shim]")]
        assert "[hsq-shim] trackPageView array(0)" in log
        assert any(line.startswith("[hsq-shim] beacon /__ptq.gif k=1 ") for line in log)
        assert "[hsq-shim] ignored nope: unknown method" in log
        assert {"name": "hs_dbg", "value": "1"}.items() <= {
            c["name"]: c for c in page.context.cookies()}["hs_dbg"].items()

    def test_cookie_and_set_debug_mode_turn_it_on_and_quiet_otherwise(self, page, base_url):
        capture(page)
        lines = []
        page.on("console", lambda m: lines.append(m.text))
        page.goto(PAGE)
        wait_until_ready(page)
        page.evaluate("_hsq.push(['nope'])")
        assert [line for line in lines if line.startswith("[hsq-shim]")] == []
        page.evaluate("_hsq.push(['setDebugMode', true]); _hsq.push(['nope2'])")
        assert "[hsq-shim] ignored nope2: unknown method" in lines
        page.context.add_cookies([{"name": "hs_dbg", "value": "1", "url": base_url}])
        lines.clear()
        page.reload()
        wait_until_ready(page)
        assert any(line.startswith("[hsq-shim] beacon") for line in lines)


@pytest.mark.parametrize("entries, expect", [
    ([["setContentMetadata", {"contentPageId": 11, "contentGroupId": "g", "abTestId": 3}],
      ["setTargetedContentMetadata", [[1, 2, 3], ["a", "b", "c"]]], ["trackPageView"]],
     {"cpi": "11", "cgi": "g", "abi": "3", "tc": "a-b-c"}),
    ([["trackFormView", "form-1"]], {"k": "15", "fi": "form-1"}),
    ([["trackFormInstall", "form-1"]], {"k": "16", "fi": "form-1"}),
    ([["trackFormVisible", "form-1"]], {"k": "17", "fi": "form-1"}),
    ([["trackFormInteraction", "form-1"]], {"k": "18", "fi": "form-1"}),
    ([["trackFormCompletion", "form-1"]], {"k": "19", "fi": "form-1"}),
    ([["trackCtaView", "cta-9"]], {"k": "12", "aij": '["cta-9",""]', "rfc": "8"}),
    ([["trackFeedbackView", {"surveyType": "CSAT", "surveyId": "survey-2"}]],
     {"k": "26", "st": "CSAT", "si": "survey-2"}),
    ([["trackApproveCookieConsent"]], {"k": "28"}),
    ([["trackDeclineCookieConsent"]], {"k": "29"}),
    ([["trackRevokeCookieConsent"]], {"k": "30"}),
    ([["trackConversion", {"id": "conv-1", "value": 2.5}]], {"k": "3", "n": "conv-1", "m": "2.5"}),
    ([["resetVisitorIdentity"], ["trackPageView"]], {"rv": "1"}),
])
def test_every_other_beacon_command(shim_page, entries, expect):
    """The remaining commands of the README table, one beacon each (the last one pushed)."""
    sent = push(shim_page, *entries)
    assert sent, entries
    last = sent[-1]
    assert {k: last.params.get(k) for k in expect} == expect
    assert [v for k, v in last.fields if k == "tc"][-1:] == ([expect["tc"]] if "tc" in expect else [])
    assert shim_page.errors == []


def test_limit_tracking_to_cookie_domains_on_a_foreign_host(shim_page):
    """The page is on 127.0.0.1; with .example.com as the only cookie domain nothing goes."""
    assert push(shim_page, ["addCookieDomain", ".example.com"],
                ["setLimitTrackingToCookieDomains", True], ["trackPageView"]) == []


def test_content_metadata_listener(shim_page):
    shim_page.evaluate("""() => {
        _hsq.push(['addContentMetadataListener', m => calls.push(['meta', m.contentGroupId])]);
        _hsq.push(['setContentMetadata', {contentGroupId: 'g7'}]);
    }""")
    assert ["meta", "g7"] in shim_page.evaluate("window.calls")


def test_every_command_with_odd_arguments_stays_inside_the_trimmed_runtime(shim_page):
    """Each known command pushed with arguments of every JS kind: whatever the shim does
    with them, no code path may reach a runtime function the build cut (README,
    Performance: the trimmed runtime keeps what the browser suite runs)."""
    names = shim_page.evaluate("""() => {
        const names = ['setPortalId','setPath','trackPageView','identify','setTrackingDomain',
          'setDebugMode','addCookieDomain','setCookiesToSubdomain','enableSecureCookie',
          'trackCustomBehavioralEvent','trackEvent','trackConversion','setContentType',
          'setCanonicalUrl','setPageId','setContentMetadata','setTargetedContentMetadata',
          'addIdentityListener','addCookieListener','addUserTokenListener','addPageIdListener',
          'addContentTypeListener','addContentMetadataListener','refreshPageHandlers',
          'resetVisitor','resetVisitorIdentity','setTrackingEnabled',
          'setLimitTrackingToCookieDomains','trackClick','trackFormView','trackCtaView',
          'trackFeedbackView','trackApproveCookieConsent','doNotTrack',
          'addPrivacyConsentListener','revokeCookieConsent','setLegacy','embedHubSpotScript'];
        const odd = [undefined, null, true, 0, -1.5, 1e21, NaN, Infinity, '', '-', 'x',
          'é€😀', '\\ud800', '1'.repeat(2000), [], [1, 'a', null], {}, {id: 'e', value: 1.25,
          name: 'n', properties: {p: 1.5, q: null, r: [1, 2]}, email: 'a@b.co', track: true},
          () => 1, new Date(0), /re/, Symbol('s'), 10n, Object.create(null)];
        window.cuts = [];
        const check = (what) => {       // the record keeps 500 items: look after each push
          for (const i of hsqShim.ignored.slice(-4)) {
            if (i.reason.indexOf('cut from this bundle') >= 0) cuts.push(what + ': ' + i.reason);
          }
        };
        for (const name of names) {
          for (const a of odd) {
            _hsq.push([name, a]); check(name);
            _hsq.push([name, a, a]); check(name);
          }
        }
        for (const name of ['setHubSpotConsent', 'addPrivacySettingsListener', 'showBanner',
                            'nope', 'addPrivacyConsentListener']) {
          for (const a of odd) { _hsp.push([name, a]); check('_hsp ' + name); }
        }
        _hsq.push(['doNotTrack', {track: true}]);
        return names.length;
    }""")
    assert names == 38
    assert shim_page.evaluate("window.cuts") == []
    assert shim_page.errors == []
