"""Visitor and session cookies exactly as HubSpot keeps them (spec §5)."""

from email.utils import formatdate

import pytest
from hypothesis import given, strategies as st

from shim.core.beacon import with_shown_cookies
from shim.core.codec import encode_component
from shim.core.cookies import SESSION_MS, VISITOR_MS, cookie_header, http_date, parse_cookies
from shim.core.domain import cookie_domain, domain_hash, extract_domain
from shim.core.effects import SetCookie
from shim.core.visitor import parse_hssc, parse_hstc, visitor_from_cookies
from shim.testing.codec import decode_query, split_url
from tests.unit.helpers import counting_rand32, make_env, make_tracker, params, beacons

NOW = 1_700_000_000_000
UTK = "75d0249612114fbb19382a1e0ef233ce"
HASH = domain_hash(".example.com")


class TestDomainHash:
    """domain_hash(): the published test vectors."""

    @pytest.mark.parametrize("domain, expected", [
        (".twk.de", 9267242), (".uniorg.de", 226818242), (".hubspot.com", 20629287),
        (".example.com", 114212440)])
    def test_vectors(self, domain, expected):
        assert domain_hash(domain) == expected

    @pytest.mark.parametrize("host, domain", [
        ("www.example.com", ".example.com"), ("a.b.example.com", ".b.example.com"),
        ("example.com", ".example.com"), ("www.example.co.uk", ".example.co.uk")])
    def test_extract_domain_drops_only_the_first_label(self, host, domain):
        assert extract_domain(host) == domain

    @given(st.text(st.characters(max_codepoint=127), max_size=80))
    def test_ascii_domains_hash_to_a_js_safe_non_negative_integer(self, text):
        """Host names reach the hash as ASCII (browsers give punycode); the result stays
        below 2**31, so JavaScript's 32-bit shifts in HubSpot's code agree with ours."""
        assert 0 <= domain_hash(text) < 2 ** 29


class TestCookieDomain:
    """cookie_domain(): the shortest configured domain the host ends with."""

    def test_shortest_match_wins(self):
        assert cookie_domain("www.shop.example.com", [".shop.example.com", ".example.com"],
                             False) == ".example.com"

    def test_no_match_or_subdomain_mode_is_host_only(self):
        assert cookie_domain("www.example.com", [".other.com"], False) == ""
        assert cookie_domain("www.example.com", [".example.com"], True) == ""


class TestCookieStrings:
    @given(st.integers(min_value=0, max_value=253402300799999))
    def test_http_date_matches_the_standard_library(self, ms):
        assert http_date(ms) == formatdate(ms // 1000, usegmt=True)

    def test_header_shape(self):
        assert cookie_header("__hssc", "1.2.3", 1000, ".example.com", True) == (
            "__hssc=1.2.3;expires=Thu, 01 Jan 1970 00:00:01 GMT;path=/;domain=.example.com;"
            "SameSite=Lax;secure")
        assert cookie_header("__hssrc", "1") == "__hssrc=1;path=/;SameSite=Lax"

    @given(st.text(max_size=200))
    def test_any_document_cookie_parses(self, header):
        assert isinstance(parse_cookies(header), dict)

    def test_first_duplicate_wins(self):
        assert parse_cookies("a=1; b=2; a=3") == {"a": "1", "b": "2"}


def hstc(utk=UTK, initial=NOW - 5000, previous=NOW - 4000, current=NOW - 3000, n=2, h=HASH):
    return "%s.%s.%s.%s.%s.%s" % (h, utk, initial, previous, current, n)


class TestVisitorAlgorithm:
    """visitor_from_cookies(): spec §5.4, step by step."""

    def visitor(self, cookies):
        return visitor_from_cookies(cookies, NOW, counting_rand32(), HASH)

    def test_new_visitor(self):
        v = self.visitor({})
        assert (v.is_new, v.session_number, v.views) == (True, 1, 1)
        assert v.hstc() == "%s.%s.%s.%s.%s.1" % (HASH, v.utk, NOW, NOW, NOW)
        assert v.hssc() == "%s.1.%s" % (HASH, NOW)

    def test_returning_visitor_in_the_same_session_counts_a_view(self):
        v = self.visitor({"__hstc": hstc(), "__hssrc": "1", "__hssc": "%s.4.%s" % (HASH, NOW - 3000)})
        assert (v.is_new, v.utk, v.views, v.session_number) == (False, UTK, 5, 2)
        assert v.hstc() == hstc()

    def test_returning_visitor_new_session_rotates_timestamps(self):
        """No __hssc (expired after 30 minutes) or no __hssrc (browser restarted)."""
        for cookies in ({"__hstc": hstc()}, {"__hstc": hstc(), "__hssc": "%s.4.%s" % (HASH, NOW)}):
            v = self.visitor(cookies)
            assert v.hstc() == hstc(previous=NOW - 3000, current=NOW, n=3)
            assert (v.views, v.session_start) == (1, NOW)

    def test_the_stored_hash_is_recomputed_not_trusted(self):
        v = self.visitor({"__hstc": hstc(h=1), "__hssrc": "1", "__hssc": "1.4.%s" % NOW})
        assert v.hstc().startswith(str(HASH) + ".") and v.hssc().startswith(str(HASH) + ".")

    def test_legacy_bare_hubspotutk_is_adopted_but_counts_as_new(self):
        v = self.visitor({"hubspotutk": UTK})
        assert (v.utk, v.is_new) == (UTK, True)

    @pytest.mark.parametrize("bad", [
        hstc(utk="XYZ"), hstc(n=0), hstc(current=NOW + 10 * 86400000), hstc() + ".7",
        hstc().replace(".", ";", 1), hstc(utk=UTK + "\n"), "x" * 10240, "", "9.9.9.9.9.9",
        hstc(initial="１２３"),
    ])
    def test_tampered_hstc_counts_as_absent_and_is_replaced(self, bad):
        assert parse_hstc(bad, NOW) is None
        v = self.visitor({"__hstc": bad})
        assert v.is_new and v.utk != UTK

    @given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=300))
    def test_any_cookie_values_give_a_well_formed_visitor(self, a, b, c):
        v = self.visitor({"__hstc": a, "__hssc": b, "__hssrc": "1", "hubspotutk": c})
        assert parse_hstc(v.hstc(), NOW) is not None and parse_hssc(v.hssc(), NOW) is not None

    @given(st.integers(min_value=1, max_value=10 ** 6), st.integers(min_value=1, max_value=10 ** 5))
    def test_session_round_trip(self, session_number, views):
        v = self.visitor({"__hstc": hstc(n=session_number), "__hssrc": "1",
                          "__hssc": "%s.%s.%s" % (HASH, views, NOW - 1)})
        assert (v.session_number, v.views) == (session_number, views + 1)


class TestTrackerCookies:
    """The tracker writes the four cookies once per page load and sends u/b/vi/nc."""

    def test_first_visit_writes_four_cookies_with_current_lifetimes(self):
        effects = make_tracker().load([], make_env(), "")
        cookies = {e.name: e for e in effects if type(e) is SetCookie}
        assert sorted(cookies) == ["__hssc", "__hssrc", "__hstc", "hubspotutk"]
        assert http_date(NOW + VISITOR_MS) in cookies["__hstc"].header
        assert http_date(NOW + SESSION_MS) in cookies["__hssc"].header
        assert "expires" not in cookies["__hssrc"].header
        [view] = beacons(effects)
        got = params(view)
        assert got["nc"] == "true" and got["u"] == cookies["__hstc"].value
        assert got["b"] == cookies["__hssc"].value and got["vi"] == cookies["hubspotutk"].value

    def test_cookie_domain_from_the_queue_with_a_host_only_fallback(self):
        effects = make_tracker().load([["addCookieDomain", "example.com"]], make_env(), "")
        stc = [e for e in effects if type(e) is SetCookie and e.name == "__hstc"][0]
        assert ";domain=.example.com;" in stc.header and "domain" not in stc.fallback
        assert stc.value.startswith(str(domain_hash(".example.com")) + ".")

    def test_spa_views_do_not_advance_the_session(self):
        tracker = make_tracker()
        tracker.load([], make_env(), "")
        effects = tracker.push(["trackPageView"], make_env())[1]
        assert [e for e in effects if type(e) is SetCookie] == []
        assert params(beacons(effects)[0])["b"].split(".")[1] == "1"

    def test_enable_secure_cookie(self):
        effects = make_tracker().load([["enableSecureCookie"]], make_env(), "")
        assert all(e.header.endswith(";secure") for e in effects if type(e) is SetCookie)

    def test_hostile_cookie_values_never_reach_a_beacon(self):
        jar = "__hstc=1.<script>.1.1.1.1; hubspotutk=%0d%0aSet-Cookie:x; __hssrc=1; __hssc=1.1.1"
        effects = make_tracker().load([], make_env(), jar)
        [view] = beacons(effects)
        assert "<script>" not in view.url and "Set-Cookie" not in view.url
        assert params(view)["nc"] == "true"


class TestShownCookies:
    """u and b are the __hstc / __hssc the browser shows (beacon.py, Rule 1a)"""

    HSTC = "114212440.00000001000000020000000300000004.1699990000000.1699990000000.1699999000000.3"
    HSSC = "114212440.2.1699999000000"

    def returning(self):
        return "__hstc=" + self.HSTC + "; __hssc=" + self.HSSC + "; __hssrc=1"

    def test_a_returning_visitors_beacons_carry_the_cookies_the_jar_wrote(self):
        tracker = make_tracker()
        [view] = beacons(tracker.load([], make_env(), self.returning()))
        assert (params(view)["u"], params(view)["b"]) == (tracker.jar.visitor.hstc(),
                                                          tracker.jar.visitor.hssc())
        assert params(view)["b"].split(".")[1] == "3"           # the view counted

    def test_without_consent_to_write_the_pages_own_cookies_are_echoed(self):
        tracker = make_tracker(policy="NO_COOKIES")
        [view] = beacons(tracker.load([], make_env(), self.returning()))
        assert (params(view)["u"], params(view)["b"]) == (self.HSTC, self.HSSC)

    def test_tampered_cookies_are_never_echoed(self):
        tracker = make_tracker(policy="NO_COOKIES")
        [view] = beacons(tracker.load([], make_env(), "__hstc=garbage; __hssc=1.2"))
        assert "u" not in params(view) and "b" not in params(view)

    def test_the_browsers_first_copy_wins_as_the_beacon_goes(self):
        tracker = make_tracker()
        [view] = beacons(tracker.load([], make_env(), self.returning()))
        # A copy on another domain shadows the one the jar wrote: the browser shows it first.
        shown = with_shown_cookies(view, self.returning() + "; __hstc=" + view.hstc, encode_component)
        got = decode_query(split_url(shown.url)[1])
        assert [k for k, _ in got] == [k for k, _ in view.fields]         # u, b in place
        assert (dict(got)["u"], dict(got)["b"]) == (self.HSTC, self.HSSC)
        assert shown.fields == got

    def test_the_same_beacon_when_the_browser_agrees(self):
        tracker = make_tracker()
        [view] = beacons(tracker.load([], make_env(), ""))
        text = "x=1; __hstc=" + view.hstc + "; __hssc=" + view.hssc
        assert with_shown_cookies(view, text, encode_component) is view

    def test_cookies_the_browser_lost_are_left_out(self):
        tracker = make_tracker()
        [view] = beacons(tracker.load([], make_env(), ""))
        shown = with_shown_cookies(view, "other=1", encode_component)
        assert "u" not in dict(shown.fields) and "b" not in dict(shown.fields)

    @given(st.text(max_size=80))
    def test_any_cookie_text_gives_a_well_formed_beacon(self, text):
        tracker = make_tracker()
        [view] = beacons(tracker.load([], make_env(), ""))
        shown = with_shown_cookies(view, text, encode_component)
        assert decode_query(split_url(shown.url)[1]) == shown.fields
