"""Raw `_hsq` entries -> Command or Ignored.

Rule 1: every command the shim knows is one row of HSQ (`_hsq`) or HSP (`_hsp`): its
        name, the kind of each positional argument, its load pass and its handler.
        Anything else is Ignored, with a reason a person can act on; nothing here raises.
Rule 2: arguments are normalised here (portal ids to digit strings, '' paths to '/'),
        so the tracker only ever sees valid values.
Rule 3: extra arguments are dropped, as HubSpot's methods drop them.
"""

from shim.core.numbers import js_number_text
from shim.core.text import DIGITS, is_digits, only
from shim.core.values import Value


class Command(Value):
    __slots__ = ("name", "args")

    def __init__(self, name, args):
        self.name = name
        self.args = args


class Ignored(Value):
    """An entry that is not a valid command (the parse result); the tracker reports it
    as an effects.Skip."""
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
    # HubSpot takes any value and sends it as text; '' (and what equals it loosely: 0,
    # false) is '/'. Objects and arrays are refused.
    kind = type(value)
    if kind is str:
        return value if value else "/"
    if kind is bool:
        return "true" if value else "/"
    if kind is int or kind is float:
        return js_number_text(value) if value != 0 else "/"
    return None


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


def text_id(value):
    # Page ids, event ids: strings, or numbers HubSpot would stringify.
    if type(value) is str and value:
        return value
    if (type(value) is int or type(value) is float) and type(value) is not bool:
        return str(int(value)) if value == int(value) else str(value)
    return None


def _id_value(value):
    # setPageId: the id as given, as its listeners get it (the tracker makes the text).
    return value if text_id(value) is not None else None


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
              text_id: "a string or number id", _id_value: "a string or number id",
              _anything: "a value", _host: "a host name such as track.hubspot.com"}

# The load passes an `_hsq` entry queued before load runs in (queue.py).
CONFIG = "config"
PRIORITY = "priority"
REST = "rest"

# THE `_hsq` COMMANDS, one row each (adding a command is a row here and its handler):
#   name: (required argument kinds, optional trailing kinds, load pass,
#          state only: changes state and never reads the page's facts, so the adapter
#          skips reading URL, title, referrer and clock for it,
#          the Tracker method that runs it; track_simple for the one-shot beacons,
#          add_listener for the listeners: those get the command's name; 'object.field'
#          for a command that only sets that field of the tracker's object to its argument)
# The priority pass is HubSpot's list (build 1.398) plus doNotTrack (2023+); its
# setTrackingGate is HubSpot-internal (INTERNAL below).
HSQ = {
    "setPortalId": ((_portal,), (), PRIORITY, True, "beacons.portal_id"),
    "setPath": ((_path,), (), PRIORITY, True, "set_path"),
    "trackPageView": ((), (), REST, False, "track_page_view"),
    "identify": ((_mapping,), (), PRIORITY, True, "identify"),
    "setTrackingDomain": ((_host,), (), CONFIG, True, "beacons.tracking_host"),
    "setDebugMode": ((_flag,), (), PRIORITY, False, "set_debug_mode"),
    "addCookieDomain": ((_string,), (), CONFIG, True, "add_cookie_domain"),
    "setCookiesToSubdomain": ((_flag,), (), CONFIG, True, "jar.to_subdomain"),
    "enableSecureCookie": ((), (), CONFIG, True, "enable_secure_cookie"),
    "trackCustomBehavioralEvent": ((_mapping,), (), REST, False, "track_custom_behavioral_event"),
    "trackEvent": ((_anything,), (_anything,), REST, False, "track_event"),
    "trackConversion": ((_anything,), (_anything,), REST, False, "track_event"),
    "setContentType": ((_string,), (), PRIORITY, True, "set_content_type"),
    "setCanonicalUrl": ((_string,), (), PRIORITY, True, "page.canonical_url"),
    "setPageId": ((_id_value,), (), PRIORITY, True, "set_page_id"),
    "setContentMetadata": ((_mapping,), (), PRIORITY, True, "set_content_metadata"),
    "setTargetedContentMetadata": ((_anything,), (), PRIORITY, True, "set_targeted_content"),
    "addIdentityListener": ((_function,), (), REST, False, "add_listener"),
    "addCookieListener": ((_function,), (), REST, False, "add_listener"),
    "addUserTokenListener": ((_function,), (), REST, False, "add_listener"),
    "addPageIdListener": ((_function,), (), REST, True, "add_listener"),
    "addContentTypeListener": ((_function,), (), REST, True, "add_listener"),
    "addContentMetadataListener": ((_function,), (), REST, True, "add_listener"),
    "refreshPageHandlers": ((), (), REST, True, "refresh_page_handlers"),
    "resetVisitor": ((), (), REST, False, "reset_visitor"),
    "resetVisitorIdentity": ((), (), REST, False, "reset_visitor"),
    "setTrackingEnabled": ((_flag,), (), PRIORITY, True, "beacons.enabled"),
    "setLimitTrackingToCookieDomains": ((_flag,), (), PRIORITY, True, "beacons.limit_to_cookie_domains"),
    "trackClick": ((_string, text_id), (_mapping,), REST, True, "track_click"),
    "trackFormView": ((), (_anything, _anything, _anything), REST, False, "track_simple"),
    "trackFormInstall": ((), (_anything, _anything, _anything), REST, False, "track_simple"),
    "trackFormVisible": ((), (_anything, _anything, _anything), REST, False, "track_simple"),
    "trackFormInteraction": ((), (_anything, _anything, _anything), REST, False, "track_simple"),
    "trackFormCompletion": ((), (_anything, _anything, _anything), REST, False, "track_simple"),
    "trackCtaView": ((), (_anything, _anything), REST, False, "track_simple"),
    "trackFeedbackView": ((), (_anything,), REST, False, "track_simple"),
    "trackApproveCookieConsent": ((), (), REST, False, "track_simple"),
    "trackDeclineCookieConsent": ((), (), REST, False, "track_simple"),
    "trackRevokeCookieConsent": ((), (), REST, False, "track_simple"),
    "doNotTrack": ((), (_anything,), PRIORITY, False, "set_do_not_track"),
    "addPrivacyConsentListener": ((_function,), (), REST, False, "add_privacy_consent_listener"),
    "revokeCookieConsent": ((), (), REST, False, "revoke_cookie_consent"),
    "enableAutomaticLinker": ((), (_flag,), REST, True, "enable_automatic_linker"),
}

# THE `_hsp` COMMANDS (the banner's public methods, P2/P3), one row each:
#   name: (required argument kinds, pass: CONFIG runs first in the banner's order (P5),
#          the PrivacyQueue method that runs it, or None for banner-only
#          configuration: accepted, no effect, as there is no banner)
HSP = {
    "addPrivacyConsentListener": ((_function,), REST, "add_consent_listener"),
    "addPrivacySettingsListener": ((_function,), REST, "add_settings_listener"),
    "revokeCookieConsent": ((), REST, "revoke"),
    "setHubSpotConsent": ((_mapping,), REST, "set_consent"),
    "showBanner": ((), REST, "show_banner"),
    "setUseGeoLocation": ((), CONFIG, None),
    "setApiBaseUrl": ((), CONFIG, None),
    "setCookiesToSubdomain": ((), CONFIG, None),
    "setUseSecureCookies": ((), CONFIG, None),
    "addCookieDomain": ((), CONFIG, None),
    "addEnabledFeatureGates": ((), CONFIG, None),
    "setBannerSettings": ((), CONFIG, None),
    "setCustomizationSettings": ((), REST, None),
    "setGeoLocation": ((), REST, None),
    "hideBanner": ((), REST, None),
    "useV2Wildcard": ((), REST, None),
    "useGoogleConsentModeV2": ((), REST, None),
}

# Lookups derived from the rows, built once at import: parse and the adapter's push
# test one dict each (a dict lookup is one step under Brython, a tuple scan is not).
SIGNATURES = {}         # name -> required kinds
OPTIONAL = {}           # name -> optional trailing kinds (only where there are some)
STATE_ONLY = {}         # name -> True
PASSES = {}             # name -> CONFIG / PRIORITY / REST
_names = list(HSQ.keys())
for _i in range(len(_names)):
    _row = HSQ[_names[_i]]
    SIGNATURES[_names[_i]] = _row[0]
    if _row[1]:
        OPTIONAL[_names[_i]] = _row[1]
    PASSES[_names[_i]] = _row[2]
    if _row[3]:
        STATE_ONLY[_names[_i]] = True

PRIVACY_SIGNATURES = {}  # name -> required kinds
PRIVACY_PASSES = {}      # name -> CONFIG / REST
BANNER_ONLY = {}         # name -> True: accepted, no effect
_names = list(HSP.keys())
for _i in range(len(_names)):
    _row = HSP[_names[_i]]
    PRIVACY_SIGNATURES[_names[_i]] = _row[0]
    PRIVACY_PASSES[_names[_i]] = _row[1]
    if _row[2] is None:
        BANNER_ONLY[_names[_i]] = True

# Names HubSpot's own loader and prelude push. They mean nothing without HubSpot's
# servers, so the shim accepts them without effect (and records that it did).
INTERNAL = ("setLegacy", "log", "embedHubSpotScript", "initEventVisualizerScript",
            "setTrackingGate", "autocaptureClicks")

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


def parse(entry, signatures, optional):
    """One raw queue entry -> Command or Ignored: parse(entry, SIGNATURES, OPTIONAL) for
    `_hsq`, parse(entry, PRIVACY_SIGNATURES, None) for `_hsp`. No defaults on purpose: under
    Brython a function with a default parses its arguments generically on every call."""
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
    given = len(entry)
    args = []
    at = 1                                  # runs per queued entry: no range()
    for check in kinds:
        raw = entry[at] if at < given else None
        value = check(raw) if raw is not None else None
        if value is None:
            got = describe(raw) if at < given else "nothing"
            return Ignored(name, "argument " + str(at) + " must be " + KIND_NAMES[check]
                           + ", got " + got)
        args.append(value)
        at += 1
    if optional is not None and name in optional:
        for check in optional[name]:
            raw = entry[at] if at < given else None
            args.append(check(raw) if raw is not None else None)
            at += 1
    return Command(name, args)
