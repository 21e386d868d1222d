"""The audit's outputs: the JSON document, the terminal summary and the progress bar,
all built from one `document` (build_document); the HTML report is html_report.py's.

Rule 1: the JSON document is the single source: the terminal and the HTML report only
        present it, so the three never disagree.
Rule 2: page content is hostile: every string the site produced is shortened in the
        terminal (and escaped in the HTML).
Rule 3: problems first: pages with problems (their own or their route changes') are
        listed before clean ones, in crawl order; a page's route changes in the order
        they were made, each with its beacons.
"""

import json
import os
import shutil
import sys
import textwrap
import time
from urllib.parse import urlsplit

from shim import __version__
from shim.audit.checks import check_page, describe_beacon
from shim.audit.route_checks import check_route, where

from shim.testing.beacons import Beacon


def page_entry(facts, portal=None):
    beacons = [Beacon(url) for url in facts.beacons]
    # The route rules judge only a page whose tracking code counted the page itself.
    tracked = any(b.kind == "page view" for b in beacons)
    return {
        "url": facts.url,
        "final_url": facts.final_url,
        "status": facts.status,
        "title": facts.title,
        "depth": facts.depth,
        **_sent(beacons),
        "problems": check_page(facts, portal),
        "routes": [route_entry(route, tracked) for route in facts.routes],
        "scripts": facts.scripts,
        "consent_policy": facts.policy,
        "ignored": facts.ignored,
        "errors": _errors(facts.errors),
        "cookies": sorted({c["name"] for c in facts.cookies}),
        "seconds": round(facts.seconds, 2),
    }


def route_entry(route, tracked=True):
    """One route change: where from and to, what was clicked, the titles, its beacons."""
    beacons = [Beacon(url) for url in route.beacons]
    return {
        "from": route.from_url,
        "to": route.to_url,
        "changed": route.changed,           # False: the click threw instead
        "link": route.link.get("text") or "",
        "history": route.history,
        "title_before": route.title_before,
        "title_after": route.title_after,
        **_sent(beacons),
        "problems": check_route(route, tracked),
        "errors": _errors(route.errors),
        "stuck": route.stuck,
        "seconds": round(route.seconds, 2),
    }


def _sent(beacons):
    return {"page_views": sum(1 for b in beacons if b.kind == "page view"),
            "beacons": [describe_beacon(b) for b in beacons]}


def _errors(errors):
    return [{"message": e["message"], "source": e["source"]} for e in errors]


def all_problems(page):
    """A page entry's problems, then its route changes' in order."""
    return page["problems"] + [p for route in page["routes"] for p in route["problems"]]


def build_document(start_urls, pages, skipped, seconds, portal=None):
    entries = [page_entry(facts, portal) for facts in pages]
    by_code = {}
    for entry in entries:
        for item in all_problems(entry):
            by_code[item["code"]] = by_code.get(item["code"], 0) + 1
    return {
        "tool": "hsq-shim check",
        "version": __version__,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "start_urls": list(start_urls),
        "seconds": round(seconds, 1),
        "summary": {
            "pages": len(entries),
            "routes": sum(len(e["routes"]) for e in entries),
            "pages_with_problems": sum(1 for e in entries if all_problems(e)),
            "problems": sum(by_code.values()),
            "by_code": dict(sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0]))),
        },
        "pages": entries,
        "skipped": skipped,
    }


def write_json(document, path):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")


def problems_first(pages):
    return [p for p in pages if all_problems(p)] + [p for p in pages if not all_problems(p)]


def short_url(url, start_urls):
    """The path for a page of the first start URL's origin, else the whole URL."""
    if start_urls:
        base = urlsplit(start_urls[0])
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) == (base.scheme, base.netloc):
            return (parts.path or "/") + ("?" + parts.query if parts.query else "")
    return url


def plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


def pages_phrase(summary):
    """'3 pages', or '3 pages, 4 route changes'."""
    text = plural(summary["pages"], "page")
    if summary.get("routes"):
        text += ", " + plural(summary["routes"], "route change")
    return text


def beacon_brief(beacon):
    """A beacon of the JSON document in a few words: 'view /pricing "Pricing"'."""
    if beacon["kind"] == "page view":
        title = ' "%s"' % clip(beacon["title"], 40) if beacon.get("title") else ""
        return "view %s%s" % (clip(beacon["path"] or "?", 60), title)
    if beacon.get("name"):
        return "%s %s" % (beacon["kind"], clip(beacon["name"], 40))
    return beacon["kind"]


# -- the terminal ----------------------------------------------------------------

class Style:
    def __init__(self, stream):
        tty = hasattr(stream, "isatty") and stream.isatty()
        encoding = (getattr(stream, "encoding", None) or "ascii").lower()
        self.color = tty and not os.environ.get("NO_COLOR")       # no-color.org
        self.unicode = "utf" in encoding
        self.ok = "✓" if self.unicode else "ok"
        self.bad = "✗" if self.unicode else "!!"

    def paint(self, text, code):
        return "\033[%sm%s\033[0m" % (code, text) if self.color else text


def terminal_summary(document, stream=None, width=None):
    stream = stream or sys.stdout
    style = Style(stream)
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 120)
    summary = document["summary"]
    site = ", ".join(document["start_urls"])
    lines = []
    if summary["problems"]:
        head = "%s on %s of %s" % (plural(summary["problems"], "problem"),
                                   summary["pages_with_problems"], pages_phrase(summary))
        lines.append("%s  %s (%.1f s)" % (style.paint("hsq-shim check: " + head, "1;31"),
                                         site, document["seconds"]))
    else:
        lines.append("%s  %s (%.1f s)" % (
            style.paint("hsq-shim check: no problem on %s" % pages_phrase(summary), "1;32"),
            site, document["seconds"]))
    lines.append("")
    code_width = max([len(p["code"]) for page in document["pages"] for p in all_problems(page)]
                     + [16])

    def problem_lines(problems, indent):
        for item in problems:
            under = " " * (indent + code_width + 2)
            text = textwrap.wrap(item["message"], max(40, width - len(under)))
            lines.append("%s%s  %s" % (" " * indent, style.paint(item["code"].ljust(code_width),
                                                                 "33"), text[0] if text else ""))
            lines.extend(under + rest for rest in text[1:])

    for page in problems_first(document["pages"]):
        bad = bool(all_problems(page))
        mark = style.paint(style.bad, "31") if bad else style.paint(style.ok, "32")
        where_ = short_url(page["url"], document["start_urls"])
        views = plural(page["page_views"], "page view") if page["status"] else ""
        if page["routes"]:
            views += ", " + plural(len(page["routes"]), "route change")
        lines.append("%s %-*s %s" % (mark, max(30, len(where_)), clip(where_, 80), views))
        problem_lines(page["problems"], 4)
        at = page["final_url"]
        for number, route in enumerate(page["routes"], 1):
            lines.append("    " + route_line(route, number, at, style, width))
            problem_lines(route["problems"], 8)
            at = route["to"]
    if summary["by_code"]:
        lines.append("")
        lines.append("By code: " + ", ".join("%s %d" % kv for kv in summary["by_code"].items()))
    if document["skipped"]:
        reasons = {}
        for item in document["skipped"]:
            reasons[item["reason"]] = reasons.get(item["reason"], 0) + 1
        lines.append("Not visited: %s (%s)." % (
            plural(len(document["skipped"]), "link"),
            ", ".join("%s: %d" % kv for kv in sorted(reasons.items()))))
    stream.write("\n".join(lines) + "\n")
    stream.flush()


def route_line(route, number, at, style, width):
    """'2 -> /app/about   1 page view: view /app/about "About"': one route change, from
    where it started when that is not where the previous one ended."""
    arrow = " \u2192 " if style.unicode else " -> "
    step = clip(where(route["to"]), 60)
    if where(route["from"]) != where(at):
        step = clip(where(route["from"]), 40) + arrow + step
    else:
        step = arrow.lstrip() + step
    if not route["changed"]:
        sent = "the click threw; the address did not change"
    elif route["beacons"]:
        sent = "%s: %s" % (plural(route["page_views"], "page view"),
                           ", ".join(beacon_brief(b) for b in route["beacons"]))
    else:
        sent = "no beacon"
    symbol, colour = (style.bad, "31") if route["problems"] else (style.ok, "32")
    body = clip("%d %-28s %s" % (number, step, sent), max(40, width - 5 - len(symbol)))
    return style.paint(symbol, colour) + " " + body


def clip(text, n):
    text = str(text)
    return text if len(text) <= n else text[:n - 3] + "..."


class Progress:
    """A one-line progress bar on stderr while the crawl runs (a terminal only)."""

    def __init__(self, stream=None, enabled=None):
        self.stream = stream or sys.stderr
        self.enabled = (hasattr(self.stream, "isatty") and self.stream.isatty()
                        if enabled is None else enabled)
        self.style = Style(self.stream)
        self.problems = 0

    def update(self, done, total, url, problems=0):
        self.problems += problems
        if not self.enabled:
            return
        total = max(total, done, 1)
        cells = 24
        filled = cells * done // total
        full, empty = ("█", "░") if self.style.unicode else ("#", ".")
        columns = shutil.get_terminal_size((100, 24)).columns
        line = "  [%s%s] %d/%d pages, %s  %s" % (full * filled, empty * (cells - filled), done,
                                                 total, plural(self.problems, "problem"), url)
        self.stream.write("\r" + clip(line, columns - 1).ljust(columns - 1))
        self.stream.flush()

    def finish(self):
        if self.enabled:
            columns = shutil.get_terminal_size((100, 24)).columns
            self.stream.write("\r" + " " * (columns - 1) + "\r")
            self.stream.flush()
