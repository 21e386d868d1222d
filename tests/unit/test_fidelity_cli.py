"""python -m fidelity without HubSpot's files, the sides' answers, the scenarios as data,
and the report (fidelity.__main__, fidelity.sides, fidelity.scenarios, fidelity.report)."""

import json

import pytest

from fidelity.__main__ import main
from fidelity.page import page_html
from fidelity.report import END, START, markdown, summary, table, update
from fidelity.scenario import COOKIE_DOMAINS, Scenario
from fidelity.scenarios import SCENARIOS
from fidelity.sides import (BANNER_MODES, BUCKET, HubSpotSide, MissingFiles, ShimSide,
                            banner_settings, decision_js)

LOADER = ("a('./collectedforms.js'); b('./banner-42.js'); c('./analytics-42.js'); "
          "d('./leadflows.js');")


def hubspot_dir(tmp_path, loader=LOADER, skip=None):
    files = {"42.js": loader, "analytics-42.js": "/* tracker */", "banner-42.js": "/* banner */"}
    for name, text in files.items():
        if name != skip:
            (tmp_path / name).write_text(text)
    return tmp_path


class TestCommandLine:
    """Without HubSpot's files it says so in one line and exits 2."""

    def one_line(self, capsys, argv):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("fidelity: ")
        return err

    def test_without_hubspot(self, capsys):
        assert "BuilderIO/partytown" in self.one_line(capsys, [])

    def test_a_missing_folder(self, capsys, tmp_path):
        assert "no folder" in self.one_line(capsys, ["--hubspot", str(tmp_path / "nope")])

    def test_a_folder_without_the_banner(self, capsys, tmp_path):
        folder = hubspot_dir(tmp_path, skip="banner-42.js")
        assert "banner-42.js missing" in self.one_line(capsys, ["--hubspot", str(folder)])

    def test_an_unknown_scenario(self, capsys, tmp_path):
        err = self.one_line(capsys, ["--hubspot", str(hubspot_dir(tmp_path)), "--only", "nope"])
        assert "unknown scenario(s): nope" in err

    def test_list(self, capsys):
        assert main(["--list"]) == 0
        assert len(capsys.readouterr().out.splitlines()) == len(SCENARIOS)


class TestSides:
    """What each side answers."""

    def test_hubspot_loader_injects_the_production_urls(self, tmp_path):
        side = HubSpotSide(hubspot_dir(tmp_path))
        loader, held = side.answer("https://js.hs-scripts.com/42.js", None)
        assert not held
        assert b"https://js.hs-banner.com/v2/42/banner.js" in loader["body"]
        tracker = "https://js.hs-analytics.net/analytics/%s/42.js" % BUCKET
        assert tracker.encode() in loader["body"]

    def test_the_tracker_waits_for_the_banner(self, tmp_path):
        side = HubSpotSide(hubspot_dir(tmp_path))
        tracker, held = side.answer("https://js.hs-analytics.net/analytics/%s/42.js" % BUCKET,
                                    None)
        assert held and tracker["body"] == b"/* tracker */"
        banner, held = side.answer("https://js.hs-banner.com/v2/42/banner.js", None)
        assert not held and banner["body"] == b"/* banner */"

    def test_a_loader_that_injects_nothing_is_refused(self, tmp_path):
        with pytest.raises(MissingFiles):
            HubSpotSide(hubspot_dir(tmp_path, loader="/* empty */"))

    def test_beacons_hubspot_hosts_and_the_rest(self, tmp_path):
        (tmp_path / "shim.js").write_text("/* shim */")
        side = ShimSide(tmp_path / "shim.js", "42")
        page = {"status": 200, "body": b"<html>"}
        assert side.answer("https://track.hubspot.com/__ptq.gif?k=1", page)[0]["status"] == 200
        assert side.answer("https://forms.hsforms.com/x", page)[0]["status"] == 204
        assert side.answer("https://www.builder.io/pricing", page)[0] is page
        assert side.answer("https://cdn.example.net/x.js", None)[0]["status"] == 404
        assert side.answer("https://js.hs-scripts.com/42.js", page)[0]["body"] == b"/* shim */"

    @pytest.mark.parametrize("policy", sorted(BANNER_MODES))
    def test_banner_settings_per_policy(self, policy):
        settings = banner_settings("42", policy)
        assert settings["enabled"] and settings["privacyDefault"]
        assert settings["privacyPolicyWording"]
        assert settings["privacyPolicy"] == {"COOKIES_WITHOUT_BANNER": 0, "OPT_IN": 1, "NOTIFY": 1,
                                             "NO_COOKIES": 2, "COOKIES_BY_CATEGORY": 3}[policy]
        assert settings["privacyHideDecline"] == (policy == "NOTIFY")

    def test_the_shims_decision_stores_it_on_the_cookie_domain(self):
        js = decision_js(True, "www.builder.io")
        assert "setHubSpotConsent" in js and "domain=.builder.io" in js
        assert "trackApproveCookieConsent" in js
        assert "domain=" not in decision_js(False, "www.example.com")


class TestScenarios:
    """The scenarios, as data: enough of them, each a page both sides can load."""

    def test_at_least_forty_with_a_sentence_each(self):
        assert len(SCENARIOS) >= 40
        assert all(s.doc.endswith(".") and s.name == s.name.lower() for s in SCENARIOS)

    def test_the_page_carries_the_embed_tag_and_the_shims_attributes(self):
        html = page_html(Scenario("x", "doc.", policy="OPT_IN", before=["['identify', {}]"]), "42")
        assert 'src="https://js.hs-scripts.com/42.js"' in html and 'id="hs-script-loader"' in html
        assert 'data-consent-policy="OPT_IN"' in html
        assert 'data-cookie-domain="%s"' % " ".join(COOKIE_DOMAINS) in html
        assert html.index("_hsq.push(['identify', {}])") < html.index("hs-script-loader")


ROWS = [{"name": "a", "status": "identical", "differences": [], "reasons": [],
         "excused_everywhere": ["no fingerprint"]},
        {"name": "b", "status": "DIFFERENT", "differences": ["x | y"], "reasons": [],
         "excused": [["bfp only in HubSpot", "deliberate", "no fingerprint"]],
         "excused_everywhere": [], "hubspot": {"beacons": ["h"], "cookies": [], "notes": []},
         "shim": {"beacons": ["s"], "cookies": ["c"], "notes": []}},
        {"name": "c", "status": "version", "differences": [], "reasons": ["pt"],
         "excused_everywhere": []}]


class TestReport:
    """The table, the summary line, the docs' Markdown."""

    def test_summary(self):
        assert summary(ROWS) == "3 scenarios: 1 identical, 0 deliberate, 1 version, 1 different"

    def test_table_ends_with_the_summary(self):
        lines = table(ROWS).splitlines()
        assert lines[-1] == summary(ROWS)
        assert lines[-2] == "In every beacon, not counted above: no fingerprint"

    def test_verbose_shows_both_sides_of_a_different_scenario(self):
        lines = table(ROWS, verbose=True).splitlines()
        start = lines.index("b" + lines[2][1:])
        assert lines[start + 1:start + 8] == [
            "    - x | y", "    - (deliberate: no fingerprint) bfp only in HubSpot",
            "    hubspot:", "      h", "    shim:", "      s", "      cookie c"]

    def test_markdown_escapes_its_punctuation_and_updates_between_the_markers(self, tmp_path):
        text = markdown(ROWS)
        assert "| `b` | **DIFFERENT** | x \\| y |" in text
        assert markdown([dict(ROWS[1], differences=["<visitor 1> __hs_opt_out"])]).count(
            "\\<visitor 1\\> \\_\\_hs\\_opt\\_out") == 1
        doc = tmp_path / "doc.md"
        doc.write_text("before\n%s\nold\n%s\nafter\n" % (START, END))
        update(str(doc), text)
        assert doc.read_text() == "before\n%s\n%s\n%s\nafter\n" % (START, text, END)

    def test_the_report_command_reads_a_saved_run(self, tmp_path, capsys):
        from fidelity.report import main as report_main
        saved = tmp_path / "run.json"
        saved.write_text(json.dumps({"results": ROWS}))
        assert report_main([str(saved)]) == 0
        assert capsys.readouterr().out.strip() == markdown(ROWS)
        assert report_main([str(tmp_path / "nope.json")]) == 2
        assert capsys.readouterr().err.count("\n") == 1
