"""The demo server: serves static/ and collects the shim's beacons on this machine.

    python -m shim.collector [--host 127.0.0.1] [--port 8765] [--root static]

Routes:
  GET|POST .../__ptq.gif, .../__ptbe.gif, .../__pto.gif   record a beacon, answer a 1x1 GIF
  GET    /api/beacons[?since=N]    the recorded beacons as JSON (only those after N)
  DELETE /api/beacons, POST /api/beacons/clear    forget them
  GET    /spa, /spa/...            static/spa.html (the SPA's routes survive a reload)
  GET    anything else             a file of the root directory, or 404

Rule 1: a host tool, never shipped to the browser: CPython and the standard library only
        (the one module under shim/ allowed to use it); beacons are decoded with the
        same codec the browser encodes with.
Rule 2: bounded memory: the newest MAX_BEACONS beacons are kept; each gets a sequence
        number that only grows, so `since=` polling never sees one twice, even across
        a clear (a clear bumps `epoch` instead, so pollers know to start over).
Rule 3: HTML is served with `script-src 'self'`: the demo proves it needs no inline
        script and no eval.
"""

import argparse
import json
import threading
import time
from collections import deque
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from shim.core.beacon import ENDPOINTS
from shim.core.codec import decode_query, split_url
from shim.testing.beacons import PIXEL

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "static"
MAX_BEACONS = 1000
MAX_BODY = 64 * 1024                        # a beacon body bigger than this is not read
BEACON_ENDPOINTS = ENDPOINTS
SPA_PAGE = "/spa.html"
PAGE_CSP = "script-src 'self'"


class BeaconLog:
    """Thread-safe record of the newest beacons, numbered 1, 2, 3, ... for polling."""

    def __init__(self, limit=MAX_BEACONS):
        self._items = deque(maxlen=limit)
        self._lock = threading.Lock()
        self.last = 0                       # sequence number of the newest beacon
        self.epoch = 0                      # bumped by every clear

    def add(self, method, url, endpoint, params):
        identity = None
        for key, value in params:
            if key == "i":
                # `i` is double-encoded: decode_query gave 'email=a%40b.co'; once more.
                identity = [list(pair) for pair in decode_query(value)]
        with self._lock:
            self.last += 1
            item = {"seq": self.last, "time": int(time.time() * 1000), "method": method,
                    "endpoint": endpoint, "params": [list(pair) for pair in params],
                    "identity": identity, "url": url}
            self._items.append(item)
        return item

    def since(self, seq=0):
        with self._lock:
            items = [item for item in self._items if item["seq"] > seq]
            return {"epoch": self.epoch, "last": self.last, "beacons": items}

    def clear(self):
        with self._lock:
            self._items.clear()
            self.epoch += 1

    def __len__(self):
        with self._lock:
            return len(self._items)


def beacon_endpoint(path):
    """'/collect/__ptq.gif' -> '/__ptq.gif'; None for any other path."""
    for endpoint in BEACON_ENDPOINTS:
        if path.endswith(endpoint):
            return endpoint
    return None


def is_spa_route(path):
    return path == "/spa" or path.startswith("/spa/")


class CollectorHandler(SimpleHTTPRequestHandler):
    """One request. HTTP/1.0 (the default): every connection closes after its answer."""

    server_version = "hsq-shim-collector"
    timeout = 10                            # an idle pre-connected socket frees its thread
    is_page = False                         # set per request: HTML gets the CSP header

    # -- routing ----------------------------------------------------------------

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def do_HEAD(self):
        self.serve_file(split_url(self.path)[0], super().do_HEAD)

    def do_OPTIONS(self):
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route(self, method):
        path, query = split_url(self.path)
        path = path.split("#")[0]
        endpoint = beacon_endpoint(path)
        if endpoint:
            return self.record_beacon(method, endpoint, query)
        if path == "/api" or path.startswith("/api/"):
            return self.api(method, path, query)
        if method != "GET":
            return self.send_json(405, {"error": "method not allowed"})
        self.serve_file(path, super().do_GET)

    def serve_file(self, path, send):
        if is_spa_route(path):
            self.path = path = SPA_PAGE
        self.is_page = path.endswith("/") or path.endswith(".html")
        send()

    # -- beacons ----------------------------------------------------------------

    def record_beacon(self, method, endpoint, query):
        params = decode_query(query)
        body = self.read_body() if method == "POST" else ""
        if body:
            params += decode_query(body)
        url = "http://%s%s" % (self.headers.get("Host", "localhost"), self.path)
        item = self.server.beacons.add(method, url, endpoint, params)
        if self.server.verbose:
            shown = dict(params)
            print("beacon #%d %s k=%s po=%s pu=%s" % (item["seq"], endpoint, shown.get("k", "-"),
                                                     shown.get("po", "-"), shown.get("pu", "-")),
                  flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.send_header("Content-Length", str(len(PIXEL)))
        self.end_headers()
        self.wfile.write(PIXEL)

    def read_body(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return ""
        if length <= 0 or length > MAX_BODY:
            return ""
        return self.rfile.read(length).decode("utf-8", "replace")

    # -- JSON API ---------------------------------------------------------------

    def api(self, method, path, query):
        beacons = self.server.beacons
        if path == "/api/beacons" and method == "GET":
            since = dict(decode_query(query)).get("since", "0")
            if not since.isdigit():
                return self.send_json(400, {"error": "since must be a whole number"})
            return self.send_json(200, beacons.since(int(since)))
        if (path == "/api/beacons" and method == "DELETE") or \
                (path == "/api/beacons/clear" and method == "POST"):
            beacons.clear()
            return self.send_json(200, {"cleared": True, "epoch": beacons.epoch})
        return self.send_json(404, {"error": "no such API: %s %s" % (method, path)})

    def send_json(self, status, data):
        body = json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # -- static files -----------------------------------------------------------

    def list_directory(self, path):
        self.send_error(404, "File not found")   # no directory listings
        return None

    def end_headers(self):
        # Beacons and the API are read cross-origin by test pages; demo files never cache.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        if self.is_page:
            self.send_header("Content-Security-Policy", PAGE_CSP)
        super().end_headers()

    def log_message(self, format, *args):
        pass                                # beacons are printed by record_beacon


class CollectorServer(ThreadingHTTPServer):
    """The HTTP server plus its beacon log (`.beacons`)."""

    daemon_threads = True
    block_on_close = False                  # never wait on a browser's idle connection

    def __init__(self, address, root, verbose=False):
        super().__init__(address, partial(CollectorHandler, directory=str(root)))
        self.beacons = BeaconLog()
        self.verbose = verbose

    @property
    def url(self):
        host, port = self.server_address[:2]
        return "http://%s:%d" % (host, port)

    def stop(self):
        self.shutdown()
        self.server_close()


def serve(root=DEFAULT_ROOT, host="127.0.0.1", port=0, verbose=False):
    """Start the server in a daemon thread and return it; `server.stop()` ends it."""
    server = CollectorServer((host, port), root, verbose=verbose)
    # A short poll interval makes stop() quick (tests start and stop many servers).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="hsq-collector", daemon=True).start()
    return server


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m shim.collector",
                                     description="Serve the hsq-shim demo and collect its beacons.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--root", default=str(DEFAULT_ROOT), help="directory to serve (static/)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if not (root / "hsq-shim.js").is_file():
        print("warning: %s is missing: run `python build.py` first" % (root / "hsq-shim.js"))
    server = serve(root, args.host, args.port, verbose=True)
    try:
        print("hsq-shim demo: open %s/  (event log: %s/events.html)" % (server.url, server.url),
              flush=True)
        threading.Event().wait()            # until Ctrl-C
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
