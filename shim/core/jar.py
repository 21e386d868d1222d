"""The cookie jar: the cookie domain, the visitor, and the cookies written for it (spec §5).

Rule 1: the visitor is set up once per page load from the cookies (`set_up`); a
        renewal (resetVisitor, consent withdrawn) makes a fresh one, and a push before
        load gets an in-memory one (`ensure_visitor`).
Rule 2: every cookie the shim writes goes through `cookie`: on the cookie domain, with
        the host-only header as the fallback; deletions expire both.
Rule 3: the jar only makes SetCookie effects. It writes the visitor cookies only
        while analytics consent allows and the visitor has not opted out
        (`do_not_track`, the __hs_do_not_track cookie); the tracker tells it of consent
        changes (`consent_changed`) and, when the visitor is renewed, clears identity.
Rule 4: `shown_hstc` / `shown_hssc` are __hstc and __hssc as the browser shows them, for
        the beacons' `u` and `b` (beacon.py, Rule 1a): the page's own at load (beacon.py's
        shown_value), then what the jar writes or deletes.
"""

from shim.core.cookies import (DAY_MS, DELETED_MS, DO_NOT_TRACK_COOKIE, SESSION_MS, VISITOR_MS,
                               cookie_header)
from shim.core.beacon import shown_value
from shim.core.commands import describe
from shim.core.domain import (cookie_domain, domain_hash, hash_input, normalise_domain,
                              on_cookie_domain)
from shim.core.effects import SetCookie, SetUserToken
from shim.core.page import hostname_of
from shim.core.visitor import fresh_visitor, user_token_override, visitor_from_cookies, with_token

VISITOR_COOKIES = ("__hstc", "hubspotutk", "__hssc", "__hssrc")


class CookieJar:
    def __init__(self, rand32, domains=None, page_token=None):
        self.rand32 = rand32
        self.page_token = page_token        # () -> window.__hsUserToken, or None
        self.domains = []                   # '.example.com' forms
        self.to_subdomain = False
        self.secure = False
        self.domain = ""                    # the page's cookie domain, '' for host-only
        self.visitor = None                 # set up once per page load (set_up)
        self.saved = False                  # the visitor cookies are written
        self.do_not_track = False           # __hs_do_not_track=yes: nothing is sent
        self.shown_hstc = None              # the browser's __hstc and __hssc (Rule 4)
        self.expire_from_first_visit = False    # consent.EXPIRE_FROM_FIRST_VISIT (save)
        self.shown_hssc = None
        if domains:
            for i in range(len(domains)):
                self.add_domain(domains[i])

    def add_domain(self, domain):
        domain = normalise_domain(domain)
        if domain is not None and domain not in self.domains:
            self.domains.append(domain)
            return True
        return False

    def set_up(self, env, cookies, effects, page_cookies):
        """Pass (b): the visitor and session from the cookies, once per page load, and the
        page's window.__hsUserToken. Returns why that token was not adopted, or None.
        `page_cookies` are the browser's own (`cookies` may hold a link's, linker.py): its
        __hstc and __hssc are what beacons echo until the jar writes (Rule 4)."""
        self.shown_hstc = shown_value(page_cookies["__hstc"] if "__hstc" in page_cookies else None, 5)
        self.shown_hssc = shown_value(page_cookies["__hssc"] if "__hssc" in page_cookies else None, 2)
        self.do_not_track = (DO_NOT_TRACK_COOKIE in cookies
                             and cookies[DO_NOT_TRACK_COOKIE] == "yes")
        host = hostname_of(env.url)
        self.domain = cookie_domain(host, self.domains, self.to_subdomain)
        self.visitor = visitor_from_cookies(cookies, env.now_ms, self.rand32,
                                            domain_hash(hash_input(host, self.domain)))
        problem = self._adopt_token(self.page_token() if self.page_token is not None else None,
                                    effects)
        if "hsfirstvisit" in cookies:
            effects.append(self.cookie("hsfirstvisit", "", DELETED_MS))
        return problem

    def _adopt_token(self, value, effects):
        """window.__hsUserToken (spec §1): adopt the page's token, or write ours there."""
        if value is None or value == "":
            effects.append(SetUserToken(self.visitor.utk))
            return None
        token = user_token_override(value)
        if token is None:
            return "not adopted: a visitor token is 32 hex characters, got " + describe(value)
        self.visitor = with_token(self.visitor, token)
        return None

    def on_domains(self, env):
        """This page's host is on one of the cookie domains."""
        return on_cookie_domain(hostname_of(env.url), self.domains)

    def ensure_visitor(self, env):
        # push() before load() (tests, or a page that never fired load): an in-memory visitor.
        if self.visitor is None:
            self.visitor = fresh_visitor(self.rand32, env.now_ms,
                                         domain_hash(hash_input(hostname_of(env.url), "")))

    def renew(self, env):
        """A new token and session."""
        host = hostname_of(env.url)
        self.visitor = fresh_visitor(self.rand32, env.now_ms,
                                     domain_hash(hash_input(host, self.domain)))

    def consent_changed(self, old, new, env, effects):
        """Analytics consent given: write the visitor cookies (unless opted out); withdrawn:
        delete them and renew the visitor. True when the visitor was renewed."""
        if self.visitor is None:
            return False
        if new.analytics_allowed() and not old.analytics_allowed():
            if not self.do_not_track:
                self.save(env, effects)
        elif old.analytics_allowed() and not new.analytics_allowed():
            self.forget(VISITOR_COOKIES, effects)
            self.renew(env)
            return True
        return False

    def rewrite(self, env, effects):
        """After resetVisitor's renewal: the new visitor's cookies written where the old
        one's were; under doNotTrack none are written, and the old ones, which are no
        longer this visitor's, are deleted (no beacon echoes them, Rule 4)."""
        if self.saved and self.do_not_track:
            self.forget(VISITOR_COOKIES, effects)
        elif self.saved:
            self.save(env, effects)

    def opt_out(self, out, env, effects):
        """doNotTrack: the __hs_do_not_track cookie written (out) or deleted."""
        self.do_not_track = out
        if out:
            effects.append(self.cookie(DO_NOT_TRACK_COOKIE, "yes", env.now_ms + VISITOR_MS))
        else:
            self.delete(DO_NOT_TRACK_COOKIE, effects)

    def save(self, env, effects):
        visitor = self.visitor
        now = env.now_ms
        expires = now + VISITOR_MS
        if self.expire_from_first_visit and not visitor.is_new:
            # A returning visitor under an opt-in policy: the cookies last VISITOR_MS from
            # the first visit, in whole days (HubSpot's tracker), so a first visit longer
            # ago than that expires them now.
            expires = now + VISITOR_MS - (now - visitor.initial) // DAY_MS * DAY_MS
        effects.append(self.cookie("__hstc", visitor.hstc(), expires))
        effects.append(self.cookie("hubspotutk", visitor.utk, expires))
        effects.append(self.cookie("__hssc", visitor.hssc(), now + SESSION_MS))
        effects.append(self.cookie("__hssrc", "1", None))
        self.saved = True
        self.shown_hstc = visitor.hstc() if expires > now else None
        self.shown_hssc = visitor.hssc()

    def forget(self, names, effects):
        """Delete these cookies; the visitor cookies count as unwritten."""
        for i in range(len(names)):
            self.delete(names[i], effects)
        self.saved = False

    def cookie(self, name, value, expires_ms):
        header = cookie_header(name, value, expires_ms, self.domain, self.secure)
        fallback = None
        if self.domain:
            fallback = cookie_header(name, value, expires_ms, "", self.secure)
        return SetCookie(name, value, header, fallback)

    def host_cookie(self, name, value):
        """A session cookie for this host only, as HubSpot's debug log writes `hs_dbg`."""
        return SetCookie(name, value, cookie_header(name, value, None, "", False), None)

    def delete(self, name, effects):
        """Expire a cookie on the cookie domain and host-only, wherever it was written."""
        if name == "__hstc":
            self.shown_hstc = None
        elif name == "__hssc":
            self.shown_hssc = None
        if self.domain:
            effects.append(SetCookie(name, "", cookie_header(name, "", DELETED_MS, self.domain)))
        effects.append(SetCookie(name, "", cookie_header(name, "", DELETED_MS, "")))

    def identity_args(self):
        """An identity listener's (hstc, hssc, hsfp): the cross-domain parameters. The shim
        computes no browser fingerprint, so hsfp is ''. None before the set-up."""
        visitor = self.visitor
        if visitor is None:
            return None
        return [visitor.hstc(), visitor.hssc(), ""]

    def hstc(self):
        return self.visitor.hstc() if self.visitor is not None else ""
