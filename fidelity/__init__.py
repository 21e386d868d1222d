"""Differential harness: HubSpot's own tracking code as the oracle for the shim (issue 28).

`python -m fidelity --hubspot DIR` runs every scenario (fidelity.scenarios) once with
HubSpot's loader, banner and tracker from DIR and once with the built shim in their place,
masks what varies by nature (fidelity.mask), compares beacons and cookies
(fidelity.compare), excuses only the declared differences (fidelity.known) and prints
a table (fidelity.report). docs/fidelity.md has the method and the current table.
"""
