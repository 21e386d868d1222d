"""The `_hsp` privacy queue: consent state, consent listeners, revocation (D5).

Rule 1: the queue is processed in the banner's order (P5): configuration first, then
        the rest first-in first-out; later pushes run at once and return False for an
        unknown or invalid entry, as the banner's push does.
Rule 2: every consent change goes through `change`, which tells the tracker first
        (cookies, visitor reset) and then the page's listeners.
Rule 3: banner-only configuration (geo-location, API base URL, banner settings...) is
        accepted and has no effect: there is no banner.
Rule 4: the queue reaches the tracker through three methods (`skip`, `consent_changed`,
        `consent_revoked`) and reads its `debug`; it never writes the tracker's attributes.
"""

from shim.core.commands import (BANNER_ONLY, HSP, PRIVACY_PASSES, PRIVACY_SIGNATURES, Ignored,
                                describe, parse)
from shim.core.consent import (NOTHING, UNDECIDED, consent_from_object, initial_consent,
                               listener_object)
from shim.core.effects import CallListener, Log
from shim.core.queue import passes


class PrivacyQueue:
    def __init__(self, tracker, policy, gpc):
        self.tracker = tracker
        self.policy = policy
        self.gpc = gpc
        self.current = None                 # Consent, once started
        self.previous = NOTHING
        self.consent_listeners = []
        self.settings_listeners = []

    def settings(self):
        return {"policy": self.policy, "gpc": self.gpc}

    # -- entry points ---------------------------------------------------------

    def start(self, entries, env, cookies):
        """Decide the initial consent, then run the entries queued on `_hsp`."""
        effects = []
        self.change(initial_consent(self.policy, cookies, self.gpc), env, effects)
        parsed = []
        for i in range(len(entries)):
            parsed.append(parse(entries[i], PRIVACY_SIGNATURES, None))
        config, priority, rest = passes(parsed, PRIVACY_PASSES)
        ordered = config + rest
        for i in range(len(ordered)):
            self.run(ordered[i], env, effects)
        return effects

    def push(self, entry, env):
        effects = []
        result = self.run(parse(entry, PRIVACY_SIGNATURES, None), env, effects)
        return result, effects

    def run(self, item, env, effects):
        tracker = self.tracker
        if type(item) is Ignored:
            tracker.skip("_hsp " + item.entry, item.reason, effects)
            return False
        if tracker.debug:
            effects.append(Log("_hsp " + item.name + " " + describe(item.args)))
        if item.name in BANNER_ONLY or item.name not in METHODS:
            return None
        return METHODS[item.name](self, item.args, env, effects)

    # -- consent ---------------------------------------------------------------

    def change(self, new, env, effects):
        old = self.current if self.current is not None else NOTHING
        self.previous = old
        self.current = new
        self.tracker.consent_changed(old, new, env, effects)
        if new is UNDECIDED:
            return                          # listeners wait for a decision (consent.py, 2a)
        for i in range(len(self.consent_listeners)):
            effects.append(CallListener(self.consent_listeners[i], [listener_object(new, old)],
                                        "consent"))

    # -- commands --------------------------------------------------------------

    def add_consent_listener(self, args, env, effects):
        self.consent_listeners.append(args[0])
        if self.current is not None and self.current is not UNDECIDED:
            effects.append(CallListener(args[0], [listener_object(self.current, self.previous)],
                                        "consent"))

    def add_settings_listener(self, args, env, effects):
        self.settings_listeners.append(args[0])
        effects.append(CallListener(args[0], [self.settings()], "privacy settings"))

    def set_consent(self, args, env, effects):
        consent = consent_from_object(args[0])
        if consent is None:
            self.tracker.skip("_hsp setHubSpotConsent", "expects {analytics, advertisement, "
                                 "functionality} as true/false", effects)
            return False
        self.change(consent, env, effects)
        return None

    def show_banner(self, args, env, effects):
        # No UI: tell the listeners the current state again.
        if self.tracker.debug:
            effects.append(Log("showBanner: the shim has no banner; listeners notified"))
        if self.current is UNDECIDED:
            return
        for i in range(len(self.consent_listeners)):
            effects.append(CallListener(self.consent_listeners[i],
                                        [listener_object(self.current, self.previous)], "consent"))

    def revoke(self, args, env, effects):
        """Delete HubSpot's cookies, send k=30, then withdraw consent (not persisted,
        so the visitor looks new on the next load, as HubSpot documents)."""
        self.tracker.consent_revoked(env, effects)
        self.change(NOTHING, env, effects)


# name -> PrivacyQueue method, from the rows of commands.HSP.
METHODS = {}
_names = list(HSP.keys())
for _i in range(len(_names)):
    if HSP[_names[_i]][2] is not None:
        METHODS[_names[_i]] = getattr(PrivacyQueue, HSP[_names[_i]][2])
