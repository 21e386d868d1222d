"""The browser adapter: the only module that touches `browser` and `javascript`.

It reads the page's facts into plain values, hands them to the core (shim.core.tracker),
carries out the effects the core returns, and gives the page's own `_hsq` Array its
own `push`. No tracking decision lives here.

Rule 1: every function the page can reach catches everything: the shim never throws
        into the page.
Rule 2: JS values are converted once, at the boundary (`to_py`), into str/int/float/
        bool/None/list/dict/PageFunction; the core never sees a JS proxy.
Rule 3: Python None never reaches JS (it would be a truthy object there): results go
        out as javascript.UNDEFINED.
"""

import javascript
from browser import document, window

from shim import __version__
from shim.core.commands import STATE_ONLY, PageFunction, Unreadable
from shim.core.config import ATTRIBUTES, SWITCHES, is_tracking_src, read_config
from shim.core.cookies import parse_cookies
from shim.core.effects import (BindClick, CallListener, CallPageFunction, Log, SendBeacon,
                               SetCookie, SetUserToken, Skip)
from shim.core.page import ClientInfo, PageEnv, url_has_debug_hash
from shim.core.tracker import Tracker

UNDEFINED = javascript.UNDEFINED
NULL = javascript.NULL
RECORD_LIMIT = 500                          # read-back record: newest 500 items (D10)
MAX_DEPTH = 6                               # deeper JS values arrive as None
MAX_ITEMS = 200                             # longer arrays / objects are cut
MAX_VALUES = 256                            # values read per entry: a cyclic object ends

# Never read a *method* off a shared prototype (window.Object.prototype.toString):
# Brython caches bound JS methods in a map stored on the object it read them from, and
# a map on a prototype is shared by every object, so later calls like `array.push`
# would run on the first array ever used. Reading it off a private object is safe.
_to_string = window.Object.new().toString
# Read once: each JS attribute read costs microseconds under Brython (hot path: push).
_is_array = window.Array.isArray
_object_keys = window.Object.keys
_reflect_get = window.Reflect.get
_native_encode = window.encodeURIComponent
_is_extensible = window.Object.isExtensible
_now = window.Date.now
SLICE_MS = 10                               # a load slice's budget: tasks stay well under 50 ms


# -- JS -> Python ---------------------------------------------------------------

def to_py(value, depth=0, budget=None):
    """A JS value as plain Python. `budget` ([n]) bounds the values read per entry, so a
    wide cyclic object costs at most MAX_VALUES reads instead of width ** depth."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool:
        return value
    if value is None or value is NULL or value is UNDEFINED or depth > MAX_DEPTH:
        return None
    if budget is None:
        budget = [MAX_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if _is_array(value):                  # the common case first: one JS call
        n = value.length
        if n > MAX_ITEMS:
            n = MAX_ITEMS
        return [to_py(value[i], depth + 1, budget) for i in range(n)]
    tag = _to_string.call(value)
    if tag == "[object Function]" or tag == "[object AsyncFunction]":
        return PageFunction(value)
    # Any other object: its own enumerable keys (a hostile prototype adds nothing).
    keys = _object_keys(value)
    if len(keys) == 1 and keys[0] == "$hsq_unreadable":
        # The runtime's stand-in for a value whose conversion threw (buildtools/runtime.py).
        return Unreadable(str(_reflect_get(value, keys[0]))[:200])
    n = len(keys)
    if n > MAX_ITEMS:
        n = MAX_ITEMS
    out = {}
    for i in range(n):
        key = keys[i]
        # Brython keeps str dict keys in a JS object, where "__proto__" would set the
        # dict's prototype instead of a key: drop it (it means nothing to HubSpot).
        if key != "__proto__":
            out[key] = to_py(_reflect_get(value, key), depth + 1, budget)
    return out


def read_entry(value):
    """to_py for one queue entry; an entry whose getters or Proxy traps throw becomes
    Unreadable (the core records it) instead of stopping the entries after it."""
    try:
        return to_py(value)
    except Exception as error:
        return Unreadable(str(error)[:200])


def to_js(value):
    return UNDEFINED if value is None else value


def encode(text):
    # The native encoder throws URIError on lone surrogates; the core's twin does not.
    try:
        return _native_encode(text)
    except Exception:
        from shim.core.codec import encode_component
        return encode_component(text)


def rand32():
    return window.crypto.getRandomValues(window.Uint32Array.new(1))[0]


def math_rand32():
    return window.Math.floor(window.Math.random() * 4294967296)


def random_source():
    """(rand32, None), or (a Math.random source, why) where crypto.getRandomValues is
    missing or throws: the visitor still gets a token, and the record says why."""
    try:
        rand32()
        return rand32, None
    except Exception as error:
        return math_rand32, ("unavailable (" + str(error)[:100]
                             + "): visitor tokens come from Math.random")


def read_cookies():
    """document.cookie, or '' where reading it throws (a sandboxed frame: SecurityError)."""
    try:
        return document.cookie
    except Exception:
        return ""


def cookie_problem():
    """Why document.cookie cannot be used, or None."""
    try:
        document.cookie
        return None
    except Exception as error:
        return ("unavailable (" + str(error)[:100]
                + "): no cookie is read or written, beacons are still sent")


# -- page facts -----------------------------------------------------------------

def own_script():
    """The shim's <script> element: the current script, or the last one that looks
    like ours (the boot may run after currentScript is gone)."""
    current = document.currentScript
    if current is not NULL and current is not UNDEFINED and current is not None:
        return current
    scripts = document.querySelectorAll("script[src]")
    for i in range(scripts.length - 1, -1, -1):
        script = scripts[i]
        if script.hasAttribute("data-portal-id") or is_tracking_src(script.src):
            return script
    return None


def attribute(script, name):
    if script is None or not script.hasAttribute(name):
        return None
    return script.getAttribute(name)


def script_attributes(script):
    """The script's configuration attributes as strings (None when absent)."""
    values = {}
    for i in range(len(ATTRIBUTES)):
        values[ATTRIBUTES[i]] = attribute(script, ATTRIBUTES[i])
    return values


def config_overrides():
    """window.hsqShimConfig's switches (config.SWITCHES), as Python values."""
    overrides = {}
    config = getattr(window, "hsqShimConfig", None)
    if config is None or config is UNDEFINED or config is NULL:
        return overrides
    keys = list(SWITCHES.keys())
    for i in range(len(keys)):
        value = getattr(config, keys[i], None)
        if value is True or value is False:
            overrides[keys[i]] = value
    return overrides


def read_referrer():
    try:
        return window.top.document.referrer or document.referrer
    except Exception:                       # cross-origin top frame
        return document.referrer


def read_canonical():
    link = document.querySelector('link[rel="canonical"]')
    if link is NULL or link is None:
        return ""
    return link.href or ""


def page_env(canonical):
    return PageEnv(window.location.href, document.title or "", read_referrer() or "",
                   int(window.Date.now()), canonical)


def client_info():
    screen = window.screen
    return ClientInfo(str(screen.width) + "x" + str(screen.height),
                      str(screen.colorDepth) + "-bit", document.characterSet or "",
                      (window.navigator.language or "").lower())


def gpc_signal():
    """navigator.globalPrivacyControl, overridden by ?_hsGpcSignal=true|false (HubSpot's
    test hook)."""
    search = window.location.search or ""
    if "_hsGpcSignal=true" in search:
        return True
    if "_hsGpcSignal=false" in search:
        return False
    return getattr(window.navigator, "globalPrivacyControl", None) is True


def page_user_token():
    """window.__hsUserToken as the page has set it (None when unset); the tracker asks at
    load, when HubSpot's tracker reads it."""
    try:
        return to_py(_reflect_get(window, "__hsUserToken"))
    except Exception:
        return None


def debug_cookie_set():
    return ("; " + read_cookies()).find("; hs_dbg=1") >= 0


# -- effects --------------------------------------------------------------------

class EffectRunner:
    """Carries out the core's effects and keeps the read-back record (D10)."""

    def __init__(self, record):
        self.record = record
        self.runners = {SendBeacon: self.send_beacon, SetCookie: self.set_cookie,
                        Skip: self.skip, Log: self.log,
                        CallPageFunction: self.call_page_function,
                        CallListener: self.call_listener, BindClick: self.bind_click,
                        SetUserToken: self.set_user_token}
        self.bound = window.WeakMap.new()   # element -> JS array of bound selectors
        self.push = None                    # set by Starter: runs one entry like _hsq.push
        self.tracker = None                 # set by install: its debug switch
        self.cookies = True                 # False where document.cookie throws

    def run(self, effects):
        for i in range(len(effects)):
            effect = effects[i]
            try:
                self.runners[type(effect)](effect)
            except Exception as error:
                self.note_error("effect " + type(effect).__name__, error)

    def send_beacon(self, effect):
        # The same GET of the same URL as HubSpot's 1x1 image, as a keep-alive request:
        # it outlives the page when the visitor navigates away right after the push
        # (D6.3). If it fails (no fetch, keep-alive quota, network), one image request is
        # the fallback; there is no other retry.
        url = effect.url
        try:
            window.fetch(url, KEEPALIVE).catch(ImageFallback(url).send)
        except Exception:
            send_image(url)
        item = window.Object.new()
        item.url = effect.url
        item.time = window.Date.now()
        params = window.Object.new()
        fields = effect.fields
        for i in range(len(fields)):
            window.Reflect.set(params, fields[i][0], fields[i][1])
        item.params = params
        self.keep(self.record.beacons, item)

    def set_cookie(self, effect):
        if not self.cookies:
            return                          # recorded once, at start (cookie_problem)
        document.cookie = effect.header
        if effect.fallback is not None:
            # The browser may refuse the Domain (a public suffix, a mismatch): read it back
            # and fall back to a host-only cookie, as HubSpot does.
            cookies = parse_cookies(read_cookies())
            stored = cookies[effect.name] if effect.name in cookies else None
            if stored != effect.value and effect.value:
                document.cookie = effect.fallback

    def set_user_token(self, effect):
        window.Reflect.set(window, "__hsUserToken", effect.token)

    def skip(self, effect):
        if effect.kind == "duplicate":
            self.record.duplicates = self.record.duplicates + 1
        item = window.Object.new()
        item.entry = effect.entry
        item.reason = effect.reason
        item.time = window.Date.now()
        self.keep(self.record.ignored, item)

    def log(self, effect):
        window.console.log("[hsq-shim] " + effect.message)

    def call_page_function(self, effect):
        try:
            # HubSpot passes its tracker object; the shim's stand-in is `_hsq` itself,
            # whose push reaches every command.
            effect.function(window._hsq, effect.hstc)
        except Exception as error:
            self.note_error("function entry", error)

    def call_listener(self, effect):
        try:
            args = effect.args
            if len(args) == 1:
                effect.function(args[0])
            elif len(args) == 3:
                effect.function(args[0], args[1], args[2])
            else:
                effect.function(*args)
        except Exception as error:
            self.note_error(effect.label + " listener", error)

    def bind_click(self, effect):
        """trackClick: bind mousedown once per element and selector (refreshPageHandlers
        runs this again for elements added since)."""
        if effect.url is not None and not same_page(effect.url, window.location.href):
            return
        try:
            elements = document.querySelectorAll(effect.selector)
        except Exception:
            self.skip(Skip("trackClick", "invalid CSS selector " + repr(effect.selector)))
            return
        for i in range(elements.length):
            element = elements[i]
            done = self.bound.get(element)
            if done is UNDEFINED or done is None:
                done = window.Array.new()
                self.bound.set(element, done)
            if done.includes(effect.selector):
                continue
            done.push(effect.selector)
            element.addEventListener("mousedown", ClickHandler(self, effect.entry).handle)

    def keep(self, array, item):
        array.push(item)
        if array.length > RECORD_LIMIT:
            array.shift()

    def note_error(self, where, error):
        self.degrade(where, "error: " + str(error))

    def degrade(self, where, reason):
        """Record what the shim could not do, and log it in debug mode."""
        self.skip(Skip(where, reason))
        if self.tracker is not None and self.tracker.debug:
            self.log(Log("ignored " + where + ": " + reason))


KEEPALIVE = {"keepalive": True, "mode": "no-cors", "credentials": "include", "method": "GET"}


def send_image(url):
    image = window.Image.new(1, 1)
    image.src = url


class ImageFallback:
    def __init__(self, url):
        self.url = url

    def send(self, error=None):
        try:
            send_image(self.url)
        except Exception:
            pass


class ClickHandler:
    def __init__(self, runner, entry):
        self.runner = runner
        self.entry = entry

    def handle(self, event=None):
        try:
            self.runner.push(self.entry)
        except Exception as error:
            self.runner.note_error("click", error)


def same_page(wanted, href):
    """HubSpot's urlMatches, loosely: same URL up to the fragment and a trailing slash."""
    a = wanted.split("#")[0].rstrip("/").lower()
    b = href.split("#")[0].rstrip("/").lower()
    return a == b


def make_record():
    record = window.Object.new()
    record.version = __version__
    record.beacons = window.Array.new()
    record.ignored = window.Array.new()
    record.ready = False
    record.duplicates = 0                   # page views the duplicate guard dropped
    return record


# -- install --------------------------------------------------------------------

def page_queue(name):
    """The page's queue Array, created if missing, replaced if not an Array (Q9)."""
    queue = getattr(window, name, None)
    if queue is None or queue is NULL or queue is UNDEFINED or not window.Array.isArray(queue):
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
                      tracking_host=config.tracking_host, user_token=page_user_token)
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
            self.load = self.tracker.begin_load(read_cookies(), privacy_entries)
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
            while True:
                if self.taken < queue.length:
                    entry = read_entry(queue[self.taken])
                    if self.taken < self.preload:
                        load.add(entry)
                    else:
                        load.add_late(entry)
                    self.taken += 1
                elif not load.idle():
                    self.env = page_env(self.canonical)
                    self.runner.run(load.step(self.env, over))
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
            while self.taken < queue.length:
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
            if not entries:
                return UNDEFINED
            for i in range(1, len(entries)):
                self.runner.run([Skip("push argument " + str(i + 1),
                                         "push runs only its first argument, as HubSpot's does")])
            return to_js(self.run_one(read_entry(entries[0])))
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
        if type(entry) is list and entry and type(entry[0]) is str and entry[0] in STATE_ONLY:
            env = self.env                  # not read by these commands (commands.STATE_ONLY)
        else:
            env = self.env = page_env(self.canonical)
        result, effects = self.tracker.push(entry, env)
        self.runner.run(effects)
        return result


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


class LinkDecorator:
    """enableAutomaticLinker in the page: just before a link is followed, its <a> gets the
    URL the core gives (Tracker.link: the visitor carried to another cookie domain).

    Listens on the document in the capture phase, so links added at any time count and a
    page handler that stops the event cannot hide it: mousedown (also the middle button
    and the context menu's "open in new tab"), Enter, touchstart, and click (activations
    that skip the others: assistive technology, element.click()). Nothing is created; an
    error is recorded, never thrown. Before enableAutomaticLinker each event costs one
    attribute read."""

    EVENTS = ("mousedown", "keydown", "touchstart", "click")
    MAX_DEPTH = 64                          # ancestors searched for the <a>

    def __init__(self, tracker, runner):
        self.tracker = tracker
        self.runner = runner

    def install(self):
        try:
            # Capture phase. Browsers already treat a touchstart listener on the document
            # as passive: it never delays scrolling.
            for i in range(len(self.EVENTS)):
                document.addEventListener(self.EVENTS[i], self.handle, True)
        except Exception as error:
            self.runner.note_error("enableAutomaticLinker", error)

    def handle(self, event=None):
        try:
            if not self.tracker.automatic_linker or event is None:
                return
            # Fields through Reflect.get: Brython's own event and element wrappers (DOMEvent
            # attributes, DOMNode.closest) are not part of the trimmed runtime.
            if _reflect_get(event, "type") == "keydown" and _reflect_get(event, "key") != "Enter":
                return
            link = _reflect_get(event, "target")
            depth = 0
            while _reflect_get(link, "localName") != "a":   # the <a> around the target
                link = _reflect_get(link, "parentElement")
                depth += 1
                if link is None or link is NULL or link is UNDEFINED or depth > self.MAX_DEPTH:
                    return
            href = _reflect_get(link, "href")
            if type(href) is not str or not href:             # no href; an SVG <a>
                return
            url = self.tracker.link(href, window.location.href)
            if url is not None and url != href:
                window.Reflect.set(link, "href", url)
        except Exception as error:
            self.runner.note_error("enableAutomaticLinker", error)
