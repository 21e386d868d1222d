"""hsq-shim: HubSpot's `_hsq` / `_hsp` tracking API, in Python, compiled to one JS file.

The layers, one folder each:
  shim/core/      the decisions: pure Python, no browser, no standard library (it runs
                  unchanged under CPython and Brython); imports only shim.core
  shim/adapter/   the one browser layer: reads the page, runs the core's effects
  shim/testing/   host only: the pytest plugin, its beacon model and expectations
  shim/collector/ host only: the demo server and local beacon collector
Only shim, shim.core and shim.adapter are compiled into static/hsq-shim.js (build.py).
"""

__version__ = "0.1.0"
