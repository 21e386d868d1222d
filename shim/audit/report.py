"""The audit's outputs: the JSON document, the terminal summary, the progress bar and a
self-contained HTML report, all built from one `document` (build_document).

Rule 1: the JSON document is the single source: the terminal and the HTML report only
        present it, so the three never disagree.
Rule 2: page content is hostile: every string the site produced is escaped in the HTML
        and shortened in the terminal; the HTML report loads nothing (no script, no
        external style, no font).
Rule 3: problems first: pages with problems are listed before clean ones, in crawl order.
"""

import html
import json
import os
import shutil
import sys
import textwrap
import time
from urllib.parse import urlsplit

from shim import __version__
from shim.audit.checks import CODES, check_page, describe_beacon

try:                                        # the layout after the testing package split
    from shim.testing import Beacon
except ImportError:
    from shim.testing.assertions import Beacon


def page_entry(facts, portal=None):
    beacons = [Beacon(url) for url in facts.beacons]
    return {
        "url": facts.url,
        "final_url": facts.final_url,
        "status": facts.status,
        "title": facts.title,
        "depth": facts.depth,
        "page_views": sum(1 for b in beacons if b.kind == "page view"),
        "beacons": [describe_beacon(b) for b in beacons],
        "problems": check_page(facts, portal),
        "scripts": facts.scripts,
        "consent_policy": facts.policy,
        "ignored": facts.ignored,
        "errors": [{"message": e["message"], "source": e["source"]} for e in facts.errors],
        "cookies": sorted({c["name"] for c in facts.cookies}),
        "seconds": round(facts.seconds, 2),
    }


def build_document(start_urls, pages, skipped, seconds, portal=None):
    entries = [page_entry(facts, portal) for facts in pages]
    by_code = {}
    for entry in entries:
        for item in entry["problems"]:
            by_code[item["code"]] = by_code.get(item["code"], 0) + 1
    return {
        "tool": "hsq-shim check",
        "version": __version__,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "start_urls": list(start_urls),
        "seconds": round(seconds, 1),
        "summary": {
            "pages": len(entries),
            "pages_with_problems": sum(1 for e in entries if e["problems"]),
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
    return [p for p in pages if p["problems"]] + [p for p in pages if not p["problems"]]


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
                                   summary["pages_with_problems"],
                                   plural(summary["pages"], "page"))
        lines.append("%s  %s (%.1f s)" % (style.paint("hsq-shim check: " + head, "1;31"),
                                         site, document["seconds"]))
    else:
        lines.append("%s  %s (%.1f s)" % (
            style.paint("hsq-shim check: no problem on %s" % plural(summary["pages"], "page"),
                        "1;32"), site, document["seconds"]))
    lines.append("")
    code_width = max([len(p["code"]) for page in document["pages"] for p in page["problems"]]
                     + [16])
    for page in problems_first(document["pages"]):
        mark = style.paint(style.bad, "31") if page["problems"] else style.paint(style.ok, "32")
        where = short_url(page["url"], document["start_urls"])
        views = plural(page["page_views"], "page view") if page["status"] else ""
        lines.append("%s %-*s %s" % (mark, max(30, len(where)), clip(where, 80), views))
        for item in page["problems"]:
            indent = " " * (4 + code_width + 2)
            text = textwrap.wrap(item["message"], max(40, width - len(indent)))
            lines.append("    %s  %s" % (style.paint(item["code"].ljust(code_width), "33"),
                                         text[0] if text else ""))
            lines.extend(indent + rest for rest in text[1:])
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


# -- HTML ------------------------------------------------------------------------

CSS = """
:root { --ink:#1d2433; --muted:#5b6478; --line:#e3e6ee; --bad:#c8362f; --bad-bg:#fdecea;
  --ok:#1f8a4c; --ok-bg:#e7f6ed; --warn-bg:#fff4e0; --code:#7a4b00; --accent:#ff5c35; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  color:var(--ink); background:#f5f6fa; }
main { max-width:1100px; margin:0 auto; padding:32px 24px 64px; }
header { display:flex; align-items:center; gap:20px; margin-bottom:24px; }
.verdict { flex:none; width:72px; height:72px; border-radius:50%; display:grid;
  place-items:center; font-size:34px; font-weight:700; color:#fff; }
.verdict.bad { background:var(--bad); } .verdict.ok { background:var(--ok); }
h1 { font-size:26px; margin:0; } h2 { font-size:18px; margin:32px 0 12px; }
.sub { color:var(--muted); margin:2px 0 0; word-break:break-all; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(200px,1fr)); gap:12px; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.card .n { font-size:28px; font-weight:700; } .card .what { color:var(--muted); font-size:13px; }
.card.bad .n { color:var(--bad); }
table { width:100%; border-collapse:collapse; }
.pages { background:#fff; border:1px solid var(--line); border-radius:10px; overflow:hidden; }
.pages > details { border-top:1px solid var(--line); }
.pages > details:first-child { border-top:0; }
summary { list-style:none; cursor:pointer; display:grid; align-items:center;
  grid-template-columns:28px minmax(0,1fr) 110px 110px; gap:12px; padding:12px 16px; }
summary::-webkit-details-marker { display:none; }
summary:hover { background:#fafbfd; }
.dot { width:20px; height:20px; border-radius:50%; display:grid; place-items:center;
  color:#fff; font-size:12px; font-weight:700; }
.dot.bad { background:var(--bad); } .dot.ok { background:var(--ok); }
.url { font-weight:600; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.url small { display:block; font-weight:400; color:var(--muted); }
.count { color:var(--muted); font-size:13px; text-align:right; }
.count.bad { color:var(--bad); font-weight:600; }
.body { padding:4px 16px 18px 56px; }
.problem { border-left:4px solid var(--bad); background:var(--bad-bg); border-radius:6px;
  padding:10px 14px; margin:10px 0; }
.code { font:600 12px/1 ui-monospace,SFMono-Regular,Menlo,monospace; background:#fff;
  color:var(--bad); border:1px solid #f3c4c0; border-radius:20px; padding:3px 8px; }
.problem p { margin:6px 0 0; }
.problem p code { font:13px ui-monospace,SFMono-Regular,Menlo,monospace; background:#fff;
  border-radius:4px; padding:0 4px; }
.evidence { margin-top:8px; } .evidence summary { display:inline; padding:0;
  color:var(--muted); font-size:13px; }
pre { background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px;
  font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace; white-space:pre-wrap;
  word-break:break-all; margin:6px 0 0; max-height:320px; overflow:auto; }
.beacons { margin-top:14px; font-size:13px; }
.beacons th { text-align:left; color:var(--muted); font-weight:600; padding:6px 8px;
  border-bottom:1px solid var(--line); }
.beacons td { padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
.kind { display:inline-block; border-radius:4px; padding:1px 6px; background:#eef1f8;
  font-weight:600; white-space:nowrap; }
.kind.pv { background:var(--ok-bg); color:var(--ok); }
.params { color:var(--muted); font:12px/1.4 ui-monospace,Menlo,monospace; word-break:break-all; }
.params b { color:var(--ink); font-weight:600; }
.none { color:var(--muted); font-style:italic; }
.skipped li { color:var(--muted); word-break:break-all; }
footer { margin-top:40px; color:var(--muted); font-size:13px; }
"""


def esc(value):
    return html.escape("" if value is None else str(value), quote=True)


def prose(text):
    """A message, escaped, with its `command` names set as code."""
    parts = esc(text).split("`")
    if len(parts) % 2 == 0:                 # an odd backtick: leave the text as it is
        return esc(text)
    return "".join(part if i % 2 == 0 else "<code>%s</code>" % part
                   for i, part in enumerate(parts))


def html_report(document):
    summary = document["summary"]
    bad = summary["problems"] > 0
    out = ["<!doctype html><html lang=en><meta charset=utf-8>",
           "<meta name=viewport content='width=device-width,initial-scale=1'>",
           "<title>HubSpot tracking audit: %s</title>" % esc(", ".join(document["start_urls"])),
           "<style>%s</style><main>" % CSS]
    headline = ("%s on %d of %s" % (plural(summary["problems"], "problem"),
                                    summary["pages_with_problems"], plural(summary["pages"], "page"))
                if bad else "No problem on %s" % plural(summary["pages"], "page"))
    out.append("<header><div class='verdict %s'>%s</div><div><h1>%s</h1>"
               "<p class=sub>HubSpot tracking audit of %s &middot; %s &middot; %.1f s</p></div></header>"
               % ("bad" if bad else "ok", "!" if bad else "&#10003;", esc(headline),
                  esc(", ".join(document["start_urls"])), esc(document["generated"]),
                  document["seconds"]))
    if summary["by_code"]:
        out.append("<div class=cards>")
        for code, n in summary["by_code"].items():
            out.append("<div class='card bad'><div class=n>%d</div><span class=code>%s</span>"
                       "<div class=what>%s</div></div>" % (n, esc(code), esc(CODES.get(code, ""))))
        out.append("</div>")
    out.append("<h2>Pages</h2><div class=pages>")
    for page in problems_first(document["pages"]):
        out.append(_html_page(page, document["start_urls"]))
    out.append("</div>")
    if document["skipped"]:
        out.append("<h2>Not visited</h2><ul class=skipped>")
        for item in document["skipped"]:
            out.append("<li>%s &mdash; %s</li>" % (esc(item["url"]), esc(item["reason"])))
        out.append("</ul>")
    out.append("<footer>hsq-shim %s &middot; HubSpot's script was answered by the shim in a "
               "headless browser; nothing was sent to HubSpot.</footer></main>"
               % esc(document["version"]))
    return "\n".join(out)


def _html_page(page, start_urls):
    problems = page["problems"]
    opened = " open" if problems else ""
    title = page["title"] or ""
    parts = ["<details%s><summary><span class='dot %s'>%s</span>"
             "<span class=url>%s<small>%s</small></span>"
             "<span class=count>%s</span><span class='count%s'>%s</span></summary><div class=body>"
             % (opened, "bad" if problems else "ok", "!" if problems else "&#10003;",
                esc(short_url(page["url"], start_urls)), esc(title),
                esc(plural(page["page_views"], "page view")),
                " bad" if problems else "", esc(plural(len(problems), "problem")))]
    for item in problems:
        evidence = {k: v for k, v in item["evidence"].items() if v not in (None, [], "")}
        parts.append("<div class=problem><span class=code>%s</span><p>%s</p>"
                     % (esc(item["code"]), prose(item["message"])))
        if evidence:
            parts.append("<details class=evidence><summary>Evidence</summary><pre>%s</pre></details>"
                         % esc(json.dumps(evidence, indent=2, ensure_ascii=False)))
        parts.append("</div>")
    if page["beacons"]:
        parts.append("<table class=beacons><tr><th>Beacon</th><th>Path</th><th>Details</th>"
                     "<th>Parameters</th></tr>")
        for beacon in page["beacons"]:
            details = []
            if beacon["params"].get("ce") == "false":
                details.append("anonymous: no consent (ce=false)")
            for key in ("name", "title"):
                if beacon.get(key):
                    details.append("%s: %s" % (key, beacon[key]))
            if beacon.get("properties"):
                details.append("properties: %s" % json.dumps(beacon["properties"], ensure_ascii=False))
            if beacon.get("identity"):
                details.append("identity: %s" % json.dumps(beacon["identity"], ensure_ascii=False))
            params = " ".join("<b>%s</b>=%s" % (esc(k), esc(clip(v, 120)))
                              for k, v in beacon["params"].items())
            parts.append("<tr><td><span class='kind%s'>%s</span></td><td>%s</td><td>%s</td>"
                         "<td class=params>%s</td></tr>"
                         % (" pv" if beacon["kind"] == "page view" else "", esc(beacon["kind"]),
                            esc(beacon["path"]), "<br>".join(esc(clip(d, 200)) for d in details),
                            params))
        parts.append("</table>")
    elif page["status"] and page["status"] < 400:
        parts.append("<p class=none>No beacon was sent.</p>")
    parts.append("</div></details>")
    return "".join(parts)


def write_html(document, path):
    with open(path, "w", encoding="utf-8") as out:
        out.write(html_report(document))
