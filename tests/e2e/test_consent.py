"""Consent, `_hsp`, revocation, doNotTrack and GPC in Chromium (spec §4, §6; D5, D8).

Each page is the same small document with the shim's script tag; the tag's
data-consent-policy / data-honor-gpc attributes vary per test (the route below
builds it). The duplicate guard is off: tests re-track the same URL right after a
consent change on purpose. Checks beacons (ce, cc, u, b), stored cookies and listener calls.
"""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.support import capture, errors_of, wait_until_ready

pytestmark = pytest.mark.e2e
PREF = "__hs_cookie_cat_pref"
VISITOR = {"__hstc", "hubspotutk", "__hssc", "__hssrc"}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Consent</title>
<script src="/tests/e2e/pages/consent-listeners.js"></script>
<script async src="/static/hsq-shim.js" data-portal-id="123" data-duplicate-guard="off" {attrs}></script>
</head><body><h1>Consent</h1></body></html>"""


@pytest.fixture
def open_page(page, base_url):
    """open_page(policy=None, gpc=False) -> beacons; serves /consent-page with that tag."""
    def handle(route):
        query = parse_qs(urlparse(route.request.url).query)
        attrs = ""
        if "policy" in query:
            attrs += 'data-consent-policy="%s" ' % query["policy"][0]
        if "gpc" in query:
            attrs += "data-honor-gpc"
        route.fulfill(status=200, content_type="text/html", body=PAGE.format(attrs=attrs))

    page.route("**/consent-page*", handle)
    page.hubspot = capture(page)
    page.errors = errors_of(page)

    def open_(policy=None, gpc=False, extra=""):
        query = []
        if policy:
            query.append("policy=" + policy)
        if gpc:
            query.append("gpc=1")
        before = len(page.hubspot.beacons)
        page.goto(base_url + "/consent-page?" + "&".join(query) + extra)
        wait_until_ready(page)
        return page.hubspot.wait_for_sent()[before:]
    return open_


def stored(page):
    return {c["name"]: c["value"] for c in page.context.cookies()}


def set_pref(page, base_url, value):
    page.context.add_cookies([{"name": PREF, "value": value, "url": base_url}])


@pytest.mark.parametrize("policy, pref, ce, cc, cookies_written", [
    (None, None, None, "15", True),
    ("COOKIES_WITHOUT_BANNER", None, None, "15", True),
    ("NOTIFY", None, None, "15", True),
    ("OPT_OUT", None, None, "15", True),
    ("OPT_OUT", "1:false_2:false_3:false", "false", "1", False),
    ("OPT_OUT_BY_CATEGORY", "1:true,2:false,3:true", None, "11", True),  # analytics: consent
    ("OPT_IN", None, "false", "0", False),                  # undecided: no consent info
    ("OPT_IN", "1:true_2:true_3:true", None, "15", True),
    ("COOKIES_BY_CATEGORY", None, "false", "0", False),
    ("COOKIES_BY_CATEGORY", "1:true_2:false_3:false", None, "3", True),
    ("NO_COOKIES", "1:true_2:true_3:true", "false", "1", False),
])
def test_policy_decides_cookies_and_beacon_consent(page, base_url, open_page, policy, pref, ce,
                                                   cc, cookies_written):
    if pref:
        set_pref(page, base_url, pref)
    [view] = open_page(policy)
    assert view.params.get("ce") == ce and view.params["cc"] == cc
    assert (VISITOR <= set(stored(page))) is cookies_written
    assert ("u" in view.params) is cookies_written
    calls = page.evaluate("consentCalls")
    if cc == "0":                           # undecided: the listeners wait for a decision
        assert calls == [] and page.errors == []
        return
    assert len(calls) == 1 and calls[0]["allowed"] is (cc == "15")     # every category
    assert page.evaluate("secondSaw") == [cc == "15"]         # a fresh copy per listener
    assert set(calls[0]["categories"]) == {"necessary", "analytics", "advertisement", "functionality"}
    assert page.errors == []


def test_a_consent_manager_grants_later_with_set_hub_spot_consent(page, open_page):
    [view] = open_page("OPT_IN")
    assert view.params["ce"] == "false" and not VISITOR & set(stored(page))
    result = page.evaluate("""_hsp.push(['setHubSpotConsent',
        {analytics: true, advertisement: true, functionality: true}])""")
    assert result is None                               # undefined: accepted
    assert VISITOR <= set(stored(page))
    page.evaluate("_hsq.push(['trackPageView'])")
    last = page.hubspot.wait_for_sent()[-1].params
    assert last["cc"] == "15" and "ce" not in last and last["u"] == stored(page)["__hstc"]
    calls = page.evaluate("consentCalls")
    assert [c["allowed"] for c in calls] == [True]      # none before the decision
    assert calls[0]["previousCategories"]["analytics"] is False


def test_withdrawal_deletes_visitor_cookies_and_starts_anonymous(page, open_page):
    [view] = open_page()
    page.evaluate("_hsp.push(['setHubSpotConsent', {analytics: false}])")
    assert not VISITOR & set(stored(page))
    page.evaluate("_hsq.push(['trackPageView'])")
    last = page.hubspot.wait_for_sent()[-1].params
    assert last["ce"] == "false" and last["rv"] == "1" and last["vi"] != view.params["vi"]


@pytest.mark.parametrize("queue", ["_hsp", "_hsq"])
def test_revoke_cookie_consent_on_either_queue(page, base_url, open_page, queue):
    set_pref(page, base_url, "1:true_2:true_3:true")
    page.context.add_cookies([{"name": "messagesUtk", "value": "x", "url": base_url}])
    open_page("OPT_IN")
    assert VISITOR <= set(stored(page))
    page.evaluate("%s.push(['revokeCookieConsent'])" % queue)
    k30 = page.hubspot.wait_for_sent()[-1].params
    assert not (VISITOR | {PREF, "messagesUtk"}) & set(stored(page))
    assert k30["k"] == "30" and "u" not in k30
    assert [c["allowed"] for c in page.evaluate("consentCalls")] == [True, False]
    # The revocation is not persisted: the next load is a new visitor under the policy.
    [view] = open_page("OPT_IN")
    assert view.params["ce"] == "false"


def test_do_not_track_across_reloads(page, open_page):
    [view] = open_page()
    page.evaluate("_hsq.push(['doNotTrack'])")
    assert stored(page)["__hs_do_not_track"] == "yes"
    page.evaluate("_hsq.push(['trackPageView']); _hsq.push(['trackCustomBehavioralEvent', {name: 'e'}])")
    assert len(page.hubspot.wait_for_sent()) == 1
    assert open_page() == []                            # reload: not even the automatic view
    page.evaluate("_hsq.push(['doNotTrack', {track: true}])")
    assert "__hs_do_not_track" not in stored(page)
    assert len(open_page()) == 1


def test_do_not_track_false_still_opts_out_as_hubspot_does(page, open_page):
    open_page()
    page.evaluate("_hsq.push(['doNotTrack', false])")
    assert stored(page)["__hs_do_not_track"] == "yes"


@pytest.mark.parametrize("signal, honoured, expect_cc", [
    (True, True, "1"), (True, False, "15"), (False, True, "15")])
def test_gpc_only_with_data_honor_gpc(page, open_page, signal, honoured, expect_cc):
    page.add_init_script("Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => %s})"
                         % ("true" if signal else "false"))
    [view] = open_page("OPT_OUT", gpc=honoured)
    assert view.params["cc"] == expect_cc
    assert (VISITOR <= set(stored(page))) is (expect_cc == "15")


def test_gpc_test_hook_query_parameter(page, open_page):
    [view] = open_page("OPT_OUT", gpc=True, extra="&_hsGpcSignal=true")
    assert view.params["cc"] == "1"


def test_hsp_push_returns_false_for_unknown_entries(page, open_page):
    open_page()
    assert page.evaluate("_hsp.push(['noSuchThing']) === false") is True
    assert page.evaluate("_hsp.push(['showBanner']) === undefined") is True
    assert len(page.evaluate("consentCalls")) == 2      # showBanner re-notified
