"""The pytest plugin as registered (entry point `pytest11: hsq_shim`) and as users import
it; the fixtures and the option live in shim.testing.plugin."""

from shim.testing.plugin import (AsyncHubSpotTracking, Beacon, HubSpotTracking,  # noqa: F401
                                 hubspot, hubspot_async, pytest_addoption)

__all__ = ["AsyncHubSpotTracking", "Beacon", "HubSpotTracking", "hubspot", "hubspot_async"]
