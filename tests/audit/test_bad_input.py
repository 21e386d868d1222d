"""`hsq-shim check` given addresses it cannot audit: an unreachable site, a non-HTML URL,
a redirect loop, a page that never finishes loading or whose script never ends, a missing
page. Each is a reported
problem with its own code, never a traceback; the exit status says problems were found."""

import socket

import pytest

from tests.audit.conftest import AuditRun
from tests.audit.sites import page, site_fixture

PAGES = {
    "/data.json": (200, {"Content-Type": "application/json"}, '{"a": 1}'),
    "/loop": (301, {"Location": "/loop"}, ""),
    # HTML arrives, but an image never does: the load event never fires.
    "/slow": page("Slow", '<img src="/hang" alt="">'),
    "/hang": "hang",
    # Loads, then a script never lets go of the page.
    "/busy": page("Busy", "<script>addEventListener('load', () => setTimeout(() => "
                          "{ for (;;) {} }, 0));</script>", embed=""),
}


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


site = site_fixture(PAGES)


@pytest.fixture(scope="module")
def run(site, tmp_path_factory):
    urls = ["http://127.0.0.1:%d/" % closed_port()] + [
        site.url + path for path in ("/data.json", "/loop", "/missing")]
    return AuditRun(tmp_path_factory.mktemp("bad"), urls)


@pytest.fixture(scope="module")
def stuck(site, tmp_path_factory):
    """Pages that never let go, under a short --timeout (a run of its own: the redirect
    loop above needs the default time on a loaded machine)."""
    return AuditRun(tmp_path_factory.mktemp("stuck"),
                    [site.url + "/slow", site.url + "/busy", "--timeout", "3"])


def test_each_address_is_reported_with_its_own_code(run, stuck, site):
    codes = {page["url"].replace(site.url, ""): [p["code"] for p in page["problems"]]
             for page in run.report["pages"] + stuck.report["pages"]}
    assert codes == {run.report["start_urls"][0]: ["unreachable"], "/data.json": ["not-html"],
                     "/loop": ["redirect-loop"], "/missing": ["http-error"],
                     "/slow": ["page-timeout"], "/busy": ["page-busy"]}
    assert (run.status, stuck.status) == (1, 1)
    assert (run.stderr, stuck.stderr) == ("", "")


def test_the_messages_say_what_happened(run, stuck, site):
    messages = {page["url"].replace(site.url, ""): page["problems"][0]["message"]
                for page in run.report["pages"] + stuck.report["pages"]}
    assert "could not be reached (ERR_CONNECTION_REFUSED)" in messages[run.report["start_urls"][0]]
    assert "not a web page (content type application/json)" in messages["/data.json"]
    assert "redirects in a loop" in messages["/loop"]
    assert messages["/missing"].startswith("The server answered HTTP 404.")
    assert messages["/slow"].startswith("The page did not finish loading within 3 s.")
    assert messages["/busy"].startswith("The page stopped answering for over 3 s after it "
                                        "loaded: a script keeps it busy.")


def test_the_terminal_summary_lists_them(run, stuck):
    assert run.stdout.startswith("hsq-shim check: 4 problems on 4 of 4 pages")
    for code in ("unreachable", "not-html", "redirect-loop", "http-error"):
        assert "    " + code in run.stdout
    assert "    page-timeout" in stuck.stdout and "    page-busy" in stuck.stdout


def test_usage_errors_are_reported_without_a_browser(capsys):
    from shim.audit import main
    assert main(["ftp://example.com/"]) == 2
    assert "is not an http(s) URL" in capsys.readouterr().err
    assert main(["http://127.0.0.1:1/", "--browser", "/nonexistent/chromium"]) == 2
    assert "--browser /nonexistent/chromium: no such executable" in capsys.readouterr().err
    for bad in (["--max-pages", "0"], ["--spa-links", "-1"]):
        with pytest.raises(SystemExit) as exit_:
            main(["http://127.0.0.1:1/"] + bad)
        assert exit_.value.code == 2
