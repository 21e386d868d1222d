"""The tracker: HubSpot's `_hsq` semantics as a sans-IO state machine.

Facts in, effects out. `begin_load(cookie_header_text, privacy_entries, mark)` gives a Load
(loading.py) that runs what the page queued before the shim loaded, in HubSpot's four passes
with the automatic first page view, in slices; `push(entry, env)` runs one later command at
once and returns (result, effects). (tests/unit/helpers.py runs a whole load in one go.)

Rule 1: nothing here touches the browser, a clock or a random source: the page's
        facts come in `env`, randomness through the injected `rand32`.
Rule 2: no entry can raise out of a load step or `push`: bad input becomes a Skip
        effect with a reason, and so does every beacon the shim decides not to send.
Rule 3: each command is one method, named in its row of commands.HSQ; adding a
        command is that row and the method. The one-shot trackers (events.SIMPLE_BEACONS)
        and the add*Listener commands (listeners.KINDS) share one method each, which
        gets the command's name.
Rule 4: the Tracker is the composition root; its state lives in small objects, each
        with one concern: `page` (PageState: the page's beacon fields), `jar` (CookieJar:
        cookie domain, visitor, cookie effects), `beacons` (Beacons: portal, host,
        switches, consent; builds each beacon), `listeners` (Listeners: the
        page's listeners and click bindings), `guard` (DuplicateGuard: the last view and
        the duplicate guard), `privacy` (the _hsp queue).
        An event's own parameters come from the pure builders of events.py: handlers
        decide and send, nothing more.
"""

from shim.core.beacon import (DEFAULT_TRACKING_HOST, EVENT_PATH, MAX_VALUE, PAGE_VIEW_PATH, Beacons,
                              has_long_text)
from shim.core.codec import encode_component
from shim.core.commands import (FUNCTION, HSQ, OPTIONAL, SIGNATURES, Command, Ignored, describe, parse,
                                text_id)
from shim.core.cookies import DEBUG_COOKIE, parse_cookies
from shim.core.effects import BindClick, CallPageFunction, Log, Skip
from shim.core.consent import EXPIRE_FROM_FIRST_VISIT, NO_BANNER, REVOKED_COOKIES
from shim.core.events import (PAGE_VIEW, click_entry, custom_event_pairs, legacy_event_pairs,
                              simple_pairs)
from shim.core.jar import CookieJar
from shim.core.linker import arriving, linked_url
from shim.core.listeners import KINDS, Listeners, page_value
from shim.core.navigation import DuplicateGuard, location_key
from shim.core.page import ClientInfo, PageState, email_from_url, targeted_content
from shim.core.privacy import PrivacyQueue
from shim.core.loading import Load


class Tracker:
    def __init__(self, rand32, portal_id=None, collector=None, client=None, debug=False,
                 encode=encode_component, cookie_domains=None, policy=NO_BANNER, gpc=False,
                 duplicate_guard=True, tracking_host=DEFAULT_TRACKING_HOST, user_token=None,
                 decode=None, call=None):
        self.debug = debug
        # HubSpot's decoder for its URL parameters (decodeURIComponent, else unescape), for
        # `?__hs_email=`; injected, as `encode` is (None: URL parameters are not read).
        self.decode = decode
        # call(page_function, argument) -> its result, converted: how a legacy event's
        # function `value` is computed, as HubSpot computes it (None: not called).
        self.call = call
        self.page = PageState()             # sent with every beacon
        # Cookie domain, visitor, cookie effects; user_token: () -> window.__hsUserToken as
        # the page set it, read at set-up (visitor.py, Rule 4).
        self.jar = CookieJar(rand32, cookie_domains, user_token)
        self.jar.expire_from_first_visit = policy in EXPIRE_FROM_FIRST_VISIT
        self.beacons = Beacons(portal_id, collector, tracking_host,
                               client if client is not None else ClientInfo(), encode)
        self.listeners = Listeners()        # and the trackClick bindings
        self.guard = DuplicateGuard(duplicate_guard)
        self.privacy = PrivacyQueue(self, policy, gpc)
        self.automatic_linker = False       # enableAutomaticLinker: decorate links (linker.py)
        self.loaded = False
        # What HubSpot's prelude would push for this script (loading.py, Rule 2).
        self.script_portal = portal_id
        self.script_host = tracking_host

    # -- entry points ---------------------------------------------------------

    def begin_load(self, cookie_header_text="", privacy_entries=None, mark=None):
        """A Load to add the queued entries to and step through (loading.py)."""
        return Load(self, cookie_header_text, privacy_entries, mark)

    # Load's hooks: pass (b), the automatic view, the end of the load.

    def load_set_up(self, cookie_header_text, privacy_entries, env, effects):
        """Pass (b): doNotTrack, the visitor and session from the cookies, then consent."""
        page_cookies = parse_cookies(cookie_header_text)
        # A cross-domain link in the page URL stands in for the visitor cookies (linker.py).
        cookies, problem = arriving(env.url, page_cookies, self.jar.domains, env.now_ms)
        if problem is not None:
            self.skip("__hstc", problem, effects)
        problem = self.jar.set_up(env, cookies, effects, page_cookies)
        if problem is not None:
            self.skip("__hsUserToken", problem, effects)
        # The visitor exists from here: listeners registered before hear of it now, later
        # ones as they register (HubSpot's first cookie management, spec §3.1).
        self.listeners.notify("utk", [self.jar.visitor.utk], effects)
        self.listeners.notify("identity", self.jar.identity_args(), effects)
        if self.debug:
            effects.append(self.jar.host_cookie(DEBUG_COOKIE, "1"))
        email = email_from_url(env.url, self.decode) if self.decode is not None else None
        if email is not None:
            # An email link (`?__hs_email=`) identifies the visitor before the page's own
            # identify calls, which merge into it (spec §9a).
            self.page.identity = {"email": email}
        # The visitor cookies are written once consent allows (consent_changed).
        effects.extend(self.privacy.start(privacy_entries, env, cookies))

    def load_auto_view(self, view, env, effects):
        self.run(view, env, effects)

    def load_finished(self, effects):
        self.loaded = True
        self.listeners.rebind(True, effects)

    def push(self, entry, env):
        """Run one command now. Returns (the method's result or None, effects)."""
        effects = []
        result = self.run(parse(entry, SIGNATURES, OPTIONAL), env, effects)
        return result, effects

    def navigated(self, env):
        """The page's URL changed (History API, popstate, hash change): one page view
        when the location key changed since the last view (navigation.py)."""
        effects = []
        key = location_key(env.url)
        last_view = self.guard.last_view
        if last_view is not None and key == last_view:
            return effects
        self.run(Command("setPath", [key]), env, effects)
        self.run(Command("trackPageView", []), env, effects)
        return effects

    def push_privacy(self, entry, env):
        """`_hsp.push` after start: (result, effects); result False for a bad entry."""
        return self.privacy.push(entry, env)

    # -- dispatch --------------------------------------------------------------

    def run(self, item, env, effects):
        """One parsed entry (Command or Ignored): its method, or a Skip; returns its result."""
        if type(item) is Ignored:
            self.skip(item.entry, item.reason, effects)
            return None
        if self.debug:
            effects.append(Log(item.name + " " + describe(item.args)))
        return METHODS[item.name](self, item.args, env, effects)

    def skip(self, entry, reason, effects, kind="ignored"):
        effects.append(Skip(entry, reason, kind))
        if self.debug:
            effects.append(Log("ignored " + entry + ": " + reason))

    def _send(self, name, endpoint, pairs, env, effects, merge=False, guard=False):
        beacon, reason = self.beacons.make(endpoint, pairs, env, self.page, self.jar, merge)
        if beacon is None:
            self.skip(name, "not sent: " + reason, effects)
            return False
        if guard:
            duplicate = self.guard.drops(beacon.fields, env.now_ms, not self.loaded)
            if duplicate is not None:
                self.skip(name, duplicate, effects, "duplicate")
                return False
        effects.append(beacon)
        if self.debug:
            effects.append(Log("beacon " + endpoint + " " + describe_fields(beacon.fields)))
        return True

    # -- visitor and consent (spec §5, §6.6) -------------------------------------

    def consent_changed(self, old, new, env, effects):
        """HubSpot's tracker-side consent listener (spec §6.6)."""
        self.beacons.consent = new
        if self.jar.consent_changed(old, new, env, effects):
            self._visitor_renewed(effects)

    def consent_revoked(self, env, effects):
        """revokeCookieConsent, before consent is withdrawn: HubSpot's cookies deleted, k=30."""
        self.jar.forget(REVOKED_COOKIES, effects)
        self.jar.do_not_track = False
        self.track_simple("trackRevokeCookieConsent", [], env, effects)

    def _visitor_renewed(self, effects):
        """The jar made a new visitor: identity cleared, later beacons carry rv=1."""
        self.page.identity = None
        self.page.reset = True
        self.listeners.notify("utk", [self.jar.visitor.utk], effects)
        self.listeners.notify("identity", self.jar.identity_args(), effects)

    def reset_visitor(self, args, env, effects):
        """A new visitor token and session; identity cleared; later beacons carry rv=1."""
        self.jar.renew(env)
        self._visitor_renewed(effects)
        self.jar.rewrite(env, effects)

    def set_do_not_track(self, args, env, effects):
        """No argument, false, {track: false}...: opt out. Only {track: true} opts back in,
        and then the visitor's cookies are written if consent allows (HubSpot wrote them
        all along; the shim holds them back while the visitor is opted out)."""
        arg = args[0]
        out = not (type(arg) is dict and "track" in arg and arg["track"] is True)
        jar = self.jar
        jar.opt_out(out, env, effects)
        if (not out and jar.visitor is not None and not jar.saved
                and self.beacons.consent.analytics_allowed()):
            jar.save(env, effects)

    def add_privacy_consent_listener(self, args, env, effects):
        self.privacy.add_consent_listener(args, env, effects)       # forwarded to _hsp

    def revoke_cookie_consent(self, args, env, effects):
        self.privacy.revoke(args, env, effects)                     # forwarded to _hsp

    # -- commands: configuration -----------------------------------------------

    def add_cookie_domain(self, args, env, effects):
        if not self.jar.add_domain(args[0]):
            self.skip("addCookieDomain", "not a domain: " + describe(args[0]), effects)

    def enable_secure_cookie(self, args, env, effects):
        self.jar.secure = True

    def set_debug_mode(self, args, env, effects):
        was = self.debug
        self.debug = args[0]
        # Once the cookie domain is known (after set-up, which writes it when debug was on).
        if self.debug and not was and self.jar.visitor is not None:
            effects.append(self.jar.host_cookie(DEBUG_COOKIE, "1"))

    def enable_automatic_linker(self, args, env, effects):
        self.automatic_linker = args[0] is not False

    def link(self, href, page_url):
        """enableAutomaticLinker, as a link is activated: the URL to follow instead of
        `href` (carrying the visitor to another cookie domain), or None. Only with
        analytics consent and outside doNotTrack (linker.py, Rules 5-6)."""
        jar = self.jar
        if (not self.automatic_linker or jar.visitor is None or jar.do_not_track
                or not self.beacons.consent.analytics_allowed()):
            return None
        return linked_url(href, page_url, jar.domains, jar.visitor.hstc(), jar.visitor.hssc())

    # -- commands: page state and listeners ----------------------------------------

    def set_path(self, args, env, effects):
        page = self.page
        page.previous_path = page.path
        page.path = args[0]
        self.listeners.rebind(self.loaded, effects)

    def set_page_id(self, args, env, effects):
        self.page.page_id = text_id(args[0])
        self.page.page_id_given = args[0]
        self.listeners.notify("page_id", [args[0]], effects)

    def set_content_type(self, args, env, effects):
        self.page.content_type = args[0]
        self.listeners.notify("content_type", [args[0]], effects)

    def set_content_metadata(self, args, env, effects):
        self.page.content_metadata = args[0]
        self.listeners.notify("metadata", [args[0]], effects)

    def set_targeted_content(self, args, env, effects):
        self.page.targeted_content = targeted_content(args[0])

    def identify(self, args, env, effects):
        page = self.page
        if page.identity is None:
            page.identity = {}
        if has_long_text(args[0]):
            self.skip("identify", "values over " + str(MAX_VALUE) + " characters are cut",
                      effects)
        page.identity.update(args[0])       # shallow merge: later keys win

    def add_listener(self, name, args, env, effects):
        """The add*Listener commands (listeners.KINDS): called at once when a value exists."""
        kind = KINDS[name]
        if kind == "identity":
            value = self.jar.identity_args()
        elif kind == "utk":
            # Before the set-up, the set-up calls it (once).
            value = [self.jar.visitor.utk] if self.jar.visitor is not None else None
        else:
            value = page_value(self.page, kind)
        self.listeners.listen(kind, args[0], value, effects)

    # -- commands: beacons -------------------------------------------------------

    def track_page_view(self, args, env, effects):
        if self._send("trackPageView", PAGE_VIEW_PATH, [("k", PAGE_VIEW)], env, effects,
                      False, True):
            path = self.page.path
            self.guard.last_view = path if path is not None else location_key(env.url)

    def track_custom_behavioral_event(self, args, env, effects):
        pairs, problem = custom_event_pairs(args[0])
        if problem is not None:
            self.skip("trackCustomBehavioralEvent", problem, effects)
        if pairs is not None:
            self._send("trackCustomBehavioralEvent", EVENT_PATH, pairs, env, effects)

    def track_event(self, args, env, effects):
        pairs, problem = legacy_event_pairs(args, self.call, self.jar.hstc())
        if pairs is None:
            self.skip("trackEvent", problem, effects)
        else:
            self._send("trackEvent", PAGE_VIEW_PATH, pairs, env, effects, True)

    def track_simple(self, name, args, env, effects):
        self._send(name, PAGE_VIEW_PATH, simple_pairs(name, args), env, effects)

    def track_click(self, args, env, effects):
        options = args[2] if len(args) > 2 and args[2] is not None else {}
        url = options["url"] if "url" in options and type(options["url"]) is str else None
        self.listeners.bind(BindClick(args[0], click_entry(self.beacons.portal_id, args[1], options),
                                      url), self.loaded, effects)

    def refresh_page_handlers(self, args, env, effects):
        self.listeners.rebind(self.loaded, effects)

    def call_function(self, args, env, effects):
        effects.append(CallPageFunction(args[0], self.jar.hstc()))


def describe_fields(fields):
    out = ""
    for i in range(len(fields)):
        out += (" " if i else "") + fields[i][0] + "=" + fields[i][1]
    return out


def _named(method, name):
    def run(tracker, args, env, effects):
        return method(tracker, name, args, env, effects)
    return run


def _setter(owner, field):
    def run(tracker, args, env, effects):
        setattr(getattr(tracker, owner), field, args[0])
    return run


# name -> what runs it, from the rows of commands.HSQ: a Tracker method; the one-shot
# beacons and the listeners share a method, which gets the command's name; an
# 'object.field' handler sets that field of the tracker's object.
METHODS = {FUNCTION: Tracker.call_function}
_names = list(HSQ.keys())
for _i in range(len(_names)):
    _handler = HSQ[_names[_i]][4]
    _dot = _handler.find(".")
    if _dot >= 0:
        METHODS[_names[_i]] = _setter(_handler[:_dot], _handler[_dot + 1:])
    elif _handler == "track_simple" or _handler == "add_listener":
        METHODS[_names[_i]] = _named(getattr(Tracker, _handler), _names[_i])
    else:
        METHODS[_names[_i]] = getattr(Tracker, _handler)
