"""Host tool: the `hsq-shim` command (console script, pyproject [project.scripts]).

    hsq-shim path                  where the installed hsq-shim.js is
    hsq-shim decode URL            one beacon decoded, as JSON
    hsq-shim demo [--db FILE]      the demo pages + live log; beacons kept in ./hsq-shim-demo.sqlite
    hsq-shim collect [--db FILE]   the collector alone (beacons and /api/beacons, no pages)
    hsq-shim export --db FILE      the kept beacons as JSON lines, oldest first
    hsq-shim check URL...          crawl a site and report its tracking defects (needs playwright)

Rule 1: a subcommand is one entry of COMMANDS: a module or class with `add_arguments(parser)`
        and `run(args) -> int`, its docstring's first line the help; an entry may be a
        dotted module name, imported only when the command line is parsed.
Rule 2: everything works from an installed wheel, without the repository: files are found
        next to the package (shim/static), beacons decoded by the codec the browser uses.
Rule 3: CPython and the standard library only; output for programs (path, JSON) goes to
        stdout, messages for people to stderr; exit 0 ok, 1 bad input, 2 cannot run.
"""

import argparse
import importlib
import json
import sys
from pathlib import Path

import shim

DEMO_DB = "hsq-shim-demo.sqlite"


class PathCommand:
    """print where the installed hsq-shim.js is (to copy into a static folder)"""

    @staticmethod
    def add_arguments(parser):
        parser.add_argument("--types", action="store_true",
                            help="print the TypeScript declarations' path (hsq-shim.d.ts) instead")

    @staticmethod
    def run(args):
        from shim.testing.assertions import find_shim_js
        try:
            js = find_shim_js()
        except FileNotFoundError as error:
            print("error: %s" % error, file=sys.stderr)
            return 2
        print(js.with_name("hsq-shim.d.ts") if args.types else js)
        return 0


class DecodeCommand:
    """print a beacon URL decoded as JSON (kind, portal, path, identity, every parameter)"""

    @staticmethod
    def add_arguments(parser):
        parser.add_argument("url", help="a beacon URL (https://track.hubspot.com/__ptq.gif?k=1&...) "
                                        "or its query string; - reads one URL per line from stdin "
                                        "and prints one JSON object per line")

    @staticmethod
    def run(args):
        if args.url == "-":
            for line in sys.stdin:
                if line.strip():
                    print(json.dumps(decoded(line.strip()), ensure_ascii=False))
            return 0
        print(readable_json(decoded(args.url)))
        return 0


def readable_json(item):
    """Indented JSON with one line per field and one line per parameter."""
    def dump(value):
        return json.dumps(value, ensure_ascii=False)
    lines = []
    for key, value in item.items():
        if key == "params" and value:
            value = "[\n" + ",\n".join("    " + dump(pair) for pair in value) + "\n  ]"
        else:
            value = dump(value)
        lines.append("  %s: %s" % (dump(key), value))
    return "{\n" + ",\n".join(lines) + "\n}"


def decoded(url):
    """A beacon URL as a JSON-ready dict, through the plugin's Beacon model."""
    from shim.testing.assertions import Beacon
    if "?" not in url and "=" in url:
        url = "?" + url                     # a bare query string
    beacon = Beacon(url)
    return {"kind": beacon.kind, "endpoint": beacon.endpoint or None, "host": beacon.host or None,
            "portal": beacon.portal, "path": beacon.path, "previous_path": beacon.previous_path,
            "url": beacon.url, "title": beacon.title, "referrer": beacon.referrer,
            "identity": beacon.identity, "name": beacon.name, "properties": beacon.properties,
            "consent": beacon.consent_categories, "visitor": beacon.visitor,
            "new_visitor": beacon.new_visitor, "params": [list(pair) for pair in beacon.fields]}


class DemoCommand:
    """serve the demo pages and the live event log; beacons kept in a SQLite file"""

    @staticmethod
    def add_arguments(parser):
        from shim.collector.server import add_server_arguments
        add_server_arguments(parser)
        parser.add_argument("--db", default=DEMO_DB, metavar="FILE",
                            help="keep the beacons in this SQLite file (default ./%s)" % DEMO_DB)
        parser.add_argument("--memory", action="store_true",
                            help="keep the beacons in memory only (forgotten when it stops)")

    @staticmethod
    def run(args):
        from shim.collector.server import DEFAULT_ROOT, run
        return run(DEFAULT_ROOT, args.host, args.port, None if args.memory else args.db, args.keep)


class CollectCommand:
    """run the beacon collector alone (beacons + /api/beacons, no pages)"""

    @staticmethod
    def add_arguments(parser):
        from shim.collector.server import add_server_arguments
        add_server_arguments(parser)
        parser.add_argument("--db", default=None, metavar="FILE",
                            help="keep the beacons in this SQLite file (default: in memory)")

    @staticmethod
    def run(args):
        from shim.collector.server import run
        return run(None, args.host, args.port, args.db, args.keep)


class ExportCommand:
    """print the beacons kept in a database as JSON lines, oldest first"""

    @staticmethod
    def add_arguments(parser):
        parser.add_argument("--db", required=True, metavar="FILE", help="the collector's SQLite file")
        parser.add_argument("--since", type=int, default=0, metavar="SEQ",
                            help="only beacons numbered after SEQ")

    @staticmethod
    def run(args):
        from shim.collector.store import BeaconStore, StoreError
        if not Path(args.db).is_file():
            print("error: %s: no such file" % args.db, file=sys.stderr)
            return 2
        try:
            store = BeaconStore(args.db, readonly=True)
        except StoreError as error:
            print("error: %s" % error, file=sys.stderr)
            return 2
        try:
            out = sys.stdout
            for item in store.items(args.since):
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
            out.flush()
        except BrokenPipeError:             # `hsq-shim export ... | head`
            sys.stderr.close()
        finally:
            store.close()
        return 0


COMMANDS = {
    "path": PathCommand,
    "decode": DecodeCommand,
    "demo": DemoCommand,
    "collect": CollectCommand,
    "export": ExportCommand,
    "check": "shim.audit",
}


def command_of(entry):
    return importlib.import_module(entry) if isinstance(entry, str) else entry


def parser():
    top = argparse.ArgumentParser(
        prog="hsq-shim", description="HubSpot's _hsq tracking API as one browser file: "
                                     "its path, a beacon decoder, the demo, a local collector and a site audit.")
    top.add_argument("--version", action="version", version="hsq-shim " + shim.__version__)
    subparsers = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, entry in COMMANDS.items():
        command = command_of(entry)
        summary = (command.__doc__ or "").strip().splitlines()[0] if command.__doc__ else None
        sub = subparsers.add_parser(name, help=summary, description=summary)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
