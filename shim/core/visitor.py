"""The visitor and the session: HubSpot's cookie algorithm (spec §5.4).

Cookies (values before any Domain/expiry attributes):
  hubspotutk  <utk>                                      32 lowercase hex
  __hstc      <hash>.<utk>.<initial>.<previous>.<current>.<session number>
  __hssc      <hash>.<views in session>.<session start>
  __hssrc     1   (a session cookie: missing means the browser was restarted)

Rule 1: a cookie that is malformed, tampered with or oversized counts as absent;
        the domain hash in a cookie is recomputed, never trusted.
Rule 2: time and randomness are injected (`now_ms`, `rand32`).
Rule 3: this runs once per page load; SPA views do not advance the session.
Rule 4: window.__hsUserToken (spec §1): a page that set it before the shim loaded
        overrides the token when it is a token (32 hex characters, either case; stored
        lower-case); the cookies' timestamps and session are kept. Anything else is
        not adopted (and recorded); an unset or empty one receives the shim's token.
"""

from shim.core.text import HEX_DIGITS, is_digits, is_hex32
from shim.core.values import Value

MAX_COOKIE_VALUE = 200
MAX_SESSIONS = 1000000


def hex32(n):
    """An unsigned 32-bit int as 8 lowercase hex digits."""
    out = ""
    for shift in (28, 24, 20, 16, 12, 8, 4, 0):
        out += HEX_DIGITS[(n >> shift) & 15]
    return out


def new_visitor_token(rand32):
    """16 random bytes as 32 lowercase hex characters."""
    return hex32(rand32()) + hex32(rand32()) + hex32(rand32()) + hex32(rand32())


def _timestamp(text, now_ms):
    # A real epoch-ms timestamp, not from the future (one day of clock skew allowed).
    if not is_digits(text, 14):
        return None
    value = int(text)
    if value <= 0 or value > now_ms + 86400000:
        return None
    return value


def parse_hstc(value, now_ms):
    """'hash.utk.initial.previous.current.n' -> (utk, initial, previous, current, n) or None."""
    if type(value) is not str or len(value) > MAX_COOKIE_VALUE:
        return None
    fields = value.split(".")
    if len(fields) != 6 or not is_digits(fields[0], 10) or not is_hex32(fields[1]):
        return None
    initial = _timestamp(fields[2], now_ms)
    previous = _timestamp(fields[3], now_ms)
    current = _timestamp(fields[4], now_ms)
    if initial is None or previous is None or current is None or not is_digits(fields[5], 7):
        return None
    number = int(fields[5])
    if number < 1 or number > MAX_SESSIONS:
        return None
    return fields[1], initial, previous, current, number


def parse_hssc(value, now_ms):
    """'hash.views.start' -> (views, start) or None."""
    if type(value) is not str or len(value) > MAX_COOKIE_VALUE:
        return None
    fields = value.split(".")
    if len(fields) != 3 or not is_digits(fields[0], 10) or not is_digits(fields[1], 7):
        return None
    start = _timestamp(fields[2], now_ms)
    views = int(fields[1])
    if start is None or views < 1:
        return None
    return views, start


class Visitor(Value):
    __slots__ = ("utk", "initial", "previous", "current", "session_number", "views",
                 "session_start", "is_new", "domain_hash")

    def __init__(self, utk, initial, previous, current, session_number, views, session_start,
                 is_new, domain_hash):
        self.utk = utk
        self.initial = initial
        self.previous = previous
        self.current = current
        self.session_number = session_number
        self.views = views
        self.session_start = session_start
        self.is_new = is_new
        self.domain_hash = domain_hash

    def hstc(self):
        return (str(self.domain_hash) + "." + self.utk + "." + str(self.initial) + "."
                + str(self.previous) + "." + str(self.current) + "." + str(self.session_number))

    def hssc(self):
        return str(self.domain_hash) + "." + str(self.views) + "." + str(self.session_start)


def fresh_visitor(rand32, now_ms, domain_hash, utk=None):
    return Visitor(utk or new_visitor_token(rand32), now_ms, now_ms, now_ms, 1, 1, now_ms, True,
                   domain_hash)


def visitor_from_cookies(cookies, now_ms, rand32, domain_hash):
    """The page load's visitor and session, from the cookies the browser sent."""
    hstc = parse_hstc(cookies["__hstc"], now_ms) if "__hstc" in cookies else None
    session = None
    if "__hssrc" in cookies and cookies["__hssrc"] == "1" and "__hssc" in cookies:
        session = parse_hssc(cookies["__hssc"], now_ms)
    if hstc is None:
        # A bare legacy hubspotutk keeps the visitor id, but the visitor counts as new; only
        # without any __hstc, as HubSpot migrates it (a tampered __hstc means a new visitor).
        legacy = None
        if "hubspotutk" in cookies and ("__hstc" not in cookies or cookies["__hstc"] in ("", "-")):
            legacy = cookies["hubspotutk"]
        return fresh_visitor(rand32, now_ms, domain_hash, legacy if is_hex32(legacy) else None)
    utk, initial, previous, current, number = hstc
    if session is None:
        # A returning visitor's new session rotates the timestamps.
        return Visitor(utk, initial, current, now_ms, number + 1, 1, now_ms, False, domain_hash)
    views, start = session
    return Visitor(utk, initial, previous, current, number, views + 1, start, False, domain_hash)


def user_token_override(value):
    """window.__hsUserToken as the page set it -> the token to adopt, or None."""
    if type(value) is not str or len(value) != 32:
        return None
    token = value.lower()
    return token if is_hex32(token) else None


def with_token(visitor, utk):
    """The same visitor and session under another token."""
    return Visitor(utk, visitor.initial, visitor.previous, visitor.current,
                   visitor.session_number, visitor.views, visitor.session_start, visitor.is_new,
                   visitor.domain_hash)
