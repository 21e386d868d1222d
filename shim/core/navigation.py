"""Single-page-app navigations: which URL changes are page views.

Rule 1: a location's key is its path and query, plus its fragment only when the
        fragment is a hash route ('#/about', '#!/about'); so a fragment-only change of
        a non-hash router ('#section-2') is not a page view, and a query-only change is.
Rule 2: a navigation is tracked only when its key differs from the last page view's,
        so pushState + popstate, or replaceState to the same URL, never count twice.
Rule 3: the duplicate guard drops one page view: the first after the automatic view,
        within GUARD_MS, for the same location (a router tracking its initial route).
"""


def path_and_fragment(url):
    """'https://h/p?q#f' -> ('/p?q', '#f'); no origin in the first part."""
    hash_at = url.find("#")
    fragment = url[hash_at:] if hash_at >= 0 else ""
    rest = url[:hash_at] if hash_at >= 0 else url
    scheme = rest.find("//")
    if scheme >= 0:
        start = scheme + 2
        end = len(rest)
        for sep in "/?":
            at = rest.find(sep, start)
            if 0 <= at < end:
                end = at
        path = rest[end:]
    else:
        path = rest
    if not path.startswith("/"):
        path = "/" + path
    return path, fragment


def is_hash_route(fragment):
    return fragment.startswith("#/") or fragment.startswith("#!/")


def location_key(url):
    """The path HubSpot's setPath would take for this URL (Rule 1)."""
    path, fragment = path_and_fragment(url)
    if is_hash_route(fragment):
        # A hash router's route lives in the fragment: '/#/about', as HubSpot documents.
        return path + fragment
    return path


def same_location(a, b):
    """Equal keys, or equal once a non-route fragment is ignored on either side."""
    if a == b:
        return True
    return a.split("#")[0] == b.split("#")[0] and not (is_hash_route(fragment_of(a))
                                                       or is_hash_route(fragment_of(b)))


def fragment_of(key):
    at = key.find("#")
    return key[at:] if at >= 0 else ""


# The guard looks this long after the automatic view: routers track their initial
# route while the app mounts, right at load.
GUARD_MS = 2000


class DuplicateGuard:
    """The last page view's key, and the guard (Rule 3): armed by the automatic view,
    it drops the next view when it is for the same location, then disarms."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.armed = False
        self.until = 0
        self.last_view = None               # the key of the last page view sent

    def arm(self, now_ms):
        self.armed = self.enabled and self.last_view is not None
        self.until = now_ms + GUARD_MS

    def drops(self, key, now_ms):
        """Why this view is dropped (the router's copy of the automatic one), or None."""
        if not self.armed:
            return None
        self.armed = False
        if now_ms <= self.until and same_location(key, self.last_view):
            return ("duplicate of the automatic page view for " + key
                    + " (data-duplicate-guard=\"off\" sends it)")
        return None
