"""hsq-shim: HubSpot's `_hsq` / `_hsp` tracking API, in Python, compiled to one JS file.

The core modules (everything here but `adapter`, `collector` and `pytest_plugin`) are
pure Python: no browser, no standard library, so they run unchanged under CPython
and Brython.
"""

__version__ = "0.1.0"
