"""The demo collector (shim.collector), in-process over real HTTP on a free port.

Checks: beacons under any prefix are recorded with their params decoded in order and
answered with a GIF; `i` is decoded once more; `/api/beacons` with `since=`, clear by
DELETE and by POST; bounded memory; static files, 404s, unknown API paths, the SPA
fallback and the page CSP.
"""

import json
import urllib.error
import urllib.request

import pytest

from shim.core.codec import encode_query
from shim.collector import PIXEL, BeaconStore, serve

VIEW = [("k", "1"), ("a", "123"), ("po", "/pricing?plan=pro"),
        ("pu", "http://127.0.0.1/x y"), ("t", "Prices & plans"),
        ("i", "email=a%40b.co&firstname=J%C3%BCrgen"), ("vi", "0" * 32)]


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<h1>index</h1>")
    (tmp_path / "spa.html").write_text("<h1>spa</h1>")
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "app.js").write_text("var x = 1;")
    running = serve(tmp_path, "127.0.0.1", 0)
    yield running
    running.stop()


def request(server, path, method="GET", data=None):
    """-> (status, headers, body bytes); HTTP errors are answers too."""
    req = urllib.request.Request(server.url + path, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def api(server, path="/api/beacons", method="GET"):
    status, headers, body = request(server, path, method)
    assert headers["Content-Type"].startswith("application/json")
    return status, json.loads(body)


def send_beacon(server, pairs, prefix="/collect", endpoint="/__ptq.gif"):
    return request(server, prefix + endpoint + "?" + encode_query(pairs))


class TestBeacons:
    def test_a_beacon_is_answered_with_a_gif_open_to_any_origin(self, server):
        status, headers, body = send_beacon(server, VIEW)
        assert status == 200 and body == PIXEL
        assert headers["Content-Type"] == "image/gif"
        assert headers["Access-Control-Allow-Origin"] == "*"

    def test_recorded_with_params_decoded_in_order(self, server):
        send_beacon(server, VIEW)
        status, data = api(server)
        assert status == 200 and data["last"] == 1
        [beacon] = data["beacons"]
        assert beacon["seq"] == 1 and beacon["method"] == "GET"
        assert beacon["endpoint"] == "/__ptq.gif"
        assert [tuple(pair) for pair in beacon["params"]] == VIEW
        assert beacon["url"] == server.url + "/collect/__ptq.gif?" + encode_query(VIEW)
        assert isinstance(beacon["time"], int) and beacon["time"] > 1_600_000_000_000

    def test_identity_is_decoded_once_more(self, server):
        send_beacon(server, VIEW)
        [beacon] = api(server)[1]["beacons"]
        assert beacon["identity"] == [["email", "a@b.co"], ["firstname", "Jürgen"]]

    def test_no_identity_is_null(self, server):
        send_beacon(server, [("k", "1")])
        assert api(server)[1]["beacons"][0]["identity"] is None

    @pytest.mark.parametrize("path", ["/__ptq.gif", "/collect/__ptbe.gif", "/a/b/__pto.gif"])
    def test_every_endpoint_under_any_prefix(self, server, path):
        status, _, body = request(server, path + "?n=x")
        assert status == 200 and body == PIXEL
        [beacon] = api(server)[1]["beacons"]
        assert beacon["endpoint"] == path[path.rfind("/"):]

    def test_a_post_beacon_adds_its_form_body(self, server):
        status, _, _ = request(server, "/collect/__ptq.gif?k=1", "POST", b"a=123&po=%2Fx")
        assert status == 200
        [beacon] = api(server)[1]["beacons"]
        assert beacon["method"] == "POST"
        assert beacon["params"] == [["k", "1"], ["a", "123"], ["po", "/x"]]


class TestApi:
    def test_since_returns_only_newer_beacons(self, server):
        for n in range(3):
            send_beacon(server, [("k", "1"), ("po", "/%d" % n)])
        data = api(server, "/api/beacons?since=1")[1]
        assert [b["seq"] for b in data["beacons"]] == [2, 3] and data["last"] == 3
        assert api(server, "/api/beacons?since=3")[1]["beacons"] == []

    def test_since_must_be_a_number(self, server):
        status, data = api(server, "/api/beacons?since=x")
        assert status == 400 and "since" in data["error"]

    @pytest.mark.parametrize("path, method", [("/api/beacons", "DELETE"),
                                              ("/api/beacons/clear", "POST")])
    def test_clear(self, server, path, method):
        send_beacon(server, VIEW)
        status, data = api(server, path, method)
        assert status == 200 and data == {"cleared": True, "epoch": 1}
        after = api(server)[1]
        assert after["beacons"] == [] and after["epoch"] == 1
        send_beacon(server, VIEW)               # numbering goes on: pollers never miss one
        assert [b["seq"] for b in api(server, "/api/beacons?since=1")[1]["beacons"]] == [2]

    @pytest.mark.parametrize("path, method", [("/api/nothing", "GET"), ("/api", "GET"),
                                              ("/api/beacons", "POST")])
    def test_unknown_api_is_a_json_404(self, server, path, method):
        status, data = api(server, path, method)
        assert status == 404 and "error" in data


class TestStaticFiles:
    def test_files_of_the_root(self, server):
        status, headers, body = request(server, "/demo/app.js")
        assert status == 200 and body == b"var x = 1;"
        assert "javascript" in headers["Content-Type"]

    def test_index_with_a_strict_script_policy(self, server):
        status, headers, body = request(server, "/")
        assert status == 200 and body == b"<h1>index</h1>"
        assert headers["Content-Security-Policy"] == "script-src 'self'"
        assert headers["Cache-Control"] == "no-store"

    @pytest.mark.parametrize("path", ["/missing.html", "/demo/", "/../pyproject.toml"])
    def test_missing_files_and_directories_are_404(self, server, path):
        assert request(server, path)[0] == 404

    @pytest.mark.parametrize("path", ["/spa", "/spa/", "/spa/pricing", "/spa/docs?topic=setup"])
    def test_spa_routes_serve_the_spa_page(self, server, path):
        status, headers, body = request(server, path)
        assert status == 200 and body == b"<h1>spa</h1>"
        assert headers["Content-Security-Policy"] == "script-src 'self'"

    def test_other_methods_on_files_are_refused(self, server):
        assert request(server, "/index.html", "DELETE")[0] == 405

    def test_nothing_else_is_recorded(self, server):
        request(server, "/index.html")
        request(server, "/missing.gif")
        assert api(server)[1]["beacons"] == []


class TestBeaconStoreInMemory:
    def test_keeps_only_the_newest(self):
        log = BeaconStore(limit=3)
        for n in range(5):
            log.add("GET", "u%d" % n, "/__ptq.gif", [("k", "1")])
        data = log.since(0)
        assert len(log) == 3 and data["last"] == 5
        assert [b["url"] for b in data["beacons"]] == ["u2", "u3", "u4"]

    def test_the_default_bound_is_1000(self):
        log = BeaconStore()
        for n in range(1005):
            log.add("GET", "u", "/__ptq.gif", [])
        assert len(log) == 1000 and log.since(0)["beacons"][0]["seq"] == 6
