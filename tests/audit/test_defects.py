"""`hsq-shim check` on a local site with planted tracking defects and clean pages: each
defect is reported once, with its code, an actionable message and its evidence; the clean
pages report nothing; the crawl stays on the site and obeys robots.txt; the exit status
is 1; the HTML report renders in Chromium."""

import re

import pytest

from tests.audit.conftest import AuditRun
from tests.audit.sites import EMBED, links, page, site_fixture

QUEUE = "<script>var _hsq = window._hsq = window._hsq || [];\n%s</script>"
PRIVACY = "<script>var _hsp = window._hsp = window._hsp || [];\n%s</script>"
# A single-page app's route change, once the tracking code has started (a click later).
AFTER_START = ("(function wait() { if (window.hsqShim && hsqShim.ready) { %s } "
               "else { setTimeout(wait, 20); } })();")

PAGES = {
    "/": page("Home", links("/spa", "/double", "/typos", "/typos#again", "/identify",
                            "/no-embed", "/error", "/consent", "/off", "/portals", "/moved", "/csp",
                            "/doc.pdf", "/private/secret", "http://other.invalid/elsewhere",
                            "mailto:team@example.com")
              + QUEUE % ("_hsq.push(['identify', {email: 'ada@example.com', firstname: 'Ada'}]);\n"
                         "_hsq.push(['trackCustomBehavioralEvent', {name: 'pe123_home_viewed', "
                         "properties: {plan: 'pro'}}]);")
              # An error of the page's own, unrelated to tracking: not the audit's business.
              + "<script>document.getElementById('missing-widget').textContent = 'x';</script>"),
    "/spa": page("App", QUEUE % AFTER_START % (
        "history.pushState({}, '', '/spa/settings'); _hsq.push(['setPath', '/spa/settings']); "
        "_hsq.push(['trackPageView']);")),
    "/double": page("Double", QUEUE % "_hsq.push(['trackPageView']);"),
    "/typos": page("Typos", QUEUE % (
        "_hsq.push(['setPth', '/typos']);\n"
        "_hsq.push(['identify', 'ada@example.com']);\n"
        "_hsq.push(['trackCustomBehavioralEvent', {properties: {plan: 'pro'}}]);")
        + PRIVACY % "_hsp.push(['addPrivacyConsentListner', function () {}]);"),
    "/identify": page("Identify", QUEUE % (
        "_hsq.push(['identify', {id: 'user-42'}]);\n"
        "_hsq.push(function () { throw new Error('CRM sync failed'); });")),
    "/no-embed": page("No embed", QUEUE % (
        "_hsq.push(['setPath', '/no-embed']);\n_hsq.push(['trackPageView']);"), embed=""),
    "/error": page("Error", "<script>\n  window._hsq.push(['trackPageView']);\n</script>"),
    "/consent": page("Consent", PRIVACY % (
        "_hsp.push(['setHubSpotConsent', {analytics: true, advertisement: true, "
        "functionality: true}]);")),
    "/off": page("Off", QUEUE % "_hsq.push(['setTrackingEnabled', false]);"),
    "/portals": page("Portals", embed=EMBED + EMBED.replace("hs-script-loader", "hs-old")
                     .replace("123.js", "456.js")),
    # A Content-Security-Policy that does not allow HubSpot's script.
    "/csp": (200, {"Content-Type": "text/html", "Content-Security-Policy":
                   "script-src 'self' 'unsafe-inline'"}, page("CSP")),
    # Moved by script: the page audited is the one it leads to.
    "/moved": page("Moved", "<script>location.replace('/spa');</script>", embed=""),
    "/doc.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
    "/private/secret": page("Secret", "", embed=""),
    "/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /private/\n"),
}

EXPECTED = {
    "/": [],
    "/spa": [],
    "/moved": [],
    "/double": ["double-page-view"],
    "/typos": ["unknown-command", "bad-argument", "event-without-name", "unknown-command"],
    "/identify": ["callback-error", "identify-without-email"],
    "/no-embed": ["no-tracking-code"],
    "/error": ["page-error"],
    "/consent": ["cookies-before-consent"],
    "/off": ["tracking-suppressed"],
    "/portals": ["several-portals"],
    "/csp": ["no-page-view"],
}


site = site_fixture(PAGES)


@pytest.fixture(scope="module")
def run(site, tmp_path_factory):
    # OPT_IN: the portal's policy, which HubSpot's servers would tell its script.
    return AuditRun(tmp_path_factory.mktemp("defects"),
                    [site.url + "/", "--consent-policy", "OPT_IN"])


def test_problems_make_the_exit_status_1(run):
    assert run.status == 1, run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_each_page_reports_exactly_its_planted_defects(run, site, path):
    assert sorted(run.codes(site.url + path)) == sorted(EXPECTED[path])


def test_clean_pages_are_counted_as_hubspot_counts_them(run, site):
    home, spa = run.page(site.url + "/"), run.page(site.url + "/spa")
    assert (home["page_views"], spa["page_views"]) == (1, 2)
    assert [b["path"] for b in spa["beacons"]] == ["/spa", "/spa/settings"]
    event, view = home["beacons"]               # the event was queued before the script
    assert view["kind"] == "page view" and view["portal"] == "123" and view["title"] == "Home"
    assert view["identity"] == {"email": "ada@example.com", "firstname": "Ada"}
    assert (event["kind"], event["name"], event["properties"]) == (
        "custom event", "pe123_home_viewed", {"plan": "pro"})
    assert view["params"]["ce"] == "false"          # OPT_IN, no consent: anonymous
    assert home["errors"] and home["cookies"] == []  # its own error is listed, not judged
    moved = run.page(site.url + "/moved")
    assert (moved["final_url"], moved["page_views"]) == (site.url + "/spa", 2)


def test_summary_counts_problems_by_code(run):
    summary = run.report["summary"]
    assert summary["pages"] == len(EXPECTED)
    assert summary["pages_with_problems"] == sum(1 for codes in EXPECTED.values() if codes)
    assert summary["problems"] == sum(len(codes) for codes in EXPECTED.values())
    assert summary["by_code"]["unknown-command"] == 2


def test_unknown_commands_suggest_the_command_meant(run, site):
    typos = [p for p in run.page(site.url + "/typos")["problems"]
             if p["code"] == "unknown-command"]
    assert {(p["evidence"]["entry"], p["evidence"]["suggestion"]) for p in typos} == {
        ("setPth", "setPath"), ("_hsp addPrivacyConsentListner", "addPrivacyConsentListener")}
    assert {p["message"] for p in typos} == {
        "`setPth` is not a HubSpot tracking command, so HubSpot silently drops this _hsq.push "
        "call. Did you mean `setPath`?",
        "`addPrivacyConsentListner` is not a HubSpot tracking command, so HubSpot silently "
        "drops this _hsp.push call. Did you mean `addPrivacyConsentListener`?"}


def test_a_bad_argument_names_the_command_what_it_needs_and_what_it_got(run, site):
    found = run.problem(site.url + "/typos", "bad-argument")
    assert found["evidence"] == {"entry": "identify",
                                 "reason": "argument 1 must be an object, got 'ada@example.com'"}
    assert found["message"].startswith(
        "`identify` needs an object as argument 1 but got 'ada@example.com'")


def test_an_event_without_a_name(run, site):
    found = run.problem(site.url + "/typos", "event-without-name")
    assert found["evidence"]["entry"] == "trackCustomBehavioralEvent"
    assert "without a name" in found["message"]


def test_a_double_page_view_shows_both_beacons(run, site):
    found = run.problem(site.url + "/double", "double-page-view")
    assert [(b["kind"], b["path"]) for b in found["evidence"]["beacons"]] == [
        ("page view", "/double")] * 2
    assert run.page(site.url + "/double")["page_views"] == 2


def test_identify_without_email_and_a_throwing_function_entry(run, site):
    found = run.problem(site.url + "/identify", "identify-without-email")
    assert found["evidence"]["identity_keys"] == ["id"]
    error = run.problem(site.url + "/identify", "callback-error")
    assert "CRM sync failed" in error["message"]


def test_a_page_without_the_embed_code_lists_the_commands_it_queues(run, site):
    found = run.problem(site.url + "/no-embed", "no-tracking-code")
    assert found["evidence"]["queued"] == ["setPath", "trackPageView"]
    assert run.page(site.url + "/no-embed")["beacons"] == []


def test_an_uncaught_error_points_at_the_tracking_line(run, site):
    found = run.problem(site.url + "/error", "page-error")
    assert found["evidence"]["source"] == "window._hsq.push(['trackPageView']);"
    assert "window._hsq = window._hsq || []" in found["message"]


def test_consent_granted_by_the_page_itself_is_cookies_before_consent(run, site):
    found = run.problem(site.url + "/consent", "cookies-before-consent")
    assert found["evidence"]["policy"] == "OPT_IN"
    assert {"hubspotutk", "__hstc", "__hssc"} <= set(found["evidence"]["cookies"])


def test_tracking_turned_off_by_the_page(run, site):
    found = run.problem(site.url + "/off", "tracking-suppressed")
    assert "setTrackingEnabled(false)" in found["message"]


def test_two_portals_on_one_page(run, site):
    found = run.problem(site.url + "/portals", "several-portals")
    assert "123, 456" in found["message"]


def test_a_content_security_policy_that_blocks_the_tracking_code(run, site):
    found = run.problem(site.url + "/csp", "no-page-view")
    assert "Content-Security-Policy" in found["message"]
    assert found["evidence"]["scripts"] == ["http://js.hs-scripts.com/123.js"]


def test_the_crawl_stays_on_the_site_and_obeys_robots_txt(run, site):
    visited = {p["url"] for p in run.report["pages"]}
    assert visited == {site.url + path for path in EXPECTED}
    assert {(s["url"], s["reason"]) for s in run.report["skipped"]} == {
        (site.url + "/doc.pdf", "a file, not a page"),
        (site.url + "/private/secret", "disallowed by robots.txt")}
    assert "/private/secret" not in site.requests and "/doc.pdf" not in site.requests
    assert "/robots.txt" in site.requests


def test_the_terminal_summary_lists_pages_with_problems_first(run, site):
    lines = run.stdout.splitlines()
    assert lines[0].startswith("hsq-shim check: 13 problems on 9 of 12 pages")
    pages = [line for line in lines if re.match(r"^(✓|✗|ok|!!) ", line)]
    assert len(pages) == 12
    assert all(not line.startswith(("✓", "ok")) for line in pages[:9])
    assert "    unknown-command" in run.stdout and "Did you mean `setPath`?" in run.stdout


def test_the_html_report_renders_the_problems_first(run, page):
    page.goto(run.html_path.as_uri())
    assert page.locator("h1").inner_text() == "13 problems on 9 of 12 pages"
    first = page.locator(".pages > details").first
    assert first.get_attribute("open") is not None
    assert first.locator(".problem .code").count() >= 1
    assert page.locator(".card .code").all_inner_texts()[0] == "unknown-command"
    assert page.locator("script").count() == 0
    page.screenshot(path=str(run.html_path.with_suffix(".png")), full_page=True)
