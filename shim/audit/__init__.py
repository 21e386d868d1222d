"""crawl a site and report every HubSpot tracking defect (exit status 0: none found)

`hsq-shim check` audits a whole site's HubSpot tracking in one command:

    hsq-shim check https://www.example.com/ --max-pages 50 --json report.json --html report.html
    python -m shim.audit https://www.example.com/          (the same, without the console script)

Each page opens in headless Chromium with HubSpot's script answered by the shim (nothing
is sent to HubSpot); the audit reads what the page did and reports every tracking defect.

Rule 1: host code (CPython); importing shim.audit imports no Playwright (run() does).
Rule 2: exit status 0 only when no problem was found (1: problems, 2: the audit could
        not run), so it can gate CI. Bad input is a reported problem, never a traceback.
Modules: crawl (the crawl; urls, browser, visit and journeys: one page and its route
changes), checks, reasons and route_checks (the problem rules), report (JSON, terminal)
and html_report.
"""

import argparse
import asyncio
import sys
import threading
import time

__all__ = ["add_arguments", "run", "main"]

POLICIES = ("COOKIES_WITHOUT_BANNER", "NOTIFY", "OPT_OUT", "OPT_OUT_BY_CATEGORY", "OPT_IN",
            "COOKIES_BY_CATEGORY", "NO_COOKIES")


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _count(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _seconds(text):
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def add_arguments(parser):
    parser.add_argument("urls", nargs="+", metavar="URL",
                        help="the page(s) to start from; links are followed on their sites only")
    parser.add_argument("--max-pages", type=_positive_int, default=50, metavar="N",
                        help="visit at most N pages, route changes of single-page apps "
                             "included (default 50)")
    parser.add_argument("--json", metavar="PATH", help="write the report as JSON")
    parser.add_argument("--html", metavar="PATH", help="write a self-contained HTML report")
    parser.add_argument("--browser", metavar="PATH",
                        help="the Chromium to run (default: Playwright's own, else the system's)")
    parser.add_argument("--concurrency", type=_positive_int, default=2, metavar="N",
                        help="pages open at once (default 2: polite to the site)")
    parser.add_argument("--timeout", type=_seconds, default=15.0, metavar="SECONDS",
                        help="per page: the time to finish loading; per route change: the "
                             "time to settle (default 15)")
    parser.add_argument("--settle", type=_seconds, default=1.0, metavar="SECONDS",
                        help="per page and route change: how long to watch for late "
                             "beacons (default 1)")
    parser.add_argument("--portal", type=_positive_int, metavar="ID",
                        help="your HubSpot portal id: beacons to any other are problems")
    parser.add_argument("--consent-policy", type=str.upper, choices=POLICIES, metavar="POLICY",
                        help="your portal's cookie consent policy, e.g. OPT_IN (HubSpot's "
                             "servers tell its script; the audit cannot ask them): "
                             + ", ".join(POLICIES))
    parser.add_argument("--spa-links", type=_count, default=5, metavar="N",
                        help="per page: follow up to N client-side route changes of a "
                             "single-page app (links whose click changes the URL without "
                             "loading a page); each counts as a page (default 5)")
    parser.add_argument("--no-spa", action="store_true",
                        help="follow no route changes (the same as --spa-links 0)")
    parser.add_argument("--ignore-robots", action="store_true",
                        help="follow links that robots.txt disallows")
    parser.add_argument("--insecure", action="store_true",
                        help="accept invalid TLS certificates (a staging site)")
    parser.add_argument("--shim-js", metavar="PATH",
                        help="serve this hsq-shim.js build for HubSpot's script URLs")
    return parser


def run(args, stdout=None, stderr=None):
    """Audit, print the summary, write the reports; the exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    from shim.audit import crawl, html_report, report
    from shim.testing.chromium import without_browser_ui_async

    start_urls = []
    for url in args.urls:
        if "://" not in url:
            url = "https://" + url
        normal = crawl.normalise(url)
        if normal is None:
            stderr.write("hsq-shim check: %r is not an http(s) URL\n" % url)
            return 2
        start_urls.append(normal)
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        stderr.write("hsq-shim check needs Playwright: pip install playwright\n")
        return 2
    try:
        options = crawl.CrawlOptions(
            max_pages=args.max_pages, concurrency=args.concurrency, timeout=args.timeout,
            settle=args.settle, consent_policy=args.consent_policy, shim_js=args.shim_js,
            robots=not args.ignore_robots, insecure=args.insecure,
            spa_links=0 if args.no_spa else args.spa_links)
    except FileNotFoundError as error:
        stderr.write("hsq-shim check: %s\n" % error)
        return 2
    progress = report.Progress(stderr)
    portal = args.portal

    def on_page(facts, job):
        found = len(report.check_page(facts, portal)) if facts is not None else 0
        progress.update(job.visited, job.total,
                        report.short_url(facts.url, start_urls) if facts else "", found)

    job = crawl.Crawl(start_urls, options, on_page)

    async def audit():
        progress.update(0, job.total, "starting Chromium")
        async with async_playwright() as playwright:
            executable = crawl.chromium_executable(playwright, args.browser)
            try:
                launch = await without_browser_ui_async(playwright, {
                    "executable_path": executable, "args": crawl.CHROMIUM_FLAGS, "headless": True})
                browser = await playwright.chromium.launch(**launch)
            except Exception as error:
                raise BrowserError(error) from None
            try:
                await job.run(browser)
            finally:
                await browser.close()

    started = time.monotonic()
    try:
        _run_async(audit)
    except FileNotFoundError as error:
        progress.finish()
        stderr.write("hsq-shim check: %s\n" % error)
        return 2
    except KeyboardInterrupt:
        progress.finish()
        stderr.write("hsq-shim check: interrupted\n")
        return 130
    except BrowserError as error:
        progress.finish()
        stderr.write("hsq-shim check: could not start Chromium: %s\n" % first_line(error.args[0]))
        return 2
    progress.finish()
    document = report.build_document(start_urls, job.pages, job.skipped,
                                     time.monotonic() - started, portal)
    report.terminal_summary(document, stdout)
    try:
        if args.json:
            report.write_json(document, args.json)
        if args.html:
            html_report.write_html(document, args.html)
    except OSError as error:
        stderr.write("hsq-shim check: could not write the report: %s\n" % error)
        return 2
    return 1 if document["summary"]["problems"] else 0


class BrowserError(Exception):
    """Chromium would not start (a broken --browser, missing libraries)."""


def first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _run_async(make_coroutine):
    """asyncio.run, in a thread of its own when this thread already runs an event loop
    (Playwright's sync API inside pytest, a notebook)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    outcome = {}

    def worker():
        try:
            outcome["value"] = asyncio.run(make_coroutine())
        except BaseException as error:      # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=worker, name="hsq-shim-check", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def main(argv=None, stdout=None, stderr=None):
    parser = argparse.ArgumentParser(
        prog="hsq-shim check", description="Crawl a site and report every HubSpot tracking "
        "defect (exit status 0 only when none was found).")
    add_arguments(parser)
    return run(parser.parse_args(argv), stdout, stderr)
