"""Helpers for end-to-end tests. Beacons are captured and decoded by the project's own
pytest plugin (shim.testing: HubSpotTracking, Beacon): the e2e suite is its first user."""

from shim.testing.assertions import HubSpotTracking


def capture(page):
    """The plugin attached to `page`: every beacon answered with a 1x1 GIF and decoded
    (`.beacons`, `.wait_for_sent()`, `.expect_*`). The shim's duplicate guard stays as the
    page sets it (the plugin would turn it off to count like HubSpot)."""
    tracking = HubSpotTracking(duplicate_guard=True)
    tracking.attach(page)
    page._hsq_tracking = tracking
    return tracking


def wait_until_ready(page, timeout_ms=10000):
    """The shim has processed the pre-load queue (hsqShim.ready), and the beacons it sent
    meanwhile have been captured (when the page has a capture).

    Polls with page.evaluate, not wait_for_function: the latter needs eval, which a
    page under script-src 'self' forbids."""
    for _ in range(timeout_ms // 50):
        if page.evaluate("() => !!(window.hsqShim && window.hsqShim.ready === true)"):
            tracking = getattr(page, "_hsq_tracking", None)
            if tracking is not None:
                tracking.wait_for_sent()
            return
        page.wait_for_timeout(50)
    raise AssertionError("hsq-shim did not become ready within %d ms" % timeout_ms)


def errors_of(page):
    """Collect uncaught page errors and console errors from now on."""
    errors = []
    page.on("pageerror", lambda error: errors.append("pageerror: %s" % error))
    page.on("console", lambda msg: msg.type == "error" and errors.append("console: %s" % msg.text))
    return errors
