"""Host tool: partial matching of beacons against expectations.

Rule: only the fields given are compared. A regex searches, a callable decides, a dict
      is a subset, None means absent, numbers and booleans compare in their wire form.
"""

import re

from shim.core.beacon import scalar_text

ANY = object()                              # a keyword argument that was not given
FIELDS = ("kind", "portal", "path", "previous_path", "url", "title", "referrer", "identity",
          "name", "properties", "consent", "consent_allowed", "visitor", "new_visitor",
          "host", "endpoint", "params")


def value_matches(actual, expected):
    """Partial match: a regex searches, a callable decides, a dict is a subset, None means
    absent, numbers and booleans compare in their wire form ('5', 'true')."""
    if isinstance(expected, re.Pattern):
        return actual is not None and expected.search(str(actual)) is not None
    if callable(expected):
        return bool(expected(actual))
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        return all(key in actual and value_matches(actual[key], value)
                   for key, value in expected.items())
    if expected is None or actual is None:
        return expected is actual
    if isinstance(actual, str) and not isinstance(expected, str):
        return actual == scalar_text(expected)
    return actual == expected


def beacon_matches(beacon, criteria):
    return all(value_matches(getattr(beacon, key), expected)
               for key, expected in criteria.items())


def criteria_of(**fields):
    criteria = {key: value for key, value in fields.items() if value is not ANY}
    unknown = set(criteria) - set(FIELDS)
    if unknown:
        raise TypeError("unknown beacon field(s) %s; known: %s"
                        % (", ".join(sorted(unknown)), ", ".join(FIELDS)))
    return criteria


def describe_criteria(criteria):
    kind = criteria.get("kind", "beacon")
    rest = ", ".join("%s=%s" % (key, value.pattern if isinstance(value, re.Pattern) else repr(value))
                     for key, value in criteria.items() if key != "kind")
    return "%s%s" % (kind if isinstance(kind, str) else repr(kind), " with " + rest if rest else "")


class kind_is:
    """A kind criterion that accepts any of several kinds."""

    def __init__(self, *kinds):
        self.kinds = kinds

    def __call__(self, actual):
        return actual in self.kinds

    def __repr__(self):
        return " or ".join(self.kinds)
