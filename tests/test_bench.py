"""The bench's pure parts (bench/): network profiles, the HubSpot variant's files, the report.

The bench times things, so pytest never runs a measurement; what it checks here is what the
numbers become: the CDP parameters of each network profile, which folder gives the HubSpot
variant, and the tables and doc section `python -m bench.report` writes from a run's JSON
(a small fixture below). One short Chromium run checks the skip line of a run without
HubSpot's files.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import network, report, serving, variants  # noqa: E402


def stat(median, low=None, high=None):
    low, high = median if low is None else low, median if high is None else high
    return {"median": median, "min": low, "max": high, "samples": [low, median, high]}


def load(beacon, task=0.0):
    return {"first_beacon_ms": stat(beacon), "longtask_max_ms": stat(task)}


RUN = {  # a run with HubSpot, two network profiles and the floors, as `python -m bench` writes it
    "meta": {"format": 2, "chromium": "156.0.1", "samples": 9, "push_samples": 5, "date": "2026-12-08 10:00:00",
             "commit": "abc1234", "command": "python -m bench --hubspot DIR --floor",
             "load_before": [1.5, 1, 1], "load_after": [3.0, 2, 1], "skipped": [],
             "network": {"none": None, "slow4g": network.conditions("slow4g")}},
    "sizes": {"reference": {"raw": 4900, "gzip": 2000, "brotli": 1024 * 2},
              "shim": {"raw": 470000, "gzip": 105000, "brotli": 1024 * 85},
              "hubspot": {"raw": 124000, "gzip": 33000, "brotli": 1024 * 28},
              "floor": {"raw": 470000, "gzip": 105000, "brotli": 1024 * 85},
              "runtime": {"raw": 470000, "gzip": 105000, "brotli": 1024 * 85}},
    "cold": {"none": {"reference": load(60), "shim": load(240, 30.0), "hubspot": load(120),
                      "floor": load(150), "runtime": load(200)},
             "slow4g": {"reference": load(400), "shim": load(900, 45.0), "hubspot": load(720),
                        "floor": load(800), "runtime": load(850)}},
    "warm": {"none": {"reference": load(25), "shim": load(60), "hubspot": load(40),
                      "floor": load(30), "runtime": load(45)}},
    "push": {"reference": {"setPath": stat(0.1), "setPath cpu": stat(0.2)},
             "shim": {"setPath": stat(30.0), "setPath cpu": stat(28.0)},
             "hubspot": {"setPath": stat(0.4), "setPath cpu": stat(0.5)}},
}


def row(table, label):
    """The cells of the row of a Markdown table whose first cell is `label`."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == label:
            return cells[1:]
    raise AssertionError("no row %r in:\n%s" % (label, table))


class TestNetworkProfiles:
    """bench/network.py: what each profile asks Chromium's throttling for."""

    def test_none_sends_nothing(self):
        assert network.conditions("none") is None

    def test_rtt_is_the_latency_of_each_request_and_throughput_is_bytes_per_second(self):
        assert network.conditions("slow4g") == {"offline": False, "latency": 150,
                                                 "downloadThroughput": 200_000, "uploadThroughput": 93_750}
        assert network.conditions("broadband") == {"offline": False, "latency": 20,
                                                    "downloadThroughput": 2_500_000, "uploadThroughput": 2_500_000}

    def test_devtools_preset_applies_its_factors(self):
        """DevTools', Lighthouse's and Puppeteer's 'Slow 4G': RTT × 3.75, throughput × 0.9."""
        assert network.conditions("slow4g-devtools") == {"offline": False, "latency": 562.5,
                                                         "downloadThroughput": 180_000, "uploadThroughput": 84_375}

    def test_parse_keeps_order_and_drops_repeats(self):
        assert network.parse("slow4g, none,slow4g") == ["slow4g", "none"]
        assert network.parse(network.DEFAULT) == ["none", "broadband", "slow4g"]

    @pytest.mark.parametrize("text", ["3g", "none,fast", ""])
    def test_an_unknown_profile_names_the_known_ones(self, text):
        with pytest.raises(ValueError, match="choose from none, broadband, slow4g"):
            network.parse(text)


class TestHubSpotFolder:
    """bench/variants.py: the HubSpot variant needs HubSpot's three files, never ours."""

    def test_without_a_folder_the_line_says_where_the_public_copies_are(self):
        assert variants.hubspot_missing(None) == (
            "hubspot: skipped (no --hubspot DIR; HubSpot's public copies: BuilderIO/partytown, "
            "tests/integrations/hubspot/)")

    def test_a_folder_without_the_files_names_the_missing_ones(self, tmp_path):
        (tmp_path / "20632911.js").write_text("// a loader")
        assert variants.hubspot_missing(tmp_path) == (
            "hubspot: skipped (%s has no banner-20632911.js, analytics-20632911.js)" % tmp_path)

    def test_a_folder_with_the_three_files_gives_the_variant(self, tmp_path):
        for name in variants.HUBSPOT_FILES:
            (tmp_path / name).write_text("var x = 1;")
        assert variants.hubspot_missing(tmp_path) is None

    def test_no_file_of_hubspot_is_in_the_repository(self):
        tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
        assert not {Path(p).name for p in tracked.stdout.splitlines()} & set(variants.HUBSPOT_FILES)


class TestServing:
    """bench/serving.py: what reaches the browser's resolver."""

    def test_every_host_but_the_loopback_resolves_to_nothing(self):
        assert serving.resolver_rules() == "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

    def test_scripts_are_compressed_once(self):
        served = serving.Served(b"var a = 1;" * 100)
        assert len(served.br) < 100 and served.etag.startswith('"')


class TestReport:
    """bench/report.py: the tables and the doc section from a run's JSON."""

    def test_summary_gives_the_shim_as_a_ratio_to_hubspot_and_to_the_yardstick(self):
        table = report.summary_table(RUN)
        assert row(table, "bytes, brotli (KB)") == ["28.0", "85.0", "3.04×", "42×", "2.00"]
        assert row(table, "first beacon, cold, Slow 4G (ms)") == ["720", "900", "1.25×", "2.25×", "400"]
        assert row(table, "first beacon, warm, no throttling (ms)") == [
            "40.0", "60.0", "1.50×", "2.40×", "25.0"]
        assert row(table, "cost per push, setPath, renderer CPU (µs)") == ["0.50", "28.0", "56×", "140×", "0.20"]

    def test_longest_task_is_the_worst_sample_of_every_profile_without_a_ratio(self):
        assert row(report.summary_table(RUN), "longest task, worst cold sample (ms)") == [
            "0", "45.0", "—", "—", "0"]

    def test_a_run_without_hubspot_leaves_its_column_empty(self):
        run = json.loads(json.dumps(RUN))
        for kind in ("cold", "warm"):
            for by_impl in run[kind].values():
                del by_impl["hubspot"]
        del run["sizes"]["hubspot"], run["push"]["hubspot"]
        assert row(report.summary_table(run), "first beacon, cold, no throttling (ms)") == [
            "—", "240", "—", "4.00×", "60.0"]
        assert not any("HubSpot's" in t for t, _, _ in report.targets(run))

    def test_floors_beside_the_shim(self):
        table = report.floors_table(RUN)
        assert row(table, "warm, no throttling") == ["30.0", "0.75×", "1.20×", "45.0", "1.12×", "1.80×",
                                                     "60.0", "1.50×", "2.40×"]

    def test_targets_of_issue_29(self):
        met = {t: (m, ok) for t, m, ok in report.targets(RUN)}
        assert met["first beacon ≤ 1.00× HubSpot's, cold, Slow 4G"] == ("1.25×", False)
        assert met["first beacon ≤ 1.5× HubSpot's, warm"] == ("1.50×", True)
        assert met["no start-up task > 50 ms in any of 6 cold samples"] == ("45 ms", True)
        assert met["static/hsq-shim.js ≤ 70 KB brotli"] == ("85.0 KB", False)

    def test_docs_section_replaces_only_what_lies_between_the_markers(self):
        text = "# Performance\n\nintro\n\n%s\nold figures\n%s\n\n## What is left\n" % report.MARKERS
        out = report.replace_section(text, report.docs_section(RUN))
        assert out.startswith("# Performance\n\nintro\n\n" + report.MARKERS[0] + "\nMeasured 2026-12-08 10:00:00 on `abc1234`")
        assert "old figures" not in out and out.endswith(report.MARKERS[1] + "\n\n## What is left\n")
        assert "* Slow 4G: 150 ms per request, 200,000 B/s down" in out
        assert "![First beacon per network profile and variant](performance.png)" in out
        assert report.replace_section(out, report.docs_section(RUN)) == out          # idempotent

    def test_a_doc_without_markers_is_refused(self):
        with pytest.raises(SystemExit, match="must hold each marker once"):
            report.replace_section("# Performance\n", "figures")

    def test_the_committed_doc_is_what_its_json_gives(self):
        """docs/performance.md's figures were regenerated from docs/performance.json."""
        res = json.loads(report.DOC_JSON.read_text(encoding="utf-8"))
        text = report.DOC.read_text(encoding="utf-8")
        assert report.replace_section(text, report.docs_section(res)) == text


@pytest.mark.e2e
def test_a_run_without_hubspots_files_says_so_in_one_line(tmp_path):
    """One cold sample of the shim and the yardstick, as a user runs it (no timing is asserted;
    a process of its own: the suite's Playwright already runs in this one)."""
    out = tmp_path / "run.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--samples", "1", "--no-warm", "--push-samples", "0",
                           "--network", "none", "--hubspot", str(tmp_path), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    skip = [line for line in done.stdout.splitlines() if line.startswith("hubspot:")]
    assert skip == ["hubspot: skipped (%s has no 20632911.js, banner-20632911.js, analytics-20632911.js)" % tmp_path]
    res = json.loads(out.read_text())
    assert set(res["cold"]["none"]) == {"shim", "reference"} and res["meta"]["skipped"] == skip
