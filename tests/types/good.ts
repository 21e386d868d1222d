// Valid usage of static/hsq-shim.d.ts: this file must type-check (tests/test_types.py).
// It covers every command in the README's Commands table, both queues, the read-back
// record, and the lines the router snippets in docs/routers/ use.
import type { HsqCommand, HsqCommandName, HsqConsent, HsqEntry, HspCommand } from '../../static/hsq-shim';

// Bootstrap, before the script loads (or when an ad-blocker stops it).
const hsq = (window._hsq = window._hsq || []);
const hsp = (window._hsp = window._hsp || []);
var _hsq = (window._hsq = window._hsq || []);  // HubSpot's own bootstrap line

// Router snippets (docs/routers/): the path with its query string, then a page view.
const path = window.location.pathname + window.location.search;
hsq.push(['setPath', path]);
hsq.push(['trackPageView']);
window._hsq.push(['setPath', `/pricing?plan=${'pro'}`]);
_hsq.push(['trackPageView']);

// Page state.
hsq.push(['setPath', '']);
hsq.push(['setContentType', 'standard-page']);
hsq.push(['setCanonicalUrl', 'https://www.example.com/pricing']);
hsq.push(['setPageId', 12345]);
hsq.push(['setPageId', '12345']);
hsq.push(['setContentMetadata', { contentPageId: 1, contentGroupId: '2', languageCode: 'en' }]);
hsq.push(['setTargetedContentMetadata', [[1, 2, 3], ['a', 'b', 'c']]]);
hsq.push(['refreshPageHandlers']);

// Identity and events.
hsq.push(['identify', { email: 'ada@example.com' }]);
hsq.push(['identify', { id: 'ext-1', firstname: 'Ada', age: 36, vip: true, company: null }]);
hsq.push(['trackCustomBehavioralEvent', { name: 'pe123_signup' }]);
hsq.push(['trackCustomBehavioralEvent', {
  name: 'pe123_signup',
  properties: { plan: 'pro', seats: 3, trial: false, coupon: undefined, referrer: null },
}]);
hsq.push(['trackCustomBehavioralEvent', { name: 'pe123_tagged', properties: { tags: ['a', 'b', 1e-7] } }]);
window.__hsUserToken = '0123456789abcdef0123456789abcdef';
hsq.push(['trackEvent', { id: '000000001', value: 20 }]);
hsq.push(['trackEvent', { id: 'clicked-buy', value: '20', color: 'blue' }]);
hsq.push(['trackEvent', 'clicked-buy']);
hsq.push(['trackEvent', 42, { value: 5 }]);
hsq.push(['trackConversion', { id: 'done' }]);
hsq.push(['trackClick', '#buy', 'pe123_buy_clicked']);
hsq.push(['trackClick', 'a.cta', 1234, { url: 'https://www.example.com/pricing' }]);
hsq.push(['trackFormView', 'form-guid']);
hsq.push(['trackFormInstall', 'form-guid']);
hsq.push(['trackFormVisible', 'form-guid']);
hsq.push(['trackFormInteraction', 'form-guid']);
hsq.push(['trackFormCompletion', 'form-guid']);
hsq.push(['trackCtaView', 7]);
hsq.push(['trackFeedbackView', 'survey-1']);
hsq.push(['trackApproveCookieConsent']);
hsq.push(['trackDeclineCookieConsent']);
hsq.push(['trackRevokeCookieConsent']);

// Listeners, with their callback signatures.
hsq.push(['addIdentityListener', (hstc, hssc, hsfp) => {
  const link: string = `?__hstc=${hstc}&__hssc=${hssc}&__hsfp=${hsfp}`;
  console.log(link);
}]);
hsq.push(['addCookieListener', (hstc: string) => console.log(hstc.length)]);
hsq.push(['addUserTokenListener', (utk) => console.log(utk.toUpperCase())]);
hsq.push(['addPageIdListener', (pageId) => console.log(pageId.trim())]);
hsq.push(['addContentTypeListener', (type) => console.log(type.trim())]);
hsq.push(['addContentMetadataListener', (metadata) => console.log(metadata.contentPageId)]);
hsq.push(['addIdentityListener', () => 'a listener may ignore arguments and return anything']);

// Visitor, switches, configuration.
hsq.push(['resetVisitor']);
hsq.push(['resetVisitorIdentity']);
hsq.push(['setTrackingEnabled', false]);
hsq.push(['setLimitTrackingToCookieDomains', true]);
hsq.push(['setDebugMode', true]);
hsq.push(['setPortalId', 123]);
hsq.push(['setPortalId', '123']);
hsq.push(['setTrackingDomain', 'track-eu1.hubspot.com']);
hsq.push(['addCookieDomain', '.example.com']);
hsq.push(['setCookiesToSubdomain', true]);
hsq.push(['enableSecureCookie']);
hsq.push(['doNotTrack']);
hsq.push(['doNotTrack', { track: true }]);

// Consent through _hsq (forwarded to _hsp).
hsq.push(['addPrivacyConsentListener', (consent) => {
  if (consent.categories.analytics && consent.previousCategories.necessary) console.log(consent.allowed);
}]);
hsq.push(['revokeCookieConsent']);

// HubSpot-internal commands (its prelude pushes them): accepted.
hsq.push(['setLegacy', false]);
hsq.push(['embedHubSpotScript', 'https://js.hs-scripts.com/123.js', 'hs-script-loader']);
hsq.push(['enableAutomaticLinker', true]);

// A function entry: called as fn(tracker, hstc); the tracker's push reaches every command.
hsq.push((tracker, hstc) => {
  tracker.push(['identify', { hstc }]);
});
hsq.push(function (this: void, tracker: typeof window._hsq) {
  tracker.push(['trackPageView']);
});

// Commands built apart: typed, or `as const` (readonly tuples are accepted).
const command: HsqCommand = ['setPath', '/built'];
hsq.push(command);
hsq.push(['setPath', '/const'] as const);
const entries: HsqEntry[] = [['trackPageView'], (t) => t.push(['resetVisitor'])];
entries.forEach((entry) => hsq.push(entry));
const name: HsqCommandName = 'trackPageView';
console.log(name);

// push returns the method's result (undefined), not the length.
const result: unknown = hsq.push(['trackPageView']);
console.log(result, hsq.length, hsq[0]);

// _hsp: the privacy queue.
hsp.push(['addPrivacyConsentListener', (consent: HsqConsent) => {
  const { necessary, analytics, advertisement, functionality } = consent.categories;
  console.log(necessary, analytics, advertisement, functionality, consent.allowed);
}]);
hsp.push(['addPrivacySettingsListener', (settings) => {
  if (settings.policy === 'OPT_IN' && settings.gpc) console.log('opt-in with GPC');
}]);
hsp.push(['setHubSpotConsent', { analytics: true, advertisement: false, functionality: true }]);
hsp.push(['setHubSpotConsent', { analytics: true }]);
hsp.push(['revokeCookieConsent']);
hsp.push(['showBanner']);
hsp.push(['addEnabledFeatureGates', []]);
hsp.push(['useV2Wildcard', true]);
const privacy: HspCommand = ['showBanner'];
const accepted: false | undefined | number = window._hsp.push(privacy);
if (accepted === false) console.log('refused');
_hsp.push(['showBanner']);

// The read-back record (absent under HubSpot's own script).
const shim = window.hsqShim;
if (shim && shim.ready) {
  const version: string = shim.version;
  const views = shim.beacons.filter((b) => b.params.k === '1').map((b) => [b.url, b.time, b.params.po]);
  const reasons = shim.ignored.map((i) => `${i.entry}: ${i.reason} at ${i.time}`);
  console.log(version, views, reasons);
}
if (hsqShim !== undefined) console.log(hsqShim.beacons.length);
