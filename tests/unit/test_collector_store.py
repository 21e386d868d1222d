"""The collector keeps what it collects (shim/collector/store.py), and stands up to load and
bad input, over real HTTP on loopback.

Checks: a file store survives a restart with its numbering, epoch and identity; it is in
WAL mode and bounded by its row limit; another process's read-only view (export) sees the
rows while the collector writes; someone else's file is refused and left untouched; the
API answers the newest 1000 and counts the rest; 50 clients x 200 beacons at once are all
kept while the API keeps answering; oversized bodies, broken lengths, broken escapes and
non-UTF-8 get a 4xx or a recorded error, and the server keeps serving.
"""

import http.client
import json
import re
import socket
import sqlite3
import threading
import time

import pytest

from shim.collector import BeaconStore, StoreError, serve
from shim.core.codec import encode_query

VIEW = [("k", "1"), ("a", "123"), ("po", "/pricing"), ("i", "email=a%40b.co")]


def get(server, target, method="GET", body=None, headers=None, timeout=10):
    """-> (status, body bytes) of one request, sent as given (no client-side quoting)."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None and "Content-Length" not in (headers or {}):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def raw_request(server, data):
    """Send raw bytes as a request; -> the status code of the answer (an answer to a
    request too broken to have a version comes without a status line, HTTP/0.9 style)."""
    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    if answer.startswith(b"HTTP/"):
        return int(answer.split(b" ")[1])
    return int(re.search(rb"Error code: (\d+)", answer).group(1))


def listed(server, since=0):
    status, body = get(server, "/api/beacons?since=%d" % since)
    assert status == 200
    return json.loads(body)


class TestFileStore:
    def test_beacons_survive_a_restart_and_numbering_goes_on(self, tmp_path):
        db = tmp_path / "beacons.sqlite"
        store = BeaconStore(db)
        store.add("GET", "u1", "/__ptq.gif", VIEW)
        store.add("GET", "u2", "/__ptq.gif", [("k", "1")])
        store.clear()
        store.add("POST", "u3", "/__ptbe.gif", VIEW)
        store.close()

        again = BeaconStore(db)
        data = again.since(0)
        assert data["epoch"] == 1 and data["last"] == 3
        [beacon] = data["beacons"]
        assert beacon["seq"] == 3 and beacon["method"] == "POST" and beacon["url"] == "u3"
        assert beacon["params"] == [list(pair) for pair in VIEW]
        assert beacon["identity"] == [["email", "a@b.co"]]
        assert again.add("GET", "u4", "/__ptq.gif", [])["seq"] == 4

    def test_wal_mode(self, tmp_path):
        BeaconStore(tmp_path / "b.sqlite").close()
        with sqlite3.connect(tmp_path / "b.sqlite") as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    def test_bounded_by_its_row_limit(self, tmp_path):
        store = BeaconStore(tmp_path / "b.sqlite", limit=5)
        for n in range(12):
            store.add("GET", "u%d" % n, "/__ptq.gif", [])
        assert len(store) == 5
        assert [b["url"] for b in store.since(0)["beacons"]] == ["u7", "u8", "u9", "u10", "u11"]

    def test_a_file_store_keeps_100000_by_default(self, tmp_path):
        assert BeaconStore(tmp_path / "b.sqlite").limit == 100_000

    def test_a_read_only_view_sees_what_the_writer_adds(self, tmp_path):
        writer = BeaconStore(tmp_path / "b.sqlite")
        reader = BeaconStore(tmp_path / "b.sqlite", readonly=True)
        for n in range(1203):
            writer.add("GET", "u%d" % n, "/__ptq.gif", [("n", str(n))])
        items = list(reader.items(since=2))
        assert [b["seq"] for b in items] == list(range(3, 1204))
        assert items[-1]["params"] == [["n", "1202"]]

    def test_since_answers_the_newest_and_counts_the_rest(self):
        store = BeaconStore()
        for n in range(10):
            store.add("GET", "u%d" % n, "/__ptq.gif", [])
        data = store.since(2, limit=3)
        assert [b["seq"] for b in data["beacons"]] == [8, 9, 10] and data["skipped"] == 5
        assert store.since(10**30)["beacons"] == [] and store.since(-5)["skipped"] == 0

    def test_someone_elses_database_is_refused_and_left_untouched(self, tmp_path):
        other = tmp_path / "app.sqlite"
        with sqlite3.connect(other) as db:
            db.execute("CREATE TABLE users (name TEXT)")
        db.close()
        with pytest.raises(StoreError, match="not an hsq-shim beacon database"):
            BeaconStore(other)
        with sqlite3.connect(other) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
        db.close()
        assert tables == ["users"]

    def test_a_file_that_is_no_database_is_refused(self, tmp_path):
        (tmp_path / "notes.txt").write_text("hello " * 200)
        with pytest.raises(StoreError):
            BeaconStore(tmp_path / "notes.txt")


@pytest.fixture
def server(tmp_path):
    running = serve(None, "127.0.0.1", 0,
                    beacons=BeaconStore(tmp_path / "beacons.sqlite", limit=20_000))
    yield running
    running.stop()


class TestUnderLoad:
    CLIENTS, EACH = 50, 200

    def test_concurrent_clients_lose_nothing_and_the_api_keeps_answering(self, server):
        failures, api_times = [], []
        sending = threading.Event()

        def client(number):
            for n in range(self.EACH):
                pairs = [("k", "1"), ("a", "123"), ("po", "/c%d/%d" % (number, n))]
                try:
                    status, body = get(server, "/collect/__ptq.gif?" + encode_query(pairs))
                    if status != 200:
                        failures.append((number, n, status))
                except OSError as error:
                    failures.append((number, n, repr(error)))

        def poller():
            since = 0
            while sending.is_set():
                start = time.monotonic()
                since = listed(server, since)["last"]
                api_times.append(time.monotonic() - start)
                time.sleep(0.05)

        clients = [threading.Thread(target=client, args=(c,), daemon=True)
                   for c in range(self.CLIENTS)]
        sending.set()
        watcher = threading.Thread(target=poller, daemon=True)
        watcher.start()
        started = time.monotonic()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=max(1, 240 - (time.monotonic() - started)))
        sending.clear()
        watcher.join(timeout=30)
        assert not any(thread.is_alive() for thread in clients), "clients still running after 240 s"
        assert failures == []

        total = self.CLIENTS * self.EACH
        kept = list(server.beacons.items())
        assert len(kept) == total and server.beacons.last == total
        paths = sorted(dict(map(tuple, b["params"]))["po"] for b in kept)
        assert paths == sorted("/c%d/%d" % (c, n) for c in range(self.CLIENTS) for n in range(self.EACH))
        # The event log's poll kept working throughout.
        assert len(api_times) >= 5 and max(api_times) < 5, api_times


class TestBadInput:
    def test_an_oversized_body_is_413_and_not_recorded(self, server):
        status, body = get(server, "/__ptq.gif?k=1", "POST", b"a=" + b"x" * 200_000)
        assert status == 413 and b"at most" in body
        assert listed(server)["beacons"] == []

    @pytest.mark.parametrize("length", ["abc", "-5", "1e3", "\u0663"])
    def test_a_broken_content_length_is_400(self, server, length):
        status = raw_request(server, ("POST /__ptq.gif?k=1 HTTP/1.0\r\nContent-Length: %s\r\n\r\na=1"
                                      % length).encode("utf-8"))
        assert status == 400
        assert listed(server)["beacons"] == []

    def test_percent_escapes_that_are_not_utf8_are_kept_with_the_reason(self, server):
        status, _ = get(server, "/__ptq.gif?k=1&t=caf%E9&po=%2Fok")
        assert status == 200
        [beacon] = listed(server)["beacons"]
        assert beacon["params"] == [["k", "1"], ["t", "caf\ufffd"], ["po", "/ok"]]
        assert "not UTF-8" in beacon["error"]

    def test_raw_bytes_in_the_request_line(self, server):
        assert raw_request(server, b"GET /__ptq.gif?k=1&t=\xff\xfe&po=/\xc3\xa9 HTTP/1.0\r\n\r\n") == 200
        [beacon] = listed(server)["beacons"]
        assert beacon["params"] == [["k", "1"], ["t", "\ufffd\ufffd"], ["po", "/\u00e9"]]
        assert "request URL: bytes that are not UTF-8" in beacon["error"]

    @pytest.mark.parametrize("query, params", [
        ("k=1&%zz=%&&=&po", [["k", "1"], ["%zz", "%"], ["", ""], ["po", ""]]),
        ("%", [["%", ""]]),
        ("k=1&t=%C3", [["k", "1"], ["t", "\ufffd"]]),
    ])
    def test_broken_query_strings_are_kept_with_the_reason(self, server, query, params):
        assert get(server, "/__ptq.gif?" + query)[0] == 200
        [beacon] = listed(server)["beacons"]
        assert beacon["params"] == params and beacon["error"]

    def test_a_body_that_is_not_utf8(self, server):
        status, _ = get(server, "/__ptbe.gif?n=ev", "POST", b"_x=\xff&_y=%E2%82%AC")
        assert status == 200
        [beacon] = listed(server)["beacons"]
        assert beacon["params"] == [["n", "ev"], ["_x", "\ufffd"], ["_y", "\u20ac"]]
        assert beacon["error"] == "body: bytes that are not UTF-8 (shown as U+FFFD)"

    @pytest.mark.parametrize("since", ["-1", "1.5", "%D9%A1", "9" * 40])
    def test_odd_since_values(self, server, since):
        status, body = get(server, "/api/beacons?since=" + since)
        assert status in (200, 400) and json.loads(body)

    def test_garbage_requests_leave_the_server_serving(self, server):
        for data in (b"\x00\x01\x02\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/1.0 more\r\n\r\n",
                     b"GET /" + b"a" * 70_000 + b" HTTP/1.0\r\n\r\n",
                     b"GET /__ptq.gif?k=1 HTTP/1.0\r\nX: " + b"y" * 70_000 + b"\r\n\r\n"):
            assert 400 <= raw_request(server, data) < 500
        assert get(server, "/__ptq.gif?k=1")[0] == 200
        assert [b["params"] for b in listed(server)["beacons"]] == [[["k", "1"]]]

    def test_a_collector_alone_serves_no_files(self, server):
        status, body = get(server, "/index.html")
        assert status == 404 and b"serves no files" in body
