"""Start-up and the page's queues: install, the load in slices, the pushes after it.

Rule 1: processing runs once per window (D3): a second copy of the file, or a second
        install, finds window.hsqShim and stops.
Rule 2: the load reads each queued entry once and runs in slices of SLICE_MS on new tasks
        (TaskHop), in HubSpot's order (shim.core.loading); the page's pushes meanwhile stay
        in its Array, behind the queue. `_hsq.push` becomes ours only when the Array is
        empty (Starter.finish); where the page froze its Array, a new one takes its place.
        Only the page code a load step calls (a pushed function, a listener) pushes at
        once, as HubSpot's processing does (slice).
Rule 3: a push reads the page (page_env) only for commands that need it: the state-only
        rows of shim.core.commands reuse the last facts read.
"""

from browser import document, window

from shim.adapter.effects import EffectRunner, make_record
from shim.adapter.links import LinkDecorator
from shim.adapter.page import (client_info, config_overrides, cookie_problem, debug_cookie_set,
                               decode_param, encode, gpc_signal, own_script, page_env, page_user_token,
                               random_source, read_canonical, read_cookies, script_attributes)
from shim.adapter.values import NULL, UNDEFINED, call_page, read_entry, to_js
from shim.core.commands import STATE_ONLY
from shim.core.config import read_config
from shim.core.effects import Skip
from shim.core.page import url_has_debug_hash
from shim.core.tracker import Tracker

_is_array = window.Array.isArray
_is_extensible = window.Object.isExtensible
_delete_property = window.Reflect.deleteProperty
_now = window.Date.now
SLICE_MS = 10                               # a load slice's budget: tasks stay well under 50 ms
CLOCK_EVERY = 8                             # entries read between two looks at the clock (a JS
                                            # call); 8 of the costliest entries take a few ms


def page_queue(name):
    """The page's queue Array, created if missing, replaced if not an Array (Q9)."""
    queue = getattr(window, name, None)
    if queue is None or queue is NULL or queue is UNDEFINED or not _is_array(queue):
        queue = window.Array.new()
        setattr(window, name, queue)
    return queue


def install():
    existing = getattr(window, "hsqShim", None)
    if existing is not None and existing is not UNDEFINED and existing is not NULL:
        return                              # processing runs once per window (D3)
    record = make_record()
    window.hsqShim = record
    page_queue("_hsq")
    page_queue("_hsp")
    script = own_script()
    config = read_config(script.src if script is not None else None, script_attributes(script),
                         window.location.origin, config_overrides())
    runner = EffectRunner(record)
    random, random_problem = random_source()
    tracker = Tracker(random, portal_id=config.portal_id, collector=config.collector,
                      client=client_info(),
                      debug=url_has_debug_hash(window.location.href) or debug_cookie_set(),
                      encode=encode, cookie_domains=config.cookie_domains, policy=config.policy,
                      gpc=config.honor_gpc and gpc_signal(),
                      duplicate_guard=config.duplicate_guard,
                      tracking_host=config.tracking_host, user_token=page_user_token,
                      decode=decode_param, call=call_page)
    runner.tracker = tracker
    if random_problem is not None:
        runner.degrade("crypto.getRandomValues", random_problem)
    problem = cookie_problem()
    if problem is not None:
        runner.cookies = False
        runner.degrade("document.cookie", problem)
    starter = Starter(tracker, runner, record)
    starter.track_history = config.track_history
    runner.push = starter.run_one
    LinkDecorator(tracker, runner).install()
    if document.readyState == "complete" or document.readyState == "loaded":
        # In a task of its own: the runtime's start-up and the first beacon stay short.
        window.setTimeout(starter.on_load, 0)
    else:
        window.addEventListener("load", starter.on_load)


class Starter:
    def __init__(self, tracker, runner, record):
        self.tracker = tracker
        self.runner = runner
        self.record = record
        self.canonical = ""
        self.env = None                     # the last PageEnv read
        self.started = False
        self.track_history = False
        self.queue = None                   # the page's _hsq and _hsp Arrays
        self.privacy = None
        self.preload = 0                    # how many _hsq entries were queued before load
        self.taken = 0
        self.load = None                    # the core's Load while it runs (loading.py)
        self.hop = None

    def on_load(self, event=None):
        self.start()

    def start(self):
        """Begin the load; its slices run in this task and the next ones (slice)."""
        if self.started:
            return
        self.started = True
        try:
            self.queue = page_queue("_hsq")
            self.privacy = page_queue("_hsp")
            self.preload = self.queue.length
            self.taken = 0                  # entries of the page's _hsq read so far
            privacy_entries = drain(self.privacy)
            self.canonical = read_canonical()
            # How many entries the page had queued when the shim's file executed (the bundle
            # counts them first thing, build.py): HubSpot's prelude goes in there.
            mark = getattr(window, "__hsqShimQueued", None)
            _delete_property(window, "__hsqShimQueued")
            if type(mark) is not int or mark > self.preload:
                mark = self.preload
            self.load = self.tracker.begin_load(read_cookies(), privacy_entries, mark)
            self.hop = TaskHop(self.slice)
        except Exception as error:
            self.runner.note_error("start", error)
            self.finish()
            return
        self.slice()

    def slice(self):
        """One slice of the load: read queued entries (each once), run them in HubSpot's
        order (shim.core.loading), until SLICE_MS are spent; then hop to a new task. The
        page's pushes meanwhile land in its Array, behind what is queued, and are read as
        late entries; `_hsq.push` becomes ours only when the Array is empty (finish)."""
        try:
            over = Deadline(_now() + SLICE_MS).over
            queue = self.queue
            load = self.load
            preload = self.preload
            while True:
                taken = self.taken
                if taken < len(queue):
                    # What the page queued so far, in order, in one loop of locals
                    # (per-entry cost at load, #18); the deadline still ends it. The
                    # length is read each time: an entry's getter may change the Array.
                    spent = False
                    while taken < len(queue) and not spent:
                        entry = read_entry(queue[taken])
                        if taken < preload:
                            load.add(entry)
                        else:
                            load.add_late(entry)
                        taken += 1
                        if taken % CLOCK_EVERY == 0:
                            spent = over()
                    self.taken = taken
                    if spent:
                        self.hop.later()
                        return
                    continue
                elif not load.idle():
                    self.env = page_env(self.canonical)
                    waits = load.pushes_wait()
                    effects = load.step(self.env, over)
                    # The page code a step calls (a pushed function, a listener) gets a
                    # `_hsq.push` that runs at once, as HubSpot's does while it processes
                    # the queue; between steps, and from the consent listeners the set-up
                    # calls, the page's pushes queue up (Rule 2; loading.py, Rule 6).
                    if not waits:
                        try:
                            queue.push = self.push
                        except Exception:
                            pass            # frozen: its pushes throw, as they would anyway
                    self.runner.run(effects)
                    _delete_property(queue, "push")
                else:
                    break
                if over():
                    self.hop.later()
                    return
        except Exception as error:
            self.runner.note_error("start", error)
        self.finish()

    def finish(self):
        """The load is over: its last effects, then later pushes run at once."""
        try:
            if self.hop is not None:
                self.hop.close()
            if self.load is not None:
                self.runner.run(self.load.finish())
        except Exception as error:
            self.runner.note_error("start", error)
        queue = page_queue("_hsq")
        privacy = page_queue("_hsp")
        try:
            # Entries pushed by the listeners just called, still in the Array.
            while self.taken < len(queue):
                entry = read_entry(queue[self.taken])
                self.taken += 1
                self.run_one(entry)
        except Exception as error:
            self.runner.note_error("start", error)
        try:
            queue.length = 0
        except Exception:
            pass                            # frozen: own_queue replaces it
        # Whatever happened above, later pushes run at once from now on.
        queue = self.own_queue("_hsq", queue)
        queue.push = self.push
        try:
            late = drain(privacy)
            for i in range(len(late)):
                result, effects = self.tracker.push_privacy(late[i], page_env(self.canonical))
                self.runner.run(effects)
        except Exception as error:
            self.runner.note_error("start", error)
        privacy = self.own_queue("_hsp", privacy)
        privacy.push = self.push_privacy
        try:
            if self.track_history:
                HistoryWatcher(self).install()
        except Exception as error:
            self.runner.note_error("start", error)
        self.record.ready = True

    def own_queue(self, name, queue):
        """`queue`, or a new Array in its place where the page froze, sealed or locked it
        (the shim could neither empty it nor give it its own push)."""
        if _is_extensible(queue) and queue.length == 0:
            return queue
        fresh = window.Array.new()
        setattr(window, name, fresh)
        self.runner.degrade(name, "the page's " + name + " Array is frozen (or sealed): its"
                            " entries were run, and a new Array took its place")
        return fresh

    def push(self, *entries):
        """`_hsq.push` after load: runs its first argument at once, returns its result."""
        try:
            n = len(entries)
            if n == 0:
                return UNDEFINED
            if n > 1:                       # rare: skip building a range otherwise
                for i in range(1, n):
                    self.runner.run([Skip("push argument " + str(i + 1),
                                          "push runs only its first argument, as HubSpot's does")])
            result = self.run_one(read_entry(entries[0]))
            return UNDEFINED if result is None else result      # to_js, inline: hot path
        except Exception as error:
            self.runner.note_error("push", error)
            return UNDEFINED

    def push_privacy(self, *entries):
        """`_hsp.push` after start: runs its first argument; false for a bad entry."""
        try:
            if not entries:
                return UNDEFINED
            result, effects = self.tracker.push_privacy(read_entry(entries[0]),
                                                        page_env(self.canonical))
            self.runner.run(effects)
            return to_js(result)
        except Exception as error:
            self.runner.note_error("_hsp push", error)
            return UNDEFINED

    def run_one(self, entry):
        name = entry[0] if type(entry) is list and len(entry) > 0 else None
        if type(name) is str and name in STATE_ONLY:
            env = self.env                  # not read by these commands (commands.STATE_ONLY)
        else:
            env = self.env = page_env(self.canonical)
        done = self.tracker.push(entry, env)
        effects = done[1]
        if len(effects) > 0:
            self.runner.run(effects)
        return done[0]


class Deadline:
    def __init__(self, end):
        self.end = end

    def over(self):
        return _now() >= self.end


class TaskHop:
    """Runs `task` in a new main-thread task, as the runtime's start-up does (build.py): a
    MessageChannel message (not clamped or throttled like timers), else setTimeout."""

    def __init__(self, task):
        self.task = task
        self.channel = None
        try:
            channel = window.MessageChannel.new()
            channel.port1.onmessage = self.on_message
            self.channel = channel
        except Exception:
            self.channel = None

    def later(self):
        if self.channel is not None:
            self.channel.port2.postMessage(0)
        else:
            window.setTimeout(self.task, 0)

    def on_message(self, event=None):
        self.task()

    def close(self):
        channel = self.channel
        if channel is not None:
            self.channel = None
            channel.port1.onmessage = NULL
            channel.port1.close()
            channel.port2.close()


class HistoryWatcher:
    """data-track-history: a page view for each History API navigation, back/forward
    and hash-route change; the core decides which URL changes count (navigation.py)."""

    def __init__(self, starter):
        self.starter = starter
        self.pending = False

    def install(self):
        history = window.history
        self.original_push = history.pushState
        self.original_replace = history.replaceState
        history.pushState = self.push_state
        history.replaceState = self.replace_state
        window.addEventListener("popstate", self.changed)
        window.addEventListener("hashchange", self.changed)

    def push_state(self, *args):
        self.call(self.original_push, args)
        return UNDEFINED

    def replace_state(self, *args):
        self.call(self.original_replace, args)
        return UNDEFINED

    def call(self, original, args):
        try:
            if len(args) >= 3:
                original(args[0], args[1], args[2])
            else:
                original(args[0] if args else NULL, "")
        except Exception as error:
            # The page's own call failed, as it would without the shim: nothing changed,
            # so no page view. Recorded, then re-raised: the runtime hands the page the
            # very JS error it threw (buildtools/runtime.py).
            self.starter.runner.note_error("history", error)
            raise
        self.changed()

    def changed(self, event=None):
        # After the current task, so the router has set the new title.
        if not self.pending:
            self.pending = True
            window.setTimeout(self.track, 0)

    def track(self):
        self.pending = False
        try:
            starter = self.starter
            starter.runner.run(starter.tracker.navigated(page_env(starter.canonical)))
        except Exception as error:
            self.starter.runner.note_error("history", error)


def drain(queue):
    entries = [read_entry(queue[i]) for i in range(queue.length)]
    try:
        queue.length = 0
    except Exception:
        pass                                # frozen: Starter.own_queue replaces it
    return entries
