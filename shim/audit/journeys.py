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
        has held still for the settle time, at most the page timeout from the click,
        by the page's own timers (journey_scripts.py: a starved page is not mistaken for
        a quiet one).
Rule 4: nothing raises out of a journey: a click that throws, a route change that never
        settles, a page that stops answering are facts of the route (`errors`, `stuck`).
"""

import asyncio
from typing import Protocol

from shim.audit.browser import PageBusy, evaluate
from shim.audit.journey_scripts import (CHANGE_JS, CLICK_JS, LINKS_JS, READ_JS, SETTLED_JS,
                                       STATE_JS, WATCH_JS)
from shim.audit.urls import is_route_change, next_link

MAX_MISSES = 4                              # clicks per page that were no route change
MAX_URLS = 20                               # the URLs kept of a route that never settles


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


class RouteBudget(Protocol):
    """What a visit and its journey ask the crawl (shim.audit.crawl.Crawl implements it):
    an interface, so its methods have no bodies."""

    def follows(self, facts):
        """Whether this page's route changes are to be followed at all."""

    def room(self):
        """Whether --max-pages leaves room for one more visited page."""

    def route_open(self, url):
        """Whether a link to `url` may be followed (not audited yet, allowed)."""

    def claim_route(self, url):
        """Count a route change to `url` as a visited page; False when it may not be."""

    def route_failed(self, url):
        """A click towards `url` threw: no other page's journey needs to try it again."""


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
        self.frozen = False                 # a click left the page stuck in a script
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
            if self.frozen:
                return                      # a busy page answers nothing more

    def stop(self):
        # The page's route stays: the context is closed next, and a busy page would not
        # answer an unroute.
        self.page.remove_listener("popup", self._on_popup)

    async def _call(self, script, arg=None, waits_s=0.0):
        """The script's result (bounded: what it waits for, plus the page timeout)."""
        result = await evaluate(self.page, script, waits_s + self.options.timeout, arg)
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
            what, url = await self._changed(before, *marks)
            if what != "changed":
                # Nothing happened but an error: the click threw instead of routing.
                thrown = what == "nothing" and self.errors[errors_at:]
                return self._finish(route, started, errors_at) if thrown else None
            if not is_route_change(before["url"], url):
                return None                 # an anchor of this page
            route.changed = True
            await self._settle(route, started)
            read = await self._call(READ_JS, before["nav"])
        except PageBusy:
            self.frozen = True
            route.stuck = ("the page stopped answering for over %g s (a script keeps it busy)"
                           % self.options.timeout)
            route.to_url = route.urls[-1] if route.urls else route.to_url
            return self._finish(route, started, errors_at)
        route.to_url, route.title_after = read["url"], read["title"]
        if read["beacons"] is None:         # no shim record: what the network saw
            route.beacons = [b.url_raw for b in self.tracking.beacons[captured_at:]]
        else:
            route.beacons = [url for url in read["beacons"] if url]
        route.ignored = read["ignored"]
        route.history = history_kind(read["nav"])
        known = set(self.facts.links)
        self.facts.links.extend(url for url in dict.fromkeys(read["links"])
                                if url and url not in known)
        return self._finish(route, started, errors_at)

    async def _changed(self, before, loads_at, popups_at):
        """What the click did: ('changed', url) once the URL changed; 'load' when it loaded
        a document (aborted: a link for the crawl), 'window' when it opened one, 'nothing'
        when nothing happened within the settle time."""
        settle = self.options.settle
        state = await self._call(CHANGE_JS, {"url": before["url"], "nav": before["nav"],
                                             "quiet": settle * 1000}, settle)
        if len(self.popups) > popups_at:
            return "window", None
        if state["what"] == "nothing" and len(self.loads) > loads_at:
            return "load", None
        return state["what"], state["url"]

    async def _settle(self, route, started):
        """Watch until the URL has held still for the settle time (no new URL, no
        `navigate` event), at most the timeout from the click."""
        left = max(0.0, self.options.timeout - (self.loop.time() - started))
        state = await self._call(SETTLED_JS, {"quiet": self.options.settle * 1000,
                                              "limit": left * 1000}, left)
        route.urls = state["urls"][:MAX_URLS]
        if not state["settled"]:
            route.stuck = ("the address was still changing %g s after the click"
                           % self.options.timeout)

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
