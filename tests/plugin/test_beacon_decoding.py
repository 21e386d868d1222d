"""The plugin's beacon objects and partial matching, without a browser: beacon URLs
built by the core (shim.core.beacon, shim.core.codec) read back into readable fields."""

import re

import pytest

from shim.core.beacon import identity_text
from shim.core.codec import encode_query
from shim.core.consent import parse_preference
from shim.testing.beacons import BEACON_URL, Beacon
from shim.testing.matching import beacon_matches, criteria_of
from shim.testing.routing import (HUBSPOT_HOST_URL, LOADER_URL, ROUTE_URL, consent_cookie_value,
                                  find_shim_js)


def url(endpoint, pairs, host="track.hubspot.com"):
    return "https://%s%s?%s" % (host, endpoint, encode_query(pairs))


PAGE_VIEW = url("/__ptq.gif", [
    ("k", "1"), ("v", "1.1"), ("a", "123"), ("po", "/cart?step=2"), ("rpo", "/cart"),
    ("r", "https://search.example/?q=a b"), ("pu", "https://shop.example/app#/cart"),
    ("t", "Cart – Shop"), ("cts", "1"),
    ("i", identity_text({"email": "a+b@example.com", "firstname": "Zoë"})),
    ("vi", "0" * 32), ("nc", "true"), ("ce", "false"), ("cc", "3")])
EVENT = url("/__ptbe.gif", [("n", "pe123_signup"), ("_plan", "pro plan"), ("_seats", "5"),
                            ("_empty", ""), ("a", "123"), ("pu", "https://shop.example/x?y=1"),
                            ("cc", "15")], host="track-eu1.hubspot.com")


def test_a_page_view_reads_back_field_by_field():
    b = Beacon(PAGE_VIEW)
    assert (b.kind, b.portal, b.path, b.previous_path) == ("page view", "123", "/cart?step=2", "/cart")
    assert b.url == "https://shop.example/app#/cart" and b.title == "Cart – Shop"
    assert b.referrer == "https://search.example/?q=a b"
    assert b.identity == {"email": "a+b@example.com", "firstname": "Zoë"}
    assert (b.visitor, b.new_visitor) == ("0" * 32, True)
    assert (b.consent, b.consent_allowed) == (3, False)
    assert b.consent_categories == {"necessary": True, "analytics": True,
                                    "advertisement": False, "functionality": False}
    assert (b.host, b.endpoint, b.url_raw) == ("track.hubspot.com", "/__ptq.gif", PAGE_VIEW)
    assert [k for k, _ in b.fields][:3] == ["k", "v", "a"] and b.params["cts"] == "1"
    assert b.name is None and b.properties == {}


def test_an_event_and_the_path_without_set_path():
    b = Beacon(EVENT)
    assert (b.kind, b.name, b.host) == ("custom event", "pe123_signup", "track-eu1.hubspot.com")
    assert b.properties == {"plan": "pro plan", "seats": "5", "empty": ""}
    assert b.path == "/x?y=1"                       # no po: the path and query of pu
    assert b.identity is None and b.consent_allowed


@pytest.mark.parametrize("k, kind", [("1", "page view"), ("3", "legacy event"),
                                     ("15", "form view"), ("30", "consent revoke"), ("99", "k=99")])
def test_kinds(k, kind):
    assert Beacon(url("/__ptq.gif", [("k", k), ("n", "x")])).kind == kind
    assert Beacon("https://track.hubspot.com/__pto.gif?m=boom").kind == "error"


def test_partial_matching():
    b = Beacon(PAGE_VIEW)
    def match(**fields):
        return beacon_matches(b, criteria_of(**fields))
    assert match(kind="page view", portal=123, path="/cart?step=2")         # int as '123'
    assert match(identity={"email": "a+b@example.com"}, new_visitor=True)
    assert match(title=re.compile("^Cart"), url=lambda u: u.endswith("#/cart"))
    assert match(params={"cc": 3, "ce": "false"}, consent=3)
    assert not match(path="/cart") and not match(identity={"lastname": "X"})
    assert not match(name="x") and match(name=None)                        # None: absent
    with pytest.raises(TypeError, match="unknown beacon field"):
        criteria_of(pth="/")
    assert "1. page view" not in b.describe() and b.describe().startswith("page view")


def test_hubspot_urls_are_routed_and_nothing_else():
    loaders = ["https://js.hs-scripts.com/123.js", "http://js.hs-scripts.com/123.js?v=1",
               "https://js-eu1.hs-scripts.com/4567.js", "https://js-na1.hs-scripts.com/9.js",
               "https://js.hs-analytics.net/analytics/1700000000000/123.js?x=1"]
    for u in loaders:
        assert LOADER_URL.match(u) and ROUTE_URL.search(u), u
    assert LOADER_URL.match(loaders[2]).group("portal", "region") == ("4567", "eu1")
    blocked = ["https://js.hs-banner.com/v2/123/banner.js", "https://js.hsforms.net/forms/v2.js",
               "https://js.hscollectedforms.net/collectedforms.js", "https://js.hsadspixel.net/fb.js",
               "https://js.usemessages.com/conversations-embed.js",
               "https://forms.hubspot.com/uploads/form/v2/1/2", "https://api.hubapi.com/x",
               "https://js.hs-scripts.com/not-a-portal.js"]
    for u in blocked:
        assert HUBSPOT_HOST_URL.match(u) and not LOADER_URL.match(u) and ROUTE_URL.search(u), u
    beacons = [PAGE_VIEW, EVENT, "http://127.0.0.1:8765/collect/__ptq.gif?k=1"]
    for u in beacons:
        assert BEACON_URL.match(u) and ROUTE_URL.search(u), u
    for u in ["https://example.com/", "https://nothubspot.com/x.js", "https://hubspot.com.evil.example/",
              "https://example.com/hs-scripts.com/1.js", "https://cdn.example/__ptq.png"]:
        assert not ROUTE_URL.search(u), u


def test_consent_cookie_and_the_packaged_shim():
    assert consent_cookie_value(True, False, True) == "1:true_2:false_3:true"
    assert consent_cookie_value(False, False, False) == "1:false_2:false_3:false"
    for flags in [(a, b, c) for a in (True, False) for b in (True, False) for c in (True, False)]:
        stored = parse_preference(consent_cookie_value(*flags))       # what the shim reads
        assert (stored.analytics, stored.advertisement, stored.functionality) == flags
    assert find_shim_js().name == "hsq-shim.js" and find_shim_js().stat().st_size > 10000
