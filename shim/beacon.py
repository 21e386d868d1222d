"""Beacon URLs in HubSpot's wire format (spec §7).

Rule 1: parameters appear in HubSpot's order (docs/wire-order.md): the event's own
        (k), then client info, page info, user info, privacy info. Empty values
        ('' and '-', HubSpot's isEmpty) are left out.
Rule 2: `i` (identity) is the identify object serialised as 'k=v&k=v', which the
        query encoding then encodes again: HubSpot double-encodes it.
"""

from shim.codec import encode_query, encode_component

DEFAULT_TRACKING_HOST = "track.hubspot.com"
PAGE_VIEW_PATH = "/__ptq.gif"
JS_VERSION = "1.1"
ALL_CONSENT = "15"          # necessary 1 + analytics 2 + advertisement 4 + functionality 8


def scalar_text(value):
    """JS String(value) for what identify values can be after the adapter's
    conversion (null and undefined both arrive as None and go out as 'null')."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        if value == int(value) and -1e21 < value < 1e21:
            return str(int(value))
        return repr(value)
    if value is None:
        return "null"
    return "[object Object]"


def identity_text(identity, encode=encode_component):
    """{'email': 'a@b.co', 'n': 5} -> 'email=a%40b.co&n=5' (single-encoded).

    As HubSpot: no key is skipped, arrays repeat their key, objects become
    '[object Object]'. The outer query encoding then encodes this string again.
    """
    pairs = []
    keys = list(identity.keys())
    for i in range(len(keys)):
        value = identity[keys[i]]
        if type(value) is list:
            for j in range(len(value)):
                pairs.append((keys[i], scalar_text(value[j])))
        else:
            pairs.append((keys[i], scalar_text(value)))
    return encode_query(pairs, encode)


def add(pairs, key, value):
    """HubSpot's isEmpty guard: '' and '-' are left out."""
    if value and value != "-":
        pairs.append((key, value))


def page_view_fields(portal_id, client, env, path, previous_path, visitor, cookies_saved,
                     identity, encode):
    """The ordered (key, value) pairs of a k=1 page view.

    `identity` is None until identify is first called; after that `i` is always sent,
    even empty, as HubSpot does.
    """
    pairs = [("k", "1")]
    add(pairs, "sd", client.screen)
    add(pairs, "cd", client.color_depth)
    add(pairs, "cs", client.charset)
    add(pairs, "ln", client.language)
    pairs.append(("v", JS_VERSION))
    pairs.append(("a", portal_id))
    add(pairs, "po", path)
    add(pairs, "rpo", previous_path)
    add(pairs, "rcu", env.canonical_url)
    add(pairs, "r", env.referrer)
    add(pairs, "pu", env.url)
    add(pairs, "t", env.title)
    pairs.append(("cts", str(env.now_ms)))
    if identity is not None:
        pairs.append(("i", identity_text(identity, encode)))
    pairs.append(("vi", visitor.utk))
    pairs.append(("nc", "true" if visitor.is_new else "false"))
    if cookies_saved:                   # u, b: only when those cookies exist
        pairs.append(("u", visitor.hstc()))
        pairs.append(("b", visitor.hssc()))
    pairs.append(("cc", ALL_CONSENT))
    return pairs


def beacon_url(base, endpoint, pairs, encode=encode_component):
    return base + endpoint + "?" + encode_query(pairs, encode)
