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
Rule 4: the Tracker is the composition root; its state lives in small objects, each
        with one concern: `page` (PageState: the page's beacon fields, written directly
        by the handlers), `jar` (CookieJar: cookie domain, visitor, cookie effects),
        `listeners` (Listeners: the page's identity/utk/page id/content listeners),
        `guard` (DuplicateGuard: the last view and the duplicate guard). Beacons are
        built from explicit facts (beacon.append_groups) and suppressed for the reasons
        of beacon.suppression.
"""

from shim.core.beacon import (DEFAULT_TRACKING_HOST, EVENT_PATH, MAX_URL, MAX_VALUE, PAGE_VIEW_PATH,
                         append_groups, beacon_url, cut, event_property_pairs, has_long_text,
                         merge_first_position, object_pairs, scalar_text, suppression)
from shim.core.codec import encode_component
from shim.core.commands import FUNCTION, HSQ, Command, Ignored, describe, parse
from shim.core.cookies import VISITOR_MS, parse_cookies
from shim.core.effects import BindClick, CallListener, CallPageFunction, Log, SendBeacon, Skip
from shim.core.consent import NO_BANNER, REVOKED_COOKIES
from shim.core.jar import VISITOR_COOKIES, CookieJar
from shim.core.linker import arriving, linked_url
from shim.core.navigation import DuplicateGuard, location_key
from shim.core.page import ClientInfo, PageState
from shim.core.privacy import PrivacyQueue
from shim.core.loading import Load, never

ALL_CONSENT_BITS = 15           # necessary 1 + analytics 2 + advertisement 4 + functionality 8

# Beacon kinds (`k`) of the one-shot trackers; their id goes to the key beside it.
SIMPLE_BEACONS = {
    "trackFormView": ("15", "fi"), "trackFormInstall": ("16", "fi"),
    "trackFormVisible": ("17", "fi"), "trackFormInteraction": ("18", "fi"),
    "trackFormCompletion": ("19", "fi"), "trackCtaView": ("12", "aij"),
    "trackFeedbackView": ("26", "si"), "trackApproveCookieConsent": ("28", None),
    "trackDeclineCookieConsent": ("29", None), "trackRevokeCookieConsent": ("30", None),
}


class Listeners:
    """The page's listeners by kind; each gets a CallListener effect per value."""

    def __init__(self):
        self.by_kind = {"identity": [], "utk": [], "page_id": [], "content_type": [],
                        "metadata": []}

    def listen(self, kind, function, args, effects):
        """Register; call at once when a value exists (args is None when not)."""
        self.by_kind[kind].append(function)
        if args is not None:
            effects.append(CallListener(function, args, kind))

    def notify(self, kind, args, effects):
        if args is None:
            return
        listeners = self.by_kind[kind]
        for i in range(len(listeners)):
            effects.append(CallListener(listeners[i], args, kind))


class Tracker:
    def __init__(self, rand32, portal_id=None, collector=None, client=None, debug=False,
                 encode=encode_component, cookie_domains=None, policy=NO_BANNER, gpc=False,
                 duplicate_guard=True, tracking_host=DEFAULT_TRACKING_HOST, user_token=None):
        self.rand32 = rand32
        self.encode = encode
        self.portal_id = portal_id          # digit string, or None until known
        self.collector = collector          # 'http://127.0.0.1:8000': overrides the host
        self.tracking_host = tracking_host  # config: the loader's region; setTrackingDomain
        self.client = client if client is not None else ClientInfo()
        self.debug = debug
        self.page = PageState()             # sent with every beacon
        self.jar = CookieJar(rand32)        # cookie domain, visitor, cookie effects
        self.listeners = Listeners()
        self.guard = DuplicateGuard(duplicate_guard)
        # () -> window.__hsUserToken as the page set it, read at set-up (visitor.py, Rule 4).
        self.page_user_token = user_token
        # Consent: the _hsp queue decides it (no banner: everything granted).
        self.consent_allowed = True
        self.consent_bits = ALL_CONSENT_BITS
        self.do_not_track = False           # __hs_do_not_track=yes: nothing is sent
        self.privacy = PrivacyQueue(self, policy, gpc)
        # Switches.
        self.tracking_enabled = True
        self.limit_to_cookie_domains = False
        self.automatic_linker = False       # enableAutomaticLinker: decorate links (linker.py)
        self.clicks = []                    # BindClick effects, re-sent by refreshPageHandlers
        self.loaded = False
        if cookie_domains:
            for i in range(len(cookie_domains)):
                self.jar.add_domain(cookie_domains[i])

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
        self.run(view, env, effects)
        self.guard.arm(env.now_ms)

    def load_finished(self, effects):
        self.loaded = True
        self.listeners.notify("identity", self._identity_args(), effects)
        self.listeners.notify("utk", [self.jar.visitor.utk], effects)
        for i in range(len(self.clicks)):
            effects.append(self.clicks[i])

    def push(self, entry, env):
        """Run one command now. Returns (the method's result or None, effects)."""
        effects = []
        result = self.run(parse(entry), env, effects)
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

    def skip(self, entry, reason, effects):
        effects.append(Skip(entry, reason))
        if self.debug:
            effects.append(Log("ignored " + entry + ": " + reason))

    def is_debug(self):
        return self.debug

    # -- beacons ---------------------------------------------------------------

    def _send(self, name, endpoint, own_pairs, env, effects, merge=False):
        jar = self.jar
        reason = suppression(self.do_not_track, self.tracking_enabled,
                             self.limit_to_cookie_domains and not jar.on_domains(env),
                             self.portal_id)
        if reason is not None:
            self.skip(name, "not sent: " + reason, effects)
            return False
        jar.ensure_visitor(env)
        fields = append_groups(own_pairs, env, self.client, self.portal_id, self.page,
                               jar.visitor, jar.saved, self.consent_allowed, self.consent_bits,
                               self.encode)
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

    # -- visitor, cookies and consent (spec §5, §6.6) ----------------------------

    def _set_up(self, env, cookies, effects):
        """Pass (b): the visitor and session from the cookies (or a cross-domain link),
        once per page load."""
        token = self.page_user_token() if self.page_user_token is not None else None
        # A cross-domain link in the page URL stands in for the visitor cookies (linker.py).
        cookies, problem = arriving(env.url, cookies, self.jar.domains, env.now_ms)
        if problem is not None:
            self.skip("__hstc", problem, effects)
        problem = self.jar.set_up(env, cookies, token, effects)
        if problem is not None:
            self.skip("__hsUserToken", problem, effects)
        if self.debug:
            effects.append(self.jar.cookie("hs_dbg", "1", None))
        # The visitor cookies are written once consent allows (consent_changed).

    def consent_changed(self, old, new, env, effects):
        """HubSpot's tracker-side consent listener (spec §6.6)."""
        self.consent_allowed = new.allowed
        self.consent_bits = new.bits()
        if self.jar.visitor is None:
            return
        if new.analytics_allowed() and not old.analytics_allowed():
            if not self.do_not_track:
                self.jar.save(env, effects)
        elif old.analytics_allowed() and not new.analytics_allowed():
            self.jar.forget(VISITOR_COOKIES, effects)
            self._new_visitor(env, effects)

    def consent_revoked(self, env, effects):
        """revokeCookieConsent, before consent is withdrawn: HubSpot's cookies deleted, k=30."""
        self.jar.forget(REVOKED_COOKIES, effects)
        self.do_not_track = False
        self.track_simple("trackRevokeCookieConsent", [], env, effects)

    def _new_visitor(self, env, effects):
        """A new token and session, identity cleared; later beacons carry rv=1."""
        self.jar.renew(env)
        self.page.identity = None
        self.page.reset = True
        self.listeners.notify("utk", [self.jar.visitor.utk], effects)
        self.listeners.notify("identity", self._identity_args(), effects)

    def _identity_args(self):
        # (hstc, hssc, hsfp): the cross-domain parameters. The shim computes no browser
        # fingerprint, so hsfp is ''.
        visitor = self.jar.visitor
        if visitor is None or not self.loaded:
            return None
        return [visitor.hstc(), visitor.hssc(), ""]

    # -- commands: configuration -----------------------------------------------

    def set_portal_id(self, args, env, effects):
        self.portal_id = args[0]

    def set_tracking_domain(self, args, env, effects):
        self.tracking_host = args[0]

    def add_cookie_domain(self, args, env, effects):
        if not self.jar.add_domain(args[0]):
            self.skip("addCookieDomain", "not a domain: " + describe(args[0]), effects)

    def set_cookies_to_subdomain(self, args, env, effects):
        self.jar.to_subdomain = args[0]

    def enable_secure_cookie(self, args, env, effects):
        self.jar.secure = True

    def set_debug_mode(self, args, env, effects):
        was = self.debug
        self.debug = args[0]
        # Once the cookie domain is known (after set-up; _set_up writes it when debug was on).
        if self.debug and not was and self.jar.visitor is not None:
            effects.append(self.jar.cookie("hs_dbg", "1", None))

    def set_tracking_enabled(self, args, env, effects):
        self.tracking_enabled = args[0]

    def set_limit_tracking(self, args, env, effects):
        self.limit_to_cookie_domains = args[0]

    def enable_automatic_linker(self, args, env, effects):
        self.automatic_linker = args[0] is not False

    def link(self, href, page_url):
        """enableAutomaticLinker, as a link is activated: the URL to follow instead of
        `href` (carrying the visitor to another cookie domain), or None. Only with
        analytics consent and outside doNotTrack (linker.py, Rules 5-6)."""
        visitor = self.jar.visitor
        if (not self.automatic_linker or visitor is None or self.do_not_track
                or not (self.consent_allowed or self.consent_bits & 2)):
            return None
        return linked_url(href, page_url, self.jar.domains, visitor.hstc(), visitor.hssc())

    # -- commands: page state ----------------------------------------------------

    def set_path(self, args, env, effects):
        page = self.page
        page.previous_path = page.path
        page.path = args[0]
        if self.loaded:
            for i in range(len(self.clicks)):
                effects.append(self.clicks[i])

    def set_page_id(self, args, env, effects):
        self.page.page_id = args[0]
        self.listeners.notify("page_id", [args[0]], effects)

    def set_content_type(self, args, env, effects):
        self.page.content_type = args[0]
        self.listeners.notify("content_type", [args[0]], effects)

    def set_canonical_url(self, args, env, effects):
        self.page.canonical_url = args[0]

    def set_content_metadata(self, args, env, effects):
        self.page.content_metadata = args[0]
        self.listeners.notify("metadata", [args[0]], effects)

    def set_targeted_content(self, args, env, effects):
        """[[a, b, c], ...] -> tc=a-b-c, first five triples, as HubSpot."""
        items = args[0] if type(args[0]) is list else []
        out = []
        for i in range(min(len(items), 5)):
            item = items[i]
            if type(item) is list and len(item) == 3:
                out.append(scalar_text(item[0]) + "-" + scalar_text(item[1]) + "-"
                           + scalar_text(item[2]))
        self.page.targeted_content = out

    def identify(self, args, env, effects):
        page = self.page
        if page.identity is None:
            page.identity = {}
        if has_long_text(args[0]):
            self.skip("identify", "values over " + str(MAX_VALUE) + " characters are cut",
                         effects)
        page.identity.update(args[0])       # shallow merge: later keys win

    # -- commands: listeners -----------------------------------------------------

    def add_identity_listener(self, args, env, effects):
        self.listeners.listen("identity", args[0], self._identity_args(), effects)

    def add_user_token_listener(self, args, env, effects):
        # Before load, the set-up at the end of load calls it (once).
        utk = [self.jar.visitor.utk] if self.loaded else None
        self.listeners.listen("utk", args[0], utk, effects)

    def add_page_id_listener(self, args, env, effects):
        page_id = self.page.page_id
        self.listeners.listen("page_id", args[0], [page_id] if page_id else None, effects)

    def add_content_type_listener(self, args, env, effects):
        content_type = self.page.content_type
        value = [content_type] if content_type else None
        self.listeners.listen("content_type", args[0], value, effects)

    def add_content_metadata_listener(self, args, env, effects):
        metadata = self.page.content_metadata
        value = [metadata] if metadata else None
        self.listeners.listen("metadata", args[0], value, effects)

    # -- commands: visitor -------------------------------------------------------

    def reset_visitor(self, args, env, effects):
        """A new visitor token and session; identity cleared; later beacons carry rv=1."""
        saved = self.jar.saved
        self._new_visitor(env, effects)
        if saved and self.do_not_track:
            # Under doNotTrack no visitor cookie is written; the stored ones are no longer
            # this visitor's.
            self.jar.saved = False
        elif saved:
            self.jar.save(env, effects)

    # -- commands: privacy -------------------------------------------------------

    def set_do_not_track(self, args, env, effects):
        """No argument, false, {track: false}...: opt out. Only {track: true} opts back in."""
        arg = args[0]
        if type(arg) is dict and "track" in arg and arg["track"] is True:
            self.jar.delete("__hs_do_not_track", effects)
            self.do_not_track = False
        else:
            effects.append(self.jar.cookie("__hs_do_not_track", "yes", env.now_ms + VISITOR_MS))
            self.do_not_track = True

    def add_privacy_consent_listener(self, args, env, effects):
        self.privacy.add_consent_listener(args, env, effects)       # forwarded to _hsp

    def revoke_cookie_consent(self, args, env, effects):
        self.privacy.revoke(args, env, effects)                     # forwarded to _hsp

    # -- commands: beacons -------------------------------------------------------

    def track_page_view(self, args, env, effects):
        path = self.page.path
        key = path if path is not None else location_key(env.url)
        if self.guard.drops(key, env.now_ms):
            reason = ("duplicate of the automatic page view for " + key
                      + " (data-duplicate-guard=\"off\" sends it)")
            effects.append(Skip("trackPageView", reason, "duplicate"))
            if self.debug:
                effects.append(Log("ignored trackPageView: " + reason))
            return
        if self._send("trackPageView", PAGE_VIEW_PATH, [("k", "1")], env, effects):
            self.guard.last_view = key

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
                event_property_pairs(pairs, keys[i], properties[keys[i]])
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
        effects.append(CallPageFunction(args[0], self.jar.hstc()))


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
