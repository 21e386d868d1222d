"""Running the pre-load queue in short slices: begin, step(over) until idle, finish.

Tracker.begin_load returns a Load. The adapter adds the entries the page queued before
load (`add`), then calls `step(env, over)` once per main-thread task, with `over()` saying
when the task's time budget is spent; the page's own pushes that arrive meanwhile go in
with `add_late`. When `idle()` is true and nothing arrived, `finish()` ends the load.

Rule 1: HubSpot's order, exactly as one synchronous load (queue.py): the config pass,
        the tracker's set-up, the priority pass, the automatic page view, then the rest
        first-in first-out. A slice boundary changes nothing but when effects go out.
Rule 2: entries added late (the page pushed while slices were running) go behind
        everything queued before them: the end of the rest pass, never an earlier pass.
Rule 3: each entry is parsed once, when added, and sorted into its pass at once; a step
        runs at least one unit of work, so every call makes progress whatever `over` says.
Rule 4: the automatic page view ends its slice, so its beacon goes out before the rest
        pass starts.
"""

from shim.core.commands import CONFIG, OPTIONAL, PASSES, PRIORITY, SIGNATURES, Command, parse
from shim.core.queue import pass_of

AUTO_PAGE_VIEW = Command("trackPageView", [])

# Stages, in order.
CONFIG_PASS = 0
SET_UP = 1
PRIORITY_PASS = 2
AUTO_VIEW = 3
REST_PASS = 4
IDLE = 5
FINISHED = 6


class Load:
    def __init__(self, tracker, cookie_header_text, privacy_entries):
        self.tracker = tracker
        self.cookie_header_text = cookie_header_text
        self.privacy_entries = privacy_entries if privacy_entries is not None else []
        self.config = []
        self.priority = []
        self.rest = []
        self.stage = CONFIG_PASS
        self.index = 0                      # next item of the current pass

    def idle(self):
        """Every entry added so far has run; only finish() is left."""
        return self.stage == IDLE

    def add(self, entry):
        """An entry the page queued before load: parsed and sorted into its pass."""
        item = parse(entry, SIGNATURES, OPTIONAL)
        step = pass_of(item, PASSES)
        if step == CONFIG:
            self.config.append(item)
        elif step == PRIORITY:
            self.priority.append(item)
        else:
            self.rest.append(item)

    def add_late(self, entry):
        """An entry the page pushed while the load was running: behind everything."""
        self.rest.append(parse(entry, SIGNATURES, OPTIONAL))
        if self.stage == IDLE:
            self.stage = REST_PASS
            self.index = 0

    def step(self, env, over):
        """Run queued work until `over()` is true (checked after each unit); effects."""
        effects = []
        tracker = self.tracker
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
                    tracker.run(item, env, effects)
                    spent = over()
                self.index = index
                self._settle()
                if self.stage == IDLE or spent:
                    return effects
            elif stage == SET_UP:
                tracker.load_set_up(self.cookie_header_text, self.privacy_entries, env, effects)
                self.privacy_entries = None
                self.stage = PRIORITY_PASS
                self._settle()
                if self.stage == IDLE or over():
                    return effects
            elif stage == AUTO_VIEW:
                tracker.load_auto_view(AUTO_PAGE_VIEW, env, effects)
                self.stage = REST_PASS
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


def never():
    return False
