"""Shared builders for the CPython core tests."""

from shim.testing.codec import decode_param, decode_query, split_url
from shim.core.effects import SendBeacon
from shim.core.page import ClientInfo, PageEnv
from shim.core.tracker import Tracker

URL = "https://www.example.com/pricing?plan=pro"


def counting_rand32():
    """A deterministic rand32: 1, 2, 3, ..."""
    state = [0]

    def rand32():
        state[0] += 1
        return state[0]
    return rand32


def make_env(url=URL, title="Pricing", referrer="", now_ms=1_700_000_000_000, canonical_url=""):
    return PageEnv(url, title, referrer, now_ms, canonical_url)


class LoadingTracker(Tracker):
    """A Tracker with the whole pre-load queue run in one go (the browser runs it in slices)."""

    def load(self, entries, env, cookie_header_text="", privacy_entries=None, mark=None):
        """Run the entries queued before load, with the automatic page view: `mark` is how
        many of `entries` were queued before the script executed (None: all)."""
        run = self.begin_load(cookie_header_text, privacy_entries, mark)
        for entry in entries:
            run.add(entry)
        effects = []
        while not run.idle():
            effects.extend(run.step(env, lambda: False))
        effects.extend(run.finish())
        return effects


def make_tracker(portal_id="123", **kwargs):
    """A tracker on www.example.com. The duplicate guard is off unless a test turns it
    on: most tests push a page view for the same URL right after load on purpose."""
    client = ClientInfo("1280x720", "24-bit", "UTF-8", "en-us")
    kwargs.setdefault("duplicate_guard", False)
    kwargs.setdefault("decode", decode_param)
    return LoadingTracker(counting_rand32(), portal_id=portal_id, client=client, **kwargs)


def beacons(effects):
    return [e for e in effects if type(e) is SendBeacon]


def params(beacon):
    """A beacon's URL decoded back into a dict (last value wins)."""
    return dict(decode_query(split_url(beacon.url)[1]))
