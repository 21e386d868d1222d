"""One audit run per site, shared by the tests of a module: a run launches Chromium and
visits every page once, and the tests read its report."""

import io
import json
import os
from unittest import mock

from shim.audit import main

# Short waits: local pages answer at once (the defaults are for real sites).
FAST = ["--settle", "0.3", "--concurrency", "3", "--timeout", "20"]
# The terminal summary wraps its messages to the terminal's width (COLUMNS, which
# pytest-xdist sets to 80 in its workers): the tests read it at one width.
COLUMNS = "100"


class AuditRun:
    """`python -m shim.audit ARGV` in this process; its status, output and JSON report."""

    def __init__(self, tmp_path, argv):
        self.json_path = tmp_path / "report.json"
        self.html_path = tmp_path / "report.html"
        out, err = io.StringIO(), io.StringIO()
        with mock.patch.dict(os.environ, {"COLUMNS": COLUMNS}):
            self.status = main(FAST + argv + ["--json", str(self.json_path),
                                              "--html", str(self.html_path)], out, err)
        self.stdout, self.stderr = out.getvalue(), err.getvalue()
        assert self.json_path.exists(), "exit status %s, stderr: %s" % (self.status, self.stderr)
        self.report = json.loads(self.json_path.read_text())

    def page(self, url):
        for page in self.report["pages"]:
            if page["url"] == url:
                return page
        raise AssertionError("%s not in the report: %s"
                             % (url, [p["url"] for p in self.report["pages"]]))

    def codes(self, url):
        return [problem["code"] for problem in self.page(url)["problems"]]

    def problem(self, url, code):
        found = [p for p in self.page(url)["problems"] if p["code"] == code]
        assert len(found) == 1, self.page(url)["problems"]
        return found[0]
