"""Single-page-app navigations: which URL changes are page views.

Rule 1: a location's key is its path and query, plus its fragment only when the
        fragment is a hash route ('#/about', '#!/about'); so a fragment-only change of
        a non-hash router ('#section-2') is not a page view, and a query-only change is.
Rule 2: a navigation is tracked only when its key differs from the last page view's,
        so pushState + popstate, or replaceState to the same URL, never count twice.
Rule 3: the duplicate guard drops one page view at most: the view right after the
        first one of the page load, when it comes within GUARD_MS and is an exact
        repeat of it (the same fields but the clock: URL, path, title, visitor, identity,
        content settings), so nothing that changes a beacon (setPath, identify,
        resetVisitor, setContentType...) happened in between. A real view (a new visitor
        after resetVisitor, another route) is never dropped; HubSpot sends the repeat too.
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


# The guard looks this long after the load's first view: routers track their initial
# route while the app mounts, right at load.
GUARD_MS = 2000
CLOCK = "cts"


def without_clock(fields):
    """A beacon's fields less its client timestamp: what makes two views the same."""
    out = []
    for pair in fields:
        if pair[0] != CLOCK:
            out.append(pair)
    return out


class DuplicateGuard:
    """The last page view's key, and the guard (Rule 3): the load's first page view arms
    it; the next view is dropped when it repeats that one exactly, and it disarms."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.used = False                   # armed once per page load
        self.first = None                   # the armed view's fields, less the clock
        self.until = 0
        self.last_view = None               # the key of the last page view sent

    def drops(self, fields, now_ms, loading):
        """Why this page view is dropped (a repeat of the load's first), or None.
        `loading`: the queue is being processed, so this view may arm the guard."""
        if not self.enabled:
            return None
        first = self.first
        if first is None:
            if loading and not self.used:
                self.used = True
                self.first = without_clock(fields)
                self.until = now_ms + GUARD_MS
            return None
        self.first = None
        if now_ms <= self.until and without_clock(fields) == first:
            return ("exact repeat of the page view sent at load (same URL, path, title, "
                    "visitor and identity); data-duplicate-guard=\"off\" sends it")
        return None
