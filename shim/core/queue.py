"""The order in which entries queued before load are run (HubSpot's four passes).

Rule 1: pass (a) runs the configuration entries (CONFIG) in queue order; pass (b) is
        the tracker's own set-up (the caller's job); pass (c) runs the PRIORITY
        entries in queue order; pass (d) runs everything else first-in, first-out.
Rule 2: the automatic first page view is HubSpot's prelude entry
        ['trackPageView'], which sits at the head of the queue: so it is the first
        entry of pass (d), after every setPath / identify the page queued.
"""

from shim.core.commands import Command

CONFIG = ("setTrackingDomain", "setCookiesToSubdomain", "addCookieDomain", "enableSecureCookie")

# HubSpot's priority list (build 1.398), with the 2023+ additions setTrackingGate
# (first) and doNotTrack (last).
PRIORITY = ("setTrackingGate", "setPortalId", "setCanonicalUrl", "setPath", "setContentType",
            "setContentMetadata", "setPageId", "setTargetedContentMetadata", "identify",
            "setDebugMode", "setLimitTrackingToCookieDomains", "setTrackingEnabled", "doNotTrack")


def passes(parsed):
    """Parsed entries (Command or Ignored) -> (config, priority, rest), each in queue order.

    Ignored entries go to `rest`, so they are reported where they stood.
    """
    config = []
    priority = []
    rest = []
    for item in parsed:
        name = item.name if type(item) is Command else None
        if name in CONFIG:
            config.append(item)
        elif name in PRIORITY:
            priority.append(item)
        else:
            rest.append(item)
    return config, priority, rest
