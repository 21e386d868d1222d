"""Scenarios: each consent policy before and after the visitor's decision, revocation,
consent listeners, doNotTrack."""

from fidelity.scenario import (LONG_AGO, Accept, Decline, Push, PushPrivacy, Reload, Scenario,
                               Wait, returning)

EVENT = "['trackCustomBehavioralEvent', {name: 'pe20632911_signup', properties: {plan: 'pro'}}]"
# A decision stored by an earlier visit, as banners write it: the preference cookie
# (read by the shim and by HubSpot's by-category banner) and the legacy opt-in cookies
# banner static-1.3910 reads for OPT_IN.
ACCEPTED = {"__hs_cookie_cat_pref": "1:true,2:true,3:true", "__hs_opt_out": "no",
            "__hs_initial_opt_in": "true"}
DECLINED = {"__hs_cookie_cat_pref": "1:false,2:false,3:false", "__hs_opt_out": "yes"}
ANALYTICS_ONLY = {"__hs_cookie_cat_pref": "1:true,2:false,3:false"}
CONSENT_REPORT = ("['addPrivacyConsentListener', function (consent) { window._hsq.push("
                  "['trackCustomBehavioralEvent', {name: 'pe_consent', properties: "
                  "{consent: JSON.stringify(consent)}}]); }]")

POLICIES = [
    Scenario("policy-cookies-without-banner", "COOKIES_WITHOUT_BANNER: cookies, no banner.",
             policy="COOKIES_WITHOUT_BANNER"),
    Scenario("policy-notify", "NOTIFY: a notice; tracking and cookies as without a banner.",
             policy="NOTIFY"),
    Scenario("policy-no-cookies", "NO_COOKIES: beacons without consent and no cookies.",
             policy="NO_COOKIES", steps=[Push(EVENT)]),
    Scenario("policy-opt-in-undecided", "OPT_IN before any decision.",
             policy="OPT_IN", steps=[Push(EVENT)]),
    Scenario("policy-opt-in-accept", "OPT_IN: the visitor accepts, then reloads.",
             policy="OPT_IN", steps=[Accept(), Reload()]),
    Scenario("policy-opt-in-decline", "OPT_IN: the visitor declines, then reloads.",
             policy="OPT_IN", steps=[Decline(), Reload()]),
    Scenario("policy-opt-in-accepted-earlier", "OPT_IN with an acceptance stored earlier.",
             policy="OPT_IN", cookies=ACCEPTED),
    Scenario("policy-opt-in-preference-only",
             "OPT_IN with only the preference cookie granting all (as later banners store it).",
             policy="OPT_IN", cookies={"__hs_cookie_cat_pref": "1:true,2:true,3:true"}),
    Scenario("policy-opt-in-returning-accepted",
             "OPT_IN, a returning visitor within a session who accepted earlier.",
             policy="OPT_IN", cookies=dict(returning(session=2), **ACCEPTED)),
    Scenario("policy-opt-in-first-visit-long-ago",
             "OPT_IN, a returning visitor who accepted and came first 400 days ago.",
             policy="OPT_IN", cookies=dict(returning(session=2, first=LONG_AGO), **ACCEPTED)),
    Scenario("policy-opt-in-declined-earlier", "OPT_IN with a refusal stored earlier.",
             policy="OPT_IN", cookies=DECLINED),
    Scenario("policy-by-category-undecided", "COOKIES_BY_CATEGORY before any decision.",
             policy="COOKIES_BY_CATEGORY"),
    Scenario("policy-by-category-accept", "COOKIES_BY_CATEGORY: the visitor accepts all.",
             policy="COOKIES_BY_CATEGORY", steps=[Accept(), Push(EVENT)]),
    Scenario("policy-by-category-decline", "COOKIES_BY_CATEGORY: the visitor declines all.",
             policy="COOKIES_BY_CATEGORY", steps=[Decline(), Push(EVENT)]),
    Scenario("policy-by-category-analytics-only",
             "COOKIES_BY_CATEGORY with analytics alone granted earlier.",
             policy="COOKIES_BY_CATEGORY", cookies=ANALYTICS_ONLY),
]

CHANGES = [
    Scenario("consent-set-hubspot-consent",
             "OPT_IN, then the page's own consent manager grants everything (setHubSpotConsent).",
             policy="OPT_IN", steps=[PushPrivacy("['setHubSpotConsent', {analytics: true, "
                                                 "advertisement: true, functionality: true}]"),
                                     Push(EVENT)]),
    Scenario("consent-revoke", "revokeCookieConsent on `_hsq` after load, then an event.",
             steps=[Push("['identify', {email: 'ada@example.com'}]"),
                    Push("['revokeCookieConsent']"), Push(EVENT)]),
    Scenario("consent-revoke-opt-in",
             "OPT_IN accepted earlier, then revokeCookieConsent on `_hsp`.",
             policy="OPT_IN", cookies=ACCEPTED,
             steps=[PushPrivacy("['revokeCookieConsent']"), Push(EVENT)]),
    Scenario("consent-listener", "A consent listener sends the consent object it gets.",
             policy="OPT_IN", cookies=ACCEPTED, steps=[Push(CONSENT_REPORT)]),
    Scenario("consent-listener-queued",
             "A consent listener queued on `_hsp` before the script pushes an event.",
             policy="OPT_IN", cookies=ACCEPTED,
             privacy=["['addPrivacyConsentListener', function (consent) { window._hsq.push("
                      "['trackEvent', {id: 'consent', value: String(consent.allowed)}]); }]"]),
    Scenario("consent-listener-notify", "NOTIFY: a consent listener reports what it gets.",
             policy="NOTIFY", steps=[Push(CONSENT_REPORT)]),
    Scenario("consent-listener-no-cookies", "NO_COOKIES: a consent listener reports what it gets.",
             policy="NO_COOKIES", steps=[Push(CONSENT_REPORT)]),
    Scenario("consent-listener-opt-in-accept",
             "OPT_IN: a consent listener registered before the visitor accepts.",
             policy="OPT_IN", steps=[Push(CONSENT_REPORT), Accept()]),
    Scenario("consent-listener-opt-in-decline",
             "OPT_IN: a consent listener registered before the visitor declines.",
             policy="OPT_IN", steps=[Push(CONSENT_REPORT), Decline()]),
    Scenario("policy-opt-in-accept-then-event", "OPT_IN: the visitor accepts, then an event.",
             policy="OPT_IN", steps=[Accept(), Push(EVENT)]),
    Scenario("policy-opt-in-declined-event", "OPT_IN, refused earlier: an event.",
             policy="OPT_IN", cookies=DECLINED, steps=[Push(EVENT)]),
]

DO_NOT_TRACK = [
    Scenario("dnt-queued", "doNotTrack queued before the script: nothing is sent.",
             before=["['doNotTrack']"], steps=[Push(EVENT)]),
    Scenario("dnt-after-load", "doNotTrack after load, then a view and an event.",
             steps=[Push("['doNotTrack']"), Wait("2200"), Push("['trackPageView']"),
                    Push(EVENT)]),
    Scenario("dnt-track-true", "An opted-out visitor: doNotTrack({track: true}) resumes.",
             cookies={"__hs_do_not_track": "yes"}, before=["['doNotTrack', {track: true}]"]),
    Scenario("dnt-false", "doNotTrack(false) after load: it opts out too.",
             steps=[Push("['doNotTrack', false]"), Push(EVENT)]),
    Scenario("dnt-then-reset-visitor", "doNotTrack, then resetVisitor and an event.",
             steps=[Push("['doNotTrack']"), Push("['resetVisitor']"), Push(EVENT)]),
    Scenario("dnt-queued-after-identify", "identify then doNotTrack queued before the script.",
             before=["['identify', {email: 'ada@example.com'}]", "['doNotTrack']"]),
]
