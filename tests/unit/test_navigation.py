"""Single-page apps: which URL changes are page views, and the duplicate guard."""

import pytest

from shim.core.effects import Skip
from shim.core.navigation import location_key
from tests.unit.helpers import beacons, make_env, make_tracker, params

ORIGIN = "https://www.example.com"


class TestLocationKey:
    @pytest.mark.parametrize("url, key", [
        (ORIGIN + "/pricing?plan=pro", "/pricing?plan=pro"),
        (ORIGIN + "/pricing#faq", "/pricing"),                  # fragment of a non-hash router
        (ORIGIN + "/#/about", "/#/about"),                      # a hash route, as HubSpot documents
        (ORIGIN + "/app#!/settings?tab=2", "/app#!/settings?tab=2"),
        (ORIGIN, "/"),
        (ORIGIN + "?q=1", "/?q=1"),
    ])
    def test_keys(self, url, key):
        assert location_key(url) == key


def loaded(url=ORIGIN + "/start", entries=(), **kwargs):
    tracker = make_tracker(**kwargs)
    effects = tracker.load(list(entries), make_env(url=url))
    return tracker, effects


class TestNavigated:
    """Tracker.navigated(): the automatic history mode's decision."""

    @pytest.mark.parametrize("url, tracked", [
        (ORIGIN + "/next", "/next"),
        (ORIGIN + "/start?page=2", "/start?page=2"),            # query-only: a page view
        (ORIGIN + "/start#section-2", None),                    # fragment-only: not one
        (ORIGIN + "/start", None),                              # replaceState to the same URL
        (ORIGIN + "/#/about", "/#/about"),
    ])
    def test_which_changes_are_page_views(self, url, tracked):
        tracker, _ = loaded()
        views = beacons(tracker.navigated(make_env(url=url)))
        assert [params(v)["po"] for v in views] == ([tracked] if tracked else [])

    def test_po_rpo_and_pu_follow_the_navigation(self):
        tracker, _ = loaded()
        tracker.navigated(make_env(url=ORIGIN + "/a"))
        [view] = beacons(tracker.navigated(make_env(url=ORIGIN + "/b?x=1")))
        got = params(view)
        assert (got["po"], got["rpo"], got["pu"]) == ("/b?x=1", "/a", ORIGIN + "/b?x=1")

    def test_back_to_a_tracked_location_is_a_new_view(self):
        tracker, _ = loaded()
        tracker.navigated(make_env(url=ORIGIN + "/a"))
        assert len(beacons(tracker.navigated(make_env(url=ORIGIN + "/start")))) == 1


class TestDuplicateGuard:
    """navigation.DuplicateGuard: only an exact repeat of the load's first view goes."""

    def guarded(self, **kwargs):
        return loaded(duplicate_guard=True, **kwargs)

    def test_a_bare_repeat_right_after_load_is_dropped_and_counted(self):
        tracker, _ = self.guarded()
        effects = tracker.push(["trackPageView"], make_env(url=ORIGIN + "/start"))[1]
        assert beacons(effects) == []
        [dropped] = [e for e in effects if type(e) is Skip]
        assert dropped.kind == "duplicate" and "exact repeat" in dropped.reason

    def test_a_view_queued_before_the_script_makes_the_automatic_one_a_repeat(self):
        _, effects = self.guarded(entries=[["trackPageView"]])
        assert len(beacons(effects)) == 1

    @pytest.mark.parametrize("change", [
        ["setPath", "/start"], ["identify", {"email": "a@b.co"}], ["resetVisitor"],
        ["setContentType", "blog-post"], ["setPageId", "7"], ["setCanonicalUrl", "https://c.example/"],
    ])
    def test_anything_that_changes_the_beacon_makes_it_a_real_view(self, change):
        tracker, _ = self.guarded()
        env = make_env(url=ORIGIN + "/start")
        tracker.push(change, env)
        assert len(beacons(tracker.push(["trackPageView"], env)[1])) == 1

    def test_another_url_or_title_is_a_real_view(self):
        tracker, _ = self.guarded()
        assert len(beacons(tracker.push(["trackPageView"], make_env(url=ORIGIN + "/next"))[1])) == 1
        tracker, _ = self.guarded()
        env = make_env(url=ORIGIN + "/start", title="Other")
        assert len(beacons(tracker.push(["trackPageView"], env)[1])) == 1

    def test_reset_visitor_then_a_view_sends_the_new_visitor_with_rv(self):
        tracker, _ = self.guarded()
        env = make_env(url=ORIGIN + "/start")
        old = tracker.jar.visitor.utk
        tracker.push(["resetVisitor"], env)
        [view] = beacons(tracker.push(["trackPageView"], env)[1])
        assert params(view)["rv"] == "1" and params(view)["vi"] != old

    def test_only_the_next_view(self):
        tracker, _ = self.guarded()
        env = make_env(url=ORIGIN + "/start")
        assert len(beacons(tracker.push(["trackPageView"], make_env(url=ORIGIN + "/x"))[1])) == 1
        assert len(beacons(tracker.push(["trackPageView"], env)[1])) == 1

    def test_the_guard_closes_two_seconds_after_load(self):
        tracker, _ = self.guarded()
        later = make_env(url=ORIGIN + "/start", now_ms=make_env().now_ms + 2001)
        assert len(beacons(tracker.push(["trackPageView"], later)[1])) == 1

    def test_it_can_be_turned_off(self):
        _, effects = loaded(entries=[["trackPageView"]], duplicate_guard=False)
        assert len(beacons(effects)) == 2
