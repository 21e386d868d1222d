"""Tracker: events, page metadata, listeners, switches and resets (issue: full command set)."""

from shim.testing.beacons import KINDS
from shim.core.commands import PageFunction
from shim.core.effects import BindClick, CallListener, Skip
from tests.unit.helpers import beacons, make_env, make_tracker, params


def loaded(**kwargs):
    tracker = make_tracker(**kwargs)
    tracker.load([], make_env())
    return tracker


def push(tracker, *entry):
    return tracker.push(list(entry), make_env())[1]


def ignored(effects):
    return [(e.entry, e.reason) for e in effects if type(e) is Skip]


class TestCustomBehavioralEvent:
    def test_name_then_properties_then_the_common_groups(self):
        [beacon] = beacons(push(loaded(), "trackCustomBehavioralEvent",
                                {"name": "pe123_signup", "properties": {"plan": "pro", "seats": 3}}))
        assert beacon.url.startswith("https://track.hubspot.com/__ptbe.gif?n=pe123_signup&_plan=pro"
                                     "&_seats=3&sd=")
        keys = [k for k, _ in beacon.fields]
        assert "k" not in keys and keys[-1] == "cc"

    def test_empty_like_property_values_are_sent_empty(self):
        [beacon] = beacons(push(loaded(), "trackCustomBehavioralEvent", {"name": "e", "properties": {
            "a": None, "b": "", "c": "-", "d": 0, "e": False, "f": True}}))
        got = params(beacon)
        assert [got[k] for k in ("_a", "_b", "_c", "_d", "_e", "_f")] == ["", "", "", "", "", "true"]

    def test_without_a_name_nothing_is_sent_and_the_reason_is_kept(self):
        effects = push(loaded(), "trackCustomBehavioralEvent", {"properties": {}})
        assert beacons(effects) == []
        assert ignored(effects) == [("trackCustomBehavioralEvent", "the event needs a name")]


class TestLegacyEvent:
    def test_object_form_sends_raw_keys_then_k3_n_m(self):
        [beacon] = beacons(push(loaded(), "trackEvent", {"id": "000001", "value": 20, "color": "red"}))
        assert [k for k, _ in beacon.fields][:6] == ["id", "value", "color", "k", "n", "m"]
        got = params(beacon)
        assert (got["k"], got["n"], got["m"], got["color"]) == ("3", "000001", "20", "red")

    def test_string_form_merges_the_second_argument(self):
        [beacon] = beacons(push(loaded(), "trackEvent", "clicked-buy", {"value": 9.5}))
        got = params(beacon)
        assert (got["id"], got["n"], got["m"]) == ("clicked-buy", "clicked-buy", "9.5")

    def test_track_conversion_is_an_alias(self):
        [beacon] = beacons(push(loaded(), "trackConversion", "x"))
        assert params(beacon)["n"] == "x"

    def test_a_key_that_collides_with_a_group_keeps_its_place_and_takes_the_group_value(self):
        [beacon] = beacons(push(loaded(), "trackEvent", {"id": "e", "a": "999"}))
        assert beacon.fields[1] == ("a", "123")

    def test_an_event_without_id_is_refused(self):
        assert ignored(push(loaded(), "trackEvent", {"value": 1})) == [
            ("trackEvent", "the event needs an id")]


class TestPageMetadata:
    def test_content_type_page_id_canonical_and_metadata_in_order(self):
        tracker = loaded()
        push(tracker, "setContentType", "blog-post")
        push(tracker, "setPageId", 42)
        push(tracker, "setCanonicalUrl", "https://c.example/post")
        push(tracker, "setContentMetadata", {"contentGroupId": 7, "languageCode": "en"})
        push(tracker, "setTargetedContentMetadata", [[1, 2, 3], [4, 5], ["a", "b", "c"]])
        [beacon] = beacons(push(tracker, "trackPageView"))
        keys = [k for k, _ in beacon.fields]
        assert keys[5:12] == ["v", "a", "pi", "ct", "ccu", "cgi", "lvc"]
        assert [v for k, v in beacon.fields if k == "tc"] == ["1-2-3", "a-b-c"]
        got = params(beacon)
        assert (got["pi"], got["ct"], got["ccu"]) == ("42", "blog-post", "https://c.example/post")

    def test_rcu_is_the_canonical_link_only_without_set_canonical_url(self):
        tracker = make_tracker()
        env = make_env(canonical_url="https://link.example/")
        [first] = beacons(tracker.load([], env))
        assert params(first)["rcu"] == "https://link.example/"
        tracker.push(["setCanonicalUrl", "https://mine.example/"], env)
        [second] = beacons(tracker.push(["trackPageView"], env)[1])
        assert "rcu" not in params(second) and params(second)["ccu"] == "https://mine.example/"


class TestListeners:
    def test_identity_listener_registered_before_load_is_called_once_after_set_up(self):
        fn = object()
        tracker = make_tracker()
        effects = tracker.load([["addIdentityListener", PageFunction(fn)]], make_env())
        calls = [e for e in effects if type(e) is CallListener]
        assert len(calls) == 1 and calls[0].function is fn
        hstc, hssc, hsfp = calls[0].args
        assert hstc.split(".")[1] == tracker.jar.visitor.utk and hssc.endswith("." + hstc.split(".")[4])

    def test_listeners_registered_after_load_run_at_once_when_a_value_exists(self):
        tracker = loaded()
        fn = object()
        assert [type(e) for e in push(tracker, "addCookieListener", PageFunction(fn))] == [CallListener]
        assert push(tracker, "addPageIdListener", PageFunction(fn)) == []       # no page id yet
        [call] = push(tracker, "setPageId", "p1")
        assert call == CallListener(fn, ["p1"], "page_id")

    def test_a_page_id_listener_gets_the_id_as_given_and_the_beacon_its_text(self):
        tracker = loaded()
        push(tracker, "setPageId", 55)
        fn = object()
        [call] = push(tracker, "addPageIdListener", PageFunction(fn))
        assert call == CallListener(fn, [55], "page_id")
        [view] = beacons(push(tracker, "trackPageView"))
        assert params(view)["pi"] == "55"

    def test_a_page_id_of_zero_is_a_page_id(self):
        tracker = loaded()
        push(tracker, "setPageId", 0)
        fn = object()
        assert push(tracker, "addPageIdListener", PageFunction(fn)) == [CallListener(fn, [0], "page_id")]

    def test_user_token_listener_sees_the_new_token_after_reset(self):
        tracker = loaded()
        fn = object()
        [first] = push(tracker, "addUserTokenListener", PageFunction(fn))
        calls = [e for e in push(tracker, "resetVisitor") if type(e) is CallListener]
        assert calls[0].args != first.args and calls[0].args == [tracker.jar.visitor.utk]

    def test_a_listener_argument_that_is_not_a_function_is_ignored(self):
        assert ignored(push(loaded(), "addIdentityListener", "nope"))[0][1] == (
            "argument 1 must be a function, got 'nope'")


class TestResetVisitor:
    def test_new_token_identity_cleared_and_rv1(self):
        tracker = loaded()
        push(tracker, "identify", {"email": "a@b.co"})
        before = tracker.jar.visitor.utk
        push(tracker, "resetVisitor")
        [beacon] = beacons(push(tracker, "trackPageView"))
        got = params(beacon)
        assert got["rv"] == "1" and "i" not in got and got["vi"] != before


class TestSwitches:
    def test_tracking_disabled_sends_nothing_and_says_so(self):
        tracker = loaded()
        push(tracker, "setTrackingEnabled", False)
        effects = push(tracker, "trackPageView")
        assert beacons(effects) == []
        assert ignored(effects) == [("trackPageView",
                                     "not sent: tracking is off (setTrackingEnabled(false))")]

    def test_limit_to_cookie_domains_blocks_foreign_hosts_only(self):
        foreign = make_tracker()
        effects = foreign.load([["setLimitTrackingToCookieDomains", True],
                                ["addCookieDomain", ".other.com"]], make_env())
        assert beacons(effects) == []
        own = make_tracker()
        effects = own.load([["setLimitTrackingToCookieDomains", True],
                            ["addCookieDomain", ".example.com"]], make_env())
        assert len(beacons(effects)) == 1

    def test_internal_prelude_commands_are_accepted_without_effect(self):
        effects = loaded().push(["embedHubSpotScript", "https://js.hs-scripts.com/1.js"],
                                make_env())[1]
        assert ignored(effects) == [("embedHubSpotScript",
                                     "HubSpot-internal command: accepted, no effect in the shim")]


class TestSimpleBeacons:
    def test_form_cta_feedback_and_consent_beacons_carry_their_kind(self):
        tracker = loaded()
        kinds = []
        for entry in (["trackFormView", "f-1"], ["trackFormCompletion", "f-1"], ["trackCtaView", "c"],
                      ["trackFeedbackView", "s"], ["trackRevokeCookieConsent"]):
            [beacon] = beacons(tracker.push(entry, make_env())[1])
            kinds.append(beacon.fields[0][1])
        assert kinds == ["15", "19", "12", "26", "30"]

    def test_every_kind_the_tracker_sends_has_a_name(self):
        """beacon.KINDS names each `k` (the pytest plugin's Beacon.kind shows it)."""
        tracker = loaded()
        sent = set()
        for entry in (["trackPageView"], ["trackEvent", "e-1"], ["trackFormView", "f"],
                      ["trackFormInstall", "f"], ["trackFormVisible", "f"],
                      ["trackFormInteraction", "f"], ["trackFormCompletion", "f"],
                      ["trackCtaView", "c"], ["trackFeedbackView", "s"],
                      ["trackApproveCookieConsent"], ["trackDeclineCookieConsent"],
                      ["trackRevokeCookieConsent"]):
            [beacon] = beacons(tracker.push(entry, make_env())[1])
            sent.add(dict(beacon.fields)["k"])
        assert len(sent) == 12 and sent <= set(KINDS)


class TestClicks:
    def test_track_click_binds_after_load_and_refresh_rebinds(self):
        tracker = loaded()
        [binding] = push(tracker, "trackClick", "#buy", "000123", {"url": "https://x/"})
        assert binding == BindClick("#buy", ["trackEvent", {"id": "000123", "url": "https://x/"}],
                                    "https://x/")
        assert push(tracker, "refreshPageHandlers") == [binding]

    def test_portal_event_ids_become_custom_behavioral_events(self):
        [binding] = push(loaded(), "trackClick", ".cta", "pe123_clicked_cta")
        assert binding.entry == ["trackCustomBehavioralEvent", {"name": "pe123_clicked_cta"}]

    def test_set_path_refreshes_page_handlers(self):
        tracker = loaded()
        push(tracker, "trackClick", "#a", "e1")
        assert [type(e) for e in push(tracker, "setPath", "/next")] == [BindClick]


class TestLimits:
    """Oversized payloads: values are cut at MAX_VALUE, URLs over MAX_URL refused; both
    recorded (README, Reliability)."""

    def test_long_identity_values_are_cut_and_recorded(self):
        from shim.core.beacon import MAX_VALUE
        tracker = loaded()
        effects = push(tracker, "identify", {"email": "a@b.co", "bio": "x" * 5000})
        assert ignored(effects) == [("identify", "values over 1000 characters are cut")]
        [view] = beacons(push(tracker, "trackPageView"))
        assert params(view)["i"] == "email=a%40b.co&bio=" + "x" * MAX_VALUE

    def test_long_event_properties_are_cut(self):
        [event] = beacons(push(loaded(), "trackCustomBehavioralEvent",
                               {"name": "e", "properties": {"p": "y" * 3000}}))
        assert params(event)["_p"] == "y" * 1000

    def test_a_beacon_over_the_url_limit_is_refused_not_sent_broken(self):
        tracker = loaded()
        props = {"p%d" % i: "\u00e9" * 900 for i in range(3)}       # 5400 chars encoded each
        effects = push(tracker, "trackCustomBehavioralEvent", {"name": "e", "properties": props})
        assert beacons(effects) == []
        assert ignored(effects)[-1][1].startswith("not sent: the beacon URL would be ")
        assert ignored(effects)[-1][1].endswith("over the limit of 8000")
