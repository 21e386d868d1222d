"""One page visit: open the page in a fresh context, let it settle, and read what it
did; then, on a single-page app, the route changes its links make (journeys.py). Facts
only; checks.py judges them.

Rule 1: nothing raises out of a visit: an unreachable host, a redirect loop, a timeout,
        a download, a page stuck in a script are facts of the page (`failure`),
        reported like any problem.
Rule 2: the beacons come from the shim's own record (window.hsqShim.beacons), which
        lists every beacon it sent, even the second of two identical image requests
        that the browser fetched once; the captured requests are the fallback.
"""

import asyncio
import re
from urllib.parse import urldefrag

from shim.audit import journeys
from shim.audit.browser import PageBusy, bounded, close, evaluate, open_page

READY_TIMEOUT_S = 10                        # the shim's start after load (a slow machine)
POLL_S = 0.05

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
# Ready: the shim has run its queue (or HubSpot's own script has, served with --shim-js
# to compare what it sends).
SHIM_READY_JS = ("() => !!(window.hsqShim && window.hsqShim.ready === true) "
                 "|| window._hstc_ran === true")


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
        self.routes = []                    # journeys.RouteFacts: the route changes, in order
        self.body = ""                      # the HTML, to show the line an error points at
        self.seconds = 0.0


NET_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")
STACK_FRAME = re.compile(r"(https?://[^\s()]+?):(\d+):(\d+)")


async def visit(browser, url, depth, options, requested=False, routes=None):
    """The facts of one page; `routes` (the crawl's journeys.RouteBudget) lets the visit
    follow the page's route changes too, as long as the budget allows."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    facts = PageFacts(url, depth, requested)
    context = None
    errors = []                             # uncaught errors, in order (the journey's too)
    try:
        context, tracking, page = await open_page(browser, options)
        page.on("pageerror", lambda error: errors.append(error))
        page_errors = None                  # the load's, then the journey's unclaimed
        try:
            await _load(page, tracking, facts, options)
            page_errors = list(errors)
            if facts.failure is None and routes is not None and options.spa_links \
                    and routes.follows(facts):
                page_errors += await journeys.follow(page, tracking, facts, options, routes,
                                                     errors, lambda e: _error_facts(e, facts))
        except PageBusy:
            facts.failure = ("page-busy", "the page stopped answering for over %g s after "
                             "it loaded: a script keeps it busy" % options.timeout)
        facts.errors = [_error_facts(error, facts)
                        for error in (errors if page_errors is None else page_errors)]
    except Exception as error:              # the browser went away, a context refused...
        if facts.failure is None:
            facts.failure = ("page-failed", _short(error))
    finally:
        if context is not None:
            await close(context)
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
    headers = await bounded(response.all_headers(), options.timeout)
    facts.content_type = headers.get("content-type", "")
    if facts.status >= 400:
        facts.failure = ("http-error", "the server answered HTTP %d" % facts.status)
        return
    if "html" not in facts.content_type.lower():
        facts.failure = ("not-html", "the URL is not a web page (content type %s)"
                         % (facts.content_type or "unknown"))
        return
    try:
        facts.body = await bounded(response.text(), options.timeout)
    except PageBusy:
        raise
    except Exception:
        facts.body = ""
    read = None
    for _document in range(3):              # a script or meta refresh may load another page
        await _settle(page, tracking, options)
        read = await evaluate(page, READ_PAGE_JS, options.timeout)
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
                     for c in await bounded(page.context.cookies(), options.timeout)]


async def _settle(page, tracking, options):
    """The shim runs at the load event, in short tasks: wait for it to be ready, then for
    late beacons (a router's view after it mounts); without HubSpot's script, wait as
    long for a tag manager to inject it."""
    loop = asyncio.get_running_loop()
    loaded = loop.time()
    while True:
        waited = loop.time() - loaded
        if tracking.scripts or waited < options.settle:
            if await evaluate(page, SHIM_READY_JS, options.timeout):
                await asyncio.sleep(options.settle)
                return
        if waited >= READY_TIMEOUT_S or (not tracking.scripts and waited >= options.settle):
            return
        await asyncio.sleep(POLL_S)



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
