"""Comparison of two masked runs: the beacons (endpoint, parameter names in order, values)
and the cookies left behind (name, value, domain, session or persistent).

Rule 1: beacons are paired by kind (k, or the endpoint): when both sides sent the same
        kinds in another order, that is one difference (BEACON_ORDER) and the n-th beacon
        of a kind is compared with the other side's n-th; otherwise the longest common
        sequence pairs them and the rest are missing or extra.
Rule 2: every difference is one Difference, small enough for fidelity.known to excuse
        exactly it and nothing more.
"""

from difflib import SequenceMatcher

from shim.testing.beacons import Beacon as DecodedBeacon

BEACON_ORDER = "beacon order"
BEACON_MISSING = "beacon only in HubSpot"
BEACON_EXTRA = "beacon only in the shim"
ENDPOINT = "endpoint"
PARAM_MISSING = "param only in HubSpot"
PARAM_EXTRA = "param only in the shim"
PARAM_VALUE = "value"
PARAM_ORDER = "param order"
COOKIE_MISSING = "cookie only in HubSpot"
COOKIE_EXTRA = "cookie only in the shim"
COOKIE_VALUE = "cookie"
RUN_NOTE = "run"                            # the harness's own trouble (a timeout ...)


class Beacon:
    """A masked beacon: endpoint (host + path), kind, params [(key, value)] in order."""

    def __init__(self, endpoint, kind, params):
        self.endpoint = endpoint
        self.kind = kind
        self.params = params

    @classmethod
    def decoded(cls, url, masker):
        beacon = DecodedBeacon(url)
        params = [(key, masker.param(key, value)) for key, value in beacon.fields]
        return cls(beacon.host + beacon.endpoint, beacon.kind, params)

    def get(self, key):
        for k, v in self.params:
            if k == key:
                return v
        return None

    def values(self):
        found = {}
        for key, value in self.params:
            found.setdefault(key, []).append(value)
        return found

    def line(self):
        return "%s %s" % (self.endpoint, "&".join("%s=%s" % kv for kv in self.params))


class Cookie:
    def __init__(self, name, value, domain, lifetime):
        self.name, self.value, self.domain, self.lifetime = name, value, domain, lifetime

    @classmethod
    def masked(cls, cookie, masker):
        lifetime = "session" if cookie.get("expires", -1) < 0 else "persistent"
        if cookie.get("secure"):
            lifetime += ", secure"
        return cls(cookie["name"], masker.text(cookie["value"]), cookie["domain"], lifetime)

    def line(self):
        return "%s=%s (%s, %s)" % (self.name, self.value, self.domain, self.lifetime)


class Masked:
    """One side's run, masked (fidelity.mask): beacons in order, cookies by name."""

    def __init__(self, outcome, masker):
        self.side = outcome.side
        self.beacons = [Beacon.decoded(url, masker) for url in outcome.beacons]
        ordered = sorted(outcome.cookies, key=lambda c: (c["name"], c["domain"], c["value"]))
        self.cookies = [Cookie.masked(cookie, masker) for cookie in ordered]
        self.notes = list(outcome.notes)


class Difference:
    """what: one of the constants above; index: the beacon's number (1-based, HubSpot's
    unless only the shim sent it); beacon: the Beacon concerned (HubSpot's when both);
    key: param or cookie name; hubspot, shim: the two values (None: absent)."""

    def __init__(self, what, key=None, hubspot=None, shim=None, index=None, beacon=None):
        self.what, self.key, self.hubspot, self.shim = what, key, hubspot, shim
        self.index, self.beacon = index, beacon

    def text(self):
        where = "beacon %d (%s): " % (self.index, self.beacon.kind) if self.beacon else ""
        if self.what in (BEACON_MISSING, BEACON_EXTRA):
            side = "HubSpot" if self.what == BEACON_MISSING else "the shim"
            return "beacon %d (%s) only in %s" % (self.index, self.beacon.kind, side)
        if self.what == PARAM_MISSING:
            return "%s%s=%s only in HubSpot" % (where, self.key, self.hubspot)
        if self.what == PARAM_EXTRA:
            return "%s%s=%s only in the shim" % (where, self.key, self.shim)
        if self.what == RUN_NOTE:
            side = "HubSpot" if self.hubspot is not None else "shim"
            return "%s run: %s" % (side, self.hubspot if self.hubspot is not None else self.shim)
        if self.what == COOKIE_MISSING:
            return "cookie %s only in HubSpot" % self.hubspot
        if self.what == COOKIE_EXTRA:
            return "cookie %s only in the shim" % self.shim
        label = self.key if self.what in (PARAM_VALUE, COOKIE_VALUE) else self.what
        if self.what == COOKIE_VALUE:
            label = "cookie " + label
        return "%s%s: HubSpot %s, shim %s" % (where, label, self.hubspot, self.shim)

    def __repr__(self):
        return "<Difference %s>" % self.text()


def compare(hubspot, shim):
    """Masked, Masked -> [Difference]."""
    return compare_beacons(hubspot.beacons, shim.beacons) + compare_cookies(hubspot.cookies,
                                                                            shim.cookies)


def compare_beacons(ours, theirs):
    """HubSpot's beacons (`ours`, the oracle) against the shim's (`theirs`)."""
    a = [b.kind for b in ours]
    b = [b.kind for b in theirs]
    differences, pairs = [], []
    if a != b and sorted(a) == sorted(b):
        differences.append(Difference(BEACON_ORDER, hubspot=", ".join(a), shim=", ".join(b)))
        pending = {}
        for j, beacon in enumerate(theirs):
            pending.setdefault(beacon.kind, []).append(j)
        pairs = [(i, pending[kind].pop(0)) for i, kind in enumerate(a)]
    else:
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                pairs.extend(zip(range(i1, i2), range(j1, j2)))
                continue
            differences.extend(Difference(BEACON_MISSING, index=i + 1, beacon=ours[i])
                               for i in range(i1, i2))
            differences.extend(Difference(BEACON_EXTRA, index=j + 1, beacon=theirs[j])
                               for j in range(j1, j2))
    for i, j in pairs:
        differences.extend(compare_pair(ours[i], theirs[j], i + 1))
    return differences


def compare_pair(ours, theirs, index):
    found = []

    def add(what, key=None, hubspot=None, shim=None):
        found.append(Difference(what, key, hubspot, shim, index, ours))

    if ours.endpoint != theirs.endpoint:
        add(ENDPOINT, hubspot=ours.endpoint, shim=theirs.endpoint)
    mine, yours = ours.values(), theirs.values()
    for key, values in mine.items():
        if key not in yours:
            add(PARAM_MISSING, key, "&".join(values))
    for key, values in yours.items():
        if key not in mine:
            add(PARAM_EXTRA, key, shim="&".join(values))
    order_a = [k for k in mine if k in yours]
    order_b = [k for k in yours if k in mine]
    if order_a != order_b:
        add(PARAM_ORDER, hubspot=",".join(order_a), shim=",".join(order_b))
    for key in order_a:
        if mine[key] != yours[key]:
            add(PARAM_VALUE, key, "&".join(mine[key]), "&".join(yours[key]))
    return found


def compare_cookies(ours, theirs):
    def by_name(cookies):
        found = {}
        for cookie in cookies:
            found.setdefault(cookie.name, []).append(cookie)
        return found

    mine, yours = by_name(ours), by_name(theirs)
    found = []
    for name in sorted(set(mine) | set(yours)):
        a, b = mine.get(name, []), yours.get(name, [])
        if not b:
            found.extend(Difference(COOKIE_MISSING, name, hubspot=c.line()) for c in a)
        elif not a:
            found.extend(Difference(COOKIE_EXTRA, name, shim=c.line()) for c in b)
        else:
            lines_a = [c.line() for c in a]
            lines_b = [c.line() for c in b]
            if lines_a != lines_b:
                found.append(Difference(COOKIE_VALUE, name, "; ".join(lines_a), "; ".join(lines_b)))
    return found
