"""Host tool: the pytest plugin (registered as shim.pytest_plugin, entry point `pytest11`).

Fixtures:
  hubspot        a HubSpotTracking attached to pytest-playwright's `page`: HubSpot's
                 loader URLs run the shim, HubSpot's other hosts are blocked, every beacon
                 is captured and decoded; expect_page_view / expect_identify / ...
  hubspot_async  an unattached AsyncHubSpotTracking, for the async Playwright API
                 (pytest-playwright-asyncio): `await hubspot_async.attach(page)`.
Option:
  --hubspot-shim-js PATH   serve this build instead of the packaged static/hsq-shim.js

Rule 1: this module loads in every pytest run of everyone who installed hsq-shim, so it
        imports nothing heavy and no Playwright: the fixtures only use the page they get.
Rule 2: a host tool, never shipped to the browser (tests/test_boundaries.py).
"""

import inspect

import pytest

from shim.testing.assertions import AsyncHubSpotTracking, HubSpotTracking
from shim.testing.beacons import Beacon
from shim.testing.routing import find_shim_js

__all__ = ["AsyncHubSpotTracking", "Beacon", "HubSpotTracking", "hubspot", "hubspot_async"]


def pytest_addoption(parser):
    group = parser.getgroup("hsq-shim", "HubSpot tracking tests (hsq-shim)")
    group.addoption("--hubspot-shim-js", default=None, metavar="PATH",
                    help="serve this hsq-shim.js for HubSpot's script URLs "
                         "(default: the one packaged with hsq-shim)")


def _options(request):
    path = request.config.getoption("--hubspot-shim-js", default=None)
    base_url = None
    try:
        base_url = request.getfixturevalue("base_url")
    except pytest.FixtureLookupError:
        pass
    return {"shim_js": path or find_shim_js(), "default_url": base_url}


@pytest.fixture
def hubspot(request):
    """HubSpot tracking of the test's Playwright `page`, served by the shim, captured."""
    try:
        page = request.getfixturevalue("page")
    except pytest.FixtureLookupError:
        raise pytest.UsageError(
            "the `hubspot` fixture needs pytest-playwright's `page` fixture: "
            "pip install pytest-playwright") from None
    if inspect.iscoroutinefunction(getattr(page, "route", None)):
        raise pytest.UsageError(
            "`page` is an async Playwright page: use the `hubspot_async` fixture "
            "(`await hubspot_async.attach(page)`) instead of `hubspot`")
    tracking = HubSpotTracking(**_options(request))
    tracking.attach(page)
    return tracking


@pytest.fixture
def hubspot_async(request):
    """An AsyncHubSpotTracking; attach it with `await hubspot_async.attach(page)`."""
    return AsyncHubSpotTracking(**_options(request))
