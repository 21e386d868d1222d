"""The plugin as a user meets it: inner pytest runs (subprocesses, see conftest.py) in a fresh project
directory that only has a conftest for launching Chromium. The `hubspot` fixture comes
from the installed package's `pytest11` entry point, the `page` from pytest-playwright.

Checks: the README's test passes as written; failing expectations fail with a message
that lists every beacon, one per line, and hides the plugin's own frames; the plugin
loads, and stays out of the way, without pytest-playwright.
"""

import re
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

PAGES = '''
EMBED = """<!doctype html><title>Pricing</title><h1>Pricing</h1>
<script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/123.js"></script>"""
# A site that queues its own trackPageView before HubSpot loads: HubSpot's classic
# double page view (the automatic one plus this one). The plugin turns the shim's
# duplicate guard off, so a test sees what HubSpot's own script would send.
DOUBLE = EMBED.replace("<h1>", "<script>window._hsq = [['trackPageView']];</script><h1>")
PLAIN = "<!doctype html><title>No HubSpot</title><h1>No embed code here</h1>"


def serve(page, html):
    page.route("https://www.example.com/**",
               lambda route: route.fulfill(body=html, content_type="text/html"))
'''

FAILING = PAGES + '''

def test_wrong_path(page, hubspot):
    serve(page, EMBED)
    page.goto("https://www.example.com/pricing")
    hubspot.expect_page_view()                      # loaded (a busy machine may be slow)
    hubspot.expect_page_view(path="/about", timeout=500)


def test_double_page_view(page, hubspot):
    serve(page, DOUBLE)
    page.goto("https://www.example.com/pricing")
    hubspot.expect_page_view()
    hubspot.expect_page_views(1, within_ms=800)


def test_nothing_expected_but_a_page_view_sent(page, hubspot):
    serve(page, EMBED)
    page.goto("https://www.example.com/pricing")
    hubspot.expect_page_view()
    hubspot.expect_no_beacon(within_ms=300)


def test_page_without_embed_code(page, hubspot):
    serve(page, PLAIN)
    page.goto("https://www.example.com/")
    hubspot.expect_page_view(timeout=300)


def test_passing_next_to_the_failing_ones(page, hubspot):
    serve(page, EMBED)
    page.goto("https://www.example.com/pricing")
    hubspot.expect_page_view(path="/pricing", portal=123, title="Pricing")
'''

VIEW_LINE = ("*1. page view    portal=123 path='/pricing' url='https://www.example.com/pricing' "
             "title='Pricing' via track.hubspot.com/__ptq.gif")


def readme_test():
    """The Python block of the README's section on the plugin, verbatim."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Testing your site's HubSpot tracking"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_plugin_is_registered_by_the_package():
    [entry] = [e for e in entry_points(group="pytest11") if e.name == "hsq_shim"]
    assert entry.value == "shim.pytest_plugin"


def test_readme_example_passes_and_failures_list_every_beacon(user_project):
    """One inner session (one Chromium): the README's test, plus failing tests."""
    user_project.write(test_hubspot_tracking=readme_test(), test_site=FAILING)
    result = user_project.run("-q", "-rA")
    result.assert_outcomes(failed=4, passed=2)
    result.stdout.fnmatch_lines([
        "PASSED test_hubspot_tracking.py::test_pricing_page_is_tracked_once_then_identified*"])
    result.stdout.fnmatch_lines([
        "*_ test_wrong_path*",
        ">*hubspot.expect_page_view(path=\"/about\", timeout=500)",
        "E*AssertionError: Expected a page view with path='/about' within 500 ms, "
        "but none of the beacons matched.",
        "E*Beacons received (1):",
        "E " + VIEW_LINE,
        "E*HubSpot scripts answered with the shim: https://js.hs-scripts.com/123.js",

        "*_ test_double_page_view*",
        "E*AssertionError: Expected exactly 1 × page view within 800 ms, got 2.",
        "E*Beacons received (2):",
        "E " + VIEW_LINE,
        "E*2. page view    portal=123 path='/pricing'*",

        "*_ test_nothing_expected_but_a_page_view_sent*",
        "E*AssertionError: Expected no beacon within 300 ms, got 1.",
        "E " + VIEW_LINE,

        "*_ test_page_without_embed_code*",
        "E*AssertionError: Expected a page view within 300 ms, but none of the beacons matched.",
        "E*Beacons received: none.",
        "E*No HubSpot script was requested*was tracking attached before page.goto()?",
    ])
    # The failure points at the user's line, not into the plugin.
    assert "shim/testing/" not in result.stdout.str()


def test_the_plugin_loads_without_pytest_playwright(user_project):
    user_project.write(test_other="""
        def test_unrelated():
            assert True

        def test_asks_for_hubspot(hubspot):
            pass
    """)
    result = user_project.run("-q", "-p", "no:playwright")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*the `hubspot` fixture needs pytest-playwright's `page` "
                                 "fixture: pip install pytest-playwright*"])


def test_importing_the_plugin_imports_no_playwright():
    code = ("import sys, shim.pytest_plugin; "
            "assert not [m for m in sys.modules if m.split('.')[0] == 'playwright'], 'playwright'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(ROOT))
