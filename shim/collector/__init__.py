"""Host tool: the demo server and local beacon collector (`python -m shim.collector`)."""

from shim.collector.server import DEFAULT_ROOT, PIXEL, BeaconLog, CollectorServer, main, serve

__all__ = ["DEFAULT_ROOT", "PIXEL", "BeaconLog", "CollectorServer", "main", "serve"]
