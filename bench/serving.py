"""The bench's HTTP servers: one page for every variant, and each variant's files served as a
CDN serves them.

Rule 1: one page: /<cache>/<variant>/page.html queues the same commands before the tag and
        loads the variant's entry file by a relative src; what that file loads by relative
        path comes from the same folder (bench/variants.py, Rule 1).
Rule 2: every script is served brotli-compressed (Content-Encoding: br, compressed once, at
        quality 11) to a browser that accepts it. Under /cached/ scripts carry
        `Cache-Control: max-age` and an ETag (a returning visitor's HTTP cache); under
        /nostore/ `no-store` (cold loads). The page itself is always no-store.
Rule 3: a file the variant's folder does not have is answered 404 with the folder's caching
        headers, as a server without it answers. HubSpot's loader also inserts collectedforms.js
        and leadflows.js (its forms and lead-flow products, not part of the chain measured):
        their requests and round trips count, as on a page whose server lacks them; no code runs.
Rule 4: nothing leaves the machine. The browser resolves no host name but 127.0.0.1
        (`resolver_rules`), except HubSpot's tracking host, which reaches BeaconHost: a local
        HTTPS server with a throwaway self-signed certificate answering every beacon with a GIF.
"""
import hashlib
import ssl
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli

CACHE_SECONDS = 86400
CACHES = ("nostore", "cached")
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b")
HUBSPOT_TRACKING_HOST = "track.hubspot.com"     # hard-coded in HubSpot's tracking code

# What a site queues before the tag loads. The tag is HubSpot's embed (id="hs-script-loader",
# which HubSpot's tracker also reads) with the shim's attributes; HubSpot's code ignores those.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>bench</title>
<script>
var _hsq = window._hsq = window._hsq || [];
_hsq.push(['setPortalId', 123]);
_hsq.push(['setPath', '/bench?x=1']);
_hsq.push(['identify', {email: 'a@b.co', firstname: 'Ada'}]);
_hsq.push(['trackPageView']);
</script>
<script async id="hs-script-loader" src="%(entry)s" data-portal-id="123" data-tracking-url="%(base)s/t"></script>
</head><body><h1>bench</h1><p>%(impl)s</p></body></html>
"""
BLANK = "<!doctype html><html><head><meta charset='utf-8'><title>blank</title></head><body></body></html>"


def page_url(base, impl, cache="nostore"):
    return "%s/%s/%s/page.html" % (base, cache, impl)


class Served:
    """A file as served: its bytes, brotli bytes and ETag, computed once."""
    __slots__ = ("raw", "br", "etag")

    def __init__(self, raw):
        self.raw, self.br = raw, brotli.compress(raw, quality=11)
        self.etag = '"%s"' % hashlib.sha1(raw).hexdigest()[:16]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.partition("?")[0]
        parts = path.split("/")
        if path.startswith("/t/") or path.endswith("/__ptq.gif"):
            self.send(200, "image/gif", PIXEL, "no-store")
        elif len(parts) == 4 and parts[1] in CACHES and parts[2] in self.server.variants:
            self.variant_file(self.server.variants[parts[2]], parts[3], parts[1])
        else:
            self.send(404, "text/plain", b"not found", "no-store")

    def variant_file(self, variant, name, cache):
        base = "http://%s:%d" % self.server.server_address[:2]
        if name == "page.html":
            body = PAGE % {"base": base, "entry": variant["entry"], "impl": variant["name"]}
            return self.send(200, "text/html; charset=utf-8", body.encode(), "no-store")
        if name == "blank.html":
            return self.send(200, "text/html; charset=utf-8", BLANK.encode(), "no-store")
        headers = "max-age=%d" % CACHE_SECONDS if cache == "cached" else "no-store"
        served = variant["files"].get(name)
        if served is None:                                      # Rule 3
            return self.send(404, "text/plain", b"not found", headers)
        if cache == "cached" and self.headers.get("If-None-Match") == served.etag:
            return self.send(304, None, b"", headers, etag=served.etag)
        accepts_br = "br" in (self.headers.get("Accept-Encoding") or "")
        self.send(200, "text/javascript; charset=utf-8", served.br if accepts_br else served.raw,
                  headers, etag=served.etag if cache == "cached" else None,
                  encoding="br" if accepts_br else None)

    def send(self, status, ctype, body, cache, etag=None, encoding=None):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass                                # a page closed mid-response: not our concern


def start(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(variants):
    """Serve the page and every variant's folder (Rules 1-3); returns (server, base URL)."""
    server = Server(("127.0.0.1", 0), Handler)
    server.variants = {v.name: {"name": v.name, "entry": v.entry,
                                "files": {n: Served(b) for n, b in v.files.items()}}
                       for v in variants}
    return start(server), "http://127.0.0.1:%d" % server.server_address[1]


def beacon_host():
    """HubSpot's tracking host on this machine (Rule 4): an HTTPS server answering every GET
    with the GIF, with a certificate made for this run. Returns the server (stop with stop())."""
    server = Server(("127.0.0.1", 0), Handler)
    server.variants = {}
    with tempfile.TemporaryDirectory(prefix="hsq-bench-tls-") as tmp:
        key, cert = Path(tmp) / "key.pem", Path(tmp) / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=" + HUBSPOT_TRACKING_HOST, "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return start(server)


def resolver_rules(beacons=None):
    """Chromium's --host-resolver-rules for Rule 4 (beacons: the BeaconHost, if any)."""
    rules = ["MAP %s 127.0.0.1:%d" % (HUBSPOT_TRACKING_HOST, beacons.server_address[1])] if beacons else []
    return "--host-resolver-rules=" + ", ".join(rules + ["MAP * ~NOTFOUND", "EXCLUDE 127.0.0.1"])


def stop(*servers):
    for server in servers:
        if server is not None:
            server.shutdown()
            server.server_close()
