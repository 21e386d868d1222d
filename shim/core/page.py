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


def email_from_url(url, decode_param):
    """`?__hs_email=<address>` (HubSpot's email links): the address, or None. Read as
    HubSpot reads it, from the query (the fragment when there is none): '+' is a space,
    a part with more than one '=' has no value, and the value is decoded twice; a name
    given twice identifies nobody. `decode_param` is HubSpot's decoder
    (decodeURIComponent, else unescape), injected."""
    if url.find("__hs_email") < 0:
        return None
    hash_at = url.find("#")
    rest = url[:hash_at] if hash_at >= 0 else url
    query_at = rest.find("?")
    if 0 <= query_at < len(rest) - 1:
        text = rest[query_at + 1:]
    else:
        text = url[hash_at + 1:] if hash_at >= 0 else ""
    found = None
    parts = text.replace("+", " ").split("&")
    for part in parts:
        pair = part.split("=")
        if decode_param(pair[0]) == "__hs_email":
            if found is not None:
                return None
            found = decode_param(pair[1]) if len(pair) == 2 else ""
    return decode_param(found) or None if found else None
