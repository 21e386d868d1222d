"""Local sites for the audit's tests: a threaded stdlib server on 127.0.0.1 serving a dict
of pages. Each page embeds HubSpot's loader tag, which the audit answers with the shim."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

EMBED = ('<script type="text/javascript" id="hs-script-loader" async defer '
         'src="//js.hs-scripts.com/123.js"></script>')


def page(title, body="", head="", embed=EMBED):
    return ("<!doctype html><html><head><meta charset=utf-8><title>%s</title>%s</head>"
            "<body><h1>%s</h1>\n%s\n%s\n</body></html>" % (title, head, title, body, embed))


def links(*paths):
    return " ".join('<a href="%s">%s</a>' % (p, p) for p in paths)


class Site:
    """`routes`: path -> body (str: an HTML page) or (status, headers, body), or 'hang'; a
    path ending in '*' answers every path it starts (a single-page app's server)."""

    def __init__(self, routes):
        self.routes = routes
        self.requests = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                route = site.routes.get(self.path)
                if route is None:
                    prefixes = [p for p in site.routes if p.endswith("*")
                                and self.path.startswith(p[:-1])]
                    route = site.routes[max(prefixes, key=len)] if prefixes else None
                if route is None:
                    self.answer(404, {"Content-Type": "text/html"}, "<h1>Not found</h1>")
                elif route == "hang":
                    time.sleep(30)          # the page never finishes loading
                elif isinstance(route, tuple):
                    self.answer(*route)
                else:
                    self.answer(200, {"Content-Type": "text/html; charset=utf-8"}, route)

            def answer(self, status, headers, body):
                data = body.encode() if isinstance(body, str) else body
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Cache-Control", "no-store")
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def site_fixture(routes):
    """A module's `site` fixture: a Site of `routes` for all of its tests."""
    @pytest.fixture(scope="module")
    def site():
        with Site(routes) as served:
            yield served
    return site
