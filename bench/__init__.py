"""Performance benchmark of static/hsq-shim.js against bench/reference.js; see bench/run.py."""
