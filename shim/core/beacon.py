"""Beacon URLs in HubSpot's wire format (spec §7, docs/wire-order.md).

Rule 1: a beacon is the event's own parameters, then four groups in HubSpot's order:
        client (sd cd cs ln), page (v a pi ct ccu po rpo rcu cpi.. tc r pu t),
        user (cts i rv vi nc u b ce), privacy (cc). Empty values ('' and '-',
        HubSpot's isEmpty) are left out of the groups.
Rule 1a: `u` and `b` are the __hstc and __hssc cookies as the browser shows them when the
        beacon goes (HubSpot reads document.cookie): the jar's record of them
        (jar.shown_hstc), and, as the adapter sends, the browser's own first copy
        (`with_shown_cookies`; an older copy on another domain can shadow a new one).
        Only values with their fields and at most MAX_SHOWN characters are echoed.
Rule 2: `i` (identity) is the identify object serialised as 'k=v&k=v', which the
        query encoding then encodes again: HubSpot double-encodes it.
Rule 3: when a key repeats (a legacy event object can carry any key), the first
        position wins and the later value replaces it, as JS object assignment does.
Rule 4: the groups are built from explicit facts (page state, visitor, consent,
        client), never from the tracker itself.
Rule 5: `Beacons` holds what decides whether and where a beacon goes (portal, host,
        switches, consent) and builds it; the reasons for not sending are `suppression`'s
        and the URL limit's, worded for a person.
"""

from shim.core.codec import encode_component, encode_query
from shim.core.consent import EVERYTHING, UNDECIDED
from shim.core.cookies import DO_NOT_TRACK_COOKIE
from shim.core.effects import SendBeacon
from shim.core.numbers import js_number_text

# Limits (documented in the README, "Reliability"): a text value of an identity, an
# event property or a legacy event is cut to MAX_VALUE characters; a beacon whose URL is
# still longer than MAX_URL is refused. Both are recorded, never sent broken.
MAX_VALUE = 1000
MAX_URL = 8000
MAX_SHOWN = 200                         # a longer __hstc / __hssc is not echoed (Rule 1a)

DEFAULT_TRACKING_HOST = "track.hubspot.com"
PAGE_VIEW_PATH = "/__ptq.gif"
EVENT_PATH = "/__ptbe.gif"
JS_VERSION = "1.1"

# setContentMetadata field -> beacon key, in HubSpot's order.
METADATA_KEYS = (("contentPageId", "cpi"), ("contentGroupId", "cgi"), ("contentFolderId", "cfi"),
                 ("legacyPageId", "lpi"), ("abTestId", "abi"), ("languageVariantId", "lvi"),
                 ("languageCode", "lvc"))


def scalar_text(value):
    """JS String(value) for what values can be after the adapter's conversion
    (null and undefined both arrive as None and go out as 'null')."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return js_number_text(value)
    if value is None:
        return "null"
    return "[object Object]"


def cut(text):
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE]


def object_pairs(mapping):
    """A JS object as HubSpot's param() walks it: arrays repeat their key. Keys and
    values longer than MAX_VALUE are cut."""
    pairs = []
    keys = list(mapping.keys())
    for i in range(len(keys)):
        key = cut(keys[i])
        value = mapping[keys[i]]
        if type(value) is list:
            for j in range(len(value)):
                pairs.append((key, cut(scalar_text(value[j]))))
        else:
            pairs.append((key, cut(scalar_text(value))))
    return pairs


def has_long_text(mapping):
    """True when object_pairs() would cut something (for the record)."""
    for key in mapping:                     # runs per identify: no key list, no range()
        if len(key) > MAX_VALUE:
            return True
        value = mapping[key]
        kind = type(value)
        if kind is str:
            if len(value) > MAX_VALUE:
                return True
        elif kind is list:
            for item in value:
                if type(item) is str and len(item) > MAX_VALUE:
                    return True
    return False


def identity_text(identity, encode=encode_component):
    """{'email': 'a@b.co', 'n': 5} -> 'email=a%40b.co&n=5' (single-encoded).

    As HubSpot: no key is skipped, arrays repeat their key, objects become
    '[object Object]'. The outer query encoding then encodes this string again.
    """
    return encode_query(object_pairs(identity), encode)


def is_empty_text(value):
    return not value or value == "-"


def is_empty_value(value):
    """HubSpot's isEmpty on any value: JS `undefined == v || '-' == v || '' == v`, loose
    equality, so 0, false and an empty array count as empty too."""
    kind = type(value)
    if kind is str:
        return value == "" or value == "-"
    if kind is list:
        return not value
    return value is None or value is False or ((kind is int or kind is float) and value == 0)


def safe_text(value):
    """HubSpot's safeString, as the beacon shows it: '' for an empty value."""
    return "" if is_empty_value(value) else scalar_text(value)


def add(pairs, key, value):
    """HubSpot's isEmpty guard: '' and '-' are left out."""
    if value and value != "-":
        pairs.append((key, value))


def append_groups(pairs, env, client, portal_id, page, visitor, shown, consent, encode):
    """Append the client, page, user and privacy groups: `page` is the PageState,
    `visitor` the jar's Visitor, `shown` its (hstc, hssc) cookies as the browser shows
    them (Rule 1a), `consent` the Consent the _hsp queue decided."""
    add(pairs, "sd", client.screen)
    add(pairs, "cd", client.color_depth)
    add(pairs, "cs", client.charset)
    add(pairs, "ln", client.language)
    pairs.append(("v", JS_VERSION))
    pairs.append(("a", portal_id))
    add(pairs, "pi", page.page_id)
    add(pairs, "ct", page.content_type)
    add(pairs, "ccu", page.canonical_url)
    add(pairs, "po", page.path)
    add(pairs, "rpo", page.previous_path)
    if is_empty_text(page.canonical_url):
        add(pairs, "rcu", env.canonical_url)
    metadata = page.content_metadata
    if metadata:
        for i in range(len(METADATA_KEYS)):
            field, key = METADATA_KEYS[i]
            if field in metadata:
                add(pairs, key, scalar_text(metadata[field]))
    targeted = page.targeted_content
    for i in range(len(targeted)):
        pairs.append(("tc", targeted[i]))
    add(pairs, "r", env.referrer)
    add(pairs, "pu", env.url)
    add(pairs, "t", env.title)
    pairs.append(("cts", str(env.now_ms)))
    if page.identity is not None:
        pairs.append(("i", identity_text(page.identity, encode)))
    if page.reset:
        pairs.append(("rv", "1"))
    pairs.append(("vi", visitor.utk))
    pairs.append(("nc", "true" if visitor.is_new else "false"))
    if shown[0] is not None:            # u, b: only when those cookies exist (Rule 1a)
        pairs.append(("u", shown[0]))
    if shown[1] is not None:
        pairs.append(("b", shown[1]))
    if not (consent.allowed or consent.analytics):   # as HubSpot's tracker sees consent
        pairs.append(("ce", "false"))
    pairs.append(("cc", "0" if consent is UNDECIDED else str(consent.bits())))
    return pairs


def suppression(do_not_track, tracking_enabled, off_cookie_domains, portal_id):
    """Why no beacon may be sent now, or None (spec §7 'Suppression')."""
    if do_not_track:
        return "doNotTrack is set (" + DO_NOT_TRACK_COOKIE + "=yes)"
    if not tracking_enabled:
        return "tracking is off (setTrackingEnabled(false))"
    if off_cookie_domains:      # setLimitTrackingToCookieDomains and this host is on none
        return "this host matches no cookie domain (setLimitTrackingToCookieDomains)"
    if portal_id is None:
        return "no portal id: add data-portal-id to the script tag or push ['setPortalId', id]"
    return None


def merge_first_position(pairs):
    """Rule 3: a repeated key keeps its first position and takes its last value."""
    index = {}
    out = []
    for i in range(len(pairs)):
        key = pairs[i][0]
        if key in index and key != "tc":        # tc is HubSpot's one array parameter
            out[index[key]] = pairs[i]
        else:
            index[key] = len(out)
            out.append(pairs[i])
    return out


def beacon_url(base, endpoint, pairs, encode=encode_component):
    return base + endpoint + "?" + encode_query(pairs, encode)


def first_cookie(text, name):
    """The value of the first `name` cookie in a document.cookie string, or None."""
    text = "; " + text
    at = text.find("; " + name + "=")
    if at < 0:
        return None
    at += len(name) + 3
    end = text.find(";", at)
    value = text[at:end if end >= 0 else len(text)].strip()
    return value if value else None


def shown_value(value, dots):
    """A cookie the browser shows, as `u` / `b` carry it: when it has its fields (`dots`
    dots) and is not oversized; else None."""
    return value if value is not None and len(value) <= MAX_SHOWN and value.count(".") == dots else None


def with_shown_cookies(beacon, cookie_text, encode):
    """Rule 1a, as the beacon goes: the same beacon when `u` and `b` are the browser's
    first __hstc / __hssc (the usual case: two string searches), else one carrying those."""
    hstc = first_cookie(cookie_text, "__hstc")
    hssc = first_cookie(cookie_text, "__hssc")
    if hstc == beacon.hstc and hssc == beacon.hssc:
        return beacon
    hstc = shown_value(hstc, 5)
    hssc = shown_value(hssc, 2)
    fields = []
    for pair in beacon.fields:
        key = pair[0]
        if key != "u" and key != "b":
            fields.append(pair)
        if key == "nc":                     # u and b go right after nc
            if hstc is not None:
                fields.append(("u", hstc))
            if hssc is not None:
                fields.append(("b", hssc))
    url = beacon.url
    return SendBeacon(url[:url.find("?") + 1] + encode_query(fields, encode), fields, hstc, hssc)


class Beacons:
    """Whether and where beacons go: the portal, the host or collector, the switches
    (setTrackingEnabled, setLimitTrackingToCookieDomains) and the consent the _hsp queue
    decided. `make` builds one beacon from them, the page state and the cookie jar (its
    visitor, its doNotTrack); the tracker sends it or records why not."""

    def __init__(self, portal_id, collector, tracking_host, client, encode):
        self.portal_id = portal_id          # digit string, or None until known
        self.collector = collector          # 'http://127.0.0.1:8000': overrides the host
        self.tracking_host = tracking_host  # config: the loader's region; setTrackingDomain
        self.client = client
        self.encode = encode
        self.enabled = True                 # setTrackingEnabled
        self.limit_to_cookie_domains = False
        self.consent = EVERYTHING           # no banner: everything granted

    def make(self, endpoint, own_pairs, env, page, jar, merge):
        """(SendBeacon, None), or (None, why it is not sent)."""
        reason = suppression(jar.do_not_track, self.enabled,
                             self.limit_to_cookie_domains and not jar.on_domains(env),
                             self.portal_id)
        if reason is not None:
            return None, reason
        jar.ensure_visitor(env)
        shown = (jar.shown_hstc, jar.shown_hssc)
        fields = append_groups(own_pairs, env, self.client, self.portal_id, page, jar.visitor,
                               shown, self.consent, self.encode)
        if merge:
            fields = merge_first_position(fields)
        base = self.collector if self.collector else "https://" + self.tracking_host
        url = beacon_url(base, endpoint, fields, self.encode)
        if len(url) > MAX_URL:
            return None, ("the beacon URL would be " + str(len(url))
                          + " characters, over the limit of " + str(MAX_URL))
        return SendBeacon(url, fields, shown[0], shown[1]), None
