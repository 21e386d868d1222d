"""`python -m shim.audit` as a user runs it, on a site whose tracking is right: exit status
0, a one-line verdict, nothing reported; `--max-pages` bounds the crawl. And the package's
rules: importing it loads no Playwright, and it never reaches the browser bundle."""

import json
import subprocess
import sys
from pathlib import Path

import build
from tests.audit.conftest import FAST
from tests.audit.sites import EMBED, links, page, site_fixture

ROOT = Path(__file__).resolve().parents[2]
OPT_IN_EMBED = EMBED.replace("async defer", 'async defer data-consent-policy="OPT_IN"')

PAGES = {
    "/": page("Home", links("/pricing", "/contact", "/blog/", "/blog/first-post")),
    "/pricing": page("Pricing", "<script>var _hsq = window._hsq = window._hsq || [];\n"
                     "_hsq.push(['setContentType', 'standard-page']);</script>"),
    # Opt-in and no decision yet: beacons anonymous, no visitor cookie: nothing to report.
    "/contact": page("Contact", "<script>var _hsp = window._hsp = window._hsp || [];\n"
                     "_hsp.push(['addPrivacyConsentListener', function (c) {}]);</script>",
                     embed=OPT_IN_EMBED),
    "/blog/": page("Blog", links("/blog/first-post")),
    "/blog/first-post": page("First post"),
}


site = site_fixture(PAGES)


def test_a_clean_site_exits_0_and_reports_nothing(site, tmp_path):
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "shim.audit", site.url, "--max-pages", "4",
                           "--json", str(report)] + FAST,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("hsq-shim check: no problem on 4 pages  %s/ (" % site.url)
    document = json.loads(report.read_text())
    assert [(p["url"].replace(site.url, ""), p["page_views"], p["problems"])
            for p in document["pages"]] == [
        ("/", 1, []), ("/pricing", 1, []), ("/contact", 1, []), ("/blog/", 1, [])]
    assert document["skipped"] == [{"url": site.url + "/blog/first-post",
                                    "reason": "over --max-pages", "linked_from": site.url + "/"}]
    contact = document["pages"][2]
    assert contact["consent_policy"] == "OPT_IN" and contact["cookies"] == []
    assert "hubspotutk" in document["pages"][0]["cookies"]     # no banner: stored at once
    assert "/blog/first-post" not in site.requests


def test_importing_the_audit_loads_no_playwright():
    code = ("import sys, shim.audit, shim.audit.checks, shim.audit.report; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'playwright'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_audit_is_host_code_the_browser_bundle_never_gets():
    assert not [name for name in build.BROWSER_MODULES if name.startswith("shim.audit")]
    for path in (ROOT / "shim" / "audit").glob("*.py"):
        assert "shim.adapter" not in path.read_text(), path.name
