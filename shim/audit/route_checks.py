"""The route-change rules: one route change of a single-page app (journeys.RouteFacts) ->
its problems, as checks.py does for a page load.

Rule 1: as in checks.py: a stable code (a row of checks.CODES), a message a
        marketer can act on that names the fix for the common routers (as docs/routers
        does), and the evidence: the route, its titles, the beacons sent.
Rule 2: precise over exhaustive: the view rules judge only a route change of a page whose
        tracking code sent its own page view (`tracked`), else the page's own problem
        says it all; one defect is one problem: a view that carries the previous route's
        address is stale-route-url, not also stale-route-title; a route change that threw,
        never settled or was suppressed is not also route-change-not-tracked.
Rule 3: what a message says HubSpot does is true of HubSpot's script (build 1.398): it
        watches no History API change, so it sees only the page loaded unless the app
        pushes setPath + trackPageView; trackPageView sends the address (`pu`) and title
        (`t`) of the moment it runs and the last setPath's path (`po`); every view
        pushed is sent (no duplicate check).
Rule 4: pure functions of the facts: no browser, no I/O. Routes are compared by
        shim.core.navigation's keys: path and query, and a hash route's fragment.
"""

from shim.audit.checks import describe_beacon
from shim.audit.reasons import ignored_problems, problem
from shim.core.navigation import is_hash_route, location_key, path_and_fragment

from shim.testing.beacons import Beacon

# How each common router pushes a view on a route change (docs/routers has them, tested).
TRACK_EACH_ROUTE = (
    "push ['setPath', location.pathname + location.search] and then ['trackPageView'] on "
    "every route change after the first: with React Router, in an effect on useLocation(); "
    "with Vue Router, in router.afterEach; with Next.js, in an effect on usePathname() and "
    "useSearchParams() (hsq-shim's docs/routers has each, tested)")
HASH_ROUTER = (" With a hash router, the path is location.pathname + location.search + "
               "location.hash.")
ONE_TRACKER = (
    "Keep one thing that tracks route changes: with React Router or Next.js, render the "
    "page-view component once (in the root layout, not in each page); with Vue Router, "
    "register one afterEach; and remove any second tracker (a tag manager's "
    "history-change trigger, a second hook or plugin)")
AFTER_THE_URL = (
    "push ['setPath', the new path] before ['trackPageView'], and both after the router "
    "has changed the URL: with React Router, in an effect on useLocation(); with Vue "
    "Router, in router.afterEach (not beforeEach or a guard); with Next.js, in an effect on "
    "usePathname()")
TITLE_FIRST = (
    "set the new title before pushing trackPageView: with React 19, a <title> in the page "
    "component; with Vue Router, an afterEach that sets document.title, registered before "
    "the page-view hook; with Next.js, the page's metadata")


def where(url):
    """A route as a marketer reads it: path, query and fragment, no origin."""
    path, fragment = path_and_fragment(url or "")
    return path + fragment


def view_route(beacon):
    """The route a page view records: setPath's path (`po`), else its address's key."""
    if beacon.params.get("po"):
        return beacon.params["po"]
    return location_key(beacon.url) if beacon.url else None


def check_route(route, tracked=True):
    """Every problem of one route change, in a stable order."""
    found = []
    if route.errors:
        found.append(_error(route))
    if route.stuck:
        found.append(_stuck(route))
    if not route.changed:
        return found
    beacons = [Beacon(url) for url in route.beacons]
    views = [b for b in beacons if b.kind == "page view"]
    suppressed = any((item["reason"] or "").startswith("not sent") for item in route.ignored)
    if tracked and not route.stuck:
        if not views and not route.errors and not suppressed:
            found.append(_not_tracked(route, beacons))
        if len(views) > 1:
            found.append(_double_view(route, views))
        stale = [v for v in views if _is_stale(route, v)]
        if stale:
            found.append(_stale_url(route, stale))
        titled = [v for v in views if v not in stale and _has_stale_title(route, v)]
        if titled:
            found.append(_stale_title(route, titled))
    for item in route.ignored:
        found.extend(ignored_problems(item))
    return found


def _is_stale(route, view):
    previous, new = location_key(route.from_url), location_key(route.to_url)
    return previous != new and view_route(view) == previous


def _has_stale_title(route, view):
    before, after = route.title_before or "", route.title_after or ""
    return before != after and (view.title or "") == before


def _evidence(route, beacons):
    return {"from": route.from_url, "to": route.to_url, "link": route.link.get("text"),
            "title_before": route.title_before, "title_after": route.title_after,
            "beacons": [describe_beacon(b) for b in beacons]}


def _not_tracked(route, beacons):
    message = ("The app changed the address from %s to %s without loading a page, and no "
               "page view followed within %g s. HubSpot's tracking code counts the page it "
               "was loaded on and does not watch the address bar, so HubSpot never hears "
               "of %s: unless the app reports each route change, every visit looks like "
               "a visit of its first page only. To fix it, %s."
               % (where(route.from_url), where(route.to_url), route.window_s,
                  where(route.to_url), TRACK_EACH_ROUTE))
    if is_hash_route(path_and_fragment(route.to_url)[1]):
        message += HASH_ROUTER
    return problem("route-change-not-tracked", message, **_evidence(route, beacons))


def _double_view(route, views):
    return problem(
        "route-change-double-view",
        "HubSpot's tracking code sent %d page views for one route change, from %s to %s, "
        "and HubSpot counts each, so this route's views are inflated. %s."
        % (len(views), where(route.from_url), where(route.to_url), ONE_TRACKER),
        **_evidence(route, views))


def _stale_url(route, views):
    recorded = view_route(views[0])
    new = location_key(route.to_url)
    if "#" in new and recorded == new.split("#")[0]:
        why = "The app tracks the path without its hash route." + HASH_ROUTER
    elif "?" in new and recorded == new.split("?")[0]:
        why = ("The app tracks the path without its query string: push "
               "location.pathname + location.search as the path.")
    else:
        why = "The app tracks before it has the new path: %s." % AFTER_THE_URL
    return problem(
        "stale-route-url",
        "The page view sent when the app changed the address from %s to %s records the "
        "previous route's address (%s), so HubSpot counts another view of %s and none of "
        "%s. %s" % (where(route.from_url), where(route.to_url), recorded,
                    where(route.from_url), where(route.to_url), why),
        **_evidence(route, views))


def _stale_title(route, views):
    return problem(
        "stale-route-title",
        "The page view of %s carries the previous route's title (%r) instead of %r, so "
        "HubSpot lists this view under the wrong title: its tracking code sends "
        "document.title as it is when trackPageView runs. To fix it, %s."
        % (where(route.to_url), route.title_before or "", route.title_after or "", TITLE_FIRST),
        **_evidence(route, views))


def _error(route):
    text = (route.errors[0]["message"] or "").strip()
    message = "Clicking the link to %s made the app throw an error (%s)" % (
        where(route.to_url), text.splitlines()[0][:200] if text else "no message")
    if route.changed:
        message += (". The address changed, but whatever the app does on this route change "
                    "(its page view too) may not have run: fix the error (its stack is in "
                    "the evidence).")
    else:
        message += (". The address did not change, so visitors stay where they were and the "
                    "route's page view is never sent: fix the error (its stack is in the "
                    "evidence).")
    return problem("route-change-error", message, errors=route.errors,
                   **_evidence(route, [Beacon(url) for url in route.beacons]))


def _stuck(route):
    if route.urls:
        seen = ", ".join(where(url) for url in route.urls[:5])
        more = " ..." if len(route.urls) > 5 else ""
        what = " (%s%s)" % (seen, more)
    else:
        what = ""
    advice = ("Look for a route that redirects in a loop (a guard or redirect that sends the "
              "router back and forth)" if "address" in route.stuck else
              "Look for an endless loop in the code that runs on this route")
    return problem(
        "route-change-stuck",
        "After a click on the link to %s, %s%s. Visitors get a page that never settles, and "
        "what it tracks could not be checked. %s." % (where(route.link.get("href")),
                                                      route.stuck, what, advice),
        stuck=route.stuck, urls=list(route.urls),
        **_evidence(route, [Beacon(url) for url in route.beacons]))
