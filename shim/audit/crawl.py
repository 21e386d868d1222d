"""The crawl: every page of a site in headless Chromium with the shim standing in for
HubSpot's script (visit.py), breadth-first; on single-page apps, the route changes their
links make too (journeys.py).

Rule 1: never another origin. Start URLs name the origins; a link elsewhere, or a page
        that redirects elsewhere, is not visited. robots.txt (for the user agent
        `hsq-shim`) rules the links found, not the URLs the user named.
Rule 2: breadth-first, at most `max_pages` visits, at most `concurrency` pages open at
        once, each in a fresh browser context: every page is audited as a first visit
        (no cookie or consent carried over from another page).
Rule 3: a route change counts as a visited page, keyed by its URL (urls.route_key): a
        URL is audited once, by a page load or by a route change, whichever comes first,
        and both count towards `max_pages`.

Modules: urls (link discovery, keys, robots.txt), browser (Chromium, contexts, bounded
calls), visit (one page), journeys (its route changes). Playwright is imported by the
caller (shim.audit.run) and passed in, so importing this module costs nothing.
"""

import asyncio

from shim.testing.routing import find_shim_js

# The names this module has always offered (shim.audit.run, the tests).
from shim.audit.browser import CHROMIUM_FLAGS, chromium_executable  # noqa: F401
from shim.audit.journeys import RouteBudget
from shim.audit.urls import Robots, looks_like_file, normalise, origin, route_key
from shim.audit.visit import PageFacts, visit  # noqa: F401

DEFAULT_SPA_LINKS = 5


class CrawlOptions:
    def __init__(self, max_pages=50, concurrency=2, timeout=15.0, settle=1.0,
                 consent_policy=None, shim_js=None, robots=True, insecure=False,
                 user_agent=None, spa_links=DEFAULT_SPA_LINKS):
        self.max_pages = max_pages
        self.concurrency = concurrency
        self.timeout = timeout
        self.settle = settle
        self.consent_policy = consent_policy
        self.shim_js = shim_js or find_shim_js()
        self.robots = robots
        self.insecure = insecure
        self.user_agent = user_agent
        self.spa_links = spa_links          # route changes followed per page; 0: none


class Crawl(RouteBudget):
    """Breadth-first over the start URLs' origins. `pages` are PageFacts (in the order
    found, once run() returns), their route changes in `facts.routes`; `skipped` lists
    the links not opened, and why. Also the journeys' budget (journeys.RouteBudget)."""

    def __init__(self, start_urls, options, on_page=None):
        self.options = options
        self.on_page = on_page or (lambda facts, crawl: None)
        self.robots = Robots(options.robots)
        self.origins = {origin(u) for u in start_urls}
        self.pages = []
        self.routes = 0                     # route changes followed (Rule 3)
        self.skipped = []
        self._seen = set()
        self._failed_routes = set()         # route keys whose click threw (route_failed)
        self._frontier = []                 # (url, depth, requested, source), as found
        self._running = 0
        self._order = {}                    # url -> discovery rank: the report's order
        for url in start_urls:
            self._enqueue(url, 0, requested=True)

    @property
    def visited(self):
        """Pages loaded and route changes followed so far."""
        return len(self.pages) + self.routes

    @property
    def total(self):
        """The pages this crawl will have visited when the frontier known now is done."""
        return min(self.options.max_pages, self.visited + len(self._frontier) + self._running)

    def room(self):
        """Whether --max-pages leaves room for one more page or route change."""
        return self.visited + self._running < self.options.max_pages

    # -- the journeys' budget ------------------------------------------------------

    def follows(self, facts):
        """Whether a page's route changes are the site's: not those of a page a link led
        off the site to (the journey stays on the page's own origin)."""
        return facts.requested or origin(facts.final_url) in self.origins

    def route_open(self, url):
        """Whether a journey may follow a link to `url`: a URL not audited yet, a page
        (not a file) robots.txt allows, while --max-pages leaves room."""
        key = route_key(url)
        return (key is not None and key not in self._seen and key not in self._failed_routes
                and self.room() and not looks_like_file(key) and self.robots.allowed(key))

    def claim_route(self, url):
        """Count a route change to `url` as a visited page, if it may be (route_open)."""
        if not self.route_open(url):
            return False
        self._seen.add(route_key(url))
        self.routes += 1
        return True

    def route_failed(self, url):
        """A click towards `url` threw: reported once, not by every page that links it
        (a page load of it is still the crawl's to make)."""
        self._failed_routes.add(route_key(url))

    # -- the crawl -----------------------------------------------------------------

    def _enqueue(self, url, depth, requested=False, source=None):
        if url in self._seen:
            return
        self._seen.add(url)
        if not requested:
            why = None
            if origin(url) not in self.origins:
                return                      # another site: not ours to audit, not listed
            if looks_like_file(url):
                why = "a file, not a page"
            elif not self.robots.allowed(url):
                why = "disallowed by robots.txt"
            if why:
                self.skipped.append({"url": url, "reason": why, "linked_from": source})
                return
        self._order[url] = len(self._order)
        self._frontier.append((url, depth, requested, source))

    async def run(self, browser):
        # robots.txt of the start origins, off the event loop (a slow server blocks nothing).
        loop = asyncio.get_running_loop()
        for key in sorted(self.origins):
            await loop.run_in_executor(None, self.robots.allowed, key + "/")
        slots = asyncio.Semaphore(max(1, self.options.concurrency))
        visits = set()
        while self._frontier or visits:
            while self._frontier and self.room():
                url, depth, requested, source = self._frontier.pop(0)
                self._running += 1
                visits.add(asyncio.ensure_future(
                    self._visit(browser, slots, url, depth, requested, source)))
            if not visits:
                break
            done, visits = await asyncio.wait(visits, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        for url, _depth, _requested, source in self._frontier:
            self.skipped.append({"url": url, "reason": "over --max-pages", "linked_from": source})
        self._frontier = []
        # Pages finish in any order; the report lists them breadth-first, as found.
        self.pages.sort(key=lambda facts: self._order[facts.url])

    async def _visit(self, browser, slots, url, depth, requested, source):
        async with slots:
            facts = await visit(browser, url, depth, self.options, requested, routes=self)
        self._running -= 1
        if origin(facts.final_url) not in self.origins:
            if not requested:               # a link that leads off the site: not ours
                self.skipped.append({"url": url, "reason": "redirects to another site (%s)"
                                     % origin(facts.final_url), "linked_from": source})
                self.on_page(None, self)
                return
            self.origins.add(origin(facts.final_url))     # http -> https, -> www.
            await asyncio.get_running_loop().run_in_executor(
                None, self.robots.allowed, origin(facts.final_url) + "/")
        self.pages.append(facts)
        if facts.failure is None:
            for link in facts.links:
                target = normalise(link, facts.final_url)
                if target:
                    self._enqueue(target, depth + 1, source=facts.url)
        self.on_page(facts, self)
