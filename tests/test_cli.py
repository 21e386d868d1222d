"""The `hsq-shim` command as a user gets it: the wheel, installed into a fresh virtual
environment, run from a directory outside the repository.

Checks: the wheel holds the built file, its declarations, the demo pages and the console
script; every subcommand has --help; `path` names the installed file; `decode` prints a
beacon as JSON; `demo` serves the pages and the live log from the installed package and
keeps beacons in ./hsq-shim-demo.sqlite; a restarted `collect` on that file lists them and
numbers on; `export` prints them as JSON lines; `python -m shim.collector` still runs.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from shim.core.codec import encode_query

ROOT = Path(__file__).resolve().parent.parent
SUBCOMMANDS = ["path", "decode", "demo", "collect", "export"]
VIEW = [("k", "1"), ("a", "123"), ("po", "/pricing"), ("t", "Prix & café"),
        ("i", "email=a%40b.co&firstname=J%C3%BCrgen"), ("cc", "3")]
DEMO_FILES = ["hsq-shim.js", "hsq-shim.d.ts", "index.html", "spa.html", "events.html",
              "demo/demo.css", "demo/events.js", "demo/index.js", "demo/index-setup.js", "demo/spa.js"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built from a copy of the sources (no build/ left in the repository)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "shim", src / "shim", ignore=ignore)
    shutil.copytree(ROOT / "static", src / "static", ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "--quiet", "-w", str(out), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [built] = out.glob("hsq_shim-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv with only the wheel installed; -> its bin directory."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                           "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return venv / "bin"


@pytest.fixture
def workdir(tmp_path):
    return tmp_path


def clean_env():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run(bin_dir, *args, cwd, stdin=None):
    return subprocess.run([str(bin_dir / "hsq-shim"), *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=60, env=clean_env())


class Server:
    """A long-running `hsq-shim demo|collect` process; its URL read from its first line."""

    def __init__(self, bin_dir, *args, cwd):
        self.proc = subprocess.Popen([str(bin_dir / "hsq-shim"), *args, "--port", "0"], cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=clean_env())
        killer = threading.Timer(60, self.proc.kill)     # never outlive a hung test
        killer.daemon = True
        killer.start()
        self.banner = self.proc.stdout.readline()
        assert "http://" in self.banner, self.banner + self.proc.stderr.read()
        self.url = self.banner.split("http://")[1].split("/")[0]
        self.url = "http://" + self.url

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return response.status, response.headers, response.read()

    def stop(self):
        """SIGTERM, as `kill` sends: -> (exit status, rest of stdout)."""
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        return self.proc.returncode, out


class TestWheel:
    def test_holds_the_file_the_demo_pages_and_the_command(self, wheel):
        names = set(zipfile.ZipFile(wheel).namelist())
        for name in DEMO_FILES:
            assert "shim/static/" + name in names
        assert "shim/cli.py" in names and "shim/collector/store.py" in names
        [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        text = zipfile.ZipFile(wheel).read(entry_points).decode()
        assert "hsq-shim = shim.cli:main" in text
        assert any(".dist-info/" in n and n.endswith("/LICENSE") for n in names)


class TestInstalledCommand:
    def test_help_for_the_command_and_every_subcommand(self, installed, workdir):
        top = run(installed, "--help", cwd=workdir)
        assert top.returncode == 0
        for name in SUBCOMMANDS:
            assert name in top.stdout
            sub = run(installed, name, "--help", cwd=workdir)
            assert sub.returncode == 0 and sub.stdout.startswith("usage: hsq-shim " + name)
        assert "--db" in run(installed, "collect", "--help", cwd=workdir).stdout

    def test_no_subcommand_is_a_usage_error(self, installed, workdir):
        result = run(installed, cwd=workdir)
        assert result.returncode == 2 and "usage: hsq-shim" in result.stderr

    def test_path_names_the_installed_file(self, installed, workdir):
        result = run(installed, "path", cwd=workdir)
        path = Path(result.stdout.strip())
        assert result.returncode == 0 and path.name == "hsq-shim.js"
        assert str(path).startswith(str(installed.parent)) and ROOT not in path.parents
        assert path.read_bytes() == (ROOT / "static" / "hsq-shim.js").read_bytes()
        types = Path(run(installed, "path", "--types", cwd=workdir).stdout.strip())
        assert types.read_bytes() == (ROOT / "static" / "hsq-shim.d.ts").read_bytes()

    def test_decode_prints_the_beacon_as_json(self, installed, workdir):
        url = "https://track.hubspot.com/__ptq.gif?" + encode_query(VIEW)
        result = run(installed, "decode", url, cwd=workdir)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["kind"] == "page view" and data["portal"] == "123"
        assert data["path"] == "/pricing" and data["title"] == "Prix & café"
        assert data["identity"] == {"email": "a@b.co", "firstname": "Jürgen"}
        assert data["params"] == [list(pair) for pair in VIEW]
        assert data["host"] == "track.hubspot.com" and data["endpoint"] == "/__ptq.gif"

    def test_demo_then_collect_keep_the_beacons_and_export_prints_them(self, installed, workdir):
        demo = Server(installed, "demo", cwd=workdir)
        for name in ["", "events.html", "spa/pricing"] + DEMO_FILES:
            status, headers, body = demo.get("/" + name)
            assert status == 200 and body, name
        assert demo.get("/hsq-shim.js")[2] == (ROOT / "static" / "hsq-shim.js").read_bytes()
        status, headers, body = demo.get("/collect/__ptq.gif?" + encode_query(VIEW))
        assert status == 200 and headers["Content-Type"] == "image/gif"
        code, out = demo.stop()
        assert code == 0 and "stopping" in out
        assert (workdir / "hsq-shim-demo.sqlite").is_file()

        collect = Server(installed, "collect", "--db", "hsq-shim-demo.sqlite", cwd=workdir)
        collect.get("/__ptbe.gif?n=signup&_plan=pro")
        listed = json.loads(collect.get("/api/beacons")[2])
        assert [b["seq"] for b in listed["beacons"]] == [1, 2] and listed["last"] == 2
        assert listed["beacons"][0]["params"] == [list(pair) for pair in VIEW]
        assert listed["beacons"][0]["identity"] == [["email", "a@b.co"], ["firstname", "Jürgen"]]
        collect.stop()

        result = run(installed, "export", "--db", "hsq-shim-demo.sqlite", cwd=workdir)
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert [(b["seq"], b["endpoint"]) for b in lines] == [(1, "/__ptq.gif"), (2, "/__ptbe.gif")]
        assert lines[1]["params"] == [["n", "signup"], ["_plan", "pro"]]
        since = run(installed, "export", "--db", "hsq-shim-demo.sqlite", "--since", "1", cwd=workdir)
        assert [json.loads(line)["seq"] for line in since.stdout.splitlines()] == [2]

    def test_the_collector_alone_serves_no_pages(self, installed, workdir):
        collect = Server(installed, "collect", cwd=workdir)
        with pytest.raises(urllib.error.HTTPError) as refused:
            collect.get("/index.html")
        with refused.value:
            assert refused.value.code == 404
        assert "in memory" in collect.banner
        collect.stop()
        assert list(workdir.iterdir()) == []            # nothing written without --db

    def test_export_of_a_missing_database_says_so(self, installed, workdir):
        result = run(installed, "export", "--db", "nothing.sqlite", cwd=workdir)
        assert result.returncode == 2 and "nothing.sqlite: no such file" in result.stderr
        assert not (workdir / "nothing.sqlite").exists()

    def test_python_m_shim_collector_still_runs(self, installed, workdir):
        python = str(installed / "python")
        result = subprocess.run([python, "-m", "shim.collector", "--help"], cwd=workdir,
                                capture_output=True, text=True, timeout=60, env=clean_env())
        assert result.returncode == 0 and "--db" in result.stdout
