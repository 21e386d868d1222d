"""The event commands' own beacon parameters, from their checked arguments (spec §7).

Rule 1: pure functions of the command's arguments; the tracker only sends. A builder
        returns (pairs, problem): pairs None means nothing is sent and `problem` says
        why; pairs with a problem are sent and the problem is recorded (a Skip).
Rule 2: text is cut to beacon.MAX_VALUE, never sent broken; repeated keys of a legacy
        event are merged after the groups are appended (beacon.merge_first_position).
Rule 3: beacon kinds (`k`) are named here, once; the one-shot trackers are one row
        each of SIMPLE_BEACONS. shim.testing.beacons names the kinds for people.
Rule 4: the one-shot trackers' parameters are build 1.398's: forms (formId, collectorId
        or options, options) send fi, fci, fvi, lfi, ft; a CTA (ctaId, placementId) sends
        aij='["id","placement"]' and rfc=8; a survey ({surveyType, surveyId}) st and si.
        Their ids are sent empty when missing, as HubSpot sends them.
"""

from shim.core.beacon import (MAX_VALUE, cut, has_long_text, is_empty_value, object_pairs, safe_text,
                              scalar_text)
from shim.core.commands import PageFunction

PAGE_VIEW = "1"
LEGACY_EVENT = "3"
FORM_KINDS = ("15", "16", "17", "18", "19")
CTA_VIEW = "12"
FEEDBACK_VIEW = "26"
# The one-shot trackers: command -> k (Rule 4: which parameters the k's family sends).
SIMPLE_BEACONS = {
    "trackFormView": "15", "trackFormInstall": "16", "trackFormVisible": "17",
    "trackFormInteraction": "18", "trackFormCompletion": "19", "trackCtaView": CTA_VIEW,
    "trackFeedbackView": FEEDBACK_VIEW, "trackApproveCookieConsent": "28",
    "trackDeclineCookieConsent": "29", "trackRevokeCookieConsent": "30",
}


def _option(pairs, options, long_key, key):
    """A form option as HubSpot sends it: options[long_key] || options[key], when set."""
    value = options[long_key] if long_key in options else None
    if is_empty_value(value):
        value = options[key] if key in options else None
    if not is_empty_value(value):
        pairs.append((key, scalar_text(value)))


def simple_pairs(name, args):
    """The one-shot trackers' own parameters (Rule 4); `args` are as given, None when missing."""
    kind = SIMPLE_BEACONS[name]
    pairs = [("k", kind)]
    first = args[0] if len(args) > 0 else None
    second = args[1] if len(args) > 1 else None
    if kind in FORM_KINDS:
        options = args[2] if len(args) > 2 else None
        if type(second) is dict or type(second) is list:    # (formId, options)
            options = second
            second = ""
        options = options if type(options) is dict else {}
        pairs.append(("fi", safe_text(first)))
        if not is_empty_value(second):
            pairs.append(("fci", scalar_text(second)))
        _option(pairs, options, "formVariantId", "fvi")
        _option(pairs, options, "leadFlowId", "lfi")
        form_type = options["formType"] if "formType" in options else None
        if not is_empty_value(form_type) or (type(form_type) is int and form_type == 0):
            pairs.append(("ft", scalar_text(form_type)))
    elif kind == CTA_VIEW:
        pairs.append(("aij", '["' + safe_text(first) + '","' + safe_text(second) + '"]'))
        pairs.append(("rfc", "8"))
    elif kind == FEEDBACK_VIEW:
        survey = first if type(first) is dict else {}
        pairs.append(("st", safe_text(survey["surveyType"] if "surveyType" in survey else None)))
        pairs.append(("si", safe_text(survey["surveyId"] if "surveyId" in survey else None)))
    return pairs


def custom_event_pairs(event):
    """trackCustomBehavioralEvent({name, properties}) -> n, then `_<key>` per property."""
    name = event["name"] if "name" in event else None
    if type(name) is int or type(name) is float or type(name) is bool:
        name = scalar_text(name)            # HubSpot sends a number or boolean as its text
    if type(name) is not str or not name:
        return None, "the event needs a name"
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


def legacy_event_pairs(args, call=None, hstc=""):
    """trackEvent / trackConversion (id, {value...}) or ({id, value...}): every key of the
    event object, then k=3, n=id, m=value (merged by first position when sent). `m` is
    always sent, '' when the value is empty, as HubSpot sends it. A function value is
    called with `hstc` through the injected `call(function, argument)`, as HubSpot does;
    without `call` it stays a function."""
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
    if call is not None and "value" in event and type(event["value"]) is PageFunction:
        event["value"] = call(event["value"].function, hstc)
    pairs = object_pairs(event)
    pairs.append(("k", LEGACY_EVENT))
    pairs.append(("n", cut(scalar_text(event_id))))
    pairs.append(("m", cut(safe_text(event["value"] if "value" in event else None))))
    return pairs, None


def click_entry(portal_id, event_id, options):
    """The entry a trackClick binding pushes on click: a custom event for this portal's
    'pe<portal>_' ids, a legacy event otherwise, with the options' keys (`url`...) after
    its id, as HubSpot sends them."""
    if portal_id is not None and event_id.startswith("pe" + portal_id + "_"):
        return ["trackCustomBehavioralEvent", {"name": event_id}]
    if not options:
        return ["trackEvent", event_id]
    event = {"id": event_id}
    event.update(options)
    return ["trackEvent", event]
