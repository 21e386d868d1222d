"""The event commands' own beacon parameters, from their checked arguments (spec §7).

Rule 1: pure functions of the command's arguments; the tracker only sends. A builder
        returns (pairs, problem): pairs None means nothing is sent and `problem` says
        why; pairs with a problem are sent and the problem is recorded (a Skip).
Rule 2: text is cut to beacon.MAX_VALUE, never sent broken; repeated keys of a legacy
        event are merged after the groups are appended (beacon.merge_first_position).
Rule 3: beacon kinds (`k`) are named here, once; the one-shot trackers are one row
        each of SIMPLE_BEACONS. shim.testing.beacons names the kinds for people.
"""

from shim.core.beacon import (MAX_VALUE, cut, has_long_text, is_empty_value, object_pairs, safe_text,
                              scalar_text)

PAGE_VIEW = "1"
LEGACY_EVENT = "3"
# The one-shot trackers: command -> (k, the key their id goes to, or None).
SIMPLE_BEACONS = {
    "trackFormView": ("15", "fi"), "trackFormInstall": ("16", "fi"),
    "trackFormVisible": ("17", "fi"), "trackFormInteraction": ("18", "fi"),
    "trackFormCompletion": ("19", "fi"), "trackCtaView": ("12", "aij"),
    "trackFeedbackView": ("26", "si"), "trackApproveCookieConsent": ("28", None),
    "trackDeclineCookieConsent": ("29", None), "trackRevokeCookieConsent": ("30", None),
}


def simple_pairs(name, args):
    kind, key = SIMPLE_BEACONS[name]
    pairs = [("k", kind)]
    if key is not None:
        pairs.append((key, args[0]))
    return pairs


def custom_event_pairs(event):
    """trackCustomBehavioralEvent({name, properties}) -> n, then `_<key>` per property."""
    name = event["name"] if "name" in event else None
    if type(name) is not str or not name:
        return None, "the event needs a string name"
    pairs = [("n", cut(name))]
    problem = None
    properties = event["properties"] if "properties" in event else None
    if type(properties) is dict:
        if has_long_text(properties):
            problem = "property values over " + str(MAX_VALUE) + " characters are cut"
        keys = list(properties.keys())
        for i in range(len(keys)):
            property_pairs(pairs, keys[i], properties[keys[i]])
    elif properties is not None:
        problem = "properties must be an object; sent without them"
    return pairs, problem


def property_text(value):
    """__ptbe.gif property values: undefined, '', '-', 0 and false become ''."""
    if value is None or value is False or value == 0 or value == "-":
        return ""
    return cut(scalar_text(value))


def property_pairs(pairs, key, value):
    """Append `_<key>=<value>`; an array repeats the key once per item, in order (the
    wire format's arrays, spec §7), and an empty array sends nothing."""
    key = "_" + cut(key)
    if type(value) is list:
        for i in range(len(value)):
            pairs.append((key, property_text(value[i])))
    else:
        pairs.append((key, property_text(value)))


def legacy_event_pairs(args):
    """trackEvent / trackConversion (id, {value...}) or ({id, value...}): every key of the
    event object, then k=3, n=id, m=value (merged by first position when sent). `m` is
    always sent, '' when the value is empty, as HubSpot sends it."""
    first = args[0]
    if type(first) is dict:
        event = dict(first)
    elif type(first) is str or type(first) is int or type(first) is float:
        event = {"id": scalar_text(first)}
        if len(args) > 1 and type(args[1]) is dict:
            event.update(args[1])
    else:
        return None, "the event must be an id or an object with an id"
    event_id = event["id"] if "id" in event else None
    if is_empty_value(event_id):
        return None, "the event needs an id"
    pairs = object_pairs(event)
    pairs.append(("k", LEGACY_EVENT))
    pairs.append(("n", cut(scalar_text(event_id))))
    pairs.append(("m", cut(safe_text(event["value"] if "value" in event else None))))
    return pairs, None


def click_entry(portal_id, event_id):
    """The entry a trackClick binding pushes on click: a custom event for this portal's
    'pe<portal>_' ids, a legacy event otherwise."""
    if portal_id is not None and event_id.startswith("pe" + portal_id + "_"):
        return ["trackCustomBehavioralEvent", {"name": event_id}]
    return ["trackEvent", event_id]
