"""The problem rules: one page's facts (crawl.PageFacts) -> its problems.

Rule 1: every problem has a stable code (a row of CODES: scripts and CI may match on
        it), a message a marketer can act on (what happened, what it costs, what to
        change) and its evidence (the queue entry and the shim's reason, the beacons).
Rule 2: precise over exhaustive: a rule fires only on a fact HubSpot would also get
        wrong; a clean page reports nothing. The shim's reasons (hsqShim.ignored) are
        classified in reasons.py; a route change's problems in route_checks.py.
Rule 3: pure functions of the facts: no browser, no I/O.
"""

import re

from shim.audit.reasons import ignored_problems as _ignored
from shim.audit.reasons import problem

from shim.testing.beacons import Beacon
from shim.testing.routing import LOADER_URL

# code -> what it means, in a few words (the report's legend).
CODES = {
    "no-tracking-code": "HubSpot's tracking code is not on the page",
    "no-page-view": "the tracking code loaded but sent no page view",
    "unknown-command": "a misspelt or unknown _hsq/_hsp command",
    "bad-argument": "a command with an argument of the wrong kind",
    "malformed-entry": "a queue entry that is not a command",
    "event-without-name": "an event without a name or id",
    "identify-without-email": "identify without an email address",
    "identify-bad-email": "identify with an email address that is not one",
    "double-page-view": "one page load counted as several page views",
    "several-portals": "tracking code of several HubSpot portals on one page",
    "wrong-portal": "beacons for another portal than --portal",
    "no-portal-id": "the tracking code has no portal id",
    "tracking-suppressed": "the page itself turns tracking off",
    "value-cut": "a value over 1000 characters, cut",
    "beacon-too-long": "a beacon too long to send",
    "callback-error": "the page's listener or function entry threw",
    "shim-error": "the tracking code failed on a command",
    "cross-domain-link-refused": "a cross-domain link whose visitor was not carried over",
    "ignored-entry": "an entry the tracking code did not run",
    "page-error": "an uncaught error in the page's tracking code",
    "cookies-before-consent": "visitor cookies set before the visitor consented",
    "route-change-not-tracked": "a client-side route change HubSpot never hears of",
    "route-change-double-view": "one route change counted as several page views",
    "stale-route-url": "a route's page view with the previous route's address",
    "stale-route-title": "a route's page view with the previous route's title",
    "route-change-error": "the app threw an error on a route change",
    "route-change-stuck": "a route change that never settled",
    "unreachable": "the page could not be loaded",
    "redirect-loop": "the URL redirects in a loop",
    "page-timeout": "the page never finished loading",
    "page-busy": "a script on the page never lets go of it",
    "http-error": "the server answered with an error",
    "not-html": "the URL is not a web page",
    "page-failed": "the audit could not read the page",
}

VISITOR_COOKIES = ("hubspotutk", "__hstc", "__hssc", "__hssrc")
# Policies under which nothing may be stored before the visitor says yes (spec §6.3).
OPT_IN_POLICIES = ("OPT_IN", "COOKIES_BY_CATEGORY", "NO_COOKIES")
TRACKING_WORDS = re.compile(r"_hsq|_hsp|hsqShim|hs-scripts|hs-analytics|hubspot|hsq-shim",
                            re.IGNORECASE)
STACK_FRAME = re.compile(r"(https?://[^\s()]+?):(\d+):(\d+)")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FAILURE_ADVICE = {
    "unreachable": "Check the address, and that the site is up and reachable from here.",
    "redirect-loop": "Fix the redirect rules (often http<->https or a trailing slash).",
    "page-timeout": ("HubSpot's script sends its page view at the window load event, so "
                     "a page that never finishes loading is never counted: find the "
                     "request that hangs (a stalled third-party script, a long poll)."),
    "page-busy": ("The page freezes for visitors, and tracking may not run: find the "
                  "script that never ends (an endless loop, a huge synchronous task)."),
    "http-error": "Fix or remove the links to it.",
    "not-html": "Give the audit the address of a web page.",
    "page-failed": "Audit the page again; if it persists, open it in a browser.",
}


def check_page(facts, portal=None):
    """Every problem of one visited page, in a stable order."""
    if facts.failure is not None:
        code, detail = facts.failure
        return [problem(code, "%s. %s" % (detail[0].upper() + detail[1:], FAILURE_ADVICE[code]),
                        status=facts.status, final_url=facts.final_url)]
    beacons = [Beacon(url) for url in facts.beacons]
    found = []
    found.extend(_tracking_code(facts, beacons))
    found.extend(_portals(facts, beacons, portal))
    for item in facts.ignored:
        found.extend(_ignored(item))
    found.extend(_double_views(beacons))
    found.extend(_identities(beacons))
    found.extend(_page_errors(facts))
    found.extend(_cookies(facts, beacons))
    return found


# -- the tracking code -----------------------------------------------------------

def _tracking_code(facts, beacons):
    views = [b for b in beacons if b.kind == "page view"]
    if not facts.scripts and not facts.shim and not beacons and not facts.embeds:
        queued = [name for name in facts.queued if name]
        message = ("HubSpot's tracking code is not on this page, so HubSpot never sees "
                   "this page's visits. Add the embed code (<script id=\"hs-script-loader\" "
                   "async defer src=\"//js.hs-scripts.com/<portal id>.js\">) to the page, "
                   "or to the template or tag manager it is missing from.")
        if queued:
            message += (" The page queues %d command(s) in _hsq (%s) that never run "
                        "without it." % (len(queued), ", ".join(queued[:5])))
        return [problem("no-tracking-code", message, queued=queued)]
    if views:
        return []
    reasons = [i["reason"] for i in facts.ignored if i["reason"].startswith("not sent")]
    if reasons:
        return []                           # the suppression itself is reported
    if not facts.shim:
        return [problem("no-page-view",
                        "HubSpot's tracking code is on the page but never ran, so this page's "
                        "visits are not counted. Check the page's Content-Security-Policy "
                        "(script-src must allow js.hs-scripts.com) and its console errors.",
                        scripts=list(facts.scripts) or list(facts.embeds))]
    return [problem("no-page-view",
                    "HubSpot's tracking code loaded but sent no page view, so this page's "
                    "visits are not counted. Look for code that stops the automatic view.",
                    beacons=[describe_beacon(b) for b in beacons])]


def _portals(facts, beacons, expected):
    out = []
    loaded = []
    for url in facts.scripts:
        match = LOADER_URL.match(url)
        if match and str(int(match.group("portal"))) not in loaded:
            loaded.append(str(int(match.group("portal"))))
    if len(loaded) > 1:
        out.append(problem(
            "several-portals",
            "The page loads HubSpot's tracking code of %d portals (%s); HubSpot runs only "
            "one of them per page, so the others' reports miss this page. Keep the embed "
            "code of your portal only." % (len(loaded), ", ".join(loaded)),
            scripts=list(facts.scripts)))
    if expected is not None:
        others = sorted({b.portal for b in beacons if b.portal and b.portal != str(expected)})
        if others:
            out.append(problem(
                "wrong-portal",
                "This page's visits go to HubSpot portal %s, not to %s: the embed code was "
                "copied from another portal. Replace it with your portal's embed code."
                % (" and ".join(others), expected),
                beacons=[describe_beacon(b) for b in beacons if b.portal in others]))
    return out


# -- beacons ---------------------------------------------------------------------

def _double_views(beacons):
    seen = {}
    for beacon in beacons:
        if beacon.kind == "page view":
            seen.setdefault((beacon.url, beacon.path), []).append(beacon)
    out = []
    for (url, path), views in seen.items():
        if len(views) > 1:
            out.append(problem(
                "double-page-view",
                "HubSpot counts %d page views of %s for one page load, so this page's "
                "views are inflated. The tracking code counts the page it is loaded on by "
                "itself, and something tracks it again: usually a single-page app's router "
                "hook that also runs for the first route (for that one, push only setPath; "
                "trackPageView only on later route changes: with React Router or Next.js, "
                "skip the effect's first run, with Vue Router the first afterEach; "
                "hsq-shim's docs/routers has each), or a trackPageView pushed before the "
                "tracking code loaded (remove it)." % (len(views), path),
                beacons=[describe_beacon(b) for b in views]))
    return out


def _identities(beacons):
    out = []
    reported = set()
    for beacon in beacons:
        identity = beacon.identity
        if identity is None:
            continue
        key = tuple(sorted(identity.items()))
        if key in reported:
            continue
        reported.add(key)
        email = identity.get("email") or ""
        if not email:
            out.append(problem(
                "identify-without-email",
                "identify was called without an email (properties: %s): HubSpot links a "
                "visitor to a contact by email, so these visits stay anonymous unless "
                "the id was sent with an email before. Pass {email: ...}."
                % (", ".join(sorted(identity)) or "none"),
                identity_keys=sorted(identity), beacons=[describe_beacon(beacon)]))
        elif not EMAIL.match(email):
            out.append(problem(
                "identify-bad-email",
                "identify was called with %r as the email, which is not an email address, "
                "so HubSpot cannot match the visitor to a contact. Pass the visitor's "
                "address." % email[:80],
                identity_keys=sorted(identity), beacons=[describe_beacon(beacon)]))
    return out


# -- the page --------------------------------------------------------------------

def _page_errors(facts):
    out = []
    for error in facts.errors:
        # The message, the statement it points at, and frames in HubSpot's script (the
        # shim) -- not any URL: the site's own address may well contain "hubspot".
        frames = [url for url, _line, _column in STACK_FRAME.findall(error["stack"])
                  if LOADER_URL.match(url) or "hsq-shim" in url.split("?")[0]]
        text = "\n".join([error["message"], error["source"] or ""] + frames)
        if not TRACKING_WORDS.search(text):
            continue                        # the page's other errors are not ours to judge
        where = " (in: %s)" % error["source"][:120] if error["source"] else ""
        advice = ("The commands after it never run. Declare the queue before using it: "
                  "var _hsq = window._hsq = window._hsq || [];" if re.search(r"_hs[qp]", text)
                  else "What it should track is lost.")
        out.append(problem("page-error", "The page's tracking code throws: %s%s. %s"
                           % (error["message"].splitlines()[0][:200], where, advice),
                           error=error["message"], source=error["source"], stack=error["stack"]))
    return out


def _cookies(facts, beacons):
    policy = (facts.policy or "").strip().upper()
    if policy not in OPT_IN_POLICIES:
        return []
    present = sorted({c["name"] for c in facts.cookies if c["name"] in VISITOR_COOKIES})
    if not present:
        return []
    granted = [b for b in beacons if b.consent_allowed and b.params.get("ce") is not None]
    return [problem(
        "cookies-before-consent",
        "Under the %s consent policy, the page stores HubSpot's visitor cookies (%s) before "
        "the visitor consented. Grant consent (setHubSpotConsent) only from your consent "
        "banner's accept action, and do not write these cookies yourself."
        % (policy, ", ".join(present)),
        policy=policy, cookies=present, beacons=[describe_beacon(b) for b in granted])]


def describe_beacon(beacon):
    """A beacon as JSON: its kind and main fields, then every parameter in order."""
    out = {"kind": beacon.kind, "portal": beacon.portal, "path": beacon.path,
           "url": beacon.url, "title": beacon.title}
    if beacon.name is not None:
        out["name"] = beacon.name
    if beacon.properties:
        out["properties"] = beacon.properties
    if beacon.identity is not None:
        out["identity"] = beacon.identity
    out["endpoint"] = beacon.host + beacon.endpoint
    out["params"] = dict(beacon.fields)
    return out
