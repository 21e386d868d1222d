"""The tracker: HubSpot's `_hsq` semantics as a sans-IO state machine.

Facts in, effects out. `load(entries, env)` runs what the page queued before the
shim loaded, in HubSpot's four passes plus the automatic first page view;
`push(entry, env)` runs one later command at once and returns (result, effects).

Rule 1: nothing here touches the browser, a clock or a random source: the page's
        facts come in `env`, randomness through the injected `rand32`.
Rule 2: no entry can raise out of `load` or `push`: bad input becomes an Ignore
        effect with a reason.
Rule 3: each command is one method, found through METHODS; adding a command is a
        row in commands.SIGNATURES and a row here.
"""

from shim.beacon import DEFAULT_TRACKING_HOST, PAGE_VIEW_PATH, beacon_url, page_view_fields
from shim.codec import encode_component
from shim.commands import FUNCTION, Command, Ignored, describe, parse
from shim.cookies import DELETED_MS, SESSION_MS, VISITOR_MS, cookie_header, parse_cookies
from shim.domain import cookie_domain, domain_hash, hash_input, normalise_domain
from shim.effects import CallPageFunction, Ignore, Log, SendBeacon, SetCookie
from shim.page import ClientInfo, hostname_of
from shim.queue import passes
from shim.visitor import fresh_visitor, visitor_from_cookies

AUTO_PAGE_VIEW = Command("trackPageView", [])


class Tracker:
    def __init__(self, rand32, portal_id=None, collector=None, client=None, debug=False,
                 encode=encode_component, cookie_domains=None):
        self.portal_id = portal_id          # digit string, or None until known
        self.collector = collector          # 'http://127.0.0.1:8000': overrides the host
        self.tracking_host = DEFAULT_TRACKING_HOST
        self.client = client if client is not None else ClientInfo()
        self.debug = debug
        self.encode = encode
        self.path = None                    # set by setPath; None means "use pu only"
        self.previous_path = None
        self.identity = None                # None until the first identify
        self.rand32 = rand32
        self.cookie_domains = []            # '.example.com' forms, from addCookieDomain
        self.to_subdomain = False
        self.secure = False
        self.visitor = None                 # set up once per page load (_manage_cookies)
        self.cookies_saved = False
        self.loaded = False
        if cookie_domains:
            for i in range(len(cookie_domains)):
                self._add_cookie_domain(cookie_domains[i])

    # -- entry points ---------------------------------------------------------

    def load(self, entries, env, cookie_header_text=""):
        """Run the entries queued before load, then the automatic page view.

        `cookie_header_text` is document.cookie as the page had it at load."""
        effects = []
        parsed = []
        for i in range(len(entries)):
            parsed.append(parse(entries[i]))
        config, priority, rest = passes(parsed)
        self._run_all(config, env, effects)
        self._set_up(env, parse_cookies(cookie_header_text), effects)
        self._run_all(priority, env, effects)
        self._run(AUTO_PAGE_VIEW, env, effects)
        self._run_all(rest, env, effects)
        self.loaded = True
        return effects

    def push(self, entry, env):
        """Run one command now. Returns (the method's result or None, effects)."""
        effects = []
        result = self._run(parse(entry), env, effects)
        return result, effects

    # -- dispatch --------------------------------------------------------------

    def _run_all(self, items, env, effects):
        for i in range(len(items)):
            self._run(items[i], env, effects)

    def _run(self, item, env, effects):
        if type(item) is Ignored:
            effects.append(Ignore(item.entry, item.reason))
            if self.debug:
                effects.append(Log("ignored " + item.entry + ": " + item.reason))
            return None
        if self.debug:
            effects.append(Log(item.name + " " + describe(item.args)))
        return METHODS[item.name](self, item.args, env, effects)

    def _base_url(self):
        if self.collector:
            return self.collector
        return "https://" + self.tracking_host

    def _hstc(self):
        return self.visitor.hstc() if self.visitor is not None else ""

    # -- visitor and cookies (spec §5) -----------------------------------------

    def _set_up(self, env, cookies, effects):
        """Pass (b): the visitor and session from the cookies, once per page load."""
        host = hostname_of(env.url)
        domain = cookie_domain(host, self.cookie_domains, self.to_subdomain)
        self.domain = domain
        self.visitor = visitor_from_cookies(cookies, env.now_ms, self.rand32,
                                            domain_hash(hash_input(host, domain)))
        if "hsfirstvisit" in cookies:
            effects.append(self._cookie("hsfirstvisit", "", DELETED_MS))
        self._save_cookies(env, effects)

    def _save_cookies(self, env, effects):
        visitor = self.visitor
        now = env.now_ms
        effects.append(self._cookie("__hstc", visitor.hstc(), now + VISITOR_MS))
        effects.append(self._cookie("hubspotutk", visitor.utk, now + VISITOR_MS))
        effects.append(self._cookie("__hssc", visitor.hssc(), now + SESSION_MS))
        effects.append(self._cookie("__hssrc", "1", None))
        self.cookies_saved = True

    def _cookie(self, name, value, expires_ms):
        header = cookie_header(name, value, expires_ms, self.domain, self.secure)
        fallback = None
        if self.domain:
            fallback = cookie_header(name, value, expires_ms, "", self.secure)
        return SetCookie(name, value, header, fallback)

    def _add_cookie_domain(self, domain):
        domain = normalise_domain(domain)
        if domain is not None and domain not in self.cookie_domains:
            self.cookie_domains.append(domain)
            return True
        return False

    def _ensure_visitor(self, env):
        # push() before load() (tests, or a page that never fired load): an in-memory visitor.
        if self.visitor is None:
            self.domain = ""
            self.visitor = fresh_visitor(self.rand32, env.now_ms,
                                         domain_hash(hash_input(hostname_of(env.url), "")))

    # -- commands --------------------------------------------------------------

    def set_portal_id(self, args, env, effects):
        self.portal_id = args[0]

    def set_tracking_domain(self, args, env, effects):
        self.tracking_host = args[0]

    def add_cookie_domain(self, args, env, effects):
        if not self._add_cookie_domain(args[0]):
            effects.append(Ignore("addCookieDomain", "not a domain: " + describe(args[0])))

    def set_cookies_to_subdomain(self, args, env, effects):
        self.to_subdomain = args[0]

    def enable_secure_cookie(self, args, env, effects):
        self.secure = True

    def set_path(self, args, env, effects):
        self.previous_path = self.path
        self.path = args[0]

    def identify(self, args, env, effects):
        if self.identity is None:
            self.identity = {}
        self.identity.update(args[0])       # shallow merge: later keys win

    def set_debug_mode(self, args, env, effects):
        self.debug = args[0]

    def track_page_view(self, args, env, effects):
        if self.portal_id is None:
            effects.append(Ignore("trackPageView", "no portal id: add data-portal-id to the "
                                  "script tag or push ['setPortalId', id]"))
            return None
        self._ensure_visitor(env)
        fields = page_view_fields(self.portal_id, self.client, env, self.path, self.previous_path,
                                  self.visitor, self.cookies_saved, self.identity, self.encode)
        url = beacon_url(self._base_url(), PAGE_VIEW_PATH, fields, self.encode)
        effects.append(SendBeacon(url, fields))
        if self.debug:
            effects.append(Log("beacon " + PAGE_VIEW_PATH + " " + describe_fields(fields)))
        return None

    def call_function(self, args, env, effects):
        effects.append(CallPageFunction(args[0], self._hstc()))


def describe_fields(fields):
    out = ""
    for i in range(len(fields)):
        out += (" " if i else "") + fields[i][0] + "=" + fields[i][1]
    return out


METHODS = {
    "setPortalId": Tracker.set_portal_id,
    "setTrackingDomain": Tracker.set_tracking_domain,
    "addCookieDomain": Tracker.add_cookie_domain,
    "setCookiesToSubdomain": Tracker.set_cookies_to_subdomain,
    "enableSecureCookie": Tracker.enable_secure_cookie,
    "setPath": Tracker.set_path,
    "identify": Tracker.identify,
    "setDebugMode": Tracker.set_debug_mode,
    "trackPageView": Tracker.track_page_view,
    FUNCTION: Tracker.call_function,
}
