"""Beacon URLs in HubSpot's wire format (spec §7, docs/wire-order.md).

Rule 1: a beacon is the event's own parameters, then four groups in HubSpot's order:
        client (sd cd cs ln), page (v a pi ct ccu po rpo rcu cpi.. tc r pu t),
        user (cts i rv vi nc u b ce), privacy (cc). Empty values ('' and '-',
        HubSpot's isEmpty) are left out of the groups.
Rule 2: `i` (identity) is the identify object serialised as 'k=v&k=v', which the
        query encoding then encodes again: HubSpot double-encodes it.
Rule 3: when a key repeats (a legacy event object can carry any key), the first
        position wins and the later value replaces it, as JS object assignment does.
Rule 4: the groups are built from explicit facts (page state, visitor, consent,
        client), never from the tracker itself.
"""

from shim.core.codec import encode_component, encode_query
from shim.core.numbers import js_number_text

# Limits (documented in the README, "Reliability"): a text value of an identity, an
# event property or a legacy event is cut to MAX_VALUE characters; a beacon whose URL is
# still longer than MAX_URL is refused. Both are recorded, never sent broken.
MAX_VALUE = 1000
MAX_URL = 8000

DEFAULT_TRACKING_HOST = "track.hubspot.com"
PAGE_VIEW_PATH = "/__ptq.gif"
EVENT_PATH = "/__ptbe.gif"
ERROR_PATH = "/__pto.gif"              # HubSpot reports its JS errors here; the shim does not
CLICK_PATH = "/__ptc.gif"              # clicks and autocapture, per a third-party parser
ENDPOINTS = (PAGE_VIEW_PATH, EVENT_PATH, ERROR_PATH)
# Beacon kinds: `k` on PAGE_VIEW_PATH (spec §7). The tracker sends all but 14.
KINDS = {"1": "page view", "3": "legacy event", "12": "cta view", "14": "email pixel",
         "15": "form view", "16": "form install", "17": "form visible",
         "18": "form interaction", "19": "form completion", "26": "feedback survey view",
         "28": "consent approve", "29": "consent decline", "30": "consent revoke"}
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
    keys = list(mapping.keys())
    for i in range(len(keys)):
        if len(keys[i]) > MAX_VALUE:
            return True
        value = mapping[keys[i]]
        values = value if type(value) is list else [value]
        for j in range(len(values)):
            if type(values[j]) is str and len(values[j]) > MAX_VALUE:
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


def add(pairs, key, value):
    """HubSpot's isEmpty guard: '' and '-' are left out."""
    if value and value != "-":
        pairs.append((key, value))


def append_groups(pairs, env, client, portal_id, page, visitor, cookies_saved, consent_allowed,
                  consent_bits, encode):
    """Append the client, page, user and privacy groups: `page` is the PageState,
    `visitor` the jar's Visitor, consent the tracker's mirror of the _hsp decision."""
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
    if cookies_saved:                   # u, b: only when those cookies exist
        pairs.append(("u", visitor.hstc()))
        pairs.append(("b", visitor.hssc()))
    if not consent_allowed:
        pairs.append(("ce", "false"))
    pairs.append(("cc", str(consent_bits)))
    return pairs


def suppression(do_not_track, tracking_enabled, off_cookie_domains, portal_id):
    """Why no beacon may be sent now, or None (spec §7 'Suppression')."""
    if do_not_track:
        return "doNotTrack is set (__hs_do_not_track=yes)"
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


def event_property_text(value):
    """__ptbe.gif property values: undefined, '', '-', 0 and false become ''."""
    if value is None or value is False or value == 0 or value == "-":
        return ""
    return cut(scalar_text(value))


def event_property_pairs(pairs, key, value):
    """Append `_<key>=<value>`; an array repeats the key once per item, in order (the
    wire format's arrays, spec §7), and an empty array sends nothing."""
    key = "_" + cut(key)
    if type(value) is list:
        for i in range(len(value)):
            pairs.append((key, event_property_text(value[i])))
    else:
        pairs.append((key, event_property_text(value)))


def beacon_url(base, endpoint, pairs, encode=encode_component):
    return base + endpoint + "?" + encode_query(pairs, encode)
