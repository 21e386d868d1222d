"""The demo server: serves static/ and collects the shim's beacons on this machine.

    python -m shim.collector [--host 127.0.0.1] [--port 8765] [--root static] [--db FILE]
    (also `hsq-shim demo` and `hsq-shim collect`: shim/cli.py)

Routes:
  GET|POST .../__ptq.gif, .../__ptbe.gif, .../__pto.gif   record a beacon, answer a 1x1 GIF
  GET    /api/beacons[?since=N]    the recorded beacons as JSON (the newest 1000 after N)
  DELETE /api/beacons, POST /api/beacons/clear    forget them
  GET    /spa, /spa/...            static/spa.html (the SPA's routes survive a reload)
  GET    anything else             a file of the root directory, or 404

Rule 1: a host tool, never shipped to the browser: CPython and the standard library only;
        beacons are decoded with the same codec the browser encodes with.
Rule 2: beacons go to a BeaconStore (store.py): SQLite in memory, or in a file with
        --db so they survive a restart; bounded either way; each gets a sequence number
        that only grows, so `since=` polling never sees one twice, even across a clear
        (a clear bumps `epoch` instead, so pollers know to start over).
Rule 3: HTML is served with `script-src 'self'`: the demo proves it needs no inline
        script and no eval.
Rule 4: bad input never stops the server: an unreadable body or request gets a 4xx, a
        beacon whose text is not clean UTF-8 is kept with its `error` said, a failing
        database answers 503.
"""

import argparse
import json
import os
import re
import signal
import sqlite3
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote_to_bytes

from shim.collector.store import FILE_LIMIT, MEMORY_LIMIT, BeaconStore, StoreError
from shim.testing.beacons import ENDPOINTS, PIXEL
from shim.testing.codec import decode_query, split_url


def find_root():
    """The demo pages: the installed package's shim/static (a wheel), else the repo's static/."""
    package = Path(__file__).resolve().parents[1]                   # shim/
    for root in (package / "static", package.parent / "static"):
        if (root / "index.html").is_file():
            return root
    return package.parent / "static"


DEFAULT_ROOT = find_root()
API_LIMIT = 1000                            # /api/beacons: the newest 1000 after `since`
MAX_BODY = 64 * 1024                        # a bigger beacon body is refused (413)
MAX_DRAIN = 1024 * 1024                     # ... and read away first up to this, so the 413 arrives
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
BEACON_ENDPOINTS = ENDPOINTS
SPA_PAGE = "/spa.html"
PAGE_CSP = "script-src 'self'"


def read_text(raw, where):
    """(text, problems): a request target, query or form body as text, and what was not clean.

    Not-UTF-8 bytes, raw or percent-escaped, become U+FFFD; a stray '%' stays as it is."""
    problems = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        problems.append("%s: bytes that are not UTF-8 (shown as U+FFFD)" % where)
    if BAD_ESCAPE.search(text):
        problems.append("%s: '%%' without two hex digits (kept as is)" % where)
    try:
        unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError:
        problems.append("%s: percent escapes that are not UTF-8 (shown as U+FFFD)" % where)
    return text, problems


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
        # http.server reads the request line as Latin-1: get the raw bytes back.
        self.target, self.problems = read_text(self.path.encode("latin-1"), "request URL")
        path, query = split_url(self.target)
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
        if self.server.root is None:
            return self.send_json(404, {"error": "this collector serves no files: %s" % path})
        if is_spa_route(path):
            self.path = path = SPA_PAGE
        self.is_page = path.endswith("/") or path.endswith(".html")
        send()

    # -- beacons ----------------------------------------------------------------

    def record_beacon(self, method, endpoint, query):
        problems = list(self.problems)
        params = decode_query(query)
        if method == "POST":
            length = self.body_length()
            if length is None:
                return self.send_json(400, {"error": "Content-Length must be a whole number"})
            if length > MAX_BODY:
                self.discard_body(length)
                return self.send_json(413, {"error": "a beacon body is at most %d bytes" % MAX_BODY})
            body, body_problems = read_text(self.rfile.read(length), "body")
            problems += body_problems
            params += decode_query(body)
        url = "http://%s%s" % (self.headers.get("Host", "localhost"), self.target)
        try:
            item = self.server.beacons.add(method, url, endpoint, params,
                                           "; ".join(problems) or None)
        except sqlite3.Error as error:
            print("collector: cannot store a beacon: %s" % error, file=sys.stderr, flush=True)
            return self.send_json(503, {"error": "the beacon database failed: %s" % error})
        if self.server.verbose:
            shown = dict(params)
            print("beacon #%d %s k=%s po=%s pu=%s%s" % (
                item["seq"], endpoint, shown.get("k", "-"), shown.get("po", "-"),
                shown.get("pu", "-"), "  (%s)" % item["error"] if item["error"] else ""), flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.send_header("Content-Length", str(len(PIXEL)))
        self.end_headers()
        self.wfile.write(PIXEL)

    def body_length(self):
        """The Content-Length (0 when absent), or None when it is not a whole number."""
        value = (self.headers.get("Content-Length") or "0").strip()
        return int(value) if value.isascii() and value.isdigit() else None

    def discard_body(self, length):
        """Read a refused body away (up to MAX_DRAIN), so the client gets the answer."""
        left = min(length, MAX_DRAIN)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)

    # -- JSON API ---------------------------------------------------------------

    def api(self, method, path, query):
        try:
            return self.answer_api(method, path, query)
        except sqlite3.Error as error:
            return self.send_json(503, {"error": "the beacon database failed: %s" % error})

    def answer_api(self, method, path, query):
        beacons = self.server.beacons
        if path == "/api/beacons" and method == "GET":
            since = dict(decode_query(query)).get("since", "0")
            if not (since.isascii() and since.isdigit()):
                return self.send_json(400, {"error": "since must be a whole number"})
            return self.send_json(200, beacons.since(int(since), API_LIMIT))
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
    """The HTTP server plus its beacon store (`.beacons`); root None serves no files."""

    daemon_threads = True
    block_on_close = False                  # never wait on a browser's idle connection
    request_queue_size = 128                # many clients at once connect without a retry

    def __init__(self, address, root, verbose=False, beacons=None):
        self.root = None if root is None else Path(root)
        super().__init__(address, partial(CollectorHandler, directory=str(root or os.devnull)))
        self.beacons = BeaconStore() if beacons is None else beacons
        self.verbose = verbose

    @property
    def url(self):
        host, port = self.server_address[:2]
        return "http://%s:%d" % (host, port)

    def stop(self):
        self.shutdown()
        self.server_close()
        self.beacons.close()


def serve(root=DEFAULT_ROOT, host="127.0.0.1", port=0, verbose=False, beacons=None):
    """Start the server in a daemon thread and return it; `server.stop()` ends it.

    beacons: a BeaconStore (default: a new one in memory), closed by stop()."""
    server = CollectorServer((host, port), root, verbose=verbose, beacons=beacons)
    # A short poll interval makes stop() quick (tests start and stop many servers).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     name="hsq-collector", daemon=True).start()
    return server


def run(root, host, port, db=None, keep=None):
    """Serve until Ctrl-C (the demo with root, the collector alone without); exit status."""
    if root is not None and not (Path(root) / "hsq-shim.js").is_file():
        print("warning: %s is missing: run `python build.py` first" % (Path(root) / "hsq-shim.js"))
    try:
        beacons = BeaconStore(db, keep)
        server = serve(root, host, port, verbose=True, beacons=beacons)
    except (StoreError, OSError) as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop_on_sigterm)     # `kill` stops it as Ctrl-C does
    try:
        where = "in %s (newest %d kept)" % (Path(db).resolve(), beacons.limit) if db else \
            "in memory (newest %d kept; --db FILE keeps them)" % beacons.limit
        if root is None:
            print("hsq-shim collector: %s/  beacons %s; list: %s/api/beacons"
                  % (server.url, where, server.url), flush=True)
        else:
            print("hsq-shim demo: open %s/  (event log: %s/events.html)  beacons %s"
                  % (server.url, server.url, where), flush=True)
        threading.Event().wait()            # until Ctrl-C
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        server.stop()
    return 0


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def add_server_arguments(parser, port=8765):
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=port, help="0 picks a free port (default %d)" % port)
    parser.add_argument("--keep", type=int, default=None, metavar="ROWS",
                        help="keep the newest ROWS beacons (default %d in a file, %d in memory)"
                             % (FILE_LIMIT, MEMORY_LIMIT))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m shim.collector",
                                     description="Serve the hsq-shim demo and collect its beacons.")
    add_server_arguments(parser)
    parser.add_argument("--root", default=str(DEFAULT_ROOT), help="directory to serve (static/)")
    parser.add_argument("--db", default=None, metavar="FILE",
                        help="keep the beacons in this SQLite file (default: in memory)")
    args = parser.parse_args(argv)
    return run(Path(args.root), args.host, args.port, args.db, args.keep)


if __name__ == "__main__":
    sys.exit(main())
