"""Host tool: the capture of beacons, one part of HubSpotTracking (shim.testing.assertions).

`BeaconCapture` routes HubSpot's URLs of an attached page or context and answers them
(shim.testing.routing): a loader URL with the shim, a beacon with the 1x1 GIF after
decoding it (shim.testing.beacons), any other HubSpot URL with 204. It keeps what it
captured: `beacons`, `scripts`, `blocked`.

Rule 1: a mixin of the tracking (see assertions.py for why): its steps are generators
        (shim.testing.steps). Attaching uses `_track` and `_set_up` of PageSetup
        and `_handle`, the route handler each public class makes of `_fulfil`.
Rule 2: what the browser did not put on the network is still counted: the repeats the
        shim's own record shows (`_reconcile`).
"""

from collections import Counter
from pathlib import Path

from shim.testing.beacons import BEACON_URL, EVENT_KINDS, Beacon
from shim.testing.routing import (BLOCKED_ANSWER, LOADER_URL, PIXEL_ANSWER, ROUTE_URL,
                                  find_shim_js, loader_answer)
from shim.testing.steps import Call


class BeaconCapture:
    """HubSpot's URLs answered, and every beacon decoded and kept, oldest first."""

    def __init__(self, shim_js=None):
        self.shim_js = Path(shim_js) if shim_js else None
        self._beacons = []
        self._seen = Counter()              # every beacon URL ever captured (clear() keeps it)
        self._unclaimed = Counter()         # repeats added from the record, not yet seen
        self.scripts = []                   # loader URLs answered with the shim
        self.blocked = []                   # other HubSpot URLs answered with 204
        self._shim_body = None

    # -- reading
    @property
    def beacons(self):
        """Every beacon captured since attach() or the last clear(), oldest first."""
        return list(self._beacons)

    @property
    def page_views(self):
        return [b for b in self._beacons if b.kind == "page view"]

    @property
    def events(self):
        return [b for b in self._beacons if b.kind in EVENT_KINDS]

    def clear(self):
        """Forget the beacons captured so far (scripts and blocked URLs are kept)."""
        self._beacons.clear()

    # -- routing
    def _answer(self, url):
        """What to fulfil a routed request with (keyword arguments of route.fulfill)."""
        loader = LOADER_URL.match(url)
        if loader:
            self.scripts.append(url)
            if self._shim_body is None:
                self._shim_body = (self.shim_js or find_shim_js()).read_bytes()
            return loader_answer(self._shim_body, url)
        if BEACON_URL.match(url):
            self._capture(Beacon(url))
            return PIXEL_ANSWER
        self.blocked.append(url)
        return BLOCKED_ANSWER

    def _capture(self, beacon):
        url = beacon.url_raw
        if not beacon.repeated and self._unclaimed[url]:
            # The browser did send the repeat after all: it is already counted.
            self._unclaimed[url] -= 1
            for earlier in self._beacons:
                if earlier.url_raw == url and earlier.repeated:
                    earlier.repeated = False
                    break
            return
        self._seen[url] += 1
        self._beacons.append(beacon)

    def _reconcile(self, record):
        """Chromium requests an image URL once per document even when the page asks for
        it twice: two page views in the same millisecond (a trackPageView queued before
        load, next to the automatic one) reach the network as one request. The shim's
        record (window.hsqShim.beacons) still lists both: once the URL has been captured,
        add the repeats the network did not show."""
        if not record:
            return
        for url, count in Counter(record).items():
            if count > 1 and self._seen[url] and BEACON_URL.match(url):
                for _ in range(count - self._seen[url]):
                    self._unclaimed[url] += 1
                    self._capture(Beacon(url, repeated=True))

    # -- steps (generators: yield Call or Wait, get the call's result back)
    def _attach(self, target):
        """Route HubSpot's URLs of a Page or a BrowserContext (every page in it)."""
        self._track(target)
        yield Call(target.route, ROUTE_URL, self._handle)
        yield from self._set_up(target)
        return self

    def _fulfil(self, route):
        answer = self._answer(route.request.url)
        try:
            yield Call(route.fulfill, **answer)
        except Exception:                   # the page went away meanwhile
            pass
