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


def make_tracker(portal_id="123", **kwargs):
    """A tracker on www.example.com. The duplicate guard is off unless a test turns it
    on: most tests push a page view for the same URL right after load on purpose."""
    client = ClientInfo("1280x720", "24-bit", "UTF-8", "en-us")
    kwargs.setdefault("duplicate_guard", False)
    kwargs.setdefault("decode", decode_param)
    return Tracker(counting_rand32(), portal_id=portal_id, client=client, **kwargs)


def beacons(effects):
    return [e for e in effects if type(e) is SendBeacon]


def params(beacon):
    """A beacon's URL decoded back into a dict (last value wins)."""
    return dict(decode_query(split_url(beacon.url)[1]))
