"""Facts about the page, read by the adapter and passed into the core, and the page
state the page's commands set.

`PageEnv` changes from call to call (url, title, clock); `ClientInfo` is read once;
`PageState` is what setPath, identify, setContentType... set, sent with every beacon;
`targeted_content` turns setTargetedContentMetadata's argument into its `tc` values;
`email_from_url` is the visitor a link identifies (`?__hs_email=`).
"""

from shim.core.beacon import scalar_text
from shim.core.values import Value


class PageEnv(Value):
    __slots__ = ("url", "title", "referrer", "now_ms", "canonical_url")

    def __init__(self, url, title="", referrer="", now_ms=0, canonical_url=""):
        self.url = url
        self.title = title
        self.referrer = referrer
        self.now_ms = now_ms
        self.canonical_url = canonical_url


class ClientInfo(Value):
    """Beacon params sd, cd, cs, ln: screen 'WxH', colour depth '24-bit', charset,
    lower-cased navigator.language. Empty strings are left out of beacons."""
    __slots__ = ("screen", "color_depth", "charset", "language")

    def __init__(self, screen="", color_depth="", charset="", language=""):
        self.screen = screen
        self.color_depth = color_depth
        self.charset = charset
        self.language = language


class PageState:
    """The page's own beacon fields (po rpo pi ct ccu cpi.. tc i rv); the tracker's
    command handlers write them directly, beacon.append_groups reads them."""

    def __init__(self):
        self.path = None                    # set by setPath; None means "pu only"
        self.previous_path = None
        self.page_id = None
        self.page_id_given = None           # as setPageId got it: its listeners' value
        self.content_type = None
        self.canonical_url = None
        self.content_metadata = None
        self.targeted_content = []
        self.identity = None                # None until the first identify
        self.reset = False                  # rv=1 after resetVisitor


def targeted_content(value):
    """setTargetedContentMetadata([[a, b, c], ...]) -> ['a-b-c', ...], the beacon's `tc`:
    the first five items, of which only the triples count, as HubSpot."""
    items = value if type(value) is list else []
    out = []
    for i in range(min(len(items), 5)):
        item = items[i]
        if type(item) is list and len(item) == 3:
            out.append(scalar_text(item[0]) + "-" + scalar_text(item[1]) + "-"
                       + scalar_text(item[2]))
    return out


def url_has_debug_hash(url):
    """HubSpot turns on debug logging when the URL hash contains 'hsdbg'."""
    hash_at = url.find("#")
    return hash_at >= 0 and url.find("hsdbg", hash_at) >= 0


def hostname_of(url):
    """'https://Www.Example.com:8080/a?b' -> 'www.example.com'."""
    start = url.find("//")
    rest = url[start + 2:] if start >= 0 else url
    end = len(rest)
    for sep in "/?#":
        at = rest.find(sep)
        if 0 <= at < end:
            end = at
    host = rest[:end]
    at = host.rfind("@")
    if at >= 0:
        host = host[at + 1:]
    if host.startswith("["):
        return host[:host.find("]") + 1].lower()
    colon = host.find(":")
    if colon >= 0:
        host = host[:colon]
    return host.lower()


def split_link(url):
    """'base?query#fragment' -> (base, query or None, fragment with its '#', or '')."""
    at = url.find("#")
    fragment = url[at:] if at >= 0 else ""
    rest = url[:at] if at >= 0 else url
    at = rest.find("?")
    if at < 0:
        return rest, None, fragment
    return rest[:at], rest[at + 1:], fragment


def email_from_url(url, decode_param):
    """`?__hs_email=<address>` (HubSpot's email links): the address, or None. Read as
    HubSpot reads it, from the query (the fragment when there is none): '+' is a space, a
    part with another '=' has no value, and the value is decoded twice. `decode_param` is
    HubSpot's decoder (decodeURIComponent, else unescape), injected."""
    if url.find("__hs_email=") < 0:
        return None
    base, text, fragment = split_link(url)
    parts = (text or fragment[1:]).split("&")
    for part in parts:
        if part.startswith("__hs_email="):
            value = part[11:]
            if value.find("=") >= 0:
                return None
            return decode_param(decode_param(value)) or None
    return None
