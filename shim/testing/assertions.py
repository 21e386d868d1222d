"""Host tool: test a site's HubSpot tracking in Playwright, with the shim standing in.

`HubSpotTracking` (sync Playwright) and `AsyncHubSpotTracking` (async Playwright) attach
to a page or a browser context and then:
  - answer HubSpot's loader URLs (js[-<region>].hs-scripts.com/<id>.js,
    js.hs-analytics.net/analytics/<bucket>/<id>.js) with the built shim, which takes the
    portal id from the file name;
  - answer HubSpot's other hosts (banner, forms, ads pixel, chat, *.hubspot.com ...) with
    an empty 204, so nothing reaches HubSpot;
  - capture every beacon (any `.../__pt*.gif`) with a 1x1 GIF and decode it with the
    same codec that built it in the browser (shim.core.codec).

Rule 1: CPython host code, never shipped to the browser; it imports no Playwright (it
        only calls the page or context it is given), so importing it is cheap.
Rule 2: everything but I/O is shared by the two classes: the request routing, the
        decoding, the matching, and the waiting logic, written once as generators that
        a sync or an async driver runs (`_drive` / `_adrive`).
Rule 3: expectations are partial: only the fields given are compared. A failure lists
        every beacon received, one per line.
"""

import itertools
import json
from collections import Counter
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from shim.core.beacon import scalar_text
from shim.core.codec import decode_query, split_url
from shim.core.config import DEFAULT_TRACKING_HOST, tracking_host_from_src

DEFAULT_TIMEOUT_MS = 5000
DEFAULT_WINDOW_MS = 1000
POLL_MS = 50
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b")
COOKIE_DAYS = 180

# HubSpot's loader and analytics file: their file name is the portal id.
LOADER_URL = re.compile(
    r"^https?://js(?:-(?P<region>[a-z0-9]+))?\.(?:hs-scripts\.com/|hs-analytics\.net/analytics/[^/?#]+/)"
    r"(?P<portal>\d+)\.js(?:[?#].*)?$", re.IGNORECASE)
BEACON_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^?#]*/__pt[^/?#]*\.gif", re.IGNORECASE)
# HubSpot's other hosts (and their subdomains): blocked with an empty 204.
HUBSPOT_DOMAINS = ("hs-scripts.com", "hs-analytics.net", "hs-banner.com", "hsforms.net",
                   "hsforms.com", "hscollectedforms.net", "hsadspixel.net", "usemessages.com",
                   "hubspot.com", "hubapi.com", "hsleadflows.net", "hubspotfeedback.com")
HUBSPOT_HOST_URL = re.compile(
    r"^https?://(?:[^/?#@]*\.)?(?:" + "|".join(re.escape(d) for d in HUBSPOT_DOMAINS)
    + r")(?::\d+)?(?:[/?#]|$)", re.IGNORECASE)
# One route for all of it (matched in the browser process, so other requests are untouched).
ROUTE_URL = re.compile("(?:" + HUBSPOT_HOST_URL.pattern + ")|(?:" + BEACON_URL.pattern + ")",
                       re.IGNORECASE)

KINDS = {"1": "page view", "3": "legacy event", "12": "cta view", "14": "email pixel",
         "15": "form view", "16": "form install", "17": "form visible",
         "18": "form interaction", "19": "form completion", "26": "feedback survey view",
         "28": "consent approve", "29": "consent decline", "30": "consent revoke"}
ENDPOINT_KINDS = {"/__ptbe.gif": "custom event", "/__pto.gif": "error", "/__ptc.gif": "click"}
EVENT_KINDS = ("custom event", "legacy event")
CONSENT_BITS = (("necessary", 1), ("analytics", 2), ("advertisement", 4), ("functionality", 8))


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


# -- beacons --------------------------------------------------------------------

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


# -- matching -------------------------------------------------------------------

_ANY = object()
FIELDS = ("kind", "portal", "path", "previous_path", "url", "title", "referrer", "identity",
          "name", "properties", "consent", "consent_allowed", "visitor", "new_visitor",
          "host", "endpoint", "params")


def value_matches(actual, expected):
    """Partial match: a regex searches, a callable decides, a dict is a subset, None means
    absent, numbers and booleans compare in their wire form ('5', 'true')."""
    if isinstance(expected, re.Pattern):
        return actual is not None and expected.search(str(actual)) is not None
    if callable(expected):
        return bool(expected(actual))
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        return all(key in actual and value_matches(actual[key], value)
                   for key, value in expected.items())
    if expected is None or actual is None:
        return expected is actual
    if isinstance(actual, str) and not isinstance(expected, str):
        return actual == scalar_text(expected)
    return actual == expected


def beacon_matches(beacon, criteria):
    return all(value_matches(getattr(beacon, key), expected)
               for key, expected in criteria.items())


def criteria_of(**fields):
    criteria = {key: value for key, value in fields.items() if value is not _ANY}
    unknown = set(criteria) - set(FIELDS)
    if unknown:
        raise TypeError("unknown beacon field(s) %s; known: %s"
                        % (", ".join(sorted(unknown)), ", ".join(FIELDS)))
    return criteria


def describe_criteria(criteria):
    kind = criteria.get("kind", "beacon")
    rest = ", ".join("%s=%s" % (key, value.pattern if isinstance(value, re.Pattern) else repr(value))
                     for key, value in criteria.items() if key != "kind")
    return "%s%s" % (kind if isinstance(kind, str) else repr(kind), " with " + rest if rest else "")


class kind_is:
    """A kind criterion that accepts any of several kinds."""

    def __init__(self, *kinds):
        self.kinds = kinds

    def __call__(self, actual):
        return actual in self.kinds

    def __repr__(self):
        return " or ".join(self.kinds)


# -- consent, do-not-track, GPC: state before the page loads --------------------

def consent_cookie_value(analytics, advertisement, functionality):
    """HubSpot's banner format (spec §5): 1 analytics, 2 advertisement, 3 functionality."""
    flags = [bool(analytics), bool(advertisement), bool(functionality)]
    return "_".join("%d:%s" % (i + 1, "true" if flag else "false") for i, flag in enumerate(flags))


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
               COOKIE_DAYS * 86400))


def gpc_init_script(enabled):
    return ("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', "
            "{configurable: true, enumerable: true, get() { return %s; }});"
            % ("true" if enabled else "false"))


# The shim drops a router's second page view for the initial route (its duplicate
# guard). In tests the point is to see what HubSpot would count, doubles included, so
# the plugin turns the guard off unless a test asks for the shim's behaviour.
COUNT_LIKE_HUBSPOT = ("window.hsqShimConfig = Object.assign({duplicateGuard: false}, "
                      "window.hsqShimConfig);")


def origin_url(url):
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    parts = urlsplit(url)
    return "%s://%s/" % (parts.scheme, parts.netloc)


# -- the shared core ------------------------------------------------------------

_DIAGNOSE = object()                        # a generator's request for page diagnostics
# The shim's own record of what it sent (D10).
_RECORD_JS = ("() => (window.hsqShim && window.hsqShim.beacons) ? "
              "Array.from(window.hsqShim.beacons, b => String(b.url)) : null")
_IGNORED_JS = ("() => (window.hsqShim && window.hsqShim.ignored) ? "
               "Array.from(window.hsqShim.ignored, i => String(i.entry) + ': ' + i.reason) : null")


class _TrackingCore:
    """State, routing decisions, matching and the waiting logic; no I/O."""

    def __init__(self, shim_js=None, default_url=None, timeout=DEFAULT_TIMEOUT_MS):
        self.shim_js = Path(shim_js) if shim_js else None
        self.default_url = default_url
        self.timeout = timeout
        self._beacons = []
        self._seen = Counter()              # every beacon URL ever captured (clear() keeps it)
        self._unclaimed = Counter()         # repeats added from the record, not yet seen
        self.scripts = []                   # loader URLs answered with the shim
        self.blocked = []                   # other HubSpot URLs answered with 204
        self._pages = []
        self._contexts = []
        self._init_scripts = [COUNT_LIKE_HUBSPOT]   # replayed on every later attach
        self._cookies = []                  # (name, value, url or None)
        self._shim_body = None

    # -- reading
    @property
    def beacons(self):
        """Every beacon captured since attach() or the last clear(), oldest first."""
        return list(self._beacons)

    @property
    def page_views(self):
        return [b for b in self._beacons if b.kind == "page view"]

    @property
    def events(self):
        return [b for b in self._beacons if b.kind in EVENT_KINDS]

    def clear(self):
        """Forget the beacons captured so far (scripts and blocked URLs are kept)."""
        self._beacons.clear()

    # -- routing
    def _shim_bytes(self):
        if self._shim_body is None:
            self._shim_body = (self.shim_js or find_shim_js()).read_bytes()
        return self._shim_body

    def _answer(self, url):
        """What to fulfil a routed request with (keyword arguments of route.fulfill)."""
        loader = LOADER_URL.match(url)
        if loader:
            self.scripts.append(url)
            body = self._shim_bytes()
            # What HubSpot's regional prelude pushes (spec §1), from the core's function
            # (the shim derives the same host from its own src; this keeps other builds,
            # --hubspot-shim-js, in agreement).
            host = tracking_host_from_src(url)
            if host != DEFAULT_TRACKING_HOST:
                prelude = ("(function(){var q=window._hsq;if(!Array.isArray(q)){q=window._hsq=[];}"
                           "q.push(['setTrackingDomain',%s]);})();\n" % json.dumps(host))
                body = prelude.encode() + body
            return {"status": 200, "body": body,
                    "headers": {"content-type": "application/javascript; charset=utf-8",
                                "access-control-allow-origin": "*",
                                "cache-control": "no-store"}}
        if BEACON_URL.match(url):
            self._capture(Beacon(url))
            return {"status": 200, "body": PIXEL,
                    "headers": {"content-type": "image/gif", "cache-control": "no-store",
                                "access-control-allow-origin": "*"}}
        self.blocked.append(url)
        return {"status": 204, "body": b"", "headers": {"access-control-allow-origin": "*"}}

    def _capture(self, beacon):
        url = beacon.url_raw
        if not beacon.repeated and self._unclaimed[url]:
            # The browser did send the repeat after all: it is already counted.
            self._unclaimed[url] -= 1
            for earlier in self._beacons:
                if earlier.url_raw == url and earlier.repeated:
                    earlier.repeated = False
                    break
            return
        self._seen[url] += 1
        self._beacons.append(beacon)

    def _reconcile(self, record):
        """Chromium requests an image URL once per document even when the page asks for
        it twice: two page views in the same millisecond (a trackPageView queued before
        load, next to the automatic one) reach the network as one request. The shim's
        record (window.hsqShim.beacons) still lists both: once the URL has been captured,
        add the repeats the network did not show."""
        if not record:
            return
        for url, count in Counter(record).items():
            if count > 1 and self._seen[url] and BEACON_URL.match(url):
                for _ in range(count - self._seen[url]):
                    self._unclaimed[url] += 1
                    self._capture(Beacon(url, repeated=True))

    def _targets_for(self, target):
        if hasattr(target, "main_frame"):       # a Page
            self._pages.append(target)
        else:                                   # a BrowserContext
            self._contexts.append(target)

    def _open_pages(self):
        pages = list(self._pages)
        for context in self._contexts:
            pages.extend(context.pages)
        return [page for page in pages if not page.is_closed()]

    def _cookie_contexts(self):
        contexts = list(self._contexts)
        for page in self._pages:
            if page.context not in contexts:
                contexts.append(page.context)
        return contexts

    def _cookie_urls(self, url):
        if url:
            return [url]
        urls = [origin_url(page.url) for page in self._open_pages()]
        urls.append(origin_url(self.default_url))
        return sorted({u for u in urls if u})

    def _cookie_entries(self, name, value, url):
        expires = time.time() + COOKIE_DAYS * 86400
        return [{"name": name, "value": value, "url": u, "expires": expires, "sameSite": "Lax"}
                for u in self._cookie_urls(url)]

    # -- the waiting logic (generators: yield ms to wait, or _DIAGNOSE for page facts)
    def _failure(self, headline, diagnostics):
        lines = [headline]
        if self._beacons:
            lines.append("Beacons received (%d):" % len(self._beacons))
            for i, beacon in enumerate(self._beacons, 1):
                lines.append("  %d. %s" % (i, beacon.describe()))
        else:
            lines.append("Beacons received: none.")
            if not self.scripts:
                lines.append("No HubSpot script was requested (js.hs-scripts.com/<id>.js or "
                             "js.hs-analytics.net/analytics/<bucket>/<id>.js): is HubSpot's "
                             "embed code on the page, and was tracking attached before "
                             "page.goto()?")
        if self.scripts:
            lines.append("HubSpot scripts answered with the shim: %s" % ", ".join(self.scripts))
        if diagnostics:
            lines.append("Queue entries the shim ignored (window.hsqShim.ignored):")
            lines.extend("  - " + item for item in diagnostics)
        return AssertionError("\n".join(lines))

    def _expect_one(self, criteria, timeout):
        __tracebackhide__ = True
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout / 1000
        while True:
            for beacon in self._beacons:
                if beacon_matches(beacon, criteria):
                    return beacon
            remaining = (deadline - time.monotonic()) * 1000
            if remaining <= 0:
                break
            yield min(POLL_MS, remaining)
        diagnostics = yield _DIAGNOSE
        raise self._failure("Expected a %s within %d ms, but none of the beacons matched."
                            % (describe_criteria(criteria), timeout), diagnostics)

    def _expect_count(self, count, criteria, within_ms):
        __tracebackhide__ = True
        deadline = time.monotonic() + within_ms / 1000
        while True:
            found = [b for b in self._beacons if beacon_matches(b, criteria)]
            remaining = (deadline - time.monotonic()) * 1000
            if len(found) > count or remaining <= 0:
                break
            yield min(POLL_MS, remaining)
        if len(found) == count:
            return found
        diagnostics = yield _DIAGNOSE
        what = describe_criteria(criteria)
        if count == 0:
            headline = "Expected no %s within %d ms, got %d." % (what, within_ms, len(found))
        else:
            headline = "Expected exactly %d × %s within %d ms, got %d." % (
                count, what, within_ms, len(found))
        raise self._failure(headline, diagnostics)


# -- sync ------------------------------------------------------------------------

class HubSpotTracking(_TrackingCore):
    """HubSpot tracking capture for the sync Playwright API.

        tracking = HubSpotTracking(); tracking.attach(page)      # before page.goto
        page.goto("https://example.com/")
        tracking.expect_page_view(path="/", title="Home")
    """

    def attach(self, target):
        """Route HubSpot's URLs of a Page or a BrowserContext (every page in it)."""
        self._targets_for(target)
        target.route(ROUTE_URL, self._handle)
        for script in self._init_scripts:
            target.add_init_script(script=script)
        if self._cookies:
            contexts = [target] if not hasattr(target, "main_frame") else [target.context]
            for name, value, url in self._cookies:
                entries = self._cookie_entries(name, value, url)
                for context in contexts:
                    if entries:
                        context.add_cookies(entries)
        return self

    def _handle(self, route):
        answer = self._answer(route.request.url)
        try:
            route.fulfill(**answer)
        except Exception:                   # the page went away meanwhile
            pass

    # -- state before the page loads
    def _add_init_script(self, script):
        self._init_scripts.append(script)
        for target in self._pages + self._contexts:
            target.add_init_script(script=script)

    def _set_cookie(self, name, value, url=None):
        self._cookies.append((name, value, url))
        entries = self._cookie_entries(name, value, url)
        if entries:
            for context in self._cookie_contexts():
                context.add_cookies(entries)
        self._add_init_script(cookie_init_script(name, value))

    def set_consent(self, analytics=True, advertisement=True, functionality=True, *, url=None):
        """Cookie `__hs_cookie_cat_pref` ('1:true_2:false_3:true'), as HubSpot's banner
        writes it after a visitor's choice. Set before page.goto()."""
        self._set_cookie("__hs_cookie_cat_pref",
                         consent_cookie_value(analytics, advertisement, functionality), url)

    def do_not_track(self, *, url=None):
        """Cookie `__hs_do_not_track=yes`: the visitor opted out (no beacon at all)."""
        self._set_cookie("__hs_do_not_track", "yes", url)

    def global_privacy_control(self, enabled=True):
        """`navigator.globalPrivacyControl` in every later document."""
        self._add_init_script(gpc_init_script(enabled))

    # -- expectations
    def expect_beacon(self, *, timeout=None, **fields):
        """Wait for a beacon whose given fields match (see Beacon); return it."""
        __tracebackhide__ = True
        return self._drive(self._expect_one(criteria_of(**fields), timeout))

    def expect_page_view(self, *, path=_ANY, url=_ANY, title=_ANY, portal=_ANY, timeout=None,
                         **fields):
        __tracebackhide__ = True
        return self._drive(self._expect_one(criteria_of(
            kind="page view", path=path, url=url, title=title, portal=portal, **fields), timeout))

    def expect_identify(self, email=_ANY, *, timeout=None, **identity):
        """A beacon (any kind) whose identity holds these values, e.g. email=..."""
        __tracebackhide__ = True
        if email is not _ANY:
            identity["email"] = email
        return self._drive(self._expect_one(criteria_of(identity=identity), timeout))

    def expect_event(self, name=_ANY, properties=_ANY, *, timeout=None, **fields):
        """A custom (or legacy) event with this name and at least these properties."""
        __tracebackhide__ = True
        return self._drive(self._expect_one(criteria_of(
            kind=kind_is(*EVENT_KINDS), name=name, properties=properties, **fields), timeout))

    def expect_page_views(self, count, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        """Exactly `count` page views (matching the given fields) after within_ms."""
        __tracebackhide__ = True
        return self._drive(self._expect_count(count, criteria_of(kind="page view", **fields),
                                              within_ms))

    def expect_no_beacon(self, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        """No beacon (matching the given fields) since attach() or clear(), waiting
        within_ms for late ones."""
        __tracebackhide__ = True
        self._drive(self._expect_count(0, criteria_of(**fields), within_ms))

    # -- the driver
    def _drive(self, steps):
        __tracebackhide__ = True
        try:
            request = next(steps)
            while True:
                if request is _DIAGNOSE:
                    request = steps.send(self._diagnose())
                else:
                    self._wait(request)
                    request = next(steps)
        except StopIteration as stop:
            return stop.value

    def _wait(self, ms):
        for page in self._open_pages():
            try:
                self._reconcile(page.evaluate(_RECORD_JS))
            except Exception:               # navigating, closed, no shim
                pass
        # Route handlers run only while Playwright has control: wait through a page.
        for page in self._open_pages():
            try:
                page.wait_for_timeout(ms)
                return
            except Exception:
                continue
        time.sleep(ms / 1000)

    def _diagnose(self):
        for page in self._open_pages():
            try:
                return page.evaluate(_IGNORED_JS)
            except Exception:
                continue
        return None


# -- async -----------------------------------------------------------------------

class AsyncHubSpotTracking(_TrackingCore):
    """The same for the async Playwright API: `await` attach, the helpers and expect_*.

        tracking = AsyncHubSpotTracking(); await tracking.attach(page)
        await page.goto("https://example.com/")
        await tracking.expect_page_view(path="/")
    """

    async def attach(self, target):
        self._targets_for(target)
        await target.route(ROUTE_URL, self._handle)
        for script in self._init_scripts:
            await target.add_init_script(script=script)
        if self._cookies:
            context = target.context if hasattr(target, "main_frame") else target
            for name, value, url in self._cookies:
                entries = self._cookie_entries(name, value, url)
                if entries:
                    await context.add_cookies(entries)
        return self

    async def _handle(self, route):
        answer = self._answer(route.request.url)
        try:
            await route.fulfill(**answer)
        except Exception:
            pass

    async def _add_init_script(self, script):
        self._init_scripts.append(script)
        for target in self._pages + self._contexts:
            await target.add_init_script(script=script)

    async def _set_cookie(self, name, value, url=None):
        self._cookies.append((name, value, url))
        entries = self._cookie_entries(name, value, url)
        if entries:
            for context in self._cookie_contexts():
                await context.add_cookies(entries)
        await self._add_init_script(cookie_init_script(name, value))

    async def set_consent(self, analytics=True, advertisement=True, functionality=True, *,
                          url=None):
        await self._set_cookie("__hs_cookie_cat_pref",
                               consent_cookie_value(analytics, advertisement, functionality), url)

    async def do_not_track(self, *, url=None):
        await self._set_cookie("__hs_do_not_track", "yes", url)

    async def global_privacy_control(self, enabled=True):
        await self._add_init_script(gpc_init_script(enabled))

    async def expect_beacon(self, *, timeout=None, **fields):
        __tracebackhide__ = True
        return await self._adrive(self._expect_one(criteria_of(**fields), timeout))

    async def expect_page_view(self, *, path=_ANY, url=_ANY, title=_ANY, portal=_ANY,
                               timeout=None, **fields):
        __tracebackhide__ = True
        return await self._adrive(self._expect_one(criteria_of(
            kind="page view", path=path, url=url, title=title, portal=portal, **fields), timeout))

    async def expect_identify(self, email=_ANY, *, timeout=None, **identity):
        __tracebackhide__ = True
        if email is not _ANY:
            identity["email"] = email
        return await self._adrive(self._expect_one(criteria_of(identity=identity), timeout))

    async def expect_event(self, name=_ANY, properties=_ANY, *, timeout=None, **fields):
        __tracebackhide__ = True
        return await self._adrive(self._expect_one(criteria_of(
            kind=kind_is(*EVENT_KINDS), name=name, properties=properties, **fields), timeout))

    async def expect_page_views(self, count, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        __tracebackhide__ = True
        return await self._adrive(self._expect_count(
            count, criteria_of(kind="page view", **fields), within_ms))

    async def expect_no_beacon(self, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        __tracebackhide__ = True
        await self._adrive(self._expect_count(0, criteria_of(**fields), within_ms))

    async def _adrive(self, steps):
        __tracebackhide__ = True
        import asyncio
        try:
            request = next(steps)
            while True:
                if request is _DIAGNOSE:
                    request = steps.send(await self._diagnose())
                else:
                    for page in self._open_pages():
                        try:
                            self._reconcile(await page.evaluate(_RECORD_JS))
                        except Exception:
                            pass
                    await asyncio.sleep(request / 1000)
                    request = next(steps)
        except StopIteration as stop:
            return stop.value

    async def _diagnose(self):
        for page in self._open_pages():
            try:
                return await page.evaluate(_IGNORED_JS)
            except Exception:
                continue
        return None
