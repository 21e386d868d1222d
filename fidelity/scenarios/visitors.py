"""Scenarios: the visitor's cookies, the page's address, referrer, canonical link, title."""

from fidelity.scenario import (EARLIER, LATER, NOW_MS, OTHER_SITE, TOKEN, Reload, Scenario,
                               Visit, returning, site_hash)

OTHER_TOKEN = "fedcba9876543210fedcba9876543210"


def cross_domain(session_start, fingerprint=None):
    """A link's parameters from another of the portal's domains (enableAutomaticLinker)."""
    query = "__hstc=%d.%s.%d.%d.%d.2&__hssc=%d.1.%d" % (
        site_hash(), OTHER_TOKEN, EARLIER, EARLIER, session_start, site_hash(), session_start)
    return query + ("&__hsfp=" + fingerprint if fingerprint is not None else "")


# fidelity.run puts HubSpot's fingerprint of this browser in place of {fingerprint}.
CROSS_DOMAIN = cross_domain(LATER)

COOKIES = [
    Scenario("cookies-returning-in-session",
             "A returning visitor within a session (__hssc and __hssrc still there).",
             cookies=returning(session=2)),
    Scenario("cookies-returning-new-session",
             "A returning visitor whose session expired (no __hssc): session 4 begins.",
             cookies=returning()),
    Scenario("cookies-reload", "A new visitor who reloads the page: same visitor, view 2.",
             steps=[Reload()]),
    Scenario("cookies-next-page", "A new visitor who follows a link to a second page.",
             steps=[Visit("/next")]),
    Scenario("cookies-tampered-hstc", "A malformed __hstc cookie (five fields, odd text).",
             cookies={"__hstc": "garbage.not-a-token.1.2.3"}),
    Scenario("cookies-tampered-hstc-and-utk",
             "A malformed __hstc next to a well-formed hubspotutk.",
             cookies={"__hstc": "garbage.not-a-token.1.2.3", "hubspotutk": TOKEN}),
    Scenario("cookies-legacy-hubspotutk", "Only a legacy hubspotutk cookie: the visitor is kept.",
             cookies={"hubspotutk": TOKEN}),
    Scenario("cookies-other-host",
             "A host none of the portal's cookie domains covers: host-only cookies.",
             site=OTHER_SITE),
    Scenario("cookies-tampered-hssc", "A returning visitor whose __hssc is not a session.",
             cookies=dict(returning(session=2), __hssc="garbage")),
    Scenario("cookies-hssc-other-domain",
             "A returning visitor whose __hssc carries another domain's hash.",
             cookies=dict(returning(session=2), __hssc="%d.2.%d" % (site_hash() + 1, LATER))),
    Scenario("cookies-hstc-other-domain", "An __hstc that carries another domain's hash.",
             cookies={"__hstc": "%d.%s.%d.%d.%d.3" % (site_hash() + 7, TOKEN, EARLIER,
                                                      EARLIER, LATER), "hubspotutk": TOKEN}),
    Scenario("cookies-returning-browser-restarted",
             "__hstc and __hssc without __hssrc: the browser was closed in between.",
             cookies={k: v for k, v in returning(session=2).items() if k != "__hssrc"}),
    Scenario("cookies-hubspotutk-disagrees", "An __hstc and a hubspotutk of another visitor.",
             cookies=dict(returning(session=2), hubspotutk=OTHER_TOKEN)),
    Scenario("cookies-many-sessions", "A returning visitor in their 999,999th session.",
             cookies={"__hstc": "%d.%s.%d.%d.%d.999999" % (site_hash(), TOKEN, EARLIER, EARLIER,
                                                           LATER), "hubspotutk": TOKEN}),
    Scenario("cookies-hubspotutk-not-a-token", "Only a hubspotutk that is not a token.",
             cookies={"hubspotutk": "not-a-token"}),
    Scenario("cookies-hstc-long-token", "An __hstc whose visitor token is 300 characters long.",
             cookies={"__hstc": "%d.%s.%d.%d.%d.3" % (site_hash(), "a" * 300, EARLIER, EARLIER,
                                                      LATER)}),
    Scenario("cookies-reload-twice", "A new visitor who reloads the page twice.",
             steps=[Reload(), Reload()]),
    Scenario("cookies-user-token",
             "The page sets window.__hsUserToken before the script: that visitor is taken.",
             head="<script>window.__hsUserToken = '%s';</script>" % OTHER_TOKEN),
]

ADDRESSES = [
    Scenario("url-cross-domain", "Cross-domain parameters of a session 20 days old.",
             path="/pricing?" + CROSS_DOMAIN),
    Scenario("url-cross-domain-fresh",
             "Cross-domain parameters of a session begun now, with HubSpot's fingerprint.",
             path="/pricing?" + cross_domain(NOW_MS, "{fingerprint}")),
    Scenario("url-cross-domain-no-fingerprint",
             "Cross-domain parameters of a session begun now, without __hsfp.",
             path="/pricing?" + cross_domain(NOW_MS)),
    Scenario("url-cross-domain-returning",
             "Cross-domain parameters for another visitor than the cookies' one.",
             path="/pricing?" + CROSS_DOMAIN, cookies=returning(session=1)),
    Scenario("url-hs-email", "?__hs_email= in the page's URL (HubSpot's email links).",
             path="/pricing?__hs_email=ada%40example.com&x=1"),
    Scenario("url-utm", "UTM parameters and a fragment in the page's URL.",
             path="/pricing?utm_source=news&utm_medium=email&utm_campaign=spring%202026#plans"),
    Scenario("url-unicode", "Unicode and escapes in the page's path and query.",
             path="/caf%C3%A9/%C3%BCber?q=na%C3%AFve&x=a%20b&y=%E2%82%AC"),
    Scenario("url-long", "A 3,000-character query string.",
             path="/search?q=" + "abcdefghij" * 300),
    Scenario("referrer", "The visitor came from a search engine (document.referrer).",
             referrer="https://www.google.com/"),
    Scenario("referrer-same-site", "The visitor came from another page of the same site.",
             referrer="https://www.builder.io/home"),
    Scenario("referrer-query", "The referrer has a query with escapes.",
             referrer="https://www.google.com/search?q=a+b&x=%C3%A9"),
    Scenario("url-fragment-only", "A page address with a fragment and no query.",
             path="/pricing#plans"),
    Scenario("url-email-tracking", "HubSpot's email tracking parameters in the address.",
             path="/pricing?_hsenc=p2ANqtz-abc&_hsmi=123&utm_source=hs_email"),
    Scenario("url-root", "The site's home page.", path="/"),
    Scenario("canonical-link", "A <link rel=canonical> in the page's head.",
             head='<link rel="canonical" href="https://www.builder.io/pricing-canonical">'),
    Scenario("title-unicode", "A title with accents, symbols, an emoji and an ampersand.",
             title="Prix & café — 5€ 🚀 <b>"),
    Scenario("title-long", "A 600-character title.", title="Long title " * 55),
    Scenario("title-empty", "An empty title.", title=""),
    Scenario("title-whitespace", "A title with spaces around it and a line break.",
             title="  Spaced\n   title  "),
]
