"""Local single-page apps for the audit's tests: a small client-side router and the app's
page-view hook, in which each app plants its defect.

An app lives under a base path; its routes are {path: title}. A click on a nav link
(`data-route`) changes the URL with pushState, then runs `on_route` (by default `show();
track();`: the new title, then the hook), as the app's start does. With hash=True the routes live in the hash
(#/pricing) and the browser's own hash change runs `on_route`. Every route is also served
as a page of its own, as an app's server does (a deep link, a reload).
"""

import json

from tests.audit.sites import EMBED

# The hook of docs/routers: setPath only for the first route (the automatic view counts
# it), setPath then trackPageView on each later change of path or query.
CLEAN = """var last = null;
function track() {
  var path = location.pathname + location.search + (app.hash ? location.hash : '');
  if (last === null) _hsq.push(['setPath', path]);
  else if (path !== last) { _hsq.push(['setPath', path]); _hsq.push(['trackPageView']); }
  last = path;
}"""

ROUTER = """var _hsq = window._hsq = window._hsq || [];
var app = %(app)s;
function route() { return app.hash ? (location.hash.slice(1) || '/') : location.pathname; }
function show() {
  var title = app.titles[route()];
  if (title === undefined) throw new TypeError("Cannot read properties of undefined (reading 'title')");
  document.title = title;
  document.getElementById('heading').textContent = title;
}
%(hook)s
function onRoute() { %(on_route)s }
document.addEventListener('click', function (event) {
  var link = event.target.closest ? event.target.closest('a[data-route]') : null;
  if (!link || link.target || event.defaultPrevented) return;
  event.preventDefault();
  history.pushState({}, '', link.href);
  onRoute();
});
if (app.hash) addEventListener('hashchange', onRoute);
onRoute();"""


def spa(base, titles, hook=CLEAN, on_route="show(); track();", hash=False, nav=None):
    """{path: html}: the app's page at `base` and at each of its routes. `titles` keys
    are paths (/app/pricing), or hash routes (/pricing) when hash=True; `nav` replaces
    the links to every route."""
    if nav is None:
        nav = " ".join(('<a href="#%s">%s</a>' if hash else '<a data-route href="%s">%s</a>')
                       % (path, title) for path, title in titles.items() if path != ("/" if hash else base))
    script = ROUTER % {"app": json.dumps({"titles": titles, "hash": hash}), "hook": hook,
                       "on_route": on_route}
    html = ("<!doctype html><html><head><meta charset=utf-8><title>App</title></head><body>"
            "<nav>%s</nav><h1 id=heading></h1><script>%s</script>%s</body></html>"
            % (nav, script, EMBED))
    return {path: html for path in [base] + ([] if hash else [p for p in titles if p != base])}
