"""Running the pre-load queue in short slices: begin, step(over) until idle, finish.

Tracker.begin_load returns a Load. The adapter adds the entries the page queued before
load (`add`), then calls `step(env, over)` once per main-thread task, with `over()` saying
when the task's time budget is spent; the page's own pushes that arrive meanwhile go in
with `add_late`. When `idle()` is true and nothing arrived, `finish()` ends the load.

Rule 1: HubSpot's order, exactly as one synchronous load (queue.py): the config pass,
        the tracker's set-up, the priority pass, then the rest first-in first-out. A
        slice boundary changes nothing but when effects go out.
Rule 2: HubSpot's prelude (spec Q10) is appended to `_hsq` when its script executes:
        the script's own portal (setPortalId, priority pass), the automatic page view
        (rest pass) and its tracking host (setTrackingDomain, config pass). So it goes
        in at the `mark`, the number of entries the page had queued when the shim's file
        executed: events queued before the script go out before the automatic view, a
        page's own earlier setPortalId loses to the script's, and what was pushed between
        the script and the load runs after the view. No mark: all entries came first.
Rule 3: entries added late (the page pushed while slices were running) go behind
        everything queued before them: the end of the rest pass, never an earlier pass.
Rule 4: each entry is parsed once, when added, and sorted into its pass at once; a step
        runs at least one unit of work, so every call makes progress whatever `over` says.
Rule 5: the automatic page view ends its step, so its beacon goes out before the rest
        continues; so does an entry that calls the page's code (a pushed function, a
        listener), so what that code pushes runs before the next entry, as HubSpot runs
        pushes at once while it processes the queue (the adapter's job).
Rule 6: the set-up ends its step too. The consent listeners it calls (`_hsp`) are the
        banner's: HubSpot's banner calls them before its tracker reads the queue, so what
        they push waits behind everything queued, the automatic view included
        (`pushes_wait`).
"""

from shim.core.commands import (CONFIG, FUNCTION, OPTIONAL, PASSES, PRIORITY, SIGNATURES, Command,
                                parse)
from shim.core.listeners import KINDS
from shim.core.queue import pass_of

AUTO_PAGE_VIEW = Command("trackPageView", [])

# Entries that call the page's code at once (rule 5): the listeners (KINDS), functions.
CALLS_PAGE = dict(KINDS)
CALLS_PAGE[FUNCTION] = True
CALLS_PAGE["addPrivacyConsentListener"] = True

# Stages, in order.
CONFIG_PASS = 0
SET_UP = 1
PRIORITY_PASS = 2
REST_PASS = 3
IDLE = 4
FINISHED = 5


class Load:
    def __init__(self, tracker, cookie_header_text, privacy_entries, mark):
        self.tracker = tracker
        self.cookie_header_text = cookie_header_text
        self.privacy_entries = privacy_entries if privacy_entries is not None else []
        self.mark = mark                    # entries queued before the script ran, or None
        self.added = 0
        self.prelude_added = False
        self.config = []
        self.priority = []
        self.rest = []
        self.stage = CONFIG_PASS
        self.index = 0                      # next item of the current pass

    def pushes_wait(self):
        """The next step's page code pushes into the queue, not at once (Rule 6)."""
        return self.stage <= SET_UP

    def idle(self):
        """Every entry added so far has run; only finish() is left."""
        return self.stage == IDLE

    def add(self, entry):
        """An entry the page queued before load: parsed and sorted into its pass."""
        if self.added == self.mark:
            self._prelude()
        self.added += 1
        item = parse(entry, SIGNATURES, OPTIONAL)
        step = pass_of(item, PASSES)
        if step == CONFIG:
            self.config.append(item)
        elif step == PRIORITY:
            self.priority.append(item)
        else:
            self.rest.append(item)

    def _prelude(self):
        """Rule 2: the script's own entries, behind what the page queued before it."""
        if self.prelude_added:
            return
        self.prelude_added = True
        tracker = self.tracker
        self.config.append(Command("setTrackingDomain", [tracker.script_host]))
        if tracker.script_portal is not None:
            self.priority.append(Command("setPortalId", [tracker.script_portal]))
        self.rest.append(AUTO_PAGE_VIEW)

    def add_late(self, entry):
        """An entry the page pushed while the load was running: behind everything."""
        self._prelude()
        self.rest.append(parse(entry, SIGNATURES, OPTIONAL))
        if self.stage == IDLE:
            self.stage = REST_PASS
            self.index = 0

    def step(self, env, over):
        """Run queued work until `over()` is true (checked after each unit); effects."""
        effects = []
        tracker = self.tracker
        self._prelude()
        self._settle()
        while True:
            stage = self.stage
            if stage == CONFIG_PASS or stage == PRIORITY_PASS or stage == REST_PASS:
                # The pass's entries in one loop: its list and position are locals until
                # the budget is spent or the pass runs out (per-entry cost at load, #18).
                items = self._items(stage)
                index = self.index
                n = len(items)
                spent = False
                while index < n and not spent:
                    item = items[index]
                    items[index] = None     # run once; let it go
                    index += 1
                    if item is AUTO_PAGE_VIEW:
                        tracker.load_auto_view(item, env, effects)
                        spent = True
                    else:
                        tracker.run(item, env, effects)
                        spent = (type(item) is Command and item.name in CALLS_PAGE) or over()
                self.index = index
                self._settle()
                if self.stage == IDLE or spent:
                    return effects
            elif stage == SET_UP:
                tracker.load_set_up(self.cookie_header_text, self.privacy_entries, env, effects)
                self.privacy_entries = None
                self.stage = PRIORITY_PASS
                self._settle()
                return effects
            else:
                return effects

    def _items(self, stage):
        if stage == CONFIG_PASS:
            return self.config
        if stage == PRIORITY_PASS:
            return self.priority
        return self.rest

    def _settle(self):
        """Move past passes that have run out."""
        stage = self.stage
        while ((stage == CONFIG_PASS or stage == PRIORITY_PASS or stage == REST_PASS)
               and self.index >= len(self._items(stage))):
            self.index = 0
            if stage == REST_PASS:
                self.rest = []
                stage = IDLE
            else:
                stage = stage + 1
        self.stage = stage

    def finish(self):
        """The load is over: listeners told, clicks bound; later pushes run at once."""
        effects = []
        if self.stage != FINISHED:
            self.stage = FINISHED
            self.tracker.load_finished(effects)
        return effects
