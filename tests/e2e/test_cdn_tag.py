"""The README's CDN script tag, as a site pastes it, in Chromium.

Checks: the tag exactly as the README shows it (jsDelivr URL of this version, the
committed file's sha384, crossorigin) loads the shim, which sends its page view; the
same tag with a file whose bytes differ is refused by the browser: no shim, no beacon.
"""

import os
from pathlib import Path

import pytest

from buildtools import sri
from tests.e2e.support import capture, wait_until_ready

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BUILT = (ROOT / "static" / "hsq-shim.js").read_bytes()


def readme_tag():
    text = (ROOT / "README.md").read_text()
    block = text[text.index(sri.START):text.index(sri.END)]
    return block[block.index("<script"):block.index("</script>") + len("</script>")]


def open_site(page, served_file):
    version, _ = sri.readme_block((ROOT / "README.md").read_text())
    page.route(sri.CDN_URL % version, lambda route: route.fulfill(
        body=served_file, content_type="application/javascript",
        headers={"Access-Control-Allow-Origin": "*"}))
    html = "<!doctype html><title>Site</title><h1>Site</h1>\n" + readme_tag()
    page.route("https://www.example.com/**",
               lambda route: route.fulfill(body=html, content_type="text/html"))
    tracking = capture(page)
    page.goto("https://www.example.com/pricing")
    return tracking


@pytest.mark.skipif(bool(os.environ.get("HSQ_SHIM_COVERAGE_DIR")),
                    reason="a coverage run serves the instrumented bundle, not the one README.md pins")
def test_the_readme_tag_loads_the_shim(page):
    tracking = open_site(page, BUILT)
    wait_until_ready(page)
    [view] = tracking.beacons
    assert view.params["k"] == "1" and view.params["a"] == "123"
    assert view.params["pu"] == "https://www.example.com/pricing"


def test_a_file_with_other_bytes_is_refused(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    tracking = open_site(page, BUILT + b"\n")
    page.wait_for_timeout(1500)
    assert page.evaluate("() => typeof window.hsqShim") == "undefined"
    assert tracking.beacons == [] and any("integrity" in text for text in messages), messages
