"""The harness's output: a table (scenario, result, a short diff), one summary line, the
JSON of a run, and the Markdown table docs/fidelity.md keeps, made from that JSON.

    python -m fidelity.report results.json                 # the Markdown table
    python -m fidelity.report results.json --update docs/fidelity.md

Rule: the JSON holds everything the table says (and both sides' masked beacons and
      cookies), so the docs' table is regenerated from it, never written by hand.
"""

import argparse
import json
import sys

from fidelity.known import DELIBERATE, DIFFERENT, IDENTICAL, VERSION

STATUSES = (IDENTICAL, DELIBERATE, VERSION, DIFFERENT)
SHORT = 150
START, END = "<!-- fidelity-table:start -->", "<!-- fidelity-table:end -->"


def short(texts, limit=SHORT):
    line = "; ".join(texts)
    return line if len(line) <= limit else line[:limit - 1] + "…"


def side_json(masked):
    return {"beacons": [b.line() for b in masked.beacons],
            "cookies": [c.line() for c in masked.cookies], "notes": masked.notes}


def result_json(result):
    everywhere = sorted({k.reason for _, k in result.excused if k.everywhere})
    reasons = []
    for _, known in result.excused:
        if not known.everywhere and known.reason not in reasons:
            reasons.append(known.reason)
    return {"name": result.scenario.name, "doc": result.scenario.doc, "status": result.status,
            "differences": [d.text() for d in result.left], "reasons": reasons,
            "excused": [[d.text(), k.kind, k.reason] for d, k in result.excused],
            "excused_everywhere": everywhere,
            "hubspot": side_json(result.hubspot), "shim": side_json(result.shim)}


def summary(rows):
    counts = {status: 0 for status in STATUSES}
    for row in rows:
        counts[row["status"]] += 1
    return "%d scenarios: %d identical, %d deliberate, %d version, %d different" % (
        len(rows), counts[IDENTICAL], counts[DELIBERATE], counts[VERSION], counts[DIFFERENT])


def diff_text(row):
    if row["status"] == DIFFERENT:
        return short(row["differences"])
    return short(row["reasons"])


def everywhere_line(rows):
    reasons = sorted({r for row in rows for r in row["excused_everywhere"]})
    if not reasons:
        return None
    return "In every beacon, not counted above: " + "; ".join(reasons)


def table(rows, verbose=False):
    """The terminal table, then the summary line."""
    width = max([len(row["name"]) for row in rows] + [8])
    lines = ["%-*s  %-10s  %s" % (width, "scenario", "result", "difference")]
    for row in rows:
        lines.append("%-*s  %-10s  %s" % (width, row["name"], row["status"], diff_text(row)))
        if verbose and row["status"] == DIFFERENT:
            lines.extend(both_sides(row))
    extra = everywhere_line(rows)
    if extra:
        lines.append(extra)
    lines.append(summary(rows))
    return "\n".join(lines)


def both_sides(row):
    lines = []
    for difference in row["differences"]:
        lines.append("    - " + difference)
    for difference, kind, reason in row["excused"]:
        lines.append("    - (%s: %s) %s" % (kind, reason, difference))
    for side in ("hubspot", "shim"):
        lines.append("    %s:" % side)
        lines.extend("      " + beacon for beacon in row[side]["beacons"])
        lines.extend("      cookie " + cookie for cookie in row[side]["cookies"])
        lines.extend("      note " + note for note in row[side]["notes"])
    return lines


def markdown(rows):
    def cell(text):
        """Literal text in a table cell: Markdown's punctuation escaped (a <visitor 1>
        would read as an HTML tag, __hs_opt_out as bold)."""
        for ch in "\\`*_<>[]|":
            text = text.replace(ch, "\\" + ch)
        return text.replace("\n", " ")

    lines = ["| Scenario | Result | Difference or reason |", "|---|---|---|"]
    for row in rows:
        status = "**DIFFERENT**" if row["status"] == DIFFERENT else row["status"]
        lines.append("| `%s` | %s | %s |" % (row["name"], status, cell(diff_text(row))))
    lines.append("")
    extra = everywhere_line(rows)
    if extra:
        lines.extend([extra + ".", ""])
    lines.append(summary(rows) + ".")
    return "\n".join(lines)


def update(path, text):
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    if START not in doc or END not in doc:
        raise SystemExit("%s has no %s ... %s markers" % (path, START, END))
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + START + "\n" + text + "\n" + END + tail)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fidelity.report",
                                     description="The Markdown table of a saved run (--json).")
    parser.add_argument("json", help="the file `python -m fidelity --json FILE` wrote")
    parser.add_argument("--update", metavar="DOC",
                        help="write the table between the fidelity-table markers of DOC")
    args = parser.parse_args(argv)
    try:
        with open(args.json, encoding="utf-8") as f:
            rows = json.load(f)["results"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print("fidelity.report: cannot read %s (%s): write it with python -m fidelity "
              "--json FILE" % (args.json, error), file=sys.stderr)
        return 2
    text = markdown(rows)
    if args.update:
        update(args.update, text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
