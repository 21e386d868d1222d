"""The audit's self-contained HTML report, from the one `document` (report.build_document).

Rule 1: page content is hostile: every string the site produced is escaped; the report
        loads nothing (no script, no external style, no font).
Rule 2: problems first, as the terminal: pages with problems (their own or their route
        changes') before clean ones, in crawl order; a page's route changes in order.
"""

import html
import json

from shim.audit.checks import CODES
from shim.audit.report import all_problems, clip, pages_phrase, plural, problems_first, short_url
from shim.audit.route_checks import where

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
  grid-template-columns:28px minmax(0,1fr) 170px 110px; gap:12px; padding:12px 16px; }
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
h3 { font-size:15px; margin:22px 0 4px; }
.journey { list-style:none; margin:0; padding:0; counter-reset:step; }
.route { position:relative; border-left:2px solid var(--line); margin-left:10px;
  padding:6px 0 12px 22px; counter-increment:step; }
.route::before { content:counter(step); position:absolute; left:-12px; top:6px; width:22px;
  height:22px; border-radius:50%; display:grid; place-items:center; font-size:12px;
  font-weight:700; color:#fff; background:var(--ok); }
.route.bad::before { background:var(--bad); }
.step { font-weight:600; word-break:break-all; }
.step .from { color:var(--muted); font-weight:400; }
.facts { color:var(--muted); font-size:13px; margin:2px 0 0; }
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
                                    summary["pages_with_problems"], pages_phrase(summary))
                if bad else "No problem on %s" % pages_phrase(summary))
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
    problems = all_problems(page)
    opened = " open" if problems else ""
    title = page["title"] or ""
    views = plural(page["page_views"], "page view")
    if page["routes"]:
        views += ", " + plural(len(page["routes"]), "route change")
    parts = ["<details%s><summary><span class='dot %s'>%s</span>"
             "<span class=url>%s<small>%s</small></span>"
             "<span class=count>%s</span><span class='count%s'>%s</span></summary><div class=body>"
             % (opened, "bad" if problems else "ok", "!" if problems else "&#10003;",
                esc(short_url(page["url"], start_urls)), esc(title), esc(views),
                " bad" if problems else "", esc(plural(len(problems), "problem")))]
    parts.extend(_problems(page["problems"]))
    if page["beacons"]:
        parts.append(_beacon_table(page["beacons"]))
    elif page["status"] and page["status"] < 400:
        parts.append("<p class=none>No beacon was sent.</p>")
    if page["routes"]:
        parts.append("<h3>Route changes, in order</h3><ol class=journey>")
        at = page["final_url"]
        for route in page["routes"]:
            parts.append(_html_route(route, at))
            at = route["to"]
        parts.append("</ol>")
    parts.append("</div></details>")
    return "".join(parts)


def _html_route(route, at):
    step = esc(where(route["to"]))
    if where(route["from"]) != where(at):
        step = "<span class=from>%s &rarr;</span> %s" % (esc(where(route["from"])), step)
    else:
        step = "&rarr; " + step
    facts = []
    if route["link"]:
        facts.append("clicked &ldquo;%s&rdquo;" % esc(clip(route["link"], 80)))
    if route["history"]:
        facts.append(esc(route["history"]))
    if not route["changed"]:
        facts.append("the address did not change")
    if route["title_after"] is not None:
        facts.append("title &ldquo;%s&rdquo; &rarr; &ldquo;%s&rdquo;"
                     % (esc(clip(route["title_before"], 80)), esc(clip(route["title_after"], 80))))
    facts.append(esc(plural(route["page_views"], "page view")))
    parts = ["<li class='route%s'><div class=step>%s</div><p class=facts>%s</p>"
             % (" bad" if route["problems"] else "", step, " &middot; ".join(facts))]
    parts.extend(_problems(route["problems"]))
    if route["beacons"]:
        parts.append(_beacon_table(route["beacons"]))
    elif route["changed"]:
        parts.append("<p class=none>No beacon was sent.</p>")
    parts.append("</li>")
    return "".join(parts)


def _problems(problems):
    parts = []
    for item in problems:
        evidence = {k: v for k, v in item["evidence"].items() if v not in (None, [], "")}
        parts.append("<div class=problem><span class=code>%s</span><p>%s</p>"
                     % (esc(item["code"]), prose(item["message"])))
        if evidence:
            parts.append("<details class=evidence><summary>Evidence</summary><pre>%s</pre></details>"
                         % esc(json.dumps(evidence, indent=2, ensure_ascii=False)))
        parts.append("</div>")
    return parts


def _beacon_table(beacons):
    parts = ["<table class=beacons><tr><th>Beacon</th><th>Path</th><th>Details</th>"
             "<th>Parameters</th></tr>"]
    for beacon in beacons:
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
    return "".join(parts)


def write_html(document, path):
    with open(path, "w", encoding="utf-8") as out:
        out.write(html_report(document))
