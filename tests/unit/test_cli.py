"""shim/cli.py in-process: the subcommand registry and `decode` (the installed command
itself is tests/test_cli.py).

Checks: every registered command has help and runs through `main`; a registry entry may
be a module name, imported when the command line is parsed; `decode` prints a custom
event, a bare query string and, with `-`, one JSON line per URL from stdin.
"""

import io
import json
import sys
import types

import pytest

from shim import cli
from shim.core.codec import encode_query


def run(capsys, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class TestRegistry:
    def test_every_command_has_a_help_line(self, capsys):
        with pytest.raises(SystemExit) as done:
            cli.main(["--help"])
        out = capsys.readouterr().out
        assert done.value.code == 0
        for name, entry in cli.COMMANDS.items():
            command = cli.command_of(entry)
            first_line = command.__doc__.strip().splitlines()[0]
            assert name in out and first_line[:30] in " ".join(out.split())

    def test_an_entry_may_be_a_module_name(self, capsys, monkeypatch):
        module = types.ModuleType("hsq_fake_audit")
        module.__doc__ = "check a fake site"
        module.add_arguments = lambda parser: parser.add_argument("url")
        module.run = lambda args: print("checked", args.url) or 3
        monkeypatch.setitem(sys.modules, "hsq_fake_audit", module)
        monkeypatch.setitem(cli.COMMANDS, "check", "hsq_fake_audit")
        code, out, _ = run(capsys, "check", "https://example.com/")
        assert code == 3 and out == "checked https://example.com/\n"

    def test_check_is_the_site_audit_and_parses_without_a_browser(self, capsys):
        # `hsq-shim check --help` must work where playwright is not installed: shim.audit
        # imports it only when the audit runs.
        assert cli.COMMANDS["check"] == "shim.audit"
        with pytest.raises(SystemExit) as done:
            cli.main(["check", "--help"])
        out = " ".join(capsys.readouterr().out.split())
        assert done.value.code == 0
        assert "--max-pages" in out and "--json" in out and "crawl a site" in out

    def test_version(self, capsys):
        with pytest.raises(SystemExit):
            cli.main(["--version"])
        assert capsys.readouterr().out.strip() == "hsq-shim 0.1.0"


class TestDecode:
    def test_a_custom_event(self, capsys):
        url = "https://track-eu1.hubspot.com/__ptbe.gif?" + encode_query(
            [("n", "pe123_signup"), ("_plan", "pro"), ("_seats", "5"), ("a", "123"),
             ("pu", "https://example.com/buy?x=1")])
        code, out, _ = run(capsys, "decode", url)
        data = json.loads(out)
        assert code == 0 and data["kind"] == "custom event" and data["name"] == "pe123_signup"
        assert data["properties"] == {"plan": "pro", "seats": "5"}
        assert data["path"] == "/buy?x=1" and data["identity"] is None
        assert data["params"][0] == ["n", "pe123_signup"] and len(data["params"]) == 5
        assert out.count("\n") == 17 + 5 + 2          # one line per field and per parameter

    def test_a_bare_query_string(self, capsys):
        code, out, _ = run(capsys, "decode", "k=1&a=5&po=%2Fx")
        data = json.loads(out)
        assert data["kind"] == "page view" and data["portal"] == "5" and data["endpoint"] is None

    def test_urls_from_stdin_one_json_line_each(self, capsys, monkeypatch):
        code, out, _ = run(capsys, "decode", "-", stdin="k=1&po=%2Fa\n\nk=3&n=ev\n",
                           monkeypatch=monkeypatch)
        lines = [json.loads(line) for line in out.splitlines()]
        assert [(d["kind"], d["path"], d["name"]) for d in lines] == [
            ("page view", "/a", None), ("legacy event", None, "ev")]
