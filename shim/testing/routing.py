"""Host tool: what the plugin does in the browser, as data. Which URLs it answers and
with what, and the scripts and cookies it puts in a page before the page loads.

  - HubSpot's loader URLs (js[-<region>].hs-scripts.com/<id>.js,
    js.hs-analytics.net/analytics/<bucket>/<id>.js) get the built shim, which takes the
    portal id from the file name;
  - HubSpot's other hosts (banner, forms, ads pixel, chat, *.hubspot.com ...) get an
    empty 204, so nothing reaches HubSpot;
  - beacons (any `.../__pt*.gif`) get a 1x1 GIF.

Rule: one route (ROUTE_URL) covers all of it and is matched in the browser process, so
      the page's other requests never reach Python.
"""

import itertools
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from shim.core.config import DEFAULT_TRACKING_HOST, tracking_host_from_src
from shim.core.consent import CATEGORY_NUMBERS
from shim.core.cookies import VISITOR_MS
from shim.testing.beacons import BEACON_URL, PIXEL

# HubSpot's loader and analytics file: their file name is the portal id.
LOADER_URL = re.compile(
    r"^https?://js(?:-(?P<region>[a-z0-9]+))?\.(?:hs-scripts\.com/|hs-analytics\.net/analytics/[^/?#]+/)"
    r"(?P<portal>\d+)\.js(?:[?#].*)?$", re.IGNORECASE)
# HubSpot's other hosts (and their subdomains): blocked with an empty 204.
HUBSPOT_DOMAINS = ("hs-scripts.com", "hs-analytics.net", "hs-banner.com", "hsforms.net",
                   "hsforms.com", "hscollectedforms.net", "hsadspixel.net", "usemessages.com",
                   "hubspot.com", "hubapi.com", "hsleadflows.net", "hubspotfeedback.com")
HUBSPOT_HOST_URL = re.compile(
    r"^https?://(?:[^/?#@]*\.)?(?:" + "|".join(re.escape(d) for d in HUBSPOT_DOMAINS)
    + r")(?::\d+)?(?:[/?#]|$)", re.IGNORECASE)
ROUTE_URL = re.compile("(?:" + HUBSPOT_HOST_URL.pattern + ")|(?:" + BEACON_URL.pattern + ")",
                       re.IGNORECASE)

PIXEL_ANSWER = {"status": 200, "body": PIXEL,
                "headers": {"content-type": "image/gif", "cache-control": "no-store",
                            "access-control-allow-origin": "*"}}
BLOCKED_ANSWER = {"status": 204, "body": b"", "headers": {"access-control-allow-origin": "*"}}


def find_shim_js():
    """The built hsq-shim.js: the installed package data (a wheel), else the repo's."""
    candidates = []
    try:
        from importlib.resources import files
        candidates.append(files("shim.static") / "hsq-shim.js")
    except Exception:                       # not installed: a plain source checkout
        pass
    package = Path(__file__).resolve().parent.parent           # shim/
    candidates.append(package / "static" / "hsq-shim.js")       # wheel layout, by path
    candidates.append(package.parent / "static" / "hsq-shim.js")  # the repository
    for candidate in candidates:
        try:
            if candidate.is_file():
                return Path(str(candidate))
        except Exception:
            continue
    raise FileNotFoundError("hsq-shim.js not found (looked in %s); build it with "
                            "`python build.py`" % ", ".join(str(c) for c in candidates))


def loader_answer(shim_body, url):
    """The shim for a loader URL; a regional loader first points the beacons at its host,
    as HubSpot's regional prelude does (spec §1). The host comes from the core's function:
    the shim derives the same from its own src, and this keeps other builds
    (--hubspot-shim-js) in agreement."""
    host = tracking_host_from_src(url)
    if host != DEFAULT_TRACKING_HOST:
        prelude = ("(function(){var q=window._hsq;if(!Array.isArray(q)){q=window._hsq=[];}"
                   "q.push(['setTrackingDomain',%s]);})();\n" % json.dumps(host))
        shim_body = prelude.encode() + shim_body
    return {"status": 200, "body": shim_body,
            "headers": {"content-type": "application/javascript; charset=utf-8",
                        "access-control-allow-origin": "*", "cache-control": "no-store"}}


# -- the page before it loads: consent, do-not-track, GPC, the duplicate guard ----

def consent_cookie_value(analytics, advertisement, functionality):
    """HubSpot's banner format (spec §5), as shim.core.consent.parse_preference reads
    it: '1:true_2:false_3:true' (1 analytics, 2 advertisement, 3 functionality)."""
    flags = (analytics, advertisement, functionality)
    return "_".join("%s:%s" % (number, "true" if flag else "false")
                    for (number, _), flag in zip(CATEGORY_NUMBERS, flags))


_sequence = itertools.count(1)


def cookie_init_script(name, value):
    """Writes the cookie once per origin and tab (a sessionStorage mark), so the page's
    own later changes to it stand, and a later call with another value wins."""
    mark = "__hsqShimCookie_" + name
    return ("(() => { try {\n"
            "  const seq = %d, mark = %s;\n"
            "  const done = Number(sessionStorage.getItem(mark) || 0);\n"
            "  if (done >= seq) return;\n"
            "  document.cookie = %s + '; path=/; max-age=%d';\n"
            "  sessionStorage.setItem(mark, String(seq));\n"
            "} catch (e) {} })();"
            % (next(_sequence), json.dumps(mark), json.dumps(name + "=" + value),
               VISITOR_MS // 1000))


def gpc_init_script(enabled):
    return ("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', "
            "{configurable: true, enumerable: true, get() { return %s; }});"
            % ("true" if enabled else "false"))


# The shim drops a router's second page view for the initial route (its duplicate
# guard). In tests the point is to see what HubSpot would count, doubles included, so
# the plugin turns the guard off unless a test asks for the shim's behaviour
# (HubSpotTracking(duplicate_guard=True)).
COUNT_LIKE_HUBSPOT = ("window.hsqShimConfig = Object.assign({duplicateGuard: false}, "
                      "window.hsqShimConfig);")


def origin_url(url):
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    parts = urlsplit(url)
    return "%s://%s/" % (parts.scheme, parts.netloc)
