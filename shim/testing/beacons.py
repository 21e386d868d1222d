"""Host tool: the beacon model. One captured beacon URL, decoded into readable fields.

Rule 1: decoding is the inverse of the codec that encoded the beacon in the browser
        (shim.testing.codec, shim.core.codec); kinds are named here (KINDS) from the core's `k` values
        (shim.core.events), which the browser bundle ships without their names.
Rule 2: a missing parameter reads as None; nothing here raises on an odd URL.
"""

import re
import time
from urllib.parse import urlsplit

from shim.core.beacon import EVENT_PATH, PAGE_VIEW_PATH
from shim.core.consent import CONSENT_BITS
from shim.core.events import LEGACY_EVENT, PAGE_VIEW, SIMPLE_BEACONS
from shim.testing.codec import decode_query, split_url

ERROR_PATH = "/__pto.gif"              # HubSpot reports its JS errors here; the shim does not
CLICK_PATH = "/__ptc.gif"              # clicks and autocapture, per a third-party parser
ENDPOINTS = (PAGE_VIEW_PATH, EVENT_PATH, ERROR_PATH)
# Beacon kinds: `k` on PAGE_VIEW_PATH (spec §7), named. The shim sends all but 14.
KINDS = {PAGE_VIEW: "page view", LEGACY_EVENT: "legacy event", "14": "email pixel"}
_SIMPLE_NAMES = {"trackFormView": "form view", "trackFormInstall": "form install",
                 "trackFormVisible": "form visible", "trackFormInteraction": "form interaction",
                 "trackFormCompletion": "form completion", "trackCtaView": "cta view",
                 "trackFeedbackView": "feedback survey view",
                 "trackApproveCookieConsent": "consent approve",
                 "trackDeclineCookieConsent": "consent decline",
                 "trackRevokeCookieConsent": "consent revoke"}
for _command, _k in SIMPLE_BEACONS.items():
    KINDS[_k] = _SIMPLE_NAMES[_command]

# The 1x1 transparent GIF every beacon is answered with (the plugin and the collector).
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b")
# Any .../__pt*.gif request: HubSpot's hosts, a data-tracking-url collector, ...
BEACON_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^?#]*/__pt[^/?#]*\.gif", re.IGNORECASE)
ENDPOINT_KINDS = {EVENT_PATH: "custom event", ERROR_PATH: "error", CLICK_PATH: "click"}
EVENT_KINDS = (ENDPOINT_KINDS[EVENT_PATH], KINDS[LEGACY_EVENT])          # custom and legacy events


class Beacon:
    """One captured beacon, decoded. Missing parameters read as None.

    kind           'page view' (k=1), 'custom event' (__ptbe.gif), 'legacy event' (k=3),
                   'error' (__pto.gif), 'form view' (k=15) ... ; 'k=<n>' when unknown
    portal         a              path      po (setPath), else path and query of pu
    previous_path  rpo            url       pu (the page's URL)
    title          t              referrer  r
    identity       i, decoded once more into a dict (None when no identify was made)
    name           the event name (n) of a custom or legacy event
    properties     a custom event's `_<name>` params as {name: value}
    consent        cc as an int (15 = all granted); consent_allowed: False when ce=false
    visitor        vi             new_visitor  nc == 'true'
    fields         every param, in order, as (key, value); params: the same as a dict
    url_raw, host, endpoint       the request itself
    """

    def __init__(self, url, captured_at=None, repeated=False):
        self.url_raw = url
        self.repeated = repeated            # a same-URL repeat the browser sent only once
        self.captured_at = time.monotonic() if captured_at is None else captured_at
        base, query = split_url(url)
        parts = urlsplit(base)
        self.host = parts.netloc
        self.endpoint = parts.path[parts.path.rfind("/"):]
        self.fields = decode_query(query)
        self.params = dict(self.fields)

    def get(self, key):
        return self.params.get(key)

    @property
    def kind(self):
        if self.endpoint in ENDPOINT_KINDS:
            return ENDPOINT_KINDS[self.endpoint]
        k = self.params.get("k")
        if k is None:
            return "beacon"
        return KINDS.get(k, "k=" + k)

    @property
    def is_page_view(self):
        return self.kind == "page view"

    @property
    def portal(self):
        return self.params.get("a")

    @property
    def url(self):
        return self.params.get("pu")

    @property
    def path(self):
        if self.params.get("po"):
            return self.params["po"]
        if not self.url:
            return None
        parts = urlsplit(self.url)
        return (parts.path or "/") + ("?" + parts.query if parts.query else "")

    @property
    def previous_path(self):
        return self.params.get("rpo")

    @property
    def title(self):
        return self.params.get("t")

    @property
    def referrer(self):
        return self.params.get("r")

    @property
    def identity(self):
        if "i" not in self.params:
            return None
        return dict(decode_query(self.params["i"]))

    @property
    def name(self):
        return self.params.get("n") if self.kind in EVENT_KINDS else None

    @property
    def properties(self):
        if self.kind != "custom event":
            return {}
        return {key[1:]: value for key, value in self.fields if key.startswith("_")}

    @property
    def consent(self):
        cc = self.params.get("cc")
        return int(cc) if cc is not None and cc.isdigit() else None

    @property
    def consent_allowed(self):
        return self.params.get("ce") != "false"

    @property
    def consent_categories(self):
        cc = self.consent
        if cc is None:
            return None
        return {name: bool(cc & bit) for name, bit in CONSENT_BITS}

    @property
    def visitor(self):
        return self.params.get("vi")

    @property
    def new_visitor(self):
        return self.params.get("nc") == "true"

    def describe(self):
        """One readable line: kind, portal, path, url, title, identity, event."""
        out = ["%-12s" % self.kind, "portal=%s" % self.portal]
        if self.name is not None:
            out.append("name=%r" % self.name)
        if self.properties:
            out.append("properties=%r" % self.properties)
        out.append("path=%r" % self.path)
        if self.previous_path is not None:
            out.append("previous_path=%r" % self.previous_path)
        out.append("url=%r" % self.url)
        if self.title is not None:
            out.append("title=%r" % self.title)
        if self.identity is not None:
            out.append("identity=%r" % self.identity)
        out.append("via %s%s" % (self.host, self.endpoint))
        if self.repeated:
            out.append("(same URL as an earlier beacon: the page sent it twice, the browser "
                       "requested it once)")
        return " ".join(out)

    def __repr__(self):
        return "<Beacon %s>" % self.describe()
