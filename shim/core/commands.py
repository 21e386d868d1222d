"""Raw `_hsq` entries -> Command or Ignored.

Rule 1: every command the shim knows is a row of SIGNATURES: its name and the kind
        of each positional argument. Anything else is Ignored, with a reason a
        person can act on; nothing here raises.
Rule 2: arguments are normalised here (portal ids to digit strings, '' paths to '/'),
        so the tracker only ever sees valid values.
Rule 3: extra arguments are dropped, as HubSpot's methods drop them.
"""

from shim.core.text import DIGITS, is_digits, only
from shim.core.values import Value


class Command(Value):
    __slots__ = ("name", "args")

    def __init__(self, name, args):
        self.name = name
        self.args = args


class Ignored(Value):
    __slots__ = ("entry", "reason")

    def __init__(self, entry, reason):
        self.entry = entry
        self.reason = reason


class PageFunction(Value):
    """A function the page pushed instead of an array (HubSpot calls it with
    (tracker, hstc)). The adapter wraps the JS function; the core never calls it."""
    __slots__ = ("function",)

    def __init__(self, function):
        self.function = function


class Unreadable(Value):
    """An entry the adapter could not convert (a getter or Proxy trap threw)."""
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


# Argument kinds. Each checker returns the normalised value, or None when invalid.
def _string(value):
    return value if type(value) is str else None


def _path(value):
    if type(value) is not str:
        return None
    return value if value else "/"


def _portal(value):
    if type(value) is int and value > 0:
        return str(value)
    if type(value) is float and value > 0 and value == int(value):
        return str(int(value))
    if is_digits(value, 12) and int(value) > 0:
        return str(int(value))
    return None


def _mapping(value):
    return value if type(value) is dict else None


def _flag(value):
    if type(value) is bool:
        return value
    if type(value) is int:
        return value != 0
    return None


def _function(value):
    return value.function if type(value) is PageFunction else None


def _text_id(value):
    # Page ids, event ids: strings, or numbers HubSpot would stringify.
    if type(value) is str and value:
        return value
    if (type(value) is int or type(value) is float) and type(value) is not bool:
        return str(int(value)) if value == int(value) else str(value)
    return None


def _anything(value):
    return value


HOST_CHARS = "abcdefghijklmnopqrstuvwxyz" + DIGITS + ".-:"


def _host(value):
    # A bare host name (optionally with a port): no scheme, path, spaces or quotes.
    if type(value) is not str or not value or len(value) > 253 or not only(value.lower(), HOST_CHARS):
        return None
    return value


KIND_NAMES = {_string: "a string", _path: "a string path", _portal: "a positive portal id",
              _mapping: "an object", _flag: "true or false", _function: "a function",
              _text_id: "a string or number id", _anything: "a value", _host: "a host name such as track.hubspot.com"}

SIGNATURES = {
    "setPortalId": (_portal,),
    "setPath": (_path,),
    "trackPageView": (),
    "identify": (_mapping,),
    "setTrackingDomain": (_host,),
    "setDebugMode": (_flag,),
    "addCookieDomain": (_string,),
    "setCookiesToSubdomain": (_flag,),
    "enableSecureCookie": (),
    "trackCustomBehavioralEvent": (_mapping,),
    "trackEvent": (_anything,),
    "trackConversion": (_anything,),
    "setContentType": (_string,),
    "setCanonicalUrl": (_string,),
    "setPageId": (_text_id,),
    "setContentMetadata": (_mapping,),
    "setTargetedContentMetadata": (_anything,),
    "addIdentityListener": (_function,),
    "addCookieListener": (_function,),
    "addUserTokenListener": (_function,),
    "addPageIdListener": (_function,),
    "addContentTypeListener": (_function,),
    "addContentMetadataListener": (_function,),
    "refreshPageHandlers": (),
    "resetVisitor": (),
    "resetVisitorIdentity": (),
    "setTrackingEnabled": (_flag,),
    "setLimitTrackingToCookieDomains": (_flag,),
    "trackClick": (_string, _text_id),
    "trackFormView": (_text_id,),
    "trackFormInstall": (_text_id,),
    "trackFormVisible": (_text_id,),
    "trackFormInteraction": (_text_id,),
    "trackFormCompletion": (_text_id,),
    "trackCtaView": (_text_id,),
    "trackFeedbackView": (_text_id,),
    "trackApproveCookieConsent": (),
    "trackDeclineCookieConsent": (),
    "trackRevokeCookieConsent": (),
    "doNotTrack": (),
    "addPrivacyConsentListener": (_function,),
    "revokeCookieConsent": (),
}

# The `_hsp` privacy queue's commands (the banner's public methods, P2/P3).
PRIVACY_SIGNATURES = {
    "addPrivacyConsentListener": (_function,),
    "addPrivacySettingsListener": (_function,),
    "revokeCookieConsent": (),
    "setHubSpotConsent": (_mapping,),
    "showBanner": (),
}

# Commands that only change the tracker's state and never read the page's facts (env):
# the adapter need not read URL, title, referrer and clock for them (a push costs less).
# A dict, not a tuple: the adapter tests membership on every push, and a dict lookup is
# one step under Brython where a tuple is scanned item by item.
STATE_ONLY = {}
for _name in ("setPath", "identify", "setContentType", "setCanonicalUrl", "setPageId",
              "setContentMetadata", "setTargetedContentMetadata", "setPortalId",
              "setTrackingDomain", "setTrackingEnabled", "setLimitTrackingToCookieDomains",
              "addCookieDomain", "setCookiesToSubdomain", "enableSecureCookie",
              "refreshPageHandlers", "trackClick", "addPageIdListener",
              "addContentTypeListener", "addContentMetadataListener"):
    STATE_ONLY[_name] = True

# Names HubSpot's own loader and prelude push. They mean nothing without HubSpot's
# servers, so the shim accepts them without effect (and records that it did).
INTERNAL = ("setLegacy", "log", "embedHubSpotScript", "initEventVisualizerScript",
            "setTrackingGate", "autocaptureClicks", "enableAutomaticLinker")

# Optional trailing arguments: (name -> kinds of the extra positions), never required.
OPTIONAL = {
    "trackEvent": (_anything,),
    "trackConversion": (_anything,),
    "trackClick": (_mapping,),
    "doNotTrack": (_anything,),
}

FUNCTION = "<function>"


def describe(value):
    """A short, safe description of a raw value for logs and the read-back record."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is str:
        return repr(value[:60] + ("..." if len(value) > 60 else ""))
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return str(value)
    if kind is list:
        return "array(" + str(len(value)) + ")"
    if kind is dict:
        return "object(" + str(len(value)) + " keys)"
    if kind is PageFunction:
        return "function"
    return kind.__name__


def parse(entry, signatures=None, optional=None):
    """One raw queue entry -> Command or Ignored (against `_hsq`'s table by default)."""
    if signatures is None:
        signatures = SIGNATURES
        optional = OPTIONAL
    if type(entry) is PageFunction:
        if signatures is not SIGNATURES:        # only `_hsq` runs pushed functions
            return Ignored("function", "functions are run on _hsq only")
        return Command(FUNCTION, [entry.function])
    if type(entry) is Unreadable:
        return Ignored("entry", "could not be read: " + entry.error)
    if type(entry) is not list:
        return Ignored(describe(entry), "not an array or a function")
    if not entry:
        return Ignored("[]", "empty array: no method name")
    name = entry[0]
    if type(name) is not str:
        return Ignored(describe(entry), "the method name " + describe(name) + " is not a string")
    if name not in signatures:
        if name in INTERNAL and signatures is SIGNATURES:
            return Ignored(name, "HubSpot-internal command: accepted, no effect in the shim")
        return Ignored(name if len(name) <= 60 else name[:60] + "...", "unknown method")
    kinds = signatures[name]
    args = []
    for i in range(len(kinds)):
        check = kinds[i]
        raw = entry[i + 1] if i + 1 < len(entry) else None
        value = check(raw) if raw is not None else None
        if value is None:
            got = describe(raw) if i + 1 < len(entry) else "nothing"
            return Ignored(name, "argument " + str(i + 1) + " must be " + KIND_NAMES[check]
                           + ", got " + got)
        args.append(value)
    if optional is not None and name in optional:
        extra = optional[name]
        for i in range(len(extra)):
            at = len(kinds) + 1 + i
            raw = entry[at] if at < len(entry) else None
            args.append(extra[i](raw) if raw is not None else None)
    return Command(name, args)
