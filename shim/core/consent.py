"""Consent and the `_hsp` privacy queue (spec §4, §6; decisions D5, D8).

The shim renders no banner. Consent comes from the policy's initial value (§6.3), the
`__hs_cookie_cat_pref` cookie, Global Privacy Control (only with data-honor-gpc), or the
page's own consent manager through `setHubSpotConsent`.

Rule 1: INITIAL below is the whole policy table: policy -> (reads the cookie?, default
        when there is no cookie). Unknown policy names mean "no banner".
Rule 2: listeners get a fresh consent object on every call; they are called at once
        when registered if a decision exists, and again on every change.
Rule 2a: under OPT_IN and COOKIES_BY_CATEGORY with no stored decision, nothing is decided
        (UNDECIDED) until the page's consent manager decides (setHubSpotConsent), as with
        HubSpot's banner before the visitor clicks: beacons carry ce=false and cc=0, no
        cookie is written, and listeners wait for the decision.
Rule 3: this module writes no cookie itself except deletions on revocation; the tracker
        reacts to changes (cookies, visitor reset) through `Tracker.consent_changed`.
"""

from shim.core.cookies import DO_NOT_TRACK_COOKIE
from shim.core.values import Value

PREFERENCE_COOKIE = "__hs_cookie_cat_pref"
CATEGORY_NUMBERS = (("1", "analytics"), ("2", "advertisement"), ("3", "functionality"))
# Beacon `cc`: one bit per category (Consent.bits); 15 = all granted.
CONSENT_BITS = (("necessary", 1), ("analytics", 2), ("advertisement", 4), ("functionality", 8))

NO_BANNER = "NO_BANNER"
# Policies under which a returning visitor's cookies live as long as their first visit
# allows, counted from that visit (HubSpot's tracker: opt-in banners that show a decline).
EXPIRE_FROM_FIRST_VISIT = ("OPT_IN", "COOKIES_BY_CATEGORY")
# policy -> (consent read from the preference cookie when present, default without it:
# True granted, False refused, None undecided (Rule 2a))
INITIAL = {
    NO_BANNER: (False, True),
    "COOKIES_WITHOUT_BANNER": (False, True),
    "NOTIFY": (False, True),
    "OPT_OUT": (True, True),
    "OPT_OUT_BY_CATEGORY": (True, True),
    "OPT_IN": (True, None),
    "COOKIES_BY_CATEGORY": (True, None),
    "NO_COOKIES": (False, False),
}

# Cookies revokeCookieConsent deletes (banner static-1.1671).
REVOKED_COOKIES = ("__hs_initial_opt_in", "__hs_opt_out", PREFERENCE_COOKIE,
                   "__hs_gpc_banner_dismiss", "__hs_notify_banner_dismiss", "__hssc", "__hssrc",
                   "__hstc", DO_NOT_TRACK_COOKIE, "hubspotutk", "messagesUtk")


class Consent(Value):
    """One consent state. `necessary` is always granted."""
    __slots__ = ("allowed", "analytics", "advertisement", "functionality")

    def __init__(self, allowed, analytics, advertisement, functionality):
        self.allowed = allowed
        self.analytics = analytics
        self.advertisement = advertisement
        self.functionality = functionality

    def categories(self):
        return {"necessary": True, "analytics": self.analytics,
                "advertisement": self.advertisement, "functionality": self.functionality}

    def bits(self):
        """Beacon `cc`: necessary 1 + analytics 2 + advertisement 4 + functionality 8, the
        values of CONSENT_BITS (tests/unit/test_consent.py holds the two together). Written
        out: this runs for every beacon, and a dict and a loop cost tens of µs in Brython."""
        return (1 + (2 if self.analytics else 0) + (4 if self.advertisement else 0)
                + (8 if self.functionality else 0))

    def analytics_allowed(self):
        return self.allowed or self.analytics


def uniform(value):
    return Consent(value, value, value, value)


NOTHING = uniform(False)
EVERYTHING = uniform(True)
UNDECIDED = uniform(False)          # no decision yet (Rule 2a): compared by identity; cc=0


def parse_preference(value):
    """'1:true_2:false_3:true' (or with commas) -> Consent, or None when malformed."""
    if type(value) is not str or not value or len(value) > 64:
        return None
    found = {}
    parts = value.replace(",", "_").split("_")
    for i in range(len(parts)):
        pair = parts[i].split(":")
        if len(pair) != 2 or pair[1] not in ("true", "false"):
            return None
        found[pair[0]] = pair[1] == "true"
    values = []
    for i in range(len(CATEGORY_NUMBERS)):
        number = CATEGORY_NUMBERS[i][0]
        if number not in found:
            return None
        values.append(found[number])
    # A stored decision counts as `allowed` only when every category was accepted.
    return Consent(values[0] and values[1] and values[2], values[0], values[1], values[2])


def initial_consent(policy, cookies, gpc):
    """The consent at start: GPC (when honoured) > preference cookie > policy default."""
    if gpc:
        return NOTHING
    reads_cookie, default = INITIAL[policy] if policy in INITIAL else INITIAL[NO_BANNER]
    if reads_cookie and PREFERENCE_COOKIE in cookies:
        stored = parse_preference(cookies[PREFERENCE_COOKIE])
        if stored is not None:
            return stored
    return UNDECIDED if default is None else uniform(default)


def consent_from_object(value):
    """setHubSpotConsent({analytics, advertisement, functionality}) -> Consent or None.
    Missing categories are not granted; non-booleans are refused."""
    if type(value) is not dict:
        return None
    flags = []
    for name in ("analytics", "advertisement", "functionality"):
        flag = value[name] if name in value else False
        if type(flag) is not bool:
            return None
        flags.append(flag)
    return Consent(flags[0] and flags[1] and flags[2], flags[0], flags[1], flags[2])


def listener_object(current, previous):
    """The object a consent listener receives (a fresh one for every call), its keys in
    the banner's order."""
    return {"allowed": current.allowed, "previousCategories": previous.categories(),
            "categories": current.categories()}
