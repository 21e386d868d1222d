"""Build-time helpers for build.py; nothing here ships in the bundle."""
