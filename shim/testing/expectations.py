"""Host tool: the expectations, one part of HubSpotTracking (shim.testing.assertions).

`Expectations` waits for what a test expects of the captured beacons: expect_* (partial
matching, shim.testing.matching: only the fields given are compared) and wait_for_sent
(the shim's own record, window.hsqShim.beacons, all captured). A failure raises one
AssertionError that lists every beacon received, one per line, the HubSpot scripts
answered and the queue entries the shim ignored (window.hsqShim.ignored).

Rule: a mixin of the tracking (see assertions.py for why): its steps are generators
      (shim.testing.steps). It reads `timeout`, the capture of BeaconCapture (`beacons`,
      `_beacons`, `_seen`, `scripts`, `_reconcile`) and `_open_pages` of PageSetup.
"""

import time

from shim.testing.beacons import EVENT_KINDS
from shim.testing.matching import ANY, beacon_matches, criteria_of, describe_criteria, kind_is
from shim.testing.steps import Call, Wait

DEFAULT_TIMEOUT_MS = 5000
DEFAULT_WINDOW_MS = 1000
POLL_MS = 50
# The shim's own record of what it sent (D10).
_RECORD_JS = ("() => (window.hsqShim && window.hsqShim.beacons) ? "
              "Array.from(window.hsqShim.beacons, b => String(b.url)) : null")
_READY_RECORD_JS = ("() => (window.hsqShim && window.hsqShim.ready === true) ? "
                    "Array.from(window.hsqShim.beacons, b => String(b.url)) : null")
_IGNORED_JS = ("() => (window.hsqShim && window.hsqShim.ignored) ? "
               "Array.from(window.hsqShim.ignored, i => String(i.entry) + ': ' + i.reason) : null")


class Expectations:
    """expect_* and wait_for_sent over the captured beacons, and their failure message."""

    # -- steps (generators: yield Call or Wait, get the call's result back)
    def _expect_beacon(self, *, timeout=None, **fields):
        """Wait for a beacon whose given fields match (see Beacon); return it."""
        return self._expect_one(criteria_of(**fields), timeout)

    def _expect_page_view(self, *, path=ANY, url=ANY, title=ANY, portal=ANY, timeout=None,
                          **fields):
        """Wait for a matching page view (k=1); return it."""
        return self._expect_one(criteria_of(kind="page view", path=path, url=url, title=title,
                                            portal=portal, **fields), timeout)

    def _expect_identify(self, email=ANY, *, timeout=None, **identity):
        """A beacon (any kind) whose identity holds these values, e.g. email=..."""
        if email is not ANY:
            identity["email"] = email
        return self._expect_one(criteria_of(identity=identity), timeout)

    def _expect_event(self, name=ANY, properties=ANY, *, timeout=None, **fields):
        """A custom (or legacy) event with this name and at least these properties."""
        return self._expect_one(criteria_of(kind=kind_is(*EVENT_KINDS), name=name,
                                            properties=properties, **fields), timeout)

    def _expect_page_views(self, count, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        """Exactly `count` page views (matching the given fields) after within_ms."""
        return self._expect_count(count, criteria_of(kind="page view", **fields), within_ms)

    def _expect_no_beacon(self, *, within_ms=DEFAULT_WINDOW_MS, **fields):
        """No beacon (matching the given fields) since attach() or clear(), waiting
        within_ms for late ones."""
        return self._expect_count(0, criteria_of(**fields), within_ms, result=None)

    def _wait_for_sent(self, *, timeout=None):
        """Wait until the shim has started in the open pages and every beacon it sent
        (its record, window.hsqShim.beacons) has been captured; return `beacons`. For
        reading `beacons` directly after an action, instead of expecting something."""
        __tracebackhide__ = True
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout / 1000
        while True:
            missing, starting = [], []
            for page in self._open_pages():
                try:
                    record = yield Call(page.evaluate, _READY_RECORD_JS)
                except Exception:           # navigating or closed
                    continue
                if record is None:
                    starting.append(page.url)
                    continue
                self._reconcile(record)
                missing.extend(url for url in record if not self._seen[url])
            remaining = (deadline - time.monotonic()) * 1000
            if not missing and not starting:
                return self.beacons
            if remaining <= 0:
                break
            yield Wait(min(POLL_MS, remaining))
        diagnostics = yield from self._diagnostics()
        if starting:
            headline = ("The shim did not start within %d ms (window.hsqShim.ready) in %s."
                        % (timeout, ", ".join(starting)))
        else:
            headline = ("The shim sent %d beacon(s) not captured within %d ms: %s"
                        % (len(missing), timeout, ", ".join(sorted(set(missing)))))
        raise self._failure(headline, diagnostics)

    # -- the waiting logic
    def _pause(self, ms):
        """Let `ms` pass, first adding the repeats the shim's record shows."""
        for page in self._open_pages():
            try:
                self._reconcile((yield Call(page.evaluate, _RECORD_JS)))
            except Exception:               # navigating, closed, no shim
                pass
        yield Wait(ms)

    def _expect_one(self, criteria, timeout):
        __tracebackhide__ = True
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout / 1000
        while True:
            for beacon in self._beacons:
                if beacon_matches(beacon, criteria):
                    return beacon
            remaining = (deadline - time.monotonic()) * 1000
            if remaining <= 0:
                break
            yield from self._pause(min(POLL_MS, remaining))
        diagnostics = yield from self._diagnostics()
        raise self._failure("Expected a %s within %d ms, but none of the beacons matched."
                            % (describe_criteria(criteria), timeout), diagnostics)

    def _expect_count(self, count, criteria, within_ms, result=True):
        __tracebackhide__ = True
        deadline = time.monotonic() + within_ms / 1000
        while True:
            found = [b for b in self._beacons if beacon_matches(b, criteria)]
            remaining = (deadline - time.monotonic()) * 1000
            if len(found) > count or remaining <= 0:
                break
            yield from self._pause(min(POLL_MS, remaining))
        if len(found) == count:
            return found if result else None
        diagnostics = yield from self._diagnostics()
        what = describe_criteria(criteria)
        if count == 0:
            headline = "Expected no %s within %d ms, got %d." % (what, within_ms, len(found))
        else:
            headline = "Expected exactly %d × %s within %d ms, got %d." % (
                count, what, within_ms, len(found))
        raise self._failure(headline, diagnostics)

    # -- the failure message
    def _diagnostics(self):
        for page in self._open_pages():
            try:
                return (yield Call(page.evaluate, _IGNORED_JS))
            except Exception:
                continue
        return None

    def _failure(self, headline, diagnostics):
        lines = [headline]
        if self._beacons:
            lines.append("Beacons received (%d):" % len(self._beacons))
            for i, beacon in enumerate(self._beacons, 1):
                lines.append("  %d. %s" % (i, beacon.describe()))
        else:
            lines.append("Beacons received: none.")
            if not self.scripts:
                lines.append("No HubSpot script was requested (js.hs-scripts.com/<id>.js or "
                             "js.hs-analytics.net/analytics/<bucket>/<id>.js): is HubSpot's "
                             "embed code on the page, and was tracking attached before "
                             "page.goto()?")
        if self.scripts:
            lines.append("HubSpot scripts answered with the shim: %s" % ", ".join(self.scripts))
        if diagnostics:
            lines.append("Queue entries the shim ignored (window.hsqShim.ignored):")
            lines.extend("  - " + item for item in diagnostics)
        return AssertionError("\n".join(lines))
