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
from shim.effects import CallPageFunction, Ignore, Log, SendBeacon
from shim.page import ClientInfo
from shim.queue import passes
from shim.values import Value
from shim.visitor import new_visitor_token


class Visitor(Value):
    __slots__ = ("token", "is_new")

    def __init__(self, token, is_new):
        self.token = token
        self.is_new = is_new


AUTO_PAGE_VIEW = Command("trackPageView", [])


class Tracker:
    def __init__(self, rand32, portal_id=None, collector=None, client=None, debug=False,
                 encode=encode_component):
        self.portal_id = portal_id          # digit string, or None until known
        self.collector = collector          # 'http://127.0.0.1:8000': overrides the host
        self.tracking_host = DEFAULT_TRACKING_HOST
        self.client = client if client is not None else ClientInfo()
        self.debug = debug
        self.encode = encode
        self.path = None                    # set by setPath; None means "use pu only"
        self.previous_path = None
        self.identity = None                # None until the first identify
        self.visitor = Visitor(new_visitor_token(rand32), True)
        self.loaded = False

    # -- entry points ---------------------------------------------------------

    def load(self, entries, env):
        """Run the entries queued before load, then the automatic page view."""
        effects = []
        parsed = []
        for i in range(len(entries)):
            parsed.append(parse(entries[i]))
        config, priority, rest = passes(parsed)
        self._run_all(config, env, effects)
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
        return ""                           # the __hstc cookie arrives with the cookies issue

    # -- commands --------------------------------------------------------------

    def set_portal_id(self, args, env, effects):
        self.portal_id = args[0]

    def set_tracking_domain(self, args, env, effects):
        self.tracking_host = args[0]

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
        fields = page_view_fields(self.portal_id, self.client, env, self.path,
                                  self.previous_path, self.visitor, self.identity, self.encode)
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
    "setPath": Tracker.set_path,
    "identify": Tracker.identify,
    "setDebugMode": Tracker.set_debug_mode,
    "trackPageView": Tracker.track_page_view,
    FUNCTION: Tracker.call_function,
}
