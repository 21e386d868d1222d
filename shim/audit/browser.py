"""The browser session: which Chromium, a fresh context per page with HubSpot's URLs
answered by the shim, and calls into a page that cannot hang the audit.

Rule 1: HubSpot's URLs are answered exactly as the pytest plugin answers them
        (AsyncHubSpotTracking, duplicate guard off): nothing is sent to HubSpot and the
        shim counts what HubSpot would count.
Rule 2: every call that needs the page's main thread is bounded (`bounded`): a page
        stuck in a script raises PageBusy instead of stalling the audit.
"""

import asyncio
import os
import shutil

from shim.testing import chromium
from shim.testing.assertions import AsyncHubSpotTracking

SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = chromium.FLAGS             # as the tests launch it, without their host mapping
CLOSE_TIMEOUT_S = 10

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


def policy_script(policy):
    """Give HubSpot's embed tags the portal's consent policy before the shim reads them
    (HubSpot's own script learns it from HubSpot's servers; the shim from the tag)."""
    return ("(() => { const policy = %r;\n"
            "  const mark = (n) => { if (n && n.tagName === 'SCRIPT' && !n.hasAttribute('data-consent-policy')\n"
            "      && /hs-scripts\\.com|hs-analytics\\.net|hsq-shim/.test(n.src || '')) n.setAttribute('data-consent-policy', policy); };\n"
            "  new MutationObserver(rs => { for (const r of rs) for (const n of r.addedNodes) mark(n); })\n"
            "    .observe(document, {childList: true, subtree: true});\n"
            "})();" % policy)


async def open_page(browser, options):
    """A new context (no cookie or consent from another page) and its page, with HubSpot's
    URLs answered by the shim; (context, tracking, page)."""
    context = await browser.new_context(user_agent=options.user_agent,
                                        ignore_https_errors=options.insecure)
    try:
        tracking = AsyncHubSpotTracking(shim_js=options.shim_js)
        await tracking.attach(context)
        if options.consent_policy:
            await context.add_init_script(script=policy_script(options.consent_policy))
        page = await context.new_page()
    except BaseException:
        await close(context)
        raise
    return context, tracking, page


async def close(context):
    try:
        await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)
    except Exception:
        pass


class PageBusy(Exception):
    """The page did not answer an evaluate in time: a script keeps its main thread busy."""


async def bounded(awaitable, timeout_s):
    """Any call that needs the page's renderer (even a response body) waits for its main
    thread: bounded, so a page stuck in a script cannot stall the audit."""
    try:
        return await asyncio.wait_for(awaitable, timeout_s)
    except asyncio.TimeoutError:
        raise PageBusy() from None


async def evaluate(page, script, timeout_s, arg=None):
    """The script's result; None when the page is gone or navigating."""
    try:
        return await bounded(page.evaluate(script, arg), timeout_s)
    except PageBusy:
        raise
    except Exception:
        return None
