"""Host tool: test a site's HubSpot tracking in Playwright, with the shim standing in.

`HubSpotTracking` (sync Playwright) and `AsyncHubSpotTracking` (async Playwright) attach
to a page or a browser context, answer HubSpot's URLs (shim.testing.routing), capture
and decode every beacon (shim.testing.beacons) and wait for expectations
(shim.testing.matching).

Rule 1: CPython host code, never shipped to the browser; it imports no Playwright (it
        only calls the page or context it is given), so importing it is cheap.
Rule 2: everything is written once, in `_TrackingCore`, as generators that yield what
        they need done: `Call(fn, ...)` (a Playwright call) or `Wait(ms)`
        (shim.testing.steps). The two classes only run them: `drive` calls, `adrive`
        awaits. Each public method of theirs is one line, `sync_method(...)` or
        `async_method(...)` of the shared generator.
Rule 3: expectations are partial: only the fields given are compared. A failure lists
        every beacon received, one per line.
Rule 4: `_TrackingCore` is made of three mixins, one noun each: BeaconCapture
        (capture.py: routing and the beacons), PageSetup (page_setup.py: the attached
        pages, cookies and init scripts) and Expectations (expectations.py: expect_*,
        wait_for_sent, the failure message). Mixins, not parts held in attributes:
        the public API is one flat object (`beacons`, `scripts`, `timeout` are read and
        set on it) and every step generator runs with that object as `self`, so each
        public method stays one line and no property or wrapper forwards to a part.
"""

import time

from shim.testing.capture import BeaconCapture
from shim.testing.expectations import DEFAULT_TIMEOUT_MS, Expectations
from shim.testing.page_setup import PageSetup
from shim.testing.steps import async_method, sync_method

# Re-exported: what the CLI, the audit and the tests import from here.
from shim.testing.beacons import BEACON_URL, EVENT_KINDS, Beacon  # noqa: F401
from shim.testing.expectations import DEFAULT_WINDOW_MS, POLL_MS  # noqa: F401
from shim.testing.matching import ANY  # noqa: F401
from shim.testing.routing import LOADER_URL, ROUTE_URL, find_shim_js  # noqa: F401
from shim.testing.steps import Call, Wait  # noqa: F401


class _TrackingCore(BeaconCapture, PageSetup, Expectations):
    """State, routing decisions, matching and every method's steps; no I/O."""

    def __init__(self, shim_js=None, default_url=None, timeout=DEFAULT_TIMEOUT_MS,
                 duplicate_guard=False):
        BeaconCapture.__init__(self, shim_js)
        PageSetup.__init__(self, default_url, duplicate_guard)
        self.timeout = timeout


# -- sync ------------------------------------------------------------------------

class HubSpotTracking(_TrackingCore):
    """HubSpot tracking capture for the sync Playwright API.

        tracking = HubSpotTracking(); tracking.attach(page)      # before page.goto
        page.goto("https://example.com/")
        tracking.expect_page_view(path="/", title="Home")
    """

    attach = sync_method(_TrackingCore._attach)
    set_consent = sync_method(_TrackingCore._set_consent)
    do_not_track = sync_method(_TrackingCore._do_not_track)
    global_privacy_control = sync_method(_TrackingCore._global_privacy_control)
    expect_beacon = sync_method(_TrackingCore._expect_beacon)
    expect_page_view = sync_method(_TrackingCore._expect_page_view)
    expect_identify = sync_method(_TrackingCore._expect_identify)
    expect_event = sync_method(_TrackingCore._expect_event)
    expect_page_views = sync_method(_TrackingCore._expect_page_views)
    expect_no_beacon = sync_method(_TrackingCore._expect_no_beacon)
    wait_for_sent = sync_method(_TrackingCore._wait_for_sent)
    _handle = sync_method(_TrackingCore._fulfil)

    def _sleep(self, ms):
        # Route handlers run only while Playwright has control: wait through a page.
        for page in self._open_pages():
            try:
                page.wait_for_timeout(ms)
                return
            except Exception:
                continue
        time.sleep(ms / 1000)


# -- async -----------------------------------------------------------------------

class AsyncHubSpotTracking(_TrackingCore):
    """The same for the async Playwright API: `await` attach, the helpers and expect_*.

        tracking = AsyncHubSpotTracking(); await tracking.attach(page)
        await page.goto("https://example.com/")
        await tracking.expect_page_view(path="/")
    """

    attach = async_method(_TrackingCore._attach)
    set_consent = async_method(_TrackingCore._set_consent)
    do_not_track = async_method(_TrackingCore._do_not_track)
    global_privacy_control = async_method(_TrackingCore._global_privacy_control)
    expect_beacon = async_method(_TrackingCore._expect_beacon)
    expect_page_view = async_method(_TrackingCore._expect_page_view)
    expect_identify = async_method(_TrackingCore._expect_identify)
    expect_event = async_method(_TrackingCore._expect_event)
    expect_page_views = async_method(_TrackingCore._expect_page_views)
    expect_no_beacon = async_method(_TrackingCore._expect_no_beacon)
    wait_for_sent = async_method(_TrackingCore._wait_for_sent)
    _handle = async_method(_TrackingCore._fulfil)
