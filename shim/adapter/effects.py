"""Carrying out the core's effects, and the page-visible record of what happened.

Rule 1: one effect failing never stops the next: EffectRunner.run catches per effect and
        records the failure in hsqShim.ignored; page callbacks (listeners, function
        entries, click handlers) are called inside their own try.
Rule 2: window.hsqShim (make_record) is the public read-back record (spec D10): version,
        beacons, ignored, ready, duplicates; its arrays keep the newest RECORD_LIMIT items.
"""

from browser import document, window

from shim import __version__
from shim.adapter.page import encode, read_cookies
from shim.adapter.values import UNDEFINED
from shim.core.beacon import with_shown_cookies
from shim.core.cookies import parse_cookies
from shim.core.effects import (BindClick, CallListener, CallPageFunction, Log, SendBeacon,
                               SetCookie, SetUserToken, Skip)

RECORD_LIMIT = 500                          # read-back record: newest 500 items (D10)
KEEPALIVE = {"keepalive": True, "mode": "no-cors", "credentials": "include", "method": "GET"}
# Read once: each JS attribute read costs microseconds (send_beacon sets ~30 params).
_Object = window.Object
_reflect_set = window.Reflect.set
_now = window.Date.now


class EffectRunner:
    """Carries out the core's effects and keeps the read-back record (D10)."""

    def __init__(self, record):
        self.record = record
        self.runners = {SendBeacon: self.send_beacon, SetCookie: self.set_cookie,
                        Skip: self.skip, Log: self.log,
                        CallPageFunction: self.call_page_function,
                        CallListener: self.call_listener, BindClick: self.bind_click,
                        SetUserToken: self.set_user_token}
        self.bound = window.WeakMap.new()   # element -> JS array of bound selectors
        self.push = None                    # set by Starter: runs one entry like _hsq.push
        self.tracker = None                 # set by install: its debug switch
        self.cookies = True                 # False where document.cookie throws

    def run(self, effects):
        for i in range(len(effects)):
            effect = effects[i]
            try:
                self.runners[type(effect)](effect)
            except Exception as error:
                self.note_error("effect " + type(effect).__name__, error)

    def send_beacon(self, effect):
        # The same GET of the same URL as HubSpot's 1x1 image, as a keep-alive request:
        # it outlives the page when the visitor navigates away right after the push
        # (D6.3). If it fails (no fetch, keep-alive quota, network), one image request is
        # the fallback; there is no other retry. `u` and `b` are the cookies the browser
        # shows now, as HubSpot reads them (shim.core.beacon, Rule 1a).
        if self.cookies:
            effect = with_shown_cookies(effect, read_cookies(), encode)
        url = effect.url
        try:
            window.fetch(url, KEEPALIVE).catch(ImageFallback(url).send)
        except Exception:
            send_image(url)
        item = _Object.new()
        item.url = effect.url
        item.time = _now()
        params = _Object.new()
        fields = effect.fields
        for i in range(len(fields)):
            field = fields[i]
            _reflect_set(params, field[0], field[1])
        item.params = params
        self.keep(self.record.beacons, item)

    def set_cookie(self, effect):
        if not self.cookies:
            return                          # recorded once, at start (cookie_problem)
        document.cookie = effect.header
        if effect.fallback is not None:
            # The browser may refuse the Domain (a public suffix, a mismatch): read it back
            # and fall back to a host-only cookie, as HubSpot does.
            cookies = parse_cookies(read_cookies())
            stored = cookies[effect.name] if effect.name in cookies else None
            if stored != effect.value and effect.value:
                document.cookie = effect.fallback

    def set_user_token(self, effect):
        _reflect_set(window, "__hsUserToken", effect.token)

    def skip(self, effect):
        if effect.kind == "duplicate":
            self.record.duplicates = self.record.duplicates + 1
        item = _Object.new()
        item.entry = effect.entry
        item.reason = effect.reason
        item.time = _now()
        self.keep(self.record.ignored, item)

    def log(self, effect):
        window.console.log("[hsq-shim] " + effect.message)

    def call_page_function(self, effect):
        try:
            # HubSpot passes its tracker object; the shim's stand-in is `_hsq` itself,
            # whose push reaches every command.
            effect.function(window._hsq, effect.hstc)
        except Exception as error:
            self.note_error("function entry", error)

    def call_listener(self, effect):
        try:
            args = effect.args
            if len(args) == 1:
                effect.function(args[0])
            elif len(args) == 3:
                effect.function(args[0], args[1], args[2])
            else:
                effect.function(*args)
        except Exception as error:
            self.note_error(effect.label + " listener", error)

    def bind_click(self, effect):
        """trackClick: bind mousedown once per element and selector (refreshPageHandlers
        runs this again for elements added since)."""
        if effect.url is not None and not same_page(effect.url, window.location.href):
            return
        try:
            elements = document.querySelectorAll(effect.selector)
        except Exception:
            self.skip(Skip("trackClick", "invalid CSS selector " + repr(effect.selector)))
            return
        for i in range(elements.length):
            element = elements[i]
            done = self.bound.get(element)
            if done is UNDEFINED or done is None:
                done = window.Array.new()
                self.bound.set(element, done)
            if done.includes(effect.selector):
                continue
            done.push(effect.selector)
            element.addEventListener("mousedown", ClickHandler(self, effect.entry).handle)

    def keep(self, array, item):
        array.push(item)
        if len(array) > RECORD_LIMIT:
            array.shift()

    def note_error(self, where, error):
        self.degrade(where, "error: " + str(error))

    def degrade(self, where, reason):
        """Record what the shim could not do, and log it in debug mode."""
        self.skip(Skip(where, reason))
        if self.tracker is not None and self.tracker.debug:
            self.log(Log("ignored " + where + ": " + reason))


def send_image(url):
    image = window.Image.new(1, 1)
    image.src = url


class ImageFallback:
    def __init__(self, url):
        self.url = url

    def send(self, error=None):
        try:
            send_image(self.url)
        except Exception:
            pass


class ClickHandler:
    def __init__(self, runner, entry):
        self.runner = runner
        self.entry = entry

    def handle(self, event=None):
        try:
            self.runner.push(self.entry)
        except Exception as error:
            self.runner.note_error("click", error)


def same_page(wanted, href):
    """HubSpot's urlMatches, loosely: same URL up to the fragment and a trailing slash."""
    a = wanted.split("#")[0].rstrip("/").lower()
    b = href.split("#")[0].rstrip("/").lower()
    return a == b


def make_record():
    record = window.Object.new()
    record.version = __version__
    record.beacons = window.Array.new()
    record.ignored = window.Array.new()
    record.ready = False
    record.duplicates = 0                   # page views the duplicate guard dropped
    return record
