"""Consent, the `_hsp` queue and doNotTrack in the core (spec §4, §6; D5, D8)."""

import pytest

from shim.core.commands import PageFunction
from shim.core.cookies import http_date
from shim.core.consent import (CONSENT_BITS, INITIAL, NOTHING, UNDECIDED, Consent, initial_consent,
                               parse_preference, uniform)
from shim.core.effects import CallListener, SetCookie
from tests.unit.helpers import beacons, make_env, make_tracker, params

GRANTED = uniform(True)
PREF = "__hs_cookie_cat_pref"


class TestInitialConsent:
    """initial_consent(): the policy table of §6.3, walked row by row."""

    @pytest.mark.parametrize("policy, cookies, gpc, expected", [
        ("NO_BANNER", {}, False, GRANTED),
        ("NO_BANNER", {PREF: "1:false_2:false_3:false"}, False, GRANTED),   # no banner: not read
        ("COOKIES_WITHOUT_BANNER", {}, False, GRANTED),
        ("NOTIFY", {}, False, GRANTED),
        ("OPT_OUT", {}, False, GRANTED),
        ("OPT_OUT", {PREF: "1:false_2:false_3:false"}, False, NOTHING),
        ("OPT_OUT_BY_CATEGORY", {PREF: "1:true,2:false,3:true"}, False,
         Consent(False, True, False, True)),
        ("OPT_IN", {}, False, UNDECIDED),                   # no decision: cc=0 (2a)
        ("OPT_IN", {PREF: "1:true_2:true_3:true"}, False, GRANTED),
        ("COOKIES_BY_CATEGORY", {PREF: "1:true_2:false_3:false"}, False,
         Consent(False, True, False, False)),
        ("COOKIES_BY_CATEGORY", {PREF: "garbage"}, False, UNDECIDED),
        ("NO_COOKIES", {PREF: "1:true_2:true_3:true"}, False, NOTHING),
        ("OPT_OUT", {PREF: "1:true_2:true_3:true"}, True, NOTHING),             # GPC wins
        ("SOMETHING_ELSE", {}, False, GRANTED),
    ])
    def test_policy_table(self, policy, cookies, gpc, expected):
        assert initial_consent(policy, cookies, gpc) == expected

    def test_every_policy_is_in_the_table(self):
        assert set(INITIAL) == {"NO_BANNER", "COOKIES_WITHOUT_BANNER", "NOTIFY", "OPT_OUT",
                                "OPT_OUT_BY_CATEGORY", "OPT_IN", "COOKIES_BY_CATEGORY",
                                "NO_COOKIES"}

    @pytest.mark.parametrize("raw", ["", "1:true", "1:yes_2:true_3:true", "1:true_2:true",
                                     "x" * 100, "1:true_2:true_3:true_"])
    def test_malformed_preference_cookies_are_ignored(self, raw):
        assert parse_preference(raw) is None


class TestConsentBits:
    """CONSENT_BITS (the host tools read `cc` with it) is what Consent.bits() sends."""

    @pytest.mark.parametrize("flags", [(True, True, True), (False, False, False),
                                       (True, False, True), (False, True, False)])
    def test_bits_are_the_sum_of_the_granted_categories(self, flags):
        consent = Consent(False, *flags)
        categories = consent.categories()
        assert consent.bits() == sum(bit for name, bit in CONSENT_BITS if categories[name])


def loaded(policy="NO_BANNER", cookies="", privacy=None, entries=None, gpc=False):
    tracker = make_tracker(policy=policy, gpc=gpc)
    effects = tracker.load(entries or [], make_env(), cookies, privacy or [])
    return tracker, effects


def cookie_names(effects, deleted=False):
    return [e.name for e in effects if type(e) is SetCookie and (e.value == "") == deleted]


def listener_calls(effects):
    return [e.args[0] for e in effects if type(e) is CallListener and e.label == "consent"]


class TestTrackerReaction:
    """Tracker.consent_changed(): spec §6.6."""

    def test_granted_consent_writes_cookies_and_sends_cc15(self):
        tracker, effects = loaded()
        assert sorted(cookie_names(effects)) == ["__hssc", "__hssrc", "__hstc", "hubspotutk"]
        got = params(beacons(effects)[0])
        assert got["cc"] == "15" and "ce" not in got and "u" in got

    def test_without_consent_no_cookie_and_the_beacon_says_ce_false(self):
        tracker, effects = loaded(policy="OPT_IN")
        assert cookie_names(effects) == []
        got = params(beacons(effects)[0])
        assert (got["ce"], got["cc"]) == ("false", "0") and "u" not in got and "b" not in got

    def test_a_refusal_is_consent_information(self):
        tracker, effects = loaded(policy="NO_COOKIES")
        assert (params(beacons(effects)[0])["ce"], params(beacons(effects)[0])["cc"]) == ("false", "1")
        tracker, _ = loaded(policy="OPT_IN")
        tracker.push_privacy(["setHubSpotConsent", {"analytics": False}], make_env())
        [view] = beacons(tracker.push(["trackPageView"], make_env())[1])
        assert params(view)["cc"] == "1"

    def test_analytics_only_by_category_writes_cookies_and_counts_as_consent(self):
        """HubSpot's tracker takes analytics consent as consent: no ce=false."""
        tracker, effects = loaded(policy="COOKIES_BY_CATEGORY", cookies=PREF + "=1:true_2:false_3:false")
        assert "__hstc" in cookie_names(effects)
        got = params(beacons(effects)[0])
        assert "ce" not in got and got["cc"] == "3"

    def test_a_consent_listener_gets_the_banners_key_order(self):
        _, effects = loaded(privacy=[["addPrivacyConsentListener", PageFunction(object())]])
        assert list(listener_calls(effects)[0]) == ["allowed", "previousCategories", "categories"]

    @pytest.mark.parametrize("days_ago, kept", [(10, True), (179, True), (180, False), (400, False)])
    def test_under_opt_in_a_returning_visitors_cookies_last_from_the_first_visit(self, days_ago, kept):
        now = make_env().now_ms
        first = now - days_ago * 86400000
        hstc = "114212440.00000001000000020000000300000004.%d.%d.%d.3" % (first, first, now - 7200000)
        tracker, effects = loaded(policy="OPT_IN",
                                  cookies="__hstc=" + hstc + "; " + PREF + "=1:true_2:true_3:true")
        [cookie] = [e for e in effects if type(e) is SetCookie and e.name == "__hstc"]
        expires = now + (180 - days_ago) * 86400000
        assert ("expires=" + http_date(expires)) in cookie.header
        assert ("u" in params(beacons(effects)[0])) is kept         # an expired one is gone

    def test_a_new_visitors_cookies_last_the_full_term_under_opt_in(self):
        tracker, effects = loaded(policy="OPT_IN", cookies=PREF + "=1:true_2:true_3:true")
        [cookie] = [e for e in effects if type(e) is SetCookie and e.name == "__hstc"]
        assert ("expires=" + http_date(make_env().now_ms + 180 * 86400000)) in cookie.header

    def test_a_later_grant_writes_the_cookies(self):
        tracker, _ = loaded(policy="OPT_IN")
        _, effects = tracker.push_privacy(["setHubSpotConsent", {"analytics": True,
                                           "advertisement": True, "functionality": True}], make_env())
        assert sorted(cookie_names(effects)) == ["__hssc", "__hssrc", "__hstc", "hubspotutk"]

    def test_withdrawal_deletes_cookies_resets_the_visitor_and_clears_identity(self):
        tracker, _ = loaded(entries=[["identify", {"email": "a@b.co"}]])
        before = tracker.jar.visitor.utk
        _, effects = tracker.push_privacy(["setHubSpotConsent", {"analytics": False}], make_env())
        assert sorted(set(cookie_names(effects, deleted=True))) == [
            "__hssc", "__hssrc", "__hstc", "hubspotutk"]
        [view] = beacons(tracker.push(["trackPageView"], make_env())[1])
        got = params(view)
        assert got["vi"] != before and "i" not in got and got["rv"] == "1" and got["ce"] == "false"


class TestListeners:
    def test_called_at_once_with_a_fresh_object_then_on_every_change(self):
        fn = object()
        tracker, effects = loaded(privacy=[["addPrivacyConsentListener", PageFunction(fn)]])
        [first] = listener_calls(effects)
        assert first == {"allowed": True,
                         "categories": {"necessary": True, "analytics": True,
                                        "advertisement": True, "functionality": True},
                         "previousCategories": {"necessary": True, "analytics": False,
                                                "advertisement": False, "functionality": False}}
        _, effects = tracker.push_privacy(["setHubSpotConsent", {"analytics": True}], make_env())
        [second] = listener_calls(effects)
        assert second["allowed"] is False and second["categories"]["advertisement"] is False
        assert second["previousCategories"]["advertisement"] is True
        assert second is not first

    def test_opt_in_listeners_wait_for_the_decision(self):
        """As HubSpot documents it and its banner (static-1.3910) does: no call before the
        visitor (here the page's consent manager) decides, then one with the decision."""
        tracker, effects = loaded(policy="OPT_IN", privacy=[["addPrivacyConsentListener",
                                                             PageFunction(object())]])
        assert listener_calls(effects) == []
        assert listener_calls(tracker.push_privacy(["showBanner"], make_env())[1]) == []
        _, effects = tracker.push_privacy(["setHubSpotConsent", {"analytics": True}], make_env())
        [call] = listener_calls(effects)
        assert call["allowed"] is False and call["categories"]["analytics"] is True
        assert call["previousCategories"]["analytics"] is False

    def test_hsq_forwards_add_privacy_consent_listener(self):
        tracker, _ = loaded()
        _, effects = tracker.push(["addPrivacyConsentListener", PageFunction(object())], make_env())
        assert len(listener_calls(effects)) == 1

    def test_show_banner_notifies_the_current_state(self):
        tracker, _ = loaded(privacy=[["addPrivacyConsentListener", PageFunction(object())]])
        _, effects = tracker.push_privacy(["showBanner"], make_env())
        assert len(listener_calls(effects)) == 1


class TestPrivacyQueue:
    def test_unknown_or_invalid_entries_return_false(self):
        tracker, _ = loaded()
        assert tracker.push_privacy(["nope"], make_env())[0] is False
        assert tracker.push_privacy(["setHubSpotConsent", {"analytics": "yes"}], make_env())[0] is False
        assert tracker.push_privacy("junk", make_env())[0] is False

    def test_banner_configuration_is_accepted_without_effect(self):
        tracker, _ = loaded()
        for entry in (["addEnabledFeatureGates", []], ["useV2Wildcard", True], ["setBannerSettings", {}]):
            assert tracker.push_privacy(entry, make_env()) == (None, [])

    def test_consent_set_in_the_queue_applies_before_the_first_page_view(self):
        _, effects = loaded(policy="OPT_IN", privacy=[["setHubSpotConsent", {
            "analytics": True, "advertisement": True, "functionality": True}]])
        assert params(beacons(effects)[0])["cc"] == "15"


class TestRevocation:
    def test_deletes_the_eleven_cookies_sends_k30_then_withdraws(self):
        fn = object()
        tracker, _ = loaded(privacy=[["addPrivacyConsentListener", PageFunction(fn)]])
        _, effects = tracker.push(["revokeCookieConsent"], make_env())
        deleted = set(cookie_names(effects, deleted=True))
        assert deleted == {"__hs_initial_opt_in", "__hs_opt_out", PREF, "__hs_gpc_banner_dismiss",
                           "__hs_notify_banner_dismiss", "__hssc", "__hssrc", "__hstc",
                           "__hs_do_not_track", "hubspotutk", "messagesUtk"}
        [k30] = beacons(effects)
        assert params(k30)["k"] == "30" and "u" not in params(k30)
        assert [c["allowed"] for c in listener_calls(effects)] == [False]


class TestDoNotTrack:
    @pytest.mark.parametrize("entry", [["doNotTrack"], ["doNotTrack", False],
                                       ["doNotTrack", {"track": False}], ["doNotTrack", "x"]])
    def test_every_form_but_track_true_opts_out(self, entry):
        tracker, _ = loaded()
        _, effects = tracker.push(entry, make_env())
        [cookie] = [e for e in effects if type(e) is SetCookie]
        assert cookie.header.startswith("__hs_do_not_track=yes;expires=")
        assert beacons(tracker.push(["trackPageView"], make_env())[1]) == []

    def test_track_true_opts_back_in(self):
        tracker, _ = loaded(cookies="__hs_do_not_track=yes")
        _, effects = tracker.push(["doNotTrack", {"track": True}], make_env())
        assert cookie_names(effects, deleted=True) == ["__hs_do_not_track"]
        assert len(beacons(tracker.push(["trackPageView"], make_env())[1])) == 1

    def test_the_cookie_blocks_everything_including_the_automatic_view(self):
        _, effects = loaded(cookies="__hs_do_not_track=yes",
                            entries=[["trackCustomBehavioralEvent", {"name": "e"}]])
        assert beacons(effects) == [] and cookie_names(effects) == []

    def test_only_the_exact_value_yes_counts(self):
        _, effects = loaded(cookies="__hs_do_not_track=YES")
        assert len(beacons(effects)) == 1

    def test_doNotTrack_queued_before_load_stops_the_automatic_view(self):
        _, effects = loaded(entries=[["doNotTrack"]])
        assert beacons(effects) == []
