// A full session of `_hsq` / `_hsp` commands with hostile values, for the injection and
// Content-Security-Policy tests of tests/e2e/test_reliability.py. Loaded by the page
// (not evaluated), so it runs under the page's CSP and Trusted Types policy.
window.reliabilitySession = function () {
  'use strict';
  var hostile = '"><script>window.injected = 1</script><img src=x onerror="window.injected = 2">';
  var calls = 0;
  var listener = function () { calls++; };
  var thrown = [];
  var pushes = [
    ['setDebugMode', false],
    ['identify', {email: 'a@b.co; __hstc=evil; path=/', firstname: hostile, 'k=v&x': 'y&z=1'}],
    ['setPath', '/x\r\nSet-Cookie: evil=1'],
    ['trackPageView'],
    ['setPath', hostile],
    ['trackPageView'],
    ['setPath', '/session'],
    ['setTrackingDomain', 'evil.com/x?'],
    ['setTrackingDomain', 'javascript:alert(1)//'],
    ['setContentType', hostile],
    ['setCanonicalUrl', 'javascript:window.injected=3'],
    ['setPageId', hostile],
    ['setContentMetadata', {contentPageId: hostile, contentGroupId: 1}],
    ['setTargetedContentMetadata', [[hostile, 'b', 'c']]],
    ['addCookieDomain', 'evil.com; path=/'],
    ['addCookieDomain', '"><script>'],
    ['addIdentityListener', listener],
    ['addUserTokenListener', listener],
    ['addPageIdListener', listener],
    ['addContentTypeListener', listener],
    ['addContentMetadataListener', listener],
    ['trackPageView'],
    ['trackCustomBehavioralEvent', {name: hostile, properties: {'<b>': hostile, 'a=b&c': 'd;e'}}],
    ['trackEvent', {id: hostile, value: hostile, '<i>': 1}],
    ['trackEvent', 'evt-' + hostile, {value: 2}],
    ['trackConversion', {id: 'conv'}],
    ['trackFormView', hostile],
    ['trackFormCompletion', 'form-1'],
    ['trackCtaView', 'cta-1'],
    ['trackFeedbackView', 'fb-1'],
    ['trackApproveCookieConsent'],
    ['trackClick', 'img[src=x]', 'pe123_click'],
    ['trackClick', '"><script>', 'bad-selector'],
    ['trackClick', '#title', 'title-click', {url: hostile}],
    ['refreshPageHandlers'],
    ['resetVisitor'],
    ['identify', {email: 'b@c.co'}],
    function (tracker, hstc) { tracker.push(['setPath', '/from-function']); },
    ['trackPageView'],
    ['nope', hostile],
    ['embedHubSpotScript', 'https://evil.example/x.js'],
    ['setLegacy', hostile],
    ['setDebugMode', true],
    ['trackPageView'],
    ['setDebugMode', false]
  ];
  var privacy = [
    ['addPrivacyConsentListener', listener],
    ['addPrivacySettingsListener', listener],
    ['setApiBaseUrl', 'https://evil.example/'],
    ['setBannerSettings', {html: hostile}],
    ['setHubSpotConsent', {analytics: true, advertisement: hostile, functionality: true}],
    ['setHubSpotConsent', {analytics: true, advertisement: true, functionality: true}],
    ['showBanner'],
    ['nope', hostile]
  ];
  pushes.forEach(function (entry) {
    try { window._hsq.push(entry); } catch (e) { thrown.push(String(e)); }
  });
  privacy.forEach(function (entry) {
    try { window._hsp.push(entry); } catch (e) { thrown.push(String(e)); }
  });
  var title = document.getElementById('title');
  if (title) title.dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));
  return {thrown: thrown, listenerCalls: calls, injected: window.injected === undefined ? null : window.injected};
};
