"""Network profiles of the bench: Chromium's own throttling, through the DevTools protocol.

Rule 1: a profile is written as people quote a network (round-trip time, Mbit/s) and turned
        into `Network.emulateNetworkConditions` parameters by one function, `conditions`.
Rule 2: CDP's `latency` is added once per request ("minimum latency from request sent to
        response headers received", ms) and its throughputs are bytes per second
        (-1: not throttled). So an RTT of 150 ms is 150 ms per request, and 1.6 Mbit/s is
        200,000 B/s (1 Mbit = 10^6 bits, as network speeds are quoted).
Rule 3: "none" sends nothing to CDP: the page runs exactly as without this module.

CDP throttles at the request level: it does not model TCP/TLS set-up, slow start or a second
host's connection. DevTools' own "Slow 4G" preset (Lighthouse's and Puppeteer's too) makes up
for that by multiplying the RTT by 3.75 and the throughput by 0.9 (`lighthouse/core/config/
constants.js`, DEVTOOLS_RTT_ADJUSTMENT_FACTOR); the profile `slow4g-devtools` is that preset.
The three default profiles take the RTT as the per-request latency, as issue #29's table did.
"""

ADJUSTED_RTT, ADJUSTED_THROUGHPUT = 3.75, 0.9        # DevTools' / Lighthouse's Slow 4G preset

# name: (short label, RTT ms, download Mbit/s, upload Mbit/s, DevTools' adjustment applied)
PROFILES = {
    "none": ("no throttling", 0, None, None, False),
    "broadband": ("broadband", 20, 20.0, 20.0, False),
    "slow4g": ("Slow 4G", 150, 1.6, 0.75, False),
    "slow4g-devtools": ("DevTools' Slow 4G", 150, 1.6, 0.75, True),
}
DEFAULT = "none,broadband,slow4g"


def bytes_per_second(mbit):
    return mbit * 1_000_000 / 8


def conditions(name):
    """The `Network.emulateNetworkConditions` parameters of profile `name`, or None (Rule 3)."""
    _, rtt, down, up, adjusted = PROFILES[name]
    if down is None:
        return None
    scale_rtt, scale_rate = (ADJUSTED_RTT, ADJUSTED_THROUGHPUT) if adjusted else (1, 1)
    return {"offline": False, "latency": rtt * scale_rtt,
            "downloadThroughput": bytes_per_second(down) * scale_rate,
            "uploadThroughput": bytes_per_second(up) * scale_rate}


def label(name):
    """'Slow 4G'; an unknown name as it is."""
    return PROFILES[name][0] if name in PROFILES else name


def describe(name):
    """'Slow 4G: 150 ms per request, 200,000 B/s down, 93,750 B/s up (150 ms RTT, 1.6 Mbit/s)'."""
    params = conditions(name)
    if params is None:
        return "%s: Chromium's own network, not throttled" % label(name)
    _, rtt, down, _, adjusted = PROFILES[name]
    return "%s: %s ms per request, %s B/s down, %s B/s up (%d ms RTT, %s Mbit/s%s)" % (
        label(name), format(params["latency"], ",g"), format(round(params["downloadThroughput"]), ","),
        format(round(params["uploadThroughput"]), ","), rtt, format(down, "g"),
        "; DevTools' factors 3.75 and 0.9" if adjusted else "")


def parse(text):
    """'none,slow4g' -> ['none', 'slow4g']; an unknown name raises ValueError naming the known ones."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROFILES]
    if unknown or not names:
        raise ValueError("unknown network profile %s: choose from %s" % (
            ", ".join(repr(n) for n in unknown) or "(none given)", ", ".join(PROFILES)))
    return list(dict.fromkeys(names))


def throttle(context, page, name):
    """Apply profile `name` to `page` (a page of `context`) before it navigates; returns the
    CDP session that holds the throttling (None for "none")."""
    params = conditions(name)
    if params is None:
        return None
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", params)
    return cdp
