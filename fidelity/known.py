"""The differences we know of and keep, each with its reason, and the verdict per scenario.

  deliberate   the shim differs on purpose (README's decisions)
  version      HubSpot's build 1.398 and banner static-1.3910 (2021) differ from later
               evidence (the spec's 2023+ builds, 2024 banner, 2026 captures): the later wins

Rule 1: a Known excuses one Difference at a time, by what it is (kind of difference,
        parameter or cookie, the beacon's kind, the values), never a whole scenario: a
        missing `bfp` is excused, anything else in the same beacon still shows.
Rule 2: a scenario is DIFFERENT when any difference is left; else deliberate when a
        deliberate one was excused, else version, else identical. Knowns marked
        `everywhere` (the fingerprint, in every beacon) do not change the verdict; the
        report counts them.
"""

import re
from urllib.parse import parse_qsl

from fidelity.compare import (BEACON_MISSING, COOKIE_EXTRA, COOKIE_MISSING, COOKIE_VALUE,
                              PARAM_EXTRA, PARAM_MISSING, PARAM_VALUE, RUN_NOTE, Difference)
from fidelity.mask import FINGERPRINT
from fidelity.scenario import DAY_MS, NOW_MS
from shim.core.beacon import MAX_VALUE
from shim.core.visitor import parse_hstc

DELIBERATE, VERSION = "deliberate", "version"
IDENTICAL, DIFFERENT = "identical", "DIFFERENT"


class Known:
    def __init__(self, kind, reason, match, everywhere=False):
        self.kind, self.reason, self.match, self.everywhere = kind, reason, match, everywhere

    def excuses(self, difference, scenario, hubspot, shim):
        return bool(self.match(difference, scenario, hubspot, shim))


# -- matchers: (difference, scenario, hubspot Masked, shim Masked) -> bool -----------

def no_fingerprint(d, scenario, hubspot, shim):
    if d.what == PARAM_MISSING and d.key == "bfp":
        return True
    # A cookie listener's third argument: HubSpot's fingerprint, the shim's ''.
    return (d.what == PARAM_VALUE and FINGERPRINT in d.hubspot
            and d.shim in (d.hubspot.replace(FINGERPRINT, '""'),
                           d.hubspot.replace(FINGERPRINT, "")))


def characters_as_keys(value):
    """'0=a&1=d&2=a...': identify's string argument, one key per character."""
    parts = value.split("&")
    return all(re.fullmatch(r"%d=(.|%%[0-9A-F]{2}|)" % i, part) for i, part in enumerate(parts))


def identify_not_object(d, scenario, hubspot, shim):
    """identify('text'): one key per character; identify(null) or identify(): an empty `i`."""
    return (d.what == PARAM_MISSING and d.key == "i"
            and (d.hubspot == "" or characters_as_keys(d.hubspot)))


def event_without_name(d, scenario, hubspot, shim):
    """HubSpot's events without a name: a custom event without `n` or named by an object,
    a legacy event with an empty `n` (no id) or without `k` (neither id nor object)."""
    if d.what != BEACON_MISSING:
        return False
    beacon = d.beacon
    if beacon.endpoint.endswith("/__ptbe.gif"):
        return beacon.get("n") is None or beacon.get("n") == "[object Object]"
    return (beacon.endpoint.endswith("/__ptq.gif")
            and (beacon.get("k") is None or (beacon.get("k") == "3" and not beacon.get("n"))))


def set_path_not_text(d, scenario, hubspot, shim):
    """setPath({...}): HubSpot sends `po=[object Object]`, the shim refuses the call."""
    return d.what == PARAM_MISSING and d.key == "po" and d.hubspot == "[object Object]"


def no_cookies_under_do_not_track(d, scenario, hubspot, shim):
    """After doNotTrack, resetVisitor: HubSpot writes a new visitor's cookies, the shim none."""
    code = " ".join(list(scenario.before) + [step.code for step in scenario.steps])
    return (d.what == COOKIE_MISSING and d.key in VISITOR_COOKIES and "doNotTrack" in code
            and "resetVisitor" in code)


def properties_not_object(d, scenario, hubspot, shim):
    """A custom event's `properties` given as a string: HubSpot sends one `_<index>` per
    character (`_0=a&_1=b`), the shim none."""
    return (d.what == PARAM_MISSING and d.beacon is not None
            and d.beacon.endpoint.endswith("/__ptbe.gif")
            and re.fullmatch(r"_[0-9]+", d.key or "") is not None and len(d.hubspot) <= 1)


def _is_cut(hubspot_value, shim_value):
    return (len(shim_value) == MAX_VALUE and len(hubspot_value) > MAX_VALUE
            and hubspot_value.startswith(shim_value))


def value_cut(d, scenario, hubspot, shim):
    """A value the shim cut to MAX_VALUE characters: HubSpot's, up to there. In `i` the
    cut values are the identity's own (`email=...&bio=...`), each compared decoded."""
    if d.what != PARAM_VALUE:
        return False
    if d.key != "i":
        return _is_cut(d.hubspot, d.shim)
    theirs = parse_qsl(d.hubspot, keep_blank_values=True)
    ours = parse_qsl(d.shim, keep_blank_values=True)
    return ([k for k, _ in theirs] == [k for k, _ in ours] and theirs != ours
            and all(a == b or _is_cut(a, b) for (_, a), (_, b) in zip(theirs, ours)))


def error_report(d, scenario, hubspot, shim):
    return d.what == BEACON_MISSING and d.beacon.endpoint.endswith("/__pto.gif")


def repeated_view(d, scenario, hubspot, shim):
    """HubSpot's page view that repeats the one before it exactly (but for `cts`)."""
    if d.what != BEACON_MISSING or d.beacon.kind != "page view" or d.index < 2:
        return False
    earlier = [b for b in hubspot.beacons[:d.index - 1] if b.kind == "page view"]
    same = lambda b: [kv for kv in b.params if kv[0] != "cts"]
    return bool(earlier) and same(earlier[-1]) == same(d.beacon)


def malformed_hstc_echoed(d, scenario, hubspot, shim):
    """HubSpot's `u` repeating the page's malformed __hstc cookie (it reads `u` from the
    cookie when it sends: this shows when its tracker runs before its banner); or HubSpot
    keeping as its visitor an __hstc the shim refuses (a token that is not 32 hex
    characters), where the shim starts a new one."""
    held = scenario.cookies.get("__hstc")
    if held is None:
        return False
    if (len(held.split(".")) != 6 and d.key == "u" and d.what in (PARAM_MISSING, PARAM_VALUE)
            and d.hubspot == held):
        return True
    if parse_hstc(held, NOW_MS + DAY_MS) is not None:
        return False
    if d.what == PARAM_VALUE:
        return d.key in ("vi", "nc", "u", "b")
    return d.what == COOKIE_VALUE and d.key in ("__hstc", "hubspotutk", "__hssc")


LINK_TOKEN = re.compile(r"[?&]__hstc=[0-9]+\.([0-9a-f]{32})\.")


def link_without_fingerprint(d, scenario, hubspot, shim):
    """A link's __hstc/__hssc without __hsfp: the shim took its visitor (and the session
    it carries), HubSpot started a new one."""
    link = LINK_TOKEN.search(scenario.url)
    if link is None or "__hsfp=" in scenario.url:
        return False
    views = [b for b in shim.beacons if b.kind == "page view"]
    if not views or views[0].get("vi") != link.group(1):
        return False
    if d.what == PARAM_VALUE:
        return d.key in ("vi", "nc", "u", "b")
    return d.what == COOKIE_VALUE and d.key in ("__hstc", "hubspotutk", "__hssc")


def policy_type(d, scenario, hubspot, shim):
    return d.what == PARAM_MISSING and d.key == "pt"


LEGACY_DECISION = ("__hs_opt_out", "__hs_initial_opt_in")


def legacy_decision_cookies(d, scenario, hubspot, shim):
    if d.what == COOKIE_MISSING and d.key in LEGACY_DECISION:
        return True
    # Where banner static-1.3910 stored the decision the legacy way, the shim's consent
    # manager stores it as later banners do.
    return (d.what == COOKIE_EXTRA and d.key == "__hs_cookie_cat_pref"
            and any(c.name in LEGACY_DECISION for c in hubspot.cookies))


VISITOR_COOKIES = ("__hstc", "hubspotutk", "__hssc", "__hssrc")


def consent_only_in_shim(d, first):
    """Consent the shim has and HubSpot's banner does not (from beacon `first` on): no
    ce=false, u and b, cc=15, the visitor cookies."""
    if d.what == COOKIE_EXTRA:
        return d.key in VISITOR_COOKIES
    if d.beacon is None or d.index < first:
        return False
    return ((d.what == PARAM_MISSING and d.key == "ce" and d.hubspot == "false")
            or (d.what == PARAM_EXTRA and d.key in ("u", "b"))
            or (d.what == PARAM_VALUE and d.key == "cc" and d.hubspot == "0" and d.shim == "15"))


def consent_from_page(d, scenario, hubspot, shim):
    """setHubSpotConsent granted everything: in the shim only, after the call."""
    steps = " ".join(step.code for step in scenario.steps)
    return "setHubSpotConsent" in steps and consent_only_in_shim(d, 2)


def preference_under_opt_in(d, scenario, hubspot, shim):
    """OPT_IN with only __hs_cookie_cat_pref granted: banner static-1.3910 reads its
    legacy cookies (or an existing __hstc) for OPT_IN, later banners the preference."""
    held = scenario.cookies
    return (scenario.policy == "OPT_IN" and held.get("__hs_cookie_cat_pref", "").count("true") == 3
            and not any(name in held for name in LEGACY_DECISION + ("__hstc", "__hssc"))
            and consent_only_in_shim(d, 1))


def revoke_beacon_order(d, scenario, hubspot, shim):
    """The k=30 beacon: sent after consent is withdrawn (a new visitor, rv=1, ce=false,
    no identity, cc=1) by banner static-1.3910, before it by banner static-1.1671."""
    return (d.beacon is not None and d.beacon.kind == "consent revoke"
            and d.key in ("rv", "ce", "i", "vi", "cc")
            and d.what in (PARAM_MISSING, PARAM_EXTRA, PARAM_VALUE))


KNOWN = [
    Known(DELIBERATE, "no fingerprint (bfp, hsfp)", no_fingerprint, everywhere=True),
    Known(DELIBERATE, "identify with a non-object is dropped", identify_not_object),
    Known(DELIBERATE, "an event without a name is dropped", event_without_name),
    Known(DELIBERATE, "setPath with an object is refused", set_path_not_text),
    Known(DELIBERATE, "under doNotTrack no visitor cookie is written",
          no_cookies_under_do_not_track),
    Known(DELIBERATE, "custom-event properties that are not an object are left out",
          properties_not_object),
    Known(DELIBERATE, "the duplicate guard drops an exact repeat of the previous view",
          repeated_view),
    Known(DELIBERATE, "errors are recorded in hsqShim.ignored, not reported to __pto.gif",
          error_report),
    Known(DELIBERATE, "values over %d characters are cut" % MAX_VALUE, value_cut),
    Known(DELIBERATE, "a malformed __hstc is replaced, never sent", malformed_hstc_echoed),
    Known(DELIBERATE, "a link without __hsfp: the shim takes a fresh session's visitor",
          link_without_fingerprint),
    Known(VERSION, "pt is absent in 2026 captures", policy_type),
    Known(VERSION, "banner static-1.3910 keeps an OPT_IN decision in __hs_opt_out and "
          "__hs_initial_opt_in, later ones in __hs_cookie_cat_pref", legacy_decision_cookies),
    Known(VERSION, "setHubSpotConsent is newer than banner static-1.3910", consent_from_page),
    Known(VERSION, "banner static-1.3910's OPT_IN reads __hs_opt_out/__hs_initial_opt_in, "
          "later ones __hs_cookie_cat_pref", preference_under_opt_in),
    Known(VERSION, "revokeCookieConsent: banner static-1.3910 withdraws consent before k=30, "
          "static-1.1671 (2024) after", revoke_beacon_order),
]


def run_notes(hubspot, shim):
    """What went wrong while running (timeouts...), when the sides differ in it."""
    found = []
    for note in hubspot.notes:
        if note not in shim.notes:
            found.append(Difference(RUN_NOTE, hubspot=note))
    for note in shim.notes:
        if note not in hubspot.notes:
            found.append(Difference(RUN_NOTE, shim=note))
    return found


def classify(scenario, hubspot, shim, differences, known=KNOWN):
    """-> (status, differences left, [(difference, Known)] excused)."""
    left, excused = [], []
    for d in differences + run_notes(hubspot, shim):
        reason = next((k for k in known if k.excuses(d, scenario, hubspot, shim)), None)
        if reason is None:
            left.append(d)
        else:
            excused.append((d, reason))
    kinds = {k.kind for _, k in excused if not k.everywhere}
    if left:
        status = DIFFERENT
    elif DELIBERATE in kinds:
        status = DELIBERATE
    elif VERSION in kinds:
        status = VERSION
    else:
        status = IDENTICAL
    return status, left, excused
