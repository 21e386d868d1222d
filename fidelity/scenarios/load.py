"""Scenarios: the queue at load, and every `_hsq` command after it."""

from fidelity.scenario import OTHER_SITE, Push, Run, Scenario, Wait

EVENT = "['trackCustomBehavioralEvent', {name: 'pe20632911_signup', properties: {plan: 'pro'}}]"
LEGACY = "['trackEvent', {id: 'signup', value: 5}]"
# The shim's duplicate guard looks 2 s back from the automatic view: steps that send a
# view on purpose wait that long first, unless the guard is the point.
AFTER_GUARD = Wait("2200")


def reporting(command, event):
    """A listener that sends what it was given, as a custom event's properties."""
    return ("['%s', function () { window._hsq.push(['trackCustomBehavioralEvent', {name: '%s', "
            "properties: {args: JSON.stringify(Array.from(arguments))}}]); }]" % (command, event))


LOAD = [
    Scenario("load-plain", "A page with the embed tag only: the automatic page view."),
    Scenario("load-legacy-event-queued", "A legacy event queued before the script loads.",
             before=[LEGACY]),
    Scenario("load-custom-event-queued", "A custom event queued before the script loads.",
             before=[EVENT]),
    Scenario("load-function-queued",
             "A function queued before the script, pushing an event when called.",
             before=["function (tracker, hstc) { window._hsq.push(%s); }" % EVENT]),
    Scenario("load-portal-queued", "The page's own setPortalId(999) queued before the script.",
             before=["['setPortalId', 999]"]),
    Scenario("load-pushed-after-script",
             "Two events pushed once the script ran, before the load event.",
             after_script=["['trackCustomBehavioralEvent', {name: 'pe20632911_late', properties: "
                           "{loaded: String(document.readyState === 'complete')}}]",
                           "['trackEvent', {id: 'late', value: 1}]"]),
    Scenario("load-listener-queued",
             "A user-token listener queued before the script, pushing an event when called.",
             before=["['addUserTokenListener', function (utk) { window._hsq.push(['trackEvent', "
                     "{id: 'token', value: utk}]); }]"]),
    Scenario("load-identify-queued", "identify and setPath queued: they ride the first view.",
             before=["['identify', {email: 'ada@example.com', firstname: 'Ada'}]",
                     "['setPath', '/plans?tier=pro']"]),
    Scenario("load-view-queued",
             "A trackPageView queued before the script: HubSpot's documented double view.",
             before=["['trackPageView']"]),
    Scenario("load-page-settings-queued",
             "Content type, page id, canonical URL and content metadata queued before load.",
             before=["['setContentType', 'blog-post']", "['setPageId', 1234]",
                     "['setCanonicalUrl', 'https://www.builder.io/blog/post']",
                     "['setContentMetadata', {contentPageId: 11, contentGroupId: 22, "
                     "languageCode: 'en'}]"]),
    Scenario("load-set-path-twice-queued", "Two setPath calls queued: the last one wins.",
             before=["['setPath', '/a']", "['setPath', '/b?z=1']"]),
    Scenario("load-identify-email-odd-case",
             "identify queued with an email in mixed case, with spaces around it.",
             before=["['identify', {email: ' Ada@Example.COM '}]"]),
    Scenario("load-tracking-domain", "setTrackingDomain to HubSpot's EU host before load.",
             before=["['setTrackingDomain', 'track-eu1.hubspot.com']"]),
    Scenario("load-tracking-disabled", "setTrackingEnabled(false): nothing is sent.",
             before=["['setTrackingEnabled', false]"], steps=[Push(EVENT)]),
    Scenario("load-limit-to-cookie-domains",
             "setLimitTrackingToCookieDomains on a host outside the portal's domains.",
             site=OTHER_SITE, before=["['setLimitTrackingToCookieDomains', true]"]),
]

COMMANDS = [
    Scenario("cmd-spa-views", "A single-page app: pushState, setPath, trackPageView, twice.",
             steps=[AFTER_GUARD, Run("history.pushState({}, '', '/app/one')"),
                    Push("['setPath', '/app/one']"), Push("['trackPageView']"),
                    Run("history.pushState({}, '', '/app/two?tab=2'); document.title = 'Two'"),
                    Push("['setPath', '/app/two?tab=2']"), Push("['trackPageView']")]),
    Scenario("cmd-view-after-load", "A plain trackPageView pushed 2 s after load.",
             steps=[AFTER_GUARD, Push("['trackPageView']")]),
    Scenario("cmd-identify-then-event", "identify after load, then a custom event carries it.",
             steps=[Push("['identify', {email: 'ada@example.com', id: 'u-1'}]"),
                    Push("['identify', {firstname: 'Ada'}]"), Push(EVENT)]),
    Scenario("cmd-identify-values",
             "identify with numbers, booleans, null and odd characters in its values.",
             steps=[Push("['identify', {email: 'a+b@example.com', age: 36, vip: true, "
                         "note: null, city: 'Zürich & Co = 1'}]"), Push(EVENT)]),
    Scenario("cmd-custom-event-values",
             "A custom event's property value types: text, numbers, booleans, empty, arrays.",
             steps=[Push("['trackCustomBehavioralEvent', {name: 'pe20632911_types', properties: {"
                         "s: 'a b&c', n: 42, f: 0.5, big: 1e21, small: 1e-7, yes: true, "
                         "no: false, zero: 0, empty: '', dash: '-', nil: null, "
                         "undef: undefined, list: ['x', 'y'], obj: {k: 1}}}]")]),
    Scenario("cmd-custom-event-long-value", "A custom event property of 1,500 characters.",
             steps=[Push("['trackCustomBehavioralEvent', {name: 'pe20632911_long', "
                         "properties: {text: 'x'.repeat(1500)}}]")]),
    Scenario("cmd-debug-mode", "setDebugMode(true) queued before the script.",
             before=["['setDebugMode', true]"]),
    Scenario("cmd-legacy-event-forms",
             "trackEvent as an object, with a string id, trackConversion.",
             steps=[Push("['trackEvent', {id: 'signup', value: 12.5, plan: 'pro'}]"),
                    Push("['trackEvent', 'download', {value: 3}]"),
                    Push("['trackConversion', {id: 'purchase', value: 99}]")]),
    Scenario("cmd-legacy-event-function-value", "A legacy event whose value is a function.",
             steps=[Push("['trackEvent', {id: 'computed', value: function () { return 7; }}]")]),
    Scenario("cmd-legacy-event-no-value", "A legacy event without a value.",
             steps=[Push("['trackEvent', {id: 'newsletter'}]")]),
    Scenario("cmd-one-shot-beacons", "The form, CTA and feedback beacons (k=12 ... 26).",
             steps=[Push("['trackFormView', 'form-1']"), Push("['trackFormInstall', 'form-1']"),
                    Push("['trackFormVisible', 'form-1']"),
                    Push("['trackFormInteraction', 'form-1']"),
                    Push("['trackFormCompletion', 'form-1']"), Push("['trackCtaView', 'cta-1']"),
                    Push("['trackFeedbackView', 'survey-1']")]),
    Scenario("cmd-one-shot-options",
             "The form, CTA and feedback beacons with their optional arguments.",
             steps=[Push("['trackFormView', 'form-1', 'collector-9', {formVariantId: 'v2', "
                         "leadFlowId: 7, formType: 0}]"),
                    Push("['trackCtaView', 'cta-1', 'placement-2']"),
                    Push("['trackFeedbackView', {surveyType: 'NPS', surveyId: 42}]")]),
    Scenario("cmd-listeners", "Identity, cookie and user-token listeners report their arguments.",
             steps=[Push(reporting("addIdentityListener", "pe_identity")),
                    Push(reporting("addCookieListener", "pe_cookie")),
                    Push(reporting("addUserTokenListener", "pe_token"))]),
    Scenario("cmd-reset-visitor-view",
             "resetVisitor then trackPageView right after load (within the guard's 2 s).",
             steps=[Push("['resetVisitor']"), Push("['trackPageView']")]),
    Scenario("cmd-reset-visitor-event", "identify, resetVisitor, then a custom event.",
             steps=[Push("['identify', {email: 'ada@example.com'}]"), Push("['resetVisitor']"),
                    Push(EVENT)]),
    Scenario("cmd-track-click", "trackClick on a button, then a mousedown on it.",
             steps=[Push("['trackClick', '#buy', 'buy-click']"),
                    Run("document.getElementById('buy').dispatchEvent("
                        "new MouseEvent('mousedown', {bubbles: true}))")]),
    Scenario("cmd-set-path-query-hash", "setPath with a query and a fragment, then a view.",
             steps=[AFTER_GUARD, Push("['setPath', '/docs?x=1#top']"), Push("['trackPageView']")]),
    Scenario("cmd-set-path-relative", "setPath without a leading slash, then a view.",
             steps=[AFTER_GUARD, Push("['setPath', 'docs/intro']"), Push("['trackPageView']")]),
    Scenario("cmd-set-path-no-url-change",
             "A virtual page: setPath and trackPageView, the address unchanged.",
             steps=[AFTER_GUARD, Push("['setPath', '/virtual']"), Push("['trackPageView']")]),
    Scenario("cmd-spa-view-without-set-path",
             "A route change with a new title and no setPath: the view keeps the first path.",
             steps=[AFTER_GUARD, Run("history.pushState({}, '', '/app/x'); document.title = 'X'"),
                    Push("['trackPageView']")]),
    Scenario("cmd-view-after-hash-change", "The fragment changes, then a view.",
             steps=[AFTER_GUARD, Run("location.hash = 'section-2'"), Push("['trackPageView']")]),
    Scenario("cmd-page-settings-after-load",
             "Content type, canonical URL, page id and content metadata set after load, "
             "then a view.",
             steps=[AFTER_GUARD, Push("['setContentType', 'knowledge-article']"),
                    Push("['setCanonicalUrl', 'https://www.builder.io/c']"),
                    Push("['setPageId', 77]"), Push("['setContentMetadata', {contentPageId: 5}]"),
                    Push("['trackPageView']")]),
    Scenario("cmd-portal-after-load", "setPortalId after load, then a view.",
             steps=[AFTER_GUARD, Push("['setPortalId', 555]"), Push("['trackPageView']")]),
    Scenario("cmd-identify-id-only", "identify with an id and no email, then an event.",
             steps=[Push("['identify', {id: 'u-9'}]"), Push(EVENT)]),
    Scenario("cmd-identify-then-view", "identify after load, then a view carries it.",
             steps=[AFTER_GUARD, Push("['identify', {email: 'ada@example.com'}]"),
                    Push("['trackPageView']")]),
    Scenario("cmd-identify-email-change", "Two identify calls with different emails, then an event.",
             steps=[Push("['identify', {email: 'a@example.com'}]"),
                    Push("['identify', {email: 'b@example.com'}]"), Push(EVENT)]),
    Scenario("cmd-identify-long-value", "identify with a 1,200-character value, then an event.",
             steps=[Push("['identify', {email: 'ada@example.com', bio: 'y'.repeat(1200)}]"),
                    Push(EVENT)]),
    Scenario("cmd-legacy-event-value-forms",
             "Legacy events with a text value, a number id and a zero value.",
             steps=[Push("['trackEvent', {id: 'x', value: '12.50'}]"),
                    Push("['trackEvent', {id: 42, value: 1}]"),
                    Push("['trackEvent', {id: 'z', value: 0}]")]),
    Scenario("cmd-custom-event-bare", "Custom events without properties and with empty ones.",
             steps=[Push("['trackCustomBehavioralEvent', {name: 'pe20632911_bare'}]"),
                    Push("['trackCustomBehavioralEvent', {name: 'pe20632911_empty', "
                         "properties: {}}]")]),
    Scenario("cmd-custom-event-odd-keys",
             "A custom event whose property names have spaces, &, = and accents.",
             steps=[Push("['trackCustomBehavioralEvent', {name: 'pe20632911_keys', properties: "
                         "{'a b': 1, 'c&d': 2, 'é': 3, 'x=y': 'q'}}]")]),
    Scenario("cmd-custom-event-plain-name",
             "A custom event whose name is not an internal pe<portal>_ name.",
             steps=[Push("['trackCustomBehavioralEvent', {name: 'clicked_button', "
                         "properties: {a: 1}}]")]),
    Scenario("cmd-reset-visitor-twice", "resetVisitor twice, then an event.",
             steps=[Push("['resetVisitor']"), Push("['resetVisitor']"), Push(EVENT)]),
    Scenario("cmd-cookies-to-subdomain", "setCookiesToSubdomain(true): host-only cookies.",
             before=["['setCookiesToSubdomain', true]"]),
    Scenario("cmd-secure-cookies", "enableSecureCookie: the visitor cookies are Secure.",
             before=["['enableSecureCookie']"]),
]
