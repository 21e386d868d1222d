"""Route-change journeys: on a loaded page, click the links a visitor would click and keep
each click that changed the URL without loading a new document (a single-page app's
client-side route change), with what the page sent meanwhile. Facts only;
route_checks.py judges them.

Rule 1: by behaviour, not by framework: a click is a route change when the URL then
        changes in the same document (pushState, replaceState, a hash change) and its
        key changes (urls.is_route_change, shim.core.navigation's rules): an anchor
        (#section) is not a route change, a hash route (#/about) is.
Rule 2: the page never leaves: while a journey runs, every load of a new document in
        the main frame is aborted before it leaves the browser (that link is the
        crawl's). A link with a target, or whose click opens a window, does not count;
        the window is closed.
Rule 3: bounded: at most `spa_links` route changes per page and MAX_MISSES clicks that
        were not; a route change is recorded only once the crawl's budget (RouteBudget)
        counts it as a visited page, keyed by its URL. A change is watched until its URL
        has held still for the settle time, at most the page timeout from the click.
Rule 4: nothing raises out of a journey: a click that throws, a route change that never
        settles, a page that stops answering are facts of the route (`errors`, `stuck`).
"""

import asyncio

from shim.audit.browser import PageBusy, evaluate
from shim.audit.urls import is_route_change, next_link

MAX_MISSES = 4                              # clicks per page that were no route change
POLL_S = 0.05
MAX_URLS = 20                               # the URLs kept of a route that never settles

# Once per page: a log of the Navigation API's `navigate` events (how the URL changed)
# and the document's identity (a new document has a new time origin).
WATCH_JS = """() => {
  if (!Object.getOwnPropertyDescriptor(window, '__hsqAuditNav')) {
    const log = [];
    Object.defineProperty(window, '__hsqAuditNav', {value: log});
    if (window.navigation && navigation.addEventListener) {
      navigation.addEventListener('navigate', (e) => log.push({
        type: String(e.navigationType), same: !!(e.destination && e.destination.sameDocument),
        hash: !!e.hashChange}));
    }
  }
  return performance.timeOrigin;
}"""
# The page's visible links, in document order (urls.next_link picks one).
LINKS_JS = """() => {
  const base = document.querySelector('base[target]'), out = [], seen = new Set();
  for (const a of document.querySelectorAll('a[href]')) {
    if (seen.has(a.href) || !a.getClientRects().length || getComputedStyle(a).visibility === 'hidden') continue;
    seen.add(a.href);
    out.push({href: a.href, text: (a.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 80),
              target: (a.getAttribute('target') || (base && base.getAttribute('target')) || '').toLowerCase(),
              download: a.hasAttribute('download')});
  }
  return out;
}"""
STATE_JS = """() => ({url: location.href, title: document.title, document: performance.timeOrigin,
  nav: window.__hsqAuditNav ? window.__hsqAuditNav.length : 0})"""
# Marks the newest beacon and ignored entry (the record keeps only the newest 500), and
# clicks the first visible link to `href`: false when there is none any more.
CLICK_JS = """(href) => {
  const shim = window.hsqShim, last = (list) => (list && list.length) ? list[list.length - 1] : null;
  Object.defineProperty(window, '__hsqAuditMark', {configurable: true, writable: true,
    value: {beacon: last(shim && shim.beacons), ignored: last(shim && shim.ignored)}});
  for (const a of document.querySelectorAll('a[href]')) {
    if (a.href === href && a.getClientRects().length > 0) { a.click(); return true; }
  }
  return false;
}"""
# What the page sent since the click, its title and its links now.
READ_JS = """(nav) => {
  const shim = window.hsqShim, mark = window.__hsqAuditMark || {};
  const text = (v) => (v === undefined || v === null) ? null : String(v);
  const since = (list, last) => {
    if (!list) return null;
    const all = Array.from(list), at = last ? all.lastIndexOf(last) : -1;
    return all.slice(at + 1);
  };
  return {
    url: location.href, title: document.title, document: performance.timeOrigin,
    beacons: shim && shim.beacons ? since(shim.beacons, mark.beacon).map(b => text(b.url)) : null,
    ignored: (since(shim && shim.ignored, mark.ignored) || []).map(i => ({entry: text(i.entry), reason: text(i.reason)})),
    nav: (window.__hsqAuditNav || []).slice(nav),
    links: Array.from(document.querySelectorAll('a[href], area[href]'), a => text(a.href)),
  };
}"""


class RouteFacts:
    """One click that changed the route, or that threw instead (`changed` False)."""

    def __init__(self, from_url, link, title_before, window_s):
        self.from_url = from_url
        self.to_url = link["href"]          # where the URL settled (the link's, unchanged)
        self.changed = False
        self.link = link                    # {href, text}: what was clicked
        self.history = None                 # 'pushState', 'replaceState', 'hash change'
        self.urls = []                      # every URL after the click, up to MAX_URLS
        self.title_before = title_before
        self.title_after = None
        self.beacons = []                   # raw beacon URLs sent from click to settled
        self.ignored = []                   # {entry, reason} meanwhile
        self.errors = []                    # {message, stack, source}: uncaught meanwhile
        self.stuck = None                   # why it never settled (a clause), or None
        self.window_s = window_s            # how long the settled URL was watched
        self.seconds = 0.0


class RouteBudget:
    """What a visit and its journey ask the crawl (shim.audit.crawl.Crawl implements it)."""

    def follows(self, facts):
        """Whether this page's route changes are to be followed at all."""
        raise NotImplementedError

    def room(self):
        """Whether --max-pages leaves room for one more visited page."""
        raise NotImplementedError

    def route_open(self, url):
        """Whether a link to `url` may be followed (not audited yet, allowed)."""
        raise NotImplementedError

    def claim_route(self, url):
        """Count a route change to `url` as a visited page; False when it may not be."""
        raise NotImplementedError

    def route_failed(self, url):
        """A click towards `url` threw: no other page's journey needs to try it again."""
        raise NotImplementedError


class _Left(Exception):
    """The page is gone, or holds another document: the journey ends."""


async def follow(page, tracking, facts, options, budget, errors, describe_error):
    """Click through `page`'s route changes into facts.routes; the uncaught errors of
    `errors` (appended to by the page) that no route claimed, as raw errors. `tracking`
    (the page's AsyncHubSpotTracking) has the beacons captured on the network, for a
    page without the shim's record."""
    from playwright.async_api import Error as PlaywrightError
    journey = _Journey(page, tracking, facts, options, budget, errors, describe_error)
    start = len(errors)
    try:
        await journey.run()
    except (_Left, PageBusy, PlaywrightError):      # the page went away or froze between
        pass                                        # clicks: what was found is kept
    finally:
        journey.stop()
    return [error for error in errors[start:] if id(error) not in journey.claimed]


class _Journey:
    def __init__(self, page, tracking, facts, options, budget, errors, describe_error):
        self.page, self.tracking, self.facts = page, tracking, facts
        self.options, self.budget = options, budget
        self.errors, self.describe_error = errors, describe_error
        self.claimed = set()                # id() of the errors a route took
        self.loads = []                     # documents the page tried to load (aborted)
        self.popups = []
        self.document = None
        self.loop = asyncio.get_running_loop()

    async def run(self):
        self.page.on("popup", self._on_popup)
        await self.page.route("**/*", self._on_request)
        self.document = await self._call(WATCH_JS)
        tried, misses = set(), 0
        while len(self.facts.routes) < self.options.spa_links and misses < MAX_MISSES:
            if not self.budget.room():
                return
            state = await self._call(STATE_JS)
            found = await self._call(LINKS_JS)
            link = next_link(found, state["url"], tried, self.budget.route_open)
            if link is None:
                return
            tried.add(link["href"])
            route = await self._click(link, state)
            if route is None or (route.changed and not self.budget.claim_route(route.to_url)):
                misses += 1
                continue
            if not route.changed:
                self.budget.route_failed(route.to_url)
            self.facts.routes.append(route)
            if route.stuck and route.stuck.startswith("the page stopped"):
                return                      # a busy page answers nothing more

    def stop(self):
        # The page's route stays: the context is closed next, and a busy page would not
        # answer an unroute.
        self.page.remove_listener("popup", self._on_popup)

    async def _call(self, script, arg=None):
        result = await evaluate(self.page, script, self.options.timeout, arg)
        if result is None or (self.document is not None and isinstance(result, dict)
                              and result.get("document") not in (None, self.document)):
            raise _Left()
        return result

    async def _on_request(self, route):
        request = route.request
        try:
            if request.is_navigation_request() and request.frame == self.page.main_frame:
                self.loads.append(request.url)
                await route.abort("aborted")
            else:
                await route.fallback()
        except Exception:                   # the page went away meanwhile
            pass

    async def _on_popup(self, popup):
        self.popups.append(popup.url)
        try:
            await popup.close()
        except Exception:
            pass

    async def _click(self, link, before):
        """The route this click made; None when it made none (a miss)."""
        started = self.loop.time()
        errors_at, marks = len(self.errors), (len(self.loads), len(self.popups))
        captured_at = len(self.tracking.beacons)
        route = RouteFacts(before["url"], link, before["title"], self.options.settle)
        try:
            if not await self._call(CLICK_JS, link["href"]):
                return None                 # re-rendered away meanwhile
            what, state = await self._changed(before, started, *marks)
            if what != "changed":
                # Nothing happened but an error: the click threw instead of routing.
                thrown = what == "nothing" and self.errors[errors_at:]
                return self._finish(route, started, errors_at) if thrown else None
            if not is_route_change(before["url"], state["url"]):
                return None                 # an anchor of this page
            route.changed = True
            await self._settle(route, state, started)
        except PageBusy:
            route.stuck = ("the page stopped answering for over %g s (a script keeps it busy)"
                           % self.options.timeout)
            route.to_url = route.urls[-1] if route.urls else route.to_url
            return self._finish(route, started, errors_at)
        read = await self._call(READ_JS, before["nav"])
        route.to_url, route.title_after = read["url"], read["title"]
        if read["beacons"] is None:         # no shim record: what the network saw
            route.beacons = [b.url_raw for b in self.tracking.beacons[captured_at:]]
        else:
            route.beacons = [url for url in read["beacons"] if url]
        route.ignored = read["ignored"]
        route.history = history_kind(read["nav"])
        known = set(self.facts.links)
        self.facts.links.extend(url for url in dict.fromkeys(read["links"]) if url and url not in known)
        return self._finish(route, started, errors_at)

    async def _changed(self, before, started, loads_at, popups_at):
        """What the click did: ('changed', state) once the URL changed; ('load', None)
        when it loaded a document (aborted: a link for the crawl), ('window', None) when it
        opened one, ('nothing', None) when nothing happened within the settle time."""
        while True:
            state = await self._call(STATE_JS)
            if len(self.popups) > popups_at:
                return "window", None
            if state["url"] != before["url"]:
                return "changed", state
            if len(self.loads) > loads_at:
                return "load", None
            if self.loop.time() - started >= self.options.settle:
                return "nothing", None
            await asyncio.sleep(POLL_S)

    async def _settle(self, route, state, started):
        """Watch until the URL has held still for the settle time (at most the timeout):
        no new URL and no `navigate` event (a URL that flips back and forth between two
        polls still logs one)."""
        route.urls = [state["url"]]
        seen, changed_at = (state["url"], state["nav"]), self.loop.time()
        while self.loop.time() - changed_at < self.options.settle:
            if self.loop.time() - started >= self.options.timeout:
                route.stuck = ("the address was still changing %g s after the click"
                               % self.options.timeout)
                return
            await asyncio.sleep(POLL_S)
            state = await self._call(STATE_JS)
            if (state["url"], state["nav"]) != seen:
                seen, changed_at = (state["url"], state["nav"]), self.loop.time()
                if state["url"] != route.urls[-1] and len(route.urls) < MAX_URLS:
                    route.urls.append(state["url"])

    def _finish(self, route, started, errors_at):
        """The route with the errors thrown since its click (no longer the page's)."""
        thrown = self.errors[errors_at:]
        self.claimed.update(id(error) for error in thrown)
        route.errors = [self.describe_error(error) for error in thrown]
        route.seconds = self.loop.time() - started
        return route


def history_kind(navigations):
    """How the URL changed, from the page's `navigate` events since the click: the last
    same-document one's kind; None without the Navigation API."""
    for item in reversed(navigations or []):
        if item.get("same"):
            if item.get("hash"):
                return "hash change"
            return {"push": "pushState", "replace": "replaceState"}.get(item.get("type"),
                                                                          item.get("type"))
    return None
