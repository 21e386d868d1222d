"""Scenarios: entries HubSpot's tracker was never meant to get."""

from fidelity.scenario import Push, Scenario, Wait

BAD = [
    Scenario("bad-identify-string", "identify with a string instead of an object.",
             before=["['identify', 'ada@example.com']"]),
    Scenario("bad-event-without-name", "A custom event without a name.",
             steps=[Push("['trackCustomBehavioralEvent', {properties: {plan: 'pro'}}]")]),
    Scenario("bad-event-properties-string", "A custom event whose properties are a string.",
             steps=[Push("['trackCustomBehavioralEvent', {name: 'pe20632911_s', "
                         "properties: 'abc'}]")]),
    Scenario("bad-event-not-object", "trackCustomBehavioralEvent with a string and with null.",
             steps=[Push("['trackCustomBehavioralEvent', 'signup']"),
                    Push("['trackCustomBehavioralEvent', null]")]),
    Scenario("bad-view-extra-argument", "trackPageView with an argument it does not take.",
             steps=[Wait("2200"), Push("['setPath', '/extra']"),
                    Push("['trackPageView', 'extra']")]),
    Scenario("bad-unknown-methods", "Methods HubSpot's tracker does not have.",
             before=["['setDebug', true]", "['noSuchMethod', 1]"],
             steps=[Push("['showBanner']"), Push("['removeIdentityListener']")]),
    Scenario("bad-non-arrays", "Entries that are not arrays: numbers, text, null, objects, [].",
             before=["42", "'trackPageView'", "null", "{0: 'trackPageView'}", "[]"],
             steps=[Push("undefined"), Push("{}")]),
    Scenario("bad-legacy-event-null", "trackEvent with null: HubSpot's tracker throws.",
             steps=[Push("['trackEvent', null]"), Push("['trackEvent', {id: 'after', value: 1}]")]),
    Scenario("bad-set-path-values", "setPath with a number, then an empty path.",
             steps=[Wait("2200"), Push("['setPath', 42]"), Push("['trackPageView']"),
                    Push("['setPath', '']"), Push("['trackPageView']")]),
]
