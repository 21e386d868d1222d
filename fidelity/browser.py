"""Runs one scenario on one side in headless Chromium and returns what it left: the
beacons, in the order the page sent them, and the cookies.

Rule 1: a fresh browser context per run (no cookies, no cache), the same screen, language
        and time zone for both sides; every request is answered by a route (fidelity.sides),
        so nothing reaches the network.
Rule 2: a step is over when the tracker has run (the side's `ready`) and no beacon came
        for QUIET_MS; the run never waits longer than SETTLE_MS for that.
"""

import time

from fidelity.page import BINDING_BEACON, BINDING_SIGNAL, RECORDER, after_script_hook, page_html
from fidelity.scenario import (COOKIE_DOMAINS, Accept, Decline, Push, PushPrivacy, Reload, Run,
                               Visit, Wait)
from fidelity.sides import decision_js
from shim.core.domain import cookie_domain
from shim.testing.beacons import BEACON_URL, Beacon
from shim.testing.chromium import FLAGS, chromium_executable, without_browser_ui

SCREEN = {"width": 1280, "height": 720}
CONTEXT = {"viewport": SCREEN, "screen": SCREEN, "locale": "en-US", "timezone_id": "UTC"}
QUIET_MS = 400
SETTLE_MS = 8000
HOLD_MS = 5000                              # the longest the tracker waits for the banner
POLL_MS = 50
YEAR_S = 365 * 86400


class Outcome:
    """What one side did in one scenario."""

    def __init__(self, side, beacons, cookies, notes):
        self.side = side
        self.beacons = beacons              # beacon URLs, in the order sent
        self.cookies = cookies              # Playwright cookie dicts
        self.notes = notes                  # what went wrong on the way (timeouts ...)


class Capture:
    """One run's requests: the page's own record of beacons, the network's, held scripts."""

    def __init__(self, side, scenario):
        self.side = side
        self.scenario = scenario
        self.recorded = []                  # from the page (RECORDER), in order
        self.routed = []                    # beacon URLs that reached the routes
        self.held = []                      # [route, answer, since]: trackers awaiting the banner
        self.banners = 0                    # banner runs signalled
        self.tracked = 0                    # tracker scripts answered
        self.notes = []

    def handle(self, route):
        request = route.request
        url = request.url
        page = None
        if request.resource_type == "document" and url.startswith(self.scenario.site + "/"):
            page = {"status": 200, "body": page_html(self.scenario, self.side.portal).encode(),
                    "headers": {"content-type": "text/html; charset=utf-8",
                                "cache-control": "no-store"}}
        answer, held = self.side.answer(url, page)
        if BEACON_URL.match(url):
            self.routed.append(url)
        if held:
            self.held.append([route, answer, time.monotonic()])
            self.release()
            return
        fulfil(route, answer)

    def signal(self, source, what):
        if what == "banner":
            self.banners += 1
            self.release()

    def release(self, force=False):
        """Answer held tracker requests: one per banner run, or all when `force`."""
        while self.held and (force or self.tracked < self.banners):
            route, answer, _ = self.held.pop(0)
            self.tracked += 1
            fulfil(route, answer)

    def overdue(self):
        if self.held and time.monotonic() - self.held[0][2] > HOLD_MS / 1000:
            self.notes.append("the banner did not run within %d ms: tracker answered" % HOLD_MS)
            self.release(force=True)

    def beacons(self):
        """The page's record, plus any beacon the network saw that it missed (compared
        decoded: the browser escapes a URL's characters its own way on the wire)."""
        urls = list(self.recorded)
        seen = {decoded(url) for url in urls}
        for url in self.routed:
            if decoded(url) not in seen:
                self.notes.append("beacon seen only on the network: " + url)
                urls.append(url)
        return urls


def decoded(url):
    beacon = Beacon(url)
    return beacon.host, beacon.endpoint, tuple(beacon.fields)


def fulfil(route, answer):
    try:
        route.fulfill(**answer)
    except Exception:                       # the page went away meanwhile
        pass


def preset_cookies(scenario):
    host = scenario.host
    domain = cookie_domain(host, list(COOKIE_DOMAINS), False)
    cookies = []
    for name, value in scenario.cookies.items():
        cookie = {"name": name, "value": value, "path": "/", "sameSite": "Lax",
                  "domain": domain or host}
        if name != "__hssrc":               # the session marker: a session cookie
            cookie["expires"] = time.time() + YEAR_S
        cookies.append(cookie)
    return cookies


class Browser:
    """One headless Chromium for a whole run of the harness: its own, or a Playwright
    Browser it is given (the tests' `browser` fixture), which it leaves open."""

    def __init__(self, browser=None):
        self.playwright = None
        if browser is None:
            from playwright.sync_api import sync_playwright
            self.playwright = sync_playwright().start()
            launch = {"headless": True, "args": list(FLAGS)}
            executable = chromium_executable(self.playwright)
            if executable:
                launch["executable_path"] = executable
            browser = self.playwright.chromium.launch(**without_browser_ui(self.playwright, launch))
        self.browser = browser

    def close(self):
        if self.playwright is not None:
            self.browser.close()
            self.playwright.stop()

    def run(self, side, scenario):
        capture = Capture(side, scenario)
        context = self.browser.new_context(**CONTEXT)
        try:
            context.expose_binding(BINDING_BEACON, lambda source, url: capture.recorded.append(url))
            context.expose_binding(BINDING_SIGNAL, capture.signal)
            for init in [RECORDER, after_script_hook(side.tracker)] + side.init_scripts(scenario):
                context.add_init_script(script=init)
            if scenario.cookies:
                context.add_cookies(preset_cookies(scenario))
            context.route("**/*", capture.handle)
            page = context.new_page()
            page.goto(scenario.url, referer=scenario.referrer, wait_until="commit")
            self.settle(page, side, capture)
            for step in scenario.steps:
                self.step(page, side, scenario, step)
                self.settle(page, side, capture)
            cookies = context.cookies()
        finally:
            context.close()
        return Outcome(side.name, capture.beacons(), cookies, capture.notes)

    def step(self, page, side, scenario, step):
        kind = type(step)
        if kind is Push:
            page.evaluate("() => { window._hsq.push(%s); }" % step.code)
        elif kind is PushPrivacy:
            page.evaluate("() => { window._hsp.push(%s); }" % step.code)
        elif kind is Run:
            page.evaluate("() => { %s; }" % step.code)
        elif kind is Reload:
            page.reload(wait_until="commit")
        elif kind is Visit:
            url = step.code if "://" in step.code else scenario.site + step.code
            page.goto(url, wait_until="commit")
        elif kind is Wait:
            page.wait_for_timeout(int(step.code))
        elif kind in (Accept, Decline):
            accept = kind is Accept
            if side.name == "hubspot":
                page.click("#hs-eu-confirmation-button" if accept else "#hs-eu-decline-button",
                           timeout=SETTLE_MS)
            else:
                page.evaluate(decision_js(accept, scenario.host))
        else:
            raise ValueError("unknown step %r" % (step,))

    def settle(self, page, side, capture):
        """Wait until the tracker ran and no beacon came for QUIET_MS (Rule 2)."""
        deadline = time.monotonic() + SETTLE_MS / 1000
        count, quiet_since, ready = -1, time.monotonic(), False
        while time.monotonic() < deadline:
            capture.overdue()
            if not ready:
                try:
                    ready = page.evaluate(side.ready)
                except Exception:           # navigating
                    ready = False
                quiet_since = time.monotonic()
            seen = len(capture.recorded) + len(capture.routed)
            if seen != count:
                count, quiet_since = seen, time.monotonic()
            elif ready and time.monotonic() - quiet_since >= QUIET_MS / 1000:
                return
            page.wait_for_timeout(POLL_MS)
        capture.notes.append("not settled within %d ms (ready: %s)" % (SETTLE_MS, ready))
