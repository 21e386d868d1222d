"""Where the collector keeps its beacons: SQLite (standard library `sqlite3`).

    BeaconStore()                      in memory, the newest MEMORY_LIMIT beacons
    BeaconStore("beacons.sqlite")      in a file (WAL mode), the newest FILE_LIMIT beacons
    store.add(method, url, endpoint, params, error=None) -> the beacon as a dict
    store.since(seq, limit)   {"epoch", "last", "skipped", "beacons"}: what /api/beacons answers
    store.items(since)    every kept beacon after `since`, oldest first (for export)
    store.clear()         forget them all (numbering goes on; `epoch` goes up)

A beacon is {"seq", "time", "method", "endpoint", "params": [[key, value], ...] in wire
order, "identity": [[key, value], ...] or None, "url", "error": None or why its text was
not clean UTF-8 (it is kept anyway, with U+FFFD in place of the bad bytes)}.

Rule 1: bounded: after each insert, rows older than the newest `limit` are deleted.
Rule 2: sequence numbers only grow, across clears and restarts (AUTOINCREMENT), so a
        `since=` poller never sees a beacon twice; a clear bumps `epoch` so pollers start
        over. `last`, `epoch` and the rows are read from the database, so another process
        on the same file (an export, a second collector) sees the same numbers.
Rule 3: one connection per store, used under a lock: SQLite serialises writers anyway,
        each statement is short, and a reader never sees half a beacon. WAL lets other
        processes read the file while the collector writes it.
Rule 4: a beacon is committed before the collector answers it: what was answered survives
        a crash of the collector (synchronous=NORMAL: not necessarily a power cut).
"""

import json
import sqlite3
import threading
import time

from shim.testing.codec import decode_query

MEMORY_LIMIT = 1000           # in memory: what a demo session needs
FILE_LIMIT = 100_000          # in a file: a few hundred MB at most
SCHEMA_VERSION = 1
MAX_SEQ = 2 ** 63 - 1         # SQLite's largest integer

SCHEMA = """
CREATE TABLE IF NOT EXISTS beacons (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    time     INTEGER NOT NULL,
    method   TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    url      TEXT NOT NULL,
    params   TEXT NOT NULL,
    identity TEXT,
    error    TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('schema', %d), ('epoch', 0);
""" % SCHEMA_VERSION
COLUMNS = "seq, time, method, endpoint, url, params, identity, error"


class StoreError(Exception):
    """The database cannot be used (not ours, newer schema, unreadable); says why."""


class BeaconStore:
    def __init__(self, path=None, limit=None, readonly=False):
        self.path = None if path in (None, "", ":memory:") else str(path)
        self.limit = limit or (FILE_LIMIT if self.path else MEMORY_LIMIT)
        self._lock = threading.Lock()
        try:
            self._db = self._open(readonly)
        except sqlite3.Error as error:
            raise StoreError("%s: %s" % (self.path, error)) from None

    def _open(self, readonly):
        if readonly:
            db = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True,
                                 check_same_thread=False, isolation_level=None)
        else:
            db = sqlite3.connect(self.path or ":memory:", check_same_thread=False,
                                 isolation_level=None, timeout=10)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and not {"beacons", "meta"} <= tables or readonly and not tables:
            db.close()                      # someone else's database: leave it untouched
            raise StoreError("%s is not an hsq-shim beacon database" % self.path)
        if not readonly:
            if self.path:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            db.close()
            raise StoreError("%s is an hsq-shim beacon database of schema %s; this version reads "
                             "schema %d" % (self.path, row and row[0], SCHEMA_VERSION))
        return db

    # -- writing ------------------------------------------------------------------

    def add(self, method, url, endpoint, params, error=None):
        """Record one beacon (params: [(key, value), ...] decoded, in order)."""
        identity = None
        for key, value in params:
            if key == "i":
                # `i` is double-encoded: decode_query gave 'email=a%40b.co'; once more.
                identity = [list(pair) for pair in decode_query(value)]
        item = {"seq": None, "time": int(time.time() * 1000), "method": method,
                "endpoint": endpoint, "params": [list(pair) for pair in params],
                "identity": identity, "url": url, "error": error}
        row = (item["time"], method, endpoint, url, json.dumps(item["params"]),
               None if identity is None else json.dumps(identity), error)
        with self._lock:
            self._write(lambda db: self._insert(db, row, item))
        return item

    def _insert(self, db, row, item):
        cursor = db.execute("INSERT INTO beacons (time, method, endpoint, url, params, identity, "
                            "error) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        item["seq"] = cursor.lastrowid
        db.execute("DELETE FROM beacons WHERE seq <= ?", (item["seq"] - self.limit,))

    def clear(self):
        def forget(db):
            db.execute("DELETE FROM beacons")
            db.execute("UPDATE meta SET value = value + 1 WHERE key = 'epoch'")
        with self._lock:
            self._write(forget)

    def _write(self, change):
        """Run change(db) in one transaction (one commit), rolled back if it fails."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            change(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- reading ------------------------------------------------------------------

    @property
    def epoch(self):
        with self._lock:
            return self._db.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]

    @property
    def last(self):
        """The newest sequence number ever given (0 before the first beacon)."""
        with self._lock:
            return self._last()

    def _last(self):
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'beacons'").fetchone()
        return row[0] if row else 0

    def since(self, seq=0, limit=None):
        """The beacons after `seq` (only the newest `limit`), oldest first; `skipped` counts
        the others."""
        seq = min(max(seq, 0), MAX_SEQ)
        with self._lock:
            self._db.execute("BEGIN")           # one snapshot for the four reads
            try:
                rows = self._db.execute(
                    "SELECT %s FROM beacons WHERE seq > ? ORDER BY seq DESC LIMIT ?" % COLUMNS,
                    (seq, -1 if limit is None else limit)).fetchall()
                newer = self._db.execute("SELECT count(*) FROM beacons WHERE seq > ?",
                                         (seq,)).fetchone()[0]
                epoch = self._db.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]
                last = self._last()
            finally:
                self._db.execute("COMMIT")
        rows.reverse()
        return {"epoch": epoch, "last": last, "skipped": newer - len(rows),
                "beacons": [beacon_of(row) for row in rows]}

    def items(self, since=0, batch=500):
        """Every kept beacon after `since`, oldest first, read `batch` rows at a time."""
        seq = min(max(since, 0), MAX_SEQ)
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT %s FROM beacons WHERE seq > ? ORDER BY seq LIMIT ?" % COLUMNS,
                    (seq, batch)).fetchall()
            for row in rows:
                yield beacon_of(row)
            if len(rows) < batch:
                return
            seq = rows[-1][0]

    def __len__(self):
        with self._lock:
            return self._db.execute("SELECT count(*) FROM beacons").fetchone()[0]

    def close(self):
        with self._lock:
            self._db.close()


def beacon_of(row):
    seq, when, method, endpoint, url, params, identity, error = row
    return {"seq": seq, "time": when, "method": method, "endpoint": endpoint,
            "params": json.loads(params),
            "identity": None if identity is None else json.loads(identity),
            "url": url, "error": error}
