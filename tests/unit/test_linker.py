"""Cross-domain linking (issue 15, item 1; spec §3.2 enableAutomaticLinker, §5.2): the
visitor adopted from `__hstc`/`__hssc` in the page URL, and links to the other cookie
domains decorated with them (shim.core.linker, Tracker.link)."""

import pytest
from hypothesis import example, given, strategies as st

from shim.core.domain import domain_hash
from shim.core.effects import Log, SetCookie, Skip
from shim.core.linker import FRESH_MS, decorate, link_params, split_link
from tests.unit.helpers import beacons, make_env, make_tracker, params

NOW = 1_700_000_000_000
MINUTE = 60_000
DOMAINS = ["example.com", "example.org"]
COM = domain_hash(".example.com")               # 114212440
ORG = domain_hash(".example.org")
TOKEN = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"
B_URL = "https://www.example.org/landing"


def link_values(start=NOW - 5 * MINUTE, views=3, number=2, hash_=COM, token=TOKEN,
                initial=NOW - 9 * 86_400_000):
    """What a visitor on www.example.com carries: (hstc, hssc)."""
    hstc = "%d.%s.%d.%d.%d.%d" % (hash_, token, initial, initial, start, number)
    return hstc, "%d.%d.%d" % (hash_, views, start)


def arrival_url(hstc, hssc, hsfp="", base=B_URL + "?utm_source=a"):
    return base + "&__hstc=" + hstc + "&__hssc=" + hssc + "&__hsfp=" + hsfp


def arrive(url, cookies="", now_ms=NOW, **kwargs):
    """Load a page on www.example.org at `url`: (tracker, effects, its page view's params)."""
    kwargs.setdefault("cookie_domains", DOMAINS)
    tracker = make_tracker(**kwargs)
    effects = tracker.load([], make_env(url=url, now_ms=now_ms), cookies)
    views = beacons(effects)
    return tracker, effects, params(views[0]) if views else None


def skips(effects):
    return [e.reason for e in effects if type(e) is Skip and e.entry == "__hstc"]


def visitor_cookies(effects):
    return {e.name: e.value for e in effects if type(e) is SetCookie and e.value
            and e.name in ("__hstc", "__hssc", "hubspotutk")}


class TestArriving:
    """The visitor in the page URL's __hstc/__hssc, adopted by the jar's set-up"""

    def test_a_fresh_link_from_a_configured_domain_continues_visitor_and_session(self):
        hstc, hssc = link_values()
        tracker, effects, view = arrive(arrival_url(hstc, hssc))
        start = NOW - 5 * MINUTE
        initial = NOW - 9 * 86_400_000
        assert (view["vi"], view["nc"]) == (TOKEN, "false")
        # Same visitor, timestamps and session number; one view more in the same session;
        # stored under this domain's hash.
        assert view["u"] == "%d.%s.%d.%d.%d.2" % (ORG, TOKEN, initial, initial, start)
        assert view["b"] == "%d.4.%d" % (ORG, start)
        assert visitor_cookies(effects) == {"__hstc": view["u"], "hubspotutk": TOKEN,
                                            "__hssc": view["b"]}
        assert skips(effects) == []

    def test_the_link_wins_over_another_visitor_in_the_cookies(self):
        hstc, hssc = link_values()
        own = link_values(token=OTHER, hash_=ORG, start=NOW - 60 * MINUTE)
        cookies = "__hstc=%s; __hssc=%s; __hssrc=1; hubspotutk=%s" % (own[0], own[1], OTHER)
        view = arrive(arrival_url(hstc, hssc), cookies)[2]
        assert view["vi"] == TOKEN

    def test_a_reload_of_the_arrival_url_keeps_counting_from_the_cookies(self):
        hstc, hssc = link_values(views=3)
        first_tracker, first_effects, first = arrive(arrival_url(hstc, hssc))
        cookies = visitor_cookies(first_effects)
        header = "__hstc=%s; __hssc=%s; __hssrc=1" % (cookies["__hstc"], cookies["__hssc"])
        second = arrive(arrival_url(hstc, hssc), header, now_ms=NOW + MINUTE)[2]
        assert second["vi"] == TOKEN and second["b"].split(".")[1] == "5"

    def test_a_stale_link_is_recorded_and_a_new_visitor_starts(self):
        hstc, hssc = link_values(start=NOW - FRESH_MS - 1)
        tracker, effects, view = arrive(arrival_url(hstc, hssc))
        assert view["vi"] != TOKEN and view["nc"] == "true"
        [reason] = skips(effects)
        assert reason.startswith("cross-domain parameters not adopted: stale: the session in "
                                 "the link started 30 minutes ago")

    def test_a_link_at_the_edge_of_the_window_is_adopted(self):
        hstc, hssc = link_values(start=NOW - FRESH_MS)
        assert arrive(arrival_url(hstc, hssc))[2]["vi"] == TOKEN

    @pytest.mark.parametrize("start, adopted", [(NOW + MINUTE, True), (NOW + MINUTE + 1, False)])
    def test_a_session_from_the_future_is_refused_beyond_a_minute(self, start, adopted):
        hstc, hssc = link_values(start=start)
        tracker, effects, view = arrive(arrival_url(hstc, hssc))
        assert (view["vi"] == TOKEN) is adopted
        assert skips(effects) == ([] if adopted else [
            "cross-domain parameters not adopted: the session in the link starts in the future"])

    @pytest.mark.parametrize("url, reason", [
        (B_URL + "?__hstc=" + link_values()[0], "__hssc is missing"),
        (B_URL + "?__hssc=" + link_values()[1] + "&__hsfp=", "__hstc is missing"),
        (arrival_url("1.2.3", link_values()[1]), "__hstc is malformed"),
        (arrival_url(link_values()[0], "%d.0.%d" % (COM, NOW)), "__hssc is malformed"),
        (arrival_url(*link_values(), hsfp="<script>"), "__hsfp is malformed"),
        (arrival_url(link_values()[0] + "1" * 200, link_values()[1]),
         "__hstc is oversized (" + str(len(link_values()[0]) + 200) + " characters, at most 200)"),
        (arrival_url(*link_values(), hsfp="a" * 65), "__hsfp is oversized (65 characters, at most 64)"),
        (arrival_url(link_values()[0], link_values(hash_=ORG)[1]),
         "tampered: __hstc and __hssc carry different domain hashes"),
        (arrival_url(*link_values(initial=NOW)), "tampered: the timestamps are out of order"),
        (arrival_url(*link_values(hash_=domain_hash(".example.net"))),
         "the domain hash %d is not that of a configured cookie domain" % domain_hash(".example.net")),
        (arrival_url(*link_values()) + "&__hstc=" + link_values()[0], "__hstc appears more than once"),
    ])
    def test_bad_parameters_are_recorded_and_change_nothing(self, url, reason):
        tracker, effects, view = arrive(url)
        assert skips(effects) == ["cross-domain parameters not adopted: " + reason]
        assert view["vi"] != TOKEN and view["nc"] == "true"

    def test_debug_mode_logs_why_a_link_was_not_adopted(self):
        hstc, hssc = link_values(start=NOW - 2 * FRESH_MS)
        tracker, effects, view = arrive(arrival_url(hstc, hssc), debug=True)
        assert [e.message for e in effects if type(e) is Log
                and e.message.startswith("ignored __hstc: ")] == [
            "ignored __hstc: cross-domain parameters not adopted: stale: the session in the "
            "link started 60 minutes ago (links are adopted for 30 minutes after the session "
            "starts)"]

    def test_the_hash_must_be_of_a_domain_this_page_configures(self):
        hstc, hssc = link_values()
        tracker, effects, view = arrive(arrival_url(hstc, hssc), cookie_domains=["example.org"])
        assert view["vi"] != TOKEN and len(skips(effects)) == 1

    def test_a_url_without_parameters_records_nothing(self):
        tracker, effects, view = arrive(B_URL + "?__hs=1&x=__hstc#__hstc=1")
        assert skips(effects) == [] and view["nc"] == "true"

    def test_without_consent_the_adopted_visitor_is_kept_in_memory_until_granted(self):
        hstc, hssc = link_values()
        tracker, effects, view = arrive(arrival_url(hstc, hssc), policy="OPT_IN")
        assert view["vi"] == TOKEN and visitor_cookies(effects) == {}
        granted = tracker.push_privacy(["setHubSpotConsent", {"analytics": True}],
                                       make_env(url=B_URL, now_ms=NOW))[1]
        assert visitor_cookies(granted)["hubspotutk"] == TOKEN

    @given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=80))
    def test_any_parameter_text_is_refused_or_adopted_without_raising(self, hstc, hssc, hsfp):
        url = B_URL + "?__hstc=" + hstc + "&__hssc=" + hssc + "&__hsfp=" + hsfp
        tracker, effects, view = arrive(url)
        assert view is not None                 # the page view still goes out
        assert len(skips(effects)) == 1 or view["vi"] == hstc.split(".")[1]

    @given(st.integers(0, 80), st.sampled_from("0123456789abcdef.x-"))
    def test_one_tampered_character_is_refused_unless_still_valid(self, at, char):
        hstc, hssc = link_values()
        text = hstc + "|" + hssc
        at = at % len(text)
        if text[at] == "|":
            return
        text = text[:at] + char + text[at + 1:]
        tampered_hstc, tampered_hssc = text.split("|")
        tracker, effects, view = arrive(arrival_url(tampered_hstc, tampered_hssc))
        if skips(effects):
            assert view["vi"] != tampered_hstc.split(".")[1] or tampered_hstc.count(".") != 5
        else:
            # Still HubSpot's format, from a configured domain, fresh: the link's visitor.
            assert view["vi"] == tampered_hstc.split(".")[1]
            assert int(tampered_hssc.split(".")[2]) >= NOW - FRESH_MS


def linker_tracker(*entries, url="https://www.example.com/pricing", **kwargs):
    kwargs.setdefault("cookie_domains", DOMAINS)
    tracker = make_tracker(**kwargs)
    tracker.load([["enableAutomaticLinker", True]] + list(entries),
                 make_env(url=url, now_ms=NOW), "")
    return tracker


class TestLeaving:
    """Tracker.link: the URL a link activated on the page should follow"""

    def test_a_link_to_another_cookie_domain_carries_the_visitor(self):
        tracker = linker_tracker()
        visitor = tracker.jar.visitor
        url = tracker.link("https://www.example.org/shop?item=5#top",
                           "https://www.example.com/pricing")
        assert url == ("https://www.example.org/shop?item=5&__hstc=" + visitor.hstc()
                       + "&__hssc=" + visitor.hssc() + "&__hsfp=#top")

    @pytest.mark.parametrize("href", [
        "https://shop.example.com/cart",            # the same cookie domain: cookies shared
        "https://www.example.com/about",
        "https://www.example.net/",                 # not a configured domain
        "https://example.org.evil.test/",
        "mailto:sales@example.org",
        "javascript:void(0)",
        "ftp://www.example.org/file",
        "/relative",
        "",
    ])
    def test_links_elsewhere_are_left_alone(self, href):
        assert linker_tracker().link(href, "https://www.example.com/pricing") is None

    def test_nothing_is_decorated_without_enable_automatic_linker(self):
        tracker = make_tracker(cookie_domains=DOMAINS)
        tracker.load([], make_env(now_ms=NOW), "")
        assert tracker.link("https://www.example.org/", "https://www.example.com/") is None

    def test_enable_automatic_linker_false_turns_it_off(self):
        tracker = linker_tracker(["enableAutomaticLinker", False])
        assert tracker.link("https://www.example.org/", "https://www.example.com/") is None

    def test_it_is_a_command_not_an_ignored_internal_one(self):
        tracker = make_tracker(cookie_domains=DOMAINS)
        effects = tracker.load([["enableAutomaticLinker"]], make_env(now_ms=NOW), "")
        assert [e for e in effects if type(e) is Skip] == []
        assert tracker.link("https://www.example.org/", "https://www.example.com/") is not None

    def test_only_with_analytics_consent(self):
        tracker = linker_tracker(policy="OPT_IN")
        assert tracker.link("https://www.example.org/", "https://www.example.com/") is None
        tracker.push_privacy(["setHubSpotConsent", {"analytics": True}], make_env(now_ms=NOW))
        assert tracker.link("https://www.example.org/", "https://www.example.com/") is not None

    def test_not_under_do_not_track(self):
        tracker = linker_tracker(["doNotTrack"])
        assert tracker.link("https://www.example.org/", "https://www.example.com/") is None

    def test_a_page_outside_every_cookie_domain_decorates_links_into_them(self):
        tracker = linker_tracker(url="http://localhost:8000/")
        assert tracker.link("https://www.example.com/", "http://localhost:8000/") is not None

    def test_the_decorated_link_is_adopted_on_the_other_domain(self):
        tracker = linker_tracker()
        url = tracker.link("https://www.example.org/landing?x=1", "https://www.example.com/")
        there = arrive(url, now_ms=NOW + 2 * MINUTE)[2]
        assert there["vi"] == tracker.jar.visitor.utk and there["nc"] == "false"
        assert there["b"].split(".")[1:] == ["2", str(NOW)]


QUERY_TEXT = st.text(alphabet="ab=&%+_-.~!*'()/?:@;,$ \u00e9", max_size=30)
PATHS = st.sampled_from(["", "/", "/a/b", "/a;b", "/%7Euser/"])


class TestDecorate:
    """linker.decorate: the link's own query and fragment kept"""

    @given(st.sampled_from(["https://", "http://", "HTTPS://"]), st.sampled_from(
        ["www.example.org", "user:pw@www.example.org:8443", "[::1]"]), PATHS,
        st.none() | QUERY_TEXT, st.none() | st.text(max_size=30))
    @example("https://", "www.example.org", "", "&&", None)    # decorated twice, one `&` was lost
    def test_base_query_and_fragment_survive(self, scheme, host, path, query, fragment):
        href = scheme + host + path
        href += "" if query is None else "?" + query
        href += "" if fragment is None else "#" + fragment
        hstc, hssc = link_values()
        url = decorate(href, hstc, hssc)
        base, own, tail = split_link(href)
        new_base, new_query, new_tail = split_link(url)
        assert (new_base, new_tail) == (base, tail)
        found, problem = link_params(url)
        assert problem is None and found == {"__hstc": hstc, "__hssc": hssc, "__hsfp": ""}
        kept = [p for p in (own or "").split("&") if p.split("=")[0] not in found]
        assert [p for p in new_query.split("&")[:-3] if p] == [p for p in kept if p]
        assert new_query.startswith((own or "").rstrip("&")) or "__hs" in (own or "")
        assert decorate(url, hstc, hssc) == url             # idempotent

    def test_parameters_already_there_are_replaced_not_repeated(self):
        url = decorate("https://www.example.org/?__hstc=old&a=1&__hsfp=x#f", "H", "S")
        assert url == "https://www.example.org/?a=1&__hstc=H&__hssc=S&__hsfp=#f"

    @pytest.mark.parametrize("href, expected", [
        ("https://b.example.org", "https://b.example.org?__hstc=H&__hssc=S&__hsfp="),
        ("https://b.example.org/?", "https://b.example.org/?__hstc=H&__hssc=S&__hsfp="),
        ("https://b.example.org/?a=1&", "https://b.example.org/?a=1&__hstc=H&__hssc=S&__hsfp="),
        ("https://b.example.org/?a=1&&", "https://b.example.org/?a=1&__hstc=H&__hssc=S&__hsfp="),
        ("https://b.example.org/?&&", "https://b.example.org/?__hstc=H&__hssc=S&__hsfp="),
        ("https://b.example.org/?&a&&b", "https://b.example.org/?&a&&b&__hstc=H&__hssc=S&__hsfp="),
        ("https://b.example.org/#/r?x=1", "https://b.example.org/?__hstc=H&__hssc=S&__hsfp=#/r?x=1"),
    ])
    def test_url_shapes(self, href, expected):
        assert decorate(href, "H", "S") == expected
