"""shim.core.tracker.Tracker: `_hsq` semantics, facts in, effects out."""

from hypothesis import given, settings, strategies as st

from shim.core.commands import PageFunction
from shim.core.effects import CallPageFunction, Log, SendBeacon, SetCookie, SetUserToken, Skip
from tests.unit.helpers import URL, beacons, make_env, make_tracker, params
from tests.unit.test_commands import json_values


class TestLoad:
    """Tracker.load(): the pre-load queue, in HubSpot's order, then the automatic view."""

    def test_queued_set_path_and_identify_ride_on_the_automatic_page_view(self):
        effects = make_tracker().load(
            [["setPath", "/pre?x=1"], ["identify", {"email": "a@b.co"}]], make_env())
        [view] = beacons(effects)
        assert view.url.startswith("https://track.hubspot.com/__ptq.gif?k=1&")
        assert "&po=%2Fpre%3Fx%3D1&" in view.url
        assert "&i=email%3Da%2540b.co&" in view.url          # double-encoded
        got = params(view)
        assert got["a"] == "123" and got["pu"] == URL and got["t"] == "Pricing"
        assert got["po"] == "/pre?x=1" and got["i"] == "email=a%40b.co"

    def test_parameters_are_in_hubspots_order(self):
        env = make_env(referrer="https://ref.example/", canonical_url="https://c.example/")
        tracker = make_tracker()
        tracker.load([["setPath", "/a"], ["setPath", "/b"], ["identify", {"email": "x@y.z"}]], env)
        [view] = beacons(tracker.push(["trackPageView"], env)[1])
        assert [k for k, _ in view.fields] == [
            "k", "sd", "cd", "cs", "ln", "v", "a", "po", "rpo", "rcu", "r", "pu", "t", "cts",
            "i", "vi", "nc", "u", "b", "cc"]

    def test_priority_entries_run_before_the_view_even_when_pushed_after_it(self):
        """A user's trackPageView queued before load is a second view (HubSpot's duplicate)."""
        effects = make_tracker().load([["trackPageView"], ["setPath", "/late"]], make_env())
        assert [params(b)["po"] for b in beacons(effects)] == ["/late", "/late"]

    def test_unknown_and_malformed_entries_are_reported_and_do_not_stop_the_rest(self):
        effects = make_tracker().load(
            ["junk", ["noSuchMethod", 1], ["setPath", {}], None, ["setPath", "/ok"]], make_env())
        assert [params(b)["po"] for b in beacons(effects)] == ["/ok"]
        assert [e.reason for e in effects if type(e) is Skip] == [
            "not an array or a function", "unknown method",
            "argument 1 must be a string path, got object(0 keys)", "not an array or a function"]

    def test_without_a_portal_id_no_beacon_is_sent_and_the_reason_is_reported(self):
        effects = make_tracker(portal_id=None).load([], make_env())
        assert beacons(effects) == []
        assert [e.entry for e in effects if type(e) is Skip] == ["trackPageView"]

    def test_set_portal_id_in_the_queue_supplies_the_portal(self):
        effects = make_tracker(portal_id=None).load([["setPortalId", 456]], make_env())
        assert params(beacons(effects)[0])["a"] == "456"


class TestPush:
    """Tracker.push(): one command at once, after load."""

    def test_set_path_then_track_page_view_sends_po_and_rpo(self):
        tracker = make_tracker()
        tracker.load([["setPath", "/first"]], make_env())
        assert tracker.push(["setPath", "/b"], make_env()) == (None, [])
        [view] = beacons(tracker.push(["trackPageView"], make_env())[1])
        assert params(view)["po"] == "/b" and params(view)["rpo"] == "/first"

    def test_identify_merges_shallowly_and_rides_on_every_later_beacon(self):
        tracker = make_tracker()
        tracker.load([], make_env())
        tracker.push(["identify", {"email": "a@b.co", "firstname": "A"}], make_env())
        tracker.push(["identify", {"firstname": "B", "id": 7}], make_env())
        for _ in range(2):
            [view] = beacons(tracker.push(["trackPageView"], make_env())[1])
            assert params(view)["i"] == "email=a%40b.co&firstname=B&id=7"

    def test_identify_values_serialise_as_hubspot_does(self):
        tracker = make_tracker()
        tracker.load([], make_env())
        tracker.push(["identify", {"n": 5.0, "ok": True, "no": None, "tags": ["a", "b"],
                                   "obj": {"x": 1}, "name": "a b+c"}], make_env())
        [view] = beacons(tracker.push(["trackPageView"], make_env())[1])
        assert params(view)["i"] == ("n=5&ok=true&no=null&tags=a&tags=b"
                                     "&obj=%5Bobject+Object%5D&name=a+b%2Bc")

    def test_set_tracking_domain_changes_the_beacon_host(self):
        tracker = make_tracker()
        tracker.push(["setTrackingDomain", "track-eu1.hubspot.com"], make_env())
        [view] = beacons(tracker.push(["trackPageView"], make_env())[1])
        assert view.url.startswith("https://track-eu1.hubspot.com/__ptq.gif?")

    def test_a_collector_base_url_wins_over_the_tracking_domain(self):
        tracker = make_tracker(collector="http://127.0.0.1:9000")
        tracker.push(["setTrackingDomain", "track.hubspot.com"], make_env())
        [view] = beacons(tracker.push(["trackPageView"], make_env())[1])
        assert view.url.startswith("http://127.0.0.1:9000/__ptq.gif?k=1&")

    def test_title_of_a_dash_and_empty_referrer_are_left_out(self):
        tracker = make_tracker()
        [view] = beacons(tracker.push(["trackPageView"], make_env(title="-"))[1])
        assert "t" not in params(view) and "r" not in params(view)

    def test_function_entry_is_handed_back_to_the_adapter(self):
        fn = object()
        assert make_tracker().push(PageFunction(fn), make_env())[1] == [CallPageFunction(fn, "")]

    def test_debug_mode_logs_commands_ignored_entries_and_beacons(self):
        tracker = make_tracker()
        tracker.push(["setDebugMode", True], make_env())
        logs = [e.message for e in tracker.push(["nope"], make_env())[1] if type(e) is Log]
        assert logs == ["ignored nope: unknown method"]
        logs = [e.message for e in tracker.push(["trackPageView"], make_env())[1] if type(e) is Log]
        assert logs[0] == "trackPageView array(0)" and logs[1].startswith("beacon /__ptq.gif k=1 ")

    def test_the_visitor_token_is_32_hex_from_the_injected_random_source(self):
        [view] = beacons(make_tracker().push(["trackPageView"], make_env())[1])
        assert params(view)["vi"] == "00000001000000020000000300000004"
        assert params(view)["nc"] == "true"


@settings(max_examples=200)
@given(st.lists(json_values, max_size=12), st.lists(json_values, max_size=12))
def test_no_input_makes_the_tracker_raise(queued, pushed):
    """Whatever the page queues or pushes, load/push return effects and never raise."""
    tracker = make_tracker()
    effects = tracker.load(queued, make_env())
    for entry in pushed:
        effects += tracker.push(entry, make_env())[1]
    assert all(type(e) in (SendBeacon, Skip, Log, CallPageFunction, SetCookie, SetUserToken)
               for e in effects)
    assert len(beacons(effects)) >= 1                 # the automatic view always goes out


class TestStateOnlyCommands:
    """commands.STATE_ONLY: the adapter skips reading the page for these, so they must
    never read `env` (here: env=None would raise if they did)."""

    def test_they_run_without_page_facts(self):
        from shim.core.commands import PageFunction, STATE_ONLY
        args = {"setPath": ["/x"], "identify": [{"email": "a@b.co"}], "setContentType": ["t"],
                "setCanonicalUrl": ["https://c/"], "setPageId": ["1"],
                "setContentMetadata": [{"contentGroupId": 1}],
                "setTargetedContentMetadata": [[[1, 2, 3]]], "setPortalId": [5],
                "setTrackingDomain": ["t.example.com"], "setTrackingEnabled": [True],
                "setLimitTrackingToCookieDomains": [False], "addCookieDomain": ["example.com"],
                "setCookiesToSubdomain": [False], "enableSecureCookie": [],
                "refreshPageHandlers": [], "trackClick": ["#a", "e"]}
        tracker = make_tracker()
        tracker.load([], make_env())
        for name in STATE_ONLY:
            entry = [name] + args.get(name, [PageFunction(object())])
            _, effects = tracker.push(entry, None)
            assert all(type(e) is not Skip for e in effects), (name, effects)
