"""Host tools for testing a site's HubSpot tracking with Playwright (CPython only).

  plugin      the pytest fixtures and option (registered as `shim.pytest_plugin`)
  assertions  HubSpotTracking / AsyncHubSpotTracking: attach, capture, expect_*; made of
    steps         the step protocol: Call, Wait, the sync and async drivers
    capture       BeaconCapture: HubSpot's URLs answered, the beacons kept
    page_setup    PageSetup: the attached pages, their cookies and init scripts
    expectations  Expectations: expect_*, wait_for_sent, the failure message
  beacons     the beacon model (Beacon: one decoded beacon) and the 1x1 GIF
  routing     which URLs the plugin answers and with what; the page set-up scripts
  matching    partial matching of beacons against expectations
"""
