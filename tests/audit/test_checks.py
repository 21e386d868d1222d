"""shim.audit.checks, without a browser: the shim core's own reasons for not running an
entry (the wording of shim.core, produced here by the core itself) land on the right
problem code, so the audit keeps up when the core's wording changes."""

import pytest

from shim.audit.checks import CODES, _ignored, check_page
from shim.audit.crawl import PageFacts
from shim.core.effects import Skip
from tests.unit.helpers import make_env, make_tracker

LONG = "x" * 1200


def reasons(entries, privacy=(), portal_id="123"):
    tracker = make_tracker(portal_id=portal_id)
    effects = tracker.load(list(entries), make_env(), "", list(privacy))
    return [{"entry": e.entry, "reason": e.reason} for e in effects if type(e) is Skip]


def codes(entries, privacy=(), portal_id="123"):
    found = []
    for item in reasons(entries, privacy, portal_id):
        found.extend(p["code"] for p in _ignored(item))
    return found


@pytest.mark.parametrize("entry, code", [
    (["setPth", "/a"], "unknown-command"),
    (["trackpageview"], "unknown-command"),
    (["setPath", {}], "bad-argument"),
    (["identify", "ada@example.com"], "bad-argument"),
    (["trackClick"], "bad-argument"),
    (["addCookieDomain", "not a domain"], "bad-argument"),
    (["trackCustomBehavioralEvent", {"properties": {"a": 1}}], "event-without-name"),
    (["trackCustomBehavioralEvent", {"name": "pe1_x", "properties": 5}], "bad-argument"),
    (["trackEvent", {"value": 5}], "event-without-name"),
    ([], "malformed-entry"),
    ("trackPageView", "malformed-entry"),
    ([5], "malformed-entry"),
    (["doNotTrack"], "tracking-suppressed"),
    (["setTrackingEnabled", False], "tracking-suppressed"),
    (["identify", {"email": "ada@example.com", "note": LONG}], "value-cut"),
])
def test_each_core_reason_has_its_code(entry, code):
    assert codes([entry]) == [code]


def test_the_privacy_queue_is_classified_too():
    assert codes([], privacy=[["setHubspotConsent", {}], ["setHubSpotConsent", "yes"]]) == [
        "unknown-command", "bad-argument"]
    [problem] = _ignored({"entry": "_hsp setHubSpotConsent", "reason": "expects {analytics, "
                          "advertisement, functionality} as true/false"})
    assert problem["code"] == "bad-argument" and "`setHubSpotConsent`" in problem["message"]


def test_a_refused_cross_domain_link_is_named_with_the_core_reason():
    tracker = make_tracker(cookie_domains=["example.com"])
    url = "https://www.example.com/pricing?__hstc=tampered&__hssc=x&__hsfp=1"
    effects = tracker.load([], make_env(url=url), "", [])
    [item] = [{"entry": e.entry, "reason": e.reason} for e in effects if type(e) is Skip]
    [problem] = _ignored(item)
    assert problem["code"] == "cross-domain-link-refused"
    assert "counts as a new one" in problem["message"] and "__hstc is malformed" in problem["message"]


def test_no_portal_id():
    assert codes([], portal_id=None) == ["no-portal-id"]


def test_what_hubspot_itself_pushes_and_valid_entries_are_no_problem():
    assert codes([["setLegacy"], ["log", "x"], ["setPath", "/a"], ["identify", {"email": "a@b.co"}],
                  ["trackCustomBehavioralEvent", {"name": "pe1_x"}], ["trackPageView"]]) == []


def test_unknown_commands_suggest_case_insensitively_or_by_spelling():
    [problem] = _ignored({"entry": "trackpageview", "reason": "unknown method"})
    assert problem["evidence"]["suggestion"] == "trackPageView"
    [problem] = _ignored({"entry": "frobnicate", "reason": "unknown method"})
    assert "suggestion" not in problem["evidence"] and "Did you mean" not in problem["message"]


def test_a_reason_no_rule_knows_is_still_reported():
    [problem] = _ignored({"entry": "something", "reason": "a reason from a later core"})
    assert problem["code"] == "ignored-entry" and "a reason from a later core" in problem["message"]


def test_every_code_has_its_legend_and_failures_have_advice():
    facts = PageFacts("https://www.example.com/", 0)
    for code in ("unreachable", "redirect-loop", "page-timeout", "page-busy", "http-error",
                 "not-html", "page-failed"):
        facts.failure = (code, "what happened")
        [problem] = check_page(facts)
        assert problem["code"] == code and problem["message"].startswith("What happened. ")
        assert code in CODES


def page(**facts):
    out = PageFacts("https://www.example.com/", 0)
    out.shim = out.ready = True
    out.scripts = ["https://js.hs-scripts.com/123.js"]
    for key, value in facts.items():
        setattr(out, key, value)
    return out


VIEW = ("https://track.hubspot.com/__ptq.gif?k=1&a=123&pu=https%3A%2F%2Fwww.example.com%2F"
        "&t=Home&cc=1&ce=false")


def test_page_errors_outside_the_tracking_code_are_not_problems():
    # A site whose own address says "hubspot": its errors are still its own.
    own = {"message": "Cannot read properties of null (reading 'x')", "source": "widget.x",
           "stack": "TypeError: ...\n    at https://www.hubspot-partner.example/app.js:1:2\n"
                    "    at https://www.hubspot-partner.example/:3:4"}
    facts = page(beacons=[VIEW], errors=[own], final_url="https://www.hubspot-partner.example/")
    assert check_page(facts) == []
    facts.errors = [{"message": "_hsq is not defined", "source": None, "stack": ""}]
    assert [p["code"] for p in check_page(facts)] == ["page-error"]
    facts.errors = [dict(own, stack="Error\n    at https://js.hs-scripts.com/123.js:1:9")]
    assert [p["code"] for p in check_page(facts)] == ["page-error"]


def test_visitor_cookies_are_a_problem_only_under_an_opt_in_policy():
    cookies = [{"name": "hubspotutk", "domain": "www.example.com", "path": "/"}]
    assert check_page(page(beacons=[VIEW], cookies=cookies, policy=None)) == []
    assert check_page(page(beacons=[VIEW], cookies=cookies, policy="OPT_OUT")) == []
    assert [p["code"] for p in check_page(page(beacons=[VIEW], cookies=cookies,
                                               policy="opt_in"))] == ["cookies-before-consent"]


def test_views_of_different_paths_are_not_doubles_but_the_same_one_twice_is():
    other = VIEW.replace("%2F&t", "%2Fsettings&t")
    assert check_page(page(beacons=[VIEW, other])) == []
    assert [p["code"] for p in check_page(page(beacons=[VIEW, VIEW]))] == ["double-page-view"]


def test_a_loaded_tracking_code_without_a_page_view():
    [problem] = check_page(page(beacons=[]))
    assert problem["code"] == "no-page-view" and "loaded but sent no page view" in problem["message"]
    [problem] = check_page(page(beacons=[], shim=False, ready=False))
    assert problem["code"] == "no-page-view" and "on the page but never ran" in problem["message"]


def test_identify_with_something_that_is_not_an_email():
    beacon = VIEW + "&i=email%3Dada%2540example"
    assert [p["code"] for p in check_page(page(beacons=[beacon]))] == ["identify-bad-email"]


def test_beacons_for_another_portal_than_the_one_given():
    assert [p["code"] for p in check_page(page(beacons=[VIEW]), portal=456)] == ["wrong-portal"]
    assert check_page(page(beacons=[VIEW]), portal=123) == []
