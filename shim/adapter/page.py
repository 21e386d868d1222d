"""The page's facts, read into plain values for the core, and the browser services the
core is given (the URI encoder, a random source).

Rule 1: reading the page never throws: a sandboxed frame's cookies, a cross-origin top
        frame's referrer, a missing crypto all fall back, and the fallback is reported
        (cookie_problem, random_source) for the hsqShim record.
Rule 2: only reads here; writing to the page is shim.adapter.effects' job.
"""

from browser import document, window

from shim.adapter.values import MAX_VALUES, NULL, UNDEFINED, to_py
from shim.core.config import ATTRIBUTES, SWITCHES, is_tracking_src
from shim.core.cookies import DEBUG_COOKIE
from shim.core.page import ClientInfo, PageEnv

_native_encode = window.encodeURIComponent
_reflect_get = window.Reflect.get
_now = window.Date.now


def encode(text):
    # The native encoder throws URIError on lone surrogates; the core's twin does not.
    try:
        return _native_encode(text)
    except Exception:
        from shim.core.codec import encode_component
        return encode_component(text)


_native_decode = window.decodeURIComponent
_unescape = window.unescape


def decode_param(text):
    """HubSpot's decoder for its URL parameters: '+' is a space, then decodeURIComponent,
    or unescape where that throws (a bad escape, bytes that are not UTF-8)."""
    text = text.replace("+", " ")
    try:
        return _native_decode(text)
    except Exception:
        return _unescape(text)


def rand32():
    return window.crypto.getRandomValues(window.Uint32Array.new(1))[0]


def math_rand32():
    return window.Math.floor(window.Math.random() * 4294967296)


def random_source():
    """(rand32, None), or (a Math.random source, why) where crypto.getRandomValues is
    missing or throws: the visitor still gets a token, and the record says why."""
    try:
        rand32()
        return rand32, None
    except Exception as error:
        return math_rand32, ("unavailable (" + str(error)[:100]
                             + "): visitor tokens come from Math.random")


def read_cookies():
    """document.cookie, or '' where reading it throws (a sandboxed frame: SecurityError)."""
    try:
        return document.cookie
    except Exception:
        return ""


def cookie_problem():
    """Why document.cookie cannot be used, or None."""
    try:
        document.cookie
        return None
    except Exception as error:
        return ("unavailable (" + str(error)[:100]
                + "): no cookie is read or written, beacons are still sent")


def own_script():
    """The shim's <script> element: the current script, or the last one that looks
    like ours (the boot may run after currentScript is gone)."""
    current = document.currentScript
    if current is not NULL and current is not UNDEFINED and current is not None:
        return current
    scripts = document.querySelectorAll("script[src]")
    for i in range(scripts.length - 1, -1, -1):
        script = scripts[i]
        if script.hasAttribute("data-portal-id") or is_tracking_src(script.src):
            return script
    return None


def attribute(script, name):
    if script is None or not script.hasAttribute(name):
        return None
    return script.getAttribute(name)


def script_attributes(script):
    """The script's configuration attributes as strings (None when absent)."""
    values = {}
    for i in range(len(ATTRIBUTES)):
        values[ATTRIBUTES[i]] = attribute(script, ATTRIBUTES[i])
    return values


def config_overrides():
    """window.hsqShimConfig's switches (config.SWITCHES), as Python values."""
    overrides = {}
    config = getattr(window, "hsqShimConfig", None)
    if config is None or config is UNDEFINED or config is NULL:
        return overrides
    keys = list(SWITCHES.keys())
    for i in range(len(keys)):
        value = getattr(config, keys[i], None)
        if value is True or value is False:
            overrides[keys[i]] = value
    return overrides


def read_referrer():
    try:
        return window.top.document.referrer or document.referrer
    except Exception:                       # cross-origin top frame
        return document.referrer


def read_canonical():
    link = document.querySelector('link[rel="canonical"]')
    if link is NULL or link is None:
        return ""
    return link.href or ""


def page_env(canonical):
    return PageEnv(window.location.href, document.title or "", read_referrer() or "",
                   int(_now()), canonical)


def client_info():
    screen = window.screen
    return ClientInfo(str(screen.width) + "x" + str(screen.height),
                      str(screen.colorDepth) + "-bit", document.characterSet or "",
                      (window.navigator.language or "").lower())


def gpc_signal():
    """navigator.globalPrivacyControl, overridden by ?_hsGpcSignal=true|false (HubSpot's
    test hook)."""
    search = window.location.search or ""
    if "_hsGpcSignal=true" in search:
        return True
    if "_hsGpcSignal=false" in search:
        return False
    return getattr(window.navigator, "globalPrivacyControl", None) is True


def page_user_token():
    """window.__hsUserToken as the page has set it (None when unset); the tracker asks at
    load, when HubSpot's tracker reads it."""
    try:
        return to_py(_reflect_get(window, "__hsUserToken"), 0, [MAX_VALUES])
    except Exception:
        return None


def debug_cookie_set():
    return ("; " + read_cookies()).find("; " + DEBUG_COOKIE + "=1") >= 0
