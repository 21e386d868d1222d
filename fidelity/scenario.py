"""A scenario: one page, what it queues, the visitor's cookies, the steps after load.

Rule 1: a scenario is data. The page, the pushes and the steps are JavaScript text, the
        same for both sides; only the steps marked as the visitor's decision (Accept,
        Decline) are carried out per side (fidelity.sides says how).
Rule 2: nothing here knows a browser: fidelity.browser runs the steps, fidelity.page
        writes the HTML.
"""

import time

from shim.core.domain import cookie_domain, domain_hash, hash_input

SITE = "https://www.builder.io"             # the portal's own site: its prelude names .builder.io
OTHER_SITE = "https://www.example.com"      # a host none of the portal's cookie domains covers
# The portal's cookie domains, as its prelude (and banner) configure them.
COOKIE_DOMAINS = (".hubspotpagebuilder.com", ".hubspot.com", ".hsforms.com", ".builder.io")
# A visitor who came before: a token and times that are data (fidelity.mask names the
# times, so the table reads the same on any day). HubSpot's tracker lets a returning
# visitor's cookies expire 390 days after the first visit under opt-in policies, so the
# first visit is recent, unless a scenario means otherwise (LONG_AGO).
TOKEN = "0123456789abcdef0123456789abcdef"
DAY_MS = 86400000
NOW_MS = int(time.time() * 1000)            # when the scenarios were loaded
EARLIER = (NOW_MS // DAY_MS - 20) * DAY_MS  # the first visit: 20 days ago, midnight UTC
LATER = EARLIER + 600000                    # ten minutes later: the last visit
LONG_AGO = (NOW_MS // DAY_MS - 400) * DAY_MS
TIMES = {EARLIER: "<first visit>", LATER: "<last visit>", LONG_AGO: "<400 days ago>"}


class Step:
    """One thing done after the page loaded (subclasses: what)."""
    __slots__ = ("code",)

    def __init__(self, code=""):
        self.code = code

    def describe(self):
        return "%s(%s)" % (type(self).__name__, self.code)


class Push(Step):
    """`_hsq.push(<code>)`."""


class PushPrivacy(Step):
    """`_hsp.push(<code>)`."""


class Run(Step):
    """Any JavaScript in the page (history.pushState, document.title = ...)."""


class Reload(Step):
    """Reload the page: the same visitor comes back within the session."""


class Visit(Step):
    """Go to another address of the site (`code` is the path or a full URL)."""


class Wait(Step):
    """Let `code` milliseconds pass (the shim's duplicate guard looks 2 s back)."""


class Accept(Step):
    """The visitor accepts cookies (HubSpot: its banner's button; the shim: a consent
    manager's calls). fidelity.sides.DECISIONS says exactly what each side does."""


class Decline(Step):
    """The visitor declines cookies (see Accept)."""


class Scenario:
    """name       unique, kebab-case, shown in the table
    doc        one sentence: what the page does and why it matters
    path       the page's address on `site` (path and query), or a full URL
    title      document.title; head: more HTML in <head> (canonical link ...)
    before     `_hsq` entries the page queues before the tracking script (JS text each)
    privacy    `_hsp` entries queued before the script
    after_script  `_hsq` entries pushed once the tracking script ran, before `load`
    policy     the portal's consent policy (None: no banner policy)
    cookies    {name: value} the visitor's browser holds before the page loads
    steps      Steps after the page loaded and the tracker ran
    referrer   the page the visitor came from
    """

    def __init__(self, name, doc, path="/pricing", title="Pricing", head="", before=(),
                 privacy=(), after_script=(), policy=None, cookies=None, steps=(),
                 referrer=None, site=SITE):
        self.name = name
        self.doc = doc
        self.site = site
        self.path = path
        self.title = title
        self.head = head
        self.before = tuple(before)
        self.privacy = tuple(privacy)
        self.after_script = tuple(after_script)
        self.policy = policy
        self.cookies = dict(cookies or {})
        self.steps = tuple(steps)
        self.referrer = referrer

    @property
    def url(self):
        if self.path.startswith(("http://", "https://")):
            return self.path
        return self.site + self.path

    @property
    def host(self):
        return self.url.split("/")[2].split(":")[0]

    def __repr__(self):
        return "<Scenario %s>" % self.name


# -- the visitor's cookies, written as HubSpot's tracker writes them (spec §5.4) ----

def site_hash(site=SITE):
    host = site.split("/")[2]
    return domain_hash(hash_input(host, cookie_domain(host, list(COOKIE_DOMAINS), False)))


def returning(session=None, token=TOKEN, visits=3, site=SITE, first=EARLIER):
    """A visitor's cookies from an earlier visit: `__hstc` and `hubspotutk`, and with
    `session` (views so far in it) also `__hssc` and `__hssrc`: the session goes on."""
    h = site_hash(site)
    cookies = {"__hstc": "%d.%s.%d.%d.%d.%d" % (h, token, first, first, LATER, visits),
               "hubspotutk": token}
    if session is not None:
        cookies["__hssc"] = "%d.%d.%d" % (h, session, LATER)
        cookies["__hssrc"] = "1"
    return cookies
