"""HubSpot fidelity (issue 15, items 2-6): regional tracking hosts, window.__hsUserToken,
array-valued event properties, JavaScript number text, debug logging, suppression."""

import json
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from shim.core.commands import PageFunction
from shim.core.config import (ATTRIBUTES, read_config, region_from_src, region_tracking_host,
                              tracking_host_from_src)
from shim.core.effects import CallListener, Log, SendBeacon as SendBeaconType, SetCookie, SetUserToken, Skip
from shim.core.numbers import js_number_text
from shim.core.page import email_from_url
from shim.testing.codec import decode_param
from tests.unit.helpers import beacons, make_env, make_tracker, params

TOKEN = "0123456789abcdef0123456789abcdef"


def loaded(entries=(), cookies="", **kwargs):
    tracker = make_tracker(**kwargs)
    effects = tracker.load(list(entries), make_env(), cookies)
    return tracker, effects


def push(tracker, *entry):
    return tracker.push(list(entry), make_env())[1]


def cookie_names(effects):
    return [e.name for e in effects if type(e) is SetCookie and e.value]


# -- 2. regional hosts ------------------------------------------------------------

class TestRegionalHosts:
    """config.tracking_host_from_src and the tracker's beacon host"""

    @pytest.mark.parametrize("src, host", [
        ("https://js-eu1.hs-scripts.com/4567.js?businessUnitId=0", "track-eu1.hubspot.com"),
        ("//js-EU1.hs-scripts.com/1.js", "track-eu1.hubspot.com"),
        ("https://js-ap1.hs-scripts.com/1.js", "track-ap1.hubspot.com"),
        ("https://js-eu1.hs-analytics.net/analytics/1700000000000/1.js", "track-eu1.hubspot.com"),
        ("https://js-na1.hs-scripts.com/1.js", "track.hubspot.com"),
        ("https://js.hs-scripts.com/1.js", "track.hubspot.com"),
        ("https://js-eu1.hs-scripts.com.evil.example/1.js", "track.hubspot.com"),
        ("https://js-eu1.example.com/1.js", "track.hubspot.com"),
        ("https://js-e_u.hs-scripts.com/1.js", "track.hubspot.com"),
        ("/static/hsq-shim.js", "track.hubspot.com"),
    ])
    def test_the_loaders_region_gives_the_tracking_host(self, src, host):
        assert tracking_host_from_src(src) == host
        named = dict.fromkeys(ATTRIBUTES)
        assert read_config(src, named, "https://www.example.com").tracking_host == host

    def test_na1_is_hubspots_default_region(self):
        assert region_from_src("https://js-na1.hs-scripts.com/1.js") == "na1"
        assert region_tracking_host("na1") == region_tracking_host(None) == "track.hubspot.com"

    def test_beacons_go_to_the_regional_host_unless_set_tracking_domain_or_a_collector(self):
        tracker, effects = loaded(tracking_host="track-eu1.hubspot.com")
        assert beacons(effects)[0].url.startswith("https://track-eu1.hubspot.com/__ptq.gif?k=1&")
        # Pushed after the script executed (mark 0): it wins over the script's own host.
        tracker = make_tracker(tracking_host="track-eu1.hubspot.com")
        effects = tracker.load([["setTrackingDomain", "track.example.net"]], make_env(), mark=0)
        assert beacons(effects)[0].url.startswith("https://track.example.net/__ptq.gif?")
        # Queued before the script: the script's prelude comes later and wins (spec Q10).
        tracker, effects = loaded([["setTrackingDomain", "track.example.net"]],
                                  tracking_host="track-eu1.hubspot.com")
        assert beacons(effects)[0].url.startswith("https://track-eu1.hubspot.com/__ptq.gif?")
        tracker, effects = loaded(tracking_host="track-eu1.hubspot.com",
                                  collector="https://collect.example.com")
        assert beacons(effects)[0].url.startswith("https://collect.example.com/__ptq.gif?")


# -- 3. window.__hsUserToken -------------------------------------------------------

class TestUserToken:
    """window.__hsUserToken at set-up (visitor.py, Rule 4)"""

    def test_an_unset_token_receives_the_visitors(self):
        for value in (None, ""):
            tracker, effects = loaded(user_token=lambda: value)
            assert [e for e in effects if type(e) is SetUserToken] == [
                SetUserToken(tracker.jar.visitor.utk)]

    def test_a_token_the_page_set_overrides_the_visitor_token_and_is_kept(self):
        fn = object()
        tracker, effects = loaded([["addUserTokenListener", PageFunction(fn)]],
                                  cookies="__hs_cookie_cat_pref=1:true_2:true_3:true",
                                  user_token=lambda: TOKEN.upper())
        assert not [e for e in effects if type(e) is SetUserToken]
        assert params(beacons(effects)[0])["vi"] == TOKEN
        written = {e.name: e.value for e in effects if type(e) is SetCookie}
        assert written["hubspotutk"] == TOKEN and written["__hstc"].split(".")[1] == TOKEN
        assert CallListener(fn, [TOKEN], "utk") in effects

    def test_the_override_keeps_a_returning_visitors_session(self):
        now = make_env().now_ms
        cookies = ("__hstc=1.%s.%d.%d.%d.3; __hssc=1.2.%d; __hssrc=1"
                   % ("f" * 32, now - 9000, now - 5000, now - 1000, now - 1000))
        tracker, _ = loaded(cookies=cookies, user_token=lambda: TOKEN)
        assert tracker.jar.visitor.utk == TOKEN
        assert (tracker.jar.visitor.session_number, tracker.jar.visitor.views) == (3, 3)

    @pytest.mark.parametrize("value", ["abc", "g" * 32, TOKEN + "0", 12345, {"a": 1}, True])
    def test_a_value_that_is_not_a_token_is_not_adopted_nor_overwritten(self, value):
        tracker, effects = loaded(user_token=lambda: value)
        assert tracker.jar.visitor.utk != value
        assert not [e for e in effects if type(e) is SetUserToken]
        [skip] = [e for e in effects if type(e) is Skip and e.entry == "__hsUserToken"]
        assert skip.reason.startswith("not adopted: a visitor token is 32 hex characters, got ")


# -- 4. array-valued properties, JavaScript number text -----------------------------

class TestEventProperties:
    """trackCustomBehavioralEvent / trackEvent values on the wire"""

    def test_an_array_repeats_its_key_in_order(self):
        tracker, _ = loaded()
        [event] = beacons(push(tracker, "trackCustomBehavioralEvent", {
            "name": "pe123_x", "properties": {"tags": ["a", "b", 3, 0.5], "none": [], "one": "z"}}))
        assert event.fields[:6] == [("n", "pe123_x"), ("_tags", "a"), ("_tags", "b"),
                                    ("_tags", "3"), ("_tags", "0.5"), ("_one", "z")]
        assert "_tags=a&_tags=b&_tags=3&_tags=0.5&_one=z&" in event.url

    def test_numbers_are_written_as_javascript_writes_them(self):
        tracker, _ = loaded()
        [event] = beacons(push(tracker, "trackCustomBehavioralEvent", {
            "name": "pe123_x", "properties": {"small": 1e-7, "big": 1e21, "micro": 0.000001,
                                              "list": [2.5e-8, 1e22]}}))
        assert event.fields[1:6] == [("_small", "1e-7"), ("_big", "1e+21"),
                                     ("_micro", "0.000001"), ("_list", "2.5e-8"),
                                     ("_list", "1e+22")]
        [legacy] = beacons(push(tracker, "trackEvent", {"id": "e1", "value": 1e-7}))
        assert params(legacy)["m"] == "1e-7"


# Node's String(x), generated once with `node -e` (and re-checked below when node exists).
JS_TABLE = [
    (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-1.5, "-1.5"), (0.1, "0.1"), (1e-7, "1e-7"),
    (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (1.234e-6, "0.000001234"), (0.0001, "0.0001"),
    (123.456, "123.456"), (1e16, "10000000000000000"), (1.5e16, "15000000000000000"),
    (1e20, "100000000000000000000"), (123456789012345680000.0, "123456789012345680000"),
    (1e21, "1e+21"), (1.5e21, "1.5e+21"), (-1e21, "-1e+21"), (1e300, "1e+300"),
    (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    (2.5e-8, "2.5e-8"), (10 ** 21, "1e+21"), (10 ** 30, "1e+30"),
    (0 - 10 ** 22, "-1e+22"), (9007199254740991, "9007199254740991"),
    (float("nan"), "NaN"), (float("inf"), "Infinity"), (float("-inf"), "-Infinity"),
]


def node_strings(numbers):
    """String(x) for each number, computed by node (the reference implementation)."""
    script = ("const xs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(xs.map(x => String(Number(x)))));")
    out = subprocess.run(["node", "-e", script], input=json.dumps([repr(x) for x in numbers]),
                         capture_output=True, text=True, check=True, timeout=30)
    return json.loads(out.stdout)


class TestJsNumberText:
    """numbers.js_number_text against JavaScript's String(x)"""

    @pytest.mark.parametrize("value, text", JS_TABLE, ids=repr)
    def test_the_table_of_javascript_outputs(self, value, text):
        assert js_number_text(value) == text

    def test_huge_non_round_ints_keep_their_exact_digits(self):
        assert js_number_text(2 ** 60) == "1152921504606846976"       # node: ...847000

    def test_the_table_is_what_node_writes(self):
        finite = [(x, text) for x, text in JS_TABLE if text not in ("NaN", "Infinity", "-Infinity")]
        assert node_strings([float(x) for x, _ in finite]) == [text for _, text in finite]

    @settings(max_examples=25, deadline=None)
    @given(st.lists(st.floats(allow_nan=False, allow_infinity=False)
                    | st.integers(1 - 2 ** 53, 2 ** 53 - 1)
                    | st.integers(0, 300).map(lambda p: 10 ** p)
                    | st.sampled_from([1e-7, 1e-6, 1e21, 1e20, 9.999999999999999e20]),
                    min_size=1, max_size=60))
    def test_any_number_is_written_as_node_writes_it(self, numbers):
        # An int is how an integral JS number arrives: node writes the double it is (ints
        # beyond 2**53 only as powers of ten: numbers.py, Rule 3).
        expected = node_strings([float(x) for x in numbers])
        assert [js_number_text(x) for x in numbers] == expected


# -- 5. debug mode -----------------------------------------------------------------

class TestDebug:
    """setDebugMode: hs_dbg and what is logged"""

    def test_set_debug_mode_queued_before_load_writes_hs_dbg(self):
        tracker, effects = loaded([["setDebugMode", True]])
        assert cookie_names(effects).count("hs_dbg") == 1
        _, effects = loaded([["setDebugMode", False]])
        assert "hs_dbg" not in cookie_names(effects)

    def test_debug_already_on_writes_hs_dbg_once(self):
        _, effects = loaded([["setDebugMode", True]], debug=True)
        assert cookie_names(effects).count("hs_dbg") == 1

    def test_a_duplicate_guard_drop_is_logged(self):
        tracker, _ = loaded([["setDebugMode", True]], duplicate_guard=True)
        effects = push(tracker, "trackPageView")
        [skip] = [e for e in effects if type(e) is Skip]
        assert skip.kind == "duplicate"
        assert Log("ignored trackPageView: " + skip.reason) in effects


# -- 6. suppression ----------------------------------------------------------------

class TestSuppression:
    """setLimitTrackingToCookieDomains and doNotTrack"""

    def test_limit_to_cookie_domains_with_host_only_cookies_still_tracks_the_own_domain(self):
        tracker, effects = loaded([["setLimitTrackingToCookieDomains", True],
                                   ["addCookieDomain", ".example.com"],
                                   ["setCookiesToSubdomain", True]],
                                  cookies="__hs_cookie_cat_pref=1:true_2:true_3:true")
        assert len(beacons(effects)) == 1
        hstc = [e for e in effects if type(e) is SetCookie and e.name == "__hstc"]
        assert hstc and "domain=" not in hstc[0].header.lower()       # host-only cookies
        tracker, effects = loaded([["setLimitTrackingToCookieDomains", True],
                                   ["addCookieDomain", ".other.com"],
                                   ["setCookiesToSubdomain", True]])
        assert beacons(effects) == []

    def test_reset_visitor_after_do_not_track_writes_no_visitor_cookie(self):
        tracker, effects = loaded()
        assert "__hstc" in cookie_names(effects)
        push(tracker, "doNotTrack")
        effects = push(tracker, "resetVisitor")
        assert cookie_names(effects) == []
        assert {e.name for e in effects if type(e) is SetCookie} >= {"__hstc", "__hssc"}  # deleted
        effects = push(tracker, "doNotTrack", {"track": True})
        # Opted back in: the new visitor's cookies are written, and carried (no stale ids).
        assert sorted(cookie_names(effects)) == ["__hssc", "__hssrc", "__hstc", "hubspotutk"]
        [view] = beacons(push(tracker, "trackPageView"))
        assert params(view)["u"] == tracker.jar.visitor.hstc() and params(view)["rv"] == "1"

    def test_reset_visitor_without_do_not_track_still_rewrites_the_cookies(self):
        tracker, _ = loaded()
        effects = push(tracker, "resetVisitor")
        assert sorted(cookie_names(effects)) == ["__hssc", "__hssrc", "__hstc", "hubspotutk"]


# -- issue 28: an email link identifies the visitor ----------------------------------

class TestEmailLink:
    """`?__hs_email=` in the page URL (page.email_from_url, the set-up)"""

    @pytest.mark.parametrize("url, email", [
        ("https://www.example.com/?__hs_email=ada%40example.com", "ada@example.com"),
        ("https://www.example.com/?a=1&__hs_email=ada@example.com&b=2", "ada@example.com"),
        ("https://www.example.com/?__hs_email=a%2540b.co", "a@b.co"),          # decoded twice
        ("https://www.example.com/?__hs_email=Ada+Lovelace%3Cada%40x.io%3E", "Ada Lovelace<ada@x.io>"),
        ("https://www.example.com/#__hs_email=ada%40example.com", "ada@example.com"),  # no query
        ("https://www.example.com/?x=1#__hs_email=ada%40example.com", None),   # the query wins
        ("https://www.example.com/?__hs_email=", None),
        ("https://www.example.com/?__hs_email", None),
        ("https://www.example.com/?x=1&__hs_email=a%2Bb%40c.io", "a b@c.io"),    # '+' twice read
        ("https://www.example.com/?__hs_email=a=b", None),                      # two '='
        ("https://www.example.com/?__hs_email=a&__hs_email=b", "a"),            # the first
        ("https://www.example.com/?__hs_email=%E0%A4%A", "\u00e0\u00a4%A"),    # unescape's fallback
        ("https://www.example.com/?email=ada%40example.com", None),
    ])
    def test_the_address_as_hubspot_reads_it(self, url, email):
        assert email_from_url(url, decode_param) == email

    def test_the_first_view_carries_it_and_the_pages_identify_merges_into_it(self):
        tracker = make_tracker()
        env = make_env(url="https://www.example.com/?__hs_email=ada%40example.com")
        effects = tracker.load([["identify", {"id": "7"}]], env)
        assert params(beacons(effects)[0])["i"] == "email=ada%40example.com&id=7"
        tracker = make_tracker()
        effects = tracker.load([["identify", {"id": "7", "email": "b@x.io"}]], env)
        assert params(beacons(effects)[0])["i"] == "email=b%40x.io&id=7"

    @given(st.text(max_size=40))
    def test_any_url_is_read_without_an_error(self, tail):
        result = email_from_url("https://www.example.com/?__hs_email=" + tail, decode_param)
        assert result is None or (type(result) is str and result)



# -- issue 28: what HubSpot's own script showed, beyond the list --------------

class TestAsBuild1398:
    """Behaviours read off running build 1.398 beside the shim (python -m fidelity)."""

    def test_a_queued_listener_is_called_as_it_registers_so_its_pushes_precede_the_view(self):
        listener = PageFunction(object())
        effects = make_tracker().load([["addUserTokenListener", listener]], make_env())
        kinds = [type(e).__name__ for e in effects if type(e) in (CallListener, SendBeaconType)]
        assert kinds == ["CallListener", "SendBeacon"]

    def test_a_listener_pushed_before_load_hears_of_the_visitor_at_the_set_up(self):
        tracker = make_tracker()
        listener = PageFunction(object())
        tracker.push(["addUserTokenListener", listener], make_env())
        effects = tracker.load([], make_env())
        assert [e.function for e in effects if type(e) is CallListener] == [listener.function]

    def test_hs_dbg_is_a_host_only_session_cookie(self):
        tracker, effects = loaded([["setDebugMode", True], ["addCookieDomain", ".example.com"]])
        [cookie] = [e for e in effects if type(e) is SetCookie and e.name == "hs_dbg"]
        assert "domain=" not in cookie.header and "expires=" not in cookie.header

    def test_a_legacy_events_function_value_is_called_with_the_hstc(self):
        seen = []
        tracker = make_tracker(call=lambda function, argument: seen.append(argument) or 7)
        tracker.load([], make_env())
        [event] = beacons(push(tracker, "trackEvent", {"id": "e", "value": PageFunction(object())}))
        assert (params(event)["value"], params(event)["m"]) == ("7", "7")
        assert seen == [tracker.jar.visitor.hstc()]

    def test_a_tampered_hstc_makes_a_new_visitor_even_beside_a_valid_hubspotutk(self):
        tracker, effects = loaded(cookies="__hstc=1.2.3; hubspotutk=" + TOKEN)
        assert params(beacons(effects)[0])["vi"] != TOKEN
        tracker, effects = loaded(cookies="hubspotutk=" + TOKEN)           # no __hstc at all
        assert params(beacons(effects)[0])["vi"] == TOKEN

    @pytest.mark.parametrize("value, po", [(42, "42"), (0, "/"), (1.5, "1.5"), (False, "/"),
                                           (True, "true"), ("", "/")])
    def test_set_path_sends_numbers_and_booleans_as_text(self, value, po):
        tracker, _ = loaded()
        push(tracker, "setPath", value)
        assert params(beacons(push(tracker, "trackPageView"))[0])["po"] == po

    def test_opting_back_in_at_load_writes_the_cookies_the_first_view_carries(self):
        tracker, effects = loaded([["doNotTrack", {"track": True}]], cookies="__hs_do_not_track=yes")
        assert "__hstc" in cookie_names(effects)
        assert params(beacons(effects)[0])["u"] == tracker.jar.visitor.hstc()
