"""The tracker: HubSpot's `_hsq` semantics as a sans-IO state machine.

Facts in, effects out. `load(entries, env, cookie_header_text, privacy_entries)` runs
what the page queued before the shim loaded, in HubSpot's four passes plus the automatic
first page view; `push(entry, env)` runs one later command at once and returns (result, effects).

Rule 1: nothing here touches the browser, a clock or a random source: the page's
        facts come in `env`, randomness through the injected `rand32`.
Rule 2: no entry can raise out of `load` or `push`: bad input becomes a Skip
        effect with a reason, and so does every beacon the shim decides not to send.
Rule 3: each command is one method, named in its row of commands.HSQ; adding a
        command is that row and the method.
"""

from shim.core.beacon import (DEFAULT_TRACKING_HOST, EVENT_PATH, MAX_URL, MAX_VALUE, PAGE_VIEW_PATH,
                         append_groups, beacon_url, cut, event_property_text, has_long_text,
                         merge_first_position, object_pairs, scalar_text)
from shim.core.codec import encode_component
from shim.core.commands import FUNCTION, HSQ, Command, Ignored, describe, parse
from shim.core.cookies import DELETED_MS, SESSION_MS, VISITOR_MS, cookie_header, parse_cookies
from shim.core.domain import cookie_domain, domain_hash, hash_input, normalise_domain
from shim.core.effects import (BindClick, CallListener, CallPageFunction, Log, SendBeacon,
                               SetCookie, Skip)
from shim.core.consent import NO_BANNER, REVOKED_COOKIES
from shim.core.navigation import location_key, same_location
from shim.core.page import ClientInfo, hostname_of
from shim.core.privacy import PrivacyQueue
from shim.core.loading import Load, never
from shim.core.visitor import fresh_visitor, visitor_from_cookies

AUTO_PAGE_VIEW = Command("trackPageView", [])
# The duplicate guard looks this long after the automatic view: routers track their
# initial route while the app mounts, right at load.
GUARD_MS = 2000
ALL_CONSENT_BITS = 15           # necessary 1 + analytics 2 + advertisement 4 + functionality 8

# Beacon kinds (`k`) of the one-shot trackers; their id goes to the key beside it.
SIMPLE_BEACONS = {
    "trackFormView": ("15", "fi"), "trackFormInstall": ("16", "fi"),
    "trackFormVisible": ("17", "fi"), "trackFormInteraction": ("18", "fi"),
    "trackFormCompletion": ("19", "fi"), "trackCtaView": ("12", "aij"),
    "trackFeedbackView": ("26", "si"), "trackApproveCookieConsent": ("28", None),
    "trackDeclineCookieConsent": ("29", None), "trackRevokeCookieConsent": ("30", None),
}


class Tracker:
    def __init__(self, rand32, portal_id=None, collector=None, client=None, debug=False,
                 encode=encode_component, cookie_domains=None, policy=NO_BANNER, gpc=False,
                 duplicate_guard=True):
        self.rand32 = rand32
        self.encode = encode
        self.portal_id = portal_id          # digit string, or None until known
        self.collector = collector          # 'http://127.0.0.1:8000': overrides the host
        self.tracking_host = DEFAULT_TRACKING_HOST
        self.client = client if client is not None else ClientInfo()
        self.debug = debug
        # Page state sent with every beacon.
        self.path = None                    # set by setPath; None means "pu only"
        self.previous_path = None
        self.page_id = None
        self.content_type = None
        self.canonical_url = None
        self.content_metadata = None
        self.targeted_content = []
        self.identity = None                # None until the first identify
        self.reset = False                  # rv=1 after resetVisitor
        # Visitor and cookies.
        self.cookie_domains = []            # '.example.com' forms
        self.to_subdomain = False
        self.secure = False
        self.domain = ""
        self.visitor = None                 # set up once per page load (_set_up)
        self.cookies_saved = False
        # Consent: the _hsp queue decides it (no banner: everything granted).
        self.consent_allowed = True
        self.consent_bits = ALL_CONSENT_BITS
        self.do_not_track = False           # __hs_do_not_track=yes: nothing is sent
        self.privacy = PrivacyQueue(self, policy, gpc)
        # Switches.
        self.tracking_enabled = True
        self.limit_to_cookie_domains = False
        self.clicks = []                    # BindClick effects, re-sent by refreshPageHandlers
        # Single-page apps: the key of the last page view sent, and the duplicate guard:
        # armed by the automatic view, it drops the next view if it is for the same
        # location (a router tracking its initial route), then disarms.
        self.last_view = None
        self.duplicate_guard = duplicate_guard
        self.guard_armed = False
        self.guard_until = 0
        self.listeners = {"identity": [], "utk": [], "page_id": [], "content_type": [],
                          "metadata": []}
        self.loaded = False
        if cookie_domains:
            for i in range(len(cookie_domains)):
                self._add_cookie_domain(cookie_domains[i])

    # -- entry points ---------------------------------------------------------

    def load(self, entries, env, cookie_header_text="", privacy_entries=None):
        """Run the entries queued before load, then the automatic page view, in one go.

        `cookie_header_text` is document.cookie as the page had it at load;
        `privacy_entries` what the page queued on `_hsp` (consent is decided first,
        as HubSpot's banner runs before its tracker). The adapter runs the same load in
        short slices (begin_load, loading.py)."""
        run = self.begin_load(cookie_header_text, privacy_entries)
        for i in range(len(entries)):
            run.add(entries[i])
        effects = []
        while not run.idle():
            effects.extend(run.step(env, never))
        effects.extend(run.finish())
        return effects

    def begin_load(self, cookie_header_text="", privacy_entries=None):
        """A Load to add the queued entries to and step through (loading.py)."""
        return Load(self, cookie_header_text, privacy_entries)

    # Load's hooks: pass (b), the automatic view, the end of the load.

    def load_set_up(self, cookie_header_text, privacy_entries, env, effects):
        cookies = parse_cookies(cookie_header_text)
        self.do_not_track = ("__hs_do_not_track" in cookies
                             and cookies["__hs_do_not_track"] == "yes")
        self._set_up(env, cookies, effects)
        effects.extend(self.privacy.start(privacy_entries, env, cookies))

    def load_auto_view(self, view, env, effects):
        self._run(view, env, effects)
        self.guard_armed = self.duplicate_guard and self.last_view is not None
        self.guard_until = env.now_ms + GUARD_MS

    def load_finished(self, effects):
        self.loaded = True
        self._notify("identity", self._identity_args(), effects)
        self._notify("utk", [self.visitor.utk], effects)
        for i in range(len(self.clicks)):
            effects.append(self.clicks[i])

    def push(self, entry, env):
        """Run one command now. Returns (the method's result or None, effects)."""
        effects = []
        result = self._run(parse(entry), env, effects)
        return result, effects

    def navigated(self, env):
        """The page's URL changed (History API, popstate, hash change): one page view
        when the location key changed since the last view (navigation.py)."""
        effects = []
        key = location_key(env.url)
        if self.last_view is not None and key == self.last_view:
            return effects
        self._run(Command("setPath", [key]), env, effects)
        self._run(Command("trackPageView", []), env, effects)
        return effects

    def push_privacy(self, entry, env):
        """`_hsp.push` after start: (result, effects); result False for a bad entry."""
        return self.privacy.push(entry, env)

    # -- dispatch --------------------------------------------------------------

    def _run_all(self, items, env, effects):
        for i in range(len(items)):
            self._run(items[i], env, effects)

    def _run(self, item, env, effects):
        if type(item) is Ignored:
            self.skip(item.entry, item.reason, effects)
            return None
        if self.debug:
            effects.append(Log(item.name + " " + describe(item.args)))
        return METHODS[item.name](self, item.args, env, effects)

    def skip(self, entry, reason, effects):
        effects.append(Skip(entry, reason))
        if self.debug:
            effects.append(Log("ignored " + entry + ": " + reason))

    def is_debug(self):
        return self.debug

    # -- beacons ---------------------------------------------------------------

    def _blocked(self, env):
        """Why no beacon may be sent now, or None (spec §7 'Suppression')."""
        if self.do_not_track:
            return "doNotTrack is set (__hs_do_not_track=yes)"
        if not self.tracking_enabled:
            return "tracking is off (setTrackingEnabled(false))"
        if self.limit_to_cookie_domains and not self.domain:
            return "this host matches no cookie domain (setLimitTrackingToCookieDomains)"
        if self.portal_id is None:
            return "no portal id: add data-portal-id to the script tag or push ['setPortalId', id]"
        return None

    def _send(self, name, endpoint, own_pairs, env, effects, merge=False):
        reason = self._blocked(env)
        if reason is not None:
            self.skip(name, "not sent: " + reason, effects)
            return False
        self._ensure_visitor(env)
        fields = append_groups(own_pairs, self, env)
        if merge:
            fields = merge_first_position(fields)
        base = self.collector if self.collector else "https://" + self.tracking_host
        url = beacon_url(base, endpoint, fields, self.encode)
        if len(url) > MAX_URL:
            self.skip(name, "not sent: the beacon URL would be " + str(len(url))
                         + " characters, over the limit of " + str(MAX_URL), effects)
            return False
        effects.append(SendBeacon(url, fields))
        if self.debug:
            effects.append(Log("beacon " + endpoint + " " + describe_fields(fields)))
        return True

    # -- visitor and cookies (spec §5) -----------------------------------------

    def _set_up(self, env, cookies, effects):
        """Pass (b): the visitor and session from the cookies, once per page load."""
        host = hostname_of(env.url)
        self.domain = cookie_domain(host, self.cookie_domains, self.to_subdomain)
        self.visitor = visitor_from_cookies(cookies, env.now_ms, self.rand32,
                                            domain_hash(hash_input(host, self.domain)))
        if "hsfirstvisit" in cookies:
            effects.append(self._cookie("hsfirstvisit", "", DELETED_MS))
        if self.debug:
            effects.append(self._cookie("hs_dbg", "1", None))
        # The visitor cookies are written once consent allows (consent_changed).

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

    def delete_cookie(self, name, effects):
        """Expire a cookie on the cookie domain and host-only, wherever it was written."""
        if self.domain:
            effects.append(SetCookie(name, "", cookie_header(name, "", DELETED_MS, self.domain)))
        effects.append(SetCookie(name, "", cookie_header(name, "", DELETED_MS, "")))

    def consent_changed(self, old, new, env, effects):
        """HubSpot's tracker-side consent listener (spec §6.6)."""
        self.consent_allowed = new.allowed
        self.consent_bits = new.bits()
        if self.visitor is None:
            return
        if new.analytics_allowed() and not old.analytics_allowed():
            if not self.do_not_track:
                self._save_cookies(env, effects)
        elif old.analytics_allowed() and not new.analytics_allowed():
            for name in ("__hstc", "hubspotutk", "__hssc", "__hssrc"):
                self.delete_cookie(name, effects)
            self.cookies_saved = False
            self._new_visitor(env, effects)

    def consent_revoked(self, env, effects):
        """revokeCookieConsent, before consent is withdrawn: HubSpot's cookies deleted, k=30."""
        for i in range(len(REVOKED_COOKIES)):
            self.delete_cookie(REVOKED_COOKIES[i], effects)
        self.cookies_saved = False
        self.do_not_track = False
        self.track_simple("trackRevokeCookieConsent", [], env, effects)

    def _new_visitor(self, env, effects):
        """A new token and session, identity cleared; later beacons carry rv=1."""
        host = hostname_of(env.url)
        self.visitor = fresh_visitor(self.rand32, env.now_ms,
                                     domain_hash(hash_input(host, self.domain)))
        self.identity = None
        self.reset = True
        self._notify("utk", [self.visitor.utk], effects)
        self._notify("identity", self._identity_args(), effects)

    def _add_cookie_domain(self, domain):
        domain = normalise_domain(domain)
        if domain is not None and domain not in self.cookie_domains:
            self.cookie_domains.append(domain)
            return True
        return False

    def _ensure_visitor(self, env):
        # push() before load() (tests, or a page that never fired load): an in-memory visitor.
        if self.visitor is None:
            self.visitor = fresh_visitor(self.rand32, env.now_ms,
                                         domain_hash(hash_input(hostname_of(env.url), "")))

    def _hstc(self):
        return self.visitor.hstc() if self.visitor is not None else ""

    # -- listeners -------------------------------------------------------------

    def _listen(self, kind, function, args, effects):
        """Register; call at once when a value exists (args is None when not)."""
        self.listeners[kind].append(function)
        if args is not None:
            effects.append(CallListener(function, args, kind))

    def _notify(self, kind, args, effects):
        if args is None:
            return
        listeners = self.listeners[kind]
        for i in range(len(listeners)):
            effects.append(CallListener(listeners[i], args, kind))

    def _identity_args(self):
        # (hstc, hssc, hsfp): the cross-domain parameters. The shim computes no browser
        # fingerprint, so hsfp is ''.
        if self.visitor is None or not self.loaded:
            return None
        return [self.visitor.hstc(), self.visitor.hssc(), ""]

    # -- commands: configuration -----------------------------------------------

    def set_portal_id(self, args, env, effects):
        self.portal_id = args[0]

    def set_tracking_domain(self, args, env, effects):
        self.tracking_host = args[0]

    def add_cookie_domain(self, args, env, effects):
        if not self._add_cookie_domain(args[0]):
            self.skip("addCookieDomain", "not a domain: " + describe(args[0]), effects)

    def set_cookies_to_subdomain(self, args, env, effects):
        self.to_subdomain = args[0]

    def enable_secure_cookie(self, args, env, effects):
        self.secure = True

    def set_debug_mode(self, args, env, effects):
        self.debug = args[0]
        if self.debug and self.loaded:
            effects.append(self._cookie("hs_dbg", "1", None))

    def set_tracking_enabled(self, args, env, effects):
        self.tracking_enabled = args[0]

    def set_limit_tracking(self, args, env, effects):
        self.limit_to_cookie_domains = args[0]

    # -- commands: page state ----------------------------------------------------

    def set_path(self, args, env, effects):
        self.previous_path = self.path
        self.path = args[0]
        self.refresh_page_handlers(args, env, effects)

    def set_page_id(self, args, env, effects):
        self.page_id = args[0]
        self._notify("page_id", [args[0]], effects)

    def set_content_type(self, args, env, effects):
        self.content_type = args[0]
        self._notify("content_type", [args[0]], effects)

    def set_canonical_url(self, args, env, effects):
        self.canonical_url = args[0]

    def set_content_metadata(self, args, env, effects):
        self.content_metadata = args[0]
        self._notify("metadata", [args[0]], effects)

    def set_targeted_content(self, args, env, effects):
        """[[a, b, c], ...] -> tc=a-b-c, first five triples, as HubSpot."""
        items = args[0] if type(args[0]) is list else []
        out = []
        for i in range(min(len(items), 5)):
            item = items[i]
            if type(item) is list and len(item) == 3:
                out.append(scalar_text(item[0]) + "-" + scalar_text(item[1]) + "-"
                           + scalar_text(item[2]))
        self.targeted_content = out

    def identify(self, args, env, effects):
        if self.identity is None:
            self.identity = {}
        if has_long_text(args[0]):
            self.skip("identify", "values over " + str(MAX_VALUE) + " characters are cut",
                         effects)
        self.identity.update(args[0])       # shallow merge: later keys win

    # -- commands: listeners -----------------------------------------------------

    def add_identity_listener(self, args, env, effects):
        self._listen("identity", args[0], self._identity_args(), effects)

    def add_user_token_listener(self, args, env, effects):
        # Before load, the set-up at the end of load calls it (once).
        utk = [self.visitor.utk] if self.loaded else None
        self._listen("utk", args[0], utk, effects)

    def add_page_id_listener(self, args, env, effects):
        self._listen("page_id", args[0], [self.page_id] if self.page_id else None, effects)

    def add_content_type_listener(self, args, env, effects):
        value = [self.content_type] if self.content_type else None
        self._listen("content_type", args[0], value, effects)

    def add_content_metadata_listener(self, args, env, effects):
        value = [self.content_metadata] if self.content_metadata else None
        self._listen("metadata", args[0], value, effects)

    # -- commands: visitor -------------------------------------------------------

    def reset_visitor(self, args, env, effects):
        """A new visitor token and session; identity cleared; later beacons carry rv=1."""
        saved = self.cookies_saved
        self._new_visitor(env, effects)
        if saved:
            self._save_cookies(env, effects)

    # -- commands: privacy -------------------------------------------------------

    def set_do_not_track(self, args, env, effects):
        """No argument, false, {track: false}...: opt out. Only {track: true} opts back in."""
        arg = args[0]
        if type(arg) is dict and "track" in arg and arg["track"] is True:
            self.delete_cookie("__hs_do_not_track", effects)
            self.do_not_track = False
        else:
            effects.append(self._cookie("__hs_do_not_track", "yes", env.now_ms + VISITOR_MS))
            self.do_not_track = True

    def add_privacy_consent_listener(self, args, env, effects):
        self.privacy.add_consent_listener(args, env, effects)       # forwarded to _hsp

    def revoke_cookie_consent(self, args, env, effects):
        self.privacy.revoke(args, env, effects)                     # forwarded to _hsp

    # -- commands: beacons -------------------------------------------------------

    def track_page_view(self, args, env, effects):
        key = self.path if self.path is not None else location_key(env.url)
        if self.guard_armed:
            self.guard_armed = False
            if env.now_ms <= self.guard_until and same_location(key, self.last_view):
                effects.append(Skip("trackPageView", "duplicate of the automatic page view "
                                      "for " + key + " (data-duplicate-guard=\"off\" sends it)",
                                      "duplicate"))
                return
        if self._send("trackPageView", PAGE_VIEW_PATH, [("k", "1")], env, effects):
            self.last_view = key

    def track_custom_behavioral_event(self, args, env, effects):
        event = args[0]
        name = event["name"] if "name" in event else None
        if type(name) is not str or not name:
            self.skip("trackCustomBehavioralEvent", "the event needs a string name", effects)
            return
        pairs = [("n", cut(name))]
        properties = event["properties"] if "properties" in event else None
        if type(properties) is dict:
            if has_long_text(properties):
                self.skip("trackCustomBehavioralEvent", "property values over "
                             + str(MAX_VALUE) + " characters are cut", effects)
            keys = list(properties.keys())
            for i in range(len(keys)):
                pairs.append(("_" + cut(keys[i]), event_property_text(properties[keys[i]])))
        elif properties is not None:
            self.skip("trackCustomBehavioralEvent", "properties must be an object; sent "
                         "without them", effects)
        self._send("trackCustomBehavioralEvent", EVENT_PATH, pairs, env, effects)

    def track_event(self, args, env, effects):
        """Legacy events: k=3, n=id, m=value, plus every key of the event object."""
        first = args[0]
        if type(first) is dict:
            event = dict(first)
        elif type(first) is str or type(first) is int or type(first) is float:
            event = {"id": scalar_text(first)}
            if len(args) > 1 and type(args[1]) is dict:
                event.update(args[1])
        else:
            self.skip("trackEvent", "the event must be an id or an object with an id", effects)
            return
        event_id = event["id"] if "id" in event else None
        if event_id is None or event_id == "":
            self.skip("trackEvent", "the event needs an id", effects)
            return
        pairs = object_pairs(event)
        pairs.append(("k", "3"))
        pairs.append(("n", cut(scalar_text(event_id))))
        if "value" in event and event["value"] is not None:
            pairs.append(("m", cut(scalar_text(event["value"]))))
        self._send("trackEvent", PAGE_VIEW_PATH, pairs, env, effects, merge=True)

    def track_simple(self, name, args, env, effects):
        kind, key = SIMPLE_BEACONS[name]
        pairs = [("k", kind)]
        if key is not None:
            pairs.append((key, args[0]))
        self._send(name, PAGE_VIEW_PATH, pairs, env, effects)

    def track_click(self, args, env, effects):
        selector, event_id = args[0], args[1]
        options = args[2] if len(args) > 2 and args[2] is not None else {}
        url = options["url"] if "url" in options and type(options["url"]) is str else None
        if self.portal_id is not None and event_id.startswith("pe" + self.portal_id + "_"):
            entry = ["trackCustomBehavioralEvent", {"name": event_id}]
        else:
            entry = ["trackEvent", event_id]
        binding = BindClick(selector, entry, url)
        self.clicks.append(binding)
        if self.loaded:
            effects.append(binding)

    def refresh_page_handlers(self, args, env, effects):
        if self.loaded:
            for i in range(len(self.clicks)):
                effects.append(self.clicks[i])

    def call_function(self, args, env, effects):
        effects.append(CallPageFunction(args[0], self._hstc()))


def describe_fields(fields):
    out = ""
    for i in range(len(fields)):
        out += (" " if i else "") + fields[i][0] + "=" + fields[i][1]
    return out


def _simple(name):
    def run(tracker, args, env, effects):
        return tracker.track_simple(name, args, env, effects)
    return run


# name -> the Tracker method that runs it, from the rows of commands.HSQ (the one-shot
# beacons share track_simple, which needs their name).
METHODS = {FUNCTION: Tracker.call_function}
_names = list(HSQ.keys())
for _i in range(len(_names)):
    _handler = HSQ[_names[_i]][4]
    if _handler == "track_simple":
        METHODS[_names[_i]] = _simple(_names[_i])
    else:
        METHODS[_names[_i]] = getattr(Tracker, _handler)
