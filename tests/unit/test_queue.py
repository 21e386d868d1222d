"""shim.core.queue.passes(): HubSpot's load-time order for entries queued before load."""

from shim.core.commands import OPTIONAL, PASSES, SIGNATURES, parse
from shim.core.queue import passes


def names(items):
    return [getattr(item, "name", "ignored") for item in items]


class TestPasses:
    """passes()"""

    def test_config_then_priority_then_the_rest_each_in_queue_order(self):
        parsed = [parse(e, SIGNATURES, OPTIONAL) for e in [
            ["trackPageView"], ["identify", {"email": "a@b.co"}], ["setTrackingDomain", "x.com"],
            ["setPath", "/a"], ["setPortalId", 1], "junk"]]
        config, priority, rest = passes(parsed, PASSES)
        assert names(config) == ["setTrackingDomain"]
        assert names(priority) == ["identify", "setPath", "setPortalId"]
        assert names(rest) == ["trackPageView", "ignored"]
