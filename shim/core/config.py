"""The shim's configuration: the script tag's attributes and src, as plain strings in,
one Config value out (the adapter only reads the strings).

Rule 1: every value is read here, and a bad one becomes its default (or None), never
        an error: a typo in an attribute must not stop the tracking.
Rule 2: window.hsqShimConfig overrides the switches (for pages that cannot change
        HubSpot's embed tag, and for test tools): only true/false count.
Rule 3: what comes from HubSpot's loader URL (`src`) is read by the functions on `src`
        here, so a value the URL implies (the portal, its region's tracking host) has
        one place. The pytest plugin uses the same functions.
Rule 4: a regional loader (js-<region>.hs-scripts.com, js-<region>.hs-analytics.net)
        sends beacons to track-<region>.hubspot.com, as HubSpot's regional preludes do;
        js-na1 is HubSpot's default region (track.hubspot.com). setTrackingDomain and
        data-tracking-url still win.
"""

from shim.core.beacon import DEFAULT_TRACKING_HOST
from shim.core.consent import NO_BANNER
from shim.core.page import hostname_of
from shim.core.text import DIGITS, is_digits, only
from shim.core.values import Value

# HubSpot's loader hosts: a script from them (or named hsq-shim) is taken as ours.
SCRIPT_HOSTS = ("hs-scripts.com", "hs-analytics.net")

DEFAULT_REGION = "na1"                  # HubSpot's North American hublet: the default host
REGION_CHARS = "abcdefghijklmnopqrstuvwxyz" + DIGITS

# The script attributes read (the adapter passes {name: string or None} with every one).
ATTRIBUTES = ("data-portal-id", "data-tracking-url", "data-cookie-domain",
              "data-consent-policy", "data-honor-gpc", "data-duplicate-guard",
              "data-track-history")

# Switches: hsqShimConfig key -> (the attribute it overrides, default).
SWITCHES = {"duplicateGuard": ("data-duplicate-guard", True),
            "trackHistory": ("data-track-history", False)}


class Config(Value):
    __slots__ = ("portal_id", "collector", "cookie_domains", "policy", "honor_gpc",
                 "duplicate_guard", "track_history", "tracking_host")

    def __init__(self, portal_id=None, collector=None, cookie_domains=None, policy=NO_BANNER,
                 honor_gpc=False, duplicate_guard=True, track_history=False,
                 tracking_host=DEFAULT_TRACKING_HOST):
        self.portal_id = portal_id              # digit string, or None
        self.collector = collector              # 'https://host/path' base, or None
        self.cookie_domains = cookie_domains if cookie_domains is not None else []
        self.policy = policy                    # upper-case policy name
        self.honor_gpc = honor_gpc
        self.duplicate_guard = duplicate_guard
        self.track_history = track_history
        self.tracking_host = tracking_host      # beacon host (setTrackingDomain changes it)


def read_config(src, attributes, origin, overrides=None):
    """The script's `src` (or None), its ATTRIBUTES ({name: string or None}, every name), the page's
    origin ('https://example.com', for a '/path' collector) and the hsqShimConfig
    switches ({key: bool}) -> Config."""
    portal = attributes["data-portal-id"]
    if portal is None:
        portal = portal_from_src(src) if src is not None else None
    else:
        portal = portal_id(portal)
    policy = attributes["data-consent-policy"]
    # Positional: keyword arguments here need runtime functions the bundle cuts.
    return Config(portal, collector_base(attributes["data-tracking-url"], origin),
                  cookie_domains(attributes["data-cookie-domain"]), policy_name(policy),
                  attributes["data-honor-gpc"] is not None,
                  switch(attributes, overrides, "duplicateGuard"),
                  switch(attributes, overrides, "trackHistory"),
                  tracking_host_from_src(src) if src is not None else DEFAULT_TRACKING_HOST)


def is_tracking_src(src):
    """Whether a script URL looks like the shim or HubSpot's loader."""
    return ("hsq-shim" in src or SCRIPT_HOSTS[0] in src or SCRIPT_HOSTS[1] in src
            or portal_from_src(src) is not None)


def portal_from_src(src):
    """'https://js.hs-scripts.com/123.js?x' -> '123' (HubSpot's loader URL forms)."""
    path = src.split("?")[0].split("#")[0]
    name = path[path.rfind("/") + 1:]
    if name.endswith(".js") and is_digits(name[:-3], 12):
        return str(int(name[:-3]))
    return None


def region_from_src(src):
    """'https://js-eu1.hs-scripts.com/1.js' -> 'eu1'; a non-regional or foreign src -> None."""
    host = hostname_of(src)
    if not host.startswith("js-"):
        return None
    dot = host.find(".")
    region = host[3:dot] if dot > 0 else ""
    rest = host[dot + 1:] if dot > 0 else ""
    if rest != SCRIPT_HOSTS[0] and rest != SCRIPT_HOSTS[1]:
        return None
    if not region or len(region) > 16 or not only(region, REGION_CHARS):
        return None
    return region


def region_tracking_host(region):
    """HubSpot's beacon host for a region: 'eu1' -> 'track-eu1.hubspot.com'."""
    if region is None or region == DEFAULT_REGION:
        return DEFAULT_TRACKING_HOST
    return "track-" + region + ".hubspot.com"


def tracking_host_from_src(src):
    """The beacon host HubSpot's prelude sets for the loader the shim was served as."""
    return region_tracking_host(region_from_src(src))


def portal_id(value):
    """data-portal-id: ' 0123 ' -> '123'; anything but digits -> None."""
    value = value.strip()
    return str(int(value)) if is_digits(value, 12) else None


def collector_base(value, origin):
    """data-tracking-url: a full http(s) base URL, or a path on this page's origin
    ('/collect'); anything else is refused (None)."""
    if value is None:
        return None
    value = value.strip().rstrip("/")
    if value.startswith("/") and not value.startswith("//"):
        value = origin + value
    if not (value.startswith("http://") or value.startswith("https://")):
        return None
    rest = value[value.find("//") + 2:]
    if not rest or " " in rest or '"' in rest or "?" in rest or "#" in rest:
        return None
    return value


def cookie_domains(value):
    """data-cookie-domain: one domain, or several separated by spaces or commas."""
    if not value:
        return []
    return [d for d in value.replace(",", " ").split(" ") if d]


def flag(value, default):
    """A switch attribute: absent -> the default; "off" or "false" -> False; else True."""
    if value is None:
        return default
    return value != "off" and value != "false"


def switch(attributes, overrides, key):
    """hsqShimConfig[key] when true/false, else the attribute, else the default."""
    if overrides is not None and key in overrides:
        value = overrides[key]
        if value is True or value is False:
            return value
    name, default = SWITCHES[key]
    return flag(attributes[name], default)


def policy_name(value):
    """data-consent-policy: 'opt_in ' -> 'OPT_IN'; absent or empty -> NO_BANNER."""
    return (value or NO_BANNER).strip().upper()
