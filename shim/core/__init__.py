"""The core: every tracking decision, as facts in and effects out.

Rule: modules here import only shim.core; no browser, no standard library, no clock and
no random source (time and randomness are passed in). tests/test_boundaries.py checks it.
"""
