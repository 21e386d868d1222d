"""Helpers for end-to-end tests: capture the shim's beacons without sending them."""

from shim.core.codec import decode_query, split_url

BEACON_PATTERN = "**/__pt*.gif*"
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b")


class Beacon:
    """One captured beacon: its URL, endpoint and decoded parameters (in order)."""

    def __init__(self, url):
        self.url = url
        base, query = split_url(url)
        self.endpoint = base[base.rfind("/"):]
        self.host = base.split("/")[2]
        self.fields = decode_query(query)
        self.params = dict(self.fields)

    def __repr__(self):
        return "Beacon(%s %s)" % (self.endpoint, self.params)


def capture_beacons(page):
    """Answer every beacon with a 1x1 GIF and record it; returns the live list."""
    captured = []

    def handle(route):
        captured.append(Beacon(route.request.url))
        route.fulfill(status=200, content_type="image/gif", body=PIXEL)

    page.route(BEACON_PATTERN, handle)
    page._hsq_captured = captured
    return captured


def sync_beacons(page, timeout_ms=5000):
    """Wait until every beacon the shim says it sent (hsqShim.beacons) reached the route:
    an image request is intercepted a moment after the shim sets its src."""
    captured = getattr(page, "_hsq_captured", None)
    if captured is None:
        return
    # Distinct URLs: should the shim fall back to image requests, Chromium fetches two
    # identical image URLs of one document once.
    script = "() => window.hsqShim ? new Set(window.hsqShim.beacons.map(b => b.url)).size : 0"
    for _ in range(timeout_ms // 25):
        sent = page.evaluate(script)
        if len({b.url for b in captured}) >= sent:
            return
        page.wait_for_timeout(25)
    raise AssertionError("the shim sent %d beacons, the route saw %d" % (sent, len(captured)))


def wait_until_ready(page, timeout_ms=10000):
    """The shim has processed the pre-load queue (hsqShim.ready).

    Polls with page.evaluate, not wait_for_function: the latter needs eval, which a
    page under script-src 'self' forbids."""
    for _ in range(timeout_ms // 50):
        if page.evaluate("() => !!(window.hsqShim && window.hsqShim.ready === true)"):
            sync_beacons(page)
            return
        page.wait_for_timeout(50)
    raise AssertionError("hsq-shim did not become ready within %d ms" % timeout_ms)


def errors_of(page):
    """Collect uncaught page errors and console errors from now on."""
    errors = []
    page.on("pageerror", lambda error: errors.append("pageerror: %s" % error))
    page.on("console", lambda msg: msg.type == "error" and errors.append("console: %s" % msg.text))
    return errors
