"""Link discovery: which URLs the audit may open, and under which key a page counts.

Rule 1: a page is keyed by its URL without the fragment (`normalise`); a route of a
        single-page app by its URL with the fragment only when the fragment is a hash
        route (`route_key`), by shim.core.navigation's rules, so `/#/pricing` and
        `/#/about` are two routes and `/docs#install` is the page `/docs`.
Rule 2: files (FILE_EXTENSIONS) are never opened; robots.txt (user agent `hsq-shim`)
        rules the links found, not the URLs the user named.
Rule 3: a same-document URL change is a route change when its location key changes
        (shim.core.navigation.location_key: path, query, hash route), a trailing slash
        aside (`is_route_change`); a journey clicks a link that stays in this window on
        this origin, another route's first (`next_link`).
"""

import urllib.error
import urllib.request
import urllib.robotparser
from urllib.parse import urldefrag, urljoin, urlsplit

from shim.core.navigation import is_hash_route, location_key

USER_AGENT = "hsq-shim"
ROBOTS_TIMEOUT_S = 5

# Links to these are files, not pages: never opened by the crawl.
FILE_EXTENSIONS = frozenset(
    "pdf zip gz tgz bz2 xz 7z rar dmg exe msi pkg deb rpm apk iso jpg jpeg png gif webp svg "
    "ico bmp tif tiff avif mp3 mp4 m4a m4v mov avi webm ogg wav flac csv xls xlsx doc docx "
    "ppt pptx odt ods rtf txt json xml rss atom css js mjs map woff woff2 ttf otf eot".split())


def origin(url):
    parts = urlsplit(url)
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").lower()
    return "%s://%s%s" % (parts.scheme, host, "" if port in (None, default) else ":%d" % port)


def normalise(url, base=None):
    """An absolute http(s) URL without its fragment, or None."""
    try:
        url = urljoin(base, url) if base else url
        url = urldefrag(url.strip())[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if not parts.path:
        url = url.replace(parts.netloc, parts.netloc + "/", 1) if not parts.query else url
    return url


def route_key(url):
    """The key of a route change's URL (Rule 1): normalised, plus a hash route's fragment."""
    page = normalise(url)
    if page is None:
        return None
    at = url.find("#")
    fragment = url[at:] if at >= 0 else ""
    return page + fragment if is_hash_route(fragment) else page


def is_route_change(before, after):
    """Whether a same-document URL change is a route change (a page view by the shim's
    rules, shim.core.navigation): its path, query or hash route changed, not just an
    anchor; nor just a trailing slash (a router normalising the address of the route it
    shows: React Router's link to its home on /app/ replaces it with /app)."""
    return _without_trailing_slash(location_key(before)) != _without_trailing_slash(
        location_key(after))


def _without_trailing_slash(key):
    path, hash_at = key, key.find("#")
    rest = ""
    if hash_at >= 0:
        path, rest = key[:hash_at], key[hash_at:]
    query_at = path.find("?")
    if query_at >= 0:
        path, rest = path[:query_at], path[query_at:] + rest
    return (path.rstrip("/") or "/") + rest


# A link's target that keeps the click in this window (the main frame's _top and _parent).
SAME_WINDOW = ("", "_self", "_top", "_parent")


def next_link(links, current, tried, route_open):
    """The link a route-change journey clicks next, or None. Of `links` ({href, target,
    download}: the page's visible links, in document order), the first that stays in
    this window on this origin, is not a download and was not tried: one to another
    route that route_open(href) allows, else one to this route (an anchor, or a link
    whose script routes elsewhere: only clicking tells)."""
    here = origin(current) if normalise(current) else None
    this_route = None
    for link in links or ():
        href = link.get("href") or ""
        if (href in tried or href == current or link.get("download")
                or (link.get("target") or "") not in SAME_WINDOW
                or normalise(href) is None or origin(href) != here):
            continue
        if is_route_change(current, href):
            if route_open(href):
                return link
        elif this_route is None:
            this_route = link
    return this_route


def looks_like_file(url):
    path = urlsplit(url).path
    name = path[path.rfind("/") + 1:]
    return "." in name and name[name.rfind(".") + 1:].lower() in FILE_EXTENSIONS


class Robots:
    """robots.txt per origin, fetched once; an unreachable or missing file allows all."""

    def __init__(self, enabled=True):
        self.enabled = enabled
        self._parsers = {}

    def allowed(self, url):
        if not self.enabled:
            return True
        key = origin(url)
        if key not in self._parsers:
            self._parsers[key] = self._fetch(key + "/robots.txt")
        parser = self._parsers[key]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    @staticmethod
    def _fetch(url):
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=ROBOTS_TIMEOUT_S) as response:
                body = response.read(512 * 1024).decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):    # as urllib.robotparser reads it: all closed
                parser = urllib.robotparser.RobotFileParser()
                parser.disallow_all = True
                return parser
            return None
        except Exception:                   # unreachable, timeout, bad TLS: no rules
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(body.splitlines())
        return parser
