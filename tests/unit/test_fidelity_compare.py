"""fidelity.compare and fidelity.known: beacons and cookies compared after masking, and a
declared difference excuses exactly itself."""

from hypothesis import given, strategies as st

from fidelity.browser import Capture, Outcome
from fidelity.compare import (BEACON_EXTRA, BEACON_MISSING, BEACON_ORDER, COOKIE_EXTRA,
                              COOKIE_MISSING, COOKIE_VALUE, PARAM_MISSING, PARAM_ORDER,
                              PARAM_VALUE, Masked, compare)
from fidelity.known import DELIBERATE, DIFFERENT, IDENTICAL, VERSION, classify
from fidelity.mask import Masker
from fidelity.scenario import Push, PushPrivacy, Scenario
from shim.core.codec import encode_query

WINDOW = (1796000000000, 1796000600000)
NOW = 1796000300000
VIEW = [("k", "1"), ("bfp", "1416815012"), ("v", "1.1"), ("a", "123"),
        ("pu", "https://www.builder.io/"), ("cts", str(NOW)), ("vi", "a" * 32), ("cc", "15")]
PLAIN = Scenario("plain", "a page")


def url(params, endpoint="/__ptq.gif", host="track.hubspot.com"):
    return "https://%s%s?%s" % (host, endpoint, encode_query(params))


def without(params, *keys):
    return [kv for kv in params if kv[0] not in keys]


def replaced(params, key, value):
    return [(k, value if k == key else v) for k, v in params]


def cookie(name, value, domain=".builder.io", expires=1830000000):
    return {"name": name, "value": value, "domain": domain, "expires": expires}


def masked(side, beacons, cookies=(), notes=()):
    outcome = Outcome(side, list(beacons), list(cookies), list(notes))
    return Masked(outcome, Masker(WINDOW, fingerprint="1416815012"))


def verdict(hubspot, shim, scenario=PLAIN, shim_cookies=(), hubspot_cookies=()):
    ours = masked("hubspot", hubspot, hubspot_cookies)
    theirs = masked("shim", shim, shim_cookies)
    return classify(scenario, ours, theirs, compare(ours, theirs))


def whats(differences):
    return [(d.what, d.key) for d in differences]


class TestBeacons:
    """compare(): endpoint, parameter names in order, values."""

    def test_the_same_beacons_have_no_difference(self):
        assert verdict([url(VIEW)], [url(VIEW)])[:2] == (IDENTICAL, [])

    def test_random_ids_and_clock_are_masked(self):
        other = replaced(replaced(VIEW, "vi", "b" * 32), "cts", str(NOW + 5))
        assert verdict([url(VIEW)], [url(other)])[0] == IDENTICAL

    def test_a_value_a_missing_param_and_the_order(self):
        shim = [("k", "1"), ("a", "124"), ("v", "1.1")] + without(VIEW, "k", "a", "v", "cc")
        status, left, _ = verdict([url(VIEW)], [url(shim)])
        assert status == DIFFERENT
        assert whats(left) == [(PARAM_MISSING, "cc"), (PARAM_ORDER, None), (PARAM_VALUE, "a")]

    def test_the_endpoint_host_counts(self):
        status, left, _ = verdict([url(VIEW)], [url(VIEW, host="track-eu1.hubspot.com")])
        assert [d.text() for d in left] == [
            "beacon 1 (page view): endpoint: HubSpot track.hubspot.com/__ptq.gif, "
            "shim track-eu1.hubspot.com/__ptq.gif"]

    def test_the_same_kinds_in_another_order_are_one_difference(self):
        event = [("n", "pe1_x")] + without(VIEW, "k")
        status, left, _ = verdict([url(event, "/__ptbe.gif"), url(VIEW)],
                                  [url(VIEW), url(replaced(event, "n", "pe1_y"), "/__ptbe.gif")])
        assert whats(left) == [(BEACON_ORDER, None), (PARAM_VALUE, "n")]

    def test_a_beacon_only_on_one_side(self):
        legacy = replaced(VIEW, "k", "3") + [("n", "signup")]
        status, left, _ = verdict([url(VIEW), url(legacy)], [url(VIEW)])
        assert whats(left) == [(BEACON_MISSING, None)]
        status, left, _ = verdict([url(VIEW)], [url(VIEW), url(legacy)])
        assert whats(left) == [(BEACON_EXTRA, None)]

    @given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.text("xyz &=%", max_size=6)),
                    min_size=1, max_size=8), st.data())
    def test_one_changed_value_is_exactly_one_difference(self, params, data):
        params = [("k", "1")] + params
        index = data.draw(st.integers(1, len(params) - 1))
        changed = list(params)
        changed[index] = (changed[index][0], changed[index][1] + "!")
        assert compare(masked("hubspot", [url(params)]), masked("shim", [url(params)])) == []
        differences = compare(masked("hubspot", [url(params)]), masked("shim", [url(changed)]))
        assert whats(differences) == [(PARAM_VALUE, params[index][0])]


class TestCookies:
    """compare(): name, masked value, domain, session or persistent."""

    def test_value_domain_and_lifetime(self):
        ours = [cookie("__hssrc", "1", expires=-1), cookie("hubspotutk", "a" * 32),
                cookie("__hs_x", "1")]
        theirs = [cookie("__hssrc", "1"), cookie("hubspotutk", "b" * 32, "www.builder.io"),
                  cookie("__hs_y", "1")]
        status, left, _ = verdict([], [], hubspot_cookies=ours, shim_cookies=theirs)
        assert whats(left) == [(COOKIE_MISSING, "__hs_x"), (COOKIE_EXTRA, "__hs_y"),
                               (COOKIE_VALUE, "__hssrc"), (COOKIE_VALUE, "hubspotutk")]


class TestKnown:
    """classify(): each declared difference excuses itself and nothing more."""

    def test_a_missing_fingerprint_leaves_the_verdict_identical(self):
        status, left, excused = verdict([url(VIEW)], [url(without(VIEW, "bfp"))])
        assert (status, left) == (IDENTICAL, [])
        assert excused[0][1].everywhere

    def test_anything_else_in_the_same_beacon_still_shows(self):
        status, left, _ = verdict([url(VIEW + [("m", "")])], [url(without(VIEW, "bfp"))])
        assert status == DIFFERENT and whats(left) == [(PARAM_MISSING, "m")]

    def test_a_cookie_listener_gets_no_fingerprint(self):
        event = [("n", "pe_cookie"), ("_args", '["x",1416815012]')]
        status, _, _ = verdict([url(event, "/__ptbe.gif")],
                               [url(replaced(event, "_args", '["x",""]'), "/__ptbe.gif")])
        assert status == IDENTICAL
        status, _, _ = verdict([url(event, "/__ptbe.gif")],
                               [url(replaced(event, "_args", '["y",""]'), "/__ptbe.gif")])
        assert status == DIFFERENT

    def test_the_exact_repeat_of_a_view_is_deliberate(self):
        later = replaced(VIEW, "cts", str(NOW + 3))
        assert verdict([url(VIEW), url(later)], [url(VIEW)])[0] == DELIBERATE

    def test_a_view_that_is_no_repeat_is_different(self):
        reset = replaced(VIEW, "vi", "c" * 32) + [("rv", "1")]
        assert verdict([url(VIEW), url(reset)], [url(VIEW)])[0] == DIFFERENT

    def test_identify_with_a_string_sends_its_characters(self):
        chars = VIEW + [("i", "0=a&1=%40&2=b")]
        assert verdict([url(chars)], [url(VIEW)])[0] == DELIBERATE
        assert verdict([url(VIEW + [("i", "email=a%40b")])], [url(VIEW)])[0] == DIFFERENT

    def test_only_an_event_without_a_name_may_be_missing(self):
        nameless = [("_plan", "pro")] + without(VIEW, "k")
        assert verdict([url(VIEW), url(nameless, "/__ptbe.gif")], [url(VIEW)])[0] == DELIBERATE
        named = [("n", "pe1_x")] + nameless
        assert verdict([url(VIEW), url(named, "/__ptbe.gif")], [url(VIEW)])[0] == DIFFERENT

    def test_a_malformed_hstc_echoed_by_hubspot_only(self):
        scenario = Scenario("tampered", "doc", cookies={"__hstc": "x.y.1.2.3"})
        echoed = VIEW + [("u", "x.y.1.2.3")]
        assert verdict([url(echoed)], [url(VIEW)], scenario)[0] == DELIBERATE
        other = VIEW + [("u", "x.z.1.2.3")]
        assert verdict([url(other)], [url(VIEW)], scenario)[0] == DIFFERENT

    def test_policy_type_is_a_version_difference(self):
        status, _, excused = verdict([url(VIEW + [("pt", "1")])], [url(VIEW)])
        assert status == VERSION and excused[-1][1].kind == VERSION

    def test_legacy_decision_cookies_only_beside_each_other(self):
        ours = [cookie("__hs_opt_out", "no")]
        theirs = [cookie("__hs_cookie_cat_pref", "1:true,2:true,3:true")]
        assert verdict([], [], hubspot_cookies=ours, shim_cookies=theirs)[0] == VERSION
        assert verdict([], [], shim_cookies=theirs)[0] == DIFFERENT

    def test_consent_set_by_the_page_is_excused_after_it_only(self):
        scenario = Scenario("consent", "doc", steps=[PushPrivacy("['setHubSpotConsent', {}]")])
        before = VIEW + [("ce", "false")]
        status, left, _ = verdict([url(before), url(replaced(before, "cc", "0"))],
                                  [url(before), url(without(VIEW, "ce"))], scenario)
        assert status == VERSION
        status, left, _ = verdict([url(replaced(before, "cc", "0"))], [url(VIEW)], scenario)
        assert status == DIFFERENT

    def test_a_preference_cookie_under_opt_in_is_read_by_later_banners(self):
        scenario = Scenario("pref", "doc", policy="OPT_IN",
                            cookies={"__hs_cookie_cat_pref": "1:true,2:true,3:true"})
        undecided = replaced(VIEW, "cc", "0") + [("ce", "false")]
        assert verdict([url(undecided)], [url(VIEW)], scenario)[0] == VERSION
        returning = Scenario("pref", "doc", policy="OPT_IN",
                             cookies=dict(scenario.cookies, __hstc="x"))
        assert verdict([url(undecided)], [url(VIEW)], returning)[0] == DIFFERENT

    def test_a_value_cut_to_the_shims_limit(self):
        event = [("n", "pe1_x"), ("_text", "x" * 1500)]
        cut = replaced(event, "_text", "x" * 1000)
        assert verdict([url(event, "/__ptbe.gif")], [url(cut, "/__ptbe.gif")])[0] == DELIBERATE
        other = replaced(event, "_text", "x" * 999 + "y")
        assert verdict([url(event, "/__ptbe.gif")], [url(other, "/__ptbe.gif")])[0] == DIFFERENT

    def test_an_identity_value_cut_to_the_shims_limit(self):
        identity = lambda bio: "email=ada%40example.com&bio=" + bio
        event = [("n", "pe1_x"), ("i", identity("y" * 1200))]
        cut = replaced(event, "i", identity("y" * 1000))
        assert verdict([url(event, "/__ptbe.gif")], [url(cut, "/__ptbe.gif")])[0] == DELIBERATE
        other = replaced(event, "i", identity("y" * 999 + "z"))
        assert verdict([url(event, "/__ptbe.gif")], [url(other, "/__ptbe.gif")])[0] == DIFFERENT
        another_email = replaced(event, "i", "email=eve%40example.com&bio=" + "y" * 1000)
        assert verdict([url(event, "/__ptbe.gif")], [url(another_email, "/__ptbe.gif")])[0] == DIFFERENT

    def test_events_hubspot_sends_without_a_name_or_id_are_excused_and_no_other(self):
        def missing(params, endpoint):
            return verdict([url(VIEW), url(params, endpoint)], [url(VIEW)])[0]
        assert missing([("k", "3"), ("n", ""), ("m", "5")], "/__ptq.gif") == DELIBERATE
        assert missing([("sd", "1x1"), ("a", "123")], "/__ptq.gif") == DELIBERATE   # no k
        assert missing([("n", "[object Object]")], "/__ptbe.gif") == DELIBERATE
        assert missing([("k", "3"), ("n", "signup"), ("m", "")], "/__ptq.gif") == DIFFERENT
        assert missing([("n", "pe1_x")], "/__ptbe.gif") == DIFFERENT

    def test_set_path_with_an_object_is_excused_as_refused(self):
        view = VIEW + [("po", "[object Object]")]
        assert verdict([url(view)], [url(VIEW)])[0] == DELIBERATE
        assert verdict([url(VIEW + [("po", "/a")])], [url(VIEW)])[0] == DIFFERENT

    def test_cookies_written_under_do_not_track_only_after_a_reset_are_excused(self):
        hstc = [cookie("__hstc", "1.%s.1.1.1.1" % ("b" * 32))]
        reset = Scenario("r", "doc", steps=[Push("['doNotTrack']"), Push("['resetVisitor']")])
        assert verdict([], [], reset, hubspot_cookies=hstc)[0] == DELIBERATE
        dnt_only = Scenario("d", "doc", steps=[Push("['doNotTrack']")])
        assert verdict([], [], dnt_only, hubspot_cookies=hstc)[0] == DIFFERENT

    def test_an_hstc_the_shim_refuses_may_be_kept_by_hubspot(self):
        long_token = "1.%s.1700000000000.1700000000000.1700000000000.3" % ("a" * 300)
        theirs = replaced(VIEW, "vi", "a" * 300)
        refused = Scenario("t", "doc", cookies={"__hstc": long_token})
        assert verdict([url(theirs)], [url(VIEW)], refused)[0] == DELIBERATE
        valid = Scenario("v", "doc", cookies={"__hstc": long_token.replace("a" * 300, "c" * 32)})
        assert verdict([url(theirs)], [url(VIEW)], valid)[0] == DIFFERENT

    def test_only_an_error_report_may_be_missing_as_one(self):
        error = [("w", str(NOW)), ("m", "TypeError: x"), ("j", "1.1")]
        assert verdict([url(VIEW), url(error, "/__pto.gif")], [url(VIEW)])[0] == DELIBERATE
        assert verdict([url(VIEW), url(error, "/__ptc.gif")], [url(VIEW)])[0] == DIFFERENT

    def test_a_harness_note_on_one_side_is_different(self):
        ours = masked("hubspot", [url(VIEW)], notes=["not settled within 8000 ms"])
        theirs = masked("shim", [url(VIEW)])
        status, left, _ = classify(PLAIN, ours, theirs, compare(ours, theirs))
        assert status == DIFFERENT
        assert left[0].text() == "HubSpot run: not settled within 8000 ms"


class TestCapture:
    """Capture.beacons(): the page's record, and what only the network saw."""

    def test_the_same_beacon_escaped_otherwise_on_the_wire_is_not_counted_twice(self):
        capture = Capture(None, None)
        capture.recorded = ["https://track.hubspot.com/__pto.gif?m=can't"]
        capture.routed = ["https://track.hubspot.com/__pto.gif?m=can%27t",
                          "https://track.hubspot.com/__ptq.gif?k=1"]
        assert capture.beacons() == capture.recorded + ["https://track.hubspot.com/__ptq.gif?k=1"]
        assert capture.notes == ["beacon seen only on the network: "
                                 "https://track.hubspot.com/__ptq.gif?k=1"]
