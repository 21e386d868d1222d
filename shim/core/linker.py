"""Cross-domain linking (spec §3.2 enableAutomaticLinker, §5.2): one visitor across the
site's cookie domains, carried in links as `__hstc=..&__hssc=..&__hsfp=..`.

Arriving (`arriving`, once per page load, before the jar reads the visitor from the cookies):
Rule 1: the page URL's query holds `__hstc` and `__hssc` once each, both well formed
        (visitor.parse_hstc / parse_hssc, at most 200 characters), their timestamps in
        order (first visit <= previous <= current, first visit <= session start), with
        the same domain hash, which is the hash of one of the configured cookie domains
        (addCookieDomain, data-cookie-domain); `__hsfp`, when present, is '' or a short
        hex/digit string (up to 64 characters).
Rule 2: freshness instead of HubSpot's fingerprint check: HubSpot also requires `__hsfp`
        to equal the local browser fingerprint, which the shim does not compute (D11).
        The link is adopted only when the session in it (the start in `__hssc`) began
        within the last 30 minutes and not more than a minute in the future, so a link
        shared or bookmarked later does not merge strangers into one visitor. The cost:
        a visitor whose session began more than 30 minutes before the click arrives as
        a new visitor (the parameters carry when the session started, not when the
        visitor was last active).
Rule 3: an adopted link stands in for the visitor cookies: the visitor, its timestamps
        and its session continue (a view more in the same session). When the cookies
        already hold the same visitor at least as far along (a reload of the arrival
        URL), the cookies win. Saving the adopted visitor is consent's decision, as
        for any visitor (jar.save).
Rule 4: parameters that are not adopted change nothing; the tracker records the reason
        (for `__hstc`, in hsqShim.ignored); a URL without them records nothing.

Leaving (`linked_url`, through Tracker.link, at the moment a link is followed):
Rule 5: only http(s) links whose host is inside a configured cookie domain other than
        the one holding the page's host get the parameters (a link within the same
        cookie domain shares the cookies already); anything else is left as it is.
Rule 6: the link keeps its own query (less trailing empty parts: `?a=1&&` gives
        `?a=1&__hstc=...`) and fragment; parameters of ours already in it are
        replaced, so decorating twice gives the same URL. `__hsfp` is '': the shim
        computes no fingerprint.
"""

from shim.core.cookies import MAX_COOKIE_VALUE
from shim.core.domain import cookie_domain, domain_hash
from shim.core.page import hostname_of, split_link
from shim.core.text import HEX_DIGITS, only
from shim.core.visitor import parse_hssc, parse_hstc

FRESH_MS = 30 * 60 * 1000           # a link's session must have started this recently
SKEW_MS = 60 * 1000                 # and not later than this after the page's clock
MAX_FINGERPRINT = 64
LINK_NAMES = {"__hstc": True, "__hssc": True, "__hsfp": True}
FINGERPRINT_CHARS = HEX_DIGITS + "-"
NOT_ADOPTED = "cross-domain parameters not adopted: "


# -- reading a URL's query -------------------------------------------------------

def link_params(url):
    """The cross-domain parameters in `url`'s query -> ({name: raw value}, problem).
    `problem` says which one appears more than once (then the dict is incomplete)."""
    found = {}
    query = split_link(url)[1]
    if query is None or query.find("__hs") < 0:
        return found, None
    parts = query.split("&")
    for i in range(len(parts)):
        part = parts[i]
        eq = part.find("=")
        name = part[:eq] if eq >= 0 else part
        if name in LINK_NAMES:
            if name in found:
                return found, name + " appears more than once"
            found[name] = part[eq + 1:] if eq >= 0 else ""
    return found, None


# -- arriving --------------------------------------------------------------------

def linked_visitor(params, domains, now_ms):
    """The parameters found in a page URL -> ((hstc, hssc), None) to adopt, or
    (None, why not)."""
    hstc = params["__hstc"] if "__hstc" in params else None
    hssc = params["__hssc"] if "__hssc" in params else None
    if hstc is None or hssc is None:
        return None, ("__hssc" if hstc is not None else "__hstc") + " is missing"
    values = [hstc, hssc, params["__hsfp"] if "__hsfp" in params else ""]
    limits = [MAX_COOKIE_VALUE, MAX_COOKIE_VALUE, MAX_FINGERPRINT]
    names = ["__hstc", "__hssc", "__hsfp"]
    for i in range(3):
        if len(values[i]) > limits[i]:
            return None, (names[i] + " is oversized (" + str(len(values[i]))
                          + " characters, at most " + str(limits[i]) + ")")
    visitor = parse_hstc(hstc, now_ms)
    if visitor is None:
        return None, "__hstc is malformed"
    session = parse_hssc(hssc, now_ms)
    if session is None:
        return None, "__hssc is malformed"
    if not only(values[2].lower(), FINGERPRINT_CHARS):
        return None, "__hsfp is malformed"
    utk, initial, previous, current, number = visitor
    start = session[1]
    if not (initial <= previous <= current and initial <= start):
        return None, "tampered: the timestamps are out of order"
    link_hash = hstc[:hstc.find(".")]
    if hssc[:hssc.find(".")] != link_hash:
        return None, "tampered: __hstc and __hssc carry different domain hashes"
    if not from_domains(link_hash, domains):
        return None, ("the domain hash " + link_hash
                      + " is not that of a configured cookie domain")
    if start > now_ms + SKEW_MS:
        return None, "the session in the link starts in the future"
    if now_ms - start > FRESH_MS:
        return None, ("stale: the session in the link started "
                      + str((now_ms - start) // 60000) + " minutes ago (links are adopted"
                      " for 30 minutes after the session starts)")
    return (hstc, hssc), None


def from_domains(link_hash, domains):
    for i in range(len(domains)):
        if str(domain_hash(domains[i])) == link_hash:
            return True
    return False


def _progress(hstc, hssc, now_ms):
    """(token, session number, views) of a visitor's values; views 0 without a session."""
    visitor = parse_hstc(hstc, now_ms)
    if visitor is None:
        return None
    session = parse_hssc(hssc, now_ms) if hssc is not None else None
    return visitor[0], visitor[4], session[0] if session is not None else 0


def arriving(url, cookies, domains, now_ms):
    """(the cookies to read this page's visitor from, why the link was not adopted or
    None): `cookies`, or a copy whose visitor cookies are the link's when the page URL
    carries parameters to adopt (Rules 1-4)."""
    params, problem = link_params(url)
    if problem is None and not params:
        return cookies, None
    adopted = None
    if problem is None:
        adopted, problem = linked_visitor(params, domains, now_ms)
    if adopted is None:
        return cookies, NOT_ADOPTED + problem
    hstc, hssc = adopted
    if "__hstc" in cookies:
        live = "__hssrc" in cookies and cookies["__hssrc"] == "1" and "__hssc" in cookies
        own = _progress(cookies["__hstc"], cookies["__hssc"] if live else None, now_ms)
        link = _progress(hstc, hssc, now_ms)
        if (own is not None and own[0] == link[0]
                and (own[1] > link[1] or (own[1] == link[1] and own[2] >= link[2]))):
            return cookies, None            # this visitor, already as far along here
    linked = dict(cookies)
    linked["__hstc"] = hstc
    linked["__hssc"] = hssc
    linked["__hssrc"] = "1"                 # the session continues
    return linked, None


# -- leaving ---------------------------------------------------------------------

def leads_elsewhere(href, page_url, domains):
    """An http(s) link into a configured cookie domain that does not hold the page (Rule 5)."""
    scheme = href[:8].lower()
    if not (scheme.startswith("https://") or scheme.startswith("http://")):
        return False
    target = cookie_domain(hostname_of(href), domains, False)
    return target != "" and target != cookie_domain(hostname_of(page_url), domains, False)


def decorate(href, hstc, hssc, hsfp=""):
    """`href` carrying the cross-domain parameters, its own query and fragment kept (Rule 6)."""
    base, query, fragment = split_link(href)
    kept = ""
    if query:
        parts = query.split("&")
        first = True
        end = 0                             # where the last non-empty part kept ends
        for i in range(len(parts)):
            part = parts[i]
            eq = part.find("=")
            if (part[:eq] if eq >= 0 else part) in LINK_NAMES:
                continue
            kept += part if first else "&" + part
            first = False
            if part:
                end = len(kept)
        # Trailing empty parts carry nothing, and kept they would merge with our first
        # parameter: decorating the result again would give another URL.
        kept = kept[:end]
        if kept:
            kept += "&"
    return (base + "?" + kept + "__hstc=" + hstc + "&__hssc=" + hssc + "&__hsfp=" + hsfp
            + fragment)


def linked_url(href, page_url, domains, hstc, hssc):
    """The URL to follow instead of `href`, or None to leave the link as it is."""
    if type(href) is not str or not leads_elsewhere(href, page_url, domains):
        return None
    return decorate(href, hstc, hssc)
