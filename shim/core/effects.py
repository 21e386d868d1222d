"""What the core asks the browser adapter to do. Plain values, no behaviour.

The core decides; the adapter (shim/adapter/effects.py) carries these out, one small
function per type.
"""

from shim.core.values import Value


class SendBeacon(Value):
    """GET `url`: a keep-alive fetch (it outlives the page), one image request if that
    fails. `fields` are the same parameters, decoded, for the read-back record; `hstc`
    and `hssc` the cookie values it carries as `u` and `b` (None: left out), which the
    adapter checks against the browser's as it sends (beacon.with_shown_cookies)."""
    __slots__ = ("url", "fields", "hstc", "hssc")

    def __init__(self, url, fields, hstc=None, hssc=None):
        self.url = url
        self.fields = fields
        self.hstc = hstc
        self.hssc = hssc


class SetCookie(Value):
    """document.cookie = header. With a Domain attribute, `fallback` is the host-only
    header to write when the browser refused the domain (read back, value differs)."""
    __slots__ = ("name", "value", "header", "fallback")

    def __init__(self, name, value, header, fallback=None):
        self.name = name
        self.value = value
        self.header = header
        self.fallback = fallback


class Skip(Value):
    """An entry (or beacon) the shim did not run, and why (read-back record; console in debug).
    `kind` is 'duplicate' for page views the duplicate guard dropped (counted apart)."""
    __slots__ = ("entry", "reason", "kind")

    def __init__(self, entry, reason, kind="ignored"):
        self.entry = entry
        self.reason = reason
        self.kind = kind


class Log(Value):
    """A debug-mode console line."""
    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message


class CallPageFunction(Value):
    """Call a function the page pushed, as HubSpot does: fn(tracker, hstc)."""
    __slots__ = ("function", "hstc")

    def __init__(self, function, hstc):
        self.function = function
        self.hstc = hstc


class CallListener(Value):
    """Call a page listener with `args`; an error in it is caught and recorded."""
    __slots__ = ("function", "args", "label")

    def __init__(self, function, args, label):
        self.function = function
        self.args = args
        self.label = label


class BindClick(Value):
    """trackClick: on mousedown on any element matching `selector`, push `entry`.
    `url` (optional) limits the binding to that page URL, as HubSpot's {url} does."""
    __slots__ = ("selector", "entry", "url")

    def __init__(self, selector, entry, url):
        self.selector = selector
        self.entry = entry
        self.url = url


class SetUserToken(Value):
    """window.__hsUserToken = token (spec §1: written when the page had not set it)."""
    __slots__ = ("token",)

    def __init__(self, token):
        self.token = token
