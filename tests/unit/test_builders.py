"""The pure builders the tracker sends from: events.py's event parameters, trackClick's
entry, page.py's targeted content, listeners.page_value, and Beacons (whether and where a
beacon goes)."""

import pytest

from shim.core.beacon import MAX_URL, MAX_VALUE, Beacons
from shim.core.consent import NOTHING
from shim.core.events import (SIMPLE_BEACONS, click_entry, custom_event_pairs, legacy_event_pairs,
                              simple_pairs)
from shim.core.jar import CookieJar
from shim.core.listeners import KINDS, page_value
from shim.core.page import ClientInfo, PageState, targeted_content
from shim.testing.beacons import KINDS as KIND_NAMES
from tests.unit.helpers import make_env


class TestCustomEventPairs:
    """events.custom_event_pairs(event) -> (pairs, problem)"""

    def test_name_then_one_underscore_key_per_property(self):
        pairs, problem = custom_event_pairs({"name": "pe1_signup",
                                             "properties": {"plan": "pro", "seats": 3}})
        assert (pairs, problem) == ([("n", "pe1_signup"), ("_plan", "pro"), ("_seats", "3")], None)

    def test_an_array_repeats_its_key_in_order_and_an_empty_one_sends_nothing(self):
        pairs, _ = custom_event_pairs({"name": "e", "properties": {"tags": ["a", 2, False],
                                                                   "none": []}})
        assert pairs == [("n", "e"), ("_tags", "a"), ("_tags", "2"), ("_tags", "")]

    @pytest.mark.parametrize("event", [{}, {"name": ""}, {"name": None},
                                       {"name": ["e"]}, {"name": {"n": "e"}}])
    def test_without_a_name_nothing_is_sent(self, event):
        assert custom_event_pairs(event) == (None, "the event needs a name")

    @pytest.mark.parametrize("name, sent", [(42, "42"), (0, "0"), (1.5, "1.5"), (True, "true")])
    def test_a_number_or_boolean_name_is_sent_as_its_text_as_hubspot_sends_it(self, name, sent):
        pairs, _ = custom_event_pairs({"name": name, "properties": {"a": 1}})
        assert pairs == [("n", sent), ("_a", "1")]

    def test_properties_that_are_not_an_object_are_dropped_and_the_event_still_sent(self):
        pairs, problem = custom_event_pairs({"name": "e", "properties": ["x"]})
        assert pairs == [("n", "e")]
        assert problem == "properties must be an object; sent without them"

    def test_long_values_are_cut_and_the_cut_is_reported(self):
        pairs, problem = custom_event_pairs({"name": "e", "properties": {"p": "x" * (MAX_VALUE + 5)}})
        assert pairs[1] == ("_p", "x" * MAX_VALUE)
        assert problem == "property values over " + str(MAX_VALUE) + " characters are cut"


class TestLegacyEventPairs:
    """events.legacy_event_pairs(args) -> (pairs, problem), trackEvent / trackConversion"""

    def test_an_id_and_a_value_object(self):
        pairs, problem = legacy_event_pairs(["signup", {"value": 9.5, "plan": "pro"}])
        assert problem is None
        assert pairs == [("id", "signup"), ("value", "9.5"), ("plan", "pro"), ("k", "3"),
                         ("n", "signup"), ("m", "9.5")]

    def test_an_event_object_keeps_every_key_and_a_numeric_id_is_text(self):
        pairs, _ = legacy_event_pairs([{"id": 42, "extra": ["a", "b"]}])
        assert pairs == [("id", "42"), ("extra", "a"), ("extra", "b"), ("k", "3"), ("n", "42"),
                         ("m", "")]

    @pytest.mark.parametrize("value", [None, "", "-", 0, 0.0, False, []])
    def test_an_empty_value_sends_an_empty_m_as_hubspot_does(self, value):
        pairs, _ = legacy_event_pairs([{"id": "e", "value": value}])
        assert pairs[-1] == ("m", "")

    @pytest.mark.parametrize("value, m", [(True, "true"), (0.5, "0.5"), ("0", "0"), (-1, "-1")])
    def test_a_value_is_sent_as_its_text(self, value, m):
        pairs, _ = legacy_event_pairs(["e", {"value": value}])
        assert pairs[-1] == ("m", m)

    @pytest.mark.parametrize("args, problem", [
        ([None], "the event must be an id or an object with an id"),
        ([True], "the event must be an id or an object with an id"),
        ([{"value": 1}], "the event needs an id"),
        ([{"id": ""}], "the event needs an id"),
        ([{"id": "-"}], "the event needs an id"),
        ([{"id": 0}], "the event needs an id"),
    ])
    def test_without_an_id_nothing_is_sent(self, args, problem):
        assert legacy_event_pairs(args) == (None, problem)


class TestSimplePairs:
    """events.simple_pairs(name, args): the one-shot trackers' k and id"""

    @pytest.mark.parametrize("args, pairs", [
        (["form-1"], [("fi", "form-1")]),
        ([], [("fi", "")]),                                      # no id: sent empty
        (["f", "collector-9", {"formVariantId": "v2", "lfi": 7, "formType": 0}],
         [("fi", "f"), ("fci", "collector-9"), ("fvi", "v2"), ("lfi", "7"), ("ft", "0")]),
        (["f", {"fvi": "v3", "leadFlowId": 0, "formType": ""}], [("fi", "f"), ("fvi", "v3")]),
        (["f", "", {"formVariantId": "", "fvi": "x"}], [("fi", "f"), ("fvi", "x")]),
    ])
    def test_a_form_beacon_sends_build_1_398s_parameters(self, args, pairs):
        assert simple_pairs("trackFormView", args) == [("k", "15")] + pairs

    @pytest.mark.parametrize("args, aij", [
        (["cta-1"], '["cta-1",""]'), (["cta-1", "placement-2"], '["cta-1","placement-2"]'),
        ([5, 0], '["5",""]'),
    ])
    def test_a_cta_view_sends_its_ids_as_a_json_like_pair(self, args, aij):
        assert simple_pairs("trackCtaView", args) == [("k", "12"), ("aij", aij), ("rfc", "8")]

    @pytest.mark.parametrize("args, st, si", [
        ([{"surveyType": "NPS", "surveyId": 42}], "NPS", "42"), (["survey-1"], "", ""), ([], "", ""),
    ])
    def test_a_feedback_view_reads_a_survey_object(self, args, st, si):
        assert simple_pairs("trackFeedbackView", args) == [("k", "26"), ("st", st), ("si", si)]

    def test_a_consent_beacon_sends_only_its_kind(self):
        assert simple_pairs("trackRevokeCookieConsent", []) == [("k", "30")]

    def test_every_kind_the_shim_sends_has_a_name_for_people(self):
        assert [k for k in SIMPLE_BEACONS.values() if k not in KIND_NAMES] == []


class TestClickEntry:
    """events.click_entry(portal_id, event_id, options): what a trackClick binding pushes"""

    def test_this_portals_pe_ids_are_custom_events(self):
        assert click_entry("123", "pe123_clicked", {}) == ["trackCustomBehavioralEvent",
                                                           {"name": "pe123_clicked"}]

    @pytest.mark.parametrize("portal", ["999", None])
    def test_other_ids_are_legacy_events(self, portal):
        assert click_entry(portal, "pe123_clicked", {}) == ["trackEvent", "pe123_clicked"]

    def test_the_options_keys_go_with_a_legacy_event_after_its_id(self):
        entry = click_entry("123", "buy", {"url": "https://example.com/", "plan": "pro"})
        assert entry == ["trackEvent", {"id": "buy", "url": "https://example.com/", "plan": "pro"}]
        assert list(entry[1]) == ["id", "url", "plan"]


class TestTargetedContent:
    """page.targeted_content(value): the beacon's tc values"""

    def test_triples_are_joined_with_dashes(self):
        assert targeted_content([["a", 1, True], ["b", None, 2.5]]) == ["a-1-true", "b-null-2.5"]

    def test_only_the_first_five_items_count_and_only_triples_among_them(self):
        items = [["x", "y"], ["a", "b", "c"]] + [["n", i, "z"] for i in range(6)]
        assert targeted_content(items) == ["a-b-c", "n-0-z", "n-1-z", "n-2-z"]

    @pytest.mark.parametrize("value", [None, "a-b-c", {"a": 1}])
    def test_anything_but_a_list_clears_it(self, value):
        assert targeted_content(value) == []


class TestPageValue:
    """listeners.page_value(page, kind): a page listener's arguments now"""

    def test_the_page_state_value_once_set(self):
        page = PageState()
        page.page_id, page.content_type, page.content_metadata = "7", "blog-post", {"a": 1}
        page.page_id_given = "7"
        assert [page_value(page, kind) for kind in ("page_id", "content_type", "metadata")] == [
            ["7"], ["blog-post"], [{"a": 1}]]

    @pytest.mark.parametrize("kind", ["page_id", "content_type", "metadata"])
    def test_none_while_unset_or_empty(self, kind):
        page = PageState()
        assert page_value(page, kind) is None
        page.content_type = ""
        assert page_value(page, kind) is None

    def test_every_listener_command_has_a_kind_the_listeners_know(self):
        from shim.core.listeners import Listeners
        assert set(KINDS.values()) == set(Listeners().by_kind)


class TestBeacons:
    """beacon.Beacons.make: suppression, the groups, the URL limit"""

    def make(self, beacons, pairs=None, url="https://www.example.com/p", merge=False):
        jar = CookieJar(lambda: 7)
        return beacons.make("/__ptq.gif", pairs or [("k", "1")], make_env(url=url), PageState(),
                            jar, merge)

    def beacons(self, portal="123", collector=None):
        return Beacons(portal, collector, "track.hubspot.com", ClientInfo(), lambda text: text)

    def test_a_beacon_goes_to_the_tracking_host_with_the_groups(self):
        beacon, reason = self.make(self.beacons())
        assert reason is None
        assert beacon.url.startswith("https://track.hubspot.com/__ptq.gif?k=1&v=1.1&a=123&")
        assert beacon.fields[-1] == ("cc", "15")

    def test_a_collector_replaces_the_host(self):
        beacon, _ = self.make(self.beacons(collector="http://127.0.0.1:8000"))
        assert beacon.url.startswith("http://127.0.0.1:8000/__ptq.gif?k=1&")

    def test_withdrawn_consent_is_sent_as_ce_and_cc(self):
        beacons = self.beacons()
        beacons.consent = NOTHING
        fields = self.make(beacons)[0].fields
        assert ("ce", "false") in fields and fields[-1] == ("cc", "1")

    def test_nothing_without_a_portal_and_the_reason_says_what_to_do(self):
        assert self.make(self.beacons(portal=None)) == (
            None, "no portal id: add data-portal-id to the script tag or push ['setPortalId', id]")

    def test_nothing_when_tracking_is_off(self):
        beacons = self.beacons()
        beacons.enabled = False
        assert self.make(beacons) == (None, "tracking is off (setTrackingEnabled(false))")

    def test_off_the_cookie_domains_nothing_when_limited(self):
        beacons = self.beacons()
        beacons.limit_to_cookie_domains = True
        beacon, reason = self.make(beacons)
        assert beacon is None and "matches no cookie domain" in reason

    def test_a_repeated_key_keeps_its_first_position_when_merged(self):
        fields = self.make(self.beacons(), [("v", "mine"), ("k", "3")], merge=True)[0].fields
        assert fields[:2] == [("v", "1.1"), ("k", "3")]

    def test_a_url_over_the_limit_is_refused_with_its_length(self):
        beacon, reason = self.make(self.beacons(), [("k", "1"), ("x", "y" * MAX_URL)])
        assert beacon is None and reason.endswith("over the limit of " + str(MAX_URL))
