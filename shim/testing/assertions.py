"""Host tool: test a site's HubSpot tracking in Playwright, with the shim standing in.

`HubSpotTracking` (sync Playwright) and `AsyncHubSpotTracking` (async Playwright) attach
to a page or a browser context, answer HubSpot's URLs (shim.testing.routing), capture
and decode every beacon (shim.testing.beacons) and wait for expectations
(shim.testing.matching).

Rule 1: CPython host code, never shipped to the browser; it imports no Playwright (it
        only calls the page or context it is given), so importing it is cheap.
Rule 2: everything is written once, in `_TrackingCore`, as generators that yield what
        they need done: `Call(fn, ...)` (a Playwright call) or `Wait(ms)`
        (shim.testing.steps). The two classes only run them: `drive` calls, `adrive`
        awaits. Each public method of theirs is one line, `sync_method(...)` or
        `async_method(...)` of the shared generator.
Rule 3: expectations are partial: only the fields given are compared. A failure lists
        every beacon received, one per line.
"""

import time
from collections import Counter
from pathlib import Path

from shim.core.consent import PREFERENCE_COOKIE
from shim.core.cookies import DO_NOT_TRACK_COOKIE, VISITOR_MS
from shim.testing.beacons import BEACON_URL, EVENT_KINDS, Beacon
from shim.testing.matching import ANY, beacon_matches, criteria_of, describe_criteria, kind_is
from shim.testing.routing import (BLOCKED_ANSWER, COUNT_LIKE_HUBSPOT, LOADER_URL, PIXEL_ANSWER,
                                  ROUTE_URL, consent_cookie_value, cookie_init_script,
                                  find_shim_js, gpc_init_script, loader_answer, origin_url)
from shim.testing.steps import Call, Wait, async_method, sync_method

DEFAULT_TIMEOUT_MS = 5000
DEFAULT_WINDOW_MS = 1000
POLL_MS = 50
# The shim's own record of what it sent (D10).
_RECORD_JS = ("() => (window.hsqShim && window.hsqShim.beacons) ? "
              "Array.from(window.hsqShim.beacons, b => String(b.url)) : null")
_READY_RECORD_JS = ("() => (window.hsqShim && window.hsqShim.ready === true) ? "
                    "Array.from(window.hsqShim.beacons, b => String(b.url)) : null")
_IGNORED_JS = ("() => (window.hsqShim && window.hsqShim.ignored) ? "
               "Array.from(window.hsqShim.ignored, i => String(i.entry) + ': ' + i.reason) : null")


def _is_page(target):
    return hasattr(target, "main_frame")


class _TrackingCore:
    """State, routing decisions, matching and every method's steps; no I/O."""

    def __init__(self, shim_js=None, default_url=None, timeout=DEFAULT_TIMEOUT_MS,
                 duplicate_guard=False):
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
        # replayed on every later attach; duplicate_guard=True keeps the shim's own guard
        self._init_scripts = [] if duplicate_guard else [COUNT_LIKE_HUBSPOT]
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
    def _answer(self, url):
        """What to fulfil a routed request with (keyword arguments of route.fulfill)."""
        loader = LOADER_URL.match(url)
        if loader:
            self.scripts.append(url)
            if self._shim_body is None:
                self._shim_body = (self.shim_js or find_shim_js()).read_bytes()
            return loader_answer(self._shim_body, url)
        if BEACON_URL.match(url):
            self._capture(Beacon(url))
            return PIXEL_ANSWER
        self.blocked.append(url)
        return BLOCKED_ANSWER

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

    def _cookie_entries(self, name, value, url):
        if url:
            urls = [url]
        else:
            urls = [origin_url(page.url) for page in self._open_pages()]
            urls.append(origin_url(self.default_url))
            urls = sorted({u for u in urls if u})
        expires = time.time() + VISITOR_MS / 1000
        return [{"name": name, "value": value, "url": u, "expires": expires, "sameSite": "Lax"}
                for u in urls]

    # -- steps (generators: yield Call or Wait, get the call's result back)
    def _attach(self, target):
        """Route HubSpot's URLs of a Page or a BrowserContext (every page in it)."""
        (self._pages if _is_page(target) else self._contexts).append(target)
        yield Call(target.route, ROUTE_URL, self._handle)
        for script in self._init_scripts:
            yield Call(target.add_init_script, script=script)
        context = target.context if _is_page(target) else target
        for name, value, url in self._cookies:
            entries = self._cookie_entries(name, value, url)
            if entries:
                yield Call(context.add_cookies, entries)
        return self

    def _fulfil(self, route):
        answer = self._answer(route.request.url)
        try:
            yield Call(route.fulfill, **answer)
        except Exception:                   # the page went away meanwhile
            pass

    def _add_init_script(self, script):
        self._init_scripts.append(script)
        for target in self._pages + self._contexts:
            yield Call(target.add_init_script, script=script)

    def _set_cookie(self, name, value, url=None):
        self._cookies.append((name, value, url))
        entries = self._cookie_entries(name, value, url)
        if entries:
            for context in self._cookie_contexts():
                yield Call(context.add_cookies, entries)
        yield from self._add_init_script(cookie_init_script(name, value))

    def _set_consent(self, analytics=True, advertisement=True, functionality=True, *, url=None):
        """Cookie `__hs_cookie_cat_pref` ('1:true_2:false_3:true'), as HubSpot's banner
        writes it after a visitor's choice. Set before page.goto()."""
        return self._set_cookie(PREFERENCE_COOKIE,
                                consent_cookie_value(analytics, advertisement, functionality), url)

    def _do_not_track(self, *, url=None):
        """Cookie `__hs_do_not_track=yes`: the visitor opted out (no beacon at all)."""
        return self._set_cookie(DO_NOT_TRACK_COOKIE, "yes", url)

    def _global_privacy_control(self, enabled=True):
        """`navigator.globalPrivacyControl` in every later document."""
        return self._add_init_script(gpc_init_script(enabled))

    def _expect_beacon(self, *, timeout=None, **fields):
        """Wait for a beacon whose given fields match (see Beacon); return it."""
        return self._expect_one(criteria_of(**fields), timeout)

    def _expect_page_view(self, *, path=ANY, url=ANY, title=ANY, portal=ANY, timeout=None,
                          **fields):
        """Wait for a matching page view (k=1); return it."""
        return self._expect_one(criteria_of(kind="page view", path=path, url=url, title=title,
                                            portal=portal, **fields), timeout)

    def _expect_identify(self, email=ANY, *, timeout=None, **identity):
        """A beacon (any kind) whose identity holds these values, e.g. email=..."""
        if email is not ANY:
            identity["email"] = email
        return self._expect_one(criteria_of(identity=identity), timeout)

    def _expect_event(self, name=ANY, properties=ANY, *, timeout=None, **fields):
        """A custom (or legacy) event with this name and at least these properties."""
        return self._expect_one(criteria_of(kind=kind_is(*EVENT_KINDS), name=name,
                                            properties=properties, **fields), timeout)

    def _expect_page_views(self, count, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        """Exactly `count` page views (matching the given fields) after within_ms."""
        return self._expect_count(count, criteria_of(kind="page view", **fields), within_ms)

    def _expect_no_beacon(self, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        """No beacon (matching the given fields) since attach() or clear(), waiting
        within_ms for late ones."""
        return self._expect_count(0, criteria_of(**fields), within_ms, result=None)

    def _wait_for_sent(self, *, timeout=None):
        """Wait until the shim has started in the open pages and every beacon it sent
        (its record, window.hsqShim.beacons) has been captured; return `beacons`. For
        reading `beacons` directly after an action, instead of expecting something."""
        __tracebackhide__ = True
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout / 1000
        while True:
            missing, starting = [], []
            for page in self._open_pages():
                try:
                    record = yield Call(page.evaluate, _READY_RECORD_JS)
                except Exception:           # navigating or closed
                    continue
                if record is None:
                    starting.append(page.url)
                    continue
                self._reconcile(record)
                missing.extend(url for url in record if not self._seen[url])
            remaining = (deadline - time.monotonic()) * 1000
            if not missing and not starting:
                return self.beacons
            if remaining <= 0:
                break
            yield Wait(min(POLL_MS, remaining))
        diagnostics = yield from self._diagnostics()
        if starting:
            headline = ("The shim did not start within %d ms (window.hsqShim.ready) in %s."
                        % (timeout, ", ".join(starting)))
        else:
            headline = ("The shim sent %d beacon(s) not captured within %d ms: %s"
                        % (len(missing), timeout, ", ".join(sorted(set(missing)))))
        raise self._failure(headline, diagnostics)

    # -- the waiting logic
    def _pause(self, ms):
        """Let `ms` pass, first adding the repeats the shim's record shows."""
        for page in self._open_pages():
            try:
                self._reconcile((yield Call(page.evaluate, _RECORD_JS)))
            except Exception:               # navigating, closed, no shim
                pass
        yield Wait(ms)

    def _diagnostics(self):
        for page in self._open_pages():
            try:
                return (yield Call(page.evaluate, _IGNORED_JS))
            except Exception:
                continue
        return None

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
            yield from self._pause(min(POLL_MS, remaining))
        diagnostics = yield from self._diagnostics()
        raise self._failure("Expected a %s within %d ms, but none of the beacons matched."
                            % (describe_criteria(criteria), timeout), diagnostics)

    def _expect_count(self, count, criteria, within_ms, result=True):
        __tracebackhide__ = True
        deadline = time.monotonic() + within_ms / 1000
        while True:
            found = [b for b in self._beacons if beacon_matches(b, criteria)]
            remaining = (deadline - time.monotonic()) * 1000
            if len(found) > count or remaining <= 0:
                break
            yield from self._pause(min(POLL_MS, remaining))
        if len(found) == count:
            return found if result else None
        diagnostics = yield from self._diagnostics()
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

    attach = sync_method(_TrackingCore._attach)
    set_consent = sync_method(_TrackingCore._set_consent)
    do_not_track = sync_method(_TrackingCore._do_not_track)
    global_privacy_control = sync_method(_TrackingCore._global_privacy_control)
    expect_beacon = sync_method(_TrackingCore._expect_beacon)
    expect_page_view = sync_method(_TrackingCore._expect_page_view)
    expect_identify = sync_method(_TrackingCore._expect_identify)
    expect_event = sync_method(_TrackingCore._expect_event)
    expect_page_views = sync_method(_TrackingCore._expect_page_views)
    expect_no_beacon = sync_method(_TrackingCore._expect_no_beacon)
    wait_for_sent = sync_method(_TrackingCore._wait_for_sent)
    _handle = sync_method(_TrackingCore._fulfil)

    def _sleep(self, ms):
        # Route handlers run only while Playwright has control: wait through a page.
        for page in self._open_pages():
            try:
                page.wait_for_timeout(ms)
                return
            except Exception:
                continue
        time.sleep(ms / 1000)


# -- async -----------------------------------------------------------------------

class AsyncHubSpotTracking(_TrackingCore):
    """The same for the async Playwright API: `await` attach, the helpers and expect_*.

        tracking = AsyncHubSpotTracking(); await tracking.attach(page)
        await page.goto("https://example.com/")
        await tracking.expect_page_view(path="/")
    """

    attach = async_method(_TrackingCore._attach)
    set_consent = async_method(_TrackingCore._set_consent)
    do_not_track = async_method(_TrackingCore._do_not_track)
    global_privacy_control = async_method(_TrackingCore._global_privacy_control)
    expect_beacon = async_method(_TrackingCore._expect_beacon)
    expect_page_view = async_method(_TrackingCore._expect_page_view)
    expect_identify = async_method(_TrackingCore._expect_identify)
    expect_event = async_method(_TrackingCore._expect_event)
    expect_page_views = async_method(_TrackingCore._expect_page_views)
    expect_no_beacon = async_method(_TrackingCore._expect_no_beacon)
    wait_for_sent = async_method(_TrackingCore._wait_for_sent)
    _handle = async_method(_TrackingCore._fulfil)

