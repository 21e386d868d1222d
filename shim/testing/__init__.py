"""Host tools for testing a site's HubSpot tracking with Playwright (CPython only).

  plugin      the pytest fixtures and option (registered as `shim.pytest_plugin`)
  assertions  HubSpotTracking / AsyncHubSpotTracking: attach, capture, expect_*
  beacons     the beacon model (Beacon: one decoded beacon) and the 1x1 GIF
  routing     which URLs the plugin answers and with what; the page set-up scripts
  matching    partial matching of beacons against expectations
"""
