"""Host tool: the demo server and local beacon collector (`python -m shim.collector`,
`hsq-shim demo`, `hsq-shim collect`); beacons kept in SQLite (store.py)."""

from shim.collector.server import DEFAULT_ROOT, PIXEL, CollectorServer, main, run, serve
from shim.collector.store import BeaconStore, StoreError

__all__ = ["DEFAULT_ROOT", "PIXEL", "BeaconStore", "CollectorServer", "StoreError", "main", "run",
           "serve"]
