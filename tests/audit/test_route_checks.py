"""The route-change rules and the journey's choices, without a browser: which URL changes
are route changes (shim.core.navigation's keys), which link a journey clicks next, and
route_checks.check_route over recorded facts: each defect gets its one code, a clean
route change none, whatever the paths and titles."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shim.audit.checks import CODES
from shim.audit.journeys import RouteFacts, history_kind
from shim.audit.route_checks import check_route, view_route, where
from shim.audit.urls import is_route_change, next_link, route_key
from shim.core.codec import encode_query
from shim.testing.beacons import Beacon

SITE = "https://www.example.com"
# Path segments and titles: anything a site may have, URL-safe for the segments.
segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
path = st.lists(segment, min_size=0, max_size=3).map(lambda parts: "/" + "/".join(parts))
query = st.one_of(st.just(""), segment.map(lambda s: "?q=" + s))
anchor = st.one_of(st.just(""), segment.map(lambda s: "#" + s))       # never '#/...'
title = st.text(max_size=40)


def view(url, title=None, po=None):
    """A page-view beacon as the tracking code sends it: po (setPath), pu, t."""
    pairs = [("k", "1"), ("a", "123")]
    if po is not None:
        pairs.append(("po", po))
    pairs.append(("pu", url))
    if title:
        pairs.append(("t", title))
    return "https://track.hubspot.com/__ptq.gif?" + encode_query(pairs)


def route(start, end, beacons=(), before="Home", after="Pricing", **facts):
    out = RouteFacts(start, {"href": end, "text": "Pricing"}, before, 1.0)
    out.to_url, out.changed, out.title_after, out.beacons = end, True, after, list(beacons)
    out.urls = [end]
    for key, value in facts.items():
        setattr(out, key, value)
    return out


def codes(found):
    return [p["code"] for p in found]


class TestRouteChanges:
    """urls.is_route_change and route_key: shim.core.navigation's location keys."""

    @given(path, query, anchor, anchor)
    def test_an_anchor_alone_is_never_a_route_change(self, p, q, a, b):
        assert not is_route_change(SITE + p + q + a, SITE + p + q + b)
        assert route_key(SITE + p + q + a) == route_key(SITE + p + q + b)

    @given(path, query, segment, segment)
    def test_hash_routes_are_route_changes(self, p, q, a, b):
        assume(a != b)
        assert is_route_change(SITE + p + q + "#/" + a, SITE + p + q + "#/" + b)
        assert route_key(SITE + p + q + "#/" + a) == SITE + (p if p != "/" else "/") + q + "#/" + a

    @given(path, path, query)
    def test_a_new_path_or_query_is_a_route_change(self, p, other, q):
        assert is_route_change(SITE + p, SITE + other + q) == (p != other or q != "")

    @given(path, query)
    def test_a_trailing_slash_alone_is_no_route_change(self, p, q):
        assert not is_route_change(SITE + p + q, SITE + p.rstrip("/") + "/" + q)

    def test_keys(self):
        assert route_key("https://www.example.com") == "https://www.example.com/"
        assert route_key("https://www.example.com/docs#install") == "https://www.example.com/docs"
        assert route_key("https://www.example.com/#!/a") == "https://www.example.com/#!/a"
        assert route_key("mailto:a@example.com") is None


def link(href, **facts):
    return dict({"href": href, "text": href, "target": "", "download": False}, **facts)


class TestNextLink:
    """urls.next_link: what a journey clicks next."""

    HERE = SITE + "/app"

    def test_a_link_to_another_route_first_then_one_to_this_route(self):
        links = [link(self.HERE + "#faq"), link(SITE + "/app/pricing")]
        assert next_link(links, self.HERE, set(), lambda url: True)["href"] == SITE + "/app/pricing"
        assert next_link(links, self.HERE, {SITE + "/app/pricing"}, lambda url: True)["href"] \
            == self.HERE + "#faq"

    def test_routes_the_budget_refuses_are_passed_over(self):
        links = [link(SITE + "/app/seen"), link(SITE + "/app/new")]
        chosen = next_link(links, self.HERE, set(), lambda url: not url.endswith("seen"))
        assert chosen["href"] == SITE + "/app/new"
        assert next_link(links, self.HERE, set(), lambda url: False) is None

    @pytest.mark.parametrize("refused", [
        link(SITE + "/app/x", target="_blank"), link(SITE + "/app/x", target="help"),
        link(SITE + "/app/x", download=True), link("https://other.example/app/x"),
        link("mailto:team@example.com"), link("javascript:void(0)"), link(SITE + "/app")])
    def test_never_a_new_window_a_download_another_site_or_this_very_url(self, refused):
        assert next_link([refused], self.HERE, set(), lambda url: True) is None

    @given(st.lists(st.fixed_dictionaries({
        "href": st.sampled_from([SITE + "/app", SITE + "/app/a", SITE + "/app#x", SITE + "/b?q",
                                 "https://other.example/", "mailto:x@y.z", "", "not a url"]),
        "target": st.sampled_from(["", "_self", "_top", "_blank", "name"]),
        "download": st.booleans()}), max_size=8), st.sets(st.just(SITE + "/app/a")))
    def test_whatever_the_page_holds_the_choice_stays_in_this_window_and_site(self, links, tried):
        chosen = next_link(links, self.HERE, tried, lambda url: True)
        if chosen is not None:
            assert chosen["href"].startswith(SITE + "/") and chosen["href"] != self.HERE
            assert chosen["target"] in ("", "_self", "_top") and not chosen["download"]
            assert chosen["href"] not in tried


class TestCheckRoute:
    """route_checks.check_route: one code per defect, whatever the routes and titles."""

    @given(path, path, title, title)
    def test_one_view_of_the_new_route_with_its_title_is_clean(self, a, b, before, after):
        assume(a != b)
        end = SITE + b
        found = check_route(route(SITE + a, end, [view(end, after, po=b)], before, after))
        assert found == []

    @given(path, path, title, title)
    def test_no_view_is_not_tracked(self, a, b, before, after):
        assume(a != b)
        [found] = check_route(route(SITE + a, SITE + b, [], before, after))
        assert found["code"] == "route-change-not-tracked"
        assert "from %s to %s" % (a, b) in found["message"]

    @given(path, path, st.integers(2, 4))
    def test_several_views_are_a_double_view(self, a, b, n):
        assume(a != b)
        end = SITE + b
        [found] = check_route(route(SITE + a, end, [view(end, "Pricing", po=b)] * n))
        assert found["code"] == "route-change-double-view"
        assert "sent %d page views for one route change" % n in found["message"]

    @given(path, path, st.booleans())
    def test_the_previous_routes_path_is_a_stale_url(self, a, b, with_set_path):
        assume(a != b)
        # trackPageView before setPath (po: the previous one), or before the URL changed.
        beacon = view(SITE + b, "Pricing", po=a) if with_set_path else view(SITE + a, "Pricing")
        [found] = check_route(route(SITE + a, SITE + b, [beacon]))
        assert found["code"] == "stale-route-url"
        assert "records the previous route's address (%s)" % a in found["message"]

    @given(path, path, title, title)
    def test_the_previous_routes_title_is_a_stale_title(self, a, b, before, after):
        assume(a != b and before != after)
        end = SITE + b
        [found] = check_route(route(SITE + a, end, [view(end, before, po=b)], before, after))
        assert found["code"] == "stale-route-title"
        assert found["evidence"]["beacons"][0]["path"] == b

    def test_a_view_with_the_previous_address_is_not_also_a_stale_title(self):
        found = check_route(route(SITE + "/a", SITE + "/b", [view(SITE + "/a", "Home")]))
        assert codes(found) == ["stale-route-url"]

    def test_a_hash_router_tracked_without_its_hash(self):
        end = SITE + "/#/pricing"
        [found] = check_route(route(SITE + "/", end, [view(end, "Pricing", po="/")]))
        assert found["code"] == "stale-route-url"
        assert "without its hash route" in found["message"] and "location.hash" in found["message"]
        [found] = check_route(route(SITE + "/", end, []))
        assert "location.hash" in found["message"]

    def test_a_query_dropped_from_the_path(self):
        end = SITE + "/pricing?plan=pro"
        [found] = check_route(route(SITE + "/pricing", end, [view(end, "Pricing", po="/pricing")],
                                    "Pricing", "Pricing"))
        assert "without its query string" in found["message"]

    def test_a_page_without_working_tracking_code_leaves_its_routes_unjudged(self):
        assert check_route(route(SITE + "/a", SITE + "/b", []), tracked=False) == []

    def test_an_error_or_a_route_that_never_settles_is_not_also_not_tracked(self):
        error = {"message": "TypeError: x is undefined\n  at render", "stack": "", "source": None}
        found = check_route(route(SITE + "/a", SITE + "/b", [], errors=[error]))
        assert codes(found) == ["route-change-error"]
        assert "throw an error (TypeError: x is undefined)" in found[0]["message"]
        stuck = route(SITE + "/a", SITE + "/b", [view(SITE + "/b", "B", po="/b")] * 2,
                      stuck="the address was still changing 15 s after the click")
        assert codes(check_route(stuck)) == ["route-change-stuck"]

    def test_a_click_that_threw_before_the_url_changed(self):
        failed = route(SITE + "/a", SITE + "/b", [], changed=False, title_after=None,
                       errors=[{"message": "", "stack": "", "source": None}])
        [found] = check_route(failed)
        assert found["code"] == "route-change-error"
        assert "(no message). The address did not change" in found["message"]

    def test_a_suppressed_view_is_reported_as_suppressed_not_as_missing(self):
        ignored = [{"entry": "trackPageView", "reason": "not sent: setTrackingEnabled(false)"}]
        found = check_route(route(SITE + "/a", SITE + "/b", [], ignored=ignored))
        assert codes(found) == ["tracking-suppressed"]

    def test_every_route_code_has_its_legend(self):
        for code in ("route-change-not-tracked", "route-change-double-view", "stale-route-url",
                     "stale-route-title", "route-change-error", "route-change-stuck"):
            assert code in CODES

    def test_a_views_route_is_its_set_path_else_its_address(self):
        assert view_route(Beacon(view(SITE + "/x?y=1", po="/set"))) == "/set"
        assert view_route(Beacon(view(SITE + "/x?y=1#faq"))) == "/x?y=1"
        assert view_route(Beacon(view(SITE + "/#/x"))) == "/#/x"
        assert where(SITE + "/a?b=1#/c") == "/a?b=1#/c"


def test_how_the_url_changed_is_the_last_same_document_navigation():
    assert history_kind([{"type": "push", "same": False}, {"type": "push", "same": True}]) \
        == "pushState"
    assert history_kind([{"type": "replace", "same": True}]) == "replaceState"
    assert history_kind([{"type": "push", "same": True, "hash": True}]) == "hash change"
    assert history_kind([]) is None and history_kind(None) is None
