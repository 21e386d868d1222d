"""The crawl: open each page of a site in headless Chromium with the shim standing in for
HubSpot's script, and read what the page did. Facts only; checks.py judges them.

Rule 1: never another origin. Start URLs name the origins; a link elsewhere, or a page
        that redirects elsewhere, is not visited. robots.txt (for the user agent
        `hsq-shim`) rules the links found, not the URLs the user named.
Rule 2: breadth-first, at most `max_pages` visits, at most `concurrency` pages open at
        once, each in a fresh browser context: every page is audited as a first visit
        (no cookie or consent carried over from another page).
Rule 3: HubSpot's URLs are answered exactly as the pytest plugin answers them
        (AsyncHubSpotTracking, duplicate guard off): nothing is sent to HubSpot and the
        shim counts what HubSpot would count.
Rule 4: nothing raises out of a visit: an unreachable host, a redirect loop, a timeout,
        a download are facts of the page (`failure`), reported like any problem.
Rule 5: the beacons come from the shim's own record (window.hsqShim.beacons), which
        lists every beacon it sent, even the second of two identical image requests
        that the browser fetched once; the captured requests are the fallback.

Playwright is imported by the caller (shim.audit.run) and passed in, so importing this
module costs nothing.
"""

import asyncio
import os
import re
import shutil
import urllib.error
import urllib.request
import urllib.robotparser
from urllib.parse import urldefrag, urljoin, urlsplit

try:                                        # the layout after the testing package split
    from shim.testing import AsyncHubSpotTracking, find_shim_js
except ImportError:
    from shim.testing.assertions import AsyncHubSpotTracking, find_shim_js

from shim.testing import chromium

USER_AGENT = "hsq-shim"
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = chromium.FLAGS             # as the tests launch it, without their host mapping
READY_TIMEOUT_S = 10                        # the shim's start after load (a slow machine)
POLL_S = 0.05
CLOSE_TIMEOUT_S = 10
ROBOTS_TIMEOUT_S = 5
# Links to these are files, not pages: never opened by the crawl.
FILE_EXTENSIONS = frozenset(
    "pdf zip gz tgz bz2 xz 7z rar dmg exe msi pkg deb rpm apk iso jpg jpeg png gif webp svg "
    "ico bmp tif tiff avif mp3 mp4 m4a m4v mov avi webm ogg wav flac csv xls xlsx doc docx "
    "ppt pptx odt ods rtf txt json xml rss atom css js mjs map woff woff2 ttf otf eot".split())

# What the page did, read in one evaluate after the settle time.
READ_PAGE_JS = """() => {
  const shim = window.hsqShim;
  const text = (v) => (v === undefined || v === null) ? null : String(v);
  const tag = document.querySelector('script[data-consent-policy]');
  const queue = window._hsq;
  return {
    title: document.title,
    // The address this document was loaded from (pushState changes location, not this).
    document_url: text((performance.getEntriesByType('navigation')[0] || {}).name || location.href),
    shim: !!(shim && typeof shim === 'object' && shim.beacons),
    ready: !!(shim && shim.ready === true),
    version: shim ? text(shim.version) : null,
    beacons: (shim && shim.beacons) ? Array.from(shim.beacons, b => ({url: text(b.url), time: b.time})) : null,
    ignored: (shim && shim.ignored) ? Array.from(shim.ignored, i => ({entry: text(i.entry), reason: text(i.reason)})) : [],
    queued: (!shim && Array.isArray(queue)) ? Array.from(queue, e => Array.isArray(e) ? text(e[0]) : typeof e) : [],
    policy: tag ? tag.getAttribute('data-consent-policy') : null,
    embeds: Array.from(document.querySelectorAll('script[src]'), s => s.src)
      .filter(src => /hs-scripts[.]com|hs-analytics[.]net|hsq-shim/i.test(src)),
    links: Array.from(document.querySelectorAll('a[href], area[href]'), a => text(a.href)),
  };
}"""
SHIM_READY_JS = "() => !!(window.hsqShim && window.hsqShim.ready === true)"


def policy_script(policy):
    """Give HubSpot's embed tags the portal's consent policy before the shim reads them
    (HubSpot's own script learns it from HubSpot's servers; the shim from the tag)."""
    return ("(() => { const policy = %r;\n"
            "  const mark = (n) => { if (n && n.tagName === 'SCRIPT' && !n.hasAttribute('data-consent-policy')\n"
            "      && /hs-scripts\\.com|hs-analytics\\.net|hsq-shim/.test(n.src || '')) n.setAttribute('data-consent-policy', policy); };\n"
            "  new MutationObserver(rs => { for (const r of rs) for (const n of r.addedNodes) mark(n); })\n"
            "    .observe(document, {childList: true, subtree: true});\n"
            "})();" % policy)


# -- URLs ------------------------------------------------------------------------

def origin(url):
    parts = urlsplit(url)
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").lower()
    return "%s://%s%s" % (parts.scheme, host, "" if port in (None, default) else ":%d" % port)


def normalise(url, base=None):
    """An absolute http(s) URL without its fragment, or None."""
    try:
        url = urljoin(base, url) if base else url
        url = urldefrag(url.strip())[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if not parts.path:
        url = url.replace(parts.netloc, parts.netloc + "/", 1) if not parts.query else url
    return url


def looks_like_file(url):
    path = urlsplit(url).path
    name = path[path.rfind("/") + 1:]
    return "." in name and name[name.rfind(".") + 1:].lower() in FILE_EXTENSIONS


class Robots:
    """robots.txt per origin, fetched once; an unreachable or missing file allows all."""

    def __init__(self, enabled=True):
        self.enabled = enabled
        self._parsers = {}

    def allowed(self, url):
        if not self.enabled:
            return True
        key = origin(url)
        if key not in self._parsers:
            self._parsers[key] = self._fetch(key + "/robots.txt")
        parser = self._parsers[key]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    @staticmethod
    def _fetch(url):
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=ROBOTS_TIMEOUT_S) as response:
                body = response.read(512 * 1024).decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):    # as urllib.robotparser reads it: all closed
                parser = urllib.robotparser.RobotFileParser()
                parser.disallow_all = True
                return parser
            return None
        except Exception:                   # unreachable, timeout, bad TLS: no rules
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(body.splitlines())
        return parser


# -- the browser -----------------------------------------------------------------

def chromium_executable(playwright, requested=None):
    """--browser, else Playwright's own Chromium when installed, else the system's.
    None means Playwright's own; raises FileNotFoundError when there is none at all."""
    if requested:
        if not (os.path.isfile(requested) and os.access(requested, os.X_OK)):
            raise FileNotFoundError("--browser %s: no such executable" % requested)
        return requested
    try:
        own = playwright.chromium.executable_path
    except Exception:
        own = None
    if own and os.path.exists(own):
        return None
    for candidate in SYSTEM_CHROMIUMS + tuple(filter(None, [shutil.which("chromium")])):
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise FileNotFoundError("no Chromium found: run `playwright install chromium`, install "
                            "your system's chromium package, or pass --browser PATH")


# -- one page --------------------------------------------------------------------

class PageFacts:
    """What one visit saw. `failure` is (code, detail) when the page could not be audited."""

    def __init__(self, url, depth, requested=False):
        self.url = url
        self.depth = depth
        self.requested = requested          # named by the user (not found by the crawl)
        self.final_url = url
        self.status = None
        self.content_type = None
        self.failure = None
        self.title = None
        self.shim = False
        self.ready = False
        self.beacons = []                   # raw beacon URLs, in the order sent
        self.ignored = []                   # {entry, reason}
        self.queued = []                    # _hsq entries never processed (no script)
        self.scripts = []                   # HubSpot loader URLs answered with the shim
        self.embeds = []                    # HubSpot <script src> tags in the page
        self.policy = None
        self.cookies = []                   # {name, domain, path}
        self.errors = []                    # {message, stack, source}
        self.links = []
        self.body = ""                      # the HTML, to show the line an error points at
        self.seconds = 0.0


NET_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")
STACK_FRAME = re.compile(r"(https?://[^\s()]+?):(\d+):(\d+)")


async def visit(browser, url, depth, options, requested=False):
    loop = asyncio.get_running_loop()
    started = loop.time()
    facts = PageFacts(url, depth, requested)
    context = None
    try:
        context = await browser.new_context(user_agent=options.user_agent,
                                            ignore_https_errors=options.insecure)
        tracking = AsyncHubSpotTracking(shim_js=options.shim_js)
        await tracking.attach(context)
        if options.consent_policy:
            await context.add_init_script(script=policy_script(options.consent_policy))
        page = await context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(error))
        try:
            await _load(page, tracking, facts, options)
        except PageBusy:
            facts.failure = ("page-busy", "the page stopped answering for over %g s after "
                             "it loaded: a script keeps it busy" % options.timeout)
        facts.errors = [_error_facts(error, facts) for error in errors]
    except Exception as error:              # the browser went away, a context refused...
        if facts.failure is None:
            facts.failure = ("page-failed", _short(error))
    finally:
        if context is not None:
            try:
                await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
            except Exception:
                pass
    facts.seconds = loop.time() - started
    return facts


async def _load(page, tracking, facts, options):
    timeout_ms = options.timeout * 1000
    try:
        response = await page.goto(facts.url, wait_until="load", timeout=timeout_ms)
    except Exception as error:
        facts.failure = _goto_failure(error, options.timeout)
        return
    facts.final_url = page.url
    if response is None:                    # same-document navigation: nothing loaded
        facts.failure = ("unreachable", "the browser loaded nothing for this URL")
        return
    facts.status = response.status
    headers = await _bounded(response.all_headers(), options.timeout)
    facts.content_type = headers.get("content-type", "")
    if facts.status >= 400:
        facts.failure = ("http-error", "the server answered HTTP %d" % facts.status)
        return
    if "html" not in facts.content_type.lower():
        facts.failure = ("not-html", "the URL is not a web page (content type %s)"
                         % (facts.content_type or "unknown"))
        return
    try:
        facts.body = await _bounded(response.text(), options.timeout)
    except PageBusy:
        raise
    except Exception:
        facts.body = ""
    read = None
    for _document in range(3):              # a script or meta refresh may load another page
        await _settle(page, tracking, options)
        read = await _evaluate(page, READ_PAGE_JS, options.timeout)
        if read is not None:
            break
        try:
            await page.wait_for_load_state("load", timeout=timeout_ms)
        except Exception:
            break
    if read is None:
        facts.failure = ("page-failed", "the page could not be read: it kept navigating away "
                                        "or closed")
        return
    if read["document_url"] != facts.final_url:     # moved by script or meta refresh:
        facts.final_url, facts.body = read["document_url"], ""   # the HTML is another's
    facts.title = read["title"]
    facts.shim = read["shim"]
    facts.ready = read["ready"]
    facts.ignored = read["ignored"]
    facts.queued = read["queued"]
    facts.policy = read["policy"] or options.consent_policy
    facts.embeds = read["embeds"]
    facts.links = [link for link in read["links"] if link]
    if read["beacons"] is not None:
        facts.beacons = [b["url"] for b in read["beacons"] if b["url"]]
    else:
        facts.beacons = [b.url_raw for b in tracking.beacons]
    facts.scripts = list(tracking.scripts)
    facts.cookies = [{"name": c["name"], "domain": c["domain"], "path": c["path"]}
                     for c in await _bounded(page.context.cookies(), options.timeout)]


async def _settle(page, tracking, options):
    """The shim runs at the load event, in short tasks: wait for it to be ready, then for
    late beacons (a router's view after it mounts); without HubSpot's script, wait as
    long for a tag manager to inject it."""
    loop = asyncio.get_running_loop()
    loaded = loop.time()
    while True:
        waited = loop.time() - loaded
        if tracking.scripts or waited < options.settle:
            if await _evaluate(page, SHIM_READY_JS, options.timeout):
                await asyncio.sleep(options.settle)
                return
        if waited >= READY_TIMEOUT_S or (not tracking.scripts and waited >= options.settle):
            return
        await asyncio.sleep(POLL_S)


class PageBusy(Exception):
    """The page did not answer an evaluate in time: a script keeps its main thread busy."""


async def _bounded(awaitable, timeout_s):
    """Any call that needs the page's renderer (even a response body) waits for its main
    thread: bounded, so a page stuck in a script cannot stall the audit."""
    try:
        return await asyncio.wait_for(awaitable, timeout_s)
    except asyncio.TimeoutError:
        raise PageBusy() from None


async def _evaluate(page, script, timeout_s):
    """The script's result; None when the page is gone or navigating."""
    try:
        return await _bounded(page.evaluate(script), timeout_s)
    except PageBusy:
        raise
    except Exception:
        return None


def _goto_failure(error, timeout_s):
    text = str(error)
    net = NET_ERROR.search(text)
    if net:
        code = net.group(1)
        if code == "ERR_TOO_MANY_REDIRECTS":
            return ("redirect-loop", "the URL redirects in a loop (%s)" % code)
        if code == "ERR_ABORTED" and "Download is starting" not in text:
            return ("unreachable", "the browser aborted the navigation (%s)" % code)
        if code.startswith("ERR_CERT_") or code.startswith("ERR_SSL_"):
            return ("unreachable", "the site's TLS certificate was refused (%s; --insecure "
                                   "accepts it on a staging site)" % code)
        return ("unreachable", "the site could not be reached (%s)" % code)
    if "Download is starting" in text:
        return ("not-html", "the URL is a download, not a web page")
    if type(error).__name__ == "TimeoutError" or "Timeout" in text:
        return ("page-timeout", "the page did not finish loading within %g s" % timeout_s)
    return ("unreachable", _short(error))


def _short(error):
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__


def _error_facts(error, facts):
    """An uncaught error: its message, stack, and the statement of the page's HTML its top
    frame points at (inline scripts report lines and columns of the document)."""
    message = getattr(error, "message", None) or str(error)
    stack = getattr(error, "stack", None) or ""
    source = None
    page_url = urldefrag(facts.final_url)[0]
    frame = STACK_FRAME.search(stack)
    if frame and urldefrag(frame.group(1))[0] == page_url and facts.body:
        lines = facts.body.splitlines()
        number, column = int(frame.group(2)), int(frame.group(3))
        if 0 < number <= len(lines):
            source = statement_at(lines[number - 1], column - 1)
    return {"message": str(message)[:500], "stack": stack[:2000], "source": source}


def statement_at(line, index):
    """The statement around `index` in a line of HTML: from the previous `;`, `{`, `}` or
    tag end to the next `;` or tag start, so a line of several scripts is not one blob."""
    index = max(0, min(index, len(line)))
    start = max(line.rfind(mark, 0, index) for mark in (";", "{", "}", ">")) + 1
    ends = [i for i in (line.find(";", index), line.find("<", index)) if i >= 0]
    end = min(ends) + 1 if ends else len(line)
    if end > 0 and line[end - 1] == "<":
        end -= 1
    return line[start:end].strip()[:300]


# -- the crawl -------------------------------------------------------------------

class CrawlOptions:
    def __init__(self, max_pages=50, concurrency=2, timeout=15.0, settle=1.0,
                 consent_policy=None, shim_js=None, robots=True, insecure=False,
                 user_agent=None):
        self.max_pages = max_pages
        self.concurrency = concurrency
        self.timeout = timeout
        self.settle = settle
        self.consent_policy = consent_policy
        self.shim_js = shim_js or find_shim_js()
        self.robots = robots
        self.insecure = insecure
        self.user_agent = user_agent


class Crawl:
    """Breadth-first over the start URLs' origins. `pages` are PageFacts (in the order
    found, once run() returns); `skipped` lists the links not opened, and why."""

    def __init__(self, start_urls, options, on_page=None):
        self.options = options
        self.on_page = on_page or (lambda facts, crawl: None)
        self.robots = Robots(options.robots)
        self.origins = {origin(u) for u in start_urls}
        self.pages = []
        self.skipped = []
        self._seen = set()
        self._frontier = []                 # (url, depth, requested, source), as found
        self._running = 0
        self._order = {}                    # url -> discovery rank: the report's order
        for url in start_urls:
            self._enqueue(url, 0, requested=True)

    @property
    def total(self):
        """The pages this crawl will have visited when the frontier known now is done."""
        return min(self.options.max_pages, len(self.pages) + len(self._frontier) + self._running)

    def _enqueue(self, url, depth, requested=False, source=None):
        if url in self._seen:
            return
        self._seen.add(url)
        if not requested:
            why = None
            if origin(url) not in self.origins:
                return                      # another site: not ours to audit, not listed
            if looks_like_file(url):
                why = "a file, not a page"
            elif not self.robots.allowed(url):
                why = "disallowed by robots.txt"
            if why:
                self.skipped.append({"url": url, "reason": why, "linked_from": source})
                return
        self._order[url] = len(self._order)
        self._frontier.append((url, depth, requested, source))

    async def run(self, browser):
        # robots.txt of the start origins, off the event loop (a slow server blocks nothing).
        loop = asyncio.get_running_loop()
        for key in sorted(self.origins):
            await loop.run_in_executor(None, self.robots.allowed, key + "/")
        slots = asyncio.Semaphore(max(1, self.options.concurrency))
        visits = set()
        while self._frontier or visits:
            while self._frontier and len(self.pages) + self._running < self.options.max_pages:
                url, depth, requested, source = self._frontier.pop(0)
                self._running += 1
                visits.add(asyncio.ensure_future(
                    self._visit(browser, slots, url, depth, requested, source)))
            if not visits:
                break
            done, visits = await asyncio.wait(visits, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        for url, _depth, _requested, source in self._frontier:
            self.skipped.append({"url": url, "reason": "over --max-pages", "linked_from": source})
        self._frontier = []
        # Pages finish in any order; the report lists them breadth-first, as found.
        self.pages.sort(key=lambda facts: self._order[facts.url])

    async def _visit(self, browser, slots, url, depth, requested, source):
        async with slots:
            facts = await visit(browser, url, depth, self.options, requested)
        self._running -= 1
        if origin(facts.final_url) not in self.origins:
            if not requested:               # a link that leads off the site: not ours
                self.skipped.append({"url": url, "reason": "redirects to another site (%s)"
                                     % origin(facts.final_url), "linked_from": source})
                self.on_page(None, self)
                return
            self.origins.add(origin(facts.final_url))     # http -> https, -> www.
            await asyncio.get_running_loop().run_in_executor(
                None, self.robots.allowed, origin(facts.final_url) + "/")
        self.pages.append(facts)
        if facts.failure is None:
            for link in facts.links:
                target = normalise(link, facts.final_url)
                if target:
                    self._enqueue(target, depth + 1, source=facts.url)
        self.on_page(facts, self)
