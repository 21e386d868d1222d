"""The cookie jar: the cookie domain, the visitor, and the cookies written for it (spec §5).

Rule 1: the visitor is set up once per page load from the cookies (`set_up`); a
        renewal (resetVisitor, consent withdrawn) makes a fresh one, and a push before
        load gets an in-memory one (`ensure_visitor`).
Rule 2: every cookie the shim writes goes through `cookie`: on the cookie domain, with
        the host-only header as the fallback; deletions expire both.
Rule 3: the jar only makes SetCookie effects; whether a cookie may be written
        (consent, doNotTrack) is the tracker's decision.
"""

from shim.core.cookies import DELETED_MS, SESSION_MS, VISITOR_MS, cookie_header
from shim.core.commands import describe
from shim.core.domain import (cookie_domain, domain_hash, hash_input, normalise_domain,
                              on_cookie_domain)
from shim.core.effects import SetCookie, SetUserToken
from shim.core.page import hostname_of
from shim.core.visitor import fresh_visitor, user_token_override, visitor_from_cookies, with_token

VISITOR_COOKIES = ("__hstc", "hubspotutk", "__hssc", "__hssrc")


class CookieJar:
    def __init__(self, rand32):
        self.rand32 = rand32
        self.domains = []                   # '.example.com' forms
        self.to_subdomain = False
        self.secure = False
        self.domain = ""                    # the page's cookie domain, '' for host-only
        self.visitor = None                 # set up once per page load (set_up)
        self.saved = False                  # the visitor cookies are written

    def add_domain(self, domain):
        domain = normalise_domain(domain)
        if domain is not None and domain not in self.domains:
            self.domains.append(domain)
            return True
        return False

    def set_up(self, env, cookies, page_token, effects):
        """Pass (b): the visitor and session from the cookies, once per page load, and the
        page's window.__hsUserToken. Returns why that token was not adopted, or None."""
        host = hostname_of(env.url)
        self.domain = cookie_domain(host, self.domains, self.to_subdomain)
        self.visitor = visitor_from_cookies(cookies, env.now_ms, self.rand32,
                                            domain_hash(hash_input(host, self.domain)))
        problem = self._adopt_token(page_token, effects)
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

    def save(self, env, effects):
        visitor = self.visitor
        now = env.now_ms
        effects.append(self.cookie("__hstc", visitor.hstc(), now + VISITOR_MS))
        effects.append(self.cookie("hubspotutk", visitor.utk, now + VISITOR_MS))
        effects.append(self.cookie("__hssc", visitor.hssc(), now + SESSION_MS))
        effects.append(self.cookie("__hssrc", "1", None))
        self.saved = True

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

    def delete(self, name, effects):
        """Expire a cookie on the cookie domain and host-only, wherever it was written."""
        if self.domain:
            effects.append(SetCookie(name, "", cookie_header(name, "", DELETED_MS, self.domain)))
        effects.append(SetCookie(name, "", cookie_header(name, "", DELETED_MS, "")))

    def hstc(self):
        return self.visitor.hstc() if self.visitor is not None else ""
