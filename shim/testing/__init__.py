"""Host tools for testing a site's HubSpot tracking with Playwright (CPython only).

`plugin` holds the pytest fixtures (registered as `shim.pytest_plugin`), `assertions` the
beacon model, the routing of HubSpot's URLs and the expectations.
"""
