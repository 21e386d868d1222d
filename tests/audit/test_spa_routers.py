"""`hsq-shim check` on real single-page apps: the router apps of tests/routers (React Router
8 and Vue Router 5 for real, the Next.js snippet over its stand-in for next/navigation),
each tracking page views with its docs/routers snippet, as a site would embed them
(HubSpot's loader tag, answered by the shim). The audit follows their route changes
(a new path, a query-only change; not the #faq anchor, not Vue's aborted navigation)
and reports nothing: the snippets send one view per route change, with its path and
title, and none for the first route.

Needs `npm ci --prefix tests/routers` (./dev test runs it); the bundles are built by
tests/e2e/test_routers.py's fixture, on its worker (the same xdist group).
"""

import pytest

from tests.audit.conftest import AuditRun
from tests.audit.sites import EMBED, Site
from tests.e2e.test_routers import router_bundles  # noqa: F401 (a fixture)

pytestmark = pytest.mark.xdist_group("test_routers")

PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" '
        'href="data:,">%s<script defer src="/dist/%s.js"></script></head><body><div id="root">'
        '</div></body></html>')
APPS = ["react", "vue", "next"]
# Each app's route changes, in order. React Router's Home link (/spa/react) only drops
# the slash of /spa/react/, which is no route change; from /spa/react/pricing it is one.
JOURNEYS = {
    "react": ["/spa/react/pricing", "/spa/react", "/spa/react/pricing?plan=pro",
              "/spa/react/docs/setup"],
    "vue": ["/spa/vue/pricing", "/spa/vue/pricing?plan=pro", "/spa/vue/docs/setup"],
    "next": ["/spa/next/pricing", "/spa/next/pricing?plan=pro", "/spa/next/docs/setup"],
}


@pytest.fixture(scope="module")
def run(router_bundles, tmp_path_factory):  # noqa: F811
    routes = {}
    for name in APPS:
        routes["/spa/%s*" % name] = PAGE % (EMBED, name)
        routes["/dist/%s.js" % name] = (200, {"Content-Type": "text/javascript"},
                                        (router_bundles / ("%s.js" % name)).read_bytes())
    with Site(routes) as site:
        yield site, AuditRun(tmp_path_factory.mktemp("routers"),
                             [site.url + "/spa/%s/" % name for name in APPS])


@pytest.mark.parametrize("name", APPS)
def test_a_router_app_tracked_as_docs_routers_says_reports_nothing(run, name):
    site, audit = run
    home = audit.page(site.url + "/spa/%s/" % name)
    assert (home["page_views"], home["problems"]) == (1, [])
    assert [r["to"].replace(site.url, "") for r in home["routes"]] == JOURNEYS[name]
    for route in home["routes"]:
        assert (route["page_views"], route["problems"], route["history"]) == (
            1, [], "pushState"), route
        [view] = route["beacons"]
        assert (view["path"], view["title"]) == (route["to"].replace(site.url, ""),
                                                 route["title_after"])


def test_the_whole_audit_is_clean(run):
    _site, audit = run
    assert (audit.status, audit.report["summary"]["problems"], audit.stderr) == (0, 0, "")
    assert audit.stdout.startswith("hsq-shim check: no problem on ")
